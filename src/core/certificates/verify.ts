/**
 * Certificate verification, the same for the web page, the API and the chat: certificate numbers
 * as people type them, the status a reader is told (valid, expired by date, revoked, suspended),
 * the holder's name masked, whether a typed name matches without revealing it, and the signature
 * of the link printed as a QR code on the certificate.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { Db } from '../../db/client.js'
import { onPostgres } from '../../db/dialect.js'
import { readInTurn } from '../../db/lookup-batch.js'
import {
  type PublicCertificate,
  publicCertificateByNumber,
  publicCertificateNow,
  publicCertificatesByNumbers,
} from '../../db/queries/certificates.js'
import { formatIsoDay } from '../text/dates.js'

// The web layer shows the public record a lookup found: its type comes with the lookup.
export type { PublicCertificate }

/** What a reader is told. */
export type VerifiedStatus = 'valid' | 'expired' | 'revoked' | 'suspended'

/**
 * A certificate number as stored: upper case, without spaces, dashes, dots or slashes, which people
 * type in every combination ("demo-lsps 2024/00009"). Undefined when it cannot be one.
 */
export function normalizeNumber(input: string): string | undefined {
  const plain = plainNumber(input)
  if (plain !== null) return plain
  const number = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐-―−./_]/g, '')
  return /^[A-Z0-9]{4,40}$/.test(number) && /\d/.test(number) ? number : undefined
}

/**
 * `normalizeNumber` for what is typed in plain ASCII (nearly everything), in one pass without
 * regular expressions: NFKC leaves ASCII as it is, so the result is the same. Null when `input`
 * holds anything else, for the general way to decide.
 */
function plainNumber(input: string): string | undefined | null {
  let number = ''
  let digit = false
  let lower = false
  // The start of the run of letters and digits being read, -1 between runs.
  let from = -1
  for (let i = 0; i < input.length; i++) {
    const code = input.charCodeAt(i)
    if (code >= 48 && code <= 57) digit = true
    else if (code >= 97 && code <= 122) lower = true
    else if (!(code >= 65 && code <= 90)) {
      // Left out: white space (\t \n \v \f \r and the space), - . / and _.
      if (!((code >= 9 && code <= 13) || code === 32 || code === 45 || code === 46 || code === 47 || code === 95))
        return code < 128 ? undefined : null
      if (from >= 0) {
        number += input.slice(from, i)
        from = -1
      }
      continue
    }
    if (from < 0) from = i
  }
  if (from >= 0) number = number === '' ? input.slice(from) : number + input.slice(from)
  if (lower) number = number.toUpperCase()
  return number.length >= 4 && number.length <= 40 && digit ? number : undefined
}

/** The status on `today` (YYYY-MM-DD): revoked and suspended first, then expiry by date. */
export function statusOf(certificate: Pick<PublicCertificate, 'status' | 'expiresAt'>, today: string): VerifiedStatus {
  if (certificate.status === 'revoked') return 'revoked'
  if (certificate.status === 'suspended') return 'suspended'
  return certificate.expiresAt < today ? 'expired' : 'valid'
}

/**
 * "Siti Rahmawati Nasution" → "Sit… Rah… Nas…": enough to recognise the holder, not to learn the
 * name, nor how long each word is (one star per hidden letter told that, and narrowed a guess).
 * Words of up to three letters show one ("I Made" → "I… Mad…").
 */
export function maskName(name: string): string {
  let out = ''
  for (const word of name.trim().split(/\s+/)) {
    if (word === '') continue
    // Letters are counted as code points; without surrogate pairs those are the string's own units.
    const letters = /[\uD800-\uDFFF]/.test(word) ? Array.from(word) : word
    const head = letters.slice(0, letters.length <= 3 ? 1 : 3)
    out += `${out === '' ? '' : ' '}${typeof head === 'string' ? head : head.join('')}…`
  }
  return out
}

const comparable = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}]/gu, '')

/** Whether a typed full name is the holder's (case, spaces, punctuation and accents ignored). */
export function nameMatches(typed: string, holder: string): boolean {
  const a = comparable(typed)
  return a.length > 0 && a === comparable(holder)
}

/** The signature of a certificate's QR link: HMAC-SHA256 of the stored number, base64url, 22 chars. */
export function signNumber(number: string, key: string): string {
  return createHmac('sha256', key).update(`cert:${number}`).digest('base64url').slice(0, 22)
}

function signatureValid(number: string, signature: string, key: string): boolean {
  const expected = Buffer.from(signNumber(number, key))
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** CERT_SIGNING_KEY, which signs new links, and CERT_SIGNING_KEY_PREVIOUS, which only verifies the links they signed. */
export type SigningKeys = { current: string; previous: readonly string[] }

/**
 * Which key signed a link, in 4 characters (base64url of a hash of the key): printed in the link
 * (`k=`), so that after a rotation the page checks the link against the key that signed it.
 */
export function signingKeyId(key: string): string {
  return createHash('sha256').update(`kesos signing key id:${key}`).digest('base64url').slice(0, 4)
}

/** The query of a certificate's signed link: the key's id, then the signature. */
export function signedQuery(number: string, key: string): string {
  return `k=${signingKeyId(key)}&s=${signNumber(number, key)}`
}

/** The link printed as a QR code on a certificate: the page, with the signing key's id and the number's signature. */
export function signedLink(baseUrl: string, number: string, signingKey: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v/${encodeURIComponent(number)}?${signedQuery(number, signingKey)}`
}

/** A file name for a certificate's QR code from its number as printed ("123/SK/2024" → "123_SK_2024"). */
export const qrFileName = (displayNumber: string) =>
  displayNumber.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'sertifikat'

/**
 * Whether `signature` is a genuine signature of `number` by the key named `keyId`, or, for a link
 * printed before links named their key (no `keyId`), by any of the keys.
 */
export function linkSignatureValid(number: string, signature: string, keyId: string | undefined, keys: SigningKeys): boolean {
  const all = [keys.current, ...keys.previous]
  return all.some((key) => (keyId === undefined || signingKeyId(key) === keyId) && signatureValid(number, signature, key))
}

export type Lookup =
  | { kind: 'invalid' }
  | { kind: 'not-found'; number: string }
  | { kind: 'found'; certificate: PublicCertificate; status: VerifiedStatus }

/** Looks a typed number up. `today` is the reader's calendar day (YYYY-MM-DD, Jakarta time). */
export async function lookUp(db: Db, typed: string, today: string): Promise<Lookup> {
  const number = normalizeNumber(typed)
  return lookupOf(number, number ? await publicCertificateByNumber(db, number) : undefined, today)
}

/**
 * Looks a typed number up (as `lookUp`) together with the other lookups of this turn of the event
 * loop (the web page and the API, see src/db/lookup-batch.ts): answered in the order asked. On
 * PostgreSQL the numbers asked in one turn are looked up in one query (`lookUpTogether`).
 */
export function lookUpInTurn(db: Db, typed: string, today: string): Promise<Lookup> {
  if (onPostgres(db)) return lookUpTogether(db, normalizeNumber(typed), today)
  const number = normalizeNumber(typed)
  return readInTurn(
    db,
    (db) => lookupOf(number, number ? publicCertificateNow(db, number) : undefined, today),
    number !== undefined,
  )
}

type Asked = { number: string | undefined; today: string; resolve: (lookup: Lookup) => void; reject: (error: unknown) => void }
const asked = new WeakMap<Db, Asked[]>()
/** Lookups in one query at most; a longer queue is answered in several. */
const MAX_TOGETHER = 256

/**
 * PostgreSQL: the lookups asked in one turn of the event loop go to the server as one query (one
 * round trip instead of one each), and are answered in the order asked, so their callers (the
 * lookup audit) continue in that order too.
 */
function lookUpTogether(db: Db, number: string | undefined, today: string): Promise<Lookup> {
  return new Promise<Lookup>((resolve, reject) => {
    let queue = asked.get(db)
    if (!queue) {
      queue = []
      asked.set(db, queue)
      setImmediate(() => {
        asked.delete(db)
        void answerTogether(db, queue as Asked[])
      })
    }
    queue.push({ number, today, resolve, reject })
  })
}

async function answerTogether(db: Db, queue: Asked[]): Promise<void> {
  for (let at = 0; at < queue.length; at += MAX_TOGETHER) {
    const batch = queue.slice(at, at + MAX_TOGETHER)
    const numbers = [...new Set(batch.flatMap((one) => (one.number ? [one.number] : [])))]
    try {
      const found = numbers.length > 0 ? await publicCertificatesByNumbers(db, numbers) : new Map<string, PublicCertificate>()
      for (const one of batch) one.resolve(lookupOf(one.number, one.number ? found.get(one.number) : undefined, one.today))
    } catch (error) {
      for (const one of batch) one.reject(error)
    }
  }
}

/** What a lookup of `number` (undefined: what was typed cannot be one) found. */
function lookupOf(number: string | undefined, certificate: PublicCertificate | undefined, today: string): Lookup {
  if (!number) return { kind: 'invalid' }
  if (!certificate) return { kind: 'not-found', number }
  return { kind: 'found', certificate, status: statusOf(certificate, today) }
}

let lastDay = { minute: Number.NaN, day: '' }
/**
 * Today in Indonesia's western zone, as YYYY-MM-DD (expiry dates are calendar days). The zone is a
 * whole number of hours from UTC, so the day can only change on a minute: the last one is kept.
 */
export const todayInJakarta = (now: Date) => dayInJakarta(now.getTime())

/** `todayInJakarta` for a time in milliseconds (no Date is made unless the minute changed). */
export function dayInJakarta(ms: number): string {
  const minute = Math.floor(ms / 60_000)
  if (minute !== lastDay.minute) lastDay = { minute, day: formatIsoDay(ms, 'Asia/Jakarta') }
  return lastDay.day
}
