/** Channel accounts: which chats blocked the bot, and the ids one WhatsApp account goes by. */

import { and, eq } from 'drizzle-orm'
import type { Channel } from '../../vocabulary/message.js'
import { type Db, first, statement } from '../client.js'
import { channelIdentities, conversationStates } from '../schema.js'
import { transaction } from '../store.js'
import { BLOCKED_REASON, cancelWaitingOfChat } from './outbox.js'

/** Records at `now` that a chat blocked the bot (`blocked`) or allows messages again. */
export async function setBlocked(
  db: Db,
  channel: Channel,
  userId: string,
  chatId: string,
  blocked: boolean,
  now: Date,
): Promise<void> {
  const blockedAt = blocked ? now : null
  await db
    .insert(channelIdentities)
    .values({ channel, userId, chatId, blockedAt, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [channelIdentities.channel, channelIdentities.userId],
      set: { blockedAt, chatId, updatedAt: now },
    })
  // Nothing more goes to a chat that blocked us: its reminders and announcements still waiting are cancelled.
  if (blocked) await cancelWaitingOfChat(db, channel, chatId, now, `cancelled: ${BLOCKED_REASON}`)
}

/**
 * Records that a chat account wrote to the assistant, the first time only (an indexed no-op after):
 * WhatsApp announcements go only to chats that wrote first. Called for each message received, not
 * when WhatsApp merely maps an account's ids.
 */
export async function markWrote(db: Db, channel: Channel, userId: string, at: Date): Promise<void> {
  await statement(db, 'UPDATE channel_identities SET wrote_at = ? WHERE channel = ? AND user_id = ? AND wrote_at IS NULL').run(
    at.getTime(),
    channel,
    userId,
  )
}

/**
 * The id the conversation for these ids is kept under, if the account is known, changing nothing
 * (unlike `resolveAccount`, which may merge records and so must run in the person's turn).
 */
export async function knownAccount(db: Db, channel: Channel, ids: { phone?: string; lid?: string }): Promise<string | undefined> {
  const byUser = async (userId: string) =>
    (
      await first(
        db
          .select({ userId: channelIdentities.userId })
          .from(channelIdentities)
          .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId))),
      )
    )?.userId
  if (ids.phone && (await byUser(ids.phone))) return ids.phone
  if (!ids.lid) return undefined
  const byAlt = (
    await first(
      db
        .select({ userId: channelIdentities.userId })
        .from(channelIdentities)
        .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.altUserId, ids.lid))),
    )
  )?.userId
  return byAlt ?? (await byUser(ids.lid))
}

/**
 * One person behind two ids of one account (WhatsApp: the phone-number JID and the LID). Given
 * the ids a message reveals, returns the id the conversation is kept under: the phone id once it
 * is known, else the LID. When a message first reveals that a LID-only account has a phone id,
 * the two records (and a conversation in progress under the LID) become one, in one transaction.
 * `now` stamps the records changed.
 */
export async function resolveAccount(
  db: Db,
  channel: Channel,
  ids: { phone?: string; lid?: string },
  now: Date,
): Promise<string> {
  const { phone, lid } = ids
  if (!phone && !lid) throw new Error('resolveAccount needs at least one id')
  return await transaction(db, async (tx) => {
    const byUser = async (userId: string) =>
      await first(
        tx
          .select()
          .from(channelIdentities)
          .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId))),
      )
    if (!phone && lid) {
      const known = await first(
        tx
          .select({ userId: channelIdentities.userId })
          .from(channelIdentities)
          .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.altUserId, lid))),
      )
      if (known) return known.userId
      await tx
        .insert(channelIdentities)
        .values({ channel, userId: lid, chatId: lid, createdAt: now, updatedAt: now })
        .onConflictDoNothing()
      return lid
    }
    const phoneId = phone as string
    const existing = await byUser(phoneId)
    if (lid) {
      const lidOnly = await byUser(lid)
      if (lidOnly) {
        // Known until now only by the LID: carry its link, settings and open conversation over.
        await tx.delete(channelIdentities).where(eq(channelIdentities.id, lidOnly.id))
        const hasConversation = await first(
          tx
            .select({ chatId: conversationStates.chatId })
            .from(conversationStates)
            .where(and(eq(conversationStates.channel, channel), eq(conversationStates.chatId, phoneId))),
        )
        if (!hasConversation) {
          await tx
            .update(conversationStates)
            .set({ chatId: phoneId })
            .where(and(eq(conversationStates.channel, channel), eq(conversationStates.chatId, lid)))
        }
        if (!existing) {
          await tx
            .insert(channelIdentities)
            .values({ ...lidOnly, id: undefined, userId: phoneId, altUserId: lid, chatId: phoneId, updatedAt: now })
          return phoneId
        }
        await tx
          .update(channelIdentities)
          .set({
            personId: existing.personId ?? lidOnly.personId,
            wroteAt: existing.wroteAt ?? lidOnly.wroteAt,
            // A "stop info" said under the LID still holds for the account.
            announcementsOffAt: existing.announcementsOffAt ?? lidOnly.announcementsOffAt,
            updatedAt: now,
          })
          .where(eq(channelIdentities.id, existing.id))
      }
    }
    if (!existing) {
      await tx
        .insert(channelIdentities)
        .values({ channel, userId: phoneId, chatId: phoneId, createdAt: now, updatedAt: now, ...(lid && { altUserId: lid }) })
        .onConflictDoNothing()
    } else if (lid && existing.altUserId !== lid) {
      await tx.update(channelIdentities).set({ altUserId: lid, updatedAt: now }).where(eq(channelIdentities.id, existing.id))
    }
    return phoneId
  })
}
