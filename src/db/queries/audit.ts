/** Writing the audit log: every change, and every view of one person's data, with who did it. */
import type { Db } from '../client.js'
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
export function writeAudit(db: Db, entry: AuditEntry): void {
  const { details } = entry
  db.insert(auditLog)
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      entity: entry.entity ?? null,
      entityId: entry.entityId ?? null,
      details: details == null ? null : typeof details === 'string' ? details : JSON.stringify(details),
    })
    .run()
}
