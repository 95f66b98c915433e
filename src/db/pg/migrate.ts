/**
 * Applies the PostgreSQL migrations (migrations/pg/), once however many instances start together.
 * Not wired into the server yet: the PostgreSQL engine is being built (issue 24); `db copy-to-postgres`
 * (src/db/copy.ts) migrates its target with it.
 */
import { PG_MIGRATIONS_FOLDER } from '../../project-files.js'

/**
 * The advisory lock that makes starting instances take turns: (3, 0) in the two-key space, apart
 * from the leader's (2, 0). drizzle's migrator reads which migrations were applied before its
 * transaction and takes no lock, so two instances starting on an empty database would both try
 * the baseline and one would fail (or, on a later migration, apply it twice).
 */
const MIGRATION_LOCK = 'pg_advisory_lock(3, 0)'
const MIGRATION_UNLOCK = 'pg_advisory_unlock(3, 0)'

/**
 * Migrates the database at `url` on a connection of its own, holding the migration lock meanwhile.
 * `pg` and drizzle's node-postgres driver are imported here, on first use, so a SQLite deployment
 * never loads them.
 */
export async function migratePostgres(url: string): Promise<void> {
  const { default: pg } = await import('pg')
  const { drizzle } = await import('drizzle-orm/node-postgres')
  const { migrate } = await import('drizzle-orm/node-postgres/migrator')
  const client = new pg.Client({ connectionString: url, application_name: 'kesos-assistant migrations' })
  await client.connect()
  try {
    // Waits while another instance migrates; it then finds everything applied.
    await client.query(`SELECT ${MIGRATION_LOCK}`)
    await migrate(drizzle({ client }), { migrationsFolder: PG_MIGRATIONS_FOLDER })
    await client.query(`SELECT ${MIGRATION_UNLOCK}`)
  } finally {
    // Ending the session also frees the lock when a migration failed before the unlock.
    await client.end()
  }
}
