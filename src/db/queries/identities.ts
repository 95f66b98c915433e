/** Channel accounts: which chats blocked the bot, and the ids one WhatsApp account goes by. */
import { and, eq } from 'drizzle-orm'
import type { Channel } from '../../vocabulary/message.js'
import { cached, type Db } from '../client.js'
import { channelIdentities, conversationStates } from '../schema.js'
import { BLOCKED_REASON, cancelWaitingOfChat } from './outbox.js'

/** Records at `now` that a chat blocked the bot (`blocked`) or allows messages again. */
export function setBlocked(db: Db, channel: Channel, userId: string, chatId: string, blocked: boolean, now: Date): void {
  const blockedAt = blocked ? now : null
  db.insert(channelIdentities)
    .values({ channel, userId, chatId, blockedAt, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [channelIdentities.channel, channelIdentities.userId],
      set: { blockedAt, chatId, updatedAt: now },
    })
    .run()
  // Nothing more goes to a chat that blocked us: its reminders and announcements still waiting are cancelled.
  if (blocked) cancelWaitingOfChat(db, channel, chatId, now, `cancelled: ${BLOCKED_REASON}`)
}

/**
 * Records that a chat account wrote to the assistant, the first time only (an indexed no-op after):
 * WhatsApp announcements go only to chats that wrote first. Called for each message received, not
 * when WhatsApp merely maps an account's ids.
 */
export function markWrote(db: Db, channel: Channel, userId: string, at: Date): void {
  cached(db, 'UPDATE channel_identities SET wrote_at = ? WHERE channel = ? AND user_id = ? AND wrote_at IS NULL').run(
    at.getTime(),
    channel,
    userId,
  )
}

/**
 * The id the conversation for these ids is kept under, if the account is known, changing nothing
 * (unlike `resolveAccount`, which may merge records and so must run in the person's turn).
 */
export function knownAccount(db: Db, channel: Channel, ids: { phone?: string; lid?: string }): string | undefined {
  const byUser = (userId: string) =>
    db
      .select({ userId: channelIdentities.userId })
      .from(channelIdentities)
      .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId)))
      .get()?.userId
  if (ids.phone && byUser(ids.phone)) return ids.phone
  if (!ids.lid) return undefined
  const byAlt = db
    .select({ userId: channelIdentities.userId })
    .from(channelIdentities)
    .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.altUserId, ids.lid)))
    .get()?.userId
  return byAlt ?? byUser(ids.lid)
}

/**
 * One person behind two ids of one account (WhatsApp: the phone-number JID and the LID). Given
 * the ids a message reveals, returns the id the conversation is kept under: the phone id once it
 * is known, else the LID. When a message first reveals that a LID-only account has a phone id,
 * the two records (and a conversation in progress under the LID) become one, in one transaction.
 * `now` stamps the records changed.
 */
export function resolveAccount(db: Db, channel: Channel, ids: { phone?: string; lid?: string }, now: Date): string {
  const { phone, lid } = ids
  if (!phone && !lid) throw new Error('resolveAccount needs at least one id')
  return db.transaction((tx) => {
    const byUser = (userId: string) =>
      tx
        .select()
        .from(channelIdentities)
        .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId)))
        .get()
    if (!phone && lid) {
      const known = tx
        .select({ userId: channelIdentities.userId })
        .from(channelIdentities)
        .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.altUserId, lid)))
        .get()
      if (known) return known.userId
      tx.insert(channelIdentities)
        .values({ channel, userId: lid, chatId: lid, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
        .run()
      return lid
    }
    const phoneId = phone as string
    const existing = byUser(phoneId)
    if (lid) {
      const lidOnly = byUser(lid)
      if (lidOnly) {
        // Known until now only by the LID: carry its link, settings and open conversation over.
        tx.delete(channelIdentities).where(eq(channelIdentities.id, lidOnly.id)).run()
        const hasConversation = tx
          .select({ chatId: conversationStates.chatId })
          .from(conversationStates)
          .where(and(eq(conversationStates.channel, channel), eq(conversationStates.chatId, phoneId)))
          .get()
        if (!hasConversation) {
          tx.update(conversationStates)
            .set({ chatId: phoneId })
            .where(and(eq(conversationStates.channel, channel), eq(conversationStates.chatId, lid)))
            .run()
        }
        if (!existing) {
          tx.insert(channelIdentities)
            .values({ ...lidOnly, id: undefined, userId: phoneId, altUserId: lid, chatId: phoneId, updatedAt: now })
            .run()
          return phoneId
        }
        tx.update(channelIdentities)
          .set({
            personId: existing.personId ?? lidOnly.personId,
            wroteAt: existing.wroteAt ?? lidOnly.wroteAt,
            // A "stop info" said under the LID still holds for the account.
            announcementsOffAt: existing.announcementsOffAt ?? lidOnly.announcementsOffAt,
            updatedAt: now,
          })
          .where(eq(channelIdentities.id, existing.id))
          .run()
      }
    }
    if (!existing) {
      tx.insert(channelIdentities)
        .values({ channel, userId: phoneId, chatId: phoneId, createdAt: now, updatedAt: now, ...(lid && { altUserId: lid }) })
        .onConflictDoNothing()
        .run()
    } else if (lid && existing.altUserId !== lid) {
      tx.update(channelIdentities).set({ altUserId: lid, updatedAt: now }).where(eq(channelIdentities.id, existing.id)).run()
    }
    return phoneId
  })
}
