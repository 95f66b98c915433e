/**
 * Before any test file runs: the FAQ matcher's networks and the understanding step's networks are made once into
 * the shared cache (FAQ_CACHE_DIR's default, as the tests use it). On a fresh machine that is about twenty-five
 * seconds of training, which a test that happened to send the first free sentence would otherwise spend inside its
 * own time limit (and every test process at once, on a cold cache); afterwards every test process loads them in
 * about a second.
 */
import { defaultFaqCacheDir } from '../../src/config.js'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher } from '../../src/core/faq/matcher.js'
import { secondOpinionFrom } from '../../src/core/understanding/second-opinion.js'

export default function setup(): void {
  const cache = { dir: defaultFaqCacheDir(process.env), now: () => new Date() }
  createMatcher(loadKnowledgeBase('content/faq.yaml', 'content/faq-questions.jsonl'), cache)
  secondOpinionFrom('content/understanding', 'content/faq-questions.jsonl', cache)?.prepare()
}
