/**
 * The per-person report in words: a line's status for staff (Indonesian) and the CSV export
 * (BOM, formula guard, chat masked, times in the person's zone; no phone, no NIK).
 */

import { stringify } from 'csv-stringify/sync'
import { type RecipientLine, type RecipientStatusKey, STOPPED_REASON } from '../../db/queries/announcements.js'
import { UNLINKED_REASON } from '../../db/queries/outbox.js'
import type { AnnouncementStatus } from '../../vocabulary/announcements.js'
import { formatLocalDateTime, provinceByCode, zoneLabelOrName } from '../regions.js'
import { maskChat } from '../reminders/listing.js'
import { inert } from '../text/csv.js'

export type { RecipientLine, RecipientStatusKey } from '../../db/queries/announcements.js'
export { RECIPIENT_STATUS_KEYS } from '../../db/queries/announcements.js'

/** An announcement's status as staff read it (console and CLI). */
export const ANNOUNCEMENT_STATUS_LABEL: Record<AnnouncementStatus, string> = {
  draft: 'Draf (belum dikirim)',
  scheduled: 'Terjadwal',
  queuing: 'Sedang diantrekan',
  sending: 'Sedang dikirim',
  done: 'Selesai',
  cancelled: 'Dibatalkan',
}

/** The label of each status key, for filters. */
export const RECIPIENT_STATUS_LABELS: Record<RecipientStatusKey, string> = {
  waiting: 'Menunggu',
  sent: 'Terkirim',
  failed: 'Gagal',
  unknown: 'Tidak diketahui',
  opted_out: 'Dilewati: berhenti menerima pengumuman',
  blocked: 'Dilewati: chat memblokir asisten',
  no_chat: 'Dilewati: tidak ada chat tertaut',
  blocked_by_user: 'Memblokir bot (Telegram)',
  cancelled: 'Dibatalkan',
  skipped: 'Dilewati saat dikirim',
}

export function recipientStatus(line: RecipientLine): { key: RecipientStatusKey; label: string } {
  const of = (key: RecipientStatusKey, label = RECIPIENT_STATUS_LABELS[key]) => ({ key, label })
  if (line.reach !== 'queued') return of(line.reach)
  switch (line.outcome) {
    case null:
      return of('waiting')
    case 'sent':
      return of('sent')
    case 'late':
      return of('sent', 'Terkirim (terlambat)')
    case 'failed':
      return of('failed')
    case 'unknown':
      // Said whole in the line and the CSV: a reader of the export has no help text beside it.
      return of('unknown', 'Tidak diketahui: server berhenti saat mengirim, mungkin sudah sampai')
    case 'blocked_by_user':
      return of(
        'blocked_by_user',
        line.channel === 'telegram' ? 'Memblokir bot Telegram saat dikirim' : 'Memblokir asisten saat dikirim',
      )
    case 'cancelled':
      return of('cancelled', line.reason === STOPPED_REASON ? 'Dibatalkan: penerima mengetik stop info' : 'Dibatalkan')
    case 'skipped':
      return of(
        'skipped',
        line.reason?.startsWith('expired')
          ? 'Dilewati: sudah kedaluwarsa'
          : line.reason === UNLINKED_REASON
            ? 'Dilewati: chat tidak lagi tertaut ke orangnya'
            : 'Dilewati saat dikirim',
      )
  }
}

const localTime = (at: Date | null, zone: string) => {
  if (!at) return ''
  try {
    return formatLocalDateTime(at, zone)
  } catch {
    return `${at.toISOString()} (${zoneLabelOrName(zone)})`
  }
}

const HEADER = [
  'announcement',
  'full_name',
  'province',
  'channel',
  'chat_masked',
  'language',
  'status',
  'reason',
  'due_at_local',
  'sent_at_local',
  'time_zone',
]

export function recipientsCsv(code: string, lines: Iterable<RecipientLine>): string {
  const records: (string | null)[][] = [HEADER]
  for (const line of lines) {
    const status = recipientStatus(line)
    records.push([
      code,
      inert(line.fullName),
      line.provinceCode ? (provinceByCode(line.provinceCode)?.name ?? line.provinceCode) : '',
      line.channel,
      line.channel === '' ? '' : maskChat(line.channel, line.chatId),
      line.language ?? '',
      status.label,
      inert(line.reason),
      localTime(line.dueAt, line.timeZone),
      localTime(line.sentAt, line.timeZone),
      line.timeZone,
    ])
  }
  return stringify(records, { bom: true })
}
