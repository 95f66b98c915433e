/**
 * The server from source on PostgreSQL (DATABASE_URL, issue 24): it migrates an empty database,
 * loads the demo data once, answers /healthz and a certificate lookup from PostgreSQL, keeps what it
 * wrote across a restart, and a second server on the same database serves beside it as a follower;
 * the command line and the terminal chat work on it too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PostgresServer, psql, startPostgres } from '../support/postgres.js'
import { type Running, run, runChat, start, tempFolderEachTest } from '../support/programs.js'
import { sessionsFile } from '../support/sessions-csv.js'

let postgres: PostgresServer
beforeAll(async () => {
  postgres = await startPostgres()
}, 60_000)
afterAll(async () => {
  await postgres?.stop()
})

const temp = tempFolderEachTest('pg-server', 'data/kesos.db')

/** The server's settings on the database at `url`. */
const serverEnv = (url: string) => ({
  DATABASE_URL: url,
  // Only where the development data key file is kept: the data itself is in PostgreSQL.
  DATABASE_PATH: temp.dbPath,
  PORT: '0',
  PUBLIC_BASE_URL: 'http://localhost',
  CERT_SIGNING_KEY: 'e2e-postgres-signing-key-0123456789abcdef',
})

async function startServer(url: string): Promise<{ server: Running; port: number }> {
  const server = start('src/main.ts', [], serverEnv(url))
  const match = await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 30_000)
  return { server, port: Number(match[1]) }
}

const get = (port: number, path: string) => fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) })

describe('the server on PostgreSQL', () => {
  it('serves from an empty database, keeps its data across a restart, and a second server serves beside it', async () => {
    const url = await postgres.createDatabase()
    const first = await startServer(url)
    expect(first.server.stdout()).toContain('DEMO dataset loaded')
    expect(await (await get(first.port, '/healthz')).json()).toMatchObject({ status: 'ok', database: 'ok' })
    const lookup = await get(first.port, '/api/v1/certificates/DEMO-LSPS-2023-00901')
    expect(lookup.status).toBe(200)
    expect(await lookup.json()).toMatchObject({ number: 'DEMO-LSPS-2023-00901' })
    // The rows are in PostgreSQL.
    expect(Number(await psql(url, 'select count(*) from certificates'))).toBeGreaterThan(0)

    expect(first.server.stdout()).toContain('leader election: this instance leads')
    // A second server on the same database serves too, as a follower (test/e2e/postgres-instances.test.ts).
    const second = await startServer(url)
    expect((await get(second.port, '/api/v1/certificates/DEMO-LSPS-2023-00901')).status).toBe(200)
    expect(second.server.stdout()).not.toContain('leader election: this instance leads')
    second.server.child.kill('SIGTERM')
    expect((await second.server.exited(15_000)).code).toBe(0)
    // The first one is untouched.
    expect((await get(first.port, '/healthz')).status).toBe(200)

    first.server.child.kill('SIGTERM')
    expect((await first.server.exited(15_000)).code).toBe(0)
    const again = await startServer(url)
    // Not empty any more: the demo data is not loaded twice.
    expect(again.server.stdout()).not.toContain('DEMO dataset loaded')
    expect((await get(again.port, '/api/v1/certificates/DEMO-LSPS-2023-00901')).status).toBe(200)
    again.server.child.kill('SIGTERM')
    expect((await again.server.exited(15_000)).code).toBe(0)
  }, 120_000)

  it('the command line and the terminal chat work on it too, beside the server and from a fresh database', async () => {
    const url = await postgres.createDatabase()
    const env = { DATABASE_URL: url, DATABASE_PATH: temp.dbPath, DEMO_DATA: 'false' }
    const cli = (...args: string[]) => run('src/cli.ts', args, env, 30_000)
    const file = temp.file('sesi.csv', sessionsFile({}, { code: 'BMT-JPR-01', region: 'Jayapura', province: '' }))

    const imported = await cli('import', 'sessions', file)
    expect(imported.exit).toEqual({ code: 0, signal: null })
    expect(imported.stdout).toBe('2 sesi ditambahkan, 0 diperbarui.\n')
    expect((await cli('import', 'sessions', file)).stdout).toBe('0 sesi ditambahkan, 2 diperbarui.\n')
    expect((await psql(url, 'select code from bimtek_sessions order by code')).trim()).toBe('BMT-JPR-01\nBMT-MKS-01')
    const listed = await cli('sessions', 'list')
    expect(listed.stdout).toContain('BMT-MKS-01  Bimtek Sertifikasi Penyuluh Sosial')
    expect(listed.stdout).toMatch(/2 sesi\.\n$/)

    // The terminal chat answers from the same database while the server runs on it.
    const server = await startServer(url)
    const chat = await runChat({ store: temp.store, input: 'halo\n', env: { DATABASE_URL: url }, ms: 30_000 })
    expect(chat.exit.code).toBe(0)
    expect(chat.stdout).toContain('Ketik angka menu')
    server.server.child.kill('SIGTERM')
    expect((await server.server.exited(15_000)).code).toBe(0)
  }, 120_000)
})
