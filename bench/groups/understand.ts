/**
 * The understanding step (issue 20) on bench/data/understand-held.jsonl: messages written by a session that never read
 * the matching code, never tuned on. How often the intent is right, how often the slots are exactly right, how often a
 * knowledge question is taken for an action and the reverse, and how long one message takes. The held lines whose text
 * is also a dev line, a test's message, a labelled FAQ question or example, or a lexicon string are counted and left
 * out. Also: the FAQ's held-out questions (bench/data/faq-held.jsonl) read through the understanding step, side by
 * side with the matcher alone in the same run (decision D4: an action that serves the topic counts, `_strict` not).
 * Prints counts only, never a held-out message.
 */
import { fileURLToPath } from 'node:url'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher } from '../../src/core/faq/matcher.js'
import { loadExamples, secondOpinionFrom } from '../../src/core/understanding/second-opinion.js'
import { createUnderstanding } from '../../src/core/understanding/understand.js'
import { CONTENT, evaluate, loadEvalSet, NETWORK_CACHE, QUESTIONS } from '../faq/evaluate.js'
import type { BenchGroup } from '../group.js'
import {
  confusionTable,
  DEV,
  DEV2,
  DEV3,
  DEV4,
  HELD,
  loadLines,
  type Predict,
  predictWith,
  SLOT_NAMES,
  scoreFaqViaUnderstanding,
  scoreLines,
  stringLiterals,
  testStrings,
  timeLines,
  withoutSeen,
} from '../understand/evaluate.js'

const FAQ_HELD = new URL('../data/faq-held.jsonl', import.meta.url)
const HELD2 = new URL('../data/understand-held2.jsonl', import.meta.url)
const HELD3 = new URL('../data/understand-held3.jsonl', import.meta.url)
const EXAMPLES = fileURLToPath(new URL('../../content/understanding/', import.meta.url))
const LEXICON = fileURLToPath(new URL('../../src/core/understanding/lexicon.ts', import.meta.url))
const round = (value: number) => Number(value.toFixed(4))

/** The sets a run reads: the group reads the held-out files; a check of the group itself may pass stand-ins. */
export type UnderstandSets = {
  held: string | URL
  held2?: string | URL
  held3?: string | URL
  faqHeld: string | URL
  /** Requests in the regional languages and English (`{"message", "intent", "group"}`, no slots): intent only. */
  regionalHeld?: string | URL
  /** The FAQ's regional held-out questions (bench/data/faq-regional-held.jsonl), read through the step. */
  faqRegionalHeld?: string | URL
}

const REGIONAL_HELD = new URL('../data/understand-regional-held.jsonl', import.meta.url)

/** Intent accuracy on lines labelled with an intent only, overall and by their `group`. */
function regionalIntents(lines: readonly { message: string; intent: string; group?: string }[], predict: Predict) {
  const byGroup = new Map<string, { hits: number; total: number }>()
  let hits = 0
  for (const line of lines) {
    const hit = predict(line.message).intent === line.intent
    if (hit) hits++
    const group = byGroup.get(line.group ?? '') ?? { hits: 0, total: 0 }
    group.hits += hit ? 1 : 0
    group.total++
    byGroup.set(line.group ?? '', group)
  }
  return { accuracy: lines.length ? hits / lines.length : 0, byGroup }
}

/** The group's figures on `sets`; prints counts only (confusion, per-slot figures, goals), never a message. */
export function measureUnderstanding(sets: UnderstandSets): Record<string, number> {
  const kb = loadKnowledgeBase(CONTENT, QUESTIONS)
  const matcher = createMatcher(kb, NETWORK_CACHE)
  const secondOpinion = secondOpinionFrom(EXAMPLES, QUESTIONS, NETWORK_CACHE)
  const predict = predictWith(createUnderstanding({ matcher, secondOpinion }).understand)
  // The rules alone, side by side in the same run: what the second opinion adds.
  const rulesOnly = predictWith(createUnderstanding({ matcher }).understand)

  const dev = loadLines(DEV)
  const dev2 = loadLines(DEV2)
  const dev3 = loadLines(DEV3)
  const dev4 = loadLines(DEV4)
  // Every labelled example the second opinion learns from (all the development sets), not only the four scored here.
  const known = [
    ...loadExamples(EXAMPLES).map((example) => example.message),
    ...testStrings(),
    ...kb.questions.map((question) => question.q),
    ...kb.topics.flatMap((topic) => topic.examples),
    ...kb.outOfScope.flatMap((subject) => subject.examples),
    ...stringLiterals(LEXICON),
  ]
  // The figure of record: the third held-out set, read once (docs/benchmarks.md, reading history).
  const third = sets.held3 ? withoutSeen(loadLines(sets.held3), known) : undefined
  const held3 = third && scoreLines(third.fresh, predict)
  const held3Rules = third && scoreLines(third.fresh, rulesOnly)
  const { fresh, seen } = withoutSeen(loadLines(sets.held), known)
  const held = scoreLines(fresh, predict)
  const heldRules = scoreLines(fresh, rulesOnly)
  const devScore = scoreLines(dev, predict)
  const dev2Score = scoreLines(dev2, predict)
  const dev3Score = scoreLines(dev3, predict)
  const dev4Score = scoreLines(dev4, predict)
  // The second held-out set (written last, never read): the same figures, counts only.
  const second = sets.held2 ? withoutSeen(loadLines(sets.held2), known) : undefined
  const held2 = second && scoreLines(second.fresh, predict)
  const held2Rules = second && scoreLines(second.fresh, rulesOnly)
  const { p50Ms, p99Ms } = timeLines([...dev, ...fresh], predict)

  const regional = sets.regionalHeld ? withoutSeen(loadLines(sets.regionalHeld), known) : undefined
  const regionalScore = regional && regionalIntents(regional.fresh, predict)
  const regionalRules = regional && regionalIntents(regional.fresh, rulesOnly)
  const faqRegional = sets.faqRegionalHeld ? scoreFaqViaUnderstanding(loadEvalSet(sets.faqRegionalHeld), predict) : undefined
  if (regional && regionalScore) {
    console.error(`  regional: ${regional.fresh.length} lines scored, ${regional.seen} left out as seen elsewhere`)
    for (const [group, { hits, total }] of regionalScore.byGroup)
      console.error(`  regional ${group.padEnd(15)} intent ${(hits / total).toFixed(3)} (${hits}/${total})`)
  }

  const faqHeld = loadEvalSet(sets.faqHeld)
  const via = scoreFaqViaUnderstanding(faqHeld, predict)
  const viaRules = scoreFaqViaUnderstanding(faqHeld, rulesOnly)
  // The FAQ's own labelled questions (its training set, tuned on): how many knowledge questions the step turns away.
  const viaDev = scoreFaqViaUnderstanding(loadEvalSet(QUESTIONS), predict)
  evaluate(matcher, faqHeld) // warm, as the faq group does
  const alone = evaluate(matcher, faqHeld)

  console.error(`  held: ${fresh.length} lines scored, ${seen} left out as seen elsewhere; dev: ${dev.length} lines`)
  if (second && held2) {
    console.error(`  held2: ${second.fresh.length} lines scored, ${second.seen} left out as seen elsewhere`)
    console.error(`  held2 confusion (label × reading, counts):\n${confusionTable(held2.confusion).replace(/^/gm, '    ')}`)
  }
  if (third && held3) {
    console.error(`  held3: ${third.fresh.length} lines scored, ${third.seen} left out as seen elsewhere`)
    console.error(`  held3 confusion (label × reading, counts):\n${confusionTable(held3.confusion).replace(/^/gm, '    ')}`)
    for (const name of SLOT_NAMES) {
      const slot = held3.perSlot[name]
      console.error(
        `  held3 ${name.padEnd(8)} precision ${slot.precision.toFixed(3)} recall ${slot.recall.toFixed(3)} (${slot.truePositives} right, ${slot.predicted} read, ${slot.labelled} labelled)`,
      )
    }
  }
  console.error(`  held confusion (label × reading, counts):\n${confusionTable(held.confusion).replace(/^/gm, '    ')}`)
  for (const name of SLOT_NAMES) {
    const slot = held.perSlot[name]
    console.error(
      `  held ${name.padEnd(8)} precision ${slot.precision.toFixed(3)} recall ${slot.recall.toFixed(3)} (${slot.truePositives} right, ${slot.predicted} read, ${slot.labelled} labelled)`,
    )
  }
  const goals: [string, number, string, boolean][] = [
    ...(held3
      ? ([
          ['understand_intent_accuracy', held3.intentAccuracy, '≥ 0.95', held3.intentAccuracy >= 0.95],
          ['understand_slot_exact_match', held3.slotExactMatch, '≥ 0.90', held3.slotExactMatch >= 0.9],
        ] as [string, number, string, boolean][])
      : []),
    ['understand_held1_intent_accuracy', held.intentAccuracy, '≥ 0.95', held.intentAccuracy >= 0.95],
    ['understand_held1_slot_exact_match', held.slotExactMatch, '≥ 0.90', held.slotExactMatch >= 0.9],
    ...(held2
      ? ([
          ['understand_held2_intent_accuracy', held2.intentAccuracy, '≥ 0.95', held2.intentAccuracy >= 0.95],
          ['understand_held2_slot_exact_match', held2.slotExactMatch, '≥ 0.90', held2.slotExactMatch >= 0.9],
        ] as [string, number, string, boolean][])
      : []),
    ['understand_p99_ms', p99Ms, '≤ 1', p99Ms <= 1],
    [
      'faq_held_top1_via_understand',
      via.top1,
      `≥ matcher alone ${alone.top1Accuracy.toFixed(4)} − 0.01`,
      via.top1 >= alone.top1Accuracy - 0.01,
    ],
    [
      'faq_held_refusal_via_understand',
      via.refusal,
      `≥ matcher alone ${alone.outOfScopeRefusal.toFixed(4)} − 0.01`,
      via.refusal >= alone.outOfScopeRefusal - 0.01,
    ],
  ]
  for (const [metric, value, goal, met] of goals)
    console.error(`  goal ${metric} ${round(value)} ${goal}: ${met ? 'met' : 'NOT met'}`)

  return {
    ...(held3 &&
      held3Rules &&
      third && {
        understand_intent_accuracy: round(held3.intentAccuracy),
        understand_slot_exact_match: round(held3.slotExactMatch),
        understand_slot_exact_match_all_lines: round(held3.slotExactMatchAllLines),
        understand_topic_accuracy: round(held3.topicAccuracy),
        understand_faq_to_action: round(held3.faqToAction.share),
        understand_faq_to_action_count: held3.faqToAction.count,
        understand_action_to_faq: round(held3.actionToFaq.share),
        understand_action_to_faq_count: held3.actionToFaq.count,
        understand_rules_only_intent_accuracy: round(held3Rules.intentAccuracy),
        understand_held3_lines: third.fresh.length,
        understand_held3_seen_lines: third.seen,
      }),
    ...(regionalScore &&
      regionalRules &&
      regional && {
        understand_regional_intent_accuracy: round(regionalScore.accuracy),
        understand_regional_rules_only_intent_accuracy: round(regionalRules.accuracy),
        understand_regional_lines: regional.fresh.length,
      }),
    ...(faqRegional && {
      faq_regional_top1_via_understand: round(faqRegional.top1),
      faq_regional_refusal_via_understand: round(faqRegional.refusal),
    }),
    understand_held1_intent_accuracy: round(held.intentAccuracy),
    understand_held1_rules_only_intent_accuracy: round(heldRules.intentAccuracy),
    understand_held1_slot_exact_match: round(held.slotExactMatch),
    understand_held1_faq_to_action: round(held.faqToAction.share),
    understand_held1_action_to_faq: round(held.actionToFaq.share),
    understand_held1_lines: fresh.length,
    understand_held1_seen_lines: seen,
    understand_dev_intent_accuracy: round(devScore.intentAccuracy),
    understand_dev_slot_exact_match: round(devScore.slotExactMatch),
    understand_dev2_intent_accuracy: round(dev2Score.intentAccuracy),
    understand_dev2_slot_exact_match: round(dev2Score.slotExactMatch),
    understand_dev3_intent_accuracy: round(dev3Score.intentAccuracy),
    understand_dev3_slot_exact_match: round(dev3Score.slotExactMatch),
    understand_dev4_intent_accuracy: round(dev4Score.intentAccuracy),
    understand_dev4_slot_exact_match: round(dev4Score.slotExactMatch),
    ...(held2 &&
      second && {
        understand_held2_intent_accuracy: round(held2.intentAccuracy),
        understand_held2_rules_only_intent_accuracy: round(held2Rules?.intentAccuracy ?? 0),
        understand_held2_slot_exact_match: round(held2.slotExactMatch),
        understand_held2_faq_to_action: round(held2.faqToAction.share),
        understand_held2_action_to_faq: round(held2.actionToFaq.share),
        understand_held2_lines: second.fresh.length,
        understand_held2_seen_lines: second.seen,
      }),
    understand_p50_ms: round(p50Ms),
    understand_p99_ms: round(p99Ms),
    faq_held_top1_via_understand: round(via.top1),
    faq_dev_top1_via_understand: round(viaDev.top1),
    faq_dev_refusal_via_understand: round(viaDev.refusal),
    faq_held_top1_via_understand_rules_only: round(viaRules.top1),
    faq_held_refusal_via_understand_rules_only: round(viaRules.refusal),
    faq_held_top1_via_understand_strict: round(via.top1Strict),
    faq_held_top1_via_understand_margin: round(via.top1 - alone.top1Accuracy),
    faq_held_refusal_via_understand: round(via.refusal),
    faq_held_refusal_via_understand_strict: round(via.refusalStrict),
    faq_held_refusal_via_understand_margin: round(via.refusal - alone.outOfScopeRefusal),
  }
}

export const group: BenchGroup = {
  name: 'understand',
  description: 'Understanding step: intents and slots on held-out messages, FAQ questions through it, time per message',
  async run() {
    return measureUnderstanding({
      held: HELD,
      held2: HELD2,
      held3: HELD3,
      faqHeld: FAQ_HELD,
      regionalHeld: REGIONAL_HELD,
      faqRegionalHeld: new URL('../data/faq-regional-held.jsonl', import.meta.url),
    })
  },
}
