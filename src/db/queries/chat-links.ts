/**
 * Which person a chat account is linked to, and the chats a person can be reached in. A link lasts
 * until its `linkExpiresAt` (set when the chat proved who it is); an ended link, or one made before
 * links had an end, links nothing.
 */
import { and, asc, count, eq, gt, isNull } from 'drizzle-orm'
import type { Channel, Language } from '../../vocabulary/message.js'
import { cached, type Db } from '../client.js'
import { channelIdentities } from '../schema.js'

const current = (now: Date) => gt(channelIdentities.linkExpiresAt, now)

/** The chats a person can be reached in at `now` (linked, link not ended, not blocked). */
export function chatsOfPerson(
  db: Db,
  personId: number,
  now: Date,
): { channel: Channel; chatId: string; language: 'id' | 'en' }[] {
  return db
    .select({ channel: channelIdentities.channel, chatId: channelIdentities.chatId, language: channelIdentities.language })
    .from(channelIdentities)
    .where(and(eq(channelIdentities.personId, personId), isNull(channelIdentities.blockedAt), current(now)))
    .all()
}

/** The person this chat account is linked to at `now`, if any. */
export function personOfChat(db: Db, channel: Channel, userId: string, now: Date): number | undefined {
  const row = cached(
    db,
    'select person_id as personId from channel_identities where channel = ? and user_id = ? and link_expires_at > ?',
  ).get(channel, userId, now.getTime()) as { personId: number | null } | undefined
  return row?.personId ?? undefined
}

/** When this chat account last showed a possession factor while linked to its person. */
export function provedAtOf(db: Db, channel: Channel, userId: string): Date | undefined {
  const row = db
    .select({ provedAt: channelIdentities.provedAt })
    .from(channelIdentities)
    .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId)))
    .get()
  return row?.provedAt ?? undefined
}

/**
 * Links a chat account to a person until `expiresAt`, after they proved who they are; `proved`
 * says the proof included a possession factor at `now` (a first registration links without one).
 */
export function linkChat(
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
): void {
  const provedAt = link.proved ? link.now : null
  db.insert(channelIdentities)
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
    .run()
}

const unlinked = (at: Date) => ({ personId: null, linkedAt: null, linkExpiresAt: null, provedAt: null, updatedAt: at })

/** Unlinks a chat account from its person (the record stays). */
export function unlinkChat(db: Db, channel: Channel, userId: string, at: Date): boolean {
  return (
    db
      .update(channelIdentities)
      .set(unlinked(at))
      .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId)))
      .run().changes > 0
  )
}

/** Unlinks every chat of a person (their phone on record changed): each must prove again. */
export function unlinkAllChats(db: Db, personId: number, at: Date): number {
  return db.update(channelIdentities).set(unlinked(at)).where(eq(channelIdentities.personId, personId)).run().changes
}

export type LinkedChat = { id: number; channel: Channel; linkedAt: Date | null; linkExpiresAt: Date | null; userId: string }

/** The chat accounts linked to a person at `now`, oldest link first (menu 7 lists them). */
export function linkedChatsOf(db: Db, personId: number, now: Date): LinkedChat[] {
  return db
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
    .all()
}

/** Unlinks one chat account of a person by its row id (from menu 7's list); false if it was not theirs. */
export function unlinkChatOfPerson(db: Db, personId: number, id: number, at: Date): boolean {
  return (
    db
      .update(channelIdentities)
      .set(unlinked(at))
      .where(and(eq(channelIdentities.id, id), eq(channelIdentities.personId, personId)))
      .run().changes > 0
  )
}

/** Records that a linked chat showed a possession factor at `at` (for export and deletion). */
export function markProved(db: Db, channel: Channel, userId: string, at: Date): void {
  db.update(channelIdentities)
    .set({ provedAt: at, updatedAt: at })
    .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId)))
    .run()
}

export function linkedChatCount(db: Db, personId: number, now: Date): number {
  return (
    db
      .select({ n: count() })
      .from(channelIdentities)
      .where(and(eq(channelIdentities.personId, personId), current(now)))
      .get()?.n ?? 0
  )
}

/** The chats of a person that take reminders: linked, not blocked, not stopped. */
export function reminderChatsOf(db: Db, personId: number, now: Date): { channel: Channel; chatId: string; language: Language }[] {
  return db
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
    .all()
}

/** Whether reminders are on for this chat account (on unless it said "stop pengingat"). */
export function remindersEnabledFor(db: Db, channel: Channel, userId: string): boolean {
  return (
    db
      .select({ enabled: channelIdentities.remindersEnabled })
      .from(channelIdentities)
      .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId)))
      .get()?.enabled ?? true
  )
}

/** Turns this chat's reminders on or off, remembered even before the chat is linked (the row is made if need be). */
export function setRemindersEnabled(
  db: Db,
  chat: { channel: Channel; userId: string; chatId: string },
  enabled: boolean,
  at: Date,
): void {
  db.insert(channelIdentities)
    .values({ channel: chat.channel, userId: chat.userId, chatId: chat.chatId, remindersEnabled: enabled })
    .onConflictDoUpdate({
      target: [channelIdentities.channel, channelIdentities.userId],
      set: { remindersEnabled: enabled, updatedAt: at },
    })
    .run()
}

/** The language this chat account's messages (and reminders) are written in. */
export function setChatLanguage(db: Db, channel: Channel, userId: string, language: Language, at: Date): void {
  db.update(channelIdentities)
    .set({ language, updatedAt: at })
    .where(and(eq(channelIdentities.channel, channel), eq(channelIdentities.userId, userId)))
    .run()
}
