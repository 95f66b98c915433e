/**
 * `npm run cli -- db copy-to-postgres` as a real process, from a SQLite file with rows in every
 * table to a real PostgreSQL server: the report and exit code 0; a second run refused (1) and
 * `--replace`; a difference made by the target shown as BEDA (1) with nothing kept; `--from` another
 * file; usage mistakes (2); a server that cannot be reached (1). The URL's password is never printed.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { tablesInCopyOrder } from '../../src/db/copy.js'
import { migratePostgres } from '../../src/db/pg/migrate.js'
import { seedEveryTable } from '../support/copy-source.js'
import { type PostgresServer, psql, startPostgres } from '../support/postgres.js'
import { run, tempFolderEachTest } from '../support/programs.js'

const TABLES = tablesInCopyOrder().map((table) => table.name)
const PASSWORD = 'rahasia-sekali'
const temp = tempFolderEachTest('db-copy-cli')

let server: PostgresServer
beforeAll(async () => {
  server = await startPostgres()
}, 60_000)
afterAll(async () => {
  await server?.stop()
})

/** A fresh database's URL with a password in it (the test server trusts every connection, so any password is accepted). */
async function targetUrl(): Promise<string> {
  const url = new URL(await server.createDatabase())
  url.password = PASSWORD
  return url.toString()
}

/** Seeds the test's SQLite file and returns its data key, which the CLI must be given. */
async function seed(path = temp.dbPath): Promise<string> {
  const source = await seedEveryTable(path, new Date())
  closeDatabase(source.db)
  return source.key
}

const cli = (args: string[], key: string, env: Record<string, string> = {}) =>
  run('src/cli.ts', ['db', 'copy-to-postgres', ...args], { DATABASE_PATH: temp.dbPath, DATA_ENCRYPTION_KEY: key, ...env }, 60_000)

async function totalRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    let total = 0
    for (const table of TABLES) total += Number((await client.query(`select count(*)::int as n from "${table}"`)).rows[0].n)
    return total
  } finally {
    await client.end()
  }
}

describe('npm run cli -- db copy-to-postgres', () => {
  it('copies, prints a line per table and exit code 0; refuses a second copy (1); copies over it with --replace', async () => {
    const key = await seed()
    const url = await targetUrl()
    const shown = url.replace(PASSWORD, '***')

    const copied = await cli(['--to', url], key)
    expect(copied.stderr).toBe('')
    expect(copied.exit).toEqual({ code: 0, signal: null })
    const lines = copied.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe(`Menyalin SQLite ${temp.dbPath} ke PostgreSQL ${shown}`)
    expect(lines[1]).toMatch(/^tabel\s+baris\s+checksum\s+hasil$/)
    const rows = lines.slice(2, -1)
    expect(rows.map((line) => line.split(/\s+/)[0]).sort()).toEqual([...TABLES].sort())
    for (const line of rows) expect(line).toMatch(/^[a-z_]+\s+[1-9]\d*\s+[0-9a-f]{12}\s+OK$/)
    const total = rows.reduce((sum, line) => sum + Number(line.split(/\s+/)[1]), 0)
    expect(lines.at(-1)).toBe(
      `Selesai: ${TABLES.length} tabel, ${total} baris disalin; jumlah baris dan checksum sama di SQLite dan PostgreSQL.`,
    )
    expect(await totalRows(url)).toBe(total)

    const again = await cli(['--to', url], key)
    expect(again.exit.code).toBe(1)
    expect(again.stderr).toContain(`Ditolak: tabel PostgreSQL ini sudah berisi data: ${TABLES.join(', ')}.`)
    expect(again.stderr).toContain('Pakai --replace')
    expect(await totalRows(url)).toBe(total)

    const replaced = await cli(['--to', url, '--replace'], key)
    expect(replaced.exit.code).toBe(0)
    expect(replaced.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Selesai: 33 tabel/)
    expect(await totalRows(url)).toBe(total)

    for (const output of [copied, again, replaced]) expect(output.stdout + output.stderr).not.toContain(PASSWORD)
  }, 180_000)

  it('shows a table the target changed as BEDA, exits 1 and keeps nothing', async () => {
    const key = await seed()
    const url = await targetUrl()
    await migratePostgres(url)
    await psql(
      url,
      `create function tamper() returns trigger language plpgsql as $$ begin new.value := new.value || '!'; return new; end $$;
       create trigger tamper before insert on app_meta for each row execute function tamper();`,
    )
    const result = await cli(['--to', url], key)
    expect(result.exit.code).toBe(1)
    const line = result.stdout.split('\n').find((row) => row.startsWith('app_meta '))
    expect(line).toMatch(/^app_meta\s+\d+\s+[0-9a-f]{12} → [0-9a-f]{12}\s+BEDA$/)
    expect(result.stdout.split('\n').filter((row) => row.endsWith(' BEDA'))).toHaveLength(1)
    expect(result.stderr).toContain('BEDA di 1 tabel (app_meta)')
    expect(result.stderr).toContain('Salinan dibatalkan')
    expect(result.stdout + result.stderr).not.toContain(PASSWORD)
    expect(await totalRows(url)).toBe(0)
  }, 120_000)

  it('--from copies another SQLite file, not DATABASE_PATH', async () => {
    const other = `${temp.dir}/lain.db`
    const key = await seed(other)
    const url = await targetUrl()
    const result = await cli(['--to', url, '--from', other], key)
    expect(result.exit.code).toBe(0)
    expect(result.stdout.split('\n')[0]).toBe(`Menyalin SQLite ${other} ke PostgreSQL ${url.replace(PASSWORD, '***')}`)
    expect(await psql(url, 'select count(*) > 40 from people where is_demo = 1')).toBe('t\n')
  }, 120_000)

  it('exits 2 on a usage mistake: no --to, not a PostgreSQL URL, an unknown option, a missing --from file', async () => {
    const key = 'a'.repeat(64)
    const missing = await cli([], key)
    expect(missing.exit.code).toBe(2)
    expect(missing.stderr).toContain('Sebutkan database tujuannya dengan --to.')
    expect(missing.stderr).toContain('Pemakaian: npm run cli -- db copy-to-postgres --to postgres://')

    const mysql = await cli(['--to', `mysql://kesos:${PASSWORD}@db/kesos`], key)
    expect(mysql.exit.code).toBe(2)
    expect(mysql.stderr).toContain('--to harus alamat PostgreSQL yang diawali postgres:// atau postgresql://.')
    expect(mysql.stdout + mysql.stderr).not.toContain(PASSWORD)

    expect((await cli(['--to', 'postgres://x@127.0.0.1/y', '--force'], key)).exit.code).toBe(2)
    const noFile = await cli(['--to', 'postgres://x@127.0.0.1/y', '--from', `${temp.dir}/tidak-ada.db`], key)
    expect(noFile.exit.code).toBe(2)
    expect(noFile.stderr).toContain('tidak-ada.db: file tidak ditemukan')
  }, 120_000)

  it('exits 1 when PostgreSQL cannot be reached, without printing the password', async () => {
    const key = await seed()
    const result = await cli(['--to', `postgres://kesos:${PASSWORD}@127.0.0.1:1/kesos`], key)
    expect(result.exit.code).toBe(1)
    expect(result.stderr).toContain('Gagal: connect ECONNREFUSED 127.0.0.1:1')
    expect(result.stderr).toContain('Tidak ada yang disalin; isi tabel PostgreSQL tetap seperti sebelumnya.')
    expect(result.stdout + result.stderr).not.toContain(PASSWORD)
  }, 120_000)
})
