/**
 * The exam schedule file (`npm run cli -- import exams FILE.csv`, POST /api/v1/admin/exams): one
 * row per exam (ujian kognitif or wawancara) of a person already on record, matched on
 * `exam_code`: a new code adds an exam, a known one updates it (a new time moves it, status
 * `cancelled` cancels it). People are found by the keyed hash of their NIK, which no message
 * repeats. Once every row is written, the reminders of each person whose exam was added or changed
 * are planned again in the same transaction. See README, "Data import: exams".
 */
import { z } from 'zod'
import type { Db } from '../../db/client.js'
import { type ExamFields, examWrites } from '../../db/queries/exams.js'
import { type CsvImport, type ImportError, importCsv } from '../import/csv.js'
import {
  atZone,
  cell,
  codeCell,
  type LocalDateTime,
  localDateTime,
  optionalText,
  optionalWebAddress,
  readNik,
  shown,
} from '../import/fields.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { type PlanResult, planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'

export const EXAM_COLUMNS = [
  'exam_code',
  'nik',
  'kind',
  'mode',
  'starts_at',
  'time_zone',
  'venue',
  'meeting_url',
  'preparation',
  'status',
] as const

export const MAX_PREPARATION = 500

export type ExamImportCounts = {
  /** Exams new to the database. */
  inserted: number
  /** Exams on record that the file changed (moved, cancelled, another place…). */
  updated: number
  /** Exams on record exactly as in the file. */
  unchanged: number
  /** What re-planning the reminders of the people whose exams were added or changed did. */
  reminders: PlanResult
}

export type ExamImportResult = ({ ok: true } & ExamImportCounts) | { ok: false; errors: ImportError[] }

export type ExamImportOptions = {
  /** Who imports ("cli", "admin-api"), for the audit log. */
  actor: string
  /** The NIK vault of DATA_ENCRYPTION_KEY (the server's: the same NIK must give the same hash as in the people table). */
  vault: Pick<NikVault, 'hash'>
  /** "Now" for the reminder plan and the time of the changes. */
  now: Date
  /** The reminder settings the people of changed exams are planned again with. */
  reminders: ReminderSettings
  /** Called after each data row has been checked, e.g. to draw a progress bar. */
  onProgress?: (done: number, total: number) => void
}

// ── Cells ────────────────────────────────────────────────────────────────────────────────────────

type Kind = ExamFields['kind']
type Mode = ExamFields['mode']
type Status = ExamFields['status']

/** Lower case, with spaces, dashes and underscores as one space: "Ujian_Kognitif" = "ujian kognitif". */
const words = (value: string) =>
  value
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim()

const code = codeCell('kode jadwal ujian dari sekretariat, mis. UJK-MKS-2027-0001')

/** A NIK's structure, turned into its keyed hash at once; the NIK itself is never repeated in a message. */
function nikHash(vault: Pick<NikVault, 'hash'>) {
  const hashes = new Map<string, string>()
  return cell<string>((value) => {
    if (value === '') return { reason: 'wajib diisi (16 angka NIK)' }
    const parsed = readNik(value)
    if ('reason' in parsed) return parsed
    const nik = parsed.value.nik
    let hash = hashes.get(nik)
    if (hash === undefined) {
      hash = vault.hash(nik)
      hashes.set(nik, hash)
    }
    return { value: hash }
  })
}

const KINDS: Record<string, Kind> = {
  'ujian kognitif': 'ujian_kognitif',
  kognitif: 'ujian_kognitif',
  'uji kognitif': 'ujian_kognitif',
  'ujian tulis': 'ujian_kognitif',
  'tes kognitif': 'ujian_kognitif',
  ujian: 'ujian_kognitif',
  cognitive: 'ujian_kognitif',
  'cognitive test': 'ujian_kognitif',
  wawancara: 'wawancara',
  'uji wawancara': 'wawancara',
  interview: 'wawancara',
}

const kind = cell<Kind>((value) => {
  const found = KINDS[words(value)]
  return found
    ? { value: found }
    : {
        reason: `${value === '' ? 'wajib diisi' : `tidak dikenal (tertulis ${shown(value)})`}; isi ujian_kognitif (atau ujian kognitif, kognitif) atau wawancara (atau interview)`,
      }
})

/** The spellings the sessions file accepts. */
const MODES: Record<string, Mode> = {
  'tatap muka': 'tatap_muka',
  tatapmuka: 'tatap_muka',
  luring: 'tatap_muka',
  offline: 'tatap_muka',
  daring: 'daring',
  online: 'daring',
  virtual: 'daring',
}

const mode = cell<Mode>((value) => {
  const found = MODES[words(value)]
  return found
    ? { value: found }
    : { reason: `harus tatap_muka (atau luring) atau daring (atau online) (tertulis ${shown(value)})` }
})

/**
 * Indonesia's zones, by the names staff write. Only these: every time told to a person says WIB,
 * WITA or WIT, which another country's zone does not have.
 */
const ZONES: Record<string, string> = {
  wib: 'Asia/Jakarta',
  wita: 'Asia/Makassar',
  wit: 'Asia/Jayapura',
  'asia/jakarta': 'Asia/Jakarta',
  'asia/pontianak': 'Asia/Pontianak',
  'asia/makassar': 'Asia/Makassar',
  'asia/ujung_pandang': 'Asia/Makassar',
  'asia/jayapura': 'Asia/Jayapura',
}

/** An IANA zone, or null (left empty): the person's own zone. */
const timeZone = cell<string | null>((value) => {
  if (value === '') return { value: null }
  const found = ZONES[value.toLowerCase()]
  return found
    ? { value: found }
    : {
        reason: `tidak dikenal (tertulis ${shown(value)}); isi WIB, WITA, WIT (atau Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura), atau kosongkan untuk zona waktu orangnya`,
      }
})

const STATUSES: Record<string, Status> = {
  '': 'scheduled',
  scheduled: 'scheduled',
  terjadwal: 'scheduled',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  batal: 'cancelled',
  dibatalkan: 'cancelled',
}

const status = cell<Status>((value) => {
  const found = STATUSES[words(value)]
  return found
    ? { value: found }
    : {
        reason: `tidak dikenal (tertulis ${shown(value)}); kosongkan atau isi scheduled (terjadwal), atau cancelled (batal) untuk membatalkan`,
      }
})

// ── Rows ─────────────────────────────────────────────────────────────────────────────────────────

/** A checked row: the person only by their NIK hash, the time still without its zone. */
type ExamRow = {
  code: string
  nikHash: string
  kind: Kind
  mode: Mode
  startsAt: LocalDateTime
  /** Null: the person's zone. */
  timeZone: string | null
  venue: string | null
  meetingUrl: string | null
  preparation: string | null
  status: Status
}

function examSchema(vault: Pick<NikVault, 'hash'>) {
  return z
    .object({
      exam_code: code,
      nik: nikHash(vault),
      kind,
      mode,
      starts_at: localDateTime,
      time_zone: timeZone,
      venue: optionalText(500, { multiline: true }),
      meeting_url: optionalWebAddress,
      preparation: optionalText(MAX_PREPARATION, { multiline: true }),
      status,
    })
    .transform((row, ctx): ExamRow => {
      let problems = 0
      const problem = (column: (typeof EXAM_COLUMNS)[number], message: string) => {
        problems += 1
        ctx.addIssue({ code: 'custom', path: [column], message })
      }
      if (row.mode === 'tatap_muka' && !row.venue) problem('venue', 'wajib diisi untuk ujian tatap muka (nama tempat dan alamat)')
      if (row.mode === 'daring' && !row.meeting_url)
        problem('meeting_url', 'wajib diisi untuk ujian daring (tautan rapat, diawali https://)')
      if (problems) return z.NEVER
      return {
        code: row.exam_code,
        nikHash: row.nik,
        kind: row.kind,
        mode: row.mode,
        startsAt: row.starts_at,
        timeZone: row.time_zone,
        venue: row.venue,
        meetingUrl: row.meeting_url,
        preparation: row.preparation,
        status: row.status,
      }
    })
}

/** The fields a re-import may change; any of them changed means the person's reminders are planned again. */
const COMPARED = ['kind', 'status', 'mode', 'venue', 'meetingUrl', 'timeZone', 'preparation'] as const

/**
 * Imports an exams CSV: every row or none (see importCsv). In the same transaction, the reminders
 * of every person whose exam was added, moved, cancelled or otherwise changed are planned again.
 */
export function importExams(db: Db, input: string | Uint8Array, options: ExamImportOptions): ExamImportResult {
  const { now } = options
  const writes = examWrites(db)
  const changedPeople = new Set<number>()
  let unchanged = 0
  let reminders: PlanResult = { queued: 0, updated: 0, cancelled: 0 }

  const spec: CsvImport<ExamRow> = {
    entity: 'exams',
    columns: EXAM_COLUMNS,
    schema: examSchema(options.vault),
    key: { column: 'exam_code', normalise: (value) => value.toUpperCase() },
    write: (_db, row) => {
      const person = writes.personByNikHash(row.nikHash)
      if (!person) {
        return {
          column: 'nik',
          message:
            'belum tercatat: impor dulu status sertifikasi orang ini (npm run cli -- import status), lalu impor jadwal ujian ini lagi',
        }
      }
      const zone = row.timeZone ?? person.timeZone
      const fields: ExamFields = {
        code: row.code,
        personId: person.id,
        kind: row.kind,
        status: row.status,
        mode: row.mode,
        venue: row.venue,
        meetingUrl: row.meetingUrl,
        startsAt: atZone(row.startsAt, zone),
        timeZone: zone,
        preparation: row.preparation,
      }
      const stored = writes.byCode(row.code)
      if (!stored) {
        writes.insert(fields)
        changedPeople.add(person.id)
        return 'inserted'
      }
      if (stored.personId !== person.id) {
        return {
          column: 'nik',
          message: `berbeda dengan orang yang tercatat untuk exam_code ${row.code}; jadwal ujian tidak dapat dipindah ke orang lain (pakai kode baru)`,
        }
      }
      const moved = stored.startsAt.getTime() !== fields.startsAt.getTime()
      if (moved || COMPARED.some((field) => stored[field] !== fields[field])) {
        writes.update(stored.id, fields, now)
        changedPeople.add(person.id)
      } else {
        unchanged += 1
      }
      // importCsv counts every known code as updated; the exams that did not change are told apart below.
      return 'updated'
    },
    finish: (db) => {
      if (changedPeople.size > 0) reminders = planReminders(db, changedPeople, now, options.reminders)
    },
  }
  const result = importCsv(db, input, spec, {
    actor: options.actor,
    now,
    ...(options.onProgress && { onProgress: options.onProgress }),
  })
  if (!result.ok) return result
  return { ok: true, inserted: result.inserted, updated: result.updated - unchanged, unchanged, reminders }
}
