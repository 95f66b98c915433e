import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatDateEn, formatDateId, parseDate } from '../../src/core/validators/date.js'
import { validationMessage } from '../../src/core/validators/messages.js'

// Fixed "today" so two-digit years and the future check are deterministic: 15 June 2026 (in WIB and WIT).
const now = new Date('2026-06-15T03:00:00Z')
const parse = (input: string, allowFuture = false) => parseDate(input, { now, allowFuture })
const okIso = (iso: string) => ({ ok: true, value: iso })
const code = (input: string, allowFuture = false) => {
  const r = parse(input, allowFuture)
  return r.ok ? `ok ${r.value}` : r.error.code
}

describe('parseDate: the ways people type 17 August 1990', () => {
  it.each([
    '17-08-1990',
    '17/8/90',
    '17/08/1990',
    '17.08.1990',
    '17 8 1990',
    '17 agustus 1990',
    '17 Agustus 1990',
    '17 AGUSTUS 1990',
    '17 Agt 1990',
    '17 agt. 1990',
    '17-agu-1990',
    '17 ags 1990',
    '17 agus 1990',
    '17 agst 1990',
    '17 aug 1990',
    '17 August 1990',
    '1990-08-17',
    '17081990',
    '170890',
    '  17   agustus ,  1990 ',
    '17 agustus, 1990',
    '17agustus1990',
    '17-Aug-90',
    'Senin, 17 Agustus 1990',
    "jum'at 17-08-1990",
    'Friday, 17 August 1990',
    'tgl 17/8/90',
    'August 17, 1990',
    '17–08–1990',
  ])('%j', (input) => {
    expect(parse(input)).toEqual(okIso('1990-08-17'))
  })
})

describe('parseDate: Javanese and Sundanese spellings', () => {
  it.each([
    ['17 Séptémber 1990', '1990-09-17'],
    ['3 Fébruari 1991', '1991-02-03'],
    ['1 Méi 1990', '1990-05-01'],
    ['10 Oktobér 1988', '1988-10-10'],
    ['12 Nopémber 1987', '1987-11-12'],
    ['5 Désémber 1985', '1985-12-05'],
    ['5 Dhésèmber 1985', '1985-12-05'],
    ['5 dhesember 1985', '1985-12-05'],
    // A Javanese or Sundanese weekday before the date carries nothing, as "Senin," does.
    ['Rebo, 17 Agustus 1990', '1990-08-17'],
    ['Senén 17-08-1990', '1990-08-17'],
    ['Setu, 18 Agustus 1990', '1990-08-18'],
  ])('%j → %s', (input, iso) => {
    expect(parse(input)).toEqual(okIso(iso))
  })
})

describe('parseDate: month names', () => {
  it.each([
    ['1 jan 2000', '2000-01-01'],
    ['1 januari 2000', '2000-01-01'],
    ['2 feb 2000', '2000-02-02'],
    ['2 peb 2000', '2000-02-02'],
    ['2 pebruari 2000', '2000-02-02'],
    ['3 mar 2000', '2000-03-03'],
    ['3 maret 2000', '2000-03-03'],
    ['3 mrt 2000', '2000-03-03'],
    ['4 apr 2000', '2000-04-04'],
    ['5 mei 2000', '2000-05-05'],
    ['5 may 2000', '2000-05-05'],
    ['6 juni 2000', '2000-06-06'],
    ['7 juli 2000', '2000-07-07'],
    ['9 sept 2000', '2000-09-09'],
    ['10 okt 2000', '2000-10-10'],
    ['10 oct 2000', '2000-10-10'],
    ['11 nop 2000', '2000-11-11'],
    ['11 nopember 2000', '2000-11-11'],
    ['12 des 2000', '2000-12-12'],
    ['12 dec 2000', '2000-12-12'],
    ['12 desember 2000', '2000-12-12'],
  ])('%j → %s', (input, iso) => {
    expect(parse(input)).toEqual(okIso(iso))
  })
})

describe('parseDate: two-digit years', () => {
  it('takes the latest century that is not in the future', () => {
    expect(parse('17/8/90')).toEqual(okIso('1990-08-17'))
    expect(parse('1/1/05')).toEqual(okIso('2005-01-01'))
    expect(parse('15/6/26')).toEqual(okIso('2026-06-15'))
    expect(parse('16/6/26')).toEqual(okIso('1926-06-16'))
  })

  it('means 20yy when future dates are allowed', () => {
    expect(parse('16/6/26', true)).toEqual(okIso('2026-06-16'))
    expect(parse('17/8/90', true)).toEqual(okIso('2090-08-17'))
  })

  it('keeps 29 February only in leap centuries', () => {
    expect(parse('29/2/00')).toEqual(okIso('2000-02-29'))
    expect(parse('29/2/01').ok).toBe(false)
  })
})

describe('parseDate: refusals', () => {
  it.each([
    ['31-02-1990', 'DATE_INVALID'],
    ['29-02-1990', 'DATE_INVALID'],
    ['29-02-1900', 'DATE_INVALID'],
    ['17-13-1990', 'DATE_INVALID'],
    ['00-08-1990', 'DATE_INVALID'],
    ['32-08-1990', 'DATE_INVALID'],
    ['31 april 1990', 'DATE_INVALID'],
    ['1990-02-30', 'DATE_INVALID'],
    ['31139999', 'DATE_INVALID'],
    ['17-08-2030', 'DATE_FUTURE'],
    ['16 juni 2026', 'DATE_FUTURE'],
    ['17-08-1899', 'DATE_TOO_OLD'],
    ['01-01-0001', 'DATE_TOO_OLD'],
    ['', 'DATE_FORMAT'],
    ['kemarin', 'DATE_FORMAT'],
    ['17 agustusan 1990', 'DATE_FORMAT'],
    ['17-08', 'DATE_FORMAT'],
    ['1990', 'DATE_FORMAT'],
    ['17 8 1990 5', 'DATE_FORMAT'],
    ['17-8-199', 'DATE_FORMAT'],
    ['17-8-19900', 'DATE_FORMAT'],
    ['08-1990-17', 'DATE_FORMAT'],
    ['1708199', 'DATE_FORMAT'],
    ['17_08_1990', 'DATE_FORMAT'],
    ['senin', 'DATE_FORMAT'],
    ['17 8 1990 🎉', 'DATE_FORMAT'],
    ['agustus 1990', 'DATE_FORMAT'],
  ])('%j → %s', (input, expected) => {
    expect(code(input)).toBe(expected)
  })

  it('accepts future dates when allowed, still checking the calendar and 1900', () => {
    expect(code('17-08-2030', true)).toBe('ok 2030-08-17')
    expect(code('31-02-2030', true)).toBe('DATE_INVALID')
    expect(code('17-08-1899', true)).toBe('DATE_TOO_OLD')
  })

  it('takes "today" in the easternmost zone (WIT), so a date already begun in Papua is not future', () => {
    const lateUtc = new Date('2026-06-15T15:30:00Z') // 16 June 00.30 WIT
    expect(parseDate('16-06-2026', { now: lateUtc })).toEqual(okIso('2026-06-16'))
    const earlierUtc = new Date('2026-06-15T14:30:00Z') // 15 June 23.30 WIT
    expect(parseDate('16-06-2026', { now: earlierUtc }).ok).toBe(false)
  })
})

describe('formatDateId / formatDateEn', () => {
  it('writes the day without a leading zero and the full month name', () => {
    expect(formatDateId('1990-08-17')).toBe('17 Agustus 1990')
    expect(formatDateEn('1990-08-17')).toBe('17 August 1990')
    expect(formatDateId('2005-01-01')).toBe('1 Januari 2005')
    expect(formatDateEn('2005-12-09')).toBe('9 December 2005')
  })

  it.each(['1990-02-30', '17-08-1990', '', '1990-8-17'])('throws for %j', (iso) => {
    expect(() => formatDateId(iso)).toThrow(RangeError)
    expect(() => formatDateEn(iso)).toThrow(RangeError)
  })
})

describe('date messages', () => {
  it('gives examples when the date is not recognised', () => {
    expect(validationMessage('DATE_FORMAT', undefined, 'id')).toBe(
      'Tanggal tidak dikenali. Contoh: 17-08-1990 atau 17 Agustus 1990.',
    )
    expect(validationMessage('DATE_FORMAT', undefined, 'en')).toBe(
      'Date not recognised. For example: 17-08-1990 or 17 August 1990.',
    )
  })
})

// Written out here, independently of the module, as people spell them.
const ID_LONG = [
  'januari',
  'februari',
  'maret',
  'april',
  'mei',
  'juni',
  'juli',
  'agustus',
  'september',
  'oktober',
  'november',
  'desember',
]
const EN_LONG = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]
const SHORT = [
  ['jan'],
  ['feb', 'peb'],
  ['mar', 'mrt'],
  ['apr'],
  ['mei', 'may'],
  ['jun'],
  ['jul'],
  ['agt', 'agu', 'ags', 'agus', 'agst', 'aug'],
  ['sep', 'sept'],
  ['okt', 'oct'],
  ['nov', 'nop'],
  ['des', 'dec'],
]

type Day = { y: number; m: number; d: number; iso: string }
const pad = (n: number, w = 2) => String(n).padStart(w, '0')
const dayIn = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map((t): Day => {
    const [y, m, d] = [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()]
    return { y, m, d, iso: `${y}-${pad(m)}-${pad(d)}` }
  })
const casing = fc.constantFrom(
  (s: string) => s,
  (s: string) => s.toUpperCase(),
  (s: string) => s.charAt(0).toUpperCase() + s.slice(1),
)
const space = fc.constantFrom(' ', '  ', ' , ', ', ')

// Every supported rendering of a date with a four-digit year.
const rendering = (x: Day) =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom('-', '/', '.', ' '), fc.boolean())
      .map(([sep, zero]) => [zero ? pad(x.d) : x.d, zero ? pad(x.m) : x.m, x.y].join(sep)),
    fc
      .tuple(fc.constantFrom(ID_LONG, EN_LONG), casing, space)
      .map(([names, c, s]) => `${x.d} ${c(names[x.m - 1] ?? '')}${s}${x.y}`),
    fc
      .tuple(fc.constantFrom(...(SHORT[x.m - 1] ?? [])), casing, fc.constantFrom(' ', '-', '. '))
      .map(([name, c, sep]) => `${x.d}${sep === '. ' ? ' ' : sep}${c(name)}${sep}${x.y}`),
    fc.constant(x.iso),
    fc.constant(`${pad(x.d)}${pad(x.m)}${x.y}`),
  )

describe('parseDate properties', () => {
  it('any real date since 1900 in any supported format parses back to the same ISO date', () => {
    fc.assert(
      fc.property(
        dayIn('1900-01-01', '2026-06-15').chain((x) => fc.tuple(fc.constant(x), rendering(x))),
        ([x, typed]) => {
          expect(parse(typed), typed).toEqual(okIso(x.iso))
        },
      ),
    )
  })

  it('any date in the last hundred years written with a two-digit year parses back to it', () => {
    const form = fc.constantFrom('-', '/', '.', ' ')
    fc.assert(
      fc.property(dayIn('1926-06-16', '2026-06-15'), form, (x, sep) => {
        const typed = [x.d, x.m, pad(x.y % 100)].join(sep)
        expect(parse(typed), typed).toEqual(okIso(x.iso))
      }),
    )
  })

  it('any day after today is refused as future, and accepted when future is allowed', () => {
    fc.assert(
      fc.property(dayIn('2026-06-16', '2200-12-31'), (x) => {
        const typed = `${pad(x.d)}-${pad(x.m)}-${x.y}`
        expect(code(typed)).toBe('DATE_FUTURE')
        expect(code(typed, true)).toBe(`ok ${x.iso}`)
      }),
    )
  })

  it('a day past the end of its month is refused as invalid', () => {
    fc.assert(
      fc.property(dayIn('1900-01-01', '2026-06-15'), fc.integer({ min: 1, max: 3 }), (x, extra) => {
        const last = new Date(Date.UTC(x.y, x.m, 0)).getUTCDate()
        if (last + extra > 31) return
        expect(code(`${last + extra}-${x.m}-${x.y}`)).toBe('DATE_INVALID')
      }),
    )
  })

  it('format then parse is the identity', () => {
    fc.assert(
      fc.property(dayIn('1900-01-01', '2026-06-15'), (x) => {
        expect(parse(formatDateId(x.iso))).toEqual(okIso(x.iso))
        expect(parse(formatDateEn(x.iso))).toEqual(okIso(x.iso))
      }),
    )
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void parse(s)))
    fc.assert(fc.property(fc.string(), fc.boolean(), (s, future) => void parse(s, future)))
  })
})
