/**
 * Reading the reminders in the outbox for the secretariat (`npm run cli -- reminders`, the admin
 * API) and for menu 5: what is planned, what each delivery run would do now, and each reminder's
 * delivery status. The writes are the reminder plan's (src/core/reminders/plan.ts), at the end.
 */
import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm'
import {
  EVENT_KIND,
  type EventKind,
  type EventRef,
  type ExamKind,
  eventKeyPrefix,
  kindOfEvent,
  parseEventKey,
} from '../../vocabulary/events.js'
import type { Channel } from '../../vocabulary/message.js'
import { changed, type Db, first, statement } from '../client.js'
import { OUTBOX_STATUSES, type OutboxStatus, outbox } from '../schema.js'

export type EventFacts = {
  /** Null when the event is gone (an exam row deleted with its person's data). */
  kind: EventKind | null
  /** The session's or exam's code; null for a portfolio deadline. */
  code: string | null
  /** The Bimtek session's title. */
  title: string | null
}

const GONE: EventFacts = { kind: null, code: null, title: null }

/** What the reminders' event keys point at, read in two queries whatever the number of keys. */
export async function describeEvents(db: Db, keys: Iterable<string | null>): Promise<Map<string, EventFacts>> {
  const refs = new Map<string, EventRef>()
  for (const key of keys) {
    const ref = key === null || refs.has(key) ? undefined : parseEventKey(key)
    if (key !== null && ref) refs.set(key, ref)
  }
  const ids = (source: EventRef['source']) =>
    JSON.stringify([...refs.values()].filter((ref) => ref.source === source).map((ref) => ref.id))
  const exams = new Map(
    (
      (await statement(db, 'SELECT id, kind, code FROM exams WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))').all(
        ids('exam'),
      )) as {
        id: number
        kind: ExamKind
        code: string | null
      }[]
    ).map((row) => [row.id, row]),
  )
  const sessions = new Map(
    (
      (await statement(
        db,
        `SELECT r.id, s.code, s.title FROM registrations r JOIN bimtek_sessions s ON s.id = r.session_id
         WHERE r.id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))`,
      ).all(ids('registration'))) as { id: number; code: string; title: string }[]
    ).map((row) => [row.id, row]),
  )
  const facts = new Map<string, EventFacts>()
  for (const [key, ref] of refs) {
    const exam = ref.source === 'exam' ? exams.get(ref.id) : undefined
    const session = ref.source === 'registration' ? sessions.get(ref.id) : undefined
    facts.set(key, {
      kind: kindOfEvent(ref.source, exam?.kind) ?? null,
      code: exam?.code ?? session?.code ?? null,
      title: session?.title ?? null,
    })
  }
  return facts
}

/** The condition "the reminder is about an event of `kind`": by its key's source, and an exam's by the exam's kind. */
function kindCondition(kind: EventKind, args: Record<string, string | number>): string {
  const { source } = EVENT_KIND[kind]
  args.keyPrefix = eventKeyPrefix(source)
  if (source !== 'exam') return 'substr(o.event_key, 1, length(@keyPrefix)) = @keyPrefix'
  args.kind = kind
  // The keys of the exams of that kind, spelled as eventKey spells them.
  return 'o.event_key IN (SELECT @keyPrefix || id FROM exams WHERE kind = @kind)'
}

export type ReminderFilter = {
  status?: OutboxStatus | undefined
  channel?: Channel | undefined
  kind?: EventKind | undefined
  eventKey?: string | undefined
  personId?: number | undefined
  /** Only these people's reminders. */
  people?: readonly number[] | undefined
  /** Only the reminders of people living in these provinces (a region's; none: no reminder). */
  provinces?: readonly string[] | undefined
}

export type ReminderRow = {
  id: number
  status: OutboxStatus
  eventKind: EventFacts['kind']
  eventKey: string | null
  eventCode: EventFacts['code']
  eventTitle: EventFacts['title']
  label: string | null
  channel: Channel
  chatId: string
  timeZone: string | null
  dueAt: Date
  expiresAt: Date | null
  sentAt: Date | null
  attempts: number
  lastError: string | null
}

type RawRow = Omit<ReminderRow, 'eventKind' | 'eventCode' | 'eventTitle' | 'dueAt' | 'expiresAt' | 'sentAt'> & {
  dueAt: number
  expiresAt: number | null
  sentAt: number | null
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms))

const noCounts = () => Object.fromEntries(OUTBOX_STATUSES.map((status) => [status, 0])) as Record<OutboxStatus, number>

/**
 * Reminders matching `filter`, soonest due first (then by id), `limit` of them (a negative one:
 * all) after the position `after` (the last row of the page before).
 */
export async function listReminders(
  db: Db,
  filter: ReminderFilter,
  page: { limit: number; after?: { dueAt: number; id: number } | undefined },
): Promise<ReminderRow[]> {
  const where = [`o.kind = 'reminder'`]
  // SQLite reads LIMIT -1 as no limit; PostgreSQL refuses a negative one, so "all" has no LIMIT.
  const args: Record<string, string | number> = page.limit < 0 ? {} : { limit: page.limit }
  if (filter.status) {
    where.push('o.status = @status')
    args.status = filter.status
  }
  if (filter.channel) {
    where.push('o.channel = @channel')
    args.channel = filter.channel
  }
  if (filter.kind) where.push(kindCondition(filter.kind, args))
  if (filter.eventKey) {
    where.push('o.event_key = @eventKey')
    args.eventKey = filter.eventKey
  }
  if (filter.personId !== undefined) {
    where.push('o.person_id = @personId')
    args.personId = filter.personId
  }
  if (filter.people) {
    where.push('o.person_id IN (SELECT CAST(value AS INTEGER) FROM json_each(@people))')
    args.people = JSON.stringify(filter.people)
  }
  if (filter.provinces) {
    where.push('o.person_id IN (SELECT id FROM people WHERE province_code IN (SELECT value FROM json_each(@provinces)))')
    args.provinces = JSON.stringify(filter.provinces)
  }
  if (page.after) {
    where.push('(o.due_at > @afterDue OR (o.due_at = @afterDue AND o.id > @afterId))')
    args.afterDue = page.after.dueAt
    args.afterId = page.after.id
  }
  const rows = (await statement(
    db,
    `SELECT o.id, o.status, o.event_key AS eventKey, o.label, o.channel, o.chat_id AS chatId, o.time_zone AS timeZone,
         o.due_at AS dueAt, o.expires_at AS expiresAt, o.sent_at AS sentAt, o.attempts, o.last_error AS lastError
       FROM outbox o
       WHERE ${where.join(' AND ')}
       ORDER BY o.due_at, o.id${page.limit < 0 ? '' : ' LIMIT @limit'}`,
  ).all(args)) as RawRow[]
  const events = await describeEvents(
    db,
    rows.map((row) => row.eventKey),
  )
  return rows.map((row) => {
    const event = (row.eventKey !== null && events.get(row.eventKey)) || GONE
    return {
      ...row,
      eventKind: event.kind,
      eventCode: event.code,
      eventTitle: event.title,
      dueAt: new Date(row.dueAt),
      expiresAt: date(row.expiresAt),
      sentAt: date(row.sentAt),
    }
  })
}

/**
 * Only the rows of people living in `provinces` (a region's), as SQL and its arguments; nothing
 * without a list.
 */
function provinceCondition(provinces: readonly string[] | undefined): { sql: string; args: string[] } {
  if (!provinces) return { sql: '', args: [] }
  return {
    sql: ' AND person_id IN (SELECT id FROM people WHERE province_code IN (SELECT value FROM json_each(?)))',
    args: [JSON.stringify(provinces)],
  }
}

/** How many outbox rows are in each status: all kinds, or only reminders; with `provinces`, of those people only. */
export async function statusCounts(
  db: Db,
  only?: 'reminder',
  provinces?: readonly string[],
): Promise<Record<OutboxStatus, number>> {
  const counts = noCounts()
  const scope = provinceCondition(provinces)
  const rows = (await statement(
    db,
    `SELECT status, COUNT(*) AS count FROM outbox WHERE true ${only ? `AND kind = 'reminder'` : ''}${scope.sql} GROUP BY status`,
  ).all(...scope.args)) as { status: OutboxStatus; count: number }[]
  for (const row of rows) counts[row.status] = row.count
  return counts
}

/**
 * The earliest due time of the pending rows (in the past when a backlog waits), all kinds or only
 * reminders; with `provinces`, of those people only.
 */
export async function nextPendingDue(db: Db, only?: 'reminder', provinces?: readonly string[]): Promise<Date | null> {
  const scope = provinceCondition(provinces)
  const row = (await statement(
    db,
    `SELECT MIN(due_at) AS at FROM outbox WHERE status = 'pending' ${only ? `AND kind = 'reminder'` : ''}${scope.sql}`,
  ).get(...scope.args)) as { at: number | null }
  return date(row.at)
}

export type EventCount = {
  kind: EventKind | null
  label: string | null
  count: number
  /** How long before its event the label is (longest first: 7d before 1d before 2h). */
  spanMs: number
}

/**
 * These people's reminders: how many in each status, the pending ones per event kind and label,
 * and the next `limit` pending ones (-1: all).
 */
export async function remindersOfPeople(db: Db, people: readonly number[], limit: number) {
  const ids = JSON.stringify(people)
  const statuses = noCounts()
  const rows = (await statement(
    db,
    `SELECT status, COUNT(*) AS count FROM outbox
       WHERE kind = 'reminder' AND person_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) GROUP BY status`,
  ).all(ids)) as { status: OutboxStatus; count: number }[]
  for (const row of rows) statuses[row.status] = row.count
  const perEvent = (await statement(
    db,
    `SELECT event_key AS eventKey, label, COUNT(*) AS count, MAX(expires_at - due_at) AS spanMs FROM outbox
       WHERE kind = 'reminder' AND status = 'pending' AND person_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))
       GROUP BY 1, 2`,
  ).all(ids)) as { eventKey: string | null; label: string | null; count: number; spanMs: number }[]
  // Counted per event in SQL, then per kind of event here, where keys are read.
  const kinds = await describeEvents(
    db,
    perEvent.map((row) => row.eventKey),
  )
  const counts = new Map<string, EventCount>()
  for (const row of perEvent) {
    const kind = (row.eventKey !== null && kinds.get(row.eventKey)?.kind) || null
    const key = `${kind} ${row.label}`
    const known = counts.get(key)
    counts.set(
      key,
      known
        ? { ...known, count: known.count + row.count, spanMs: Math.max(known.spanMs, row.spanMs) }
        : { kind, label: row.label, count: row.count, spanMs: row.spanMs },
    )
  }
  const byEvent = [...counts.values()]
  const next = limit === 0 ? [] : await listReminders(db, { status: 'pending', people }, { limit })
  return { statuses, byEvent, next }
}

/**
 * Whose reminders to plan again when everyone's are: every person with a linked chat that is not
 * blocked, and everyone with reminders still waiting (so those of an unlinked chat are cancelled).
 */
export async function peopleToReplan(db: Db): Promise<number[]> {
  return (
    (await statement(
      db,
      `SELECT person_id AS id FROM channel_identities WHERE person_id IS NOT NULL AND blocked_at IS NULL
         UNION
         SELECT person_id FROM outbox WHERE kind = 'reminder' AND status IN ('pending', 'queued') AND person_id IS NOT NULL
         ORDER BY 1`,
    ).all()) as { id: number }[]
  ).map((row) => row.id)
}

export type QuietZone = { zone: string; until: Date }

/** What a delivery run at `now` does with the pending rows (see skipUnsendable and claimBatch). */
type RunInput = { now: Date; graceMs: number; quiet: QuietZone[] }

/**
 * claimBatch's hold: reminders of a zone in its quiet hours, unless their event starts before the
 * quiet hours end; announcements of such a zone always.
 */
function holdClause(quiet: QuietZone[], args: Record<string, string | number>): string {
  const clauses = quiet.map((q, i) => {
    args[`zone${i}`] = q.zone
    args[`until${i}`] = q.until.getTime()
    return `(kind = 'reminder' AND time_zone = @zone${i} AND (expires_at IS NULL OR expires_at > @until${i})) OR (kind = 'announcement' AND time_zone IS NOT DISTINCT FROM @zone${i})`
  })
  return clauses.length > 0 ? `(${clauses.join(' OR ')})` : 'false'
}

export type ChannelPreview = {
  channel: Channel
  /** Reminders due now and still useful (held ones included). */
  dueReminders: number
  /** Other messages due now (seat offers, status changes). */
  dueOther: number
  /** Of `dueReminders` and the announcements of `dueOther`: held by the quiet hours, per zone. */
  held: { zone: string; count: number }[]
  /** Reminders skipped as due longer ago than the grace period. */
  missed: number
  /** Reminders skipped because their event has started. */
  started: number
  /** Other messages skipped as expired. */
  expired: number
  /** Of `dueReminders` not held: due more than `lateAfterMs` ago, so recorded as late when sent now. */
  late: number
}

/** Per channel, what a delivery run at `now` would do with the pending rows; changes nothing. */
export async function deliveryPreview(db: Db, input: RunInput & { lateAfterMs: number }): Promise<ChannelPreview[]> {
  const args: Record<string, string | number> = {
    now: input.now.getTime(),
    missedBefore: input.now.getTime() - input.graceMs,
    lateBefore: input.now.getTime() - input.lateAfterMs,
  }
  const hold = holdClause(input.quiet, args)
  const live = '(expires_at IS NULL OR expires_at > @now)'
  const dueReminder = `kind = 'reminder' AND ${live} AND due_at >= @missedBefore AND due_at <= @now`
  const rows = (await statement(
    db,
    `SELECT channel,
         COUNT(CASE WHEN kind = 'reminder' AND expires_at <= @now THEN 1 END) AS started,
         COUNT(CASE WHEN kind <> 'reminder' AND expires_at <= @now THEN 1 END) AS expired,
         COUNT(CASE WHEN kind = 'reminder' AND ${live} AND due_at < @missedBefore THEN 1 END) AS missed,
         COUNT(CASE WHEN ${dueReminder} THEN 1 END) AS dueReminders,
         COUNT(CASE WHEN kind <> 'reminder' AND ${live} AND due_at <= @now THEN 1 END) AS dueOther,
         COUNT(CASE WHEN ${dueReminder} AND due_at < @lateBefore AND NOT ${hold} THEN 1 END) AS late
       FROM outbox WHERE status = 'pending' AND (due_at <= @now OR expires_at <= @now)
       GROUP BY channel ORDER BY channel`,
  ).all(args)) as Omit<ChannelPreview, 'held'>[]
  const held =
    input.quiet.length === 0
      ? []
      : ((await statement(
          db,
          `SELECT channel, time_zone AS zone, COUNT(*) AS count FROM outbox
             WHERE status = 'pending' AND (${dueReminder} OR (kind = 'announcement' AND ${live} AND due_at <= @now)) AND ${hold}
             GROUP BY channel, time_zone ORDER BY channel, time_zone`,
        ).all(args)) as { channel: Channel; zone: string; count: number }[])
  return rows.map((row) => ({
    ...row,
    held: held.filter((h) => h.channel === row.channel).map(({ zone, count }) => ({ zone, count })),
  }))
}

export type BatchRow = { id: number; chatId: string; kind: string; label: string | null; payload: string; dueAt: number }

/**
 * The rows of `channel` a delivery run at `now` would take, in the order it takes them (like
 * claimBatch after skipUnsendable: other messages before announcements), without taking them.
 */
export async function previewBatch(db: Db, input: RunInput & { channel: Channel; limit: number }): Promise<BatchRow[]> {
  const args: Record<string, string | number> = {
    now: input.now.getTime(),
    missedBefore: input.now.getTime() - input.graceMs,
    channel: input.channel,
    limit: input.limit,
  }
  const hold = holdClause(input.quiet, args)
  return (await statement(
    db,
    `SELECT * FROM (
         SELECT id, chat_id AS chatId, kind, label, payload, due_at AS dueAt FROM outbox
         WHERE status = 'pending' AND due_at <= @now AND channel = @channel
           AND (expires_at IS NULL OR expires_at > @now) AND NOT (kind = 'reminder' AND due_at < @missedBefore)
           AND NOT ${hold}
         ORDER BY kind = 'announcement', due_at, id LIMIT @limit) AS batch
       ORDER BY dueAt, id`,
  ).all(args)) as BatchRow[]
}

/** The reminders still to come in this chat, soonest first. */
export async function upcomingRemindersOfChat(db: Db, channel: Channel, chatId: string) {
  return await db
    .select({ eventKey: outbox.eventKey, label: outbox.label, dueAt: outbox.dueAt, expiresAt: outbox.expiresAt })
    .from(outbox)
    .where(
      and(
        eq(outbox.channel, channel),
        eq(outbox.chatId, chatId),
        eq(outbox.kind, 'reminder'),
        inArray(outbox.status, ['pending', 'queued']),
      ),
    )
    .orderBy(asc(outbox.dueAt))
}

/** The event of the latest reminder sent to this chat whose event ended after `endedAfter`. */
export async function latestRemindedEvent(
  db: Db,
  channel: Channel,
  chatId: string,
  endedAfter: Date,
): Promise<string | undefined> {
  return (
    (
      await first(
        db
          .select({ eventKey: outbox.eventKey })
          .from(outbox)
          .where(
            and(
              eq(outbox.channel, channel),
              eq(outbox.chatId, chatId),
              eq(outbox.kind, 'reminder'),
              inArray(outbox.status, ['sent', 'late']),
              gt(outbox.expiresAt, endedAfter),
            ),
          )
          .orderBy(desc(outbox.sentAt), desc(outbox.id)),
      )
    )?.eventKey ?? undefined
  )
}

/** A person's reminders not sent yet: pending, or queued for sending. */
export async function waitingRemindersOf(db: Db, personId: number) {
  return await db
    .select({
      id: outbox.id,
      key: outbox.idempotencyKey,
      status: outbox.status,
      eventKey: outbox.eventKey,
      channel: outbox.channel,
      chatId: outbox.chatId,
      payload: outbox.payload,
      dueAt: outbox.dueAt,
    })
    .from(outbox)
    .where(and(eq(outbox.personId, personId), eq(outbox.kind, 'reminder'), inArray(outbox.status, ['pending', 'queued'])))
}

/**
 * Only a reminder still waiting (pending, or queued and not yet sent) is cancelled or rewritten: the
 * outbox records a send outside any transaction, and on PostgreSQL it may land between the planner
 * reading a reminder and changing it. A reminder sent meanwhile stays recorded as sent.
 */
const stillWaiting = (id: number) => and(eq(outbox.id, id), inArray(outbox.status, ['pending', 'queued']))

/** A waiting reminder no longer wanted, with the reason kept in `last_error`. */
export async function cancelReminder(db: Db, id: number, reason: string, at: Date): Promise<void> {
  await db.update(outbox).set({ status: 'cancelled', lastError: reason, claimToken: null, updatedAt: at }).where(stillWaiting(id))
}

/** A waiting reminder whose text or time changed. */
export async function rewriteReminder(db: Db, id: number, change: { payload: string; dueAt: Date }, at: Date): Promise<void> {
  await db.update(outbox).set({ payload: change.payload, dueAt: change.dueAt, updatedAt: at }).where(stillWaiting(id))
}

export type PlannedReminder = {
  key: string
  channel: Channel
  chatId: string
  personId: number
  eventKey: string
  label: string
  timeZone: string
  payload: string
  dueAt: Date
  expiresAt: Date
}

/** Queues one planned reminder; 1 when it was queued (new, or cancelled before and planned again), else 0. */
export async function queueReminder(db: Db, reminder: PlannedReminder, at: Date): Promise<number> {
  return changed(
    await db
      .insert(outbox)
      .values({
        idempotencyKey: reminder.key,
        channel: reminder.channel,
        chatId: reminder.chatId,
        personId: reminder.personId,
        kind: 'reminder',
        eventKey: reminder.eventKey,
        label: reminder.label,
        timeZone: reminder.timeZone,
        payload: reminder.payload,
        dueAt: reminder.dueAt,
        expiresAt: reminder.expiresAt,
        createdAt: at,
        updatedAt: at,
      })
      // A reminder cancelled before (reminders stopped, then started again) is planned again;
      // one already sent, skipped or failed stays as it is: at most once.
      .onConflictDoUpdate({
        target: outbox.idempotencyKey,
        set: {
          status: 'pending',
          payload: reminder.payload,
          dueAt: reminder.dueAt,
          expiresAt: reminder.expiresAt,
          timeZone: reminder.timeZone,
          lastError: null,
          attempts: 0,
          claimToken: null,
          updatedAt: at,
        },
        setWhere: eq(outbox.status, 'cancelled'),
      }),
  )
}
