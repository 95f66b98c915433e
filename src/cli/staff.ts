/**
 * `npm run cli -- staff add|list|role|disable|enable|reset`: the secretariat's console accounts.
 * `add` and `reset` print a one-time link to set the password (valid LINK_HOURS), made from
 * PUBLIC_BASE_URL (else this machine's PORT); `add --password-stdin` sets the password from stdin
 * instead; `reset --two-factor` also turns two-factor off (a lost authenticator).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import { MIN_PASSWORD_LENGTH } from '../core/console/credentials.js'
import {
  addStaff,
  changeStaffRole,
  disableStaff,
  enableStaff,
  LINK_HOURS,
  resetStaff,
  setPasswordUrl,
} from '../core/console/staff-accounts.js'
import type { Db } from '../db/client.js'
import { listStaff } from '../db/queries/console-staff.js'
import { consoleBaseUrl } from '../settings.js'

const ACTOR = 'cli'

const PROBLEM_TEXT: Record<string, string> = {
  NAME_MISSING: 'Sebutkan namanya: --name "Nama Lengkap".',
  EMAIL_INVALID: 'Alamat e-mail tidak valid.',
  ROLE_INVALID: 'Peran harus admin, regional atau viewer (--role).',
  REGION_REQUIRED: 'Peran regional perlu wilayahnya: --region R1 … R6.',
  REGION_NOT_ALLOWED: '--region hanya untuk peran regional.',
  REGION_INVALID: 'Wilayah harus salah satu dari R1, R2, R3, R4, R5, R6.',
  EMAIL_TAKEN: 'Sudah ada akun dengan e-mail ini.',
  PASSWORD_TOO_SHORT: `Kata sandi minimal ${MIN_PASSWORD_LENGTH} karakter.`,
  PASSWORD_IS_EMAIL: 'Kata sandi tidak boleh sama dengan alamat e-mail.',
  STAFF_NOT_FOUND: 'Tidak ada akun dengan e-mail ini.',
  STAFF_DISABLED: 'Akun ini dinonaktifkan.',
}

const fail = (code: string) => {
  process.stderr.write(`${PROBLEM_TEXT[code] ?? code}\n`)
  return 1
}

const linkLine = (config: Config, token: string) =>
  `Tautan sekali pakai untuk menyetel kata sandi (berlaku ${LINK_HOURS} jam):\n  ${setPasswordUrl(consoleBaseUrl(config), token)}\n`

export async function addStaffCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      region: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  })
  const email = positionals[0]
  if (!email || !values.role) {
    process.stderr.write(
      'Pemakaian: npm run cli -- staff add EMAIL --name NAMA --role admin|regional|viewer [--region R1…R6] [--password-stdin]\n',
    )
    return 2
  }
  // The first line of stdin, without its line ending (`echo "$PASSWORD" | …`).
  const password = values['password-stdin'] ? (readFileSync(0, 'utf8').split(/\r?\n/)[0] ?? '') : undefined
  const result = await addStaff(
    db,
    { email, name: values.name ?? '', role: values.role, region: values.region },
    { actor: ACTOR, at: clock(), ...(password !== undefined && { password }) },
  )
  if (!result.ok) return fail(result.error.code)
  process.stdout.write(
    `Akun ${email.trim().toLowerCase()} dibuat (${values.role}${values.region ? ` ${values.region.toUpperCase()}` : ''}).\n`,
  )
  process.stdout.write(
    result.value.token
      ? linkLine(config, result.value.token)
      : 'Kata sandi disetel; akun dapat langsung masuk di /admin/login.\n',
  )
  return 0
}

export async function listStaffCommand(db: Db): Promise<number> {
  const accounts = await listStaff(db)
  if (accounts.length === 0) {
    process.stdout.write('Belum ada akun staf. Tambahkan dengan: npm run cli -- staff add EMAIL --name NAMA --role admin\n')
    return 0
  }
  for (const account of accounts) {
    const flags = [
      account.status === 'active' ? 'aktif' : 'nonaktif',
      account.passwordHash ? undefined : 'kata sandi belum disetel',
      account.totpEnabledAt ? 'dua langkah aktif' : undefined,
    ].filter(Boolean)
    process.stdout.write(
      `${account.email}  ${account.name}  ${account.role}${account.region ? ` ${account.region}` : ''}  [${flags.join(', ')}]\n`,
    )
  }
  process.stdout.write(`${accounts.length} akun.\n`)
  return 0
}

export async function disableStaffCommand(db: Db, args: string[], _config: Config, clock: () => Date): Promise<number> {
  const email = args[0]
  if (!email) {
    process.stderr.write('Pemakaian: npm run cli -- staff disable EMAIL\n')
    return 2
  }
  const result = await disableStaff(db, email, { actor: ACTOR, at: clock() })
  if (!result.ok) return fail(result.error.code)
  process.stdout.write(`Akun ${email.trim().toLowerCase()} dinonaktifkan; ${result.value.sessionsEnded} sesi diakhiri.\n`)
  return 0
}

export async function resetStaffCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'two-factor': { type: 'boolean' } } })
  const email = positionals[0]
  if (!email || positionals.length > 1) {
    process.stderr.write('Pemakaian: npm run cli -- staff reset EMAIL [--two-factor]\n')
    return 2
  }
  const result = await resetStaff(db, email, { actor: ACTOR, at: clock() }, { twoFactor: values['two-factor'] === true })
  if (!result.ok) return fail(result.error.code)
  const cleared = result.value.twoFactorCleared ? ' Verifikasi dua langkah dimatikan: akun mendaftarkan aplikasinya lagi.' : ''
  process.stdout.write(
    `Akun ${email.trim().toLowerCase()}: ${result.value.sessionsEnded} sesi diakhiri; tautan lama tidak berlaku lagi.${cleared}\n`,
  )
  process.stdout.write(linkLine(config, result.value.token))
  return 0
}

export async function enableStaffCommand(db: Db, args: string[], _config: Config, clock: () => Date): Promise<number> {
  const email = args[0]
  if (!email || args.length > 1) {
    process.stderr.write('Pemakaian: npm run cli -- staff enable EMAIL\n')
    return 2
  }
  const result = await enableStaff(db, email, { actor: ACTOR, at: clock() })
  if (!result.ok) return fail(result.error.code)
  const address = email.trim().toLowerCase()
  process.stdout.write(
    result.value.changed ? `Akun ${address} aktif lagi: dapat masuk dengan kata sandinya.\n` : `Akun ${address} sudah aktif.\n`,
  )
  return 0
}

export async function roleStaffCommand(db: Db, args: string[], _config: Config, clock: () => Date): Promise<number> {
  let parsed: ReturnType<typeof parseRoleArgs>
  try {
    parsed = parseRoleArgs(args)
  } catch {
    parsed = undefined
  }
  if (!parsed) {
    process.stderr.write('Pemakaian: npm run cli -- staff role EMAIL --role admin|regional|viewer [--region R1…R6]\n')
    return 2
  }
  const result = await changeStaffRole(
    db,
    parsed.email,
    { role: parsed.role, region: parsed.region },
    { actor: ACTOR, at: clock() },
  )
  if (!result.ok) return fail(result.error.code)
  const { role, region } = result.value
  process.stdout.write(`Akun ${parsed.email.trim().toLowerCase()} sekarang ${region ? `${role} ${region}` : role}.\n`)
  return 0
}

function parseRoleArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { role: { type: 'string' }, region: { type: 'string' } },
  })
  const email = positionals[0]
  if (!email || positionals.length > 1 || values.role === undefined) return undefined
  return { email, role: values.role, region: values.region }
}
