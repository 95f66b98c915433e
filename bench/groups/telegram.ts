/**
 * The Telegram webhook under load: updates posted to the real Hono app (`createWebApp`), handed
 * to grammY (`createTelegramBot` + `createTelegramWebhook`) and the real core on a WAL file, with
 * every outgoing Bot API call (sendMessage, answerCallbackQuery…) going over HTTP to the local
 * fake Bot API server. Hundreds of chats are in flight at once, each following a short script;
 * every reply the fake received is checked afterwards, so a broken bot fails instead of looking fast.
 * For context the same update bodies are posted, the same way, to a bare Hono route that only
 * parses the JSON, in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { openCore } from '../../src/bootstrap.js'
import { createTelegramBot } from '../../src/bots/telegram/bot.js'
import { createTelegramWebhook } from '../../src/bots/telegram/webhook.js'
import { loadConfig } from '../../src/config.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { createWebApp } from '../../src/web/app.js'
import { type RecordedCall, startFakeTelegram } from '../../test/support/fake-telegram.js'
import type { BenchGroup } from '../group.js'

/** Chats in flight at once: every round sends one update of each. */
const CHATS = 500
const WARMUP_PASSES = 1
/** Every pass sends each chat's whole script once: CHATS × 10 updates. */
const MEASURED_PASSES = 2
const SECRET = 'bench-webhook-secret-0123456789'
const HEADERS = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }
/** Telegram chat ids of the benchmark's chats start here (one fresh block of CHATS per pass). */
const FIRST_CHAT_ID = 7_000_000

type Check = { label: string; ok: (sent: RecordedCall[]) => boolean }
type Step = { text: string; expect: Check } | { tap: string; expect: Check }

const textOf = (call: RecordedCall) => String(call.payload.text ?? '')
const buttons = (call: RecordedCall | undefined) =>
  (call?.payload.reply_markup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard?.length ?? 0

/** Exactly one message, holding every needle; with `keys`, its inline keyboard has that many rows. */
const reply = (label: string, needles: (string | RegExp)[], keys?: number): Check => ({
  label: keys === undefined ? label : `${label} with ${keys} buttons`,
  ok: (sent) => {
    const only = sent[0]
    if (sent.length !== 1 || !only) return false
    const text = textOf(only)
    if (!needles.every((needle) => (typeof needle === 'string' ? text.includes(needle) : needle.test(text)))) return false
    return keys === undefined || buttons(only) === keys
  },
})

const CONFIRMED = reply('handoff confirmation', [/nomor PTG-[A-Z2-9]{6}/])
const step = (n: number) => reply(`handoff step ${n}`, [`Langkah ${n} dari 5`])

/**
 * One conversation: a request to staff, the chat then talking to staff (one acknowledgement, the
 * menu explained, ended with a tap), back to the bot: a FAQ question, a tap on a menu button.
 */
const SCRIPT: Step[] = [
  { text: 'halo', expect: reply('greeting and menu', ['selamat datang', 'Ketik angka menu'], 7) },
  { text: '6', expect: reply('handoff topic', ['Langkah 1 dari 5', 'Tentang apa'], 5) },
  { text: '1', expect: step(2) },
  { text: 'Sertifikat saya belum terbit padahal sudah dinyatakan kompeten bulan lalu.', expect: step(3) },
  { text: 'Siti Aminah', expect: step(4) },
  { text: '0812-3456-7890', expect: step(5) },
  { text: 'Sulawesi Selatan', expect: reply('handoff summary', ['Periksa lagi', '+62 812-****-7890'], 3) },
  { text: 'ya', expect: CONFIRMED },
  { text: 'Berkasnya sudah saya kirim kemarin', expect: reply('passed to staff', ['Pesan Anda sudah']) },
  { text: 'menu', expect: reply('menu explained during the handoff', ['Anda sedang terhubung dengan petugas']) },
  { text: 'selesai', expect: reply('end confirmation', ['Akhiri percakapan dengan petugas'], 2) },
  { tap: 'handoff:end:yes', expect: reply('handoff ended', ['sudah diakhiri']) },
  { text: 'syarat sertifikasi apa aja', expect: reply('FAQ answer', ['<b>Syarat dan dokumen</b>'], 3) },
  { tap: 'menu:faq', expect: reply('FAQ groups after a button tap', ['Pilih kelompok topik'], 6) },
]
const TAPS = SCRIPT.filter((s) => 'tap' in s).length
const CONFIRMATIONS = SCRIPT.filter((s) => s.expect === CONFIRMED).length

/** One update of one chat, serialised up front (both routes get the very same bodies). */
type Update = { chatId: number; step: number; body: string }
/** What one pass sends: round r holds update r of every chat. */
type Pass = Update[][]

let nextUpdateId = 1
function makePass(firstChatId: number, botId: number): Pass {
  return SCRIPT.map((current, round) =>
    Array.from({ length: CHATS }, (_, i) => {
      const chatId = firstChatId + i
      const chat = { id: chatId, type: 'private', first_name: 'Siti' }
      const from = { id: chatId, is_bot: false, first_name: 'Siti', language_code: 'id' }
      const date = Math.floor(Date.now() / 1000)
      const update_id = nextUpdateId++
      const update =
        'tap' in current
          ? {
              update_id,
              callback_query: {
                id: `${chatId}${round}`,
                from,
                chat_instance: `ci-${chatId}`,
                data: current.tap,
                // The main menu the bot sent two messages earlier (the fake numbers them per chat).
                message: {
                  message_id: round - 1,
                  date,
                  chat,
                  from: { id: botId, is_bot: true, first_name: 'Kesos Test', username: 'kesos_test_bot' },
                  text: 'Ketik angka menu yang Anda perlukan:',
                },
              },
            }
          : { update_id, message: { message_id: round + 1, date, chat, from, text: current.text } }
      return { chatId, step: round, body: JSON.stringify(update) }
    }),
  )
}

type Post = (path: string, init: RequestInit) => Response | Promise<Response>
/**
 * Per update of a pass: the HTTP status, how many Bot API calls the fake had recorded by then, and
 * the call answered inside the webhook response (a webhook reply, which Telegram carries out).
 */
type Outcome = { status: number; mark: number; reply?: RecordedCall }

/**
 * Posts a pass to `path`: one round at a time, every chat's update of that round at once (each
 * user waits for the answer before typing the next), so CHATS requests are in flight together.
 */
async function drive(request: Post, path: string, pass: Pass, calls: RecordedCall[]): Promise<Outcome[][]> {
  const outcomes: Outcome[][] = []
  for (const round of pass) {
    outcomes.push(
      await Promise.all(
        round.map(async (update) => {
          const response = await request(path, { method: 'POST', headers: HEADERS, body: update.body })
          const mark = calls.length
          const body = await response.text()
          if (!body.startsWith('{')) return { status: response.status, mark }
          const { method, ...payload } = JSON.parse(body) as { method: string }
          return { status: response.status, mark, reply: { method, payload, at: 0 } }
        }),
      ),
    )
  }
  return outcomes
}

type Tally = { updates: number; replies: number; confirmations: number; callbackAnswers: number; wrong: string[] }

/**
 * Checks a telegram pass against what the fake recorded. A chat's updates go one after another,
 * so the messages the bot sent for update r of a chat are that chat's sendMessage calls recorded
 * after the answer to update r − 1 and before the answer to update r.
 */
function checkPass(pass: Pass, outcomes: Outcome[][], calls: RecordedCall[], tally: Tally): void {
  const wrong = (what: string) => {
    if (tally.wrong.length < 8) tally.wrong.push(what)
  }
  const byChat = new Map<number, { at: number; call: RecordedCall }[]>()
  for (const [at, call] of calls.entries()) {
    if (call.failure) wrong(`${call.method} failed: ${JSON.stringify(call.failure)}`)
    else if (call.method === 'answerCallbackQuery') tally.callbackAnswers += 1
    if (call.method !== 'sendMessage' && call.method !== 'sendDocument') continue
    const chatId = Number(call.payload.chat_id)
    const list = byChat.get(chatId) ?? []
    if (list.length === 0) byChat.set(chatId, list)
    list.push({ at, call })
  }
  /** Per chat: how many calls the fake had recorded when the chat's previous update was answered. */
  const since = new Map<number, number>()
  for (const [r, round] of pass.entries()) {
    for (const [i, update] of round.entries()) {
      const outcome = outcomes[r]?.[i]
      const where = `update ${update.step + 1} of chat ${update.chatId}`
      tally.updates += 1
      const from = since.get(update.chatId) ?? 0
      if (outcome) since.set(update.chatId, outcome.mark)
      if (outcome?.status !== 200) {
        wrong(`${where}: HTTP ${outcome?.status}`)
        continue
      }
      const sent = (byChat.get(update.chatId) ?? []).filter(({ at }) => at >= from && at < outcome.mark).map(({ call }) => call)
      if (outcome.reply) sent.unshift(outcome.reply)
      tally.replies += sent.length
      const expect = SCRIPT[update.step]?.expect
      if (!expect?.ok(sent)) wrong(`${where}: expected ${expect?.label}, got ${JSON.stringify(sent.map(textOf))}`)
      else if (expect === CONFIRMED) tally.confirmations += 1
    }
  }
}

export const group: BenchGroup = {
  name: 'telegram',
  description: `Telegram webhook (Hono + grammY + core on a WAL file, Bot API calls over HTTP to a local fake), ${CHATS} chats in flight, every reply checked; vs a bare Hono route`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-telegram-'))
    const fake = await startFakeTelegram()
    const config = loadConfig({
      DATABASE_PATH: join(dir, 'telegram.db'),
      DEMO_DATA: 'false',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    })
    const logger = pino({ level: 'silent' })
    const clock = () => new Date()
    const core = await openCore(config, logger, clock)
    // As the server does once it listens: the understanding step's networks are made before the first message.
    core.prepareUnderstanding()
    try {
      const telegram = createTelegramBot({
        token: fake.token,
        apiRoot: fake.apiRoot,
        botInfo: fake.botInfo,
        engine: core.engine,
        blocking: core.blocking,
        clock,
        logger,
        // A failed call must show up as a failure, not be retried into a pass.
        maxRetryAttempts: 0,
      })
      const app = createWebApp({
        version: 'bench',
        logger,
        clock,
        channels: () => ({ telegram: 'on' }),
        checkDatabase: async () => {
          await statement(core.db, 'select 1').get()
        },
        telegramWebhook: createTelegramWebhook(telegram, SECRET),
      })
      app.post('/bare', async (c) => {
        await c.req.json()
        return c.body('')
      })
      const request: Post = (path, init) => app.request(path, init)

      let passes = 0
      const nextPass = () => makePass(FIRST_CHAT_ID + CHATS * passes++, fake.botInfo.id)
      const bareStatuses = (outcomes: Outcome[][]) => outcomes.flat().filter((o) => o.status !== 200).length

      const warm: Tally = { updates: 0, replies: 0, confirmations: 0, callbackAnswers: 0, wrong: [] }
      for (let p = 0; p < WARMUP_PASSES; p++) {
        const pass = nextPass()
        fake.reset()
        checkPass(pass, await drive(request, '/telegram/webhook', pass, fake.calls), fake.calls, warm)
        if (bareStatuses(await drive(request, '/bare', pass, fake.calls)) > 0)
          warm.wrong.push('the bare route did not answer 200')
      }
      if (warm.wrong.length > 0) throw new Error(`wrong replies during warm-up:\n${warm.wrong.join('\n')}`)

      // Telegram and bare passes alternate, so both see the same machine (disk, other load).
      const tally: Tally = { updates: 0, replies: 0, confirmations: 0, callbackAnswers: 0, wrong: [] }
      let telegramMs = 0
      let bareMs = 0
      let bareUpdates = 0
      let bareFailures = 0
      let bareCalls = 0
      for (let p = 0; p < MEASURED_PASSES; p++) {
        const pass = nextPass()
        fake.reset()
        let started = performance.now()
        const outcomes = await drive(request, '/telegram/webhook', pass, fake.calls)
        telegramMs += performance.now() - started
        checkPass(pass, outcomes, fake.calls, tally)

        const callsBefore = fake.calls.length
        started = performance.now()
        const bare = await drive(request, '/bare', pass, fake.calls)
        bareMs += performance.now() - started
        bareUpdates += bare.flat().length
        bareFailures += bareStatuses(bare)
        bareCalls += fake.calls.length - callsBefore
      }

      const stored = (await statement(
        core.db,
        'SELECT count(*) AS n FROM handoff_requests WHERE chat_id >= ? AND chat_id < ?',
      ).get(String(FIRST_CHAT_ID), String(FIRST_CHAT_ID + CHATS * passes))) as { n: number }
      const updates = CHATS * SCRIPT.length * MEASURED_PASSES
      const problems = [...tally.wrong]
      const want = (what: string, got: number, wanted: number) => {
        if (got !== wanted) problems.push(`${what}: expected ${wanted}, got ${got}`)
      }
      want('updates checked', tally.updates, updates)
      want('messages sent (one per update)', tally.replies, updates)
      want('handoff confirmations (PTG-…)', tally.confirmations, CHATS * CONFIRMATIONS * MEASURED_PASSES)
      want('callback queries answered', tally.callbackAnswers, CHATS * TAPS * MEASURED_PASSES)
      want('handoff requests stored', stored.n, CHATS * CONFIRMATIONS * passes)
      want('bare updates', bareUpdates, updates)
      want('bare answers other than 200', bareFailures, 0)
      want('Bot API calls during bare passes', bareCalls, 0)
      if (problems.length > 0)
        throw new Error(`the Telegram bot answered wrongly, so its speed means nothing:\n${problems.join('\n')}`)

      const telegramRate = updates / (telegramMs / 1000)
      const bareRate = bareUpdates / (bareMs / 1000)
      const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
      console.error(
        `  ${fmt(updates)} updates: ${fmt(tally.replies)} messages sent, ${fmt(tally.confirmations)} handoffs confirmed, ` +
          `${fmt(tally.callbackAnswers)} button taps answered; webhook ${fmt(telegramRate)} updates/s, bare Hono ${fmt(bareRate)} updates/s`,
      )
      return {
        telegram_updates_per_second: Math.round(telegramRate),
        telegram_webhook_ratio: Number((telegramRate / bareRate).toFixed(3)),
      }
    } finally {
      await fake.close()
      closeDatabase(core.db)
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
