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
import { CONTENT, crossValidate, evaluate, loadEvalSet, NETWORK_CACHE, QUESTIONS } from '../faq/evaluate.js'
import type { BenchGroup } from '../group.js'

export const group: BenchGroup = {
  name: 'faq',
  description: 'FAQ matcher: accuracy and refusals on held-out questions, time per question',
  async run() {
    const held = loadEvalSet()
    const kb = loadKnowledgeBase(CONTENT, QUESTIONS)
    const matcher = createMatcher(kb, NETWORK_CACHE)
    evaluate(matcher, held) // warm the caches and the JIT, as a running bot would be
    // Timing over several passes so p99 rests on more than a handful of samples.
    const passes = Array.from({ length: 5 }, () => evaluate(matcher, held))
    const score = passes[0]
    if (!score) throw new Error('no evaluation pass ran')
    const cv = crossValidate(kb)
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
    return {
      faq_top1_accuracy: Number(score.top1Accuracy.toFixed(4)),
      faq_out_of_scope_refusal: Number(score.outOfScopeRefusal.toFixed(4)),
      faq_wrong_answer_rate: Number((score.wrongAnswers / score.inScope).toFixed(4)),
      faq_cv_top1_accuracy: Number(cv.top1Accuracy.toFixed(4)),
      faq_cv_out_of_scope_refusal: Number(cv.outOfScopeRefusal.toFixed(4)),
      faq_p50_ms: Number(median(passes.map((p) => p.p50Ms)).toFixed(4)),
      faq_p99_ms: Number(median(passes.map((p) => p.p99Ms)).toFixed(4)),
    }
  },
}
