/** Which person a chat account is linked to, and the chats a person can be reached in. */
import { and, count, eq, isNull } from 'drizzle-orm'
import type { Channel } from '../../vocabulary/message.js'
import { cached, type Db } from '../client.js'
import { channelIdentities } from '../schema.js'

/** The chats a person can be reached in (those not blocked). */
export function chatsOfPerson(db: Db, personId: number): { channel: Channel; chatId: string; language: 'id' | 'en' }[] {
  return db
    .select({ channel: channelIdentities.channel, chatId: channelIdentities.chatId, language: channelIdentities.language })
    .from(channelIdentities)
    .where(and(eq(channelIdentities.personId, personId), isNull(channelIdentities.blockedAt)))
    .all()
}

/** The person this chat account is linked to, if any. */
export function personOfChat(db: Db, channel: Channel, userId: string): number | undefined {
  const row = cached(db, 'select person_id as personId from channel_identities where channel = ? and user_id = ?').get(
    channel,
    userId,
  ) as { personId: number | null } | undefined
  return row?.personId ?? undefined
}

/** Links a chat account to a person (after they proved who they are by NIK and birth date). */
export function linkChat(
  db: Db,
  link: { channel: Channel; userId: string; chatId: string; personId: number; language: 'id' | 'en'; now: Date },
): void {
  db.insert(channelIdentities)
    .values({
      channel: link.channel,
      userId: link.userId,
      chatId: link.chatId,
      personId: link.personId,
      language: link.language,
      linkedAt: link.now,
    })
    .onConflictDoUpdate({
      target: [channelIdentities.channel, channelIdentities.userId],
      set: { personId: link.personId, chatId: link.chatId, language: link.language, linkedAt: link.now, updatedAt: link.now },
    })
    .run()
}

/** Unlinks a chat account from its person (the record stays). */
export function unlinkChat(db: Db, channel: Channel, userId: string, at: Date): boolean {
  return (
    db
      .update(channelIdentities)
      .set({ personId: null, linkedAt: null, updatedAt: at })
      .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId)))
      .run().changes > 0
  )
}

export function linkedChatCount(db: Db, personId: number): number {
  return db.select({ n: count() }).from(channelIdentities).where(eq(channelIdentities.personId, personId)).get()?.n ?? 0
}
