/**
 * Sending now or at a time: a scheduled time is a wall-clock time in each recipient's own zone;
 * inside the quiet hours it is refused unless urgent, in the past it is refused; the minute job
 * starts queuing at the earliest zone's moment (WIT) and not before; sent now, the rows of people
 * in their quiet hours carry their zone (the outbox holds them), urgent rows carry none; the
 * preview says who waits until when.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dueAtFor, firstDue } from '../../src/core/announcements/schedule.js'
import { previewAnnouncement, runAnnouncements, sendAnnouncement } from '../../src/core/announcements/service.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
import { auditLog } from '../../src/db/schema.js'
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

let db: Db
beforeEach(async () => {
  db = await announceDb()
})
afterEach(() => closeDatabase(db))

const input = { audience: { regions: ['R1', 'R5', 'R6'] }, textId: 'Yth. {nama}, kantor tutup pada hari Jumat.' }
const settings = { batchPeople: 100, pauseMs: 0 }

async function threeZones() {
  return {
    wib: await addRecipient(db, { zone: 'Asia/Jakarta', province: '13' }),
    wita: await addRecipient(db, { zone: 'Asia/Makassar', province: '73' }),
    wit: await addRecipient(db, { zone: 'Asia/Jayapura', province: '91' }),
  }
}

describe('a time in each recipient’s zone', () => {
  it('09.00 is 09.00 WIB, WITA and WIT; the start is the earliest of them', () => {
    const at = { localDate: '2026-11-24', localTime: '09:00' }
    expect(dueAtFor(at, 'Asia/Jakarta', MONDAY_9_WIB).toISOString()).toBe('2026-11-24T02:00:00.000Z')
    expect(dueAtFor(at, 'Asia/Makassar', MONDAY_9_WIB).toISOString()).toBe('2026-11-24T01:00:00.000Z')
    expect(dueAtFor(at, 'Asia/Jayapura', MONDAY_9_WIB).toISOString()).toBe('2026-11-24T00:00:00.000Z')
    expect(firstDue(at, MONDAY_9_WIB)?.toISOString()).toBe('2026-11-24T00:00:00.000Z')
    expect(dueAtFor({ localDate: null, localTime: null }, 'Asia/Jakarta', MONDAY_9_WIB)).toEqual(MONDAY_9_WIB)
  })

  it('a time still ahead in WIB is accepted though it has passed in WIT: the WIT recipients get it at once', async () => {
    const ctx = ctxAt(MONDAY_9_WIB)
    await addRecipient(db, { zone: 'Asia/Jayapura', province: '91' })
    await addRecipient(db, { zone: 'Asia/Jakarta', province: '31' })
    const made = await draft(db, { audience: { provinces: ['91', '31'] }, textId: 'Yth. {nama}, kantor tutup pukul 14.00.' }, ctx)
    // Monday 09.00 WIB is 11.00 WIT: 10.00 today has passed in Jayapura, not in Jakarta.
    expect(
      await sendAnnouncement(db, made.id, { mode: 'schedule', localDate: '2026-11-23', localTime: '10:00' }, false, ctx, QUIET),
    ).toMatchObject({ ok: true, value: { status: 'scheduled' } })
    await runAnnouncements(db, () => MONDAY_9_WIB, { batchPeople: 10, pauseMs: 0 })
    const due = (await announcementRows(db, made.id)).map((r) => [r.timeZone, r.dueAt.toISOString()])
    expect(due).toEqual(
      expect.arrayContaining([
        ['Asia/Jayapura', '2026-11-23T01:00:00.000Z'],
        ['Asia/Jakarta', '2026-11-23T03:00:00.000Z'],
      ]),
    )
  })

  it('refuses a schedule, or sending now, past the announcement’s expiry: nobody would get it', async () => {
    const ctx = ctxAt(MONDAY_9_WIB)
    const made = await draft(db, { ...input, expiresAt: new Date('2026-11-23T11:00:00Z') }, ctx)
    expect(
      await sendAnnouncement(db, made.id, { mode: 'schedule', localDate: '2026-11-24', localTime: '09:00' }, false, ctx, QUIET),
    ).toMatchObject({ ok: false, problems: [{ code: 'ANNOUNCE_BAD_DATE', field: 'jadwal' }] })
    expect(
      await sendAnnouncement(db, made.id, { mode: 'schedule', localDate: '2026-11-23', localTime: '15:00' }, false, ctx, QUIET),
    ).toMatchObject({ ok: true, value: { status: 'scheduled' } })
    // Written at 09.00 WIB to expire at 10.00, sent only at 11.00.
    const late = await draft(
      db,
      { ...input, textId: 'Yth. {nama}, sudah lewat.', expiresAt: new Date('2026-11-23T03:00:00Z') },
      ctx,
    )
    expect(
      await sendAnnouncement(db, late.id, { mode: 'now' }, false, ctxAt(new Date('2026-11-23T04:00:00Z')), QUIET),
    ).toMatchObject({
      ok: false,
      problems: [{ code: 'ANNOUNCE_BAD_DATE' }],
    })
  })

  it('refuses a time inside the quiet hours unless urgent, a time past, and a bad date', async () => {
    const ctx = ctxAt(MONDAY_9_WIB)
    const quiet = await draft(db, input, ctx)
    expect(
      await sendAnnouncement(db, quiet.id, { mode: 'schedule', localDate: '2026-11-24', localTime: '22:00' }, false, ctx, QUIET),
    ).toMatchObject({
      ok: false,
      problems: [{ code: 'ANNOUNCE_IN_QUIET_HOURS', field: 'jadwal' }],
    })
    // Monday 09.00 WIB: 08.00 today has passed everywhere.
    expect(
      await sendAnnouncement(db, quiet.id, { mode: 'schedule', localDate: '2026-11-23', localTime: '08:00' }, false, ctx, QUIET),
    ).toMatchObject({
      ok: false,
      problems: [{ code: 'ANNOUNCE_IN_PAST' }],
    })
    expect(
      await sendAnnouncement(db, quiet.id, { mode: 'schedule', localDate: '24-11-2026', localTime: '9' }, false, ctx, QUIET),
    ).toMatchObject({
      ok: false,
      problems: [{ code: 'ANNOUNCE_BAD_DATE' }],
    })
    expect(
      await sendAnnouncement(db, quiet.id, { mode: 'schedule', localDate: '2026-11-24', localTime: '22.00' }, true, ctx, QUIET),
    ).toEqual({
      ok: true,
      value: { status: 'scheduled', startAt: new Date('2026-11-24T13:00:00Z') },
    })
    expect((await db.select().from(auditLog)).map((r) => r.action)).toEqual(['announcement.created', 'announcement.scheduled'])
  })

  it('the minute job queues a scheduled announcement when WIT reaches the time, each row due at its own zone’s', async () => {
    const { wib, wita, wit } = await threeZones()
    const ctx = ctxAt(MONDAY_9_WIB)
    const made = await draft(db, input, ctx)
    expect(
      (await sendAnnouncement(db, made.id, { mode: 'schedule', localDate: '2026-11-24', localTime: '09:00' }, false, ctx, QUIET))
        .ok,
    ).toBe(true)
    expect(await runAnnouncements(db, () => new Date('2026-11-23T23:59:00Z'), settings)).toEqual({ queued: 0, finished: 0 })
    expect(await announcementRows(db, made.id)).toEqual([])
    expect(await runAnnouncements(db, () => new Date('2026-11-24T00:00:00Z'), settings)).toEqual({ queued: 1, finished: 0 })
    const due = Object.fromEntries(
      (await announcementRows(db, made.id)).map((r) => [r.personId, [r.dueAt.toISOString(), r.timeZone]]),
    )
    expect(due).toEqual({
      [wib]: ['2026-11-24T02:00:00.000Z', 'Asia/Jakarta'],
      [wita]: ['2026-11-24T01:00:00.000Z', 'Asia/Makassar'],
      [wit]: ['2026-11-24T00:00:00.000Z', 'Asia/Jayapura'],
    })
  })
})

describe('sent now', () => {
  it('at 20.30 WIB the preview says the WITA and WIT people receive it at 06.00 their time; their rows carry their zone', async () => {
    await threeZones()
    const evening = ctxAt(new Date('2026-11-23T13:30:00Z'))
    const made = await draft(db, input, evening)
    const preview = await previewAnnouncement(db, made.id, evening, { quiet: QUIET })
    expect(preview.notes).toEqual(
      expect.arrayContaining([
        '1 penerima WITA menerima pesan pukul 06.00 WITA, setelah jam tenang, bila dikirim sekarang.',
        '1 penerima WIT menerima pesan pukul 06.00 WIT, setelah jam tenang, bila dikirim sekarang.',
      ]),
    )
    expect(preview.notes.some((n) => n.includes('WIB menerima'))).toBe(false)
    const sent = await announceNow(db, { ...input, textId: `${input.textId} (2)` }, evening)
    expect((await announcementRows(db, sent.id)).map((r) => [r.timeZone, r.dueAt])).toEqual([
      ['Asia/Jakarta', evening.now],
      ['Asia/Makassar', evening.now],
      ['Asia/Jayapura', evening.now],
    ])
  })

  it('urgent: rows carry no zone, so no quiet hours hold them', async () => {
    await threeZones()
    const night = ctxAt(new Date('2026-11-23T16:00:00Z'))
    const sent = await announceNow(db, input, night, { urgent: true })
    expect((await announcementRows(db, sent.id)).map((r) => r.timeZone)).toEqual([null, null, null])
  })
})
