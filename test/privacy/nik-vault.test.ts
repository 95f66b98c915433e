import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createNikVault, parseDataKey } from '../../src/core/privacy/nik-vault.js'

const NIK = '3273014508850001'

describe('the NIK vault', () => {
  const vault = createNikVault(randomBytes(32))

  it('finds a person by NIK: the same NIK always gives the same lookup key, another NIK another', () => {
    expect(vault.hash(NIK)).toBe(vault.hash(NIK))
    expect(vault.hash(NIK)).not.toBe(vault.hash('3273014508850002'))
    expect(vault.hash(NIK)).not.toContain(NIK)
  })

  it('a database copied without the key reveals nothing: another key gives other lookup keys', () => {
    const other = createNikVault(randomBytes(32))
    expect(other.hash(NIK)).not.toBe(vault.hash(NIK))
  })

  it('gives the NIK back to its owner, and a fresh ciphertext each time', () => {
    const a = vault.encrypt(NIK)
    const b = vault.encrypt(NIK)
    expect(a).not.toBe(b)
    expect(a).not.toContain(NIK)
    expect(vault.decrypt(a)).toBe(NIK)
    expect(vault.decrypt(b)).toBe(NIK)
  })

  it('refuses an altered ciphertext and one made with another key', () => {
    const sealed = vault.encrypt(NIK)
    const raw = Buffer.from(sealed.slice(3), 'base64')
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1
    expect(() => vault.decrypt(`v1:${raw.toString('base64')}`)).toThrow()
    expect(() => createNikVault(randomBytes(32)).decrypt(sealed)).toThrow()
  })

  it('round-trips any 16 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{16}$/), (nik) => {
        expect(vault.decrypt(vault.encrypt(nik))).toBe(nik)
      }),
      { numRuns: 200 },
    )
  })

  it('reads DATA_ENCRYPTION_KEY as 64 hex digits or base64, and nothing else', () => {
    const key = randomBytes(32)
    expect(parseDataKey(key.toString('hex'))?.equals(key)).toBe(true)
    expect(parseDataKey(key.toString('base64'))?.equals(key)).toBe(true)
    expect(parseDataKey('abc')).toBeUndefined()
    expect(parseDataKey('x'.repeat(64))).toBeUndefined()
    expect(() => createNikVault(Buffer.alloc(16))).toThrow(/32 bytes/)
  })
})
