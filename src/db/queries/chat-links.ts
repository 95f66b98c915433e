/**
 * Which person a chat account is linked to, and the chats a person can be reached in. A link lasts
 * until its `linkExpiresAt` (set when the chat proved who it is); an ended link, or one made before
 * links had an end, links nothing.
 */
import { and, asc, count, eq, gt, isNull } from 'drizzle-orm'
import type { Channel, Language } from '../../vocabulary/message.js'
import { changed, type Db, first, statement } from '../client.js'
import { channelIdentities } from '../schema.js'

const current = (now: Date) => gt(channelIdentities.linkExpiresAt, now)

/** The chats a person can be reached in at `now` (linked, link not ended, not blocked). */
export async function chatsOfPerson(
  db: Db,
  personId: number,
  now: Date,
): Promise<{ channel: Channel; chatId: string; language: 'id' | 'en' }[]> {
  return await db
    .select({ channel: channelIdentities.channel, chatId: channelIdentities.chatId, language: channelIdentities.language })
    .from(channelIdentities)
    .where(and(eq(channelIdentities.personId, personId), isNull(channelIdentities.blockedAt), current(now)))
}

/** The person this chat account is linked to at `now`, if any. */
export async function personOfChat(db: Db, channel: Channel, userId: string, now: Date): Promise<number | undefined> {
  const row = (await statement(
    db,
    'select person_id as personId from channel_identities where channel = ? and user_id = ? and link_expires_at > ?',
  ).get(channel, userId, now.getTime())) as { personId: number | null } | undefined
  return row?.personId ?? undefined
}

/** When this chat account last showed a possession factor while linked to its person. */
export async function provedAtOf(db: Db, channel: Channel, userId: string): Promise<Date | undefined> {
  const row = await first(
    db
      .select({ provedAt: channelIdentities.provedAt })
      .from(channelIdentities)
      .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId))),
  )
  return row?.provedAt ?? undefined
}

/**
 * Links a chat account to a person until `expiresAt`, after they proved who they are; `proved`
 * says the proof included a possession factor at `now` (a first registration links without one).
 */
export async function linkChat(
  db: Db,
  link: {
    channel: Channel
    userId: string
    chatId: string
    personId: number
    language: 'id' | 'en'
    now: Date
    expiresAt: Date
    proved: boolean
  },
): Promise<void> {
  const provedAt = link.proved ? link.now : null
  await db
    .insert(channelIdentities)
    .values({
      channel: link.channel,
      userId: link.userId,
      chatId: link.chatId,
      personId: link.personId,
      language: link.language,
      linkedAt: link.now,
      linkExpiresAt: link.expiresAt,
      provedAt,
    })
    .onConflictDoUpdate({
      target: [channelIdentities.channel, channelIdentities.userId],
      set: {
        personId: link.personId,
        chatId: link.chatId,
        language: link.language,
        linkedAt: link.now,
        linkExpiresAt: link.expiresAt,
        provedAt,
        updatedAt: link.now,
      },
    })
}

const unlinked = (at: Date) => ({ personId: null, linkedAt: null, linkExpiresAt: null, provedAt: null, updatedAt: at })

/** Unlinks a chat account from its person (the record stays). */
export async function unlinkChat(db: Db, channel: Channel, userId: string, at: Date): Promise<boolean> {
  return (
    changed(
      await db
        .update(channelIdentities)
        .set(unlinked(at))
        .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId))),
    ) > 0
  )
}

/** Unlinks every chat of a person (their phone on record changed): each must prove again. */
export async function unlinkAllChats(db: Db, personId: number, at: Date): Promise<number> {
  return changed(await db.update(channelIdentities).set(unlinked(at)).where(eq(channelIdentities.personId, personId)))
}

export type LinkedChat = { id: number; channel: Channel; linkedAt: Date | null; linkExpiresAt: Date | null; userId: string }

/** The chat accounts linked to a person at `now`, oldest link first (menu 7 lists them). */
export async function linkedChatsOf(db: Db, personId: number, now: Date): Promise<LinkedChat[]> {
  return await db
    .select({
      id: channelIdentities.id,
      channel: channelIdentities.channel,
      userId: channelIdentities.userId,
      linkedAt: channelIdentities.linkedAt,
      linkExpiresAt: channelIdentities.linkExpiresAt,
    })
    .from(channelIdentities)
    .where(and(eq(channelIdentities.personId, personId), current(now)))
    .orderBy(asc(channelIdentities.linkedAt), asc(channelIdentities.id))
}

/** Unlinks one chat account of a person by its row id (from menu 7's list); false if it was not theirs. */
export async function unlinkChatOfPerson(db: Db, personId: number, id: number, at: Date): Promise<boolean> {
  return (
    changed(
      await db
        .update(channelIdentities)
        .set(unlinked(at))
        .where(and(eq(channelIdentities.id, id), eq(channelIdentities.personId, personId))),
    ) > 0
  )
}

/** Records that a linked chat showed a possession factor at `at` (for export and deletion). */
export async function markProved(db: Db, channel: Channel, userId: string, at: Date): Promise<void> {
  await db
    .update(channelIdentities)
    .set({ provedAt: at, updatedAt: at })
    .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId)))
}

export async function linkedChatCount(db: Db, personId: number, now: Date): Promise<number> {
  return (
    (
      await first(
        db
          .select({ n: count() })
          .from(channelIdentities)
          .where(and(eq(channelIdentities.personId, personId), current(now))),
      )
    )?.n ?? 0
  )
}

/** The chats of a person that take reminders: linked, not blocked, not stopped. */
export async function reminderChatsOf(
  db: Db,
  personId: number,
  now: Date,
): Promise<{ channel: Channel; chatId: string; language: Language }[]> {
  return await db
    .select({ channel: channelIdentities.channel, chatId: channelIdentities.chatId, language: channelIdentities.language })
    .from(channelIdentities)
    .where(
      and(
        eq(channelIdentities.personId, personId),
        current(now),
        isNull(channelIdentities.blockedAt),
        eq(channelIdentities.remindersEnabled, true),
      ),
    )
}

/** Whether reminders are on for this chat account (on unless it said "stop pengingat"). */
export async function remindersEnabledFor(db: Db, channel: Channel, userId: string): Promise<boolean> {
  return (
    (
      await first(
        db
          .select({ enabled: channelIdentities.remindersEnabled })
          .from(channelIdentities)
          .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId))),
      )
    )?.enabled ?? true
  )
}

/** Turns this chat's reminders on or off, remembered even before the chat is linked (the row is made if need be). */
export async function setRemindersEnabled(
  db: Db,
  chat: { channel: Channel; userId: string; chatId: string },
  enabled: boolean,
  at: Date,
): Promise<void> {
  await db
    .insert(channelIdentities)
    .values({ channel: chat.channel, userId: chat.userId, chatId: chat.chatId, remindersEnabled: enabled })
    .onConflictDoUpdate({
      target: [channelIdentities.channel, channelIdentities.userId],
      set: { remindersEnabled: enabled, updatedAt: at },
    })
}

/** The language this chat account's messages (and reminders) are written in. */
export async function setChatLanguage(db: Db, channel: Channel, userId: string, language: Language, at: Date): Promise<void> {
  await db
    .update(channelIdentities)
    .set({ language, updatedAt: at })
    .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId)))
}
