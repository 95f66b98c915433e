/**
 * The PostgreSQL store (issue 24): the pool, migrated, behind the same `Db` handle the SQLite store
 * gives. The query code in src/db/queries is written once, against the SQLite tables of
 * src/db/schema.ts: drizzle renders and maps by column, not by the dialect a table was declared in,
 * so the very same builders run on drizzle's node-postgres driver (design notes §2.4; the PostgreSQL
 * suite guards this). Raw statements go through `statement(db, sql)`, which compiles them once into
 * PostgreSQL's `$n` form.
 *
 * `pg` and drizzle's node-postgres driver are imported here, on first use, so a SQLite deployment
 * never loads them.
 */
import type { PoolClient } from 'pg'
import type { Db, PostgresSide } from '../client.js'
import { migratePostgres } from './migrate.js'
import { openPostgresPool, type PostgresPoolOptions } from './pool.js'

/** Opens the pool on `url`, applies the migrations (once, however many instances start) and gives the process's handle. */
export async function openPostgresDatabase(url: string, options: PostgresPoolOptions): Promise<Db> {
  await migratePostgres(url)
  const pool = await openPostgresPool(url, options)
  const { drizzle } = await import('drizzle-orm/node-postgres')
  const handles = new WeakMap<PoolClient, Db>()
  const mark = (db: object, side: PostgresSide) => {
    Object.defineProperty(db, '$pg', { value: side, enumerable: false })
    return db as Db
  }
  const on = (client: PoolClient): Db => {
    let handle = handles.get(client)
    if (!handle) {
      handle = mark(drizzle({ client }), { pool, client, on })
      handles.set(client, handle)
    }
    return handle
  }
  return mark(drizzle({ client: pool }), { pool, client: undefined, on })
}
