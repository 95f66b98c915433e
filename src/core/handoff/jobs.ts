/**
 * The handoff jobs the server runs every minute: staff are told again about a person still waiting
 * (after HANDOFF_ALERT_MINUTES of working time), and a conversation that fell silent after staff's
 * last answer is closed (after HANDOFF_IDLE_HOURS). They only write rows: the alert is a line of
 * the thread that the staff-group relay posts, the close notice an outbox message.
 */

import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { idleHandoffIds, markHandoffAlerted, unansweredHandoffIds } from '../../db/queries/handoff.js'
import {
  alertCountOf,
  firstPersonMessageAfter,
  type HandoffWithRegion,
  handoffById,
  insertThreadMessage,
} from '../../db/queries/handoff-thread.js'
import { transaction } from '../../db/store.js'
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

/** One run at `now`: the alerts due and the idle conversations closed, each in its own transaction. */
export async function runHandoffJobs(deps: HandoffJobDeps, now: Date): Promise<HandoffJobCounts> {
  const { db, calendar, settings } = deps
  const counts: HandoffJobCounts = { alerted: 0, closedIdle: 0 }

  // Waiting for a first answer, or open with the person's last message unanswered, not yet alerted.
  for (const id of await unansweredHandoffIds(db)) {
    const alerted = await transaction(db, async (tx) => {
      const handoff = await handoffById(tx, id)
      if (!handoff || handoff.alertedAt || handoff.status === 'closed') return false
      const since = await waitingSince(tx, handoff)
      const minutes = Math.floor(calendar.workingMinutesBetween(since, now, placeOf(handoff)))
      if (minutes < settings.alertMinutes) return false
      const zone = handoff.regionZone
      const count = await alertCountOf(tx, id)
      await insertThreadMessage(tx, {
        handoffId: id,
        at: now,
        author: 'system',
        via: 'system',
        text: `⏰ ${handoff.code} ${handoff.status === 'waiting' ? 'masih menunggu petugas' : 'pesan orangnya belum dibalas'} sejak ${formatLocalDateTime(since, zone)} (${minutes} menit jam kerja)`,
        platformId: `alert:${count + 1}`,
      })
      await markHandoffAlerted(tx, id, now)
      return true
    })
    if (alerted) counts.alerted++
  }

  // Open, staff spoke last, and nobody wrote since for the idle period.
  const idleBefore = now.getTime() - settings.idleHours * 3_600_000
  for (const id of await idleHandoffIds(db, new Date(idleBefore))) {
    const closed = await transaction(db, async (tx) => {
      const handoff = await handoffById(tx, id)
      // Checked again inside the write lock: a message may have come in since the query.
      const last = handoff?.lastStaffAt?.getTime()
      if (handoff?.status !== 'open' || last === undefined || last > idleBefore) return false
      if (handoff.lastPersonAt && handoff.lastPersonAt.getTime() > last) return false
      await closeLiveHandoff(tx, handoff, {
        by: 'idle',
        at: now,
        notice: fill(t(handoff.language, handoffTexts.closedIdle), { code: handoff.code, hours: settings.idleHours }),
      })
      await writeAudit(tx, {
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
async function waitingSince(db: Db, handoff: HandoffWithRegion): Promise<Date> {
  if (handoff.status === 'waiting') return handoff.createdAt
  return (await firstPersonMessageAfter(db, handoff.id, handoff.lastStaffAt ?? new Date(0))) ?? handoff.createdAt
}
