/**
 * `npm run cli -- db copy-to-postgres --to postgres://… [--replace] [--from FILE]`: the SQLite
 * database (DATABASE_PATH, or another file) copied into PostgreSQL and checked table by table
 * (src/db/copy.ts). Prints one line per table with its rows, checksum and OK or BEDA.
 * Exit codes: 0 every table the same; 1 a difference (nothing kept), a refusal or a failure; 2 a usage mistake.
 */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import type { Db } from '../db/client.js'
import { type CopiedTable, type CopyResult, copyToPostgres, openSqliteSource, type SchemaProblem } from '../db/copy.js'

const USAGE =
  'Pemakaian: npm run cli -- db copy-to-postgres --to postgres://PENGGUNA@HOST:5432/NAMA_DB [--replace] [--from FILE.db]\n'

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

/** The URL as it may be shown: the password replaced, wherever it would appear. */
function redacted(url: URL): string {
  if (!url.password) return url.toString()
  const shown = new URL(url.toString())
  shown.password = '***'
  return shown.toString()
}

/** A message (a driver's error) with the password taken out, in case it quotes the URL. */
function withoutPassword(text: string, url: URL): string {
  if (!url.password) return text
  return [url.password, decodeURIComponent(url.password)].reduce((acc, secret) => acc.replaceAll(secret, '***'), text)
}

export async function copyToPostgresCommand(db: Db, args: string[], config: Config): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { to: { type: 'string' }, replace: { type: 'boolean' }, from: { type: 'string' } },
  })
  if (!values.to) {
    err(`Sebutkan database tujuannya dengan --to.\n${USAGE}`)
    return 2
  }
  let url: URL
  try {
    url = new URL(values.to)
  } catch {
    url = new URL('invalid:')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    // Not echoed: a mistyped URL may still hold a password.
    err(`--to harus alamat PostgreSQL yang diawali postgres:// atau postgresql://.\n${USAGE}`)
    return 2
  }
  if (values.from !== undefined && !existsSync(values.from)) {
    err(`${values.from}: file tidak ditemukan\n`)
    return 2
  }

  const source = values.from === undefined ? { db, close: () => {} } : openSqliteSource(values.from)
  const onTable = process.stderr.isTTY ? (table: string, rows: number) => err(`  disalin: ${table} (${rows} baris)\n`) : undefined
  out(`Menyalin SQLite ${values.from ?? config.DATABASE_PATH} ke PostgreSQL ${redacted(url)}\n`)
  let result: CopyResult
  try {
    result = await copyToPostgres(source.db, values.to, { replace: values.replace === true, onTable })
  } catch (error) {
    err(
      `Gagal: ${withoutPassword((error as Error).message, url)}\n` +
        'Tidak ada yang disalin; isi tabel PostgreSQL tetap seperti sebelumnya.\n',
    )
    return 1
  } finally {
    source.close()
  }
  if (result.ok) {
    out(reportTable(result.tables))
    const rows = result.tables.reduce((sum, table) => sum + table.rows, 0)
    out(
      `Selesai: ${result.tables.length} tabel, ${rows} baris disalin; jumlah baris dan checksum sama di SQLite dan PostgreSQL.\n`,
    )
    return 0
  }
  const { error } = result
  switch (error.code) {
    case 'DIFFERENT': {
      out(reportTable(error.tables))
      const different = error.tables.filter((table) => !table.ok).map((table) => table.table)
      err(
        `BEDA di ${different.length} tabel (${different.join(', ')}): isi PostgreSQL tidak sama dengan SQLite setelah disalin.\n` +
          'Salinan dibatalkan: tabel PostgreSQL tetap seperti sebelumnya. Periksa pemicu (trigger) atau ' +
          'perubahan lain pada database tujuan, lalu ulangi.\n',
      )
      return 1
    }
    case 'TARGET_NOT_EMPTY':
      err(
        `Ditolak: tabel PostgreSQL ini sudah berisi data: ${error.tables.join(', ')}.\n` +
          'Tidak ada yang diubah. Pakai --replace untuk mengosongkan semua tabelnya lalu menyalin ulang ' +
          '(isinya yang sekarang dihapus).\n',
      )
      return 1
    case 'SCHEMA_MISMATCH':
      err(
        'Ditolak: skema SQLite dan PostgreSQL tidak sama (apakah keduanya dari versi aplikasi ini?):\n' +
          error.problems.map((problem) => `  ${describeProblem(problem)}\n`).join('') +
          'Tidak ada yang disalin.\n',
      )
      return 1
    case 'SOURCE_NOT_MIGRATED':
      err(
        error.applied < error.expected
          ? `Ditolak: database SQLite ini baru menjalankan ${error.applied} dari ${error.expected} migrasi versi ini. ` +
              'Buka dulu dengan versi ini (mis. jalankan perintah ini tanpa --from, dengan DATABASE_PATH ke file itu), lalu ulangi.\n'
          : `Ditolak: database SQLite ini dari versi yang lebih baru (${error.applied} migrasi, versi ini ${error.expected}). ` +
              'Salin dengan versi aplikasi yang sama dengan database itu.\n',
      )
      return 1
  }
}

function describeProblem(problem: SchemaProblem): string {
  switch (problem.issue) {
    case 'missing_in_sqlite':
      return `${problem.table}: tabel tidak ada di SQLite`
    case 'missing_in_postgres':
      return `${problem.table}: tabel tidak ada di PostgreSQL`
    case 'unknown_in_sqlite':
      return `${problem.table}: tabel di SQLite tidak dikenal versi ini (isinya tidak akan ikut tersalin)`
    case 'unknown_in_postgres':
      return `${problem.table}: tabel di PostgreSQL tidak dikenal versi ini`
    case 'columns': {
      const side = problem.side === 'sqlite' ? 'SQLite' : 'PostgreSQL'
      const parts = [
        ...(problem.missing.length > 0 ? [`kolom tidak ada di ${side}: ${problem.missing.join(', ')}`] : []),
        ...(problem.unknown.length > 0 ? [`kolom di ${side} tidak dikenal versi ini: ${problem.unknown.join(', ')}`] : []),
      ]
      return `${problem.table}: ${parts.join('; ')}`
    }
    case 'column_type':
      return `${problem.table}.${problem.column}: tipe PostgreSQL ${problem.postgresType} tidak cocok dengan SQLite ${problem.sqliteType}`
  }
}

/** The first 12 hex digits: enough to tell two checksums apart by eye. */
const short = (checksum: string) => checksum.slice(0, 12)

/** `tabel  baris  checksum  hasil`; a table that differs shows SQLite's value → PostgreSQL's. */
function reportTable(tables: CopiedTable[]): string {
  const cells = tables.map((table) => [
    table.table,
    table.rows === table.targetRows ? String(table.rows) : `${table.rows} → ${table.targetRows}`,
    table.checksum === table.targetChecksum ? short(table.checksum) : `${short(table.checksum)} → ${short(table.targetChecksum)}`,
    table.ok ? 'OK' : 'BEDA',
  ])
  const header = ['tabel', 'baris', 'checksum', 'hasil']
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => (row[i] as string).length)))
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 1 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd()
  return `${[header, ...cells].map(line).join('\n')}\n`
}
