/**
 * Certificate lookups for the web page and the API, answered together once per turn of the event
 * loop.
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
 * it would be by a lookup of its own. Nothing else can run inside the transaction: the batch is
 * read from start to end without giving the event loop back.
 */
import type Database from 'better-sqlite3'
import type { Db } from '../../db/client.js'
import { type Lookup, lookUp, normalizeNumber } from './verify.js'

/** Lookups in one read transaction at most; a longer batch is split, so writers are never kept waiting long. */
const MAX_PER_TRANSACTION = 256

type Waiting = { typed: string; today: string; resolve: (lookup: Lookup) => void; reject: (error: unknown) => void }

type Batcher = (typed: string, today: string) => Promise<Lookup>

const batchers = new WeakMap<Database.Database, Batcher>()

/**
 * Looks a typed number up (as `lookUp`) together with the other lookups of this turn of the event
 * loop. What cannot be a number is answered without the database, without waiting.
 */
export function lookUpInTurn(db: Db, typed: string, today: string): Promise<Lookup> {
  if (normalizeNumber(typed) === undefined) return Promise.resolve({ kind: 'invalid' })
  let batcher = batchers.get(db.$client)
  if (!batcher) {
    batcher = createBatcher(db)
    batchers.set(db.$client, batcher)
  }
  return batcher(typed, today)
}

function createBatcher(db: Db): Batcher {
  const client = db.$client
  let statements: { begin: Database.Statement; commit: Database.Statement; rollback: Database.Statement } | undefined
  let queue: Waiting[] = []
  let scheduled = false

  /** Runs `batch[from, to)`, in one read transaction when there is more than one. */
  const runPart = (batch: Waiting[], from: number, to: number) => {
    let own = false
    // Inside a transaction someone else opened (nothing in this code base leaves one open across
    // turns) the lookups simply join it; a single lookup needs none of its own.
    if (to - from > 1 && !client.inTransaction) {
      try {
        statements ??= { begin: client.prepare('BEGIN'), commit: client.prepare('COMMIT'), rollback: client.prepare('ROLLBACK') }
        statements.begin.run()
        own = true
      } catch {
        // Each lookup then runs on its own, and reports its own error if the database is unusable.
      }
    }
    for (let i = from; i < to; i++) {
      const waiting = batch[i] as Waiting
      try {
        waiting.resolve(lookUp(db, waiting.typed, waiting.today))
      } catch (error) {
        waiting.reject(error)
      }
    }
    if (own && statements) {
      try {
        statements.commit.run()
      } catch {
        // Ending a transaction that only read cannot lose anything; the lookups have their answers.
        try {
          statements.rollback.run()
        } catch {
          // The connection is gone: the next lookup reports it.
        }
      }
    }
  }

  const run = () => {
    scheduled = false
    const batch = queue
    queue = []
    for (let from = 0; from < batch.length; from += MAX_PER_TRANSACTION)
      runPart(batch, from, Math.min(batch.length, from + MAX_PER_TRANSACTION))
  }

  return (typed, today) =>
    new Promise<Lookup>((resolve, reject) => {
      queue.push({ typed, today, resolve, reject })
      if (!scheduled) {
        scheduled = true
        setImmediate(run)
      }
    })
}
