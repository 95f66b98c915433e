/**
 * `copyToPostgres` (src/db/copy.ts) on a real PostgreSQL server: a SQLite database with rows in
 * every table arrives whole (counts and checksums equal, and values of every kind checked one by one
 * against SQLite, not only against the copy's own verification); the ids PostgreSQL hands out next
 * do not collide; a filled target is refused unchanged, and `replace` copies over it; a difference
 * made by the target (a trigger of its own that alters a value) is caught and rolled back; a target
 * or source of another schema version is refused. And the checksum itself (src/db/copy-checksum.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createByteBox, HANDOFF_FILE_PURPOSE, keyCheck } from '../../src/core/privacy/data-key.js'
import { closeDatabase, type Db, openDatabase, statement } from '../../src/db/client.js'
import { type CopyResult, copyToPostgres, tablesInCopyOrder } from '../../src/db/copy.js'
import { sqliteCanonical, TableChecksum } from '../../src/db/copy-checksum.js'
import { migratePostgres } from '../../src/db/pg/migrate.js'
import { BIG_INTEGER, type CopySource, EVERY_BYTE, NON_ASCII_NAME, seedEveryTable } from '../support/copy-source.js'
import { type PostgresServer, psql, startPostgres } from '../support/postgres.js'

const NOW = new Date('2026-11-23T02:00:00Z')
const TABLES = tablesInCopyOrder().map((table) => table.name)

let server: PostgresServer
let folder: string
let source: CopySource

beforeAll(async () => {
  server = await startPostgres()
  folder = mkdtempSync(join(tmpdir(), 'kesos-copy-'))
  source = await seedEveryTable(join(folder, 'kesos.db'), NOW)
}, 60_000)

afterAll(async () => {
  if (source) closeDatabase(source.db)
  if (folder) rmSync(folder, { recursive: true, force: true })
  await server?.stop()
})

/** Runs `work` with a client on `url`, ended after. */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

const sqliteCount = async (db: Db, table: string) =>
  ((await statement(db, `select count(*) as n from "${table}"`).get()) as { n: number }).n

/** Every copied table's row count in the target. */
const targetCounts = (url: string) =>
  withClient(url, async (client) => {
    const counts: Record<string, number> = {}
    for (const table of TABLES) {
      counts[table] = Number((await client.query(`select count(*)::int as n from "${table}"`)).rows[0].n)
    }
    return counts
  })

const expectCopied = (result: CopyResult) => {
  if (!result.ok) throw new Error(`copy failed: ${JSON.stringify(result.error)}`)
  return result.tables
}

describe('copyToPostgres', () => {
  let url: string
  beforeEach(async () => {
    url = await server.createDatabase()
  })

  it('copies every table, each filled, with the same counts and checksums as SQLite', async () => {
    // The test means something only while every table has rows: a table added to the schema without
    // seed rows fails here, not silently.
    const sourceCounts = await Promise.all(TABLES.map((table) => sqliteCount(source.db, table)))
    expect(TABLES.filter((_, i) => sourceCounts[i] === 0)).toEqual([])
    expect(TABLES).toHaveLength(33)

    const report = expectCopied(await copyToPostgres(source.db, url))
    expect(report.map((row) => row.table).sort()).toEqual([...TABLES].sort())
    for (const row of report) {
      expect(row, row.table).toMatchObject({ ok: true, rows: row.targetRows, checksum: row.targetChecksum })
      expect(row.checksum, row.table).toMatch(/^[0-9a-f]{32}$/)
      expect(row.checksum, row.table).not.toBe('0'.repeat(32))
    }
    // Counted here, apart from the copy's own verification.
    const counts = await targetCounts(url)
    for (const table of TABLES) expect(counts[table], table).toBe(await sqliteCount(source.db, table))
    // The SQLite read transaction is over: the connection is free for the next writer.
    expect(source.db.$client.inTransaction).toBe(false)
  })

  it('keeps every kind of value: times, files, ciphertexts, 0/1 booleans, NULLs, text beyond ASCII, integers beyond 2^53', async () => {
    expectCopied(await copyToPostgres(source.db, url))
    const sqlite = source.db.$client
    await withClient(url, async (client) => {
      const one = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0]

      // A time: milliseconds, to the millisecond.
      const stage = sqlite.prepare('select id, reached_at from certification_stages order by id desc limit 1').get() as {
        id: number
        reached_at: number
      }
      expect(await one('select reached_at::text as at from certification_stages where id = $1', [stage.id])).toEqual({
        at: String(stage.reached_at),
      })

      // Text beyond ASCII, and a NULL beside it.
      expect(await one('select full_name, institution from people where id = $1', [source.nonAsciiPersonId])).toEqual({
        full_name: NON_ASCII_NAME,
        institution: null,
      })

      // A file: the same bytes, sealed, and they still open under the data key.
      const attachment = (await one('select content from handoff_attachments')) as { content: Buffer }
      const stored = sqlite.prepare('select content from handoff_attachments').get() as { content: Buffer }
      expect(attachment.content.equals(stored.content)).toBe(true)
      expect(createByteBox(source.keyring.keys, HANDOFF_FILE_PURPOSE).open(attachment.content).equals(EVERY_BYTE)).toBe(true)
      expect(((await one('select content from pending_imports')) as { content: Buffer }).content.equals(EVERY_BYTE)).toBe(true)

      // The WhatsApp session's sealed values, the NIK ciphertexts, and the data key's check value travel as they are.
      const auth = await client.query('select type, id, value from whatsapp_auth order by type, id')
      expect(auth.rows).toEqual(sqlite.prepare('select type, id, value from whatsapp_auth order by type, id').all())
      expect(source.keyring.authBox.open(auth.rows[0].value)).toContain('noiseKey')
      expect(await one("select value from app_meta where key = 'data_key_check'")).toEqual({
        value: keyCheck(Buffer.from(source.key, 'hex')),
      })
      const nik = (await one('select nik_ciphertext from people where id = $1', [source.nonAsciiPersonId])) as {
        nik_ciphertext: string
      }
      expect(source.keyring.vault.decrypt(nik.nik_ciphertext)).toBe('3171011203990001')

      // Booleans stay 0/1 integers, both values.
      const flags = await client.query('select is_demo, count(*)::int as n from people group by is_demo order by is_demo')
      expect(flags.rows).toEqual(
        sqlite.prepare('select is_demo, count(*) as n from people group by is_demo order by is_demo').all(),
      )
      expect(flags.rows.map((row) => row.is_demo)).toEqual([0, 1])

      // An integer a JavaScript number cannot hold.
      expect(await one('select outbox_id::text as id from handoff_messages where outbox_id is not null')).toEqual({
        id: BIG_INTEGER,
      })

      // The counts the triggers keep are copied as they are, not counted a second time on the way in.
      const days = 'select day, province_code, channel, reminder, status, count from outbox_days order by 1, 2, 3, 4, 5'
      expect((await client.query(days)).rows).toEqual(sqlite.prepare(days).all())
      const kept = 'select id, current_stage, stages_reached from people order by id'
      expect((await client.query(kept)).rows).toEqual(sqlite.prepare(kept).all())
    })
  })

  it('moves the identity sequences past every id SQLite handed out, so new rows do not collide', async () => {
    expectCopied(await copyToPostgres(source.db, url))
    await withClient(url, async (client) => {
      const maxPerson = ((await statement(source.db, 'select max(id) as id from people').get()) as { id: number }).id
      const person = await client.query("insert into people (full_name) values ('Baru') returning id")
      expect(person.rows[0].id).toBe(maxPerson + 1)
      // The audit entry deleted in SQLite before the copy kept its id: PostgreSQL does not give it again.
      const entry = await client.query("insert into audit_log (at, actor, action) values (0, 'cli', 'x') returning id::int")
      expect(entry.rows[0].id).toBe(source.deletedAuditId + 1)
      // Another table's sequence moved too (two staff copied).
      const staff = await client.query(
        "insert into staff (name, email, role, created_at, updated_at) values ('C', 'c@x.id', 'viewer', 0, 0) returning id",
      )
      expect(staff.rows[0].id).toBe(3)
    })
  })

  it('refuses a target that holds rows, leaving it as it was; with replace it copies over it', async () => {
    expectCopied(await copyToPostgres(source.db, url))
    await psql(url, "insert into people (full_name) values ('Hanya di PostgreSQL')")
    const before = await targetCounts(url)

    const again = await copyToPostgres(source.db, url)
    expect(again).toEqual({ ok: false, error: { code: 'TARGET_NOT_EMPTY', tables: TABLES } })
    expect(await targetCounts(url)).toEqual(before)
    expect(await psql(url, "select count(*) from people where full_name = 'Hanya di PostgreSQL'")).toBe('1\n')

    const replaced = expectCopied(await copyToPostgres(source.db, url, { replace: true }))
    expect(replaced.every((row) => row.ok)).toBe(true)
    expect(await psql(url, "select count(*) from people where full_name = 'Hanya di PostgreSQL'")).toBe('0\n')
    const counts = await targetCounts(url)
    for (const table of TABLES) expect(counts[table], table).toBe(await sqliteCount(source.db, table))
  })

  it('catches a value the target changed on the way in, says which table, and leaves the target empty', async () => {
    await migratePostgres(url)
    // Someone else's trigger on the target: the copy leaves it on (only the migrations' own
    // counters are turned off), so it alters every name inserted.
    await psql(
      url,
      `create function tamper() returns trigger language plpgsql as $$ begin new.full_name := new.full_name || ' (diubah)'; return new; end $$;
       create trigger tamper before insert on people for each row execute function tamper();`,
    )
    const result = await copyToPostgres(source.db, url)
    if (result.ok || result.error.code !== 'DIFFERENT') throw new Error(`expected DIFFERENT, got ${JSON.stringify(result)}`)
    const different = result.error.tables.filter((row) => !row.ok)
    expect(different.map((row) => row.table)).toEqual(['people'])
    expect(different[0]?.rows).toBe(different[0]?.targetRows)
    expect(different[0]?.checksum).not.toBe(different[0]?.targetChecksum)
    expect(Object.values(await targetCounts(url)).reduce((sum, n) => sum + n, 0)).toBe(0)
    // The counters' triggers, turned off for the copy, are on again after the rollback.
    expect(await psql(url, "select count(*) from pg_trigger where not tgisinternal and tgenabled <> 'O'")).toBe('0\n')
  })

  it('refuses a target whose schema differs, naming the table and column', async () => {
    await migratePostgres(url)
    await psql(url, 'alter table people add column nickname text; alter table staff drop column telegram_user_id')
    const result = await copyToPostgres(source.db, url)
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'SCHEMA_MISMATCH',
        problems: expect.arrayContaining([
          { table: 'people', issue: 'columns', side: 'postgres', missing: [], unknown: ['nickname'] },
          { table: 'staff', issue: 'columns', side: 'postgres', missing: ['telegram_user_id'], unknown: [] },
        ]),
      },
    })
    expect(Object.values(await targetCounts(url)).reduce((sum, n) => sum + n, 0)).toBe(0)
  })

  it('refuses a SQLite database whose migrations are not this version’s', async () => {
    const behind = openDatabase(join(folder, 'behind.db'))
    try {
      behind.$client.exec('delete from __drizzle_migrations where rowid = (select max(rowid) from __drizzle_migrations)')
      const result = await copyToPostgres(behind, url)
      expect(result).toMatchObject({ ok: false, error: { code: 'SOURCE_NOT_MIGRATED' } })
      if (result.ok || result.error.code !== 'SOURCE_NOT_MIGRATED') return
      expect(result.error.applied).toBe(result.error.expected - 1)
      expect(behind.$client.inTransaction).toBe(false)
    } finally {
      closeDatabase(behind)
    }
  })
})

describe('the checksum', () => {
  const sum = (rows: unknown[][]) => {
    const checksum = new TableChecksum()
    for (const row of rows) checksum.add(row.map(sqliteCanonical))
    return checksum.hex()
  }

  it('does not depend on the order of the rows', () => {
    const rows = [
      [1n, 'a', null],
      [2n, 'b', Buffer.from([0, 255])],
      [3n, 'ç', 'x'],
    ]
    expect(sum(rows)).toBe(sum([...rows].reverse()))
    expect(sum([])).toBe('0'.repeat(32))
  })

  it('tells apart rows that differ in a value, its kind, where a NULL is, or where one value ends', () => {
    const base = sum([[1n, 'ab', 'c']])
    for (const other of [
      [[1n, 'ab', 'd']],
      [['1', 'ab', 'c']],
      [[1n, 'a', 'bc']],
      [[1n, 'ab', null]],
      [[1n, null, 'ab']],
      [[1n, Buffer.from('ab'), 'c']],
      [
        [1n, 'ab', 'c'],
        [1n, 'ab', 'c'],
      ],
    ]) {
      expect(
        sum(other),
        JSON.stringify(other, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).not.toBe(base)
    }
  })
})
