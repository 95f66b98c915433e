/**
 * The per-person report in words: a line's status for staff (Indonesian) and the CSV export
 * (BOM, formula guard, chat masked, times in the person's zone; no phone, no NIK).
 */
import type { RecipientLine, RecipientStatusKey } from '../../db/queries/announcements.js'

export type { RecipientLine, RecipientStatusKey } from '../../db/queries/announcements.js'

export function recipientStatus(_line: RecipientLine): { key: RecipientStatusKey; label: string } {
  throw new Error('not built yet')
}

export function recipientsCsv(_code: string, _lines: Iterable<RecipientLine>): string {
  throw new Error('not built yet')
}
