/**
 * The files the program reads at run time, found from this module's own place: it lies directly
 * in src/ when run from source, and its code lies directly in dist/ when built (scripts/build.ts
 * writes every output file there), so the project is one level up either way.
 */
import { fileURLToPath } from 'node:url'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export const PACKAGE_JSON = here('../package.json')
export const MIGRATIONS_FOLDER = here('../migrations')
/** PostgreSQL's migrations, beside SQLite's (whose migrator reads only the files its journal lists). */
export const PG_MIGRATIONS_FOLDER = here('../migrations/pg')
/** Copied beside the built code by the build. */
export const VERIFY_CSS = here('./web/verify.css')
/** The secretariat console's stylesheet, copied beside the built code by the build. */
export const CONSOLE_CSS = here('./web/console/console.css')
/** The console's script (Percakapan's live thread), copied beside the built code by the build. */
export const CONSOLE_LIVE_JS = here('./web/console/console-live.js')
