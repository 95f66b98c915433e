/**
 * A `ChatDriver` that talks to the real Telegram adapter (grammY, `createTelegramBot`) through the
 * local fake Bot API server (test/support/fake-telegram.ts), so the channel-independent
 * transcripts and the Telegram-specific tests see exactly what a Telegram user would see.
 *
 * Updates reach the bot in one of two ways:
 * - `'webhook'`: POSTed as JSON to the Hono app from `createWebApp`, with the secret header; the
 *   request resolves once grammY has handled the update, so its replies are all recorded by then.
 * - `'polling'`: queued in the fake (`pushUpdate`) while `bot.start()` is long-polling. grammY
 *   handles a batch before it asks for the next one with `offset = last update_id + 1`, so the
 *   update is finished when the fake records a getUpdates call with an offset past its id (exact,
 *   and faster than waiting for the replies to go quiet).
 *
 * Replies are read from the recorded sendMessage calls of that chat: HTML turned back into the
 * core's notation (`<b>x</b>` → `*x*`, entities unescaped) and the inline keyboard's button texts
 * as options. Bot message ids follow the fake's numbering (1, 2, … per chat, counting successful
 * sendMessage/sendDocument calls), so do not `fake.reset()` while a driver is in use.
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types'
import type { Hono } from 'hono'
import pino, { type Logger } from 'pino'
import { ALLOWED_UPDATES, createTelegramBot, type TelegramBot } from '../../src/bots/telegram/bot.js'
import { createTelegramWebhook } from '../../src/bots/telegram/webhook.js'
import { createChatBlocking } from '../../src/core/chat-blocking.js'
import type { Engine } from '../../src/core/engine.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import type { Db } from '../../src/db/client.js'
import { createWebApp } from '../../src/web/app.js'
import type { FakeTelegram, RecordedCall } from './fake-telegram.js'
import { type ChatDriver, runOutbox, type SeenReply } from './transcript.js'

export type TelegramDriverMode = 'webhook' | 'polling'

/** A Telegram update as sent over the wire (loosely typed: tests also send odd ones). */
export type RawUpdate = { update_id: number } & Record<string, unknown>

export type TelegramUser = {
  id: number
  is_bot: false
  first_name: string
  last_name?: string
  username?: string
  language_code?: string
}
export type TelegramChat = { id: number; type: 'private' | 'group' | 'supergroup'; first_name?: string; title?: string }

/** One message the bot sent to the chat, as the chat shows it. */
export type BotMessage = {
  messageId: number
  /** The text as sent (HTML). */
  html: string
  /** The text as the core wrote it (see `fromHtml`). */
  text: string
  buttons: InlineKeyboardButton.CallbackButton[]
}

export type TelegramDriverOptions = {
  mode: TelegramDriverMode
  fake: FakeTelegram
  engine: Engine
  db: Db
  /** The adapter's clock (default: the real one); give the core's when the test fixes the time. */
  clock?: () => Date
  /** Default: silent. */
  logger?: Logger
  /** Passed to the adapter (auto-retry attempts on 429/5xx). */
  maxRetryAttempts?: number
  /** Webhook mode: answer one-message replies inside the webhook response (the adapter default). */
  webhookReply?: boolean
  /** The private chat's id (= the user's id); default: a fresh one per driver. */
  chatId?: number
  /** The webhook secret (webhook mode). */
  secret?: string
  /** How long to wait for one update to be handled (polling mode); default 10 s. */
  timeoutMs?: number
  /** Webhook mode: throw when the webhook answers anything but 200 (default true). */
  failOnWebhookError?: boolean
}

export type TelegramDriver = ChatDriver & {
  readonly mode: TelegramDriverMode
  readonly chatId: number
  readonly user: TelegramUser
  readonly chat: TelegramChat
  /** The adapter under test. */
  readonly telegram: TelegramBot
  /** The Hono app; POST /telegram/webhook is mounted in webhook mode only. */
  readonly app: Hono
  readonly secret: string
  /** Webhook mode: the status of the last delivered update's webhook request. */
  readonly lastWebhookStatus: number | undefined
  /** Delivers any update (webhook or polling), waits until it was handled, returns the replies to its chat. */
  sendUpdate(update: RawUpdate): Promise<SeenReply[]>
  /** A realistic private-chat text message update (bot_command entity when it starts with '/'). */
  messageUpdate(text: string, over?: { chat?: TelegramChat; from?: TelegramUser; updateId?: number }): RawUpdate
  /** A message update with any content instead of text (sticker, photo, voice…). */
  contentUpdate(content: Record<string, unknown>, over?: { chat?: TelegramChat; from?: TelegramUser }): RawUpdate
  /** A callback_query update for a button of `message` (default: the last message with a keyboard). */
  callbackUpdate(data: string, message?: BotMessage): RawUpdate
  /** Taps the button labelled `label` on a given (possibly old) bot message. */
  tapOn(message: BotMessage, label: string): Promise<SeenReply[]>
  /** Every message the bot sent to this chat so far, oldest first. */
  messages(): BotMessage[]
  /** Raw webhook request (any body and headers), for the webhook's own checks. */
  post(body: string, headers?: Record<string, string>): Promise<Response>
  /** Stops polling (if running). Idempotent; does not close the fake or the database. */
  stop(): Promise<void>
}

let chatCounter = 0
/** A chat id no other driver in this process uses. */
export function freshChatId(): number {
  chatCounter += 1
  return 700_000_000 + (process.pid % 1000) * 10_000 + chatCounter
}

/** Telegram HTML as the core wrote it: bold back to `*x*`, other tags dropped, entities unescaped. */
export function fromHtml(html: string): string {
  return html
    .replace(/<b>([\s\S]*?)<\/b>/g, '*$1*')
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

const now = () => Math.floor(Date.now() / 1000)

/** The chat id an update belongs to (for collecting its replies). */
function chatIdOf(update: RawUpdate): number | undefined {
  const pick = (value: unknown): number | undefined => {
    const chat = (value as { chat?: { id?: unknown } } | undefined)?.chat
    return typeof chat?.id === 'number' ? chat.id : undefined
  }
  const callback = update.callback_query as { message?: unknown } | undefined
  return pick(update.message) ?? pick(update.edited_message) ?? pick(callback?.message) ?? pick(update.my_chat_member)
}

export async function telegramDriver(options: TelegramDriverOptions): Promise<TelegramDriver> {
  const { fake, mode } = options
  const logger = options.logger ?? pino({ level: 'silent' })
  const clock = options.clock ?? (() => new Date())
  const secret = options.secret ?? 'test-webhook-secret'
  const timeoutMs = options.timeoutMs ?? 10_000
  const chatId = options.chatId ?? freshChatId()
  const user: TelegramUser = { id: chatId, is_bot: false, first_name: 'Sari', last_name: 'Uji', language_code: 'id' }
  const chat: TelegramChat = { id: chatId, type: 'private', first_name: 'Sari' }
  const botUser = { id: fake.botInfo.id, is_bot: true, first_name: fake.botInfo.first_name, username: fake.botInfo.username }

  const telegram = createTelegramBot({
    token: fake.token,
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo,
    engine: options.engine,
    // Test cores run on the default reminder settings.
    blocking: createChatBlocking({ db: options.db, reminders: DEFAULT_REMINDER_SETTINGS }),
    clock,
    logger,
    ...(options.maxRetryAttempts !== undefined && { maxRetryAttempts: options.maxRetryAttempts }),
    ...(options.webhookReply !== undefined && { webhookReply: options.webhookReply }),
  })
  const app = createWebApp({
    version: 'test',
    logger,
    clock,
    channels: () => ({ telegram: 'on' }),
    checkDatabase: () => undefined,
    // grammY refuses bot.start() once a webhook callback exists, so only webhook mode mounts it.
    ...(mode === 'webhook' && { telegramWebhook: createTelegramWebhook(telegram, secret) }),
  })

  let polling: Promise<void> | undefined
  if (mode === 'polling') {
    let started!: () => void
    const onStart = new Promise<void>((resolve) => {
      started = resolve
    })
    polling = telegram.bot.start({ allowed_updates: [...ALLOWED_UPDATES], onStart: () => started() })
    // If start() fails before onStart, surface it instead of hanging.
    await Promise.race([onStart, polling.then(() => Promise.reject(new Error('polling ended before it started')))])
    await fake.waitFor((calls) => calls.some((c) => c.method === 'getUpdates'), timeoutMs)
  }

  let userMessageId = 1_000
  let lastWebhookStatus: number | undefined
  let callbackCounter = 0

  /** Successful sendMessage/sendDocument calls to the chat, with the fake's message ids. */
  function botMessagesOf(id: number): (BotMessage & { call: RecordedCall })[] {
    const sent = fake.sent(id)
    return sent.flatMap((call, index) => {
      if (call.method !== 'sendMessage') return []
      const html = String(call.payload.text ?? '')
      const markup = call.payload.reply_markup as InlineKeyboardMarkup | undefined
      const buttons = (markup?.inline_keyboard ?? [])
        .flat()
        .filter((b): b is InlineKeyboardButton.CallbackButton => 'callback_data' in b)
      return [{ messageId: index + 1, html, text: fromHtml(html), buttons, call }]
    })
  }

  const seen = (message: BotMessage): SeenReply => ({ text: message.text, options: message.buttons.map((b) => b.text) })

  async function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
    return app.request('/telegram/webhook', { method: 'POST', headers, body })
  }

  /** A call answered inside the webhook response is carried out by Telegram: do the same on the fake. */
  async function forwardWebhookReply(response: Response): Promise<void> {
    const body = await response.text()
    if (!body.startsWith('{')) return
    const { method, ...payload } = JSON.parse(body) as { method?: string }
    if (!method) return
    await fetch(`${fake.apiRoot}/bot${fake.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    })
  }

  async function deliver(update: RawUpdate): Promise<void> {
    if (mode === 'webhook') {
      const response = await post(JSON.stringify(update), {
        'content-type': 'application/json',
        'X-Telegram-Bot-Api-Secret-Token': secret,
      })
      lastWebhookStatus = response.status
      if (response.status !== 200 && options.failOnWebhookError !== false) {
        throw new Error(`webhook answered ${response.status}: ${await response.text()}`)
      }
      await forwardWebhookReply(response)
      return
    }
    fake.pushUpdate(update)
    const id = update.update_id
    await fake.waitFor((calls) => calls.some((c) => c.method === 'getUpdates' && Number(c.payload.offset) > id), timeoutMs)
  }

  async function sendUpdate(update: RawUpdate): Promise<SeenReply[]> {
    const target = chatIdOf(update) ?? chatId
    const before = new Set(botMessagesOf(target).map((m) => m.call))
    await deliver(update)
    return botMessagesOf(target)
      .filter((m) => !before.has(m.call))
      .map(seen)
  }

  function messageUpdate(text: string, over: { chat?: TelegramChat; from?: TelegramUser; updateId?: number } = {}): RawUpdate {
    userMessageId += 1
    const command = /^\/\S+/.exec(text)
    return {
      update_id: over.updateId ?? fake.nextUpdateId(),
      message: {
        message_id: userMessageId,
        from: over.from ?? user,
        chat: over.chat ?? chat,
        date: now(),
        text,
        ...(command && { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }),
      },
    }
  }

  function contentUpdate(content: Record<string, unknown>, over: { chat?: TelegramChat; from?: TelegramUser } = {}): RawUpdate {
    userMessageId += 1
    return {
      update_id: fake.nextUpdateId(),
      message: { message_id: userMessageId, from: over.from ?? user, chat: over.chat ?? chat, date: now(), ...content },
    }
  }

  function lastWithKeyboard(): BotMessage {
    const found = [...botMessagesOf(chatId)].reverse().find((m) => m.buttons.length > 0)
    if (!found) throw new Error('no message with a keyboard was sent to this chat')
    return found
  }

  function callbackUpdate(data: string, message: BotMessage = lastWithKeyboard()): RawUpdate {
    callbackCounter += 1
    return {
      update_id: fake.nextUpdateId(),
      callback_query: {
        id: `${chatId}${callbackCounter}`,
        from: user,
        message: { message_id: message.messageId, from: botUser, chat, date: now(), text: message.text },
        chat_instance: `ci-${chatId}`,
        data,
      },
    }
  }

  async function tapOn(message: BotMessage, label: string): Promise<SeenReply[]> {
    const button = message.buttons.find((b) => b.text === label)
    if (!button) {
      throw new Error(
        `no button "${label}" on message ${message.messageId}; buttons: ${message.buttons.map((b) => b.text).join(', ')}`,
      )
    }
    return sendUpdate(callbackUpdate(button.callback_data, message))
  }

  return {
    db: options.db,
    mode,
    chatId,
    user,
    chat,
    telegram,
    app,
    secret,
    get lastWebhookStatus() {
      return lastWebhookStatus
    },
    send: (text) => sendUpdate(messageUpdate(text)),
    tap: async (label) => tapOn(lastWithKeyboard(), label),
    async deliver(at) {
      const before = new Set(botMessagesOf(chatId).map((m) => m.call))
      await runOutbox(options.db, 'telegram', telegram.sendTo, at)
      return botMessagesOf(chatId)
        .filter((m) => !before.has(m.call))
        .map(seen)
    },
    tapOn,
    sendUpdate,
    messageUpdate,
    contentUpdate,
    callbackUpdate,
    messages: () => botMessagesOf(chatId).map(({ call: _call, ...message }) => message),
    post,
    async stop() {
      if (!polling) return
      if (telegram.bot.isRunning()) await telegram.bot.stop()
      await polling.catch(() => undefined)
      polling = undefined
    },
  }
}
