/**
 * Dates and times as the assistant writes them, in every language it speaks, for every front end
 * (chat, web page, CLI). Building an Intl.DateTimeFormat costs far more than using one (about
 * 50 µs against 1 µs), and the reminder planner and the verification page format dates by the
 * thousand: each formatter is built once per style, language and zone, and kept.
 */
import type { Language } from '../types.js'

const LOCALE: Record<Language, string> = { id: 'id-ID', en: 'en-GB' }

const STYLES = {
  /** "14 Desember 2026" / "14 December 2026" */
  date: { day: 'numeric', month: 'long', year: 'numeric' },
  /** "Senin, 14 Desember 2026" / "Monday, 14 December 2026" */
  weekdayDate: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  /** "14 Desember" / "14 December" */
  dayMonth: { day: 'numeric', month: 'long' },
  /** "14 Des 2026" / "14 Dec 2026" */
  shortDate: { day: 'numeric', month: 'short', year: 'numeric' },
  /** "14 Des" / "14 Dec" */
  shortDayMonth: { day: 'numeric', month: 'short' },
  /** "14 Des 2026, 09.30" / "14 Dec 2026, 09:30" */
  shortDateTime: { dateStyle: 'medium', timeStyle: 'short' },
  /** "14 Desember 2026 pukul 09.30" / "14 December 2026 at 09:30" */
  dateTime: { dateStyle: 'long', timeStyle: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>

export type DateStyle = keyof typeof STYLES

// Keys are few (styles × languages × the zones in use); a zone that is not one throws and is not kept.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let found = formatters.get(key)
  if (!found) {
    found = make()
    formatters.set(key, found)
  }
  return found
}

/** `date` in `timeZone`, written in `style` in `lang`. */
export function formatDate(date: Date | number, style: DateStyle, lang: Language, timeZone: string): string {
  return formatter(
    `${style}|${lang}|${timeZone}`,
    () => new Intl.DateTimeFormat(LOCALE[lang], { ...STYLES[style], timeZone }),
  ).format(date)
}

/** "09.00": the wall-clock time in `timeZone`, 24-hour, with the dot Indonesians write (both languages). */
export function formatClock(date: Date | number, timeZone: string): string {
  // formatToParts keeps the dot independent of the locale's own separator.
  const parts = formatter(
    `clock|${timeZone}`,
    () => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  ).formatToParts(date)
  const part = (type: 'hour' | 'minute') => parts.find((x) => x.type === type)?.value ?? '00'
  return `${part('hour')}.${part('minute')}`
}

/** "2026-12-14": the calendar day of `date` in `timeZone`. */
export function formatIsoDay(date: Date | number, timeZone: string): string {
  return formatter(
    `iso|${timeZone}`,
    () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  ).format(date)
}
