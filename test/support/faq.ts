/** A matcher's verdict as one line a test can compare: "answer syarat", "suggest a,b", "out of scope x", "none". */
import type { MatchOutcome } from '../../src/core/faq/matcher.js'

export function outcome(result: MatchOutcome): string {
  if (result.kind === 'answer') return `answer ${result.topic.id}`
  if (result.kind === 'suggest') return `suggest ${result.topics.map((topic) => topic.id).join(',')}`
  if (result.kind === 'outOfScope') return `out of scope ${result.subject.id}`
  return 'none'
}
