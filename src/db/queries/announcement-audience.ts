/**
 * Who an announcement reaches, in SQL: the audience's criteria combined with AND, always ANDed
 * with the staff scope, and per person whether a chat can be sent to (no_chat > blocked >
 * opted_out > queued). Local-day windows are computed by the core and passed in: this layer does
 * not know time zones.
 *
 * A chat is *sendable* when it is linked (`link_expires_at` after now), on Telegram or WhatsApp,
 * and, on WhatsApp, has written to the assistant before (`wrote_at`): a number that messages
 * strangers gets banned.
 */
import type { AudienceCriteria, RecipientReach } from '../../vocabulary/announcements.js'
import type { Language } from '../../vocabulary/message.js'
import { type Db, statement } from '../client.js'
import { onPostgres } from '../dialect.js'
import { type ConsoleScope, consoleRegions, sessionInScope } from './console-scope.js'

/** A half-open UTC window [from, to) of a local day or range in one zone; zone '*' = every other zone. */
export type ZoneWindow = { zone: string; from: number; to: number }

/** The local-day windows of the date criteria, per zone (computed by the core). */
export type ZoneWindows = { examDay?: ZoneWindow[]; portfolioDue?: ZoneWindow[] }

export type ReachCounts = {
  /** People in the audience; queued + noChat + blocked + optedOut = people. */
  people: number
  queued: number
  noChat: number
  blocked: number
  optedOut: number
  /** Chat rows that will be queued, per channel. */
  chats: { telegram: number; whatsapp: number }
}

export type AudienceChat = { identityId: number; channel: 'telegram' | 'whatsapp'; chatId: string; language: Language }

/** What the placeholders of one person speak about: their session, exam or portfolio deadline. */
export type AudienceSubject = {
  kind: 'session' | 'exam' | 'portfolio'
  title: string | null
  code: string | null
  /** UTC ms (a portfolio deadline: its due time). */
  startsAt: number | null
  /** The place's zone (the session's or exam's; the person's for a portfolio deadline). */
  zone: string | null
  venue: string | null
  link: string | null
  /** For an exam: its kind (ujian_kognitif, wawancara). */
  examKind: string | null
}

export type AudienceRow = {
  personId: number
  fullName: string
  zone: string
  provinceCode: string | null
  reach: RecipientReach
  /** The chats a row is queued for (empty unless reach = queued). */
  chats: AudienceChat[]
  subject: AudienceSubject | null
}

export type AudienceQuery = {
  criteria: AudienceCriteria
  scope: ConsoleScope
  zones: ZoneWindows
  now: Date
}

export type AudienceSql = { sql: string; args: (string | number)[] }

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ')

/** `(<col zone> = ? AND <col at> >= ? AND <col at> < ?) OR …` for the windows; '*' matches the zones not named. */
function windowsSql(windows: ZoneWindow[], zoneColumn: string, atColumn: string): AudienceSql {
  const named = windows.filter((w) => w.zone !== '*')
  const parts: string[] = []
  const args: (string | number)[] = []
  for (const w of named) {
    parts.push(`(${zoneColumn} = ? AND ${atColumn} >= ? AND ${atColumn} < ?)`)
    args.push(w.zone, w.from, w.to)
  }
  const other = windows.find((w) => w.zone === '*')
  if (other) {
    parts.push(
      `(${named.length > 0 ? `${zoneColumn} NOT IN (${marks(named.length)}) AND ` : ''}${atColumn} >= ? AND ${atColumn} < ?)`,
    )
    args.push(...named.map((w) => w.zone), other.from, other.to)
  }
  return { sql: parts.length > 0 ? `(${parts.join(' OR ')})` : 'false', args }
}

/** The exam-day condition on `exams e` (scheduled, on the local day of its own zone, of the kinds). */
function examSql(criteria: AudienceCriteria, zones: ZoneWindows): AudienceSql | undefined {
  if (!criteria.examDay) return undefined
  const day = windowsSql(zones.examDay ?? [], 'e.time_zone', 'e.starts_at')
  const kinds = criteria.examDay.kinds ?? []
  return {
    sql: `e.person_id = p.id AND e.status = 'scheduled' AND ${day.sql}${kinds.length > 0 ? ` AND e.kind IN (${marks(kinds.length)})` : ''}`,
    args: [...day.args, ...kinds],
  }
}

/** The portfolio condition on `certification_stages s` (a portofolio deadline in the range, in the person's zone). */
function portfolioSql(criteria: AudienceCriteria, zones: ZoneWindows): AudienceSql | undefined {
  if (!criteria.portfolioDue) return undefined
  const range = windowsSql(zones.portfolioDue ?? [], 'p.time_zone', 's.due_at')
  return { sql: `s.person_id = p.id AND s.stage = 'portofolio' AND ${range.sql}`, args: range.args }
}

const REGISTRANTS = {
  confirmed: ['confirmed'],
  waitlisted: ['waitlisted', 'offered'],
  all: ['confirmed', 'waitlisted', 'offered'],
} as const

/**
 * `p.…` conditions for the criteria and the staff scope (never empty). A regional account reaches
 * its region's provinces, except that the registrants of a session of its own region are in scope
 * whatever their province; a session outside the scope matches nobody (the core refuses it first).
 */
export async function audienceWhere(
  db: Db,
  criteria: AudienceCriteria,
  scope: ConsoleScope,
  zones: ZoneWindows,
  options: { examAsSubject?: boolean } = {},
): Promise<AudienceSql> {
  const parts: string[] = []
  const args: (string | number)[] = []
  const add = (sql: string, values: readonly (string | number)[] = []) => {
    parts.push(sql)
    args.push(...values)
  }
  if (criteria.session) {
    const statuses = REGISTRANTS[criteria.session.registrants]
    add(
      `EXISTS (SELECT 1 FROM registrations r WHERE r.session_id = ? AND r.person_id = p.id AND r.status IN (${marks(statuses.length)}))`,
      [criteria.session.id, ...statuses],
    )
  }
  if (criteria.stages) add(`p.current_stage IN (${marks(criteria.stages.length)})`, criteria.stages)
  // Regions and provinces are one list of places: "region R1 and Sulawesi Selatan" is everyone in either.
  if (criteria.regionCodes || criteria.provinceCodes) {
    const wanted = new Set(criteria.regionCodes ?? [])
    const provinces = [
      ...new Set([
        ...(await consoleRegions(db)).filter((r) => wanted.has(r.code)).flatMap((r) => r.provinces),
        ...(criteria.provinceCodes ?? []),
      ]),
    ]
    add(provinces.length > 0 ? `p.province_code IN (${marks(provinces.length)})` : 'false', provinces)
  }
  const exam = examSql(criteria, zones)
  // The batch query tests the exam through the subject it selects anyway (once, not twice).
  if (exam && !options.examAsSubject) add(`EXISTS (SELECT 1 FROM exams e WHERE ${exam.sql})`, exam.args)
  const portfolio = portfolioSql(criteria, zones)
  if (portfolio)
    add(`p.current_stage = 'portofolio' AND EXISTS (SELECT 1 FROM certification_stages s WHERE ${portfolio.sql})`, portfolio.args)
  // No criterion: nobody (the core refuses it before); only the exam, tested through the subject: the rest is everyone.
  if (parts.length === 0) add(exam && options.examAsSubject ? 'true' : 'false')
  if (scope) {
    const ownSession = criteria.session !== undefined && (await sessionInScope(db, scope, criteria.session.id))
    if (criteria.session && !ownSession) add('false')
    else if (!ownSession) {
      add(scope.provinces.length > 0 ? `p.province_code IN (${marks(scope.provinces.length)})` : 'false', scope.provinces)
    }
  }
  return { sql: parts.join(' AND '), args }
}

/** The sendable chats of person `p` (bound: now). */
const sendable = (
  person: string,
) => `ci.person_id = ${person} AND ci.link_expires_at > ? AND ci.channel IN ('telegram', 'whatsapp')
  AND (ci.channel <> 'whatsapp' OR ci.wrote_at IS NOT NULL)`
const SENDABLE = sendable('p.id')

/** One aggregate query: how many people the audience holds and how many can be reached, and why not. */
export async function reachCounts(db: Db, query: AudienceQuery): Promise<ReachCounts> {
  const where = await audienceWhere(db, query.criteria, query.scope, query.zones)
  const row = (await statement(
    db,
    `WITH per AS (
       SELECT p.id,
              count(ci.id) AS sendable,
              count(CASE WHEN ci.id IS NOT NULL AND ci.blocked_at IS NULL THEN 1 END) AS unblocked,
              count(CASE WHEN ci.id IS NOT NULL AND ci.blocked_at IS NULL AND ci.announcements_off_at IS NULL THEN 1 END) AS open,
              count(CASE WHEN ci.blocked_at IS NULL AND ci.announcements_off_at IS NULL AND ci.channel = 'telegram' THEN 1 END) AS tg,
              count(CASE WHEN ci.blocked_at IS NULL AND ci.announcements_off_at IS NULL AND ci.channel = 'whatsapp' THEN 1 END) AS wa
         FROM people p NOT INDEXED
         LEFT JOIN channel_identities ci ON ${SENDABLE}
        WHERE ${where.sql}
        GROUP BY p.id)
     SELECT count(*) AS people,
            count(CASE WHEN sendable = 0 THEN 1 END) AS noChat,
            count(CASE WHEN sendable > 0 AND unblocked = 0 THEN 1 END) AS blocked,
            count(CASE WHEN unblocked > 0 AND open = 0 THEN 1 END) AS optedOut,
            count(CASE WHEN open > 0 THEN 1 END) AS queued,
            coalesce(sum(tg), 0) AS telegram,
            coalesce(sum(wa), 0) AS whatsapp
       FROM per`,
  ).get(query.now.getTime(), ...where.args)) as {
    people: number
    noChat: number
    blocked: number
    optedOut: number
    queued: number
    telegram: number
    whatsapp: number
  }
  return {
    people: row.people,
    queued: row.queued,
    noChat: row.noChat,
    blocked: row.blocked,
    optedOut: row.optedOut,
    chats: { telegram: row.telegram, whatsapp: row.whatsapp },
  }
}

type SubjectKind = AudienceSubject['kind']

/** What the placeholders speak about, by the criteria: a session first, then an exam, then a portfolio deadline. */
export function subjectKindOf(criteria: AudienceCriteria): SubjectKind | undefined {
  if (criteria.session) return 'session'
  if (criteria.examDay) return 'exam'
  if (criteria.portfolioDue) return 'portfolio'
  return undefined
}

/** Per-person subject columns: `subject_id` (exam id) or `subject_at` (portfolio due), with their args. */
function subjectColumns(db: Db, query: AudienceQuery): AudienceSql {
  const kind = subjectKindOf(query.criteria)
  if (kind === 'exam') {
    const exam = examSql(query.criteria, query.zones) as AudienceSql
    // The earliest exam of that day (SQLite gives the bare column of the row min() picked: no sort per person).
    const earliest = onPostgres(db)
      ? `(SELECT e.id FROM exams e WHERE ${exam.sql} ORDER BY e.starts_at, e.id LIMIT 1)`
      : `(SELECT id FROM (SELECT e.id, min(e.starts_at) FROM exams e WHERE ${exam.sql}))`
    return { sql: earliest, args: exam.args }
  }
  if (kind === 'portfolio') {
    const portfolio = portfolioSql(query.criteria, query.zones) as AudienceSql
    return { sql: `(SELECT min(s.due_at) FROM certification_stages s WHERE ${portfolio.sql})`, args: portfolio.args }
  }
  return { sql: 'NULL', args: [] }
}

/**
 * One row of the batch query, as an array (better-sqlite3's raw mode: no object per row, which on
 * 100,000 people costs more than the query): the columns in this order.
 */
type BatchRow = [
  id: number,
  fullName: string,
  zone: string,
  provinceCode: string | null,
  subject: number | null,
  identityId: number | null,
  channel: 'telegram' | 'whatsapp' | null,
  chatId: string | null,
  language: Language | null,
  blockedAt: number | null,
  offAt: number | null,
  // The exam's columns (exam criterion only).
  examCode?: string | null,
  examKind?: string | null,
  examAt?: number | null,
  examZone?: string | null,
  examMode?: string | null,
  examVenue?: string | null,
  examLink?: string | null,
]

/** Rows of people (and their sendable chats) of the audience, in id order, after a person id. */
async function audienceRows(db: Db, query: AudienceQuery, afterPersonId: number, limit: number): Promise<BatchRow[]> {
  const exam = subjectKindOf(query.criteria) === 'exam'
  const where = await audienceWhere(db, query.criteria, query.scope, query.zones, { examAsSubject: exam })
  const subject = subjectColumns(db, query)
  return (await statement(
    db,
    `SELECT a.id, a.full_name AS fullName, a.time_zone AS zone, a.province_code AS provinceCode, a.subject,
            ci.id AS identityId, ci.channel, ci.chat_id AS chatId, ci.language,
            ci.blocked_at AS blockedAt, ci.announcements_off_at AS offAt${
              exam
                ? `, x.code AS examCode, x.kind AS examKind, x.starts_at AS examAt, x.time_zone AS examZone, x.mode AS examMode,
            x.venue AS examVenue, x.meeting_url AS examLink`
                : ''
            }
       FROM (SELECT * FROM (SELECT p.id, p.full_name, p.time_zone, p.province_code, ${subject.sql} AS subject
                              FROM people p NOT INDEXED
                             WHERE p.id > ? AND ${where.sql}
                             ORDER BY p.id) s${exam ? ' WHERE subject IS NOT NULL' : ''}
              LIMIT ?) a
       LEFT JOIN channel_identities ci ON ${sendable('a.id')}${exam ? '\n       LEFT JOIN exams x ON x.id = a.subject' : ''}
      ORDER BY a.id, ci.id`,
  ).arrays(...subject.args, afterPersonId, ...where.args, limit, query.now.getTime())) as BatchRow[]
}

type SessionSubject = Omit<AudienceSubject, 'kind' | 'examKind'>

async function sessionSubject(db: Db, id: number): Promise<SessionSubject | undefined> {
  const row = (await statement(
    db,
    `SELECT title, code, starts_at AS startsAt, time_zone AS zone, venue, mode,
            meeting_url AS meetingUrl, map_url AS mapUrl
       FROM bimtek_sessions WHERE id = ?`,
  ).get(id)) as
    | {
        title: string
        code: string
        startsAt: number
        zone: string
        venue: string | null
        mode: string
        meetingUrl: string | null
        mapUrl: string | null
      }
    | undefined
  if (!row) return undefined
  const link = row.mode === 'daring' ? (row.meetingUrl ?? row.mapUrl) : (row.mapUrl ?? row.meetingUrl)
  return { title: row.title, code: row.code, startsAt: row.startsAt, zone: row.zone, venue: row.venue, link }
}

function examSubject(r: BatchRow): AudienceSubject | null {
  const [, , , , subject, , , , , , , code, kind, at, zone, mode, venue, link] = r
  if (subject === null || at === null || at === undefined) return null
  return {
    kind: 'exam',
    title: null,
    code: code ?? null,
    startsAt: at,
    zone: zone ?? null,
    venue: mode === 'daring' ? null : (venue ?? null),
    link: link ?? null,
    examKind: kind ?? null,
  }
}

/** Groups rows per person and decides each person's reach (no_chat > blocked > opted_out > queued). */
async function toAudienceRows(db: Db, query: AudienceQuery, rows: BatchRow[]): Promise<AudienceRow[]> {
  const kind = subjectKindOf(query.criteria)
  const session = kind === 'session' && query.criteria.session ? await sessionSubject(db, query.criteria.session.id) : undefined
  const people: AudienceRow[] = []
  let current: AudienceRow | undefined
  let sendable = 0
  let unblocked = 0
  const finish = () => {
    if (!current) return
    current.reach = sendable === 0 ? 'no_chat' : unblocked === 0 ? 'blocked' : current.chats.length === 0 ? 'opted_out' : 'queued'
    people.push(current)
  }
  for (const r of rows) {
    const [id, fullName, zone, provinceCode, subjectValue, identityId, channel, chatId, language, blockedAt, offAt] = r
    if (!current || current.personId !== id) {
      finish()
      let subject: AudienceSubject | null = null
      if (session) subject = { kind: 'session', examKind: null, ...session }
      else if (kind === 'exam') subject = examSubject(r)
      else if (kind === 'portfolio' && subjectValue !== null)
        subject = {
          kind: 'portfolio',
          title: null,
          code: null,
          startsAt: subjectValue,
          zone,
          venue: null,
          link: null,
          examKind: null,
        }
      current = { personId: id, fullName, zone, provinceCode, reach: 'queued', chats: [], subject }
      sendable = 0
      unblocked = 0
    }
    if (identityId === null || channel === null || chatId === null) continue
    sendable += 1
    if (blockedAt !== null) continue
    unblocked += 1
    if (offAt !== null) continue
    current.chats.push({ identityId, channel, chatId, language: language ?? 'id' })
  }
  finish()
  return people
}

/** The next `limit` people after `afterPersonId` (id order), with their sendable chats and subject data. */
export async function audienceBatch(db: Db, query: AudienceQuery, afterPersonId: number, limit: number): Promise<AudienceRow[]> {
  return toAudienceRows(db, query, await audienceRows(db, query, afterPersonId, limit))
}

/** A real recipient for the preview: the `offset`-th queued person with an open chat on `channel` (id order). */
export async function sampleRecipient(
  db: Db,
  query: AudienceQuery,
  channel: 'telegram' | 'whatsapp',
  offset = 0,
): Promise<AudienceRow | undefined> {
  const where = await audienceWhere(db, query.criteria, query.scope, query.zones)
  const found = (await statement(
    db,
    `SELECT p.id FROM people p NOT INDEXED
      WHERE ${where.sql} AND EXISTS (SELECT 1 FROM channel_identities ci WHERE ${SENDABLE}
            AND ci.channel = ? AND ci.blocked_at IS NULL AND ci.announcements_off_at IS NULL)
      ORDER BY p.id LIMIT 1 OFFSET ?`,
  ).get(...where.args, query.now.getTime(), channel, Math.max(0, offset))) as { id: number } | undefined
  if (!found) return undefined
  const [row] = await toAudienceRows(db, query, await audienceRows(db, query, found.id - 1, 1))
  if (!row) return undefined
  return { ...row, chats: row.chats.filter((c) => c.channel === channel).slice(0, 1) }
}

/** The zones of the people with at least one open chat, with how many (the preview's quiet-hours note). */
export async function queuedZones(db: Db, query: AudienceQuery): Promise<{ zone: string; people: number }[]> {
  const where = await audienceWhere(db, query.criteria, query.scope, query.zones)
  return (await statement(
    db,
    `SELECT p.time_zone AS zone, count(*) AS people FROM people p NOT INDEXED
      WHERE ${where.sql} AND EXISTS (SELECT 1 FROM channel_identities ci WHERE ${SENDABLE}
            AND ci.blocked_at IS NULL AND ci.announcements_off_at IS NULL)
      GROUP BY p.time_zone ORDER BY p.time_zone`,
  ).all(...where.args, query.now.getTime())) as { zone: string; people: number }[]
}

/**
 * Among the people with an open chat: how many have no subject time, no place, no link (the
 * preview says for how many a placeholder stays empty). Sessions have one subject for all.
 */
export async function subjectGaps(
  db: Db,
  query: AudienceQuery,
): Promise<{ queued: number; noTime: number; noVenue: number; noLink: number }> {
  const kind = subjectKindOf(query.criteria)
  const where = await audienceWhere(db, query.criteria, query.scope, query.zones)
  const open = `EXISTS (SELECT 1 FROM channel_identities ci WHERE ${SENDABLE} AND ci.blocked_at IS NULL AND ci.announcements_off_at IS NULL)`
  const queued = (
    (await statement(db, `SELECT count(*) AS n FROM people p NOT INDEXED WHERE ${where.sql} AND ${open}`).get(
      ...where.args,
      query.now.getTime(),
    )) as { n: number }
  ).n
  if (kind === 'session' && query.criteria.session) {
    const s = await sessionSubject(db, query.criteria.session.id)
    const all = (empty: boolean) => (empty ? queued : 0)
    return { queued, noTime: all(!s), noVenue: all(!s?.venue), noLink: all(!s?.link) }
  }
  if (kind === 'exam') {
    const subject = subjectColumns(db, query)
    const row = (await statement(
      db,
      `SELECT count(CASE WHEN x.id IS NULL THEN 1 END) AS noTime,
              count(CASE WHEN x.id IS NULL OR x.mode = 'daring' OR coalesce(x.venue, '') = '' THEN 1 END) AS noVenue,
              count(CASE WHEN x.id IS NULL OR coalesce(x.meeting_url, '') = '' THEN 1 END) AS noLink
         FROM (SELECT ${subject.sql} AS subject FROM people p NOT INDEXED WHERE ${where.sql} AND ${open}) a
         LEFT JOIN exams x ON x.id = a.subject`,
    ).get(...subject.args, ...where.args, query.now.getTime())) as { noTime: number; noVenue: number; noLink: number }
    return { queued, ...row }
  }
  return { queued, noTime: kind === 'portfolio' ? 0 : queued, noVenue: queued, noLink: queued }
}

/** The session of an audience by its id, as staff may type it (with its region, for the scope check). */
export async function audienceSessionById(db: Db, id: number): Promise<{ id: number; regionId: number } | undefined> {
  return (await statement(db, 'SELECT id, region_id AS regionId FROM bimtek_sessions WHERE id = ?').get(id)) as
    | { id: number; regionId: number }
    | undefined
}

/** The session of an audience by its code, in any case (with its region, for the scope check). */
export async function audienceSessionByCode(db: Db, code: string): Promise<{ id: number; regionId: number } | undefined> {
  return (await statement(db, 'SELECT id, region_id AS regionId FROM bimtek_sessions WHERE upper(code) = upper(?)').get(code)) as
    | { id: number; regionId: number }
    | undefined
}

/** The code and title of an audience's session, for describing the audience in words. */
export async function audienceSessionLabel(db: Db, id: number): Promise<{ code: string; title: string } | undefined> {
  return (await statement(db, 'SELECT code, title FROM bimtek_sessions WHERE id = ?').get(id)) as
    | { code: string; title: string }
    | undefined
}
