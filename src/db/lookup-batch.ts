/**
 * Reads answered together once per turn of the event loop: the certificate lookups of the web page
 * and the API (`lookUpInTurn` in src/core/certificates/verify.ts).
 *
 * Under load, many requests arrive in one turn, one from every socket that became readable. A
 * lookup on its own is a read transaction of its own: SQLite takes and releases a lock on the WAL
 * index (two system calls), and after the HTTP work in between it finds its code and the B-tree's
 * pages cold again. Queued, then run one after another in one read transaction when the turn's
 * input has been read (`setImmediate`), the same lookups cost less than half as much each, and
 * their answers are written together.
 *
 * What a lookup sees does not change: the snapshot is taken when the batch runs, after its requests
 * arrived, so whatever was committed before (an import by this process or by another) is found, as
 * it would be by a lookup of its own. Nothing else can run inside the transaction: a batch is read
 * from start to end without giving the event loop back, and its callers continue only after it.
 * Lookups are answered, and audited by their callers, in the order they were asked.
 *
 * Tests with fake timers: vitest fakes `setImmediate` by default, so a lookup through this module
 * waits until the fake clock is advanced (or `toFake` leaves `setImmediate` out).
 */
import type Database from 'better-sqlite3'
import type { Db } from './client.js'

/**
 * Lookups in one batch at most: a longer queue is read in turns of this many, the event loop given
 * back in between, so a flood of requests cannot hold everything else up for long.
 */
export const MAX_BATCH = 256

type Waiting = {
  read: (db: Db) => unknown
  /** False when `read` touches no table: it opens no transaction. */
  reads: boolean
  resolve: (answer: unknown) => void
  reject: (error: unknown) => void
}

type Batcher = <T>(read: (db: Db) => T, reads: boolean) => Promise<T>

const batchers = new WeakMap<Database.Database, Batcher>()

/**
 * Runs `read` (a lookup: it only reads, and synchronously) on `db` together with the other reads of
 * this turn of the event loop, in the order asked. `reads` false: it touches no table (what was
 * typed cannot be a number), so it is answered in its place but is no reason for a transaction.
 */
export function readInTurn<T>(db: Db, read: (db: Db) => T, reads: boolean): Promise<T> {
  let batcher = batchers.get(db.$client)
  if (!batcher) {
    batcher = createBatcher(db)
    batchers.set(db.$client, batcher)
  }
  return batcher(read, reads)
}

function createBatcher(db: Db): Batcher {
  const client = db.$client
  let statements: { begin: Database.Statement; commit: Database.Statement; rollback: Database.Statement } | undefined
  let queue: Waiting[] = []
  let scheduled = false
  // Set when a batch could not end its own transaction: the next batch ends it first, so it can
  // never be taken for somebody else's and joined for good.
  let leftOpen = false

  const end = (how: 'commit' | 'rollback') => {
    try {
      statements?.[how].run()
    } catch {
      // Ending a transaction that only read cannot lose anything.
    }
  }

  /** Answers `batch`, in one read transaction when more than one of them reads the database. */
  const answer = (batch: Waiting[]) => {
    if (leftOpen) {
      end('rollback')
      leftOpen = client.open && client.inTransaction
    }
    let reads = 0
    for (const waiting of batch) if (waiting.reads) reads += 1
    let own = false
    // Inside a transaction someone else opened the lookups simply join it (nothing in this code base
    // leaves one open across turns); a single read needs none of its own.
    if (reads > 1 && !client.inTransaction) {
      try {
        statements ??= { begin: client.prepare('BEGIN'), commit: client.prepare('COMMIT'), rollback: client.prepare('ROLLBACK') }
        statements.begin.run()
        own = true
      } catch {
        // Each lookup then reads on its own, and reports its own error if the database is unusable.
      }
    }
    for (const waiting of batch) {
      try {
        waiting.resolve(waiting.read(db))
      } catch (error) {
        waiting.reject(error)
      }
    }
    if (own) {
      end('commit')
      if (client.open && client.inTransaction) end('rollback')
      leftOpen = client.open && client.inTransaction
    }
  }

  const run = () => {
    const batch = queue.length > MAX_BATCH ? queue.splice(0, MAX_BATCH) : queue
    if (batch === queue) queue = []
    // The rest waits for the next turn, after the event loop has had its say.
    if (queue.length > 0) setImmediate(run)
    else scheduled = false
    answer(batch)
  }

  return <T>(read: (db: Db) => T, reads: boolean) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ read, reads, resolve: resolve as (answer: unknown) => void, reject })
      if (!scheduled) {
        scheduled = true
        setImmediate(run)
      }
    })
}
