/** Opens the SQLite database with the project's pragmas and applies the committed migrations. */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { MIGRATIONS_FOLDER } from '../project-files.js'
import * as schema from './schema.js'
import { assertNotInsideOthers } from './store.js'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }

/**
 * Opens (creating if needed) the database at `path` (or ':memory:') and migrates it. The file is the
 * WhatsApp account and everyone's personal data: a folder it creates is private to this user (0700),
 * and the database file with its `-wal` and `-shm` is readable by this user only (0600).
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') keepPrivate(path)
  const sqlite = new Database(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Deleted rows are overwritten with zeros, not left in free pages: after "hapus data" or a
  // retention run, a copy of the file does not hold what was deleted (docs/privacy.md).
  sqlite.pragma('secure_delete = ON')
  // Reads straight from the file's pages mapped into memory (up to 1 GiB of address space, not
  // RAM), and 64 MiB of page cache: a lookup among a million certificates or a claim of many
  // reminders then seldom goes through a read() system call.
  sqlite.pragma('mmap_size = 1073741824')
  sqlite.pragma('cache_size = -65536')
  sqlite.pragma('wal_autocheckpoint = 10000')
  const db = drizzle(sqlite, { schema }) as Db
  applyMigrations(db)
  return db
}

/**
 * Makes the database file before SQLite does, with mode 0600: SQLite gives its `-wal` and `-shm` the
 * database file's mode. A file made before (or by an older version) is narrowed to 0600 as well.
 * Only a folder made here is set to 0700: an existing one may be shared (the working directory).
 */
function keepPrivate(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  closeSync(openSync(path, 'a', 0o600))
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600)
  }
}

/**
 * The connection behind a database handle, or behind a transaction's handle (a drizzle transaction
 * object has no $client of its own; its session holds the same connection).
 */
export function connectionOf(db: Db): Database.Database {
  return db.$client ?? (db as unknown as { session: { client: Database.Database } }).session.client
}

/** A transaction's handle that also answers `$client`, as the database handle does, for queries that need the connection. */
function withConnection(tx: Db, client: Database.Database): Db {
  if (!tx.$client) Object.defineProperty(tx, '$client', { value: client, enumerable: false })
  return tx
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/**
 * A statement prepared once per connection and kept: for the queries a chat turn asks every time
 * (building and preparing them again costs more than running them).
 */
export function cached(db: Db, sql: string): Database.Statement {
  const client = connectionOf(db)
  let byText = statements.get(client)
  if (!byText) {
    byText = new Map()
    statements.set(client, byText)
  }
  let statement = byText.get(sql)
  if (!statement) {
    statement = client.prepare(sql)
    byText.set(sql, statement)
  }
  return statement
}

/** Runs `work` in an immediate (write-locked) transaction: for callers outside a chat turn. */
export function inTransaction<T>(db: Db, work: (tx: Db) => T): T {
  assertNotInsideOthers(db)
  const client = connectionOf(db)
  return db.transaction((tx) => work(withConnection(tx as unknown as Db, client)), { behavior: 'immediate' })
}

const runners = new WeakMap<Database.Database, Database.Transaction<(work: () => unknown) => unknown>>()

/**
 * Runs `work` in a savepoint of the transaction already open on the connection (or in a transaction
 * of its own when none is): a throw rolls back this work alone and leaves the rest of the open
 * transaction standing. The engine wraps each chat turn in one, inside its group commit. The wrapper
 * is made once per connection: a chat turn asks for it every time.
 */
export function inSavepoint<T>(db: Db, work: () => T): T {
  const client = connectionOf(db)
  let runner = runners.get(client)
  if (!runner) {
    runner = client.transaction((inner: () => unknown) => inner())
    runners.set(client, runner)
  }
  return runner(work) as T
}

/**
 * Runs `work` in a deferred transaction: it takes no write lock until it writes, so a long read (a
 * large file checked against the database) does not hold up a running server, and what it keeps in
 * a temporary table goes in one go.
 */
export function inReadTransaction<T>(db: Db, work: (tx: Db) => T): T {
  const client = connectionOf(db)
  return db.transaction((tx) => work(withConnection(tx as unknown as Db, client)), { behavior: 'deferred' })
}

/** Closes the database, folding the WAL back into the main file. */
export function closeDatabase(db: Db): void {
  if (!db.$client.open) return
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.close()
}

/**
 * drizzle reads which migrations were applied before taking the write lock, so two processes
 * starting together on a new file can both try the same migration; the loser fails on "table
 * already exists". Running it again then finds everything applied.
 */
function applyMigrations(db: Db): void {
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
      return
    } catch (error) {
      if (attempt >= 3) throw error
    }
  }
}
