/**
 * The CSV import every data file of the secretariat goes through (Bimtek sessions now; status,
 * certificates and exams later): a strict header, each row checked by a zod schema whose messages
 * are the reasons staff read, every bad row reported with its line in the file, and then every row
 * written in one transaction, or none at all.
 */
import type { z } from 'zod'
import type { Db } from '../../db/client.js'
import { auditLog } from '../../db/schema.js'
import { type ImportError, readCsv } from './read-csv.js'

export type { ImportError }

export type ImportResult = { ok: true; inserted: number; updated: number } | { ok: false; errors: ImportError[] }

/** What writing one row did, or why it conflicts with what is stored (nothing is kept then). */
export type RowWrite = 'inserted' | 'updated' | { column?: string; message: string }

export type CsvImport<Row> = {
  /** The table the rows land in, as the audit log names it. */
  entity: string
  /** The header must have exactly these columns, in any order. */
  columns: readonly string[]
  /** Column name → trimmed text ('' when empty) in, a row out; issue messages are the reasons shown. */
  schema: z.ZodType<Row>
  /** A column whose value may appear only once in a file (the key rows are matched on), compared after `normalise`. */
  key?: { column: string; normalise: (value: string) => string }
  /** Writes one valid row; runs inside the import's transaction. */
  write: (db: Db, row: Row) => RowWrite
  /**
   * Runs inside the import's transaction once every row is written and none was bad, e.g. to
   * re-plan what depends on the rows; what it writes lands with them, and if it throws, nothing does.
   */
  finish?: (db: Db) => void
}

export type ImportOptions = {
  /** Who imports ("cli", "admin-api"), for the audit log. */
  actor: string
  /** When the import runs, for the audit log. */
  now: Date
  /** Called after each data row has been checked, e.g. to draw a progress bar. */
  onProgress?: (done: number, total: number) => void
}

/** Thrown inside the transaction to undo the rows already written when a later row is bad. */
class Rejected extends Error {
  override name = 'Rejected'
}

/**
 * Imports a CSV file: every row is inserted or updated, or, when any row is bad, nothing is written
 * and every bad row comes back with its line number and the reason. A failure while writing (a bug
 * or a broken disk) rolls everything back and is thrown.
 */
export function importCsv<Row>(db: Db, input: string | Uint8Array, spec: CsvImport<Row>, options: ImportOptions): ImportResult {
  const read = readCsv(input, spec.columns)
  if (!read.ok) return read
  const { records } = read
  const errors: ImportError[] = [...read.errors]
  const counts = { inserted: 0, updated: 0 }
  const firstLineOfKey = new Map<string, number>()

  // Checked on the raw text, so a row that is bad in other ways still claims its key.
  const isFirstOfKey = (line: number, values: Record<string, string>) => {
    if (!spec.key) return true
    const key = spec.key.normalise(values[spec.key.column] ?? '')
    const first = firstLineOfKey.get(key)
    if (key === '' || first === undefined) {
      if (key !== '') firstLineOfKey.set(key, line)
      return true
    }
    errors.push({
      line,
      column: spec.key.column,
      message: `"${key}" sudah dipakai di baris ${first}; setiap ${spec.key.column} hanya boleh sekali`,
    })
    return false
  }

  const checkAndWrite = (line: number, values: Record<string, string>) => {
    const unique = isFirstOfKey(line, values)
    const parsed = spec.schema.safeParse(values)
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = issue.path[0]
        errors.push({ line, ...(typeof column === 'string' && { column }), message: issue.message })
      }
    }
    if (!unique || !parsed.success) return
    const outcome = spec.write(db, parsed.data)
    if (typeof outcome === 'string') counts[outcome] += 1
    else errors.push({ line, ...outcome })
  }

  try {
    // Immediate: the checks against stored data (e.g. seats already booked) hold until the commit.
    db.transaction(
      () => {
        records.forEach(({ line, values }, index) => {
          checkAndWrite(line, values)
          options.onProgress?.(index + 1, records.length)
        })
        if (errors.length) throw new Rejected()
        spec.finish?.(db)
        db.insert(auditLog)
          .values({
            at: options.now,
            actor: options.actor,
            action: 'import',
            entity: spec.entity,
            details: JSON.stringify(counts),
          })
          .run()
      },
      { behavior: 'immediate' },
    )
  } catch (error) {
    if (!(error instanceof Rejected)) throw error
  }
  // Rows with the wrong number of values were found while reading: put them in file order.
  return errors.length ? { ok: false, errors: errors.sort((a, b) => a.line - b.line) } : { ok: true, ...counts }
}

/** One error as staff read it: `baris 7: kolom capacity: harus bilangan bulat 1–10000 (tertulis "0")`. */
export function formatImportError(error: ImportError): string {
  return `baris ${error.line}: ${error.column ? `kolom ${error.column}: ` : ''}${error.message}`
}
