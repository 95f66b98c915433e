/**
 * Signing in to the console: e-mail, password and (when the account has two-factor on) a TOTP
 * code. An unknown e-mail, a disabled account and a wrong password get the same answer, after the
 * same work. Failures are throttled per account and per client address, counted in the database
 * (a restart does not reset them), and every outcome is audited.
 */
import type { Db } from '../../db/client.js'
import {
  auditStaff,
  clearSignInFailures,
  recordSignInFailure,
  type StaffRow,
  signInFailuresSince,
  staffByEmail,
  takeTotpStep,
} from '../../db/queries/console-staff.js'
import type { SecretBox } from '../privacy/data-key.js'
import { checkPassword, totpStep } from './credentials.js'

/** Failed sign-ins counted over this window. */
export const SIGN_IN_WINDOW_MINUTES = 15
/** Failures allowed per account (e-mail as typed, known or not) in the window. */
export const ACCOUNT_FAILURE_LIMIT = 5
/** Failures allowed per client address in the window (an office behind one address shares it). */
export const CLIENT_FAILURE_LIMIT = 20

const WINDOW_MS = SIGN_IN_WINDOW_MINUTES * 60_000

export type SignInAttempt = { email: string; password: string; otp: string; client: string }

export type SignInProblem = 'THROTTLED' | 'WRONG_CREDENTIALS' | 'OTP_REQUIRED' | 'OTP_WRONG'

export type SignInResult =
  | { ok: true; staff: StaffRow }
  /** `reason` is for the logs (absent when throttled); `retryAfter` in seconds when throttled. */
  | { ok: false; problem: SignInProblem; reason?: FailureReason; retryAfter?: number; staffId?: number }

export type SignInDeps = {
  db: Db
  clock: () => Date
  /** Opens TOTP secrets (a subkey of DATA_ENCRYPTION_KEY). */
  totpBox: SecretBox
}

/** Why a sign-in failed, as written to the audit log and the server log (never what was typed). */
export type FailureReason = 'unknown_email' | 'disabled' | 'wrong_password' | 'otp_missing' | 'otp_wrong'

export function createSignIn(deps: SignInDeps) {
  const subjects = (email: string, client: string) => [`account:${email.trim().toLowerCase()}`, `client:${client}`]

  /** Seconds until a subject over its limit may try again; 0 when none is. */
  async function waitSeconds(email: string, client: string, at: Date): Promise<number> {
    const since = new Date(at.getTime() - WINDOW_MS)
    const limits = [ACCOUNT_FAILURE_LIMIT, CLIENT_FAILURE_LIMIT]
    let wait = 0
    for (const [i, subject] of subjects(email, client).entries()) {
      const { count, first } = await signInFailuresSince(deps.db, subject, since)
      if (count >= (limits[i] ?? 0) && first)
        wait = Math.max(wait, Math.ceil((first.getTime() + WINDOW_MS - at.getTime()) / 1000))
    }
    return wait
  }

  async function failed(attempt: SignInAttempt, account: StaffRow | undefined, reason: FailureReason, at: Date) {
    await recordSignInFailure(deps.db, subjects(attempt.email, attempt.client), at, new Date(at.getTime() - WINDOW_MS))
    await auditStaff(deps.db, {
      at,
      actor: account ? `staff:${account.id}` : 'anonymous',
      action: 'staff.sign_in_failed',
      ...(account && { entityId: account.id }),
      details: { reason, client: attempt.client },
    })
  }

  return {
    /** The staff member, or why not. */
    async signIn(attempt: SignInAttempt): Promise<SignInResult> {
      const at = deps.clock()
      const wait = await waitSeconds(attempt.email, attempt.client, at)
      if (wait > 0) return { ok: false, problem: 'THROTTLED', retryAfter: wait }
      const account = await staffByEmail(deps.db, attempt.email)
      const passwordRight = await checkPassword(account?.passwordHash, attempt.password)
      const reject = async (problem: SignInProblem, reason: FailureReason): Promise<SignInResult> => {
        await failed(attempt, account, reason, at)
        return { ok: false, problem, reason, ...(account && { staffId: account.id }) }
      }
      if (!account) return reject('WRONG_CREDENTIALS', 'unknown_email')
      if (!passwordRight) return reject('WRONG_CREDENTIALS', 'wrong_password')
      if (account.status !== 'active') return reject('WRONG_CREDENTIALS', 'disabled')
      if (account.totpEnabledAt && account.totpSecret) {
        if (!attempt.otp.trim()) return reject('OTP_REQUIRED', 'otp_missing')
        const step = totpStep(deps.totpBox.open(account.totpSecret), attempt.otp, at)
        // A code is good once: one seen over someone's shoulder cannot be used again.
        if (step === undefined || !(await takeTotpStep(deps.db, account.id, step))) return reject('OTP_WRONG', 'otp_wrong')
      }
      await clearSignInFailures(deps.db, subjects(attempt.email, attempt.client)[0] ?? '')
      await auditStaff(deps.db, {
        at,
        actor: `staff:${account.id}`,
        action: 'staff.signed_in',
        entityId: account.id,
        details: { client: attempt.client },
      })
      return { ok: true, staff: account }
    },
  }
}

export type SignIn = ReturnType<typeof createSignIn>
