/**
 * What each part of the regional-language support adds: `npx tsx bench/faq/regional-ablation.ts`.
 * Every variant is scored by 5-fold cross-validation over the labelled questions, the Indonesian ones
 * and those in a regional language or English (`lang`) apart, and on the two held-out sets (figures only,
 * never a question). A variant without the regional paraphrases scores them with a matcher that learnt
 * the Indonesian questions only (nothing to cross-validate: none of them is learnt).
 */
import { type KnowledgeBase, loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher, DEFAULT_TUNING, type MatcherTuning } from '../../src/core/faq/matcher.js'
import {
  CONTENT,
  crossValidate,
  evaluate,
  type Labelled,
  loadEvalSet,
  NETWORK_CACHE,
  QUESTIONS,
  questionsOf,
  REGIONAL_HELD,
  type Score,
} from './evaluate.js'

const full = loadKnowledgeBase(CONTENT, QUESTIONS)
const indonesianOnly: KnowledgeBase = { ...full, questions: full.questions.filter((question) => !question.lang) }
const held = loadEvalSet()
const regionalHeld = loadEvalSet(REGIONAL_HELD)

type Split = { top1: number; refusal: number }
const split = (results: Score['results'], regional: boolean): Split => {
  const part = results.filter((result) => Boolean(result.group) === regional)
  const inScope = part.filter((result) => result.expected !== null)
  const outOfScope = part.filter((result) => result.expected === null)
  return {
    top1: inScope.filter((result) => result.got === result.expected).length / inScope.length,
    refusal: outOfScope.filter((result) => result.got === null).length / outOfScope.length,
  }
}

/** Name, content learnt, settings. */
const variants: [string, KnowledgeBase, MatcherTuning][] = [
  ['everything on', full, DEFAULT_TUNING],
  ['no regional word tables', full, { ...DEFAULT_TUNING, analysis: { rewriting: 'chat' } }],
  ['no regional affix and sound rules', full, { ...DEFAULT_TUNING, analysis: { regionalForms: false } }],
  ['no regional paraphrases', indonesianOnly, DEFAULT_TUNING],
  ['one matcher learns everything (no routing)', full, { ...DEFAULT_TUNING, routeByLanguage: false }],
  ['routing without the Indonesian fallback', full, { ...DEFAULT_TUNING, routeFallback: false }],
]

const f = (value: number) => value.toFixed(3)
console.log(
  '| variant | cv Indonesian top-1 / refused | cv regional top-1 / refused | held Indonesian top-1 / refused | held regional top-1 / refused |',
)
console.log('|---|---|---|---|---|')
for (const [name, kb, tuning] of variants) {
  const cv = crossValidate(kb, tuning)
  const indonesian = split(cv.results, false)
  let regional: Split
  if (kb === indonesianOnly) {
    const regionalLines: Labelled[] = questionsOf(full).filter((question) => question.group)
    regional = split(evaluate(createMatcher(kb, NETWORK_CACHE, tuning), regionalLines).results, true)
  } else {
    regional = split(cv.results, true)
  }
  const matcher = createMatcher(kb, NETWORK_CACHE, tuning)
  const a = evaluate(matcher, held)
  const b = evaluate(matcher, regionalHeld)
  console.log(
    `| ${name} | ${f(indonesian.top1)} / ${f(indonesian.refusal)} | ${f(regional.top1)} / ${f(regional.refusal)} | ${f(a.top1Accuracy)} / ${f(a.outOfScopeRefusal)} | ${f(b.top1Accuracy)} / ${f(b.outOfScopeRefusal)} |`,
  )
}
