/**
 * GET /api/v1/certificates/<number>: a certificate's public record as JSON, the holder's name
 * masked. 400 INVALID_NUMBER, 404 CERT_NOT_FOUND, 429 RATE_LIMITED (with Retry-After).
 *
 * One synchronous handler, no middleware: the rate limit, the audited lookup and the security
 * headers (a plain object, see security-headers.ts) are all here, so Hono answers it without
 * composing promises and @hono/node-server writes the answer without a Headers object. Anything
 * else under /api/v1/certificates gets the same headers from the app's not-found and error handlers.
 */
import { Hono } from 'hono'
import { maskName } from '../core/certificates/verify.js'
import { clientAddress } from './rate-limit.js'
import { API_SECURITY } from './security-headers.js'
import { auditedLookUp, type VerifyRouteDeps } from './verify-lookup.js'

const JSON_HEADERS = Object.freeze({ ...API_SECURITY, 'content-type': 'application/json' })

const INVALID_NUMBER = JSON.stringify({ error: { code: 'INVALID_NUMBER' } })
const CERT_NOT_FOUND = JSON.stringify({ error: { code: 'CERT_NOT_FOUND' } })
const RATE_LIMITED = JSON.stringify({ error: { code: 'RATE_LIMITED' } })

const answer = (status: number, body: string, headers: Readonly<Record<string, string>> = JSON_HEADERS) =>
  new Response(body, { status, headers })

export function verifyApi(deps: VerifyRouteDeps) {
  const app = new Hono()

  app.get('/:number', (c) => {
    const client = clientAddress(c, deps.trustProxy)
    const wait = deps.limiter.take(client)
    if (wait > 0) return answer(429, RATE_LIMITED, { ...JSON_HEADERS, 'retry-after': String(wait) })
    const lookup = auditedLookUp(deps, c.req.param('number'), { channel: 'api', client })
    if (lookup.kind === 'invalid') return answer(400, INVALID_NUMBER)
    if (lookup.kind === 'not-found') return answer(404, CERT_NOT_FOUND)
    const { certificate, status } = lookup
    return answer(
      200,
      JSON.stringify({
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
      }),
    )
  })

  return app
}
