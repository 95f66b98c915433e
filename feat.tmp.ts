import { loadKnowledgeBase } from '/work/main/src/core/faq/knowledge-base.js'
import { createMatcher } from '/work/main/src/core/faq/matcher.js'
import { loadEvalSet } from '/work/main/bench/faq/evaluate.js'
import { smallTalk } from '/work/main/src/core/faq/small-talk.js'
import { isGreeting } from '/work/main/src/core/text/intents.js'
import { terms } from '/work/main/src/core/faq/normalize.js'
const split = process.argv[2] ?? 'tune'
const m = createMatcher(loadKnowledgeBase('/work/main/content/faq.yaml'))
const rows = []
for (const item of loadEvalSet().filter(i => split==='all' || i.split === split)) {
  if (isGreeting(item.q) || smallTalk(item.q)) { rows.push({cls: item.topic===null?'oos-st':'IN-ST', q:item.q}); continue }
  const r = m.rank(item.q); const [a,b] = r
  const cls = item.topic === null ? 'oos' : a?.topic.id === item.topic ? 'ok' : (r.slice(0,3).some(x=>x.topic.id===item.topic) ? 'top3' : 'miss')
  rows.push({cls, s1: a?.score ?? 0, s2: b?.score ?? 0, cov: a?.coverage ?? 0, n: terms(item.q).length, q: item.q})
}
const count = (c) => rows.filter(r=>r.cls===c).length
console.log({ok:count('ok'), top3:count('top3'), miss:count('miss'), oos:count('oos'), oosSt:count('oos-st'), inSt: count('IN-ST')})
import { writeFileSync } from 'node:fs'
writeFileSync('/tmp/feat-'+split+'.json', JSON.stringify(rows))
for (const r of rows.filter(r=>r.cls==='IN-ST')) console.log('IN-ST', r.q)
