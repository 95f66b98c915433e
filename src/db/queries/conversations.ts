/** Conversation state and inbound de-duplication: the queries on the hot path of every message. */

import { and, eq, lt, sql } from 'drizzle-orm'
import type { Channel, Language } from '../../vocabulary/message.js'
import { changed, type Db, perConnection, prepared } from '../client.js'
import { onPostgres } from '../dialect.js'
import { conversationStates, processedMessages } from '../schema.js'

export type StoredConversation = {
  language: Language
  flow: string | null
  step: string | null
  data: string
  version: number
  updatedAt: Date
}

/** Typed error: another writer changed the conversation since it was read. */
export class VersionConflictError extends Error {
  override name = 'VersionConflictError'
  constructor(
    readonly channel: Channel,
    readonly expectedVersion: number,
  ) {
    super(`conversation state changed concurrently (expected version ${expectedVersion})`)
  }
}

export function createConversationQueries(db: Db) {
  const markProcessed = prepared(
    db
      .insert(processedMessages)
      .values({
        channel: sql.placeholder('channel'),
        chatId: sql.placeholder('chatId'),
        messageId: sql.placeholder('messageId'),
        receivedAt: sql.placeholder('receivedAt'),
      })
      .onConflictDoNothing(),
  )
  const load = prepared(
    db
      .select({
        language: conversationStates.language,
        flow: conversationStates.flow,
        step: conversationStates.step,
        data: conversationStates.data,
        version: conversationStates.version,
        updatedAt: conversationStates.updatedAt,
      })
      .from(conversationStates)
      .where(
        and(eq(conversationStates.channel, sql.placeholder('channel')), eq(conversationStates.chatId, sql.placeholder('chatId'))),
      ),
  )
  const insert = prepared(
    db.insert(conversationStates).values({
      channel: sql.placeholder('channel'),
      chatId: sql.placeholder('chatId'),
      language: sql`${sql.placeholder('language')}`,
      flow: sql`${sql.placeholder('flow')}`,
      step: sql`${sql.placeholder('step')}`,
      data: sql`${sql.placeholder('data')}`,
      version: 1,
      updatedAt: sql`${sql.placeholder('updatedAt')}`,
    }),
  )
  const update = prepared(
    db
      .update(conversationStates)
      .set({
        language: sql`${sql.placeholder('language')}`,
        flow: sql`${sql.placeholder('flow')}`,
        step: sql`${sql.placeholder('step')}`,
        data: sql`${sql.placeholder('data')}`,
        version: sql`${conversationStates.version} + 1`,
        updatedAt: sql`${sql.placeholder('updatedAt')}`,
      })
      .where(
        and(
          eq(conversationStates.channel, sql.placeholder('channel')),
          eq(conversationStates.chatId, sql.placeholder('chatId')),
          eq(conversationStates.version, sql.placeholder('version')),
        ),
      ),
  )

  return {
    /** Records an inbound message id; false when it was seen before. */
    async markProcessed(channel: Channel, chatId: string, messageId: string, receivedAt: Date): Promise<boolean> {
      return changed(await markProcessed.execute({ channel, chatId, messageId, receivedAt })) === 1
    },

    async load(channel: Channel, chatId: string): Promise<StoredConversation | undefined> {
      return (await load.execute({ channel, chatId }))[0]
    },

    /** Saves the state if nobody changed it since `version` was read (0: it did not exist). */
    async save(
      channel: Channel,
      chatId: string,
      version: number,
      next: { language: Language; flow: string | null; step: string | null; data: string; updatedAt: Date },
    ): Promise<void> {
      // Placeholders wrapped in sql`` are not encoded by drizzle: bind the time as milliseconds.
      const values = { channel, chatId, ...next, updatedAt: next.updatedAt.getTime() }
      if (version === 0) {
        try {
          await insert.execute(values)
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new VersionConflictError(channel, 0)
          throw error
        }
        return
      }
      if (changed(await update.execute({ ...values, version })) !== 1) throw new VersionConflictError(channel, version)
    },

    /** Forgets what unfinished flows collected once a chat has been silent since `before`. */
    async clearExpiredFlows(before: Date): Promise<number> {
      return changed(
        await db
          .update(conversationStates)
          // The marker lets the next message say that the session ended, as when expiry is noticed live;
          // when English was last offered stays (a null from json_extract drops the key in json_patch).
          .set({
            flow: null,
            step: null,
            data: onPostgres(db)
              ? sql`jsonb_strip_nulls(jsonb_build_object('expiredFlow', true, 'englishOfferedAt', ${conversationStates.data}::jsonb -> 'englishOfferedAt'))::text`
              : sql`json_patch('{"expiredFlow":true}', json_object('englishOfferedAt', json_extract(${conversationStates.data}, '$.englishOfferedAt')))`,
            version: sql`${conversationStates.version} + 1`,
          })
          .where(and(lt(conversationStates.updatedAt, before), sql`${conversationStates.flow} is not null`)),
      )
    },

    /** Drops de-duplication records older than `before`. */
    async pruneProcessed(before: Date): Promise<number> {
      return changed(await db.delete(processedMessages).where(lt(processedMessages.receivedAt, before)))
    },
  }
}

export type ConversationQueries = ReturnType<typeof createConversationQueries>

/** `createConversationQueries`, prepared once per connection (asked on every message: the engine's hot path). */
export const conversationQueries: (db: Db) => ConversationQueries = perConnection(createConversationQueries)
