/**
 * Why an announcement was refused: a stable code, the form/CLI field it is about, and an Indonesian
 * sentence for staff (the console shows it beside the field, the CLI prints it).
 */
export type AnnounceProblemCode =
  | 'ANNOUNCE_NO_AUDIENCE'
  | 'ANNOUNCE_SESSION_NOT_FOUND'
  | 'ANNOUNCE_BAD_DATE'
  | 'ANNOUNCE_BAD_RANGE'
  | 'ANNOUNCE_BAD_VALUE'
  | 'ANNOUNCE_UNKNOWN_PLACEHOLDER'
  | 'ANNOUNCE_PLACEHOLDER_NEEDS_SUBJECT'
  | 'ANNOUNCE_TEXT_EMPTY'
  | 'ANNOUNCE_TEXT_TOO_LONG'
  | 'ANNOUNCE_IN_QUIET_HOURS'
  | 'ANNOUNCE_IN_PAST'
  | 'ANNOUNCE_DUPLICATE'
  | 'ANNOUNCE_NOT_FOUND'
  | 'ANNOUNCE_NOT_DRAFT'
  | 'ANNOUNCE_NOT_CANCELLABLE'

/**
 * field: the form/CLI field it is about ('sesi', 'tahap', 'wilayah', 'provinsi', 'ujian_tanggal',
 * 'portofolio', 'teks_id', 'teks_en', 'jadwal'); message: an Indonesian sentence for staff.
 */
export type AnnounceProblem = { code: AnnounceProblemCode; field?: string; message: string; existingCode?: string }

/** A checked outcome: the value, or every problem found (bad input never half-writes data). */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: AnnounceProblem[] }

export const problem = (code: AnnounceProblemCode, message: string, field?: string): AnnounceProblem =>
  field === undefined ? { code, message } : { code, field, message }

export const refused = (...problems: AnnounceProblem[]): { ok: false; problems: AnnounceProblem[] } => ({ ok: false, problems })
