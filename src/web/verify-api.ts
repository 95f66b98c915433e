/**
 * GET /api/v1/certificates/<number>: a certificate's public record as JSON, the holder's name
 * masked. 400 INVALID_NUMBER, 404 CERT_NOT_FOUND, 429 RATE_LIMITED (with Retry-After).
 */
import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { maskName } from '../core/certificates/verify.js'
import { type ClientEnv, rateLimit } from './rate-limit.js'
import { auditedLookUp, type VerifyRouteDeps } from './verify-lookup.js'

export function verifyApi(deps: VerifyRouteDeps) {
  const app = new Hono<ClientEnv>()
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      referrerPolicy: 'no-referrer',
      xFrameOptions: 'DENY',
    }),
    async (c, next) => {
      // A status can change (revocation) at any moment: never answer from a cache.
      c.header('Cache-Control', 'no-store')
      await next()
    },
    rateLimit(deps.limiter, {
      trustProxy: deps.trustProxy,
      limited: (c) => c.json({ error: { code: 'RATE_LIMITED' } }, 429),
    }),
  )

  app.get('/:number', (c) => {
    const lookup = auditedLookUp(deps, c.req.param('number'), { channel: 'api', client: c.get('client') })
    if (lookup.kind === 'invalid') return c.json({ error: { code: 'INVALID_NUMBER' } }, 400)
    if (lookup.kind === 'not-found') return c.json({ error: { code: 'CERT_NOT_FOUND' } }, 404)
    const { certificate, status } = lookup
    return c.json({
      number: certificate.displayNumber,
      holderName: maskName(certificate.holderName),
      scheme: certificate.scheme,
      level: certificate.level,
      issuer: certificate.issuer,
      issuedAt: certificate.issuedAt,
      expiresAt: certificate.expiresAt,
      status,
      // A reason belongs to a revocation or suspension, not to a lapse by date.
      statusReason: status === 'revoked' || status === 'suspended' ? certificate.statusReason : null,
    })
  })

  return app
}
