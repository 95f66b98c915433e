/**
 * The numbers of the console's dashboard (Beranda), each scoped by region in SQL: a person belongs
 * to the region whose `province_codes` hold their province, a session to its `region_id`, an
 * outbox row or a handoff to its person's region. A chat, handoff or message with no person (or a
 * person with no province) counts only when every region is shown.
 *
 * Days are counted in one fixed offset from UTC (`dayOffsetMs`, WIB for the console), so a bucket
 * is a whole number of days since 1970 there: `day * 86_400_000 - dayOffsetMs` is its start.
 */

import type { Channel } from '../../vocabulary/message.js'
import type { Db } from '../client.js'
import type { CertificationStage, OutboxStatus } from '../schema.js'
import { type ConsoleRegion, type ConsoleScope, consoleRegions, provinceFilter } from './console-scope.js'

const DAY_MS = 86_400_000

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

/** People by their current stage (the latest reached; the later row on a tie). */
export function peoplePerStage(db: Db, scope: DashboardScope): Partial<Record<CertificationStage, number>> {
  const where = provinceFilter(scope, 'p.province_code')
  const join = scope ? `join people p on p.id = cs.person_id${where.sql}` : ''
  const rows = db.$client
    .prepare(
      `select stage, count(*) as n from (
         select cs.stage, row_number() over (partition by cs.person_id order by cs.reached_at desc, cs.id desc) as k
         from certification_stages cs ${join}
       ) where k = 1 group by stage`,
    )
    .all(...where.args) as { stage: CertificationStage; n: number }[]
  return Object.fromEntries(rows.map((r) => [r.stage, r.n]))
}

/**
 * How far each person has come on the path, per region: for every region (null: a person with no
 * known region), how many people reached each furthest step. `rank` maps a stage to its step.
 */
export function furthestStepPerRegion(
  db: Db,
  regions: readonly DashboardRegion[],
  scope: DashboardScope,
  rank: Readonly<Record<CertificationStage, number>>,
): { region: string | null; step: number; people: number }[] {
  const shown = scope ? [scope] : regions
  const pairs = shown.flatMap((r) => r.provinces.map((province) => [province, r.code] as const))
  // The province → region map as a small table of values, so the grouping stays in SQL.
  const map = pairs.length > 0 ? `values ${pairs.map(() => '(?, ?)').join(', ')}` : 'select null, null where 0'
  const ranks = Object.entries(rank)
  const rankCase = `case cs.stage ${ranks.map(() => 'when ? then ?').join(' ')} end`
  const where = provinceFilter(scope, 'p.province_code')
  const rows = db.$client
    .prepare(
      `with province_region(province, region) as (${map})
       select pr.region as region, f.step as step, count(*) as people from (
         select cs.person_id as person_id, max(${rankCase}) as step
         from certification_stages cs ${scope ? `join people p on p.id = cs.person_id${where.sql}` : ''}
         group by cs.person_id
       ) f
       join people p2 on p2.id = f.person_id
       left join province_region pr on pr.province = p2.province_code
       group by pr.region, f.step`,
    )
    .all(...pairs.flat(), ...ranks.flat(), ...where.args) as { region: string | null; step: number; people: number }[]
  return rows
}

/** Registrations made in [from, to), whatever became of them since. */
export function registrationsMade(db: Db, scope: DashboardScope, from: Date, to: Date): number {
  const row = db.$client
    .prepare(
      `select count(*) as n from registrations r ${scope ? 'join bimtek_sessions s on s.id = r.session_id and s.region_id = @region' : ''}
       where r.created_at >= @from and r.created_at < @to`,
    )
    .get({ from: from.getTime(), to: to.getTime(), ...(scope && { region: scope.id }) }) as { n: number }
  return row.n
}

/** Registrations made per day of the range (days with none are left out). */
export function registrationsPerDay(db: Db, scope: DashboardScope, range: DashboardRange): { day: number; count: number }[] {
  return db.$client
    .prepare(
      `select ${dayOf('r.created_at')} as day, count(*) as count from registrations r
       ${scope ? 'join bimtek_sessions s on s.id = r.session_id and s.region_id = @region' : ''}
       where r.created_at >= @from and r.created_at < @to group by day order by day`,
    )
    .all({
      from: range.from.getTime(),
      to: range.to.getTime(),
      offset: range.dayOffsetMs,
      ...(scope && { region: scope.id }),
    }) as { day: number; count: number }[]
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
export function upcomingSessions(
  db: Db,
  scope: DashboardScope,
  now: Date,
  limit: number,
): {
  totals: { sessions: number; capacity: number; confirmed: number; offered: number; waiting: number }
  first: UpcomingSession[]
} {
  const rows = db.$client
    .prepare(
      `select s.code, s.title, s.starts_at as startsAt, s.time_zone as timeZone, s.capacity,
         (select count(*) from registrations r where r.session_id = s.id and r.status = 'confirmed') as confirmed,
         (select count(*) from registrations r where r.session_id = s.id and r.status = 'offered') as offered,
         (select count(*) from registrations r where r.session_id = s.id and r.status = 'waitlisted') as waiting
       from bimtek_sessions s
       where s.starts_at > @now and s.cancelled_at is null ${scope ? 'and s.region_id = @region' : ''}
       order by s.starts_at, s.id`,
    )
    .all({ now: now.getTime(), ...(scope && { region: scope.id }) }) as (Omit<UpcomingSession, 'startsAt'> & {
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

export type OutboxDayCount = { day: number; channel: Channel; reminder: boolean; status: OutboxStatus; count: number }

/** Outbox rows due in the range, per day, channel, status and whether they are reminders. */
export function outboxPerDay(db: Db, scope: DashboardScope, range: DashboardRange): OutboxDayCount[] {
  const where = provinceFilter(scope, 'province_code')
  const rows = db.$client
    .prepare(
      `select ${dayOf('o.due_at')} as day, o.channel, o.kind = 'reminder' as reminder, o.status, count(*) as count
       from outbox o
       where o.due_at >= @from and o.due_at < @to
       ${scope ? `and o.person_id in (select id from people where 1${where.sql})` : ''}
       group by day, o.channel, reminder, o.status`,
    )
    .all(...where.args, { from: range.from.getTime(), to: range.to.getTime(), offset: range.dayOffsetMs }) as (Omit<
    OutboxDayCount,
    'reminder'
  > & { reminder: number })[]
  return rows.map((r) => ({ ...r, reminder: r.reminder === 1 }))
}

/** Chats per channel: every chat the assistant has, and those with a message on or after `since`. */
export function chatsPerChannel(
  db: Db,
  scope: DashboardScope,
  since: Date,
): { channel: Channel; total: number; active: number }[] {
  const where = provinceFilter(scope, 'p.province_code')
  const linked = scope
    ? `and exists (select 1 from channel_identities ci join people p on p.id = ci.person_id
         where ci.channel = c.channel and ci.chat_id = c.chat_id${where.sql})`
    : ''
  return db.$client
    .prepare(
      `select c.channel, count(*) as total, sum(c.updated_at >= @since) as active
       from conversation_states c where 1 ${linked} group by c.channel order by c.channel`,
    )
    .all(...where.args, { since: since.getTime() }) as { channel: Channel; total: number; active: number }[]
}

/** Requests to talk to a person still waiting for an answer. */
export function openHandoffs(db: Db, scope: DashboardScope): number {
  const where = provinceFilter(scope, 'province_code')
  const row = db.$client
    .prepare(
      `select count(*) as n from handoff_requests h where h.status = 'open'
       ${scope ? `and h.person_id in (select id from people where 1${where.sql})` : ''}`,
    )
    .get(...where.args) as { n: number }
  return row.n
}
