/**
 * The outbox: due messages sent once through their channel's sender, retries with backoff, the
 * reasons a message is skipped, expiry, dispatchers (a crash: taken back as soon as the dispatcher
 * is known gone, what was being sent recorded as unknown and never sent twice; a clean stop hands
 * back), racing deliveries, and idempotent queueing.
 */

import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'
import { type ChannelSender, GONE_AFTER_MS, RecipientUnreachable, unlessStopped } from '../../src/core/outbox.js'
import type { Channel, Reply } from '../../src/core/types.js'
import { type Db, openDatabase, statement, written } from '../../src/db/client.js'
import { linkChat } from '../../src/db/queries/chat-links.js'
import { queueForPerson } from '../../src/db/queries/outbox.js'
import { registerDispatcher, takeBackFromGone } from '../../src/db/queries/outbox-dispatchers.js'
import { upsertPerson } from '../../src/db/queries/people.js'
import { outbox } from '../../src/db/schema.js'
import { fakeClock, testCore } from '../support/core.js'
import { testOutbox } from '../support/outbox.js'
import { tempDir } from '../support/programs.js'

const MINUTE = 60_000

type Sent = { chatId: string; replies: Reply[] }

/** A sender that records what it was given; `fail` decides per call whether (and how) it throws. */
function recordingSender(fail?: (chatId: string, call: number) => Error | undefined) {
  const sent: Sent[] = []
  let calls = 0
  const send: ChannelSender = async (chatId, replies) => {
    calls++
    const error = fail?.(chatId, calls)
    if (error) throw error
    sent.push({ chatId, replies })
  }
  return { send, sent, calls: () => calls }
}

async function setup() {
  const clock = fakeClock()
  const core = await testCore({ clock: clock.now })
  return { clock, db: core.db }
}

let keys = 0
/** Queues one message per chat, one after another: their ids follow the order given. */
async function queueInOrder(db: Db, chatIds: string[], dueAt: Date): Promise<number[]> {
  const ids: number[] = []
  for (const chatId of chatIds) ids.push(await queue(db, { chatId, dueAt }))
  return ids
}

async function queue(
  db: Db,
  row: { channel?: Channel; chatId?: string; text?: string; dueAt: Date; expiresAt?: Date; key?: string; kind?: string },
): Promise<number> {
  keys++
  return written(
    await db
      .insert(outbox)
      .values({
        idempotencyKey: row.key ?? `test:${keys}`,
        channel: row.channel ?? 'telegram',
        chatId: row.chatId ?? `chat-${keys}`,
        kind: row.kind ?? 'test',
        payload: JSON.stringify({ text: row.text ?? `pesan ${keys}` } satisfies Reply),
        dueAt: row.dueAt,
        expiresAt: row.expiresAt ?? null,
      })
      .returning({ id: outbox.id }),
  ).id
}

const rowOf = async (db: Db, id: number) => {
  const row = (await db.select().from(outbox).where(eq(outbox.id, id)).limit(1))[0]
  if (!row) throw new Error(`outbox row ${id} missing`)
  return row
}

describe('outbox delivery', () => {
  it('sends due rows once with their payload and marks them sent; rows not yet due wait', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender()
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const due = await queue(db, { chatId: 'c-due', text: 'Kursi tersedia', dueAt: clock.now() })
    const earlier = await queue(db, { chatId: 'c-earlier', text: 'Lebih dulu', dueAt: new Date(clock.now().getTime() - MINUTE) })
    const later = await queue(db, { chatId: 'c-later', text: 'Nanti', dueAt: new Date(clock.now().getTime() + 5 * MINUTE) })

    const started = clock.now()
    expect(await box.deliver()).toEqual({ sent: 2, late: 0, failed: 0, retried: 0, skipped: 0, unknown: 0, requeued: 0 })
    // Oldest due first, each with exactly the stored reply.
    expect(telegram.sent).toEqual([
      { chatId: 'c-earlier', replies: [{ text: 'Lebih dulu' }] },
      { chatId: 'c-due', replies: [{ text: 'Kursi tersedia' }] },
    ])
    // Each marked sent when it went: the first at once, the second a Telegram pace gap (40 ms) later.
    expect(await rowOf(db, earlier)).toMatchObject({ status: 'sent', sentAt: started, attempts: 1, lastError: null })
    expect(await rowOf(db, due)).toMatchObject({
      status: 'sent',
      sentAt: new Date(started.getTime() + 40),
      attempts: 1,
      lastError: null,
    })
    expect(await rowOf(db, later)).toMatchObject({ status: 'pending', sentAt: null, attempts: 0 })

    // Nothing is sent twice; the later row goes once it is due.
    expect(await box.deliver()).toMatchObject({ sent: 0 })
    clock.advance(5 * MINUTE)
    expect(await box.deliver()).toMatchObject({ sent: 1 })
    expect(telegram.sent.map((s) => s.chatId)).toEqual(['c-earlier', 'c-due', 'c-later'])
    expect(await rowOf(db, later)).toMatchObject({ status: 'sent', sentAt: clock.now() })
    expect(await box.deliver()).toMatchObject({ sent: 0 })
    expect(telegram.calls()).toBe(3)
  })

  it('a one-time code is not kept once its message is done with: sent, failed for good or expired', async () => {
    const { clock, db } = await setup()
    const whatsapp = recordingSender((chatId) =>
      chatId.startsWith('fails') ? new RecipientUnreachable('not on WhatsApp') : undefined,
    )
    const box = testOutbox(db, clock, { whatsapp: whatsapp.send })
    const code = (chatId: string, text: string, expiresAt?: Date) =>
      queue(db, { channel: 'whatsapp', chatId, kind: 'identity_code', text, dueAt: clock.now(), ...(expiresAt && { expiresAt }) })
    const sent = await code('628111@s.whatsapp.net', 'Kode Anda: *482913*')
    const failed = await code('fails@s.whatsapp.net', 'Kode Anda: *551204*')
    const expired = await code('628333@s.whatsapp.net', 'Kode Anda: *730615*', new Date(clock.now().getTime() - MINUTE))
    const other = await queue(db, {
      channel: 'whatsapp',
      chatId: '628444@s.whatsapp.net',
      text: 'Pengingat 482913',
      dueAt: clock.now(),
    })
    await box.deliver()
    // The person got the code; the database no longer holds it.
    expect(whatsapp.sent.find((s) => s.chatId === '628111@s.whatsapp.net')?.replies).toEqual([{ text: 'Kode Anda: *482913*' }])
    for (const [id, status] of [
      [sent, 'sent'],
      [failed, 'skipped'],
      [expired, 'skipped'],
    ] as const) {
      const row = await rowOf(db, id)
      expect(row.status).toBe(status)
      expect(row.payload).not.toMatch(/\d{6}/)
    }
    // Other messages keep their text (to answer "I never got it").
    expect((await rowOf(db, other)).payload).toContain('Pengingat 482913')
  })

  it('a send error is retried later with backoff, then recorded as failed after the last try', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender(() => new Error('Bad Gateway for chat 6281234567890'))
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const id = await queue(db, { dueAt: clock.now() })

    const delays = [1, 5, 30, 120]
    for (const [k, minutes] of delays.entries()) {
      expect(await box.deliver()).toMatchObject({ sent: 0, retried: 1, failed: 0 })
      const row = await rowOf(db, id)
      expect(row).toMatchObject({ status: 'pending', attempts: k + 1, sentAt: null })
      expect(row.dueAt).toEqual(new Date(clock.now().getTime() + minutes * MINUTE))
      // The chat's number stays out of the record.
      expect(row.lastError).toBe('Bad Gateway for chat …')
      // Not before it is due again.
      clock.advance(minutes * MINUTE - 1)
      expect(await box.deliver()).toMatchObject({ retried: 0, failed: 0 })
      expect(telegram.calls()).toBe(k + 1)
      clock.advance(1)
    }
    expect(await box.deliver()).toMatchObject({ sent: 0, retried: 0, failed: 1 })
    expect(await rowOf(db, id)).toMatchObject({
      status: 'failed',
      attempts: 5,
      lastError: 'Bad Gateway for chat …',
      sentAt: null,
    })
    expect(telegram.calls()).toBe(5)

    // Failed for good: never tried again.
    clock.advance(24 * 60 * MINUTE)
    expect(await box.deliver()).toMatchObject({ sent: 0, retried: 0, failed: 0 })
    expect(telegram.calls()).toBe(5)
  })

  it('a send that works on a retry is marked sent and its error cleared', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender((_chat, call) => (call === 1 ? new Error('timeout') : undefined))
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const id = await queue(db, { dueAt: clock.now(), text: 'Halo' })
    expect(await box.deliver()).toMatchObject({ retried: 1 })
    expect(await rowOf(db, id)).toMatchObject({ status: 'pending', lastError: 'timeout' })
    clock.advance(MINUTE)
    expect(await box.deliver()).toMatchObject({ sent: 1 })
    expect(await rowOf(db, id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null, sentAt: clock.now() })
    expect(telegram.sent).toEqual([{ chatId: expect.any(String), replies: [{ text: 'Halo' }] }])
  })

  it('maxAttempts bounds the tries', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender(() => new Error('down'))
    const box = testOutbox(db, clock, { telegram: telegram.send }, { maxAttempts: 2 })
    const id = await queue(db, { dueAt: clock.now() })
    expect(await box.deliver()).toMatchObject({ retried: 1 })
    clock.advance(MINUTE)
    expect(await box.deliver()).toMatchObject({ failed: 1 })
    expect(await rowOf(db, id)).toMatchObject({ status: 'failed', attempts: 2 })
  })

  it('a person who blocked the assistant: skipped with the reason, not retried', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender(() => new RecipientUnreachable('Forbidden: bot was blocked by the user'))
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const id = await queue(db, { dueAt: clock.now() })
    expect(await box.deliver()).toEqual({ sent: 0, late: 0, failed: 0, retried: 0, skipped: 1, unknown: 0, requeued: 0 })
    expect(await rowOf(db, id)).toMatchObject({ status: 'skipped', lastError: 'the person blocked the assistant', sentAt: null })
    clock.advance(60 * MINUTE)
    await box.deliver()
    expect(telegram.calls()).toBe(1)
  })

  it('a channel without a sender (the terminal chat): skipped with the reason', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender()
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const consoleRow = await queue(db, { channel: 'console', dueAt: clock.now() })
    const whatsappRow = await queue(db, { channel: 'whatsapp', dueAt: clock.now() })
    const telegramRow = await queue(db, { channel: 'telegram', dueAt: clock.now() })
    expect(await box.deliver()).toMatchObject({ sent: 1, skipped: 2 })
    expect(await rowOf(db, consoleRow)).toMatchObject({ status: 'skipped', lastError: 'channel console cannot send on its own' })
    expect(await rowOf(db, whatsappRow)).toMatchObject({
      status: 'skipped',
      lastError: 'channel whatsapp cannot send on its own',
    })
    expect(await rowOf(db, telegramRow)).toMatchObject({ status: 'sent' })
    expect(telegram.calls()).toBe(1)
  })

  it("instances sending Telegram share its pace: each takes and sends its share, the bot's rate divided among the live dispatchers", async () => {
    const { clock, db } = await setup()
    const times = { a: [] as number[], b: [] as number[] }
    const sender =
      (which: 'a' | 'b'): ChannelSender =>
      async () => {
        times[which].push(clock.now().getTime())
      }
    // One message a second for the bot, runs 10 s apart: 10 messages a run for a dispatcher alone.
    const options = {
      pace: { telegram: { perSecond: 1, perChatMs: 0 } },
      runEveryMs: 10_000,
      shared: (channel: string) => channel === 'telegram',
    }
    const a = testOutbox(db, clock, { telegram: sender('a') }, options)
    const b = testOutbox(db, clock, { telegram: sender('b') }, options)
    await a.start()
    await b.start()
    await queueInOrder(
      db,
      Array.from({ length: 12 }, (_, i) => `tg-${i + 1}`),
      clock.now(),
    )
    expect(await a.deliver()).toMatchObject({ sent: 5 })
    expect(await b.deliver()).toMatchObject({ sent: 5 })
    const gaps = (list: number[]) => list.slice(1).map((at, i) => at - (list[i] ?? 0))
    // Each at half the rate: together one a second, as the bot allows.
    expect(gaps(times.a)).toEqual([2_000, 2_000, 2_000, 2_000])
    expect(gaps(times.b)).toEqual([2_000, 2_000, 2_000, 2_000])

    // Alone again: the whole pace.
    await b.stop()
    const before = times.a.length
    expect(await a.deliver()).toMatchObject({ sent: 2 })
    expect(gaps(times.a.slice(before))).toEqual([1_000])
    await a.stop()
  })

  it('an instance that leaves WhatsApp to the leader neither takes nor skips its messages; the leader sends them', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender()
    const whatsapp = recordingSender()
    const follower = testOutbox(db, clock, { telegram: telegram.send }, { takes: (channel) => channel !== 'whatsapp' })
    const whatsappRow = await queue(db, { channel: 'whatsapp', chatId: 'wa-1', dueAt: clock.now() })
    const telegramRow = await queue(db, { channel: 'telegram', chatId: 'tg-1', dueAt: clock.now() })
    expect(await follower.deliver()).toMatchObject({ sent: 1, skipped: 0 })
    expect(await rowOf(db, telegramRow)).toMatchObject({ status: 'sent' })
    expect(await rowOf(db, whatsappRow)).toMatchObject({ status: 'pending', claimedBy: null })

    const leader = testOutbox(db, clock, { telegram: telegram.send, whatsapp: whatsapp.send })
    expect(await leader.deliver()).toMatchObject({ sent: 1 })
    expect(await rowOf(db, whatsappRow)).toMatchObject({ status: 'sent' })
    expect([telegram.calls(), whatsapp.calls()]).toEqual([1, 1])
  })

  it('a message past its expiry is skipped, never sent, also while waiting for a retry', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender((chatId) => (chatId === 'c-retry' ? new Error('down') : undefined))
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const expired = await queue(db, {
      chatId: 'c-expired',
      dueAt: new Date(clock.now().getTime() - 60 * MINUTE),
      expiresAt: clock.now(),
    })
    const retried = await queue(db, {
      chatId: 'c-retry',
      dueAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 30 * 1000),
    })
    const open = await queue(db, {
      chatId: 'c-open',
      dueAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 60 * MINUTE),
    })

    expect(await box.deliver()).toMatchObject({ sent: 1, retried: 1 })
    expect(await rowOf(db, expired)).toMatchObject({
      status: 'skipped',
      lastError: 'expired before it could be sent',
      attempts: 0,
    })
    expect(await rowOf(db, open)).toMatchObject({ status: 'sent' })
    // The retry is due after the message stopped making sense.
    clock.advance(MINUTE)
    expect(await box.deliver()).toMatchObject({ sent: 0, retried: 0, failed: 0 })
    expect(await rowOf(db, retried)).toMatchObject({
      status: 'skipped',
      lastError: 'expired before it could be sent',
      attempts: 1,
    })
    expect(telegram.sent.map((s) => s.chatId)).toEqual(['c-open'])
    expect(telegram.calls()).toBe(2)
  })

  it('a row a silent dispatcher was sending: unknown once its heartbeat is 30 s old, never sent again', async () => {
    const { clock, db } = await setup()
    const id = await queue(db, { dueAt: clock.now() })
    // A dispatcher on another machine hands the row to its channel and never hears back.
    const hang: ChannelSender = () => new Promise<void>(() => {})
    void testOutbox(db, clock, { telegram: hang }).deliver()
    await vi.waitFor(async () => expect((await rowOf(db, id)).status).toBe('claimed'))

    const telegram = recordingSender()
    const box = testOutbox(db, clock, { telegram: telegram.send })
    // Within 30 s of its last heartbeat it may still be sending: left alone.
    clock.advance(GONE_AFTER_MS - 1)
    expect(await box.deliver()).toMatchObject({ sent: 0, unknown: 0, requeued: 0 })
    expect((await rowOf(db, id)).status).toBe('claimed')

    clock.advance(2)
    expect(await box.deliver()).toMatchObject({ sent: 0, unknown: 1 })
    const row = await rowOf(db, id)
    expect(row).toMatchObject({ status: 'unknown', sentAt: null, attempts: 1 })
    expect(row.lastError).toContain('outcome unknown')

    clock.advance(24 * 60 * MINUTE)
    expect(await box.deliver()).toMatchObject({ sent: 0, unknown: 0 })
    expect(telegram.calls()).toBe(0)
  })

  it('a live dispatcher keeps its claim however long the send takes; stopped with the send unfinished, it is unknown', async () => {
    const { clock, db } = await setup()
    const id = await queue(db, { dueAt: clock.now() })
    const slow = testOutbox(db, clock, { telegram: () => new Promise<void>(() => {}) }, { heartbeatMs: 5 })
    await slow.start()
    void slow.deliver()
    await vi.waitFor(async () => expect((await rowOf(db, id)).status).toBe('claimed'))
    // Ten minutes into one send: its heartbeat goes on (every 5 ms of real time here).
    clock.advance(10 * MINUTE)
    await new Promise((resolve) => setTimeout(resolve, 30))
    const other = testOutbox(db, clock, { telegram: recordingSender().send })
    expect(await other.deliver()).toMatchObject({ unknown: 0, requeued: 0 })
    expect(await rowOf(db, id)).toMatchObject({ status: 'claimed' })

    expect(await slow.stop(20)).toEqual({ handedBack: 0, unfinished: 1 })
    expect(await other.deliver()).toMatchObject({ unknown: 1 })
    expect((await rowOf(db, id)).status).toBe('unknown')
  })

  it('a predecessor on this machine whose process is gone: taken back at once on start-up, its heartbeat fresh or not', async () => {
    for (const predecessor of [{ pid: 100 }, { pid: 200 }]) {
      const { clock, db } = await setup()
      const ids = await queueInOrder(db, ['c-1', 'c-2', 'c-3'], clock.now())
      // Process 100 (or one with the id the new process now has: a container's restart) was
      // sending c-1 with c-2 and c-3 waiting their turn when it was killed.
      let release = () => {}
      const turn = new Promise<void>((resolve) => {
        release = resolve
      })
      const hang: ChannelSender = () => new Promise<void>(() => {})
      void testOutbox(
        db,
        { now: clock.now, sleep: () => turn },
        { telegram: hang },
        { dispatcher: { id: `old-${predecessor.pid}`, role: 'server', host: 'box-1', pid: predecessor.pid } },
      ).deliver()
      await vi.waitFor(async () => expect((await rowOf(db, ids[0] as number)).status).toBe('claimed'))

      const telegram = recordingSender()
      const restarted = testOutbox(
        db,
        clock,
        { telegram: telegram.send },
        { dispatcher: { id: 'new', role: 'server', host: 'box-1', pid: 200 }, processAlive: (pid) => pid !== 100 },
      )
      // No time has passed: the old heartbeat is fresh, but its process is known to be gone.
      expect(await restarted.start()).toEqual({ requeued: 2, unknown: 1 })
      expect(await restarted.deliver()).toMatchObject({ sent: 2, unknown: 0 })
      expect(telegram.sent.map((s) => s.chatId)).toEqual(['c-2', 'c-3'])
      await restarted.stop()
      // The old run's turn comes after all: it may no longer send what was taken back.
      release()
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(await Promise.all(ids.map(async (id) => (await rowOf(db, id)).status))).toEqual(['unknown', 'sent', 'sent'])
    }
  })

  it('a dispatcher on another machine with a fresh heartbeat is not taken at start-up', async () => {
    const { clock, db } = await setup()
    const id = await queue(db, { dueAt: clock.now() })
    void testOutbox(
      db,
      { now: clock.now, sleep: () => new Promise(() => {}) },
      { telegram: () => new Promise<void>(() => {}) },
      { dispatcher: { id: 'elsewhere', role: 'server', host: 'box-2', pid: 100 } },
    ).deliver()
    await vi.waitFor(async () => expect((await rowOf(db, id)).status).toBe('claimed'))
    const here = testOutbox(
      db,
      clock,
      { telegram: recordingSender().send },
      { dispatcher: { id: 'here', role: 'server', host: 'box-1', pid: 100 }, processAlive: () => false },
    )
    expect(await here.start()).toEqual({ requeued: 0, unknown: 0 })
    await here.stop()
  })

  it('a clean stop hands back what it had not started: the next process sends it at once, nothing unknown', async () => {
    const { clock, db } = await setup()
    const ids = await queueInOrder(db, ['c-1', 'c-2', 'c-3', 'c-4'], clock.now())
    const first = recordingSender()
    // The pace's waits are held here: c-1 goes, then the run waits for c-2's turn.
    let release = () => {}
    const turn = new Promise<void>((resolve) => {
      release = resolve
    })
    const dying = testOutbox(db, { now: clock.now, sleep: () => turn }, { telegram: first.send })
    await dying.start()
    const run = dying.deliver()
    await vi.waitFor(() => expect(first.sent).toHaveLength(1))
    const stopping = await dying.stop(1_000)
    release()
    expect(stopping).toEqual({ handedBack: 3, unfinished: 0 })
    expect(await run).toMatchObject({ sent: 1 })
    expect((await Promise.all(ids.map((id) => rowOf(db, id)))).map((row) => [row.status, row.claimedBy])).toEqual([
      ['sent', null],
      ['pending', null],
      ['pending', null],
      ['pending', null],
    ])
    // A stopped outbox starts nothing more.
    expect(await dying.deliver()).toMatchObject({ sent: 0 })

    const next = recordingSender()
    const restarted = testOutbox(db, clock, { telegram: next.send })
    expect(await restarted.start()).toEqual({ requeued: 0, unknown: 0 })
    expect(await restarted.deliver()).toMatchObject({ sent: 3, unknown: 0 })
    expect([...first.sent, ...next.sent].map((s) => s.chatId)).toEqual(['c-1', 'c-2', 'c-3', 'c-4'])
    await restarted.stop()
  })

  it('a clean stop while a sender still waits (a WhatsApp connection coming back): the message goes back to pending, not unknown', async () => {
    const { clock, db } = await setup()
    const id = await queue(db, { channel: 'whatsapp', chatId: '62811@s.whatsapp.net', dueAt: clock.now() })
    // Waits for a connection that does not come; gives the message back when told to stop.
    const waiting: ChannelSender = (_chatId, _replies, options) => unlessStopped(new Promise<void>(() => {}), options?.signal)
    const dying = testOutbox(db, clock, { whatsapp: waiting })
    await dying.start()
    const run = dying.deliver()
    await vi.waitFor(async () => expect((await rowOf(db, id)).status).toBe('claimed'))
    expect(await dying.stop(1_000)).toEqual({ handedBack: 1, unfinished: 0 })
    expect(await run).toMatchObject({ sent: 0, failed: 0, retried: 0 })
    expect(await rowOf(db, id)).toMatchObject({ status: 'pending', attempts: 0, claimedBy: null })

    const whatsapp = recordingSender()
    const next = testOutbox(db, clock, { whatsapp: whatsapp.send })
    expect(await next.deliver()).toMatchObject({ sent: 1, unknown: 0 })
    expect(await rowOf(db, id)).toMatchObject({ status: 'sent', attempts: 1 })
  })

  it('a dispatcher judged gone while it still runs: what it queued goes to another once, and it registers again', async () => {
    const { clock, db } = await setup()
    const ids = await queueInOrder(db, ['c-1', 'c-2', 'c-3'], clock.now())
    const first = recordingSender()
    let release = () => {}
    const turn = new Promise<void>((resolve) => {
      release = resolve
    })
    // Paused between two sends for longer than the limit (a blocked disk, a suspended machine).
    const paused = testOutbox(db, { now: clock.now, sleep: () => turn }, { telegram: first.send })
    const run = paused.deliver()
    await vi.waitFor(() => expect(first.sent).toHaveLength(1))
    clock.advance(GONE_AFTER_MS + 1)
    const other = recordingSender()
    const box = testOutbox(db, clock, { telegram: other.send })
    expect(await box.deliver()).toMatchObject({ sent: 2, requeued: 2, unknown: 0 })
    release()
    expect(await run).toMatchObject({ sent: 1 })
    expect([...first.sent, ...other.sent].map((s) => s.chatId).sort()).toEqual(['c-1', 'c-2', 'c-3'])
    expect(await Promise.all(ids.map(async (id) => (await rowOf(db, id)).status))).toEqual(['sent', 'sent', 'sent'])
    // Its next run writes its row again.
    expect(await paused.deliver()).toMatchObject({ sent: 0 })
    expect(await statement(db, 'SELECT count(*) AS n FROM outbox_dispatchers').get()).toEqual({ n: 2 })
  })

  it('taking back reads who is live in its own transaction: a dispatcher that registered meanwhile keeps its rows', async () => {
    const { clock, db } = await setup()
    const [mine, theirs, nobodys] = await queueInOrder(db, ['c-1', 'c-2', 'c-3'], clock.now())
    // A dispatcher that started after the caller listed the dispatchers, and one already forgotten.
    await registerDispatcher(
      db,
      { id: 'new', role: 'server', host: 'box-2', pid: 1, startedAt: clock.now().getTime() },
      clock.now(),
    )
    const claim = statement(db, `UPDATE outbox SET status = 'queued', claim_token = 't', claimed_by = ? WHERE id = ?`)
    await claim.run('new', mine)
    await claim.run('gone', theirs)
    await claim.run('forgotten', nobodys)
    expect(await takeBackFromGone(db, ['gone'], clock.now())).toEqual({ requeued: 2, unknown: 0 })
    expect(await Promise.all([mine, theirs, nobodys].map(async (id) => (await rowOf(db, id as number)).status))).toEqual([
      'queued',
      'pending',
      'pending',
    ])
  })

  it('a process that stops in the middle of a run: only the message being sent is unknown, the rest are sent later', async () => {
    const temp = tempDir('outbox-crash')
    try {
      const path = join(temp.dir, 'kesos.db')
      const clock = fakeClock()
      const dying = openDatabase(path)
      for (const chatId of ['c-1', 'c-2', 'c-3']) await queue(dying, { chatId, dueAt: clock.now() })
      // The first process hands c-1 to its channel and never hears back: it stopped there.
      const attempted: string[] = []
      const hang: ChannelSender = (chatId) => {
        attempted.push(chatId)
        return new Promise<void>(() => {})
      }
      // Real time here: the next message waits for its turn (40 ms at Telegram's pace), so only the
      // first has been handed to the channel when the process stops.
      void testOutbox(dying, { now: clock.now }, { telegram: hang }).deliver()
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(attempted).toEqual(['c-1'])
      dying.$client.close()

      // The process started again on another machine (its predecessor's heartbeat tells it is gone).
      clock.advance(GONE_AFTER_MS + 1)
      const db = openDatabase(path)
      const telegram = recordingSender()
      const box = testOutbox(db, clock, { telegram: telegram.send })
      expect(await box.deliver()).toEqual({ sent: 2, late: 0, failed: 0, retried: 0, skipped: 0, unknown: 1, requeued: 2 })
      expect(telegram.sent.map((s) => s.chatId)).toEqual(['c-2', 'c-3'])
      const rows = await db.select().from(outbox).orderBy(outbox.id)
      expect(rows.map((row) => [row.chatId, row.status])).toEqual([
        ['c-1', 'unknown'],
        ['c-2', 'sent'],
        ['c-3', 'sent'],
      ])
      expect(rows[0]?.lastError).toContain('outcome unknown')
      db.$client.close()
    } finally {
      temp.cleanup()
    }
  })

  it('two deliveries racing in one process never send a row twice', async () => {
    const { clock, db } = await setup()
    const sent: string[] = []
    // A slow channel: the second run starts while the first is still sending.
    const slow: ChannelSender = async (chatId) => {
      await new Promise((resolve) => setTimeout(resolve, 2))
      sent.push(chatId)
    }
    const box = testOutbox(db, clock, { telegram: slow }, { batchSize: 7 })
    for (let i = 0; i < 40; i++) await queue(db, { chatId: `c-${i}`, dueAt: clock.now() })
    const runs = await Promise.all([box.deliver(), box.deliver(), box.deliver(), box.deliver(), box.deliver()])
    expect(runs.reduce((total, run) => total + run.sent, 0)).toBe(35)
    while ((await box.deliver()).sent > 0) {}
    expect(sent).toHaveLength(40)
    expect(new Set(sent).size).toBe(40)
    expect((await db.select().from(outbox)).every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true)
  })

  it('two outboxes on one database file (two connections) never send a row twice', async () => {
    const temp = tempDir('outbox')
    try {
      const path = join(temp.dir, 'kesos.db')
      const clock = fakeClock()
      const first = openDatabase(path)
      const second = openDatabase(path)
      const sent: string[] = []
      const slow: ChannelSender = async (chatId) => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        sent.push(chatId)
      }
      for (let i = 0; i < 100; i++) await queue(first, { chatId: `c-${i}`, dueAt: clock.now() })
      const boxes = [first, second].map((db) => testOutbox(db, clock, { telegram: slow }, { batchSize: 9 }))
      const runs = await Promise.all([0, 1, 2].flatMap(() => boxes.map((box) => box.deliver())))
      for (const box of boxes) while ((await box.deliver()).sent > 0) {}
      expect(runs.reduce((total, run) => total + run.sent, 0)).toBe(54)
      expect(sent).toHaveLength(100)
      expect(new Set(sent).size).toBe(100)
      const rows = await second.select().from(outbox)
      expect(rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true)
      first.$client.close()
      second.$client.close()
    } finally {
      temp.cleanup()
    }
  })
})

describe('deliverSoon (a staff reply someone is waiting for)', () => {
  it('sends at once, and calls made during a run make one more run that sends what was queued meanwhile', async () => {
    const { clock, db } = await setup()
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const sent: string[] = []
    let sending = false
    const box = testOutbox(db, clock, {
      telegram: async (chatId) => {
        sending = true
        if (chatId === 'first') await held
        sent.push(chatId)
      },
    })
    await queue(db, { chatId: 'first', dueAt: clock.now() })
    box.deliverSoon()
    await vi.waitFor(() => expect(sending).toBe(true))
    await queue(db, { chatId: 'second', dueAt: clock.now() })
    box.deliverSoon()
    box.deliverSoon()
    box.deliverSoon()
    release()
    await vi.waitFor(() => expect(sent).toEqual(['first', 'second']))
    expect(sent).toEqual(['first', 'second'])
  })
})

describe('queueing for a person', () => {
  async function person(db: Db, now: Date) {
    const created = await upsertPerson(
      db,
      {
        nikHash: 'hash-1',
        nikCiphertext: 'cipher-1',
        fullName: 'Siti Aminah',
        birthDate: '1980-06-15',
        phoneE164: '+6281234567890',
        provinceCode: '32',
        regency: 'Kota Bandung',
        professionGroup: 'pekerja_sosial',
        institution: 'Dinas Sosial Kota Bandung',
        timeZone: 'Asia/Jakarta',
      },
      now,
    )
    if (!created.ok) throw new Error('person not created')
    return created.personId
  }

  it('queues one row per linked chat, once per idempotency key, in the chat language', async () => {
    const { clock, db } = await setup()
    const now = clock.now()
    const personId = await person(db, now)
    await linkChat(db, {
      channel: 'telegram',
      userId: 'u-1',
      chatId: 't-1',
      personId,
      language: 'id',
      now,
      expiresAt: new Date(now.getTime() + 365 * 86_400_000),
      proved: true,
    })
    await linkChat(db, {
      channel: 'whatsapp',
      userId: 'u-2',
      chatId: 'w-1',
      personId,
      language: 'en',
      now,
      expiresAt: new Date(now.getTime() + 365 * 86_400_000),
      proved: true,
    })
    const message = {
      personId,
      kind: 'seat_offer',
      key: 'offer:7:123',
      build: (lang: 'id' | 'en') => ({ text: lang === 'id' ? 'Ada kursi untuk Anda' : 'A seat is free for you' }),
      dueAt: now,
    }
    expect(await queueForPerson(db, message)).toBe(2)
    expect(await queueForPerson(db, message)).toBe(0)
    const rows = await db.select().from(outbox)
    expect(rows.map((row) => [row.channel, row.chatId, row.idempotencyKey, JSON.parse(row.payload).text])).toEqual([
      ['telegram', 't-1', 'offer:7:123:telegram:t-1', 'Ada kursi untuk Anda'],
      ['whatsapp', 'w-1', 'offer:7:123:whatsapp:w-1', 'A seat is free for you'],
    ])

    const telegram = recordingSender()
    const whatsapp = recordingSender()
    const box = testOutbox(db, clock, { telegram: telegram.send, whatsapp: whatsapp.send })
    expect(await box.deliver()).toMatchObject({ sent: 2 })
    // Queued again after it was sent: still nothing new.
    expect(await queueForPerson(db, message)).toBe(0)
    expect(await box.deliver()).toMatchObject({ sent: 0 })
    expect(telegram.sent).toEqual([{ chatId: 't-1', replies: [{ text: 'Ada kursi untuk Anda' }] }])
    expect(whatsapp.sent).toEqual([{ chatId: 'w-1', replies: [{ text: 'A seat is free for you' }] }])
  })

  it('a person with no linked chat gets no row', async () => {
    const { clock, db } = await setup()
    const personId = await person(db, clock.now())
    expect(await queueForPerson(db, { personId, kind: 'k', key: 'k:1', build: () => ({ text: 'x' }), dueAt: clock.now() })).toBe(
      0,
    )
    expect(await db.select().from(outbox)).toEqual([])
  })
})
