/**
 * `scanCsv`, the streaming reader of the certificates import, against `readCsv` (csv-parse on the
 * whole file): the same rows, line numbers and reasons for any text, including broken quoting.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ImportError, readCsv, scanCsv } from '../../src/core/import/read-csv.js'

const COLUMNS = ['a', 'b', 'c'] as const

type Read = { ok: boolean; rows: [number, string[]][]; errors: ImportError[] }

function viaReadCsv(input: string): Read {
  const read = readCsv(input, COLUMNS)
  if (!read.ok) return { ok: false, rows: [], errors: read.errors }
  return {
    ok: true,
    rows: read.records.map(({ line, values }) => [line, COLUMNS.map((column) => values[column] ?? '')]),
    errors: read.errors,
  }
}

function viaScanCsv(input: string): Read {
  const rows: [number, string[]][] = []
  const scan = scanCsv(input, COLUMNS, (line, values) => rows.push([line, values]))
  return scan.ok ? { ok: true, rows, errors: scan.errors } : { ok: false, rows: [], errors: scan.errors }
}

const NOT_CLOSED = 'tanda kutip (") dibuka tetapi tidak ditutup sampai akhir file'

const same = (input: string) => {
  const expected = viaReadCsv(input)
  const actual = viaScanCsv(input)
  expect(actual.ok, JSON.stringify(input)).toBe(expected.ok)
  const [unclosed] = expected.errors
  if (expected.errors.length === 1 && unclosed?.message === NOT_CLOSED) {
    // readCsv does not count rows of empty values (",,") before the open quote, so it may name an
    // earlier line; scanCsv names the line where the quote opens.
    const [found] = actual.errors
    expect(found?.message).toBe(NOT_CLOSED)
    expect(found?.line ?? 0).toBeGreaterThanOrEqual(unclosed.line)
    const lines = input
      .replace(/^\uFEFF/, '')
      .replace(/\r\n?/g, '\n')
      .split('\n')
    expect(lines[(found?.line ?? 0) - 1], JSON.stringify(input)).toContain('"')
    return
  }
  expect(actual.errors, JSON.stringify(input)).toEqual(expected.errors)
  if (expected.ok) expect(actual.rows, JSON.stringify(input)).toEqual(expected.rows)
}

describe('scanCsv reads like readCsv', () => {
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

  it('hands over rows without holding them, and reports progress by line', () => {
    const lines = ['a,b,c', ...Array.from({ length: 1000 }, (_, i) => `${i},"v ${i}",${i % 7}`)]
    const progress: [number, number][] = []
    let count = 0
    const scan = scanCsv(
      lines.join('\n'),
      COLUMNS,
      () => count++,
      (line, total) => progress.push([line, total]),
    )
    expect(scan).toEqual({ ok: true, rows: 1000, errors: [] })
    expect(count).toBe(1000)
    expect(progress.length).toBeGreaterThan(100)
    expect(progress.length).toBeLessThanOrEqual(202)
    expect(progress.at(-1)).toEqual([1001, 1001])
  })
})
