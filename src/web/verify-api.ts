/**
 * GET /api/v1/certificates/<number>: a certificate's public record as JSON, the holder's name
 * masked. 400 INVALID_NUMBER, 404 CERT_NOT_FOUND, 429 RATE_LIMITED (with Retry-After).
 *
 * One handler, no middleware: the rate limit, the audited lookup (answered with the other lookups of
 * the same turn of the event loop, see src/db/lookup-batch.ts) and the security headers (a plain object,
 * see security-headers.ts) are all here, so Hono answers it without composing middleware and
 * @hono/node-server writes the answer without a Headers object. Anything else under
 * /api/v1/certificates gets the same headers from the app's not-found and error handlers.
 */
import { Hono } from 'hono'
import { type Lookup, maskName, type PublicCertificate, type VerifiedStatus } from '../core/certificates/verify.js'
import { clientAddress } from './rate-limit.js'
import { API_SECURITY } from './security-headers.js'
import { auditedLookUp, type VerifyRouteDeps } from './verify-lookup.js'

const JSON_HEADERS = Object.freeze({ ...API_SECURITY, 'content-type': 'application/json' })

const INVALID_NUMBER = JSON.stringify({ error: { code: 'INVALID_NUMBER' } })
const CERT_NOT_FOUND = JSON.stringify({ error: { code: 'CERT_NOT_FOUND' } })
const RATE_LIMITED = JSON.stringify({ error: { code: 'RATE_LIMITED' } })

const answer = (status: number, body: string, headers: Readonly<Record<string, string>> = JSON_HEADERS) =>
  new Response(body, { status, headers })

/** A string or null as JSON.stringify writes it. */
const json = (value: string | null) => (value === null ? 'null' : JSON.stringify(value))

/**
 * The public record, as JSON.stringify would write the object {number, holderName, scheme, level,
 * issuer, issuedAt, expiresAt, status, statusReason}, without making that object first.
 */
function record(certificate: PublicCertificate, status: VerifiedStatus): string {
  // A reason belongs to a revocation or suspension, not to a lapse by date.
  const reason = status === 'revoked' || status === 'suspended' ? certificate.statusReason : null
  return `{"number":${json(certificate.displayNumber)},"holderName":${json(maskName(certificate.holderName))},"scheme":${json(certificate.scheme)},"level":${json(certificate.level)},"issuer":${json(certificate.issuer)},"issuedAt":${json(certificate.issuedAt)},"expiresAt":${json(certificate.expiresAt)},"status":"${status}","statusReason":${json(reason)}}`
}

/** The answer to a lookup: 200 with the record, 404 not found, 400 not a number. */
function respond(lookup: Lookup): Response {
  if (lookup.kind === 'invalid') return answer(400, INVALID_NUMBER)
  if (lookup.kind === 'not-found') return answer(404, CERT_NOT_FOUND)
  return answer(200, record(lookup.certificate, lookup.status))
}

export function verifyApi(deps: VerifyRouteDeps) {
  const app = new Hono()

  app.get('/:number', (c): Response | Promise<Response> => {
    const client = clientAddress(c, deps.proxy)
    const wait = deps.limiter.take(client)
    if (wait > 0) return answer(429, RATE_LIMITED, { ...JSON_HEADERS, 'retry-after': String(wait) })
    return auditedLookUp(deps, c.req.param('number'), 'api', client).then(respond)
  })

  return app
}
