/** What the verification page and API share: their dependencies, and a lookup that is audited. */
import type { LookupAudit, LookupEntry } from '../core/certificates/lookup-audit.js'
import { dayInJakarta, type Lookup, lookUpInTurn } from '../core/certificates/verify.js'
import type { RateLimiter } from '../core/rate-limiter.js'
import type { Db } from '../db/client.js'
import type { TrustedProxy } from './rate-limit.js'

export type VerifyDeps = {
  db: Db
  /** CERT_SIGNING_KEY: checks the signature of the QR links (/v/<number>?k=…&s=…). */
  signingKey: string
  /** CERT_SIGNING_KEY_PREVIOUS: earlier keys, whose links (printed QR codes) still verify. */
  previousSigningKeys?: readonly string[]
  /** Where every lookup is recorded; without it nothing is. */
  audit?: LookupAudit
  /** VERIFY_RATE_LIMIT_PER_MINUTE: page and API lookups per client and minute, together. */
  ratePerMinute: number
  /** PUBLIC_BASE_URL: the address printed under a result; else a relative one (never the request's Host). */
  publicBaseUrl?: string
}

/** The dependencies as the routes use them, with one limiter for the page and the API. */
export type VerifyRouteDeps = VerifyDeps & {
  /** The web layer's clock in milliseconds (expiry by date, "checked on"). */
  clock: () => number
  limiter: RateLimiter
  /** The app's TRUST_PROXY_HEADER / TRUST_PROXY_HOPS: the header the reverse proxy writes the client's address into. */
  proxy?: TrustedProxy | undefined
}

/**
 * Looks `typed` up with the other lookups of this turn (see src/db/lookup-batch.ts) and records the
 * lookup (number and outcome, never what else was typed).
 */
export async function auditedLookUp(
  deps: VerifyRouteDeps,
  typed: string,
  channel: LookupEntry['channel'],
  client: string,
  signature?: LookupEntry['signature'],
): Promise<Lookup> {
  const lookup = await lookUpInTurn(deps.db, typed, dayInJakarta(deps.clock()))
  if (deps.audit) {
    const entry: LookupEntry =
      lookup.kind === 'found'
        ? { channel, client, number: lookup.certificate.number, outcome: lookup.status }
        : { channel, client, number: lookup.kind === 'not-found' ? lookup.number : undefined, outcome: lookup.kind }
    if (signature) entry.signature = signature
    deps.audit.record(entry)
  }
  return lookup
}
