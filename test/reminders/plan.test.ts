/**
 * The reminder plan: which reminders a person gets for a Bimtek seat, an exam and a portfolio
 * deadline, when (7 days, 1 day, 2 hours before; quiet hours 21:00–06:00 in the person's zone,
 * across WIB, WITA and WIT), what they say, and how the plan follows changes: a cancelled
 * registration, a moved session, "stop pengingat" and "mulai pengingat", a blocked chat.
 */

import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { createChatBlocking } from '../../src/core/chat-blocking.js'
import { planReminders, sendTime } from '../../src/core/reminders/plan.js'
import { DEFAULT_REMINDER_SETTINGS, parseOffsets, parseQuietHours } from '../../src/core/reminders/settings.js'
import { importSessions } from '../../src/core/sessions/import.js'
import type { Reply } from '../../src/core/types.js'
import { closeDatabase, statement, written } from '../../src/db/client.js'
import { setBlocked } from '../../src/db/queries/identities.js'
import { cancelRegistration } from '../../src/db/queries/registrations.js'
import { cancelReminder, rewriteReminder } from '../../src/db/queries/reminders.js'
import { certificationStages, exams, outbox } from '../../src/db/schema.js'
import { inbound, testCore } from '../support/core.js'
import { addExam, addPerson, confirm, DAY, HOUR, localTime, MINUTE, remindersOf } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'
import { sessionsFile } from '../support/sessions-csv.js'

let core: Awaited<ReturnType<typeof testCore>> | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

const NOW = new Date('2026-11-23T03:00:00Z') // 10.00 WIB
const setup = async () => {
  core = await testCore({ clock: () => NOW })
  return core.db
}
const text = (row: { payload: string }) => (JSON.parse(row.payload) as Reply).text
const must = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('expected a value')
  return value
}

describe('a reminder sent while the planner changes it', () => {
  it('stays recorded as sent: neither cancelled nor rewritten over the send', async () => {
    const db = await setup()
    const person = await addPerson(db)
    const session = await addSession(db, NOW, { code: 'BDG-09', startsAt: new Date(NOW.getTime() + 10 * DAY) })
    await confirm(db, person, session)
    await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)
    const planned = await remindersOf(db, person)
    const first = must(planned[0])
    const second = must(planned[1])
    // The planner read both as waiting; the outbox then sent them, outside any transaction.
    await statement(db, "UPDATE outbox SET status = 'sent', sent_at = ? WHERE id IN (?, ?)").run(
      NOW.getTime(),
      first.id,
      second.id,
    )
    await cancelReminder(db, first.id, 'the session was cancelled', NOW)
    await rewriteReminder(db, second.id, { payload: JSON.stringify({ text: 'Jam baru' }), dueAt: NOW }, NOW)
    const after = await remindersOf(db, person)
    expect(after.find((row) => row.id === first.id)).toMatchObject({ status: 'sent', lastError: null })
    expect(after.find((row) => row.id === second.id)).toMatchObject({ status: 'sent', payload: second.payload })
  })
})

describe('planning', () => {
  it('a Bimtek seat gets reminders 7 days, 1 day and 2 hours before, each saying what, when, where and what to bring', async () => {
    const db = await setup()
    const person = await addPerson(db)
    const startsAt = new Date('2026-12-10T02:00:00Z') // 09.00 WIB
    const session = await addSession(db, NOW, { code: 'BDG-01', title: 'Bimtek Peksos Bandung', region: 'R2', startsAt })
    await confirm(db, person, session, 'BMT-ABC234')
    expect(await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)).toEqual({ queued: 3, updated: 0, cancelled: 0 })

    const rows = await remindersOf(db, person)
    expect(rows.map((r) => [r.label, r.dueAt.toISOString(), r.status])).toEqual([
      ['7d', '2026-12-03T02:00:00.000Z', 'pending'],
      ['1d', '2026-12-09T02:00:00.000Z', 'pending'],
      ['2h', '2026-12-10T00:00:00.000Z', 'pending'],
    ])
    expect(rows.every((r) => r.expiresAt?.getTime() === startsAt.getTime() && r.channel === 'telegram')).toBe(true)
    const dayBefore = rows[1]
    if (!dayBefore) throw new Error('no 1-day reminder')
    expect(text(dayBefore)).toContain('⏰ *Pengingat: Bimtek* (H-1)')
    expect(text(dayBefore)).toContain('*Bimtek Peksos Bandung*')
    expect(text(dayBefore)).toContain('Kamis, 10 Desember 2026, 09.00–17.00 WIB')
    expect(text(dayBefore)).toContain('📍 Tatap muka: BBPPKS Bandung')
    expect(text(dayBefore)).toContain('🔖 Kode: BMT-ABC234')
    expect(text(dayBefore)).toContain('🎒 Siapkan: KTP asli')
    expect(text(dayBefore)).toContain('Balas *HADIR*')
    // Telegram shows HADIR and BATAL as buttons too.
    expect((JSON.parse(dayBefore.payload) as Reply).choices?.map((c) => c.label)).toEqual(['HADIR', 'BATAL'])
    expect(text(rows[2] ?? dayBefore)).toContain('(2 jam lagi)')

    // Planning again changes nothing: one reminder per event, time and chat.
    expect(await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)).toEqual({ queued: 0, updated: 0, cancelled: 0 })
    expect(await remindersOf(db, person)).toHaveLength(3)
  })

  it('registering two days ahead: no 7-day reminder (its time has passed), the other two are planned', async () => {
    const db = await setup()
    const person = await addPerson(db)
    const session = await addSession(db, NOW, { code: 'BDG-02', startsAt: new Date(NOW.getTime() + 2 * DAY) })
    await confirm(db, person, session)
    await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)
    expect((await remindersOf(db, person)).map((r) => r.label)).toEqual(['1d', '2h'])
  })

  it('every chat of the person gets its own copy in its language; WhatsApp gets no buttons, only the words', async () => {
    const db = await setup()
    const person = await addPerson(db, {
      chats: [
        { channel: 'telegram', chatId: '5550001', language: 'en' },
        { channel: 'whatsapp', chatId: '6281234567890@s.whatsapp.net' },
      ],
    })
    await addExam(db, person, { startsAt: new Date(NOW.getTime() + 3 * DAY), kind: 'wawancara' })
    await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)
    const rows = await remindersOf(db, person)
    expect(rows).toHaveLength(4) // 1d and 2h, for two chats
    const english = rows.find((r) => r.channel === 'telegram')
    const indonesian = rows.find((r) => r.channel === 'whatsapp')
    expect(text(must(english))).toContain('⏰ *Reminder: Competency interview*')
    expect(text(must(indonesian))).toContain('⏰ *Pengingat: Wawancara (uji kompetensi)*')
    expect(text(must(indonesian))).toContain('💻 Daring: https://ujian.example/ruang/12')
    expect((JSON.parse(indonesian?.payload ?? '{}') as Reply).choices).toBeUndefined()
  })

  it('a cancelled registration cancels its reminders still waiting, with the reason; one already sent stays sent', async () => {
    const db = await setup()
    const person = await addPerson(db)
    const session = await addSession(db, NOW, { code: 'BDG-03', startsAt: new Date(NOW.getTime() + 10 * DAY) })
    const code = `BMT-C${person}`
    await confirm(db, person, session, code)
    await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)
    const [first] = await remindersOf(db, person)
    await db
      .update(outbox)
      .set({ status: 'sent', sentAt: NOW })
      .where(eq(outbox.id, first?.id ?? 0))

    await cancelRegistration(db, { code, personId: person, now: NOW, offerMs: HOUR, actor: 'test' })
    expect(await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)).toEqual({ queued: 0, updated: 0, cancelled: 2 })
    const rows = await remindersOf(db, person)
    expect(rows.map((r) => r.status)).toEqual(['sent', 'cancelled', 'cancelled'])
    expect(rows[1]?.lastError).toBe('cancelled: the event was cancelled or is no longer ahead')
  })

  it('a session moved by the sessions import: the waiting reminders are cancelled and new ones tell the new time', async () => {
    const db = await setup()
    const person = await addPerson(db)
    const file = (startsAt: string, endsAt: string) =>
      sessionsFile({
        code: 'MKS-09',
        title: 'Bimtek Makassar',
        region: 'R5',
        starts_at: startsAt,
        ends_at: endsAt,
        registration_opens_at: '2026-11-01 08:00',
        registration_closes_at: '2026-12-05 17:00',
      })
    const importOptions = { actor: 'test', now: NOW, reminders: DEFAULT_REMINDER_SETTINGS }
    expect((await importSessions(db, file('2026-12-10 09:00', '2026-12-10 16:00'), importOptions)).ok).toBe(true)
    const sessionId = ((await statement(db, `SELECT id FROM bimtek_sessions WHERE code = 'MKS-09'`).get()) as { id: number }).id
    await confirm(db, person, sessionId)
    await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)
    expect((await remindersOf(db, person)).filter((r) => r.status === 'pending')).toHaveLength(3)

    // Moved two days later: the import re-plans in its own transaction.
    expect((await importSessions(db, file('2026-12-12 09:00', '2026-12-12 16:00'), importOptions)).ok).toBe(true)
    const rows = await remindersOf(db, person)
    const cancelled = rows.filter((r) => r.status === 'cancelled')
    const pending = rows.filter((r) => r.status === 'pending')
    expect(cancelled).toHaveLength(3)
    expect(cancelled[0]?.lastError).toContain('the event moved')
    expect(pending.map((r) => r.expiresAt?.toISOString())).toEqual([
      '2026-12-12T01:00:00.000Z', // 09.00 WITA
      '2026-12-12T01:00:00.000Z',
      '2026-12-12T01:00:00.000Z',
    ])
    expect(text(must(pending[0]))).toContain('Sabtu, 12 Desember 2026')
  })

  it("a portfolio deadline from the status data: reminders at 09.00 in the person's zone, 7 days and 1 day before; gone once the stage is passed", async () => {
    const db = await setup()
    const person = await addPerson(db, { zone: 'Asia/Jayapura' })
    const stage = written(
      await db
        .insert(certificationStages)
        .values({
          personId: person,
          stage: 'portofolio',
          reachedAt: new Date('2026-11-01T00:00:00Z'),
          dueAt: new Date('2026-12-20T14:59:00Z'), // 23.59 WIT
        })
        .returning({ id: certificationStages.id }),
    )
    await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)
    const rows = await remindersOf(db, person)
    expect(rows.map((r) => [r.label, r.eventKey, r.dueAt.toISOString()])).toEqual([
      ['7d', `portfolio:${stage.id}`, '2026-12-13T00:00:00.000Z'], // 09.00 WIT
      ['1d', `portfolio:${stage.id}`, '2026-12-19T00:00:00.000Z'],
    ])
    expect(text(must(rows[0]))).toContain('Batas pengumpulan portofolio')
    expect(text(must(rows[0]))).toContain('Minggu, 20 Desember 2026, 23.59 WIT')
    expect(text(must(rows[0]))).not.toContain('HADIR')

    // The portfolio was handed in: the next stage is reached, its reminders are cancelled.
    await db
      .insert(certificationStages)
      .values({ personId: person, stage: 'wawancara', reachedAt: new Date('2026-11-22T00:00:00Z') })
    expect((await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)).cancelled).toBe(2)
  })

  it('a cancelled exam cancels its reminders', async () => {
    const db = await setup()
    const person = await addPerson(db)
    const exam = await addExam(db, person, { startsAt: new Date(NOW.getTime() + 5 * DAY) })
    await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)
    await db.update(exams).set({ status: 'cancelled' }).where(eq(exams.id, exam))
    expect(await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)).toEqual({ queued: 0, updated: 0, cancelled: 2 })
  })
})

describe("quiet hours (21.00–06.00 in the person's zone)", () => {
  const quiet = DEFAULT_REMINDER_SETTINGS.quiet

  it('a reminder due at night waits for 06.00 in WIB, WITA and WIT alike', () => {
    // An exam at 07.00 local: the 2-hour reminder falls at 05.00 local, and is moved to 06.00 local.
    for (const [zone, utcHour] of [
      ['Asia/Jakarta', 0],
      ['Asia/Makassar', 23],
      ['Asia/Jayapura', 22],
    ] as const) {
      const examAt = new Date(Date.UTC(2026, 11, utcHour === 0 ? 10 : 9, utcHour)) // 07.00 local on 10 Dec
      expect(localTime(examAt, zone), zone).toBe('07:00')
      const at = sendTime(new Date(examAt.getTime() - 2 * HOUR), examAt, zone, quiet)
      expect(localTime(at, zone), zone).toBe('06:00')
      expect(at.getTime(), zone).toBe(examAt.getTime() - HOUR)
    }
  })

  it('the same instant is quiet in one zone and not in another: 20.30 WIB is 22.30 WIT', () => {
    const at = new Date('2026-12-09T13:30:00Z')
    const exam = new Date('2026-12-12T02:00:00Z')
    expect(sendTime(at, exam, 'Asia/Jakarta', quiet)).toEqual(at)
    expect(localTime(sendTime(at, exam, 'Asia/Makassar', quiet), 'Asia/Makassar')).toBe('06:00')
    expect(localTime(sendTime(at, exam, 'Asia/Jayapura', quiet), 'Asia/Jayapura')).toBe('06:00')
  })

  it("unless the event comes first: a 05.30 exam's 2-hour reminder goes at 03.30", () => {
    const exam = new Date('2026-12-09T22:30:00Z') // 05.30 WIB on 10 Dec
    const due = new Date(exam.getTime() - 2 * HOUR)
    expect(sendTime(due, exam, 'Asia/Jakarta', quiet)).toEqual(due)
  })

  it("the plan applies it in the person's zone, and the message tells the time in their zone and the place's", async () => {
    const db = await setup()
    // A person in Papua (WIT) with an online exam run from Jakarta at 07.00 WIB (09.00 WIT).
    const person = await addPerson(db, { zone: 'Asia/Jayapura' })
    await addExam(db, person, { startsAt: new Date('2026-12-10T00:00:00Z'), zone: 'Asia/Jakarta' })
    await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)
    const rows = await remindersOf(db, person)
    // 7d and 1d fall at 09.00 WIT; the 2-hour one at 07.00 WIT: none is quiet.
    expect(rows.map((r) => localTime(r.dueAt, 'Asia/Jayapura'))).toEqual(['09:00', '09:00', '07:00'])
    expect(text(must(rows[0]))).toContain('Kamis, 10 Desember 2026, 09.00 WIT (di lokasi 07.00 WIB)')

    // A WITA exam at 06.00 WITA: its 2-hour reminder falls at 04.00 WITA, in the quiet hours.
    const early = await addPerson(db, { zone: 'Asia/Makassar' })
    await addExam(db, early, { startsAt: new Date('2026-12-09T22:00:00Z'), zone: 'Asia/Makassar' }) // 06.00 WITA
    await planReminders(db, [early], NOW, DEFAULT_REMINDER_SETTINGS)
    const twoHours = (await remindersOf(db, early)).find((r) => r.label === '2h')
    // 06.00 is when quiet hours end, and the exam is then: the event comes first, sent at 04.00 WITA.
    expect(twoHours && localTime(twoHours.dueAt, 'Asia/Makassar')).toBe('04:00')
  })
})

describe('the chat decides', () => {
  it('a chat that blocked the assistant: its waiting reminders are cancelled and none are planned for it', async () => {
    const db = await setup()
    const person = await addPerson(db, { chats: [{ channel: 'telegram', chatId: '777' }] })
    await addExam(db, person, { startsAt: new Date(NOW.getTime() + 10 * DAY) })
    await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)
    await setBlocked(db, 'telegram', '777', '777', true, NOW)
    const rows = await remindersOf(db, person)
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled'])
    expect(rows[0]?.lastError).toBe('cancelled: the person blocked the assistant')
    expect(await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)).toEqual({ queued: 0, updated: 0, cancelled: 0 })
  })

  it('a chat allowed again gets the reminders planned afresh, with the settings the use case was given', async () => {
    const db = await setup()
    const person = await addPerson(db, { chats: [{ channel: 'telegram', chatId: '778' }] })
    await addExam(db, person, { startsAt: new Date(NOW.getTime() + 10 * DAY) })
    const blocking = createChatBlocking({ db, reminders: { ...DEFAULT_REMINDER_SETTINGS, offsets: parseOffsets('3d,5h') } })
    const chat = { channel: 'telegram' as const, userId: '778', chatId: '778' }
    const waiting = async () => (await remindersOf(db, person)).filter((r) => r.status === 'pending').map((r) => r.label)
    await blocking.chatBlocked(chat, NOW)
    expect(await waiting()).toEqual([])
    await blocking.chatUnblocked(chat, NOW)
    expect(await waiting()).toEqual(['3d', '5h'])
    await blocking.chatBlocked(chat, new Date(NOW.getTime() + HOUR))
    expect(await waiting()).toEqual([])
  })
})

describe('settings', () => {
  it('offsets and quiet hours are read the way docs/operations.md documents them, with clear errors', () => {
    expect(parseOffsets('3d, 12h,30m').map((o) => [o.label, o.ms])).toEqual([
      ['3d', 3 * DAY],
      ['12h', 12 * HOUR],
      ['30m', 30 * MINUTE],
    ])
    expect(() => parseOffsets('7 hari')).toThrow('"7 hari" is not a duration like 7d, 1d, 2h or 30m')
    expect(() => parseOffsets('1d,24h')).toThrow('the same duration is given twice')
    expect(parseQuietHours('22:00-05:30')).toEqual({ start: 22 * 60, end: 5 * 60 + 30 })
    expect(() => parseQuietHours('malam')).toThrow('is not a range like 21:00-06:00')
  })

  it('the plan uses the configured offsets', async () => {
    const db = await setup()
    const person = await addPerson(db)
    await addExam(db, person, { startsAt: new Date(NOW.getTime() + 10 * DAY) })
    await planReminders(db, [person], NOW, { ...DEFAULT_REMINDER_SETTINGS, offsets: parseOffsets('3d,30m') })
    expect((await remindersOf(db, person)).map((r) => r.label)).toEqual(['3d', '30m'])
  })

  it('menu 5 tells the configured offsets and quiet hours, in both languages', async () => {
    const tell = async (env: Record<string, string>, ...texts: string[]) => {
      core = await testCore({ clock: () => NOW, env })
      const person = await addPerson(core.db, { chats: [{ channel: 'console', chatId: 'c-1' }] })
      await addExam(core.db, person, { startsAt: new Date(NOW.getTime() + 20 * DAY) })
      let replies: Reply[] = []
      for (const text of texts) replies = await core.engine.handle(inbound(text, { chatId: 'c-1', userId: 'c-1' }))
      closeDatabase(core.db)
      core = undefined
      return replies[0]?.text.split('\n')[1]
    }
    expect(await tell({}, 'pengingat')).toBe(
      'Saya mengingatkan jadwal Bimtek dan ujian Anda 7 hari, 1 hari, dan 2 jam sebelumnya, serta batas portofolio; tidak pada pukul 21.00–06.00 waktu Anda.',
    )
    expect(await tell({ REMINDER_OFFSETS: '3d,5h,30m', REMINDER_QUIET_HOURS: '22:30-05:00' }, 'pengingat')).toBe(
      'Saya mengingatkan jadwal Bimtek dan ujian Anda 3 hari, 5 jam, dan 30 menit sebelumnya, serta batas portofolio; tidak pada pukul 22.30–05.00 waktu Anda.',
    )
    expect(await tell({ REMINDER_OFFSETS: '1d', REMINDER_QUIET_HOURS: '00:00-00:00' }, 'pengingat')).toBe(
      'Saya mengingatkan jadwal Bimtek dan ujian Anda 1 hari sebelumnya, serta batas portofolio.',
    )
    expect(await tell({ REMINDER_OFFSETS: '2d,1h', REMINDER_QUIET_HOURS: '22:30-05:00' }, 'english', 'reminders')).toBe(
      'I remind you of your Bimtek and exam dates 2 days and 1 hour before, and of your portfolio deadline; never between 22:30 and 05:00 your time.',
    )
  })
})

describe('re-planning after a reminder fell due', () => {
  it('leaves a reminder that is due but not sent yet to the outbox (sent late or skipped), instead of cancelling it', async () => {
    const db = await setup()
    const person = await addPerson(db)
    await addExam(db, person, { startsAt: new Date(NOW.getTime() + 10 * DAY) })
    await planReminders(db, [person], NOW, DEFAULT_REMINDER_SETTINGS)
    // The 7-day reminder fell due an hour ago and the outbox has not run yet (downtime).
    const later = new Date(NOW.getTime() + 3 * DAY + HOUR)
    expect(await planReminders(db, [person], later, DEFAULT_REMINDER_SETTINGS)).toEqual({ queued: 0, updated: 0, cancelled: 0 })
    expect((await remindersOf(db, person)).map((r) => r.status)).toEqual(['pending', 'pending', 'pending'])
  })
})
