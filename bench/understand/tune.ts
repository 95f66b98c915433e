/**
 * For whoever edits the understanding step's cues, slots or thresholds:
 * `npx tsx bench/understand/tune.ts [dev|dev2|dev3|dev4|held]`
 * prints the scores of bench/understand/evaluate.ts (the same as the bench group `understand`) and the confusion
 * between intents.
 * - dev (default), dev2, dev3, dev4: the development sets, with every miss and the cues that fired; tune on these.
 *   `--quiet` leaves the misses out.
 * - held: bench/data/understand-held.jsonl, counts only (never a message). Report these; never tune on them.
 * The rules alone by default (the development sets are the second opinion's training examples, so its figures on them
 * say little); `--second-opinion` adds it, as the product runs.
 */
import { loadConfig } from '../../src/config.js'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher } from '../../src/core/faq/matcher.js'
import { secondOpinionFrom } from '../../src/core/understanding/second-opinion.js'
import { createUnderstanding } from '../../src/core/understanding/understand.js'
import { confusionTable, devSet, HELD, loadLines, predictWith, REFERENCE, SLOT_NAMES, scoreLines, timeLines } from './evaluate.js'

const split = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'dev'
if (!/^(?:dev\d*|held)$/.test(split)) throw new Error(`unknown split "${split}": use dev, dev2 … dev7 or held`)

const config = loadConfig()
const matcher = createMatcher(loadKnowledgeBase(config.FAQ_PATH, config.FAQ_QUESTIONS_PATH), {
  dir: config.FAQ_CACHE_DIR,
  now: () => new Date(),
})
const cache = { dir: config.FAQ_CACHE_DIR, now: () => new Date() }
const secondOpinion = process.argv.includes('--second-opinion')
  ? secondOpinionFrom(config.UNDERSTAND_EXAMPLES_DIR, config.FAQ_QUESTIONS_PATH, cache)
  : undefined
const { understand } = createUnderstanding({ matcher, secondOpinion })
const predict = predictWith(understand)
const lines = loadLines(split === 'held' ? HELD : devSet(split))
const score = scoreLines(lines, predict)
const { p50Ms, p99Ms } = timeLines(lines, predict)

console.log(`${split} lines: ${score.lines}`)
console.log(`intent_accuracy: ${score.intentAccuracy.toFixed(3)} (${score.intentHits}/${score.lines})`)
console.log(`slot_exact_match: ${score.slotExactMatch.toFixed(3)} (${score.slotHits}/${score.slotLines} lines with a slot)`)
console.log(`slot_exact_match_all_lines: ${score.slotExactMatchAllLines.toFixed(3)}`)
for (const name of SLOT_NAMES) {
  const slot = score.perSlot[name]
  console.log(`  ${name.padEnd(8)} precision ${slot.precision.toFixed(3)} recall ${slot.recall.toFixed(3)}`)
}
console.log(`faq topic accuracy: ${score.topicAccuracy.toFixed(3)} (${score.topicHits}/${score.topicLines})`)
console.log(
  `faq → action: ${score.faqToAction.count}/${score.faqToAction.of}   action → faq: ${score.actionToFaq.count}/${score.actionToFaq.of}`,
)
console.log(`p50 ${p50Ms.toFixed(3)} ms, p99 ${p99Ms.toFixed(3)} ms`)
console.log(confusionTable(score.confusion))
if (split !== 'held' && !process.argv.includes('--quiet')) {
  for (const miss of score.misses) {
    const u = understand(miss.message, REFERENCE)
    const slots = miss.slotsRight ? '' : ` slots ${JSON.stringify(miss.got.slots)} ≠ ${JSON.stringify(miss.expected.slots)}`
    console.log(
      `  ${miss.expected.intent} → ${miss.got.intent}${u.ask ? ' (ask)' : ''}${slots}  ${miss.message}   [${u.cues.join(' ')}]`,
    )
  }
}
