/**
 * `npm run cli -- import certificates FILE.csv` and `npm run cli -- qr NUMBER` as real processes on
 * a database file: bad rows on stderr with nothing written, good files and re-imports, linking to
 * a person the status import brought, a running server and the terminal chat seeing an import at
 * once, and QR codes written as PNG and SVG holding the signed link.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import QRCode from 'qrcode'
import { describe, expect, it } from 'vitest'
import { signedQuery } from '../../src/core/certificates/verify.js'
import { createNikVault } from '../../src/core/privacy/nik-vault.js'
import { certificatesFile } from '../support/certificates-csv.js'
import { run, runChat, start, tempFolderEachTest } from '../support/programs.js'
import { statusFile } from '../support/status-csv.js'

const KEY = '0f'.repeat(32)
const SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnop'
const BASE = 'https://sertifikasi.example.id'

const temp = tempFolderEachTest('certificates-cli')

const cli = (args: string[], env: Record<string, string> = {}) =>
  run('src/cli.ts', args, { ...temp.store, DEMO_DATA: 'false', DATA_ENCRYPTION_KEY: KEY, ...env }, 30_000)

const query = <T>(sql: string) => temp.rows<T>(sql)

const hendra = {
  certificate_number: 'LSPS/2024/00007',
  holder_name: 'Hendra Gunawan',
  nik: '',
  birth_date: '',
  status: 'revoked',
  status_reason: 'Dokumen portofolio terbukti tidak sah',
}

describe('npm run cli -- import certificates', () => {
  it('refuses a file with bad rows: each on stderr with its line, exit 1, nothing written', async () => {
    const bad = temp.file(
      'sertifikat-salah.csv',
      certificatesFile(
        {},
        { certificate_number: 'lsps 2025 00042' }, // line 3: the same number as line 2
        { ...hendra, status_reason: '' }, // line 4
        { certificate_number: 'LSPS-2025-00050', birth_date: '1980-06-16', expires_at: '2024-01-01' }, // line 5
      ),
    )
    const result = await cli(['import', 'certificates', bad])
    expect(result.exit).toEqual({ code: 1, signal: null })
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')).toEqual([
      'baris 3: kolom certificate_number: nomor "lsps 2025 00042" (LSPS202500042) sudah ada di baris 2; setiap certificate_number hanya boleh sekali',
      'baris 4: kolom status_reason: wajib diisi untuk status revoked (alasan yang ditampilkan kepada pemeriksa sertifikat)',
      'baris 5: kolom birth_date: tidak cocok dengan NIK (angka ke-7 sampai ke-12 adalah tanggal lahir DDMMYY; perempuan: tanggal + 40)',
      'baris 5: kolom expires_at: tidak boleh sebelum issued_at (tertulis "2024-01-01")',
      '3 baris ditolak; tidak ada yang disimpan.',
      '',
    ])
    expect(await query('select id from certificates')).toEqual([])
  })

  it('loads a good file, again as unchanged, and links to a person the status import brought', async () => {
    const status = await cli(['import', 'status', temp.file('status.csv', statusFile({}))])
    expect(status.exit.code).toBe(0)
    const good = temp.file('sertifikat.csv', certificatesFile({}, hendra))
    const imported = await cli(['import', 'certificates', good])
    expect(imported).toMatchObject({
      exit: { code: 0, signal: null },
      stdout:
        '2 sertifikat ditambahkan, 0 diperbarui, 0 tidak berubah.\n1 sertifikat terhubung ke orang yang tercatat dengan NIK yang sama.\n',
      // stderr is not a terminal here: no progress bar.
      stderr: '',
    })
    const vault = createNikVault(Buffer.from(KEY, 'hex'))
    expect(
      await query<{ number: string; display_number: string; nik_hash: string | null; linked: number; status: string }>(
        `select c.number, c.display_number, c.nik_hash, case when c.person_id = p.id then 1 end as linked, c.status
         from certificates c left join people p on p.nik_hash = c.nik_hash order by c.id`,
      ),
    ).toEqual([
      {
        number: 'LSPS202500042',
        display_number: 'LSPS-2025-00042',
        nik_hash: vault.hash('3273011506800001'),
        linked: 1,
        status: 'active',
      },
      { number: 'LSPS202400007', display_number: 'LSPS/2024/00007', nik_hash: null, linked: null, status: 'revoked' },
    ])
    const again = await cli(['import', 'certificates', good])
    expect(again.stdout).toBe(
      '0 sertifikat ditambahkan, 0 diperbarui, 2 tidak berubah.\n1 sertifikat terhubung ke orang yang tercatat dengan NIK yang sama.\n',
    )
  })

  it('a missing file or none named: one clear line, exit code 2', async () => {
    const missing = await cli(['import', 'certificates', join(temp.dir, 'tidak-ada.csv')])
    expect(missing).toMatchObject({ exit: { code: 2 }, stderr: `${join(temp.dir, 'tidak-ada.csv')}: file tidak ditemukan\n` })
    const none = await cli(['import', 'certificates'])
    expect(none).toMatchObject({ exit: { code: 2 }, stderr: expect.stringContaining('Sebutkan filenya') })
  })

  it('a running server and the terminal chat see an import at once', async () => {
    const server = start('src/main.ts', [], {
      ...temp.store,
      PORT: '0',
      DEMO_DATA: 'false',
      DATA_ENCRYPTION_KEY: KEY,
      CERT_SIGNING_KEY: SIGNING_KEY,
      PUBLIC_BASE_URL: BASE,
    })
    const [, port] = await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 15_000)
    const api = `http://localhost:${port}/api/v1/certificates/LSPS-2025-00042`
    expect((await fetch(api)).status).toBe(404)

    const imported = await cli(['import', 'certificates', temp.file('sertifikat.csv', certificatesFile({}, hendra))])
    expect(imported.exit.code).toBe(0)
    const found = await fetch(api)
    expect(found.status).toBe(200)
    expect(await found.json()).toMatchObject({ number: 'LSPS-2025-00042', status: 'valid', holderName: 'Bud… San…' })

    const chat = await runChat({
      store: temp.store,
      input: 'cek LSPS-2025-00042\n4\nlsps 2024 00007\n',
      env: { DEMO_DATA: 'false', DATA_ENCRYPTION_KEY: KEY, CERT_SIGNING_KEY: SIGNING_KEY, PUBLIC_BASE_URL: BASE },
    })
    expect(chat.exit).toEqual({ code: 0, signal: null })
    expect(chat.stdout).toContain('✅ *VALID*')
    expect(chat.stdout).toContain('• Nama pemegang: Bud… San…')
    expect(chat.stdout).toContain(`🔗 Halaman verifikasi: ${BASE}/verifikasi/LSPS202500042`)
    expect(chat.stdout).toContain('⛔ *DICABUT*')
    expect(chat.stdout).toContain('• Alasan: Dokumen portofolio terbukti tidak sah')

    // A status change imported later is what the next lookup sees.
    const suspended = await cli([
      'import',
      'certificates',
      temp.file('sertifikat-2.csv', certificatesFile({ status: 'suspended', status_reason: 'Pemeriksaan' }, hendra)),
    ])
    expect(suspended.stdout).toContain('0 sertifikat ditambahkan, 1 diperbarui, 1 tidak berubah.')
    expect(await (await fetch(api)).json()).toMatchObject({ status: 'suspended', statusReason: 'Pemeriksaan' })

    server.child.kill('SIGTERM')
    expect(await server.exited(10_000)).toEqual({ code: 0, signal: null })
  }, 60_000)
})

describe('npm run cli -- qr', () => {
  const env = { PUBLIC_BASE_URL: `${BASE}/`, CERT_SIGNING_KEY: SIGNING_KEY }
  const link = `${BASE}/v/LSPS202500042?${signedQuery('LSPS202500042', SIGNING_KEY)}`

  it('writes the signed link as PNG and SVG named after the number, and prints the paths and the link', async () => {
    await cli(['import', 'certificates', temp.file('sertifikat.csv', certificatesFile({}))])
    const out = join(temp.dir, 'qr', 'cetak')
    const result = await cli(['qr', 'lsps', '2025', '00042', '--out', out], env)
    expect(result.exit).toEqual({ code: 0, signal: null })
    const png = join(out, 'LSPS-2025-00042.png')
    const svg = join(out, 'LSPS-2025-00042.svg')
    expect(result.stdout).toBe(`Sertifikat LSPS-2025-00042 (Budi Santoso)\nTautan: ${link}\nPNG: ${png}\nSVG: ${svg}\n`)
    expect(result.stderr).toBe('')

    const pngBytes = readFileSync(png)
    expect([...pngBytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const svgText = readFileSync(svg, 'utf8')
    expect(svgText.startsWith('<svg')).toBe(true)
    // The files hold exactly the QR code of the signed link (the encoding is deterministic).
    const options = { errorCorrectionLevel: 'M', margin: 2 } as const
    expect(svgText).toBe(await QRCode.toString(link, { ...options, type: 'svg' }))
    expect(pngBytes.equals(await QRCode.toBuffer(link, { ...options, type: 'png', width: 600 }))).toBe(true)
    // …and that link is one byte segment of the whole URL.
    const qr = QRCode.create(link, options)
    expect(qr.segments.map((segment) => Buffer.from(segment.data).toString('utf8')).join('')).toBe(link)
  })

  it('a slash in the number is made safe in the file name; a revoked certificate gets a warning', async () => {
    await cli(['import', 'certificates', temp.file('sertifikat.csv', certificatesFile(hendra))])
    const result = await cli(['qr', 'LSPS-2024-00007', `--out=${temp.dir}`], env)
    expect(result.exit).toEqual({ code: 0, signal: null })
    for (const name of ['LSPS_2024_00007.png', 'LSPS_2024_00007.svg']) expect(existsSync(join(temp.dir, name))).toBe(true)
    expect(result.stdout).toContain(`Tautan: ${BASE}/v/LSPS202400007?${signedQuery('LSPS202400007', SIGNING_KEY)}`)
    expect(result.stderr).toBe('Perhatian: sertifikat ini berstatus revoked; halaman verifikasi akan menunjukkannya.\n')
  })

  it('clear errors: no PUBLIC_BASE_URL, no CERT_SIGNING_KEY, no number, not a number, not on record', async () => {
    await cli(['import', 'certificates', temp.file('sertifikat.csv', certificatesFile({}))])
    const noBase = await cli(['qr', 'LSPS-2025-00042'], { CERT_SIGNING_KEY: SIGNING_KEY })
    expect(noBase).toMatchObject({ exit: { code: 2 }, stdout: '', stderr: expect.stringMatching(/^PUBLIC_BASE_URL belum diisi/) })
    // An http address: with an https one the configuration itself refuses the development key.
    const noKey = await cli(['qr', 'LSPS-2025-00042'], { PUBLIC_BASE_URL: 'http://localhost:3000' })
    expect(noKey).toMatchObject({ exit: { code: 2 }, stdout: '', stderr: expect.stringMatching(/^CERT_SIGNING_KEY belum diisi/) })
    const none = await cli(['qr'], env)
    expect(none).toMatchObject({ exit: { code: 2 }, stderr: expect.stringContaining('Sebutkan nomor sertifikatnya') })
    const invalid = await cli(['qr', 'AB'], env)
    expect(invalid).toMatchObject({ exit: { code: 2 }, stderr: expect.stringContaining('"AB" bukan nomor sertifikat') })
    const missing = await cli(['qr', 'LSPS-2025-99999'], env)
    expect(missing).toMatchObject({
      exit: { code: 1 },
      stdout: '',
      stderr: expect.stringMatching(/^Sertifikat LSPS-2025-99999 tidak ada di database/),
    })
  }, 60_000)
})
