/**
 * Announcements' read and write side in SQL: the report (totals, per-person lines) and the rows
 * the queue and cancel write. The core's use cases (src/core/announcements) call these.
 */
import type { RecipientOutcome, RecipientReach } from '../../vocabulary/announcements.js'
import type { Language } from '../../vocabulary/message.js'
import type { Db } from '../client.js'

/** The report's status of one line (what staff filter by); labels live in the core's report. */
export const RECIPIENT_STATUS_KEYS = [
  'waiting',
  'sent',
  'failed',
  'opted_out',
  'blocked',
  'no_chat',
  'blocked_by_user',
  'cancelled',
  'skipped',
] as const
export type RecipientStatusKey = (typeof RECIPIENT_STATUS_KEYS)[number]

export type AnnouncementTotals = {
  /** People, per reach (queued + noChat + blocked + optedOut = people). */
  people: number
  queued: number
  noChat: number
  blocked: number
  optedOut: number
  /** Chat rows by outcome (waiting = not final yet). */
  rows: { waiting: number; sent: number; late: number; failed: number; skipped: number; blockedByUser: number; cancelled: number }
  byChannel: Record<'telegram' | 'whatsapp', { rows: number; waiting: number; sent: number; failed: number }>
}

export type RecipientLine = {
  personId: number
  fullName: string
  provinceCode: string | null
  timeZone: string
  channel: '' | 'telegram' | 'whatsapp'
  chatId: string
  language: Language | null
  reach: RecipientReach
  outcome: RecipientOutcome | null
  reason: string | null
  dueAt: Date | null
  sentAt: Date | null
}

/** The totals of one announcement: counted from its recipient rows, or the frozen totals once they are gone. */
export function announcementTotals(_db: Db, _id: number): AnnouncementTotals {
  throw new Error('not built yet')
}

/** One page of the per-person report (person id order), with the filter's total. */
export function recipientLines(
  _db: Db,
  _id: number,
  _filter: { status?: RecipientStatusKey },
  _page: { limit: number; offset: number },
): { rows: RecipientLine[]; total: number } {
  throw new Error('not built yet')
}

/** Every line of the report, streamed (CSV export). */
export function allRecipientLines(_db: Db, _id: number): Iterable<RecipientLine> {
  throw new Error('not built yet')
}
