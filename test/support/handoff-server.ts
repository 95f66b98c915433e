/**
 * The real server (`src/main.ts`, from source) with Telegram and WhatsApp on over their fakes and a
 * staff group configured, for the end-to-end proofs of the live handoff (test/e2e/handoff-*.test.ts):
 * starting and stopping it on one database, a person writing on either channel, a staff member
 * writing in the group, and waiting for what each side sees.
 */
import { expect } from 'vitest'
import { closeStore } from '../../src/db/client.js'
import { storeTelegramCode, telegramCodeHash } from '../../src/db/queries/telegram-links.js'
import { CHANNEL_KEYS, fakeChannelsEnv } from './channel-fakes.js'
import type { FakeTelegram, RecordedCall } from './fake-telegram.js'
import type { FakeWhatsAppServer } from './fake-whatsapp-server.js'
import { onStore, openStoreOf, type Running, start, startCommand } from './programs.js'

/** The staff group of region R5 (Makassar), a forum supergroup: one topic per handoff. */
export const STAFF_GROUP = -1005550001
/** Rina's Telegram account, a member of the staff group. */
export const RINA_TELEGRAM = { id: 7001, first_name: 'Rina' }
export const RINA = { email: 'rina@kemensos.go.id', name: 'Rina Wulandari', password: 'sandi-bbppks-makassar-2026' }

/** Polls `probe` (awaited) every 50 ms until it gives something other than undefined/false; rejects after `ms` saying `what`. */
export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export const textsOf = (calls: RecordedCall[]) => calls.map((call) => String(call.payload.text ?? call.payload.caption ?? ''))

/**
 * The server's settings on `store` (a database file's, or in the PostgreSQL run a fresh database's:
 * `storeIn`), with the fakes and the staff group.
 */
export function handoffServer(options: {
  store: Record<string, string>
  telegram: FakeTelegram
  whatsapp: FakeWhatsAppServer
  /** More settings (REMINDER_CRON …). */
  env?: Record<string, string>
}) {
  const { telegram, whatsapp } = options
  const { store } = options
  const rows = async <T>(sql: string, ...params: unknown[]) => (await onStore<T>(store, sql, params)).rows
  const env = {
    ...store,
    PORT: '0',
    ...fakeChannelsEnv(telegram, whatsapp),
    STAFF_TELEGRAM_CHATS: `R5:${STAFF_GROUP}`,
    ...options.env,
  }
  telegram.setChat(STAFF_GROUP, { is_forum: true, title: 'Staf BBPPKS Makassar' })
  let telegramMessageId = 0

  return {
    env,
    rows,

    /** The handoff `code` (its status, rating and staff topic) as the server wrote it. */
    async handoff(code: string) {
      const [handoff] = await rows<{ id: number; status: string; rating: number | null; tg_topic_id: number | null }>(
        'select id, status, rating, tg_topic_id from handoff_requests where code = ?',
        code,
      )
      return handoff
    },

    /** The paired WhatsApp device and Rina's console account (regional R5, with a password), before any server runs. */
    async prepare() {
      const db = await openStoreOf(store)
      try {
        await whatsapp.pairDeviceIn(db, CHANNEL_KEYS.DATA_ENCRYPTION_KEY)
      } finally {
        await closeStore(db)
      }
      const add = start(
        'src/cli.ts',
        ['staff', 'add', RINA.email, '--name', RINA.name, '--role', 'regional', '--region', 'R5', '--password-stdin'],
        env,
      )
      add.child.stdin?.end(`${RINA.password}\n`)
      expect((await add.exited(20_000)).code, add.stderr()).toBe(0)
    },

    /** A 6-digit code for linking Rina's Telegram account, as the console's "Tautkan Telegram" stores it. */
    async telegramCode(code: string) {
      const db = await openStoreOf(store)
      try {
        const [rina] = await rows<{ id: number }>('select id from staff where email = ?', RINA.email)
        const now = new Date()
        expect(await storeTelegramCode(db, rina?.id ?? 0, telegramCodeHash(code), now, new Date(now.getTime() + 600_000))).toBe(
          true,
        )
      } finally {
        await closeStore(db)
      }
    },

    /** Starts the server and waits until it listens and both channels are on; resolves with it and its port. */
    async start(): Promise<{ server: Running; port: number }> {
      const server = startCommand(process.execPath, ['--import', 'tsx', '--import', whatsapp.preload, 'src/main.ts'], env)
      const port = Number((await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 30_000))[1])
      await server.waitForStdout(/Telegram on \(long polling\)/, 30_000)
      await server.waitForStdout(/WhatsApp on/, 30_000)
      await whatsapp.opened(30_000)
      return { server, port }
    },

    /** SIGTERM, and a clean exit. */
    async stop(server: Running) {
      server.child.kill('SIGTERM')
      expect(await server.exited(20_000)).toEqual({ code: 0, signal: null })
      expect(server.stdout()).toContain('stopped cleanly')
    },

    /**
     * The person writes on WhatsApp; with `expected`, resolves with everything the bot answered once
     * its answers hold that text.
     */
    async onWhatsApp(text: string, expected?: string): Promise<string[]> {
      await whatsapp.send(text)
      if (expected === undefined) return []
      return until(
        () => {
          const got = whatsapp.received()
          return got.join('\n\n').includes(expected) && got
        },
        `WhatsApp answer to ${JSON.stringify(text)} with ${JSON.stringify(expected)} (got ${JSON.stringify(whatsapp.received())})`,
      )
    },

    /**
     * The person writes in their private Telegram chat `chatId`; with `expected`, resolves with the
     * texts the bot sent that chat since, once one holds that text.
     */
    async onTelegram(chatId: number, text: string, expected?: string): Promise<string[]> {
      const before = telegram.sent(chatId).length
      telegramMessageId += 1
      telegram.pushUpdate({
        message: {
          message_id: telegramMessageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private', first_name: 'Budi' },
          from: { id: chatId, is_bot: false, first_name: 'Budi', language_code: 'id' },
          text,
        },
      })
      if (expected === undefined) return []
      return until(
        () => {
          const got = textsOf(telegram.sent(chatId).slice(before))
          return got.some((sent) => sent.includes(expected)) && got
        },
        `Telegram answer to ${JSON.stringify(text)} with ${JSON.stringify(expected)}`,
      )
    },

    /** Rina writes in the staff group (in a topic when `threadId` is given); resolves with the update as delivered. */
    inGroup(text: string, threadId?: number) {
      const update = telegram.groupMessage({
        chatId: STAFF_GROUP,
        from: RINA_TELEGRAM,
        text,
        ...(threadId !== undefined && { threadId }),
      })
      telegram.pushUpdate(update)
      return update
    },

    /**
     * Resolves with the texts posted in the topic (null: General) once one holds `expected`. The
     * relay posts to a group once every 3 s (Telegram's limit), so a post may wait behind others.
     */
    async postedIn(threadId: number | null, expected: string, ms = 20_000): Promise<string[]> {
      return until(
        () => {
          const got = textsOf(telegram.posts(STAFF_GROUP, threadId))
          return got.some((text) => text.includes(expected)) && got
        },
        `staff group post ${JSON.stringify(expected)} in ${threadId ?? 'General'}`,
        ms,
      )
    },
  }
}

/**
 * A browser without a screen for the console of the server at `origin`: cookies kept, forms posted
 * from the console's origin with the page's CSRF token, a live stream read as it comes.
 */
export function consoleBrowser(origin: string) {
  const jar = new Map<string, string>()
  async function request(path: string, form?: Record<string, string>) {
    const response = await fetch(`${origin}${path}`, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        ...(jar.size > 0 && { Cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') }),
        ...(form && { Origin: origin }),
      },
      ...(form && { body: new URLSearchParams(form) }),
      signal: AbortSignal.timeout(10_000),
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      if (pair.slice(at + 1) === '' || /max-age=0/i.test(line)) jar.delete(pair.slice(0, at))
      else jar.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return response
  }
  const csrfOf = (page: string) => page.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? ''
  return {
    request,
    /** GETs `page` and posts its form to `action` with `fields` and the page's CSRF token. */
    async submit(page: string, action: string, fields: Record<string, string>) {
      const html = await (await request(page)).text()
      return request(action, { _csrf: csrfOf(html), ...fields })
    },
    /** Opens a server-sent event stream; `text()` is what came so far, `close()` ends it. */
    async stream(path: string) {
      const abort = new AbortController()
      const response = await fetch(`${origin}${path}`, {
        headers: { Cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
        signal: abort.signal,
      })
      let received = ''
      const reader = response.body?.getReader()
      const decoder = new TextDecoder()
      const pump = (async () => {
        for (;;) {
          const chunk = await reader?.read().catch(() => undefined)
          if (!chunk || chunk.done) return
          received += decoder.decode(chunk.value, { stream: true })
        }
      })()
      return {
        response,
        text: () => received,
        async close() {
          abort.abort()
          await pump
        },
      }
    },
  }
}
