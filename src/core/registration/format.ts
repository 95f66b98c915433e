/**
 * How a Bimtek session reads in the chat: when (in the reader's time zone, marked WIB/WITA/WIT,
 * with the venue's own time when it differs), a moment such as a deadline, where (a venue with its
 * map, or the meeting link), and how many seats are left.
 */
import type { SessionRow } from '../../db/queries/sessions.js'
import { zoneLabel } from '../regions.js'
import { formatClock as clock, formatDate, formatIsoDay } from '../text/dates.js'
import type { Language } from '../types.js'

const day = (date: Date, timeZone: string, lang: Language) => formatDate(date, 'weekdayDate', lang, timeZone)

const sameDay = (a: Date, b: Date, timeZone: string) => formatIsoDay(a, timeZone) === formatIsoDay(b, timeZone)

/** "Senin, 14 Desember 2026, 08.00–16.00 WITA" (or from one day to another), in `timeZone`. */
export function period(startsAt: Date, endsAt: Date, timeZone: string, lang: Language): string {
  const label = zoneLabel(timeZone)
  if (sameDay(startsAt, endsAt, timeZone)) {
    return `${day(startsAt, timeZone, lang)}, ${clock(startsAt, timeZone)}–${clock(endsAt, timeZone)} ${label}`
  }
  const to = lang === 'id' ? 's.d.' : 'to'
  return `${day(startsAt, timeZone, lang)} ${clock(startsAt, timeZone)} ${to} ${day(endsAt, timeZone, lang)} ${clock(endsAt, timeZone)} ${label}`
}

/** When the session is, for a reader in `readerZone` (default: the venue's zone). */
export function when(session: SessionRow, lang: Language, readerZone?: string): string {
  const zone = readerZone ?? session.timeZone
  const main = period(session.startsAt, session.endsAt, zone, lang)
  if (zoneLabel(zone) === zoneLabel(session.timeZone)) return main
  const local = `${clock(session.startsAt, session.timeZone)} ${zoneLabel(session.timeZone)}`
  return `${main} (${lang === 'id' ? 'di lokasi' : 'local time'} ${local})`
}

/** "26 Desember, 07.00 WIB": a moment (a deadline, a registration window) in `zone`. */
export const dateTime = (date: Date, zone: string, lang: Language) =>
  `${formatDate(date, 'dayMonth', lang, zone)}, ${clock(date, zone)} ${zoneLabel(zone)}`

/** Where: "Tatap muka di …" with the map link, or "Daring" with the meeting link. */
export function where(session: SessionRow, lang: Language): string {
  if (session.mode === 'daring') {
    const link = session.meetingUrl ? `: ${session.meetingUrl}` : ''
    return lang === 'id' ? `Daring${link}` : `Online${link}`
  }
  const map = session.mapUrl ? `\n${lang === 'id' ? 'Peta' : 'Map'}: ${session.mapUrl}` : ''
  return `${lang === 'id' ? 'Tatap muka' : 'In person'}: ${session.venue ?? session.regionCity}${map}`
}

/** "12 kursi tersisa" / "Penuh: daftar tunggu (3 menunggu)". */
export function seats(capacity: number, taken: number, waiting: number, lang: Language): string {
  const left = Math.max(0, capacity - taken)
  if (left > 0) return lang === 'id' ? `${left} kursi tersisa dari ${capacity}` : `${left} of ${capacity} seats left`
  return lang === 'id' ? `Penuh: daftar tunggu (${waiting} menunggu)` : `Full: waiting list (${waiting} waiting)`
}

/** A short label for a list of options: "14 Des · Makassar · Daring · 12 kursi". */
export function optionLabel(session: SessionRow, lang: Language, readerZone: string | undefined, left: number): string {
  const zone = readerZone ?? session.timeZone
  const date = formatDate(session.startsAt, 'shortDayMonth', lang, zone)
  const mode = session.mode === 'daring' ? (lang === 'id' ? 'Daring' : 'Online') : session.regionCity
  const room = left > 0 ? (lang === 'id' ? `${left} kursi` : `${left} seats`) : lang === 'id' ? 'daftar tunggu' : 'waiting list'
  return `${date} ${clock(session.startsAt, zone)} ${zoneLabel(zone)} · ${session.title} · ${mode} · ${room}`
}
