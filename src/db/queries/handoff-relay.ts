/**
 * The staff-group relay's queries (docs/channels.md, "Grup staf Telegram"): which handoffs still
 * need their topic or header post, which thread rows are still to be posted (oldest first), where
 * each handoff sits in its group, which handoff a group message belongs to, and the posts to
 * delete after an erasure or a purge.
 */
import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm'
import type { Db } from '../client.js'
import { first } from '../client.js'
import { handoffAttachments, handoffGroupCleanups, handoffMessages, handoffRequests, people, regions, staff } from '../schema.js'

export type HandoffRow = typeof handoffRequests.$inferSelect

/** A handoff with what its staff-group posts show: its region, and the province of the person linked to it. */
export type RelayHandoff = HandoffRow & {
  regionCode: string | null
  regionCity: string | null
  regionZone: string | null
  provinceCode: string | null
}

const relayHandoffColumns = {
  handoff: handoffRequests,
  regionCode: regions.code,
  regionCity: regions.city,
  regionZone: regions.timeZone,
  provinceCode: people.provinceCode,
}

type Joined = {
  handoff: HandoffRow
  regionCode: string | null
  regionCity: string | null
  regionZone: string | null
  provinceCode: string | null
}
const flatten = ({ handoff, ...rest }: Joined): RelayHandoff => ({ ...handoff, ...rest })

function relayHandoffs(db: Db) {
  return db
    .select(relayHandoffColumns)
    .from(handoffRequests)
    .leftJoin(regions, eq(regions.id, handoffRequests.regionId))
    .leftJoin(people, eq(people.id, handoffRequests.personId))
}

/**
 * Live handoffs not yet (fully) posted to a staff group: no group chosen, or no header post yet.
 * `regionCodes`: only handoffs of these regions (`'all'` when a `*` group takes every handoff,
 * those of no region included).
 */
export async function handoffsToPost(db: Db, regionCodes: readonly string[] | 'all', limit = 50): Promise<RelayHandoff[]> {
  const scope = regionCodes === 'all' ? undefined : regionCodes.length === 0 ? sql`0` : inArray(regions.code, [...regionCodes])
  return (
    await relayHandoffs(db)
      .where(
        and(
          inArray(handoffRequests.status, ['waiting', 'open']),
          eq(handoffRequests.live, true),
          isNull(handoffRequests.tgRootMessageId),
          scope,
        ),
      )
      .orderBy(asc(handoffRequests.id))
      .limit(limit)
  ).map(flatten)
}

export async function relayHandoffById(db: Db, id: number): Promise<RelayHandoff | undefined> {
  const row = await first(relayHandoffs(db).where(eq(handoffRequests.id, id)))
  return row && flatten(row)
}

/** Records the group (and its topic, null in reply mode) a handoff is posted to, before anything else is posted. */
export async function setHandoffGroup(db: Db, handoffId: number, chatId: string, topicId: number | null): Promise<void> {
  await db.update(handoffRequests).set({ tgChatId: chatId, tgTopicId: topicId }).where(eq(handoffRequests.id, handoffId))
}

/** Records the header post: from now on the handoff's thread rows are posted after it. */
export async function setHandoffRootMessage(db: Db, handoffId: number, messageId: number): Promise<void> {
  await db.update(handoffRequests).set({ tgRootMessageId: messageId }).where(eq(handoffRequests.id, handoffId))
}

/** A thread row still to be posted, with its handoff's place in the group and its attachment's description. */
export type PendingRelay = {
  id: number
  handoffId: number
  at: Date
  author: (typeof handoffMessages.$inferSelect)['author']
  via: (typeof handoffMessages.$inferSelect)['via']
  staffName: string | null
  text: string | null
  platformId: string | null
  relayAttempts: number
  attachment: { id: number; kind: 'image' | 'pdf'; mimeType: string; fileName: string | null; size: number } | null
  handoff: {
    code: string
    name: string
    status: HandoffRow['status']
    tgChatId: string
    tgTopicId: number | null
    tgRootMessageId: number
  }
}

/**
 * Thread rows not yet posted, oldest first, of handoffs whose header is in a group; rows that failed
 * `maxAttempts` times are left out (left for the console).
 */
export async function pendingRelays(db: Db, maxAttempts: number, limit = 200): Promise<PendingRelay[]> {
  return (
    await db
      .select({
        id: handoffMessages.id,
        handoffId: handoffMessages.handoffId,
        at: handoffMessages.at,
        author: handoffMessages.author,
        via: handoffMessages.via,
        staffName: handoffMessages.staffName,
        text: handoffMessages.text,
        platformId: handoffMessages.platformId,
        relayAttempts: handoffMessages.relayAttempts,
        attachmentId: handoffAttachments.id,
        kind: handoffAttachments.kind,
        mimeType: handoffAttachments.mimeType,
        fileName: handoffAttachments.fileName,
        size: handoffAttachments.size,
        code: handoffRequests.code,
        name: handoffRequests.name,
        status: handoffRequests.status,
        tgChatId: handoffRequests.tgChatId,
        tgTopicId: handoffRequests.tgTopicId,
        tgRootMessageId: handoffRequests.tgRootMessageId,
      })
      .from(handoffMessages)
      .innerJoin(handoffRequests, eq(handoffRequests.id, handoffMessages.handoffId))
      .leftJoin(handoffAttachments, eq(handoffAttachments.id, handoffMessages.attachmentId))
      .where(
        and(
          isNull(handoffMessages.relayedAt),
          lt(handoffMessages.relayAttempts, maxAttempts),
          sql`${handoffRequests.tgChatId} is not null`,
          sql`${handoffRequests.tgRootMessageId} is not null`,
        ),
      )
      .orderBy(asc(handoffMessages.id))
      .limit(limit)
  ).map((row) => ({
    id: row.id,
    handoffId: row.handoffId,
    at: row.at,
    author: row.author,
    via: row.via,
    staffName: row.staffName,
    text: row.text,
    platformId: row.platformId,
    relayAttempts: row.relayAttempts,
    attachment:
      row.attachmentId === null || row.kind === null || row.mimeType === null || row.size === null
        ? null
        : { id: row.attachmentId, kind: row.kind, mimeType: row.mimeType, fileName: row.fileName, size: row.size },
    handoff: {
      code: row.code,
      name: row.name,
      status: row.status,
      tgChatId: row.tgChatId ?? '',
      tgTopicId: row.tgTopicId,
      tgRootMessageId: row.tgRootMessageId ?? 0,
    },
  }))
}

/** The row was posted (as `tgMessageId`, which a reply in a group without topics points to). */
export async function markRelayed(db: Db, messageId: number, tgMessageId: number | null, at: Date): Promise<void> {
  await db.update(handoffMessages).set({ relayedAt: at, tgMessageId, relayError: null }).where(eq(handoffMessages.id, messageId))
}

/** Posting the row failed: counted, with what went wrong (no message text: a method, a code). */
export async function markRelayFailed(db: Db, messageId: number, error: string): Promise<void> {
  await db
    .update(handoffMessages)
    .set({ relayAttempts: sql`${handoffMessages.relayAttempts} + 1`, relayError: error.slice(0, 200) })
    .where(eq(handoffMessages.id, messageId))
}

/** The handoff whose forum topic `topicId` is, in group `chatId`. */
export async function handoffByTopic(db: Db, chatId: string, topicId: number): Promise<HandoffRow | undefined> {
  return await first(
    db
      .select()
      .from(handoffRequests)
      .where(and(eq(handoffRequests.tgChatId, chatId), eq(handoffRequests.tgTopicId, topicId))),
  )
}

/** The handoff a post of group `chatId` belongs to: its header, or one of its relayed rows (reply mode). */
export async function handoffByGroupMessage(db: Db, chatId: string, messageId: number): Promise<HandoffRow | undefined> {
  const root = await first(
    db
      .select()
      .from(handoffRequests)
      .where(and(eq(handoffRequests.tgChatId, chatId), eq(handoffRequests.tgRootMessageId, messageId))),
  )
  if (root) return root
  return (
    await first(
      db
        .select({ handoff: handoffRequests })
        .from(handoffMessages)
        .innerJoin(handoffRequests, eq(handoffRequests.id, handoffMessages.handoffId))
        .where(and(eq(handoffMessages.tgMessageId, messageId), eq(handoffRequests.tgChatId, chatId))),
    )
  )?.handoff
}

/** The region code of a handoff (null: none, the centre's). */
export async function regionCodeOf(db: Db, regionId: number | null): Promise<string | null> {
  if (regionId === null) return null
  return (await first(db.select({ code: regions.code }).from(regions).where(eq(regions.id, regionId))))?.code ?? null
}

/** The staff account a Telegram user is linked to (`/tautkan`), whatever its status. */
export async function staffByTelegramUser(db: Db, telegramUserId: string) {
  return await first(db.select().from(staff).where(eq(staff.telegramUserId, telegramUserId)))
}

export type GroupCleanup = typeof handoffGroupCleanups.$inferSelect

/** Group posts still to delete (erasure, retention) that have failed fewer than `maxAttempts` times. */
export async function pendingCleanups(db: Db, maxAttempts: number, limit = 50): Promise<GroupCleanup[]> {
  return await db
    .select()
    .from(handoffGroupCleanups)
    .where(and(isNull(handoffGroupCleanups.doneAt), lt(handoffGroupCleanups.attempts, maxAttempts)))
    .orderBy(asc(handoffGroupCleanups.id))
    .limit(limit)
}

export async function markCleanupDone(db: Db, id: number, at: Date): Promise<void> {
  await db.update(handoffGroupCleanups).set({ doneAt: at }).where(eq(handoffGroupCleanups.id, id))
}

export async function markCleanupFailed(db: Db, id: number): Promise<void> {
  await db
    .update(handoffGroupCleanups)
    .set({ attempts: sql`${handoffGroupCleanups.attempts} + 1` })
    .where(eq(handoffGroupCleanups.id, id))
}
