/**
 * Sending a message again from the console's Pengingat page: a failed one, or one whose outcome is
 * unknown (the server stopped while sending it: the person may have it already, which the page
 * warns about; staff decide after checking with them). A new outbox row (key `resend:<id>`, due
 * now) that the delivery sends at its channel's pace, quiet hours included; the first row is kept as
 * it was, so no row is ever sent twice and its outcome stays on record. Audited (`reminder.resent`)
 * with the staff member.
 */
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { queueResend, type ReminderRow, reminderInScope } from '../../db/queries/console-reminders.js'
import type { ConsoleScope } from '../../db/queries/console-scope.js'
import { transaction } from '../../db/store.js'
import { fail, ok, type Result } from '../result.js'

export type ResendProblem = 'NOT_FOUND' | 'NOT_FAILED' | 'ALREADY_RESENT' | 'NOT_RESENDABLE' | 'EXPIRED'

/** The statuses a message can be sent again from: failed, and unknown (it may not have arrived). */
const RESENDABLE_STATUSES: readonly string[] = ['failed', 'unknown']

/**
 * Why a message cannot be sent again, or undefined when it can: only a failed one or one whose
 * outcome is unknown, once, while its event has not started; never a one-time code (its text is not
 * kept once it failed, and it is expired anyway) or an answer that could not be delivered (out of
 * its conversation, it makes no sense).
 */
export function resendProblem(row: ReminderRow, now: Date): ResendProblem | undefined {
  if (!RESENDABLE_STATUSES.includes(row.status)) return 'NOT_FAILED'
  if (row.resentAs !== null) return 'ALREADY_RESENT'
  if (row.kind === 'identity_code' || row.kind === 'reply') return 'NOT_RESENDABLE'
  if (row.expiresAt && row.expiresAt <= now) return 'EXPIRED'
  return undefined
}

/**
 * Queues the message `id` again, if the scope may see it and it can be; returns the new row's id and
 * the status of the first one (`unknown`: the person may get the message twice).
 */
export async function resendMessage(
  db: Db,
  input: { id: number; scope: ConsoleScope; actor: string; now: Date },
): Promise<Result<{ id: number; was: string }, ResendProblem>> {
  // One write transaction: two clicks, or two staff members, queue it once.
  return await transaction(db, async (tx) => {
    const row = await reminderInScope(tx, input.scope, input.id)
    if (!row) return fail('NOT_FOUND')
    const problem = resendProblem(row, input.now)
    if (problem) return fail(problem)
    const id = await queueResend(tx, row.id, input.now)
    if (id === undefined) return fail('ALREADY_RESENT')
    await writeAudit(tx, {
      at: input.now,
      actor: input.actor,
      action: 'reminder.resent',
      entity: 'outbox',
      entityId: String(row.id),
      details: { kind: row.kind, channel: row.channel, status: row.status, newId: id },
    })
    return ok({ id, was: row.status })
  })
}
