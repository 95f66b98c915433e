/**
 * `migratePostgres` (src/db/pg/migrate.ts): the PostgreSQL baseline applies on an empty database, and
 * instances starting together take turns under the migration lock, so every one of them succeeds and
 * the tables are made once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migratePostgres } from '../../src/db/pg/migrate.js'
import { type PostgresServer, psql, startPostgres } from '../support/postgres.js'

let server: PostgresServer
beforeAll(async () => {
  server = await startPostgres()
}, 60_000)
afterAll(async () => {
  await server?.stop()
})

describe('migratePostgres', () => {
  it('migrates an empty database, and a second run finds everything applied', async () => {
    const url = await server.createDatabase()
    await migratePostgres(url)
    await migratePostgres(url)
    expect(await psql(url, 'select count(*) from drizzle.__drizzle_migrations')).toBe('1\n')
    expect(Number(await psql(url, "select count(*) from pg_tables where schemaname = 'public'"))).toBe(33)
    expect(Number(await psql(url, 'select count(*) from pg_trigger where not tgisinternal'))).toBe(10)
  })

  it('lets several instances started at once on one empty database all succeed, migrating it once', async () => {
    const url = await server.createDatabase()
    // Each instance opens its own connection; without the lock they race through drizzle's
    // "CREATE SCHEMA IF NOT EXISTS" and the baseline's CREATE TABLEs, and all but one fail.
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => migratePostgres(url)))
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []))
    expect(failures).toEqual([])
    expect(await psql(url, 'select count(*) from drizzle.__drizzle_migrations')).toBe('1\n')
    expect(Number(await psql(url, "select count(*) from pg_tables where schemaname = 'public'"))).toBe(33)
  })
})
