/**
 * Guards the admin pages and API with ADMIN_TOKEN: `Authorization: Bearer <token>` for scripts,
 * or HTTP Basic with the token as password (any user name) so a browser shows its login prompt.
 * Compared in constant time; without ADMIN_TOKEN every admin route answers 503 ADMIN_DISABLED.
 * Wrong tokens are throttled per client address (ADMIN_FAILURES_PER_WINDOW in 15 minutes, then
 * 429 until the window ends, the right token included) and logged with the address, never with
 * what was presented.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import { createRateLimiter } from '../core/rate-limiter.js'
import { clientAddress, type TrustedProxy } from './rate-limit.js'

/** Wrong tokens allowed per client address in a 15-minute window. */
export const ADMIN_FAILURES_PER_WINDOW = 10

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * Names the admin token in audit records without revealing it: "admin-token:" and the first 8 hex
 * digits of its SHA-256, so a record says which token was used and a rotation shows.
 */
export const adminActor = (token: string) => `admin-token:${digest(token).toString('hex').slice(0, 8)}`

function presented(header: string | undefined): string | undefined {
  if (!header) return undefined
  const [scheme, value = ''] = header.split(' ', 2)
  if (scheme?.toLowerCase() === 'bearer') return value.trim()
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value.trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon >= 0 ? decoded.slice(colon + 1) : undefined
  }
  return undefined
}

export type AdminAuthDeps = {
  /** ADMIN_TOKEN; without it the admin routes are disabled. */
  token: string | undefined
  logger: Logger
  /** Milliseconds since the epoch: the throttling window. */
  now: () => number
  /** TRUST_PROXY_HEADER / TRUST_PROXY_HOPS: who the client is behind a reverse proxy. */
  proxy?: TrustedProxy | undefined
}

export function adminAuth(deps: AdminAuthDeps): MiddlewareHandler {
  const expected = deps.token ? digest(deps.token) : undefined
  const failures = createRateLimiter({ limit: ADMIN_FAILURES_PER_WINDOW, windowMs: 15 * 60_000, now: deps.now })
  return async (c, next) => {
    c.header('Cache-Control', 'no-store')
    if (!expected) return c.json({ error: { code: 'ADMIN_DISABLED', message: 'Set ADMIN_TOKEN to use the admin pages' } }, 503)
    const client = clientAddress(c, deps.proxy)
    const blocked = failures.wait(client)
    if (blocked > 0) {
      deps.logger.warn({ client, path: c.req.path }, 'admin: request refused, too many wrong tokens from this address')
      c.header('Retry-After', String(blocked))
      return c.json({ error: { code: 'TOO_MANY_ATTEMPTS' } }, 429)
    }
    const given = presented(c.req.header('Authorization'))
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      // No credentials at all is a browser asking for the login prompt, not a guess.
      if (given !== undefined) {
        failures.take(client)
        deps.logger.warn({ client, path: c.req.path }, 'admin: wrong token')
      }
      c.header('WWW-Authenticate', 'Basic realm="kesos-assistant admin", charset="UTF-8"')
      return c.json({ error: { code: 'UNAUTHORIZED' } }, 401)
    }
    await next()
  }
}
