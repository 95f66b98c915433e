import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { validationMessage } from '../../src/core/validators/messages.js'
import { parseMobilePhone, parsePhone } from '../../src/core/validators/phone.js'

const refused = (input: string) => {
  const r = parsePhone(input)
  return r.ok ? undefined : r.error
}

describe('parsePhone: accepted forms', () => {
  it.each([
    '0812-3456-7890',
    '0812 3456 7890',
    '081234567890',
    '0812.3456.7890',
    '6281234567890',
    '+6281234567890',
    '+62 812-3456-7890',
    '+62 (0)812-3456-7890',
    '+62 0812 3456 7890',
    '(+62) 812 3456 7890',
    '0062 812 3456 7890',
    '62 812 3456 7890',
    '812-3456-7890',
    '  0812–3456–7890  ',
  ])('%j is the mobile +6281234567890', (input) => {
    expect(parsePhone(input)).toEqual({ ok: true, value: { e164: '+6281234567890', mobile: true } })
  })

  it.each([
    ['(021) 5550 1234', '+622155501234'],
    ['021-5550123', '+62215550123'],
    ['021/5550123', '+62215550123'],
    ['+62 21 5550 1234', '+622155501234'],
    ['(0751) 123456', '+62751123456'],
    ['0361-222333', '+62361222333'],
  ])('%j is the landline %s', (input, e164) => {
    expect(parsePhone(input)).toEqual({ ok: true, value: { e164, mobile: false } })
  })

  it('accepts the shortest and longest mobile numbers', () => {
    expect(parsePhone('0812-345-678')).toEqual({ ok: true, value: { e164: '+62812345678', mobile: true } })
    expect(parsePhone('0812-3456-78901')).toEqual({ ok: true, value: { e164: '+62812345678901', mobile: true } })
  })
})

describe('parsePhone: refusals', () => {
  it.each([
    ['0812-3456-789O', 'PHONE_CHARS'],
    ['hp 0812345678x0', 'PHONE_CHARS'],
    ['0812#34567890', 'PHONE_CHARS'],
    ['0812345', 'PHONE_LENGTH', { digits: 7, kind: 'mobile' }],
    ['0812-3456-789012', 'PHONE_LENGTH', { digits: 14, kind: 'mobile' }],
    ['+62 812 345', 'PHONE_LENGTH', { digits: 8, kind: 'mobile' }],
    ['021-555', 'PHONE_LENGTH', { digits: 6, kind: 'landline' }],
    ['+1 415 555 0100', 'PHONE_NOT_ID'],
    ['+60 12-345 6789', 'PHONE_NOT_ID'],
    ['0060 12 345 6789', 'PHONE_NOT_ID'],
    ['', 'PHONE_FORMAT'],
    ['+', 'PHONE_FORMAT'],
    ['0812+34567890', 'PHONE_FORMAT'],
    ['++6281234567890', 'PHONE_FORMAT'],
    ['0112345678', 'PHONE_FORMAT'],
    ['1234567890', 'PHONE_FORMAT'],
  ] as [string, string, Record<string, string | number>?][])('%j → %s', (input, code, params) => {
    const error = refused(input)
    expect(error?.code).toBe(code)
    if (params) expect(error?.params).toEqual(params)
  })
})

describe('phone messages', () => {
  it('says how many digits a mobile number needs and how many were typed', () => {
    const error = refused('0812345')
    expect(validationMessage(error?.code ?? '', error?.params, 'id')).toBe(
      'Nomor HP harus 10–13 angka (mis. 0812-3456-7890); Anda mengetik 7 angka.',
    )
    expect(validationMessage(error?.code ?? '', error?.params, 'en')).toBe(
      'A mobile number has 10–13 digits (e.g. 0812-3456-7890); you typed 7.',
    )
  })

  it('speaks of an area code for a short landline', () => {
    const error = refused('021-555')
    expect(validationMessage(error?.code ?? '', error?.params, 'id')).toContain('kode area')
  })
})

const digitString = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max })

// Write the digits in random chunks joined by one separator style, as people do.
const withSeparators = (digits: string, cuts: number[], sep: string): string => {
  const points = [...new Set(cuts.map((c) => c % (digits.length + 1)))].sort((a, b) => a - b)
  const chunks: string[] = []
  let from = 0
  for (const p of [...points, digits.length]) {
    if (p > from) chunks.push(digits.slice(from, p))
    from = Math.max(from, p)
  }
  return chunks.join(sep)
}

describe('parsePhone properties', () => {
  const nsn = digitString(8, 11).map((rest) => `8${rest}`)
  const sep = fc.constantFrom('', ' ', '-', '.', ' - ')
  const cuts = fc.array(fc.nat(), { maxLength: 4 })
  const prefix = fc.constantFrom('0', '62', '+62', '+62 ', '+62 (0)', '0062 ', '(+62) ')

  it('any mobile number in any written form parses to the same E.164', () => {
    fc.assert(
      fc.property(nsn, prefix, sep, cuts, (n, pre, s, c) => {
        const typed = pre + withSeparators(n, c, s)
        expect(parsePhone(typed), typed).toEqual({ ok: true, value: { e164: `+62${n}`, mobile: true } })
      }),
    )
  })

  it('a mobile number with too few or too many digits gets PHONE_LENGTH counting the digits as typed', () => {
    const badNsn = fc.oneof(digitString(0, 7), digitString(12, 16)).map((rest) => `8${rest}`)
    fc.assert(
      fc.property(badNsn, fc.constantFrom('0', '+62 ', '62'), (n, pre) => {
        const typed = pre.replace(/\D/g, '').length + n.length
        expect(refused(pre + n)).toEqual({ code: 'PHONE_LENGTH', params: { digits: typed, kind: 'mobile' } })
      }),
    )
  })

  it.each([
    'wa 0812-3456-7890',
    'HP: 0812 3456 7890',
    'No. HP 081234567890',
    'nomor wa +62 812-3456-7890',
    'Telp. 0812.3456.7890',
  ])('a labelled number %j is read without its label', (input) => {
    expect(parsePhone(input)).toEqual({ ok: true, value: { e164: '+6281234567890', mobile: true } })
  })

  it('the mobile-only parser refuses a landline with its own reason', () => {
    expect(parseMobilePhone('(021) 5550 1234')).toEqual({ ok: false, error: { code: 'PHONE_NOT_MOBILE' } })
    expect(parseMobilePhone('0812 3456 7890')).toEqual({ ok: true, value: '+6281234567890' })
  })

  it('any other country code is refused as not Indonesian', () => {
    const cc = fc.integer({ min: 1, max: 999 }).filter((n) => !String(n).startsWith('62') && String(n) !== '6')
    fc.assert(
      fc.property(cc, digitString(6, 10), fc.constantFrom('+', '00'), (code, rest, intl) => {
        expect(refused(`${intl}${code} ${rest}`)?.code).toBe('PHONE_NOT_ID')
      }),
    )
  })

  it('every success is E.164 of at most 15 digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789 +-()'), maxLength: 25 }), (s) => {
        const r = parsePhone(s)
        if (r.ok) expect(r.value.e164).toMatch(/^\+62[2-9]\d{7,11}$/)
      }),
    )
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void parsePhone(s)))
    fc.assert(fc.property(fc.string(), (s) => void parsePhone(s)))
  })
})
