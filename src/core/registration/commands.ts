/**
 * What a person types about Bimtek outside the registration flow, in the order the engine tries
 * them: "jadwal" (optionally with a region or province), "registrasi saya", "batal <kode>" (asked
 * once more before it happens), "kalender" (the calendar files again), and "YA" to take a seat
 * offered from the waiting list. The same asked in a sentence ("kode pendaftaran sy apa ya",
 * "batalin pendaftaran sy dong") comes through `mine` and `cancel`, which prove who is asking first
 * when the chat is not linked.
 */
import type { ChoiceAction, TypedCommand } from '../engine.js'
import type { FlowDefinition } from '../flows/flow.js'
import type { Proof } from '../identity/proof.js'
import type { ReminderSettings } from '../reminders/settings.js'
import type { Outcome, TurnContext } from '../turn.js'
import { calendarCommand } from './calendar-command.js'
import { askCancel, cancelCommands, chooseToCancel, createCancelAction, myRegistrations } from './cancel.js'
import { scheduleCommand } from './schedule.js'
import { createTakeOffer } from './seat-offers.js'

export type RegistrationCommandDeps = {
  offerHours: number
  /** The reminder settings the plans use when a seat is taken or a registration cancelled. */
  reminders: ReminderSettings
  /** Proves who is asking before an unlinked chat is shown or cancels registrations. */
  proof: Proof
}

export function createRegistrationCommands(deps: RegistrationCommandDeps): {
  commands: TypedCommand[]
  actions: ChoiceAction[]
  /** registration.mine: the person's registrations (codes, status, session), after proof on an unlinked chat. */
  mine: (ctx: TurnContext) => Promise<Outcome>
  /**
   * registration.cancel: with a code, the confirmation of "batal <kode>"; without, the only
   * registration asked about or several to choose from; after proof on an unlinked chat.
   */
  cancel: (ctx: TurnContext, code?: string) => Promise<Outcome>
  /** The proof flows `mine` and `cancel` start (the engine must know them). */
  flows: FlowDefinition[]
} {
  const offerMs = deps.offerHours * 3_600_000
  const { proof } = deps
  const mineProof = proof.proofFlows('registrasi-saya', (ctx) => myRegistrations(ctx))
  const cancelProof = proof.proofFlows('batal-pendaftaran', async (ctx, _person, carried) =>
    typeof carried.code === 'string' ? await askCancel(ctx, carried.code) : await chooseToCancel(ctx),
  )
  return {
    commands: [scheduleCommand, ...cancelCommands, calendarCommand, createTakeOffer(deps)],
    actions: [createCancelAction({ offerMs, reminders: deps.reminders })],
    mine: (ctx) => proof.proveFirst(ctx, mineProof),
    cancel: (ctx, code) => proof.proveFirst(ctx, cancelProof, code ? { code } : {}),
    flows: [mineProof.claim, mineProof.phone, cancelProof.claim, cancelProof.phone],
  }
}
