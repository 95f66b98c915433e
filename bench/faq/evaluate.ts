/**
 * Scores the FAQ matcher on the labelled questions in bench/data/faq-eval.jsonl, split into a
 * "tune" part (used while adjusting content and thresholds) and a "held" part (reported).
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { classify } from '../../src/core/faq/classify.js'
import type { Matcher } from '../../src/core/faq/matcher.js'

export type Labelled = { q: string; topic: string | null; split: 'tune' | 'held' | 'fresh'; tags: string[] }

export function loadEvalSet(path = new URL('../data/faq-eval.jsonl', import.meta.url)): Labelled[] {
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
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0

export function evaluate(matcher: Matcher, questions: Labelled[]): Score {
  const times: number[] = []
  let correct = 0
  let refused = 0
  let wrong = 0
  const misses: Score['misses'] = []
  for (const item of questions) {
    const start = performance.now()
    const result = classify(matcher, item.q)
    times.push(performance.now() - start)
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
  }
}
