/**
 * The console's Peserta and Ujian pages: people found by one key (part of the name, NIK hash, phone
 * or registration code) within the staff member's region, everything on record about one person,
 * and the exam schedule. Scoped in SQL (`provinceFilter`), so another region's rows are never read.
 */
import type { Db } from '../client.js'
import { statement } from '../client.js'
import type { CertificationStage } from '../schema.js'
import { type ConsoleScope, provinceFilter } from './console-scope.js'

/** What the search box was read as (see the Peserta page). */
export type PeopleKey =
  | { kind: 'all' }
  | { kind: 'name'; text: string }
  | { kind: 'nik'; hash: string }
  | { kind: 'phone'; e164: string }
  | { kind: 'code'; code: string }

export type PeopleSearch = {
  scope: ConsoleScope
  key: PeopleKey
  /** Only people whose current stage is this one. */
  stage?: CertificationStage | undefined
  page: number
  pageSize: number
}

/** One line of the list. */
export type PersonListRow = {
  id: number
  fullName: string
  phoneE164: string | null
  provinceCode: string | null
  regency: string | null
  professionGroup: string | null
  stage: CertificationStage | null
}

/** `%`, `_` and the escape itself are taken literally in a LIKE … ESCAPE '\' pattern. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

/** The current stage: the latest reached, the later written on a tie (as `currentStage` reads it). */
const CURRENT_STAGE = `(select s.stage from certification_stages s where s.person_id = p.id
  order by s.reached_at desc, s.id desc limit 1)`

/**
 * The people whose current stage is `?`: those with a row of that stage and no later one, read from
 * that stage's rows (index on stage). Working out the current stage of each of 100,000 people takes
 * half a second; this, a tenth of that.
 */
const AT_STAGE = `select s.person_id from certification_stages s where s.stage = ? and not exists (
  select 1 from certification_stages later where later.person_id = s.person_id
    and (later.reached_at > s.reached_at or (later.reached_at = s.reached_at and later.id > s.id)))`

function keyFilter(key: PeopleKey): { sql: string; args: (string | number)[] } {
  switch (key.kind) {
    case 'all':
      return { sql: '', args: [] }
    case 'name':
      // SQLite's LIKE ignores the case of ASCII letters, which Indonesian names are written in.
      return { sql: ` and p.full_name like ? escape '\\'`, args: [`%${likeLiteral(key.text)}%`] }
    case 'nik':
      return { sql: ' and p.nik_hash = ?', args: [key.hash] }
    case 'phone':
      return { sql: ' and p.phone_e164 = ?', args: [key.e164] }
    case 'code':
      return { sql: ' and p.id in (select person_id from registrations where code = ?)', args: [key.code] }
  }
}

/** One page of the people that match, by name, and how many match in all. */
export async function searchPeople(db: Db, search: PeopleSearch): Promise<{ rows: PersonListRow[]; total: number }> {
  const scope = provinceFilter(search.scope, 'p.province_code')
  const key = keyFilter(search.key)
  // Everyone at a stage: from that stage's rows. A region's or a search's people (far fewer): each one's current stage.
  const narrowed = search.scope !== null || search.key.kind !== 'all'
  const stage = search.stage
    ? { sql: narrowed ? ` and ${CURRENT_STAGE} = ?` : ` and p.id in (${AT_STAGE})`, args: [search.stage] }
    : { sql: '', args: [] }
  const where = `where true${scope.sql}${key.sql}${stage.sql}`
  const args = [...scope.args, ...key.args, ...stage.args]
  const total = ((await statement(db, `select count(*) as n from people p ${where}`).get(...args)) as { n: number }).n
  // The current stage is worked out for the page's rows only.
  const rows = (await statement(
    db,
    `select p.id, p.full_name as fullName, p.phone_e164 as phoneE164, p.province_code as provinceCode, p.regency,
       p.profession_group as professionGroup, ${CURRENT_STAGE} as stage
     from people p ${where} order by lower(p.full_name), p.id limit ? offset ?`,
  ).all(...args, search.pageSize, (search.page - 1) * search.pageSize)) as PersonListRow[]
  return { rows, total }
}

/** A person as the console shows them (no NIK: only whether one is on record). */
export type PersonRecord = {
  id: number
  fullName: string
  hasNik: boolean
  phoneE164: string | null
  provinceCode: string | null
  regency: string | null
  professionGroup: string | null
  institution: string | null
  timeZone: string
  createdAt: Date
}

/** The person with this id, if the scope may see them. */
export async function personInConsole(db: Db, scope: ConsoleScope, id: number): Promise<PersonRecord | undefined> {
  const where = provinceFilter(scope, 'province_code')
  const row = (await statement(
    db,
    `select id, full_name as fullName, nik_hash is not null as hasNik, phone_e164 as phoneE164,
       province_code as provinceCode, regency, profession_group as professionGroup, institution, time_zone as timeZone,
       created_at as createdAt
     from people where id = ?${where.sql}`,
  ).get(id, ...where.args)) as (Omit<PersonRecord, 'hasNik' | 'createdAt'> & { hasNik: number; createdAt: number }) | undefined
  return row && { ...row, hasNik: Boolean(row.hasNik), createdAt: new Date(row.createdAt) }
}

const dated = <T extends Record<string, unknown>>(row: T, keys: readonly string[]): T => {
  const copy: Record<string, unknown> = { ...row }
  for (const key of keys) if (typeof copy[key] === 'number') copy[key] = new Date(copy[key] as number)
  return copy as T
}

export type StageLine = { stage: CertificationStage; reachedAt: Date; dueAt: Date | null; note: string | null }
export type RegistrationLine = {
  code: string
  sessionId: number
  sessionCode: string
  sessionTitle: string
  startsAt: Date
  timeZone: string
  status: string
  attendedAt: Date | null
  attendanceConfirmedAt: Date | null
}
export type ExamLine = {
  id: number
  code: string | null
  kind: string
  status: string
  mode: string
  venue: string | null
  meetingUrl: string | null
  startsAt: Date
  timeZone: string
  attendanceConfirmedAt: Date | null
}
export type ReminderLine = {
  kind: string
  label: string | null
  channel: string
  status: string
  dueAt: Date
  sentAt: Date | null
  lastError: string | null
}
export type ChatLine = {
  channel: string
  userId: string
  language: string
  remindersEnabled: boolean
  blockedAt: Date | null
  linkedAt: Date | null
  linkExpiresAt: Date | null
}
export type HandoffLine = { code: string; channel: string; topic: string; status: string; createdAt: Date; closedAt: Date | null }
export type ConsentLine = {
  channel: string
  purpose: string
  textVersion: string
  granted: boolean
  recordedAt: Date
  withdrawnAt: Date | null
}
export type PersonAuditLine = { at: Date; actor: string; staffName: string | null; action: string; details: string | null }

/** The most reminders and audit entries the person page lists (newest first). */
export const PERSON_PAGE_LIMIT = 100

/** Everything on record about one person, for their page (the caller has checked the scope). */
export async function personHistory(db: Db, personId: number) {
  const all = async <T>(sql: string, dates: readonly string[], key: number | string = personId) =>
    ((await statement(db, sql).all(key)) as Record<string, unknown>[]).map((row) => dated(row, dates) as T)
  return {
    stages: await all<StageLine>(
      `select stage, reached_at as reachedAt, due_at as dueAt, note from certification_stages
       where person_id = ? order by reached_at, id`,
      ['reachedAt', 'dueAt'],
    ),
    registrations: await all<RegistrationLine>(
      `select r.code, s.id as sessionId, s.code as sessionCode, s.title as sessionTitle, s.starts_at as startsAt,
         s.time_zone as timeZone, r.status, r.attended_at as attendedAt, r.attendance_confirmed_at as attendanceConfirmedAt
       from registrations r join bimtek_sessions s on s.id = r.session_id where r.person_id = ? order by s.starts_at desc`,
      ['startsAt', 'attendedAt', 'attendanceConfirmedAt'],
    ),
    exams: await all<ExamLine>(
      `select id, code, kind, status, mode, venue, meeting_url as meetingUrl, starts_at as startsAt, time_zone as timeZone,
         attendance_confirmed_at as attendanceConfirmedAt
       from exams where person_id = ? order by starts_at desc`,
      ['startsAt', 'attendanceConfirmedAt'],
    ),
    reminders: await all<ReminderLine>(
      `select kind, label, channel, status, due_at as dueAt, sent_at as sentAt, last_error as lastError
       from outbox where person_id = ? order by due_at desc, id desc limit ${PERSON_PAGE_LIMIT}`,
      ['dueAt', 'sentAt'],
    ),
    chats: (
      (await statement(
        db,
        `select channel, user_id as userId, language, reminders_enabled as remindersEnabled, blocked_at as blockedAt,
           linked_at as linkedAt, link_expires_at as linkExpiresAt
         from channel_identities where person_id = ? order by id`,
      ).all(personId)) as (Omit<ChatLine, 'remindersEnabled'> & { remindersEnabled: number })[]
    ).map((row) => dated({ ...row, remindersEnabled: row.remindersEnabled === 1 }, ['blockedAt', 'linkedAt', 'linkExpiresAt'])),
    handoffs: await all<HandoffLine>(
      `select code, channel, topic, status, created_at as createdAt, closed_at as closedAt
       from handoff_requests where person_id = ? order by created_at desc`,
      ['createdAt', 'closedAt'],
    ),
    consents: (
      (await statement(
        db,
        `select channel, purpose, text_version as textVersion, granted, recorded_at as recordedAt, withdrawn_at as withdrawnAt
         from consent_records where person_id = ? order by recorded_at desc`,
      ).all(personId)) as (Omit<ConsentLine, 'granted'> & { granted: number })[]
    ).map((row) => dated({ ...row, granted: row.granted === 1 }, ['recordedAt', 'withdrawnAt'])),
    audit: await all<PersonAuditLine>(
      `select a.at, a.actor, s.name as staffName, a.action, a.details from audit_log a
       left join staff s on a.actor = 'staff:' || s.id
       where a.entity = 'person' and a.entity_id = ? order by a.id desc limit ${PERSON_PAGE_LIMIT}`,
      ['at'],
      // Audit entries name their entity by text.
      String(personId),
    ),
  }
}

export type PersonHistory = Awaited<ReturnType<typeof personHistory>>

export type ExamSearch = {
  scope: ConsoleScope
  /** Exams starting at or after this instant … */
  from: Date
  /** … and before this one (none: every later exam). */
  to?: Date | undefined
  /** One person's exams only. */
  personId?: number | undefined
}

/** One exam of the schedule, with its person. */
export type ScheduleRow = ExamLine & { personId: number; fullName: string }

function examWhere(search: ExamSearch) {
  const scope = provinceFilter(search.scope, 'p.province_code')
  const sql = `from exams e join people p on p.id = e.person_id
    where e.starts_at >= ?${search.to ? ' and e.starts_at < ?' : ''}${search.personId !== undefined ? ' and e.person_id = ?' : ''}${scope.sql}`
  const args: (number | string)[] = [search.from.getTime()]
  if (search.to) args.push(search.to.getTime())
  if (search.personId !== undefined) args.push(search.personId)
  return { sql, args: [...args, ...scope.args] }
}

/** How many exams of the schedule match. */
export async function countExams(db: Db, search: ExamSearch): Promise<number> {
  const where = examWhere(search)
  return ((await statement(db, `select count(*) as n ${where.sql}`).get(...where.args)) as { n: number }).n
}

/** The matching exams in time order, `limit` of them after `offset`. */
export async function examSchedule(db: Db, search: ExamSearch, page: { limit: number; offset: number }): Promise<ScheduleRow[]> {
  const where = examWhere(search)
  const rows = (await statement(
    db,
    `select e.id, e.code, e.kind, e.status, e.mode, e.venue, e.meeting_url as meetingUrl, e.starts_at as startsAt,
       e.time_zone as timeZone, e.attendance_confirmed_at as attendanceConfirmedAt, e.person_id as personId, p.full_name as fullName
     ${where.sql} order by e.starts_at, e.id limit ? offset ?`,
  ).all(...where.args, page.limit, page.offset)) as Record<string, unknown>[]
  return rows.map((row) => dated(row, ['startsAt', 'attendanceConfirmedAt']) as ScheduleRow)
}
