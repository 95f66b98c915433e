/**
 * `readCsv`, the one reader of every import, against csv-parse reading the whole text at once (the
 * reference): the same rows, line numbers and reasons for any text, including broken quoting.
 */
import { CsvError, parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ImportError, readCsv } from '../../src/core/import/read-csv.js'

const COLUMNS = ['a', 'b', 'c'] as const

type Read = { ok: boolean; rows: [number, string[]][]; errors: ImportError[]; badHeaderLine?: number }

const NOT_CLOSED = 'tanda kutip (") dibuka tetapi tidak ditutup sampai akhir file'

/** What staff read for each of csv-parse's complaints. */
const SYNTAX: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: NOT_CLOSED,
  INVALID_OPENING_QUOTE:
    'tanda kutip (") di tengah nilai; apit seluruh nilai dengan tanda kutip dan tulis kutip di dalamnya dua kali ("")',
  CSV_INVALID_CLOSING_QUOTE: 'sesudah tanda kutip penutup harus ada pemisah kolom atau akhir baris',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'sesudah tanda kutip penutup harus ada pemisah kolom atau akhir baris',
}

/** The reference: csv-parse on the whole text, lines counted back from where each record ends. */
function viaCsvParse(input: string): Read {
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const header = text.split('\n').find((line) => line.trim() !== '') ?? ''
  let lastRecordEnd = 0
  let records: { info: { lines: number }; record: string[] }[]
  try {
    records = parse(text, {
      delimiter: header.includes(';') && !header.includes(',') ? ';' : ',',
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
    let line = typeof error.lines === 'number' ? error.lines : lastRecordEnd + 1
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      // Reported at the end of the text: the broken record starts after the last good one.
      const lines = text.split('\n')
      line = lastRecordEnd + 1
      while (line < lines.length && lines[line - 1]?.trim() === '') line++
    }
    return { ok: false, rows: [], errors: [{ line, message: SYNTAX[error.code] ?? `format CSV tidak terbaca (${error.code})` }] }
  }
  const lined = records.map(({ info, record }) => ({
    line: info.lines - record.reduce((breaks, value) => breaks + (value.match(/\n/g)?.length ?? 0), 0),
    fields: record,
  }))
  const [first, ...data] = lined
  if (!first)
    return { ok: false, rows: [], errors: [{ line: 1, message: 'file kosong: baris pertama harus berisi nama kolom (a,b,c)' }] }
  const names = first.fields.map((name) => name.trim().toLowerCase())
  if ([...names].sort().join() !== 'a,b,c') return { ok: false, rows: [], errors: [], badHeaderLine: first.line }
  if (data.length === 0) {
    return { ok: false, rows: [], errors: [{ line: first.line + 1, message: 'file tidak berisi baris data (hanya header)' }] }
  }
  const rows: [number, string[]][] = []
  const errors: ImportError[] = []
  for (const { line, fields } of data) {
    if (fields.length !== names.length) {
      errors.push({
        line,
        message: `berisi ${fields.length} nilai, padahal header ${names.length} kolom (periksa koma dan tanda kutip)`,
      })
    } else rows.push([line, COLUMNS.map((column) => fields[names.indexOf(column)]?.trim() ?? '')])
  }
  return { ok: true, rows, errors }
}

function viaReadCsv(input: string): Read {
  const rows: [number, string[]][] = []
  const read = readCsv(input, COLUMNS, (line, values) => rows.push([line, values]))
  return read.ok ? { ok: true, rows, errors: read.errors } : { ok: false, rows: [], errors: read.errors }
}

const same = (input: string) => {
  const expected = viaCsvParse(input)
  const actual = viaReadCsv(input)
  const shown = JSON.stringify(input)
  expect(actual.ok, shown).toBe(expected.ok)
  if (expected.badHeaderLine !== undefined) {
    // Every reason is about the header, on its line, and the last one lists the columns wanted.
    expect(
      actual.errors.map((error) => error.line),
      shown,
    ).toEqual(actual.errors.map(() => expected.badHeaderLine))
    expect(actual.errors.at(-1)?.message, shown).toBe('header harus berisi tepat kolom berikut (urutan bebas): a,b,c')
    return
  }
  const [unclosed] = expected.errors
  if (expected.errors.length === 1 && unclosed?.message === NOT_CLOSED) {
    // csv-parse does not count rows of empty values (",,") before the open quote, so it may name an
    // earlier line; readCsv names the line where the quote opens.
    const [found] = actual.errors
    expect(found?.message).toBe(NOT_CLOSED)
    expect(found?.line ?? 0).toBeGreaterThanOrEqual(unclosed.line)
    const lines = input
      .replace(/^\uFEFF/, '')
      .replace(/\r\n?/g, '\n')
      .split('\n')
    expect(lines[(found?.line ?? 0) - 1], shown).toContain('"')
    return
  }
  expect(actual.errors, shown).toEqual(expected.errors)
  expect(actual.rows, shown).toEqual(expected.rows)
}

describe('readCsv reads like csv-parse', () => {
  it.each([
    ['plain', 'a,b,c\n1,2,3\n4,5,6\n'],
    ['columns in another order and case, no final line end', 'C,a,B\n3,1,2\n6,4,5'],
    ['BOM, CRLF, a quoted CRLF, blank and empty rows', '\uFEFFa,b,c\r\nx,"one\r\ntwo",1\r\ny,plain,2\r\n,,\r\n\r\n   \r\n'],
    ['semicolons', 'a;b;c\nx;"1, 2";3\n'],
    ['quoted everything with doubled quotes', '"a","b","c"\n"x ""y""","",  "z"\n'],
    ['line numbers past quoted line breaks', 'a,b,c\n1,ok,1\n\n2,"three\nlines\nhere",x\n3,ok,0\n"d\n",ok,1\n4,ok\n5,ok,1'],
    ['a quote inside a value', 'a,b,c\n1,ok,1\n2,say "hi",1\n'],
    ['text after a closing quote', 'a,b,c\n1,"ok"x,1\n'],
    ['a quote never closed', 'a,b,c\n1,ok,1\n\n2,"never closed,1\n3,ok,1\n'],
    ['a space before an opening quote', 'a,b,c\n1, "x",2\n'],
    ['unknown and missing columns', 'a,b,d\n1,2,3\n'],
    ['header only', 'a,b,c\n'],
    ['empty', ''],
    ['only blank lines', '\n\n  \n'],
    ['a bad header and broken quoting further down', 'a,b\n1,"x\n'],
    ['a trailing delimiter', 'a,b,c\n1,2,\n'],
  ])('%s', (_name, input) => same(input))

  it('agrees on any text made of values, delimiters, quotes and line breaks', () => {
    const piece = fc.constantFrom('a', 'b', 'c', 'xy', ' ', ',', ',', ';', '"', '""', '\n', '\r\n', '')
    fc.assert(
      fc.property(fc.boolean(), fc.array(piece, { maxLength: 40 }), (header, pieces) => {
        same(`${header ? 'a,b,c\n' : ''}${pieces.join('')}`)
      }),
      { numRuns: 3000 },
    )
  })
})

describe('the header', () => {
  it('names what is missing, unknown or repeated, then the columns wanted, all on its line', () => {
    const read = readCsv('\nA,a,d\n1,2,3\n', COLUMNS, () => {})
    expect(read).toEqual({
      ok: false,
      errors: [
        { line: 2, message: 'kolom muncul lebih dari sekali: a' },
        { line: 2, message: 'kolom tidak dikenal: d' },
        { line: 2, message: 'kolom tidak ada: b, c' },
        { line: 2, message: 'header harus berisi tepat kolom berikut (urutan bebas): a,b,c' },
      ],
    })
  })
})

describe('a file of any size', () => {
  it('hands over rows without holding them, and reports progress by line', () => {
    const lines = ['a,b,c', ...Array.from({ length: 1000 }, (_, i) => `${i},"v ${i}",${i % 7}`)]
    const progress: [number, number][] = []
    let count = 0
    const read = readCsv(
      lines.join('\n'),
      COLUMNS,
      () => count++,
      (line, total) => progress.push([line, total]),
    )
    expect(read).toEqual({ ok: true, rows: 1000, errors: [] })
    expect(count).toBe(1000)
    expect(progress.length).toBeGreaterThan(100)
    expect(progress.length).toBeLessThanOrEqual(202)
    expect(progress.at(-1)).toEqual([1001, 1001])
  })
})
