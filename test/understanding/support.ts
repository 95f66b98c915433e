/** One understanding step over the real FAQ content, shared by the understanding tests (the network trains at most once). */
import { defaultFaqCacheDir } from '../../src/config.js'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher } from '../../src/core/faq/matcher.js'
import { publicSlots } from '../../src/core/understanding/public.js'
import { secondOpinionFrom } from '../../src/core/understanding/second-opinion.js'
import { createUnderstanding } from '../../src/core/understanding/understand.js'
import { BBPPKS_REGIONS } from '../../src/db/reference-data.js'

const cache = { dir: defaultFaqCacheDir(process.env), now: () => new Date() }
export const matcher = createMatcher(loadKnowledgeBase('content/faq.yaml', 'content/faq-questions.jsonl'), cache)
/** The product's second opinion, over the shipped examples (second-opinion.ts). */
export const secondOpinion = secondOpinionFrom('content/understanding', 'content/faq-questions.jsonl', cache)
/** The labelled set's reference date: Monday 2026-12-07 10:00 WIB. */
export const ctx = { now: new Date('2026-12-07T10:00:00+07:00'), regions: BBPPKS_REGIONS }
export const { understand } = createUnderstanding({ matcher, secondOpinion })
/** The reading as the CLI prints it. */
export const read = (text: string) => {
  const u = understand(text, ctx)
  return { intent: u.intent, slots: publicSlots(u.slots), topic: u.topic }
}
