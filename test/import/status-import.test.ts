/**
 * The certification status file: people (NIK only hashed and encrypted) and their histories, dates
 * in each person's zone, idempotent re-imports, every bad row reported with its line and nothing
 * written, birth dates against the NIK and the record, and one message to a linked person whose
 * current stage changed.
 */
import { readFileSync } from 'node:fs'
import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { importStatus, type StatusImportOptions } from '../../src/core/status/import.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { linkChat } from '../../src/db/queries/chat-links.js'
import { upsertPerson } from '../../src/db/queries/people.js'
import { auditLog, certificationStages, outbox, people } from '../../src/db/schema.js'
import { testCore } from '../support/core.js'
import { bulkStatusFile, nthPerson, STATUS, statusFile, WOMAN } from '../support/status-csv.js'
import { everyText } from '../support/store.js'

const NOW = new Date('2026-11-23T05:00:00Z')

let core: Core
beforeEach(async () => {
  core = await testCore()
})
afterEach(() => closeDatabase(core.db))

const run = (input: string | Uint8Array, options: Partial<StatusImportOptions> = {}) =>
  importStatus(core.db, input, { actor: 'test', vault: core.vault, now: NOW, reminders: DEFAULT_REMINDER_SETTINGS, ...options })
const allPeople = async () => await core.db.select().from(people).orderBy(asc(people.id))
const personOf = async (nik: string) =>
  (
    await core.db
      .select()
      .from(people)
      .where(eq(people.nikHash, core.vault.hash(nik)))
      .limit(1)
  )[0]
const historyOf = async (personId: number | undefined) =>
  (
    await core.db
      .select()
      .from(certificationStages)
      .where(eq(certificationStages.personId, personId ?? -1))
      .orderBy(asc(certificationStages.reachedAt), asc(certificationStages.id))
  ).map((s) => ({
    stage: s.stage,
    reachedAt: s.reachedAt.toISOString(),
    dueAt: s.dueAt?.toISOString() ?? null,
    note: s.note,
  }))
const outboxRows = async () => await core.db.select().from(outbox).orderBy(asc(outbox.id))
const nothingStored = async () => {
  expect(await allPeople()).toEqual([])
  expect(await core.db.select().from(certificationStages)).toEqual([])
  expect(await core.db.select().from(auditLog)).toEqual([])
}

/** Links a chat to the person with this NIK, as proving one's identity in the chat does. */
async function link(nik: string, chatId: string, language: 'id' | 'en' = 'id'): Promise<number> {
  const person = await personOf(nik)
  if (!person) throw new Error('no such person')
  await linkChat(core.db, {
    channel: 'console',
    userId: chatId,
    chatId,
    personId: person.id,
    language,
    now: NOW,
    expiresAt: new Date(NOW.getTime() + 365 * 86_400_000),
    proved: true,
  })
  return person.id
}

describe('a valid status file', () => {
  it('creates people with their histories; the NIK is stored only as a keyed hash and a ciphertext', async () => {
    const file = statusFile(
      { stage: 'terdaftar', stage_date: '2026-01-05', note: 'Berkas diterima' },
      { stage: 'Seleksi Administrasi', stage_date: '2026-02-01' },
      { stage: 'portofolio', stage_date: '2026-04-20', due_date: '2026-05-31', note: 'Lengkapi bukti praktik\nunit 3 dan 4' },
      {
        ...WOMAN,
        phone: '',
        province: '',
        regency: '',
        profession_group: '',
        institution: '',
        stage: 'terdaftar',
        stage_date: '2026-10-01',
      },
    )
    expect(await run(file)).toEqual({
      ok: true,
      peopleAdded: 2,
      peopleUpdated: 0,
      stagesAdded: 4,
      stagesUpdated: 0,
      peopleNotified: 0,
      messagesQueued: 0,
    })

    const [budi, siti] = await allPeople()
    expect(budi).toMatchObject({
      fullName: 'Budi Santoso',
      nikHash: core.vault.hash(STATUS.nik),
      birthDate: '1980-06-15',
      phoneE164: '+6281234567890',
      provinceCode: '32',
      regency: 'Kota Bandung',
      professionGroup: 'pekerja sosial',
      institution: 'Dinas Sosial Kota Bandung',
      timeZone: 'Asia/Jakarta',
      isDemo: false,
    })
    expect(core.vault.decrypt(budi?.nikCiphertext ?? '')).toBe(STATUS.nik)
    expect(siti).toMatchObject({
      fullName: 'Siti Aminah',
      nikHash: core.vault.hash(WOMAN.nik),
      birthDate: '1980-06-15',
      phoneE164: null,
      provinceCode: null,
      professionGroup: null,
      timeZone: 'Asia/Jakarta',
    })
    // Not one column of any table holds a NIK in clear.
    const everything = JSON.stringify(await everyText(core.db))
    expect(everything).not.toContain(STATUS.nik)
    expect(everything).not.toContain(WOMAN.nik)

    // 00:00 of the day in WIB (UTC+7); a deadline at 23:59.
    expect(await historyOf(budi?.id)).toEqual([
      { stage: 'terdaftar', reachedAt: '2026-01-04T17:00:00.000Z', dueAt: null, note: 'Berkas diterima' },
      { stage: 'seleksi_administrasi', reachedAt: '2026-01-31T17:00:00.000Z', dueAt: null, note: null },
      {
        stage: 'portofolio',
        reachedAt: '2026-04-19T17:00:00.000Z',
        dueAt: '2026-05-31T16:59:00.000Z',
        note: 'Lengkapi bukti praktik\nunit 3 dan 4',
      },
    ])
    expect(await historyOf(siti?.id)).toEqual([
      { stage: 'terdaftar', reachedAt: '2026-09-30T17:00:00.000Z', dueAt: null, note: null },
    ])
    expect(await core.db.select().from(auditLog)).toEqual([
      expect.objectContaining({ actor: 'test', action: 'import', entity: 'certification_stages' }),
    ])
  })

  it("keeps each person's dates in the zone of their province (WIB, WITA, WIT), WIB without one", async () => {
    const people = [0, 1, 2, 3].map(nthPerson)
    const row = (i: number, province: string) => ({
      nik: people[i]?.nik,
      birth_date: people[i]?.birthDate,
      province,
      stage: 'portofolio',
      stage_date: '2026-03-10',
      due_date: '2026-03-31',
    })
    expect(await run(statusFile(row(0, 'Sulawesi Selatan'), row(1, '91'), row(2, ''), row(3, 'kalbar')))).toMatchObject({
      ok: true,
    })
    const stored = await Promise.all(people.map((p) => personOf(p.nik)))
    expect(stored.map((p) => p?.timeZone)).toEqual(['Asia/Makassar', 'Asia/Jayapura', 'Asia/Jakarta', 'Asia/Pontianak'])
    expect(await Promise.all(stored.map(async (p) => (await historyOf(p?.id))[0]))).toEqual([
      expect.objectContaining({ reachedAt: '2026-03-09T16:00:00.000Z', dueAt: '2026-03-31T15:59:00.000Z' }),
      expect.objectContaining({ reachedAt: '2026-03-09T15:00:00.000Z', dueAt: '2026-03-31T14:59:00.000Z' }),
      expect.objectContaining({ reachedAt: '2026-03-09T17:00:00.000Z', dueAt: '2026-03-31T16:59:00.000Z' }),
      expect.objectContaining({ reachedAt: '2026-03-09T17:00:00.000Z', dueAt: '2026-03-31T16:59:00.000Z' }),
    ])
  })

  it('accepts the stage names as people write them, storing the stage itself', async () => {
    const stages = [
      ['Terdaftar', 'terdaftar'],
      ['seleksi administrasi', 'seleksi_administrasi'],
      ['BIMTEK', 'bimtek'],
      ['Ujian Kognitif', 'ujian_kognitif'],
      ['portfolio', 'portofolio'],
      ['Wawancara', 'wawancara'],
      ['belum_kompeten', 'belum_kompeten'],
      ['Belum Kompeten', 'belum_kompeten'],
      ['BK', 'belum_kompeten'],
      ['Kompeten', 'kompeten'],
      ['Sertifikat terbit', 'sertifikat_terbit'],
      ['Kedaluwarsa', 'kedaluwarsa'],
      ['kadaluarsa', 'kedaluwarsa'],
    ] as const
    const file = statusFile(
      ...stages.map(([label], i) => ({
        stage: label,
        stage_date: `2025-${String(1 + (i % 12)).padStart(2, '0')}-0${1 + (i >> 3)}`,
      })),
    )
    expect(await run(file)).toMatchObject({ ok: true, stagesAdded: stages.length })
    expect((await core.db.select().from(certificationStages).orderBy(asc(certificationStages.id))).map((s) => s.stage)).toEqual(
      stages.map(([, stage]) => stage),
    )
  })

  it('reads profession groups with the vocabulary of the sessions file', async () => {
    const rows = ['Peksos', 'TKSK', 'Pendamping PKH', 'umum'].map((group, i) => ({
      nik: nthPerson(i).nik,
      birth_date: nthPerson(i).birthDate,
      profession_group: group,
    }))
    expect(await run(statusFile(...rows))).toMatchObject({ ok: true })
    expect((await allPeople()).map((p) => p.professionGroup)).toEqual([
      'pekerja sosial',
      'relawan sosial',
      'pendamping pkh',
      'lainnya',
    ])
  })

  it('is idempotent: a re-import updates the same stages, and changes only what the file changes', async () => {
    const first = statusFile(
      { stage: 'terdaftar', stage_date: '2026-01-05', note: 'Berkas diterima' },
      { stage: 'portofolio', stage_date: '2026-04-20', due_date: '2026-05-31' },
    )
    expect(await run(first)).toMatchObject({ ok: true, peopleAdded: 1, stagesAdded: 2, stagesUpdated: 0 })
    const before = { people: await allPeople(), history: await historyOf((await personOf(STATUS.nik))?.id) }
    expect(await run(first)).toEqual({
      ok: true,
      peopleAdded: 0,
      peopleUpdated: 0,
      stagesAdded: 0,
      stagesUpdated: 2,
      peopleNotified: 0,
      messagesQueued: 0,
    })
    expect({ people: await allPeople(), history: await historyOf((await personOf(STATUS.nik))?.id) }).toEqual(before)

    // A new deadline and note; empty person cells leave the stored values; a new stage is added.
    const second = statusFile(
      { stage: 'Terdaftar', stage_date: '2026-01-05', note: '', phone: '', institution: '' },
      { stage: 'portofolio', stage_date: '2026-04-20', due_date: '2026-06-15', note: 'Diperpanjang' },
      // A person's last row gives their name (and, when not empty, each other field).
      { stage: 'wawancara', stage_date: '2026-07-01', phone: '0813 1111 2222', full_name: 'Budi  Santosa' },
    )
    expect(await run(second)).toMatchObject({ ok: true, peopleAdded: 0, peopleUpdated: 1, stagesAdded: 1, stagesUpdated: 2 })
    const person = await personOf(STATUS.nik)
    expect(person).toMatchObject({
      id: before.people[0]?.id,
      fullName: 'Budi Santosa',
      phoneE164: '+6281311112222',
      institution: 'Dinas Sosial Kota Bandung',
      nikCiphertext: before.people[0]?.nikCiphertext,
    })
    expect(await historyOf(person?.id)).toEqual([
      { stage: 'terdaftar', reachedAt: '2026-01-04T17:00:00.000Z', dueAt: null, note: null },
      { stage: 'portofolio', reachedAt: '2026-04-19T17:00:00.000Z', dueAt: '2026-06-15T16:59:00.000Z', note: 'Diperpanjang' },
      { stage: 'wawancara', reachedAt: '2026-06-30T17:00:00.000Z', dueAt: null, note: null },
    ])
    expect(await allPeople()).toHaveLength(1)
  })

  it('moves the stored stages to the new zone when a person moves province', async () => {
    await run(statusFile({ province: 'Jawa Barat', stage_date: '2026-03-10' }))
    expect(await run(statusFile({ province: 'Papua', stage_date: '2026-03-10' }))).toMatchObject({
      stagesAdded: 0,
      stagesUpdated: 1,
    })
    expect(await historyOf((await personOf(STATUS.nik))?.id)).toEqual([
      expect.objectContaining({ reachedAt: '2026-03-09T15:00:00.000Z' }),
    ])
  })

  it('fills in a person who registered in the chat, keeping their NIK ciphertext', async () => {
    const created = await upsertPerson(
      core.db,
      {
        nikHash: core.vault.hash(STATUS.nik),
        nikCiphertext: core.vault.encrypt(STATUS.nik),
        fullName: 'Budi',
        birthDate: STATUS.birth_date,
        phoneE164: '+6281200000000',
        provinceCode: '73',
        regency: 'Kota Makassar',
        professionGroup: 'tks',
        institution: 'LKS',
        timeZone: 'Asia/Makassar',
      },
      NOW,
    )
    const ciphertext = (await personOf(STATUS.nik))?.nikCiphertext
    expect(await run(statusFile({ province: '', regency: '', phone: '' }))).toMatchObject({
      ok: true,
      peopleAdded: 0,
      peopleUpdated: 1,
    })
    expect(await allPeople()).toEqual([
      expect.objectContaining({
        id: created.ok ? created.personId : -1,
        fullName: 'Budi Santoso',
        nikCiphertext: ciphertext,
        phoneE164: '+6281200000000',
        provinceCode: '73',
        regency: 'Kota Makassar',
        professionGroup: 'pekerja sosial',
        timeZone: 'Asia/Makassar',
      }),
    ])
    // The stage date is a day in the person's zone (WITA, from the record).
    expect((await historyOf((await personOf(STATUS.nik))?.id))[0]?.reachedAt).toBe('2026-03-09T16:00:00.000Z')
  })

  it('includes the sample file of docs/import-formats.md', async () => {
    const section = readFileSync('docs/import-formats.md', 'utf8').split('## Certification status')[1] ?? ''
    const sample = section.match(/```csv\n([\s\S]*?)```/)?.[1]
    expect(await run(sample ?? '')).toMatchObject({ ok: true, peopleAdded: 2, stagesAdded: 5 })
  })

  it('imports 100,000 rows in one go', async () => {
    const result = await run(bulkStatusFile(20_000, 5))
    expect(result).toMatchObject({ ok: true, peopleAdded: 20_000, stagesAdded: 100_000 })
    expect(await statement(core.db, 'select count(*) as n from certification_stages').get()).toEqual({ n: 100_000 })
  }, 60_000)
})

describe('a file with bad rows', () => {
  it('reports every bad row with its line and reason, counting line breaks in quoted fields, and writes nothing', async () => {
    const file = statusFile(
      { stage: 'terdaftar', stage_date: '2026-01-05' }, // line 2: good
      { nik: '327301150680001', full_name: '' }, // line 3
      { nik: '3273011506800003', birth_date: '1980-06-16', phone: '021-555-1234' }, // line 4
      { note: 'Catatan\nberbaris\ndua', stage: 'lulus', stage_date: '2026-13-01' }, // lines 5–7
      { nik: '3,27301E+15', province: 'Atlantis', profession_group: 'dokter' }, // line 8
      { stage: 'portofolio', stage_date: '2026-05-01', due_date: '2026-04-30', note: 'x'.repeat(501) }, // line 9
      { stage: 'wawancara', stage_date: '2026-12-01' }, // line 10: not yet
      { birth_date: '15-06-1980', stage_date: '2026/01/05' }, // line 11
      { nik: '9973011506800001' }, // line 12
      { ...WOMAN, birth_date: '1980-06-15', stage: 'terdaftar', stage_date: '2026-01-05' }, // line 13: good
      { nik: '3273011506800004', stage: 'Bimtek', stage_date: '2026-03-10' }, // line 14: good
    )
    const result = await run(file)
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 3, column: 'nik', message: 'harus 16 angka (tertulis 15 angka)' },
        { line: 3, column: 'full_name', message: 'wajib diisi' },
        { line: 4, column: 'birth_date', message: expect.stringMatching(/^tidak cocok dengan NIK/) },
        { line: 4, column: 'phone', message: 'harus nomor HP (08…), bukan telepon rumah atau kantor' },
        {
          line: 5,
          column: 'stage',
          message: expect.stringMatching(
            /^tidak dikenal \(tertulis "lulus"\); isi salah satu dari: terdaftar, seleksi administrasi, bimtek,/,
          ),
        },
        { line: 5, column: 'stage_date', message: 'tanggal itu tidak ada (tertulis "2026-13-01")' },
        { line: 8, column: 'nik', message: expect.stringContaining('format kolom nik sebagai Teks') },
        { line: 8, column: 'province', message: expect.stringContaining('tidak dikenal (tertulis "Atlantis")') },
        {
          line: 8,
          column: 'profession_group',
          message: expect.stringContaining('isi salah satu dari: pekerja sosial, penyuluh sosial'),
        },
        { line: 9, column: 'due_date', message: 'tidak boleh sebelum stage_date (tertulis "2026-04-30")' },
        { line: 9, column: 'note', message: 'terlalu panjang: 501 karakter, paling banyak 500' },
        { line: 10, column: 'stage_date', message: expect.stringMatching(/^belum tiba \(tertulis "2026-12-01"\)/) },
        { line: 11, column: 'birth_date', message: 'harus tanggal YYYY-MM-DD, mis. 1980-06-15' },
        { line: 11, column: 'stage_date', message: 'harus tanggal YYYY-MM-DD, mis. 2026-11-23 (tertulis "2026/01/05")' },
        { line: 12, column: 'nik', message: 'dua angka pertama bukan kode provinsi yang dikenal' },
      ],
    })
    await nothingStored()
  })

  it('never repeats a NIK, birth date or phone number in a message', async () => {
    const result = await run(statusFile({ nik: '3273019906800001', birth_date: '1980-02-30', phone: '08991' }))
    expect(result).toMatchObject({ ok: false, errors: [{ column: 'nik' }, { column: 'birth_date' }, { column: 'phone' }] })
    const text = JSON.stringify(result)
    for (const value of ['3273019906800001', '1980-02-30', '08991']) expect(text).not.toContain(value)
  })

  it('checks the birth date against the NIK: the day + 40 for women', async () => {
    const result = await run(
      statusFile(
        { ...WOMAN }, // good
        { ...WOMAN, nik: '3273011506800002' }, // a man's NIK for the same day: good
        { ...WOMAN, nik: '3273015506800003', birth_date: '1980-06-55' },
        { ...WOMAN, nik: '3273015506800004', birth_date: '2080-06-15' },
        { ...WOMAN, nik: '3273015506800005', birth_date: '1981-06-15' },
      ),
    )
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 4, column: 'birth_date', message: 'tanggal itu tidak ada atau di luar tahun 1900–sekarang' },
        { line: 5, column: 'birth_date', message: 'tanggal itu tidak ada atau di luar tahun 1900–sekarang' },
        { line: 6, column: 'birth_date', message: expect.stringMatching(/^tidak cocok dengan NIK/) },
      ],
    })
  })

  // Born on 15 June '05: 1905 and 2005 both fit the NIK.
  const young = { nik: '3273011506050001', birth_date: '2005-06-15' }

  it('refuses two birth dates for one NIK in the file, on the later line', async () => {
    const result = await run(
      statusFile(
        { ...young, stage: 'terdaftar', stage_date: '2026-01-05' },
        { ...young, stage: 'bimtek', stage_date: '2026-03-10', birth_date: '1805-06-15' },
        { ...young, stage: 'wawancara', stage_date: '2026-05-10' },
        { ...young, stage: 'ujian kognitif', stage_date: '2026-04-10', birth_date: '1905-06-15' },
      ),
    )
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 3, column: 'birth_date', message: 'tanggal itu tidak ada atau di luar tahun 1900–sekarang' },
        { line: 5, column: 'birth_date', message: 'berbeda dengan baris 2 untuk NIK yang sama (satu orang, satu tanggal lahir)' },
      ],
    })
    await nothingStored()
  })

  it('refuses a NIK already on record with another birth date, for each of its rows', async () => {
    await core.db
      .insert(people)
      .values({ fullName: 'Budi', nikHash: core.vault.hash(young.nik), birthDate: '1905-06-15', createdAt: NOW, updatedAt: NOW })
    const before = await allPeople()
    const result = await run(
      statusFile(
        { ...WOMAN, stage: 'terdaftar' },
        { ...young, stage: 'terdaftar', stage_date: '2026-01-05' },
        { ...young, stage: 'bimtek', stage_date: '2026-03-10' },
      ),
    )
    expect(result).toEqual({
      ok: false,
      errors: [
        { line: 3, column: 'birth_date', message: 'NIK sudah tercatat dengan tanggal lahir lain' },
        { line: 4, column: 'birth_date', message: 'NIK sudah tercatat dengan tanggal lahir lain' },
      ],
    })
    expect(await allPeople()).toEqual(before)
    expect(await core.db.select().from(certificationStages)).toEqual([])
  })

  it('refuses the same stage on the same day twice for one person', async () => {
    const result = await run(
      statusFile({ stage: 'bimtek' }, { stage: 'Bimtek', note: 'lagi' }, { stage: 'bimtek', stage_date: '2026-03-11' }),
    )
    expect(result).toEqual({
      ok: false,
      errors: [{ line: 3, column: 'stage', message: 'tahap dan stage_date yang sama untuk NIK ini sudah ada di baris 2' }],
    })
  })

  it('leaves what is stored as it was', async () => {
    await run(statusFile({ stage: 'bimtek', note: 'lama' }))
    const before = { people: await allPeople(), stages: await core.db.select().from(certificationStages) }
    expect(await run(statusFile({ stage: 'bimtek', note: 'baru', full_name: 'Nama Baru' }, { stage: 'x' }))).toMatchObject({
      ok: false,
    })
    expect({ people: await allPeople(), stages: await core.db.select().from(certificationStages) }).toEqual(before)
    expect(await core.db.select().from(auditLog)).toHaveLength(1)
  })

  it('reports header mistakes on line 1', async () => {
    const file = statusFile({}).replace(',note', ',catatan')
    expect(await run(file)).toEqual({
      ok: false,
      errors: [
        { line: 1, message: 'kolom tidak dikenal: catatan' },
        { line: 1, message: 'kolom tidak ada: note' },
        { line: 1, message: expect.stringMatching(/^header harus berisi tepat kolom berikut \(urutan bebas\): nik,full_name,/) },
      ],
    })
  })
})

describe('telling people their stage changed', () => {
  const budi = { stage: 'bimtek', stage_date: '2026-03-10' }
  const siti = { ...WOMAN, stage: 'bimtek', stage_date: '2026-03-12', province: 'Sulawesi Selatan' }

  it('queues one message for a linked person whose current stage changed, none for others, none again', async () => {
    await run(statusFile(budi, siti))
    const budiId = await link(STATUS.nik, 'chat-budi')
    const sitiId = await link(WOMAN.nik, 'chat-siti', 'en')
    const unlinked = nthPerson(7)
    const other = { nik: unlinked.nik, birth_date: unlinked.birthDate, stage: 'kompeten', stage_date: '2026-09-01' }

    const moved = statusFile(
      budi,
      { stage: 'ujian kognitif', stage_date: '2026-05-02' },
      { stage: 'Kompeten', stage_date: '2026-09-01' },
      siti,
      { ...siti, stage: 'terdaftar', stage_date: '2026-01-05' }, // older than her current stage: nothing to tell
      other,
    )
    expect(await run(moved)).toMatchObject({ ok: true, peopleAdded: 1, stagesAdded: 4, peopleNotified: 1, messagesQueued: 1 })
    const kompeten = (await historyOf(budiId)).at(-1)
    expect(await outboxRows()).toEqual([
      expect.objectContaining({
        idempotencyKey: `status:${budiId}:kompeten:${Date.parse(kompeten?.reachedAt ?? '')}:console:chat-budi`,
        channel: 'console',
        chatId: 'chat-budi',
        personId: budiId,
        kind: 'status_changed',
        status: 'pending',
        dueAt: NOW,
      }),
    ])
    expect(JSON.parse((await outboxRows())[0]?.payload ?? '{}')).toEqual({
      text: '🔔 Status sertifikasi Anda diperbarui: *Kompeten* (Selasa, 1 September 2026).\n\nKetik "status" untuk melihat rinciannya dan langkah berikutnya.',
    })

    // The same file again changes nothing and tells no one.
    expect(await run(moved)).toMatchObject({ ok: true, stagesAdded: 0, peopleNotified: 0, messagesQueued: 0 })
    expect(await outboxRows()).toHaveLength(1)

    // Siti (chat in English, WITA) moves on: one message in her language, her date.
    expect(await run(statusFile({ ...siti, stage: 'Belum Kompeten', stage_date: '2026-10-31' }))).toMatchObject({
      messagesQueued: 1,
    })
    const last = (await outboxRows()).at(-1)
    expect(last).toMatchObject({ personId: sitiId, chatId: 'chat-siti', kind: 'status_changed' })
    expect(JSON.parse(last?.payload ?? '{}').text).toContain(
      'Your certification status was updated: *Not yet competent* (Saturday, 31 October 2026)',
    )
  })

  it('tells every chat of a person once, and not a chat that blocked the assistant', async () => {
    await run(statusFile(budi))
    const id = await link(STATUS.nik, 'chat-1')
    await link(STATUS.nik, 'chat-2')
    await link(STATUS.nik, 'chat-3')
    await statement(core.db, "update channel_identities set blocked_at = 1 where chat_id = 'chat-3'").run()
    expect(await run(statusFile({ stage: 'wawancara', stage_date: '2026-06-01' }))).toMatchObject({
      peopleNotified: 1,
      messagesQueued: 2,
    })
    expect((await outboxRows()).map((row) => [row.personId, row.chatId])).toEqual([
      [id, 'chat-1'],
      [id, 'chat-2'],
    ])
  })

  it('tells a person registered in the chat about their first stage', async () => {
    await upsertPerson(
      core.db,
      {
        nikHash: core.vault.hash(STATUS.nik),
        nikCiphertext: core.vault.encrypt(STATUS.nik),
        fullName: 'Budi',
        birthDate: STATUS.birth_date,
        // The number the file carries: a different one would end the chat's link (see below).
        phoneE164: '+6281234567890',
        provinceCode: '32',
        regency: 'Kota Bandung',
        professionGroup: 'tks',
        institution: 'LKS',
        timeZone: 'Asia/Jakarta',
      },
      NOW,
    )
    await link(STATUS.nik, 'chat-1')
    expect(await run(statusFile({ stage: 'seleksi administrasi', stage_date: '2026-11-23' }))).toMatchObject({
      messagesQueued: 1,
    })
    expect(JSON.parse((await outboxRows())[0]?.payload ?? '{}').text).toContain(
      '*Seleksi administrasi* (Senin, 23 November 2026)',
    )
  })

  it('queues nothing for an import that is refused', async () => {
    await run(statusFile(budi))
    await link(STATUS.nik, 'chat-budi')
    expect(await run(statusFile({ stage: 'kompeten', stage_date: '2026-09-01' }, { nik: '123' }))).toMatchObject({ ok: false })
    expect(await outboxRows()).toEqual([])
  })
})
