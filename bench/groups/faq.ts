/**
 * The FAQ matcher on the held-out half of bench/data/faq-eval.jsonl (questions written the way
 * people write, by someone who did not see the knowledge base): how often the bot answers an
 * in-scope question with the right topic, how often it declines an out-of-scope one, and how long
 * one question takes. The same two rates are also reported on bench/data/faq-fresh.jsonl, a second
 * set written later by another writer from the topic list alone (`faq_fresh_*`), and on
 * bench/data/faq-unseen.jsonl, a third such set whose misses nobody has read or tuned for
 * (`faq_unseen_*`: the closest figure to how the matcher does on questions from outside), and
 * bench/data/faq-unseen2.jsonl, a fourth, written across regional varieties and run once only
 * after a matcher change (`faq_unseen2_*`), and bench/data/faq-unseen3.jsonl, a fifth, written
 * for a varied crowd with look-alike out-of-scope questions, run once only (`faq_unseen3_*`).
 */
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher } from '../../src/core/faq/matcher.js'
import { evaluate, loadEvalSet } from '../faq/evaluate.js'
import type { BenchGroup } from '../group.js'

export const group: BenchGroup = {
  name: 'faq',
  description: 'FAQ matcher: accuracy and refusals on held-out questions, time per question',
  async run() {
    const held = loadEvalSet().filter((item) => item.split === 'held')
    const matcher = createMatcher(loadKnowledgeBase('content/faq.yaml'))
    evaluate(matcher, held) // warm the caches and the JIT, as a running bot would be
    // Timing over several passes so p99 rests on more than a handful of samples.
    const passes = Array.from({ length: 5 }, () => evaluate(matcher, held))
    const score = passes[0]
    if (!score) throw new Error('no evaluation pass ran')
    const fresh = evaluate(matcher, loadEvalSet(new URL('../data/faq-fresh.jsonl', import.meta.url)))
    const unseen = evaluate(matcher, loadEvalSet(new URL('../data/faq-unseen.jsonl', import.meta.url)))
    const unseen2 = evaluate(matcher, loadEvalSet(new URL('../data/faq-unseen2.jsonl', import.meta.url)))
    const unseen3 = evaluate(matcher, loadEvalSet(new URL('../data/faq-unseen3.jsonl', import.meta.url)))
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
    return {
      faq_top1_accuracy: Number(score.top1Accuracy.toFixed(4)),
      faq_out_of_scope_refusal: Number(score.outOfScopeRefusal.toFixed(4)),
      faq_wrong_answer_rate: Number((score.wrongAnswers / score.inScope).toFixed(4)),
      faq_fresh_top1_accuracy: Number(fresh.top1Accuracy.toFixed(4)),
      faq_fresh_out_of_scope_refusal: Number(fresh.outOfScopeRefusal.toFixed(4)),
      faq_unseen_top1_accuracy: Number(unseen.top1Accuracy.toFixed(4)),
      faq_unseen_out_of_scope_refusal: Number(unseen.outOfScopeRefusal.toFixed(4)),
      faq_unseen2_top1_accuracy: Number(unseen2.top1Accuracy.toFixed(4)),
      faq_unseen2_out_of_scope_refusal: Number(unseen2.outOfScopeRefusal.toFixed(4)),
      faq_unseen3_top1_accuracy: Number(unseen3.top1Accuracy.toFixed(4)),
      faq_unseen3_out_of_scope_refusal: Number(unseen3.outOfScopeRefusal.toFixed(4)),
      faq_p50_ms: Number(median(passes.map((p) => p.p50Ms)).toFixed(4)),
      faq_p99_ms: Number(median(passes.map((p) => p.p99Ms)).toFixed(4)),
    }
  },
}
