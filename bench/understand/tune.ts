/**
 * `npx tsx bench/understand/tune.ts`: the understanding step on the DEVELOPMENT set only
 * (bench/data/understand-dev.jsonl, at its reference date): intent accuracy, slot exact match, the confusion between
 * `faq` and the actions, p50/p99, and the misses. It never reads the held-out file.
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { loadConfig } from '../../src/config.js'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher } from '../../src/core/faq/matcher.js'
import { publicSlots } from '../../src/core/understanding/public.js'
import { createUnderstanding } from '../../src/core/understanding/understand.js'
import { BBPPKS_REGIONS } from '../../src/db/reference-data.js'

type Line = { message: string; intent: string; slots: Record<string, string>; topic: string | null; also?: string }

const config = loadConfig()
const matcher = createMatcher(loadKnowledgeBase(config.FAQ_PATH, config.FAQ_QUESTIONS_PATH), {
  dir: config.FAQ_CACHE_DIR,
  now: () => new Date(),
})
const { understand } = createUnderstanding({ matcher })
const ctx = { now: new Date('2026-12-07T10:00:00+07:00'), regions: BBPPKS_REGIONS }
const lines: Line[] = readFileSync(new URL('../data/understand-dev.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line))

const sorted = (slots: object) => JSON.stringify(Object.fromEntries(Object.entries(slots).sort(([a], [b]) => a.localeCompare(b))))
let intents = 0
let slotHits = 0
let slotLines = 0
let topics = 0
let faqLines = 0
const faqToAction: string[] = []
const actionToFaq: string[] = []
const misses: string[] = []
for (const line of lines) {
  const u = understand(line.message, ctx)
  const slots = publicSlots(u.slots)
  if (u.intent === line.intent) intents++
  else {
    misses.push(`${line.intent} → ${u.intent}${u.ask ? ' (ask)' : ''}  ${line.message}   [${u.cues.join(' ')}]`)
    if (line.intent === 'faq') faqToAction.push(line.message)
    if (u.intent === 'faq') actionToFaq.push(line.message)
  }
  if (line.intent === 'faq') {
    faqLines++
    if (u.intent === 'faq' && u.topic === line.topic) topics++
  }
  if (Object.keys(line.slots).length || Object.keys(slots).length) {
    slotLines++
    if (sorted(slots) === sorted(line.slots)) slotHits++
  }
}

const times: number[] = []
for (const line of lines) understand(line.message, ctx)
for (let pass = 0; pass < 5; pass++)
  for (const line of lines) {
    const start = performance.now()
    understand(line.message, ctx)
    times.push(performance.now() - start)
  }
times.sort((a, b) => a - b)
const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(3)

const labelledFaq = lines.filter((l) => l.intent === 'faq').length
const labelledAction = lines.length - labelledFaq
console.log(`dev lines: ${lines.length}`)
console.log(`intent_accuracy: ${(intents / lines.length).toFixed(3)} (${intents}/${lines.length})`)
console.log(`slot_exact_match: ${(slotHits / slotLines).toFixed(3)} (${slotHits}/${slotLines} lines with a slot)`)
console.log(`faq topic accuracy: ${(topics / faqLines).toFixed(3)} (${topics}/${faqLines})`)
console.log(`faq → action: ${faqToAction.length}/${labelledFaq}   action → faq: ${actionToFaq.length}/${labelledAction}`)
console.log(`p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`)
if (!process.argv.includes('--quiet')) for (const miss of misses) console.log(`  ${miss}`)
