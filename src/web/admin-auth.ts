/**
 * Guards the admin pages and API with ADMIN_TOKEN: `Authorization: Bearer <token>` for scripts,
 * or HTTP Basic with the token as password (any user name) so a browser shows its login prompt.
 * Compared in constant time; without ADMIN_TOKEN every admin route answers 503 ADMIN_DISABLED.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'

const digest = (value: string) => createHash('sha256').update(value).digest()

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

export function adminAuth(token: string | undefined): MiddlewareHandler {
  const expected = token ? digest(token) : undefined
  return async (c, next) => {
    c.header('Cache-Control', 'no-store')
    if (!expected) return c.json({ error: { code: 'ADMIN_DISABLED', message: 'Set ADMIN_TOKEN to use the admin pages' } }, 503)
    const given = presented(c.req.header('Authorization'))
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      c.header('WWW-Authenticate', 'Basic realm="kesos-assistant admin", charset="UTF-8"')
      return c.json({ error: { code: 'UNAUTHORIZED' } }, 401)
    }
    await next()
  }
}
