/**
 * The WhatsApp channel (Baileys): turns incoming messages into `Inbound` for the core and sends
 * its replies as numbered text menus (WhatsApp no longer shows buttons or lists to bots). It holds
 * no business rule; it keeps the connection alive, one chat's messages in order, one person under
 * one id whether WhatsApp names them by phone number or by LID, and a careful sending pace.
 */
import { isPnUser, jidNormalizedUser, type WAMessage } from '@whiskeysockets/baileys'
import type { Logger } from 'pino'
import type { Engine } from '../../core/engine.js'
import { createKeyedQueue } from '../../core/keyed-queue.js'
import type { SecretBox } from '../../core/privacy/data-key.js'
import type { Inbound, InboundMedia, Reply } from '../../core/types.js'
import type { Db } from '../../db/client.js'
import { knownAccount, markWrote, resolveAccount } from '../../db/queries/identities.js'
import { getMeta, setMeta } from '../../db/queries/meta.js'
import { recordFailedReply } from '../../db/queries/outbox.js'
import { createAuthStore } from './auth-state.js'
import { type Connection, type ConnectionState, createConnection } from './connection.js'
import type { Backoff } from './connection-policy.js'
import { readMessage } from './inbound.js'
import { baileysDownload, type MediaDownload, readWhatsAppMedia } from './media.js'
import { createSender, type Pace } from './sender.js'
import type { SocketFactory } from './socket.js'

const PAIRED_AT = 'whatsapp_paired_at'

const APOLOGY: Reply = { text: 'Maaf, terjadi gangguan di sistem kami. Silakan coba lagi beberapa saat lagi.' }

export type WhatsAppDeps = {
  db: Db
  /** Seals the session's credentials and keys in the database (the core's `authBox`). */
  authBox: SecretBox
  engine: Engine
  logger: Logger
  factory: SocketFactory
  pace: Pace
  /** Digits with country code: pair by code instead of QR. */
  pairingNumber?: string
  /**
   * Messages WhatsApp delivers late (sent while the assistant was offline) are answered when they
   * are at most this old; older ones would answer a question the person has moved on from.
   */
  replayWindowMs: number
  retry?: { attempts: number; baseDelayMs: number }
  connectWaitMs?: number
  backoff?: Backoff
  random?: () => number
  /** The time messages are received at, and the records and pace are kept by. */
  now: () => Date
  onChange?: (state: ConnectionState) => void
  /**
   * Whether a chat's photos and PDF documents are read (it talks to staff): then they are
   * downloaded and given to the core as `media`; otherwise they stay `unsupported`, as any media.
   */
  mediaWanted?: (chatId: string) => boolean | Promise<boolean>
  /** Downloads a message's media (default: Baileys, through the current socket); tests give bytes. */
  download?: MediaDownload
}

export type WhatsAppChannel = {
  start(): void
  /** Stops receiving, lets answers already being sent finish (up to `graceMs`), then closes. */
  stop(graceMs?: number): Promise<void>
  /** Resolves when every message received so far has been answered (or its answer recorded as failed). */
  drain(): Promise<void>
  state(): ConnectionState
  /**
   * Sends a message the assistant starts (the outbox) to a chat (by the id the core knows it by),
   * in order with the chat's answers; throws if it could not be delivered, so the outbox retries.
   * A file that fails after its text went out does not throw (a retry would repeat the text): the
   * person gets a note instead (see the sender). `signal` (the outbox stopping): a message still
   * waiting, with nothing of it sent, throws `SendNotStarted` and goes back to the outbox.
   */
  send(chatId: string, replies: Reply[], options?: { signal?: AbortSignal }): Promise<void>
  readonly connection: Connection
}

export async function createWhatsAppChannel(deps: WhatsAppDeps): Promise<WhatsAppChannel> {
  const { db, engine, logger, now } = deps
  const enqueue = createKeyedQueue()
  // What decides a message's place in its person's queue (is it a replay to drop, which ids is the
  // person known by) is read from the database, and a read awaits. Those reads run one event after
  // another, in the order WhatsApp delivered them, so a message is queued behind every earlier one of
  // the same person (the handling itself still runs per person, concurrently across people).
  let arrivals: Promise<unknown> = Promise.resolve()
  function inArrivalOrder<T>(step: () => Promise<T>): Promise<T> {
    const next = arrivals.then(step)
    arrivals = next.catch(() => undefined)
    return next
  }
  const auth = await createAuthStore(db, now, deps.authBox)
  const inFlight = new Set<Promise<void>>()
  let accepting = true
  /** Work `drain()` and `stop()` wait for; a failure is logged, never thrown at Baileys. */
  function track(work: Promise<void>): void {
    const safe = work.catch((error: Error) =>
      logger.error({ channel: 'whatsapp', err: { name: error.name } }, 'WhatsApp message not answered'),
    )
    inFlight.add(safe)
    void safe.finally(() => inFlight.delete(safe))
  }

  const connection = createConnection({
    auth,
    factory: deps.factory,
    logger,
    ...(deps.pairingNumber && { pairingNumber: deps.pairingNumber }),
    ...(deps.backoff && { backoff: deps.backoff }),
    ...(deps.random && { random: deps.random }),
    now,
    onPaired: (at) => setMeta(db, PAIRED_AT, at.toISOString(), at),
    ...(deps.onChange && { onChange: deps.onChange }),
    onSocket(socket) {
      socket.ev.on('lid-mapping.update', ({ lid, pn }) => {
        track(
          (async () => {
            // Contact sync reveals these pairs for the whole address book: store only the pairs of
            // people who have written to the assistant, so their next message keeps their conversation.
            const ids = { phone: jidNormalizedUser(pn), lid: jidNormalizedUser(lid) }
            const queued = await inArrivalOrder(async () => {
              const known = await knownAccount(db, 'whatsapp', ids)
              if (!known || !accepting) return undefined
              return {
                done: enqueue([ids.lid, ids.phone, known], async () => {
                  await resolveAccount(db, 'whatsapp', ids, now())
                }),
              }
            })
            await queued?.done
          })(),
        )
      })
      socket.ev.on('messages.upsert', ({ messages, type }) => {
        for (const message of messages) {
          if (!accepting) return
          track(receive(message, type))
        }
      })
    },
  })

  const download = deps.download ?? baileysDownload(logger, () => connection.current())

  const sender = createSender({
    connection,
    pace: deps.pace,
    logger,
    now: () => now().getTime(),
    ...(deps.retry && { retry: deps.retry }),
    ...(deps.connectWaitMs !== undefined && { connectWaitMs: deps.connectWaitMs }),
    ...(deps.random && { random: deps.random }),
    async onFailure(jid, reply, attempts, error) {
      await recordFailedReply(db, { channel: 'whatsapp', chatId: jid, reply, attempts, error, at: now() })
    },
  })

  async function receive(message: WAMessage, type: 'notify' | 'append'): Promise<void> {
    const read = readMessage(message)
    if (read.kind === 'skip') return
    const ids = { ...(read.phoneJid && { phone: read.phoneJid }), ...(read.lid && { lid: read.lid }) }
    const receivedAt = now()
    const handle = (keys: string[]): Promise<void> =>
      enqueue(keys, async () => {
        // Resolved in the person's turn, not on arrival: when this message first reveals the phone
        // number, the merge must not move the conversation while an earlier LID-only message of the
        // same person is still being answered (its answer would land in an orphaned conversation).
        const chatId = await resolveAccount(db, 'whatsapp', ids, now())
        // This chat wrote to us: announcements may go to it (never to a number that did not write first).
        await markWrote(db, 'whatsapp', chatId, receivedAt)
        // The sender's own number: the phone JID the message names, or the one WhatsApp mapped this
        // LID to (then the account is kept under it); a LID-only sender has none to compare.
        const phoneJid = read.phoneJid ?? (isPnUser(chatId) ? chatId : undefined)
        let media: InboundMedia | undefined
        if (read.file && (await deps.mediaWanted?.(chatId))) {
          try {
            media = await readWhatsAppMedia(download, message, read.file)
          } catch (error) {
            logger.error({ channel: 'whatsapp', err: { name: (error as Error).name } }, 'WhatsApp media not downloaded')
            await sender.send(read.replyTo, [APOLOGY])
            return
          }
        }
        const inbound: Inbound = {
          channel: 'whatsapp',
          chatId,
          userId: chatId,
          messageId: read.messageId,
          receivedAt,
          ...(phoneJid && { senderPhone: `+${phoneJid.split('@')[0]}` }),
          ...(read.text !== undefined && { text: read.text }),
          ...(media ? { media } : read.text === undefined && { unsupported: true }),
        }
        let replies: Reply[]
        try {
          replies = await engine.handle(inbound)
        } catch (error) {
          logger.error({ channel: 'whatsapp', err: { name: (error as Error).name } }, 'WhatsApp message failed')
          replies = [APOLOGY]
        }
        // Blue ticks even when nothing is answered: a person talking to staff sees the message arrived.
        connection
          .current()
          ?.readMessages([message.key])
          .catch(() => undefined)
        if (replies.length === 0) return // a message seen before, or one for staff
        await sender.send(read.replyTo, replies)
      })
    const queued = await inArrivalOrder(async () => {
      if (type !== 'notify') {
        // "append": delivered from WhatsApp's offline queue after a reconnect, or chat history. A
        // message sent since pairing and recently is a question still waiting for its answer.
        const pairedAt = new Date((await getMeta(db, PAIRED_AT)) ?? 0)
        const age = now().getTime() - read.sentAt.getTime()
        if (read.sentAt < pairedAt || age > deps.replayWindowMs) return undefined
      }
      // In turn with every earlier message of this person under any id it is known by.
      const keys = [read.lid, read.phoneJid, await knownAccount(db, 'whatsapp', ids)].filter((id): id is string => Boolean(id))
      return { done: handle([...new Set(keys)]) }
    })
    await queued?.done
  }

  const drain = async () => {
    while (inFlight.size) await Promise.all([...inFlight])
  }

  return {
    connection,
    start() {
      accepting = true
      connection.start()
    },
    async stop(graceMs = 5_000) {
      accepting = false
      let timer: NodeJS.Timeout | undefined
      await Promise.race([drain(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))])
      clearTimeout(timer)
      await connection.stop()
    },
    drain,
    state: () => connection.state(),
    send: (chatId, replies, options = {}) =>
      enqueue([chatId], () =>
        sender.send(chatId, replies, { failure: 'throw', ...(options.signal && { signal: options.signal }) }),
      ),
  }
}
