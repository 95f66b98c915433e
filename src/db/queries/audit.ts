/** Writing the audit log: every change, and every view of one person's data, with who did it. */
import { getTableName } from 'drizzle-orm'
import { type Db, statement } from '../client.js'
import { auditLog } from '../schema.js'

export type AuditEntry = {
  at: Date
  /** `staff:<id>`, `chat:<channel>`, `cli`, `system`, … */
  actor: string
  action: string
  entity?: string | null
  entityId?: string | null
  /** An object is stored as its JSON text, a string as it is. No personal data. */
  details?: object | string | null
}

/** Appends one entry to the audit log (inside the caller's transaction when given one). */
export async function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
  const { details } = entry
  await db.insert(auditLog).values({
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity ?? null,
    entityId: entry.entityId ?? null,
    details: details == null ? null : typeof details === 'string' ? details : JSON.stringify(details),
  })
}

/** The action of a certificate lookup's entry (web page, API, chat). */
export const LOOKUP_ACTION = 'certificate.lookup'

/**
 * Values per lookup in `writeCertificateLookups`: its time (ms), the channel (the actor), the number
 * as stored (the entity's id), the details (JSON text).
 */
export const LOOKUP_FIELDS = 4

/** Rows per insert statement (4 parameters each, well under SQLite's limit). */
const CHUNK = 50

// The audit_log columns, as the schema names them; the action and entity are the same for every lookup.
const insertLookups = (rows: number) =>
  `insert into ${getTableName(auditLog)} (${[
    auditLog.at,
    auditLog.actor,
    auditLog.action,
    auditLog.entity,
    auditLog.entityId,
    auditLog.details,
  ]
    .map((column) => `"${column.name}"`)
    .join(', ')}) values ${Array.from({ length: rows }, () => `(?, ?, '${LOOKUP_ACTION}', 'certificate', ?, ?)`).join(', ')}`

const INSERT_ONE = insertLookups(1)
const INSERT_CHUNK = insertLookups(CHUNK)

/**
 * Appends buffered certificate lookups to the audit log (inside the caller's transaction), `values`
 * holding LOOKUP_FIELDS per lookup one after the other: CHUNK rows per statement, the rest one by
 * one, through statements prepared once per connection.
 */
export async function writeCertificateLookups(db: Db, values: readonly unknown[]): Promise<void> {
  const one = statement(db, INSERT_ONE)
  const chunk = statement(db, INSERT_CHUNK)
  const size = CHUNK * LOOKUP_FIELDS
  let i = 0
  for (; i + size <= values.length; i += size) await chunk.run(...values.slice(i, i + size))
  for (; i < values.length; i += LOOKUP_FIELDS) await one.run(values[i], values[i + 1], values[i + 2], values[i + 3])
}
