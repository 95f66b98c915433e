/**
 * The box that seals the files people send to staff: what goes in comes out, under the key it was
 * sealed with or the previous one during a rotation, and nothing else opens it or survives a change.
 */
import { describe, expect, it } from 'vitest'
import { createByteBox, HANDOFF_FILE_PURPOSE, STAFF_TOTP_PURPOSE } from '../../src/core/privacy/data-key.js'

const OLD = Buffer.alloc(32, 0x0a)
const NEW = Buffer.alloc(32, 0x0b)
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256))])

describe('sealing files', () => {
  it('gives back the exact bytes, and sealing twice gives two different ciphertexts without the bytes in clear', () => {
    const box = createByteBox({ current: OLD }, HANDOFF_FILE_PURPOSE)
    const once = box.seal(PDF)
    const twice = box.seal(PDF)
    expect(box.open(once)).toEqual(PDF)
    expect(box.open(new Uint8Array(twice))).toEqual(PDF)
    expect(once.equals(twice)).toBe(false)
    expect(once.includes(Buffer.from('%PDF-'))).toBe(false)
    // A versioned header, so a later format can be told apart.
    expect(once.subarray(0, 4)).toEqual(Buffer.from('KSB\x01', 'latin1'))
    expect(box.isCurrent(once)).toBe(true)
  })

  it('another key, or the same key for another purpose, does not open it', () => {
    const sealed = createByteBox({ current: OLD }, HANDOFF_FILE_PURPOSE).seal(PDF)
    expect(() => createByteBox({ current: NEW }, HANDOFF_FILE_PURPOSE).open(sealed)).toThrow(/altered or made with another key/)
    expect(() => createByteBox({ current: OLD }, STAFF_TOTP_PURPOSE).open(sealed)).toThrow(/altered or made with another key/)
    expect(createByteBox({ current: NEW }, HANDOFF_FILE_PURPOSE).isCurrent(sealed)).toBe(false)
  })

  it('during a rotation the previous key still opens it, but it is not current', () => {
    const sealed = createByteBox({ current: OLD }, HANDOFF_FILE_PURPOSE).seal(PDF)
    const during = createByteBox({ current: NEW, previous: OLD }, HANDOFF_FILE_PURPOSE)
    expect(during.open(sealed)).toEqual(PDF)
    expect(during.isCurrent(sealed)).toBe(false)
    expect(during.isCurrent(during.seal(PDF))).toBe(true)
  })

  it('a changed byte anywhere (header, iv, tag or data) or a cut-off file is refused', () => {
    const box = createByteBox({ current: OLD }, HANDOFF_FILE_PURPOSE)
    const sealed = box.seal(PDF)
    for (const at of [2, 3, 4, 20, 40, sealed.length - 1]) {
      const tampered = Buffer.from(sealed)
      tampered[at] = (tampered[at] ?? 0) ^ 0x01
      expect(() => box.open(tampered), `byte ${at}`).toThrow()
      expect(box.isCurrent(tampered), `byte ${at}`).toBe(false)
    }
    expect(() => box.open(sealed.subarray(0, sealed.length - 1))).toThrow()
    expect(() => box.open(sealed.subarray(0, 10))).toThrow()
    expect(() => box.open(PDF)).toThrow(/unknown ciphertext version/)
  })

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createByteBox({ current: Buffer.alloc(16) }, HANDOFF_FILE_PURPOSE)).toThrow(RangeError)
  })
})
