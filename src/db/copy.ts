/**
 * `npm run cli -- db copy-to-postgres`: every table of a SQLite database copied into a PostgreSQL
 * database migrated to the same schema, in one transaction there, verified before it commits.
 *
 * The source is read in one read transaction, so the copy is one consistent moment of it even if a
 * server keeps writing. The target gets the rows as they are: ids, times, ciphertexts, the data key's
 * check value in `app_meta`, and the counts the triggers keep (the triggers are off meanwhile, so
 * nothing is counted twice). Before COMMIT, each table's row count and checksum (copy-checksum.ts)
 * are computed on both sides from what each side holds; any difference rolls everything back.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { is } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import type pg from 'pg'
import { MIGRATIONS_FOLDER, PG_MIGRATIONS_FOLDER } from '../project-files.js'
import { connectionOf, type Db } from './client.js'
import { type CanonicalValue, sqliteCanonical, TableChecksum, type ValueKind } from './copy-checksum.js'
import { migratePostgres } from './pg/migrate.js'
import * as schema from './schema.js'

/** One table of the report: what SQLite holds and what PostgreSQL holds after the copy. */
export type CopiedTable = {
  table: string
  rows: number
  targetRows: number
  /** 32 hex digits (copy-checksum.ts). */
  checksum: string
  targetChecksum: string
  ok: boolean
}

export type SchemaProblem =
  | { table: string; issue: 'missing_in_sqlite' | 'missing_in_postgres' | 'unknown_in_sqlite' | 'unknown_in_postgres' }
  /** Columns of the schema the database lacks (`missing`), and columns it has that the schema does not (`unknown`). */
  | { table: string; issue: 'columns'; side: 'sqlite' | 'postgres'; missing: string[]; unknown: string[] }
  | { table: string; issue: 'column_type'; column: string; sqliteType: string; postgresType: string }

export type CopyResult =
  | { ok: true; tables: CopiedTable[] }
  | { ok: false; error: { code: 'DIFFERENT'; tables: CopiedTable[] } }
  | { ok: false; error: { code: 'TARGET_NOT_EMPTY'; tables: string[] } }
  | { ok: false; error: { code: 'SCHEMA_MISMATCH'; problems: SchemaProblem[] } }
  | { ok: false; error: { code: 'SOURCE_NOT_MIGRATED'; applied: number; expected: number } }

export type CopyOptions = {
  /** Empty the target's tables first (in the same transaction) instead of refusing when they hold rows. */
  replace?: boolean
  /** Called after each table is copied, for a progress line. */
  onTable?: (table: string, rows: number) => void
}

type Column = { name: string; sqliteType: string }
type Table = { name: string; columns: Column[]; hasBlob: boolean }

/** SQLite's declared types and the PostgreSQL types the mirror schema gives them (src/db/pg/schema.ts). */
const POSTGRES_TYPES: Record<string, string[]> = { integer: ['integer', 'bigint'], text: ['text'], blob: ['bytea'] }
const KIND_OF_POSTGRES_TYPE: Record<string, ValueKind> = { integer: 'i', bigint: 'i', text: 't', bytea: 'b' }

/** Rows per INSERT, and a ceiling on one INSERT's JSON, for tables of files (blobs). */
const CHUNK_ROWS = 5_000
const CHUNK_BYTES = 16 * 1024 * 1024
/** Rows per FETCH when checking the target: fewer where a row may hold a file. */
const FETCH_ROWS = 5_000
const FETCH_ROWS_WITH_BLOBS = 100

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

/**
 * The tables of src/db/schema.ts, each after the tables its foreign keys point to, so that every
 * row's parent is already there when it is inserted (PostgreSQL checks each statement's foreign
 * keys at its end), and otherwise by name. The graph has no cycle; a table pointing to itself would
 * be fine too, as rows go in id order.
 */
export function tablesInCopyOrder(): Table[] {
  // By name first: a module namespace's order depends on the loader (tsx and vitest differ), and
  // the report should not.
  const configs = (Object.values(schema) as unknown[])
    .filter((value): value is SQLiteTable => is(value, SQLiteTable))
    .map((table) => getTableConfig(table))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const byName = new Map(configs.map((config) => [config.name, config]))
  const ordered: Table[] = []
  const placed = new Set<string>()
  const visiting = new Set<string>()
  const visit = (name: string) => {
    if (placed.has(name)) return
    if (visiting.has(name)) throw new Error(`the foreign keys of ${name} form a cycle`)
    visiting.add(name)
    const config = byName.get(name)
    if (!config) throw new Error(`a foreign key points to ${name}, which is not in the schema`)
    for (const key of config.foreignKeys) {
      const parent = getTableConfig(key.reference().foreignTable).name
      if (parent !== name) visit(parent)
    }
    visiting.delete(name)
    placed.add(name)
    const columns = config.columns.map((column) => ({ name: column.name, sqliteType: column.getSQLType() }))
    ordered.push({ name, columns, hasBlob: columns.some((column) => column.sqliteType === 'blob') })
  }
  for (const config of configs) visit(config.name)
  return ordered
}

/**
 * Opens another SQLite file to copy from, read-only and as it is: no migrations, no pragmas that
 * write. `copyToPostgres` refuses it if its migrations are behind this version's.
 */
export function openSqliteSource(path: string): { db: Db; close(): void } {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true })
  sqlite.pragma('busy_timeout = 5000')
  return { db: drizzle(sqlite, { schema }) as unknown as Db, close: () => sqlite.close() }
}

/**
 * Copies every table of `source` into the PostgreSQL database at `targetUrl`, migrating it first.
 * Refuses, copying no row, when the source's migrations are not this version's (before the target
 * is touched), when the two schemas differ, or when a target table holds rows and `replace` is not
 * set. Any difference found by the verification rolls the target's rows back; an error (connection
 * lost, a value PostgreSQL refuses) rolls them back and is thrown.
 */
export async function copyToPostgres(source: Db, targetUrl: string, options: CopyOptions = {}): Promise<CopyResult> {
  const sqlite = connectionOf(source)
  if (sqlite.inTransaction) throw new Error('copyToPostgres needs a SQLite connection outside any transaction')
  // The read transaction's snapshot starts at its first read and holds until COMMIT: every table
  // is read as of that one moment.
  sqlite.exec('BEGIN DEFERRED')
  try {
    const applied = appliedMigrations(sqlite)
    const expected = journalEntries()
    if (applied !== expected) return { ok: false, error: { code: 'SOURCE_NOT_MIGRATED', applied, expected } }
    await migratePostgres(targetUrl)
    const { default: pgModule } = await import('pg')
    const client = new pgModule.Client({ connectionString: targetUrl, application_name: 'kesos-assistant copy' })
    // A connection lost between two queries is reported as an event: without a listener it would end
    // the process; the next query fails with it instead, and the transaction is gone with the session.
    client.on('error', () => {})
    await client.connect()
    try {
      return await copyInTransaction(sqlite, client, options)
    } finally {
      await client.end()
    }
  } finally {
    // Only reads happened: COMMIT just ends the snapshot (and must not hide an error thrown above).
    if (sqlite.inTransaction) sqlite.exec('COMMIT')
  }
}

async function copyInTransaction(sqlite: Database.Database, client: pg.Client, options: CopyOptions): Promise<CopyResult> {
  const tables = tablesInCopyOrder()
  await client.query('BEGIN')
  try {
    const result = await copyTables(sqlite, client, tables, options)
    await client.query(result.ok ? 'COMMIT' : 'ROLLBACK')
    return result
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  }
}

async function copyTables(
  sqlite: Database.Database,
  client: pg.Client,
  tables: Table[],
  options: CopyOptions,
): Promise<CopyResult> {
  // A copy may run long: no statement limit of the role's; but a lock held elsewhere (a server on
  // this database) makes it fail within seconds instead of waiting behind it.
  await client.query("SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = '10s'")
  const target = await targetColumns(client)
  const problems = schemaProblems(tables, sourceColumns(sqlite), target)
  if (problems.length > 0) return { ok: false, error: { code: 'SCHEMA_MISMATCH', problems } }

  const names = tables.map((table) => quote(table.name)).join(', ')
  // No one else writes these tables until COMMIT, so "empty" stays true while the rows go in.
  await client.query(`LOCK TABLE ${names} IN EXCLUSIVE MODE`)
  if (options.replace) {
    await client.query(`TRUNCATE ${names} RESTART IDENTITY CASCADE`)
  } else {
    const filled = await nonEmptyTables(client, tables)
    if (filled.length > 0) return { ok: false, error: { code: 'TARGET_NOT_EMPTY', tables: filled } }
  }

  const triggers = await migrationTriggersOn(client)
  for (const { table, name } of triggers) await client.query(`ALTER TABLE ${quote(table)} DISABLE TRIGGER ${quote(name)}`)
  const sourceSums = new Map<string, { rows: number; checksum: string }>()
  for (const table of tables) {
    const sum = await copyTable(sqlite, client, table)
    sourceSums.set(table.name, sum)
    options.onTable?.(table.name, sum.rows)
  }
  for (const { table, name } of triggers) await client.query(`ALTER TABLE ${quote(table)} ENABLE TRIGGER ${quote(name)}`)
  await moveIdentities(sqlite, client, target)

  const report: CopiedTable[] = []
  for (const table of tables) {
    const mine = sourceSums.get(table.name) as { rows: number; checksum: string }
    const theirs = await targetChecksum(client, table, target.get(table.name) as Map<string, TargetColumn>)
    report.push({
      table: table.name,
      rows: mine.rows,
      targetRows: theirs.rows,
      checksum: mine.checksum,
      targetChecksum: theirs.checksum,
      // count(*) and the rows the cursor gave must agree too, or the checksum did not see every row.
      ok: mine.rows === theirs.rows && theirs.read === theirs.rows && mine.checksum === theirs.checksum,
    })
  }
  return report.every((row) => row.ok)
    ? { ok: true, tables: report }
    : { ok: false, error: { code: 'DIFFERENT', tables: report } }
}

/** How many of this version's SQLite migrations the source has applied (drizzle's own table). */
function appliedMigrations(sqlite: Database.Database): number {
  const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get()
  if (!table) return 0
  return (sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n
}

function journalEntries(): number {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
  return journal.entries.length
}

/** The source's tables and their columns, as the file has them (not as the schema says). */
function sourceColumns(sqlite: Database.Database): Map<string, Set<string>> {
  const names = sqlite
    .prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' and name <> '__drizzle_migrations'",
    )
    .pluck()
    .all() as string[]
  return new Map(
    names.map((name) => [
      name,
      new Set((sqlite.prepare(`select name from pragma_table_info(?)`).pluck().all(name) as string[]).map(String)),
    ]),
  )
}

type TargetColumn = { type: string; identity: boolean }

/** The target's tables in its current schema, their columns with their types and which are identity columns. */
async function targetColumns(client: pg.Client): Promise<Map<string, Map<string, TargetColumn>>> {
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; is_identity: string }>(
    `select c.table_name, c.column_name, c.data_type, c.is_identity
       from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`,
  )
  const tables = new Map<string, Map<string, TargetColumn>>()
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? new Map<string, TargetColumn>()
    tables.set(row.table_name, columns)
    columns.set(row.column_name, { type: row.data_type, identity: row.is_identity === 'YES' })
  }
  return tables
}

/**
 * What keeps this copy from being exact: a table or column one side lacks, or a type the other
 * cannot hold. Compared against the schema and both databases as they are, so an unknown table in
 * SQLite (whose rows would be left behind) or a target of another version are refused alike.
 */
function schemaProblems(
  tables: Table[],
  sqlite: Map<string, Set<string>>,
  target: Map<string, Map<string, TargetColumn>>,
): SchemaProblem[] {
  const problems: SchemaProblem[] = []
  const known = new Set(tables.map((table) => table.name))
  for (const name of sqlite.keys()) if (!known.has(name)) problems.push({ table: name, issue: 'unknown_in_sqlite' })
  for (const name of target.keys()) if (!known.has(name)) problems.push({ table: name, issue: 'unknown_in_postgres' })
  for (const table of tables) {
    const inSqlite = sqlite.get(table.name)
    const inTarget = target.get(table.name)
    if (!inSqlite) problems.push({ table: table.name, issue: 'missing_in_sqlite' })
    if (!inTarget) problems.push({ table: table.name, issue: 'missing_in_postgres' })
    if (!inSqlite || !inTarget) continue
    const names = table.columns.map((column) => column.name)
    for (const [side, have] of [
      ['sqlite', inSqlite],
      ['postgres', new Set(inTarget.keys())],
    ] as const) {
      const missing = names.filter((name) => !have.has(name))
      const unknown = [...have].filter((name) => !names.includes(name))
      if (missing.length + unknown.length > 0) problems.push({ table: table.name, issue: 'columns', side, missing, unknown })
    }
    for (const column of table.columns) {
      const type = inTarget.get(column.name)?.type
      if (type !== undefined && !POSTGRES_TYPES[column.sqliteType]?.includes(type)) {
        problems.push({
          table: table.name,
          issue: 'column_type',
          column: column.name,
          sqliteType: column.sqliteType,
          postgresType: type,
        })
      }
    }
  }
  return problems
}

async function nonEmptyTables(client: pg.Client, tables: Table[]): Promise<string[]> {
  const probes = tables.map(
    (table) => `select ${pgLiteral(table.name)} as name where exists (select 1 from ${quote(table.name)})`,
  )
  const { rows } = await client.query<{ name: string }>(probes.join(' union all '))
  return rows.map((row) => row.name)
}

const pgLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`

/**
 * The triggers the PostgreSQL migrations make (the counters on outbox, people and
 * certification_stages) that the target has. Only these are turned off during the copy: their
 * counts are copied as they are. A trigger someone else added stays on, and if it changes what is
 * copied, the verification says so.
 */
async function migrationTriggersOn(client: pg.Client): Promise<{ table: string; name: string }[]> {
  const made = new Set<string>()
  for (const file of readdirSync(PG_MIGRATIONS_FOLDER).filter((name) => name.endsWith('.sql'))) {
    const text = readFileSync(join(PG_MIGRATIONS_FOLDER, file), 'utf8')
    for (const match of text.matchAll(/CREATE\s+(?:OR\s+REPLACE\s+)?TRIGGER\s+"?(\w+)"?/gi)) made.add(match[1] as string)
  }
  const { rows } = await client.query<{ table: string; name: string }>(
    `select c.relname as table, t.tgname as name
       from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where not t.tgisinternal and c.relnamespace = current_schema()::regnamespace`,
  )
  return rows.filter((row) => made.has(row.name))
}

/** A value as json_populate_recordset reads it into its column: integers as decimal text (exact past 2^53), blobs as `\x…`. */
function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`
  return value
}

/**
 * Copies one table in chunks of rows read in rowid order (the id for tables with one), each sent as
 * one JSON parameter, and sums the source's checksum over the same rows on the way.
 */
async function copyTable(
  sqlite: Database.Database,
  client: pg.Client,
  table: Table,
): Promise<{ rows: number; checksum: string }> {
  const columns = table.columns.map((column) => quote(column.name)).join(', ')
  const select = `select _rowid_, ${columns} from ${quote(table.name)}`
  // Safe integers: every INTEGER as a bigint, so ids and times beyond 2^53 are neither rounded nor refused.
  const first = sqlite.prepare(`${select} order by _rowid_`).safeIntegers(true).raw(true)
  const next = sqlite.prepare(`${select} where _rowid_ > ? order by _rowid_`).safeIntegers(true).raw(true)
  const insert = `insert into ${quote(table.name)} (${columns}) select ${columns} from json_populate_recordset(null::${quote(table.name)}, $1::json)`
  const sum = new TableChecksum()
  let after: bigint | undefined
  for (;;) {
    // A chunk is read to the end (or abandoned, which resets the statement) before the await: the
    // connection is never left busy with an open cursor across one.
    const chunk: Record<string, unknown>[] = []
    let bytes = 0
    for (const raw of (after === undefined ? first.iterate() : next.iterate(after)) as Iterable<unknown[]>) {
      after = raw[0] as bigint
      const values = raw.slice(1)
      sum.add(values.map(sqliteCanonical))
      const row: Record<string, unknown> = {}
      table.columns.forEach((column, i) => {
        const value = values[i]
        row[column.name] = jsonValue(value)
        bytes += typeof value === 'string' ? value.length : Buffer.isBuffer(value) ? 2 * value.length : 8
      })
      chunk.push(row)
      if (chunk.length >= CHUNK_ROWS || bytes >= CHUNK_BYTES) break
    }
    if (chunk.length === 0) break
    try {
      await client.query(insert, [JSON.stringify(chunk)])
    } catch (error) {
      throw new Error(`${table.name}: ${(error as Error).message}`, { cause: error })
    }
  }
  const counted =
    (sqlite
      .prepare(`select count(*) from ${quote(table.name)}`)
      .pluck()
      .get() as number) ?? 0
  if (counted !== sum.rows) throw new Error(`${table.name}: counted ${counted} rows but read ${sum.rows}`)
  return { rows: sum.rows, checksum: sum.hex() }
}

/**
 * Sets every identity column's sequence past the ids copied, so the next row PostgreSQL numbers
 * itself does not collide. SQLite's AUTOINCREMENT never hands out an id again, even one whose row
 * was deleted (`sqlite_sequence` keeps the highest ever given): the sequence goes past that too.
 */
async function moveIdentities(sqlite: Database.Database, client: pg.Client, target: Map<string, Map<string, TargetColumn>>) {
  const hasSequences = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'sqlite_sequence'").get()
  const given = new Map(
    hasSequences
      ? (sqlite.prepare('select name, seq from sqlite_sequence').safeIntegers(true).all() as { name: string; seq: bigint }[]).map(
          (row) => [row.name, row.seq],
        )
      : [],
  )
  for (const [table, columns] of target) {
    for (const [column, { identity }] of columns) {
      if (!identity) continue
      const { rows } = await client.query<{ max: string | null }>(
        `select max(${quote(column)})::text as max from ${quote(table)}`,
      )
      const copied = rows[0]?.max == null ? 0n : BigInt(rows[0].max)
      const highest = [copied, given.get(table) ?? 0n].reduce((a, b) => (a > b ? a : b))
      // setval(…, n, true): the next id is n + 1; setval(…, 1, false): the next id is 1.
      await client.query('select setval(pg_get_serial_sequence($1, $2), $3, $4)', [
        quote(table),
        column,
        (highest > 0n ? highest : 1n).toString(),
        highest > 0n,
      ])
    }
  }
}

/** The target's row count and checksum of one table, read through a cursor in batches. */
async function targetChecksum(
  client: pg.Client,
  table: Table,
  columns: Map<string, TargetColumn>,
): Promise<{ rows: number; read: number; checksum: string }> {
  const kinds = table.columns.map((column) => {
    const kind = KIND_OF_POSTGRES_TYPE[columns.get(column.name)?.type ?? '']
    if (!kind) throw new Error(`${table.name}.${column.name}: no canonical form for its PostgreSQL type`)
    return kind
  })
  const select = table.columns
    .map((column, i) => {
      const name = quote(column.name)
      return kinds[i] === 'b' ? `encode(${name}, 'hex')` : kinds[i] === 'i' ? `${name}::text` : name
    })
    .join(', ')
  const { rows: counted } = await client.query<{ n: string }>(`select count(*)::text as n from ${quote(table.name)}`)
  const sum = new TableChecksum()
  await client.query(`declare copy_check no scroll cursor for select ${select} from ${quote(table.name)}`)
  const fetch = `fetch forward ${table.hasBlob ? FETCH_ROWS_WITH_BLOBS : FETCH_ROWS} from copy_check`
  for (;;) {
    const { rows } = await client.query<(string | null)[]>({ text: fetch, rowMode: 'array' })
    for (const row of rows) {
      sum.add(row.map((value, i): CanonicalValue => (value === null ? null : [kinds[i] as ValueKind, value])))
    }
    if (rows.length === 0) break
  }
  await client.query('close copy_check')
  const rows = Number(counted[0]?.n)
  return { rows, read: sum.rows, checksum: sum.hex() }
}
