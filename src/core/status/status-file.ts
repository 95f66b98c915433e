/**
 * The certification status file as the secretariat writes it: its columns, how each cell is read,
 * and the people it describes (one row per stage a person reached, so a person's rows are their
 * history), checked row by row and person by person before anything is compared with what is stored
 * (`import.ts`). See docs/import-formats.md, "Certification status".
 *
 * Built for files of 100,000 rows and more: no zod or luxon per cell, each repeated value read once.
 */
import { CERTIFICATION_STAGES, type CertificationStage } from '../../db/schema.js'
import {
  type Cell,
  day,
  known,
  looksLikeDay,
  memo,
  nik as nikCell,
  optional,
  optionalPhone,
  optionalText,
  requiredText,
  shown,
} from '../import/cells.js'
import type { CsvRow } from '../import/csv.js'
import { findProvince, type Province } from '../regions.js'
import { findTargetGroup, TARGET_GROUPS } from '../sessions/target-groups.js'
import { nikMatchesBirthDate } from '../validators/nik.js'
import { STAGE_LABEL } from './stages.js'

export const STATUS_COLUMNS = [
  'nik',
  'full_name',
  'birth_date',
  'phone',
  'province',
  'regency',
  'profession_group',
  'institution',
  'stage',
  'stage_date',
  'due_date',
  'note',
] as const
export type Column = (typeof STATUS_COLUMNS)[number]

const MAX_NOTE = 500
const MAX_NAME = 100
const MAX_REGENCY = 100
const MAX_INSTITUTION = 200

const HOUR = 3_600_000

/** A birth date, never repeated in a reason (with the NIK it would identify the person). */
function birthDateCell(now: Date) {
  const calendar = day({ from: 1900, to: now.getUTCFullYear(), example: '1980-06-15' })
  return (value: string): Cell<string> => {
    if (value === '') return { reason: 'wajib diisi (YYYY-MM-DD, sama dengan tanggal di NIK)' }
    if (!looksLikeDay(value)) return { reason: 'harus tanggal YYYY-MM-DD, mis. 1980-06-15' }
    if ('reason' in calendar(value)) return { reason: 'tanggal itu tidak ada atau di luar tahun 1900–sekarang' }
    if (Date.parse(value) > now.getTime()) return { reason: 'tidak boleh di masa depan' }
    return { value }
  }
}

const stageKey = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()

/** Other ways the secretariat writes a stage. */
const STAGE_ALIASES: Record<string, CertificationStage> = {
  daftar: 'terdaftar',
  pendaftaran: 'terdaftar',
  seleksi: 'seleksi_administrasi',
  administrasi: 'seleksi_administrasi',
  'seleksi adm': 'seleksi_administrasi',
  'seleksi admin': 'seleksi_administrasi',
  'bimbingan teknis': 'bimtek',
  kognitif: 'ujian_kognitif',
  'uji kognitif': 'ujian_kognitif',
  'ujian tulis': 'ujian_kognitif',
  ujian: 'ujian_kognitif',
  portfolio: 'portofolio',
  interview: 'wawancara',
  k: 'kompeten',
  bk: 'belum_kompeten',
  'belum kompeten bk': 'belum_kompeten',
  sertifikat: 'sertifikat_terbit',
  'sertifikat diterbitkan': 'sertifikat_terbit',
  terbit: 'sertifikat_terbit',
  kadaluarsa: 'kedaluwarsa',
  kadaluwarsa: 'kedaluwarsa',
  kedaluarsa: 'kedaluwarsa',
  expired: 'kedaluwarsa',
}

const STAGES_BY_KEY = new Map<string, CertificationStage>(Object.entries(STAGE_ALIASES))
for (const stage of CERTIFICATION_STAGES) {
  for (const name of [stage, STAGE_LABEL[stage].id, STAGE_LABEL[stage].en]) STAGES_BY_KEY.set(stageKey(name), stage)
}

const STAGE_CHOICES = CERTIFICATION_STAGES.map((stage) => STAGE_LABEL[stage].id.toLowerCase()).join(', ')

// A large file repeats the same few stages, dates, provinces and groups: each read once.
const stageCell = memo(
  known(
    (value) => STAGES_BY_KEY.get(stageKey(value)),
    (value) =>
      value === ''
        ? `wajib diisi; salah satu dari: ${STAGE_CHOICES}`
        : `tidak dikenal (tertulis ${shown(value)}); isi salah satu dari: ${STAGE_CHOICES}`,
  ),
)

const stageDayCell = memo(day({ from: 2000, to: 2100, example: '2026-11-23' }))

const provinceCell = memo(
  optional(
    known(findProvince, (value) => `tidak dikenal (tertulis ${shown(value)}); isi kode Kemendagri (mis. 32) atau nama provinsi`),
  ),
)

const professionCell = memo(
  optional(
    known(
      findTargetGroup,
      (value) => `tidak dikenal (tertulis ${shown(value)}); isi salah satu dari: ${TARGET_GROUPS.join(', ')}`,
    ),
  ),
)

const nameCell = requiredText(MAX_NAME)
const regencyCell = optionalText(MAX_REGENCY)
const institutionCell = optionalText(MAX_INSTITUTION)
const noteCell = optionalText(MAX_NOTE, { multiline: true })

// ── Rows and people ──────────────────────────────────────────────────────────────────────────────

export type StageRow = {
  line: number
  stage: CertificationStage
  /** YYYY-MM-DD */
  stageDay: string
  dueDay: string | null
  note: string | null
}

/** What the file says about one person: the last value given for each field wins. */
export type Person = {
  nik: string
  birthDate: string
  birthLine: number
  /** Every line with this NIK. */
  lines: number[]
  fullName: string | null
  phoneE164: string | null
  province: Province | null
  regency: string | null
  professionGroup: string | null
  institution: string | null
  rows: StageRow[]
  /** "stage|stage_date" → the line it was first given on. */
  stageLines: Map<string, number>
}

/** Checks each row on its own, and the rows of one person together, gathering the people of the file. */
export function peopleChecker(now: Date, people: Map<string, Person>) {
  const birthDay = birthDateCell(now)
  const dueDayCell = optional(stageDayCell)
  // A stage is reached by today: 00:00 of its day in the earliest zone (WIT) must have passed.
  const latestStageDay = new Date(now.getTime() + 9 * HOUR).toISOString().slice(0, 10)

  return (row: CsvRow<Column>): void => {
    const nik = row.get('nik', nikCell)
    const fullName = row.get('full_name', nameCell)
    let birthDate = row.get('birth_date', birthDay)
    if (nik && birthDate !== undefined && !nikMatchesBirthDate(nik, birthDate)) {
      birthDate = row.reject(
        'birth_date',
        'tidak cocok dengan NIK (angka ke-7 sampai ke-12 adalah tanggal lahir DDMMYY; perempuan: tanggal + 40)',
      )
    }
    const phoneE164 = row.get('phone', optionalPhone)
    const province = row.get('province', provinceCell)
    const regency = row.get('regency', regencyCell)
    const professionGroup = row.get('profession_group', professionCell)
    const institution = row.get('institution', institutionCell)
    const stage = row.get('stage', stageCell)
    let stageDay = row.get('stage_date', stageDayCell)
    if (stageDay && stageDay > latestStageDay) {
      stageDay = row.reject('stage_date', `belum tiba (tertulis ${shown(stageDay)}); isi tanggal tahap itu dicapai`)
    }
    let dueDay = row.get('due_date', dueDayCell)
    if (dueDay && stageDay && dueDay < stageDay) {
      dueDay = row.reject('due_date', `tidak boleh sebelum stage_date (tertulis ${shown(dueDay)})`)
    }
    const note = row.get('note', noteCell)

    if (!nik || birthDate === undefined) return
    const { line } = row
    let person = people.get(nik.nik)
    if (!person) {
      person = {
        nik: nik.nik,
        birthDate,
        birthLine: line,
        lines: [],
        fullName: null,
        phoneE164: null,
        province: null,
        regency: null,
        professionGroup: null,
        institution: null,
        rows: [],
        stageLines: new Map(),
      }
      people.set(nik.nik, person)
    } else if (person.birthDate !== birthDate) {
      row.reject('birth_date', `berbeda dengan baris ${person.birthLine} untuk NIK yang sama (satu orang, satu tanggal lahir)`)
      return
    }
    person.lines.push(line)
    if (
      fullName === undefined ||
      phoneE164 === undefined ||
      province === undefined ||
      regency === undefined ||
      professionGroup === undefined ||
      institution === undefined ||
      stage === undefined ||
      stageDay === undefined ||
      dueDay === undefined ||
      note === undefined
    ) {
      return
    }
    const key = `${stage}|${stageDay}`
    const first = person.stageLines.get(key)
    if (first !== undefined) {
      row.reject('stage', `tahap dan stage_date yang sama untuk NIK ini sudah ada di baris ${first}`)
      return
    }
    person.stageLines.set(key, line)
    person.fullName = fullName
    person.phoneE164 = phoneE164 ?? person.phoneE164
    person.province = province ?? person.province
    person.regency = regency ?? person.regency
    person.professionGroup = professionGroup ?? person.professionGroup
    person.institution = institution ?? person.institution
    person.rows.push({ line, stage, stageDay, dueDay, note })
  }
}
