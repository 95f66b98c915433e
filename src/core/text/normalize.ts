/**
 * Normalises what people type for matching commands and options: lower case, no punctuation,
 * single spaces, letters stretched for emphasis ("menuuu", "haloooo") shortened.
 */
export function normalizeInput(text: string): string {
  // One message is normalised by every matcher that reads it (the global commands, the greeting
  // check, the menu's options, the flows, the live handoff…): about ten times the same text. The
  // result depends on the text alone, so the last one is kept.
  if (text === lastInput) return lastOutput
  const output = normalize(text)
  lastInput = text
  lastOutput = output
  return output
}

let lastInput: string | undefined
let lastOutput = ''

function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/@\w+/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/(\p{L})\1{2,}/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The leading slash command of a message ("/lang en" → "lang"), without a @botname suffix. */
export function slashCommand(text: string): { name: string; args: string } | undefined {
  const match = /^\/([a-z_]+)(?:@\w+)?(?:\s+(.*))?$/is.exec(text.trim())
  if (!match) return undefined
  return { name: (match[1] ?? '').toLowerCase(), args: (match[2] ?? '').trim() }
}
