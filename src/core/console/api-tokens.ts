/**
 * Per-staff API tokens for /api/v1/admin (docs/http-api.md): created for one staff member with a
 * name and an optional expiry, shown once ("kst_" and 256 random bits, so secret scanners spot a
 * leaked one), stored as SHA-256 only, revocable. A request with one acts as the staff member with
 * their current role and region. The CLI and the console call these; every change is audited
 * (`api_token.created`, `api_token.revoked`) with its actor ("cli", or "staff:<id>").
 */
import type { Db } from '../../db/client.js'
import {
  apiTokenById,
  apiTokensOf,
  apiTokenWithStaff,
  insertApiToken,
  revokeApiTokenRow,
  touchApiToken,
} from '../../db/queries/console-api-tokens.js'
import { auditStaff, staffById } from '../../db/queries/console-staff.js'
import { transaction } from '../../db/store.js'
import type { StaffRole } from '../../vocabulary/staff.js'
import { fail, ok, type Result } from '../result.js'
import { newToken, tokenHash } from './credentials.js'

/** The start of every staff API token: recognisable in a leak (secret scanners, logs, pasted text). */
export const API_TOKEN_PREFIX = 'kst_'
export const MAX_TOKEN_NAME = 100
/** How stale `last_used_at` may get: one write a minute per token, not one per request. */
const TOUCH_EVERY_MS = 60_000

export type ApiTokenProblem = 'TOKEN_NAME_MISSING' | 'TOKEN_EXPIRY_INVALID' | 'STAFF_NOT_FOUND' | 'STAFF_DISABLED'

type Stamp = { actor: string; at: Date }

/**
 * The end of day `date` (YYYY-MM-DD) in Jakarta, the moment a token given that expiry date stops
 * working; undefined for text that is not such a date.
 */
export function expiryOfDate(date: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined
  const end = new Date(`${date}T23:59:59.999+07:00`)
  return Number.isNaN(end.getTime()) || end.toISOString().slice(0, 10) !== date ? undefined : end
}

/**
 * A new token for `staffId`, named `name` (what it is for: "skrip impor sertifikat"), until
 * `expiresAt` when given (it must be later than now). The token text is in the answer only.
 */
export async function createApiToken(
  db: Db,
  input: { staffId: number; name: string; expiresAt?: Date | undefined },
  stamp: Stamp,
): Promise<Result<{ id: number; token: string }, ApiTokenProblem>> {
  const name = input.name.trim()
  if (!name || [...name].length > MAX_TOKEN_NAME) return fail('TOKEN_NAME_MISSING')
  if (input.expiresAt && input.expiresAt.getTime() <= stamp.at.getTime()) return fail('TOKEN_EXPIRY_INVALID')
  return await transaction(db, async (tx) => {
    const account = await staffById(tx, input.staffId)
    if (!account) return fail('STAFF_NOT_FOUND')
    if (account.status !== 'active') return fail('STAFF_DISABLED')
    const token = `${API_TOKEN_PREFIX}${newToken()}`
    const expiresAt = input.expiresAt ?? null
    const id = await insertApiToken(tx, { staffId: account.id, name, tokenHash: tokenHash(token), at: stamp.at, expiresAt })
    await auditStaff(tx, {
      at: stamp.at,
      actor: stamp.actor,
      action: 'api_token.created',
      entityId: account.id,
      details: { tokenId: id, name, expiresAt: expiresAt?.toISOString() ?? null },
    })
    return ok({ id, token })
  })
}

/**
 * Revokes token `tokenId`; with `owner`, only if it is that staff member's (someone managing their
 * own tokens): another's is TOKEN_NOT_FOUND, as if it did not exist.
 */
export async function revokeApiToken(
  db: Db,
  tokenId: number,
  stamp: Stamp & { owner?: number },
): Promise<Result<{ staffId: number; name: string }, 'TOKEN_NOT_FOUND' | 'TOKEN_REVOKED'>> {
  return await transaction(db, async (tx) => {
    const token = await apiTokenById(tx, tokenId)
    if (!token || (stamp.owner !== undefined && token.staffId !== stamp.owner)) return fail('TOKEN_NOT_FOUND')
    if (!(await revokeApiTokenRow(tx, token.id, stamp.at))) return fail('TOKEN_REVOKED')
    await auditStaff(tx, {
      at: stamp.at,
      actor: stamp.actor,
      action: 'api_token.revoked',
      entityId: token.staffId,
      details: { tokenId: token.id, name: token.name },
    })
    return ok({ staffId: token.staffId, name: token.name })
  })
}

/** One token as lists show it: never its text (only its hash is kept). */
export type ApiTokenSummary = {
  id: number
  name: string
  createdAt: Date
  lastUsedAt: Date | null
  expiresAt: Date | null
  revokedAt: Date | null
}

/** A staff member's tokens, newest first. */
export const listApiTokens = async (db: Db, staffId: number): Promise<ApiTokenSummary[]> =>
  (await apiTokensOf(db, staffId)).map(({ id, name, createdAt, lastUsedAt, expiresAt, revokedAt }) => ({
    id,
    name,
    createdAt,
    lastUsedAt,
    expiresAt,
    revokedAt,
  }))

/** Who a token acts as: the staff member with their role and region as they are now. */
export type TokenHolder = { id: number; name: string; email: string; role: StaffRole; region: string | null }

export type TokenRefusal = 'TOKEN_UNKNOWN' | 'TOKEN_REVOKED' | 'TOKEN_EXPIRED' | 'STAFF_DISABLED'

/** The staff member `token` acts as at `at`, or why it lets nobody in. Notes when it was last used. */
export async function authenticateApiToken(db: Db, token: string, at: Date): Promise<Result<TokenHolder, TokenRefusal>> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return fail('TOKEN_UNKNOWN')
  const found = await apiTokenWithStaff(db, tokenHash(token))
  if (!found) return fail('TOKEN_UNKNOWN')
  if (found.token.revokedAt) return fail('TOKEN_REVOKED')
  if (found.token.expiresAt && found.token.expiresAt.getTime() <= at.getTime()) return fail('TOKEN_EXPIRED')
  if (found.staff.status !== 'active') return fail('STAFF_DISABLED')
  const last = found.token.lastUsedAt?.getTime()
  if (last === undefined || at.getTime() - last >= TOUCH_EVERY_MS) await touchApiToken(db, found.token.id, at)
  const { id, name, email, role, region } = found.staff
  return ok({ id, name, email, role, region })
}
