/** Facts about this database: whether it answers at all, and its key/value facts (`app_meta`). */
import { cached, type Db, postgresOf, statement } from '../client.js'
import { appMeta } from '../schema.js'

export async function getMeta(db: Db, key: string): Promise<string | undefined> {
  return ((await statement(db, 'select value from app_meta where key = ?').get(key)) as { value: string } | undefined)?.value
}

/**
 * A fact read where nothing can be awaited. On SQLite a prepared statement runs on the spot each
 * time it is asked (cheap, and exact even when another process changed it). On PostgreSQL, where
 * each read is a round trip, the value is read now and again every `refreshMs` in the background:
 * a change (by this instance or another) shows within that time. The data key's check value is read this way on every NIK hash while a key rotation is
 * under way.
 */
export async function liveMeta(db: Db, key: string, refreshMs = 2_000): Promise<() => string | undefined> {
  if (!postgresOf(db)) {
    const read = cached(db, 'select value from app_meta where key = ?')
    return () => (read.get(key) as { value: string } | undefined)?.value
  }
  let value = await getMeta(db, key)
  let reading = false
  const refresh = () => {
    if (reading) return
    reading = true
    getMeta(db, key)
      .then((read) => {
        value = read
      })
      // A failed read keeps the last value; the next one tries again.
      .catch(() => {})
      .finally(() => {
        reading = false
      })
  }
  setInterval(refresh, refreshMs).unref()
  return () => value
}

export async function setMeta(db: Db, key: string, value: string, now: Date): Promise<void> {
  await db
    .insert(appMeta)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: now } })
}

/** Asks the database the smallest question (`select 1`): the health check's probe; throws when it cannot answer. */
export async function databaseAnswers(db: Db): Promise<void> {
  await statement(db, 'select 1').get()
}
