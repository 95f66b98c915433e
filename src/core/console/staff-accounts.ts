/**
 * Staff accounts: adding one (with a one-time link to set the password, or a password given at
 * once), disabling and enabling again, changing the role, resetting (a new link, every session
 * ended, two-factor too if the authenticator is lost), the first admin's link on a
 * database without staff, and setting a password through a link. The CLI and the console call
 * these; every change is audited with its actor ("cli", or "staff:<id>").
 */
import type { Db } from '../../db/client.js'
import {
  auditStaff,
  clearTotp,
  countStaff,
  deleteSessionsOf,
  insertLink,
  insertStaff,
  type LinkPurpose,
  setPasswordHash,
  setStaffRole,
  setStaffStatus,
  staffByEmail,
  staffById,
  usableLink,
  useLink,
} from '../../db/queries/console-staff.js'
import { transaction } from '../../db/store.js'
import { REGION_CODES, type RegionCode, STAFF_ROLES, type StaffRole } from '../../vocabulary/staff.js'
import { fail, ok, type Result } from '../result.js'
import { hashPassword, newToken, type PasswordProblem, passwordProblem, tokenHash } from './credentials.js'

/** How long an invitation or reset link is good for. */
export const LINK_HOURS = 24
/** How long the first admin's link is good for. */
export const FIRST_ADMIN_LINK_HOURS = 1

/** The address of a one-time link's page, on `base` (PUBLIC_BASE_URL, or this machine outside production). */
export const setPasswordUrl = (base: string, token: string): string =>
  new URL(`/admin/setel-sandi?token=${encodeURIComponent(token)}`, base).toString()

export type StaffInput = { name: string; email: string; role: string; region?: string | undefined }
export type ValidStaff = { name: string; email: string; role: StaffRole; region: RegionCode | null }

export type StaffProblem =
  | 'NAME_MISSING'
  | 'EMAIL_INVALID'
  | 'ROLE_INVALID'
  | 'REGION_REQUIRED'
  | 'REGION_NOT_ALLOWED'
  | 'REGION_INVALID'
  | 'EMAIL_TAKEN'

const EMAIL = /^[^\s@]+@[^\s@]+$/

/** The account's fields checked: a name, an e-mail, a role, and a region R1–R6 for `regional` only. */
export function validateStaff(input: StaffInput): Result<ValidStaff, StaffProblem> {
  const name = input.name.trim()
  const email = input.email.trim().toLowerCase()
  if (!name || name.length > 200) return fail('NAME_MISSING')
  if (!EMAIL.test(email) || email.length > 254) return fail('EMAIL_INVALID')
  const role = STAFF_ROLES.find((known) => known === input.role)
  if (!role) return fail('ROLE_INVALID')
  const given = input.region?.trim().toUpperCase()
  if (role !== 'regional') return given ? fail('REGION_NOT_ALLOWED') : ok({ name, email, role, region: null })
  if (!given) return fail('REGION_REQUIRED')
  const region = REGION_CODES.find((code) => code === given)
  return region ? ok({ name, email, role, region }) : fail('REGION_INVALID')
}

type Stamp = { actor: string; at: Date }

const expiry = (at: Date, hours: number) => new Date(at.getTime() + hours * 3_600_000)

async function newLink(db: Db, purpose: LinkPurpose, staffId: number | null, at: Date, hours: number): Promise<string> {
  const token = newToken()
  await insertLink(db, { tokenHash: tokenHash(token), purpose, staffId, at, expiresAt: expiry(at, hours) })
  return token
}

/**
 * Adds an account. With `password` it is set at once (checked as on the set-password page);
 * otherwise the answer carries the token of a one-time link (LINK_HOURS) to set it.
 */
export async function addStaff(
  db: Db,
  input: StaffInput,
  stamp: Stamp & { password?: string },
): Promise<Result<{ id: number; token?: string }, StaffProblem | PasswordProblem>> {
  const valid = validateStaff(input)
  if (!valid.ok) return valid
  let passwordHash: string | undefined
  if (stamp.password !== undefined) {
    const problem = passwordProblem(stamp.password, stamp.password, valid.value.email)
    if (problem) return fail(problem)
    passwordHash = await hashPassword(stamp.password)
  }
  return await transaction(db, async (tx) => {
    const id = await insertStaff(tx, { ...valid.value, at: stamp.at })
    if (id === undefined) return fail('EMAIL_TAKEN')
    const details = { role: valid.value.role, region: valid.value.region }
    await auditStaff(tx, { at: stamp.at, actor: stamp.actor, action: 'staff.added', entityId: id, details })
    if (passwordHash) {
      await setPasswordHash(tx, id, passwordHash, stamp.at)
      await auditStaff(tx, { at: stamp.at, actor: stamp.actor, action: 'staff.password_set', entityId: id })
      return ok({ id })
    }
    return ok({ id, token: await newLink(tx, 'invite', id, stamp.at, LINK_HOURS) })
  })
}

/** Disables an account and ends its sessions; it can no longer sign in. */
export async function disableStaff(
  db: Db,
  email: string,
  stamp: Stamp,
): Promise<Result<{ sessionsEnded: number }, 'STAFF_NOT_FOUND'>> {
  return await transaction(db, async (tx) => {
    const account = await staffByEmail(tx, email)
    if (!account) return fail('STAFF_NOT_FOUND')
    await setStaffStatus(tx, account.id, 'disabled', stamp.at)
    const sessionsEnded = await deleteSessionsOf(tx, account.id)
    await auditStaff(tx, { at: stamp.at, actor: stamp.actor, action: 'staff.disabled', entityId: account.id })
    return ok({ sessionsEnded })
  })
}

/**
 * Lets a disabled account sign in again, with the password it had (its sessions ended when it was
 * disabled, so it signs in afresh). Enabling an active account changes nothing and is not audited.
 */
export async function enableStaff(db: Db, email: string, stamp: Stamp): Promise<Result<{ changed: boolean }, 'STAFF_NOT_FOUND'>> {
  return transaction(db, async (tx) => {
    const account = await staffByEmail(tx, email)
    if (!account) return fail('STAFF_NOT_FOUND')
    if (account.status === 'active') return ok({ changed: false })
    await setStaffStatus(tx, account.id, 'active', stamp.at)
    await auditStaff(tx, { at: stamp.at, actor: stamp.actor, action: 'staff.enabled', entityId: account.id })
    return ok({ changed: true })
  })
}

/**
 * Gives an account another role (and region: R1–R6 for `regional`, none otherwise). Its sessions
 * stay: each request reads the role afresh, so the change holds from the next page on.
 */
export async function changeStaffRole(
  db: Db,
  email: string,
  input: { role: string; region?: string | undefined },
  stamp: Stamp,
): Promise<Result<ValidStaff, StaffProblem | 'STAFF_NOT_FOUND'>> {
  return transaction(db, async (tx) => {
    const account = await staffByEmail(tx, email)
    if (!account) return fail('STAFF_NOT_FOUND')
    const valid = validateStaff({ name: account.name, email: account.email, ...input })
    if (!valid.ok) return valid
    const { role, region } = valid.value
    await setStaffRole(tx, account.id, role, region, stamp.at)
    const details = { from: { role: account.role, region: account.region }, to: { role, region } }
    await auditStaff(tx, { at: stamp.at, actor: stamp.actor, action: 'staff.role_changed', entityId: account.id, details })
    return ok(valid.value)
  })
}

/**
 * A new one-time link for an account (a forgotten password): earlier links stop working and every
 * session ends. The two-factor secret is kept unless `twoFactor` (a lost authenticator) turns it
 * off: then the account signs in with the new password alone and enrols again (an `admin` must, in
 * production, before any page).
 */
export async function resetStaff(
  db: Db,
  email: string,
  stamp: Stamp,
  options: { twoFactor?: boolean } = {},
): Promise<Result<{ token: string; sessionsEnded: number; twoFactorCleared: boolean }, 'STAFF_NOT_FOUND' | 'STAFF_DISABLED'>> {
  return await transaction(db, async (tx) => {
    const account = await staffByEmail(tx, email)
    if (!account) return fail('STAFF_NOT_FOUND')
    if (account.status !== 'active') return fail('STAFF_DISABLED')
    const sessionsEnded = await deleteSessionsOf(tx, account.id)
    const token = await newLink(tx, 'reset', account.id, stamp.at, LINK_HOURS)
    const twoFactorCleared = options.twoFactor === true && account.totpSecret !== null
    if (twoFactorCleared) await clearTotp(tx, account.id, stamp.at)
    const details = { sessionsEnded, ...(twoFactorCleared && { twoFactorCleared }) }
    await auditStaff(tx, { at: stamp.at, actor: stamp.actor, action: 'staff.reset', entityId: account.id, details })
    return ok({ token, sessionsEnded, twoFactorCleared })
  })
}

/**
 * The first admin's one-time link (FIRST_ADMIN_LINK_HOURS), when the database has no staff yet:
 * its page asks for the name, e-mail and password. Undefined when there is staff already.
 */
export async function firstAdminLink(db: Db, at: Date): Promise<string | undefined> {
  return transaction(db, async (tx) =>
    (await countStaff(tx)) > 0 ? undefined : await newLink(tx, 'first-admin', null, at, FIRST_ADMIN_LINK_HOURS),
  )
}

/** What a usable link is for: the account it sets the password of, or the first admin (none yet). */
export type OpenLink = { purpose: LinkPurpose; staff: { id: number; name: string; email: string } | null }

/** The link `token` names, while it is unused, unexpired, and its account active (or, first admin, no staff yet). */
export async function openLink(db: Db, token: string, at: Date): Promise<OpenLink | undefined> {
  const link = await usableLink(db, tokenHash(token), at)
  if (!link) return undefined
  if (link.staffId === null) return (await countStaff(db)) === 0 ? { purpose: link.purpose, staff: null } : undefined
  const account = await staffById(db, link.staffId)
  if (account?.status !== 'active') return undefined
  return { purpose: link.purpose, staff: { id: account.id, name: account.name, email: account.email } }
}

export type SetPasswordInput = { password: string; confirm: string; name?: string; email?: string }
export type SetPasswordProblem = 'LINK_INVALID' | PasswordProblem | StaffProblem

/**
 * Sets the password through a one-time link (used up by it), for its account, or (first admin)
 * creates the admin account with the name and e-mail given. Returns the account's id.
 */
export async function setPasswordWithLink(
  db: Db,
  token: string,
  input: SetPasswordInput,
  at: Date,
): Promise<Result<{ staffId: number }, SetPasswordProblem>> {
  const link = await openLink(db, token, at)
  if (!link) return fail('LINK_INVALID')
  let account: ValidStaff | undefined
  if (!link.staff) {
    const valid = validateStaff({ name: input.name ?? '', email: input.email ?? '', role: 'admin' })
    if (!valid.ok) return valid
    account = valid.value
  }
  const email = link.staff?.email ?? account?.email ?? ''
  const problem = passwordProblem(input.password, input.confirm, email)
  if (problem) return fail(problem)
  const passwordHash = await hashPassword(input.password)
  return transaction(db, async (tx) => {
    // Checked again inside the write: the link may have been used while the hash was computed.
    const current = await usableLink(tx, tokenHash(token), at)
    if (!current || !(await useLink(tx, current.id, at))) return fail('LINK_INVALID')
    let staffId = link.staff?.id
    if (account) {
      if ((await countStaff(tx)) > 0) return fail('LINK_INVALID')
      staffId = await insertStaff(tx, { ...account, at })
      if (staffId === undefined) return fail('EMAIL_TAKEN')
      await auditStaff(tx, {
        at,
        actor: `staff:${staffId}`,
        action: 'staff.added',
        entityId: staffId,
        details: { role: 'admin', first: true },
      })
    }
    if (staffId === undefined) return fail('LINK_INVALID')
    await setPasswordHash(tx, staffId, passwordHash, at)
    await auditStaff(tx, {
      at,
      actor: `staff:${staffId}`,
      action: 'staff.password_set',
      entityId: staffId,
      details: { via: link.purpose },
    })
    return ok({ staffId })
  })
}
