/**
 * Before any test file runs: the understanding step's networks are made once into the shared cache (FAQ_CACHE_DIR's
 * default, as the tests use it). On a fresh machine that is about twenty seconds of training, which a test that
 * happened to send the first free sentence would otherwise spend inside its own time limit; afterwards every test
 * process loads them in about a second.
 */
import { defaultFaqCacheDir } from '../../src/config.js'
import { secondOpinionFrom } from '../../src/core/understanding/second-opinion.js'

export default function setup(): void {
  const cache = { dir: defaultFaqCacheDir(process.env), now: () => new Date() }
  secondOpinionFrom('content/understanding', 'content/faq-questions.jsonl', cache)?.prepare()
}
