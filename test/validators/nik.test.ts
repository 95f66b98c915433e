import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PROVINCES } from '../../src/core/regions.js'
import { validationMessage } from '../../src/core/validators/messages.js'
import { nikMatchesBirthDate, parseNik } from '../../src/core/validators/nik.js'

const pad2 = (n: number) => String(n).padStart(2, '0')
const KNOWN = new Set(PROVINCES.map((p) => p.code))

const expectCode = (input: string, code: string, params?: Record<string, string | number>) => {
  const r = parseNik(input)
  expect(r.ok).toBe(false)
  if (!r.ok) {
    expect(r.error.code).toBe(code)
    if (params) expect(r.error.params).toEqual(params)
  }
}

describe('parseNik examples', () => {
  it('splits a man’s NIK into its parts', () => {
    const r = parseNik('3273011708900001')
    expect(r).toEqual({
      ok: true,
      value: {
        nik: '3273011708900001',
        provinceCode: '32',
        province: 'Jawa Barat',
        regencyCode: '73',
        isCity: true,
        districtCode: '01',
        birthDay: 17,
        birthMonth: 8,
        birthYear2: 90,
        sex: 'L',
        serial: '0001',
      },
    })
  })

  it('reads a woman’s NIK (day + 40) and a kabupaten', () => {
    const r = parseNik('7302055702051234')
    expect(r.ok && r.value).toMatchObject({ sex: 'P', birthDay: 17, birthMonth: 2, birthYear2: 5, isCity: false })
  })

  it.each(['3273 0117 0890 0001', '3273.0117.0890.0001', '3273-0117-0890-0001', ' 327301 170890 0001 '])(
    'strips what people type between digits: %j',
    (input) => {
      expect(parseNik(input).ok && parseNik(input)).toMatchObject({ value: { nik: '3273011708900001' } })
    },
  )

  it('treats regency 70 as a kabupaten and 71 as a kota', () => {
    expect(parseNik('3270011708900001').ok && parseNik('3270011708900001')).toMatchObject({ value: { isCity: false } })
    expect(parseNik('3271011708900001').ok && parseNik('3271011708900001')).toMatchObject({ value: { isCity: true } })
  })

  it('accepts 29 February and 69 (= 29 + 40) February, since the century is unknown', () => {
    expect(parseNik('3273012902010001').ok).toBe(true)
    expect(parseNik('3273016902010001').ok).toBe(true)
  })

  const cases: [string, string, Record<string, string | number>?][] = [
    ['3273O11708900001', 'NIK_NOT_DIGITS'],
    ['NIK 3273011708900001', 'NIK_NOT_DIGITS'],
    ['3273_0117_0890_0001', 'NIK_NOT_DIGITS'],
    ['327301170890001', 'NIK_LENGTH', { length: 15 }],
    ['', 'NIK_LENGTH', { length: 0 }],
    ['9973011708900001', 'NIK_PROVINCE', { code: '99' }],
    ['2073011708900001', 'NIK_PROVINCE', { code: '20' }],
    ['3200011708900001', 'NIK_REGENCY'],
    ['3273001708900001', 'NIK_DISTRICT'],
    ['3273010008900001', 'NIK_DATE'],
    ['3273013208900001', 'NIK_DATE'],
    ['3273014008900001', 'NIK_DATE'],
    ['3273017208900001', 'NIK_DATE'],
    ['3273013102900001', 'NIK_DATE'],
    ['3273013104900001', 'NIK_DATE'],
    ['3273017102900001', 'NIK_DATE'],
    ['3273011713900001', 'NIK_DATE'],
    ['3273011700900001', 'NIK_DATE'],
    ['3273011708900000', 'NIK_SERIAL'],
  ]
  it.each(cases)('%j → %s', (input, code, params) => {
    expectCode(input, code, params)
  })

  it('accepts an unknown province only when asked to', () => {
    const r = parseNik('9973011708900001', { allowUnknownProvince: true })
    expect(r.ok && r.value).toMatchObject({ provinceCode: '99', province: undefined })
  })
})

describe('nikMatchesBirthDate', () => {
  const man = parseNik('3273011708900001')
  const woman = parseNik('3273015708900001')
  if (!man.ok || !woman.ok) throw new Error('fixtures must parse')

  it('matches day, month and two-digit year', () => {
    expect(nikMatchesBirthDate(man.value, '1990-08-17')).toBe(true)
    expect(nikMatchesBirthDate(man.value, '2090-08-17')).toBe(true)
    expect(nikMatchesBirthDate(man.value, '1990-08-18')).toBe(false)
    expect(nikMatchesBirthDate(man.value, '1990-09-17')).toBe(false)
    expect(nikMatchesBirthDate(man.value, '1991-08-17')).toBe(false)
  })

  it('applies the +40 rule for women', () => {
    expect(nikMatchesBirthDate(woman.value, '1990-08-17')).toBe(true)
    expect(nikMatchesBirthDate(woman.value, '1990-08-57')).toBe(false)
  })

  it('refuses a malformed date', () => {
    expect(nikMatchesBirthDate(man.value, '17-08-1990')).toBe(false)
    expect(nikMatchesBirthDate(man.value, '')).toBe(false)
  })
})

describe('NIK messages', () => {
  it('explains length and province specifically', () => {
    expect(validationMessage('NIK_LENGTH', { length: 15 }, 'id')).toBe('NIK harus 16 angka; Anda mengetik 15.')
    expect(validationMessage('NIK_LENGTH', { length: 15 }, 'en')).toBe('The NIK must have 16 digits; you typed 15.')
    expect(validationMessage('NIK_PROVINCE', { code: '99' }, 'id')).toBe(
      'Dua angka pertama NIK (99) bukan kode provinsi yang dikenal.',
    )
  })
})

// A real calendar date, the NIK sex encoding, and a random separator style.
const validNik = fc
  .record({
    province: fc.constantFrom(...PROVINCES.map((p) => p.code)),
    regency: fc.integer({ min: 1, max: 99 }),
    district: fc.integer({ min: 1, max: 99 }),
    date: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
    female: fc.boolean(),
    serial: fc.integer({ min: 1, max: 9999 }),
    separator: fc.constantFrom('', ' ', '.', '-'),
  })
  .map((g) => {
    const d = g.date.getUTCDate()
    const month = g.date.getUTCMonth() + 1
    const year = g.date.getUTCFullYear()
    const groups = [
      g.province + pad2(g.regency),
      pad2(g.district) + pad2(g.female ? d + 40 : d),
      pad2(month) + pad2(year % 100),
      String(g.serial).padStart(4, '0'),
    ]
    const iso = `${year}-${pad2(month)}-${pad2(d)}`
    return { ...g, d, month, year, iso, typed: groups.join(g.separator), digits: groups.join('') }
  })

describe('parseNik properties', () => {
  it('parses any structurally valid NIK and round-trips sex and birth date', () => {
    fc.assert(
      fc.property(validNik, (g) => {
        const r = parseNik(g.typed)
        if (!r.ok) throw new Error(`refused ${g.digits}: ${r.error.code}`)
        expect(r.value.nik).toBe(g.digits)
        expect(r.value.provinceCode).toBe(g.province)
        expect(r.value.sex).toBe(g.female ? 'P' : 'L')
        expect([r.value.birthDay, r.value.birthMonth, r.value.birthYear2]).toEqual([g.d, g.month, g.year % 100])
        expect(r.value.isCity).toBe(g.regency >= 71)
        expect(nikMatchesBirthDate(r.value, g.iso)).toBe(true)
        const otherYear = `${g.year + 1}${g.iso.slice(4)}`
        expect(nikMatchesBirthDate(r.value, otherYear)).toBe(false)
      }),
    )
  })

  it('refuses any 16 digits with an unknown province, naming the code', () => {
    const unknown = fc
      .integer({ min: 0, max: 99 })
      .map(pad2)
      .filter((c) => !KNOWN.has(c))
    const rest = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 14, maxLength: 14 })
    fc.assert(
      fc.property(unknown, rest, (code, tail) => {
        expectCode(code + tail, 'NIK_PROVINCE', { code })
      }),
    )
  })

  it('reports the number of digits typed when the length is wrong', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 40 }).filter((s) => s.length !== 16)
    fc.assert(
      fc.property(digits, fc.constantFrom('', ' ', '-', '.'), (s, sep) => {
        expectCode(s.split('').join(sep), 'NIK_LENGTH', { length: s.length })
      }),
    )
  })

  it('refuses any letter among the digits', () => {
    fc.assert(
      fc.property(validNik, fc.nat(), fc.constantFrom(...'aOoIlx/_+#'), (g, at, ch) => {
        const i = at % (g.digits.length + 1)
        expectCode(g.digits.slice(0, i) + ch + g.digits.slice(i), 'NIK_NOT_DIGITS')
      }),
    )
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void parseNik(s)))
    fc.assert(fc.property(fc.string(), (s) => void parseNik(s)))
  })
})
