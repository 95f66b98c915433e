/**
 * The certificates import on in-memory SQLite with the real migrations: a good file, re-imports
 * (upsert by the normalised number, unchanged rows, status changes), every bad row with its line
 * and nothing written, NIK and birth date, linking to a person, and what the chat then answers.
 */

import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { type CertificateImportOptions, importCertificates } from '../../src/core/certificates/import.js'
import { lookUp } from '../../src/core/certificates/verify.js'
import { closeDatabase, statement, written } from '../../src/db/client.js'
import { auditLog, certificates, people } from '../../src/db/schema.js'
import { CERTIFICATE, certificatesFile } from '../support/certificates-csv.js'
import { testCore } from '../support/core.js'
import { WOMAN } from '../support/status-csv.js'

const NOW = new Date('2026-11-23T02:00:00Z')
const LATER = new Date('2026-12-01T02:00:00Z')

let core: Core
beforeEach(async () => {
  core = await testCore()
})
afterEach(() => closeDatabase(core.db))

const run = (input: string | Uint8Array, options: Partial<CertificateImportOptions> = {}) =>
  importCertificates(core.db, input, { actor: 'test', vault: core.vault, now: NOW, ...options })

const stored = async () => await core.db.select().from(certificates).orderBy(asc(certificates.id))
const byNumber = async (number: string) =>
  (await core.db.select().from(certificates).where(eq(certificates.number, number)).limit(1))[0]

/** A person on record with Budi's NIK (as registration or the status import keep it). */
async function addBudi(birthDate = CERTIFICATE.birth_date) {
  return written(
    await core.db
      .insert(people)
      .values({ fullName: 'Budi Santoso', nikHash: core.vault.hash(CERTIFICATE.nik), birthDate })
      .returning({ id: people.id }),
  ).id
}

const revoked = {
  certificate_number: 'lsps/2024/00007',
  holder_name: 'Hendra  Gunawan',
  nik: '',
  birth_date: '',
  level: '',
  issued_at: '2024-03-01',
  expires_at: '2027-03-01',
  status: 'Revoked',
  status_reason: 'Dokumen portofolio terbukti tidak sah',
}

describe('a good file', () => {
  it('adds every certificate: numbers normalised, display kept, NIK only hashed, status dates', async () => {
    const file = certificatesFile({}, revoked, {
      certificate_number: ' DEMO lsps 2024‐00009 ',
      holder_name: 'Siti Aminah',
      nik: '3273-0155-0680-0002',
      birth_date: '',
      status: 'dibekukan',
      status_reason: 'Dalam pemeriksaan\nkode etik',
    })
    expect(await run(file)).toEqual({ ok: true, inserted: 3, updated: 0, unchanged: 0, linked: 0 })
    const [budi, hendra, siti] = await stored()
    expect(budi).toMatchObject({
      number: 'LSPS202500042',
      displayNumber: 'LSPS-2025-00042',
      holderName: 'Budi Santoso',
      nikHash: core.vault.hash(CERTIFICATE.nik),
      personId: null,
      scheme: 'Pekerja Sosial',
      level: 'Pekerja Sosial Generalis',
      issuer: 'LSP Kemensos',
      issuedAt: '2025-09-01',
      expiresAt: '2028-09-01',
      status: 'active',
      statusReason: null,
      statusChangedAt: null,
      createdAt: NOW,
      updatedAt: NOW,
      isDemo: false,
    })
    expect(hendra).toMatchObject({
      number: 'LSPS202400007',
      displayNumber: 'lsps/2024/00007',
      holderName: 'Hendra Gunawan',
      nikHash: null,
      level: null,
      status: 'revoked',
      statusReason: 'Dokumen portofolio terbukti tidak sah',
      statusChangedAt: NOW,
    })
    expect(siti).toMatchObject({
      number: 'DEMOLSPS202400009',
      displayNumber: 'DEMO lsps 2024‐00009',
      nikHash: core.vault.hash(WOMAN.nik),
      status: 'suspended',
      statusReason: 'Dalam pemeriksaan kode etik',
    })
    // The NIK is never stored in clear, neither as written nor as its digits. (Not a shorter piece such as the
    // province code: a hash under a random key holds any four digits now and then.)
    const everything = JSON.stringify(await statement(core.db, 'select * from certificates').all())
    for (const nik of [CERTIFICATE.nik, '3273-0155-0680-0002']) {
      expect(everything).not.toContain(nik)
      expect(everything).not.toContain(nik.replace(/\D/g, ''))
    }
    expect(await core.db.select().from(auditLog).where(eq(auditLog.entity, 'certificates'))).toEqual([
      expect.objectContaining({
        actor: 'test',
        action: 'import',
        details: JSON.stringify({ inserted: 3, updated: 0, unchanged: 0, linked: 0 }),
      }),
    ])
  })

  it('is found at once however the number is typed, with the status of the day', async () => {
    await run(
      certificatesFile({}, revoked, { certificate_number: 'LSPS-2019-00001', issued_at: '2019-01-02', expires_at: '2024-01-02' }),
    )
    const today = '2026-11-23'
    for (const typed of ['LSPS-2025-00042', 'lsps 2025 00042', 'LSPS/2025/00042', 'lsps.2025.00042']) {
      expect(await lookUp(core.db, typed, today)).toMatchObject({ kind: 'found', status: 'valid' })
    }
    expect(await lookUp(core.db, 'LSPS-2024-00007', today)).toMatchObject({ kind: 'found', status: 'revoked' })
    expect(await lookUp(core.db, 'LSPS-2019-00001', today)).toMatchObject({ kind: 'found', status: 'expired' })
  })

  it('reads the file as Excel saves it: BOM, semicolons, CRLF, columns in any order, blank rows', async () => {
    const header = 'STATUS;certificate_number;holder_name;nik;birth_date;scheme;level;issued_at;expires_at;status_reason'
    const file = `\uFEFF${header}\r\nactive;LSPS-2025-00042;Budi Santoso;;;Pekerja Sosial;;2025-09-01;2028-09-01;\r\n;;;;;;;;;\r\n\r\n`
    expect(await run(file)).toEqual({ ok: true, inserted: 1, updated: 0, unchanged: 0, linked: 0 })
  })

  it('reports progress: rows checked by line, then written', async () => {
    const calls: [number, number, string][] = []
    await run(certificatesFile({}, revoked), { onProgress: (done, total, phase) => calls.push([done, total, phase]) })
    expect(calls.filter(([, , phase]) => phase === 'check').at(-1)).toEqual([3, 3, 'check'])
    expect(calls.filter(([, , phase]) => phase === 'write')).toEqual([
      [0, 2, 'write'],
      [2, 2, 'write'],
    ])
  })
})

describe('importing again', () => {
  it('updates by number: a changed row is updated, an equal one left, a new one added', async () => {
    await run(certificatesFile({}, revoked))
    const [budi, hendra] = await stored()
    const file = certificatesFile(
      // Typed another way: the same certificate, the printed form updated.
      { certificate_number: 'LSPS 2025 00042', level: 'Ahli Pertama' },
      revoked,
      { certificate_number: 'LSPS-2025-00050', nik: '', birth_date: '' },
    )
    expect(await run(file, { now: LATER })).toEqual({ ok: true, inserted: 1, updated: 1, unchanged: 1, linked: 0 })
    expect(await byNumber('LSPS202500042')).toMatchObject({
      id: budi?.id,
      displayNumber: 'LSPS 2025 00042',
      level: 'Ahli Pertama',
      createdAt: NOW,
      updatedAt: LATER,
      statusChangedAt: null,
    })
    expect(await byNumber('LSPS202400007')).toEqual(hendra)
    expect(await stored()).toHaveLength(3)
    expect(await run(file, { now: LATER })).toEqual({ ok: true, inserted: 0, updated: 0, unchanged: 3, linked: 0 })
  })

  it('a status change sets status_changed_at; the same status keeps it; reinstating clears the reason', async () => {
    await run(certificatesFile({}))
    const suspend = { status: 'suspended', status_reason: 'Pemeriksaan kode etik' }
    expect(await run(certificatesFile(suspend), { now: LATER })).toMatchObject({ updated: 1 })
    expect(await byNumber('LSPS202500042')).toMatchObject({ status: 'suspended', statusChangedAt: LATER })
    const evenLater = new Date('2027-01-05T02:00:00Z')
    await run(certificatesFile({ ...suspend, status_reason: 'Pemeriksaan kode etik (diperpanjang)' }), { now: evenLater })
    expect(await byNumber('LSPS202500042')).toMatchObject({
      statusReason: 'Pemeriksaan kode etik (diperpanjang)',
      statusChangedAt: LATER,
      updatedAt: evenLater,
    })
    await run(certificatesFile({}), { now: evenLater })
    expect(await byNumber('LSPS202500042')).toMatchObject({ status: 'active', statusReason: null, statusChangedAt: evenLater })
  })

  it('a row without NIK keeps the NIK hash and the link on record', async () => {
    const budi = await addBudi()
    expect(await run(certificatesFile({}))).toMatchObject({ linked: 1 })
    expect(await run(certificatesFile({ nik: '', birth_date: '', scheme: 'Pekerja Sosial Ahli' }))).toMatchObject({
      updated: 1,
      linked: 0,
    })
    expect(await byNumber('LSPS202500042')).toMatchObject({
      nikHash: core.vault.hash(CERTIFICATE.nik),
      personId: budi,
      scheme: 'Pekerja Sosial Ahli',
    })
  })

  it('a refused re-import leaves what is stored untouched', async () => {
    await run(certificatesFile({}, revoked))
    const before = stored()
    expect(await run(certificatesFile({ level: 'Ahli Madya' }, { ...revoked, status: 'active' }), { now: LATER })).toMatchObject({
      ok: false,
    })
    expect(await stored()).toEqual(await before)
  })
})

describe('NIK, birth date and people', () => {
  it('links a certificate to the person with the same NIK', async () => {
    const budi = await addBudi()
    expect(await run(certificatesFile({}, revoked))).toEqual({ ok: true, inserted: 2, updated: 0, unchanged: 0, linked: 1 })
    expect((await byNumber('LSPS202500042'))?.personId).toBe(budi)
    expect((await byNumber('LSPS202400007'))?.personId).toBeNull()
  })

  it('links a certificate imported before the person was known, at the next import (with or without the NIK)', async () => {
    await run(certificatesFile({}, { ...revoked, nik: WOMAN.nik, birth_date: WOMAN.birth_date }))
    expect((await stored()).map((c) => c.personId)).toEqual([null, null])
    const budi = await addBudi()
    const siti = written(
      await core.db
        .insert(people)
        .values({ fullName: 'Siti Aminah', nikHash: core.vault.hash(WOMAN.nik) })
        .returning({ id: people.id }),
    ).id
    expect(await run(certificatesFile({}, { ...revoked, nik: '', birth_date: '' }), { now: LATER })).toEqual({
      ok: true,
      inserted: 0,
      updated: 2,
      unchanged: 0,
      linked: 1,
    })
    expect((await stored()).map((c) => c.personId)).toEqual([budi, siti])
  })

  it('a NIK without birth date, and a birth date without NIK, are accepted', async () => {
    const budi = await addBudi()
    expect(await run(certificatesFile({ birth_date: '' }, { ...revoked, birth_date: '1980-06-15' }))).toMatchObject({
      ok: true,
      linked: 1,
    })
    expect((await byNumber('LSPS202500042'))?.personId).toBe(budi)
  })

  it('refuses a NIK on record with another birth date, and nothing is written', async () => {
    await addBudi('1980-06-16')
    const file = certificatesFile(revoked, {}, { certificate_number: 'LSPS-2025-00043', birth_date: '' })
    expect(await run(file)).toEqual({
      ok: false,
      errors: [{ line: 3, column: 'birth_date', message: 'NIK sudah tercatat dengan tanggal lahir lain' }],
    })
    expect(await stored()).toEqual([])
    // Without a birth date in the file there is nothing to contradict: linked.
    expect(await run(certificatesFile(revoked, { birth_date: '' }))).toMatchObject({ ok: true, linked: 1 })
  })
})

describe('bad rows', () => {
  it('reports every bad row with its line and reason, and writes nothing', async () => {
    const file = certificatesFile(
      {}, // line 2: good
      { certificate_number: '', holder_name: '' }, // 3
      { certificate_number: 'LS-1', scheme: '', status: 'aktif' }, // 4
      { certificate_number: 'LSPS#2025', level: 'x'.repeat(201) }, // 5
      { certificate_number: 'LSPS-ABCD', nik: '3273011506800', birth_date: '1980-06-15' }, // 6
      { certificate_number: 'lsps 2025 00042' }, // 7: the number of line 2
      { certificate_number: 'LSPS-2025-00101', nik: '3,27301E+15' }, // 8
      { certificate_number: 'LSPS-2025-00102', birth_date: '1980-06-16' }, // 9
      { certificate_number: 'LSPS-2025-00103', birth_date: '15-06-1980' }, // 10
      { certificate_number: 'LSPS-2025-00104', issued_at: '2025-02-30', expires_at: '2028' }, // 11
      { certificate_number: 'LSPS-2025-00105', issued_at: '2026-11-25' }, // 12: after today
      { certificate_number: 'LSPS-2025-00106', issued_at: '2025-09-01', expires_at: '2025-08-31' }, // 13
      { certificate_number: 'LSPS-2025-00107', status: 'expired' }, // 14
      { certificate_number: 'LSPS-2025-00108', status: 'revoked', status_reason: '' }, // 15
      { certificate_number: 'LSPS-2025-00109', status: 'suspended', status_reason: '  ' }, // 16
      { certificate_number: 'LSPS-2025-00110', status_reason: 'Sudah dipulihkan' }, // 17
      { certificate_number: 'LSPS-2025-00111', holder_name: 'y'.repeat(101), issued_at: '1989-12-31' }, // 18
    )
    const result = await run(file)
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          line: 3,
          column: 'certificate_number',
          message: 'wajib diisi (nomor seperti tertulis di sertifikat, mis. LSPS-2025-00042)',
        },
        { line: 3, column: 'holder_name', message: 'wajib diisi' },
        {
          line: 4,
          column: 'certificate_number',
          message: 'harus 4–40 huruf dan angka, tanpa menghitung pemisah (tertulis "LS-1": 3)',
        },
        { line: 4, column: 'scheme', message: 'wajib diisi' },
        {
          line: 5,
          column: 'certificate_number',
          message: 'hanya huruf, angka, dan pemisah - / . _ atau spasi (tertulis "LSPS#2025")',
        },
        { line: 5, column: 'level', message: 'terlalu panjang: 201 karakter, paling banyak 200' },
        { line: 6, column: 'certificate_number', message: 'harus berisi angka (tertulis "LSPS-ABCD")' },
        { line: 6, column: 'nik', message: 'harus 16 angka (tertulis 13 angka)' },
        {
          line: 7,
          column: 'certificate_number',
          message: 'nomor "lsps 2025 00042" (LSPS202500042) sudah ada di baris 2; setiap certificate_number hanya boleh sekali',
        },
        { line: 8, column: 'nik', message: expect.stringContaining('terbaca sebagai angka (mis. 3,27E+15)') },
        {
          line: 9,
          column: 'birth_date',
          message: 'tidak cocok dengan NIK (angka ke-7 sampai ke-12 adalah tanggal lahir DDMMYY; perempuan: tanggal + 40)',
        },
        { line: 10, column: 'birth_date', message: 'harus tanggal YYYY-MM-DD, mis. 2025-09-01 (tertulis "15-06-1980")' },
        { line: 11, column: 'issued_at', message: 'tanggal itu tidak ada (tertulis "2025-02-30")' },
        { line: 11, column: 'expires_at', message: 'harus tanggal YYYY-MM-DD, mis. 2025-09-01 (tertulis "2028")' },
        { line: 12, column: 'issued_at', message: 'belum tiba (tertulis "2026-11-25"); isi tanggal sertifikat diterbitkan' },
        { line: 13, column: 'expires_at', message: 'tidak boleh sebelum issued_at (tertulis "2025-08-31")' },
        {
          line: 14,
          column: 'status',
          message: 'tidak dikenal (tertulis "expired"); isi active, revoked (dicabut) atau suspended (dibekukan)',
        },
        {
          line: 15,
          column: 'status_reason',
          message: 'wajib diisi untuk status revoked (alasan yang ditampilkan kepada pemeriksa sertifikat)',
        },
        {
          line: 16,
          column: 'status_reason',
          message: 'wajib diisi untuk status suspended (alasan yang ditampilkan kepada pemeriksa sertifikat)',
        },
        { line: 17, column: 'status_reason', message: 'hanya untuk status revoked atau suspended; kosongkan untuk active' },
        { line: 18, column: 'holder_name', message: 'terlalu panjang: 101 karakter, paling banyak 100' },
        { line: 18, column: 'issued_at', message: 'tahun harus 1990–2100 (tertulis "1989-12-31")' },
      ],
    })
    expect(await stored()).toEqual([])
    expect(await core.db.select().from(auditLog)).toEqual([])
  })

  it('counts lines as the file has them: quoted line breaks, blank lines, wrong numbers of values', async () => {
    const header = certificatesFile({}).split('\n')[0]
    const file = [
      header,
      'LSPS-2025-00001,"Budi\nSantoso",,,Pekerja Sosial,,2025-01-02,2028-01-02,active,', // lines 2–3
      '',
      'LSPS-2025-00002,Siti,,,Pekerja Sosial,,2025-01-02,2028-01-02,active', // line 5: 9 values
      'LSPS-2025-00003,"Rina ""Rin"" M.",,,Pekerja Sosial,,2025-01-02,2028-01-02,revoked,', // line 6
    ].join('\n')
    expect(await run(file)).toEqual({
      ok: false,
      errors: [
        { line: 5, message: 'berisi 9 nilai, padahal header 10 kolom (periksa koma dan tanda kutip)' },
        {
          line: 6,
          column: 'status_reason',
          message: 'wajib diisi untuk status revoked (alasan yang ditampilkan kepada pemeriksa sertifikat)',
        },
      ],
    })
  })

  it('a wrong header, an empty file, broken quoting: one clear reason', async () => {
    expect(await run('certificate_number,holder_name\nA1,b\n')).toEqual({
      ok: false,
      errors: [
        { line: 1, message: 'kolom tidak ada: nik, birth_date, scheme, level, issued_at, expires_at, status, status_reason' },
        {
          line: 1,
          message: expect.stringContaining('header harus berisi tepat kolom berikut (urutan bebas): certificate_number,'),
        },
      ],
    })
    expect(await run('')).toEqual({ ok: false, errors: [{ line: 1, message: expect.stringContaining('file kosong') }] })
    const header = certificatesFile({}).split('\n')[0]
    expect(await run(`${header}\nLSPS-1,"Budi,,,x,,2025-01-01,2026-01-01,active,\n`)).toEqual({
      ok: false,
      errors: [{ line: 2, message: 'tanda kutip (") dibuka tetapi tidak ditutup sampai akhir file' }],
    })
  })

  it('without the NIK key (a server without it wired in) a row with a NIK is refused, others pass', async () => {
    expect(await run(certificatesFile({}, revoked), { vault: undefined })).toEqual({
      ok: false,
      errors: [{ line: 2, column: 'nik', message: expect.stringContaining('kunci NIK server tidak tersedia') }],
    })
    expect(await run(certificatesFile(revoked), { vault: undefined })).toMatchObject({ ok: true, inserted: 1 })
  })

  it('one NIK with two birth dates in the file is refused on the later line', async () => {
    const result = await run(
      certificatesFile(
        { birth_date: '' },
        { certificate_number: 'LSPS-2025-00043' },
        { certificate_number: 'LSPS-2025-00044', nik: '3273011506800001', birth_date: '2080-06-15' },
      ),
    )
    expect(result).toMatchObject({ ok: false, errors: [{ line: 4, column: 'birth_date' }] })
  })
})
