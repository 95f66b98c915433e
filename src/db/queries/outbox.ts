/** The outbox: proactive messages to send, and replies that could not be delivered. */
import { randomUUID } from 'node:crypto'
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
