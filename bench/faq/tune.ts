/**
 * For whoever edits content/faq.yaml or the matcher: `npx tsx bench/faq/tune.ts [tune|held|all|fresh|unseen]`
 * prints the scores and every miss of that split (default: tune). Report figures from `held`.
 */
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher } from '../../src/core/faq/matcher.js'
import { evaluate, loadEvalSet } from './evaluate.js'

const split = process.argv[2] ?? 'tune'
const questions =
  split === 'fresh' || split === 'unseen' || split === 'unseen2' || split === 'unseen3'
    ? loadEvalSet(new URL(`../data/faq-${split}.jsonl`, import.meta.url))
    : loadEvalSet().filter((item) => split === 'all' || item.split === split)
const matcher = createMatcher(loadKnowledgeBase('content/faq.yaml'))
evaluate(matcher, questions) // warm-up
const score = evaluate(matcher, questions)
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
