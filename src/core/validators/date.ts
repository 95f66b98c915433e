import { fail, ok, type Result } from '../result.js'
import { MONTH_NAMES, MONTH_SHORT, MONTH_SHORT_IN_CONTEXT, MONTH_SHORT_IN_DATES, WEEKDAYS } from '../text/calendar-words.js'

export const DATE_ERROR_CODES = ['DATE_FORMAT', 'DATE_INVALID', 'DATE_FUTURE', 'DATE_TOO_OLD'] as const
export type DateErrorCode = (typeof DATE_ERROR_CODES)[number]

/** Dates after today are refused (today as of `now`), unless `allowFuture`: two-digit years then mean 20yy. */
export type ParseDateOptions = { now: Date; allowFuture?: false } | { allowFuture: true }

const MONTHS_ID = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
]
const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

// Every month name and short form (Indonesian, English, Javanese and Sundanese spellings, the old "Pebruari",
// "Nopember" and the ways to shorten Agustus): inside a written date none is an everyday word.
const MONTH_BY_WORD = new Map(
  Object.entries({ ...MONTH_NAMES, ...MONTH_SHORT, ...MONTH_SHORT_IN_CONTEXT, ...MONTH_SHORT_IN_DATES }),
)

// Words that may precede the date ("Senin, 17 Agustus 1990", jv "Rebo, 17 Agustus 1990", "tgl 17/8/90") and carry nothing.
const LEADING_WORDS = new Set([
  'tgl',
  'tanggal',
  ...Object.keys(WEEKDAYS),
  'minggu',
  'ahad',
  'sunday',
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
])

const SEPARATORS = /[\s,./\-\u2010-\u2015\u2212]+/u
const ALLOWED = /^[a-z0-9\s,./\-\u2010-\u2015\u2212]*$/u
const MIN_YEAR = 1900

type Parts = { day: number; month: number; year: string }

/**
 * Parse a date as Indonesians type it (day first: 17-08-1990, 17/8/90, 17 Agustus 1990, 17 Agt 1990,
 * 17081990; or ISO 1990-08-17) into 'YYYY-MM-DD'. Two-digit years take the latest century that is
 * not in the future. Future dates are refused unless `allowFuture`.
 */
export function parseDate(input: string, opts: ParseDateOptions): Result<string, DateErrorCode> {
  const parts = splitDate(input)
  if (!parts) return fail('DATE_FORMAT')
  const { day, month } = parts

  const today = opts.allowFuture ? undefined : todayIso(opts.now)
  let year: number
  if (parts.year.length === 4) {
    year = Number(parts.year)
  } else {
    year = 2000 + Number(parts.year)
    if (today && toIso(year, month, day) > today) year -= 100
  }

  if (!isRealDate(year, month, day)) return fail('DATE_INVALID')
  if (year < MIN_YEAR) return fail('DATE_TOO_OLD')
  if (today && toIso(year, month, day) > today) return fail('DATE_FUTURE')
  return ok(toIso(year, month, day))
}

/** "1990-08-17" → "17 Agustus 1990". Throws RangeError for anything but a real ISO date. */
export function formatDateId(iso: string): string {
  const { year, month, day } = readIso(iso)
  return `${day} ${MONTHS_ID[month - 1]} ${year}`
}

/** "1990-08-17" → "17 August 1990". Throws RangeError for anything but a real ISO date. */
export function formatDateEn(iso: string): string {
  const { year, month, day } = readIso(iso)
  return `${day} ${MONTHS_EN[month - 1]} ${year}`
}

function splitDate(input: string): Parts | undefined {
  // Accents dropped: jv/su "17 Séptémber 1990", "Désémber".
  const text = input.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’`]/g, '').trim()
  if (!ALLOWED.test(text)) return undefined
  // "17agustus1990" and "17agt90" are typed without spaces.
  const tokens = text
    .replace(/(\d)([a-z])/g, '$1 $2')
    .replace(/([a-z])(\d)/g, '$1 $2')
    .split(SEPARATORS)
    .filter((t) => t !== '')
  while (tokens.length > 1 && LEADING_WORDS.has(tokens[0] ?? '')) tokens.shift()

  if (tokens.length === 1) return compactDigits(tokens[0] ?? '')
  if (tokens.length !== 3) return undefined
  const [a = '', b = '', c = ''] = tokens
  const isDay = (t: string) => /^\d{1,2}$/.test(t)
  const isYear = (t: string) => /^(\d{2}|\d{4})$/.test(t)

  if (/^\d{4}$/.test(a) && isDay(c)) return withMonth(Number(c), b, a) // ISO order
  if (isDay(a) && isYear(c)) return withMonth(Number(a), b, c)
  // "August 17, 1990": unambiguous because the month is a word.
  if (MONTH_BY_WORD.has(a) && isDay(b) && isYear(c)) return withMonth(Number(b), a, c)
  return undefined
}

function withMonth(day: number, monthToken: string, year: string): Parts | undefined {
  const month = /^\d{1,2}$/.test(monthToken) ? Number(monthToken) : MONTH_BY_WORD.get(monthToken)
  return month === undefined ? undefined : { day, month, year }
}

// DDMMYYYY (e.g. 17081990) or DDMMYY (170890), as typed without separators.
function compactDigits(token: string): Parts | undefined {
  if (!/^(\d{6}|\d{8})$/.test(token)) return undefined
  return { day: Number(token.slice(0, 2)), month: Number(token.slice(2, 4)), year: token.slice(4) }
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  const lengths = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return day <= (lengths[month - 1] ?? 0)
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')
const toIso = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`

// "Today" is taken in WIT (UTC+9), the easternmost Indonesian zone, so a date that has already
// begun anywhere in Indonesia is never refused as future.
function todayIso(now: Date): string {
  const t = new Date(now.getTime() + 9 * 3600_000)
  return toIso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())
}

function readIso(iso: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso)
  const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0]
  if (!m || !isRealDate(year, month, day)) throw new RangeError('Not a real ISO date (YYYY-MM-DD)') // no value: it may be a birth date
  return { year, month, day }
}
