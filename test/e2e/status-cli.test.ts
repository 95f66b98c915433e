/**
 * `npm run cli -- import status FILE.csv` and `status show` as real processes on a database file,
 * next to a running server and the terminal chat: the CLI hashes NIKs with the server's key, the
 * chat sees an import at once, and a linked person whose stage changes gets a message queued.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createNikVault, parseDataKey } from '../../src/core/privacy/nik-vault.js'
import { run, runChat, start, tempFolderEachTest } from '../support/programs.js'
import { STATUS, statusFile, WOMAN } from '../support/status-csv.js'

const KEY = '0f'.repeat(32)

const temp = tempFolderEachTest('status-cli')

const cli = (args: string[], env: Record<string, string> = { DATA_ENCRYPTION_KEY: KEY }) =>
  run('src/cli.ts', args, { ...temp.store, DEMO_DATA: 'false', ...env }, 20_000)

const query = <T>(sql: string) => temp.rows<T>(sql)

const budi = [
  { stage: 'terdaftar', stage_date: '2026-01-05' },
  { stage: 'Seleksi administrasi', stage_date: '2026-02-01', note: 'Berkas lengkap' },
  { stage: 'portofolio', stage_date: '2026-04-20', due_date: '2026-05-31' },
]
const siti = { ...WOMAN, province: 'Sulawesi Selatan', stage: 'Bimtek', stage_date: '2026-03-10' }

describe('npm run cli -- import status', () => {
  it('loads a good file (NIKs hashed with the key of the configuration), again as updates; status show prints no NIK', async () => {
    const good = temp.file('status.csv', statusFile(...budi, siti))
    const imported = await cli(['import', 'status', good])
    expect(imported.exit).toEqual({ code: 0, signal: null })
    expect(imported.stdout).toBe('2 orang, 4 tahap ditambahkan, 0 diperbarui.\n')
    // stderr is not a terminal here: no progress bar.
    expect(imported.stderr).toBe('')
    const vault = createNikVault(Buffer.from(KEY, 'hex'))
    expect((await query<{ nik_hash: string }>('select nik_hash from people order by id')).map((p) => p.nik_hash)).toEqual([
      vault.hash(STATUS.nik),
      vault.hash(WOMAN.nik),
    ])

    const again = await cli(['import', 'status', good])
    expect(again.stdout).toBe('0 orang, 0 tahap ditambahkan, 4 diperbarui.\n')

    const shown = await cli(['status', 'show', '3273 0115 0680 0001'])
    expect(shown.exit.code).toBe(0)
    expect(shown.stdout).toBe(
      [
        'Budi Santoso  (Jawa Barat · Kota Bandung · pekerja sosial · Dinas Sosial Kota Bandung)',
        '  belum terhubung ke chat · tanggal dalam WIB',
        '',
        '  2026-01-05  Terdaftar',
        '  2026-02-01  Seleksi administrasi',
        '      Berkas lengkap',
        '  2026-04-20  Portofolio  batas 2026-05-31',
        '',
        'Tahap sekarang: Portofolio.',
        '',
      ].join('\n'),
    )
    expect(shown.stdout).not.toContain('0001')

    const unknown = await cli(['status', 'show', '3273011506800009'])
    expect(unknown).toMatchObject({ exit: { code: 1 }, stdout: '', stderr: 'Tidak ada orang dengan NIK itu.\n' })
    const invalid = await cli(['status', 'show', '12345'])
    expect(invalid.exit.code).toBe(2)
  })

  it('refuses a bad file: every bad row with its line on stderr, exit 1, nothing written', async () => {
    const bad = temp.file(
      'status-salah.csv',
      statusFile(
        ...budi,
        { stage: 'lulus', note: 'Catatan\ndua baris' }, // lines 5–6
        { ...siti, birth_date: '1980-06-16' }, // line 7
        { ...siti, nik: '3273015506800', stage_date: '2026-02-30' }, // line 8
      ),
    )
    const result = await cli(['import', 'status', bad])
    expect(result.exit).toEqual({ code: 1, signal: null })
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^baris 5: kolom stage: tidak dikenal \(tertulis "lulus"\); isi salah satu dari: terdaftar, /),
      expect.stringMatching(/^baris 7: kolom birth_date: tidak cocok dengan NIK /),
      'baris 8: kolom nik: harus 16 angka (tertulis 13 angka)',
      'baris 8: kolom stage_date: tanggal itu tidak ada (tertulis "2026-02-30")',
      '3 baris ditolak; tidak ada yang disimpan.',
      '',
    ])
    expect(await query('select id from people')).toEqual([])
    expect(await query('select id from certification_stages')).toEqual([])
  })

  it('a missing file is one clear line and exit code 2', async () => {
    const result = await cli(['import', 'status', join(temp.dir, 'tidak-ada.csv')])
    expect(result.exit).toEqual({ code: 2, signal: null })
    expect(result.stderr).toBe(`${join(temp.dir, 'tidak-ada.csv')}: file tidak ditemukan\n`)
  })
})

describe('a running server, the chat and the CLI on one database', () => {
  it('shares the key, sees an import at once, and queues one message when a linked person moves on', async () => {
    // No DATA_ENCRYPTION_KEY: the server makes the key file beside the database, the CLI uses it.
    const server = start('src/main.ts', [], { ...temp.store, PORT: '0', DEMO_DATA: 'false' })
    await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 15_000)
    const imported = await cli(['import', 'status', temp.file('status.csv', statusFile(...budi))], {})
    expect(imported).toMatchObject({ exit: { code: 0 }, stdout: '1 orang, 3 tahap ditambahkan, 0 diperbarui.\n', stderr: '' })
    const key = parseDataKey(readFileSync(join(temp.dir, 'data-encryption.key'), 'utf8'))
    expect(key).toBeDefined()
    const hash = key && createNikVault(key).hash(STATUS.nik)
    expect(await query<{ nik_hash: string }>('select nik_hash from people')).toEqual([{ nik_hash: hash }])

    // The terminal chat (another process) proves who Budi is (his number on record, as a channel
    // would vouch for it) and shows the imported history; his chat is now linked.
    const chat = await runChat({
      store: temp.store,
      chat: 'budi',
      args: ['--phone', '+6281234567890'],
      input: 'status\n3273011506800001\n15-06-1980\n',
      env: { DEMO_DATA: 'false' },
    })
    expect(chat.exit).toEqual({ code: 0, signal: null })
    expect(chat.stdout).toContain('Budi Santoso')
    expect(chat.stdout).toContain('Portofolio')

    const moved = await cli(
      ['import', 'status', temp.file('status-2.csv', statusFile(...budi, { stage: 'wawancara', stage_date: '2026-06-10' }))],
      {},
    )
    expect(moved.stdout).toBe(
      '0 orang, 1 tahap ditambahkan, 3 diperbarui.\n1 orang yang tahapnya berubah akan diberi tahu lewat chat (1 pesan).\n',
    )
    const queued = await query<{ kind: string; channel: string; payload: string }>('select kind, channel, payload from outbox')
    expect(queued).toEqual([
      { kind: 'status_changed', channel: 'console', payload: expect.stringContaining('*Wawancara* (Rabu, 10 Juni 2026)') },
    ])

    const again = await cli(
      ['import', 'status', temp.file('status-3.csv', statusFile(...budi, { stage: 'wawancara', stage_date: '2026-06-10' }))],
      {},
    )
    expect(again.stdout).toBe('0 orang, 0 tahap ditambahkan, 4 diperbarui.\n')
    expect(await query('select id from outbox')).toHaveLength(1)

    server.child.kill('SIGTERM')
    expect(await server.exited(10_000)).toEqual({ code: 0, signal: null })
  }, 60_000)
})
