/**
 * Reminder delivery with a fake clock: sent when due; after downtime, caught up and marked late
 * within the grace period, skipped beyond it or once the event started; quiet hours also hold a
 * caught-up reminder; a crash between claim and send (queued: sent later, once) and during a send
 * (claimed: recorded, never repeated); the pace (Telegram 25/s and 1/s per chat, WhatsApp with
 * jitter); a blocked chat.
 */
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { type ChannelSender, GONE_AFTER_MS, RecipientUnreachable } from '../../src/core/outbox.js'
import { createPacer } from '../../src/core/pacer.js'
import { planReminders } from '../../src/core/reminders/plan.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import type { Reply } from '../../src/core/types.js'
import { closeDatabase, type Db, openDatabase, statement } from '../../src/db/client.js'
import { claimBatch } from '../../src/db/queries/outbox.js'
import { registerDispatcher } from '../../src/db/queries/outbox-dispatchers.js'
import { outbox } from '../../src/db/schema.js'
import { transaction } from '../../src/db/store.js'
import { fakeClock, testCore } from '../support/core.js'
import { testOutbox } from '../support/outbox.js'
import { tempDir } from '../support/programs.js'
import { addExam, addPerson, DAY, HOUR, MINUTE, remindersOf } from '../support/reminders.js'

let core: Awaited<ReturnType<typeof testCore>> | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

/** A sender that records each message with the (fake) time it went out. */
function recorder(clock: { now: () => Date }) {
  const sent: { chatId: string; text: string; at: number }[] = []
  const send: ChannelSender = async (chatId, replies) => {
    for (const reply of replies) sent.push({ chatId, text: reply.text, at: clock.now().getTime() })
  }
  return { sent, send }
}

/** A person in `zone` with a Telegram chat and an exam `inMs` from the clock's start. */
async function examIn(db: Db, start: Date, inMs: number, zone = 'Asia/Jakarta') {
  const person = await addPerson(db, { zone })
  await addExam(db, person, { startsAt: new Date(start.getTime() + inMs), zone })
  await planReminders(db, [person], start, DEFAULT_REMINDER_SETTINGS)
  return person
}

describe('on time, late, skipped', () => {
  it('sends each reminder once when it is due, and marks it sent', async () => {
    const clock = fakeClock(new Date('2026-11-23T03:00:00Z')) // 10.00 WIB
    core = await testCore({ clock: clock.now })
    const person = await examIn(core.db, clock.now(), 10 * DAY)
    const telegram = recorder(clock)
    const box = testOutbox(core.db, clock, { telegram: telegram.send })
    expect(await box.deliver()).toMatchObject({ sent: 0 })
    clock.advance(3 * DAY)
    expect(await box.deliver()).toMatchObject({ sent: 1, late: 0 })
    expect(await box.deliver()).toMatchObject({ sent: 0 })
    expect(telegram.sent.map((s) => s.text.split('\n')[0])).toEqual(['⏰ *Pengingat: Ujian kognitif* (H-7)'])
    expect((await remindersOf(core.db, person)).map((r) => r.status)).toEqual(['sent', 'pending', 'pending'])
  })

  it('after downtime: missed by less than 6 hours → sent once and marked late; by more → skipped with the reason', async () => {
    const clock = fakeClock(new Date('2026-11-23T03:00:00Z'))
    core = await testCore({ clock: clock.now })
    const person = await examIn(core.db, clock.now(), 10 * DAY) // reminders at +3d, +9d, +10d−2h
    const telegram = recorder(clock)
    const box = testOutbox(core.db, clock, { telegram: telegram.send })
    // Down from before the 7-day reminder until 5 hours after it: caught up, late.
    clock.advance(3 * DAY + 5 * HOUR)
    expect(await box.deliver()).toMatchObject({ sent: 1, late: 1, skipped: 0 })
    // Down again over the 1-day reminder, for 7 hours: too late to be useful.
    clock.advance(6 * DAY + 2 * HOUR)
    expect(await box.deliver()).toMatchObject({ sent: 0, skipped: 1 })
    const rows = await remindersOf(core.db, person)
    expect(rows.map((r) => r.status)).toEqual(['late', 'skipped', 'pending'])
    expect(rows[1]?.lastError).toBe('skipped: due more than 360 minutes ago (the assistant was not running)')
    expect(telegram.sent).toHaveLength(1)
  })

  it('never after the event started, even within the grace period', async () => {
    const clock = fakeClock(new Date('2026-11-23T03:00:00Z'))
    core = await testCore({ clock: clock.now })
    const person = await examIn(core.db, clock.now(), 3 * HOUR) // only the 2-hour reminder, due in 1 hour
    const telegram = recorder(clock)
    const box = testOutbox(core.db, clock, { telegram: telegram.send })
    clock.advance(3 * HOUR + MINUTE) // down until just after the exam began
    expect(await box.deliver()).toMatchObject({ sent: 0, skipped: 1 })
    expect((await remindersOf(core.db, person))[0]?.lastError).toBe('skipped: the event had already started')
  })

  it('a caught-up reminder waits while it is night where the person is (22.30 WITA), not where it is day (21.30 WIB is night too; 20.30 WIB is not)', async () => {
    // 13.30 UTC: 20.30 WIB, 21.30 WITA, 22.30 WIT.
    const start = new Date('2026-11-23T03:00:00Z')
    const clock = fakeClock(start)
    core = await testCore({ clock: clock.now })
    const db = core.db
    const people = await Promise.all(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'].map((zone) => addPerson(db, { zone })))
    // Reminders due at 13.00 UTC (planned ahead, the process then down for 30 minutes).
    for (const person of people) {
      await db.insert(outbox).values({
        idempotencyKey: `reminder:test:${person}`,
        channel: 'telegram',
        chatId: `tg-${person}`,
        personId: person,
        kind: 'reminder',
        eventKey: `exam:${person}`,
        label: '1d',
        timeZone: ((await statement(db, 'SELECT time_zone AS z FROM people WHERE id = ?').get(person)) as { z: string }).z,
        payload: JSON.stringify({ text: `pengingat ${person}` } satisfies Reply),
        dueAt: new Date('2026-11-23T13:00:00Z'),
        expiresAt: new Date('2026-11-25T02:00:00Z'),
      })
    }
    clock.advance(new Date('2026-11-23T13:30:00Z').getTime() - start.getTime())
    const telegram = recorder(clock)
    const box = testOutbox(db, clock, { telegram: telegram.send }, { graceMs: 12 * HOUR })
    expect(await box.deliver()).toMatchObject({ sent: 1, late: 1 })
    expect(telegram.sent.map((s) => s.chatId)).toEqual([`tg-${people[0]}`])
    // 06.00 WIT (21.00 UTC): the WIT one goes; WITA is still at 05.00.
    clock.advance(new Date('2026-11-23T21:00:00Z').getTime() - clock.now().getTime())
    expect(await box.deliver()).toMatchObject({ sent: 1 })
    clock.advance(HOUR)
    expect(await box.deliver()).toMatchObject({ sent: 1 })
    // WIB at 20.30 WIB, WIT at 06.00 WIT, WITA at 06.00 WITA.
    expect(telegram.sent.map((s) => s.chatId)).toEqual([people[0], people[2], people[1]].map((p) => `tg-${p}`))
  })
})

describe('a crash', () => {
  it('between claim and send: the queued reminders go back to pending as soon as their dispatcher is silent for 30 s, and are sent once', async () => {
    const clock = fakeClock(new Date('2026-11-23T03:00:00Z'))
    core = await testCore({ clock: clock.now })
    const person = await examIn(core.db, clock.now(), 10 * DAY)
    clock.advance(3 * DAY)
    // A run of a dispatcher on another machine took the reminder into its queue, then that machine died.
    await registerDispatcher(
      core.db,
      { id: 'dead', role: 'server', host: 'box-2', pid: 7, startedAt: clock.now().getTime() },
      clock.now(),
    )
    const taken = claimBatch(core.db, {
      channel: 'telegram',
      now: clock.now(),
      limit: 100,
      token: 'dead-run',
      owner: 'dead',
      quiet: [],
    })
    expect(await taken).toHaveLength(1)
    const telegram = recorder(clock)
    const box = testOutbox(core.db, clock, { telegram: telegram.send })
    expect(await box.deliver()).toMatchObject({ sent: 0 }) // still someone's, for now
    clock.advance(GONE_AFTER_MS + 1)
    expect(await box.deliver()).toMatchObject({ sent: 1, late: 0, unknown: 0, requeued: 1 })
    expect(await box.deliver()).toMatchObject({ sent: 0 })
    expect(telegram.sent).toHaveLength(1)
    expect((await remindersOf(core.db, person))[0]).toMatchObject({ status: 'sent', attempts: 1 })
  })

  it('during a send: the outcome is unknown, recorded apart from failures, never sent again; the rest are sent', async () => {
    const temp = tempDir('reminder-crash')
    try {
      const path = join(temp.dir, 'kesos.db')
      const clock = fakeClock(new Date('2026-11-23T03:00:00Z'))
      const first = await testCore({ path, clock: clock.now })
      const people = await Promise.all([0, 1, 2].map(() => examIn(first.db, clock.now(), 10 * DAY)))
      closeDatabase(first.db)
      clock.advance(3 * DAY)
      const dying = openDatabase(path)
      const attempted: string[] = []
      const hang: ChannelSender = (chatId) => {
        attempted.push(chatId)
        return new Promise<void>(() => {})
      }
      // Real time: the next message waits 40 ms for its turn, so one is being sent when it stops.
      void testOutbox(dying, { now: clock.now }, { telegram: hang }).deliver()
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(attempted).toHaveLength(1)
      dying.$client.close()

      clock.advance(GONE_AFTER_MS + 1)
      const db = openDatabase(path)
      const telegram = recorder(clock)
      const box = testOutbox(db, clock, { telegram: telegram.send })
      expect(await box.deliver()).toMatchObject({ sent: 2, unknown: 1 })
      expect(telegram.sent.map((s) => s.chatId).sort()).toEqual(
        people
          .map((p) => `tg-${p}`)
          .filter((chat) => chat !== attempted[0])
          .sort(),
      )
      expect(await db.select().from(outbox).where(eq(outbox.status, 'failed'))).toEqual([])
      const unknown = await db.select().from(outbox).where(eq(outbox.status, 'unknown'))
      expect(unknown.map((r) => [r.chatId, r.lastError])).toEqual([
        [attempted[0], 'outcome unknown: the process stopped while sending'],
      ])
      closeDatabase(db)
    } finally {
      temp.cleanup()
    }
  })
})

describe('the pace', () => {
  it('Telegram: 25 messages a second overall, at least 1 second between two to one chat, each chat in order', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    const db = core.db
    for (let i = 0; i < 60; i++) {
      await db.insert(outbox).values({
        idempotencyKey: `pace:${i}`,
        channel: 'telegram',
        // Chats 0–2 get five messages each; the rest one.
        chatId: i < 15 ? `busy-${i % 3}` : `chat-${i}`,
        kind: 'test',
        payload: JSON.stringify({ text: `#${i}` } satisfies Reply),
        dueAt: clock.now(),
      })
    }
    const telegram = recorder(clock)
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const started = clock.now().getTime()
    expect(await box.deliver()).toMatchObject({ sent: 60 })
    const times = telegram.sent.map((s) => s.at - started)
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(40)
    for (const chat of ['busy-0', 'busy-1', 'busy-2']) {
      const mine = telegram.sent.filter((s) => s.chatId === chat)
      expect(mine.map((s) => Number(s.text.slice(1)))).toEqual(
        [...mine.map((s) => Number(s.text.slice(1)))].sort((a, b) => a - b),
      )
      for (let i = 1; i < mine.length; i++) expect((mine[i]?.at ?? 0) - (mine[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000)
    }
    // Each busy chat's five messages need at least 4 s; spread over the batch, the last one goes
    // about then, and the 45 other chats fill the gaps between them: no time is lost waiting.
    expect(times.at(-1)).toBeGreaterThanOrEqual(4_000)
    expect(times.at(-1)).toBeLessThanOrEqual(5_000)
  })

  it('WhatsApp: the gap between two messages is the interval plus a random jitter', async () => {
    let now = 0
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms
      },
    }
    const values = [0, 0.5, 1, 0.25]
    let i = 0
    const pacer = createPacer({ perSecond: 1000 / 1500, perChatMs: 1500, jitterMs: 2500 }, clock, () => values[i++ % 4] ?? 0)
    const at: number[] = []
    for (let n = 0; n < 5; n++) {
      await pacer.turn(`chat-${n}`)
      at.push(now)
    }
    expect(at).toEqual([0, 1500, 1500 + 2750, 1500 + 2750 + 4000, 1500 + 2750 + 4000 + 2125])
  })

  it('a run takes only what the pace can send before the next run: 1,500 a minute on Telegram', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    const db = core.db
    await transaction(db, async (tx) => {
      const insert = statement(
        tx,
        `INSERT INTO outbox (idempotency_key, channel, chat_id, kind, payload, due_at) VALUES (?, 'telegram', ?, 'test', '{"text":"x"}', ?)`,
      )
      for (let n = 0; n < 1_600; n++) await insert.run(`bulk:${n}`, `c${n}`, clock.now().getTime())
    })
    const telegram = recorder(clock)
    const box = testOutbox(db, clock, { telegram: telegram.send })
    expect(await box.deliver()).toMatchObject({ sent: 1_500 })
    expect(await box.deliver()).toMatchObject({ sent: 100 })
  })
})

describe('a blocked chat', () => {
  it("stops: the reminder is skipped and the chat's other reminders are cancelled", async () => {
    const clock = fakeClock(new Date('2026-11-23T03:00:00Z'))
    core = await testCore({ clock: clock.now })
    const person = await examIn(core.db, clock.now(), 10 * DAY)
    clock.advance(3 * DAY)
    const blocked: ChannelSender = async () => {
      throw new RecipientUnreachable('blocked')
    }
    const box = testOutbox(core.db, clock, { telegram: blocked })
    expect(await box.deliver()).toMatchObject({ sent: 0, skipped: 1 })
    expect((await remindersOf(core.db, person)).map((r) => r.status)).toEqual(['skipped', 'cancelled', 'cancelled'])
  })
})
