/** Opens the SQLite database with the project's pragmas and applies the committed migrations. */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzle as drizzleProxy, type SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy'
import { MIGRATIONS_FOLDER } from '../project-files.js'
import * as schema from './schema.js'
import { isTransactionHandle, StoreMisuseError, transactionOpenOn, whenOutside } from './store.js'

/**
 * The database handle every query takes. Drizzle's own `transaction` is left out: transactions are
 * opened with `transaction` from store.ts, which queues them and hands their work its own handle.
 */
export type Db = Omit<SqliteRemoteDatabase<typeof schema>, 'transaction'> & { $client: Database.Database }

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
  applyMigrations(drizzle(sqlite, { schema }) as unknown as Db)
  return outsideHandle(sqlite)
}

/**
 * The process's handle: every query on it runs once no transaction is open on the database file
 * (a transaction's work awaits, and on its one connection a statement of other work would otherwise
 * land inside it). drizzle's SQLite proxy driver gives that await; the statements still run on the
 * same better-sqlite3 connection, prepared once. Transactions get the direct driver (src/db/store.ts).
 */
function outsideHandle(sqlite: Database.Database): Db {
  const rowsOf = new Map<string, Database.Statement>()
  const plain = new Map<string, Database.Statement>()
  const prepare = (cache: Map<string, Database.Statement>, sql: string, raw: boolean) => {
    let statement = cache.get(sql)
    if (!statement) {
      statement = sqlite.prepare(sql)
      if (raw && statement.reader) statement.raw(true)
      cache.set(sql, statement)
    }
    return statement
  }
  const db = drizzleProxy(
    async (sql, params, method) =>
      whenOutside(sqlite, () => {
        if (method === 'run') return prepare(plain, sql, false).run(...params) as unknown as { rows: unknown[] }
        const statement = prepare(rowsOf, sql, true)
        if (!statement.reader) return { rows: [], ...statement.run(...params) }
        if (method === 'get') return { rows: statement.get(...params) as unknown[] }
        return { rows: statement.all(...params) as unknown[] }
      }),
    { schema },
  )
  Object.defineProperty(db, '$client', { value: sqlite, enumerable: false })
  return db as unknown as Db
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

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>()

/** The statement for `sql` on `client`, prepared once per connection and kept. */
export function preparedOnce(client: Database.Database, sql: string): Database.Statement {
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

/**
 * A statement prepared once per connection and kept: for the queries a chat turn asks every time
 * (building and preparing them again costs more than running them). It runs synchronously, so a
 * write on the process's handle (outside any transaction) is refused while a transaction is open on
 * the database file: it would join that transaction, or wait for the lock it holds. Such a write
 * takes `statement`, which waits its turn.
 */
export function cached(db: Db, sql: string): Database.Statement {
  const client = connectionOf(db)
  const prepared = preparedOnce(client, sql)
  if (!prepared.reader && !isTransactionHandle(db) && transactionOpenOn(client)) {
    throw new StoreMisuseError(
      "a synchronous write on the database handle while a transaction is open: await statement(db, sql) instead, or pass the transaction's handle",
    )
  }
  return prepared
}

/**
 * `build(db)` made once per connection and kept (prepared statements a hot path asks every time).
 * Statements prepared on the process's handle wait for open transactions to end, and ones prepared
 * on a transaction's handle run at once: each side gets its own, so the process's never runs inside
 * a transaction (it would wait for itself).
 */
export function perConnection<T>(build: (db: Db) => T): (db: Db) => T {
  const inside = new WeakMap<Database.Database, T>()
  const outside = new WeakMap<Database.Database, T>()
  return (db) => {
    const client = connectionOf(db)
    const cache = isTransactionHandle(db) ? inside : outside
    let built = cache.get(client)
    if (built === undefined) {
      built = build(db)
      cache.set(client, built)
    }
    return built
  }
}

/** A raw statement whose results are awaited: on SQLite the prepared statement runs at once; on PostgreSQL each call is a round trip. */
export type AwaitedStatement = {
  all(...params: unknown[]): Promise<unknown[]>
  get(...params: unknown[]): Promise<unknown>
  run(...params: unknown[]): Promise<{ changes: number; lastInsertRowid: number | bigint }>
}

const insideStatements = new WeakMap<Database.Statement, AwaitedStatement>()
const outsideStatements = new WeakMap<Database.Statement, AwaitedStatement>()

/**
 * `cached`, awaited: the form every raw statement in src/db takes, the same for both engines. On the
 * process's handle (outside any transaction) it first waits until no transaction is open on the
 * database file (see `whenOutside`).
 */
export function statement(db: Db, sql: string): AwaitedStatement {
  const client = connectionOf(db)
  const prepared = preparedOnce(client, sql)
  const inside = isTransactionHandle(db)
  const known = (inside ? insideStatements : outsideStatements).get(prepared)
  if (known) return known
  const awaited: AwaitedStatement = inside
    ? {
        all: async (...params) => prepared.all(...params),
        get: async (...params) => prepared.get(...params),
        run: async (...params) => prepared.run(...params),
      }
    : {
        all: async (...params) => whenOutside(client, () => prepared.all(...params)),
        get: async (...params) => whenOutside(client, () => prepared.get(...params)),
        run: async (...params) => whenOutside(client, () => prepared.run(...params)),
      }
  ;(inside ? insideStatements : outsideStatements).set(prepared, awaited)
  return awaited
}

/** The first row a query gives, or undefined: the query limited to one row. */
export async function first<T>(query: { limit(count: number): PromiseLike<T[]> }): Promise<T | undefined> {
  return (await query.limit(1))[0]
}

/**
 * The row a write returned (`insert … returning`, or an update whose row is known to exist): a
 * missing one is a bug, never a person's input, and is thrown as such.
 */
export function written<T>(rows: readonly T[]): T {
  const [row] = rows
  if (row === undefined) throw new Error('the write returned no row')
  return row
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
      migrate(db as unknown as BetterSQLite3Database<typeof schema>, { migrationsFolder: MIGRATIONS_FOLDER })
      return
    } catch (error) {
      if (attempt >= 3) throw error
    }
  }
}

/** How many rows a write changed: `changes` of a SQLite run result, `rowCount` of a PostgreSQL one. */
export function changed(result: unknown): number {
  const { changes, rowCount } = result as { changes?: number; rowCount?: number | null }
  return changes ?? rowCount ?? 0
}
