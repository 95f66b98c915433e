/** What a feature or flow sees of one incoming message, and what it hands back to the engine. */
import type { Db } from '../db/client.js'
import type { Choice, Inbound, Language, Reply } from './types.js'

/**
 * What a hook of a feature or flow may give back: the value, or a promise of it when it has to wait
 * for storage (on PostgreSQL every query is a round trip). The engine awaits either.
 */
export type Awaitable<T> = T | Promise<T>

export type TurnContext = {
  inbound: Inbound
  lang: Language
  now: Date
  /** The message's own transaction: everything the turn reads and writes goes through it. */
  db: Db
}

/** Where a chat is inside a multi-step flow; stored with the conversation. */
export type FlowPosition = {
  flow: string
  step: string
  fields: Record<string, unknown>
  /** The step being corrected from the summary, if any. */
  editing?: string
}

export type Outcome = {
  replies: Reply[]
  /** The flow position after this message; null when the chat is outside any flow. */
  next: FlowPosition | null
  /** The user backed out of the flow (the engine then confirms and shows the menu). */
  cancelled?: boolean
  /** The language the chat switched to with this message. */
  lang?: Language
}

/** What a user sent, resolved against the options they were last offered. */
export type UserInput = {
  text: string
  /** The id of the offered option they chose, by tap, number, label or id. */
  choice?: string
}

export const lastChoices = (replies: Reply[]): Choice[] | undefined =>
  [...replies].reverse().find((reply) => reply.choices?.length)?.choices
