/**
 * The certification status file (`npm run cli -- import status FILE.csv`): one row per stage a
 * person reached, so a person's rows are their history. People are matched on their NIK (kept only
 * as a keyed hash and a ciphertext), stages on (person, stage, stage_date). Every row or none is
 * written, in one transaction; afterwards each linked person whose current stage changed gets one
 * message through the outbox. See README, "Data import: certification status".
 *
 * Built for files of 100,000 rows and more: no zod or luxon per cell, dates by plain arithmetic
 * (Indonesia has fixed offsets and no summer time), prepared statements, one HMAC per person.
 */
import { DateTime } from 'luxon'
import type { Db } from '../../db/client.js'
import { queueForPerson } from '../../db/queries/outbox.js'
import { currentStage, type PersonFields, type StoredStage, statusWrites } from '../../db/queries/status.js'
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
import { type CsvRow, type ImportProgress, type ImportResult, importCsv } from '../import/csv.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { findProvince, type Province } from '../regions.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { findTargetGroup, TARGET_GROUPS } from '../sessions/target-groups.js'
import { nikMatchesBirthDate } from '../validators/nik.js'
import { STAGE_LABEL, stageChangedMessage } from './stages.js'

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
type Column = (typeof STATUS_COLUMNS)[number]

export const MAX_NOTE = 500
const MAX_NAME = 100
const MAX_REGENCY = 100
const MAX_INSTITUTION = 200

/** The zone of a person without a province. */
const DEFAULT_ZONE = 'Asia/Jakarta'

export type StatusImportCounts = {
  peopleAdded: number
  peopleUpdated: number
  stagesAdded: number
  stagesUpdated: number
  /** Linked people whose current stage changed, each told once. */
  peopleNotified: number
  /** Outbox messages queued (one per chat of those people). */
  messagesQueued: number
}

export type StatusImportResult = ImportResult<StatusImportCounts>

export type StatusImportOptions = {
  /** Who imports ("cli"…), for the audit log. */
  actor: string
  /** The NIK vault of DATA_ENCRYPTION_KEY (the server's: the same NIK must give the same hash). */
  vault: Pick<NikVault, 'hash' | 'encrypt'>
  /** "Now": what a stage date may not be after, and when the messages are due. */
  now: Date
  /** The reminder settings the people whose portfolio deadline changed are planned again with. */
  reminders: ReminderSettings
  onProgress?: ImportProgress
}

// ── Cells ────────────────────────────────────────────────────────────────────────────────────────

/** Hours ahead of UTC: WIB +7, WITA +8, WIT +9, all year round. */
const OFFSET_HOURS: Readonly<Record<string, number>> = {
  'Asia/Jakarta': 7,
  'Asia/Pontianak': 7,
  'Asia/Makassar': 8,
  'Asia/Ujung_Pandang': 8,
  'Asia/Jayapura': 9,
}
const HOUR = 3_600_000

/** The instant of `day` (YYYY-MM-DD) at `hour`:`minute` wall-clock time in `zone`. */
function atLocal(day: string, hour: number, minute: number, zone: string): number {
  const year = Number(day.slice(0, 4))
  const month = Number(day.slice(5, 7))
  const date = Number(day.slice(8, 10))
  const offset = OFFSET_HOURS[zone]
  if (offset === undefined) {
    // Not an Indonesian zone (edited by hand in the database): let luxon work it out.
    return DateTime.fromObject({ year, month, day: date, hour, minute }, { zone }).toMillis()
  }
  return Date.UTC(year, month - 1, date, hour, minute) - offset * HOUR
}

/** The day (YYYY-MM-DD) an instant falls on in `zone`. */
function localDay(ms: number, zone: string): string {
  const offset = OFFSET_HOURS[zone]
  if (offset === undefined) return DateTime.fromMillis(ms, { zone }).toISODate() ?? ''
  return new Date(ms + offset * HOUR).toISOString().slice(0, 10)
}

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

type StageRow = {
  line: number
  stage: CertificationStage
  /** YYYY-MM-DD */
  stageDay: string
  dueDay: string | null
  note: string | null
}

/** What the file says about one person: the last value given for each field wins. */
type Person = {
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
function peopleChecker(now: Date, people: Map<string, Person>) {
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

/**
 * Imports a status CSV: every row is written, or, when any row is bad, nothing at all and every
 * bad row comes back with its line and reason (see importCsv).
 */
export function importStatus(db: Db, input: string | Uint8Array, options: StatusImportOptions): StatusImportResult {
  const { now } = options
  const people = new Map<string, Person>()
  return importCsv(
    db,
    input,
    {
      entity: 'certification_stages',
      columns: STATUS_COLUMNS,
      check: peopleChecker(now, people),
      // Against what is stored, and written if every row is good.
      write: ({ db, reject, rejected, progress }) => {
        const counts: StatusImportCounts = {
          peopleAdded: 0,
          peopleUpdated: 0,
          stagesAdded: 0,
          stagesUpdated: 0,
          peopleNotified: 0,
          messagesQueued: 0,
        }
        const writes = statusWrites(db)
        const linked = writes.linkedPeople()
        let done = 0
        for (const person of people.values()) {
          const nikHash = options.vault.hash(person.nik)
          const stored = writes.personByHash(nikHash)
          done += person.lines.length
          progress(done)
          if (stored?.birthDate && stored.birthDate !== person.birthDate) {
            for (const line of person.lines) reject(line, 'birth_date', 'NIK sudah tercatat dengan tanggal lahir lain')
            continue
          }
          if (rejected() || person.fullName === null) continue // only checking now
          const zone = person.province?.timeZone ?? stored?.timeZone ?? DEFAULT_ZONE
          const fields: PersonFields = {
            fullName: person.fullName,
            birthDate: stored?.birthDate ?? person.birthDate,
            nikCiphertext: stored?.nikCiphertext ?? options.vault.encrypt(person.nik),
            phoneE164: person.phoneE164 ?? stored?.phoneE164 ?? null,
            provinceCode: person.province?.code ?? stored?.provinceCode ?? null,
            regency: person.regency ?? stored?.regency ?? null,
            professionGroup: person.professionGroup ?? stored?.professionGroup ?? null,
            institution: person.institution ?? stored?.institution ?? null,
            timeZone: zone,
          }
          let personId: number
          let history: StoredStage[]
          /** Whether anything a reminder depends on changed (the zone, a stage, a deadline). */
          let changed = false
          if (stored) {
            personId = stored.id
            history = writes.stagesOf(personId)
            if ((Object.keys(fields) as (keyof PersonFields)[]).some((field) => fields[field] !== stored[field])) {
              writes.updatePerson(personId, fields, now)
              counts.peopleUpdated++
              changed ||= fields.timeZone !== stored.timeZone
            }
          } else {
            personId = writes.insertPerson(fields, nikHash, now)
            history = []
            counts.peopleAdded++
          }
          const before = currentStage(history)?.stage

          // A stage on record is the same as a row when it is the same stage on the same day (in
          // the zone it was stored in): a changed province moves it to the new zone's midnight.
          const storedZone = stored?.timeZone ?? zone
          const onRecord = new Map<string, StoredStage>()
          for (const stage of history) {
            const key = `${stage.stage}|${localDay(stage.reachedAt, storedZone)}`
            if (!onRecord.has(key)) onRecord.set(key, stage)
          }
          for (const row of person.rows) {
            const reachedAt = atLocal(row.stageDay, 0, 0, zone)
            const dueAt = row.dueDay ? atLocal(row.dueDay, 23, 59, zone) : null
            const found = onRecord.get(`${row.stage}|${row.stageDay}`)
            if (found) {
              if (found.reachedAt !== reachedAt || found.dueAt !== dueAt || found.note !== row.note) {
                changed ||= found.reachedAt !== reachedAt || found.dueAt !== dueAt
                Object.assign(found, { reachedAt, dueAt, note: row.note })
                writes.updateStage(found)
              }
              counts.stagesUpdated++
            } else {
              const stage = { stage: row.stage, reachedAt, dueAt, note: row.note }
              history.push({ id: writes.insertStage(personId, stage, now), ...stage })
              counts.stagesAdded++
              changed = true
            }
          }

          const after = currentStage(history)
          if (after && after.stage !== before && linked.has(personId)) {
            const reachedAt = new Date(after.reachedAt)
            const queued = queueForPerson(db, {
              personId,
              kind: 'status_changed',
              key: `status:${personId}:${after.stage}:${after.reachedAt}`,
              build: (language) => stageChangedMessage(after.stage, reachedAt, language, zone),
              dueAt: now,
            })
            if (queued > 0) counts.peopleNotified++
            counts.messagesQueued += queued
          }
          // A portfolio deadline set, moved or passed (the person moved on): reminders follow.
          if (changed && linked.has(personId)) planReminders(db, [personId], now, options.reminders)
        }
        return counts
      },
    },
    { actor: options.actor, now, onProgress: options.onProgress },
  )
}
