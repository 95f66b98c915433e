/**
 * Which engine the storage runs on in this test run. `npm test` runs on SQLite; `npm run
 * test:postgres` (KESOS_TEST_ENGINE=postgres) runs the files listed in test/support/postgres-files.ts
 * again on a throw-away PostgreSQL server, each core on a fresh database copied from a migrated
 * template (test/support/postgres-engine-setup.ts makes both).
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'

export const onPostgres = process.env.KESOS_TEST_ENGINE === 'postgres'

let admin: Promise<pg.Client> | undefined

/** The settings that put a new core on its own empty, migrated store: none on SQLite (`:memory:` is that). */
export async function freshStoreEnv(): Promise<Record<string, string>> {
  if (!onPostgres) return {}
  const server = inject('postgresUrl')
  const template = inject('postgresTemplate')
  admin ??= (async () => {
    const client = new pg.Client({ connectionString: server })
    await client.connect()
    return client
  })()
  const name = `t_${randomBytes(6).toString('hex')}`
  await (await admin).query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
  const url = new URL(server)
  url.pathname = `/${name}`
  return { DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: '4' }
}
