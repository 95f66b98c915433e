/**
 * The generic CSV import, with a small key/value import into app_meta: files as spreadsheets save
 * them, line numbers, syntax errors, and all-or-nothing writes.
 */
import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Core } from '../../src/bootstrap.js'
import { type CsvImport, formatImportError, importCsv } from '../../src/core/import/csv.js'
import { requiredText, wholeNumber } from '../../src/core/import/fields.js'
import { closeDatabase } from '../../src/db/client.js'
import { appMeta } from '../../src/db/schema.js'
import { testCore } from '../support/core.js'

let core: Core
beforeEach(() => {
  core = testCore()
})
afterEach(() => closeDatabase(core.db))

type Row = { key: string; value: string; weight: number }

function spec(over: Partial<CsvImport<Row>> = {}): CsvImport<Row> {
  return {
    entity: 'app_meta',
    columns: ['key', 'value', 'weight'],
    schema: z.object({ key: requiredText(40), value: requiredText(200, { multiline: true }), weight: wholeNumber(1, 9) }),
    key: { column: 'key', normalise: (value) => value.toLowerCase() },
    write: (db, row) => {
      const existing = db.select().from(appMeta).where(eq(appMeta.key, row.key)).get()
      db.insert(appMeta)
        .values({ key: row.key, value: row.value })
        .onConflictDoUpdate({ target: appMeta.key, set: { value: row.value } })
        .run()
      return existing ? 'updated' : 'inserted'
    },
    ...over,
  }
}

const run = (
  input: string | Uint8Array,
  over: Partial<CsvImport<Row>> = {},
  onProgress?: (done: number, total: number) => void,
) => importCsv(core.db, input, spec(over), { actor: 'test', now: new Date(), ...(onProgress && { onProgress }) })
const stored = () => core.db.select({ key: appMeta.key, value: appMeta.value }).from(appMeta).orderBy(asc(appMeta.key)).all()

describe('files as spreadsheets save them', () => {
  it('reads a BOM, CRLF line ends, a quoted CRLF inside a field, and blank or empty rows at the end', () => {
    const file = '\uFEFFkey,value,weight\r\na,"one\r\ntwo",1\r\nb,plain,2\r\n,,\r\n\r\n   \r\n'
    expect(run(file)).toEqual({ ok: true, inserted: 2, updated: 0 })
    expect(stored()).toEqual([
      { key: 'a', value: 'one\ntwo' },
      { key: 'b', value: 'plain' },
    ])
  })

  it('reads semicolons when the header has no comma (Excel in an Indonesian locale)', () => {
    expect(run('key;value;weight\na;"x, y";1\n')).toEqual({ ok: true, inserted: 1, updated: 0 })
    expect(stored()).toEqual([{ key: 'a', value: 'x, y' }])
  })

  it('accepts UTF-8 bytes and refuses other encodings on the line of the first bad byte', () => {
    expect(run(new TextEncoder().encode('key,value,weight\na,Dinas Sosial Ñ,1\n'))).toMatchObject({ ok: true })
    const latin1 = Uint8Array.from([...Buffer.from('key,value,weight\nb,ok,1\nc,'), 0xd1, ...Buffer.from(',1\n')])
    expect(run(latin1)).toEqual({ ok: false, errors: [{ line: 3, message: expect.stringContaining('bukan teks UTF-8') }] })
  })
})

describe('line numbers', () => {
  it('are physical lines of the file: blank lines and quoted line breaks count', () => {
    const file = [
      'key,value,weight',
      'a,ok,1',
      '',
      'b,"three',
      'lines',
      'here",x',
      'c,ok,0',
      '"d',
      '",ok,1',
      'e,ok',
      'f,ok,1',
    ].join('\n')
    expect(run(file)).toEqual({
      ok: false,
      errors: [
        { line: 4, column: 'weight', message: 'harus bilangan bulat 1–9 (tertulis "x")' },
        { line: 7, column: 'weight', message: 'harus bilangan bulat 1–9 (tertulis "0")' },
        { line: 10, message: 'berisi 2 nilai, padahal header 3 kolom (periksa koma dan tanda kutip)' },
      ],
    })
    expect(stored()).toEqual([])
  })

  it('name the later line of a repeated key, even when the earlier row is bad', () => {
    const result = run('key,value,weight\nA,x,0\nb,y,1\na,z,1\n')
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 2, column: 'weight', message: 'harus bilangan bulat 1–9 (tertulis "0")' },
        { line: 4, column: 'key', message: '"a" sudah dipakai di baris 2; setiap key hanya boleh sekali' },
      ],
    })
  })

  it('point at broken quoting', () => {
    expect(run('key,value,weight\na,ok,1\nb,say "hi",1\n')).toEqual({
      ok: false,
      errors: [{ line: 3, message: expect.stringContaining('tanda kutip (") di tengah nilai') }],
    })
    expect(run('key,value,weight\na,"ok"x,1\n')).toEqual({
      ok: false,
      errors: [{ line: 2, message: 'sesudah tanda kutip penutup harus ada pemisah kolom atau akhir baris' }],
    })
    expect(run('key,value,weight\na,ok,1\n\nb,"never closed,1\nc,ok,1\n')).toEqual({
      ok: false,
      errors: [{ line: 4, message: 'tanda kutip (") dibuka tetapi tidak ditutup sampai akhir file' }],
    })
    expect(stored()).toEqual([])
  })

  it('read as staff see them', () => {
    expect(formatImportError({ line: 7, column: 'capacity', message: 'harus bilangan bulat 1–10000 (tertulis "0")' })).toBe(
      'baris 7: kolom capacity: harus bilangan bulat 1–10000 (tertulis "0")',
    )
    expect(formatImportError({ line: 1, message: 'kolom tidak ada: code' })).toBe('baris 1: kolom tidak ada: code')
  })
})

describe('all or nothing', () => {
  it('a row refused by the write (a conflict with stored data) undoes the rows written before it', () => {
    const result = run('key,value,weight\na,x,1\nb,y,1\nc,z,1\n', {
      write: (db, row) => {
        if (row.key === 'c') return { column: 'value', message: 'bentrok' }
        return spec().write(db, row)
      },
    })
    expect(result).toEqual({ ok: false, errors: [{ line: 4, column: 'value', message: 'bentrok' }] })
    expect(stored()).toEqual([])
  })

  it('a write that fails midway rolls back and is thrown', () => {
    const file = 'key,value,weight\na,x,1\nb,y,1\nc,z,1\n'
    expect(() =>
      run(file, {
        write: (db, row) => {
          if (row.key === 'c') throw new Error('disk full')
          return spec().write(db, row)
        },
      }),
    ).toThrow('disk full')
    expect(stored()).toEqual([])
  })

  it('reports progress once per data row', () => {
    const calls: [number, number][] = []
    run('key,value,weight\na,x,1\nb,y,1\nc,z,1\n', {}, (done, total) => calls.push([done, total]))
    expect(calls).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ])
  })
})
