/**
 * Transactions whose work may await (issue 24: the way to PostgreSQL, where every query is a
 * round trip). better-sqlite3's own transactions cannot await: a transaction function that returns
 * a promise is refused, and drizzle's wrapper around it would commit before the work finished. So
 * on SQLite the transaction is opened and closed by hand, `BEGIN IMMEDIATE` … `COMMIT`, and a
 * nested one is a `SAVEPOINT`.
 *
 * One connection carries every transaction of the process, so while one is open and waiting, other
 * work of the same process must not slip in: it would see what is not committed, or be rolled back
 * with it. Transactions therefore queue for the connection, one at a time in the order asked. The
 * work inside gets its own handle (`tx`), the one to pass to every query of the transaction; using
 * the process's database handle inside instead, or a transaction handle after its transaction
 * ended, throws a `StoreMisuseError`, because on PostgreSQL either would run on another
 * connection, outside the transaction.
 */
import type Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import type { Pool } from 'pg'
import { connectionOf, type Db, type PostgresSide, postgresOf, preparedOnce } from './client.js'
import { withPgTransaction } from './pg/pool.js'
import * as schema from './schema.js'

/** A transaction used the wrong way (a bug, never a person's input): the message says which. */
export class StoreMisuseError extends Error {
  override name = 'StoreMisuseError'
}

/** An open transaction, as seen from the work running inside it. */
type Open = { depth: number; ended: boolean }

type Connection = {
  /** The handle the work of a transaction builds on: the same connection, known to be inside one. */
  inside: Db
  /** The queue of transactions for the database file (shared by every connection to it in this process). */
  queue: Queue
  /** The transaction open now, if one is. */
  open: Open | undefined
  /** Transactions begun on the connection (not savepoints): what a batch costs, for tests and diagnostics. */
  begun: number
}

/** Transactions waiting for one database file, in the order asked. */
type Queue = { tail: Promise<void>; waiting: number; busy: boolean }
const connections = new WeakMap<Database.Database, Connection>()
// One queue per database file, not per connection: two connections of one process to one file
// (tests; a command run inside the server's process) would otherwise deadlock, one holding the
// write lock while awaiting, the other blocking the thread in SQLite's busy wait for it.
const fileQueues = new Map<string, Queue>()
function queueOf(client: Database.Database): Queue {
  if (client.memory) return { tail: Promise.resolve(), waiting: 0, busy: false }
  let queue = fileQueues.get(client.name)
  if (!queue) {
    queue = { tail: Promise.resolve(), waiting: 0, busy: false }
    fileQueues.set(client.name, queue)
  }
  return queue
}
// The event loop's own, taken when this module loads: the check below runs on the real loop even
// where a test has faked the timers.
const onNextTurn = globalThis.setImmediate
/** Transactions found still open when the event loop turned (see `transaction`). */
let heldAcrossTurns = 0
/**
 * The transaction, and the savepoint in it, each handle given to work belongs to. Every level gets a
 * handle of its own (a thin object over the connection's shared one), so a handle knows where it may
 * be used without tracking the work across its awaits (an AsyncLocalStorage would, at a cost on every
 * promise of the process).
 */
type Level = { open: Open; depth: number }
const levels = new WeakMap<object, Level>()

function handleFor(connection: Connection, open: Open, depth: number): Db {
  const handle = Object.create(connection.inside) as Db
  levels.set(handle, { open, depth })
  return handle
}

function stateOf(client: Database.Database): Connection {
  let connection = connections.get(client)
  if (!connection) {
    const inside = drizzle(client, { schema }) as unknown as Db
    connection = { inside, queue: queueOf(client), open: undefined, begun: 0 }
    connections.set(client, connection)
  }
  return connection
}

/** The transaction statements (BEGIN, SAVEPOINT…), prepared once per connection like any other. */
function run(connection: Connection, sql: string): void {
  preparedOnce(connectionOf(connection.inside), sql).run()
}

/**
 * Runs `work` in a transaction and returns what it returns; a throw rolls everything back and is
 * thrown on. Given the process's database, it opens a write transaction once the ones asked for
 * before have ended. Given a transaction's handle (`tx`), it is a savepoint inside that
 * transaction: a throw rolls back this part alone. Nested transactions are awaited one at a time.
 */
export type TransactionOptions = {
  /**
   * Only reads (and fills temporary tables): takes no write lock until it writes, so a long check of
   * a large file does not hold up a running server's writes.
   */
  readOnly?: boolean
}

export async function transaction<T>(db: Db, work: (tx: Db) => T | Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const pg = postgresOf(db)
  if (pg) return postgresTransaction(db, pg, work, options)
  const client = connectionOf(db)
  const connection = stateOf(client)
  const level = levels.get(db)
  if (level) return savepoint(connection, level, work)
  const { queue } = connection
  const release = await takeTurn(queue)
  const open: Open = { depth: 0, ended: false }
  let begun = false
  try {
    run(connection, options.readOnly ? 'BEGIN DEFERRED' : 'BEGIN IMMEDIATE')
    begun = true
    connection.begun++
    connection.open = open
    queue.busy = true
    // Nothing inside a transaction waits for the network, a file or a timer (the outbox exists for
    // that): on SQLite every await inside resolves before the event loop turns, so no other request's
    // statements can slip in. One still open when the loop turns breaks that rule: said loudly.
    onNextTurn(() => {
      if (open.ended) return
      heldAcrossTurns++
      // With others waiting, the likeliest cause is work that asked a transaction of the database
      // handle instead of its tx: that one waits for the very transaction it is inside.
      const why = queue.waiting
        ? `; ${queue.waiting} other transaction(s) wait for it: work that asks the database handle (db) for a transaction instead of its tx waits for itself`
        : ''
      process.emitWarning(`a transaction stayed open while the event loop turned: its work awaited I/O or a timer${why}`, {
        code: 'KESOS_TRANSACTION_HELD',
      })
    })
    let result: T
    try {
      result = await work(handleFor(connection, open, 0))
    } catch (error) {
      if (client.inTransaction) run(connection, 'ROLLBACK')
      throw error
    }
    if (open.depth !== 0) throw new StoreMisuseError('a nested transaction was still open when its transaction ended')
    run(connection, 'COMMIT')
    return result
  } finally {
    open.ended = true
    connection.open = undefined
    queue.busy = false
    // A failed COMMIT (the disk full) leaves the transaction open: end it before the next one begins.
    if (begun && client.inTransaction) client.exec('ROLLBACK')
    release()
  }
}

async function savepoint<T>(connection: Connection, level: Level, work: (tx: Db) => T | Promise<T>): Promise<T> {
  const { open } = level
  if (open.ended || connection.open !== open) {
    throw new StoreMisuseError('a transaction handle was used after its transaction ended')
  }
  if (level.depth !== open.depth) {
    throw new StoreMisuseError(
      'nested transactions were run side by side, or on an outer handle: await each one before starting the next, on the handle it gave',
    )
  }
  const depth = ++open.depth
  const name = `s${depth}`
  run(connection, `SAVEPOINT ${name}`)
  let result: T
  try {
    result = await work(handleFor(connection, open, depth))
  } catch (error) {
    if (open.depth === depth) {
      run(connection, `ROLLBACK TO ${name}`)
      run(connection, `RELEASE ${name}`)
      open.depth--
    }
    throw error
  }
  if (open.depth !== depth) {
    throw new StoreMisuseError('nested transactions ended out of order: await each one before starting the next')
  }
  run(connection, `RELEASE ${name}`)
  open.depth--
  return result
}

/** Waits for the transactions asked before on `queue` to end; gives what ends this one's turn. */
async function takeTurn(queue: Queue): Promise<() => void> {
  const before = queue.tail
  let release!: () => void
  queue.tail = new Promise<void>((resolve) => {
    release = resolve
  })
  queue.waiting++
  try {
    await before
  } finally {
    queue.waiting--
  }
  return release
}

/** Transactions waiting for one PostgreSQL pool, and how many were begun on it. */
const poolQueues = new WeakMap<Pool, Queue & { begun: number }>()

/**
 * `transaction` on PostgreSQL: a pooled connection of its own, `BEGIN` … `COMMIT`, savepoints for
 * nested ones. Every query of the work goes to that connection through its handle (`tx`).
 *
 * One process (issue 24, phase 4) still runs its transactions one at a time, in the order asked,
 * as on SQLite, and write transactions of all processes take one advisory lock: the code was
 * written for a store with one writer. Reads outside transactions run side by side on the other
 * pooled connections meanwhile. Finer locks let several instances write side by side later
 * (phase 5); until then a second server does not start.
 *
 * Unlike SQLite, each query inside is a round trip, so the event loop turns while a transaction is
 * open: that is no fault here, and nothing warns of it.
 */
/** The advisory lock every PostgreSQL write transaction takes (see postgresTransaction). */
const WRITE_LOCK = [1, 0] as const

async function postgresTransaction<T>(
  db: Db,
  pg: PostgresSide,
  work: (tx: Db) => T | Promise<T>,
  options: TransactionOptions,
): Promise<T> {
  const level = levels.get(db)
  if (level) return postgresSavepoint(pg, level, work)
  let queue = poolQueues.get(pg.pool)
  if (!queue) {
    queue = { tail: Promise.resolve(), waiting: 0, busy: false, begun: 0 }
    poolQueues.set(pg.pool, queue)
  }
  const release = await takeTurn(queue)
  const open: Open = { depth: 0, ended: false }
  try {
    queue.busy = true
    // Every write transaction of every process on the database takes the same lock (namespace 1,
    // design §4.1): they run one at a time, as SQLite's BEGIN IMMEDIATE makes them, so the code
    // written for one writer stays right while the server, a CLI import and a second instance meet.
    // Run once: the work may have effects in memory, so a transaction the server rolled back is not
    // run again here (with one transaction at a time, none is rolled back for racing another).
    return await withPgTransaction(
      pg.pool,
      async (client) => {
        ;(queue as { begun: number }).begun++
        const handle = Object.create(pg.on(client)) as Db
        levels.set(handle, { open, depth: 0 })
        const result = await work(handle)
        if (open.depth !== 0) throw new StoreMisuseError('a nested transaction was still open when its transaction ended')
        return result
      },
      { attempts: 1, ...(options.readOnly ? {} : { lock: WRITE_LOCK }) },
    )
  } finally {
    open.ended = true
    queue.busy = false
    release()
  }
}

async function postgresSavepoint<T>(pg: PostgresSide, level: Level, work: (tx: Db) => T | Promise<T>): Promise<T> {
  const { open } = level
  const client = pg.client
  if (open.ended || !client) throw new StoreMisuseError('a transaction handle was used after its transaction ended')
  if (level.depth !== open.depth) {
    throw new StoreMisuseError(
      'nested transactions were run side by side, or on an outer handle: await each one before starting the next, on the handle it gave',
    )
  }
  const depth = ++open.depth
  const name = `s${depth}`
  await client.query(`SAVEPOINT ${name}`)
  let result: T
  try {
    const handle = Object.create(pg.on(client)) as Db
    levels.set(handle, { open, depth })
    result = await work(handle)
  } catch (error) {
    if (open.depth === depth) {
      open.depth--
      await client.query(`ROLLBACK TO ${name}`)
      await client.query(`RELEASE ${name}`)
    }
    throw error
  }
  if (open.depth !== depth) {
    throw new StoreMisuseError('nested transactions ended out of order: await each one before starting the next')
  }
  open.depth--
  await client.query(`RELEASE ${name}`)
  return result
}

/**
 * Runs `each` for every item inside one write transaction and returns the results in order: the
 * messages ready at the same moment share one commit, so a burst costs one commit instead of one per
 * message. `each` gets the transaction (to nest a savepoint per item, so that one failing item rolls
 * back alone) and decides what a failure of its item gives.
 */
export function commitTogether<I, R>(db: Db, items: readonly I[], each: (tx: Db, item: I) => Promise<R>): Promise<R[]> {
  return transaction(db, async (tx) => {
    const results: R[] = []
    for (const item of items) results.push(await each(tx, item))
    return results
  })
}

/** Whether `db` is a transaction's (or a savepoint's) handle rather than the process's. */
export function isTransactionHandle(db: Db): boolean {
  return levels.has(db)
}

/**
 * Runs a statement outside any transaction (on the process's handle): at once when no transaction
 * is open on the database file, else once none is, so the statement neither sees another's
 * uncommitted writes nor is rolled back with them, nor waits for a lock another connection of this
 * process holds. The check and the statement run in one synchronous step: nothing can begin between.
 */
export function whenOutside<T>(client: Database.Database, run: () => T): T | Promise<T> {
  const { queue } = stateOf(client)
  if (!queue.busy) return run()
  return (async () => {
    while (queue.busy) await queue.tail
    return run()
  })()
}

/** Whether a transaction of this process is open on `client`'s database file now. */
export function transactionOpenOn(client: Database.Database): boolean {
  return stateOf(client).queue.busy
}

/** How many transactions (not savepoints) were begun on `db`'s connection: what a batch costs, for tests and diagnostics. */
export function transactionsBegun(db: Db): number {
  const pg = postgresOf(db)
  if (pg) return poolQueues.get(pg.pool)?.begun ?? 0
  return connections.get(connectionOf(db))?.begun ?? 0
}

/** How many transactions were found still open when the event loop turned: should stay 0. */
export function transactionsHeldAcrossTurns(): number {
  return heldAcrossTurns
}
