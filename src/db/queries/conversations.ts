/** Conversation state and inbound de-duplication: the queries on the hot path of every message. */

import { and, lt, sql } from 'drizzle-orm'
import type { Channel, Language } from '../../vocabulary/message.js'
import { changed, type Db, perConnection, statement } from '../client.js'
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
  // The four statements every message runs, as raw statements prepared once (the same SQL on both
  // engines, see portable.ts): through drizzle's prepared queries each call also filled placeholders,
  // mapped the row field by field and made two promises, which cost about as much as the statements.
  const markProcessed = statement(
    db,
    'insert into processed_messages (channel, chat_id, message_id, received_at) values (?, ?, ?, ?) on conflict do nothing',
  )
  const load = statement(
    db,
    `select language, flow, step, data, version, updated_at as updatedAt from conversation_states
      where channel = ? and chat_id = ?`,
  )
  const insert = statement(
    db,
    `insert into conversation_states (channel, chat_id, language, flow, step, data, version, updated_at)
      values (?, ?, ?, ?, ?, ?, 1, ?) on conflict (channel, chat_id) do nothing`,
  )
  const update = statement(
    db,
    `update conversation_states set language = ?, flow = ?, step = ?, data = ?, version = version + 1, updated_at = ?
      where channel = ? and chat_id = ? and version = ?`,
  )

  return {
    /** Records an inbound message id; false when it was seen before. */
    async markProcessed(channel: Channel, chatId: string, messageId: string, receivedAt: Date): Promise<boolean> {
      return (await markProcessed.run(channel, chatId, messageId, receivedAt.getTime())).changes === 1
    },

    async load(channel: Channel, chatId: string): Promise<StoredConversation | undefined> {
      const row = (await load.get(channel, chatId)) as (Omit<StoredConversation, 'updatedAt'> & { updatedAt: number }) | undefined
      return row && { ...row, updatedAt: new Date(row.updatedAt) }
    },

    /** Saves the state if nobody changed it since `version` was read (0: it did not exist). */
    async save(
      channel: Channel,
      chatId: string,
      version: number,
      next: { language: Language; flow: string | null; step: string | null; data: string; updatedAt: Date },
    ): Promise<void> {
      const { language, flow, step, data } = next
      const updatedAt = next.updatedAt.getTime()
      if (version === 0) {
        // Someone saved the chat's first state meanwhile: nothing inserted, the same conflict as a
        // changed version (without an error, which on PostgreSQL would end the transaction).
        const { changes } = await insert.run(channel, chatId, language, flow, step, data, updatedAt)
        if (changes !== 1) throw new VersionConflictError(channel, 0)
        return
      }
      const { changes } = await update.run(language, flow, step, data, updatedAt, channel, chatId, version)
      if (changes !== 1) throw new VersionConflictError(channel, version)
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
