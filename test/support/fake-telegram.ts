/**
 * A local, offline fake of the Telegram Bot API for tests of grammY bots.
 *
 * grammY's client calls `POST {apiRoot}/bot{token}/{method}` with a JSON body, or with
 * multipart/form-data when the payload holds an `InputFile` (the file part is named by a random
 * id and referenced from the payload as `attach://<id>`). This fake answers those requests on
 * 127.0.0.1 (random port), records every call, can be told to fail the next calls of a method,
 * and serves queued updates through `getUpdates` (long polling).
 *
 *   const fake = await startFakeTelegram()
 *   const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo })
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import type { UserFromGetMe } from 'grammy/types'

export type RecordedCall = {
  method: string
  payload: Record<string, unknown>
  file?: { field: string; filename: string; bytes: Buffer }
  at: number
  /** The caller's label when it used `apiRoot/via-<label>` as its API root (several processes on one fake). */
  via?: string
  /** When the answer went back (later than `at` when `delayNext` held it). */
  answeredAt?: number
  /** Set when the call was answered with an error (queued by `failNext`, or a 400 for a bad payload). */
  failure?: Failure
}

export type Failure = { error_code: number; description: string; parameters?: { retry_after?: number } }

export interface FakeTelegram extends StaffGroupFake {
  /** Default '123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123'. */
  token: string
  /** 'http://127.0.0.1:<port>': give it to grammY as `client.apiRoot`. */
  apiRoot: string
  /** What getMe answers; pass it to `new Bot(..., { botInfo })` to skip the getMe call. */
  botInfo: UserFromGetMe
  /** Every call with the right token, in arrival order (all methods, failed ones included). */
  calls: RecordedCall[]
  /** Successful sendMessage + sendDocument calls, optionally only those for one chat. */
  sent(chatId?: number | string): RecordedCall[]
  /** The next `times` (default 1) calls of `method` answer `{ ok: false, ...failure }` with HTTP status error_code. */
  failNext(method: string, failure: Failure, times?: number): void
  /** The next call of `method` is answered `ms` later than at once (a slow Bot API). */
  delayNext(method: string, ms: number): void
  /** Resolves once `predicate(calls)` is true; rejects after `ms` (default 3000) listing the recorded methods. */
  waitFor(predicate: (calls: RecordedCall[]) => boolean, ms?: number): Promise<void>
  /** Queues an update for getUpdates; assigns an increasing update_id when missing. */
  pushUpdate(update: object): void
  /** Allocates the next update_id (later pushes without an id get higher ones). */
  nextUpdateId(): number
  /** Clears calls, queued failures and queued updates. */
  reset(): void
  /** Ends in-flight long polls (with []) and stops the server. Idempotent. */
  close(): Promise<void>

  // ---- files a user sent (getFile + downloads) ----
  /**
   * Makes a file users can send: getFile answers its path (and `file_size` unless `declareSize` is
   * false), `GET {apiRoot}/file/bot<token>/<path>` serves its bytes. Returns its file_id.
   */
  addFile(bytes: Buffer, options?: { declareSize?: boolean }): string
  /** The file_ids whose bytes were downloaded (requested from /file/bot…), in order. */
  downloads: string[]
}

/** A message a group member writes (see `groupMessage`). */
export type GroupMessageInput = {
  chatId: number | string
  /** The author; omit for a message without one. `is_bot` defaults to false. */
  from?: { id: number; first_name: string; is_bot?: boolean; username?: string }
  /** Posted on behalf of a chat (an anonymous admin: the group itself; a linked channel). */
  senderChat?: { id: number; type: string; title?: string }
  text?: string
  /** The forum topic it is written in. */
  threadId?: number
  /** The message it replies to (a stored one is copied whole, as Telegram does). */
  replyTo?: number
  /** Any other fields of the Message (photo, document, forum_topic_created, new_chat_members, …). */
  extra?: Record<string, unknown>
}

/** What the fake offers for staff groups: forum topics, members, photos, and messages from members. */
export interface StaffGroupFake {
  /** How getChat describes a group: `is_forum` turns topics on (createForumTopic answers 400 without). */
  setChat(chatId: number | string, settings: { is_forum?: boolean; title?: string }): void
  /** What getChatMember answers for a user of a chat (default: the bot is an administrator with every right). */
  setMember(chatId: number | string, userId: number, member: Record<string, unknown>): void
  /** A forum topic's state, by its message_thread_id. */
  topic(chatId: number | string, threadId: number): { name: string; closed: boolean; deleted: boolean } | undefined
  topicsOf(chatId: number | string): { threadId: number; name: string; closed: boolean; deleted: boolean }[]
  /** Successful sendMessage/sendPhoto/sendDocument calls to a chat; `threadId` a topic, null: outside any topic. */
  posts(chatId: number | string, threadId?: number | null): RecordedCall[]
  /** A message as it stands now (sent, edited; undefined once deleted). */
  message(chatId: number | string, messageId: number): Record<string, unknown> | undefined
  /** An update with a message written by a member (in a topic, as a reply, …); give it to `bot.handleUpdate` or `pushUpdate`. */
  groupMessage(input: GroupMessageInput): { update_id: number; message: Record<string, unknown> }
}

const POST_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument'])

export const FAKE_TELEGRAM_TOKEN = '123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123'

type Payload = Record<string, unknown>
type UploadedFile = NonNullable<RecordedCall['file']>
type QueuedUpdate = Record<string, unknown> & { update_id: number }

/** Thrown by method handlers to answer with `{ ok: false }`. */
class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(description)
  }
}

const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`)

const SEND_METHODS = new Set(['sendmessage', 'senddocument'])

/** Form fields that are free text: never coerced to numbers, booleans or JSON. */
const TEXT_FIELDS = new Set([
  'text',
  'caption',
  'title',
  'description',
  'short_description',
  'name',
  'parse_mode',
  'url',
  'secret_token',
  'callback_query_id',
  'inline_message_id',
  'business_connection_id',
  'language_code',
  'question',
  'explanation',
])

export async function startFakeTelegram(options: { token?: string; botUsername?: string } = {}): Promise<FakeTelegram> {
  const token = options.token ?? FAKE_TELEGRAM_TOKEN
  const botId = Number(token.split(':')[0]) || 123456
  const botInfo: UserFromGetMe = {
    id: botId,
    is_bot: true,
    first_name: 'Kesos Test',
    username: options.botUsername ?? 'kesos_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  }
  const botUser = { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username }

  const calls: RecordedCall[] = []
  const failures = new Map<string, { failure: Failure; remaining: number }[]>()
  const delays = new Map<string, number[]>()
  let queue: QueuedUpdate[] = []
  let updateCounter = 1
  const lastMessageId = new Map<string, number>()
  const messages = new Map<string, Record<string, unknown>>()
  let commands: unknown[] = []
  let webhook: { url: string; secret_token?: string; allowed_updates?: unknown } = { url: '' }
  let fileCounter = 0

  type Poller = { check(): void; finish(result: QueuedUpdate[]): Promise<void> }
  const pollers = new Set<Poller>()
  let closed = false

  // ---- helpers -------------------------------------------------------------------------------

  const now = () => Math.floor(Date.now() / 1000)

  function chatOf(payload: Payload): Record<string, unknown> {
    const raw = payload.chat_id
    if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty')
    const id = typeof raw === 'number' ? raw : /^-?\d+$/.test(String(raw)) ? Number(raw) : String(raw)
    if (typeof id === 'number' && id < 0) {
      return String(id).startsWith('-100')
        ? { id, type: 'supergroup', title: 'Test Group' }
        : { id, type: 'group', title: 'Test Group' }
    }
    return { id, type: 'private', first_name: 'Test' }
  }

  function newMessage(payload: Payload, body: Record<string, unknown>): Record<string, unknown> {
    const chat = chatOf(payload)
    const key = String(chat.id)
    const messageId = (lastMessageId.get(key) ?? 0) + 1
    lastMessageId.set(key, messageId)
    const message: Record<string, unknown> = { message_id: messageId, from: botUser, chat, date: now(), ...body }
    if (payload.reply_markup !== undefined) message.reply_markup = payload.reply_markup
    threadOf(payload, message)
    messages.set(`${key}:${messageId}`, message)
    return message
  }

  /** editMessage*: true for inline messages, else the (stored or synthesized) edited message. */
  function editMessage(payload: Payload, change: Record<string, unknown>): unknown {
    if (payload.inline_message_id !== undefined) return true
    const chat = chatOf(payload)
    const messageId = Number(payload.message_id)
    if (!Number.isInteger(messageId)) throw badRequest('message identifier is not specified')
    const key = `${chat.id}:${messageId}`
    const previous = messages.get(key) ?? { message_id: messageId, from: botUser, chat, date: now() }
    const edited: Record<string, unknown> = { ...previous, ...change, edit_date: now() }
    if (payload.reply_markup !== undefined) edited.reply_markup = payload.reply_markup
    else delete edited.reply_markup
    messages.set(key, edited)
    return edited
  }

  function takeUpdates(offset: unknown, limit: unknown): QueuedUpdate[] {
    const off = Number(offset)
    const max = Math.min(Math.max(Number(limit) || 100, 1), 100)
    if (Number.isInteger(off) && off < 0) return queue.slice(off).slice(0, max)
    if (Number.isInteger(off) && off > 0) queue = queue.filter((u) => u.update_id >= off)
    return queue.slice(0, max)
  }

  function addUpdate(update: object) {
    const u = { ...update } as Record<string, unknown>
    if (typeof u.update_id !== 'number') u.update_id = updateCounter++
    else updateCounter = Math.max(updateCounter, u.update_id + 1)
    queue.push(u as QueuedUpdate)
    queue.sort((a, b) => a.update_id - b.update_id)
  }

  // ---- methods -------------------------------------------------------------------------------

  const handlers: Record<string, (payload: Payload, file: UploadedFile | undefined) => unknown> = {
    getMe: () => botInfo,
    sendMessage: (p) => {
      const text = p.text === undefined || p.text === null ? '' : String(p.text)
      chatOf(p)
      if (text.trim() === '') throw badRequest('message text is empty')
      if (text.length > 4096) throw badRequest('message is too long')
      return newMessage(p, { text })
    },
    editMessageText: (p) => {
      const text = p.text === undefined || p.text === null ? '' : String(p.text)
      if (text.trim() === '') throw badRequest('message text is empty')
      if (text.length > 4096) throw badRequest('MESSAGE_TOO_LONG')
      return editMessage(p, { text })
    },
    editMessageReplyMarkup: (p) => editMessage(p, {}),
    deleteMessage: () => true,
    answerCallbackQuery: () => true,
    sendChatAction: () => true,
    setMyCommands: (p) => {
      commands = Array.isArray(p.commands) ? p.commands : []
      return true
    },
    getMyCommands: () => commands,
    deleteMyCommands: () => {
      commands = []
      return true
    },
    sendDocument: (p, file) => {
      chatOf(p)
      const doc = p.document
      if (doc === undefined || doc === null || doc === '') throw badRequest('there is no document in the request')
      const caption = p.caption === undefined || p.caption === null ? undefined : String(p.caption)
      if (caption !== undefined && caption.length > 1024) throw badRequest('message caption is too long')
      fileCounter += 1
      const fileName = file?.filename ?? (String(doc).split(/[/?#]/).filter(Boolean).pop() || 'document')
      const document: Record<string, unknown> = {
        file_name: fileName,
        file_id: `FAKEDOC${fileCounter}`,
        file_unique_id: `fakedoc${fileCounter}`,
        mime_type: 'application/octet-stream',
      }
      if (file) document.file_size = file.bytes.length
      return newMessage(p, caption === undefined ? { document } : { document, caption })
    },
    setWebhook: (p) => {
      webhook = { url: p.url === undefined || p.url === null ? '' : String(p.url) }
      if (p.secret_token !== undefined) webhook.secret_token = String(p.secret_token)
      if (p.allowed_updates !== undefined) webhook.allowed_updates = p.allowed_updates
      if (p.drop_pending_updates === true) queue = []
      return true
    },
    deleteWebhook: (p) => {
      webhook = { url: '' }
      if (p.drop_pending_updates === true) queue = []
      return true
    },
    getWebhookInfo: () => ({
      url: webhook.url,
      has_custom_certificate: false,
      pending_update_count: 0,
      ...(webhook.allowed_updates !== undefined ? { allowed_updates: webhook.allowed_updates } : {}),
    }),
  }
  // ---- files a user sent (getFile + downloads) ---------------------------------------------

  const files = new Map<string, { bytes: Buffer; path: string; declareSize: boolean }>()
  const downloads: string[] = []

  handlers.getFile = (p) => {
    const fileId = String(p.file_id ?? '')
    const file = files.get(fileId)
    if (!file) throw badRequest('invalid file_id')
    return {
      file_id: fileId,
      file_unique_id: `u${fileId}`,
      ...(file.declareSize && { file_size: file.bytes.length }),
      file_path: file.path,
    }
  }

  function addFile(bytes: Buffer, options: { declareSize?: boolean } = {}): string {
    fileCounter += 1
    const fileId = `FAKEFILE${fileCounter}`
    files.set(fileId, { bytes, path: `documents/file_${fileCounter}`, declareSize: options.declareSize ?? true })
    return fileId
  }

  /** GET /file/bot<token>/<path>: the bytes, written in 64 KB pieces as the client takes them. */
  function serveFile(res: ServerResponse, pathname: string): void {
    const match = /^\/file\/bot([^/]+)\/(.+)$/.exec(pathname)
    if (match?.[1] !== token) {
      res.writeHead(match ? 401 : 404).end()
      return
    }
    const found = [...files].find(([, file]) => file.path === match[2])
    if (!found) {
      res.writeHead(404).end()
      return
    }
    const [fileId, file] = found
    downloads.push(fileId)
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length })
    Readable.from(chunksOf(file.bytes, 64 * 1024)).pipe(res)
  }

  // ---- staff groups (forum topics, members, photos, injected group messages) ------------------
  // Chats answer getChat with the `is_forum` they were given (setChat); createForumTopic works only
  // in a forum. The bot is an administrator with every right unless setMember says otherwise.
  const chatSettings = new Map<string, { is_forum: boolean; title: string }>()
  const members = new Map<string, Record<string, unknown>>()
  const topics = new Map<string, { name: string; closed: boolean; deleted: boolean; creation: Record<string, unknown> }>()
  const chatIdOf = (payload: Payload) => String(chatOf(payload).id)
  const topicKey = (chatId: number | string, threadId: unknown) => `${chatId}:${Number(threadId)}`

  /** A message sent into a topic carries its thread, as Telegram's do. */
  function threadOf(payload: Payload, message: Record<string, unknown>) {
    if (payload.message_thread_id === undefined) return
    const topic = topics.get(topicKey(String((message.chat as { id: number }).id), payload.message_thread_id))
    if (!topic || topic.deleted) throw badRequest('message thread not found')
    message.message_thread_id = Number(payload.message_thread_id)
    message.is_topic_message = true
  }

  function topicOf(payload: Payload) {
    const topic = topics.get(topicKey(chatIdOf(payload), payload.message_thread_id))
    if (!topic || topic.deleted) throw badRequest('TOPIC_ID_INVALID')
    return topic
  }

  const botAdmin = {
    status: 'administrator',
    user: botUser,
    can_be_edited: false,
    is_anonymous: false,
    can_manage_chat: true,
    can_delete_messages: true,
    can_manage_video_chats: true,
    can_restrict_members: true,
    can_promote_members: false,
    can_change_info: true,
    can_invite_users: true,
    can_post_stories: false,
    can_edit_stories: false,
    can_delete_stories: false,
    can_pin_messages: true,
    can_manage_topics: true,
  }

  Object.assign(handlers, {
    getChat: (p: Payload) => {
      const chat = chatOf(p)
      const settings = chatSettings.get(String(chat.id))
      if (chat.type === 'private') return { ...chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: {} }
      return {
        ...chat,
        title: settings?.title ?? chat.title,
        ...(settings?.is_forum && { is_forum: true }),
        accent_color_id: 0,
        max_reaction_count: 11,
        accepted_gift_types: {},
      }
    },
    getChatMember: (p: Payload) => {
      const key = `${chatIdOf(p)}:${Number(p.user_id)}`
      const member = members.get(key)
      if (member) return member
      if (Number(p.user_id) === botInfo.id) return botAdmin
      return { status: 'member', user: { id: Number(p.user_id), is_bot: false, first_name: 'Member' } }
    },
    createForumTopic: (p: Payload) => {
      const chatId = chatIdOf(p)
      if (!chatSettings.get(chatId)?.is_forum) throw badRequest('the chat is not a forum')
      const name = String(p.name ?? '')
      if (name.length < 1 || name.length > 128) throw badRequest('TOPIC_NAME_INVALID')
      // The topic's id is the id of its "topic created" service message, as in Telegram.
      const creation = newMessage(p, { forum_topic_created: { name, icon_color: 7322096 }, is_topic_message: true })
      creation.message_thread_id = creation.message_id
      const threadId = Number(creation.message_id)
      topics.set(topicKey(chatId, threadId), { name, closed: false, deleted: false, creation })
      return { message_thread_id: threadId, name, icon_color: 7322096 }
    },
    closeForumTopic: (p: Payload) => {
      const topic = topicOf(p)
      if (topic.closed) throw badRequest('TOPIC_NOT_MODIFIED')
      topic.closed = true
      return true
    },
    deleteForumTopic: (p: Payload) => {
      topicOf(p).deleted = true
      return true
    },
    deleteMessage: (p: Payload) => {
      const key = `${chatIdOf(p)}:${Number(p.message_id)}`
      if (!messages.has(key)) throw badRequest('message to delete not found')
      messages.delete(key)
      return true
    },
    sendPhoto: (p: Payload, file: UploadedFile | undefined) => {
      chatOf(p)
      if (p.photo === undefined || p.photo === null || p.photo === '') throw badRequest('there is no photo in the request')
      fileCounter += 1
      const photo = [{ file_id: `FAKEPHOTO${fileCounter}`, file_unique_id: `fakephoto${fileCounter}`, width: 800, height: 600 }]
      if (file) Object.assign(photo[0] ?? {}, { file_size: file.bytes.length })
      const caption = p.caption === undefined || p.caption === null ? undefined : String(p.caption)
      return newMessage(p, caption === undefined ? { photo } : { photo, caption })
    },
  })

  /** A message a member writes in a group: stored, so replies to it and its deletion work. */
  function groupMessage(input: GroupMessageInput): { update_id: number; message: Record<string, unknown> } {
    const chatId = Number(input.chatId)
    const key = String(chatId)
    const messageId = (lastMessageId.get(key) ?? 0) + 1
    lastMessageId.set(key, messageId)
    const forum = chatSettings.get(key)?.is_forum === true
    const chat = {
      id: chatId,
      type: 'supergroup',
      title: chatSettings.get(key)?.title ?? 'Test Group',
      ...(forum && { is_forum: true }),
    }
    const message: Record<string, unknown> = { message_id: messageId, chat, date: now(), ...input.extra }
    if (input.from) message.from = { is_bot: false, ...input.from }
    if (input.senderChat) message.sender_chat = input.senderChat
    if (input.text !== undefined) message.text = input.text
    if (input.text?.startsWith('/')) {
      message.entities = [{ type: 'bot_command', offset: 0, length: input.text.split(/\s/)[0]?.length ?? 1 }]
    }
    if (input.threadId !== undefined) {
      const topic = topics.get(topicKey(key, input.threadId))
      message.message_thread_id = input.threadId
      message.is_topic_message = true
      // In a topic, a message that replies to nothing replies to the topic's creation.
      if (input.replyTo === undefined && topic) message.reply_to_message = topic.creation
    }
    if (input.replyTo !== undefined) {
      message.reply_to_message = messages.get(`${key}:${input.replyTo}`) ?? { message_id: input.replyTo, chat, date: now() }
    }
    messages.set(`${key}:${messageId}`, message)
    return { update_id: updateCounter++, message }
  }

  const staffGroupFake: StaffGroupFake = {
    setChat(chatId, settings) {
      chatSettings.set(String(chatId), { is_forum: settings.is_forum ?? false, title: settings.title ?? 'Test Group' })
    },
    setMember(chatId, userId, member) {
      members.set(`${chatId}:${userId}`, member)
    },
    topic(chatId, threadId) {
      const topic = topics.get(topicKey(chatId, threadId))
      return topic && { name: topic.name, closed: topic.closed, deleted: topic.deleted }
    },
    topicsOf(chatId) {
      return [...topics.entries()]
        .filter(([key]) => key.startsWith(`${chatId}:`))
        .map(([key, topic]) => ({
          threadId: Number(key.split(':').pop()),
          name: topic.name,
          closed: topic.closed,
          deleted: topic.deleted,
        }))
    },
    posts(chatId, threadId) {
      return calls.filter(
        (c) =>
          POST_METHODS.has(c.method) &&
          c.failure === undefined &&
          String(c.payload.chat_id) === String(chatId) &&
          (threadId === undefined ||
            (threadId === null ? c.payload.message_thread_id === undefined : Number(c.payload.message_thread_id) === threadId)),
      )
    },
    message(chatId, messageId) {
      return messages.get(`${chatId}:${messageId}`)
    },
    groupMessage,
  }
  // ---- end of staff groups ------------------------------------------------------------------

  const methodNames = new Map(Object.keys(handlers).map((m) => [m.toLowerCase(), m]))
  methodNames.set('getupdates', 'getUpdates')

  // ---- HTTP ----------------------------------------------------------------------------------

  function reply(res: ServerResponse, status: number, body: unknown): Promise<void> {
    if (res.writableEnded || res.destroyed) return Promise.resolve()
    const json = JSON.stringify(body)
    return new Promise((resolve) => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
      res.end(json, () => resolve())
      res.once('close', () => resolve())
    })
  }

  function fail(res: ServerResponse, failure: Failure) {
    const status = failure.error_code >= 400 && failure.error_code <= 599 ? failure.error_code : 400
    return reply(res, status, { ok: false, ...failure })
  }

  function takeFailure(method: string): Failure | undefined {
    const list = failures.get(method.toLowerCase())
    const head = list?.[0]
    if (!list || !head) return undefined
    head.remaining -= 1
    if (head.remaining <= 0) list.shift()
    if (list.length === 0) failures.delete(method.toLowerCase())
    return { ...head.failure }
  }

  function longPoll(res: ServerResponse, payload: Payload) {
    const ready = takeUpdates(payload.offset, payload.limit)
    const timeout = Number(payload.timeout) || 0
    const waitMs = Math.min(Math.max(timeout, 0), 1) * 1000
    if (ready.length > 0 || waitMs <= 0 || closed) {
      void reply(res, 200, { ok: true, result: ready })
      return
    }
    let done = false
    const poller: Poller = {
      check() {
        const updates = takeUpdates(payload.offset, payload.limit)
        if (updates.length > 0) void poller.finish(updates)
      },
      finish(result) {
        if (done) return Promise.resolve()
        done = true
        clearTimeout(timer)
        pollers.delete(poller)
        return reply(res, 200, { ok: true, result })
      },
    }
    const timer = setTimeout(() => void poller.finish([]), waitMs)
    pollers.add(poller)
    // The client gave up (grammY aborts its poll on bot.stop()): forget the poller.
    res.once('close', () => {
      if (done) return
      done = true
      clearTimeout(timer)
      pollers.delete(poller)
    })
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname.startsWith('/file/')) return serveFile(res, url.pathname)
    const match = /^(?:\/via-([a-z0-9]+))?\/bot([^/]+)\/(?:test\/)?([^/]+)\/?$/.exec(url.pathname)
    const body = await readBody(req)
    if (!match) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' })
    if (decodeURIComponent(match[2] ?? '') !== token) {
      return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' })
    }
    const via = match[1]
    const requested = decodeURIComponent(match[3] ?? '')
    const method = methodNames.get(requested.toLowerCase()) ?? requested

    let parsed: { payload: Payload; file?: UploadedFile }
    try {
      parsed = parseRequest(req.headers['content-type'] ?? '', body, url.searchParams)
    } catch {
      const call: RecordedCall = { method, payload: {}, at: Date.now() }
      calls.push(call)
      call.failure = { error_code: 400, description: "Bad Request: can't parse request" }
      return fail(res, call.failure)
    }
    const call: RecordedCall = { method, payload: parsed.payload, at: Date.now() }
    if (via) call.via = via
    if (parsed.file) call.file = parsed.file
    calls.push(call)

    const isKnown = method === 'getUpdates' || Object.hasOwn(handlers, method)
    if (!isKnown) {
      call.failure = { error_code: 404, description: 'Not Found: method not found' }
      return fail(res, call.failure)
    }
    const failure = takeFailure(method)
    if (failure) {
      call.failure = failure
      return fail(res, failure)
    }
    if (method === 'getUpdates') return longPoll(res, parsed.payload)
    const delay = delays.get(method.toLowerCase())?.shift()
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay))
    try {
      const result = handlers[method]?.(parsed.payload, parsed.file)
      call.answeredAt = Date.now()
      return await reply(res, 200, { ok: true, result })
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      call.failure = { error_code: error.errorCode, description: error.description }
      return fail(res, call.failure)
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      void reply(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  let closing: Promise<void> | undefined

  return {
    ...staffGroupFake,
    token,
    apiRoot: `http://127.0.0.1:${port}`,
    botInfo,
    calls,
    sent(chatId) {
      return calls.filter(
        (c) =>
          SEND_METHODS.has(c.method.toLowerCase()) &&
          c.failure === undefined &&
          (chatId === undefined || String(c.payload.chat_id) === String(chatId)),
      )
    },
    failNext(method, failure, times = 1) {
      if (times <= 0) return
      const key = method.toLowerCase()
      const list = failures.get(key) ?? []
      list.push({ failure: { ...failure }, remaining: times })
      failures.set(key, list)
    },
    delayNext(method, ms) {
      const key = method.toLowerCase()
      delays.set(key, [...(delays.get(key) ?? []), ms])
    },
    waitFor(predicate, ms = 3000) {
      return new Promise<void>((resolve, reject) => {
        const started = Date.now()
        let lastError: unknown
        const tick = () => {
          try {
            if (predicate(calls)) return resolve()
          } catch (error) {
            lastError = error
          }
          if (Date.now() - started >= ms) {
            const why = lastError === undefined ? '' : ` (last predicate error: ${String(lastError)})`
            return reject(new Error(`fake-telegram waitFor timed out after ${ms}ms${why}; recorded calls: ${summarize(calls)}`))
          }
          setTimeout(tick, 10)
        }
        tick()
      })
    },
    pushUpdate(update) {
      addUpdate(update)
      for (const poller of [...pollers]) poller.check()
    },
    nextUpdateId() {
      return updateCounter++
    },
    addFile,
    downloads,
    reset() {
      calls.length = 0
      failures.clear()
      delays.clear()
      queue = []
    },
    close() {
      closing ??= (async () => {
        closed = true
        // Answer in-flight long polls with [] and let those responses flush before dropping sockets.
        const flushing = [...pollers].map((p) => p.finish([]))
        await Promise.race([Promise.all(flushing), new Promise((r) => setTimeout(r, 200))])
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        })
      })()
      return closing
    },
  }
}

/** "deleteWebhook, getUpdates ×3, sendMessage" (consecutive repeats collapsed). */
function summarize(calls: RecordedCall[]): string {
  if (calls.length === 0) return '(none)'
  const parts: string[] = []
  let previous = ''
  let count = 0
  const flush = () => {
    if (count > 0) parts.push(count > 1 ? `${previous} ×${count}` : previous)
  }
  for (const call of calls) {
    const label = call.failure ? `${call.method}!${call.failure.error_code}` : call.method
    if (label === previous) count += 1
    else {
      flush()
      previous = label
      count = 1
    }
  }
  flush()
  return parts.join(', ')
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks)
}

function parseRequest(contentType: string, body: Buffer, query: URLSearchParams): { payload: Payload; file?: UploadedFile } {
  const payload: Payload = {}
  for (const [k, v] of query) payload[k] = coerce(k, v)
  const type = contentType.toLowerCase()
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
    const b = boundary?.[1] ?? boundary?.[2]
    if (!b) throw new Error('multipart without boundary')
    const multipart = parseMultipart(body, b)
    Object.assign(payload, multipart.payload)
    return multipart.file ? { payload, file: multipart.file } : { payload }
  }
  if (body.length === 0) return { payload }
  const text = body.toString('utf8')
  if (type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(text)) payload[k] = coerce(k, v)
    return { payload }
  }
  if (text.trim() === '') return { payload }
  const json: unknown = JSON.parse(text)
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('JSON body is not an object')
  Object.assign(payload, json)
  return { payload }
}

/** Minimal multipart/form-data parser: text fields become payload entries, the first file part is kept. */
function parseMultipart(body: Buffer, boundary: string): { payload: Payload; file?: UploadedFile } {
  const delimiter = Buffer.from(`--${boundary}`)
  const payload: Payload = {}
  const files: { name: string; filename: string; bytes: Buffer }[] = []
  let pos = body.indexOf(delimiter)
  while (pos !== -1) {
    let start = pos + delimiter.length
    if (body.subarray(start, start + 2).toString() === '--') break // closing delimiter
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2
    const next = body.indexOf(delimiter, start)
    if (next === -1) break
    let end = next
    if (body.subarray(end - 2, end).toString() === '\r\n') end -= 2
    const part = body.subarray(start, end)
    const headerEnd = part.indexOf('\r\n\r\n')
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8')
      const content = part.subarray(headerEnd + 4)
      const name = /(?:^|[;\s])name="([^"]*)"/i.exec(headers)?.[1] ?? /(?:^|[;\s])name=([^;\r\n]*)/i.exec(headers)?.[1]
      const filenameMatch = /filename=(?:"([^"]*)"|([^;\r\n]*))/i.exec(headers)
      if (name !== undefined) {
        if (filenameMatch) {
          files.push({ name, filename: (filenameMatch[1] ?? filenameMatch[2] ?? '').trim(), bytes: Buffer.from(content) })
        } else {
          payload[name] = coerce(name, content.toString('utf8'))
        }
      }
    }
    pos = next
  }
  const first = files[0]
  if (!first) return { payload }
  // grammY names the file part by a random id and puts `attach://<id>` into the payload field.
  const field = Object.keys(payload).find((k) => payload[k] === `attach://${first.name}`) ?? first.name
  if (payload[field] === undefined) payload[field] = `attach://${first.name}`
  return { payload, file: { field, filename: first.filename, bytes: first.bytes } }
}

/** Form values are strings: turn ids, booleans and JSON objects back into what a JSON body would carry. */
function coerce(key: string, value: string): unknown {
  if (TEXT_FIELDS.has(key)) return value
  if (/^-?\d{1,15}$/.test(value)) return Number(value)
  if (value === 'true') return true
  if (value === 'false') return false
  if (value.startsWith('{') || value.startsWith('[')) {
    try {
      return JSON.parse(value)
    } catch {
      return value
    }
  }
  return value
}

function* chunksOf(bytes: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}
