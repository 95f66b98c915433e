/**
 * The Telegram channel (grammY): turns updates into `Inbound` for the core and renders its
 * replies. It holds no business rule: what to answer is the core's; this file only translates,
 * keeps each chat's updates in order, and deals with Telegram's failures.
 */
import { autoRetry } from '@grammyjs/auto-retry'
import { Bot, type BotError, type Context, GrammyError, InputFile } from 'grammy'
import type { UserFromGetMe } from 'grammy/types'
import type { Logger } from 'pino'
import type { ChatBlocking } from '../../core/chat-blocking.js'
import type { Engine } from '../../core/engine.js'
import { createKeyedQueue } from '../../core/keyed-queue.js'
import { RecipientUnreachable, SendNotStarted } from '../../core/outbox.js'
import { scrubNumbers } from '../../core/privacy/mask.js'
import { unsentNote } from '../../core/render.js'
import type { Attachment, Inbound, Reply } from '../../core/types.js'
import { BOT_COMMANDS, commandInput } from './commands.js'
import { createTelegramMedia, fileOf, type TelegramFile } from './media.js'
import { contactKeyboard, keyboard, splitText, toHtml } from './render.js'
import type { StaffGroup } from './staff-group.js'

/** The update types the bot asks Telegram for (webhook and polling alike). */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const

/** How long an answer may take before the chat shows "typing…". */
const TYPING_AFTER_MS = 400

export type TelegramDeps = {
  token: string
  engine: Engine
  /** What a block or unblock means (the core's rule); this adapter only tells when Telegram says so. */
  blocking: ChatBlocking
  /** The time messages are received and blocks recorded at. */
  clock: () => Date
  logger: Logger
  /** grammY's client apiRoot: a self-hosted Bot API server, or a fake one in tests. */
  apiRoot?: string
  /** Skips the getMe call at start-up (tests). */
  botInfo?: UserFromGetMe
  /** Retries of one call on 429/5xx/network errors before giving up. */
  maxRetryAttempts?: number
  /**
   * Webhook mode: send a one-message answer inside the webhook response (default). Off: every
   * message is its own Bot API call, so a refusal (e.g. 403, blocked) is seen at once.
   */
  webhookReply?: boolean
  /**
   * Whether a private chat's photos and PDF documents are read (it talks to staff): then they are
   * downloaded and given to the core as `media`; otherwise they stay `unsupported`, as any media.
   */
  mediaWanted?: (chatId: string) => boolean | Promise<boolean>
  /** The staff groups' chat ids (STAFF_TELEGRAM_CHATS): their messages go to `staffGroup`, not the pointer. */
  staffGroups?: ReadonlySet<number>
  staffGroup?: StaffGroup
  /**
   * Wraps each chat's turn (an update's handling and its answer), after this process's own queue:
   * with the webhook on several instances, the turns of one chat then never overlap across them
   * (src/db/chat-turns.ts). Default: the turn as is.
   */
  chatTurn?: <T>(key: string, work: () => Promise<T>) => Promise<T>
}

const GROUP_NOTE =
  'Untuk menjaga data pribadi, saya hanya melayani lewat chat pribadi. Silakan kirim pesan langsung ke @{username} ya.'

export function createTelegramBot(deps: TelegramDeps) {
  const { engine, blocking, clock, logger } = deps
  const bot = new Bot(deps.token, {
    client: {
      ...(deps.apiRoot && { apiRoot: deps.apiRoot }),
      // In webhook mode a one-message answer rides back in the webhook's HTTP response instead of
      // a separate call (see send()); polling ignores this.
      canUseWebhookReply: (method) => deps.webhookReply !== false && method === 'sendMessage',
    },
    ...(deps.botInfo && { botInfo: deps.botInfo }),
  })
  // 429 with retry_after, 5xx and network errors are retried; a long wait is not worth it for a chat.
  bot.api.config.use(autoRetry({ maxRetryAttempts: deps.maxRetryAttempts ?? 3, maxDelaySeconds: 60 }))
  const enqueue = createKeyedQueue()
  const readMedia = createTelegramMedia({ api: bot.api, token: deps.token, ...(deps.apiRoot && { apiRoot: deps.apiRoot }) })

  /**
   * Sends an answer. `api` is the update's own (which may answer inside the webhook response); it
   * is used only when the answer is a single message, because Telegram carries out a webhook
   * reply after the response, which would put it behind any message sent the ordinary way.
   */
  async function send(api: Context['api'], chatId: number, replies: Reply[]): Promise<void> {
    const messages = replies.map((reply) => ({ reply, parts: splitText(reply.text) }))
    const single =
      messages.length === 1 &&
      messages[0]?.parts.length === 1 &&
      !messages[0].reply.attachment &&
      !messages[0].reply.requestContact
    const via = single ? api : bot.api
    for (const { reply, parts } of messages) {
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1
        await via.sendMessage(chatId, toHtml(part), {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(last && reply.choices?.length && { reply_markup: keyboard(reply.choices) }),
        })
      }
      if (reply.requestContact) {
        // A message of its own: one message carries one keyboard, and the options above are inline.
        await via.sendMessage(chatId, toHtml(reply.requestContact.prompt), {
          parse_mode: 'HTML',
          reply_markup: contactKeyboard(reply.requestContact.button),
        })
      }
      if (reply.attachment) await sendFile(via, chatId, reply.attachment)
    }
  }

  /**
   * Sends a reply's file after its text. A file refused for good (after auto-retry) does not undo
   * the answer that already went out: the person is told what did not arrive and how to get it
   * again, and the rest of the answer goes on. Only a block (403) stops it, as for any message.
   */
  async function sendFile(via: Context['api'], chatId: number, attachment: Attachment): Promise<void> {
    try {
      await bot.api.sendDocument(chatId, new InputFile(attachment.bytes, attachment.filename))
      return
    } catch (error) {
      if (isBlocked(error)) throw error
      logger.warn(
        { channel: 'telegram', filename: attachment.filename, ...unsentError(error) },
        'file not sent; the person is told',
      )
    }
    // Once only: a note that cannot be sent either is logged, never tried again.
    await via.sendMessage(chatId, toHtml(unsentNote(attachment)), { parse_mode: 'HTML' }).catch((error: unknown) => {
      if (isBlocked(error)) throw error
      logger.warn(
        { channel: 'telegram', filename: attachment.filename, ...unsentError(error) },
        'note of an unsent file not sent',
      )
    })
  }

  /**
   * Hands one update to the core and sends the answer; a chat's updates go strictly in order. A
   * `file` is read in the chat's turn, so a handoff filed by the message before is already known.
   */
  function deliver(
    ctx: Context,
    chatId: number,
    input: Pick<Inbound, 'text' | 'choice' | 'unsupported' | 'contact'>,
    file?: TelegramFile,
  ) {
    const inbound: Inbound = {
      channel: 'telegram',
      chatId: String(chatId),
      userId: String(ctx.from?.id ?? chatId),
      // update_id is unique per bot and the same on every redelivery.
      messageId: String(ctx.update.update_id),
      receivedAt: clock(),
      ...input,
    }
    const turn = deps.chatTurn ?? ((_key, work) => work())
    return enqueue(inbound.chatId, () =>
      turn(`telegram:${inbound.chatId}`, async () => {
        if (file && (await deps.mediaWanted?.(inbound.chatId))) {
          inbound.media = await readMedia(file)
          delete inbound.unsupported
        }
        const typing = setTimeout(() => {
          bot.api.sendChatAction(chatId, 'typing').catch((error) => logger.debug({ err: describe(error) }, 'chat action refused'))
        }, TYPING_AFTER_MS)
        let replies: Reply[]
        try {
          replies = await engine.handle(inbound)
        } finally {
          clearTimeout(typing)
        }
        try {
          await send(ctx.api, chatId, replies)
        } catch (error) {
          if (isBlocked(error)) {
            // Blocked by the user (or removed): remember it, so nothing more goes there.
            await blocking.chatBlocked({ channel: 'telegram', userId: inbound.userId, chatId: inbound.chatId }, clock())
            logger.info({ channel: 'telegram' }, 'chat blocked the bot; marked, nothing more will be sent')
            return
          }
          throw error
        }
      }),
    )
  }

  function isPrivate(ctx: Context): boolean {
    return ctx.chat?.type === 'private'
  }

  /** In a group: answer only commands and mentions, with a pointer to a private chat. */
  async function pointToPrivateChat(ctx: Context): Promise<void> {
    const text = ctx.message?.text ?? ''
    const username = ctx.me.username
    if (!text.startsWith('/') && !text.includes(`@${username}`)) return
    await ctx.reply(GROUP_NOTE.replace('{username}', username))
  }

  // One boundary for everything: logged without personal data; the person gets an apology. It is
  // an error boundary rather than only bot.catch, which grammY does not call for webhook updates.
  async function onError(error: BotError<Context>): Promise<void> {
    logger.error({ err: describe(error.error), updateType: Object.keys(error.ctx.update)[1] }, 'telegram update failed')
    const chatId = error.ctx.chat?.id
    if (chatId === undefined || error.ctx.chat?.type !== 'private') return
    await bot.api
      .sendMessage(chatId, 'Maaf, terjadi gangguan di sistem kami. Silakan coba lagi beberapa saat lagi.')
      .catch(() => undefined)
  }
  bot.catch(onError)
  const safe = bot.errorBoundary(onError)

  safe.on('message', async (ctx) => {
    if (!isPrivate(ctx)) {
      // Any group: how an operator finds the id to put into STAFF_TELEGRAM_CHATS.
      const idgrup = /^\/idgrup(?:@(\w+))?$/i.exec(ctx.message.text?.trim() ?? '')
      if (idgrup && (!idgrup[1] || idgrup[1].toLowerCase() === ctx.me.username.toLowerCase())) {
        return void (await ctx.reply(`ID grup ini: ${ctx.chat.id}`))
      }
      if (deps.staffGroup && deps.staffGroups?.has(ctx.chat.id)) return deps.staffGroup.handle(ctx)
      return pointToPrivateChat(ctx)
    }
    const message = ctx.message
    if (message.contact) {
      // Telegram vouches for the number only when the contact is the sender's own account (the
      // "Bagikan nomor saya" button); a typed or forwarded card is somebody's claim, not proof.
      const { phone_number: phone, user_id: owner } = message.contact
      const own = owner !== undefined && owner === ctx.from?.id && message.forward_origin === undefined
      return deliver(ctx, ctx.chat.id, { contact: { phone: `+${phone.replace(/\D/g, '')}`, own } })
    }
    // A photo or document: read only while the chat talks to staff (see deliver); its caption is text.
    const file = fileOf(message)
    const text = message.text ?? message.caption
    if (text === undefined) return deliver(ctx, ctx.chat.id, { unsupported: true }, file)
    const command = /^\/([a-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/i.exec(text.trim())
    if (command) {
      const mapped = commandInput((command[1] ?? '').toLowerCase(), (command[2] ?? '').trim())
      if (mapped) return deliver(ctx, ctx.chat.id, mapped, file)
    }
    return deliver(ctx, ctx.chat.id, { text }, file)
  })

  safe.on('callback_query:data', async (ctx) => {
    // Answer first, so the button stops spinning whatever happens next.
    await ctx.answerCallbackQuery().catch((error) => logger.debug({ err: describe(error) }, 'callback answer refused'))
    const chat = ctx.callbackQuery.message?.chat
    if (chat?.type !== 'private') return
    return deliver(ctx, chat.id, { choice: ctx.callbackQuery.data })
  })

  // Edited messages are not answered again: the person already got an answer to the original.
  safe.on('edited_message', () => undefined)

  safe.on('my_chat_member', async (ctx) => {
    const update = ctx.myChatMember
    if (update.chat.type !== 'private') return
    const chat = { channel: 'telegram' as const, userId: String(update.from.id), chatId: String(update.chat.id) }
    if (update.new_chat_member.status === 'kicked') await blocking.chatBlocked(chat, clock())
    else await blocking.chatUnblocked(chat, clock())
  })

  return {
    bot,
    /**
     * Sends a message the assistant starts (the outbox), in order with the chat's answers. Resolves
     * once its text went out, even when its file did not (the person got a note instead): sending
     * it again would repeat the text.
     */
    sendTo(chatId: string, replies: Reply[], options: { signal?: AbortSignal } = {}): Promise<void> {
      return enqueue(chatId, async () => {
        // The outbox stopped while this waited behind the chat's earlier messages: nothing sent.
        if (options.signal?.aborted) throw new SendNotStarted()
        try {
          await send(bot.api, Number(chatId), replies)
        } catch (error) {
          if (isBlocked(error)) {
            await blocking.chatBlocked({ channel: 'telegram', userId: chatId, chatId }, clock())
            throw new RecipientUnreachable('blocked')
          }
          throw error
        }
      })
    },
    /** Registers the command list; a refusal is logged, never fatal. */
    async registerCommands(): Promise<void> {
      try {
        await bot.api.setMyCommands(BOT_COMMANDS)
      } catch (error) {
        logger.warn({ err: describe(error) }, 'setMyCommands refused; the bot works without the command list')
      }
    },
  }
}

/** Telegram refused because the person blocked the bot (or the chat is gone for it). */
const isBlocked = (error: unknown) => error instanceof GrammyError && error.error_code === 403

/** Why a file or its note was refused, for the log: the code and the description, digits masked. */
function unsentError(error: unknown): { code?: number; error: string } {
  if (error instanceof GrammyError) return { code: error.error_code, error: scrubNumbers(error.description) }
  return { error: scrubNumbers(error instanceof Error ? error.message : String(error)) }
}

/** What may be logged of an error: never the payload, which holds what people typed. */
export function describe(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError)
    return { name: error.name, method: error.method, code: error.error_code, description: error.description }
  if (error instanceof Error) return { name: error.name, message: error.message }
  return { value: String(error) }
}

export type TelegramBot = ReturnType<typeof createTelegramBot>
