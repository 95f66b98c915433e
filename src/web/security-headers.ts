/**
 * The security headers of the public verification page and API (what hono/secure-headers sets by
 * default, with a strict CSP, no referrer and no framing), as plain objects made once. The routes
 * put them straight into their Response: @hono/node-server then writes them with the body in one
 * go, without a Headers object and without turning the body into a stream, which a middleware
 * changing the headers after the handler would cost on every request. The app's not-found and
 * error handlers add them (`securityHeadersFor`) to every other answer under those paths, and
 * `secured` to the routes off the hot path (the form, its redirects).
 */
import type { MiddlewareHandler } from 'hono'

export type HeaderRecord = Readonly<Record<string, string>>

/** hono/secure-headers' defaults, but X-Frame-Options: DENY and Referrer-Policy: no-referrer. */
const COMMON = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  // The QR link's signature is in its address: it must not travel on to another site.
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
}

/** The API: nothing to load, never framed, never kept by a cache (a status can change at any moment). */
export const API_SECURITY: HeaderRecord = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  ...COMMON,
})

/** The page: no script at all, styles and images from this origin only, forms posted here only. */
export const PAGE_SECURITY: HeaderRecord = Object.freeze({
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  ...COMMON,
})

/**
 * The secretariat console: the page's policy plus its own script (console-live.js, from this
 * origin: no inline script) and its live thread's event stream (`connect-src 'self'`); never kept
 * by a cache (personal data, per-session forms).
 */
export const CONSOLE_SECURITY: HeaderRecord = Object.freeze({
  ...PAGE_SECURITY,
  'content-security-policy':
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
})

/** A path and everything under it, as Hono's `/path/*` matches: `/path`, `/path/`, `/path/…`. */
export type SecuredPath = { prefix: string; headers: HeaderRecord }

/** The headers for `path`, if it is under one of `paths`. */
export function securityHeadersFor(paths: readonly SecuredPath[], path: string): HeaderRecord | undefined {
  for (const { prefix, headers } of paths)
    if (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47)) return headers
  return undefined
}

/** Sets `headers` on whatever the next handlers answer (for the routes off the hot path). */
export function secured(headers: HeaderRecord): MiddlewareHandler {
  return async (c, next) => {
    await next()
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value)
  }
}
