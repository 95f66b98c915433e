/**
 * `npm run cli -- staff token|tokens|revoke-token`: staff API tokens for /api/v1/admin (see
 * src/core/console/api-tokens.ts). `staff token` prints the new token alone on stdout, once (so
 * `TOKEN=$(… staff token …)` works), and what it is on stderr.
 */
import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import { createApiToken, expiryOfDate, listApiTokens, revokeApiToken } from '../core/console/api-tokens.js'
import { formatLocalDateTime } from '../core/regions.js'
import type { Db } from '../db/client.js'
import { staffByEmail } from '../db/queries/console-staff.js'

const ACTOR = 'cli'

const PROBLEM_TEXT: Record<string, string> = {
  TOKEN_NAME_MISSING: 'Beri nama token: --name "untuk apa" (paling panjang 100 karakter).',
  TOKEN_EXPIRY_INVALID: '--expires harus tanggal YYYY-MM-DD sesudah hari ini.',
  STAFF_NOT_FOUND: 'Tidak ada akun dengan e-mail ini.',
  STAFF_DISABLED: 'Akun ini dinonaktifkan: tidak dapat diberi token.',
  TOKEN_NOT_FOUND: 'Tidak ada token dengan nomor ini.',
  TOKEN_REVOKED: 'Token ini sudah dicabut.',
}

const fail = (code: string) => {
  process.stderr.write(`${PROBLEM_TEXT[code] ?? code}\n`)
  return 1
}

const wib = (at: Date) => formatLocalDateTime(at, 'Asia/Jakarta')

export async function addTokenCommand(db: Db, args: string[], _config: Config, clock: () => Date): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { name: { type: 'string' }, expires: { type: 'string' } },
  })
  const email = positionals[0]
  if (!email || values.name === undefined) {
    process.stderr.write('Pemakaian: npm run cli -- staff token EMAIL --name NAMA [--expires YYYY-MM-DD]\n')
    return 2
  }
  const expiresAt = values.expires === undefined ? undefined : expiryOfDate(values.expires)
  if (values.expires !== undefined && !expiresAt) return fail('TOKEN_EXPIRY_INVALID')
  const account = await staffByEmail(db, email)
  if (!account) return fail('STAFF_NOT_FOUND')
  const result = await createApiToken(db, { staffId: account.id, name: values.name, expiresAt }, { actor: ACTOR, at: clock() })
  if (!result.ok) return fail(result.error.code)
  process.stderr.write(
    `Token ${result.value.id} "${values.name.trim()}" untuk ${account.email} (${account.role}${account.region ? ` ${account.region}` : ''})` +
      `${expiresAt ? `, berlaku sampai ${wib(expiresAt)}` : ''}. Simpan sekarang: token ini tidak ditampilkan lagi.\n`,
  )
  process.stdout.write(`${result.value.token}\n`)
  return 0
}

export async function listTokensCommand(db: Db, args: string[], _config: Config, clock: () => Date): Promise<number> {
  const email = args[0]
  if (!email) {
    process.stderr.write('Pemakaian: npm run cli -- staff tokens EMAIL\n')
    return 2
  }
  const account = await staffByEmail(db, email)
  if (!account) return fail('STAFF_NOT_FOUND')
  const tokens = await listApiTokens(db, account.id)
  const now = clock().getTime()
  for (const t of tokens) {
    const state = t.revokedAt
      ? `dicabut ${wib(t.revokedAt)}`
      : t.expiresAt && t.expiresAt.getTime() <= now
        ? 'kedaluwarsa'
        : 'aktif'
    process.stdout.write(
      `${t.id}  ${t.name}  [${state}]  dibuat ${wib(t.createdAt)}; terakhir dipakai ${t.lastUsedAt ? wib(t.lastUsedAt) : 'belum pernah'}; ` +
        `berlaku sampai ${t.expiresAt ? wib(t.expiresAt) : 'tanpa batas'}\n`,
    )
  }
  process.stdout.write(`${tokens.length} token untuk ${account.email}.\n`)
  return 0
}

export async function revokeTokenCommand(db: Db, args: string[], _config: Config, clock: () => Date): Promise<number> {
  const raw = args[0] ?? ''
  if (!/^[1-9]\d{0,14}$/.test(raw)) {
    process.stderr.write('Pemakaian: npm run cli -- staff revoke-token NOMOR (nomor dari staff tokens EMAIL)\n')
    return 2
  }
  const result = await revokeApiToken(db, Number(raw), { actor: ACTOR, at: clock() })
  if (!result.ok) return fail(result.error.code)
  process.stdout.write(`Token ${raw} "${result.value.name}" dicabut.\n`)
  return 0
}
