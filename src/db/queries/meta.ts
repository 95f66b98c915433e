/** Key/value facts about this database (`app_meta`). */
import { eq } from 'drizzle-orm'
import type { Db } from '../client.js'
import { appMeta } from '../schema.js'

export function getMeta(db: Db, key: string): string | undefined {
  return db.select({ value: appMeta.value }).from(appMeta).where(eq(appMeta.key, key)).get()?.value
}

export function setMeta(db: Db, key: string, value: string, now: Date): void {
  db.insert(appMeta)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: now } })
    .run()
}
