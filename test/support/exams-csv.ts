/** Exam schedule files for the import, admin API and CLI tests, and the people they are for. */
import { stringify } from 'csv-stringify/sync'
import { EXAM_COLUMNS } from '../../src/core/exams/import.js'
import { STATUS, type StatusRow, statusFile } from './status-csv.js'

export type ExamRow = Partial<Record<(typeof EXAM_COLUMNS)[number], string>>

/** An online ujian kognitif for Budi (STATUS, Jawa Barat: WIB), in his own zone. */
export const EXAM: Required<ExamRow> = {
  exam_code: 'UJK-BDG-2027-0001',
  nik: STATUS.nik,
  kind: 'ujian_kognitif',
  mode: 'daring',
  starts_at: '2027-03-10 09:00',
  time_zone: '',
  venue: '',
  meeting_url: 'https://zoom.us/j/81234567890',
  preparation: 'KTP asli, kartu peserta, alat tulis',
  status: '',
}

/** A woman born 1985-08-07 in Kota Makassar (WITA). */
export const ANDI = { nik: '7371014708850003', full_name: 'Andi Nurhaliza', birth_date: '1985-08-07', province: '73' } as const
/** A man born 1990-01-01 in Kota Jayapura (WIT). */
export const YOHANES = { nik: '9171010101900001', full_name: 'Yohanes Wenda', birth_date: '1990-01-01', province: '91' } as const

/** Budi, Andi and Yohanes as a status file (the people an exams file may name). */
export const PEOPLE_FILE = statusFile(
  {},
  { ...ANDI, phone: '', regency: 'Kota Makassar' } satisfies StatusRow,
  { ...YOHANES, phone: '', regency: 'Kota Jayapura' } satisfies StatusRow,
)

/** An exams file: the header, then each row as EXAM with the given overrides. */
export function examsFile(...rows: ExamRow[]): string {
  return stringify(
    rows.map((row) => EXAM_COLUMNS.map((column) => row[column] ?? EXAM[column])),
    { header: true, columns: [...EXAM_COLUMNS] },
  )
}
