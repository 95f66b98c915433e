/**
 * Reads a CSV file as the secretariat's spreadsheets save it (UTF-8 with or without BOM, CRLF or
 * LF, comma or semicolon, blank lines at the end) into records that know their line in the file,
 * and checks the header against the columns an import expects.
 */
import { CsvError, parse } from 'csv-parse/sync'

export type ImportError = { line: number; column?: string; message: string }

/** A data row: its physical line in the file (header = 1) and column name → trimmed text. */
export type CsvRecord = { line: number; values: Record<string, string> }

/**
 * Either the file cannot be used at all (encoding, quoting, header), or its records plus the rows
 * that are not records (a wrong number of values), so every other row can still be checked.
 */
export type ReadCsv = { ok: true; records: CsvRecord[]; errors: ImportError[] } | { ok: false; errors: ImportError[] }

/** Reads `input` and checks that its header has exactly `columns` (in any order). */
export function readCsv(input: string | Uint8Array, columns: readonly string[]): ReadCsv {
  const decoded = decode(input)
  if (!decoded.ok) return decoded
  // csv-parse counts a CRLF inside a quoted field as two lines; with LF only its line numbers are exact.
  const text = decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  let lastRecordEnd = 0
  let rows: { info: { lines: number }; record: string[] }[]
  try {
    // With `info`, csv-parse returns { record, info } objects; its typings only know plain records.
    rows = parse(text, {
      delimiter: delimiterOf(text),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // Spreadsheets save rows they once touched as ",,,,": those are blank lines too.
      skip_records_with_empty_values: true,
      on_record: (record, context) => {
        lastRecordEnd = context.lines
        return record
      },
    }) as unknown as typeof rows
  } catch (error) {
    if (!(error instanceof CsvError)) throw error
    return { ok: false, errors: [syntaxError(error, text, lastRecordEnd)] }
  }
  // A record ends on the line csv-parse reports; line breaks inside quoted fields put its start earlier.
  const lined = rows.map(({ info, record }) => ({
    line: info.lines - record.reduce((breaks, value) => breaks + (value.match(/\n/g)?.length ?? 0), 0),
    fields: record,
  }))
  const [header, ...data] = lined
  if (!header)
    return {
      ok: false,
      errors: [{ line: 1, message: `file kosong: baris pertama harus berisi nama kolom (${columns.join(',')})` }],
    }

  const names = header.fields.map((name) => name.trim().toLowerCase())
  const headerErrors = checkHeader(names, columns).map((message) => ({ line: header.line, message }))
  if (headerErrors.length) return { ok: false, errors: headerErrors }
  if (data.length === 0)
    return { ok: false, errors: [{ line: header.line + 1, message: 'file tidak berisi baris data (hanya header)' }] }

  const errors: ImportError[] = []
  const records: CsvRecord[] = []
  for (const { line, fields } of data) {
    if (fields.length !== names.length) {
      errors.push({
        line,
        message: `berisi ${fields.length} nilai, padahal header ${names.length} kolom (periksa koma dan tanda kutip)`,
      })
      continue
    }
    records.push({ line, values: Object.fromEntries(names.map((name, i) => [name, fields[i]?.trim() ?? ''])) })
  }
  return { ok: true, records, errors }
}

function decode(input: string | Uint8Array): { ok: true; text: string } | { ok: false; errors: ImportError[] } {
  if (typeof input === 'string') return { ok: true, text: input }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(input) }
  } catch {
    const text = new TextDecoder('utf-8').decode(input)
    const line = text.slice(0, text.indexOf('\uFFFD')).split('\n').length
    return {
      ok: false,
      errors: [{ line, message: 'file bukan teks UTF-8; di Excel pilih Simpan Sebagai → "CSV UTF-8 (Comma delimited)"' }],
    }
  }
}

/** Excel in an Indonesian locale saves "CSV" with semicolons: a header without commas tells us so. */
function delimiterOf(text: string): string {
  const header = text.split('\n').find((line) => line.trim() !== '') ?? ''
  return header.includes(';') && !header.includes(',') ? ';' : ','
}

function checkHeader(names: string[], columns: readonly string[]): string[] {
  const problems: string[] = []
  const duplicated = names.filter((name, i) => names.indexOf(name) !== i)
  const unknown = names.filter((name) => !columns.includes(name))
  const missing = columns.filter((column) => !names.includes(column))
  if (duplicated.length) problems.push(`kolom muncul lebih dari sekali: ${[...new Set(duplicated)].join(', ')}`)
  if (unknown.length) problems.push(`kolom tidak dikenal: ${unknown.map((name) => name || '(kosong)').join(', ')}`)
  if (missing.length) problems.push(`kolom tidak ada: ${missing.join(', ')}`)
  if (problems.length) problems.push(`header harus berisi tepat kolom berikut (urutan bebas): ${columns.join(',')}`)
  return problems
}

/** csv-parse's error in words staff can act on, on the line where the broken row starts. */
function syntaxError(error: CsvError, text: string, lastRecordEnd: number): ImportError {
  const at = typeof error.lines === 'number' ? error.lines : lastRecordEnd + 1
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED': {
      // Reported at the end of the file; the row that opened the quote starts after the last good record.
      const lines = text.split('\n')
      let line = lastRecordEnd + 1
      while (line < lines.length && lines[line - 1]?.trim() === '') line++
      return { line, message: 'tanda kutip (") dibuka tetapi tidak ditutup sampai akhir file' }
    }
    case 'INVALID_OPENING_QUOTE':
      return {
        line: at,
        message:
          'tanda kutip (") di tengah nilai; apit seluruh nilai dengan tanda kutip dan tulis kutip di dalamnya dua kali ("")',
      }
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return { line: at, message: 'sesudah tanda kutip penutup harus ada pemisah kolom atau akhir baris' }
    case 'CSV_MAX_RECORD_SIZE':
      return { line: at, message: 'baris terlalu panjang (mungkin tanda kutip tidak ditutup)' }
    default:
      return { line: at, message: `format CSV tidak terbaca (${error.code})` }
  }
}
