/**
 * The handoff jobs the server runs every minute: staff are told again about a person still waiting
 * (after HANDOFF_ALERT_MINUTES of working time), and a conversation that fell silent after staff's
 * last answer is closed (after HANDOFF_IDLE_HOURS). They only write rows: the alert is a line of
 * the thread that the staff-group relay posts, the close notice an outbox message.
 */

import { eq } from 'drizzle-orm'
import { type Db, inTransaction } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { type HandoffWithRegion, handoffById, insertThreadMessage } from '../../db/queries/handoff-thread.js'
import { handoffRequests } from '../../db/schema.js'
import { fill, t } from '../messages.js'
import { formatLocalDateTime } from '../regions.js'
import { closeLiveHandoff } from './actions.js'
import type { HandoffActivity } from './activity.js'
import type { WorkingCalendar } from './hours.js'
import { placeOf } from './live.js'
import { handoffTexts } from './texts.js'

export type HandoffJobDeps = {
  db: Db
  calendar: Pick<WorkingCalendar, 'workingMinutesBetween'>
  settings: { alertMinutes: number; idleHours: number }
  activity?: HandoffActivity
}

export type HandoffJobCounts = { alerted: number; closedIdle: number }

type Candidate = { id: number }

/** One run at `now`: the alerts due and the idle conversations closed, each in its own transaction. */
export function runHandoffJobs(deps: HandoffJobDeps, now: Date): HandoffJobCounts {
  const { db, calendar, settings } = deps
  const counts: HandoffJobCounts = { alerted: 0, closedIdle: 0 }

  // Waiting for a first answer, or open with the person's last message unanswered, not yet alerted.
  const unanswered = db.$client
    .prepare(
      `select id from handoff_requests
        where live = 1 and alerted_at is null
          and (status = 'waiting' or (status = 'open' and last_person_at is not null
               and (last_staff_at is null or last_person_at > last_staff_at)))`,
    )
    .all() as Candidate[]
  for (const { id } of unanswered) {
    const alerted = inTransaction(db, () => {
      const handoff = handoffById(db, id)
      if (!handoff || handoff.alertedAt || handoff.status === 'closed') return false
      const since = waitingSince(db, handoff)
      const minutes = Math.floor(calendar.workingMinutesBetween(since, now, placeOf(handoff)))
      if (minutes < settings.alertMinutes) return false
      const zone = handoff.regionZone
      const count = (
        db.$client
          .prepare("select count(*) as n from handoff_messages where handoff_id = ? and platform_id like 'alert:%'")
          .get(id) as { n: number }
      ).n
      insertThreadMessage(db, {
        handoffId: id,
        at: now,
        author: 'system',
        via: 'system',
        text: `⏰ ${handoff.code} ${handoff.status === 'waiting' ? 'masih menunggu petugas' : 'pesan orangnya belum dibalas'} sejak ${formatLocalDateTime(since, zone)} (${minutes} menit jam kerja)`,
        platformId: `alert:${count + 1}`,
      })
      db.update(handoffRequests).set({ alertedAt: now }).where(eq(handoffRequests.id, id)).run()
      return true
    })
    if (alerted) counts.alerted++
  }

  // Open, staff spoke last, and nobody wrote since for the idle period.
  const idleBefore = now.getTime() - settings.idleHours * 3_600_000
  const idle = db.$client
    .prepare(
      `select id from handoff_requests
        where live = 1 and status = 'open' and last_staff_at is not null
          and (last_person_at is null or last_person_at <= last_staff_at) and last_staff_at <= ?`,
    )
    .all(idleBefore) as Candidate[]
  for (const { id } of idle) {
    const closed = inTransaction(db, () => {
      const handoff = handoffById(db, id)
      // Checked again inside the write lock: a message may have come in since the query.
      const last = handoff?.lastStaffAt?.getTime()
      if (handoff?.status !== 'open' || last === undefined || last > idleBefore) return false
      if (handoff.lastPersonAt && handoff.lastPersonAt.getTime() > last) return false
      closeLiveHandoff(db, handoff, {
        by: 'idle',
        at: now,
        notice: fill(t(handoff.language, handoffTexts.closedIdle), { code: handoff.code, hours: settings.idleHours }),
      })
      writeAudit(db, {
        at: now,
        actor: 'system',
        action: 'handoff.closed',
        entity: 'handoff_request',
        entityId: handoff.code,
        details: { by: 'idle' },
      })
      return true
    })
    if (closed) counts.closedIdle++
  }
  if (counts.alerted + counts.closedIdle > 0) deps.activity?.emit()
  return counts
}

/** Since when the person has been waiting for staff: the request, or their first message after staff's last reply. */
function waitingSince(db: Db, handoff: HandoffWithRegion): Date {
  if (handoff.status === 'waiting') return handoff.createdAt
  const row = db.$client
    .prepare("select min(at) as at from handoff_messages where handoff_id = ? and author = 'person' and at > ?")
    .get(handoff.id, handoff.lastStaffAt?.getTime() ?? 0) as { at: number | null }
  return row.at ? new Date(row.at) : handoff.createdAt
}
