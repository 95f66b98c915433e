/**
 * For whoever edits content/faq.yaml, content/faq-questions.jsonl or the matcher:
 * `npx tsx bench/faq/tune.ts [cv|held]` prints the scores and every miss.
 * - cv (default): 5-fold cross-validation over the labelled questions; tune on this.
 * - held: the held-out questions of bench/data/faq-held.jsonl. Report these; do not read the
 *   misses to change content or rules, or the figure stops saying anything about new questions.
 */
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher } from '../../src/core/faq/matcher.js'
import { CONTENT, crossValidate, evaluate, loadEvalSet, NETWORK_CACHE, QUESTIONS, type Score } from './evaluate.js'

const split = process.argv[2] ?? 'cv'
const kb = loadKnowledgeBase(CONTENT, QUESTIONS)
const matcher = createMatcher(kb, NETWORK_CACHE)
let score: Score
if (split === 'held') {
  const held = loadEvalSet()
  evaluate(matcher, held) // warm-up
  score = evaluate(matcher, held)
} else if (split === 'cv') {
  score = crossValidate(kb)
} else {
  throw new Error(`unknown split "${split}": use cv or held`)
}
for (const miss of score.misses) {
  const ranked = matcher
    .rank(miss.q)
    .slice(0, 3)
    .map((r) => `${r.id}:${r.score.toFixed(1)}/${r.coverage.toFixed(2)}`)
    .join(' ')
  console.log(
    `${String(miss.expected).padEnd(18)} got ${String(miss.got).padEnd(18)} ${miss.score.toFixed(2)}  ${miss.q}\n${' '.repeat(40)}${ranked}`,
  )
}
const { misses, ...figures } = score
console.log(split, JSON.stringify(figures))
