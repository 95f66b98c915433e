import type { Reply } from './types.js'

/** Renders a reply for channels without buttons (WhatsApp, the terminal): options as "1. …". */
export function renderPlainText(reply: Reply): string {
  if (!reply.choices?.length) return reply.text
  const lines = reply.choices.map((choice, i) => `${i + 1}. ${choice.label}`)
  return `${reply.text}\n\n${lines.join('\n')}`
}
