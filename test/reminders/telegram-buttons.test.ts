/**
 * On Telegram a reminder carries HADIR and BATAL buttons: tapping them works like typing the word,
 * also on an older reminder; BATAL on an exam says who to tell, since exams are not cancelled in
 * the chat.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { planReminders } from '../../src/core/reminders/plan.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase } from '../../src/db/client.js'
import { exams } from '../../src/db/schema.js'
import { testCore } from '../support/core.js'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { addExam, addPerson, DAY, MINUTE, remindersOf } from '../support/reminders.js'
import { type TelegramDriver, telegramDriver } from '../support/telegram-driver.js'

let core: Awaited<ReturnType<typeof testCore>> | undefined
let fake: FakeTelegram | undefined
let driver: TelegramDriver | undefined
afterEach(async () => {
  await driver?.stop()
  await fake?.close()
  if (core) closeDatabase(core.db)
  core = undefined
  fake = undefined
  driver = undefined
})

describe('reminder buttons on Telegram', () => {
  it('HADIR records attendance; BATAL on an exam tells whom to contact', async () => {
    core = await testCore()
    fake = await startFakeTelegram()
    driver = await telegramDriver({ mode: 'webhook', fake, engine: core.engine, db: core.db })
    // Today at 09.00 WIB, whenever the test runs: the exam is then at 09.00 too, and its 1-day
    // reminder falls in the day, not at night (moved to the exam day, it would say "hari ini").
    const now = new Date()
    now.setUTCHours(2, 0, 0, 0)
    const person = await addPerson(core.db, { chats: [{ channel: 'telegram', chatId: String(driver.chatId) }] })
    await addExam(core.db, person, { startsAt: new Date(now.getTime() + 3 * DAY), kind: 'ujian_kognitif', code: 'UJK-2026-0042' })
    await planReminders(core.db, [person], now, DEFAULT_REMINDER_SETTINGS)

    // The 1-day reminder (moved to 06.00 WIB if it fell at night), a minute after it was due.
    const dayBefore = (await remindersOf(core.db, person)).find((row) => row.label === '1d')
    if (!dayBefore) throw new Error('no 1-day reminder planned')
    if (!driver.deliver) throw new Error('the Telegram driver runs the outbox')
    const [reminder] = await driver.deliver(new Date(dayBefore.dueAt.getTime() + MINUTE))
    expect(reminder?.text).toContain('⏰ *Pengingat: Ujian kognitif* (H-1)')
    expect(reminder?.text).toContain('🔖 Kode: UJK-2026-0042')
    expect(reminder?.options).toEqual(['HADIR', 'BATAL'])
    const message = driver.messages().at(-1)
    if (!message) throw new Error('no reminder message')

    const [attended] = await driver.tapOn(message, 'HADIR')
    expect(attended?.text).toContain('✅ Terima kasih! Kehadiran Anda tercatat: *Ujian kognitif*')
    expect((await core.db.select().from(exams).limit(1))[0]?.attendanceConfirmedAt).toBeInstanceOf(Date)

    const [cancel] = await driver.tapOn(message, 'BATAL')
    expect(cancel?.text).toContain('tidak bisa dibatalkan lewat chat')
    expect(cancel?.text).toContain('kode UJK-2026-0042')
    expect((await core.db.select().from(exams).limit(1))[0]?.status).toBe('scheduled')
  })
})
