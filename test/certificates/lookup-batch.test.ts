/**
 * Lookups answered together once per turn of the event loop (src/db/lookup-batch.ts):
 * the same answers as one by one, whatever was committed before the batch ran (by this connection
 * or by another process) is found, a transaction someone else opened is left alone, and a broken
 * database fails the lookups instead of leaving them waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database, { type Statement } from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { lookUp, lookUpInTurn } from '../../src/core/certificates/verify.js'
import { closeDatabase, type Db, openDatabase } from '../../src/db/client.js'
import { certificates } from '../../src/db/schema.js'

const TODAY = '2026-11-23'

const certificate = (i: number, overrides: Partial<typeof certificates.$inferInsert> = {}) => ({
  number: `LSPS2024${String(i).padStart(5, '0')}`,
  displayNumber: `LSPS-2024-${String(i).padStart(5, '0')}`,
  holderName: `Pemegang Nomor ${i}`,
  scheme: 'Pekerja Sosial',
  issuedAt: '2024-05-02',
  expiresAt: i % 2 === 0 ? '2027-05-01' : '2025-05-01',
  ...overrides,
})

describe('lookups answered once per turn', () => {
  let dir: string
  let db: Db

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kesos-lookup-batch-'))
    db = openDatabase(join(dir, 'kesos.db'))
    await db.insert(certificates).values(Array.from({ length: 600 }, (_, i) => certificate(i)))
  })

  afterEach(() => {
    vi.restoreAllMocks()
    closeDatabase(db)
    rmSync(dir, { recursive: true, force: true })
  })

  /** Counts the read transactions the batches open (the BEGIN statement they prepare). */
  function countBegins() {
    const client = db.$client
    const prepare = client.prepare.bind(client)
    const counter = { begins: 0 }
    vi.spyOn(client, 'prepare').mockImplementation(((sql: string) => {
      const statement = prepare(sql)
      if (sql === 'BEGIN') {
        const run = statement.run.bind(statement)
        statement.run = (...args: unknown[]) => {
          counter.begins += 1
          return run(...args)
        }
      }
      return statement
    }) as typeof client.prepare)
    return counter
  }

  it('answers every lookup of a turn as a lookup of its own would, typed however it was typed', async () => {
    const typed = ['LSPS-2024-00002', 'lsps 2024 00003', 'LSPS202400599', 'LSPS-2099-00001', 'ab', 'LSPS-2024-00002']
    const answers = await Promise.all(typed.map((t) => lookUpInTurn(db, t, TODAY)))
    expect(answers).toEqual(await Promise.all(typed.map((t) => lookUp(db, t, TODAY))))
    expect(answers.map((a) => (a.kind === 'found' ? a.status : a.kind))).toEqual([
      'valid',
      'expired',
      'expired',
      'not-found',
      'invalid',
      'valid',
    ])
  })

  it('runs the lookups of one turn in one read transaction, a long queue 256 at a time', async () => {
    const counter = countBegins()
    const one = await Promise.all([lookUpInTurn(db, 'LSPS202400001', TODAY), lookUpInTurn(db, 'LSPS202400002', TODAY)])
    expect(one.map((a) => a.kind)).toEqual(['found', 'found'])
    expect(counter.begins).toBe(1)

    const many = await Promise.all(Array.from({ length: 600 }, (_, i) => lookUpInTurn(db, certificate(i).displayNumber, TODAY)))
    expect(many.every((a, i) => a.kind === 'found' && a.certificate.number === certificate(i).number)).toBe(true)
    expect(counter.begins).toBe(1 + 3)
    expect(db.$client.inTransaction).toBe(false)

    // A lookup alone needs no transaction of its own.
    expect((await lookUpInTurn(db, 'LSPS202400003', TODAY)).kind).toBe('found')
    expect(counter.begins).toBe(4)
  })

  it('gives the event loop back between parts of a long queue', async () => {
    const events: string[] = []
    const asked = Array.from({ length: 600 }, (_, i) =>
      lookUpInTurn(db, certificate(i).number, TODAY).then(() => {
        if (i === 0 || i === 599) events.push(`answered ${i}`)
      }),
    )
    // Asked after the lookups, so it would run after all of them were answered if they were read in one go.
    setImmediate(() => events.push('other work'))
    await Promise.all(asked)
    expect(events).toEqual(['answered 0', 'other work', 'answered 599'])
  })

  it('answers what cannot be a number without reading the database, in the order asked', async () => {
    const counter = countBegins()
    const get = vi.spyOn(db.$client, 'prepare')
    const order: string[] = []
    const asked = ['LSPS202400001', '<script>', ''].map((typed) =>
      lookUpInTurn(db, typed, TODAY).then((lookup) => {
        order.push(`${typed}: ${lookup.kind}`)
      }),
    )
    await Promise.all(asked)
    expect(order).toEqual(['LSPS202400001: found', '<script>: invalid', ': invalid'])
    // One lookup read the database: no transaction of its own, one statement prepared.
    expect(counter.begins).toBe(0)
    expect(get.mock.calls.map(([sql]) => sql)).toEqual([expect.stringMatching(/^select .* from certificates where/)])
  })

  it('finds what another process committed before the batch ran, also after an earlier batch read', async () => {
    const other = new Database(join(dir, 'kesos.db'))
    const insert = (i: number) =>
      other
        .prepare(
          `insert into certificates (number, display_number, holder_name, scheme, issued_at, expires_at, status, status_reason)
           values (?, ?, 'Agus Santoso', 'Penyuluh Sosial', '2025-01-02', '2030-01-01', 'revoked', 'Dicabut')`,
        )
        .run(`LSPS2025${String(i).padStart(5, '0')}`, `LSPS-2025-${String(i).padStart(5, '0')}`)
    const both = (a: string, b: string) => Promise.all([lookUpInTurn(db, a, TODAY), lookUpInTurn(db, b, TODAY)])
    try {
      // Asked, then committed elsewhere before the turn ended: found.
      const first = both('LSPS-2025-00001', 'LSPS202400001')
      insert(1)
      expect((await first).map((a) => a.kind)).toEqual(['found', 'found'])
      // A batch that did not find it, a commit elsewhere, the next batch: found.
      expect((await both('LSPS-2025-00002', 'LSPS202400001')).map((a) => a.kind)).toEqual(['not-found', 'found'])
      insert(2)
      const [answer] = await both('LSPS-2025-00002', 'LSPS202400001')
      expect(answer?.kind === 'found' && [answer.certificate.holderName, answer.status]).toEqual(['Agus Santoso', 'revoked'])
    } finally {
      other.close()
    }
  })

  it('a read that fails fails its own lookup only, and no transaction is left open', async () => {
    const statement = Object.getPrototypeOf(db.$client.prepare('select 1')) as Statement
    const get = statement.get
    vi.spyOn(statement, 'get').mockImplementation(function (this: Statement, ...args: unknown[]) {
      if (args[0] === 'LSPS202400002') throw new Error('SQLITE_CORRUPT: database disk image is malformed')
      return get.apply(this, args)
    })
    const answers = await Promise.allSettled(
      ['LSPS202400001', 'LSPS202400002', 'LSPS202400003'].map((n) => lookUpInTurn(db, n, TODAY)),
    )
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(db.$client.inTransaction).toBe(false)
  })

  it('joins a transaction someone else opened and leaves it open (their writes seen, not committed)', async () => {
    db.$client.exec('BEGIN')
    await db.insert(certificates).values(certificate(9000))
    const answers = await Promise.all([lookUpInTurn(db, 'LSPS202409000', TODAY), lookUpInTurn(db, 'LSPS202400001', TODAY)])
    expect(answers.map((a) => a.kind)).toEqual(['found', 'found'])
    expect(db.$client.inTransaction).toBe(true)
    db.$client.exec('ROLLBACK')
    expect((await lookUp(db, 'LSPS202409000', TODAY)).kind).toBe('not-found')
  })

  it('fails the lookups of a turn whose connection is closed, instead of leaving them waiting', async () => {
    const second = openDatabase(join(dir, 'kesos.db'))
    const pending = [lookUpInTurn(second, 'LSPS202400001', TODAY), lookUpInTurn(second, 'LSPS202400002', TODAY)]
    second.$client.close()
    for (const result of await Promise.allSettled(pending)) expect(result.status).toBe('rejected')
    // The first connection's batches are its own.
    expect((await lookUpInTurn(db, 'LSPS202400001', TODAY)).kind).toBe('found')
  })
})
