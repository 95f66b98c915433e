/**
 * The understanding step in the chat (issue 20): free text that no command, menu word or choice took is read once
 * (`understand`), then answered by the action it asks for, with the details it gave, or by the FAQ. Two requests in
 * one message are both answered, in order, or the person is asked which first; doubt between an action and a
 * knowledge answer is asked about ("Maksud Anda"). Flows keep priority: the engine calls this only outside a flow.
 */
import type { Logger } from 'pino'
import { listRegions, type Region } from '../../db/queries/sessions.js'
import type { ChoiceAction, EngineTools } from '../engine.js'
import type { MatchOutcome } from '../faq/matcher.js'
import { menuChoices } from '../menu.js'
import { messages, t } from '../messages.js'
import { gazetteer } from '../places/gazetteer.js'
import { readerZone } from '../registration/reader-zone.js'
import { lastChoices, type Outcome, type TurnContext, type UserInput } from '../turn.js'
import type { Choice, Language } from '../types.js'
import { decodeChoice, encodeChoice } from './choices.js'
import type { ActionHandlers } from './handlers.js'
import { serves } from './serves.js'
import { regionOfProvince } from './slots/places.js'
import { actionLabel, texts } from './texts.js'
import type { Reading, RegionRow, Slots, UnderstandContext, Understanding } from './types.js'

/** Thrown inside understanding when it first needs a value that must be read from storage. */
class Needed extends Error {
  constructor(readonly what: 'zone' | 'regions') {
    super(`understanding needs ${what}`)
  }
}
const needed = (what: 'zone' | 'regions'): never => {
  throw new Needed(what)
}

/** What the route needs of the FAQ: its answer (given the matcher's verdict, so the matcher runs once) and titles. */
export type FaqPort = {
  ask(ctx: TurnContext, input: UserInput, options?: { match?: MatchOutcome; extra?: Choice[] }): Outcome
  topic(ctx: TurnContext, topicId: string): Outcome
  title(topicId: string, lang: Language): string | undefined
}

export type UnderstandingRouteDeps = {
  understanding: { understand(text: string, ctx: UnderstandContext): Understanding }
  handlers: ActionHandlers
  faq: FaqPort
  /** Whether a menu entry exists (the "ask staff" option only when menu 6 does). */
  isAvailable: (menuChoiceId: string) => boolean
  logger?: Pick<Logger, 'debug'>
}

export const UNDERSTOOD_PREFIX = 'u:'

/** An outcome that waits for the person: a flow started, or a yes/no confirmation asked. */
function pending(outcome: Outcome): boolean {
  if (outcome.next) return true
  const last = outcome.replies.at(-1)
  // "reminder:stop:yes", "datadel:yes", "regcancel:yes:BMT-…"
  return last?.choices?.some((choice) => /:yes(?::|$)/.test(choice.id)) ?? false
}

export function createUnderstandingRoute(deps: UnderstandingRouteDeps): {
  fallback: NonNullable<Fallback>
  action: ChoiceAction
} {
  const { handlers, faq } = deps

  // The regions table (staff edit it) read once per message, however many options the answer names.
  const perMessage = new WeakMap<TurnContext, { rows: Region[]; name: (code: string) => string | undefined }>()
  async function regionsOf(ctx: TurnContext) {
    let regions = perMessage.get(ctx)
    if (!regions) {
      const rows = await listRegions(ctx.db)
      regions = { rows, name: (code: string) => rows.find((row) => row.code === code)?.name }
      perMessage.set(ctx, regions)
    }
    return regions
  }

  /** The option that runs `reading` later (a button on an old message keeps working). */
  function option(reading: Reading, ctx: TurnContext, regionName: (code: string) => string | undefined): Choice | undefined {
    if (reading.intent !== 'faq') {
      return {
        id: encodeChoice(reading.intent, reading.slots),
        label: actionLabel(reading.intent, reading.slots, ctx.lang, regionName),
      }
    }
    const title = reading.topic ? faq.title(reading.topic, ctx.lang) : undefined
    return reading.topic && title ? { id: `faq:${reading.topic}`, label: title } : undefined
  }

  async function run(
    reading: Reading,
    u: Understanding | undefined,
    ctx: TurnContext,
    input: UserInput,
    tools: EngineTools,
  ): Promise<Outcome> {
    if (reading.intent !== 'faq') return handlers[reading.intent](ctx, reading.slots, tools)
    // The action that serves the answered topic goes first among its options ("Matikan pengingat").
    const first = u?.alternatives[0]
    const extra: Choice[] = []
    // No answer, and an action the second opinion set aside: the FAQ's own reply, that action one tap away.
    const setAside = reading.topic === null && u?.match?.kind !== 'outOfScope'
    if (u && first && first.intent !== 'faq' && (setAside || (reading.topic && serves(reading.topic, first.intent)))) {
      const choice = option(first, ctx, (await regionsOf(ctx)).name)
      if (choice) extra.push(choice)
    }
    return faq.ask(ctx, input, { ...(u?.match && { match: u.match }), ...(extra.length && { extra }) })
  }

  async function didYouMean(u: Understanding, ctx: TurnContext): Promise<Outcome | undefined> {
    const { name } = await regionsOf(ctx)
    const readings = [...(u.intent === 'faq' && u.topic === null ? [] : [u]), ...u.alternatives]
    const choices: Choice[] = []
    for (const reading of readings) {
      const choice = option(reading, ctx, name)
      if (choice && !choices.some((c) => c.id === choice.id)) choices.push(choice)
    }
    if (choices.length < 2) return undefined
    const shown = choices.slice(0, 3)
    if (deps.isAvailable('menu:petugas') && !shown.some((c) => c.id === 'u:ho'))
      shown.push({ id: 'menu:petugas', label: t(ctx.lang, texts.askStaff) })
    return { replies: [{ text: t(ctx.lang, texts.didYouMean), choices: shown }], next: null }
  }

  /** Both requests of one message, in order; the one that waits for an answer comes last; both waiting: ask. */
  async function both(first: Outcome, second: Outcome, u: Understanding, also: Reading, ctx: TurnContext): Promise<Outcome> {
    const [a, b] = [pending(first), pending(second)]
    if (a && b) {
      const { name } = await regionsOf(ctx)
      const choices = [option(u, ctx, name), option(also, ctx, name)].filter((c): c is Choice => c !== undefined)
      return { replies: [{ text: t(ctx.lang, texts.whichFirst), choices }], next: null }
    }
    const [before, after] = a ? [second, first] : [first, second]
    // One set of numbered options: a typed "1" must mean one thing (on WhatsApp the options are numbered text).
    const earlier = lastChoices(after.replies) ? before.replies.map(({ choices: _c, ...reply }) => reply) : before.replies
    return { replies: [...earlier, ...after.replies], next: after.next }
  }

  // The person's zone and the regions table are read only for a message that names a date or a
  // place. Understanding is synchronous and pure, and reading them awaits: when it first asks for
  // one, it is stopped, the value read, and the message understood again (at most twice more).
  async function understandLazily(ctx: TurnContext, text: string) {
    let zone: string | undefined
    let regions: Awaited<ReturnType<typeof regionsOf>>['rows'] | undefined
    for (;;) {
      try {
        return deps.understanding.understand(text, {
          now: ctx.now,
          timeZone: () => zone ?? needed('zone'),
          regions: () => regions ?? needed('regions'),
        })
      } catch (error) {
        if (!(error instanceof Needed)) throw error
        if (error.what === 'zone') zone = (await readerZone(ctx)) ?? 'Asia/Jakarta'
        else regions = (await regionsOf(ctx)).rows
      }
    }
  }

  const fallback: Fallback = async (ctx, input, tools) => {
    // A typed option of the last message that no action takes is still a question for the FAQ, as before.
    if (input.choice) return faq.ask(ctx, input)
    const u = await understandLazily(ctx, input.text)
    deps.logger?.debug({ intent: u.intent, confidence: u.confidence, also: u.also?.intent }, 'understood')
    if (u.ask) {
      const asked = await didYouMean(u, ctx)
      if (asked) return asked
    }
    const first = await run(u, u, ctx, input, tools)
    if (!u.also) return first
    // A knowledge question as the second request is answered by its topic (understand() gives one only with a topic).
    const second =
      u.also.intent === 'faq' ? faq.topic(ctx, u.also.topic ?? '') : await handlers[u.also.intent](ctx, u.also.slots, tools)
    const answered = await both(first, second, u, u.also, ctx)
    // Nothing is dropped silently: a third request is named, not guessed at.
    return u.more ? { ...answered, replies: [...answered.replies, { text: t(ctx.lang, texts.more) }] } : answered
  }

  /** A tapped or typed `u:` option: the action it names, its details completed from the codes it carries. */
  const action: ChoiceAction = {
    prefix: UNDERSTOOD_PREFIX,
    handle: async (ctx, choiceId, tools) => {
      const decoded = decodeChoice(choiceId)
      if (!decoded) return { replies: [{ text: t(ctx.lang, messages.staleChoice), choices: menuChoices(ctx.lang) }], next: null }
      return await handlers[decoded.intent](ctx, completeSlots(decoded.slots, (await regionsOf(ctx)).rows), tools)
    },
  }
  return { fallback, action }
}

type Fallback = (ctx: TurnContext, input: UserInput, tools: EngineTools) => Promise<Outcome>

/** The names of the places a choice id carries as codes (ids are short: names are looked up again). */
export function completeSlots(slots: Slots, regions: readonly RegionRow[]): Slots {
  const places = gazetteer()
  const out: Slots = { ...slots }
  const regency = slots.regencyCode ? places.byCode(slots.regencyCode) : undefined
  if (regency) {
    out.regency = regency.name
    out.provinceCode ??= regency.provinceCode
  }
  const province = out.provinceCode ? places.byCode(out.provinceCode) : undefined
  if (province) out.province = province.name
  const region = out.region ?? (out.provinceCode ? regionOfProvince(regions, out.provinceCode) : undefined)
  if (region) out.region = region
  return out
}
