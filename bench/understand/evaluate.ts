/**
 * Scores the understanding step (issue 20) on the labelled messages of bench/data/understand-*.jsonl, and the FAQ's
 * held-out questions read through it. Shared by the bench group `understand` and bench/understand/tune.ts.
 * - the dev part (understand-dev.jsonl) is tuned on: its misses may be read;
 * - the held part (understand-held.jsonl) is only reported: counts, never messages.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { normalizeNumber } from '../../src/core/certificates/verify.js'
import { cleanText } from '../../src/core/faq/normalize.js'
import { type Gazetteer, gazetteer, placeKey } from '../../src/core/places/gazetteer.js'
import { publicSlots } from '../../src/core/understanding/public.js'
import { serves } from '../../src/core/understanding/serves.js'
import { INTENTS, type Intent, type UnderstandContext, type Understanding } from '../../src/core/understanding/types.js'
import { BBPPKS_REGIONS } from '../../src/db/reference-data.js'
import type { Labelled } from '../faq/evaluate.js'

/** One labelled message (bench/data/understand-README.md). */
export type UnderstandLine = {
  message: string
  intent: Intent
  slots: Record<string, string>
  topic: string | null
  also?: string
}
/** What the step read from a message, as the CLI prints it. */
export type Prediction = { intent: Intent; slots: Record<string, string | undefined>; topic: string | null }
export type Predict = (message: string) => Prediction

export const DEV = new URL('../../content/understanding/understand-dev.jsonl', import.meta.url)
export const HELD = new URL('../data/understand-held.jsonl', import.meta.url)
/** A second development set by another writer (see understand-README.md): tuned on, like DEV. */
export const DEV2 = new URL('../../content/understanding/understand-dev2.jsonl', import.meta.url)
/** A third development set, mostly requests, by a third writer (see understand-README.md): tuned on. */
export const DEV3 = new URL('../../content/understanding/understand-dev3.jsonl', import.meta.url)
/** A fourth development set: stories followed by general questions, indirect requests (see understand-README.md). */
export const DEV4 = new URL('../../content/understanding/understand-dev4.jsonl', import.meta.url)
/** A development set by its name: `dev` (the first), `dev2` … `dev7` (content/understanding/understand-<name>.jsonl). */
export const devSet = (name: string) => new URL(`../../content/understanding/understand-${name}.jsonl`, import.meta.url)
/** The labelled set's reference date (Monday 2026-12-07 10:00 WIB) and the seeded regions table. */
export const REFERENCE: UnderstandContext = { now: new Date('2026-12-07T10:00:00+07:00'), regions: BBPPKS_REGIONS }
export const SLOT_NAMES = ['province', 'regency', 'region', 'month', 'mode', 'number', 'code'] as const

export function loadLines(path: string | URL): UnderstandLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as UnderstandLine)
}

/** The reading of `understand()` as a prediction (the slot names only). */
export function predictWith(understand: (text: string, ctx: UnderstandContext) => Understanding, ctx = REFERENCE): Predict {
  return (message) => {
    const u = understand(message, ctx)
    return { intent: u.intent, slots: publicSlots(u.slots), topic: u.topic }
  }
}

/**
 * One convention for comparing slots: places as the gazetteer's code (`Daerah Istimewa Yogyakarta` = `DI Yogyakarta`,
 * `KOTA MAKASSAR` = `Kota Makassar`), numbers through `normalizeNumber` (`LSPS-2024-00123` = `LSPS202400123`), codes
 * and regions upper-cased. An unknown place keeps its spelling, so it matches nothing else.
 */
export function canonicalSlots(
  slots: Record<string, string | undefined>,
  places: Gazetteer = gazetteer(),
): Record<string, string> {
  const canonical: Record<string, string> = {}
  for (const [name, raw] of Object.entries(slots)) {
    if (raw === undefined || raw === '') continue
    const value = String(raw).trim()
    if (name === 'province' || name === 'regency') {
      const key = placeKey(value)
      canonical[name] = places.lookup(key)?.code ?? key
    } else if (name === 'number') canonical[name] = normalizeNumber(value) ?? value.toUpperCase()
    else if (name === 'code' || name === 'region') canonical[name] = value.toUpperCase()
    else canonical[name] = value.toLowerCase()
  }
  return canonical
}

const sameSlots = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([name, value]) => b[name] === value)

export type SlotFigures = { precision: number; recall: number; truePositives: number; predicted: number; labelled: number }
export type Miss = { message: string; expected: Prediction; got: Prediction; slotsRight: boolean }

export type UnderstandScore = {
  lines: number
  intentHits: number
  intentAccuracy: number
  /** Lines where the label or the prediction has a slot: a spurious slot is an error, slot-less lines do not count. */
  slotLines: number
  slotHits: number
  slotExactMatch: number
  /** Every line, both empty counting as a match. */
  slotExactMatchAllLines: number
  perSlot: Record<(typeof SLOT_NAMES)[number], SlotFigures>
  /** Lines labelled `faq` with a topic, and how many got `faq` with that topic. */
  topicLines: number
  topicHits: number
  topicAccuracy: number
  /** confusion[label][prediction] = lines. */
  confusion: Record<Intent, Record<Intent, number>>
  /** Labelled `faq` read as an action, and labelled actions read as `faq`: counts and shares of their labelled class. */
  faqToAction: { count: number; of: number; share: number }
  actionToFaq: { count: number; of: number; share: number }
  /** Lines whose intent or slots were wrong (read them for the dev part only). */
  misses: Miss[]
}

const ratio = (part: number, whole: number) => (whole ? part / whole : 0)

/** Scores `predict` on labelled lines: intents, slots, FAQ topics and the confusion between intents. */
export function scoreLines(lines: readonly UnderstandLine[], predict: Predict, places: Gazetteer = gazetteer()): UnderstandScore {
  const confusion = Object.fromEntries(
    INTENTS.map((label) => [label, Object.fromEntries(INTENTS.map((got) => [got, 0]))]),
  ) as Record<Intent, Record<Intent, number>>
  const perSlot = Object.fromEntries(SLOT_NAMES.map((name) => [name, { truePositives: 0, predicted: 0, labelled: 0 }])) as Record<
    (typeof SLOT_NAMES)[number],
    { truePositives: number; predicted: number; labelled: number }
  >
  let intentHits = 0
  let slotLines = 0
  let slotHits = 0
  let allLineHits = 0
  let topicLines = 0
  let topicHits = 0
  const misses: Miss[] = []
  for (const line of lines) {
    const got = predict(line.message)
    confusion[line.intent][got.intent] += 1
    if (got.intent === line.intent) intentHits++
    if (line.intent === 'faq' && line.topic !== null) {
      topicLines++
      if (got.intent === 'faq' && got.topic === line.topic) topicHits++
    }
    const want = canonicalSlots(line.slots, places)
    const have = canonicalSlots(got.slots, places)
    const same = sameSlots(want, have)
    if (same) allLineHits++
    if (Object.keys(want).length || Object.keys(have).length) {
      slotLines++
      if (same) slotHits++
    }
    for (const name of SLOT_NAMES) {
      const figures = perSlot[name]
      if (have[name] !== undefined) figures.predicted++
      if (want[name] !== undefined) figures.labelled++
      if (want[name] !== undefined && have[name] === want[name]) figures.truePositives++
    }
    if (got.intent !== line.intent || !same) {
      misses.push({
        message: line.message,
        expected: { intent: line.intent, slots: line.slots, topic: line.topic },
        got,
        slotsRight: same,
      })
    }
  }
  const labelledFaq = lines.filter((line) => line.intent === 'faq').length
  const faqToAction = labelledFaq - confusion.faq.faq
  const actionToFaq = INTENTS.filter((label) => label !== 'faq').reduce((sum, label) => sum + confusion[label].faq, 0)
  return {
    lines: lines.length,
    intentHits,
    intentAccuracy: ratio(intentHits, lines.length),
    slotLines,
    slotHits,
    slotExactMatch: ratio(slotHits, slotLines),
    slotExactMatchAllLines: ratio(allLineHits, lines.length),
    perSlot: Object.fromEntries(
      SLOT_NAMES.map((name) => {
        const { truePositives, predicted, labelled } = perSlot[name]
        return [
          name,
          {
            precision: ratio(truePositives, predicted),
            recall: ratio(truePositives, labelled),
            truePositives,
            predicted,
            labelled,
          },
        ]
      }),
    ) as UnderstandScore['perSlot'],
    topicLines,
    topicHits,
    topicAccuracy: ratio(topicHits, topicLines),
    confusion,
    faqToAction: { count: faqToAction, of: labelledFaq, share: ratio(faqToAction, labelledFaq) },
    actionToFaq: { count: actionToFaq, of: lines.length - labelledFaq, share: ratio(actionToFaq, lines.length - labelledFaq) },
    misses,
  }
}

export type FaqViaUnderstanding = {
  inScope: number
  outOfScope: number
  /** In-scope: `faq` with the right topic, or an action that serves that topic (SERVES, decision D4). */
  top1: number
  /** In-scope: `faq` with the right topic only. */
  top1Strict: number
  /** Out-of-scope: `faq` with no topic. An action never counts as a refusal, so the strict figure is the same. */
  refusal: number
  refusalStrict: number
}

/** The FAQ's held-out questions read by the understanding step instead of the matcher alone. */
export function scoreFaqViaUnderstanding(questions: readonly Labelled[], predict: Predict): FaqViaUnderstanding {
  let inScope = 0
  let hits = 0
  let strictHits = 0
  let refused = 0
  for (const question of questions) {
    const got = predict(question.q)
    if (question.topic === null) {
      if (got.intent === 'faq' && got.topic === null) refused++
      continue
    }
    inScope++
    if (got.intent === 'faq' && got.topic === question.topic) {
      hits++
      strictHits++
    } else if (got.intent !== 'faq' && serves(question.topic, got.intent)) hits++
  }
  const outOfScope = questions.length - inScope
  return {
    inScope,
    outOfScope,
    top1: ratio(hits, inScope),
    top1Strict: ratio(strictHits, inScope),
    refusal: ratio(refused, outOfScope),
    refusalStrict: ratio(refused, outOfScope),
  }
}

/** A message's text for comparing sets: lower case, no punctuation, accents or emoji, stretched letters cut, one space. */
export function normalisedText(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim()
}

// String literals in a test file: '…', "…" and `…` without ${}. Enough to find a message a test was written with.
const LITERAL = /'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\$]|\\.)*)`/g

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return testFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** Every string literal of a TypeScript file ('…', "…", `…` without ${}). */
export function stringLiterals(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(LITERAL)].map((match) => match[1] ?? match[2] ?? match[3] ?? '')
}

/** Every string literal of the TypeScript files under `dir` (by default the test suite: its messages among them). */
export function testStrings(dir = fileURLToPath(new URL('../../test/', import.meta.url))): string[] {
  return testFiles(dir).flatMap(stringLiterals)
}

/**
 * Splits `lines` into those seen elsewhere (their normalised text equals one of `known`: a dev line, a test case, a
 * labelled FAQ question or example) and the fresh ones that are scored. Only the count of the seen ones is reported.
 */
export function withoutSeen(
  lines: readonly UnderstandLine[],
  known: Iterable<string>,
): { fresh: UnderstandLine[]; seen: number } {
  const seen = new Set<string>()
  for (const text of known) seen.add(normalisedText(text))
  seen.delete('')
  const fresh = lines.filter((line) => !seen.has(normalisedText(line.message)))
  return { fresh, seen: lines.length - fresh.length }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0

/** p50/p99 of one `predict` call, in ms, over `passes` passes after a warm pass (the JIT and the caches, as a running bot). */
export function timeLines(lines: readonly UnderstandLine[], predict: Predict, passes = 5): { p50Ms: number; p99Ms: number } {
  for (const line of lines) predict(line.message)
  const times: number[] = []
  for (let pass = 0; pass < passes; pass++) {
    for (const line of lines) {
      const start = performance.now()
      predict(line.message)
      times.push(performance.now() - start)
    }
  }
  times.sort((a, b) => a - b)
  return { p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99) }
}

const SHORT: Record<Intent, string> = {
  'sessions.find': 'ses.find',
  'registration.start': 'reg.start',
  'registration.mine': 'reg.mine',
  'registration.cancel': 'reg.cancel',
  'status.check': 'status',
  'certificate.verify': 'cert',
  'reminders.stop': 'rem.stop',
  'reminders.start': 'rem.start',
  'reminders.list': 'rem.list',
  handoff: 'handoff',
  'data.mine': 'data.mine',
  'data.delete': 'data.del',
  faq: 'faq',
}

/** The confusion matrix as text: one row per labelled intent, one column per predicted intent, counts only. */
export function confusionTable(confusion: UnderstandScore['confusion']): string {
  const width = Math.max(...Object.values(SHORT).map((name) => name.length)) + 1
  const head = `${'label \\ got'.padEnd(width + 2)}${INTENTS.map((got) => SHORT[got].padStart(width)).join('')}`
  const rows = INTENTS.map(
    (label) =>
      `${SHORT[label].padEnd(width + 2)}${INTENTS.map((got) => String(confusion[label][got] || '.').padStart(width)).join('')}`,
  )
  return [head, ...rows].join('\n')
}
