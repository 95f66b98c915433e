/**
 * The throw-away PostgreSQL server of `test/support/postgres.ts`, which the storage tests on the
 * PostgreSQL engine will use: it starts (here as root, so through an unprivileged user), gives each
 * caller an empty database of its own, and leaves nothing behind, neither after `stop()` nor when the
 * test process is killed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { findPostgresBin, type PostgresServer, psql, setup, startPostgres } from '../support/postgres.js'
import { killAll, startCommand } from '../support/programs.js'

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function waitUntil(condition: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = performance.now() + ms
  while (performance.now() < end) {
    if (await condition()) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return condition()
}

let server: PostgresServer | undefined
afterEach(async () => {
  killAll()
  await server?.stop()
  server = undefined
})

describe('the test PostgreSQL server', () => {
  it('starts, gives two independent empty databases, and after stop() its port is closed and its folder gone', async () => {
    server = await startPostgres()
    const { port, dir } = server
    expect(await psql(server.url, 'select version()')).toMatch(/^PostgreSQL \d+/)

    const first = await server.createDatabase()
    const second = await server.createDatabase()
    expect(first).not.toBe(second)
    await psql(
      first,
      "create table notes (id serial primary key, body text not null); insert into notes (body) values ('satu'), ('dua')",
    )
    expect(await psql(first, 'select id, body from notes order by id')).toBe('1|satu\n2|dua\n')
    // The second database is empty: no table from the first one.
    expect(await psql(second, "select count(*) from pg_tables where schemaname = 'public'")).toBe('0\n')
    await expect(psql(second, 'select * from notes')).rejects.toThrow(/relation "notes" does not exist/)

    await server.stop()
    expect(await listening(port)).toBe(false)
    expect(existsSync(dir)).toBe(false)
  })

  it('stops and removes its folder when the test process is killed with SIGKILL', async () => {
    const harness = new URL('../support/postgres.ts', import.meta.url).href
    const code = `const { startPostgres } = await import(${JSON.stringify(harness)})
const server = await startPostgres()
console.log(JSON.stringify({ port: server.port, dir: server.dir }))
setInterval(() => {}, 1000)`
    const child = startCommand(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {})
    const [line] = await child.waitForStdout(/\{.*\}/, 30_000)
    const { port, dir } = JSON.parse(line) as { port: number; dir: string }
    expect(await listening(port)).toBe(true)

    killAll()
    expect(await waitUntil(async () => !(await listening(port)) && !existsSync(dir), 15_000)).toBe(true)
  })

  it('as a vitest globalSetup, provides the URL of a running server and its teardown stops it', async () => {
    const provided: Record<string, string> = {}
    const teardown = await setup({ provide: (key, value) => (provided[key] = value) })
    const url = provided.postgresUrl as string
    const port = Number(new URL(url).port)
    try {
      expect(await psql(url, 'select 1')).toBe('1\n')
    } finally {
      await teardown()
    }
    expect(await listening(port)).toBe(false)
  })

  it('names what to install when PG_BIN points at a folder without PostgreSQL', () => {
    const empty = mkdtempSync(join(tmpdir(), 'kesos-no-pg-'))
    try {
      expect(() => findPostgresBin({ PG_BIN: empty })).toThrow(/apt-get install postgresql/)
    } finally {
      rmSync(empty, { recursive: true })
    }
  })
})
