/**
 * A crash or a deploy in the middle of a delivery run, with real processes: the server (from
 * source) sends 300 due messages (reminders, seat offers, status changes) to a fake Telegram Bot
 * API; after about 100 have arrived it is killed with `kill -9` on its whole process group (a
 * crash) or stopped with SIGTERM (a deploy), then started again on the same database. Counted at
 * the fake: nothing twice, nothing lost but what was in flight at the kill (recorded "unknown", never
 * sent again), and the rest delivered within 60 s of the restart, not after the ten minutes a claim
 * used to need to be taken back. The default schedule (every minute) is kept: the restart itself
 * sends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeStore } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema.js'
import { CHANNEL_KEYS } from '../support/channel-fakes.js'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { until } from '../support/handoff-server.js'
import { onStore, openStoreOf, type Running, startCommand, storeIn, tempDir } from '../support/programs.js'

const TEST_MS = 180_000
const MESSAGES = 300
/** The kinds of the messages: every outbox user sends the same way. */
const KINDS = ['reminder', 'seat_offer', 'status_changed'] as const
const FIRST_CHAT = 880_000_000

let telegram: FakeTelegram
const temps: { cleanup(): void }[] = []

beforeAll(async () => {
  telegram = await startFakeTelegram()
})

afterAll(async () => {
  await telegram?.close()
  for (const temp of temps) temp.cleanup()
})

/** A database with `MESSAGES` messages due now, each to a chat of its own. */
async function plan(): Promise<{ store: Record<string, string>; env: Record<string, string> }> {
  const temp = tempDir('outbox-crash')
  temps.push(temp)
  const store = await storeIn(temp.dir)
  const db = await openStoreOf(store)
  const now = new Date()
  for (let i = 0; i < MESSAGES; i++) {
    const kind = KINDS[i % KINDS.length] ?? 'reminder'
    await db.insert(outbox).values({
      idempotencyKey: `crash-test:${i}`,
      channel: 'telegram',
      chatId: String(FIRST_CHAT + i),
      kind,
      ...(kind === 'reminder' && { eventKey: `exam:${i}`, label: '2h' }),
      payload: JSON.stringify({ text: `Pesan ${i}` }),
      dueAt: now,
      expiresAt: new Date(now.getTime() + 2 * 3_600_000),
    })
  }
  await closeStore(db)
  return {
    store,
    env: {
      ...CHANNEL_KEYS,
      ...store,
      PORT: '0',
      DEMO_DATA: 'false',
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
    },
  }
}

async function startServer(env: Record<string, string>): Promise<Running> {
  const server = startCommand(process.execPath, ['--import', 'tsx', 'src/main.ts'], env)
  await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 30_000)
  return server
}

/** The chats that got a message, each with how many times, and when the last one arrived. */
function arrivals() {
  const times = new Map<string, number>()
  let last = 0
  for (const call of telegram.sent()) {
    const chat = String(call.payload.chat_id)
    times.set(chat, (times.get(chat) ?? 0) + 1)
    last = Math.max(last, call.at)
  }
  return { times, last }
}

const statusCounts = async (store: Record<string, string>) =>
  Object.fromEntries(
    (await onStore<{ status: string; n: number }>(store, 'select status, count(*) as n from outbox group by status')).rows.map(
      (row) => [row.status, row.n],
    ),
  )

describe('a delivery run interrupted', () => {
  it(
    'by kill -9: nothing twice, only what was in flight unknown, the rest delivered within 60 s of the restart',
    async () => {
      telegram.reset()
      const { store, env } = await plan()
      const first = await startServer(env)
      await until(() => telegram.sent().length >= 100, 'the first 100 messages', 30_000)
      process.kill(-(first.child.pid as number), 'SIGKILL')
      expect((await first.exited(10_000)).signal).toBe('SIGKILL')
      const beforeRestart = telegram.sent().length
      expect(beforeRestart).toBeLessThan(MESSAGES)

      const restartedAt = Date.now()
      const second = await startServer(env)
      await until(
        async () => {
          const counts = await statusCounts(store)
          return (counts.pending ?? 0) + (counts.queued ?? 0) + (counts.claimed ?? 0) === 0
        },
        'every message sent or recorded',
        90_000,
      )
      const { times, last } = arrivals()
      const unknown = (await onStore<{ chat_id: string }>(store, "select chat_id from outbox where status = 'unknown'")).rows.map(
        (row) => row.chat_id,
      )
      // At most the sends in flight at the kill (the fake answers at once: a handful at most).
      expect(unknown.length).toBeLessThanOrEqual(5)
      expect([...times.values()].every((n) => n === 1)).toBe(true)
      for (let i = 0; i < MESSAGES; i++) {
        const chat = String(FIRST_CHAT + i)
        if (!unknown.includes(chat)) expect(times.get(chat), `chat ${chat}`).toBe(1)
      }
      expect(await statusCounts(store)).toEqual({
        sent: MESSAGES - unknown.length,
        ...(unknown.length > 0 && { unknown: unknown.length }),
      })
      expect(last - restartedAt).toBeLessThan(60_000)
      expect(second.stdout()).toMatch(/took back the messages of a stopped dispatcher/)

      second.child.kill('SIGTERM')
      expect(await second.exited(20_000)).toEqual({ code: 0, signal: null })
    },
    TEST_MS,
  )

  it(
    'by SIGTERM (a deploy): the unsent messages are handed back, nothing unknown, everything delivered once after the restart',
    async () => {
      telegram.reset()
      const { store, env } = await plan()
      const first = await startServer(env)
      await until(() => telegram.sent().length >= 100, 'the first 100 messages', 30_000)
      first.child.kill('SIGTERM')
      expect(await first.exited(20_000)).toEqual({ code: 0, signal: null })
      expect(first.stdout()).toMatch(/unsent messages handed back/)
      const handedBack = await statusCounts(store)
      expect(handedBack.pending).toBeGreaterThan(0)
      expect(handedBack.claimed ?? 0).toBe(0)
      expect((await onStore(store, 'select * from outbox_dispatchers')).rows).toEqual([])

      const restartedAt = Date.now()
      const second = await startServer(env)
      await until(() => telegram.sent().length >= MESSAGES, 'every message', 60_000)
      const { times, last } = arrivals()
      expect(times.size).toBe(MESSAGES)
      expect([...times.values()].every((n) => n === 1)).toBe(true)
      expect(last - restartedAt).toBeLessThan(60_000)
      expect(await statusCounts(store)).toEqual({ sent: MESSAGES })
      // Nothing to take back: the stop handed everything back itself.
      expect(second.stdout()).not.toMatch(/took back the messages/)

      second.child.kill('SIGTERM')
      expect(await second.exited(20_000)).toEqual({ code: 0, signal: null })
    },
    TEST_MS,
  )
})
