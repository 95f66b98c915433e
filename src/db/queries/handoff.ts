/** Requests to talk to a staff member, with the consent that allows keeping them. */
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Channel } from '../../vocabulary/message.js'
import { cached, type Db } from '../client.js'
import { consentRecords, handoffGroupCleanups, handoffRequests, regions } from '../schema.js'

export type NewHandoff = {
  code: string
  channel: Channel
  chatId: string
  /** The person the chat is linked to, if any. */
  personId?: number | null
  name: string
  phoneE164: string
  topic: string
  question: string
  /** The region that answers it (from the person's province); null: the centre. */
  regionId: number | null
  language: 'id' | 'en'
  consentTextVersion: string
  at: Date
}

/**
 * Stores a request (waiting for staff; the chat now talks to staff), the consent given for it and an
 * audit entry; call inside a transaction. A rating still owed for an earlier one is no longer asked.
 */
export function insertHandoff(db: Db, request: NewHandoff): number {
  // Filed from a chat turn: statements prepared once per connection, not built each time.
  const at = request.at.getTime()
  cached(db, 'update handoff_requests set rating_pending = 0 where channel = ? and chat_id = ? and rating_pending = 1').run(
    request.channel,
    request.chatId,
  )
  const { id } = cached(
    db,
    `insert into handoff_requests (code, channel, chat_id, person_id, name, phone_e164, topic, question, status, live,
       region_id, language, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, 'waiting', 1, ?, ?, ?) returning id`,
  ).get(
    request.code,
    request.channel,
    request.chatId,
    request.personId ?? null,
    request.name,
    request.phoneE164,
    request.topic,
    request.question,
    request.regionId,
    request.language,
    at,
  ) as { id: number }
  cached(
    db,
    `insert into consent_records (person_id, channel, chat_id, purpose, reference, text_version, granted, recorded_at)
     values (?, ?, ?, 'handoff', ?, ?, 1, ?)`,
  ).run(request.personId ?? null, request.channel, request.chatId, request.code, request.consentTextVersion, at)
  cached(
    db,
    "insert into audit_log (at, actor, action, entity, entity_id) values (?, ?, 'handoff.created', 'handoff_request', ?)",
  ).run(at, `chat:${request.channel}`, request.code)
  return id
}

/** The region serving a province (its `province_codes` hold it), if any. */
export function regionIdOfProvince(db: Db, provinceCode: string): number | undefined {
  const row = cached(
    db,
    "select id from regions where ',' || replace(province_codes, ' ', '') || ',' like '%,' || ? || ',%' order by code limit 1",
  ).get(provinceCode) as { id: number } | undefined
  return row?.id
}

/** Which requests `handoff list` shows: still to answer (waiting or open, the default), one state, or all. */
export type HandoffListFilter = 'active' | 'waiting' | 'open' | 'closed' | 'all'

/** Requests with their region's code, oldest first. */
export function listHandoffs(db: Db, filter: HandoffListFilter = 'active', regionCode?: string) {
  const states = filter === 'all' ? ['waiting', 'open', 'closed'] : filter === 'active' ? ['waiting', 'open'] : [filter]
  return db
    .select({
      code: handoffRequests.code,
      status: handoffRequests.status,
      live: handoffRequests.live,
      channel: handoffRequests.channel,
      chatId: handoffRequests.chatId,
      name: handoffRequests.name,
      phoneE164: handoffRequests.phoneE164,
      topic: handoffRequests.topic,
      question: handoffRequests.question,
      createdAt: handoffRequests.createdAt,
      closedAt: handoffRequests.closedAt,
      regionCode: regions.code,
    })
    .from(handoffRequests)
    .leftJoin(regions, eq(regions.id, handoffRequests.regionId))
    .where(
      and(
        inArray(handoffRequests.status, states as ('waiting' | 'open' | 'closed')[]),
        regionCode ? eq(regions.code, regionCode) : undefined,
      ),
    )
    .orderBy(asc(handoffRequests.createdAt), asc(handoffRequests.id))
    .all()
}

/**
 * Before handoffs are deleted (erasure, retention): their posts in a staff Telegram group are
 * queued for deletion (the whole forum topic, or each message in a group without topics).
 */
export function queueGroupCleanups(db: Db, handoffIds: number[], reason: 'erasure' | 'retention', at: Date): void {
  for (const id of handoffIds) {
    const handoff = cached(
      db,
      'select tg_chat_id as chatId, tg_topic_id as topicId, tg_root_message_id as rootId from handoff_requests where id = ?',
    ).get(id) as { chatId: string | null; topicId: number | null; rootId: number | null } | undefined
    if (!handoff?.chatId) continue
    const posted = handoff.topicId
      ? []
      : (cached(db, 'select tg_message_id as m from handoff_messages where handoff_id = ? and tg_message_id is not null').all(
          id,
        ) as {
          m: number
        }[])
    const messageIds = handoff.topicId ? [] : [...(handoff.rootId ? [handoff.rootId] : []), ...posted.map((row) => row.m)]
    db.insert(handoffGroupCleanups)
      .values({
        tgChatId: handoff.chatId,
        tgTopicId: handoff.topicId,
        tgMessageIds: JSON.stringify(messageIds),
        reason,
        createdAt: at,
      })
      .run()
  }
}

/**
 * Deletes requests past the retention period promised to the user (counted from when the
 * conversation closed; a phone-call request of before live handoff, from when it was filed), with
 * their thread, files and consent records. A conversation still going on is never cut off.
 */
export function purgeHandoffs(db: Db, before: Date, at: Date = before): number {
  const due = cached(
    db,
    `select id, code from handoff_requests
      where (status = 'closed' and coalesce(closed_at, created_at) < ?) or (live = 0 and created_at < ?)`,
  ).all(before.getTime(), before.getTime()) as { id: number; code: string }[]
  if (due.length === 0) return 0
  queueGroupCleanups(
    db,
    due.map((row) => row.id),
    'retention',
    at,
  )
  const codes = due.map((row) => row.code)
  db.delete(handoffRequests)
    .where(
      inArray(
        handoffRequests.id,
        due.map((row) => row.id),
      ),
    )
    .run()
  db.delete(consentRecords)
    .where(and(eq(consentRecords.purpose, 'handoff'), inArray(consentRecords.reference, codes)))
    .run()
  return due.length
}
