/**
 * The Bimtek sessions file: what a good file stores, re-imports as updates, every bad row reported
 * with its line and nothing written, header mistakes, seats already taken, and time zones.
 */
import { readFileSync } from 'node:fs'
import { stringify } from 'csv-stringify/sync'
import { asc, count, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { importSessions } from '../../src/core/sessions/import.js'
import { closeDatabase } from '../../src/db/client.js'
import { auditLog, bimtekSessions, regions } from '../../src/db/schema.js'
import { testCore } from '../support/core.js'
import { addRegistrations, SESSION, sessionsFile } from '../support/sessions-csv.js'

let core: Core
beforeEach(async () => {
  core = await testCore()
})
afterEach(() => closeDatabase(core.db))

const run = (input: string | Uint8Array) =>
  importSessions(core.db, input, { actor: 'test', now: new Date(), reminders: DEFAULT_REMINDER_SETTINGS })
const stored = async () => await core.db.select().from(bimtekSessions).orderBy(asc(bimtekSessions.id))
const sessionCount = async () => (await core.db.select({ n: count() }).from(bimtekSessions).limit(1))[0]?.n
const regionId = async (code: string) => (await core.db.select().from(regions).where(eq(regions.code, code)).limit(1))[0]?.id

describe('a valid sessions file', () => {
  it('inserts every row, normalising codes, groups, regions and modes', async () => {
    const file = sessionsFile(
      {},
      {
        code: 'bmt-yog-01',
        title: 'Bimtek  Relawan Sosial (daring)',
        target_group: 'Relawan',
        region: 'yogyakarta',
        mode: 'online',
        venue: '',
        map_url: '',
        meeting_url: 'https://zoom.us/j/123456789',
        province: '',
        capacity: '3',
      },
      { code: 'BMT-JPR-01', target_group: 'Peksos', region: 'R6', mode: 'tatap muka', province: 'Papua', map_url: '' },
    )
    expect(await run(file)).toEqual({ ok: true, inserted: 3, updated: 0 })

    const [makassar, yogya, jayapura] = await stored()
    expect(makassar).toMatchObject({
      code: 'BMT-MKS-01',
      title: 'Bimtek Sertifikasi Penyuluh Sosial',
      targetGroup: 'penyuluh sosial',
      regionId: await regionId('R5'),
      mode: 'tatap_muka',
      venue: SESSION.venue,
      mapUrl: 'https://maps.app.goo.gl/example',
      meetingUrl: null,
      provinceCode: '73',
      timeZone: 'Asia/Makassar',
      capacity: 60,
      isDemo: false,
    })
    expect(yogya).toMatchObject({
      code: 'BMT-YOG-01',
      title: 'Bimtek Relawan Sosial (daring)',
      targetGroup: 'relawan sosial',
      regionId: await regionId('R3'),
      mode: 'daring',
      venue: null,
      meetingUrl: 'https://zoom.us/j/123456789',
      provinceCode: null,
      timeZone: 'Asia/Jakarta',
      capacity: 3,
    })
    expect(jayapura).toMatchObject({
      targetGroup: 'pekerja sosial',
      regionId: await regionId('R6'),
      provinceCode: '91',
      mapUrl: null,
    })
  })

  it('keeps line breaks of a venue written over several lines', async () => {
    expect(await run(sessionsFile({ venue: 'BBPPKS Makassar\nJl. A. P. Pettarani' }))).toMatchObject({ ok: true })
    expect((await stored())[0]?.venue).toBe('BBPPKS Makassar\nJl. A. P. Pettarani')
  })

  it('is re-imported as updates of the same codes, plus the new ones', async () => {
    expect(await run(sessionsFile({}, { code: 'BMT-MKS-02' }))).toEqual({ ok: true, inserted: 2, updated: 0 })
    const before = await stored()

    const again = sessionsFile(
      { code: 'bmt-mks-01', title: 'Bimtek Penyuluh Sosial (jadwal baru)', capacity: '80' },
      { code: 'BMT-MKS-03' },
    )
    expect(await run(again)).toEqual({ ok: true, inserted: 1, updated: 1 })

    const after = await stored()
    expect(after).toHaveLength(3)
    expect(after[0]).toMatchObject({ id: before[0]?.id, title: 'Bimtek Penyuluh Sosial (jadwal baru)', capacity: 80 })
    expect(after[1]).toEqual(before[1])
    expect(after[2]?.code).toBe('BMT-MKS-03')
  })

  it('includes the sample file of docs/import-formats.md', async () => {
    const sample = readFileSync('docs/import-formats.md', 'utf8').match(/```csv\n([\s\S]*?)```/)?.[1]
    expect(await run(sample ?? '')).toEqual({ ok: true, inserted: 3, updated: 0 })
    expect((await stored()).map((s) => [s.code, s.timeZone, s.startsAt.toISOString()])).toEqual([
      ['BMT-MKS-2027-01', 'Asia/Makassar', '2027-03-10T01:00:00.000Z'],
      ['BMT-YOG-2027-02', 'Asia/Jakarta', '2027-04-05T01:30:00.000Z'],
      ['BMT-JPR-2027-01', 'Asia/Jayapura', '2027-05-12T00:00:00.000Z'],
    ])
  })

  it('records each import in the audit log', async () => {
    await run(sessionsFile({}, { code: 'BMT-MKS-02' }))
    expect(await core.db.select().from(auditLog)).toEqual([
      expect.objectContaining({
        actor: 'test',
        action: 'import',
        entity: 'bimtek_sessions',
        details: '{"inserted":2,"updated":0}',
      }),
    ])
  })
})

describe('a file with bad rows', () => {
  it('reports every bad row with its line, counting line breaks inside quoted fields, and writes nothing', async () => {
    const file = sessionsFile(
      { code: 'BMT-OK-01' }, // line 2
      { code: 'BMT-BAD-01', capacity: '0', region: 'R9' }, // line 3
      { code: 'BMT-OK-02', venue: 'BBPPKS Makassar\nGedung B\nLantai 2' }, // lines 4–6
      { code: 'BMT-BAD-02', mode: 'hybrid', target_group: 'dokter' }, // line 7
      { code: 'BMT-BAD-03', starts_at: '10/03/2027 09:00', map_url: 'maps.google.com/x' }, // line 8
      { code: 'bmt-ok-01' }, // line 9: the code of line 2 again
      { code: 'BMT-BAD-04', mode: 'daring', venue: '', meeting_url: '' }, // line 10
      { code: 'BMT-BAD-05', ends_at: SESSION.starts_at, registration_closes_at: SESSION.ends_at }, // line 11
      { code: 'BMT-BAD-06', title: '', province: 'Atlantis', starts_at: '2027-02-30 09:00' }, // line 12
    )
    const result = await run(file)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual([
      {
        line: 3,
        column: 'region',
        message: expect.stringMatching(/^tidak dikenal \(tertulis "R9"\); isi kode atau kota BBPPKS: R1 \(Padang\)/),
      },
      { line: 3, column: 'capacity', message: 'harus bilangan bulat 1–10000 (tertulis "0")' },
      {
        line: 7,
        column: 'target_group',
        message: expect.stringContaining('pilih salah satu: pekerja sosial, penyuluh sosial, tks'),
      },
      { line: 7, column: 'mode', message: 'harus tatap_muka (atau luring) atau daring (atau online) (tertulis "hybrid")' },
      { line: 8, column: 'map_url', message: 'harus alamat web lengkap yang diawali https:// (tertulis "maps.google.com/x")' },
      { line: 8, column: 'starts_at', message: expect.stringContaining('harus tanggal dan jam "YYYY-MM-DD HH:mm"') },
      { line: 9, column: 'code', message: '"BMT-OK-01" sudah dipakai di baris 2; setiap code hanya boleh sekali' },
      { line: 10, column: 'meeting_url', message: expect.stringContaining('wajib diisi untuk sesi daring') },
      { line: 11, column: 'ends_at', message: 'harus sesudah starts_at' },
      { line: 11, column: 'registration_closes_at', message: expect.stringContaining('paling lambat starts_at') },
      { line: 12, column: 'title', message: 'wajib diisi' },
      { line: 12, column: 'province', message: expect.stringContaining('tidak dikenal (tertulis "Atlantis")') },
      { line: 12, column: 'starts_at', message: 'tanggal atau jam itu tidak ada (tertulis "2027-02-30 09:00")' },
    ])
    expect(await sessionCount()).toBe(0)
  })

  it('leaves the stored sessions as they were', async () => {
    await run(sessionsFile({ title: 'Judul lama' }))
    const before = stored()
    expect(await run(sessionsFile({ title: 'Judul baru' }, { code: 'BMT-NEW-01', capacity: 'banyak' }))).toMatchObject({
      ok: false,
    })
    expect(await stored()).toEqual(await before)
  })

  it('asks for a venue for tatap muka and a registration window that opens before it closes', async () => {
    const result = await run(sessionsFile({ venue: '', registration_opens_at: SESSION.registration_closes_at }))
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 2, column: 'venue', message: 'wajib diisi untuk sesi tatap muka (nama tempat dan alamat)' },
        { line: 2, column: 'registration_opens_at', message: 'harus sebelum registration_closes_at' },
      ],
    })
  })
})

describe('the header', () => {
  const header = Object.keys(SESSION).join(',')
  const row = stringify([Object.values(SESSION)]).trim()

  it('must name every column, and only known ones, each once: reported as line 1', async () => {
    const missing = await run(`${header.replace(',map_url', '')}\n${row}\n`)
    expect(missing).toEqual({
      ok: false,
      errors: [
        { line: 1, message: 'kolom tidak ada: map_url' },
        { line: 1, message: expect.stringMatching(/^header harus berisi tepat kolom berikut \(urutan bebas\): code,title,/) },
      ],
    })
    const extra = await run(`${header},catatan,code\n${row},x,y\n`)
    expect(extra).toMatchObject({
      ok: false,
      errors: [
        { line: 1, message: 'kolom muncul lebih dari sekali: code' },
        { line: 1, message: 'kolom tidak dikenal: catatan' },
        { line: 1, message: expect.stringContaining('header harus berisi tepat') },
      ],
    })
    expect(await sessionCount()).toBe(0)
  })

  it('may list the columns in any order and in any case', async () => {
    const columns = Object.keys(SESSION).reverse()
    const values = Object.values(SESSION).reverse()
    expect(await run(`${columns.join(',').toUpperCase()}\n${stringify([values])}`)).toEqual({ ok: true, inserted: 1, updated: 0 })
  })

  it('an empty file or a header alone is rejected with a reason', async () => {
    expect(await run('')).toMatchObject({ ok: false, errors: [{ line: 1, message: expect.stringContaining('file kosong') }] })
    expect(await run(`${header}\n\n`)).toEqual({
      ok: false,
      errors: [{ line: 2, message: 'file tidak berisi baris data (hanya header)' }],
    })
  })
})

describe('seats already taken', () => {
  it('a new capacity below confirmed + offered registrations is refused with the number', async () => {
    await run(sessionsFile({}))
    await addRegistrations(core.db, 'BMT-MKS-01', ['confirmed', 'confirmed', 'offered', 'waitlisted', 'waitlisted', 'cancelled'])

    expect(await run(sessionsFile({ capacity: '2' }))).toEqual({
      ok: false,
      errors: [
        {
          line: 2,
          column: 'capacity',
          message:
            '2 lebih kecil dari 3 kursi yang sudah terisi atau ditawarkan (terkonfirmasi + ditawari); isi paling sedikit 3',
        },
      ],
    })
    expect((await stored())[0]?.capacity).toBe(60)

    expect(await run(sessionsFile({ capacity: '3' }))).toEqual({ ok: true, inserted: 0, updated: 1 })
    expect((await stored())[0]?.capacity).toBe(3)
  })
})

describe('time zones', () => {
  const at = async (code: string) => (await stored()).find((s) => s.code === code)
  const nine = { starts_at: '2027-03-10 09:00', ends_at: '2027-03-10 16:00' }
  const window = { registration_opens_at: '2027-02-01 08:00', registration_closes_at: '2027-03-09 23:59' }

  it("stores 09:00 local as UTC in the region's zone when no province is given", async () => {
    const file = sessionsFile(
      { code: 'MKS', region: 'Makassar', province: '', ...nine, ...window },
      { code: 'JPR', region: 'jayapura', province: '', ...nine, ...window },
      { code: 'PDG', region: 'R1', province: '', ...nine, ...window },
    )
    expect(await run(file)).toMatchObject({ ok: true, inserted: 3 })
    expect(await at('MKS')).toMatchObject({ timeZone: 'Asia/Makassar', startsAt: new Date('2027-03-10T01:00:00Z') })
    expect(await at('JPR')).toMatchObject({ timeZone: 'Asia/Jayapura', startsAt: new Date('2027-03-10T00:00:00Z') })
    expect(await at('PDG')).toMatchObject({ timeZone: 'Asia/Jakarta', startsAt: new Date('2027-03-10T02:00:00Z') })
    expect(await at('MKS')).toMatchObject({
      endsAt: new Date('2027-03-10T08:00:00Z'),
      registrationOpensAt: new Date('2027-02-01T00:00:00Z'),
      registrationClosesAt: new Date('2027-03-09T15:59:00Z'),
    })
  })

  it("uses the province's zone when one is given, whatever the region's", async () => {
    const file = sessionsFile(
      { code: 'BALI', region: 'R3', province: 'Bali', ...nine, ...window },
      { code: 'KALBAR', region: 'R4', province: '61', ...nine, ...window },
    )
    expect(await run(file)).toMatchObject({ ok: true, inserted: 2 })
    expect(await at('BALI')).toMatchObject({
      timeZone: 'Asia/Makassar',
      startsAt: new Date('2027-03-10T01:00:00Z'),
      provinceCode: '51',
    })
    expect(await at('KALBAR')).toMatchObject({
      timeZone: 'Asia/Pontianak',
      startsAt: new Date('2027-03-10T02:00:00Z'),
      provinceCode: '61',
    })
  })

  it('compares the registration deadline with the start in the same zone', async () => {
    // 09:00 WIT is 08:00 WITA: closing at 08:30 local is after the start only in Jayapura's zone.
    const file = sessionsFile({ region: 'R6', province: '', ...nine, ...window, registration_closes_at: '2027-03-10 09:30' })
    expect(await run(file)).toMatchObject({ ok: false, errors: [{ line: 2, column: 'registration_closes_at' }] })
  })
})
