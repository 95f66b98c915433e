/**
 * The PostgreSQL connection pool and its transactions (issue 24; not wired into the app yet).
 *
 * `pg` is imported only when a pool is opened, so a SQLite deployment never loads it. Every pooled
 * connection gets the same session limits, so that no statement, lock wait or forgotten transaction
 * can hold a connection (and the locks it has) for long.
 */
import type { Pool, PoolClient } from 'pg'

/** OIDs of the types whose text form pg would hand over as strings. */
const INT8_OID = 20
const NUMERIC_OID = 1700

// Fixed, not settings (design §3): long enough for any honest lock wait or pause inside a
// transaction, short enough that a stuck one is ended by the server instead of blocking others.
const LOCK_TIMEOUT_MS = 10_000
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000

/** Serialization failure and deadlock: the server rolled the transaction back, and running it again may succeed. */
const RETRYABLE = new Set(['40001', '40P01'])
const RETRY_JITTER_MS = { min: 10, max: 100 }

export type PostgresPoolOptions = {
  /** Connections this process may open at most. */
  poolSize: number
  /** The server cancels any statement running longer (SQLSTATE 57014). */
  statementTimeoutMs: number
  /** Shown in pg_stat_activity, to tell the instances apart. */
  applicationName: string
  /** An idle connection failed (the server restarted, the network dropped): the pool replaces it. */
  onError: (error: Error) => void
}

/**
 * Our columns store times and ids as bigint and the server returns bigint (OID 20) and numeric as
 * text; pg would pass that text on. drizzle's node-postgres session asks pg's *global* parsers for
 * every query (a pool's own `types` are ignored), so these must be set globally. A bigint beyond
 * 2^53 cannot be a JavaScript number without losing digits: it is refused rather than rounded.
 */
function setTypeParsers(types: typeof import('pg').types): void {
  types.setTypeParser(INT8_OID, (text: string) => {
    const value = Number(text)
    if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond Number.MAX_SAFE_INTEGER`)
    return value
  })
  types.setTypeParser(NUMERIC_OID, Number)
}

/** Opens a pool on `url` (nothing connects until the first query). End it with `pool.end()`. */
export async function openPostgresPool(url: string, options: PostgresPoolOptions): Promise<Pool> {
  const { default: pg } = await import('pg')
  // Setting the same parsers again is harmless, so each pool may do it.
  setTypeParsers(pg.types)
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    statement_timeout: options.statementTimeoutMs,
    lock_timeout: LOCK_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    application_name: options.applicationName,
  })
  // Without a listener an idle connection's error would be thrown by the EventEmitter and end the process.
  pool.on('error', (error) => options.onError(error))
  return pool
}

/**
 * The SQLSTATE of a server error, looking through wrappers (drizzle puts the driver's error in
 * `cause`). Node's socket errors also have a `code`, some of five letters (EPIPE): they carry
 * `syscall` or `errno` and are not the server's.
 */
export function sqlStateOf(error: unknown): string | undefined {
  for (let at = error, depth = 0; at && typeof at === 'object' && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    const { code, syscall, errno } = at as { code?: unknown; syscall?: unknown; errno?: unknown }
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && syscall === undefined && errno === undefined) return code
  }
  return undefined
}

/** The server ended the session or the connection failed (class 08, 57P01–57P03): the connection is unusable. */
const connectionLost = (state: string | undefined) => state !== undefined && /^08|^57P0[123]$/.test(state)

export type PgTransactionOptions = {
  isolation?: 'serializable'
  /** How many times the work may run in all, counting the first. */
  attempts?: number
  /**
   * A transaction-level advisory lock (two keys) taken right after BEGIN, in the same round trip:
   * transactions that take the same lock run one at a time across every process on the database.
   */
  lock?: readonly [number, number]
}

const jitter = () =>
  new Promise<void>((resolve) =>
    setTimeout(resolve, RETRY_JITTER_MS.min + Math.random() * (RETRY_JITTER_MS.max - RETRY_JITTER_MS.min)),
  )

/**
 * Runs `work` in a transaction on one pooled connection and returns its result. The server may
 * roll back a transaction that raced with another (serialization failure, deadlock): the whole
 * work then runs again, after a short random pause so that the two do not collide again, up to
 * `attempts` times. So the work must be safe to repeat: no network I/O and no effect outside the
 * database inside it. Any other error rolls back and is thrown at once.
 */
export async function withPgTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
  options: PgTransactionOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 5
  const start = options.isolation === 'serializable' ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : 'BEGIN'
  // Two statements in one simple query: one round trip (the keys are numbers, never input).
  const begin = options.lock ? `${start}; SELECT pg_advisory_xact_lock(${options.lock[0] | 0}, ${options.lock[1] | 0})` : start
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(pool, begin, work)
    } catch (error) {
      const state = sqlStateOf(error)
      if (!state || !RETRYABLE.has(state) || attempt >= attempts) throw error
      await jitter()
    }
  }
}

async function runOnce<T>(pool: Pool, begin: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  // A checked-out connection has no error listener of the pool's: if the server ends it between two
  // queries of the work, the event would crash the process. Keep the error to destroy the connection.
  let lost: Error | undefined
  const onError = (error: Error) => {
    lost ??= error
  }
  client.on('error', onError)
  try {
    await client.query(begin)
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    if (!lost && connectionLost(sqlStateOf(error))) lost = error as Error
    if (!lost) {
      // After a failed COMMIT the transaction is already over; ROLLBACK then only warns. A ROLLBACK
      // that fails means the connection is broken (pg's own "Connection terminated" has no SQLSTATE).
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        lost = rollbackError
      })
    }
    throw error
  } finally {
    client.removeListener('error', onError)
    // release(error) destroys the connection instead of handing it to the next caller.
    client.release(lost)
  }
}
