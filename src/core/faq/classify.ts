/**
 * What the bot would do with a free-text question, as one answer: the topic it would answer
 * confidently, or null (small talk, suggestions only, or nothing). Used by `npm run faq` and the
 * evaluation, so both measure exactly what the chat does.
 */
import { isGreeting } from '../text/intents.js'
import type { Matcher } from './matcher.js'
import { smallTalk } from './small-talk.js'

export type Classification = { topic: string | null; score: number }

export function classify(matcher: Matcher, question: string): Classification {
  if (isGreeting(question) || smallTalk(question)) return { topic: null, score: 0 }
  const outcome = matcher.match(question)
  return { topic: outcome.kind === 'answer' ? outcome.topic.id : null, score: outcome.score }
}
