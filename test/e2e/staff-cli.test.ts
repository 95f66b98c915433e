/**
 * The console's accounts from the command line, as real processes on a database file:
 * `staff add` prints a one-time link that opens the set-password page; `--password-stdin` sets
 * the password at once (the account signs in); `staff list`, `disable` and `reset`; and the first
 * start of the server on a database without staff logs the first admin's one-time link.
 */
import { describe, expect, it } from 'vitest'
import { run, start, tempFolderEachTest } from '../support/programs.js'

const temp = tempFolderEachTest('staff-cli')

const env = () => ({ ...temp.store, DEMO_DATA: 'false' })
const cli = (args: string[], extra: Record<string, string> = {}) => run('src/cli.ts', args, { ...env(), ...extra }, 20_000)

describe('npm run cli -- staff', () => {
  it('add prints a one-time link (24 h) on PUBLIC_BASE_URL; list, reset and disable work on it', async () => {
    const added = await cli(
      ['staff', 'add', 'Rina@Kemensos.go.id', '--name', 'Rina Lestari', '--role', 'regional', '--region', 'r3'],
      {
        PUBLIC_BASE_URL: 'http://konsol.example.test',
      },
    )
    expect(added.exit.code).toBe(0)
    expect(added.stdout).toContain('Akun rina@kemensos.go.id dibuat (regional R3).')
    expect(added.stdout).toMatch(
      /berlaku 24 jam\):\n {2}http:\/\/konsol\.example\.test\/admin\/setel-sandi\?token=[A-Za-z0-9_-]{43}\n/,
    )
    expect(await temp.rows('select email, role, region, password_hash from staff')).toEqual([
      { email: 'rina@kemensos.go.id', role: 'regional', region: 'R3', password_hash: null },
    ])

    const list = await cli(['staff', 'list'])
    expect(list.stdout).toContain('rina@kemensos.go.id  Rina Lestari  regional R3  [aktif, kata sandi belum disetel]')

    const reset = await cli(['staff', 'reset', 'rina@kemensos.go.id'])
    expect(reset.exit.code).toBe(0)
    expect(reset.stdout).toMatch(/http:\/\/localhost:3000\/admin\/setel-sandi\?token=/)

    const disabled = await cli(['staff', 'disable', 'RINA@kemensos.go.id'])
    expect(disabled.exit.code).toBe(0)
    expect((await cli(['staff', 'list'])).stdout).toContain('[nonaktif, kata sandi belum disetel]')
    expect(await temp.rows("select actor, action from audit_log where action like 'staff.%' order by id")).toEqual([
      { actor: 'cli', action: 'staff.added' },
      { actor: 'cli', action: 'staff.reset' },
      { actor: 'cli', action: 'staff.disabled' },
    ])
  })

  it('role changes role and region; enable lets a disabled account in again; reset --two-factor turns two-factor off', async () => {
    expect((await cli(['staff', 'add', 'budi@kemensos.go.id', '--name', 'Budi', '--role', 'viewer'])).exit.code).toBe(0)

    const bad = await cli(['staff', 'role', 'budi@kemensos.go.id', '--role', 'regional'])
    expect(bad.exit.code).toBe(1)
    expect(bad.stderr).toBe('Peran regional perlu wilayahnya: --region R1 … R6.\n')
    const role = await cli(['staff', 'role', 'budi@kemensos.go.id', '--role', 'regional', '--region', 'r4'])
    expect(role.stdout).toBe('Akun budi@kemensos.go.id sekarang regional R4.\n')
    expect((await cli(['staff', 'role', 'budi@kemensos.go.id'])).exit.code).toBe(2)

    await cli(['staff', 'disable', 'budi@kemensos.go.id'])
    const enabled = await cli(['staff', 'enable', 'budi@kemensos.go.id'])
    expect(enabled.stdout).toBe('Akun budi@kemensos.go.id aktif lagi: dapat masuk dengan kata sandinya.\n')
    expect((await cli(['staff', 'enable', 'budi@kemensos.go.id'])).stdout).toBe('Akun budi@kemensos.go.id sudah aktif.\n')
    expect((await cli(['staff', 'enable', 'siapa@kemensos.go.id'])).exit.code).toBe(1)

    await temp.change("update staff set totp_secret = 'sealed', totp_enabled_at = 1 where email = 'budi@kemensos.go.id'")
    const kept = await cli(['staff', 'reset', 'budi@kemensos.go.id'])
    expect(kept.stdout).not.toContain('dua langkah')
    expect(await temp.rows('select totp_enabled_at as on_ from staff')).toEqual([{ on_: 1 }])
    const cleared = await cli(['staff', 'reset', 'budi@kemensos.go.id', '--two-factor'])
    expect(cleared.stdout).toContain('Verifikasi dua langkah dimatikan: akun mendaftarkan aplikasinya lagi.')
    expect(await temp.rows('select role, region, status, totp_secret, totp_enabled_at from staff')).toEqual([
      { role: 'regional', region: 'R4', status: 'active', totp_secret: null, totp_enabled_at: null },
    ])
    expect(await temp.rows("select action from audit_log where action like 'staff.%' order by id")).toEqual([
      { action: 'staff.added' },
      { action: 'staff.role_changed' },
      { action: 'staff.disabled' },
      { action: 'staff.enabled' },
      { action: 'staff.reset' },
      { action: 'staff.reset' },
    ])
  })

  it('refuses a regional account without its region, and a short password from stdin, with exit code 1 and nothing stored', async () => {
    const noRegion = await cli(['staff', 'add', 'a@x.id', '--name', 'A', '--role', 'regional'])
    expect(noRegion.exit.code).toBe(1)
    expect(noRegion.stderr).toContain('Peran regional perlu wilayahnya')
    const program = start('src/cli.ts', ['staff', 'add', 'b@x.id', '--name', 'B', '--role', 'viewer', '--password-stdin'], env())
    program.child.stdin?.end('pendek\n')
    expect((await program.exited(20_000)).code).toBe(1)
    expect(program.stderr()).toContain('minimal 12 karakter')
    expect(await temp.rows('select count(*) as n from staff')).toEqual([{ n: 0 }])
  })

  it('--password-stdin sets the password: the account signs in at once', async () => {
    const program = start(
      'src/cli.ts',
      ['staff', 'add', 'budi@x.id', '--name', 'Budi', '--role', 'viewer', '--password-stdin'],
      env(),
    )
    program.child.stdin?.end('kata-sandi-yang-panjang\n')
    expect((await program.exited(20_000)).code).toBe(0)
    expect(program.stdout()).toContain('Kata sandi disetel')
    const [row] = await temp.rows<{ password_hash: string }>('select password_hash from staff')
    expect(row?.password_hash).toMatch(/^\$argon2id\$/)
  })
})

describe('npm run cli -- staff token|tokens|revoke-token', () => {
  it('prints a new API token once, alone on stdout, stores only its hash; tokens lists it; revoke-token stops it', async () => {
    await cli(['staff', 'add', 'rina@kemensos.go.id', '--name', 'Rina', '--role', 'regional', '--region', 'R3'])
    const made = await cli(['staff', 'token', 'RINA@kemensos.go.id', '--name', 'impor harian', '--expires', '2099-12-31'])
    expect(made.exit.code).toBe(0)
    expect(made.stdout).toMatch(/^kst_[A-Za-z0-9_-]{43}\n$/)
    const token = made.stdout.trim()
    expect(made.stderr).toContain('"impor harian" untuk rina@kemensos.go.id (regional R3), berlaku sampai')
    expect(made.stderr).toContain('tidak ditampilkan lagi')
    const [row] = await temp.rows<{ id: number; token_hash: string }>('select id, token_hash from staff_api_tokens')
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(await temp.rows('select * from staff_api_tokens'))).not.toContain(token)

    const listed = await cli(['staff', 'tokens', 'rina@kemensos.go.id'])
    expect(listed.stdout).toMatch(
      new RegExp(`^${row?.id}  impor harian  \\[aktif\\]  dibuat .*; terakhir dipakai belum pernah; berlaku sampai .*2099`, 'm'),
    )
    expect(listed.stdout).not.toContain(token)

    const revoked = await cli(['staff', 'revoke-token', String(row?.id)])
    expect(revoked.exit.code).toBe(0)
    expect((await cli(['staff', 'tokens', 'rina@kemensos.go.id'])).stdout).toContain('[dicabut ')
    const again = await cli(['staff', 'revoke-token', String(row?.id)])
    expect(again.exit.code).toBe(1)
    expect(again.stderr).toContain('sudah dicabut')
    expect(await temp.rows("select actor, action from audit_log where action like 'api_token.%' order by id")).toEqual([
      { actor: 'cli', action: 'api_token.created' },
      { actor: 'cli', action: 'api_token.revoked' },
    ])
  })

  it('refuses an unknown account and a past expiry with exit code 1, storing nothing', async () => {
    const unknown = await cli(['staff', 'token', 'siapa@x.id', '--name', 'x'])
    expect(unknown.exit.code).toBe(1)
    expect(unknown.stderr).toContain('Tidak ada akun')
    await cli(['staff', 'add', 'budi@x.id', '--name', 'Budi', '--role', 'viewer'])
    const past = await cli(['staff', 'token', 'budi@x.id', '--name', 'x', '--expires', '2020-01-01'])
    expect(past.exit.code).toBe(1)
    expect(past.stderr).toContain('--expires')
    expect(await temp.rows('select count(*) as n from staff_api_tokens')).toEqual([{ n: 0 }])
  })
})

describe('the first start without staff', () => {
  it('logs a one-time link for the first admin (1 h) that opens the page to create the account', async () => {
    const server = start('src/main.ts', [], { ...env(), PORT: '0' })
    const match = await server.waitForStdout(/"url":"(http:\/\/localhost:\d+\/admin\/setel-sandi\?token=[A-Za-z0-9_-]+)"/, 20_000)
    const page = await fetch(match[1] ?? '', { signal: AbortSignal.timeout(5_000) })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Buat akun admin pertama')
    server.child.kill('SIGTERM')
    await server.exited()
  })
})
