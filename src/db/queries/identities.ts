/** Channel accounts: which chats blocked the bot, so nothing more is sent there (read by the outbox sender to come). */
import type { Db } from '../client.js'
import { type Channel, channelIdentities } from '../schema.js'

/** Records that a chat blocked the bot (a date) or allows messages again (null). */
export function setBlocked(db: Db, channel: Channel, userId: string, chatId: string, at: Date | null): void {
  db.insert(channelIdentities)
    .values({ channel, userId, chatId, blockedAt: at })
    .onConflictDoUpdate({
      target: [channelIdentities.channel, channelIdentities.userId],
      set: { blockedAt: at, chatId, updatedAt: new Date() },
    })
    .run()
}
