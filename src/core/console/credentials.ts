/**
 * The secrets of the console's sign-in: passwords (argon2id, @node-rs/argon2's defaults: 19 MiB,
 * 2 passes), random tokens kept only as SHA-256 (session ids, one-time links), and TOTP codes
 * (RFC 6238 through otpauth: SHA-1, 6 digits, 30 s, one step of drift either way).
 */
import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import { Secret, TOTP } from 'otpauth'

/** The least length of a staff password (docs/console.md). */
export const MIN_PASSWORD_LENGTH = 12

export type PasswordProblem = 'PASSWORD_TOO_SHORT' | 'PASSWORD_IS_EMAIL' | 'PASSWORD_MISMATCH'

/** What is wrong with a new password, if anything: too short, the e-mail itself, or not typed the same twice. */
export function passwordProblem(password: string, confirm: string, email: string): PasswordProblem | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'PASSWORD_TOO_SHORT'
  const bare = password.trim().toLowerCase()
  if (bare === email.trim().toLowerCase() || bare === email.trim().toLowerCase().split('@')[0]) return 'PASSWORD_IS_EMAIL'
  if (password !== confirm) return 'PASSWORD_MISMATCH'
  return undefined
}

/** The argon2id hash (PHC string) of `password`. Runs on libuv's thread pool, not the event loop. */
export const hashPassword = (password: string): Promise<string> => hash(password)

let dummy: Promise<string> | undefined

/**
 * Whether `password` matches `passwordHash`. Without a hash (unknown e-mail, password never set)
 * a hash is still checked, so the answer takes as long and says nothing more.
 */
export async function checkPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummy ??= hash('no account has this password')
    await verify(await dummy, password)
    return false
  }
  return verify(passwordHash, password)
}

/** A new random token (256 bits, base64url): a session id or a one-time link. */
export const newToken = (): string => randomBytes(32).toString('base64url')

/** What is stored of a token: its SHA-256 (hex). */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex')

/** The TOTP issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'Konsol Sertifikasi Kesos'
const PERIOD_MS = 30_000

const totpOf = (secret: string, label: string) =>
  new TOTP({ issuer: TOTP_ISSUER, label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 })

/** A new TOTP secret (160 bits, base32, as authenticator apps take it typed in). */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32

/** The otpauth:// address an authenticator app reads from the QR. */
export const totpUri = (secret: string, email: string): string => totpOf(secret, email).toString()

/** The time step of `code` when it is right at `at` (one step of drift allowed), else undefined. */
export function totpStep(secret: string, code: string, at: Date): number | undefined {
  const token = code.replace(/\s/g, '')
  if (!/^\d{6}$/.test(token)) return undefined
  const delta = totpOf(secret, 'check').validate({ token, timestamp: at.getTime(), window: 1 })
  return delta === null ? undefined : Math.floor(at.getTime() / PERIOD_MS) + delta
}
