/**
 * What a person types about Bimtek outside the registration flow, in the order the engine tries
 * them: "jadwal" (optionally with a region or province), "registrasi saya", "batal <kode>" (asked
 * once more before it happens), and "YA" to take a seat offered from the waiting list.
 */
import type { ChoiceAction, TypedCommand } from '../engine.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { cancelCommands, createCancelAction } from './cancel.js'
import { scheduleCommand } from './schedule.js'
import { createTakeOffer } from './seat-offers.js'

export type RegistrationCommandDeps = {
  offerHours: number
  /** The reminder settings the plans use when a seat is taken or a registration cancelled. */
  reminders: ReminderSettings
}

export function createRegistrationCommands(deps: RegistrationCommandDeps): {
  commands: TypedCommand[]
  actions: ChoiceAction[]
} {
  const offerMs = deps.offerHours * 3_600_000
  return {
    commands: [scheduleCommand, ...cancelCommands, createTakeOffer(deps)],
    actions: [createCancelAction({ offerMs, reminders: deps.reminders })],
  }
}
