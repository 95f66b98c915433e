import { loadKnowledgeBase } from './src/core/faq/knowledge-base.js'
import { createMatcher } from './src/core/faq/matcher.js'
import { terms } from './src/core/faq/normalize.js'
import { loadEvalSet } from './bench/faq/evaluate.js'
const m = createMatcher(loadKnowledgeBase('/tmp/faq-base.yaml'))
for (const i of loadEvalSet().filter(i => i.topic !== null && i.split === 'tune')) {
  const r = m.rank(i.q); if (r[0]?.topic.id !== i.topic) console.log(`${i.topic} <- ${r[0]?.topic.id} | ${i.q} | ${terms(i.q).join(' ')}`)
}
