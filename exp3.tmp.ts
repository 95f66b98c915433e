import { loadKnowledgeBase } from './src/core/faq/knowledge-base.js'
import { createMatcher, DEFAULT_TUNING } from './src/core/faq/matcher.js'
import { loadEvalSet } from './bench/faq/evaluate.js'
const kb = loadKnowledgeBase(process.argv[2] ?? '/tmp/faq-base.yaml')
const ev = loadEvalSet().filter(i => i.topic !== null)
for (const weakTerm of [1, 0.5, 0.3, 0.15]) for (const boost of [{title:1,keywords:1,examples:1},{title:1,keywords:2,examples:1},{title:2,keywords:3,examples:1}]) {
  const m = createMatcher(kb, { ...DEFAULT_TUNING, weakTerm, boost })
  let r1 = 0, r3 = 0; const t0 = performance.now()
  for (const i of ev) { const r = m.rank(i.q); if (r[0]?.id === i.topic) r1++; if (r.slice(0,3).some(x => x.id === i.topic)) r3++ }
  console.log(weakTerm, JSON.stringify(boost), (r1/ev.length).toFixed(3), (r3/ev.length).toFixed(3), ((performance.now()-t0)/ev.length).toFixed(3)+'ms')
}
