/** What each understood action does: a function over the capability that already exists, with the slots filled in. */
import type { EngineTools } from '../engine.js'
import type { Awaitable, Outcome, TurnContext } from '../turn.js'
import type { ActionIntent, Slots } from './types.js'

/** Runs one action with the details the message gave (absent slots left out). */
export type ActionHandler = (ctx: TurnContext, slots: Slots, tools: EngineTools) => Awaitable<Outcome>

export type ActionHandlers = Readonly<Record<ActionIntent, ActionHandler>>
