/**
 * Certificate verification, the same for the web page, the API and the chat: certificate numbers
 * as people type them, the status a reader is told (valid, expired by date, revoked, suspended),
 * the holder's name masked, whether a typed name matches without revealing it, and the signature
 * of the link printed as a QR code on the certificate.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { certificates } from '../../db/schema.js'

export type CertificateRow = typeof certificates.$inferSelect

/** What a reader is told. */
export type VerifiedStatus = 'valid' | 'expired' | 'revoked' | 'suspended'

/**
 * A certificate number as stored: upper case, without spaces, dashes, dots or slashes, which people
 * type in every combination ("demo-lsps 2024/00009"). Undefined when it cannot be one.
 */
export function normalizeNumber(input: string): string | undefined {
  const number = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐-―−./_]/g, '')
  return /^[A-Z0-9]{4,40}$/.test(number) && /\d/.test(number) ? number : undefined
}

/** The status on `today` (YYYY-MM-DD): revoked and suspended first, then expiry by date. */
export function statusOf(certificate: CertificateRow, today: string): VerifiedStatus {
  if (certificate.status === 'revoked') return 'revoked'
  if (certificate.status === 'suspended') return 'suspended'
  return certificate.expiresAt < today ? 'expired' : 'valid'
}

/** "Siti Rahmawati Nasution" → "Sit* Rah******* Nas*****": enough to recognise, not to learn. */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((word) => {
      const letters = [...word]
      return letters.length <= 3
        ? `${letters[0] ?? ''}${'*'.repeat(Math.max(0, letters.length - 1))}`
        : `${letters.slice(0, 3).join('')}${'*'.repeat(letters.length - 3)}`
    })
    .join(' ')
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

export function signatureValid(number: string, signature: string, key: string): boolean {
  const expected = Buffer.from(signNumber(number, key))
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

// The lookup behind every page, API call and chat check: one prepared statement per database.
const prepared = new WeakMap<object, (number: string) => CertificateRow | undefined>()

function byNumber(db: Db, number: string): CertificateRow | undefined {
  let find = prepared.get(db.$client)
  if (!find) {
    const query = db
      .select()
      .from(certificates)
      .where(eq(certificates.number, sql.placeholder('number')))
      .prepare()
    find = (n: string) => query.get({ number: n })
    prepared.set(db.$client, find)
  }
  return find(number)
}

export type Lookup =
  | { kind: 'invalid' }
  | { kind: 'not-found'; number: string }
  | { kind: 'found'; certificate: CertificateRow; status: VerifiedStatus }

/** Looks a typed number up. `today` is the reader's calendar day (YYYY-MM-DD, Jakarta time). */
export function lookUp(db: Db, typed: string, today: string): Lookup {
  const number = normalizeNumber(typed)
  if (!number) return { kind: 'invalid' }
  const certificate = byNumber(db, number)
  if (!certificate) return { kind: 'not-found', number }
  return { kind: 'found', certificate, status: statusOf(certificate, today) }
}

/** Today in Indonesia's western zone, as YYYY-MM-DD (expiry dates are calendar days). */
const jakartaDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Jakarta',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})
export const todayInJakarta = (now: Date) => jakartaDay.format(now)
