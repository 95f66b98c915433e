/**
 * The import pipeline every file goes through, with a small key/value import into app_meta: files
 * as spreadsheets save them, line numbers, syntax errors, every bad row reported, all-or-nothing
 * writes, progress.
 */
import { asc, eq, ne } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { requiredText, wholeNumber } from '../../src/core/import/cells.js'
import { type CsvImport, formatImportError, type ImportProgress, importCsv, uniqueColumn } from '../../src/core/import/csv.js'
import { closeDatabase } from '../../src/db/client.js'
import { DATA_KEY_CHECK } from '../../src/db/queries/encrypted-data.js'
import { appMeta, auditLog } from '../../src/db/schema.js'
import { testCore } from '../support/core.js'

let core: Core
beforeEach(async () => {
  core = await testCore()
})
afterEach(() => closeDatabase(core.db))

type Column = 'key' | 'value' | 'weight'
type Counts = { inserted: number; updated: number }

const NOW = new Date('2026-11-23T05:00:00Z')

/** Keys `conflict` names are refused as the write finds them; writing `failOn` throws. */
function metaImport({ conflict = 'value', failOn = '' } = {}): CsvImport<Column, Counts> {
  const parsers = { key: requiredText(40), value: requiredText(200, { multiline: true }), weight: wholeNumber(1, 9) }
  const unique = uniqueColumn<Column>('key', (value) => value.toLowerCase())
  const rows: { line: number; key: string; value: string }[] = []
  return {
    entity: 'app_meta',
    columns: ['key', 'value', 'weight'],
    check: (row) => {
      unique(row)
      const cells = row.cells(parsers)
      if (cells && !row.bad) rows.push({ line: row.line, key: cells.key, value: cells.value })
    },
    write: async ({ db, reject }) => {
      const counts = { inserted: 0, updated: 0 }
      for (const { line, key, value } of rows) {
        if (key === failOn) throw new Error('disk full')
        if (value === conflict) {
          reject(line, 'value', 'bentrok')
          continue
        }
        const existing = (await db.select().from(appMeta).where(eq(appMeta.key, key)).limit(1))[0]
        await db.insert(appMeta).values({ key, value }).onConflictDoUpdate({ target: appMeta.key, set: { value } })
        counts[existing ? 'updated' : 'inserted'] += 1
      }
      return counts
    },
  }
}

const run = (input: string | Uint8Array, spec = metaImport(), onProgress?: ImportProgress) =>
  importCsv(core.db, input, spec, { actor: 'test', now: NOW, onProgress })
// Without the data key's check value, which every core records on its first start.
const stored = async () =>
  await core.db
    .select({ key: appMeta.key, value: appMeta.value })
    .from(appMeta)
    .where(ne(appMeta.key, DATA_KEY_CHECK))
    .orderBy(asc(appMeta.key))
const audited = async () => await core.db.select().from(auditLog).where(eq(auditLog.entity, 'app_meta'))

describe('files as spreadsheets save them', () => {
  it('reads a BOM, CRLF line ends, a quoted CRLF inside a field, and blank or empty rows at the end', async () => {
    const file = '\uFEFFkey,value,weight\r\na,"one\r\ntwo",1\r\nb,plain,2\r\n,,\r\n\r\n   \r\n'
    expect(await run(file)).toEqual({ ok: true, inserted: 2, updated: 0 })
    expect(await stored()).toEqual([
      { key: 'a', value: 'one\ntwo' },
      { key: 'b', value: 'plain' },
    ])
  })

  it('reads semicolons when the header has no comma (Excel in an Indonesian locale)', async () => {
    expect(await run('key;value;weight\na;"x, y";1\n')).toEqual({ ok: true, inserted: 1, updated: 0 })
    expect(await stored()).toEqual([{ key: 'a', value: 'x, y' }])
  })

  it('accepts UTF-8 bytes and refuses other encodings on the line of the first bad byte', async () => {
    expect(await run(new TextEncoder().encode('key,value,weight\na,Dinas Sosial Ñ,1\n'))).toMatchObject({ ok: true })
    const latin1 = Uint8Array.from([...Buffer.from('key,value,weight\nb,ok,1\nc,'), 0xd1, ...Buffer.from(',1\n')])
    expect(await run(latin1)).toEqual({ ok: false, errors: [{ line: 3, message: expect.stringContaining('bukan teks UTF-8') }] })
  })
})

describe('line numbers', () => {
  it('are physical lines of the file: blank lines and quoted line breaks count', async () => {
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
    expect(await run(file)).toEqual({
      ok: false,
      errors: [
        { line: 4, column: 'weight', message: 'harus bilangan bulat 1–9 (tertulis "x")' },
        { line: 7, column: 'weight', message: 'harus bilangan bulat 1–9 (tertulis "0")' },
        { line: 10, message: 'berisi 2 nilai, padahal header 3 kolom (periksa koma dan tanda kutip)' },
      ],
    })
    expect(await stored()).toEqual([])
  })

  it('name the later line of a repeated key, even when the earlier row is bad', async () => {
    const result = await run('key,value,weight\nA,x,0\nb,y,1\na,z,1\n')
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 2, column: 'weight', message: 'harus bilangan bulat 1–9 (tertulis "0")' },
        { line: 4, column: 'key', message: '"a" sudah dipakai di baris 2; setiap key hanya boleh sekali' },
      ],
    })
  })

  it('point at broken quoting', async () => {
    expect(await run('key,value,weight\na,ok,1\nb,say "hi",1\n')).toEqual({
      ok: false,
      errors: [{ line: 3, message: expect.stringContaining('tanda kutip (") di tengah nilai') }],
    })
    expect(await run('key,value,weight\na,"ok"x,1\n')).toEqual({
      ok: false,
      errors: [{ line: 2, message: 'sesudah tanda kutip penutup harus ada pemisah kolom atau akhir baris' }],
    })
    expect(await run('key,value,weight\na,ok,1\n\nb,"never closed,1\nc,ok,1\n')).toEqual({
      ok: false,
      errors: [{ line: 4, message: 'tanda kutip (") dibuka tetapi tidak ditutup sampai akhir file' }],
    })
    expect(await stored()).toEqual([])
  })

  it('read as staff see them', () => {
    expect(formatImportError({ line: 7, column: 'capacity', message: 'harus bilangan bulat 1–10000 (tertulis "0")' })).toBe(
      'baris 7: kolom capacity: harus bilangan bulat 1–10000 (tertulis "0")',
    )
    expect(formatImportError({ line: 1, message: 'kolom tidak ada: code' })).toBe('baris 1: kolom tidak ada: code')
  })
})

describe('all or nothing', () => {
  it('a good file is written and recorded in the audit log with its counts', async () => {
    await run('key,value,weight\na,x,1\n')
    expect(await run('key,value,weight\na,y,1\nb,z,2\n')).toEqual({ ok: true, inserted: 1, updated: 1 })
    expect((await audited()).map((row) => [row.actor, row.action, row.at, row.details])).toEqual([
      ['test', 'import', NOW, '{"inserted":1,"updated":0}'],
      ['test', 'import', NOW, '{"inserted":1,"updated":1}'],
    ])
  })

  it('a row refused by the write (a conflict with stored data) undoes the rows written before and after it', async () => {
    const result = await run('key,value,weight\na,x,1\nb,taken,1\nc,z,1\n', metaImport({ conflict: 'taken' }))
    expect(result).toEqual({ ok: false, errors: [{ line: 3, column: 'value', message: 'bentrok' }] })
    expect(await stored()).toEqual([])
    expect(await audited()).toEqual([])
  })

  it('reports the bad cells and the conflicts with stored data of one file together, in file order', async () => {
    const result = await run('key,value,weight\na,taken,1\nb,y,0\n', metaImport({ conflict: 'taken' }))
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 2, column: 'value', message: 'bentrok' },
        { line: 3, column: 'weight', message: 'harus bilangan bulat 1–9 (tertulis "0")' },
      ],
    })
  })

  it('a write that fails midway rolls back and is thrown', async () => {
    await expect(run('key,value,weight\na,x,1\nb,y,1\nc,z,1\n', metaImport({ failOn: 'c' }))).rejects.toThrow('disk full')
    expect(await stored()).toEqual([])
    expect(await audited()).toEqual([])
  })
})

describe('progress', () => {
  it('lines checked, then rows written: from 0 when the write lock is taken to all of them', async () => {
    const calls: [number, number, string][] = []
    await run('key,value,weight\na,x,1\nb,y,1\nc,z,1\n', metaImport(), (done, total, phase) => calls.push([done, total, phase]))
    expect(calls).toEqual([
      [1, 4, 'check'],
      [2, 4, 'check'],
      [3, 4, 'check'],
      [4, 4, 'check'],
      [0, 3, 'write'],
      [3, 3, 'write'],
    ])
  })
})
