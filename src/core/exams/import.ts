/**
 * The exam schedule file (`npm run cli -- import exams FILE.csv`, POST /api/v1/admin/exams): one
 * row per exam (ujian kognitif or wawancara) of a person already on record, matched on
 * `exam_code`: a new code adds an exam, a known one updates it (a new time moves it, status
 * `cancelled` cancels it). People are found by the keyed hash of their NIK, which no message
 * repeats. Once every row is written, the reminders of each person whose exam was added or changed
 * are planned again in the same transaction. See docs/import-formats.md, "Exams".
 */
import type { Db } from '../../db/client.js'
import { type ExamFields, examWrites } from '../../db/queries/exams.js'
import {
  atZone,
  code,
  type LocalDateTime,
  localDateTime,
  nik,
  oneOf,
  optionalText,
  optionalWebAddress,
  shown,
  words,
} from '../import/cells.js'
import {
  type CsvRow,
  type ImportProgress,
  type ImportRegion,
  type ImportResult,
  importCsv,
  outsideRegion,
  uniqueColumn,
} from '../import/csv.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { type PlanResult, planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { mode, requirePlace } from '../sessions/import.js'

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

export type ExamImportResult = ImportResult<ExamImportCounts>

export type ExamImportOptions = {
  /** Who imports ("cli", "admin-api"), for the audit log. */
  actor: string
  /** The NIK vault of DATA_ENCRYPTION_KEY (the server's: the same NIK must give the same hash as in the people table). */
  vault: Pick<NikVault, 'hash'>
  /** "Now" for the reminder plan and the time of the changes. */
  now: Date
  /** The reminder settings the people of changed exams are planned again with. */
  reminders: ReminderSettings
  onProgress?: ImportProgress
  /** Check and compute, then roll back: what the import would do, nothing kept (see ImportOptions). */
  dryRun?: boolean
  /** A regional staff member's import: rows of other regions refused (see ImportRegion). */
  region?: ImportRegion | undefined
  /** More for the audit entry (see ImportOptions). */
  auditDetails?: Record<string, string>
}

// ── Cells ────────────────────────────────────────────────────────────────────────────────────────

type Kind = ExamFields['kind']
type Status = ExamFields['status']

/** A NIK's structure, turned into its keyed hash at once; the NIK itself is never repeated in a message. */
function nikHash(vault: Pick<NikVault, 'hash'>) {
  const hashes = new Map<string, string>()
  return (value: string) => {
    const parsed = nik(value)
    if ('reason' in parsed) return parsed
    let hash = hashes.get(parsed.value.nik)
    if (hash === undefined) {
      hash = vault.hash(parsed.value.nik)
      hashes.set(parsed.value.nik, hash)
    }
    return { value: hash }
  }
}

const kind = oneOf<Kind>(
  {
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
  },
  (value) =>
    `${value === '' ? 'wajib diisi' : `tidak dikenal (tertulis ${shown(value)})`}; isi ujian_kognitif (atau ujian kognitif, kognitif) atau wawancara (atau interview)`,
  words,
)

/**
 * Indonesia's zones, by the names staff write, or null (left empty): the person's own zone. Only
 * these: every time told to a person says WIB, WITA or WIT, which another country's zone does not have.
 */
const timeZone = oneOf<string | null>(
  {
    '': null,
    wib: 'Asia/Jakarta',
    wita: 'Asia/Makassar',
    wit: 'Asia/Jayapura',
    'asia/jakarta': 'Asia/Jakarta',
    'asia/pontianak': 'Asia/Pontianak',
    'asia/makassar': 'Asia/Makassar',
    'asia/ujung_pandang': 'Asia/Makassar',
    'asia/jayapura': 'Asia/Jayapura',
  },
  (value) =>
    `tidak dikenal (tertulis ${shown(value)}); isi WIB, WITA, WIT (atau Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura), atau kosongkan untuk zona waktu orangnya`,
)

const status = oneOf<Status>(
  {
    '': 'scheduled',
    scheduled: 'scheduled',
    terjadwal: 'scheduled',
    cancelled: 'cancelled',
    canceled: 'cancelled',
    batal: 'cancelled',
    dibatalkan: 'cancelled',
  },
  (value) =>
    `tidak dikenal (tertulis ${shown(value)}); kosongkan atau isi scheduled (terjadwal), atau cancelled (batal) untuk membatalkan`,
  words,
)

// ── Rows ─────────────────────────────────────────────────────────────────────────────────────────

type Column = (typeof EXAM_COLUMNS)[number]

/** A checked row: the person only by their NIK hash, the time still without its zone. */
type ExamRow = {
  line: number
  code: string
  nikHash: string
  kind: Kind
  mode: ExamFields['mode']
  startsAt: LocalDateTime
  /** Null: the person's zone. */
  timeZone: string | null
  venue: string | null
  meetingUrl: string | null
  preparation: string | null
  status: Status
}

/** Checks a row's cells, then how they fit together: the exam, or undefined after the reasons. */
function examChecker(vault: Pick<NikVault, 'hash'>) {
  const parsers = {
    exam_code: code('kode jadwal ujian dari sekretariat, mis. UJK-MKS-2027-0001'),
    nik: nikHash(vault),
    kind,
    mode,
    starts_at: localDateTime,
    time_zone: timeZone,
    venue: optionalText(500, { multiline: true }),
    meeting_url: optionalWebAddress,
    preparation: optionalText(MAX_PREPARATION, { multiline: true }),
    status,
  }
  return (row: CsvRow<Column>): ExamRow | undefined => {
    const cells = row.cells(parsers)
    if (!cells) return undefined
    requirePlace(row, cells, 'ujian')
    if (row.bad) return undefined
    return {
      line: row.line,
      code: cells.exam_code,
      nikHash: cells.nik,
      kind: cells.kind,
      mode: cells.mode,
      startsAt: cells.starts_at,
      timeZone: cells.time_zone,
      venue: cells.venue,
      meetingUrl: cells.meeting_url,
      preparation: cells.preparation,
      status: cells.status,
    }
  }
}

/** The fields a re-import may change; any of them changed means the person's reminders are planned again. */
const COMPARED = ['kind', 'status', 'mode', 'venue', 'meetingUrl', 'timeZone', 'preparation'] as const

/**
 * Imports an exams CSV, matched on `exam_code`: every row or none (see importCsv). In the same
 * transaction, the reminders of every person whose exam was added, moved, cancelled or otherwise
 * changed are planned again.
 */
export async function importExams(db: Db, input: string | Uint8Array, options: ExamImportOptions): Promise<ExamImportResult> {
  const { now } = options
  const check = examChecker(options.vault)
  const unique = uniqueColumn<Column>('exam_code', (value) => value.toUpperCase())
  const rows: ExamRow[] = []

  return await importCsv(
    db,
    input,
    {
      entity: 'exams',
      columns: EXAM_COLUMNS,
      check: (row) => {
        unique(row)
        const exam = check(row)
        if (exam) rows.push(exam)
      },
      write: async ({ db, reject, rejected, progress }) => {
        const writes = examWrites(db)
        const changedPeople = new Set<number>()
        const counts = { inserted: 0, updated: 0, unchanged: 0 }
        const write = async (row: ExamRow) => {
          const person = await writes.personByNikHash(row.nikHash)
          if (!person) {
            return reject(
              row.line,
              'nik',
              'belum tercatat: impor dulu status sertifikasi orang ini (npm run cli -- import status), lalu impor jadwal ujian ini lagi',
            )
          }
          const { region } = options
          if (region && !region.provinces.includes(person.provinceCode ?? '')) {
            return reject(row.line, 'nik', outsideRegion(region, 'orang ini tercatat'))
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
          const stored = await writes.byCode(row.code)
          if (!stored) {
            await writes.insert(fields)
            changedPeople.add(person.id)
            counts.inserted += 1
          } else if (stored.personId !== person.id) {
            reject(
              row.line,
              'nik',
              `berbeda dengan orang yang tercatat untuk exam_code ${row.code}; jadwal ujian tidak dapat dipindah ke orang lain (pakai kode baru)`,
            )
          } else if (
            stored.startsAt.getTime() !== fields.startsAt.getTime() ||
            COMPARED.some((field) => stored[field] !== fields[field])
          ) {
            await writes.update(stored.id, fields, now)
            changedPeople.add(person.id)
            counts.updated += 1
          } else {
            counts.unchanged += 1
          }
        }
        for (const [index, row] of rows.entries()) {
          await write(row)
          progress(index + 1)
        }
        let reminders: PlanResult = { queued: 0, updated: 0, cancelled: 0 }
        // Nothing will be kept once a row is refused: no reminders to plan then.
        if (rejected()) return { ...counts, reminders }
        if (changedPeople.size > 0) reminders = await planReminders(db, changedPeople, now, options.reminders)
        return { ...counts, reminders }
      },
      // As the audit log has always counted them (every exam on record in the file as updated,
      // changed or not), so its rows stay comparable over time.
      audit: ({ inserted, updated, unchanged }) => ({ inserted, updated: updated + unchanged }),
    },
    { actor: options.actor, now, onProgress: options.onProgress, dryRun: options.dryRun, auditDetails: options.auditDetails },
  )
}
