import { distance } from 'fastest-levenshtein'
import {
  DAY_AFTER_TOMORROW,
  MONTH_NAMES,
  MONTH_SHORT,
  MONTH_SHORT_IN_CONTEXT,
  TOMORROW,
  TOMORROW_OR_MORNING,
  WEEKDAYS,
} from '../../text/calendar-words.js'

/** The month names and the short forms that are no everyday word; the others need a month context. */
const MONTHS: Readonly<Record<string, number>> = { ...MONTH_NAMES, ...MONTH_SHORT }
const CONTEXT_MONTHS = MONTH_SHORT_IN_CONTEXT
// Long names only for the one-typo reading ("januri"): short words are too close to everyday words.
const LONG_NAMES = Object.keys(MONTHS).filter((name) => name.length >= 6)

// Javanese "wulan"/"sasi", Sundanese "bulan ieu" / "bulan payun" are read like "bulan ini" / "bulan depan".
const MONTH_WORDS = new Set(['bulan', 'bln', 'month', 'bulannya', 'wulan', 'sasi'])
const WEEK_WORDS = new Set(['minggu', 'mgg', 'mg', 'pekan', 'week'])
const YEAR_WORDS = new Set(['tahun', 'taun', 'thn', 'th', 'year'])
const DAY_WORDS = new Set(['tgl', 'tanggal', 'tggl', 'tg', 'tangal'])
// jv ngoko "iki", krama "niki"/"puniki", su "ieu", min "iko".
const THIS = new Set(['ini', 'this', 'ieu', 'niki', 'puniki', 'iki', 'iko'])
// jv ngoko "ngarep", krama "ngajeng", su "payun", min "muko"; "bulan besok", jv "minggu sesuk" as "bulan depan".
const NEXT = new Set(['depan', 'dpn', 'dpan', 'next', 'mendatang', 'payun', 'ngajeng', 'ngarep', 'muko', ...TOMORROW])
// jv "wingi", krama "kepengker", su "kapungkur".
const LAST = new Set(['lalu', 'kemarin', 'kmrn', 'last', 'wingi', 'kepengker', 'kapungkur'])
// The day nouns before "ini" (today): id "hari", jv "dina"/"dino", krama "dinten", su "poe".
const DAY_NOUNS = new Set(['hari', 'dina', 'dino', 'dinten', 'poe'])
/** After a "tomorrow" word, a question: jv krama "benjing punapa" is "when", no day. */
const ASKING = new Set(['punapa', 'menapa'])
/** After jv "mben", a span: "mben dino" is "every day" (jv "saben"), no day. */
const EVERY = new Set([
  'hari',
  'dina',
  'dino',
  'minggu',
  'wulan',
  'sasi',
  'bulan',
  'taun',
  'tahun',
  'esuk',
  'isuk',
  'sore',
  'bengi',
])
/** Words before a month that put it in the past: "sejak agustus", "back in October"; "dari" only after "sudah". */
const SINCE = new Set(['sejak', 'since', 'back'])
const ALREADY = new Set(['sudah', 'udah', 'udh', 'sdh', 'dah', 'already'])
/** A calendar day in the reader's zone, as plain numbers: month arithmetic needs no date library. */
type Day = { year: number; month: number; day: number; weekday: number }

const pad = (n: number) => String(n).padStart(2, '0')
const month = (date: { year: number; month: number }): string => `${date.year}-${pad(date.month)}`
const daysIn = (year: number, m: number) => new Date(Date.UTC(year, m, 0)).getUTCDate()

/** The month `n` months after `date`'s (negative: before). */
function addMonths(date: { year: number; month: number }, n: number): { year: number; month: number } {
  const index = date.year * 12 + date.month - 1 + n
  return { year: Math.floor(index / 12), month: (index % 12) + 1 }
}

/** The day `n` days after `date`. */
function addDays(date: Day, n: number): Day {
  const utc = new Date(Date.UTC(date.year, date.month - 1, date.day + n))
  return { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate(), weekday: utc.getUTCDay() || 7 }
}

const formats = new Map<string, Intl.DateTimeFormat>()

/** Today in `timeZone` (weekday 1 = Monday … 7 = Sunday). One cached formatter per zone. */
function dayIn(now: Date, timeZone: string): Day {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' })
    formats.set(timeZone, format)
  }
  const parts = format.formatToParts(now)
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return addDays({ year: part('year'), month: part('month'), day: part('day'), weekday: 0 }, 0)
}

function monthName(token: string, contextual: boolean): number | undefined {
  const known = MONTHS[token] ?? (contextual ? CONTEXT_MONTHS[token] : undefined)
  if (known !== undefined || token.length < 6 || /\d/.test(token)) return known
  // A typo keeps the first letter ("januri", "desembr"); that and the length rule out nearly every word cheaply.
  const near = LONG_NAMES.find(
    (name) => name[0] === token[0] && Math.abs(name.length - token.length) <= 1 && distance(name, token) <= 1,
  )
  return near === undefined ? undefined : MONTHS[near]
}

/** A year typed after a month: 2027 or 27. */
function yearOf(token: string | undefined): number | undefined {
  if (token === undefined) return undefined
  if (/^20\d\d$/.test(token)) return Number(token)
  if (/^\d\d$/.test(token)) return 2000 + Number(token)
  return undefined
}

/** The first time month `m` (1–12) comes, from this month on, or in `year` when given. */
function nextMonth(today: Day, m: number, year?: number): { year: number; month: number } {
  if (year !== undefined) return { year, month: m }
  return { year: m < today.month ? today.year + 1 : today.year, month: m }
}

/** The next date with day number `day` from today on (this month, or the next month that has it). */
function nextDay(today: Day, day: number): { year: number; month: number } | undefined {
  for (let ahead = 0; ahead < 3; ahead++) {
    const base = addMonths(today, ahead)
    if (day > daysIn(base.year, base.month) || (ahead === 0 && day < today.day)) continue
    return base
  }
  return undefined
}

/** The Monday of the week after today's. */
const nextWeek = (today: Day): Day => addDays(today, 8 - today.weekday)

/**
 * The month (`YYYY-MM`) a message asks about, read in `timeZone` at `now`: "bulan depan", "januari", "tgl 12",
 * "minggu ini", "besok", "sabtu ini", "01/2027" … Weeks run Monday–Sunday. A bare number gives none, and so does
 * the past ("bulan lalu", "3 bln lalu", "maret lalu", "kemarin"): the labelled set's rule is that `month` is a month
 * the message asks about or looks ahead to, never the date of something that already happened.
 */
export function extractMonth(tokens: readonly string[], now: Date, timeZone: string | (() => string)): string | undefined {
  // Reading the zone is the costly part and most messages name no date: today is computed on first need.
  let cached: Day | undefined
  const today = () => {
    cached ??= dayIn(now, typeof timeZone === 'function' ? timeZone() : timeZone)
    return cached
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? ''
    const next = tokens[i + 1] ?? ''
    if (MONTH_WORDS.has(token)) {
      if (THIS.has(next)) return month(today())
      if (NEXT.has(next)) return month(addMonths(today(), 1))
      if (LAST.has(next)) continue
      const number = /^\d{1,2}$/.test(next) ? Number(next) : 0
      if (number >= 1 && number <= 12) return month(nextMonth(today(), number, yearOf(tokens[i + 2])))
      continue
    }
    if (WEEK_WORDS.has(token)) {
      if (THIS.has(next)) return month(today())
      if (NEXT.has(next)) return month(nextWeek(today()))
      continue
    }
    if ((token === 'this' || token === 'next' || token === 'last') && (MONTH_WORDS.has(next) || WEEK_WORDS.has(next))) {
      const week = WEEK_WORDS.has(next)
      if (token === 'this') return month(today())
      if (token === 'last') continue
      return month(week ? nextWeek(today()) : addMonths(today(), 1))
    }
    if (YEAR_WORDS.has(token) && THIS.has(next)) return month(today())
    if (token === 'akhir' && YEAR_WORDS.has(next)) return month({ year: today().year, month: 12 })
    if (DAY_WORDS.has(token) && /^\d{1,2}$/.test(next)) {
      // "tgl 3 kemarin": a day that has passed.
      if (LAST.has(tokens[i + 2] ?? '')) continue
      const day = Number(next)
      const named = monthName(tokens[i + 2] ?? '', true)
      if (named !== undefined) {
        const start = nextMonth(today(), named, yearOf(tokens[i + 3]))
        if (day <= daysIn(start.year, start.month)) return month(start)
        continue
      }
      const date = day >= 1 ? nextDay(today(), day) : undefined
      if (date) return month(date)
      continue
    }
    if (DAY_NOUNS.has(token) && THIS.has(next)) return month(today())
    if (token === 'today') return month(today())
    if (TOMORROW.has(token) && !ASKING.has(next)) return month(addDays(today(), 1))
    if (TOMORROW_OR_MORNING.has(token)) {
      // "enjing niki": this morning; "isuk isuk": early morning, no day; alone: su/bjn tomorrow.
      if (THIS.has(next)) return month(today())
      if (next !== token && tokens[i - 1] !== token) return month(addDays(today(), 1))
      continue
    }
    if (DAY_AFTER_TOMORROW.has(token) && !EVERY.has(next)) return month(addDays(today(), 2))
    const weekday = WEEKDAYS[token]
    if (weekday !== undefined && (THIS.has(next) || DAY_NOUNS.has(tokens[i - 1] ?? '') || NEXT.has(next))) {
      const ahead = (weekday - today().weekday + 7) % 7
      return month(addDays(today(), ahead + (NEXT.has(next) ? 7 : 0)))
    }
    const previous = tokens[i - 1] ?? ''
    const contextual = token in CONTEXT_MONTHS && (MONTH_WORDS.has(previous) || previous === 'in' || yearOf(next) !== undefined)
    const named = monthName(token, contextual)
    // "sudah SK kompeten dari agustus", "back in October", "sejak maret": when something happened, not asked about.
    const since =
      SINCE.has(previous) ||
      (previous === 'in' && tokens[i - 2] === 'back') ||
      (previous === 'dari' && tokens.some((t) => ALREADY.has(t)))
    if (named !== undefined && since) continue
    if (named !== undefined && !LAST.has(next)) return month(nextMonth(today(), named, yearOf(next)))
    // "01/2027", "1-2027": placeKey splits them into two tokens.
    if (/^\d{1,2}$/.test(token) && /^20\d\d$/.test(next) && Number(token) >= 1 && Number(token) <= 12)
      return month(nextMonth(today(), Number(token), Number(next)))
  }
  return undefined
}
