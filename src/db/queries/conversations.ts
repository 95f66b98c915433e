/** Conversation state and inbound de-duplication: the queries on the hot path of every message. */
import { and, eq, lt, sql } from 'drizzle-orm'
import type { Channel, Language } from '../../vocabulary/message.js'
import { connectionOf, type Db } from '../client.js'
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
  const markProcessed = db
    .insert(processedMessages)
    .values({
      channel: sql.placeholder('channel'),
      chatId: sql.placeholder('chatId'),
      messageId: sql.placeholder('messageId'),
      receivedAt: sql.placeholder('receivedAt'),
    })
    .onConflictDoNothing()
    .prepare()
  const load = db
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
    )
    .prepare()
  const insert = db
    .insert(conversationStates)
    .values({
      channel: sql.placeholder('channel'),
      chatId: sql.placeholder('chatId'),
      language: sql`${sql.placeholder('language')}`,
      flow: sql`${sql.placeholder('flow')}`,
      step: sql`${sql.placeholder('step')}`,
      data: sql`${sql.placeholder('data')}`,
      version: 1,
      updatedAt: sql`${sql.placeholder('updatedAt')}`,
    })
    .prepare()
  const update = db
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
    )
    .prepare()

  return {
    /** Records an inbound message id; false when it was seen before. */
    markProcessed(channel: Channel, chatId: string, messageId: string, receivedAt: Date): boolean {
      return markProcessed.run({ channel, chatId, messageId, receivedAt }).changes === 1
    },

    load(channel: Channel, chatId: string): StoredConversation | undefined {
      return load.get({ channel, chatId })
    },

    /** Saves the state if nobody changed it since `version` was read (0: it did not exist). */
    save(
      channel: Channel,
      chatId: string,
      version: number,
      next: { language: Language; flow: string | null; step: string | null; data: string; updatedAt: Date },
    ): void {
      // Placeholders wrapped in sql`` are not encoded by drizzle: bind the time as milliseconds.
      const values = { channel, chatId, ...next, updatedAt: next.updatedAt.getTime() }
      if (version === 0) {
        try {
          insert.run(values)
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new VersionConflictError(channel, 0)
          throw error
        }
        return
      }
      if (update.run({ ...values, version }).changes !== 1) throw new VersionConflictError(channel, version)
    },

    /** Forgets what unfinished flows collected once a chat has been silent since `before`. */
    clearExpiredFlows(before: Date): number {
      return (
        db
          .update(conversationStates)
          // The marker lets the next message say that the session ended, as when expiry is noticed live;
          // when English was last offered stays (a null from json_extract drops the key in json_patch).
          .set({
            flow: null,
            step: null,
            data: sql`json_patch('{"expiredFlow":true}', json_object('englishOfferedAt', json_extract(${conversationStates.data}, '$.englishOfferedAt')))`,
            version: sql`${conversationStates.version} + 1`,
          })
          .where(and(lt(conversationStates.updatedAt, before), sql`${conversationStates.flow} is not null`))
          .run().changes
      )
    },

    /** Drops de-duplication records older than `before`. */
    pruneProcessed(before: Date): number {
      return db.delete(processedMessages).where(lt(processedMessages.receivedAt, before)).run().changes
    },
  }
}

export type ConversationQueries = ReturnType<typeof createConversationQueries>

// Asked on every message: built and prepared once per connection. Keyed by the connection, not the
// handle: every transaction and savepoint has a handle of its own over one shared session.
const perConnection = new WeakMap<object, ConversationQueries>()

/** `createConversationQueries`, prepared once per connection (the engine's hot path). */
export function conversationQueries(db: Db): ConversationQueries {
  const client = connectionOf(db)
  let queries = perConnection.get(client)
  if (!queries) {
    queries = createConversationQueries(db)
    perConnection.set(client, queries)
  }
  return queries
}
