import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ANDI, examsFile, PEOPLE_FILE, YOHANES } from '../support/exams-csv.js'
import { run, tempFolderEachTest } from '../support/programs.js'

const KEY = '0f'.repeat(32)

const temp = tempFolderEachTest('exams-cli')

const cli = (...args: string[]) =>
  run('src/cli.ts', args, { ...temp.store, DEMO_DATA: 'false', DATA_ENCRYPTION_KEY: KEY }, 20_000)

const query = <T>(sql: string) => temp.rows<T>(sql)

type StoredExam = { code: string; full_name: string; kind: string; status: string; starts_at: number; time_zone: string }
const storedExams = async () =>
  (
    await query<StoredExam>(
      'select e.code, p.full_name, e.kind, e.status, e.starts_at, e.time_zone from exams e join people p on p.id = e.person_id order by e.code',
    )
  ).map((e) => ({ ...e, starts_at: new Date(e.starts_at).toISOString() }))

describe('npm run cli -- import exams', () => {
  it('loads exams for people imported before; again, nothing changes; a moved time and a cancellation are updates', async () => {
    expect((await cli('import', 'status', temp.file('status.csv', PEOPLE_FILE))).exit.code).toBe(0)
    const rows = [
      { time_zone: 'WIB' },
      {
        exam_code: 'WWC-MKS-2027-0001',
        nik: ANDI.nik,
        kind: 'wawancara',
        mode: 'luring',
        venue: 'BBPPKS Makassar',
        meeting_url: '',
      },
      { exam_code: 'UJK-JPR-2027-0001', nik: YOHANES.nik, time_zone: 'WIT' },
    ]
    const good = temp.file('ujian.csv', examsFile(...rows))
    const imported = await cli('import', 'exams', good)
    expect(imported.exit).toEqual({ code: 0, signal: null })
    expect(imported.stdout).toBe('3 jadwal ujian ditambahkan, 0 diperbarui, 0 tidak berubah.\n')
    // stderr is not a terminal here: no progress bar.
    expect(imported.stderr).toBe('')
    expect(await storedExams()).toEqual([
      {
        code: 'UJK-BDG-2027-0001',
        full_name: 'Budi Santoso',
        kind: 'ujian_kognitif',
        status: 'scheduled',
        starts_at: '2027-03-10T02:00:00.000Z',
        time_zone: 'Asia/Jakarta',
      },
      {
        code: 'UJK-JPR-2027-0001',
        full_name: 'Yohanes Wenda',
        kind: 'ujian_kognitif',
        status: 'scheduled',
        starts_at: '2027-03-10T00:00:00.000Z',
        time_zone: 'Asia/Jayapura',
      },
      {
        code: 'WWC-MKS-2027-0001',
        full_name: 'Andi Nurhaliza',
        kind: 'wawancara',
        status: 'scheduled',
        starts_at: '2027-03-10T01:00:00.000Z',
        time_zone: 'Asia/Makassar',
      },
    ])

    const again = await cli('import', 'exams', good)
    expect(again.stdout).toBe('0 jadwal ujian ditambahkan, 0 diperbarui, 3 tidak berubah.\n')

    const [budi, andi, yohanes] = rows
    const changed = examsFile({ ...budi, starts_at: '2027-03-12 13:00' }, { ...andi, status: 'batal' }, { ...yohanes })
    const updated = await cli('import', 'exams', temp.file('ujian-2.csv', changed))
    expect(updated.stdout).toBe('0 jadwal ujian ditambahkan, 2 diperbarui, 1 tidak berubah.\n')
    expect((await storedExams()).map((e) => [e.code, e.status, e.starts_at])).toEqual([
      ['UJK-BDG-2027-0001', 'scheduled', '2027-03-12T06:00:00.000Z'],
      ['UJK-JPR-2027-0001', 'scheduled', '2027-03-10T00:00:00.000Z'],
      ['WWC-MKS-2027-0001', 'cancelled', '2027-03-10T01:00:00.000Z'],
    ])
    expect(await query<{ actor: string }>("select actor from audit_log where entity = 'exams'")).toHaveLength(3)
  })

  it('refuses a bad file: every bad row with its line on stderr, no NIK, exit 1, nothing written', async () => {
    expect((await cli('import', 'status', temp.file('status.csv', PEOPLE_FILE))).exit.code).toBe(0)
    const bad = temp.file(
      'ujian-salah.csv',
      examsFile(
        {},
        { exam_code: 'UJK-2', nik: '3273015506800002' }, // a valid NIK of no one on record
        { exam_code: 'UJK-3', kind: 'praktik', time_zone: 'WITA Makassar' },
      ),
    )
    const result = await cli('import', 'exams', bad)
    expect(result.exit).toEqual({ code: 1, signal: null })
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')).toEqual([
      'baris 3: kolom nik: belum tercatat: impor dulu status sertifikasi orang ini (npm run cli -- import status), lalu impor jadwal ujian ini lagi',
      expect.stringMatching(/^baris 4: kolom kind: tidak dikenal \(tertulis "praktik"\); isi ujian_kognitif/),
      expect.stringMatching(/^baris 4: kolom time_zone: tidak dikenal \(tertulis "WITA Makassar"\); isi WIB, WITA, WIT/),
      '2 baris ditolak; tidak ada yang disimpan.',
      '',
    ])
    expect(result.stderr).not.toContain('3273015506800002')
    expect(await query('select id from exams')).toEqual([])
  })

  it('a missing file is one clear line and exit code 2', async () => {
    const result = await cli('import', 'exams', join(temp.dir, 'tidak-ada.csv'))
    expect(result.exit).toEqual({ code: 2, signal: null })
    expect(result.stderr).toBe(`${join(temp.dir, 'tidak-ada.csv')}: file tidak ditemukan\n`)
  })
})
