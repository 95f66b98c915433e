/**
 * Reminders as the secretariat sees them (CLI and admin API): the chat shown masked, never a whole
 * phone number or chat id, and the delivery status with its reason.
 */
import type { ReminderRow } from '../../db/queries/reminders.js'
import type { Channel } from '../../vocabulary/message.js'
import { maskPhone, scrubNumbers } from '../privacy/mask.js'

/** Keeps the first and last two characters of an id: "98****21". */
function maskId(id: string): string {
  return id.length < 7 ? '****' : `${id.slice(0, 2)}****${id.slice(-2)}`
}

/**
 * A chat as it may be shown: a WhatsApp phone number as "+62 812-****-7890", any other id (a
 * Telegram chat, a WhatsApp LID) with only its ends.
 */
export function maskChat(channel: Channel, chatId: string): string {
  if (channel !== 'whatsapp') return maskId(chatId)
  const [user = '', server = ''] = chatId.split('@')
  const number = user.split(':')[0] ?? ''
  if (server === 'lid') return `lid ${maskId(number)}`
  if (/^62\d{7,13}$/.test(number)) return maskPhone(`+${number}`)
  return maskId(number)
}

/**
 * What the status "unknown" means, for staff (console help lines, CLI): the server stopped while
 * the message was being sent, so whether it arrived is not known; it is never sent a second time
 * on its own, because sending it again could give the person the same message twice.
 */
export const UNKNOWN_OUTCOME_HELP =
  'Hasil tidak diketahui: server berhenti ketika pesan sedang dikirim, jadi pesan itu mungkin sudah sampai, mungkin juga belum. ' +
  'Pesan seperti ini tidak dikirim ulang otomatis: tanyakan kepada orangnya, lalu kirim ulang bila perlu.'

/** One reminder in the admin API. */
export function reminderView(row: ReminderRow) {
  return {
    id: row.id,
    status: row.status,
    kind: row.eventKind,
    eventKey: row.eventKey,
    label: row.label,
    channel: row.channel,
    chat: maskChat(row.channel, row.chatId),
    dueAt: row.dueAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    sentAt: row.sentAt?.toISOString() ?? null,
    attempts: row.attempts,
    // Errors are scrubbed when recorded; once more here, as this leaves the server.
    reason: row.lastError === null ? null : scrubNumbers(row.lastError),
  }
}
