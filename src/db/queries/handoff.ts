/** Requests to talk to a staff member, with the consent that allows keeping them. */
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Channel } from '../../vocabulary/message.js'
import { type Db, statement } from '../client.js'
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
export async function insertHandoff(db: Db, request: NewHandoff): Promise<number> {
  // Filed from a chat turn: statements prepared once per connection, not built each time.
  const at = request.at.getTime()
  await statement(
    db,
    'update handoff_requests set rating_pending = 0 where channel = ? and chat_id = ? and rating_pending = 1',
  ).run(request.channel, request.chatId)
  const { id } = (await statement(
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
  )) as { id: number }
  await statement(
    db,
    `insert into consent_records (person_id, channel, chat_id, purpose, reference, text_version, granted, recorded_at)
     values (?, ?, ?, 'handoff', ?, ?, 1, ?)`,
  ).run(request.personId ?? null, request.channel, request.chatId, request.code, request.consentTextVersion, at)
  await statement(
    db,
    "insert into audit_log (at, actor, action, entity, entity_id) values (?, ?, 'handoff.created', 'handoff_request', ?)",
  ).run(at, `chat:${request.channel}`, request.code)
  return id
}

/** The region serving a province (its `province_codes` hold it), if any. */
export async function regionIdOfProvince(db: Db, provinceCode: string): Promise<number | undefined> {
  const row = (await statement(
    db,
    "select id from regions where ',' || replace(province_codes, ' ', '') || ',' like '%,' || ? || ',%' order by code limit 1",
  ).get(provinceCode)) as { id: number } | undefined
  return row?.id
}

/** Which requests `handoff list` shows: still to answer (waiting or open, the default), one state, or all. */
export type HandoffListFilter = 'active' | 'waiting' | 'open' | 'closed' | 'all'

/** Requests with their region's code, oldest first. */
export async function listHandoffs(db: Db, filter: HandoffListFilter = 'active', regionCode?: string) {
  const states = filter === 'all' ? ['waiting', 'open', 'closed'] : filter === 'active' ? ['waiting', 'open'] : [filter]
  return await db
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
}

/**
 * Before handoffs are deleted (erasure, retention): their posts in a staff Telegram group are
 * queued for deletion (the whole forum topic, or each message in a group without topics).
 */
export async function queueGroupCleanups(db: Db, handoffIds: number[], reason: 'erasure' | 'retention', at: Date): Promise<void> {
  for (const id of handoffIds) {
    const handoff = (await statement(
      db,
      'select tg_chat_id as chatId, tg_topic_id as topicId, tg_root_message_id as rootId from handoff_requests where id = ?',
    ).get(id)) as { chatId: string | null; topicId: number | null; rootId: number | null } | undefined
    if (!handoff?.chatId) continue
    const posted = handoff.topicId
      ? []
      : ((await statement(
          db,
          'select tg_message_id as m from handoff_messages where handoff_id = ? and tg_message_id is not null',
        ).all(id)) as {
          m: number
        }[])
    const messageIds = handoff.topicId ? [] : [...(handoff.rootId ? [handoff.rootId] : []), ...posted.map((row) => row.m)]
    await db.insert(handoffGroupCleanups).values({
      tgChatId: handoff.chatId,
      tgTopicId: handoff.topicId,
      tgMessageIds: JSON.stringify(messageIds),
      reason,
      createdAt: at,
    })
  }
}

/**
 * Deletes requests past the retention period promised to the user (counted from when the
 * conversation closed; a phone-call request of before live handoff, from when it was filed), with
 * their thread, files and consent records. A conversation still going on is never cut off.
 */
export async function purgeHandoffs(db: Db, before: Date, at: Date = before): Promise<number> {
  const due = (await statement(
    db,
    `select id, code from handoff_requests
      where (status = 'closed' and coalesce(closed_at, created_at) < ?) or (live = 0 and created_at < ?)`,
  ).all(before.getTime(), before.getTime())) as { id: number; code: string }[]
  if (due.length === 0) return 0
  await queueGroupCleanups(
    db,
    due.map((row) => row.id),
    'retention',
    at,
  )
  const codes = due.map((row) => row.code)
  await db.delete(handoffRequests).where(
    inArray(
      handoffRequests.id,
      due.map((row) => row.id),
    ),
  )
  await db.delete(consentRecords).where(and(eq(consentRecords.purpose, 'handoff'), inArray(consentRecords.reference, codes)))
  return due.length
}

/** The chat's handoff as the person's side sees it on each message. */
export type ChatHandoff = { id: number; code: string; status: 'waiting' | 'open' | 'closed'; ratingPending: number }

/**
 * The chat's waiting or open handoff, else the closed one whose rating is still asked (the newest).
 * Runs on every message a person sends: it matches the partial index handoff_requests_chat_live_idx
 * (one index probe), and the statement is prepared once per connection.
 */
export async function handoffOfChat(db: Db, channel: Channel, chatId: string): Promise<ChatHandoff | undefined> {
  return (await statement(
    db,
    `select id, code, status, rating_pending as ratingPending from handoff_requests
        where channel = ? and chat_id = ? and ((status in ('waiting', 'open') and live = 1) or rating_pending = 1)
        order by (status = 'closed'), id desc limit 1`,
  ).get(channel, chatId)) as ChatHandoff | undefined
}

/** The columns the person's side of a live handoff changes, and their names in the table. */
const PERSON_SIDE_COLUMNS = {
  ratingPending: 'rating_pending',
  endAskedAt: 'end_asked_at',
  lastPersonAt: 'last_person_at',
  ackedAt: 'acked_at',
  afterHoursAckUntil: 'after_hours_ack_until',
  rating: 'rating',
  ratedAt: 'rated_at',
} as const
export type PersonSideColumn = keyof typeof PERSON_SIDE_COLUMNS
const stored = (value: Date | boolean | number | null): number | null =>
  value instanceof Date ? value.getTime() : typeof value === 'boolean' ? Number(value) : value

/**
 * Updates a few columns of a handoff from the person's side (asked to end, last message, the
 * acknowledgements, the rating). This runs on every message: one statement prepared once per set of
 * columns, not built each time.
 */
export async function updatePersonSide(
  db: Db,
  handoffId: number,
  values: Partial<Record<PersonSideColumn, Date | boolean | number | null>>,
): Promise<void> {
  const columns = Object.keys(values) as PersonSideColumn[]
  await statement(
    db,
    `update handoff_requests set ${columns.map((c) => `${PERSON_SIDE_COLUMNS[c]} = ?`).join(', ')} where id = ?`,
  ).run(...columns.map((c) => stored(values[c] ?? null)), handoffId)
}

/** Closes a handoff: who closed it and when; the end no longer asked; whether a rating is asked. */
export async function closeHandoff(
  db: Db,
  handoffId: number,
  close: { at: Date; by: 'person' | 'staff' | 'idle'; staffId: number | null; ratingPending: boolean },
): Promise<void> {
  await statement(
    db,
    `update handoff_requests set status = 'closed', closed_at = ?, closed_by = ?, closed_by_staff_id = ?, end_asked_at = null,
       rating_pending = ? where id = ?`,
  ).run(close.at.getTime(), close.by, close.staffId, close.ratingPending ? 1 : 0, handoffId)
}

/** Opens a handoff (it was taken), assigned to `assignedStaffId`. */
export async function markHandoffTaken(
  db: Db,
  handoffId: number,
  taken: { takenAt: Date; assignedStaffId: number | null },
): Promise<void> {
  await db
    .update(handoffRequests)
    .set({ status: 'open', takenAt: taken.takenAt, assignedStaffId: taken.assignedStaffId })
    .where(eq(handoffRequests.id, handoffId))
}

/** Staff answered the person: the last and the first answer, and the waiting alert may come again. */
export async function markStaffReplied(
  db: Db,
  handoffId: number,
  reply: { lastStaffAt: Date; firstStaffReplyAt: Date },
): Promise<void> {
  await db
    .update(handoffRequests)
    .set({ lastStaffAt: reply.lastStaffAt, firstStaffReplyAt: reply.firstStaffReplyAt, alertedAt: null })
    .where(eq(handoffRequests.id, handoffId))
}

/** Staff were told again that the person is waiting. */
export async function markHandoffAlerted(db: Db, handoffId: number, at: Date): Promise<void> {
  await db.update(handoffRequests).set({ alertedAt: at }).where(eq(handoffRequests.id, handoffId))
}

/**
 * Live handoffs not yet alerted whose person waits for staff: waiting for a first answer, or open
 * with the person's last message unanswered.
 */
export async function unansweredHandoffIds(db: Db): Promise<number[]> {
  const rows = (await statement(
    db,
    `select id from handoff_requests
        where live = 1 and alerted_at is null
          and (status = 'waiting' or (status = 'open' and last_person_at is not null
               and (last_staff_at is null or last_person_at > last_staff_at)))`,
  ).all()) as { id: number }[]
  return rows.map((row) => row.id)
}

/** Live open handoffs where staff spoke last, at or before `lastStaffBefore`, and nobody wrote since. */
export async function idleHandoffIds(db: Db, lastStaffBefore: Date): Promise<number[]> {
  const rows = (await statement(
    db,
    `select id from handoff_requests
        where live = 1 and status = 'open' and last_staff_at is not null
          and (last_person_at is null or last_person_at <= last_staff_at) and last_staff_at <= ?`,
  ).all(lastStaffBefore.getTime())) as { id: number }[]
  return rows.map((row) => row.id)
}
