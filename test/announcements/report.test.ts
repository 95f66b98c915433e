/**
 * The per-person report: who got it, who not and why, in totals and per person (filtered by
 * status), and as CSV for a spreadsheet (BOM, no formula runs, the chat masked, times in the
 * person's zone, no phone or NIK); after RETENTION_ANNOUNCEMENT_DAYS the per-person rows go and
 * the frozen totals stay; after RETENTION_AUDIT_DAYS the announcement goes too.
 */

import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { recipientStatus, recipientsCsv } from '../../src/core/announcements/report.js'
import { exportRecipientsCsv, runAnnouncements } from '../../src/core/announcements/service.js'
import { RecipientUnreachable } from '../../src/core/outbox.js'
import { runRetention } from '../../src/core/privacy/retention.js'
import { closeDatabase, type Db, statement } from '../../src/db/client.js'
import { allRecipientLines, announcementTotals, recipientLines } from '../../src/db/queries/announcements.js'
import { auditLog } from '../../src/db/schema.js'
import { addRecipient, announceDb, announceNow, ctxAt, MONDAY_9_WIB, regionScope } from '../support/announcements.js'
import { fakeClock, RETENTION_PERIODS } from '../support/core.js'
import { testOutbox } from '../support/outbox.js'
import { DAY } from '../support/reminders.js'

const PERIODS = RETENTION_PERIODS

let db: Db
beforeEach(async () => {
  db = await announceDb()
})
afterEach(() => closeDatabase(db))

const ctx = ctxAt(MONDAY_9_WIB)

/** Six people: sent on Telegram, sent on WhatsApp, failing for good, blocking the bot while sent, opted out, no chat. */
async function deliveredAnnouncement() {
  await addRecipient(db, { name: 'Andi Sent', chats: [{ channel: 'telegram', chatId: '7001001' }] })
  await addRecipient(db, { name: '=HYPERLINK("x")', chats: [{ channel: 'whatsapp', chatId: '6281234567890@s.whatsapp.net' }] })
  await addRecipient(db, { name: 'Citra Gagal', chats: [{ channel: 'telegram', chatId: '7001003' }] })
  await addRecipient(db, { name: 'Dedi Blokir', chats: [{ channel: 'telegram', chatId: '7001004' }] })
  await addRecipient(db, { name: 'Eka Berhenti', chats: [{ channel: 'telegram', off: true }] })
  await addRecipient(db, { name: 'Fajar Tanpa Chat', chats: [] })
  const sent = await announceNow(db, { audience: { regions: ['R5'] }, textId: 'Yth. {nama}, kantor tutup hari Jumat.' }, ctx)
  const clock = fakeClock(MONDAY_9_WIB)
  const outbox = testOutbox(db, clock, {
    telegram: async (chatId) => {
      if (chatId === '7001003') throw new Error('Bad Request: chat not found')
      if (chatId === '7001004') throw new RecipientUnreachable('Forbidden: bot was blocked by the user')
    },
    whatsapp: async () => {},
  })
  // Retries at +1, +5, +30 and +120 minutes, then failed for good (hourly runs from 09.00 WIB stay
  // clear of the quiet hours, which hold announcements).
  for (let i = 0; i < 6; i++) {
    await outbox.deliver()
    clock.advance(60 * 60_000)
  }
  return { ...sent, clock }
}

describe('the report', () => {
  it('totals and per-person lines say who got it, who not and why', async () => {
    const sent = await deliveredAnnouncement()
    const totals = announcementTotals(db, sent.id)
    expect(await totals).toMatchObject({
      people: 6,
      queued: 4,
      noChat: 1,
      blocked: 0,
      optedOut: 1,
      rows: { waiting: 0, sent: 2, failed: 1, blockedByUser: 1, cancelled: 0 },
      byChannel: { telegram: { rows: 3, sent: 1, failed: 1 }, whatsapp: { rows: 1, sent: 1 } },
    })
    const all = await recipientLines(db, sent.id, {}, { limit: 50, offset: 0 })
    expect(all.total).toBe(6)
    expect(all.rows.map((line) => [line.fullName, recipientStatus(line).label])).toEqual([
      ['Andi Sent', 'Terkirim'],
      ['=HYPERLINK("x")', 'Terkirim'],
      ['Citra Gagal', 'Gagal'],
      ['Dedi Blokir', 'Memblokir bot Telegram saat dikirim'],
      ['Eka Berhenti', 'Dilewati: berhenti menerima pengumuman'],
      ['Fajar Tanpa Chat', 'Dilewati: tidak ada chat tertaut'],
    ])
    const failed = await recipientLines(db, sent.id, { status: 'failed' }, { limit: 50, offset: 0 })
    expect(failed.total).toBe(1)
    expect(failed.rows[0]?.reason).toContain('chat not found')
    expect(await recipientLines(db, sent.id, { status: 'sent' }, { limit: 1, offset: 1 })).toMatchObject({
      total: 2,
      rows: [{ channel: 'whatsapp' }],
    })
  })

  it('counts a recipient whose send a crash interrupted as unknown, apart from failed, in the totals, the lines, the CSV and the frozen totals', async () => {
    await addRecipient(db, { name: 'Andi Sent', chats: [{ channel: 'telegram', chatId: '7001001' }] })
    await addRecipient(db, { name: 'Citra Gagal', chats: [{ channel: 'telegram', chatId: '7001003' }] })
    await addRecipient(db, { name: 'Gita Terputus', chats: [{ channel: 'whatsapp', chatId: '6281234500007@s.whatsapp.net' }] })
    const sent = await announceNow(db, { audience: { regions: ['R5'] }, textId: 'Yth. {nama}, kantor tutup hari Jumat.' }, ctx)
    // Gita's message was being sent when the server stopped: the outbox records it unknown.
    const lost = 'outcome unknown: the process stopped while sending'
    const crashed = db.$client.prepare(
      `update outbox set status = ?, last_error = ?, claim_token = null where kind = 'announcement' and chat_id = '6281234500007@s.whatsapp.net'`,
    )
    crashed.run('claimed', null)
    crashed.run('unknown', lost)
    const clock = fakeClock(MONDAY_9_WIB)
    const outbox = testOutbox(db, clock, {
      telegram: async (chatId) => {
        if (chatId === '7001003') throw new Error('Bad Request: chat not found')
      },
      whatsapp: async () => {
        throw new Error('an unknown row is never sent again')
      },
    })
    for (let i = 0; i < 6; i++) {
      await outbox.deliver()
      clock.advance(60 * 60_000)
    }

    const totals = announcementTotals(db, sent.id)
    expect(await totals).toMatchObject({
      rows: { waiting: 0, sent: 1, failed: 1, unknown: 1 },
      byChannel: { telegram: { rows: 2, sent: 1, failed: 1, unknown: 0 }, whatsapp: { rows: 1, sent: 0, failed: 0, unknown: 1 } },
    })
    const unknown = await recipientLines(db, sent.id, { status: 'unknown' }, { limit: 50, offset: 0 })
    expect(unknown.rows.map((line) => [line.fullName, recipientStatus(line).label, line.reason])).toEqual([
      ['Gita Terputus', 'Tidak diketahui: server berhenti saat mengirim, mungkin sudah sampai', lost],
    ])
    expect(
      (await recipientLines(db, sent.id, { status: 'failed' }, { limit: 50, offset: 0 })).rows.map((l) => l.fullName),
    ).toEqual(['Citra Gagal'])
    const csv = recipientsCsv(sent.code, await allRecipientLines(db, sent.id)).split('\n')
    expect(csv.find((line) => line.includes('Gita Terputus'))).toContain(
      `,"Tidak diketahui: server berhenti saat mengirim, mungkin sudah sampai",${lost},`,
    )

    // Nothing waits any more: the announcement is done, its totals frozen with the unknown one, and
    // they stay so once the per-person rows are gone.
    await runAnnouncements(db, clock.now, { batchPeople: 10, pauseMs: 0 })
    await runRetention(db, new Date(MONDAY_9_WIB.getTime() + 91 * DAY), PERIODS)
    expect((await recipientLines(db, sent.id, {}, { limit: 50, offset: 0 })).total).toBe(0)
    expect(await announcementTotals(db, sent.id)).toEqual(await totals)
  })

  it('reads totals frozen before "unknown" was counted with it as zero', async () => {
    const made = (await statement(
      db,
      `insert into announcements (code, status, actor, criteria, text_id, dedupe_key, totals, created_at, updated_at)
         values ('PGM-OLD', 'done', 'cli', '{}', 'x', 'old', ?, 0, 0) returning id`,
    ).get(
      JSON.stringify({
        people: 2,
        queued: 2,
        noChat: 0,
        blocked: 0,
        optedOut: 0,
        rows: { waiting: 0, sent: 1, late: 0, failed: 1, skipped: 0, blockedByUser: 0, cancelled: 0 },
        byChannel: {
          telegram: { rows: 2, waiting: 0, sent: 1, failed: 1 },
          whatsapp: { rows: 0, waiting: 0, sent: 0, failed: 0 },
        },
      }),
    )) as { id: number }
    expect(await announcementTotals(db, made.id)).toMatchObject({
      rows: { sent: 1, failed: 1, unknown: 0 },
      byChannel: { telegram: { failed: 1, unknown: 0 }, whatsapp: { unknown: 0 } },
    })
  })

  it('the CSV: BOM, formulas made inert, chats masked, times in the person’s zone, no phone number', async () => {
    const sent = await deliveredAnnouncement()
    const csv = recipientsCsv(sent.code, await allRecipientLines(db, sent.id))
    expect(
      csv.startsWith(
        '\ufeffannouncement,full_name,province,channel,chat_masked,language,status,reason,due_at_local,sent_at_local,time_zone',
      ),
    ).toBe(true)
    const lines = csv.trim().split('\n')
    expect(lines).toHaveLength(7)
    expect(lines[1]).toContain(`${sent.code},Andi Sent,Sulawesi Selatan,telegram,`)
    expect(lines[1]).toContain('Senin, 23 November 2026, 10.00 WITA')
    expect(lines[2]).toContain(`"'=HYPERLINK(""x"")"`)
    expect(csv).not.toContain('6281234567890')
    expect(csv).not.toContain('7001001')
    expect(lines[6]).toContain('Fajar Tanpa Chat,Sulawesi Selatan,,,,Dilewati: tidak ada chat tertaut')
  })

  it('the export is audited with its row count, and another region cannot export it', async () => {
    const sent = await deliveredAnnouncement()
    expect(await exportRecipientsCsv(db, sent.code, ctxAt(MONDAY_9_WIB, await regionScope(db, 'R1')))).toBeUndefined()
    const exported = await exportRecipientsCsv(db, sent.code.toLowerCase(), ctx)
    expect(exported).toMatchObject({ code: sent.code, rows: 6 })
    const audits = await db.select().from(auditLog).where(eq(auditLog.action, 'announcement.recipients_exported'))
    expect(audits.map((a) => [a.entityId, JSON.parse(a.details ?? '{}')])).toEqual([[sent.code, { rows: 6 }]])
  })

  it('after RETENTION_ANNOUNCEMENT_DAYS the per-person rows go and the totals stay; after RETENTION_AUDIT_DAYS the announcement too', async () => {
    const sent = await deliveredAnnouncement()
    await runAnnouncements(db, sent.clock.now, { batchPeople: 10, pauseMs: 0 })
    const before = announcementTotals(db, sent.id)
    const dry = await runRetention(db, new Date(MONDAY_9_WIB.getTime() + 91 * DAY), PERIODS, { dryRun: true })
    expect(dry).toMatchObject({ announcementRecipients: 6, announcements: 0 })
    await runRetention(db, new Date(MONDAY_9_WIB.getTime() + 91 * DAY), PERIODS)
    expect((await recipientLines(db, sent.id, {}, { limit: 50, offset: 0 })).total).toBe(0)
    expect(await announcementTotals(db, sent.id)).toEqual(await before)
    await runRetention(db, new Date(MONDAY_9_WIB.getTime() + 366 * DAY), PERIODS)
    expect(await statement(db, 'select count(*) as n from announcements').get()).toEqual({ n: 0 })
  })
})
