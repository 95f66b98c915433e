/** The outbox: proactive messages to send, and replies that could not be delivered. */
import { randomUUID } from 'node:crypto'
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { Reply } from '../../core/types.js'
import type { Db } from '../client.js'
import { type Channel, outbox } from '../schema.js'

/**
 * Records an answer a channel gave up delivering (after its retries), so it is visible with the
 * other delivery failures (`status = 'failed'`, `kind = 'reply'`) instead of lost in a log.
 */
export function recordFailedReply(
  db: Db,
  failure: { channel: Channel; chatId: string; reply: Reply; attempts: number; error: string; at: Date },
): void {
  const { attachment, ...rest } = failure.reply
  db.insert(outbox)
    .values({
      idempotencyKey: `reply-failed:${failure.channel}:${randomUUID()}`,
      channel: failure.channel,
      chatId: failure.chatId,
      kind: 'reply',
      payload: JSON.stringify({ ...rest, ...(attachment && { attachment: { filename: attachment.filename } }) }),
      dueAt: failure.at,
      status: 'failed',
      attempts: failure.attempts,
      lastError: failure.error.slice(0, 500),
    })
    .run()
}

export type OutboxRow = typeof outbox.$inferSelect

/**
 * Claims the messages due at `now` for sending, in one write transaction, so two processes never
 * claim the same row. Messages past their `expiresAt` are marked skipped instead.
 */
export function claimDue(db: Db, now: Date, limit: number): OutboxRow[] {
  return db.transaction(
    (tx) => {
      tx.update(outbox)
        .set({ status: 'skipped', lastError: 'expired before it could be sent', updatedAt: now })
        .where(and(eq(outbox.status, 'pending'), lte(outbox.expiresAt, now)))
        .run()
      const due = tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.dueAt, now)))
        .orderBy(asc(outbox.dueAt), asc(outbox.id))
        .limit(limit)
        .all()
      if (due.length === 0) return []
      return tx
        .update(outbox)
        .set({ status: 'claimed', claimedAt: now, attempts: sql`${outbox.attempts} + 1`, updatedAt: now })
        .where(
          inArray(
            outbox.id,
            due.map((row) => row.id),
          ),
        )
        .returning()
        .all()
        .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id)
    },
    { behavior: 'immediate' },
  )
}

export function markSent(db: Db, id: number, at: Date): void {
  db.update(outbox).set({ status: 'sent', sentAt: at, lastError: null, updatedAt: at }).where(eq(outbox.id, id)).run()
}

/** A failed try: back to pending at `retryAt`, or failed for good when `retryAt` is undefined. */
export function markFailed(db: Db, id: number, at: Date, error: string, retryAt?: Date): void {
  db.update(outbox)
    .set(
      retryAt
        ? { status: 'pending', dueAt: retryAt, lastError: error, updatedAt: at }
        : { status: 'failed', lastError: error, updatedAt: at },
    )
    .where(eq(outbox.id, id))
    .run()
}

export function markSkipped(db: Db, id: number, at: Date, reason: string): void {
  db.update(outbox).set({ status: 'skipped', lastError: reason, updatedAt: at }).where(eq(outbox.id, id)).run()
}

/**
 * Rows left claimed by a process that stopped while sending: whether they reached the person is
 * unknown, so they are recorded as failed with that reason rather than sent a second time.
 */
export function abandonStaleClaims(db: Db, claimedBefore: Date, at: Date): number {
  return db
    .update(outbox)
    .set({ status: 'failed', lastError: 'outcome unknown: the process stopped while sending', updatedAt: at })
    .where(and(eq(outbox.status, 'claimed'), lte(outbox.claimedAt, claimedBefore)))
    .run().changes
}
