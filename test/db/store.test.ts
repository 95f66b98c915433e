/**
 * Transactions whose work awaits (src/db/store.ts): what a caller relies on. Everything done inside
 * is kept together or not at all; a nested part can fail alone; two processes' worth of work asked
 * at once never mixes on the one connection; and the mistakes that would silently run outside the
 * transaction on PostgreSQL are refused here already.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeDatabase, type Db, inTransaction, openDatabase } from '../../src/db/client.js'
import { personInScope } from '../../src/db/queries/console-scope.js'
import { getMeta, setMeta } from '../../src/db/queries/meta.js'
import { commitTogether, StoreMisuseError, transaction, transactionsHeldAcrossTurns } from '../../src/db/store.js'

const NOW = new Date('2026-12-07T08:00:00Z')
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let db: Db
beforeEach(() => {
  db = openDatabase(':memory:')
})
afterEach(() => closeDatabase(db))

describe('transaction', () => {
  it('keeps everything the work wrote across its awaits, and returns what the work returns', async () => {
    const result = await transaction(db, async (tx) => {
      setMeta(tx, 'a', '1', NOW)
      await later(5)
      setMeta(tx, 'b', '2', NOW)
      return 'selesai'
    })
    expect(result).toBe('selesai')
    expect([getMeta(db, 'a'), getMeta(db, 'b')]).toEqual(['1', '2'])
  })

  it('rolls back everything when the work throws after awaiting, and throws the error on', async () => {
    const failure = transaction(db, async (tx) => {
      setMeta(tx, 'a', '1', NOW)
      await later(5)
      setMeta(tx, 'b', '2', NOW)
      throw new Error('disk penuh')
    })
    await expect(failure).rejects.toThrow('disk penuh')
    expect([getMeta(db, 'a'), getMeta(db, 'b')]).toEqual([undefined, undefined])
    // The connection is free again: the next transaction runs.
    await transaction(db, (tx) => setMeta(tx, 'c', '3', NOW))
    expect(getMeta(db, 'c')).toBe('3')
  })

  it('rolls back a failing nested part alone; the rest commits', async () => {
    await transaction(db, async (tx) => {
      setMeta(tx, 'outer', 'kept', NOW)
      await expect(
        transaction(tx, async (inner) => {
          setMeta(inner, 'inner', 'lost', NOW)
          await later(1)
          throw new Error('gagal')
        }),
      ).rejects.toThrow('gagal')
      await transaction(tx, (inner) => setMeta(inner, 'second', 'kept', NOW))
    })
    expect([getMeta(db, 'outer'), getMeta(db, 'inner'), getMeta(db, 'second')]).toEqual(['kept', undefined, 'kept'])
  })

  it('runs transactions asked at the same time one after the other, in the order asked', async () => {
    const seen: string[] = []
    const first = transaction(db, async (tx) => {
      setMeta(tx, 'counter', '1', NOW)
      await later(20)
      seen.push(`first saw ${getMeta(tx, 'counter')}`)
      setMeta(tx, 'counter', '2', NOW)
    })
    const second = transaction(db, async (tx) => {
      // Starts only after the first committed: it sees the final value, never the one in between.
      seen.push(`second saw ${getMeta(tx, 'counter')}`)
      setMeta(tx, 'counter', String(Number(getMeta(tx, 'counter')) + 10), NOW)
    })
    await Promise.all([first, second])
    expect(seen).toEqual(['first saw 1', 'second saw 2'])
    expect(getMeta(db, 'counter')).toBe('12')
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

  it('refuses a synchronous transaction of other work while an awaiting one holds the connection, and writes nothing of it', async () => {
    let release!: () => void
    const open = transaction(db, async (tx) => {
      setMeta(tx, 'mine', '1', NOW)
      await new Promise<void>((resolve) => {
        release = resolve
      })
    })
    await later(1)
    expect(() => inTransaction(db, (tx) => setMeta(tx, 'other', '1', NOW))).toThrow(StoreMisuseError)
    release()
    await open
    expect([getMeta(db, 'mine'), getMeta(db, 'other')]).toEqual(['1', undefined])
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
      setMeta(tx, 'a', '1', NOW)
      await Promise.resolve()
      setMeta(tx, 'b', '2', NOW)
    })
    await later(5)
    expect(transactionsHeldAcrossTurns()).toBe(before)
    await transaction(db, async (tx) => {
      setMeta(tx, 'c', '3', NOW)
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
          setMeta(part, key, 'x', NOW)
          await later(1)
          if (key === 'b') throw new Error('gagal')
          return `ok ${key}`
        })
      } catch {
        return `maaf ${key}`
      }
    })
    expect(results).toEqual(['ok a', 'maaf b', 'ok c'])
    expect([getMeta(db, 'a'), getMeta(db, 'b'), getMeta(db, 'c')]).toEqual(['x', undefined, 'x'])
  })
})

describe('inTransaction', () => {
  it('gives a handle every query function can use, also those that prepare their own statement', () => {
    db.$client.prepare("insert into people (full_name, province_code) values ('Siti', '32')").run()
    const id = Number(db.$client.prepare('select id from people').pluck().get())
    const seen = inTransaction(db, (tx) => personInScope(tx, null, id))
    expect(seen).toBe(true)
  })
})
