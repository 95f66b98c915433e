/**
 * `npm run --silent faq -- --jsonl`: one question per stdin line in, one JSON object per line out:
 * {"question", "topic" (what the bot answers confidently, or null), "score"}.
 * Without --jsonl, an interactive tester that also shows the ranked candidates.
 */
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { loadConfigOrExit } from './config.js'
import { classify } from './core/faq/classify.js'
import { FaqContentError, loadKnowledgeBase } from './core/faq/knowledge-base.js'
import { createMatcher } from './core/faq/matcher.js'

const { values } = parseArgs({ options: { jsonl: { type: 'boolean' } } })
const config = loadConfigOrExit()
let matcher: ReturnType<typeof createMatcher>
try {
  matcher = createMatcher(loadKnowledgeBase(config.FAQ_PATH, config.FAQ_QUESTIONS_PATH), {
    dir: config.FAQ_CACHE_DIR,
    now: () => new Date(),
  })
} catch (error) {
  if (!(error instanceof FaqContentError)) throw error
  process.stderr.write(`Content error: ${error.message}\n`)
  process.exit(1)
}

const lines = createInterface({ input: process.stdin, terminal: false })
for await (const line of lines) {
  const question = line.trim()
  if (!question) continue
  const result = classify(matcher, question)
  if (values.jsonl) {
    process.stdout.write(`${JSON.stringify({ question, topic: result.topic, score: result.score })}\n`)
    continue
  }
  const ranked = matcher
    .rank(question)
    .slice(0, 3)
    .map((r) => `${r.id} (${r.score.toFixed(2)}, cakupan ${r.coverage.toFixed(2)})`)
  process.stdout.write(
    `→ ${result.topic ?? 'tidak yakin / di luar topik'}  [${result.score}]\n  kandidat: ${ranked.join(', ') || '-'}\n`,
  )
}
