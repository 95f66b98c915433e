/** Facts about this database: whether it answers at all, and its key/value facts (`app_meta`). */
import { cached, type Db } from '../client.js'
import { appMeta } from '../schema.js'

// Prepared once per connection: the data key's check value is read this way on every NIK lookup
// while a key rotation is under way.
export function getMeta(db: Db, key: string): string | undefined {
  return (cached(db, 'select value from app_meta where key = ?').get(key) as { value: string } | undefined)?.value
}

export function setMeta(db: Db, key: string, value: string, now: Date): void {
  db.insert(appMeta)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: now } })
    .run()
}

/** Asks the database the smallest question (`select 1`): the health check's probe; throws when it cannot answer. */
export function databaseAnswers(db: Db): void {
  db.$client.prepare('select 1').get()
}
