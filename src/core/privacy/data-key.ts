/**
 * What DATA_ENCRYPTION_KEY is turned into: a subkey per purpose (HKDF), so one secret protects NIKs
 * and the WhatsApp session without one use weakening another; a check value the database keeps, so
 * a start with another key is refused instead of silently finding nobody; and sealed boxes that
 * read what was sealed under the key before a rotation (DATA_ENCRYPTION_KEY_PREVIOUS).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

/** DATA_ENCRYPTION_KEY (32 bytes) and, while a rotation is under way, the key before it. */
export type DataKeys = { current: Buffer; previous?: Buffer }

/** The HKDF label of the WhatsApp session's subkey. */
export const WHATSAPP_AUTH_PURPOSE = 'kesos whatsapp auth v1'

/** The HKDF label of the subkey that seals staff members' TOTP secrets (the console's two-factor). */
export const STAFF_TOTP_PURPOSE = 'kesos staff totp v1'

/** The 32-byte subkey of `key` for one `purpose`. */
export const deriveKey = (key: Buffer, purpose: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32))

/**
 * The value kept in the database to recognise its key (hex): an HMAC of a constant under a subkey
 * of its own, which says nothing about the key or the other subkeys.
 */
export function keyCheck(key: Buffer): string {
  return createHmac('sha256', deriveKey(key, 'kesos key check v1')).update('kesos-assistant DATA_ENCRYPTION_KEY').digest('hex')
}

/** Text sealed with AES-256-GCM: "v1:" + base64 of iv, tag and data. */
export type SecretBox = {
  seal(text: string): string
  /** The text back, under the current key or else the previous one; throws if neither opens it. */
  open(sealed: string): string
  /** Whether `sealed` opens under the current key (a rotation reseals the rest). */
  isCurrent(sealed: string): boolean
}

const PREFIX = 'v1:'

/** Whether `value` is sealed text (JSON, as stored before sealing, never starts with "v1:"). */
export const isSealed = (value: string) => value.startsWith(PREFIX)

function openWith(key: Buffer, sealed: string): string | undefined {
  if (!isSealed(sealed)) throw new Error('unknown ciphertext version')
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(12, 28))
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}

/** A box for one `purpose` (the HKDF label of its subkey). */
export function createSecretBox(keys: DataKeys, purpose: string): SecretBox {
  for (const key of [keys.current, keys.previous]) {
    if (key && key.length !== 32) throw new RangeError('the data encryption key must be 32 bytes')
  }
  const current = deriveKey(keys.current, purpose)
  const previous = keys.previous && deriveKey(keys.previous, purpose)
  return {
    seal(text) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', current, iv)
      const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()])
      return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`
    },
    open(sealed) {
      const text = openWith(current, sealed) ?? (previous && openWith(previous, sealed))
      if (text === undefined) throw new Error('the ciphertext was altered or made with another key')
      return text
    },
    isCurrent: (sealed) => isSealed(sealed) && openWith(current, sealed) !== undefined,
  }
}
