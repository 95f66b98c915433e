/**
 * Transactions for the command line's dry runs and all-or-nothing commands: the work runs as for
 * real inside one write transaction, which is then rolled back (a preview) or kept only when the
 * work says it went through. They live here because they hold the driver's transaction handle.
 */
import type { Db } from './client.js'

/** Runs `work` in a write transaction that is rolled back: what it would do, with nothing stored. */
export function rolledBack<T>(db: Db, work: () => T): T {
  const rollback = Symbol('rollback')
  let result: { value: T } | undefined
  try {
    db.$client
      .transaction(() => {
        result = { value: work() }
        throw rollback
      })
      .immediate()
  } catch (error) {
    if (error !== rollback) throw error
  }
  if (!result) throw new Error('the dry run gave no result')
  return result.value
}

/**
 * `rolledBack` for work that awaits between its steps (a queue that pauses between batches): one
 * write transaction around all of it, rolled back at the end whatever happened. The transactions
 * the work opens become savepoints inside it. It holds the write lock throughout: keep it short.
 */
export async function rolledBackAsync<T>(db: Db, work: () => Promise<T>): Promise<T> {
  db.$client.exec('BEGIN IMMEDIATE')
  try {
    return await work()
  } finally {
    if (db.$client.inTransaction) db.$client.exec('ROLLBACK')
  }
}

/** Runs `work` in one write transaction kept only when it returns ok: a refusal leaves nothing behind. */
export function keptIfOk<T extends { ok: boolean }>(db: Db, work: () => T): T {
  const refusal = Symbol('refused')
  let result: T | undefined
  try {
    db.$client
      .transaction(() => {
        result = work()
        if (!result.ok) throw refusal
      })
      .immediate()
  } catch (error) {
    if (error !== refusal) throw error
  }
  if (!result) throw new Error('the transaction gave no result')
  return result
}
