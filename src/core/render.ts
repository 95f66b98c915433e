import type { Attachment, Reply } from './types.js'

/** Renders a reply for channels without buttons (WhatsApp, the terminal): options as "1. …". */
export function renderPlainText(reply: Reply): string {
  if (!reply.choices?.length) return reply.text
  const lines = reply.choices.map((choice, i) => `${i + 1}. ${choice.label}`)
  return `${reply.text}\n\n${lines.join('\n')}`
}

/**
 * What a channel says in place of a file it could not deliver: the file's own note (in the chat's
 * language, with how to get it again), else a plain one naming the file.
 */
export function unsentNote(attachment: Attachment): string {
  return attachment.unsentNote ?? `File ${attachment.filename} tidak terkirim. Silakan coba lagi beberapa saat lagi.`
}
