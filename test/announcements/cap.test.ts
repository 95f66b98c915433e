/**
 * The WhatsApp daily cap (WHATSAPP_DAILY_CAP) on announcements: what the secretariat notices is that
 * no more than the cap goes out on one WIB day, the rest continues at the next working day's
 * opening (weekends, public holidays and closed dates skipped), the announcement says when, and
 * nothing else (Telegram, reminders, codes) is held or counted. A send a crash left unknown counts.
 */
import { describe, expect, it, vi } from 'vitest'
import { dueRemindersCommand } from '../../src/cli/reminders.js'
import { createWorkingCalendar } from '../../src/core/handoff/hours.js'
import { DEFAULT_HANDOFF_SETTINGS } from '../../src/core/handoff/settings.js'
import { capResumeAt, type DailyCap } from '../../src/core/outbox.js'
import type { Db } from '../../src/db/client.js'
import { capRemaining, claimBatch, queueMessage, startSending } from '../../src/db/queries/outbox.js'
import { fakeClock, testConfig, testCore } from '../support/core.js'
import { testOutbox } from '../support/outbox.js'
import { addPerson, MINUTE } from '../support/reminders.js'
import {
  addAnnouncement,
  addRecipient,
  addRecipients,
  announcementOf,
  recipientOf,
  recordingSender,
  rowOf,
} from './delivery-fixture.js'

/** Monday 23 November 2026, 10.00 WIB. */
const MONDAY_10 = new Date('2026-11-23T03:00:00Z')
const TUESDAY_08 = new Date('2026-11-24T01:00:00Z')
const WEDNESDAY_08 = new Date('2026-11-25T01:00:00Z')

async function setup(options: { perDay: number; start?: Date; closedDates?: string[] }) {
  const clock = fakeClock(options.start ?? MONDAY_10)
  const { db } = await testCore({ clock: clock.now })
  const calendar = createWorkingCalendar({ hours: DEFAULT_HANDOFF_SETTINGS.hours, closedDates: options.closedDates ?? [] })
  const dailyCap: DailyCap = { perDay: options.perDay, resumeAt: capResumeAt(calendar) }
  const whatsapp = recordingSender()
  const telegram = recordingSender()
  const box = testOutbox(db, clock, { whatsapp: whatsapp.send, telegram: telegram.send }, { dailyCap })
  /** Moves the clock to `at` (never back). */
  const goTo = (at: Date) => {
    const ms = at.getTime() - clock.now().getTime()
    if (ms < 0) throw new Error(`the clock is already past ${at.toISOString()}`)
    clock.advance(ms)
  }
  return { clock, db, box, whatsapp, telegram, goTo }
}

const statuses = (db: Db, ids: number[]) => Promise.all(ids.map(async (id) => (await rowOf(db, id)).status))
const count = (values: string[], value: string) => values.filter((v) => v === value).length

describe('the WhatsApp daily cap on announcements', () => {
  it('cap 3, 10 chats on Monday 10.00 WIB: 3 go, 7 continue Tuesday 08.00 WIB (and the announcement says so), 3 more then', async () => {
    const { db, box, whatsapp, goTo } = await setup({ perDay: 3 })
    const id = await addAnnouncement(db)
    const rows = await addRecipients(db, id, 10, { channel: 'whatsapp', prefix: '62811000', dueAt: MONDAY_10 })

    expect(await box.deliver()).toMatchObject({ sent: 3, capped: 7 })
    expect(whatsapp.sent).toHaveLength(3)
    expect(count(await statuses(db, rows), 'sent')).toBe(3)
    const pending = await Promise.all(rows.map(async (row) => (await rowOf(db, row)).status === 'pending'))
    const waiting = rows.filter((_, i) => pending[i])
    expect(waiting).toHaveLength(7)
    for (const row of waiting) expect((await rowOf(db, row)).dueAt).toEqual(TUESDAY_08)
    expect((await announcementOf(db, id))?.rolledTo).toEqual(TUESDAY_08)
    // The per-person report says when each waiting one now goes.
    for (const row of waiting) expect((await recipientOf(db, id, (await rowOf(db, row)).chatId))?.dueAt).toEqual(TUESDAY_08)
    expect(await capRemaining(db, MONDAY_10, 3)).toBe(0)

    // The rest of Monday: nothing more goes, however often the outbox runs.
    goTo(new Date('2026-11-23T09:00:00Z'))
    expect(await box.deliver()).toMatchObject({ sent: 0 })
    goTo(new Date(TUESDAY_08.getTime() - MINUTE))
    expect(await box.deliver()).toMatchObject({ sent: 0, capped: 0 })
    expect(whatsapp.sent).toHaveLength(3)

    // Tuesday 08.00 WIB: a new day, three more; the remaining four continue Wednesday.
    goTo(TUESDAY_08)
    expect(await box.deliver()).toMatchObject({ sent: 3, capped: 4 })
    expect(whatsapp.sent).toHaveLength(6)
    expect((await announcementOf(db, id))?.rolledTo).toEqual(WEDNESDAY_08)
    // Each chat got the announcement at most once.
    expect(new Set(whatsapp.chats()).size).toBe(6)
  })

  it('a Friday continues on Monday', async () => {
    const friday = new Date('2026-11-27T03:00:00Z')
    const { db, box, whatsapp, goTo } = await setup({ perDay: 2, start: friday })
    const id = await addAnnouncement(db)
    const rows = await addRecipients(db, id, 3, { channel: 'whatsapp', prefix: '62812000', dueAt: friday })
    expect(await box.deliver()).toMatchObject({ sent: 2, capped: 1 })
    const monday = new Date('2026-11-30T01:00:00Z')
    expect((await announcementOf(db, id))?.rolledTo).toEqual(monday)
    // Not on Saturday.
    goTo(new Date('2026-11-28T03:00:00Z'))
    expect(await box.deliver()).toMatchObject({ sent: 0 })
    goTo(monday)
    expect(await box.deliver()).toMatchObject({ sent: 1, capped: 0 })
    expect(await statuses(db, rows)).toEqual(['sent', 'sent', 'sent'])
    expect(whatsapp.sent).toHaveLength(3)
  })

  it('skips public holidays and HANDOFF_CLOSED_DATES', () => {
    const calendar = (closedDates: string[] = []) =>
      capResumeAt(createWorkingCalendar({ hours: DEFAULT_HANDOFF_SETTINGS.hours, closedDates }))
    // Thursday 24 December 2026: Christmas (a public holiday) is Friday, so Monday 28th.
    expect(calendar()(new Date('2026-12-24T03:00:00Z'))).toEqual(new Date('2026-12-28T01:00:00Z'))
    // A closed Tuesday (cuti bersama): Wednesday.
    expect(calendar(['2026-11-24'])(MONDAY_10)).toEqual(WEDNESDAY_08)
    // At 23.30 WIB on Monday (16.30 UTC): still the next day, Tuesday 08.00.
    expect(calendar()(new Date('2026-11-23T16:30:00Z'))).toEqual(TUESDAY_08)
    // At 00.30 WIB on Tuesday (17.30 UTC Monday): that day is counted, so Wednesday.
    expect(calendar()(new Date('2026-11-23T17:30:00Z'))).toEqual(WEDNESDAY_08)
  })

  it('a closed date after a capped day: the outbox moves the rest past it', async () => {
    const { db, box } = await setup({ perDay: 1, closedDates: ['2026-11-24'] })
    const id = await addAnnouncement(db)
    await addRecipients(db, id, 2, { channel: 'whatsapp', prefix: '62813000', dueAt: MONDAY_10 })
    expect(await box.deliver()).toMatchObject({ sent: 1, capped: 1 })
    expect((await announcementOf(db, id))?.rolledTo).toEqual(WEDNESDAY_08)
  })

  it('Telegram announcements and WhatsApp reminders, codes and other messages are neither held nor counted', async () => {
    const { db, box, whatsapp, telegram, goTo } = await setup({ perDay: 2 })
    const id = await addAnnouncement(db)
    await addRecipients(db, id, 4, { channel: 'whatsapp', prefix: '62814000', dueAt: MONDAY_10 })
    const onTelegram = await addRecipients(db, id, 6, { channel: 'telegram', prefix: 'tg-ann-', dueAt: MONDAY_10 })
    const person = await addPerson(db, { chats: [{ channel: 'whatsapp', chatId: '6281499999@s.whatsapp.net' }] })
    const other = (kind: string, key: string, dueAt: Date) =>
      queueMessage(db, {
        channel: 'whatsapp',
        chatId: '6281499999@s.whatsapp.net',
        personId: person,
        kind,
        key,
        reply: { text: `${kind} ${key}` },
        dueAt,
        expiresAt: new Date(dueAt.getTime() + 48 * 60 * MINUTE),
      })
    await other('reminder', 'r1', MONDAY_10)
    await other('identity_code', 'c1', MONDAY_10)
    await other('seat_offer', 'o1', MONDAY_10)

    expect(await box.deliver()).toMatchObject({ sent: 2 + 6 + 3, capped: 2 })
    expect(await statuses(db, onTelegram)).toEqual(Array(6).fill('sent'))
    expect(whatsapp.sent.filter((s) => s.chatId === '6281499999@s.whatsapp.net')).toHaveLength(3)
    // Sending those did not use up the announcements' day: two announcements went.
    expect(whatsapp.sent.filter((s) => s.chatId.startsWith('62814000'))).toHaveLength(2)

    // After the cap: a reminder due in the afternoon still goes on Monday, and Telegram announcements too.
    await other('reminder', 'r2', new Date('2026-11-23T07:00:00Z'))
    await addRecipient(db, id, { channel: 'telegram', chatId: 'tg-late', dueAt: new Date('2026-11-23T07:00:00Z') })
    goTo(new Date('2026-11-23T07:00:00Z'))
    expect(await box.deliver()).toMatchObject({ sent: 2, capped: 0 })
    expect(telegram.chats()).toContain('tg-late')
    expect(whatsapp.sent.at(-1)?.replies).toEqual([{ text: 'reminder r2' }])
  })

  it('a send a crash left unknown counts against the day', async () => {
    const { db, box, whatsapp, clock } = await setup({ perDay: 3 })
    const id = await addAnnouncement(db)
    const [stuck] = await addRecipients(db, id, 1, { channel: 'whatsapp', prefix: '62815000', dueAt: MONDAY_10 })
    // A process took the row and started sending it, then stopped.
    const [taken] = await claimBatch(db, {
      channel: 'whatsapp',
      now: clock.now(),
      limit: 10,
      token: 'gone',
      owner: 'a-stopped-process',
      quiet: [],
    })
    expect(taken?.id).toBe(stuck)
    expect(await startSending(db, stuck as number, 'gone', clock.now())).toBeDefined()
    expect(await capRemaining(db, clock.now(), 3)).toBe(2)

    await addRecipients(db, id, 5, { channel: 'whatsapp', prefix: '62815100', dueAt: MONDAY_10 })
    clock.advance(MINUTE)
    expect(await box.deliver()).toMatchObject({ sent: 2, unknown: 1, capped: 3 })
    expect(await rowOf(db, stuck as number)).toMatchObject({ status: 'unknown' })
    expect((await rowOf(db, stuck as number)).lastError).toContain('outcome unknown')
    expect(whatsapp.chats()).not.toContain('628150001')
  })

  it('counts per WIB day: the count starts again at midnight WIB, not UTC', async () => {
    // Urgent announcements (no zone) go at any hour.
    const lateMonday = new Date('2026-11-23T16:30:00Z') // 23.30 WIB
    const { db, box, whatsapp, goTo } = await setup({ perDay: 2, start: lateMonday })
    const id = await addAnnouncement(db, { urgent: true })
    await addRecipients(db, id, 2, { channel: 'whatsapp', prefix: '62816000', zone: null, dueAt: lateMonday })
    expect(await box.deliver()).toMatchObject({ sent: 2, capped: 0 })
    expect(await capRemaining(db, new Date('2026-11-23T16:59:59Z'), 2)).toBe(0)
    // 00.00 WIB Tuesday is still Monday in UTC: a new day for the cap all the same.
    const tuesdayMidnight = new Date('2026-11-23T17:00:00Z')
    expect(await capRemaining(db, tuesdayMidnight, 2)).toBe(2)
    const next = await addAnnouncement(db, { urgent: true })
    await addRecipients(db, next, 1, { channel: 'whatsapp', prefix: '62816100', zone: null, dueAt: tuesdayMidnight })
    goTo(new Date('2026-11-23T17:10:00Z'))
    expect(await box.deliver()).toMatchObject({ sent: 1, capped: 0 })
    expect(whatsapp.sent).toHaveLength(3)
    expect(await capRemaining(db, tuesdayMidnight, 2)).toBe(1)
  })

  it('rows queued by a run but not yet started count: two overlapping runs never pass the cap', async () => {
    const { db, clock } = await setup({ perDay: 3 })
    const id = await addAnnouncement(db)
    await addRecipients(db, id, 10, { channel: 'whatsapp', prefix: '62817000', dueAt: MONDAY_10 })
    const first = await claimBatch(db, {
      channel: 'whatsapp',
      now: clock.now(),
      limit: 20,
      token: 'a',
      owner: 'one',
      quiet: [],
      announcementCap: 3,
    })
    const second = await claimBatch(db, {
      channel: 'whatsapp',
      now: clock.now(),
      limit: 20,
      token: 'b',
      owner: 'two',
      quiet: [],
      announcementCap: 3,
    })
    expect([first.length, second.length]).toEqual([3, 0])
    expect(await capRemaining(db, clock.now(), 3)).toBe(0)
  })

  it('`reminders due` tells the secretariat how many WhatsApp announcements are left today', async () => {
    const { db, box } = await setup({ perDay: 3 })
    const id = await addAnnouncement(db)
    await addRecipients(db, id, 2, { channel: 'whatsapp', prefix: '62818000', dueAt: MONDAY_10 })
    await box.deliver()
    const config = testConfig({ WHATSAPP_ENABLED: 'true', WHATSAPP_DAILY_CAP: '3' })
    const printed = async () => {
      const chunks: string[] = []
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        chunks.push(String(chunk))
        return true
      })
      try {
        await dueRemindersCommand(db, [], config, () => MONDAY_10)
      } finally {
        write.mockRestore()
      }
      return chunks.join('')
    }
    expect(await printed()).toContain('Batas harian pengumuman WhatsApp (WHATSAPP_DAILY_CAP): 3, sisa hari ini (WIB): 1.\n')
    await addRecipients(db, id, 1, { channel: 'whatsapp', prefix: '62818100', dueAt: MONDAY_10 })
    await box.deliver()
    expect(await printed()).toContain('sisa hari ini (WIB): 0; pengumuman WhatsApp berikutnya menunggu hari kerja berikutnya.\n')
  })
})
