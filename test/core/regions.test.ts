import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { findProvince, formatLocalTime, PROVINCES, provinceByCode, zoneLabel } from '../../src/core/regions.js'

// The 38 codes of domain.md, written out independently of the module.
const DOMAIN_CODES = `11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65
  71 72 73 74 75 76 81 82 91 92 93 94 95 96`.split(/\s+/)

describe('PROVINCES', () => {
  it('lists exactly the 38 Kemendagri codes of the domain, once each', () => {
    expect(PROVINCES.map((p) => p.code).sort()).toEqual([...DOMAIN_CODES].sort())
  })

  it('uses official names', () => {
    expect(provinceByCode('32')?.name).toBe('Jawa Barat')
    expect(provinceByCode('31')?.name).toBe('DKI Jakarta')
    expect(provinceByCode('19')?.name).toBe('Kepulauan Bangka Belitung')
    expect(provinceByCode('96')?.name).toBe('Papua Barat Daya')
  })

  it.each([
    ['11', 'Asia/Jakarta'],
    ['21', 'Asia/Jakarta'],
    ['36', 'Asia/Jakarta'],
    ['61', 'Asia/Pontianak'],
    ['62', 'Asia/Pontianak'],
    ['63', 'Asia/Makassar'],
    ['64', 'Asia/Makassar'],
    ['65', 'Asia/Makassar'],
    ['51', 'Asia/Makassar'],
    ['52', 'Asia/Makassar'],
    ['53', 'Asia/Makassar'],
    ['71', 'Asia/Makassar'],
    ['75', 'Asia/Makassar'],
    ['76', 'Asia/Makassar'],
    ['81', 'Asia/Jayapura'],
    ['82', 'Asia/Jayapura'],
    ['91', 'Asia/Jayapura'],
    ['96', 'Asia/Jayapura'],
  ])('province %s is in %s', (code, zone) => {
    expect(provinceByCode(code)?.timeZone).toBe(zone)
  })

  it('every code, name and alias leads back to its own province', () => {
    for (const p of PROVINCES) {
      for (const key of [p.code, p.name, ...p.aliases]) expect(findProvince(key)?.code, key).toBe(p.code)
    }
  })
})

describe('provinceByCode', () => {
  it('is undefined for unknown codes', () => {
    expect(provinceByCode('99')).toBeUndefined()
    expect(provinceByCode('3')).toBeUndefined()
  })
})

describe('findProvince', () => {
  it.each([
    ['jabar', '32'],
    ['JABAR', '32'],
    ['jawa barat', '32'],
    ['Jawa-Barat', '32'],
    [' jawa  barat ', '32'],
    ['Provinsi Jawa Barat', '32'],
    ['prov. jabar', '32'],
    ['sumut', '12'],
    ['dki', '31'],
    ['Jakarta', '31'],
    ['diy', '34'],
    ['Jogja', '34'],
    ['yogya', '34'],
    ['babel', '19'],
    ['kepri', '21'],
    ['NTB', '52'],
    ['ntt', '53'],
    ['kalbar', '61'],
    ['kalteng', '62'],
    ['kalsel', '63'],
    ['kaltim', '64'],
    ['kaltara', '65'],
    ['sulut', '71'],
    ['sulteng', '72'],
    ['sulsel', '73'],
    ['sultra', '74'],
    ['sulbar', '76'],
    ['malut', '82'],
    ['papbar', '92'],
    ['papua', '91'],
    ['papua barat daya', '96'],
    ['73', '73'],
  ])('%s → %s', (text, code) => {
    expect(findProvince(text)?.code).toBe(code)
  })

  it.each(['', '   ', 'provinsi', 'jawa', 'atlantis', '99', '3', 'toString', '__proto__'])('finds nothing for %j', (text) => {
    expect(findProvince(text)).toBeUndefined()
  })

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void findProvince(s)))
  })
})

describe('zoneLabel', () => {
  it('labels the four Indonesian zones', () => {
    expect(zoneLabel('Asia/Jakarta')).toBe('WIB')
    expect(zoneLabel('Asia/Pontianak')).toBe('WIB')
    expect(zoneLabel('Asia/Makassar')).toBe('WITA')
    expect(zoneLabel('Asia/Jayapura')).toBe('WIT')
  })

  it.each(['Europe/Paris', 'UTC', 'Asia/Singapore', '', 'toString'])('throws for %j', (zone) => {
    expect(() => zoneLabel(zone)).toThrow(RangeError)
  })
})

describe('formatLocalTime', () => {
  const at = new Date('2026-03-02T01:00:00Z')

  it('writes 24-hour time with a dot and the zone label', () => {
    expect(formatLocalTime(at, 'Asia/Makassar')).toBe('09.00 WITA')
    expect(formatLocalTime(at, 'Asia/Jakarta')).toBe('08.00 WIB')
    expect(formatLocalTime(at, 'Asia/Jayapura')).toBe('10.00 WIT')
    expect(formatLocalTime(new Date('2026-03-02T16:05:00Z'), 'Asia/Jakarta')).toBe('23.05 WIB')
    expect(formatLocalTime(new Date('2026-03-02T17:30:00Z'), 'Asia/Jakarta')).toBe('00.30 WIB')
  })

  it('throws for a non-Indonesian zone', () => {
    expect(() => formatLocalTime(at, 'Europe/Paris')).toThrow(RangeError)
  })

  it('is UTC plus 7, 8 or 9 hours for any instant (no daylight saving)', () => {
    const offsets = { 'Asia/Jakarta': 7, 'Asia/Pontianak': 7, 'Asia/Makassar': 8, 'Asia/Jayapura': 9 } as const
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.constantFrom(...(Object.keys(offsets) as (keyof typeof offsets)[])),
        (date, zone) => {
          const hh = String((date.getUTCHours() + offsets[zone]) % 24).padStart(2, '0')
          const mm = String(date.getUTCMinutes()).padStart(2, '0')
          expect(formatLocalTime(date, zone)).toBe(`${hh}.${mm} ${zoneLabel(zone)}`)
        },
      ),
    )
  })
})
