/**
 * Two servers (from source) on one PostgreSQL database, both channels on over their fakes (issue 24):
 *
 * - one leads: it alone holds the WhatsApp socket and polls Telegram; the other serves HTTP;
 * - both send the outbox: 300 messages queued in waves while both run arrive exactly once each at
 *   the fake Bot API, sent by both instances;
 * - the leader is killed (`kill -9` on its process group) in the middle: the other instance leads
 *   within 15 s (WhatsApp logs in from it, one socket at a time), takes back what the dead one had
 *   queued, and nothing is sent twice; only what was in flight at the kill is "unknown";
 * - after the failover both channels still answer people.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeStore, type Db, openStore } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema.js'
import { CHANNEL_KEYS, fakeChannelsEnv, helloOnTelegram } from '../support/channel-fakes.js'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { type FakeWhatsAppServer, startFakeWhatsAppServer } from '../support/fake-whatsapp-server.js'
import { until } from '../support/handoff-server.js'
import { type PostgresServer, psql, startPostgres } from '../support/postgres.js'
import { killAll, type Running, startCommand, tempDir } from '../support/programs.js'

const TEST_MS = 240_000
const MESSAGES = 300
const WAVES = 10
const FIRST_CHAT = 770_000_000

let postgres: PostgresServer
let telegram: FakeTelegram
let whatsapp: FakeWhatsAppServer
const temp = tempDir('pg-instances')

beforeAll(async () => {
  ;[postgres, telegram, whatsapp] = await Promise.all([startPostgres(), startFakeTelegram(), startFakeWhatsAppServer()])
}, 60_000)

afterAll(async () => {
  killAll()
  await Promise.all([postgres?.stop(), telegram?.close(), whatsapp?.close()])
  temp.cleanup()
})

/** A pino line of a server's stdout, parsed; undefined for anything else. */
function logLines(server: Running): Record<string, unknown>[] {
  return server
    .stdout()
    .split('\n')
    .flatMap((line) => {
      if (!line.startsWith('{')) return []
      try {
        return [JSON.parse(line) as Record<string, unknown>]
      } catch {
        return []
      }
    })
}

/** How many outbox messages the server's runs sent, from its debug log ("job finished"). */
function sentBy(server: Running): number {
  return logLines(server)
    .filter((line) => line.job === 'outbox')
    .reduce((sum, line) => sum + Number((line.result as { sent?: number } | undefined)?.sent ?? 0), 0)
}

const leads = (server: Running) => server.stdout().includes('leader election: this instance leads')

function startInstance(env: Record<string, string>): Running {
  return startCommand(process.execPath, ['--import', 'tsx', '--import', whatsapp.preload, 'src/main.ts'], env)
}

async function queueWave(db: Db, wave: number) {
  const now = new Date()
  const each = MESSAGES / WAVES
  await db.insert(outbox).values(
    Array.from({ length: each }, (_, k) => {
      const i = wave * each + k
      return {
        idempotencyKey: `instances-test:${i}`,
        channel: 'telegram' as const,
        chatId: String(FIRST_CHAT + i),
        kind: 'status_changed' as const,
        payload: JSON.stringify({ text: `Pesan ${i}` }),
        dueAt: now,
        expiresAt: new Date(now.getTime() + 2 * 3_600_000),
      }
    }),
  )
}

const statusCounts = async (url: string) =>
  Object.fromEntries(
    (await psql(url, 'select status, count(*) from outbox group by status order by status'))
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [status, n] = line.split('|')
        return [status, Number(n)]
      }),
  ) as Record<string, number>

describe('two instances on one PostgreSQL database', () => {
  it(
    'one leads, both send the outbox exactly once, and kill -9 of the leader hands the lead over within 15 s',
    async () => {
      const url = await postgres.createDatabase()
      // The paired WhatsApp device, stored where the servers will find it.
      const setup = await openStore({ path: join(temp.dir, 'unused.db'), url, poolSize: 2, statementTimeoutMs: 60_000 })
      await whatsapp.pairDeviceIn(setup, CHANNEL_KEYS.DATA_ENCRYPTION_KEY)
      const env = {
        ...fakeChannelsEnv(telegram, whatsapp),
        DATABASE_URL: url,
        DATABASE_PATH: join(temp.dir, 'kesos.db'),
        PORT: '0',
        DEMO_DATA: 'false',
        // Every 2 seconds on each instance (a minute's worth per run, as with the default schedule).
        REMINDER_CRON: '*/2 * * * * *',
        LOG_LEVEL: 'debug',
      }

      const a = startInstance(env)
      await a.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 30_000)
      await a.waitForStdout(/leader election: this instance leads/, 30_000)
      await a.waitForStdout(/Telegram on \(long polling\)/, 30_000)
      await whatsapp.opened(30_000)
      const b = startInstance(env)
      const bPort = Number((await b.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 30_000))[1])
      // The follower knows the leader's WhatsApp is connected (one-time codes can go out from it).
      await until(
        async () => {
          const health = (await (await fetch(`http://127.0.0.1:${bPort}/healthz`)).json()) as { channels?: { whatsapp?: string } }
          return health.channels?.whatsapp === 'on'
        },
        "the follower hearing of the leader's WhatsApp",
        30_000,
      )
      expect(leads(b)).toBe(false)
      expect(whatsapp.logins()).toEqual({ total: 1, now: 1, mostAtOnce: 1 })

      // Messages queued in waves while both run; the leader is killed when 100 have arrived.
      telegram.reset()
      for (let wave = 0; wave < WAVES; wave++) {
        await queueWave(setup, wave)
        await new Promise((resolve) => setTimeout(resolve, 700))
      }
      await until(() => telegram.sent().length >= 100, 'the first 100 messages', 60_000)
      process.kill(-(a.child.pid as number), 'SIGKILL')
      const killedAt = Date.now()
      expect((await a.exited(10_000)).signal).toBe('SIGKILL')

      await b.waitForStdout(/leader election: this instance leads/, 15_000)
      const failoverMs = Date.now() - killedAt
      expect(failoverMs).toBeLessThan(15_000)
      await until(
        () => whatsapp.logins().total === 2 && whatsapp.logins().now === 1,
        'WhatsApp logged in from the new leader',
        30_000,
      )
      // Never two sockets at once for the one number.
      expect(whatsapp.logins().mostAtOnce).toBe(1)

      await until(
        async () => {
          const counts = await statusCounts(url)
          return (counts.pending ?? 0) + (counts.queued ?? 0) + (counts.claimed ?? 0) === 0
        },
        'every message sent or recorded',
        90_000,
      )
      const times = new Map<string, number>()
      for (const call of telegram.sent()) {
        const chat = String(call.payload.chat_id)
        times.set(chat, (times.get(chat) ?? 0) + 1)
      }
      const unknown = (await psql(url, "select chat_id from outbox where status = 'unknown'")).split('\n').filter(Boolean)
      // Only the sends in flight at the kill (the fake answers at once: a handful at most).
      expect(unknown.length).toBeLessThanOrEqual(5)
      expect([...times.entries()].filter(([, n]) => n !== 1)).toEqual([])
      for (let i = 0; i < MESSAGES; i++) {
        const chat = String(FIRST_CHAT + i)
        if (!unknown.includes(chat)) expect(times.get(chat), `chat ${chat}`).toBe(1)
      }
      expect(await statusCounts(url)).toEqual({
        sent: MESSAGES - unknown.length,
        ...(unknown.length > 0 && { unknown: unknown.length }),
      })
      // Both instances sent a share: the follower did not wait for the leader.
      expect(sentBy(b)).toBeGreaterThan(0)
      expect(sentBy(a)).toBeGreaterThan(0)
      expect(b.stdout()).toMatch(/took back the messages of a stopped dispatcher/)
      console.info(
        `two instances: the follower led ${failoverMs} ms after the kill; sent by the leader ${sentBy(a)}, by the other ${sentBy(b)}, unknown ${unknown.length}`,
      )

      // After the failover both channels answer: Telegram polled and WhatsApp's socket on the new leader.
      expect(await helloOnTelegram(telegram, 771_000_001)).toContain('Ketik angka menu')
      await whatsapp.send('halo')
      expect((await whatsapp.replies(1, 30_000)).join('\n')).toContain('Ketik angka menu')

      b.child.kill('SIGTERM')
      expect(await b.exited(20_000)).toEqual({ code: 0, signal: null })
      await closeStore(setup)
    },
    TEST_MS,
  )
})
