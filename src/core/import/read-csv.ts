/**
 * The one reader of the secretariat's CSV files, for every import: files as spreadsheets save them
 * (UTF-8 with or without BOM, CRLF or LF, comma or semicolon, blank lines and rows of empty values),
 * a header checked against the columns an import expects (any order, any case), and each data row
 * handed over with its physical line in the file as soon as it is read, so a national export of a
 * million rows is never held as records.
 */
import { CsvError, parse } from 'csv-parse/sync'

/** Why a row, or the whole file (its encoding, quoting or header), cannot be imported, as staff read it. */
export type ImportError = { line: number; column?: string; message: string }

/**
 * Either the file cannot be used at all (encoding, quoting, header: whatever was handed over is to be
 * discarded), or how many data rows were handed over plus the rows with a wrong number of values.
 */
export type ReadCsv = { ok: true; rows: number; errors: ImportError[] } | { ok: false; errors: ImportError[] }

/**
 * Reads `input`, checks that its header has exactly `columns`, and hands each data row to `onRow`
 * with its line (header = 1) and its trimmed values in the order of `columns`. A line without a
 * quote is split at the delimiter directly; a quoted record is read by a small parser, and anything
 * irregular in it by csv-parse, whose complaint becomes a reason staff can act on. A syntax error
 * found after rows were handed over still makes the whole file unusable (`ok: false`).
 * `onProgress` gets the physical line reached and the file's line count, about 200 times.
 */
export function readCsv(
  input: string | Uint8Array,
  columns: readonly string[],
  onRow: (line: number, values: string[]) => void,
  onProgress?: (line: number, lines: number) => void,
): ReadCsv {
  const decoded = decode(input)
  if (!decoded.ok) return decoded
  const text = decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const length = text.length
  const delimiter = delimiterOf(text)
  let lines = 0
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++
  if (length > 0 && !text.endsWith('\n')) lines++
  const step = Math.max(1, Math.floor(lines / 200))
  let reported = 0

  const errors: ImportError[] = []
  let order: number[] | undefined
  let width = 0
  let headerLine = 0
  let headerErrors: ImportError[] | undefined
  let rows = 0

  const take = (line: number, fields: string[]) => {
    if (fields.every((field) => field.trim() === '')) return // blank, or ",,,,"
    if (headerErrors) return // only looking for syntax errors now
    if (!order) {
      headerLine = line
      const names = fields.map((name) => name.trim().toLowerCase())
      const problems = checkHeader(names, columns)
      if (problems.length) headerErrors = problems.map((message) => ({ line, message }))
      order = columns.map((column) => names.indexOf(column))
      width = names.length
      return
    }
    if (fields.length !== width) {
      errors.push({
        line,
        message: `berisi ${fields.length} nilai, padahal header ${width} kolom (periksa koma dan tanda kutip)`,
      })
      return
    }
    const values = new Array<string>(order.length)
    for (let i = 0; i < order.length; i++) values[i] = (fields[order[i] ?? 0] ?? '').trim()
    rows++
    onRow(line, values)
  }

  let pos = 0
  let line = 0
  // Where the next quote is: a file without quotes is searched once, not once per line.
  let nextQuote = text.indexOf('"')
  while (pos < length) {
    let end = text.indexOf('\n', pos)
    if (end === -1) end = length
    line++
    if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos)
    if (nextQuote === -1 || nextQuote >= end) {
      take(line, text.slice(pos, end).split(delimiter))
      pos = end + 1
    } else {
      const start = line
      const quoted = readQuoted(text, pos, delimiter)
      if (quoted) {
        for (let at = text.indexOf('\n', pos); at !== -1 && at < quoted.next - 1; at = text.indexOf('\n', at + 1)) line++
        take(start, quoted.fields)
        pos = quoted.next
      } else {
        // Irregular quoting: csv-parse reads the record (its lines until the quotes pair up) and names the problem.
        let chunkEnd = end
        let quotes = countQuotes(text, pos, end)
        while (quotes % 2 === 1 && chunkEnd < length) {
          const next = text.indexOf('\n', chunkEnd + 1)
          const lineEnd = next === -1 ? length : next
          quotes += countQuotes(text, chunkEnd + 1, lineEnd)
          chunkEnd = lineEnd
        }
        const chunk = text.slice(pos, chunkEnd)
        let records: { info: { lines: number }; record: string[] }[]
        let lastRecordEnd = 0
        try {
          records = parse(chunk, {
            delimiter,
            info: true,
            relax_column_count: true,
            skip_empty_lines: true,
            skip_records_with_empty_values: true,
            on_record: (record, context) => {
              lastRecordEnd = context.lines
              return record
            },
          }) as unknown as typeof records
        } catch (error) {
          if (!(error instanceof CsvError)) throw error
          const found = syntaxError(error, chunk, lastRecordEnd)
          return { ok: false, errors: [{ ...found, line: found.line + start - 1 }] }
        }
        for (const { info, record } of records) {
          const breaks = record.reduce((sum, value) => sum + (value.match(/\n/g)?.length ?? 0), 0)
          take(start + info.lines - 1 - breaks, record)
        }
        line = start - 1 + (chunk.match(/\n/g)?.length ?? 0) + 1
        pos = chunkEnd + 1
      }
    }
    if (onProgress && (line - reported >= step || pos >= length)) {
      reported = line
      onProgress(Math.min(line, lines), lines)
    }
  }
  if (headerErrors) return { ok: false, errors: headerErrors }
  if (!order) {
    return {
      ok: false,
      errors: [{ line: 1, message: `file kosong: baris pertama harus berisi nama kolom (${columns.join(',')})` }],
    }
  }
  if (rows === 0 && errors.length === 0) {
    return { ok: false, errors: [{ line: headerLine + 1, message: 'file tidak berisi baris data (hanya header)' }] }
  }
  return { ok: true, rows, errors }
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
  // The first line that is not blank, found without splitting a file of a million lines.
  let header = ''
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start)
    const line = text.slice(start, end === -1 ? text.length : end)
    if (line.trim() !== '') {
      header = line
      break
    }
    if (end === -1) break
    start = end + 1
  }
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

function countQuotes(text: string, from: number, to: number): number {
  let count = 0
  for (let at = text.indexOf('"', from); at !== -1 && at < to; at = text.indexOf('"', at + 1)) count++
  return count
}

/**
 * One record starting at `pos` whose fields are plain or wholly quoted ("a ""b"" c", line breaks
 * inside), with the position after its line end; undefined for anything else (a quote inside a
 * plain value, text after a closing quote, a quote never closed), which csv-parse then explains.
 */
function readQuoted(text: string, pos: number, delimiter: string): { fields: string[]; next: number } | undefined {
  const length = text.length
  const fields: string[] = []
  let at = pos
  for (;;) {
    if (text.charCodeAt(at) === 34) {
      let value = ''
      let from = at + 1
      for (;;) {
        const quote = text.indexOf('"', from)
        if (quote === -1) return undefined
        value += text.slice(from, quote)
        if (text.charCodeAt(quote + 1) === 34) {
          value += '"'
          from = quote + 2
          continue
        }
        at = quote + 1
        break
      }
      fields.push(value)
      if (at >= length || text[at] === '\n') return { fields, next: at + 1 }
      if (text[at] !== delimiter) return undefined
      at++
    } else {
      let end = at
      while (end < length) {
        const char = text[end]
        if (char === delimiter || char === '\n') break
        if (char === '"') return undefined
        end++
      }
      fields.push(text.slice(at, end))
      if (end < length && text[end] === delimiter) {
        at = end + 1
        continue
      }
      return { fields, next: end + 1 }
    }
  }
}
