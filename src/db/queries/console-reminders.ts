/**
 * The console's Pengingat page: the outbox's reminders and other proactive messages, filtered and a
 * page at a time, scoped in SQL by the person's region (see console-scope.ts); and sending a failed
 * one, or one whose outcome is unknown, again as a new row.
 */
import { type Db, statement } from '../client.js'
import { type ConsoleScope, provinceFilter } from './console-scope.js'

/**
 * The statuses as the page groups them: planned (waiting or being sent), sent (late too), failed,
 * unknown (a crash while sending: it may have arrived, so it is not a failure), skipped, cancelled.
 */
export const REMINDER_STATES = {
  planned: ['pending', 'queued', 'claimed'],
  sent: ['sent', 'late'],
  failed: ['failed'],
  unknown: ['unknown'],
  skipped: ['skipped'],
  cancelled: ['cancelled'],
} as const
export type ReminderState = keyof typeof REMINDER_STATES

/** Every filter is optional; `from` is included, `to` excluded (on the time the message was due). */
export type ReminderFilter = {
  state?: ReminderState
  kind?: string
  channel?: string
  from?: Date
  to?: Date
}

export type ReminderRow = {
  id: number
  kind: string
  channel: string
  status: string
  dueAt: Date
  sentAt: Date | null
  attempts: number
  eventKey: string | null
  label: string | null
  lastError: string | null
  expiresAt: Date | null
  personId: number | null
  personName: string | null
  /** The id of the row that sends it again, once staff did. */
  resentAs: number | null
}

function where(scope: ConsoleScope, filter: ReminderFilter): { sql: string; args: (string | number)[] } {
  const parts: string[] = []
  const args: (string | number)[] = []
  const add = (part: string, ...values: (string | number)[]) => {
    parts.push(` and ${part}`)
    args.push(...values)
  }
  if (filter.state) {
    const statuses = REMINDER_STATES[filter.state]
    add(`o.status in (${statuses.map(() => '?').join(', ')})`, ...statuses)
  }
  if (filter.kind) add('o.kind = ?', filter.kind)
  if (filter.channel) add('o.channel = ?', filter.channel)
  if (filter.from) add('o.due_at >= ?', filter.from.getTime())
  if (filter.to) add('o.due_at < ?', filter.to.getTime())
  if (scope) {
    // The region's people as a set: the outbox is then read in the order shown (or by status), not person by person.
    const region = provinceFilter(scope, 'province_code')
    add(`+o.person_id in (select id from people where true${region.sql})`, ...region.args)
  }
  return { sql: `where true${parts.join('')}`, args }
}

const FROM = 'from outbox o left join people p on p.id = o.person_id'
const COLUMNS = `o.id, o.kind, o.channel, o.status, o.due_at as dueAt, o.sent_at as sentAt, o.attempts, o.event_key as eventKey,
  o.label, o.last_error as lastError, o.expires_at as expiresAt, o.person_id as personId, p.full_name as personName,
  (select r.id from outbox r where r.idempotency_key = 'resend:' || o.id) as resentAs`

type Stored = Omit<ReminderRow, 'dueAt' | 'sentAt' | 'expiresAt'> & {
  dueAt: number
  sentAt: number | null
  expiresAt: number | null
}

const toRow = (row: Stored): ReminderRow => ({
  ...row,
  dueAt: new Date(row.dueAt),
  sentAt: row.sentAt === null ? null : new Date(row.sentAt),
  expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt),
})

/** How many messages match (a regional scope sees only its people's). */
export async function countReminders(db: Db, scope: ConsoleScope, filter: ReminderFilter): Promise<number> {
  const w = where(scope, filter)
  // The filters read the outbox alone: counting needs no person's name.
  return ((await statement(db, `select count(*) as n from outbox o ${w.sql}`).get(...w.args)) as { n: number }).n
}

/** The matching messages, latest due first, `limit` of them after `offset`. */
export async function reminderEntries(
  db: Db,
  scope: ConsoleScope,
  filter: ReminderFilter,
  page: { limit: number; offset: number },
): Promise<ReminderRow[]> {
  const w = where(scope, filter)
  const rows = (await statement(db, `select ${COLUMNS} ${FROM} ${w.sql} order by o.due_at desc, o.id desc limit ? offset ?`).all(
    ...w.args,
    page.limit,
    page.offset,
  )) as Stored[]
  return rows.map(toRow)
}

/** One message, if the scope may see it. */
export async function reminderInScope(db: Db, scope: ConsoleScope, id: number): Promise<ReminderRow | undefined> {
  const w = where(scope, {})
  const row = (await statement(db, `select ${COLUMNS} ${FROM} ${w.sql} and o.id = ?`).get(...w.args, id)) as Stored | undefined
  return row && toRow(row)
}

/**
 * Queues a failed message, or one whose outcome is unknown, again as a new pending row due `now`
 * (key `resend:<id>`: once per row), with the same chat, text, zone (quiet hours) and expiry; the
 * first row stays as it was, so each row is still sent at most once. Returns the new row's id, or
 * undefined when it was resent already (or has neither status).
 */
export async function queueResend(db: Db, id: number, now: Date): Promise<number | undefined> {
  const row = (await statement(
    db,
    `insert into outbox (idempotency_key, channel, chat_id, person_id, kind, event_key, label, time_zone, payload, due_at,
         expires_at, status, attempts, created_at, updated_at)
       select 'resend:' || id, channel, chat_id, person_id, kind, event_key, label, time_zone, payload, ?, expires_at, 'pending', 0, ?, ?
       from outbox where id = ? and status in ('failed', 'unknown')
       on conflict (idempotency_key) do nothing
       returning id`,
  ).get(now.getTime(), now.getTime(), now.getTime(), id)) as { id: number } | undefined
  return row?.id
}
