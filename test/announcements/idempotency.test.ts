/**
 * Sending the same announcement twice never messages anyone twice: queuing again (or a batch run
 * again) writes no new row; a second "send" of the same draft is answered as the first; the same
 * content again is refused while the first lives and for 24 hours after it is done (then accepted: a weekly notice); a crash in the middle of queuing is resumed by
 * the minute job from the last person written, and everyone ends up with exactly one row per chat.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  cancelAnnouncement,
  createAnnouncement,
  queueAnnouncement,
  runAnnouncements,
  sendAnnouncement,
} from '../../src/core/announcements/service.js'
import { closeDatabase, type Db, statement } from '../../src/db/client.js'
import { announcementTotals } from '../../src/db/queries/announcements.js'
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
const keysOf = async (id: number) => (await announcementRows(db, id)).map((r) => r.idempotencyKey)

describe('never twice', () => {
  it('queuing again, even from the start, writes no new row', async () => {
    for (let i = 0; i < 7; i++) await addRecipient(db, { chats: [{ channel: 'telegram' }, { channel: 'whatsapp' }] })
    const sent = await announceNow(db, input, ctx, { batchPeople: 3 })
    expect(sent.result).toMatchObject({ people: 7, rows: 14, finished: true })
    const keys = await keysOf(sent.id)
    expect(new Set(keys).size).toBe(14)
    expect(await queueAnnouncement(db, sent.id, () => MONDAY_9_WIB, { batchPeople: 3, pauseMs: 0 })).toMatchObject({ rows: 0 })
    await statement(db, `UPDATE announcements SET status = 'queuing', queued_through = 0 WHERE id = ?`).run(sent.id)
    expect(await queueAnnouncement(db, sent.id, () => MONDAY_9_WIB, { batchPeople: 3, pauseMs: 0 })).toMatchObject({
      people: 7,
      rows: 0,
      finished: true,
    })
    expect(await keysOf(sent.id)).toEqual(keys)
    expect(await announcementTotals(db, sent.id)).toMatchObject({ people: 7, queued: 7, rows: { waiting: 14 } })
  })

  it('a batch larger than one INSERT (500 rows) writes every row once, and counts each', async () => {
    // 300 people with two chats: 600 outbox rows and 600 recipient rows in one batch, so both
    // writers set a full chunk aside and write the rest after it.
    for (let i = 0; i < 300; i++) await addRecipient(db, { chats: [{ channel: 'telegram' }, { channel: 'whatsapp' }] })
    const sent = await announceNow(db, input, ctx, { batchPeople: 1_000 })
    expect(sent.result).toMatchObject({ people: 300, rows: 600, finished: true })
    const keys = await keysOf(sent.id)
    expect(keys).toHaveLength(600)
    expect(new Set(keys).size).toBe(600)
    expect(await announcementTotals(db, sent.id)).toMatchObject({ people: 300, queued: 300, rows: { waiting: 600 } })
  })

  it('a second "send" of the same draft changes nothing; the same content again is refused while the first lives', async () => {
    await addRecipient(db)
    const made = await draft(db, input, ctx)
    expect(await sendAnnouncement(db, made.id, { mode: 'now' }, false, ctx, QUIET)).toEqual({
      ok: true,
      value: { status: 'queuing', startAt: null },
    })
    expect(await sendAnnouncement(db, made.id, { mode: 'now' }, false, ctx, QUIET)).toEqual({
      ok: true,
      value: { status: 'queuing', startAt: null },
    })
    await queueAnnouncement(db, made.id, () => MONDAY_9_WIB, { batchPeople: 10, pauseMs: 0 })
    expect(await announcementRows(db, made.id)).toHaveLength(1)
    const again = await createAnnouncement(db, input, ctx)
    expect(again).toMatchObject({ ok: false, problems: [{ code: 'ANNOUNCE_DUPLICATE', existingCode: made.code }] })
    // The same regions written differently are the same audience.
    expect(await createAnnouncement(db, { ...input, audience: { regions: ['r5', 'R5'] } }, ctx)).toMatchObject({
      ok: false,
      problems: [{ code: 'ANNOUNCE_DUPLICATE' }],
    })
    await cancelAnnouncement(db, made.id, ctx)
    expect((await createAnnouncement(db, input, ctx)).ok).toBe(true)
  })

  it('the same text is refused for 24 hours after the first is done, then may be sent again (a weekly notice)', async () => {
    await addRecipient(db, { chats: [{ channel: 'telegram', chatId: '7009001' }] })
    const sent: string[] = []
    const clock = fakeClock(MONDAY_9_WIB)
    const outbox = testOutbox(db, clock, {
      telegram: async (chatId) => {
        sent.push(chatId)
      },
    })
    const first = await announceNow(db, input, ctx)
    await outbox.deliver()
    expect(await runAnnouncements(db, clock.now, { batchPeople: 10, pauseMs: 0 })).toMatchObject({ finished: 1 })
    // A script retrying the same day is refused: nobody is messaged twice by accident.
    clock.advance(60 * 60_000)
    expect(await createAnnouncement(db, input, ctxAt(clock.now()))).toMatchObject({
      ok: false,
      problems: [
        { code: 'ANNOUNCE_DUPLICATE', existingCode: first.code, message: expect.stringContaining('kurang dari 24 jam lalu') },
      ],
    })
    clock.advance(7 * 24 * 60 * 60_000)
    const second = await announceNow(db, input, ctxAt(clock.now()))
    expect(second.code).not.toBe(first.code)
    await outbox.deliver()
    expect(sent).toEqual(['7009001', '7009001'])
  })

  it('one announcement that cannot be queued does not hold up the others in the minute job', async () => {
    await addRecipient(db)
    const broken = await draft(db, { ...input, textId: 'Yth. {nama}, yang rusak.' }, ctx)
    const fine = await draft(db, { ...input, textId: 'Yth. {nama}, yang baik.' }, ctx)
    await sendAnnouncement(db, broken.id, { mode: 'now' }, false, ctx, QUIET)
    await sendAnnouncement(db, fine.id, { mode: 'now' }, false, ctx, QUIET)
    // A row broken by hand (or by a bug): its criteria no longer read.
    await statement(db, `UPDATE announcements SET criteria = 'not json' WHERE id = ?`).run(broken.id)
    await expect(runAnnouncements(db, () => MONDAY_9_WIB, { batchPeople: 10, pauseMs: 0 })).rejects.toThrow()
    expect(await announcementRows(db, fine.id)).toHaveLength(1)
    expect(await announcementRows(db, broken.id)).toHaveLength(0)
  })

  it('a crash while queuing: the minute job resumes after the last person written; each chat gets one row', async () => {
    for (let i = 0; i < 10; i++) await addRecipient(db)
    const made = await draft(db, input, ctx)
    await sendAnnouncement(db, made.id, { mode: 'now' }, false, ctx, QUIET)
    let pauses = 0
    const crashing = async () => {
      pauses += 1
      if (pauses === 2) throw new Error('the process died')
    }
    await expect(queueAnnouncement(db, made.id, () => MONDAY_9_WIB, { batchPeople: 3, pauseMs: 0 }, crashing)).rejects.toThrow(
      'the process died',
    )
    // Two batches were committed before the crash.
    expect(await announcementRows(db, made.id)).toHaveLength(6)
    expect(await runAnnouncements(db, () => MONDAY_9_WIB, { batchPeople: 3, pauseMs: 0 })).toEqual({ queued: 1, finished: 0 })
    const rows = await announcementRows(db, made.id)
    expect(rows).toHaveLength(10)
    expect(new Set(rows.map((r) => r.personId)).size).toBe(10)
    expect(await announcementTotals(db, made.id)).toMatchObject({ people: 10, queued: 10 })
    expect(await runAnnouncements(db, () => MONDAY_9_WIB, { batchPeople: 3, pauseMs: 0 })).toEqual({ queued: 0, finished: 0 })
    expect(await announcementRows(db, made.id)).toHaveLength(10)
  })
})
