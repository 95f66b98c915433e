import { readFileSync } from 'node:fs'

/** The package version, shown by /healthz and the start-up log. */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version
