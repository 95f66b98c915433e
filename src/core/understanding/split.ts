/**
 * Two requests in one message ("syaratnya apa dan kapan bimtek di bandung"): the message is cut once, at a connector
 * with cue words on both sides. Whether the cut stands is decided by the caller, which reads both clauses (§5).
 */
import { cueText } from './intents.js'
import { CUES, KNOWLEDGE } from './lexicon.js'

// "sama" only when both clauses name an object: in "ngomong sama orang" the right side has no object of its own.
const CONNECTORS = new Set(['dan', 'terus', 'trus', 'trs', 'lalu', 'kemudian', 'sekalian', 'juga', 'sama', 'and', 'also', 'then'])
// A certificate number or a registration code is a request of its own ("cek LSPS-2024-00123 sama …").
const IDENTIFIER = /\b(?:lsps|bmt)\b|lsps\d/i
const PUNCTUATION = /[,?;&+]/

const OBJECTS = [
  CUES.sessionObject,
  CUES.register,
  CUES.registration,
  CUES.certificate,
  CUES.reminder,
  CUES.person,
  CUES.data,
  CUES.status,
  CUES.myDates,
  KNOWLEDGE,
]
const namesSomething = (clause: string) => {
  const text = cueText(clause)
  return IDENTIFIER.test(clause) || OBJECTS.some((re) => re.test(text))
}

/** A clause without the punctuation and connector words it starts with ("…, trus daftar" → "daftar"). */
function withoutConnector(clause: string): string {
  let rest = clause.replace(/^[\s,?;&+]+/, '')
  for (;;) {
    const word = /^(\S+)\s+/.exec(rest)
    if (!word || !CONNECTORS.has((word[1] ?? '').toLowerCase())) return rest.trim()
    rest = rest.slice(word[0].length)
  }
}

/**
 * The two clauses of a message with two requests, or undefined. The cut is at the first connector (or `,?;&+`) that
 * leaves a cue word on each side; the connector itself belongs to neither clause.
 */
export function splitRequests(message: string): [string, string] | undefined {
  const text = message.toLowerCase()
  const parts = text.split(/(\s+|[,?;&+])/)
  let offset = 0
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? ''
    const at = offset
    offset += part.length
    const isCut = CONNECTORS.has(part) || PUNCTUATION.test(part)
    if (!isCut) continue
    const left = message.slice(0, at).trim()
    const right = withoutConnector(message.slice(at + part.length))
    if (!left || !right) continue
    if (namesSomething(left) && namesSomething(right)) return [left, right]
  }
  return undefined
}
