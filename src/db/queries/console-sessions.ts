/**
 * The console's Sesi Bimtek list and one session's registrants, scoped in SQL (see console-scope.ts):
 * a `regional` account's query only ever reads its own region's sessions.
 */
import { type Db, statement } from '../client.js'
import type { ConsoleScope } from './console-scope.js'

/** Which sessions by time: not started and not cancelled, started or over, cancelled, or all. */
export const SESSION_STATES = ['upcoming', 'past', 'cancelled', 'all'] as const
export type SessionState = (typeof SESSION_STATES)[number]

export type ConsoleSessionFilter = {
  /** The staff member's fixed scope (null: every region), then the region chosen in the form. */
  scope: ConsoleScope
  regionId?: number | undefined
  state: SessionState
  targetGroup?: string | undefined
  mode?: 'tatap_muka' | 'daring' | undefined
  /** Part of the code, title or venue. */
  text?: string | undefined
  now: Date
}

export type ConsoleSessionRow = {
  id: number
  code: string
  title: string
  targetGroup: string
  regionCode: string
  mode: 'tatap_muka' | 'daring'
  venue: string | null
  startsAt: Date
  endsAt: Date
  timeZone: string
  capacity: number
  cancelledAt: Date | null
  confirmed: number
  offered: number
  waiting: number
}

function where(filter: ConsoleSessionFilter): { sql: string; args: Record<string, unknown> } {
  const parts: string[] = []
  const args: Record<string, unknown> = { now: filter.now.getTime() }
  if (filter.scope) {
    parts.push('s.region_id = @scopeRegion')
    args.scopeRegion = filter.scope.id
  }
  if (filter.regionId !== undefined) {
    parts.push('s.region_id = @region')
    args.region = filter.regionId
  }
  if (filter.state === 'upcoming') parts.push('s.cancelled_at is null and s.starts_at > @now')
  if (filter.state === 'past') parts.push('s.cancelled_at is null and s.starts_at <= @now')
  if (filter.state === 'cancelled') parts.push('s.cancelled_at is not null')
  if (filter.targetGroup) {
    parts.push('s.target_group = @targetGroup')
    args.targetGroup = filter.targetGroup
  }
  if (filter.mode) {
    parts.push('s.mode = @mode')
    args.mode = filter.mode
  }
  if (filter.text) {
    parts.push(
      `(s.code like @text escape '\\' or s.title like @text escape '\\' or coalesce(s.venue, '') like @text escape '\\')`,
    )
    args.text = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  }
  return { sql: parts.length > 0 ? `where ${parts.join(' and ')}` : '', args }
}

/** How many sessions match the filter. */
export async function countConsoleSessions(db: Db, filter: ConsoleSessionFilter): Promise<number> {
  const w = where(filter)
  return ((await statement(db, `select count(*) as n from bimtek_sessions s ${w.sql}`).get(w.args)) as { n: number }).n
}

/**
 * One page of sessions with their seats (confirmed, offered, waiting): upcoming ones soonest first,
 * the others most recent first.
 */
export async function consoleSessions(
  db: Db,
  filter: ConsoleSessionFilter,
  page: { limit: number; offset: number },
): Promise<ConsoleSessionRow[]> {
  const w = where(filter)
  const order = filter.state === 'upcoming' ? 's.starts_at, s.id' : 's.starts_at desc, s.id desc'
  const rows = (await statement(
    db,
    `select s.id, s.code, s.title, s.target_group as targetGroup, g.code as regionCode, s.mode, s.venue,
         s.starts_at as startsAt, s.ends_at as endsAt, s.time_zone as timeZone, s.capacity, s.cancelled_at as cancelledAt,
         (select count(*) from registrations r where r.session_id = s.id and r.status = 'confirmed') as confirmed,
         (select count(*) from registrations r where r.session_id = s.id and r.status = 'offered') as offered,
         (select count(*) from registrations r where r.session_id = s.id and r.status = 'waitlisted') as waiting
       from bimtek_sessions s join regions g on g.id = s.region_id
       ${w.sql} order by ${order} limit @limit offset @offset`,
  ).all({ ...w.args, limit: page.limit, offset: page.offset })) as (Omit<
    ConsoleSessionRow,
    'startsAt' | 'endsAt' | 'cancelledAt'
  > & {
    startsAt: number
    endsAt: number
    cancelledAt: number | null
  })[]
  return rows.map((r) => ({
    ...r,
    startsAt: new Date(r.startsAt),
    endsAt: new Date(r.endsAt),
    cancelledAt: r.cancelledAt === null ? null : new Date(r.cancelledAt),
  }))
}

/** The sessions a registrant of `sessionId` can be moved to: same region, not started, not cancelled. */
export async function moveTargets(
  db: Db,
  sessionId: number,
  now: Date,
): Promise<{ id: number; code: string; title: string; startsAt: Date; timeZone: string }[]> {
  const rows = (await statement(
    db,
    `select s.id, s.code, s.title, s.starts_at as startsAt, s.time_zone as timeZone
       from bimtek_sessions s join bimtek_sessions f on f.id = @id and f.region_id = s.region_id
       where s.id <> @id and s.cancelled_at is null and s.starts_at > @now
       order by s.starts_at, s.id limit 200`,
  ).all({ id: sessionId, now: now.getTime() })) as {
    id: number
    code: string
    title: string
    startsAt: number
    timeZone: string
  }[]
  return rows.map((r) => ({ ...r, startsAt: new Date(r.startsAt) }))
}
