/**
 * The console's regional scoping, shared by every page: a person belongs to the region whose
 * `province_codes` hold their province, a session to its `region_id`, an outbox row, exam,
 * registration or handoff to its person's (or session's) region. Scoping is done in SQL, so a
 * `regional` account asking for another region's row by its address finds nothing (404).
 */
import type { Db } from '../client.js'
import { statement } from '../client.js'

/** One region with the province codes it serves, as the `regions` table holds it. */
export type ConsoleRegion = { id: number; code: string; name: string; provinces: string[] }

/** Which rows a staff member may see: one region's, or every region's (null). */
export type ConsoleScope = ConsoleRegion | null

/** Every region, in code order. */
export async function consoleRegions(db: Db): Promise<ConsoleRegion[]> {
  const rows = (await statement(
    db,
    'select id, code, name, province_codes as provinceCodes from regions order by code',
  ).all()) as {
    id: number
    code: string
    name: string
    provinceCodes: string
  }[]
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    provinces: r.provinceCodes
      .split(',')
      .map((code) => code.trim())
      .filter((code) => code !== ''),
  }))
}

/**
 * `and <column> in (?, ?, …)` for a region's provinces, with its values: nothing for every region,
 * `and false` (matches nothing) for a region that serves no province.
 */
export function provinceFilter(scope: ConsoleScope, column: string): { sql: string; args: string[] } {
  if (!scope) return { sql: '', args: [] }
  if (scope.provinces.length === 0) return { sql: ' and false', args: [] }
  return { sql: ` and ${column} in (${scope.provinces.map(() => '?').join(', ')})`, args: scope.provinces }
}

/** Whether a person is someone the scope may see (every person, for every region). */
export async function personInScope(db: Db, scope: ConsoleScope, personId: number): Promise<boolean> {
  const where = provinceFilter(scope, 'province_code')
  return (await statement(db, `select 1 from people where id = ?${where.sql}`).get(personId, ...where.args)) !== undefined
}

/**
 * Whether a Bimtek session is one the scope may see (every session, for every region). Through
 * `cached`, which also takes a transaction's handle: an announcement's queue batch asks this inside
 * its transaction, where there is no `$client`.
 */
export async function sessionInScope(db: Db, scope: ConsoleScope, sessionId: number): Promise<boolean> {
  if (!scope) return (await statement(db, 'select 1 from bimtek_sessions where id = ?').get(sessionId)) !== undefined
  return (
    (await statement(db, 'select 1 from bimtek_sessions where id = ? and region_id = ?').get(sessionId, scope.id)) !== undefined
  )
}
