/**
 * A small framework for multi-step chat flows: each step asks, validates the answer with zod and
 * re-asks with the specific reason; a summary step confirms, lets the user correct one field, or
 * cancels. Collected fields live in the conversation state, so a flow survives a restart.
 */
import type { z } from 'zod'
import { fill, t } from '../messages.js'
import { normalizeInput } from '../text/normalize.js'
import { yesNoIn } from '../text/yes-no.js'
import type { Awaitable, FlowPosition, Outcome, TurnContext, UserInput } from '../turn.js'
import type { Choice, Language, Reply, Text } from '../types.js'
import { validationMessage } from '../validators/messages.js'

export type StepContext = TurnContext & { fields: Record<string, unknown> }

export type FlowStep = {
  id: string
  /** Names the field in the summary and in the "what to change" list. */
  label: Text
  prompt: (ctx: StepContext) => Awaitable<string>
  /** Options to choose from; the chosen option's id is what `schema` validates. */
  choices?: (ctx: StepContext) => Awaitable<Choice[] | undefined>
  /** `choices` are suggestions: typed text is validated as well (e.g. "use this number" or another). */
  choicesOptional?: boolean
  /**
   * Validates the typed text (or chosen id); an issue's message is an error code. A function when
   * the check depends on the turn (a birth date may not be after the turn's day).
   */
  schema: z.ZodType<unknown, string> | ((ctx: StepContext) => Awaitable<z.ZodType<unknown, string>>)
  /** A check against the fields collected before (e.g. birth date against the NIK): an error code. */
  check?: (
    value: unknown,
    fields: Record<string, unknown>,
  ) => Awaitable<{ code: string; params?: Record<string, string | number> } | undefined>
  /** Ends the flow on this answer with these replies, storing nothing (e.g. consent refused). */
  endsWith?: (value: unknown, ctx: StepContext) => Awaitable<Reply[] | undefined>
  /**
   * Decides what this answer leads to, instead of the next step (e.g. a proof that succeeds at once,
   * a wrong code asked again, another step): undefined goes on as usual.
   */
  after?: (value: unknown, ctx: StepContext, position: FlowPosition) => Awaitable<Outcome | undefined>
  /** A step not every run takes (a second proof): not counted in "Langkah n dari m". */
  extra?: boolean
  /** Telegram: also offer to share the account's own number (a `request_contact` button). */
  contactButton?: (ctx: StepContext) => Awaitable<Reply['requestContact']>
  /** How the value reads in the summary. */
  display?: (value: unknown, lang: Language, ctx: StepContext) => Awaitable<string>
  /** Not shown in the summary nor offered for correction (e.g. the consent itself). */
  hidden?: boolean
}

export type FlowDefinition = {
  id: string
  intro?: (ctx: TurnContext) => Awaitable<string>
  steps: FlowStep[]
  summaryTitle: Text
  /** The label of the summary's "yes" option (default "Ya, kirim"). */
  confirmLabel?: Text
  /** Said under the summary, e.g. what happens to the data once sent. */
  summaryNote?: (ctx: TurnContext) => Awaitable<string>
  /** No summary to confirm: `complete` runs as soon as the last step is answered. */
  skipSummary?: boolean
  /** Runs inside the message's transaction once the user confirms; an Outcome may lead on (e.g. to a proof). */
  complete: (fields: Record<string, unknown>, ctx: TurnContext) => Awaitable<Reply[] | Outcome>
}

const CONFIRM = '__confirm'
const EDIT = '__edit'

const labels = {
  yes: { id: 'Ya, kirim', en: 'Yes, send' },
  edit: { id: 'Ubah', en: 'Change something' },
  cancel: { id: 'Batal', en: 'Cancel' },
  whichField: { id: 'Bagian mana yang ingin diubah?', en: 'Which part do you want to change?' },
  confirmHint: {
    id: 'Ketik 1 untuk mengirim, 2 untuk mengubah, atau 3 untuk membatalkan.',
    en: 'Type 1 to send, 2 to change something, or 3 to cancel.',
  },
  choiceUnknown: {
    id: 'Pilihan tidak dikenali. Ketik angka pilihan (1–{count}).',
    en: 'I did not recognise that option. Type the number of an option (1–{count}).',
  },
  step: { id: 'Langkah {n} dari {total}', en: 'Step {n} of {total}' },
} satisfies Record<string, Text>

// Besides a yes: the verb of the summary's own button ("Ya, kirim").
const SEND = new Set(['kirim', 'send'])
const EDIT_WORDS = new Set(['ubah', 'edit', 'ganti', 'salah', 'koreksi', 'perbaiki', 'change'])

const stepIndex = (flow: FlowDefinition, id: string) => flow.steps.findIndex((step) => step.id === id)

async function ask(flow: FlowDefinition, step: FlowStep, ctx: StepContext, warning?: string): Promise<Reply> {
  const numbered = flow.steps.filter((s) => !s.extra)
  const progress = step.extra
    ? ''
    : `${fill(t(ctx.lang, labels.step), { n: numbered.indexOf(step) + 1, total: numbered.length })}\n`
  const body = `${progress}${await step.prompt(ctx)}`
  const choices = await step.choices?.(ctx)
  const contact = await step.contactButton?.(ctx)
  const text = warning ? `⚠️ ${warning}\n\n${body}` : body
  return { text, ...(choices && { choices }), ...(contact && { requestContact: contact }) }
}

const finished = (done: Reply[] | Outcome): Outcome => (Array.isArray(done) ? { replies: done, next: null } : done)

function show(step: FlowStep, value: unknown, ctx: StepContext): Awaitable<string> {
  return step.display ? step.display(value, ctx.lang, ctx) : String(value)
}

async function summary(flow: FlowDefinition, position: FlowPosition, ctx: TurnContext, warning?: string): Promise<Reply> {
  const rows: string[] = []
  for (const step of flow.steps) {
    if (!(step.id in position.fields) || step.hidden) continue
    const shown = await show(step, position.fields[step.id], { ...ctx, fields: position.fields })
    rows.push(`• ${t(ctx.lang, step.label)}: ${shown}`)
  }
  const note = flow.summaryNote ? `\n\n${await flow.summaryNote(ctx)}` : ''
  const head = warning ? `⚠️ ${warning}\n\n` : ''
  return {
    text: `${head}${t(ctx.lang, flow.summaryTitle)}\n\n${rows.join('\n')}${note}`,
    choices: [
      { id: 'confirm:yes', label: t(ctx.lang, flow.confirmLabel ?? labels.yes) },
      { id: 'confirm:edit', label: t(ctx.lang, labels.edit) },
      { id: 'confirm:cancel', label: t(ctx.lang, labels.cancel) },
    ],
  }
}

function editMenu(flow: FlowDefinition, ctx: TurnContext, warning?: string): Reply {
  return {
    text: warning ? `⚠️ ${warning}\n\n${t(ctx.lang, labels.whichField)}` : t(ctx.lang, labels.whichField),
    choices: flow.steps.filter((step) => !step.hidden).map((step) => ({ id: `edit:${step.id}`, label: t(ctx.lang, step.label) })),
  }
}

/** Begins a flow at its first step. */
export async function startFlow(flow: FlowDefinition, ctx: TurnContext): Promise<Outcome> {
  const first = flow.steps[0]
  if (!first) throw new Error(`flow ${flow.id} has no steps`)
  const position: FlowPosition = { flow: flow.id, step: first.id, fields: {} }
  const question = await ask(flow, first, { ...ctx, fields: position.fields })
  const replies = flow.intro
    ? [{ text: `${await flow.intro(ctx)}\n\n${question.text}`, ...(question.choices && { choices: question.choices }) }]
    : [question]
  return { replies, next: position }
}

/** Asks the current question again (after a language switch or an outdated button). */
export async function repeatStep(
  flow: FlowDefinition,
  position: FlowPosition,
  ctx: TurnContext,
  warning?: string,
): Promise<Outcome> {
  if (position.step === CONFIRM) return { replies: [await summary(flow, position, ctx, warning)], next: position }
  if (position.step === EDIT) return { replies: [editMenu(flow, ctx, warning)], next: position }
  const step = flow.steps[stepIndex(flow, position.step)]
  if (!step) return { replies: [await summary(flow, position, ctx, warning)], next: { ...position, step: CONFIRM } }
  return { replies: [await ask(flow, step, { ...ctx, fields: position.fields }, warning)], next: position }
}

function firstError(error: z.ZodError, lang: Language): string {
  const issue = error.issues[0]
  const params = (issue as { params?: Record<string, string | number> } | undefined)?.params
  return validationMessage(issue?.message ?? '', params, lang)
}

/** Takes the user's answer to the current step and moves the flow on. */
export async function continueFlow(
  flow: FlowDefinition,
  position: FlowPosition,
  input: UserInput,
  ctx: TurnContext,
): Promise<Outcome> {
  if (position.step === CONFIRM) return confirm(flow, position, input, ctx)
  if (position.step === EDIT) {
    const target = input.choice?.startsWith('edit:') ? input.choice.slice(5) : undefined
    if (!target || !flow.steps.some((step) => step.id === target && !step.hidden)) {
      const count = flow.steps.filter((step) => !step.hidden).length
      return repeatStep(flow, position, ctx, fill(t(ctx.lang, labels.choiceUnknown), { count }))
    }
    return repeatStep(flow, { ...position, step: target, editing: target }, ctx)
  }

  const step = flow.steps[stepIndex(flow, position.step)]
  if (!step) return repeatStep(flow, position, ctx)
  const stepCtx = { ...ctx, fields: position.fields }
  const offered = await step.choices?.(stepCtx)
  if (offered && !input.choice && !step.choicesOptional) {
    return repeatStep(flow, position, ctx, fill(t(ctx.lang, labels.choiceUnknown), { count: offered.length }))
  }
  const schema = typeof step.schema === 'function' ? await step.schema(stepCtx) : step.schema
  // Async: a step's schema may await (the certificate check records a number that cannot be one).
  const parsed = await schema.safeParseAsync(input.choice ?? input.text)
  if (!parsed.success) return repeatStep(flow, position, ctx, firstError(parsed.error, ctx.lang))
  const problem = await step.check?.(parsed.data, position.fields)
  if (problem) return repeatStep(flow, position, ctx, validationMessage(problem.code, problem.params, ctx.lang))
  const ending = await step.endsWith?.(parsed.data, stepCtx)
  if (ending) return { replies: ending, next: null }
  const decided = await step.after?.(parsed.data, stepCtx, position)
  if (decided) return decided

  const fields = { ...position.fields, [step.id]: parsed.data }
  const nextStep = position.editing ? undefined : flow.steps[stepIndex(flow, step.id) + 1]
  if (nextStep) {
    const next: FlowPosition = { flow: flow.id, step: nextStep.id, fields }
    return { replies: [await ask(flow, nextStep, { ...ctx, fields })], next }
  }
  if (flow.skipSummary) return finished(await flow.complete(fields, ctx))
  const next: FlowPosition = { flow: flow.id, step: CONFIRM, fields }
  return { replies: [await summary(flow, next, ctx)], next }
}

/** "ya.", "iya kak", "yaa", "ok sip", "sudah benar": a short yes; "salah", "ubah nama": a change. */
function confirmWord(text: string): string | undefined {
  const words = normalizeInput(text)
    .split(' ')
    .map((word) => word.replace(/(\p{L})\1+/gu, '$1'))
  if (words.some((word) => EDIT_WORDS.has(word))) return 'confirm:edit'
  if (words.length > 4) return undefined
  const said = yesNoIn(text)
  if (said === 'no') return undefined
  return said === 'yes' || words.some((word) => SEND.has(word)) ? 'confirm:yes' : undefined
}

async function confirm(flow: FlowDefinition, position: FlowPosition, input: UserInput, ctx: TurnContext): Promise<Outcome> {
  const choice = input.choice ?? confirmWord(input.text)
  if (choice === 'confirm:yes') return finished(await flow.complete(position.fields, ctx))
  if (choice === 'confirm:edit') return { replies: [editMenu(flow, ctx)], next: { ...position, step: EDIT } }
  if (choice === 'confirm:cancel') return { replies: [], next: null, cancelled: true }
  return repeatStep(flow, position, ctx, t(ctx.lang, labels.confirmHint))
}
