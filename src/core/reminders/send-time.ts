/**
 * The part of a reminder that depends on when it is read: "(H-1)", "(2 jam lagi)", "(12 menit
 * lagi)" in its title. Reminders are written when they are planned, but may go out later (after
 * downtime, a retry, a resend from the console): the words are then worked out again at the moment
 * of sending, from the event's start kept beside the stored text. The stored text keeps the words
 * for the planned moment, so what staff read in the CLI or the console stays a plain message.
 */
import { formatIsoDay } from '../text/dates.js'
import type { Language, Reply } from '../types.js'
import type { OffsetUnit } from './settings.js'

/** What the title's "(…)" is worked out from: kept in the stored payload beside the text, never sent. */
export type SoonFacts = {
  /** The reminder's unit: days count calendar days in the reader's zone, hours and minutes the time left. */
  unit: OffsetUnit
  /** The event's start (a deadline for a portfolio), in ms. */
  startsAt: number
  /** The reader's zone: where "today" and "tomorrow" are counted. */
  zone: string
  lang: Language
  /** The words the stored title has (those for the planned moment). */
  planned: string
}

/** A reminder as the outbox stores it. Rows stored before the facts existed have none. */
export type StoredReply = Reply & { soon?: SoonFacts }

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000

/** Calendar days from `at` to `startsAt` in `zone`: 0 on the same day, 1 the day before, … */
function daysBefore(at: number, startsAt: number, zone: string): number {
  const day = (ms: number) => Date.parse(`${formatIsoDay(ms, zone)}T00:00:00Z`)
  return Math.round((day(startsAt) - day(at)) / DAY_MS)
}

function timeLeft(minutes: number, lang: Language): string {
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  if (lang === 'id') return `${[h && `${h} jam`, m && `${m} menit`].filter(Boolean).join(' ')} lagi`
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`
  return `in ${[h && plural(h, 'hour'), m && plural(m, 'minute')].filter(Boolean).join(' ')}`
}

/**
 * The title's words for a reader at `at`. Days: "H-7" / "in 7 days", "H-1" / "tomorrow" by the
 * calendar in the reader's zone, "hari ini" / "today" on the day itself. Hours and minutes: the
 * time really left, to the nearest minute under an hour, the nearest 5 minutes above ("2 jam lagi",
 * "1 jam 50 menit lagi", "2 menit lagi"),
 * "sebentar lagi" under a minute, "sudah dimulai" once started (a send paced past the start).
 */
export function soonAt(facts: Pick<SoonFacts, 'unit' | 'startsAt' | 'zone' | 'lang'>, at: Date): string {
  const id = facts.lang === 'id'
  if (facts.unit === 'd') {
    const days = daysBefore(at.getTime(), facts.startsAt, facts.zone)
    if (days <= 0) return id ? 'hari ini' : 'today'
    return id ? `H-${days}` : days === 1 ? 'tomorrow' : `in ${days} days`
  }
  const left = facts.startsAt - at.getTime()
  if (left <= 0) return id ? 'sudah dimulai' : 'has started'
  if (left < MINUTE_MS) return id ? 'sebentar lagi' : 'in a moment'
  // An hour or more ahead, to the nearest 5 minutes: a run's pacing (up to a minute for a large
  // batch) does not turn "2 jam lagi" into "1 jam 59 menit lagi".
  const minutes = Math.round(left / MINUTE_MS)
  return timeLeft(minutes >= 60 ? Math.round(minutes / 5) * 5 : minutes, facts.lang)
}

/**
 * The message an outbox row of `kind` becomes when it is sent at `at`: a reminder's "(…)" in its
 * title worked out again for `at` (once, in the title only); the stored facts are left out of what
 * the channel gets. Rows without facts (stored before they existed, or of other kinds) go as stored.
 */
export function atSendTime(kind: string, stored: StoredReply, at: Date): Reply {
  const { soon, ...reply } = stored
  if (kind !== 'reminder' || !soon) return reply
  const fresh = soonAt(soon, at)
  const end = reply.text.indexOf('\n')
  const title = end < 0 ? reply.text : reply.text.slice(0, end)
  const planned = `(${soon.planned})`
  if (fresh === soon.planned || !title.endsWith(planned)) return reply
  return { ...reply, text: `${title.slice(0, -planned.length)}(${fresh})${reply.text.slice(title.length)}` }
}
