/** Facts about this database: whether it answers at all, and its key/value facts (`app_meta`). */
import { cached, type Db, statement } from '../client.js'
import { appMeta } from '../schema.js'

export async function getMeta(db: Db, key: string): Promise<string | undefined> {
  return ((await statement(db, 'select value from app_meta where key = ?').get(key)) as { value: string } | undefined)?.value
}

/**
 * A fact read where nothing can be awaited, each time it is asked: on SQLite a prepared statement
 * run on the spot (cheap, and exact even when another process changed it). The data key's check
 * value is read this way on every NIK hash while a key rotation is under way.
 */
export function liveMeta(db: Db, key: string): () => string | undefined {
  const read = cached(db, 'select value from app_meta where key = ?')
  return () => (read.get(key) as { value: string } | undefined)?.value
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
