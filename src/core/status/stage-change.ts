/**
 * A stage written for one person, as the status import and the console's Peserta page both write it:
 * stage days read in the person's zone, and one message to each of the person's chats when their
 * current stage changed, the same message and the same idempotency key whichever wrote it.
 */
import { DateTime } from 'luxon'
import type { Db } from '../../db/client.js'
import { queueForPerson } from '../../db/queries/outbox.js'
import type { StoredStage } from '../../db/queries/status.js'
import { stageChangedMessage } from './stages.js'

/** Hours ahead of UTC: WIB +7, WITA +8, WIT +9, all year round. */
const OFFSET_HOURS: Readonly<Record<string, number>> = {
  'Asia/Jakarta': 7,
  'Asia/Pontianak': 7,
  'Asia/Makassar': 8,
  'Asia/Ujung_Pandang': 8,
  'Asia/Jayapura': 9,
}
const HOUR = 3_600_000

/** The instant of `day` (YYYY-MM-DD) at `hour`:`minute` wall-clock time in `zone`. */
export function atLocal(day: string, hour: number, minute: number, zone: string): number {
  const year = Number(day.slice(0, 4))
  const month = Number(day.slice(5, 7))
  const date = Number(day.slice(8, 10))
  const offset = OFFSET_HOURS[zone]
  if (offset === undefined) {
    // Not an Indonesian zone (edited by hand in the database): let luxon work it out.
    return DateTime.fromObject({ year, month, day: date, hour, minute }, { zone }).toMillis()
  }
  return Date.UTC(year, month - 1, date, hour, minute) - offset * HOUR
}

/** The day (YYYY-MM-DD) an instant falls on in `zone`. */
export function localDay(ms: number, zone: string): string {
  const offset = OFFSET_HOURS[zone]
  if (offset === undefined) return DateTime.fromMillis(ms, { zone }).toISODate() ?? ''
  return new Date(ms + offset * HOUR).toISOString().slice(0, 10)
}

/** A stage's `reachedAt` (00:00 of its day) and `dueAt` (23:59 of the due day) in the person's zone. */
export const stageTimes = (stageDay: string, dueDay: string | null, zone: string) => ({
  reachedAt: atLocal(stageDay, 0, 0, zone),
  dueAt: dueDay ? atLocal(dueDay, 23, 59, zone) : null,
})

/**
 * Tells a person of their new current stage: one outbox message per chat that can be reached now,
 * in that chat's language, dated in the person's zone. Returns how many were queued (none for a
 * person without a linked chat, or one already told of this stage on this day).
 */
export function queueStageChanged(
  db: Db,
  personId: number,
  stage: Pick<StoredStage, 'stage' | 'reachedAt'>,
  zone: string,
  now: Date,
) {
  const reachedAt = new Date(stage.reachedAt)
  return queueForPerson(db, {
    personId,
    kind: 'status_changed',
    key: `status:${personId}:${stage.stage}:${stage.reachedAt}`,
    build: (language) => stageChangedMessage(stage.stage, reachedAt, language, zone),
    dueAt: now,
  })
}
