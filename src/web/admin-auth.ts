/**
 * Guards the admin API (/api/v1/admin/*). A staff API token (`Authorization: Bearer kst_…`, see
 * src/core/console/api-tokens.ts) acts as its staff member with their current role and region;
 * an unknown, revoked or expired token, or one of a disabled account, gets 401 with its code.
 * The shared ADMIN_TOKEN (deprecated, kept for one release) still works as an `admin`, as Bearer or
 * as HTTP Basic password: its first use logs a deprecation warning, and every answer to it carries
 * a `Deprecation` header. Unknown tokens are throttled per client address
 * (ADMIN_FAILURES_PER_WINDOW in 15 minutes, then 429 until the window ends, the right token
 * included) and logged with the address, never with what was presented.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import { authenticateApiToken } from '../core/console/api-tokens.js'
import { createRateLimiter } from '../core/rate-limiter.js'
import type { Db } from '../db/client.js'
import type { StaffRole } from '../vocabulary/staff.js'
import { clientAddress, type TrustedProxy } from './rate-limit.js'

/** Wrong tokens allowed per client address in a 15-minute window. */
export const ADMIN_FAILURES_PER_WINDOW = 10

/**
 * When ADMIN_TOKEN was deprecated (RFC 9745 `Deprecation: @<seconds>`): per-staff tokens replace
 * it; it goes in the release after.
 */
export const ADMIN_TOKEN_DEPRECATED_AT = new Date('2026-12-07T00:00:00Z')

/** Who calls the admin API: their role and region (null: every region), and how the audit log names them. */
export type AdminCaller = { role: StaffRole; region: string | null; actor: string }

/** The admin API's Hono `Variables`: the caller, set by `adminAuth`. */
export type AdminEnv = { Variables: { caller: AdminCaller } }

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
  /** ADMIN_TOKEN (deprecated): the shared token, acting as `admin`. */
  token: string | undefined
  /** Where staff API tokens are looked up; without it (and without ADMIN_TOKEN) the admin routes are disabled. */
  db: Db | undefined
  logger: Logger
  /** The time: tokens' expiry, when they were last used, the throttling window. */
  clock: () => Date
  /** TRUST_PROXY_HEADER / TRUST_PROXY_HOPS: who the client is behind a reverse proxy. */
  proxy?: TrustedProxy | undefined
}

export function adminAuth(deps: AdminAuthDeps): MiddlewareHandler<AdminEnv> {
  const expected = deps.token ? digest(deps.token) : undefined
  const legacyCaller: AdminCaller | undefined = deps.token
    ? { role: 'admin', region: null, actor: adminActor(deps.token) }
    : undefined
  const failures = createRateLimiter({
    limit: ADMIN_FAILURES_PER_WINDOW,
    windowMs: 15 * 60_000,
    now: () => deps.clock().getTime(),
  })
  // Once per process: a script run every minute would otherwise fill the log.
  let warned = false
  // A browser gets its login prompt while ADMIN_TOKEN may be typed there; scripts use Bearer.
  const challenge = expected ? 'Basic realm="kesos-assistant admin", charset="UTF-8"' : 'Bearer realm="kesos-assistant admin API"'
  return async (c, next) => {
    c.header('Cache-Control', 'no-store')
    if (!expected && !deps.db)
      return c.json({ error: { code: 'ADMIN_DISABLED', message: 'Set ADMIN_TOKEN to use the admin pages' } }, 503)
    const client = clientAddress(c, deps.proxy)
    const blocked = failures.wait(client)
    if (blocked > 0) {
      deps.logger.warn({ client, path: c.req.path }, 'admin: request refused, too many wrong tokens from this address')
      c.header('Retry-After', String(blocked))
      return c.json({ error: { code: 'TOO_MANY_ATTEMPTS' } }, 429)
    }
    const given = presented(c.req.header('Authorization'))
    const refuse = (code: string) => {
      c.header('WWW-Authenticate', challenge)
      return c.json({ error: { code } }, 401)
    }
    // No credentials at all is a browser asking for the login prompt, not a guess.
    if (given === undefined) return refuse('UNAUTHORIZED')
    if (expected && legacyCaller && timingSafeEqual(digest(given), expected)) {
      if (!warned) {
        warned = true
        deps.logger.warn(
          { path: c.req.path },
          'admin: ADMIN_TOKEN is deprecated and goes in the next release; give each script a staff API token (npm run cli -- staff token EMAIL --name NAME)',
        )
      }
      c.header('Deprecation', `@${Math.floor(ADMIN_TOKEN_DEPRECATED_AT.getTime() / 1000)}`)
      c.set('caller', legacyCaller)
      return next()
    }
    const found = deps.db ? await authenticateApiToken(deps.db, given, deps.clock()) : undefined
    if (found?.ok) {
      c.set('caller', { role: found.value.role, region: found.value.region, actor: `staff:${found.value.id}` })
      return next()
    }
    const code = found?.error.code ?? 'TOKEN_UNKNOWN'
    // Only an unknown token can be a guess: a revoked or expired one was handed out once.
    if (code === 'TOKEN_UNKNOWN') {
      failures.take(client)
      deps.logger.warn({ client, path: c.req.path }, 'admin: wrong token')
      return refuse('UNAUTHORIZED')
    }
    deps.logger.warn({ client, path: c.req.path, code }, 'admin: token refused')
    return refuse(code)
  }
}

/** 403 FORBIDDEN_ROLE unless the caller has one of `roles`. */
export const allowRoles =
  (...roles: StaffRole[]): MiddlewareHandler<AdminEnv> =>
  async (c, next) => {
    if (!roles.includes(c.get('caller').role))
      return c.json({ error: { code: 'FORBIDDEN_ROLE', message: `this needs the role ${roles.join(' or ')}` } }, 403)
    await next()
  }
