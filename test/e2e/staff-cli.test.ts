/**
 * The console's accounts from the command line, as real processes on a database file:
 * `staff add` prints a one-time link that opens the set-password page; `--password-stdin` sets
 * the password at once (the account signs in); `staff list`, `disable` and `reset`; and the first
 * start of the server on a database without staff logs the first admin's one-time link.
 */
import { describe, expect, it } from 'vitest'
import { readRows, run, start, tempFolderEachTest } from '../support/programs.js'

const temp = tempFolderEachTest('staff-cli')

const env = () => ({ DATABASE_PATH: temp.dbPath, DEMO_DATA: 'false' })
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
    expect(readRows(temp.dbPath, 'select email, role, region, password_hash from staff')).toEqual([
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
    expect(readRows(temp.dbPath, "select actor, action from audit_log where action like 'staff.%' order by id")).toEqual([
      { actor: 'cli', action: 'staff.added' },
      { actor: 'cli', action: 'staff.reset' },
      { actor: 'cli', action: 'staff.disabled' },
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
    expect(readRows(temp.dbPath, 'select count(*) as n from staff')).toEqual([{ n: 0 }])
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
    const [row] = readRows<{ password_hash: string }>(temp.dbPath, 'select password_hash from staff')
    expect(row?.password_hash).toMatch(/^\$argon2id\$/)
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
