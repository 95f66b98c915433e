/**
 * Sends replies on WhatsApp the way a careful person would, to stay far from its spam limits:
 * one message at a time across all chats with a minimum gap plus a random jitter, "typing…"
 * shown before each message, and failed sends retried with backoff before being recorded as
 * failed. A chat's messages keep their order (the caller sends one chat's replies in sequence).
 * A file that still fails once its text went out is replaced by a note, and the rest goes on.
 */
import type { Logger } from 'pino'
import { SendNotStarted, unlessStopped } from '../../core/outbox.js'
import { scrubNumbers } from '../../core/privacy/mask.js'
import { renderPlainText, unsentNote } from '../../core/render.js'
import type { Attachment, Reply } from '../../core/types.js'
import type { Connection } from './connection.js'

export type Pace = {
  /** Minimum gap between two messages, across all chats. */
  intervalMs: number
  /** Up to this much more, at random. */
  jitterMs: number
  /** How long "typing…" shows before a message. */
  typingMs: number
}

export type SenderDeps = {
  connection: Pick<Connection, 'whenOpen'>
  pace: Pace
  logger: Logger
  /** Sends of one message before giving up (first try included), and the first retry's delay. */
  retry?: { attempts: number; baseDelayMs: number }
  /** How long to wait for a closed connection to come back before a try counts as failed. */
  connectWaitMs?: number
  /** Called for each reply not delivered after every retry (and those after it, left unsent). */
  onFailure: (jid: string, reply: Reply, attempts: number, error: string) => void | Promise<void>
  random?: () => number
  /** Milliseconds since the epoch from the adapter's clock; the gaps are waited for on real timers. */
  now: () => number
}

/** Thrown by `send` with `{ failure: 'throw' }`: the caller (the outbox) keeps track itself. */
export class SendFailed extends Error {
  override name = 'SendFailed'
}

export type Sender = {
  /**
   * Sends replies to one chat in order; resolves when all are sent. If one cannot be sent after
   * every retry, it and those after it are recorded as failed (`failure: 'record'`, for answers),
   * or `SendFailed` is thrown (`failure: 'throw'`, for the outbox, which retries and records itself).
   * A reply whose text went out but whose file did not counts as sent: the file is replaced by a
   * note (its `unsentNote`), logged, and neither recorded nor thrown.
   */
  send(jid: string, replies: Reply[], options?: SendOptions): Promise<void>
}

/**
 * `signal` (the outbox's, aborted when it stops): while nothing of the message has gone out, the
 * waits (the connection, the turn, a retry's pause) end at once with `SendNotStarted`.
 */
export type SendOptions = { failure: 'record' | 'throw'; signal?: AbortSignal }

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export function createSender(deps: SenderDeps): Sender {
  const { pace, logger } = deps
  const random = deps.random ?? Math.random
  const retry = deps.retry ?? { attempts: 4, baseDelayMs: 2_000 }
  const connectWaitMs = deps.connectWaitMs ?? 60_000
  let nextSlot = 0

  /** Waits for this message's turn: slots are handed out in call order, spaced by the pace. */
  async function slot(): Promise<void> {
    const now = deps.now()
    const at = Math.max(now, nextSlot)
    nextSlot = at + pace.intervalMs + Math.round(random() * pace.jitterMs)
    if (at > now) await sleep(at - now)
  }

  /**
   * Sends one reply: its text, then its file if any. `done` remembers what already went out, so a
   * retry after the file failed does not show the person the text a second time.
   */
  async function sendOne(jid: string, reply: Reply, done: { text: boolean }, signal?: AbortSignal): Promise<void> {
    // Only while nothing of the message went out may a stop take it back.
    const wait = <T>(promise: Promise<T>) => (done.text ? promise : unlessStopped(promise, signal))
    const socket = await wait(deps.connection.whenOpen(connectWaitMs))
    if (pace.typingMs > 0) {
      await socket.sendPresenceUpdate('composing', jid).catch(() => undefined)
      await wait(sleep(pace.typingMs))
    }
    await wait(slot())
    const current = await wait(deps.connection.whenOpen(connectWaitMs))
    if (!done.text) {
      if (signal?.aborted) throw new SendNotStarted()
      // linkPreview null: never fetch the links we send (the verification page, maps).
      await current.sendMessage(jid, { text: renderPlainText(reply), linkPreview: null })
      done.text = true
      if (reply.attachment) await slot()
    }
    if (reply.attachment) {
      const { bytes, filename, mimeType } = reply.attachment
      await current.sendMessage(jid, { document: Buffer.from(bytes), mimetype: mimeType, fileName: filename })
    }
  }

  /** Once only, at the pace: a note that cannot be sent either is logged, never tried again. */
  async function sendNote(jid: string, attachment: Attachment): Promise<void> {
    try {
      const socket = await deps.connection.whenOpen(connectWaitMs)
      await slot()
      await socket.sendMessage(jid, { text: unsentNote(attachment), linkPreview: null })
    } catch (error) {
      const reason = scrubNumbers(error instanceof Error ? error.message : String(error))
      logger.warn({ channel: 'whatsapp', filename: attachment.filename, error: reason }, 'note of an unsent file not sent')
    }
  }

  return {
    async send(jid, replies, options = { failure: 'record' }) {
      for (const [index, reply] of replies.entries()) {
        let lastError = ''
        let sent = false
        const done = { text: false }
        // The first message only: once one went out, the rest of the answer goes too.
        const signal = index === 0 ? options.signal : undefined
        for (let attempt = 1; attempt <= retry.attempts && !sent; attempt++) {
          try {
            await sendOne(jid, reply, done, signal)
            sent = true
          } catch (error) {
            if (error instanceof SendNotStarted) throw error
            // Error texts may name the chat's number: keep digits out of logs and records.
            lastError = scrubNumbers(error instanceof Error ? error.message : String(error))
            if (attempt < retry.attempts) {
              logger.warn({ channel: 'whatsapp', attempt, error: lastError }, 'WhatsApp send failed; retrying')
              const pause = sleep(retry.baseDelayMs * 2 ** (attempt - 1))
              await (done.text ? pause : unlessStopped(pause, signal))
            }
          }
        }
        if (!sent && done.text && reply.attachment) {
          // The text went out, only its file did not: the answer stands (and an outbox message
          // counts as sent, or its text would be sent again); the person is told instead.
          logger.warn(
            { channel: 'whatsapp', filename: reply.attachment.filename, attempts: retry.attempts, error: lastError },
            'WhatsApp file not sent; the person is told',
          )
          await sendNote(jid, reply.attachment)
          continue
        }
        if (!sent) {
          if (options.failure === 'throw') throw new SendFailed(lastError)
          logger.error({ channel: 'whatsapp', attempts: retry.attempts, error: lastError }, 'WhatsApp send failed; recorded')
          // What follows would make no sense without it: record the rest as not sent too.
          for (const rest of replies.slice(index)) await deps.onFailure(jid, rest, retry.attempts, lastError)
          return
        }
      }
      const socket = await deps.connection.whenOpen(0).catch(() => undefined)
      await socket?.sendPresenceUpdate('paused', jid).catch(() => undefined)
    },
  }
}
