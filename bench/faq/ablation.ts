/**
 * What each part of the FAQ matcher adds: `npx tsx bench/faq/ablation.ts` scores every variant by
 * 5-fold cross-validation over the labelled questions (never on the held-out set), with everything
 * on, then with one part switched off at a time.
 */
import { type KnowledgeBase, loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { DEFAULT_TUNING, type MatcherTuning } from '../../src/core/faq/matcher.js'
import { CONTENT, crossValidate, QUESTIONS } from './evaluate.js'

const full = loadKnowledgeBase(CONTENT, QUESTIONS)

/** Name, content, settings, and whether each fold learns from the other folds' questions (default yes). */
const variants: [string, KnowledgeBase, MatcherTuning, boolean?][] = [
  ['everything on', full, DEFAULT_TUNING],
  ['no slang/English rewriting', full, { ...DEFAULT_TUNING, analysis: { rewriting: false } }],
  ['no stemming', full, { ...DEFAULT_TUNING, analysis: { stemming: false } }],
  ['no typo/colloquial correction', full, { ...DEFAULT_TUNING, analysis: { correction: false } }],
  ['no neural second opinion (BM25 alone)', full, { ...DEFAULT_TUNING, neural: null }],
  ['no out-of-scope rival rule', full, { ...DEFAULT_TUNING, rivalShare: undefined }],
  ['generic words weigh the same', full, { ...DEFAULT_TUNING, weakTerm: 1 }],
  ['no out-of-scope subjects', { ...full, outOfScope: [] }, DEFAULT_TUNING],
  [
    'only the first 7 examples per topic',
    { ...full, topics: full.topics.map((t) => ({ ...t, examples: t.examples.slice(0, 7) })) },
    DEFAULT_TUNING,
  ],
  ['not learning from the labelled questions', full, DEFAULT_TUNING, false],
]

console.log('| variant | top-1 accuracy | out-of-scope refused | wrong answers |')
console.log('|---|---|---|---|')
for (const [name, kb, tuning, learn = true] of variants) {
  const score = crossValidate(kb, tuning, 5, learn)
  console.log(`| ${name} | ${score.top1Accuracy.toFixed(3)} | ${score.outOfScopeRefusal.toFixed(3)} | ${score.wrongAnswers} |`)
}
