/**
 * When an announcement goes. "Send now": every row due now; rows of a zone inside its quiet hours
 * wait in the outbox until they end (unless urgent). "Schedule": a wall-clock date and time read
 * in each recipient's own zone (09.00 is 09.00 WIB in Padang and 09.00 WIT in Jayapura), so the
 * queuing starts at the earliest zone's moment (WIT) and each row is due at its own.
 */
import { DateTime } from 'luxon'
import type { ReminderSettings } from '../reminders/settings.js'
import { INDONESIAN_ZONES, isDay } from './criteria.js'
import { type AnnounceProblem, problem } from './problems.js'

export type Schedule = { localDate: string | null; localTime: string | null }

const TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/

/** "9.5" → undefined, "09.00" / "9:00" → "09:00". */
export function readTime(text: string): string | undefined {
  const match = TIME.exec(text.trim())
  return match ? `${(match[1] ?? '').padStart(2, '0')}:${match[2]}` : undefined
}

/** When a recipient in `zone` is due: the scheduled wall-clock time in that zone; `now` when not scheduled. */
export function dueAtFor(a: Schedule, zone: string, now: Date): Date {
  if (!a.localDate || !a.localTime) return now
  const at = DateTime.fromISO(`${a.localDate}T${a.localTime}`, { zone })
  return at.isValid ? at.toJSDate() : now
}

/** The earliest due moment over the Indonesian zones (WIT first): when queuing starts. Null: not scheduled. */
export function firstDue(a: Schedule, now: Date): Date | null {
  if (!a.localDate || !a.localTime) return null
  return new Date(Math.min(...INDONESIAN_ZONES.map((zone) => dueAtFor(a, zone, now).getTime())))
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}.${String(minutes % 60).padStart(2, '0')}`

/** Whether the wall-clock minute falls inside the quiet hours. */
export function minuteIsQuiet(minute: number, quiet: ReminderSettings['quiet']): boolean {
  if (quiet.start === quiet.end) return false
  return quiet.start < quiet.end ? minute >= quiet.start && minute < quiet.end : minute >= quiet.start || minute < quiet.end
}

/** Refusals before saving: a bad date or time, in the past (in every zone), or inside the quiet hours without urgent. */
export function scheduleProblem(
  a: { localDate: string; localTime: string },
  urgent: boolean,
  quiet: ReminderSettings['quiet'],
  now: Date,
): AnnounceProblem | undefined {
  const time = readTime(a.localTime)
  if (!isDay(a.localDate.trim()) || !time) {
    return problem(
      'ANNOUNCE_BAD_DATE',
      'Tanggal atau jam jadwal tidak valid: tulis tanggal TTTT-BB-HH dan jam JJ:MM, misalnya 2026-12-10 09:00.',
      'jadwal',
    )
  }
  const [h, m] = time.split(':').map(Number)
  const minute = (h ?? 0) * 60 + (m ?? 0)
  if (!urgent && minuteIsQuiet(minute, quiet)) {
    return problem(
      'ANNOUNCE_IN_QUIET_HOURS',
      `Pukul ${time.replace(':', '.')} termasuk jam tenang (${hhmm(quiet.start)}–${hhmm(quiet.end)} waktu penerima). Pilih jam lain atau tandai mendesak.`,
      'jadwal',
    )
  }
  // Refused only when the time has passed in every zone (WIB is the last): at 07.30 WIB, "09.00
  // today" is still ahead in Java; recipients in WITA or WIT, where it has passed, get it at once.
  const last = lastDue({ localDate: a.localDate.trim(), localTime: time }, now)
  if (last && last.getTime() <= now.getTime()) {
    return problem(
      'ANNOUNCE_IN_PAST',
      `${a.localDate.trim()} pukul ${time.replace(':', '.')} sudah lewat. Pilih waktu yang akan datang.`,
      'jadwal',
    )
  }
  return undefined
}

/** The latest due moment over the Indonesian zones (WIB last): when the last recipients get it. Null: not scheduled. */
export function lastDue(a: Schedule, now: Date): Date | null {
  if (!a.localDate || !a.localTime) return null
  return new Date(Math.max(...INDONESIAN_ZONES.map((zone) => dueAtFor(a, zone, now).getTime())))
}
