import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { openCore } from '../../src/bootstrap.js'
import { defaultFaqCacheDir, loadConfig } from '../../src/config.js'
import { createSecretBox, type SecretBox, WHATSAPP_AUTH_PURPOSE } from '../../src/core/privacy/data-key.js'
import type { RetentionPeriods } from '../../src/core/privacy/retention.js'
import type { Inbound } from '../../src/core/types.js'
import { freshStoreEnv } from './engine.js'

/** A controllable clock: tests move time forward explicitly. */
export function fakeClock(start = new Date('2026-11-23T02:00:00Z')) {
  let now = start.getTime()
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms
    },
    /**
     * Waiting in virtual time (for paced sending): the clock moves on at once, after one turn of the
     * event loop, so what was started meanwhile (a transaction, a staff action) runs as it would
     * while real time passed.
     */
    async sleep(ms: number) {
      await new Promise((resolve) => setImmediate(resolve))
      now += ms
    },
  }
}

/**
 * The real core (migrations, features, demo data off) on in-memory SQLite, or on `path` or `store`, on
 * `clock` (default: the real one). The FAQ network cache is the one a server here would use; the
 * signing key is a test key of its own, as a deployment with PUBLIC_BASE_URL needs one.
 * One-time codes can go out over WhatsApp unless `whatsappDown` (the outbox carries them).
 */
export async function testCore(
  options: {
    path?: string
    /** The store's settings, shared with the programs a test runs (`tempFolderEachTest`'s `store`). */
    store?: Record<string, string>
    clock?: () => Date
    env?: Record<string, string>
    whatsappDown?: boolean
  } = {},
) {
  // A test that names a file or a store keeps it; otherwise, on a PostgreSQL run, the core gets a database of its own.
  const store = options.store ?? (options.path === undefined ? await freshStoreEnv() : {})
  const config = testConfig({ ...store, ...options.env }, options.path)
  return openCore(
    config,
    pino({ level: (process.env.KESOS_TEST_LOG as pino.Level | undefined) ?? 'silent' }),
    options.clock ?? (() => new Date()),
    {
      codeChannelReady: () => !options.whatsappDown,
    },
  )
}

/** The settings `testCore` opens the core with (`env` over them), e.g. to derive the reminder settings it plans with. */
export function testConfig(env: Record<string, string> = {}, path = ':memory:') {
  return loadConfig({
    DATABASE_PATH: path,
    DEMO_DATA: 'false',
    NODE_ENV: 'test',
    FAQ_CACHE_DIR: defaultFaqCacheDir(process.env),
    CERT_SIGNING_KEY: 'test-core-signing-key-0123456789abcdef',
    ...env,
  })
}

/** A box for the WhatsApp session under a fresh key, for a test that needs no core (see `Core.authBox`). */
export const testAuthBox = (): SecretBox => createSecretBox({ current: randomBytes(32) }, WHATSAPP_AUTH_PURPOSE)

let counter = 0
export function inbound(text: string, over: Partial<Inbound> = {}): Inbound {
  counter += 1
  return {
    channel: 'console',
    chatId: 'chat-1',
    userId: 'user-1',
    messageId: `m-${counter}`,
    text,
    receivedAt: new Date(),
    ...over,
  }
}

/** The retention periods the tests run with (the defaults, written out). */
export const RETENTION_PERIODS: RetentionPeriods = {
  outboxDays: 30,
  outboxFailedDays: 14,
  identityAttemptsDays: 30,
  chatDays: 90,
  auditDays: 365,
  announcementDays: 90,
}
