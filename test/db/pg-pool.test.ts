/**
 * The PostgreSQL pool and its transactions (`src/db/pg/pool.ts`) against a real server: bigint and
 * numeric come back as numbers (through drizzle too, which reads pg's global parsers), a bigint a
 * number cannot hold is refused, every connection has the session limits, a transaction the server
 * rolled back for a race runs again and one that failed for another reason does not, and no
 * connection is ever left checked out, a broken one is dropped, and none crashes the process.
 */
import { execFile } from 'node:child_process'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import type { Pool } from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openPostgresPool, sqlStateOf, withPgTransaction } from '../../src/db/pg/pool.js'
import { bindPostgres, toPostgres } from '../../src/db/portable.js'
import { type PostgresServer, psql, startPostgres } from '../support/postgres.js'
import { ROOT } from '../support/programs.js'

const APPLICATION = 'kesos-pool-test'
let server: PostgresServer
let url: string
let pool: Pool
const poolErrors: Error[] = []

beforeAll(async () => {
  server = await startPostgres()
  url = await server.createDatabase()
  pool = await openPostgresPool(url, {
    poolSize: 4,
    statementTimeoutMs: 300,
    applicationName: APPLICATION,
    onError: (error) => poolErrors.push(error),
  })
  await pool.query('create table ledger (k text not null, v bigint not null)')
}, 60_000)

afterAll(async () => {
  await pool?.end()
  await server?.stop()
})

afterEach(async () => {
  await pool.query('truncate ledger')
  // Whatever a test did, every connection it took is back in the pool (or was dropped), none waits,
  // and none went back with a transaction still open.
  expect(pool.totalCount - pool.idleCount).toBe(0)
  expect(pool.waitingCount).toBe(0)
  const open = await psql(
    url,
    `select count(*) from pg_stat_activity where application_name = '${APPLICATION}' and xact_start is not null and pid <> pg_backend_pid()`,
  )
  expect(open.trim()).toBe('0')
})

async function waitUntil(condition: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = performance.now() + ms
  while (!(await condition())) {
    if (performance.now() > end) throw new Error(`not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const failure = (code: string) => Object.assign(new Error(`simulated ${code}`), { code })

describe('openPostgresPool', () => {
  it('returns bigint and numeric as numbers, from pg and through drizzle', async () => {
    await pool.query('insert into ledger (k, v) values ($1, $2)', ['t', 1_700_000_000_000])
    const { rows } = await pool.query(
      'select v, count(*) over () as n, 12.5::numeric as price, 9007199254740991::bigint as largest, -9007199254740991::bigint as smallest from ledger',
    )
    expect(rows).toEqual([
      { v: 1_700_000_000_000, n: 1, price: 12.5, largest: Number.MAX_SAFE_INTEGER, smallest: -Number.MAX_SAFE_INTEGER },
    ])
    const db = drizzle(pool)
    const viaDrizzle = await db.execute(sql`select ${42}::bigint as id, count(*) as n from ledger`)
    expect(viaDrizzle.rows).toEqual([{ id: 42, n: 1 }])
  })

  it('refuses a bigint a number cannot hold, and the connection stays usable', async () => {
    await expect(pool.query('select 9007199254740992::bigint as v')).rejects.toThrow(
      /bigint 9007199254740992 is beyond Number.MAX_SAFE_INTEGER/,
    )
    await expect(pool.query("select '-99999999999999999'::bigint as v")).rejects.toThrow(/beyond Number.MAX_SAFE_INTEGER/)
    const db = drizzle(pool)
    await expect(db.execute(sql`select 9223372036854775807::bigint as v`)).rejects.toThrow()
    expect((await pool.query('select 1::bigint as one')).rows).toEqual([{ one: 1 }])
  })

  it('gives every connection the session limits and its name', async () => {
    const clients = await Promise.all([pool.connect(), pool.connect()])
    try {
      for (const client of clients) {
        const { rows } = await client.query(
          "select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock, current_setting('idle_in_transaction_session_timeout') as idle, current_setting('application_name') as name",
        )
        expect(rows).toEqual([{ statement: '300ms', lock: '10s', idle: '1min', name: APPLICATION }])
      }
    } finally {
      for (const client of clients) client.release()
    }
  })

  it('ends a statement that runs past the statement timeout (57014)', async () => {
    const error = await pool.query('select pg_sleep(2)').catch((e: unknown) => e)
    expect(sqlStateOf(error)).toBe('57014')
    expect((await pool.query('select 2::bigint as two')).rows).toEqual([{ two: 2 }])
  })

  it('takes no more connections than poolSize', async () => {
    await Promise.all(Array.from({ length: 12 }, () => pool.query('select pg_sleep(0.05)')))
    const { rows } = await pool.query('select count(*) as n from pg_stat_activity where application_name = $1', [APPLICATION])
    expect(rows[0].n).toBeLessThanOrEqual(4)
    expect(pool.totalCount).toBeLessThanOrEqual(4)
  })

  it('reports an idle connection the server ended through onError, and carries on', async () => {
    await pool.query('select 1')
    const before = poolErrors.length
    const ended = await psql(
      url,
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = '${APPLICATION}' and state = 'idle'`,
    )
    const count = ended.trim().split('\n').length
    expect(count).toBeGreaterThan(0)
    // Each idle connection learns of its end on its own; a query on one that has not yet would fail.
    await waitUntil(() => poolErrors.length === before + count, 5_000)
    expect(pool.totalCount).toBe(0)
    expect(sqlStateOf(poolErrors.at(-1))).toBe('57P01')
    expect((await pool.query('select 3::bigint as three')).rows).toEqual([{ three: 3 }])
  })

  it('runs a portable statement with its parameters', async () => {
    const statement = toPostgres("select @a::bigint + 1 as next, :b::text as word, 'x ? :y' as literal, @a::bigint as again")
    const { rows } = await pool.query(statement.text, bindPostgres(statement, { a: 41, b: 'kata' }))
    expect(rows).toEqual([{ next: 42, word: 'kata', literal: 'x ? :y', again: 41 }])
  })

  it('does not load pg until a pool is opened', async () => {
    const code = `import { createRequire } from 'node:module'
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => /[\\\\/]node_modules[\\\\/]pg[\\\\/]lib[\\\\/]/.test(path))
const { openPostgresPool } = await import('./src/db/pg/pool.ts')
const before = loaded()
const pool = await openPostgresPool('postgres://nobody@127.0.0.1:1/none', { poolSize: 1, statementTimeoutMs: 1000, applicationName: 'x', onError() {} })
await pool.end()
console.log(JSON.stringify({ before, after: loaded() }))`
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', code],
        { cwd: ROOT },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    )
    expect(JSON.parse(output)).toEqual({ before: false, after: true })
  })
})

describe('withPgTransaction', () => {
  const countRows = async () => (await pool.query('select count(*) as n from ledger')).rows[0].n as number

  it('commits the work and returns its result', async () => {
    const result = await withPgTransaction(pool, async (client) => {
      await client.query("insert into ledger values ('a', 1)")
      return 'done'
    })
    expect(result).toBe('done')
    expect(await countRows()).toBe(1)
  })

  it('rolls back when the work fails, and throws its error', async () => {
    const error = new Error('the work broke')
    await expect(
      withPgTransaction(pool, async (client) => {
        await client.query("insert into ledger values ('a', 1)")
        throw error
      }),
    ).rejects.toBe(error)
    expect(await countRows()).toBe(0)
  })

  it('runs the whole work again after a serialization failure, after a pause of at least 10 ms', async () => {
    const starts: number[] = []
    const result = await withPgTransaction(pool, async (client) => {
      starts.push(performance.now())
      await client.query("insert into ledger values ('a', $1)", [starts.length])
      if (starts.length === 1) throw failure('40001')
      return starts.length
    })
    expect(result).toBe(2)
    expect((starts[1] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(9)
    // The first attempt's row was rolled back with it.
    expect((await pool.query('select v from ledger')).rows).toEqual([{ v: 2 }])
  })

  it('runs the work again after a deadlock (40P01), also when drizzle wrapped the error', async () => {
    let runs = 0
    await withPgTransaction(pool, async () => {
      runs++
      if (runs === 1) throw Object.assign(new Error('Failed query'), { cause: failure('40P01') })
    })
    expect(runs).toBe(2)
  })

  it('reads the SQLSTATE of server errors only, not the code of a socket error', () => {
    expect(sqlStateOf(failure('40001'))).toBe('40001')
    expect(sqlStateOf(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' }))).toBeUndefined()
    expect(sqlStateOf(new Error('plain'))).toBeUndefined()
  })

  it('gives up after `attempts` runs and throws the last failure', async () => {
    let runs = 0
    const error = await withPgTransaction(
      pool,
      async () => {
        runs++
        throw failure('40001')
      },
      { attempts: 3 },
    ).catch((e: unknown) => e)
    expect(runs).toBe(3)
    expect(sqlStateOf(error)).toBe('40001')
  })

  it('never runs the work again for another error: a unique violation, a timeout, a plain Error', async () => {
    await pool.query('create unique index if not exists ledger_k on ledger (k)')
    try {
      for (const [work, state] of [
        [(client) => client.query("insert into ledger values ('same', 1), ('same', 2)"), '23505'],
        [(client) => client.query('select pg_sleep(2)'), '57014'],
        [
          () => {
            throw new Error('plain')
          },
          undefined,
        ],
      ] as const satisfies readonly (readonly [Parameters<typeof withPgTransaction>[1], string | undefined])[]) {
        let runs = 0
        const error = await withPgTransaction(pool, async (client) => {
          runs++
          return work(client)
        }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(Error)
        expect(sqlStateOf(error)).toBe(state)
        expect(runs).toBe(1)
      }
    } finally {
      await pool.query('drop index ledger_k')
    }
  })

  it('retries the loser of two SERIALIZABLE transactions that read what the other writes', async () => {
    await pool.query("insert into ledger values ('a', 10), ('b', 20)")
    // Both read before either writes: with the cycle (each writes what the other read), one must fail.
    let arrived = 0
    let release: () => void = () => {}
    const bothRead = new Promise<void>((resolve) => {
      release = resolve
    })
    const runs = { a: 0, b: 0 }
    const transfer = (read: 'a' | 'b', write: 'a' | 'b') =>
      withPgTransaction(
        pool,
        async (client) => {
          runs[read]++
          const { rows } = await client.query('select sum(v) as total from ledger where k = $1', [read])
          if (runs[read] === 1) {
            if (++arrived === 2) release()
            await bothRead
          }
          await client.query('insert into ledger values ($1, $2)', [write, rows[0].total])
          return rows[0].total as number
        },
        { isolation: 'serializable' },
      )
    const [fromA, fromB] = await Promise.all([transfer('a', 'b'), transfer('b', 'a')])
    // One ran once, the other twice; its second run saw the first one's committed row.
    expect(runs.a + runs.b).toBe(3)
    expect([fromA, fromB].sort((x, y) => x - y)).toEqual(runs.a === 2 ? [20, 30] : [10, 30])
    expect(await countRows()).toBe(4)
  })

  it('without SERIALIZABLE, the same two transactions both commit at once (READ COMMITTED)', async () => {
    await pool.query("insert into ledger values ('a', 10), ('b', 20)")
    let arrived = 0
    let release: () => void = () => {}
    const bothRead = new Promise<void>((resolve) => {
      release = resolve
    })
    let runs = 0
    const transfer = (read: string, write: string) =>
      withPgTransaction(pool, async (client) => {
        runs++
        const { rows } = await client.query('select sum(v) as total from ledger where k = $1', [read])
        if (++arrived === 2) release()
        await bothRead
        await client.query('insert into ledger values ($1, $2)', [write, rows[0].total])
      })
    await Promise.all([transfer('a', 'b'), transfer('b', 'a')])
    expect(runs).toBe(2)
  })

  it('drops a connection the server ended during the work, without crashing, and the pool carries on', async () => {
    const before = poolErrors.length
    const error = await withPgTransaction(pool, async (client) => {
      const { rows } = await client.query('select pg_backend_pid() as pid')
      // Ended from outside while the work holds the connection between two queries: pg emits
      // 'error' on a checked-out client, which nothing of the pool's listens to.
      const ended = new Promise((resolve) => client.once('end', resolve))
      await psql(url, `select pg_terminate_backend(${rows[0].pid})`)
      await ended
      await client.query('select 1')
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(poolErrors.length).toBe(before)
    expect((await pool.query('select 4::bigint as four')).rows).toEqual([{ four: 4 }])
  })

  it('drops a connection whose session ended inside the work (57P01), and the pool carries on', async () => {
    const pids = new Set<number>()
    const error = await withPgTransaction(pool, async (client) => {
      pids.add((await client.query('select pg_backend_pid() as pid')).rows[0].pid)
      await client.query('select pg_terminate_backend(pg_backend_pid())')
    }).catch((e: unknown) => e)
    expect(sqlStateOf(error)).toBe('57P01')
    const { rows } = await pool.query('select pid from pg_stat_activity where application_name = $1', [APPLICATION])
    expect(rows.map((row) => row.pid)).not.toContain([...pids][0])
    expect(pool.totalCount).toBe(pool.idleCount)
  })
})
