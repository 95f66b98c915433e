/**
 * The conversation engine: one `Inbound` in, the `Reply` list out, the same for every channel.
 * Each message is handled in one database transaction (de-duplication, state read, feature work,
 * state write), one message of a chat at a time.
 */
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import { type ConversationQueries, conversationQueries, VersionConflictError } from '../db/queries/conversations.js'
import { commitTogether, transaction } from '../db/store.js'
import { continueFlow, type FlowDefinition, repeatStep, startFlow } from './flows/flow.js'
import { createKeyedQueue } from './keyed-queue.js'
import { MENU_PREFIX, type MenuItemId, menuChoices, menuItem, resolveChoice, shortcut } from './menu.js'
import { fill, messages, t } from './messages.js'
import { isEnglish } from './text/english.js'
import { globalCommand, isGreeting } from './text/intents.js'
import { type Awaitable, type FlowPosition, lastChoices, type Outcome, type TurnContext, type UserInput } from './turn.js'
import type { Choice, Inbound, Language, Reply } from './types.js'

/** What the engine lends the fallback and the choice actions: a menu entry started as if chosen (its gates apply). */
export type EngineTools = { startFeature(id: MenuItemId): Promise<Outcome> }

export type ChoiceAction = {
  prefix: string
  handle: (ctx: TurnContext, choiceId: string, tools: EngineTools) => Awaitable<Outcome>
}

/**
 * A menu entry's behaviour: start a flow (unless `before` answers instead, e.g. "no sessions are
 * open"), or answer at once.
 */
export type Feature =
  | {
      flow: FlowDefinition
      before?: (ctx: TurnContext) => Awaitable<Outcome | undefined>
      /** Other flows `before` may start instead (e.g. a shorter route for a known WhatsApp number). */
      also?: FlowDefinition[]
    }
  | { start: (ctx: TurnContext) => Awaitable<Outcome> }

/** A command typed outside a flow ("jadwal makassar", "batal BMT-7K2QX9"); undefined: not this one. */
export type TypedCommand = (ctx: TurnContext, text: string) => Awaitable<Outcome | undefined>

/**
 * The longest text read, in characters (code points): far more than any question or answer, and
 * what the matcher and the flows handle in a few milliseconds. A longer message (WhatsApp allows
 * 65,536) is not read in part, which could answer a question that was not asked: the person is
 * told the length and asked to send it shorter, and stays at the same step.
 */
export const MAX_TEXT_LENGTH = 2000

/** The number of characters (code points) of `text`. */
function codePoints(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}

/**
 * How long a chat that was offered English (or switched language itself) is not offered it again:
 * a day, so a person who prefers Indonesian answers is not asked at every question.
 */
export const ENGLISH_OFFER_QUIET_MS = 24 * 60 * 60_000

/** Most messages committed together; bounds how long one commit holds the write lock. */
const MAX_BATCH = 256

export type EngineDeps = {
  db: Db
  logger: Logger
  /** The time of each message: its conversation's expiry, and everything the features stamp or plan. */
  clock: () => Date
  /** Menu entries that exist; the others answer honestly that they are not available yet. */
  features?: Partial<Record<MenuItemId, Feature>>
  /** Free text outside a flow that nothing else understood. */
  fallback?: (ctx: TurnContext, input: UserInput, tools: EngineTools) => Awaitable<Outcome>
  /** Flows started outside the menu entries (e.g. a proof of identity asked for by an understood sentence). */
  flows?: FlowDefinition[]
  /**
   * Options that mean the same whenever they are chosen outside a flow (e.g. "faq:syarat"), so a
   * button on an old message keeps working.
   */
  actions?: ChoiceAction[]
  /** Tried in order on text typed outside a flow, before the menu's shortcuts and the fallback. */
  commands?: TypedCommand[]
  /** The chat switched language (ctx.lang is the new one): e.g. planned reminders are rewritten. */
  onLanguageChange?: (ctx: TurnContext) => Awaitable<void>
  /** "batal" typed outside a flow: undefined lets the engine say there is nothing to cancel. */
  cancelOutsideFlow?: (ctx: TurnContext) => Awaitable<Outcome | undefined>
  /**
   * Takes a message before any routing (a live handoff with staff, a rating to give); undefined
   * lets the engine route it as usual. Runs in the message's own transaction, after de-duplication.
   */
  intercept?: (ctx: TurnContext) => Awaitable<Outcome | undefined>
  /** Called after each commit of a batch of messages (live views read what was written). */
  onCommitted?: () => void
  timeoutMinutes?: number
  /** Who to contact when the assistant cannot help ("sekretariat BBPPKS di wilayah Anda"). */
  contact?: string
}

export type Engine = {
  /** Handles one message; a message id seen before gets no answer (an empty list). */
  handle(inbound: Inbound): Promise<Reply[]>
}

type Conversation = {
  lang: Language
  position: FlowPosition | null
  offered: Choice[]
  version: number
  /** When the chat was last offered English, or switched language (ms since the epoch). */
  englishOfferedAt?: number
}

/** What routing a message gives: the outcome, and whether it offers English (remembered with the chat). */
type Routed = Outcome & { englishOffered?: boolean }

/** What the engine keeps in a conversation's `data`. */
type StoredData = { position?: FlowPosition; offered?: Choice[]; expiredFlow?: boolean; englishOfferedAt?: number }

/** Puts a note in front of the first reply, so it reads as one message. */
function withLead(replies: Reply[], lead: string): Reply[] {
  const [first, ...rest] = replies
  return first ? [{ ...first, text: `${lead}\n\n${first.text}` }, ...rest] : [{ text: lead }]
}

export function createEngine(deps: EngineDeps): Engine {
  const { db, logger, clock } = deps
  const timeoutMs = (deps.timeoutMinutes ?? 30) * 60_000
  const contact = deps.contact ?? 'sekretariat BBPPKS di wilayah Anda'
  const features = deps.features ?? {}
  const flows = new Map<string, FlowDefinition>()
  for (const feature of Object.values(features)) {
    if (!feature || !('flow' in feature)) continue
    for (const flow of [feature.flow, ...(feature.also ?? [])]) flows.set(flow.id, flow)
  }
  for (const flow of deps.flows ?? []) flows.set(flow.id, flow)
  const enqueue = createKeyedQueue()
  const actions = deps.actions ?? []
  const actionFor = (choiceId: string | undefined) =>
    choiceId === undefined ? undefined : actions.find((action) => choiceId.startsWith(action.prefix))

  const menu = (lang: Language, lead?: string): Reply => ({
    text: [lead, t(lang, messages.menuIntro)].filter(Boolean).join('\n\n'),
    choices: menuChoices(lang),
  })
  const atMenu = (lang: Language, lead?: string): Outcome => ({ replies: [menu(lang, lead)], next: null })

  async function startFeature(id: string, ctx: TurnContext): Promise<Outcome> {
    const item = menuItem(id)
    const feature = item && features[item.id]
    if (!item || !feature) {
      const lead = fill(t(ctx.lang, messages.notAvailable), { feature: item ? t(ctx.lang, item.label) : id, contact })
      return atMenu(ctx.lang, lead)
    }
    if (!('flow' in feature)) return feature.start(ctx)
    return (await feature.before?.(ctx)) ?? (await startFlow(feature.flow, ctx))
  }

  /**
   * An Indonesian-speaking chat that writes in English gets the usual (Indonesian) answer with one
   * line, in English, on how to switch; at most once a day, never once the chat speaks English.
   */
  function offerEnglish(outcome: Outcome, conversation: Conversation, ctx: TurnContext, text: string): Routed {
    if (ctx.lang !== 'id' || outcome.lang || !isEnglish(text)) return outcome
    const last = conversation.englishOfferedAt
    if (last !== undefined && ctx.now.getTime() - last < ENGLISH_OFFER_QUIET_MS) return outcome
    return { ...outcome, replies: withLead(outcome.replies, t(ctx.lang, messages.englishOffer)), englishOffered: true }
  }

  // Made only for the routes that lend them: most messages never do, and under tsx (the bench, the
  // tests) every closure made costs a name definition.
  const toolsFor = (ctx: TurnContext): EngineTools => ({ startFeature: (id) => startFeature(`${MENU_PREFIX}${id}`, ctx) })

  async function route(conversation: Conversation, ctx: TurnContext): Promise<Routed> {
    const { inbound, lang } = ctx
    const text = inbound.text?.trim() ?? ''
    const position = conversation.position
    const flow = position ? flows.get(position.flow) : undefined

    // A file outside a conversation with staff (one that ended while it was downloading) is not read either.
    if ((inbound.unsupported || inbound.media) && !text && !inbound.choice) {
      const note = t(lang, messages.unsupported)
      return flow && position ? await repeatStep(flow, position, ctx, note) : atMenu(lang, note)
    }
    // A contact card outside a proof step (a Telegram contact shared unasked): nothing to prove, nothing kept.
    if (inbound.contact && !text && !inbound.choice && !flow) return atMenu(lang, t(lang, messages.contactNotAsked))
    // Code points never outnumber UTF-16 units: most messages need no counting.
    const length = text.length > MAX_TEXT_LENGTH ? codePoints(text) : text.length
    if (length > MAX_TEXT_LENGTH) {
      const number = (n: number) => n.toLocaleString(lang === 'id' ? 'id-ID' : 'en-US')
      const note = fill(t(lang, messages.tooLong), { length: number(length), max: number(MAX_TEXT_LENGTH) })
      return flow && position ? await repeatStep(flow, position, ctx, note) : atMenu(lang, note)
    }
    const command = inbound.choice ? undefined : globalCommand(text)
    if (command === 'lang:id' || command === 'lang:en') {
      const switched = { ...ctx, lang: command === 'lang:en' ? ('en' as const) : ('id' as const) }
      if (switched.lang !== ctx.lang) await deps.onLanguageChange?.(switched)
      const note = t(switched.lang, messages.languageSet)
      if (flow && position) {
        const again = await repeatStep(flow, position, switched)
        return { ...again, replies: [{ text: note }, ...again.replies], lang: switched.lang }
      }
      return { ...atMenu(switched.lang, note), lang: switched.lang }
    }
    if (command === 'cancel') {
      // Outside a flow "batal" may answer something the assistant sent on its own (a reminder).
      const answered = position ? undefined : await deps.cancelOutsideFlow?.(ctx)
      return answered ?? atMenu(lang, t(lang, position ? messages.cancelled : messages.nothingToCancel))
    }
    if (command === 'menu') return atMenu(lang, position ? t(lang, messages.leftFlow) : undefined)

    // A typed option number may come as `choice`; it means the same as typing it.
    const tapped =
      inbound.choice && /^\d{1,2}$/.test(inbound.choice) ? resolveChoice(inbound.choice, conversation.offered) : inbound.choice
    // A tapped button that no longer belongs to the latest message.
    if (tapped && !conversation.offered.some((choice) => choice.id === tapped)) {
      if (tapped.startsWith(MENU_PREFIX)) {
        const started = await startFeature(tapped, ctx)
        return position ? { ...started, replies: withLead(started.replies, t(lang, messages.leftFlow)) } : started
      }
      if (flow && position) return repeatStep(flow, position, ctx, t(lang, messages.staleChoice))
      const action = actionFor(tapped)
      if (action) return action.handle(ctx, tapped, toolsFor(ctx))
      return atMenu(lang, t(lang, messages.staleChoice))
    }
    const input: UserInput = { text }
    // Outside a flow, a number the last message did not offer means the main menu's entry.
    const choice =
      tapped ?? resolveChoice(text, conversation.offered) ?? (position ? undefined : resolveChoice(text, menuChoices(lang)))
    if (choice) input.choice = choice

    if (flow && position && !choice && isGreeting(text)) {
      return repeatStep(flow, position, ctx, t(lang, messages.greetingInFlow))
    }
    if (flow && position) {
      const outcome = await continueFlow(flow, position, input, ctx)
      return outcome.cancelled ? atMenu(lang, t(lang, messages.cancelled)) : outcome
    }
    if (input.choice?.startsWith(MENU_PREFIX)) return startFeature(input.choice, ctx)
    if (!input.choice) {
      for (const command of deps.commands ?? []) {
        const outcome = await command(ctx, text)
        // Free text outside a flow (a typed command, a question for the FAQ, a sentence the fallback
        // reads) may be English: see offerEnglish.
        if (outcome) return offerEnglish(outcome, conversation, ctx, text)
      }
    }
    const typedCommand = input.choice ? undefined : shortcut(text)
    if (typedCommand) return startFeature(typedCommand, ctx)
    const action = actionFor(input.choice)
    if (action && input.choice) return action.handle(ctx, input.choice, toolsFor(ctx))
    if (isGreeting(text)) return atMenu(lang, t(lang, messages.greeting))
    // A typed option of the last message is not a question in any language.
    if (deps.fallback) {
      const tools = toolsFor(ctx)
      return input.choice
        ? deps.fallback(ctx, input, tools)
        : offerEnglish(await deps.fallback(ctx, input, tools), conversation, ctx, text)
    }
    return offerEnglish(atMenu(lang, t(lang, messages.notUnderstood)), conversation, ctx, text)
  }

  async function read(
    queries: ConversationQueries,
    inbound: Inbound,
    now: Date,
  ): Promise<{ conversation: Conversation; expired: boolean }> {
    const stored = await queries.load(inbound.channel, inbound.chatId)
    if (!stored) return { conversation: { lang: 'id', position: null, offered: menuChoices('id'), version: 0 }, expired: false }
    const data = JSON.parse(stored.data) as StoredData
    const expired = now.getTime() - stored.updatedAt.getTime() > timeoutMs
    const position = expired ? null : (data.position ?? null)
    const offered = expired || !data.offered ? menuChoices(stored.language) : data.offered
    return {
      conversation: {
        lang: stored.language,
        position,
        offered,
        version: stored.version,
        ...(data.englishOfferedAt !== undefined && { englishOfferedAt: data.englishOfferedAt }),
      },
      expired: (expired && !!data.position) || data.expiredFlow === true,
    }
  }

  async function turn(tx: Db, inbound: Inbound, now: Date): Promise<Reply[]> {
    const queries = conversationQueries(tx)
    if (!(await queries.markProcessed(inbound.channel, inbound.chatId, inbound.messageId, now))) return []
    const { conversation, expired } = await read(queries, inbound, now)
    const ctx: TurnContext = { inbound, lang: conversation.lang, now, db: tx }
    const outcome: Routed = (await deps.intercept?.(ctx)) ?? (await route(conversation, ctx))
    const lang = outcome.lang ?? conversation.lang
    const position = outcome.next
    const offered = lastChoices(outcome.replies) ?? (position ? [] : menuChoices(lang))
    // A chat that switched language knows the way: it is not offered English for a day either.
    const englishOfferedAt = outcome.englishOffered || outcome.lang ? now.getTime() : conversation.englishOfferedAt
    const kept: StoredData = position ? { position, offered } : { offered }
    if (englishOfferedAt !== undefined) kept.englishOfferedAt = englishOfferedAt
    const data = JSON.stringify(kept)
    await queries.save(inbound.channel, inbound.chatId, conversation.version, {
      language: lang,
      flow: position?.flow ?? null,
      step: position?.step ?? null,
      data,
      updatedAt: now,
    })
    if (!expired) return outcome.replies
    return withLead(outcome.replies, fill(t(lang, messages.expired), { minutes: timeoutMs / 60_000 }))
  }

  async function turnSafely(tx: Db, inbound: Inbound): Promise<Reply[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        // Each message runs in its own savepoint: a failing message rolls back alone and is not
        // marked processed, so a redelivery is handled afresh.
        const now = clock()
        return await transaction(tx, (part) => turn(part, inbound, now))
      } catch (error) {
        // Another process answered this chat in between: read again and redo the turn.
        if (error instanceof VersionConflictError && attempt < 3) continue
        logger.error({ err: error, channel: inbound.channel }, 'message handling failed')
        return apology(tx, inbound)
      }
    }
  }

  async function apology(tx: Db, inbound: Inbound): Promise<Reply[]> {
    const lang = (await conversationQueries(tx).load(inbound.channel, inbound.chatId))?.language ?? 'id'
    return [{ text: t(lang, messages.internalError) }]
  }

  // Group commit: the messages ready at the same moment (one per chat at most, see enqueue) share
  // one write transaction, so a burst costs one commit instead of one per message. Replies are
  // released only after the commit.
  type Waiting = { inbound: Inbound; resolve: (replies: Reply[]) => void }
  const waiting: Waiting[] = []
  let flushScheduled = false

  async function flush() {
    flushScheduled = false
    const batch = waiting.splice(0, MAX_BATCH)
    // The rest waits for the connection behind this batch.
    if (waiting.length) schedule()
    let results: Reply[][]
    try {
      results = await commitTogether(db, batch, (tx, item) => turnSafely(tx, item.inbound))
    } catch (error) {
      // The commit itself failed (disk full, lock timeout): nothing was stored, nothing is marked
      // processed; the people get an apology and a redelivery will be handled.
      logger.error({ err: error, messages: batch.length }, 'batch commit failed')
      results = batch.map(() => [{ text: t('id', messages.internalError) }])
    }
    deps.onCommitted?.()
    for (const [i, item] of batch.entries()) item.resolve(results[i] ?? [])
  }

  function schedule() {
    if (flushScheduled) return
    flushScheduled = true
    setImmediate(() => void flush())
  }

  return {
    handle(inbound) {
      return enqueue(
        `${inbound.channel}\u0000${inbound.chatId}`,
        () =>
          new Promise<Reply[]>((resolve) => {
            waiting.push({ inbound, resolve })
            schedule()
          }),
      )
    },
  }
}
