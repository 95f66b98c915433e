/**
 * Delivers the outbox: messages the assistant sends on its own (seat offers now; reminders with
 * issue #9). Each run claims the due messages one at a time (each claim its own write transaction)
 * and hands each to its channel's sender (the same one that sends chat answers, with that channel's pace). A send that
 * fails is tried again later; a claim left behind by a crash is recorded, never sent twice.
 */
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import { abandonStaleClaims, claimDue, markFailed, markSent, markSkipped } from '../db/queries/outbox.js'
import { scrubNumbers } from './privacy/mask.js'
import type { Channel, Reply } from './types.js'

export type ChannelSender = (chatId: string, replies: Reply[]) => Promise<void>

/** Thrown by a sender when the chat can no longer be reached (the person blocked the bot). */
export class RecipientUnreachable extends Error {
  override name = 'RecipientUnreachable'
}

export type OutboxDeps = {
  db: Db
  logger: Logger
  /** The channels that can send on their own; messages for others are skipped with a reason. */
  senders: Partial<Record<Channel, ChannelSender>>
  now?: () => Date
  /** Most messages sent per run. */
  batchSize?: number
  /** Tries of one message before it is recorded as failed. */
  maxAttempts?: number
}

const RETRY_MINUTES = [1, 5, 30, 120]
/** A claim older than this belongs to a process that is gone. */
const STALE_CLAIM_MS = 10 * 60_000

export function createOutbox(deps: OutboxDeps) {
  const { db, logger } = deps
  const now = deps.now ?? (() => new Date())
  const maxAttempts = deps.maxAttempts ?? RETRY_MINUTES.length + 1

  return {
    /** Sends what is due; returns what happened, for the log and tests. */
    async deliver(): Promise<{ sent: number; failed: number; retried: number; skipped: number; unknown: number }> {
      const started = now()
      const unknown = abandonStaleClaims(db, new Date(started.getTime() - STALE_CLAIM_MS), started)
      const counts = { sent: 0, failed: 0, retried: 0, skipped: 0, unknown }
      // One message claimed at a time, just before it is sent: a process that stops leaves only the
      // message it was sending claimed (its outcome is unknown). Claiming the whole batch up front
      // would leave every message not yet tried claimed as well, recorded as failed and never sent,
      // and at a channel's pace (WhatsApp: seconds per message) a long batch would outlast the
      // stale-claim limit while its process is still working through it.
      for (let n = 0; n < (deps.batchSize ?? 200); n++) {
        const [row] = claimDue(db, now(), 1)
        if (!row) break
        const send = deps.senders[row.channel]
        if (!send) {
          markSkipped(db, row.id, now(), `channel ${row.channel} cannot send on its own`)
          counts.skipped++
          continue
        }
        try {
          await send(row.chatId, [JSON.parse(row.payload) as Reply])
          markSent(db, row.id, now())
          counts.sent++
        } catch (error) {
          if (error instanceof RecipientUnreachable) {
            markSkipped(db, row.id, now(), 'the person blocked the assistant')
            counts.skipped++
            continue
          }
          const reason = scrubNumbers(error instanceof Error ? error.message : String(error)).slice(0, 300)
          const delay = RETRY_MINUTES[row.attempts - 1]
          const retryAt =
            row.attempts < maxAttempts && delay !== undefined ? new Date(now().getTime() + delay * 60_000) : undefined
          markFailed(db, row.id, now(), reason, retryAt)
          if (retryAt) counts.retried++
          else counts.failed++
          logger.warn({ channel: row.channel, kind: row.kind, attempt: row.attempts, error: reason }, 'outbox message not sent')
        }
      }
      return counts
    },
  }
}
