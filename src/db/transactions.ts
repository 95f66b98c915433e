/**
 * Transactions for the command line's dry runs and all-or-nothing commands: the work runs as for
 * real inside one write transaction, which is then rolled back (a preview) or kept only when the
 * work says it went through. The work gets the transaction (`tx`) and passes it to everything it
 * does: a function it calls that opens a transaction of its own then nests inside this one.
 */
import type { Db } from './client.js'
import { transaction } from './store.js'

/** Runs `work` in a write transaction that is rolled back: what it would do, with nothing stored. */
export async function rolledBack<T>(db: Db, work: (tx: Db) => T | Promise<T>): Promise<T> {
  const rollback = Symbol('rollback')
  let result: { value: T } | undefined
  try {
    await transaction(db, async (tx) => {
      result = { value: await work(tx) }
      throw rollback
    })
  } catch (error) {
    if (error !== rollback) throw error
  }
  if (!result) throw new Error('the dry run gave no result')
  return result.value
}

/** Runs `work` in one write transaction kept only when it returns ok: a refusal leaves nothing behind. */
export async function keptIfOk<T extends { ok: boolean }>(db: Db, work: (tx: Db) => T | Promise<T>): Promise<T> {
  const refusal = Symbol('refused')
  let result: T | undefined
  try {
    await transaction(db, async (tx) => {
      result = await work(tx)
      if (!result.ok) throw refusal
    })
  } catch (error) {
    if (error !== refusal) throw error
  }
  if (!result) throw new Error('the transaction gave no result')
  return result
}
