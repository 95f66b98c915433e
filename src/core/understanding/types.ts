/** The shapes of the understanding step (issue 20): what one free message asks for, and the details it states. */
import type { MatchOutcome } from '../faq/matcher.js'
import type { PlaceSlots, Regions } from './slots/places.js'

export type { RegionRow, Regions } from './slots/places.js'

/** The intents of the issue: twelve actions the product can do or look up, and `faq` for every knowledge question. */
export const INTENTS = [
  'sessions.find',
  'registration.start',
  'registration.mine',
  'registration.cancel',
  'status.check',
  'certificate.verify',
  'reminders.stop',
  'reminders.start',
  'reminders.list',
  'handoff',
  'data.mine',
  'data.delete',
  'faq',
] as const
export type Intent = (typeof INTENTS)[number]
export type ActionIntent = Exclude<Intent, 'faq'>

/** The slots as the issue names them (absent ones left out), plus the codes of the place for the handlers. */
export type Slots = {
  province?: string
  regency?: string
  region?: string
  month?: string
  mode?: 'daring' | 'luring'
  number?: string
  code?: string
  provinceCode?: string
  regencyCode?: string
}

/** One reading of a message: the intent, its slots, the FAQ topic (for `faq` only) and how sure it is (0–1). */
export type Reading = { intent: Intent; slots: Slots; topic: string | null; confidence: number }

export type Understanding = Reading & {
  /** Other readings, best first, at most 3: what "Maksud Anda" offers, or the action one tap away from a FAQ answer. */
  alternatives: Reading[]
  /** A second request in the same message, answered after the first (or asked about first). */
  also?: Reading
  /** The message seems to hold a third request: it is not answered, and the person is asked to send it again. */
  more?: boolean
  /** The FAQ matcher's verdict when it ran (at most once per message), passed on so the FAQ never runs it again. */
  match?: MatchOutcome
  /** True when the reading is unsure between an action and a knowledge answer: the chat asks "Maksud Anda". */
  ask: boolean
  /** Which rules fired (the CLI's --explain and the tests); never logged. */
  cues: string[]
}

export type UnderstandContext = {
  now: Date
  /** The reader's zone for relative dates, or how to find it when a date is named (default Asia/Jakarta). */
  timeZone?: string | (() => string)
  /** The regions table's rows (or how to read them when a place is named): which region serves which province. */
  regions: Regions
}

export type { PlaceSlots }
