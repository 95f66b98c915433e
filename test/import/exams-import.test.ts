/**
 * The exam schedule file: exams of people on record (found by NIK hash, never echoing the NIK), times
 * in WIB/WITA/WIT or the person's zone, idempotent re-imports, moved and cancelled exams, every bad
 * row reported with its line and nothing written, and the reminders of the people whose exams
 * changed planned again inside the import's transaction.
 */
import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { type ExamImportOptions, importExams } from '../../src/core/exams/import.js'
import { planReminders } from '../../src/core/reminders/plan.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { importStatus } from '../../src/core/status/import.js'
import { closeDatabase, postgresOf } from '../../src/db/client.js'
import { auditLog, exams, people } from '../../src/db/schema.js'
import { isTransactionHandle } from '../../src/db/store.js'
import { testCore } from '../support/core.js'
import { ANDI, EXAM, examsFile, PEOPLE_FILE, YOHANES } from '../support/exams-csv.js'
import { STATUS } from '../support/status-csv.js'

// The real planner, watched: which people it is asked about, and whether a transaction is open then.
vi.mock('../../src/core/reminders/plan.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/reminders/plan.js')>()
  return { ...actual, planReminders: vi.fn(actual.planReminders) }
})
const plan = vi.mocked(planReminders)

const NOW = new Date('2026-11-23T05:00:00Z')

let core: Core
beforeEach(async () => {
  core = await testCore()
  const seeded = await importStatus(core.db, PEOPLE_FILE, {
    actor: 'test',
    vault: core.vault,
    now: NOW,
    reminders: DEFAULT_REMINDER_SETTINGS,
  })
  if (!seeded.ok) throw new Error(JSON.stringify(seeded.errors))
  plan.mockClear()
})
afterEach(() => closeDatabase(core.db))

const run = (input: string | Uint8Array, options: Partial<ExamImportOptions> = {}) =>
  importExams(core.db, input, { actor: 'test', vault: core.vault, now: NOW, reminders: DEFAULT_REMINDER_SETTINGS, ...options })
const stored = async () => await core.db.select().from(exams).orderBy(asc(exams.id))
const idOf = async (nik: string) =>
  (
    await core.db
      .select({ id: people.id })
      .from(people)
      .where(eq(people.nikHash, core.vault.hash(nik)))
      .limit(1)
  )[0]?.id
/** The people each call of the planner was about, and its "now". */
const planned = () => plan.mock.calls.map(([, ids, now]) => ({ people: [...ids].sort((a, b) => a - b), now }))
const ids = async (...niks: string[]) => (await Promise.all(niks.map(idOf))).sort((a = 0, b = 0) => a - b)
const NO_REMINDERS = { queued: 0, updated: 0, cancelled: 0 }

describe('a valid exams file', () => {
  it('stores each exam for its person, with the instant its local time stands for in WIB, WITA, WIT or the person’s zone', async () => {
    const file = examsFile(
      { exam_code: 'ujk-bdg-2027-0001', time_zone: 'WIB' },
      {
        exam_code: 'WWC-MKS-2027-0001',
        nik: ANDI.nik,
        kind: 'Wawancara',
        mode: 'tatap muka',
        time_zone: 'wita',
        venue: 'BBPPKS Makassar\nJl. A. P. Pettarani No. 50',
        meeting_url: '',
        preparation: '',
        status: 'terjadwal',
      },
      { exam_code: 'UJK-JPR-2027-0001', nik: YOHANES.nik, kind: 'kognitif', mode: 'online', time_zone: 'WIT' },
      // No zone: Andi's own (Sulawesi Selatan, WITA); "09.00" as spreadsheets write it.
      { exam_code: 'UJK-MKS-2027-0002', nik: ANDI.nik, kind: 'interview', starts_at: '2027-03-11 09.00' },
      { exam_code: 'UJK-BDG-2027-0002', time_zone: 'Asia/Pontianak' },
    )
    expect(await run(file)).toEqual({ ok: true, inserted: 5, updated: 0, unchanged: 0, reminders: NO_REMINDERS })

    const rows = (await stored()).map((e) => ({
      code: e.code,
      personId: e.personId,
      kind: e.kind,
      mode: e.mode,
      status: e.status,
      startsAt: e.startsAt.toISOString(),
      timeZone: e.timeZone,
      venue: e.venue,
      meetingUrl: e.meetingUrl,
      preparation: e.preparation,
    }))
    expect(rows).toEqual([
      {
        code: 'UJK-BDG-2027-0001',
        personId: await idOf(STATUS.nik),
        kind: 'ujian_kognitif',
        mode: 'daring',
        status: 'scheduled',
        startsAt: '2027-03-10T02:00:00.000Z',
        timeZone: 'Asia/Jakarta',
        venue: null,
        meetingUrl: 'https://zoom.us/j/81234567890',
        preparation: 'KTP asli, kartu peserta, alat tulis',
      },
      {
        code: 'WWC-MKS-2027-0001',
        personId: await idOf(ANDI.nik),
        kind: 'wawancara',
        mode: 'tatap_muka',
        status: 'scheduled',
        startsAt: '2027-03-10T01:00:00.000Z',
        timeZone: 'Asia/Makassar',
        venue: 'BBPPKS Makassar\nJl. A. P. Pettarani No. 50',
        meetingUrl: null,
        preparation: null,
      },
      expect.objectContaining({
        code: 'UJK-JPR-2027-0001',
        personId: await idOf(YOHANES.nik),
        startsAt: '2027-03-10T00:00:00.000Z',
        timeZone: 'Asia/Jayapura',
      }),
      expect.objectContaining({
        code: 'UJK-MKS-2027-0002',
        kind: 'wawancara',
        startsAt: '2027-03-11T01:00:00.000Z',
        timeZone: 'Asia/Makassar',
      }),
      expect.objectContaining({ code: 'UJK-BDG-2027-0002', startsAt: '2027-03-10T02:00:00.000Z', timeZone: 'Asia/Pontianak' }),
    ])
    // The NIK itself is nowhere in the exams.
    expect(JSON.stringify(await stored())).not.toContain(STATUS.nik)
  })

  it('plans the reminders of each person once, inside the import’s transaction, with the given "now"', async () => {
    let inTransaction: boolean | undefined
    let handedTheTransaction: boolean | undefined
    plan.mockImplementationOnce(async (db, _ids, _now) => {
      // The planner gets the import's transaction handle, not the database, while the connection is in it.
      handedTheTransaction = db !== core.db
      // On PostgreSQL the transaction is the handle's own pooled connection.
      inTransaction = postgresOf(core.db) ? isTransactionHandle(db) : core.db.$client.inTransaction
      return { queued: 3, updated: 0, cancelled: 0 }
    })
    const file = examsFile({}, { exam_code: 'WWC-BDG-2027-0001', kind: 'wawancara' }, { exam_code: 'X-ANDI', nik: ANDI.nik })
    expect(await run(file)).toMatchObject({ ok: true, inserted: 3, reminders: { queued: 3, updated: 0, cancelled: 0 } })
    expect(planned()).toEqual([{ people: await ids(STATUS.nik, ANDI.nik), now: NOW }])
    expect(inTransaction).toBe(true)
    expect(handedTheTransaction).toBe(true)
  })

  it('records each import in the audit log', async () => {
    await run(examsFile({}))
    expect(await core.db.select().from(auditLog).where(eq(auditLog.entity, 'exams'))).toEqual([
      expect.objectContaining({ actor: 'test', action: 'import', entity: 'exams', details: '{"inserted":1,"updated":0}' }),
    ])
  })
})

describe('importing again', () => {
  const file = examsFile({}, { exam_code: 'WWC-MKS-2027-0001', nik: ANDI.nik, kind: 'wawancara', time_zone: 'WITA' })

  it('the same file changes nothing, counts nothing as updated and plans no reminders', async () => {
    await run(file)
    const before = stored()
    plan.mockClear()
    expect(await run(file)).toEqual({ ok: true, inserted: 0, updated: 0, unchanged: 2, reminders: NO_REMINDERS })
    expect(await stored()).toEqual(await before)
    expect(plan).not.toHaveBeenCalled()
  })

  it('a new time moves the exam, asks for a new "HADIR", and re-plans only that person', async () => {
    await run(file)
    await core.db.update(exams).set({ attendanceConfirmedAt: NOW })
    plan.mockClear()
    const moved = examsFile(
      { starts_at: '2027-03-17 13:30' },
      { exam_code: 'WWC-MKS-2027-0001', nik: ANDI.nik, kind: 'wawancara', time_zone: 'WITA' },
    )
    expect(await run(moved)).toEqual({ ok: true, inserted: 0, updated: 1, unchanged: 1, reminders: NO_REMINDERS })
    const [budi, andi] = await stored()
    expect(budi).toMatchObject({ startsAt: new Date('2027-03-17T06:30:00Z'), attendanceConfirmedAt: null, updatedAt: NOW })
    expect(andi?.attendanceConfirmedAt).toEqual(NOW)
    expect(planned()).toEqual([{ people: [await idOf(STATUS.nik)], now: NOW }])
  })

  it('status batal cancels the exam and re-plans that person; terjadwal schedules it again', async () => {
    await run(file)
    plan.mockClear()
    expect(await run(examsFile({ status: 'batal' }))).toMatchObject({ ok: true, updated: 1, unchanged: 0 })
    expect((await stored()).map((e) => e.status)).toEqual(['cancelled', 'scheduled'])
    expect(planned()).toEqual([{ people: [await idOf(STATUS.nik)], now: NOW }])
    expect(await run(examsFile({ status: 'Dibatalkan' }))).toMatchObject({ ok: true, updated: 0, unchanged: 1 })
    expect(await run(examsFile({ status: 'terjadwal' }))).toMatchObject({ ok: true, updated: 1 })
    expect((await stored())[0]?.status).toBe('scheduled')
  })

  it.each([
    ['kind', { kind: 'wawancara' }],
    ['mode and venue', { mode: 'luring', venue: 'BBPPKS Bandung', meeting_url: '' }],
    ['meeting link', { meeting_url: 'https://zoom.us/j/99999999999' }],
    ['preparation', { preparation: 'KTP asli dan laptop' }],
    ['time zone, same wall-clock time', { time_zone: 'WITA' }],
  ])('a changed %s is an update', async (_what, change) => {
    await run(examsFile({}))
    plan.mockClear()
    expect(await run(examsFile(change))).toMatchObject({ ok: true, inserted: 0, updated: 1, unchanged: 0 })
    expect(plan).toHaveBeenCalledTimes(1)
  })

  it('an exam code may not be moved to another person', async () => {
    await run(examsFile({}))
    const before = stored()
    expect(await run(examsFile({ nik: ANDI.nik }))).toEqual({
      ok: false,
      errors: [
        {
          line: 2,
          column: 'nik',
          message:
            'berbeda dengan orang yang tercatat untuk exam_code UJK-BDG-2027-0001; jadwal ujian tidak dapat dipindah ke orang lain (pakai kode baru)',
        },
      ],
    })
    expect(await stored()).toEqual(await before)
  })
})

describe('a file with bad rows', () => {
  it('reports every bad row with its line and column, writes nothing and plans nothing', async () => {
    const file = examsFile(
      {}, // line 2: good
      { exam_code: 'UJK 01', kind: 'praktik' }, // line 3
      { exam_code: 'UJK-02', nik: '3273011506800', mode: 'hybrid' }, // line 4
      { exam_code: 'UJK-03', starts_at: '10/03/2027 09:00', time_zone: 'Asia/Tokyo' }, // line 5
      { exam_code: 'ujk-bdg-2027-0001' }, // line 6: the code of line 2 again
      { exam_code: 'UJK-04', mode: 'tatap_muka', venue: '', meeting_url: '' }, // line 7
      { exam_code: 'UJK-05', meeting_url: '' }, // line 8
      {
        exam_code: 'UJK-06',
        starts_at: '2027-02-30 09:00',
        meeting_url: 'zoom.us/j/1',
        preparation: 'x'.repeat(501),
        status: 'ditunda',
      }, // line 9
      { exam_code: 'UJK-07', nik: '3,27301E+15', time_zone: 'GMT+7' }, // line 10
      { exam_code: '', nik: '', kind: '' }, // line 11
    )
    const result = await run(file)
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          line: 3,
          column: 'exam_code',
          message: 'hanya huruf, angka, titik, garis bawah dan tanda hubung, 2–40 karakter (tertulis "UJK 01")',
        },
        {
          line: 3,
          column: 'kind',
          message:
            'tidak dikenal (tertulis "praktik"); isi ujian_kognitif (atau ujian kognitif, kognitif) atau wawancara (atau interview)',
        },
        { line: 4, column: 'nik', message: 'harus 16 angka (tertulis 13 angka)' },
        { line: 4, column: 'mode', message: 'harus tatap_muka (atau luring) atau daring (atau online) (tertulis "hybrid")' },
        {
          line: 5,
          column: 'starts_at',
          message: 'harus tanggal dan jam "YYYY-MM-DD HH:mm", mis. 2026-11-23 09:00 (tertulis "10/03/2027 09:00")',
        },
        {
          line: 5,
          column: 'time_zone',
          message:
            'tidak dikenal (tertulis "Asia/Tokyo"); isi WIB, WITA, WIT (atau Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura), atau kosongkan untuk zona waktu orangnya',
        },
        {
          line: 6,
          column: 'exam_code',
          message: '"UJK-BDG-2027-0001" sudah dipakai di baris 2; setiap exam_code hanya boleh sekali',
        },
        { line: 7, column: 'venue', message: 'wajib diisi untuk ujian tatap muka (nama tempat dan alamat)' },
        { line: 8, column: 'meeting_url', message: 'wajib diisi untuk ujian daring (tautan rapat, diawali https://)' },
        { line: 9, column: 'starts_at', message: 'tanggal atau jam itu tidak ada (tertulis "2027-02-30 09:00")' },
        { line: 9, column: 'meeting_url', message: 'harus alamat web lengkap yang diawali https:// (tertulis "zoom.us/j/1")' },
        { line: 9, column: 'preparation', message: 'terlalu panjang: 501 karakter, paling banyak 500' },
        {
          line: 9,
          column: 'status',
          message:
            'tidak dikenal (tertulis "ditunda"); kosongkan atau isi scheduled (terjadwal), atau cancelled (batal) untuk membatalkan',
        },
        { line: 10, column: 'nik', message: expect.stringMatching(/^terbaca sebagai angka \(mis\. 3,27E\+15\)/) },
        { line: 10, column: 'time_zone', message: expect.stringContaining('tidak dikenal (tertulis "GMT+7")') },
        { line: 11, column: 'exam_code', message: 'wajib diisi (kode jadwal ujian dari sekretariat, mis. UJK-MKS-2027-0001)' },
        { line: 11, column: 'nik', message: 'wajib diisi (16 angka NIK)' },
        { line: 11, column: 'kind', message: expect.stringMatching(/^wajib diisi; isi ujian_kognitif/) },
      ],
    })
    expect(await stored()).toEqual([])
    expect(await core.db.select().from(auditLog).where(eq(auditLog.entity, 'exams'))).toEqual([])
    expect(plan).not.toHaveBeenCalled()
  })

  it('a NIK of no one on record asks staff to import that person’s status first, without repeating the NIK', async () => {
    const unknown = '3273015506800002' // Siti: a valid NIK, never imported
    const result = await run(examsFile({}, { exam_code: 'UJK-02', nik: unknown }))
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          line: 3,
          column: 'nik',
          message:
            'belum tercatat: impor dulu status sertifikasi orang ini (npm run cli -- import status), lalu impor jadwal ujian ini lagi',
        },
      ],
    })
    expect(await stored()).toEqual([])
  })

  it('never repeats a NIK, or even most of its digits, in a message', async () => {
    const niks = ['3273015506800002', '3273019906800001', '32730115068000011', '3273011506800000', '9971010101900001']
    const result = await run(examsFile(...niks.map((nik, i) => ({ exam_code: `UJK-${i}`, nik }))))
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors.map((e) => [e.line, e.column])).toEqual(niks.map((_, i) => [i + 2, 'nik']))
    const text = JSON.stringify(result.errors)
    for (const nik of niks) expect(text).not.toContain(nik.slice(0, 8))
  })

  it('leaves the stored exams as they were when a later row is bad', async () => {
    await run(examsFile({}))
    const before = stored()
    expect(await run(examsFile({ starts_at: '2027-04-01 09:00' }, { exam_code: 'UJK-NEW', kind: 'lisan' }))).toMatchObject({
      ok: false,
    })
    expect(await stored()).toEqual(await before)
  })

  it('a strict header: every column, known ones only, reported on line 1', async () => {
    const header = Object.keys(EXAM).join(',')
    const row = Object.values(EXAM).join(',')
    expect(await run(`${header.replace(',preparation', '')}\n${row}\n`)).toEqual({
      ok: false,
      errors: [
        { line: 1, message: 'kolom tidak ada: preparation' },
        { line: 1, message: expect.stringMatching(/^header harus berisi tepat kolom berikut \(urutan bebas\): exam_code,nik,/) },
      ],
    })
    expect(await stored()).toEqual([])
  })
})

describe('the reminder plan', () => {
  it('failing rolls back every exam the import wrote: the rows and their reminders land together or not at all', async () => {
    plan.mockImplementationOnce(() => {
      throw new Error('plan failed')
    })
    await expect(run(examsFile({}, { exam_code: 'UJK-02', nik: ANDI.nik }))).rejects.toThrow('plan failed')
    expect(await stored()).toEqual([])
    expect(await core.db.select().from(auditLog).where(eq(auditLog.entity, 'exams'))).toEqual([])
  })
})
