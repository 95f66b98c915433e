/**
 * The cells every import shares, as staff meet them in a file: words from a list, text lengths in
 * characters, days that exist.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { day, memo, oneOf, optionalText, requiredText } from '../../src/core/import/cells.js'

const colour = oneOf({ merah: 'red', biru: 'blue' }, (text) => `tidak dikenal (tertulis "${text}")`)

describe('a word from a list', () => {
  it('is found in any case, and anything else is refused with the reason', () => {
    expect(colour('MERAH')).toEqual({ value: 'red' })
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty')), (text) => {
        fc.pre(!['merah', 'biru'].includes(text.toLowerCase()))
        expect(colour(text)).toEqual({ reason: `tidak dikenal (tertulis "${text}")` })
      }),
    )
  })
})

describe('text', () => {
  it('is counted in characters, not in the units of its encoding', () => {
    expect(requiredText(3)('😀😀😀')).toEqual({ value: '😀😀😀' })
    expect(requiredText(3)('😀😀😀😀')).toEqual({ reason: 'terlalu panjang: 4 karakter, paling banyak 3' })
  })

  it('on one line loses line breaks and double spaces; on several keeps at most one empty line', () => {
    expect(requiredText(50)('Dinas  Sosial\nKota')).toEqual({ value: 'Dinas Sosial Kota' })
    expect(optionalText(50, { multiline: true })('Gedung  B\n\n\n\nLantai 2')).toEqual({ value: 'Gedung B\n\nLantai 2' })
    expect(optionalText(50)('')).toEqual({ value: null })
    expect(requiredText(50)('')).toEqual({ reason: 'wajib diisi' })
  })
})

describe('a day', () => {
  const calendar = day({ from: 2000, to: 2100, example: '2026-11-23' })

  it('must exist on the calendar, within the years allowed', () => {
    expect(calendar('2028-02-29')).toEqual({ value: '2028-02-29' })
    expect(calendar('2027-02-29')).toEqual({ reason: 'tanggal itu tidak ada (tertulis "2027-02-29")' })
    expect(calendar('1999-12-31')).toEqual({ reason: 'tahun harus 2000–2100 (tertulis "1999-12-31")' })
    expect(calendar('23/11/2026')).toEqual({ reason: 'harus tanggal YYYY-MM-DD, mis. 2026-11-23 (tertulis "23/11/2026")' })
  })

  it('read once per distinct text gives what reading it each time gives', () => {
    const once = memo(calendar)
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2110-12-31'), noInvalidDate: true }), (date) => {
        const text = date.toISOString().slice(0, 10)
        expect(once(text)).toEqual(calendar(text))
        expect(once(text)).toEqual(calendar(text))
      }),
    )
  })
})
