/**
 * Scores the FAQ matcher. Two parts, never mixed:
 * - the tune part is content/faq-questions.jsonl, which the matcher also learns from: it is scored
 *   by cross-validation (each fifth scored by a matcher that learnt from the other four fifths);
 * - the held part, bench/data/faq-held.jsonl, is never learnt from nor read for tuning: reported.
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { defaultFaqCacheDir } from '../../src/config.js'
import { classify } from '../../src/core/faq/classify.js'
import type { KnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher, type Matcher, type MatcherTuning } from '../../src/core/faq/matcher.js'

/** `group`: the language group of a regional question (bench/data/faq-regional-held.jsonl, `lang` of the labelled ones). */
export type Labelled = { q: string; topic: string | null; group?: string }

export const CONTENT = 'content/faq.yaml'
export const QUESTIONS = 'content/faq-questions.jsonl'
/** The network cache a server on this machine uses (FAQ_CACHE_DIR's default). */
export const NETWORK_CACHE = { dir: defaultFaqCacheDir(process.env), now: () => new Date() }

/** The regional held part: questions in the regional languages and English, each with its `group`. */
export const REGIONAL_HELD = new URL('../data/faq-regional-held.jsonl', import.meta.url)

export function loadEvalSet(path: string | URL = new URL('../data/faq-held.jsonl', import.meta.url)): Labelled[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Labelled)
}

export type Score = {
  inScope: number
  outOfScope: number
  top1Accuracy: number
  outOfScopeRefusal: number
  /** In-scope questions answered with a wrong topic (worse than a refusal). */
  wrongAnswers: number
  p50Ms: number
  p99Ms: number
  misses: { q: string; expected: string | null; got: string | null; score: number }[]
  /** Every question's verdict, in order (scores by group are made from these). */
  results: { q: string; expected: string | null; got: string | null; group?: string }[]
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0

export function evaluate(matcher: Matcher, questions: Labelled[]): Score {
  const times: number[] = []
  let correct = 0
  let refused = 0
  let wrong = 0
  const misses: Score['misses'] = []
  const results: Score['results'] = []
  for (const item of questions) {
    const start = performance.now()
    const result = classify(matcher, item.q)
    times.push(performance.now() - start)
    results.push({ q: item.q, expected: item.topic, got: result.topic, ...(item.group ? { group: item.group } : {}) })
    if (item.topic === null) {
      if (result.topic === null) refused++
      else misses.push({ q: item.q, expected: null, got: result.topic, score: result.score })
    } else if (result.topic === item.topic) {
      correct++
    } else {
      if (result.topic !== null) wrong++
      misses.push({ q: item.q, expected: item.topic, got: result.topic, score: result.score })
    }
  }
  times.sort((a, b) => a - b)
  const inScope = questions.filter((item) => item.topic !== null).length
  const outOfScope = questions.length - inScope
  return {
    inScope,
    outOfScope,
    top1Accuracy: inScope ? correct / inScope : 0,
    outOfScopeRefusal: outOfScope ? refused / outOfScope : 0,
    wrongAnswers: wrong,
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    misses,
    results,
  }
}

export type GroupScore = { group: string; inScope: number; outOfScope: number; top1Accuracy: number; outOfScopeRefusal: number }

/** The figures of each language group of a scored set (results without a group are left out). */
export function scoreByGroup(results: Score['results']): GroupScore[] {
  const groups = new Map<string, Score['results']>()
  for (const result of results) {
    if (!result.group) continue
    const list = groups.get(result.group)
    if (list) list.push(result)
    else groups.set(result.group, [result])
  }
  return [...groups].map(([group, list]) => {
    const inScope = list.filter((r) => r.expected !== null)
    const outOfScope = list.filter((r) => r.expected === null)
    return {
      group,
      inScope: inScope.length,
      outOfScope: outOfScope.length,
      top1Accuracy: inScope.length ? inScope.filter((r) => r.got === r.expected).length / inScope.length : 0,
      outOfScopeRefusal: outOfScope.length ? outOfScope.filter((r) => r.got === null).length / outOfScope.length : 0,
    }
  })
}

/** The knowledge base's labelled questions as an evaluation set (out-of-scope subjects → null). */
export function questionsOf(kb: KnowledgeBase): Labelled[] {
  const topics = new Set(kb.topics.map((topic) => topic.id))
  return kb.questions.map(({ q, topic, lang }) => ({
    q,
    topic: topics.has(topic) ? topic : null,
    ...(lang ? { group: lang } : {}),
  }))
}

/** FNV-1a: a small, stable hash of a string. */
function textHash(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return hash >>> 0
}

/**
 * k-fold cross-validation over the labelled questions: fold i (the questions whose text hashes to i) is
 * scored by a matcher that learnt from the others (`learn` false: from none of them, to measure
 * what learning adds). Returns the pooled score and its misses.
 */
export function crossValidate(kb: KnowledgeBase, tuning?: MatcherTuning, folds = 5, learn = true): Score {
  const labelled = questionsOf(kb)
  // By a hash of the text, so a question written twice is in one fold, never learnt and scored.
  const foldOf = kb.questions.map(({ q }) => textHash(q.trim().toLowerCase()) % folds)
  const scores = Array.from({ length: folds }, (_, fold) => {
    const learnt = { ...kb, questions: learn ? kb.questions.filter((_, index) => foldOf[index] !== fold) : [] }
    return evaluate(
      createMatcher(learnt, NETWORK_CACHE, tuning),
      labelled.filter((_, index) => foldOf[index] === fold),
    )
  })
  const sum = (pick: (score: Score) => number) => scores.reduce((total, score) => total + pick(score), 0)
  const inScope = sum((score) => score.inScope)
  const outOfScope = sum((score) => score.outOfScope)
  return {
    inScope,
    outOfScope,
    top1Accuracy: sum((score) => score.top1Accuracy * score.inScope) / inScope,
    outOfScopeRefusal: sum((score) => score.outOfScopeRefusal * score.outOfScope) / outOfScope,
    wrongAnswers: sum((score) => score.wrongAnswers),
    p50Ms: Math.max(...scores.map((score) => score.p50Ms)),
    p99Ms: Math.max(...scores.map((score) => score.p99Ms)),
    misses: scores.flatMap((score) => score.misses),
    results: scores.flatMap((score) => score.results),
  }
}
