/**
 * The console's Percakapan list and the scope check of one handoff, in SQL: a handoff belongs to its
 * own `region_id` (the region that answers it), not to its person's province. A `regional` account
 * reads only its region's handoffs; handoffs without a region (filed from a chat with no province
 * known) are the centre's, so only `admin` reads them.
 */
import type { Channel } from '../../vocabulary/message.js'
import { type Db, statement } from '../client.js'
import type { HandoffStatus } from '../schema.js'
import type { ConsoleScope } from './console-scope.js'

/** What a staff member may read: a region (or every region, null) and whether handoffs without a region too. */
export type HandoffAccess = { scope: ConsoleScope; regionless: boolean }

export type ConsoleHandoffFilter = {
  access: HandoffAccess
  status: HandoffStatus | 'all'
  /** The region chosen in the form (admin, viewer). */
  regionId?: number | undefined
  /** Only those assigned to this staff member ("milik saya"). */
  assignedTo?: number | undefined
  channel?: Channel | undefined
  /** Part of the code or of the name. */
  text?: string | undefined
}

export type ConsoleHandoffRow = {
  id: number
  code: string
  name: string
  regionCode: string | null
  /** The region's IANA zone; null without a region (the centre: Asia/Jakarta). */
  timeZone: string | null
  channel: Channel
  status: HandoffStatus
  /** false: a request from before live handoff, a phone call was promised. */
  live: boolean
  createdAt: Date
  closedAt: Date | null
  /** The person's oldest message staff have not answered yet (waiting: when it was filed). */
  unansweredSince: Date | null
  assignedName: string | null
  lastAuthor: 'person' | 'staff' | 'note' | null
  lastAt: Date | null
}

function where(access: HandoffAccess, filter: Partial<ConsoleHandoffFilter>): { sql: string; args: Record<string, unknown> } {
  const parts: string[] = []
  const args: Record<string, unknown> = {}
  if (access.scope) {
    parts.push('h.region_id = @scopeRegion')
    args.scopeRegion = access.scope.id
  } else if (!access.regionless) parts.push('h.region_id is not null')
  if (filter.status && filter.status !== 'all') {
    parts.push('h.status = @status')
    args.status = filter.status
  }
  if (filter.regionId !== undefined) {
    parts.push('h.region_id = @region')
    args.region = filter.regionId
  }
  if (filter.assignedTo !== undefined) {
    parts.push('h.assigned_staff_id = @assigned')
    args.assigned = filter.assignedTo
  }
  if (filter.channel) {
    parts.push('h.channel = @channel')
    args.channel = filter.channel
  }
  if (filter.text) {
    parts.push(`(h.code like @text escape '\\' or h.name like @text escape '\\')`)
    args.text = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  }
  return { sql: parts.length > 0 ? `where ${parts.join(' and ')}` : '', args }
}

// Staff have answered everything the person wrote when their last message is not older than staff's last one.
const UNANSWERED = `case when h.status = 'waiting' then h.created_at
  when h.status = 'open' and h.last_person_at is not null and (h.last_staff_at is null or h.last_staff_at < h.last_person_at)
  then coalesce((select min(m.at) from handoff_messages m where m.handoff_id = h.id and m.author = 'person'
    and m.at > coalesce(h.last_staff_at, 0)), h.last_person_at) end`

/** How many handoffs match the filter. */
export async function countConsoleHandoffs(db: Db, filter: ConsoleHandoffFilter): Promise<number> {
  const w = where(filter.access, filter)
  return ((await statement(db, `select count(*) as n from handoff_requests h ${w.sql}`).get(w.args)) as { n: number }).n
}

/** How many handoffs wait for a staff member, of those `access` may read (the menu's badge). */
export async function countWaitingHandoffs(db: Db, access: HandoffAccess): Promise<number> {
  return await countConsoleHandoffs(db, { access, status: 'waiting' })
}

/**
 * One page of handoffs: waiting ones oldest first, open ones by how long the person has been
 * unanswered (answered ones after), closed ones most recently closed first; with every status,
 * waiting, then open, then closed.
 */
export async function consoleHandoffs(
  db: Db,
  filter: ConsoleHandoffFilter,
  page: { limit: number; offset: number },
): Promise<ConsoleHandoffRow[]> {
  const w = where(filter.access, filter)
  const rows = (await statement(
    db,
    `select h.id, h.code, h.name, g.code as regionCode, g.time_zone as timeZone, h.channel, h.status, h.live,
         h.created_at as createdAt, h.closed_at as closedAt, ${UNANSWERED} as unansweredSince, s.name as assignedName,
         l.author as lastAuthor, l.at as lastAt
       from handoff_requests h left join regions g on g.id = h.region_id left join staff s on s.id = h.assigned_staff_id
       left join handoff_messages l on l.id = (select max(m.id) from handoff_messages m
         where m.handoff_id = h.id and m.author in ('person', 'staff'))
       ${w.sql}
       order by case h.status when 'waiting' then 0 when 'open' then 1 else 2 end,
         case h.status when 'closed' then -h.closed_at else coalesce(${UNANSWERED}, 9e15) end, h.created_at, h.id
       limit @limit offset @offset`,
  ).all({ ...w.args, limit: page.limit, offset: page.offset })) as (Omit<
    ConsoleHandoffRow,
    'live' | 'createdAt' | 'closedAt' | 'unansweredSince' | 'lastAt'
  > & { live: number; createdAt: number; closedAt: number | null; unansweredSince: number | null; lastAt: number | null })[]
  const date = (ms: number | null) => (ms === null ? null : new Date(ms))
  return rows.map((r) => ({
    ...r,
    live: r.live === 1,
    createdAt: new Date(r.createdAt),
    closedAt: date(r.closedAt),
    unansweredSince: date(r.unansweredSince),
    lastAt: date(r.lastAt),
  }))
}

export type ConsoleHandoff = {
  id: number
  code: string
  regionCode: string | null
  regionName: string | null
  timeZone: string | null
  assignedName: string | null
}

/** The handoff of `code` when `access` may read it (else undefined: a 404), with its region and assignee. */
export async function handoffInConsole(db: Db, access: HandoffAccess, code: string): Promise<ConsoleHandoff | undefined> {
  const w = where(access, {})
  return (await statement(
    db,
    `select h.id, h.code, g.code as regionCode, g.name as regionName, g.time_zone as timeZone, s.name as assignedName
       from handoff_requests h left join regions g on g.id = h.region_id left join staff s on s.id = h.assigned_staff_id
       ${w.sql ? `${w.sql} and` : 'where'} h.code = @code`,
  ).get({ ...w.args, code })) as ConsoleHandoff | undefined
}
