/**
 * Cancelling at each state: a scheduled one is never queued; a queuing one stops at its next batch;
 * a sending one has every row not yet sent cancelled (the report says so) while a message already
 * being sent finishes and is reported sent; a done one cannot be cancelled; each is in the audit log.
 */
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  cancelAnnouncement,
  queueAnnouncement,
  runAnnouncements,
  sendAnnouncement,
} from '../../src/core/announcements/service.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
import { announcementTotals, recipientLines } from '../../src/db/queries/announcements.js'
import { announcements, auditLog } from '../../src/db/schema.js'
import {
  addRecipient,
  announceDb,
  announcementRows,
  announceNow,
  ctxAt,
  draft,
  MONDAY_9_WIB,
  QUIET,
} from '../support/announcements.js'
import { fakeClock } from '../support/core.js'
import { testOutbox } from '../support/outbox.js'

let db: Db
beforeEach(async () => {
  db = await announceDb()
})
afterEach(() => closeDatabase(db))

const input = { audience: { regions: ['R5'] }, textId: 'Yth. {nama}, kantor tutup pada hari Jumat.' }
const ctx = ctxAt(MONDAY_9_WIB)
const statusOf = async (id: number) => (await db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]?.status

describe('cancelling', () => {
  it('a draft or a scheduled announcement: nothing is ever queued', async () => {
    await addRecipient(db)
    const first = await draft(db, input, ctx)
    expect(await cancelAnnouncement(db, first.id, ctx)).toEqual({ ok: true, value: { cancelledRows: 0 } })
    const scheduled = await draft(db, input, ctx)
    await sendAnnouncement(db, scheduled.id, { mode: 'schedule', localDate: '2026-11-24', localTime: '09:00' }, false, ctx, QUIET)
    expect(await cancelAnnouncement(db, scheduled.id, ctx)).toEqual({ ok: true, value: { cancelledRows: 0 } })
    await runAnnouncements(db, () => new Date('2026-11-25T00:00:00Z'), { batchPeople: 10, pauseMs: 0 })
    expect(await announcementRows(db, scheduled.id)).toEqual([])
    expect(await statusOf(scheduled.id)).toBe('cancelled')
  })

  it('while queuing: the batches after the cancel are not written', async () => {
    for (let i = 0; i < 5; i++) await addRecipient(db)
    const made = await draft(db, input, ctx)
    await sendAnnouncement(db, made.id, { mode: 'now' }, false, ctx, QUIET)
    const result = await queueAnnouncement(
      db,
      made.id,
      () => MONDAY_9_WIB,
      { batchPeople: 2, pauseMs: 0 },
      async () => {
        if ((await statusOf(made.id)) === 'queuing') await cancelAnnouncement(db, made.id, ctx)
      },
    )
    expect(result.finished).toBe(false)
    // The first batch was written, then cancelled with the announcement; nothing after it.
    const rows = await announcementRows(db, made.id)
    expect(rows).toHaveLength(2)
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled'])
    expect(await statusOf(made.id)).toBe('cancelled')
    await runAnnouncements(db, () => MONDAY_9_WIB, { batchPeople: 2, pauseMs: 0 })
    expect(await announcementRows(db, made.id)).toHaveLength(2)
  })

  it('while sending: what is not yet sent stays unsent; the message being sent finishes and counts as sent', async () => {
    for (let i = 0; i < 4; i++) await addRecipient(db)
    const sent = await announceNow(db, input, ctx)
    const clock = fakeClock(MONDAY_9_WIB)
    const delivered: string[] = []
    const outbox = testOutbox(db, clock, {
      telegram: async (chatId) => {
        // Staff cancel while the first message is on its way.
        if (delivered.length === 0)
          expect(await cancelAnnouncement(db, sent.id, ctx)).toEqual({ ok: true, value: { cancelledRows: 3 } })
        delivered.push(chatId)
      },
    })
    await outbox.deliver()
    expect(delivered).toHaveLength(1)
    const totals = await announcementTotals(db, sent.id)
    expect(totals.rows).toMatchObject({ sent: 1, cancelled: 3, waiting: 0 })
    const cancelled = await recipientLines(db, sent.id, { status: 'cancelled' }, { limit: 10, offset: 0 })
    expect(cancelled.total).toBe(3)
    expect(cancelled.rows[0]?.reason).toBe('cancelled: the announcement was cancelled')
    clock.advance(60 * 60_000)
    await outbox.deliver()
    expect(delivered).toHaveLength(1)
  })

  it('a done announcement cannot be cancelled, nor one cancelled already; every cancel is audited', async () => {
    await addRecipient(db)
    const sent = await announceNow(db, input, ctx)
    await testOutbox(db, fakeClock(MONDAY_9_WIB), { telegram: async () => {} }).deliver()
    expect(await runAnnouncements(db, () => MONDAY_9_WIB, { batchPeople: 10, pauseMs: 0 })).toEqual({ queued: 0, finished: 1 })
    expect(await statusOf(sent.id)).toBe('done')
    expect(await cancelAnnouncement(db, sent.id, ctx)).toMatchObject({
      ok: false,
      problems: [{ code: 'ANNOUNCE_NOT_CANCELLABLE' }],
    })
    const other = await draft(db, { ...input, textId: 'Lain.' }, ctx)
    await cancelAnnouncement(db, other.id, ctx)
    expect(await cancelAnnouncement(db, other.id, ctx)).toMatchObject({
      ok: false,
      problems: [{ code: 'ANNOUNCE_NOT_CANCELLABLE' }],
    })
    expect(await cancelAnnouncement(db, 999, ctx)).toMatchObject({ ok: false, problems: [{ code: 'ANNOUNCE_NOT_FOUND' }] })
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, 'announcement.cancelled'))
    expect(audits).toHaveLength(1)
    expect(JSON.parse(audits[0]?.details ?? '{}')).toEqual({ from: 'draft', cancelledRows: 0 })
  })
})
