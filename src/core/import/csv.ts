/**
 * The pipeline every data file of the secretariat goes through (Bimtek sessions, exams,
 * certification status, certificates): the file is read row by row (`readCsv`), each row checked
 * by the import's cells as it comes, then checked against what is stored and written in one
 * write-locked transaction. Every bad row comes back with its line, column and reason; when there
 * is one, nothing at all is written.
 */
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { transaction } from '../../db/store.js'
import type { Parse } from './cells.js'
import { type ImportError, readCsv } from './read-csv.js'

export type { ImportError }

/** What an import returns: its counts, or every bad row (and then nothing was written). */
export type ImportResult<Counts> = ({ ok: true } & Counts) | { ok: false; errors: ImportError[] }

/** Rows checked (phase "check", by line of the file), then rows written (phase "write"). */
export type ImportProgress = (done: number, total: number, phase: 'check' | 'write') => void

/** One data row while it is checked; every reason given lands in the import's errors with the row's line. */
export type CsvRow<Column extends string> = {
  /** The row's physical line in the file (header = 1). */
  readonly line: number
  /** Whether a reason was given for this row. */
  readonly bad: boolean
  /** The trimmed text of a cell ('' when empty). */
  text(column: Column): string
  /** The cell's value, or undefined once its reason is given. */
  get<T>(column: Column, parse: Parse<T>): T | undefined
  /** Gives a reason against a cell of this row; undefined, to stand for the refused value. */
  reject(column: Column, reason: string): undefined
  /**
   * Every cell of `parsers`, in its order, reasons given for the bad ones: the values, or undefined
   * when any is bad (so what compares cells runs only on good ones).
   */
  cells<P extends Partial<Record<Column, Parse<unknown>>>>(parsers: P): { [K in keyof P]: Parsed<P[K]> } | undefined
}

type Parsed<P> = P extends Parse<infer T> ? T : never

/** The write phase's view of the import. */
export type WriteContext = {
  /** The import's write transaction: every read and write of `write` goes through it. */
  db: Db
  /** The data rows read (with the right number of values). */
  rows: number
  /** Refuses a row for a conflict with what is stored (seats taken, another birth date on record…). */
  reject(line: number, column: string, reason: string): void
  /** Whether any row was refused: nothing will be kept, so what is left to do is checking. */
  rejected(): boolean
  /** Data rows written so far, for the progress bar. */
  progress(done: number): void
}

export type CsvImport<Column extends string, Counts extends object> = {
  /** The table the rows land in, as the audit log names it. */
  entity: string
  /** The header must have exactly these columns, in any order. */
  columns: readonly Column[]
  /** Checks one data row on its own and against the rows before it, keeping what `write` needs. */
  check(row: CsvRow<Column>): void
  /**
   * Runs once every row was read, inside one immediate transaction (what it checks against stored
   * data holds until the commit), even when rows were refused: their conflicts with stored data are
   * reported too. What it writes is kept only when no row at all was refused; if it throws, nothing is.
   */
  write(context: WriteContext): Counts | Promise<Counts>
  /** What the audit log records of the counts (all of them unless told). */
  audit?: (counts: Counts) => object
}

/**
 * The BBPPKS region a regional staff member imports for (the console): only rows of that region
 * are taken, every other one is refused with its reason. Absent: every region.
 */
export type ImportRegion = { id: number; code: string; provinces: readonly string[] }

/** Why a row of another region is refused, as staff read it. */
export const outsideRegion = (region: ImportRegion, what: string): string =>
  `${what} di luar wilayah ${region.code}; akun wilayah hanya dapat mengimpor data wilayahnya sendiri (minta admin pusat)`

export type ImportOptions = {
  /** Who imports ("cli", "admin-api", "staff:<id>"), for the audit log. */
  actor: string
  /** More for the import's audit entry (the file's name, the staff member's region). */
  auditDetails?: Record<string, string> | undefined
  /** When the import happens, for the audit log. */
  now: Date
  onProgress?: ImportProgress | undefined
  /**
   * A preview: the file is checked against stored data and written inside the transaction as for
   * real, then everything is rolled back (the audit entry and any message queued too). The result
   * tells what the import would do; nothing is kept.
   */
  dryRun?: boolean | undefined
}

/** Thrown inside the transaction to undo what was written once a row was refused, or after a preview. */
class Rejected extends Error {
  override name = 'Rejected'
}

/**
 * Imports a CSV file: every row is written, or, when any row is bad, nothing at all and every bad
 * row comes back with its line and reason (in file order). A failure while writing (a bug, a full
 * disk) rolls everything back and is thrown.
 */
export async function importCsv<Column extends string, Counts extends object>(
  db: Db,
  input: string | Uint8Array,
  spec: CsvImport<Column, Counts>,
  options: ImportOptions,
): Promise<ImportResult<Counts>> {
  const { onProgress } = options
  const errors: ImportError[] = []
  const row = new Row(spec.columns, errors)
  // One transaction around the reading: what a check keeps in a temporary table goes in one go. It
  // takes no write lock, so a running server is not held up while a large file is read.
  const read = await transaction(
    db,
    () =>
      readCsv(
        input,
        spec.columns,
        (line, values) => {
          row.next(line, values)
          spec.check(row)
        },
        onProgress && ((line, lines) => onProgress(line, lines, 'check')),
      ),
    { readOnly: true },
  )
  if (!read.ok) return read
  // One by one: a file can have a million rows with a wrong number of values.
  for (const error of read.errors) errors.push(error)

  const total = read.rows
  const progress = throttled(total, (done) => onProgress?.(done, total, 'write'))
  let counts: Counts | undefined
  try {
    await transaction(db, async (tx) => {
      // 0 as soon as the write lock is held, `total` once it is about to be released.
      onProgress?.(0, total, 'write')
      counts = await spec.write({
        db: tx,
        rows: total,
        reject: (line, column, message) => errors.push({ line, column, message }),
        rejected: () => errors.length > 0,
        progress,
      })
      if (errors.length > 0) throw new Rejected()
      await writeAudit(tx, {
        at: options.now,
        actor: options.actor,
        action: 'import',
        entity: spec.entity,
        details: { ...(spec.audit ? spec.audit(counts) : counts), ...options.auditDetails },
      })
      progress(total)
      if (options.dryRun) throw new Rejected()
    })
  } catch (error) {
    if (!(error instanceof Rejected)) throw error
  }
  if (errors.length > 0 || !counts) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) }
  return { ok: true, ...counts }
}

/** One error as staff read it: `baris 7: kolom capacity: harus bilangan bulat 1–10000 (tertulis "0")`. */
export function formatImportError(error: ImportError): string {
  return `baris ${error.line}: ${error.column ? `kolom ${error.column}: ` : ''}${error.message}`
}

/**
 * Refuses a row whose `column` repeats an earlier row's, compared after `normalise` and on the text
 * as written, so a row bad in other ways still claims its key. An empty cell is left to its parser.
 */
export function uniqueColumn<Column extends string>(column: Column, normalise: (text: string) => string) {
  const firstLines = new Map<string, number>()
  return (row: CsvRow<Column>): void => {
    const key = normalise(row.text(column))
    if (key === '') return
    const first = firstLines.get(key)
    if (first === undefined) firstLines.set(key, row.line)
    else row.reject(column, `"${key}" sudah dipakai di baris ${first}; setiap ${column} hanya boleh sekali`)
  }
}

/**
 * One row that comes from a form, not a file (the console's): the same checks as an import's rows,
 * and the first reason given against each field, to show beside it.
 */
export function formRow<Column extends string>(
  columns: readonly Column[],
  values: Partial<Record<Column, string>>,
): { row: CsvRow<Column>; errors: () => Partial<Record<Column, string>> } {
  const errors: ImportError[] = []
  const row = new Row(columns, errors)
  row.next(
    1,
    columns.map((column) => (values[column] ?? '').trim()),
  )
  return {
    row,
    errors: () => {
      const byColumn: Partial<Record<Column, string>> = {}
      for (const error of errors) byColumn[error.column as Column] ??= error.message
      return byColumn
    },
  }
}

/** One row object for a whole file, moved from row to row: no allocation per row of a million. */
class Row<Column extends string> implements CsvRow<Column> {
  line = 0
  bad = false
  private values: string[] = []
  /** Column → its place in `values` (the order of the import's columns). */
  private readonly index: Map<string, number>

  constructor(
    columns: readonly Column[],
    private readonly errors: ImportError[],
  ) {
    this.index = new Map(columns.map((column, i) => [column, i]))
  }

  next(line: number, values: string[]): void {
    this.line = line
    this.values = values
    this.bad = false
  }

  text(column: Column): string {
    return this.values[this.index.get(column) ?? -1] ?? ''
  }

  get<T>(column: Column, parse: Parse<T>): T | undefined {
    const cell = parse(this.text(column))
    return 'value' in cell ? cell.value : this.reject(column, cell.reason)
  }

  reject(column: Column, message: string): undefined {
    this.errors.push({ line: this.line, column, message })
    this.bad = true
    return undefined
  }

  cells<P extends Partial<Record<Column, Parse<unknown>>>>(parsers: P): { [K in keyof P]: Parsed<P[K]> } | undefined {
    const parsed: Record<string, unknown> = {}
    let good = true
    for (const column of Object.keys(parsers) as Column[]) {
      const cell = (parsers[column] as Parse<unknown>)(this.text(column))
      if ('value' in cell) parsed[column] = cell.value
      else {
        this.reject(column, cell.reason)
        good = false
      }
    }
    return good ? (parsed as { [K in keyof P]: Parsed<P[K]> }) : undefined
  }
}

/** Calls `report` about 200 times over `total` rows, not once per row, and never twice for one count. */
function throttled(total: number, report: (done: number) => void) {
  const step = Math.max(1, Math.floor(total / 200))
  let last = 0
  return (done: number) => {
    if (done === last || (done - last < step && done !== total)) return
    last = done
    report(done)
  }
}
