/** The audit log as the console's Log audit page reads it: filtered, newest first, a page at a time. */
import { and, asc, count, desc, eq, gte, isNotNull, lt, type SQL } from 'drizzle-orm'
import type { Db } from '../client.js'
import { first } from '../client.js'
import { auditLog } from '../schema.js'

export type AuditRow = typeof auditLog.$inferSelect

/** Every filter is optional; `from` is included and `to` excluded. */
export type AuditFilter = { actor?: string; action?: string; entity?: string; from?: Date; to?: Date }

function where(filter: AuditFilter): SQL | undefined {
  return and(
    filter.actor === undefined ? undefined : eq(auditLog.actor, filter.actor),
    filter.action === undefined ? undefined : eq(auditLog.action, filter.action),
    filter.entity === undefined ? undefined : eq(auditLog.entity, filter.entity),
    filter.from === undefined ? undefined : gte(auditLog.at, filter.from),
    filter.to === undefined ? undefined : lt(auditLog.at, filter.to),
  )
}

/** How many entries match. */
export const countAudit = async (db: Db, filter: AuditFilter): Promise<number> =>
  (await first(db.select({ n: count() }).from(auditLog).where(where(filter))))?.n ?? 0

/** The matching entries, newest first (ties by id), `limit` of them after `offset`. */
export const auditEntries = async (db: Db, filter: AuditFilter, page: { limit: number; offset: number }): Promise<AuditRow[]> =>
  await db
    .select()
    .from(auditLog)
    .where(where(filter))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(page.limit)
    .offset(page.offset)

/** The distinct actors, actions and entities on record, for the filter form's choices. */
export async function auditChoices(db: Db): Promise<{ actors: string[]; actions: string[]; entities: string[] }> {
  const actors = await db.selectDistinct({ v: auditLog.actor }).from(auditLog).orderBy(asc(auditLog.actor))
  const actions = await db.selectDistinct({ v: auditLog.action }).from(auditLog).orderBy(asc(auditLog.action))
  const entities = await db
    .selectDistinct({ v: auditLog.entity })
    .from(auditLog)
    .where(isNotNull(auditLog.entity))
    .orderBy(asc(auditLog.entity))
  return { actors: actors.map((r) => r.v), actions: actions.map((r) => r.v), entities: entities.map((r) => r.v ?? '') }
}
