/**
 * Two servers (from source) on one PostgreSQL database, both channels on over their fakes (issue 24):
 *
 * - one leads: it alone holds the WhatsApp socket and polls Telegram; the other serves HTTP;
 * - both send the outbox: 300 messages queued in waves while both run arrive exactly once each at
 *   the fake Bot API, sent by both instances;
 * - the leader is killed (`kill -9` on its process group) in the middle: the other instance leads
 *   within 15 s (WhatsApp logs in from it, one socket at a time), takes back what the dead one had
 *   queued, and nothing is sent twice; only what was in flight at the kill is "unknown";
 * - after the failover both channels still answer people;
 * - with the Telegram webhook on both, an update delivered twice is answered once, and two messages
 *   of one chat reaching the two instances are answered one after the other.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeStore, type Db, openStore } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema.js'
import { CHANNEL_KEYS, fakeChannelsEnv, helloOnTelegram, privateMessage } from '../support/channel-fakes.js'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { type FakeWhatsAppServer, PHONE_JID, startFakeWhatsAppServer } from '../support/fake-whatsapp-server.js'
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

/** The messages the instance labelled `via` sent through the fake Bot API (its TELEGRAM_API_ROOT ends in /via-<label>). */
const sentVia = (via: string) => telegram.sent().filter((call) => call.via === via).length

const leads = (server: Running) => server.stdout().includes('leader election: this instance leads')

function startInstance(env: Record<string, string>): Running {
  return startCommand(process.execPath, ['--import', 'tsx', '--import', whatsapp.preload, 'src/main.ts'], env)
}

/** WhatsApp messages to the fake's phone, `Pesan WhatsApp <label> <k>`, due now. */
async function queueWhatsApp(db: Db, label: string, count: number): Promise<string[]> {
  const now = new Date()
  const texts = Array.from({ length: count }, (_, k) => `Pesan WhatsApp ${label} ${k + 1}`)
  await db.insert(outbox).values(
    texts.map((text) => ({
      idempotencyKey: `instances-test:wa:${text}`,
      channel: 'whatsapp' as const,
      chatId: PHONE_JID,
      kind: 'status_changed' as const,
      payload: JSON.stringify({ text }),
      dueAt: now,
      expiresAt: new Date(now.getTime() + 2 * 3_600_000),
    })),
  )
  return texts
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
    (await psql(url, "select status, count(*) from outbox where channel = 'telegram' group by status order by status"))
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
      }
      // Each instance runs the outbox every 2 seconds (a minute's worth per run, as with the default
      // schedule), a second apart, and calls the Bot API under a label of its own.
      const envOf = (via: string, cron: string) => ({
        ...env,
        TELEGRAM_API_ROOT: `${telegram.apiRoot}/via-${via}`,
        REMINDER_CRON: cron,
      })

      const a = startInstance(envOf('a', '*/2 * * * * *'))
      await a.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 30_000)
      await a.waitForStdout(/leader election: this instance leads/, 30_000)
      await a.waitForStdout(/Telegram on \(long polling\)/, 30_000)
      await whatsapp.opened(30_000)
      const b = startInstance(envOf('b', '1-59/2 * * * * *'))
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
      // A person writes on WhatsApp: the leader answers.
      await whatsapp.send('halo')
      expect((await whatsapp.replies(1, 30_000)).join('\n')).toContain('Ketik angka menu')
      // WhatsApp's messages go out from the leader, whichever instance queued or saw them first.
      const before = await queueWhatsApp(setup, 'sebelum', 3)
      await until(() => before.every((text) => whatsapp.received().includes(text)), 'WhatsApp messages from the leader', 30_000)

      // Messages queued in waves while both run; the leader is killed when 100 have arrived.
      telegram.reset()
      for (let wave = 0; wave < WAVES; wave++) {
        await queueWave(setup, wave)
        await new Promise((resolve) => setTimeout(resolve, 700))
      }
      await until(() => telegram.sent().length >= 100, 'the first 100 messages', 60_000)
      // The follower sends its share while the leader lives (only Telegram's: it has no WhatsApp socket).
      const followerSentBeforeKill = sentVia('b')
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
      const after = await queueWhatsApp(setup, 'sesudah', 3)
      await until(
        () => after.every((text) => whatsapp.received().includes(text)),
        'WhatsApp messages from the new leader',
        30_000,
      )
      // Each WhatsApp message once, across the failover.
      expect(
        whatsapp
          .received()
          .filter((text) => text.startsWith('Pesan WhatsApp'))
          .sort(),
      ).toEqual([...before, ...after].sort())

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
      expect(followerSentBeforeKill).toBeGreaterThan(0)
      expect(sentVia('a')).toBeGreaterThan(0)
      expect(b.stdout()).toMatch(/took back the messages of a stopped dispatcher/)
      console.info(
        `two instances: the follower led ${failoverMs} ms after the kill; sent by the leader ${sentVia('a')}, by the other ${followerSentBeforeKill} before the kill and ${sentVia('b')} in all, unknown ${unknown.length}`,
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

  it(
    "Telegram webhook on both: a redelivered update is answered once, and a chat's turns never overlap across instances",
    async () => {
      const url = await postgres.createDatabase()
      const secret = 'instances-webhook-secret-0123'
      const env = {
        ...CHANNEL_KEYS,
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        TELEGRAM_MODE: 'webhook',
        TELEGRAM_WEBHOOK_SECRET: secret,
        // Every answer is a Bot API call the fake sees (none rides back in the webhook's response).
        TELEGRAM_WEBHOOK_REPLY: 'false',
        DATABASE_URL: url,
        DATABASE_PATH: join(temp.dir, 'webhook.db'),
        PORT: '0',
        DEMO_DATA: 'false',
      }
      const ports: number[] = []
      const servers: Running[] = []
      for (const _ of [1, 2]) {
        const server = startInstance(env)
        servers.push(server)
        ports.push(Number((await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 30_000))[1]))
        await server.waitForStdout(/Telegram on \(webhook/, 30_000)
      }
      const post = (port: number, update: object) =>
        fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': secret },
          body: JSON.stringify(update),
        })
      const message = (updateId: number, chatId: number, text: string) => ({
        update_id: updateId,
        message: privateMessage(chatId, text, updateId),
      })
      const answers = (chatId: number) => telegram.sent(chatId).filter((call) => call.method === 'sendMessage')
      telegram.reset()

      // Telegram redelivers an update (a timeout on its side) and the balancer sends it elsewhere.
      const [first, second] = await Promise.all([
        post(ports[0] ?? 0, message(5001, 661_000_001, 'halo')),
        post(ports[1] ?? 0, message(5001, 661_000_001, 'halo')),
      ])
      expect([first.status, second.status]).toEqual([200, 200])
      await until(() => answers(661_000_001).length > 0, 'the answer', 10_000)
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      expect(answers(661_000_001)).toHaveLength(1)

      // Two messages of one chat reach the two instances: the second is answered only after the
      // first's answer went out, though the Bot API holds that answer for 1.5 s.
      telegram.delayNext('sendMessage', 1_500)
      const slow = post(ports[0] ?? 0, message(5002, 661_000_002, 'halo'))
      await until(() => answers(661_000_002).length > 0, 'the first answer on its way', 10_000)
      const quick = post(ports[1] ?? 0, message(5003, 661_000_002, 'halo'))
      await Promise.all([slow, quick])
      await until(() => answers(661_000_002).length === 2, 'both answers', 10_000)
      const [one, two] = answers(661_000_002)
      expect(one?.answeredAt).toBeDefined()
      expect(two?.at).toBeGreaterThanOrEqual(one?.answeredAt ?? Number.POSITIVE_INFINITY)

      for (const server of servers) server.child.kill('SIGTERM')
      for (const server of servers) expect(await server.exited(20_000)).toEqual({ code: 0, signal: null })
    },
    TEST_MS,
  )
})
