/**
 * Announcements in SQL: the announcement rows, the queue's writes (recipient rows and outbox rows,
 * both idempotent), cancelling, and the report (totals, per-person lines). The core's use cases
 * (src/core/announcements) call these; the report reads `announcement_recipients`, never the outbox.
 */
import { and, eq } from 'drizzle-orm'
import type { AnnouncementStatus, RecipientOutcome, RecipientReach } from '../../vocabulary/announcements.js'
import type { Language } from '../../vocabulary/message.js'
import { changed, type Db, statement } from '../client.js'
import { auditLog } from '../schema.js'
import { type ConsoleScope, consoleRegions } from './console-scope.js'

/** The report's status of one line (what staff filter by); labels live in the core's report. */
export const RECIPIENT_STATUS_KEYS = [
  'waiting',
  'sent',
  'failed',
  'unknown',
  'opted_out',
  'blocked',
  'no_chat',
  'blocked_by_user',
  'cancelled',
  'skipped',
] as const
export type RecipientStatusKey = (typeof RECIPIENT_STATUS_KEYS)[number]

export type AnnouncementTotals = {
  /** People, per reach (queued + noChat + blocked + optedOut = people). */
  people: number
  queued: number
  noChat: number
  blocked: number
  optedOut: number
  /**
   * Chat rows by outcome (waiting = not final yet; unknown = the server stopped while sending it: it
   * may have arrived, so it is not counted as failed).
   */
  rows: {
    waiting: number
    sent: number
    late: number
    failed: number
    unknown: number
    skipped: number
    blockedByUser: number
    cancelled: number
  }
  byChannel: Record<'telegram' | 'whatsapp', { rows: number; waiting: number; sent: number; failed: number; unknown: number }>
}

export type RecipientLine = {
  personId: number
  fullName: string
  provinceCode: string | null
  timeZone: string
  channel: '' | 'telegram' | 'whatsapp'
  chatId: string
  language: Language | null
  reach: RecipientReach
  outcome: RecipientOutcome | null
  reason: string | null
  dueAt: Date | null
  sentAt: Date | null
}

/** An announcement row as stored (criteria still JSON). */
export type AnnouncementRow = {
  id: number
  code: string
  status: AnnouncementStatus
  actor: string
  staffId: number | null
  regionId: number | null
  criteria: string
  textId: string
  textEn: string | null
  urgent: number
  localDate: string | null
  localTime: string | null
  startAt: number | null
  expiresAt: number | null
  queuedThrough: number
  dedupeKey: string
  rolledTo: number | null
  totals: string | null
  queuedAt: number | null
  finishedAt: number | null
  cancelledAt: number | null
  cancelledBy: string | null
  createdAt: number
}

const COLUMNS = `id, code, status, actor, staff_id AS staffId, region_id AS regionId, criteria, text_id AS textId,
  text_en AS textEn, urgent, local_date AS localDate, local_time AS localTime, start_at AS startAt,
  expires_at AS expiresAt, queued_through AS queuedThrough, dedupe_key AS dedupeKey, rolled_to AS rolledTo,
  totals, queued_at AS queuedAt, finished_at AS finishedAt, cancelled_at AS cancelledAt,
  cancelled_by AS cancelledBy, created_at AS createdAt`

/** The announcement with this id, or this code (any case); with a scope, only one of its region. */
export async function findAnnouncement(
  db: Db,
  idOrCode: number | string,
  scope: ConsoleScope,
): Promise<AnnouncementRow | undefined> {
  const region = scope ? ' AND region_id = ?' : ''
  const args = scope ? [scope.id] : []
  if (typeof idOrCode === 'number' || /^\d+$/.test(idOrCode)) {
    return (await statement(db, `SELECT ${COLUMNS} FROM announcements WHERE id = ?${region}`).get(Number(idOrCode), ...args)) as
      | AnnouncementRow
      | undefined
  }
  return (await statement(db, `SELECT ${COLUMNS} FROM announcements WHERE upper(code) = upper(?)${region}`).get(
    idOrCode.trim(),
    ...args,
  )) as AnnouncementRow | undefined
}

/** The scope an announcement was made in: its region's, or every region's (null). */
export async function scopeOfRegion(db: Db, regionId: number | null): Promise<ConsoleScope> {
  if (regionId === null) return null
  return (await consoleRegions(db)).find((r) => r.id === regionId) ?? { id: regionId, code: '?', name: '?', provinces: [] }
}

/**
 * The announcement holding this dedupe key that blocks another like it: a live one (not done, not
 * cancelled), or one done after `recentSince` (a script's retry the same day must not message
 * everyone again; a weekly notice a week later may).
 */
export async function liveWithKey(
  db: Db,
  dedupeKey: string,
  exceptId: number,
  recentSince: number,
): Promise<{ id: number; code: string; status: string } | undefined> {
  return (await statement(
    db,
    `SELECT id, code, status FROM announcements
     WHERE dedupe_key = ? AND id <> ? AND (status NOT IN ('done', 'cancelled') OR (status = 'done' AND finished_at > ?))
     ORDER BY id DESC LIMIT 1`,
  ).get(dedupeKey, exceptId, recentSince)) as { id: number; code: string; status: string } | undefined
}

export type NewAnnouncement = {
  code: string
  actor: string
  staffId: number | null
  regionId: number | null
  criteria: string
  textId: string
  textEn: string | null
  expiresAt: number | null
  dedupeKey: string
  at: number
}

/** Inserts a draft; returns its id. */
export async function insertAnnouncement(db: Db, a: NewAnnouncement): Promise<number> {
  return (
    (await statement(
      db,
      `INSERT INTO announcements (code, status, actor, staff_id, region_id, criteria, text_id, text_en, expires_at, dedupe_key, created_at, updated_at)
       VALUES (?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    ).get(a.code, a.actor, a.staffId, a.regionId, a.criteria, a.textId, a.textEn, a.expiresAt, a.dedupeKey, a.at, a.at)) as {
      id: number
    }
  ).id
}

/** Rewrites a draft's audience and texts; false when it is no longer a draft. */
export async function updateDraftRow(
  db: Db,
  id: number,
  a: Pick<NewAnnouncement, 'criteria' | 'textId' | 'textEn' | 'expiresAt' | 'dedupeKey' | 'at'>,
): Promise<boolean> {
  return (
    changed(
      await statement(
        db,
        `UPDATE announcements SET criteria = ?, text_id = ?, text_en = ?, expires_at = ?, dedupe_key = ?, updated_at = ?
       WHERE id = ? AND status = 'draft'`,
      ).run(a.criteria, a.textId, a.textEn, a.expiresAt, a.dedupeKey, a.at, id),
    ) === 1
  )
}

/** draft → scheduled or queuing, once (a double click changes nothing the second time). */
export async function startAnnouncement(
  db: Db,
  id: number,
  s: {
    status: 'scheduled' | 'queuing'
    urgent: boolean
    localDate: string | null
    localTime: string | null
    startAt: number | null
    dedupeKey: string
    at: number
  },
): Promise<boolean> {
  return (
    changed(
      await statement(
        db,
        `UPDATE announcements SET status = ?, urgent = ?, local_date = ?, local_time = ?, start_at = ?, dedupe_key = ?,
              queued_through = 0, updated_at = ?
       WHERE id = ? AND status = 'draft'`,
      ).run(s.status, s.urgent ? 1 : 0, s.localDate, s.localTime, s.startAt, s.dedupeKey, s.at, id),
    ) === 1
  )
}

/** scheduled → queuing when its start has come; false when another took it (or it was cancelled). */
export async function beginQueuing(db: Db, id: number, at: number): Promise<boolean> {
  return (
    changed(
      await statement(
        db,
        `UPDATE announcements SET status = 'queuing', updated_at = ? WHERE id = ? AND status = 'scheduled'`,
      ).run(at, id),
    ) === 1
  )
}

/** Ids of announcements in `status`, oldest first (scheduled ones: only those whose start has come). */
export async function announcementsIn(db: Db, status: 'scheduled' | 'queuing' | 'sending', now: number): Promise<number[]> {
  const rows =
    status === 'scheduled'
      ? await statement(
          db,
          `SELECT id FROM announcements WHERE status = 'scheduled' AND start_at <= ? ORDER BY start_at, id`,
        ).all(now)
      : await statement(db, `SELECT id FROM announcements WHERE status = '${status}' ORDER BY id`).all()
  return (rows as { id: number }[]).map((r) => r.id)
}

/** Within a batch's transaction: the announcement's status and where its queuing stands. */
export async function queueCursor(
  db: Db,
  id: number,
): Promise<{ status: AnnouncementStatus; queuedThrough: number } | undefined> {
  return (await statement(db, 'SELECT status, queued_through AS queuedThrough FROM announcements WHERE id = ?').get(id)) as
    | { status: AnnouncementStatus; queuedThrough: number }
    | undefined
}

export type RecipientInsert = {
  announcementId: number
  personId: number
  channel: '' | 'telegram' | 'whatsapp'
  chatId: string
  reach: RecipientReach
  dueAt: number | null
}

export type AnnouncementOutboxInsert = {
  key: string
  channel: 'telegram' | 'whatsapp'
  chatId: string
  personId: number
  eventKey: string
  timeZone: string | null
  payload: string
  dueAt: number
  expiresAt: number | null
  at: number
}

/**
 * Rows per INSERT statement. The outbox has triggers, so SQLite keeps a statement journal of every
 * page each INSERT statement touches: one statement per 500 rows journals a page once instead of
 * once per row.
 */
const CHUNK = 500

const RECIPIENT_INSERT = {
  head: 'INSERT INTO announcement_recipients (announcement_id, person_id, channel, chat_id, reach, due_at)',
  tuple: '(?, ?, ?, ?, ?, ?)',
  width: 6,
}
const OUTBOX_INSERT = {
  head: `INSERT INTO outbox (idempotency_key, channel, chat_id, person_id, kind, event_key, time_zone, payload, due_at, expires_at, status, created_at, updated_at)`,
  tuple: `(?, ?, ?, ?, 'announcement', ?, ?, ?, ?, ?, 'pending', ?, ?)`,
  width: 11,
}
type Insert = typeof RECIPIENT_INSERT

/** The INSERT of `rows` rows (a full chunk and the last, shorter one are the ones used). */
const insertSql = new Map<string, string>()
function insertText(insert: Insert, rows: number): string {
  const key = `${insert.head}|${rows}`
  let sql = insertSql.get(key)
  if (sql === undefined) {
    sql = `${insert.head} VALUES ${Array.from({ length: rows }, () => insert.tuple).join(', ')} ON CONFLICT DO NOTHING`
    insertSql.set(key, sql)
  }
  return sql
}

/**
 * Values gathered flat, CHUNK rows at a time; a full chunk is set aside (no write while the caller
 * loops), and `flush` writes every chunk, each one INSERT, and then the rest: how many rows were new.
 */
function chunked(db: Db, insert: Insert) {
  let values: (string | number | null)[] = new Array(CHUNK * insert.width)
  let at = 0
  const full: (string | number | null)[][] = []
  return {
    get values() {
      return values
    },
    /** The index of the next row's first value; sets the chunk aside when it is full. */
    next(): number {
      if (at === CHUNK * insert.width) {
        full.push(values)
        values = new Array(CHUNK * insert.width)
        at = 0
      }
      const start = at
      at += insert.width
      return start
    },
    async flush(): Promise<number> {
      let changes = 0
      for (const chunk of full.splice(0)) changes += changed(await statement(db, insertText(insert, CHUNK)).run(chunk))
      if (at > 0) changes += changed(await statement(db, insertText(insert, at / insert.width)).run(values.slice(0, at)))
      at = 0
      return changes
    },
  }
}

/**
 * What one queue batch writes: a recipient row per person (and chat), an outbox row per chat, both
 * idempotent (a batch run twice adds nothing), gathered flat with no object per row.
 */
export function queueWriter(db: Db, a: { announcementId: number; eventKey: string; expiresAt: number | null; at: number }) {
  const recipients = chunked(db, RECIPIENT_INSERT)
  const rows = chunked(db, OUTBOX_INSERT)
  return {
    recipient(
      personId: number,
      channel: '' | 'telegram' | 'whatsapp',
      chatId: string,
      reach: RecipientReach,
      dueAt: number | null,
    ) {
      const i = recipients.next()
      const v = recipients.values
      v[i] = a.announcementId
      v[i + 1] = personId
      v[i + 2] = channel
      v[i + 3] = chatId
      v[i + 4] = reach
      v[i + 5] = dueAt
    },
    outbox(
      key: string,
      channel: 'telegram' | 'whatsapp',
      chatId: string,
      personId: number,
      timeZone: string | null,
      payload: string,
      dueAt: number,
    ) {
      const i = rows.next()
      const v = rows.values
      v[i] = key
      v[i + 1] = channel
      v[i + 2] = chatId
      v[i + 3] = personId
      v[i + 4] = a.eventKey
      v[i + 5] = timeZone
      v[i + 6] = payload
      v[i + 7] = dueAt
      v[i + 8] = a.expiresAt
      v[i + 9] = a.at
      v[i + 10] = a.at
    },
    /** Writes the rows gathered; how many outbox rows were new. */
    async finish(): Promise<number> {
      await recipients.flush()
      return await rows.flush()
    },
  }
}

/** Recipient rows (idempotent: a batch run twice adds nothing). */
export async function insertRecipients(db: Db, rows: RecipientInsert[]): Promise<number> {
  const write = chunked(db, RECIPIENT_INSERT)
  for (const r of rows) {
    const i = write.next()
    write.values.splice(i, 6, r.announcementId, r.personId, r.channel, r.chatId, r.reach, r.dueAt)
  }
  return await write.flush()
}

/** Outbox rows of kind 'announcement' (idempotent on their keys); how many were new. */
export async function insertAnnouncementRows(db: Db, rows: AnnouncementOutboxInsert[]): Promise<number> {
  const write = chunked(db, OUTBOX_INSERT)
  for (const r of rows) {
    const i = write.next()
    write.values.splice(
      i,
      11,
      r.key,
      r.channel,
      r.chatId,
      r.personId,
      r.eventKey,
      r.timeZone,
      r.payload,
      r.dueAt,
      r.expiresAt,
      r.at,
      r.at,
    )
  }
  return await write.flush()
}

/** Moves the queuing on past `lastPersonId`; `done` → status sending (every row written). */
export async function advanceQueue(db: Db, id: number, lastPersonId: number, done: boolean, at: number): Promise<void> {
  await statement(
    db,
    `UPDATE announcements SET queued_through = max(queued_through, ?),
            status = CASE WHEN ? THEN 'sending' ELSE status END,
            queued_at = CASE WHEN ? THEN ? ELSE queued_at END, updated_at = ?
     WHERE id = ? AND status = 'queuing'`,
  ).run(lastPersonId, done ? 1 : 0, done ? 1 : 0, at, at, id)
}

/** Whether any outbox row of the announcement still waits or is being sent. */
export async function hasWaitingRows(db: Db, id: number): Promise<boolean> {
  return (
    (await statement(
      db,
      `SELECT 1 FROM outbox WHERE kind = 'announcement' AND event_key = ? AND status IN ('pending', 'queued', 'claimed') LIMIT 1`,
    ).get(`announcement:${id}`)) !== undefined
  )
}

/** sending → done with the totals frozen; false when it was not sending any more. */
export async function finishAnnouncement(db: Db, id: number, at: number, totals: string): Promise<boolean> {
  return (
    changed(
      await statement(
        db,
        `UPDATE announcements SET status = 'done', finished_at = ?, totals = ?, updated_at = ? WHERE id = ? AND status = 'sending'`,
      ).run(at, totals, at, id),
    ) === 1
  )
}

/** → cancelled (from draft, scheduled, queuing or sending); false when it is done or cancelled already. */
export async function markCancelled(db: Db, id: number, at: number, by: string): Promise<boolean> {
  return (
    changed(
      await statement(
        db,
        `UPDATE announcements SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, finished_at = ?, updated_at = ?
       WHERE id = ? AND status IN ('draft', 'scheduled', 'queuing', 'sending')`,
      ).run(at, by, at, at, id),
    ) === 1
  )
}

export async function freezeTotals(db: Db, id: number, totals: string): Promise<void> {
  await statement(db, 'UPDATE announcements SET totals = ? WHERE id = ?').run(totals, id)
}

export const ANNOUNCEMENT_CANCELLED = 'cancelled: the announcement was cancelled'
/** Why a chat's waiting announcement rows were cancelled when it said "stop info". */
export const STOPPED_REASON = 'cancelled: the person asked for no announcements'

/** The announcement's rows not yet sent (pending or queued) → cancelled; the trigger marks their recipients. */
export async function cancelAnnouncementRows(db: Db, id: number, at: Date, reason = ANNOUNCEMENT_CANCELLED): Promise<number> {
  return changed(
    await statement(
      db,
      `UPDATE outbox SET status = 'cancelled', claim_token = NULL, last_error = ?, updated_at = ?
     WHERE kind = 'announcement' AND event_key = ? AND status IN ('pending', 'queued')`,
    ).run(reason, at.getTime(), `announcement:${id}`),
  )
}

/** A chat's announcement rows not yet sent → cancelled (the chat said "stop info"). */
export async function cancelAnnouncementsOfChat(
  db: Db,
  channel: string,
  chatId: string,
  at: Date,
  reason: string,
): Promise<number> {
  return changed(
    await statement(
      db,
      `UPDATE outbox SET status = 'cancelled', claim_token = NULL, last_error = ?, updated_at = ?
     WHERE kind = 'announcement' AND status IN ('pending', 'queued') AND channel = ? AND chat_id = ?`,
    ).run(reason, at.getTime(), channel, chatId),
  )
}

/** Since when this chat account said "stop info" (null: announcements on; undefined: no such account yet). */
export async function announcementsOffAt(db: Db, channel: string, userId: string): Promise<number | null | undefined> {
  const row = (await statement(
    db,
    'SELECT announcements_off_at AS offAt FROM channel_identities WHERE channel = ? AND user_id = ?',
  ).get(channel, userId)) as { offAt: number | null } | undefined
  return row ? row.offAt : undefined
}

/** Turns announcements off (at `at`) or on for a chat account, creating the account when it is new (before any link). */
export async function setAnnouncementsOff(
  db: Db,
  chat: { channel: string; userId: string; chatId: string },
  off: boolean,
  at: Date,
): Promise<void> {
  await statement(
    db,
    `INSERT INTO channel_identities (channel, user_id, chat_id, announcements_off_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (channel, user_id) DO UPDATE SET announcements_off_at = excluded.announcements_off_at, updated_at = excluded.updated_at`,
  ).run(chat.channel, chat.userId, chat.chatId, off ? at.getTime() : null, at.getTime(), at.getTime())
}

const zeroTotals = (): AnnouncementTotals => ({
  people: 0,
  queued: 0,
  noChat: 0,
  blocked: 0,
  optedOut: 0,
  rows: { waiting: 0, sent: 0, late: 0, failed: 0, unknown: 0, skipped: 0, blockedByUser: 0, cancelled: 0 },
  byChannel: {
    telegram: { rows: 0, waiting: 0, sent: 0, failed: 0, unknown: 0 },
    whatsapp: { rows: 0, waiting: 0, sent: 0, failed: 0, unknown: 0 },
  },
})

/** Counted from the recipient rows (undefined when there are none). */
async function countedTotals(db: Db, id: number): Promise<AnnouncementTotals | undefined> {
  const reach = (await statement(
    db,
    'SELECT reach, count(DISTINCT person_id) AS n FROM announcement_recipients WHERE announcement_id = ? GROUP BY reach',
  ).all(id)) as { reach: RecipientReach; n: number }[]
  if (reach.length === 0) return undefined
  const totals = zeroTotals()
  for (const r of reach) {
    totals.people += r.n
    if (r.reach === 'queued') totals.queued = r.n
    else if (r.reach === 'no_chat') totals.noChat = r.n
    else if (r.reach === 'blocked') totals.blocked = r.n
    else totals.optedOut = r.n
  }
  const rows = (await statement(
    db,
    `SELECT channel, outcome, count(*) AS n FROM announcement_recipients
      WHERE announcement_id = ? AND reach = 'queued' GROUP BY channel, outcome`,
  ).all(id)) as { channel: 'telegram' | 'whatsapp'; outcome: RecipientOutcome | null; n: number }[]
  for (const r of rows) {
    const channel = totals.byChannel[r.channel]
    if (channel) channel.rows += r.n
    if (r.outcome === null) {
      totals.rows.waiting += r.n
      if (channel) channel.waiting += r.n
    } else if (r.outcome === 'sent' || r.outcome === 'late') {
      totals.rows[r.outcome] += r.n
      if (channel) channel.sent += r.n
    } else if (r.outcome === 'failed' || r.outcome === 'unknown') {
      totals.rows[r.outcome] += r.n
      if (channel) channel[r.outcome] += r.n
    } else if (r.outcome === 'blocked_by_user') totals.rows.blockedByUser += r.n
    else totals.rows[r.outcome] += r.n
  }
  return totals
}

/** The totals of one announcement: counted from its recipient rows, or the frozen totals once they are gone. */
export async function announcementTotals(db: Db, id: number): Promise<AnnouncementTotals> {
  const counted = await countedTotals(db, id)
  if (counted) return counted
  const frozen = (await statement(db, 'SELECT totals FROM announcements WHERE id = ?').get(id)) as
    | { totals: string | null }
    | undefined
  if (!frozen?.totals) return zeroTotals()
  // Totals frozen before a count was added (unknown) lack it: zero, not missing.
  const stored = JSON.parse(frozen.totals) as Partial<AnnouncementTotals>
  const zero = zeroTotals()
  return {
    ...zero,
    ...stored,
    rows: { ...zero.rows, ...stored.rows },
    byChannel: {
      telegram: { ...zero.byChannel.telegram, ...stored.byChannel?.telegram },
      whatsapp: { ...zero.byChannel.whatsapp, ...stored.byChannel?.whatsapp },
    },
  }
}

const STATUS_SQL: Record<RecipientStatusKey, string> = {
  waiting: `r.reach = 'queued' AND r.outcome IS NULL`,
  sent: `r.outcome IN ('sent', 'late')`,
  failed: `r.outcome = 'failed'`,
  unknown: `r.outcome = 'unknown'`,
  opted_out: `r.reach = 'opted_out'`,
  blocked: `r.reach = 'blocked'`,
  no_chat: `r.reach = 'no_chat'`,
  blocked_by_user: `r.outcome = 'blocked_by_user'`,
  cancelled: `r.outcome = 'cancelled'`,
  skipped: `r.outcome = 'skipped'`,
}

const LINE_SELECT = `SELECT r.person_id AS personId, p.full_name AS fullName, p.province_code AS provinceCode,
       p.time_zone AS timeZone, r.channel, r.chat_id AS chatId,
       (SELECT ci.language FROM channel_identities ci WHERE ci.channel = r.channel AND ci.chat_id = r.chat_id AND r.chat_id <> '' LIMIT 1) AS language,
       r.reach, r.outcome, r.reason, r.due_at AS dueAt, r.sent_at AS sentAt
  FROM announcement_recipients r JOIN people p ON p.id = r.person_id`

type RawLine = Omit<RecipientLine, 'dueAt' | 'sentAt'> & { dueAt: number | null; sentAt: number | null }
const toLine = (r: RawLine): RecipientLine => ({
  ...r,
  dueAt: r.dueAt === null ? null : new Date(r.dueAt),
  sentAt: r.sentAt === null ? null : new Date(r.sentAt),
})

/** One page of the per-person report (person id order), with the filter's total. */
export async function recipientLines(
  db: Db,
  id: number,
  filter: { status?: RecipientStatusKey },
  page: { limit: number; offset: number },
): Promise<{ rows: RecipientLine[]; total: number }> {
  const where = filter.status ? ` AND ${STATUS_SQL[filter.status]}` : ''
  const total = (
    (await statement(db, `SELECT count(*) AS n FROM announcement_recipients r WHERE r.announcement_id = ?${where}`).get(id)) as {
      n: number
    }
  ).n
  const rows = (await statement(
    db,
    `${LINE_SELECT} WHERE r.announcement_id = ?${where} ORDER BY r.person_id, r.channel, r.chat_id LIMIT ? OFFSET ?`,
  ).all(id, page.limit, page.offset)) as RawLine[]
  return { rows: rows.map(toLine), total }
}

/** Every line of the report (CSV export). */
export async function allRecipientLines(db: Db, id: number): Promise<RecipientLine[]> {
  const rows = (await statement(db, `${LINE_SELECT} WHERE r.announcement_id = ? ORDER BY r.person_id, r.channel, r.chat_id`).all(
    id,
  )) as RawLine[]
  return rows.map(toLine)
}

/** The `announcement.previewed` entries of the announcement `code` (the CLI's preview keeps them past its rollback). */
export async function announcementPreviewAudits(db: Db, code: string): Promise<(typeof auditLog.$inferSelect)[]> {
  return await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'announcement.previewed'), eq(auditLog.entity, 'announcement'), eq(auditLog.entityId, code)))
}
