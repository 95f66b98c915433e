/**
 * Set up before every test file: a test fails when a transaction stayed open while the event loop
 * turned (`KESOS_TRANSACTION_HELD`). On SQLite that is how another request's statements slip into a
 * transaction, and its likeliest cause, work using the process's handle inside its own transaction,
 * waits for itself. A test that holds one on purpose says so with `allowHeldTransactions()`.
 */
import { afterEach, beforeEach, expect } from 'vitest'
import { transactionsHeldAcrossTurns } from '../../src/db/store.js'

let before = 0
let allowed = false

/** The current test holds a transaction across a turn on purpose (it tests the warning). */
export function allowHeldTransactions(): void {
  allowed = true
}

beforeEach(() => {
  before = transactionsHeldAcrossTurns()
  allowed = false
})

afterEach(() => {
  if (allowed) return
  expect(
    transactionsHeldAcrossTurns() - before,
    'transactions held open while the event loop turned (KESOS_TRANSACTION_HELD): work awaited I/O or a timer inside one, or used the database handle instead of its tx',
  ).toBe(0)
})
