import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run, runChat, start, tempFolderEachTest } from '../support/programs.js'
import { sessionsFile } from '../support/sessions-csv.js'

const temp = tempFolderEachTest('sessions-cli')

const cli = (...args: string[]) => run('src/cli.ts', args, { ...temp.store }, 15_000)

async function storedCodes(): Promise<string[]> {
  return (await temp.rows<{ code: string }>('select code from bimtek_sessions order by code')).map((row) => row.code)
}

describe('npm run cli -- import sessions', () => {
  it('loads a good file, and the sessions are listed', async () => {
    const good = temp.file('sesi.csv', sessionsFile({}, { code: 'BMT-JPR-01', region: 'Jayapura', province: '' }))
    const imported = await cli('import', 'sessions', good)
    expect(imported.exit).toEqual({ code: 0, signal: null })
    expect(imported.stdout).toBe('2 sesi ditambahkan, 0 diperbarui.\n')
    // stderr is not a terminal here: no progress bar.
    expect(imported.stderr).toBe('')
    expect(await storedCodes()).toEqual(['BMT-JPR-01', 'BMT-MKS-01'])

    const again = await cli('import', 'sessions', good)
    expect(again.stdout).toBe('0 sesi ditambahkan, 2 diperbarui.\n')

    const listed = await cli('sessions', 'list')
    expect(listed.exit.code).toBe(0)
    expect(listed.stdout).toContain('BMT-MKS-01  Bimtek Sertifikasi Penyuluh Sosial  [penyuluh sosial]')
    expect(listed.stdout).toContain('09.00 WITA')
    expect(listed.stdout).toContain('09.00 WIT ')
    expect(listed.stdout).toMatch(/2 sesi\.\n$/)

    const csv = await cli('sessions', 'list', '--csv')
    expect(csv.stdout.split('\n')[0]).toMatch(/^\uFEFFid,code,title,/)

    const registrations = await cli('sessions', 'registrations', 'bmt-mks-01')
    expect(registrations.exit.code).toBe(0)
    expect(registrations.stdout).toContain('0 pendaftar (kapasitas 60).')
  })

  it('lists a session cancelled on the console as cancelled, with when and why', async () => {
    expect((await cli('import', 'sessions', temp.file('sesi.csv', sessionsFile({})))).exit.code).toBe(0)
    await temp.change(
      "update bimtek_sessions set cancelled_at = ?, cancel_reason = 'Narasumber berhalangan'",
      Date.parse('2027-02-15T02:00:00Z'),
    )
    const listed = await cli('sessions', 'list')
    expect(listed.stdout).toContain('  DIBATALKAN Senin, 15 Februari 2027, 10.00 WITA: Narasumber berhalangan\n')
  })

  it('refuses a bad file: every bad row with its line on stderr, exit 1, nothing written', async () => {
    const bad = temp.file(
      'sesi-salah.csv',
      sessionsFile(
        {},
        { code: 'BMT-2', venue: 'Gedung A\nLantai 2', capacity: 'empat puluh' },
        { code: 'BMT-3', mode: 'daring', meeting_url: '' },
      ),
    )
    const result = await cli('import', 'sessions', bad)
    expect(result.exit).toEqual({ code: 1, signal: null })
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n')).toEqual([
      'baris 3: kolom capacity: harus bilangan bulat 1–10000 (tertulis "empat puluh")',
      'baris 5: kolom meeting_url: wajib diisi untuk sesi daring (tautan rapat, diawali https://)',
      '2 baris ditolak; tidak ada yang disimpan.',
      '',
    ])
    expect(await storedCodes()).toEqual([])
  })

  it('a long list read only in part (… | head) ends quietly with exit 0, not an EPIPE stack trace', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => ({ code: `BMT-MKS-${String(i).padStart(4, '0')}` }))
    expect((await cli('import', 'sessions', temp.file('sesi.csv', sessionsFile(...many)))).exit.code).toBe(0)
    const listing = start('src/cli.ts', ['sessions', 'list'], { ...temp.store })
    // Like `head`: read the first lines, then close the pipe while the list (far more than a pipe holds) is being written.
    listing.child.stdout?.once('data', () => listing.child.stdout?.destroy())
    expect(await listing.exited(15_000)).toEqual({ code: 0, signal: null })
    expect(listing.stdout()).toContain('BMT-MKS-0000')
    expect(listing.stderr()).toBe('')
  })

  it('--dry-run tells what the import would store, keeps nothing; a bad file is refused the same way', async () => {
    const good = temp.file('sesi.csv', sessionsFile({}, { code: 'BMT-JPR-01', region: 'Jayapura', province: '' }))
    const preview = await cli('import', 'sessions', good, '--dry-run')
    expect(preview.exit).toEqual({ code: 0, signal: null })
    expect(preview.stdout).toBe(
      'Uji coba (--dry-run): tidak ada yang disimpan. Bila diimpor:\n2 sesi ditambahkan, 0 diperbarui.\n',
    )
    expect(await storedCodes()).toEqual([])
    expect((await cli('import', 'sessions', good)).stdout).toBe('2 sesi ditambahkan, 0 diperbarui.\n')
    expect(await storedCodes()).toEqual(['BMT-JPR-01', 'BMT-MKS-01'])

    const bad = temp.file('salah.csv', sessionsFile({ capacity: '0' }))
    const refused = await cli('import', 'sessions', '--dry-run', bad)
    expect(refused.exit.code).toBe(1)
    expect(refused.stderr).toContain('baris 2: kolom capacity:')
    expect(refused.stdout).toBe('')
  })

  it('a missing file is one clear line and exit code 2', async () => {
    const result = await cli('import', 'sessions', join(temp.dir, 'tidak-ada.csv'))
    expect(result.exit).toEqual({ code: 2, signal: null })
    expect(result.stderr).toBe(`${join(temp.dir, 'tidak-ada.csv')}: file tidak ditemukan\n`)
  })
})

describe('a running server and the CLI on one database', () => {
  it('sees sessions imported while it runs at once: in the admin API and in the chat', async () => {
    const token = 'e2e-admin-token-0123456789abcdef'
    const server = start('src/main.ts', [], { ...temp.store, PORT: '0', DEMO_DATA: 'false', ADMIN_TOKEN: token })
    const port = Number((await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 15_000))[1])
    const list = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/admin/sessions`, {
        headers: { Authorization: `Bearer ${token}` },
      })
      expect(response.status).toBe(200)
      return ((await response.json()) as { sessions: { code: string }[] }).sessions.map((s) => s.code)
    }
    expect(await list()).toEqual([])

    const imported = await cli('import', 'sessions', temp.file('sesi.csv', sessionsFile({})))
    expect(imported.exit).toEqual({ code: 0, signal: null })
    expect(await list()).toEqual(['BMT-MKS-01'])

    // The terminal chat, another process on the same file, lists it under "jadwal".
    const chat = await runChat({ store: temp.store, input: 'jadwal makassar\n', env: { DEMO_DATA: 'false' } })
    expect(chat.exit).toEqual({ code: 0, signal: null })
    expect(chat.stdout).toContain('Bimtek Sertifikasi Penyuluh Sosial')
    expect(chat.stdout).toContain('WITA')
    server.child.kill('SIGTERM')
    expect(await server.exited(10_000)).toEqual({ code: 0, signal: null })
  })
})
