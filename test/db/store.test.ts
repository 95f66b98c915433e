/**
 * Transactions whose work awaits (src/db/store.ts): what a caller relies on. Everything done inside
 * is kept together or not at all; a nested part can fail alone; two processes' worth of work asked
 * at once never mixes on the one connection; and the mistakes that would silently run outside the
 * transaction on PostgreSQL are refused here already.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cached, closeDatabase, type Db, openDatabase, statement } from '../../src/db/client.js'
import { personInScope } from '../../src/db/queries/console-scope.js'
import { getMeta, setMeta } from '../../src/db/queries/meta.js'
import { commitTogether, StoreMisuseError, transaction, transactionsHeldAcrossTurns } from '../../src/db/store.js'
import { allowHeldTransactions } from '../support/held-transactions.js'

const NOW = new Date('2026-12-07T08:00:00Z')
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let db: Db
beforeEach(() => {
  db = openDatabase(':memory:')
  // These transactions await timers on purpose: they stand for PostgreSQL's round trips.
  allowHeldTransactions()
})
afterEach(() => closeDatabase(db))

describe('transaction', () => {
  it('keeps everything the work wrote across its awaits, and returns what the work returns', async () => {
    const result = await transaction(db, async (tx) => {
      await setMeta(tx, 'a', '1', NOW)
      await later(5)
      await setMeta(tx, 'b', '2', NOW)
      return 'selesai'
    })
    expect(result).toBe('selesai')
    expect([await getMeta(db, 'a'), await getMeta(db, 'b')]).toEqual(['1', '2'])
  })

  it('rolls back everything when the work throws after awaiting, and throws the error on', async () => {
    const failure = transaction(db, async (tx) => {
      await setMeta(tx, 'a', '1', NOW)
      await later(5)
      await setMeta(tx, 'b', '2', NOW)
      throw new Error('disk penuh')
    })
    await expect(failure).rejects.toThrow('disk penuh')
    expect([await getMeta(db, 'a'), await getMeta(db, 'b')]).toEqual([undefined, undefined])
    // The connection is free again: the next transaction runs.
    await transaction(db, (tx) => setMeta(tx, 'c', '3', NOW))
    expect(await getMeta(db, 'c')).toBe('3')
  })

  it('rolls back a failing nested part alone; the rest commits', async () => {
    await transaction(db, async (tx) => {
      await setMeta(tx, 'outer', 'kept', NOW)
      await expect(
        transaction(tx, async (inner) => {
          await setMeta(inner, 'inner', 'lost', NOW)
          await later(1)
          throw new Error('gagal')
        }),
      ).rejects.toThrow('gagal')
      await transaction(tx, (inner) => setMeta(inner, 'second', 'kept', NOW))
    })
    expect([await getMeta(db, 'outer'), await getMeta(db, 'inner'), await getMeta(db, 'second')]).toEqual([
      'kept',
      undefined,
      'kept',
    ])
  })

  it('runs transactions asked at the same time one after the other, in the order asked', async () => {
    const seen: string[] = []
    const first = transaction(db, async (tx) => {
      await setMeta(tx, 'counter', '1', NOW)
      await later(20)
      seen.push(`first saw ${await getMeta(tx, 'counter')}`)
      await setMeta(tx, 'counter', '2', NOW)
    })
    const second = transaction(db, async (tx) => {
      // Starts only after the first committed: it sees the final value, never the one in between.
      seen.push(`second saw ${await getMeta(tx, 'counter')}`)
      await setMeta(tx, 'counter', String(Number(await getMeta(tx, 'counter')) + 10), NOW)
    })
    await Promise.all([first, second])
    expect(seen).toEqual(['first saw 1', 'second saw 2'])
    expect(await getMeta(db, 'counter')).toBe('12')
  })

  it('refuses a transaction handle after its end, and a nested part asked on an outer handle', async () => {
    let leaked: Db | undefined
    await transaction(db, (tx) => {
      leaked = tx
    })
    await expect(transaction(leaked as Db, () => 1)).rejects.toThrow(StoreMisuseError)
    const onOuter = transaction(db, (tx) => transaction(tx, () => transaction(tx, () => 1)))
    await expect(onOuter).rejects.toThrow(StoreMisuseError)
  })

  it('says so when work asks the database handle for a transaction inside its own, which waits for itself', async () => {
    const warnings: string[] = []
    const listen = (warning: Error & { code?: string }) => {
      if (warning.code === 'KESOS_TRANSACTION_HELD') warnings.push(warning.message)
    }
    process.on('warning', listen)
    try {
      // A database of its own: the one stuck transaction keeps it busy for good.
      const stuck = openDatabase(':memory:')
      const before = transactionsHeldAcrossTurns()
      void transaction(stuck, async () => transaction(stuck, () => 1))
      await later(5)
      expect(transactionsHeldAcrossTurns()).toBe(before + 1)
      expect(warnings.join('\n')).toContain('1 other transaction(s) wait for it')
    } finally {
      process.off('warning', listen)
    }
  })

  it('refuses nested parts run side by side, which savepoints cannot keep apart', async () => {
    const sideBySide = transaction(db, (tx) =>
      Promise.all([transaction(tx, async () => later(5)), transaction(tx, async () => later(1))]),
    )
    await expect(sideBySide).rejects.toThrow(StoreMisuseError)
  })
})

describe('a transaction held while the event loop turns', () => {
  it('is counted and warned about; one whose awaits all resolve at once is not', async () => {
    const before = transactionsHeldAcrossTurns()
    await transaction(db, async (tx) => {
      await setMeta(tx, 'a', '1', NOW)
      await Promise.resolve()
      await setMeta(tx, 'b', '2', NOW)
    })
    await later(5)
    expect(transactionsHeldAcrossTurns()).toBe(before)
    await transaction(db, async (tx) => {
      await setMeta(tx, 'c', '3', NOW)
      await later(5)
    })
    expect(transactionsHeldAcrossTurns()).toBe(before + 1)
  })
})

describe('commitTogether', () => {
  it('gives each item its result in order, in one commit, and a failing item rolls back alone', async () => {
    const results = await commitTogether(db, ['a', 'b', 'c'], async (tx, key) => {
      try {
        return await transaction(tx, async (part) => {
          await setMeta(part, key, 'x', NOW)
          await later(1)
          if (key === 'b') throw new Error('gagal')
          return `ok ${key}`
        })
      } catch {
        return `maaf ${key}`
      }
    })
    expect(results).toEqual(['ok a', 'maaf b', 'ok c'])
    expect([await getMeta(db, 'a'), await getMeta(db, 'b'), await getMeta(db, 'c')]).toEqual(['x', undefined, 'x'])
  })
})

describe('a transaction handle', () => {
  it('serves every query function, also those that prepare their own statement', async () => {
    await statement(db, "insert into people (full_name, province_code) values ('Siti', '32')").run()
    const id = Number(db.$client.prepare('select id from people').pluck().get())
    const seen = await transaction(db, (tx) => personInScope(tx, null, id))
    expect(seen).toBe(true)
  })
})

describe('the database handle outside any transaction', () => {
  it('waits until the open transaction ends: it never reads what is not committed, nor is rolled back with it', async () => {
    let read: Promise<string | undefined> | undefined
    let write: Promise<unknown> | undefined
    const failing = transaction(db, async (tx) => {
      await setMeta(tx, 'draft', 'belum', NOW)
      // Asked while the transaction is open (as another request's work would be, between two of its awaits).
      read = getMeta(db, 'draft')
      write = setMeta(db, 'outside', 'tetap', NOW)
      await later(5)
      throw new Error('batal')
    })
    await expect(failing).rejects.toThrow('batal')
    expect(await read).toBeUndefined()
    await write
    expect(await getMeta(db, 'outside')).toBe('tetap')
  })

  it('two connections of one process to one file take turns instead of waiting inside SQLite for each other', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-store-'))
    const first = openDatabase(join(dir, 'kesos.db'))
    const second = openDatabase(join(dir, 'kesos.db'))
    try {
      // The first holds the write lock across a turn of the event loop; the second's writes, outside
      // any transaction, wait their turn instead of blocking the thread in SQLite's busy wait (which
      // would keep the first from ever finishing).
      const held = transaction(first, async (tx) => {
        await setMeta(tx, 'first', '1', NOW)
        await later(20)
      })
      const started = Date.now()
      await Promise.resolve()
      await setMeta(second, 'second', '2', NOW)
      await held
      expect(await getMeta(first, 'second')).toBe('2')
      expect(await getMeta(second, 'first')).toBe('1')
      // Well under SQLite's 5-second busy timeout: nothing waited for a lock.
      expect(Date.now() - started).toBeLessThan(2_000)
    } finally {
      closeDatabase(first)
      closeDatabase(second)
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a synchronous write on it while a transaction is open (it would join that transaction)', async () => {
    await transaction(db, async () => {
      expect(() => cached(db, "insert into app_meta (key, value, updated_at) values ('x', 'y', 0)")).toThrow(StoreMisuseError)
      // Reads are allowed: they take no lock.
      expect(cached(db, 'select count(*) from app_meta').pluck().get()).toBe(0)
    })
  })
})
