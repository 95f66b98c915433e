/** Rows of the WhatsApp session (see `whatsappAuth` in the schema): JSON text per type and id. */
import { and, eq, inArray } from 'drizzle-orm'
import type { Db } from '../client.js'
import { whatsappAuth } from '../schema.js'

export function readAuthValues(db: Db, type: string, ids: string[]): Map<string, string> {
  const found = new Map<string, string>()
  // SQLite limits bound parameters; Baileys asks for a few hundred ids at most, but stay safe.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = db
      .select({ id: whatsappAuth.id, value: whatsappAuth.value })
      .from(whatsappAuth)
      .where(and(eq(whatsappAuth.type, type), inArray(whatsappAuth.id, ids.slice(i, i + 500))))
      .all()
    for (const row of rows) found.set(row.id, row.value)
  }
  return found
}

/** Writes (stamped `now`) and deletes (value null) in one transaction: a crash never leaves half a key set. */
export function writeAuthValues(db: Db, changes: { type: string; id: string; value: string | null }[], now: Date): void {
  db.transaction((tx) => {
    for (const { type, id, value } of changes) {
      if (value === null) {
        tx.delete(whatsappAuth)
          .where(and(eq(whatsappAuth.type, type), eq(whatsappAuth.id, id)))
          .run()
      } else {
        tx.insert(whatsappAuth)
          .values({ type, id, value, updatedAt: now })
          .onConflictDoUpdate({ target: [whatsappAuth.type, whatsappAuth.id], set: { value, updatedAt: now } })
          .run()
      }
    }
  })
}

export function clearAuth(db: Db): void {
  db.delete(whatsappAuth).run()
}
