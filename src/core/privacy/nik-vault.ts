/**
 * How a NIK is kept so that a copy of the database does not reveal it: a keyed hash (HMAC-SHA256)
 * to find a person by NIK, and AES-256-GCM ciphertext for the rare place it must be shown back to
 * its owner (their data export). Both keys are derived (HKDF) from DATA_ENCRYPTION_KEY, which never
 * lives in the database. A plain hash would not do: 16 digits with a known structure (province,
 * regency, birth date) are few enough to try them all.
 */
import { createHmac } from 'node:crypto'
import { createSecretBox, type DataKeys, deriveKey } from './data-key.js'

export type NikVault = {
  /** The lookup key of a NIK (hex); the same NIK always gives the same value. */
  hash(nik: string): string
  /** A fresh ciphertext of the NIK ("v1:" + base64 of iv, tag, data). */
  encrypt(nik: string): string
  /** The NIK back; throws if the ciphertext was altered or made with another key. */
  decrypt(ciphertext: string): string
}

const HASH_PURPOSE = 'kesos nik lookup v1'
export const NIK_ENCRYPTION_PURPOSE = 'kesos nik encryption v1'

/**
 * `key`: the 32 bytes of DATA_ENCRYPTION_KEY, or the current and previous keys during a rotation.
 * Ciphertexts under either key are read; new ones are made under the current key. Lookup keys are
 * made under the previous key while `hashUnderPrevious()` says the stored ones still are (until
 * `npm run cli -- keys rotate` has run), so people stay findable throughout.
 */
export function createNikVault(key: Buffer | DataKeys, hashUnderPrevious: () => boolean = () => false): NikVault {
  const keys = Buffer.isBuffer(key) ? { current: key } : key
  const box = createSecretBox(keys, NIK_ENCRYPTION_PURPOSE)
  const current = deriveKey(keys.current, HASH_PURPOSE)
  const previous = keys.previous && deriveKey(keys.previous, HASH_PURPOSE)
  return {
    hash: (nik) =>
      createHmac('sha256', previous && hashUnderPrevious() ? previous : current)
        .update(nik)
        .digest('hex'),
    encrypt: (nik) => box.seal(nik),
    decrypt: (ciphertext) => box.open(ciphertext),
  }
}

/** DATA_ENCRYPTION_KEY as written in the environment: 64 hex digits or 44 base64 characters. */
export function parseDataKey(text: string): Buffer | undefined {
  const trimmed = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex')
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return Buffer.from(trimmed, 'base64')
  return undefined
}
