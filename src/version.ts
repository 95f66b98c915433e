import { readFileSync } from 'node:fs'
import { PACKAGE_JSON } from './project-files.js'

/** The package version, shown by /healthz and the start-up log. */
export const VERSION: string = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')).version
