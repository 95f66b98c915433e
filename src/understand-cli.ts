/**
 * `npm run --silent understand -- --jsonl`: one message per stdin line in, one JSON object per line out:
 * {"message", "intent", "slots", "topic"} (+ "also" when the message holds a second request), the slots named as in
 * issue 20 (province regency region month mode number code). `--now <ISO>` fixes the reference date (default: the
 * real clock), `--zone <IANA>` the reader's zone, `--explain` adds confidence, alternatives and the rules that fired.
 * Without --jsonl, an interactive tester.
 */
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { loadConfigOrExit } from './config.js'
import { FaqContentError, loadKnowledgeBase } from './core/faq/knowledge-base.js'
import { createMatcher } from './core/faq/matcher.js'
import { publicSlots } from './core/understanding/public.js'
import { secondOpinionFrom } from './core/understanding/second-opinion.js'
import type { Reading, RegionRow } from './core/understanding/types.js'
import { createUnderstanding } from './core/understanding/understand.js'
import { BBPPKS_REGIONS } from './db/reference-data.js'

const { values } = parseArgs({
  options: { jsonl: { type: 'boolean' }, now: { type: 'string' }, zone: { type: 'string' }, explain: { type: 'boolean' } },
})
const config = loadConfigOrExit()
// The composition root: the one place that reads the real clock.
const clock = () => new Date()
const now = values.now === undefined ? clock() : new Date(values.now)
if (Number.isNaN(now.getTime())) {
  process.stderr.write(`--now: not a date: ${values.now}\n`)
  process.exit(2)
}

/** The regions table decides which region serves a province (staff edit it); read-only, the seed when there is no file. */
function regionRows(path: string): readonly RegionRow[] {
  if (path === ':memory:' || !existsSync(path)) return BBPPKS_REGIONS
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const rows = db.prepare('select code, province_codes as provinceCodes from regions').all() as RegionRow[]
    return rows.length ? rows : BBPPKS_REGIONS
  } catch {
    return BBPPKS_REGIONS
  } finally {
    db.close()
  }
}

let matcher: ReturnType<typeof createMatcher>
try {
  matcher = createMatcher(loadKnowledgeBase(config.FAQ_PATH, config.FAQ_QUESTIONS_PATH), {
    dir: config.FAQ_CACHE_DIR,
    now: clock,
  })
} catch (error) {
  if (!(error instanceof FaqContentError)) throw error
  process.stderr.write(`Content error: ${error.message}\n`)
  process.exit(1)
}
const { understand } = createUnderstanding({
  matcher,
  secondOpinion: secondOpinionFrom(config.UNDERSTAND_EXAMPLES_DIR, config.FAQ_QUESTIONS_PATH, {
    dir: config.FAQ_CACHE_DIR,
    now: clock,
  }),
})
const ctx = { now, timeZone: values.zone ?? 'Asia/Jakarta', regions: regionRows(config.DATABASE_PATH) }
const shown = (r: Reading) => ({ intent: r.intent, slots: publicSlots(r.slots), topic: r.topic })

const lines = createInterface({ input: process.stdin, terminal: false })
for await (const line of lines) {
  const message = line.trim()
  if (!message) continue
  const u = understand(message, ctx)
  const out = {
    message,
    ...shown(u),
    ...(u.also ? { also: shown(u.also) } : {}),
    ...(values.explain || !values.jsonl
      ? { confidence: u.confidence, ask: u.ask, alternatives: u.alternatives.map(shown), cues: u.cues }
      : {}),
  }
  process.stdout.write(values.jsonl ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`)
}
