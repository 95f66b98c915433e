/**
 * How a NIK is kept so that a copy of the database does not reveal it: a keyed hash (HMAC-SHA256)
 * to find a person by NIK, and AES-256-GCM ciphertext for the rare place it must be shown back to
 * its owner (their data export). Both keys are derived (HKDF) from DATA_ENCRYPTION_KEY, which never
 * lives in the database. A plain hash would not do: 16 digits with a known structure (province,
 * regency, birth date) are few enough to try them all.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

export type NikVault = {
  /** The lookup key of a NIK (hex); the same NIK always gives the same value. */
  hash(nik: string): string
  /** A fresh ciphertext of the NIK ("v1:" + base64 of iv, tag, data). */
  encrypt(nik: string): string
  /** The NIK back; throws if the ciphertext was altered or made with another key. */
  decrypt(ciphertext: string): string
}

const derive = (key: Buffer, purpose: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32))

/** `key`: the 32 bytes of DATA_ENCRYPTION_KEY. */
export function createNikVault(key: Buffer): NikVault {
  if (key.length !== 32) throw new RangeError('the data encryption key must be 32 bytes')
  const hashKey = derive(key, 'kesos nik lookup v1')
  const encryptionKey = derive(key, 'kesos nik encryption v1')
  return {
    hash: (nik) => createHmac('sha256', hashKey).update(nik).digest('hex'),
    encrypt(nik) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv)
      const data = Buffer.concat([cipher.update(nik, 'utf8'), cipher.final()])
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`
    },
    decrypt(ciphertext) {
      if (!ciphertext.startsWith('v1:')) throw new Error('unknown NIK ciphertext version')
      const raw = Buffer.from(ciphertext.slice(3), 'base64')
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, raw.subarray(0, 12))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    },
  }
}

/** DATA_ENCRYPTION_KEY as written in the environment: 64 hex digits or 44 base64 characters. */
export function parseDataKey(text: string): Buffer | undefined {
  const trimmed = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex')
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return Buffer.from(trimmed, 'base64')
  return undefined
}
