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

/** The HKDF label of the subkey that seals the files people send to staff (handoff attachments). */
export const HANDOFF_FILE_PURPOSE = 'kesos handoff file v1'

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

function subkeys(keys: DataKeys, purpose: string): { current: Buffer; previous?: Buffer } {
  for (const key of [keys.current, keys.previous]) {
    if (key && key.length !== 32) throw new RangeError('the data encryption key must be 32 bytes')
  }
  return { current: deriveKey(keys.current, purpose), previous: keys.previous && deriveKey(keys.previous, purpose) }
}

/** A box for one `purpose` (the HKDF label of its subkey). */
export function createSecretBox(keys: DataKeys, purpose: string): SecretBox {
  const { current, previous } = subkeys(keys, purpose)
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

/**
 * Bytes sealed with AES-256-GCM (files: no base64, which would make them a third larger): a header
 * "KSB" + format version 1, then iv, tag and data. A later format gets another version byte.
 */
export type ByteBox = {
  seal(bytes: Uint8Array): Buffer
  /** The bytes back, under the current key or else the previous one; throws if neither opens them. */
  open(sealed: Uint8Array): Buffer
  /** Whether `sealed` opens under the current key (a rotation reseals the rest). */
  isCurrent(sealed: Uint8Array): boolean
}

const BYTE_HEADER = Buffer.from([0x4b, 0x53, 0x42, 0x01]) // "KSB", version 1
const IV_AT = BYTE_HEADER.length
const TAG_AT = IV_AT + 12
const DATA_AT = TAG_AT + 16

function openBytesWith(key: Buffer, sealed: Uint8Array): Buffer | undefined {
  const raw = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength)
  if (raw.length < DATA_AT || !raw.subarray(0, IV_AT).equals(BYTE_HEADER)) throw new Error('unknown ciphertext version')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(IV_AT, TAG_AT))
    decipher.setAuthTag(raw.subarray(TAG_AT, DATA_AT))
    return Buffer.concat([decipher.update(raw.subarray(DATA_AT)), decipher.final()])
  } catch {
    return undefined
  }
}

/** A box for bytes, for one `purpose` (the HKDF label of its subkey, e.g. HANDOFF_FILE_PURPOSE). */
export function createByteBox(keys: DataKeys, purpose: string): ByteBox {
  const { current, previous } = subkeys(keys, purpose)
  return {
    seal(bytes) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', current, iv)
      const data = Buffer.concat([cipher.update(bytes), cipher.final()])
      return Buffer.concat([BYTE_HEADER, iv, cipher.getAuthTag(), data])
    },
    open(sealed) {
      const bytes = openBytesWith(current, sealed) ?? (previous && openBytesWith(previous, sealed))
      if (bytes === undefined) throw new Error('the ciphertext was altered or made with another key')
      return bytes
    },
    isCurrent(sealed) {
      try {
        return openBytesWith(current, sealed) !== undefined
      } catch {
        return false
      }
    },
  }
}
