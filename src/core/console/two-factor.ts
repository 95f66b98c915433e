/**
 * Two-factor enrolment for a signed-in staff member: a new TOTP secret is kept sealed but not in
 * force until a code from the authenticator app confirms it; then every sign-in asks for a code.
 */
import type { Db } from '../../db/client.js'
import { auditStaff, enableTotp, setPendingTotp, staffById } from '../../db/queries/console-staff.js'
import type { SecretBox } from '../privacy/data-key.js'
import { fail, ok, type Result } from '../result.js'
import { newTotpSecret, totpStep, totpUri } from './credentials.js'

export type Enrolment = { enabledAt: Date } | { enabledAt: null; secret: string; uri: string }

/**
 * The account's two-factor state: on (since when), or the secret to enrol (the same one until it
 * is confirmed, so reloading the page does not change the QR already scanned).
 */
export async function enrolment(db: Db, box: SecretBox, staffId: number, at: Date): Promise<Enrolment> {
  let account = await staffById(db, staffId)
  if (!account) throw new Error(`no staff ${staffId}`)
  if (!account.totpEnabledAt && !account.totpSecret) {
    // Kept only if no other page kept one meanwhile; then that one is read back and shown.
    const fresh = newTotpSecret()
    if (await setPendingTotp(db, staffId, box.seal(fresh), at))
      return { enabledAt: null, secret: fresh, uri: totpUri(fresh, account.email) }
    account = await staffById(db, staffId)
    if (!account) throw new Error(`no staff ${staffId}`)
  }
  if (account.totpEnabledAt) return { enabledAt: account.totpEnabledAt }
  if (!account.totpSecret) throw new Error(`staff ${staffId}: no secret to enrol`)
  const secret = box.open(account.totpSecret)
  return { enabledAt: null, secret, uri: totpUri(secret, account.email) }
}

/** Puts the pending secret in force when `code` is right for it; audited. */
export async function confirmEnrolment(
  db: Db,
  box: SecretBox,
  staffId: number,
  code: string,
  at: Date,
): Promise<Result<null, 'OTP_WRONG'>> {
  const account = await staffById(db, staffId)
  if (!account?.totpSecret || account.totpEnabledAt) return fail('OTP_WRONG')
  const step = totpStep(box.open(account.totpSecret), code, at)
  if (step === undefined) return fail('OTP_WRONG')
  await enableTotp(db, staffId, step, at)
  await auditStaff(db, { at, actor: `staff:${staffId}`, action: 'staff.two_factor_enrolled', entityId: staffId })
  return ok(null)
}
