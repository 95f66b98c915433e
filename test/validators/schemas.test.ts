import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DATE_ERROR_CODES } from '../../src/core/validators/date.js'
import { validationMessage } from '../../src/core/validators/messages.js'
import { NIK_ERROR_CODES } from '../../src/core/validators/nik.js'
import { PHONE_ERROR_CODES } from '../../src/core/validators/phone.js'
import {
  birthDateSchema,
  futureDateSchema,
  NAME_ERROR_CODES,
  nameSchema,
  nikSchema,
  parseName,
  phoneSchema,
} from '../../src/core/validators/schemas.js'

type Schema = { safeParse: (v: unknown) => { success: boolean; data?: unknown; error?: { issues: unknown[] } } }

// The single issue a schema reports for `input`, reduced to what a chat flow uses.
const issueOf = (schema: Schema, input: unknown) => {
  const r = schema.safeParse(input)
  expect(r.success).toBe(false)
  expect(r.error?.issues).toHaveLength(1)
  const { code, message, params } = (r.error?.issues[0] ?? {}) as { code: string; message: string; params?: unknown }
  return { code, message, params }
}

describe('nikSchema', () => {
  it('outputs the parsed NIK', () => {
    const r = nikSchema.safeParse('3273 0117 0890 0001')
    expect(r.success && r.data).toMatchObject({ nik: '3273011708900001', province: 'Jawa Barat', sex: 'L' })
  })

  it('reports one custom issue with the code as message and the params', () => {
    expect(issueOf(nikSchema, '327301170890001')).toEqual({ code: 'custom', message: 'NIK_LENGTH', params: { length: 15 } })
    expect(issueOf(nikSchema, '9973011708900001')).toEqual({ code: 'custom', message: 'NIK_PROVINCE', params: { code: '99' } })
    expect(issueOf(nikSchema, '3273011708900000')).toMatchObject({ code: 'custom', message: 'NIK_SERIAL' })
  })

  it('does not echo the typed NIK back in the issue', () => {
    const r = nikSchema.safeParse('9973011708900001')
    expect(JSON.stringify(r.error?.issues)).not.toContain('9973011708900001')
  })

  it('refuses a non-string with zod’s own issue', () => {
    expect(nikSchema.safeParse(3273011708900001).success).toBe(false)
  })
})

describe('phoneSchema', () => {
  it('outputs the E.164 string', () => {
    expect(phoneSchema.parse('0812-3456-7890')).toBe('+6281234567890')
    expect(phoneSchema.parse('(021) 5550 1234')).toBe('+622155501234')
  })

  it('reports the parser’s code', () => {
    expect(issueOf(phoneSchema, '0812345')).toEqual({
      code: 'custom',
      message: 'PHONE_LENGTH',
      params: { digits: 7, kind: 'mobile' },
    })
    expect(issueOf(phoneSchema, '+60 12 345 6789')).toMatchObject({ message: 'PHONE_NOT_ID' })
  })
})

describe('date schemas', () => {
  it('birthDateSchema outputs ISO and refuses dates after the day it is given', () => {
    const schema = birthDateSchema(new Date('2026-06-15T03:00:00Z'))
    expect(schema.parse('17 Agustus 1990')).toBe('1990-08-17')
    expect(schema.parse('15-06-2026')).toBe('2026-06-15')
    expect(issueOf(schema, '16-06-2026')).toMatchObject({ code: 'custom', message: 'DATE_FUTURE' })
    expect(issueOf(schema, '31-02-1990')).toMatchObject({ message: 'DATE_INVALID' })
    expect(issueOf(schema, 'besok')).toMatchObject({ message: 'DATE_FORMAT' })
  })

  it('futureDateSchema accepts future dates and reads two-digit years as 20yy', () => {
    expect(futureDateSchema.parse('17-08-2999')).toBe('2999-08-17')
    expect(futureDateSchema.parse('1/2/99')).toBe('2099-02-01')
    expect(issueOf(futureDateSchema, '17-08-1899')).toMatchObject({ message: 'DATE_TOO_OLD' })
  })
})

describe('nameSchema', () => {
  it.each([
    ['  Siti   Aminah ', 'Siti Aminah'],
    ['Budi Santoso, S.Sos', 'Budi Santoso, S.Sos'],
    ["Ni Luh Putu Ayu O'Neil", "Ni Luh Putu Ayu O'Neil"],
    ['Muh. Rizal Al-Fatih', 'Muh. Rizal Al-Fatih'],
    ['José Ramos-Horta', 'José Ramos-Horta'],
    ['Dr. Ir. H. Ahmad\tYani, M.Si', 'Dr. Ir. H. Ahmad Yani, M.Si'],
    ['Ani', 'Ani'],
  ])('%j → %j', (input, name) => {
    expect(nameSchema.parse(input)).toBe(name)
  })

  it('composes decomposed accents so "José" is the same name however it was typed', () => {
    expect(nameSchema.parse('Jose\u0301')).toBe('Jos\u00e9')
  })

  it.each([
    ['Al', 'NAME_LENGTH', { length: 2 }],
    ['   ', 'NAME_LENGTH', { length: 0 }],
    ['A'.repeat(101), 'NAME_LENGTH', { length: 101 }],
    ['Budi 123', 'NAME_CHARS', {}],
    ['budi@mail.com', 'NAME_CHARS', {}],
    ['Siti 😊', 'NAME_CHARS', {}],
    ['...', 'NAME_CHARS', {}],
  ])('%j → %s', (input, message, params) => {
    expect(issueOf(nameSchema, input)).toEqual({ code: 'custom', message, params })
  })

  it('accepts exactly 3 to 100 characters', () => {
    expect(parseName('A'.repeat(100)).ok).toBe(true)
    expect(parseName('Abc').ok).toBe(true)
  })

  it('output never has doubled or edge spaces, and parsing it again changes nothing', () => {
    const part = fc.string({ unit: fc.constantFrom(..."abcdefgh ABC\t.-,'"), minLength: 1, maxLength: 30 })
    fc.assert(
      fc.property(part, (s) => {
        const r = parseName(s)
        if (!r.ok) return
        expect(r.value).not.toMatch(/^\s|\s$|\s\s/)
        expect(parseName(r.value)).toEqual(r)
      }),
    )
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void nameSchema.safeParse(s)))
  })
})

describe('validationMessage', () => {
  const ALL = [...NIK_ERROR_CODES, ...PHONE_ERROR_CODES, ...DATE_ERROR_CODES, ...NAME_ERROR_CODES]
  const generic = { id: validationMessage('NOPE', undefined, 'id'), en: validationMessage('NOPE', undefined, 'en') }

  it('has a generic message for unknown codes, also ones named like Object members', () => {
    expect(generic.id).toMatch(/^Isian belum sesuai\./)
    expect(generic.en).not.toBe(generic.id)
    expect(validationMessage('toString', undefined, 'id')).toBe(generic.id)
    expect(validationMessage('__proto__', undefined, 'en')).toBe(generic.en)
  })

  it('has its own message in both languages for every code', () => {
    for (const lang of ['id', 'en'] as const) {
      const texts = ALL.map((c) => validationMessage(c, { length: 1, digits: 1, code: '00' }, lang))
      for (const t of texts) expect(t).not.toBe(generic[lang])
      expect(new Set(texts).size).toBe(ALL.length)
    }
  })

  it('differs between Indonesian and English for every code', () => {
    for (const c of ALL) expect(validationMessage(c, undefined, 'id')).not.toBe(validationMessage(c, undefined, 'en'))
  })

  it('uses the params it is given', () => {
    expect(validationMessage('NAME_LENGTH', { length: 2 }, 'id')).toBe('Nama harus 3–100 huruf; Anda mengetik 2.')
    expect(validationMessage('PHONE_LENGTH', { digits: 14, kind: 'landline' }, 'en')).toContain('you typed 14')
  })
})
