/**
 * The console's Pengumuman list and the sessions its form offers, scoped in SQL (see
 * console-scope.ts): a `regional` account reads only its region's announcements (`region_id`, the
 * maker's region) and sessions; `admin` and `viewer` read every one, or one region's when they choose.
 */
import type { AnnouncementStatus } from '../../vocabulary/announcements.js'
import { type Db, statement } from '../client.js'
import type { ConsoleScope } from './console-scope.js'

export type AnnouncementListFilter = {
  /** The staff member's fixed scope (null: every region). */
  scope: ConsoleScope
  /** The region chosen by `admin`/`viewer`: a region's id, or 'central' for those made with every region in scope. */
  region?: number | 'central' | undefined
  status?: AnnouncementStatus | undefined
}

export type AnnouncementListRow = {
  id: number
  code: string
  status: AnnouncementStatus
  /** Who made it: the staff member's name, else the actor as stored (`cli`). */
  maker: string
  regionCode: string | null
  criteria: string
  textId: string
  urgent: boolean
  localDate: string | null
  localTime: string | null
  startAt: Date | null
  rolledTo: Date | null
  queuedAt: Date | null
  finishedAt: Date | null
  cancelledAt: Date | null
  createdAt: Date
}

function where(filter: AnnouncementListFilter): { sql: string; args: Record<string, unknown> } {
  const parts: string[] = []
  const args: Record<string, unknown> = {}
  if (filter.scope) {
    parts.push('a.region_id = @scopeRegion')
    args.scopeRegion = filter.scope.id
  }
  if (filter.region === 'central') parts.push('a.region_id is null')
  else if (filter.region !== undefined) {
    parts.push('a.region_id = @region')
    args.region = filter.region
  }
  if (filter.status) {
    parts.push('a.status = @status')
    args.status = filter.status
  }
  return { sql: parts.length > 0 ? `where ${parts.join(' and ')}` : '', args }
}

type RawRow = Omit<
  AnnouncementListRow,
  'urgent' | 'startAt' | 'rolledTo' | 'queuedAt' | 'finishedAt' | 'cancelledAt' | 'createdAt'
> & {
  urgent: number
  startAt: number | null
  rolledTo: number | null
  queuedAt: number | null
  finishedAt: number | null
  cancelledAt: number | null
  createdAt: number
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms))

/** The announcements the filter lets through, newest first, one page of them, and how many there are in all. */
export async function announcementList(
  db: Db,
  filter: AnnouncementListFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: AnnouncementListRow[]; total: number }> {
  const { sql, args } = where(filter)
  const total = ((await statement(db, `select count(*) as n from announcements a ${sql}`).get(args)) as { n: number }).n
  const raw = (await statement(
    db,
    `select a.id, a.code, a.status, coalesce(st.name, case a.actor when 'cli' then 'CLI' else a.actor end) as maker, r.code as regionCode, a.criteria,
              a.text_id as textId, a.urgent, a.local_date as localDate, a.local_time as localTime, a.start_at as startAt,
              a.rolled_to as rolledTo, a.queued_at as queuedAt, a.finished_at as finishedAt,
              a.cancelled_at as cancelledAt, a.created_at as createdAt
         from announcements a
         left join staff st on st.id = a.staff_id
         left join regions r on r.id = a.region_id
         ${sql}
        order by a.created_at desc, a.id desc
        limit @limit offset @offset`,
  ).all({ ...args, limit: page.limit, offset: page.offset })) as RawRow[]
  const rows = raw.map((r) => ({
    ...r,
    urgent: r.urgent === 1,
    startAt: date(r.startAt),
    rolledTo: date(r.rolledTo),
    queuedAt: date(r.queuedAt),
    finishedAt: date(r.finishedAt),
    cancelledAt: date(r.cancelledAt),
    createdAt: new Date(r.createdAt),
  }))
  return { rows, total }
}

/** A session the announcement form offers. */
export type AnnouncementSessionOption = {
  id: number
  code: string
  title: string
  regionCode: string
  startsAt: Date
  timeZone: string
  upcoming: boolean
}

/**
 * The sessions of the scope not cancelled, the coming ones first (soonest first), then those
 * started or over (latest first); at most `limit`.
 */
export async function announcementSessions(
  db: Db,
  scope: ConsoleScope,
  now: Date,
  limit = 300,
): Promise<AnnouncementSessionOption[]> {
  const rows = (await statement(
    db,
    `select s.id, s.code, s.title, r.code as regionCode, s.starts_at as startsAt, s.time_zone as timeZone,
              s.starts_at > @now as upcoming
         from bimtek_sessions s join regions r on r.id = s.region_id
        where s.cancelled_at is null ${scope ? 'and s.region_id = @region' : ''}
        order by upcoming desc, case when s.starts_at > @now then s.starts_at end asc, s.starts_at desc, s.id
        limit @limit`,
  ).all({ now: now.getTime(), limit, ...(scope && { region: scope.id }) })) as (Omit<
    AnnouncementSessionOption,
    'startsAt' | 'upcoming'
  > & { startsAt: number; upcoming: number })[]
  return rows.map((r) => ({ ...r, startsAt: new Date(r.startsAt), upcoming: Boolean(r.upcoming) }))
}

/** Who made an announcement, for staff: the staff member's name, "CLI", or the actor as stored. */
export async function announcementMaker(db: Db, made: { staffId: number | null; actor: string }): Promise<string> {
  if (made.staffId !== null) {
    const row = (await statement(db, 'select name from staff where id = ?').get(made.staffId)) as { name: string } | undefined
    if (row) return row.name
  }
  return made.actor === 'cli' ? 'CLI' : made.actor
}

/** The time zone of a region (the form's end time is read in a regional account's own zone). */
export async function regionTimeZone(db: Db, regionId: number): Promise<string | undefined> {
  const row = (await statement(db, 'select time_zone as zone from regions where id = ?').get(regionId)) as
    | { zone: string }
    | undefined
  return row?.zone
}
