/** Opens the SQLite database with the project's pragmas and applies the committed migrations. */
import { createHash } from 'node:crypto'
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzle as drizzleProxy, type SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy'
import type { Pool, PoolClient } from 'pg'
import { MIGRATIONS_FOLDER } from '../project-files.js'
import { bindPostgres, type StatementParams, toPostgres } from './portable.js'
import * as schema from './schema.js'
import { isTransactionHandle, StoreMisuseError, transactionOpenOn, whenOutside } from './store.js'

/**
 * The database handle every query takes. Drizzle's own `transaction` is left out: transactions are
 * opened with `transaction` from store.ts, which queues them and hands their work its own handle.
 */
export type Db = Omit<SqliteRemoteDatabase<typeof schema>, 'transaction'> & { $client: Database.Database }

/**
 * What a PostgreSQL handle carries (src/db/pg/open.ts makes them): the pool, and for a transaction's
 * handle the pooled connection the transaction runs on. A SQLite handle has none.
 */
export type PostgresSide = {
  pool: Pool
  /** The transaction's connection; undefined on the process's handle, whose queries take any pooled one. */
  client: PoolClient | undefined
  /** The handle for work on `client` (inside a transaction), made once per pooled connection. */
  on(client: PoolClient): Db
}

/** The PostgreSQL side of `db`, or undefined when `db` is a SQLite handle. */
export function postgresOf(db: Db): PostgresSide | undefined {
  return (db as { $pg?: PostgresSide }).$pg
}

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

/** Where the data lives: a PostgreSQL server when `url` is set, else the SQLite file at `path`. */
export type StoreSettings = {
  path: string
  url?: string | undefined
  poolSize: number
  statementTimeoutMs: number
  /** An idle pooled connection failed (PostgreSQL): the pool replaces it; the log should say so. */
  onPoolError?: (error: Error) => void
}

/** The store settings of a configuration (DATABASE_URL, DATABASE_PATH, DATABASE_POOL_SIZE, DATABASE_STATEMENT_TIMEOUT_MS). */
export function storeSettingsOf(
  config: {
    DATABASE_PATH: string
    DATABASE_URL?: string | undefined
    DATABASE_POOL_SIZE: number
    DATABASE_STATEMENT_TIMEOUT_MS: number
  },
  log?: { warn(fields: object, message: string): void },
): StoreSettings {
  return {
    path: config.DATABASE_PATH,
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    onPoolError: (error) => log?.warn({ err: error.message }, 'a pooled PostgreSQL connection failed; the pool replaces it'),
  }
}

/** Opens the store the settings name and migrates it: PostgreSQL (DATABASE_URL) or SQLite (DATABASE_PATH). */
export async function openStore(settings: StoreSettings): Promise<Db> {
  if (!settings.url) return openDatabase(settings.path)
  const { openPostgresDatabase } = await import('./pg/open.js')
  return openPostgresDatabase(settings.url, {
    poolSize: settings.poolSize,
    statementTimeoutMs: settings.statementTimeoutMs,
    applicationName: `kesos-assistant ${process.pid}`,
    onError: settings.onPoolError ?? (() => {}),
  })
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
  if (postgresOf(db))
    throw new StoreMisuseError('a SQLite connection was asked of a PostgreSQL handle: this code path is SQLite only')
  return db.$client ?? (db as unknown as { session: { client: Database.Database } }).session.client
}

/**
 * What identifies the connection behind `db`, whatever the engine: the SQLite connection; on
 * PostgreSQL the transaction's pooled connection, or the pool for the process's handle.
 */
export function connectionKey(db: Db): object {
  const pg = postgresOf(db)
  if (pg) return pg.client ?? pg.pool
  return connectionOf(db)
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
  if (postgresOf(db)) {
    throw new StoreMisuseError('a synchronous statement on PostgreSQL, where every query is a round trip: use statement(db, sql)')
  }
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
  const inside = new WeakMap<object, T>()
  const outside = new WeakMap<object, T>()
  return (db) => {
    const client = connectionKey(db)
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
  /** The rows as arrays of their values in column order (no object per row). */
  arrays(...params: unknown[]): Promise<unknown[][]>
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
  const pg = postgresOf(db)
  if (pg) return postgresStatement(pg, sql)
  const client = connectionOf(db)
  const prepared = preparedOnce(client, sql)
  const inside = isTransactionHandle(db)
  const known = (inside ? insideStatements : outsideStatements).get(prepared)
  if (known) return known
  let rawStatement: Database.Statement | undefined
  const raw = () => {
    rawStatement ??= client.prepare(sql).raw(true)
    return rawStatement
  }
  const awaited: AwaitedStatement = inside
    ? {
        all: async (...params) => prepared.all(...params),
        arrays: async (...params) => raw().all(...params) as unknown[][],
        get: async (...params) => prepared.get(...params),
        run: async (...params) => prepared.run(...params),
      }
    : {
        all: async (...params) => whenOutside(client, () => prepared.all(...params)),
        arrays: async (...params) => whenOutside(client, () => raw().all(...params) as unknown[][]),
        get: async (...params) => whenOutside(client, () => prepared.get(...params)),
        run: async (...params) => whenOutside(client, () => prepared.run(...params)),
      }
  ;(inside ? insideStatements : outsideStatements).set(prepared, awaited)
  return awaited
}

/**
 * `statement` on PostgreSQL: the text compiled once into `$1…$n` form (src/db/portable.ts) and sent
 * as a named query, which pg prepares once per pooled connection. The parameters are given as
 * better-sqlite3 takes them: positional values, or one object of named ones.
 */
function postgresStatement(pg: PostgresSide, sql: string): AwaitedStatement {
  const compiled = toPostgres(sql)
  const name = statementName(compiled.text)
  const query = async (params: unknown[], rowMode?: 'array') => {
    const [only] = params
    // As better-sqlite3 binds them: one object of named values, or positional ones (an array given is spread).
    const given: StatementParams = params.length === 1 && isNamedParams(only) ? (only as Record<string, unknown>) : params.flat()
    const values = bindPostgres(compiled, given)
    // A named statement is prepared once per connection, in either row mode.
    const on = pg.client ?? pg.pool
    return rowMode
      ? on.query({ name: `${name}a`, text: compiled.text, values, rowMode })
      : on.query({ name, text: compiled.text, values })
  }
  return {
    all: async (...params) => (await query(params)).rows,
    arrays: async (...params) => (await query(params, 'array')).rows as unknown[][],
    get: async (...params) => (await query(params)).rows[0],
    run: async (...params) => {
      const result = await query(params)
      // PostgreSQL has no rowid: a statement that needs the new row's id says RETURNING id.
      return { changes: result.rowCount ?? 0, lastInsertRowid: Number.NaN }
    },
  }
}

/** An object of named parameters, as opposed to one positional value (a Buffer, a Date and null are values). */
const isNamedParams = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Date)

const statementNames = new Map<string, string>()
/** A short name per statement text: pg prepares a named statement once per connection. */
function statementName(text: string): string {
  let name = statementNames.get(text)
  if (!name) {
    name = `k${createHash('sha1').update(text).digest('hex').slice(0, 20)}`
    statementNames.set(text, name)
  }
  return name
}

/**
 * A drizzle query prepared once and run with placeholders, with the same `get`, `all` and `run` on
 * both engines (drizzle's PostgreSQL prepared queries only have `execute`).
 */
export function prepared<S>(query: { prepare(): S }): S {
  const made = query.prepare() as S & { get?: unknown; execute(values?: Record<string, unknown>): Promise<unknown> }
  if (typeof made.get === 'function') return made
  const execute = (values?: Record<string, unknown>) => made.execute(values)
  return {
    execute,
    all: execute,
    run: execute,
    get: async (values?: Record<string, unknown>) => ((await execute(values)) as unknown[])[0],
  } as unknown as S
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

/**
 * Closes the database: on SQLite at once, folding the WAL back into the main file; on PostgreSQL the
 * pool ends once its queries have (`closeStore` awaits that).
 */
export function closeDatabase(db: Db): void {
  const pg = postgresOf(db)
  if (pg) {
    endPool(pg.pool).catch(() => {})
    return
  }
  if (!db.$client.open) return
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.close()
}

/** `closeDatabase`, awaited: the pool's connections are closed when it resolves. */
export async function closeStore(db: Db): Promise<void> {
  const pg = postgresOf(db)
  if (pg) return endPool(pg.pool)
  closeDatabase(db)
}

const ending = new WeakMap<Pool, Promise<void>>()
/** Ends a pool once, however many times it is asked (pg throws on a second `end()`). */
function endPool(pool: Pool): Promise<void> {
  let ended = ending.get(pool)
  if (!ended) {
    ended = pool.end()
    ending.set(pool, ended)
  }
  return ended
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

/**
 * Whether `error` (or what it wraps: drizzle wraps the driver's error) is a unique-constraint
 * violation on `column`, on either engine: SQLite says "UNIQUE constraint failed: table.column",
 * PostgreSQL gives SQLSTATE 23505 with the detail "Key (column)=(…) already exists.".
 */
export function isUniqueViolation(error: unknown, column: string): boolean {
  for (let at = error, depth = 0; at && typeof at === 'object' && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    const { code, message, detail } = at as { code?: unknown; message?: unknown; detail?: unknown }
    if (typeof message === 'string' && message.includes('UNIQUE constraint failed') && message.includes(`.${column}`)) return true
    if (code === '23505' && typeof detail === 'string' && detail.includes(`(${column})=`)) return true
  }
  return false
}
