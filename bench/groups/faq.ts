/**
 * The FAQ matcher on bench/data/faq-held.jsonl: 338 questions written the way people write, by two
 * writers who saw only the topic list and the domain notes, never learnt from and never read for
 * tuning. How often the bot answers an in-scope question with the right topic, how often it
 * declines an out-of-scope one, and how long one question takes. Also the 5-fold cross-validation
 * over the labelled questions the matcher learns from (content/faq-questions.jsonl: `faq_cv_*`),
 * the figure content and thresholds are tuned on.
 */
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher } from '../../src/core/faq/matcher.js'
import {
  CONTENT,
  crossValidate,
  evaluate,
  loadEvalSet,
  NETWORK_CACHE,
  QUESTIONS,
  REGIONAL_HELD,
  scoreByGroup,
} from '../faq/evaluate.js'
import type { BenchGroup } from '../group.js'

export const group: BenchGroup = {
  name: 'faq',
  description: 'FAQ matcher: accuracy and refusals on held-out questions, time per question',
  async run() {
    const held = loadEvalSet()
    const regional = loadEvalSet(REGIONAL_HELD)
    const kb = loadKnowledgeBase(CONTENT, QUESTIONS)
    const matcher = createMatcher(kb, NETWORK_CACHE)
    evaluate(matcher, held) // warm the caches and the JIT, as a running bot would be
    // Timing over several passes so p99 rests on more than a handful of samples.
    const passes = Array.from({ length: 5 }, () => evaluate(matcher, [...held, ...regional]))
    const score = evaluate(matcher, held)
    const regionalScore = evaluate(matcher, regional)
    const cv = crossValidate(kb)
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
    return {
      faq_top1_accuracy: Number(score.top1Accuracy.toFixed(4)),
      faq_out_of_scope_refusal: Number(score.outOfScopeRefusal.toFixed(4)),
      faq_wrong_answer_rate: Number((score.wrongAnswers / score.inScope).toFixed(4)),
      faq_regional_top1_accuracy: Number(regionalScore.top1Accuracy.toFixed(4)),
      faq_regional_out_of_scope_refusal: Number(regionalScore.outOfScopeRefusal.toFixed(4)),
      faq_regional_wrong_answer_rate: Number((regionalScore.wrongAnswers / regionalScore.inScope).toFixed(4)),
      // Each language group on its own (goal: none below 0.85).
      ...Object.fromEntries(
        scoreByGroup(regionalScore.results).flatMap((group) => [
          [`faq_regional_${group.group.replace('-', '_')}_top1`, Number(group.top1Accuracy.toFixed(3))],
          [`faq_regional_${group.group.replace('-', '_')}_refusal`, Number(group.outOfScopeRefusal.toFixed(3))],
        ]),
      ),
      faq_cv_top1_accuracy: Number(cv.top1Accuracy.toFixed(4)),
      faq_cv_out_of_scope_refusal: Number(cv.outOfScopeRefusal.toFixed(4)),
      faq_p50_ms: Number(median(passes.map((p) => p.p50Ms)).toFixed(4)),
      faq_p99_ms: Number(median(passes.map((p) => p.p99Ms)).toFixed(4)),
    }
  },
}
