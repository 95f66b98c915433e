/**
 * Stylesheets and the console's one script served from this origin, so the pages' CSP needs no
 * inline style or script. Each address carries a hash of the content (`/assets/verify.css?v=…`),
 * so browsers may keep it for a year and still fetch a changed one at once.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import { CONSOLE_CSS, CONSOLE_LIVE_JS, VERIFY_CSS } from '../project-files.js'

export const STYLESHEET_PATH = '/assets/verify.css'
export const CONSOLE_STYLESHEET_PATH = '/assets/console.css'
export const CONSOLE_SCRIPT_PATH = '/assets/console-live.js'

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b5394"/><path d="M9 17l5 5 9-11" stroke="#fff" stroke-width="4" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>'

/** The file `file`, served at `path` as `type` (long cache for the hashed address): its `href` and route. */
export function hashedAsset(path: string, file: string, type = 'text/css; charset=utf-8') {
  const css = readFileSync(file, 'utf8')
  const version = createHash('sha256').update(css).digest('hex').slice(0, 12)
  const app = new Hono()
  app.get(path, (c) => {
    c.header('Content-Type', type)
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('ETag', `"${version}"`)
    c.header('Cache-Control', c.req.query('v') === version ? 'public, max-age=31536000, immutable' : 'no-cache')
    if (c.req.header('If-None-Match') === `"${version}"`) return c.body(null, 304)
    return c.body(css)
  })
  return { href: `${path}?v=${version}`, app }
}

/** The verification page's stylesheet, and the favicon. */
export function verifyStylesheet() {
  const stylesheet = hashedAsset(STYLESHEET_PATH, VERIFY_CSS)
  // Browsers ask for /favicon.ico on every visit: a small icon from this origin (allowed by the CSP).
  stylesheet.app.get('/favicon.ico', (c) => {
    c.header('Content-Type', 'image/svg+xml')
    c.header('Cache-Control', 'public, max-age=86400')
    return c.body(FAVICON)
  })
  return stylesheet
}

let consoleSheet: ReturnType<typeof hashedAsset> | undefined
let consoleLive: ReturnType<typeof hashedAsset> | undefined

/** The console's script (the live thread of Percakapan; read once, on first use). */
export function consoleScript() {
  consoleLive ??= hashedAsset(CONSOLE_SCRIPT_PATH, CONSOLE_LIVE_JS, 'text/javascript; charset=utf-8')
  return consoleLive
}

/** The console's stylesheet (read once, on first use); its `app` serves the console's script too. */
export function consoleStylesheet() {
  if (!consoleSheet) {
    consoleSheet = hashedAsset(CONSOLE_STYLESHEET_PATH, CONSOLE_CSS)
    consoleSheet.app.route('/', consoleScript().app)
  }
  return consoleSheet
}
