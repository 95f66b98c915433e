/**
 * The numbers of the console's dashboard (Beranda), each scoped by region in SQL: a person belongs
 * to the region whose `province_codes` hold their province, a session to its `region_id`, an
 * outbox row to its person's region, a handoff to its own `region_id` (the region that answers it).
 * A chat, handoff or message with no person or region counts only when every region is shown.
 *
 * Days are counted in one fixed offset from UTC (`dayOffsetMs`, WIB for the console), so a bucket
 * is a whole number of days since 1970 there: `day * 86_400_000 - dayOffsetMs` is its start.
 */

import type { Channel } from '../../vocabulary/message.js'
import { type Db, statement } from '../client.js'
import { CERTIFICATION_STAGES, type CertificationStage, type OutboxStatus } from '../schema.js'
import { type ConsoleRegion, type ConsoleScope, consoleRegions, provinceFilter } from './console-scope.js'

const DAY_MS = 86_400_000
/** The offset of the days of `outbox_days` (WIB, fixed by its triggers in migration 0009). */
export const OUTBOX_DAY_OFFSET_MS = 7 * 3_600_000
/**
 * The statuses `outbox_days` counts (its triggers in migrations 0009 and 0016): the outcomes the
 * dashboard shows, unknown (a crash while sending) apart from failed.
 */
export const OUTBOX_DAY_STATUSES = ['sent', 'late', 'failed', 'unknown', 'skipped'] as const satisfies readonly OutboxStatus[]

/** One region with the province codes it serves (see console-scope.ts). */
export type DashboardRegion = ConsoleRegion

/** Every region, in code order. */
export const dashboardRegions = consoleRegions

/** Which region the numbers are for: one region (its row), or all (null). */
export type DashboardScope = ConsoleScope

/** A half-open span of time [from, to) and the offset its days are counted in. */
export type DashboardRange = { from: Date; to: Date; dayOffsetMs: number }

// better-sqlite3 binds a JS number as a REAL: cast, or the division would not be a whole day.
const dayOf = (column: string) => `(${column} + cast(@offset as integer)) / ${DAY_MS}`

/** People by their current stage (the latest reached; the later row on a tie), as `people.current_stage` keeps it. */
export async function peoplePerStage(db: Db, scope: DashboardScope): Promise<Partial<Record<CertificationStage, number>>> {
  const where = provinceFilter(scope, 'province_code')
  const rows = (await statement(
    db,
    `select current_stage as stage, count(*) as n from people where current_stage is not null${where.sql} group by current_stage`,
  ).all(...where.args)) as { stage: CertificationStage; n: number }[]
  return Object.fromEntries(rows.map((r) => [r.stage, r.n]))
}

/**
 * How far each person has come on the path, per region: for every region (null: a person with no
 * known region), how many people reached each furthest step. `rank` maps a stage to its step. People
 * are counted per province and set of stages reached (`people.stages_reached`, read from an index),
 * and each set's furthest step and each province's region are worked out here.
 */
export async function furthestStepPerRegion(
  db: Db,
  regions: readonly DashboardRegion[],
  scope: DashboardScope,
  rank: Readonly<Record<CertificationStage, number>>,
): Promise<{ region: string | null; step: number; people: number }[]> {
  const regionOf = new Map((scope ? [scope] : regions).flatMap((r) => r.provinces.map((province) => [province, r.code] as const)))
  const where = provinceFilter(scope, 'province_code')
  const sets = (await statement(
    db,
    `select province_code as province, stages_reached as reached, count(*) as people from people
       where stages_reached <> 0${where.sql} group by province_code, stages_reached`,
  ).all(...where.args)) as { province: string | null; reached: number; people: number }[]
  const counts = new Map<string, { region: string | null; step: number; people: number }>()
  for (const set of sets) {
    const step = furthestOf(set.reached, rank)
    const region = (set.province !== null && regionOf.get(set.province)) || null
    const key = `${region}\u0000${step}`
    const row = counts.get(key) ?? { region, step, people: 0 }
    row.people += set.people
    counts.set(key, row)
  }
  return [...counts.values()]
}

/** The highest rank among the stages of a `stages_reached` set (bit i: CERTIFICATION_STAGES[i]). */
function furthestOf(reached: number, rank: Readonly<Record<CertificationStage, number>>): number {
  let step = 0
  CERTIFICATION_STAGES.forEach((stage, bit) => {
    if (reached & (1 << bit)) step = Math.max(step, rank[stage])
  })
  return step
}

/** Registrations made in [from, to), whatever became of them since. */
export async function registrationsMade(db: Db, scope: DashboardScope, from: Date, to: Date): Promise<number> {
  const row = (await statement(
    db,
    `select count(*) as n from registrations r ${scope ? 'join bimtek_sessions s on s.id = r.session_id and s.region_id = @region' : ''}
       where r.created_at >= @from and r.created_at < @to`,
  ).get({ from: from.getTime(), to: to.getTime(), ...(scope && { region: scope.id }) })) as { n: number }
  return row.n
}

/** Registrations made per day of the range (days with none are left out). */
export async function registrationsPerDay(
  db: Db,
  scope: DashboardScope,
  range: DashboardRange,
): Promise<{ day: number; count: number }[]> {
  return (await statement(
    db,
    `select ${dayOf('r.created_at')} as day, count(*) as count from registrations r
       ${scope ? 'join bimtek_sessions s on s.id = r.session_id and s.region_id = @region' : ''}
       where r.created_at >= @from and r.created_at < @to group by day order by day`,
  ).all({
    from: range.from.getTime(),
    to: range.to.getTime(),
    offset: range.dayOffsetMs,
    ...(scope && { region: scope.id }),
  })) as { day: number; count: number }[]
}

export type UpcomingSession = {
  code: string
  title: string
  startsAt: Date
  timeZone: string
  capacity: number
  confirmed: number
  offered: number
  waiting: number
}

/** Sessions starting after `now`, soonest first, with their seats: every one (totals) and the first `limit`. */
export async function upcomingSessions(
  db: Db,
  scope: DashboardScope,
  now: Date,
  limit: number,
): Promise<{
  totals: { sessions: number; capacity: number; confirmed: number; offered: number; waiting: number }
  first: UpcomingSession[]
}> {
  const rows = (await statement(
    db,
    `select s.code, s.title, s.starts_at as startsAt, s.time_zone as timeZone, s.capacity,
         (select count(*) from registrations r where r.session_id = s.id and r.status = 'confirmed') as confirmed,
         (select count(*) from registrations r where r.session_id = s.id and r.status = 'offered') as offered,
         (select count(*) from registrations r where r.session_id = s.id and r.status = 'waitlisted') as waiting
       from bimtek_sessions s
       where s.starts_at > @now and s.cancelled_at is null ${scope ? 'and s.region_id = @region' : ''}
       order by s.starts_at, s.id`,
  ).all({ now: now.getTime(), ...(scope && { region: scope.id }) })) as (Omit<UpcomingSession, 'startsAt'> & {
    startsAt: number
  })[]
  const totals = { sessions: rows.length, capacity: 0, confirmed: 0, offered: 0, waiting: 0 }
  for (const r of rows) {
    totals.capacity += r.capacity
    totals.confirmed += r.confirmed
    totals.offered += r.offered
    totals.waiting += r.waiting
  }
  return { totals, first: rows.slice(0, limit).map((r) => ({ ...r, startsAt: new Date(r.startsAt) })) }
}

export type OutboxDayCount = {
  day: number
  channel: Channel
  reminder: boolean
  status: (typeof OUTBOX_DAY_STATUSES)[number]
  count: number
}

/**
 * Outbox rows sent, sent late, failed, unknown or skipped (`OUTBOX_DAY_STATUSES`) due on the days `firstDay`
 * to `lastDay` (both included, day numbers in WIB, the day of `outbox_days`), per day, channel,
 * status and whether they are reminders; only counts above 0.
 */
export async function outboxPerDay(db: Db, scope: DashboardScope, firstDay: number, lastDay: number): Promise<OutboxDayCount[]> {
  const where = provinceFilter(scope, 'province_code')
  const rows = (await statement(
    db,
    `select day, channel, reminder, status, sum(count) as count from outbox_days
       where day between ? and ?${where.sql}
       group by day, channel, reminder, status having sum(count) > 0`,
  ).all(firstDay, lastDay, ...where.args)) as (Omit<OutboxDayCount, 'reminder'> & { reminder: number })[]
  return rows.map((r) => ({ ...r, reminder: r.reminder === 1 }))
}

/** Chats per channel: every chat the assistant has, and those with a message on or after `since`. */
export async function chatsPerChannel(
  db: Db,
  scope: DashboardScope,
  since: Date,
): Promise<{ channel: Channel; total: number; active: number }[]> {
  const where = provinceFilter(scope, 'p.province_code')
  // The region's linked chats, found from its people (a list SQLite looks up in the chats' key),
  // rather than a look for a person behind every chat there is.
  const linked = scope
    ? `and (c.channel, c.chat_id) in (select ci.channel, ci.chat_id from channel_identities ci
         join people p on p.id = ci.person_id where true${where.sql})`
    : ''
  return (await statement(
    db,
    `select c.channel, count(*) as total, count(case when c.updated_at >= ? then 1 end) as active
       from conversation_states c where true ${linked} group by c.channel order by c.channel`,
  ).all(since.getTime(), ...where.args)) as { channel: Channel; total: number; active: number }[]
}

/** Handoffs waiting for a staff member and being served now, of the scope's region (by the handoff's own region). */
export async function handoffsNow(db: Db, scope: DashboardScope): Promise<{ waiting: number; open: number }> {
  const row = (await statement(
    db,
    `select count(*) filter (where status = 'waiting') as waiting, count(*) filter (where status = 'open') as open
       from handoff_requests where status in ('waiting', 'open') ${scope ? 'and region_id = @region' : ''}`,
  ).get(scope ? { region: scope.id } : {})) as { waiting: number; open: number }
  return row
}

/** Per region (null: none), handoffs waiting and open now, and closed in [from, to). */
export async function handoffCountsPerRegion(
  db: Db,
  scope: DashboardScope,
  from: Date,
  to: Date,
): Promise<{ regionId: number | null; waiting: number; open: number; closed: number }[]> {
  return (await statement(
    db,
    `select region_id as regionId, count(*) filter (where status = 'waiting') as waiting,
         count(*) filter (where status = 'open') as open,
         count(*) filter (where status = 'closed' and closed_at >= @from and closed_at < @to) as closed
       from handoff_requests where (status in ('waiting', 'open') or closed_at >= @from) ${scope ? 'and region_id = @region' : ''}
       group by region_id`,
  ).all({ from: from.getTime(), to: to.getTime(), ...(scope && { region: scope.id }) })) as {
    regionId: number | null
    waiting: number
    open: number
    closed: number
  }[]
}

export type HandoffTimes = {
  regionId: number | null
  regionCode: string | null
  /** The region's IANA zone (null without a region). */
  timeZone: string | null
  createdAt: Date
  firstReplyAt: Date | null
  closedAt: Date | null
  rating: number | null
}

/**
 * The live handoffs (not the phone-call requests from before) filed in [from, to), with what the
 * measures need: when staff first replied, when it was closed, its rating.
 */
export async function handoffTimes(db: Db, scope: DashboardScope, from: Date, to: Date): Promise<HandoffTimes[]> {
  const rows = (await statement(
    db,
    `select h.region_id as regionId, g.code as regionCode, g.time_zone as timeZone, h.created_at as createdAt,
         h.first_staff_reply_at as firstReplyAt, h.closed_at as closedAt, h.rating
       from handoff_requests h left join regions g on g.id = h.region_id
       where h.live = 1 and h.created_at >= @from and h.created_at < @to ${scope ? 'and h.region_id = @region' : ''}`,
  ).all({ from: from.getTime(), to: to.getTime(), ...(scope && { region: scope.id }) })) as (Omit<
    HandoffTimes,
    'createdAt' | 'firstReplyAt' | 'closedAt'
  > & { createdAt: number; firstReplyAt: number | null; closedAt: number | null })[]
  const date = (ms: number | null) => (ms === null ? null : new Date(ms))
  return rows.map((r) => ({
    ...r,
    createdAt: new Date(r.createdAt),
    firstReplyAt: date(r.firstReplyAt),
    closedAt: date(r.closedAt),
  }))
}
