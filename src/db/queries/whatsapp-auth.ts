/** Rows of the WhatsApp session (see `whatsappAuth` in the schema): sealed JSON text per type and id. */

import { and, eq, inArray, notLike } from 'drizzle-orm'
import { type Db, statement } from '../client.js'
import { whatsappAuth } from '../schema.js'
import { transaction } from '../store.js'

export async function readAuthValues(db: Db, type: string, ids: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  // SQLite limits bound parameters; Baileys asks for a few hundred ids at most, but stay safe.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .select({ id: whatsappAuth.id, value: whatsappAuth.value })
      .from(whatsappAuth)
      .where(and(eq(whatsappAuth.type, type), inArray(whatsappAuth.id, ids.slice(i, i + 500))))
    for (const row of rows) found.set(row.id, row.value)
  }
  return found
}

/** Writes (stamped `now`) and deletes (value null) in one transaction: a crash never leaves half a key set. */
export async function writeAuthValues(
  db: Db,
  changes: { type: string; id: string; value: string | null }[],
  now: Date,
): Promise<void> {
  await transaction(db, async (tx) => {
    for (const { type, id, value } of changes) {
      if (value === null) {
        await tx.delete(whatsappAuth).where(and(eq(whatsappAuth.type, type), eq(whatsappAuth.id, id)))
      } else {
        await tx
          .insert(whatsappAuth)
          .values({ type, id, value, updatedAt: now })
          .onConflictDoUpdate({ target: [whatsappAuth.type, whatsappAuth.id], set: { value, updatedAt: now } })
      }
    }
  })
}

export async function clearAuth(db: Db): Promise<void> {
  await db.delete(whatsappAuth)
}

/**
 * Forgets what the session keeps about these WhatsApp users (the part of a JID before "@", a phone
 * number or a LID): the Signal sessions with their devices ("628….0", "1234_1.0"), their device
 * list, the phone↔LID mapping both ways (the reverse row by the LID's id: values are sealed) and their
 * chat token. Writing to them again sets up a new
 * session, as for a first contact.
 */
export async function forgetWhatsAppContacts(db: Db, users: string[]): Promise<number> {
  const forget = statement(
    db,
    `DELETE FROM whatsapp_auth WHERE type <> 'creds' AND (
       id = :user OR substr(id, 1, length(:user) + 1) IN (:user || '.', :user || ':', :user || '@', :user || '_'))`,
  )
  let forgotten = 0
  for (const user of new Set(users)) if (user) forgotten += (await forget.run({ user })).changes
  return forgotten
}

/**
 * Seals every value still stored as clear JSON (written before values were sealed), in one
 * transaction; returns how many. Sealed values start with "v1:", which JSON never does.
 */
export async function sealClearAuthValues(db: Db, seal: (text: string) => string): Promise<number> {
  return await transaction(db, async (tx) => {
    const clear = await tx
      .select({ type: whatsappAuth.type, id: whatsappAuth.id, value: whatsappAuth.value })
      .from(whatsappAuth)
      .where(notLike(whatsappAuth.value, 'v1:%'))
    for (const row of clear) {
      await tx
        .update(whatsappAuth)
        .set({ value: seal(row.value) })
        .where(and(eq(whatsappAuth.type, row.type), eq(whatsappAuth.id, row.id)))
    }
    return clear.length
  })
}
