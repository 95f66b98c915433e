/**
 * A reminder says how soon the event is when it arrives, not when it was planned: one sent late
 * (after downtime) says "1 jam 50 menit lagi", "2 menit lagi" or "hari ini", in Indonesian and in
 * English, while the stored text (what staff read in the CLI) keeps the planned words. Rows stored
 * before the send-time facts existed go out as they were written.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { ChannelSender } from '../../src/core/outbox.js'
import { planReminders } from '../../src/core/reminders/plan.js'
import { soonAt } from '../../src/core/reminders/send-time.js'
import { DEFAULT_REMINDER_SETTINGS, parseOffsets, type ReminderSettings } from '../../src/core/reminders/settings.js'
import type { Reply } from '../../src/core/types.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema.js'
import { fakeClock, testCore } from '../support/core.js'
import { testOutbox } from '../support/outbox.js'
import { addExam, addPerson, DAY, HOUR, MINUTE, remindersOf } from '../support/reminders.js'

let core: Awaited<ReturnType<typeof testCore>> | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

const START = new Date('2026-11-23T03:00:00Z') // Monday 10.00 WIB
const firstLine = (text: string) => text.split('\n')[0]

/** A sender that keeps what each chat was sent, as the channel got it. */
function recorder() {
  const sent: { chatId: string; reply: Reply }[] = []
  const send: ChannelSender = async (chatId, replies) => {
    for (const reply of replies) sent.push({ chatId, reply })
  }
  return { sent, send, titles: () => sent.map((s) => `${s.chatId}: ${firstLine(s.reply.text)}`) }
}

/** A person in `zone` reading in Indonesian (tg-id) and in English (tg-en), with an exam at `startsAt`, planned at the start. */
async function examAt(db: Db, startsAt: Date, options: { zone?: string; settings?: ReminderSettings } = {}) {
  const zone = options.zone ?? 'Asia/Jakarta'
  const person = await addPerson(db, {
    zone,
    chats: [
      { channel: 'telegram', chatId: 'tg-id' },
      { channel: 'telegram', chatId: 'tg-en', language: 'en' },
    ],
  })
  await addExam(db, person, { startsAt, zone: 'Asia/Jakarta' })
  await planReminders(db, [person], START, options.settings ?? DEFAULT_REMINDER_SETTINGS)
  return person
}

/** The first line of each stored reminder text, as the CLI lists them. */
const storedTitles = async (db: Db, person: number) =>
  (await remindersOf(db, person)).map((r) => `${r.chatId}: ${firstLine((JSON.parse(r.payload) as Reply).text)}`)

describe('how soon, at the moment of sending', () => {
  it('a "2 hours before" reminder sent 10 minutes late says 1 hour 50 minutes; the stored text keeps "2 jam lagi"', async () => {
    const clock = fakeClock(START)
    core = await testCore({ clock: clock.now })
    const person = await examAt(core.db, new Date(START.getTime() + 3 * HOUR)) // only the 2-hour reminder, due 11.00 WIB
    const telegram = recorder()
    const box = testOutbox(core.db, clock, { telegram: telegram.send })
    clock.advance(HOUR + 10 * MINUTE) // the assistant was down from 10.59 to 11.10
    expect(await box.deliver()).toMatchObject({ sent: 2, late: 2 })
    expect(telegram.titles()).toEqual([
      'tg-id: ⏰ *Pengingat: Ujian kognitif* (1 jam 50 menit lagi)',
      'tg-en: ⏰ *Reminder: Cognitive exam* (in 1 hour 50 minutes)',
    ])
    // The rest of the message and its buttons are as planned; the channel gets a plain message.
    const [sent] = telegram.sent
    expect(sent?.reply.text).toContain('🗓 Waktu: Senin, 23 November 2026, 13.00 WIB')
    expect(Object.keys(sent?.reply ?? {})).toEqual(['text', 'choices'])
    expect(await storedTitles(core.db, person)).toEqual([
      'tg-id: ⏰ *Pengingat: Ujian kognitif* (2 jam lagi)',
      'tg-en: ⏰ *Reminder: Cognitive exam* (in 2 hours)',
    ])
  })

  it('a "15 minutes before" reminder caught up 2 minutes before the start says "2 menit lagi", and is recorded late', async () => {
    const clock = fakeClock(START)
    core = await testCore({ clock: clock.now })
    const settings = { ...DEFAULT_REMINDER_SETTINGS, offsets: parseOffsets('15m') }
    const person = await examAt(core.db, new Date(START.getTime() + HOUR), { settings }) // reminder due 10.45 WIB
    const telegram = recorder()
    const box = testOutbox(core.db, clock, { telegram: telegram.send })
    clock.advance(58 * MINUTE) // back at 10.58
    expect(await box.deliver()).toMatchObject({ sent: 2, late: 2 })
    expect(telegram.titles()).toEqual([
      'tg-id: ⏰ *Pengingat: Ujian kognitif* (2 menit lagi)',
      'tg-en: ⏰ *Reminder: Cognitive exam* (in 2 minutes)',
    ])
    expect(await storedTitles(core.db, person)).toEqual([
      'tg-id: ⏰ *Pengingat: Ujian kognitif* (15 menit lagi)',
      'tg-en: ⏰ *Reminder: Cognitive exam* (in 15 minutes)',
    ])
  })

  it('a "1 day before" reminder sent on the event day says "hari ini" / "today"; a row stored by the previous version goes as written', async () => {
    const clock = fakeClock(START)
    core = await testCore({ clock: clock.now })
    const db = core.db
    const examAt9 = new Date('2026-11-25T02:00:00Z') // Wednesday 09.00 WIB
    const person = await examAt(db, examAt9) // 1 day before: Tuesday 09.00 WIB; 2 hours before: Wednesday 07.00 WIB
    // A reminder planned before the send-time facts were kept: its text only.
    await db.insert(outbox).values({
      idempotencyKey: 'reminder:old-row',
      channel: 'telegram',
      chatId: 'tg-old',
      personId: person,
      kind: 'reminder',
      label: '1d',
      timeZone: 'Asia/Jakarta',
      payload: JSON.stringify({ text: '⏰ *Pengingat: Ujian kognitif* (H-1)\n🗓 Waktu: Rabu, 25 November 2026, 09.00 WIB' }),
      dueAt: new Date('2026-11-24T02:00:00Z'),
      expiresAt: examAt9,
    })
    const telegram = recorder()
    // REMINDER_GRACE_HOURS=24: a day's downtime is still caught up.
    const box = testOutbox(db, clock, { telegram: telegram.send }, { graceMs: 24 * HOUR })
    clock.advance(examAt9.getTime() - START.getTime() - 2 * HOUR) // down from Tuesday morning until Wednesday 07.00 WIB
    expect(await box.deliver()).toMatchObject({ sent: 5, late: 3 })
    expect(telegram.titles()).toEqual([
      'tg-id: ⏰ *Pengingat: Ujian kognitif* (hari ini)',
      'tg-en: ⏰ *Reminder: Cognitive exam* (today)',
      'tg-old: ⏰ *Pengingat: Ujian kognitif* (H-1)',
      'tg-id: ⏰ *Pengingat: Ujian kognitif* (2 jam lagi)',
      'tg-en: ⏰ *Reminder: Cognitive exam* (in 2 hours)',
    ])
  })

  it('planned words are those of the planned moment: a "1 day before" reminder the quiet hours move to the event day says "hari ini"', async () => {
    // An online exam at 19.30 WIB is 21.30 WIT in Jayapura: its 1-day reminder would fall at 21.30 WIT the
    // day before, in the quiet hours, so it goes at 06.00 WIT on the exam day.
    const clock = fakeClock(START)
    core = await testCore({ clock: clock.now })
    const exam = new Date('2026-11-26T12:30:00Z') // Thursday 19.30 WIB, 21.30 WIT
    const person = await examAt(core.db, exam, { zone: 'Asia/Jayapura' })
    const dayBefore = (await remindersOf(core.db, person)).filter((r) => r.label === '1d')
    expect(dayBefore.map((r) => r.dueAt.toISOString())).toEqual(['2026-11-25T21:00:00.000Z', '2026-11-25T21:00:00.000Z'])
    expect((await storedTitles(core.db, person)).slice(0, 2)).toEqual([
      'tg-id: ⏰ *Pengingat: Ujian kognitif* (hari ini)',
      'tg-en: ⏰ *Reminder: Cognitive exam* (today)',
    ])
    const telegram = recorder()
    const box = testOutbox(core.db, clock, { telegram: telegram.send })
    clock.advance(new Date('2026-11-25T21:00:00Z').getTime() - START.getTime())
    expect(await box.deliver()).toMatchObject({ sent: 2 })
    expect(telegram.titles()).toEqual([
      'tg-id: ⏰ *Pengingat: Ujian kognitif* (hari ini)',
      'tg-en: ⏰ *Reminder: Cognitive exam* (today)',
    ])
  })
})

describe('the words', () => {
  const at = new Date('2026-11-23T03:00:00Z') // 10.00 WIB, 11.00 WITA, 12.00 WIT
  const words = (unit: 'd' | 'h' | 'm', inMs: number, lang: 'id' | 'en', zone = 'Asia/Jakarta') =>
    soonAt({ unit, startsAt: at.getTime() + inMs, zone, lang }, at)

  it('days by the calendar where the person is, time left to the minute, never a negative time', () => {
    expect([
      words('d', 7 * DAY, 'id'),
      words('d', 7 * DAY, 'en'),
      words('d', 14 * HOUR, 'id'), // 00.00 WIB tomorrow
      words('d', 14 * HOUR, 'en'),
      words('d', 13 * HOUR, 'id'), // 23.00 WIB tonight
      words('d', 13 * HOUR, 'en'),
      // 22.30 WIB is 00.30 WIT: tomorrow in Jayapura, today in Jakarta.
      words('d', 12 * HOUR + 30 * MINUTE, 'id', 'Asia/Jayapura'),
      words('d', 12 * HOUR + 30 * MINUTE, 'id', 'Asia/Jakarta'),
    ]).toEqual(['H-7', 'in 7 days', 'H-1', 'tomorrow', 'hari ini', 'today', 'H-1', 'hari ini'])
    expect([
      words('h', 2 * HOUR, 'id'),
      words('h', 2 * HOUR - 5_000, 'id'), // a few seconds of pacing: still "2 jam lagi"
      words('h', 2 * HOUR - 50_000, 'id'), // a large run's last message, 50 s after the first
      words('h', 75 * MINUTE, 'id'),
      words('h', 75 * MINUTE, 'en'),
      words('h', HOUR + MINUTE, 'en'),
      words('m', 12 * MINUTE, 'id'),
      words('m', MINUTE, 'en'),
      words('m', 40_000, 'id'),
      words('m', 40_000, 'en'),
      words('m', -5_000, 'id'),
      words('m', -5_000, 'en'),
    ]).toEqual([
      '2 jam lagi',
      '2 jam lagi',
      '2 jam lagi',
      '1 jam 15 menit lagi',
      'in 1 hour 15 minutes',
      'in 1 hour',
      '12 menit lagi',
      'in 1 minute',
      'sebentar lagi',
      'in a moment',
      'sudah dimulai',
      'has started',
    ])
  })
})
