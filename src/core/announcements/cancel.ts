/**
 * Cancelling an announcement (draft, scheduled, queuing or sending; a done one is refused): one
 * write transaction marks it cancelled and cancels its outbox rows not yet sent (pending or
 * queued); the trigger of migration 0015 marks their recipients. A row whose send already started
 * finishes and is reported as it went. A queuing announcement stops at its next batch.
 */
import type { Db } from '../../db/client.js'
import {
  announcementTotals,
  cancelAnnouncementRows,
  findAnnouncement,
  freezeTotals,
  markCancelled,
} from '../../db/queries/announcements.js'
import { transaction } from '../../db/store.js'
import type { Checked } from './problems.js'
import { problem } from './problems.js'
import { audit } from './record.js'
import type { AnnounceContext } from './service.js'

const STATUS_WORD = { done: 'sudah selesai dikirim', cancelled: 'sudah dibatalkan' } as const

export async function cancelAnnouncement(db: Db, id: number, ctx: AnnounceContext): Promise<Checked<{ cancelledRows: number }>> {
  const row = await findAnnouncement(db, id, ctx.scope)
  if (!row) return { ok: false, problems: [problem('ANNOUNCE_NOT_FOUND', 'Pengumuman tidak ditemukan.')] }
  const result = await transaction(db, async (tx) => {
    if (!(await markCancelled(tx, row.id, ctx.now.getTime(), ctx.actor))) return undefined
    const cancelledRows = await cancelAnnouncementRows(tx, row.id, ctx.now)
    await freezeTotals(tx, row.id, JSON.stringify(await announcementTotals(tx, row.id)))
    await audit(tx, ctx.now, ctx.actor, 'announcement.cancelled', row.code, { from: row.status, cancelledRows })
    return { cancelledRows }
  })
  if (result) return { ok: true, value: result }
  const status = (await findAnnouncement(db, row.id, null))?.status
  const word = status === 'done' || status === 'cancelled' ? STATUS_WORD[status] : 'tidak dapat dibatalkan'
  return {
    ok: false,
    problems: [problem('ANNOUNCE_NOT_CANCELLABLE', `Pengumuman ${row.code} ${word}; yang sudah terkirim tidak dapat ditarik.`)],
  }
}
