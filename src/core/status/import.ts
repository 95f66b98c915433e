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
import { auditLog, CERTIFICATION_STAGES, type CertificationStage } from '../../db/schema.js'
import type { ImportError } from '../import/csv.js'
import { readNik, shown } from '../import/fields.js'
import { readCsv } from '../import/read-csv.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { findProvince, type Province } from '../regions.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { findTargetGroup, TARGET_GROUPS } from '../sessions/target-groups.js'
import { type Nik, nikMatchesBirthDate } from '../validators/nik.js'
import { type PhoneErrorCode, parseMobilePhone } from '../validators/phone.js'
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

export type StatusImportResult = ({ ok: true } & StatusImportCounts) | { ok: false; errors: ImportError[] }

export type StatusImportOptions = {
  /** Who imports ("cli"…), for the audit log. */
  actor: string
  /** The NIK vault of DATA_ENCRYPTION_KEY (the server's: the same NIK must give the same hash). */
  vault: Pick<NikVault, 'hash' | 'encrypt'>
  /** "Now": what a stage date may not be after, and when the messages are due. */
  now: Date
  /** The reminder settings a changed portfolio deadline's reminders are planned with. */
  reminders: ReminderSettings
  /** Rows checked (phase "check"), then rows written (phase "write"), e.g. for a progress bar. */
  onProgress?: (done: number, total: number, phase: 'check' | 'write') => void
}

// ── Cells ────────────────────────────────────────────────────────────────────────────────────────

type Cell<T> = { value: T } | { reason: string }

/** A calendar day as written in the file. */
type Day = { text: string; year: number; month: number; day: number }

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

function parseDay(value: string, minYear: number, maxYear: number): Cell<Day> {
  const match = DAY.exec(value)
  if (!match) {
    return { reason: `harus tanggal YYYY-MM-DD, mis. 2026-11-23${value === '' ? '' : ` (tertulis ${shown(value)})`}` }
  }
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  const length = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0
  if (day < 1 || day > length) return { reason: `tanggal itu tidak ada (tertulis ${shown(value)})` }
  if (year < minYear || year > maxYear) return { reason: `tahun harus ${minYear}–${maxYear} (tertulis ${shown(value)})` }
  return { value: { text: value, year, month, day } }
}

/** Hours ahead of UTC: WIB +7, WITA +8, WIT +9, all year round. */
const OFFSET_HOURS: Readonly<Record<string, number>> = {
  'Asia/Jakarta': 7,
  'Asia/Pontianak': 7,
  'Asia/Makassar': 8,
  'Asia/Ujung_Pandang': 8,
  'Asia/Jayapura': 9,
}
const HOUR = 3_600_000

/** The instant of `day` at `hour`:`minute` wall-clock time in `zone`. */
function atLocal(day: Day, hour: number, minute: number, zone: string): number {
  const offset = OFFSET_HOURS[zone]
  if (offset === undefined) {
    // Not an Indonesian zone (edited by hand in the database): let luxon work it out.
    return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone }).toMillis()
  }
  return Date.UTC(day.year, day.month - 1, day.day, hour, minute) - offset * HOUR
}

/** The day (YYYY-MM-DD) an instant falls on in `zone`. */
function localDay(ms: number, zone: string): string {
  const offset = OFFSET_HOURS[zone]
  if (offset === undefined) return DateTime.fromMillis(ms, { zone }).toISODate() ?? ''
  return new Date(ms + offset * HOUR).toISOString().slice(0, 10)
}

/** A NIK's structure; the NIK itself is never repeated in a message. */
function nikCell(value: string): Cell<Nik> {
  if (value === '') return { reason: 'wajib diisi (16 angka NIK)' }
  return readNik(value)
}

function birthDateCell(value: string, now: Date): Cell<string> {
  if (value === '') return { reason: 'wajib diisi (YYYY-MM-DD, sama dengan tanggal di NIK)' }
  if (!DAY.test(value)) return { reason: 'harus tanggal YYYY-MM-DD, mis. 1980-06-15' }
  const day = parseDay(value, 1900, now.getUTCFullYear())
  if ('reason' in day) return { reason: 'tanggal itu tidak ada atau di luar tahun 1900–sekarang' }
  if (Date.UTC(day.value.year, day.value.month - 1, day.value.day) > now.getTime()) return { reason: 'tidak boleh di masa depan' }
  return { value }
}

const PHONE_REASONS: Record<PhoneErrorCode, string> = {
  PHONE_CHARS: 'hanya angka (boleh spasi, tanda hubung, +62), mis. 0812-3456-7890',
  PHONE_LENGTH: 'nomor HP harus 10–13 angka, mis. 0812-3456-7890',
  PHONE_NOT_ID: 'bukan nomor Indonesia (+62)',
  PHONE_FORMAT: 'bukan nomor HP yang dikenali; tulis mis. 0812-3456-7890',
  PHONE_NOT_MOBILE: 'harus nomor HP (08…), bukan telepon rumah atau kantor',
}

function phoneCell(value: string): Cell<string | null> {
  if (value === '') return { value: null }
  const parsed = parseMobilePhone(value)
  return parsed.ok ? { value: parsed.value } : { reason: PHONE_REASONS[parsed.error.code] }
}

/** Text on one line (spaces collapsed), at most `max` characters; '' is null unless required. */
function textCell(value: string, max: number, required = false): Cell<string | null> {
  if (value === '') return required ? { reason: 'wajib diisi' } : { value: null }
  const cleaned = value.replace(/\s+/g, ' ')
  const length = [...cleaned].length
  return length > max ? { reason: `terlalu panjang: ${length} karakter, paling banyak ${max}` } : { value: cleaned }
}

/** A note keeps its line breaks (at most one empty line in a row). */
function noteCell(value: string): Cell<string | null> {
  if (value === '') return { value: null }
  const cleaned = value.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n')
  const length = [...cleaned].length
  return length > MAX_NOTE ? { reason: `terlalu panjang: ${length} karakter, paling banyak ${MAX_NOTE}` } : { value: cleaned }
}

/** Looks each distinct value up once: a large file repeats the same few stages and provinces. */
function memo<T>(parse: (value: string) => Cell<T>): (value: string) => Cell<T> {
  const seen = new Map<string, Cell<T>>()
  return (value) => {
    let cell = seen.get(value)
    if (!cell) {
      cell = parse(value)
      if (seen.size < 10_000) seen.set(value, cell)
    }
    return cell
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

const stageCell = memo<CertificationStage>((value) => {
  if (value === '') return { reason: `wajib diisi; salah satu dari: ${STAGE_CHOICES}` }
  const stage = STAGES_BY_KEY.get(stageKey(value))
  return stage ? { value: stage } : { reason: `tidak dikenal (tertulis ${shown(value)}); isi salah satu dari: ${STAGE_CHOICES}` }
})

const provinceCell = memo<Province | null>((value) => {
  if (value === '') return { value: null }
  const province = findProvince(value)
  return province
    ? { value: province }
    : { reason: `tidak dikenal (tertulis ${shown(value)}); isi kode Kemendagri (mis. 32) atau nama provinsi` }
})

const professionCell = memo<string | null>((value) => {
  if (value === '') return { value: null }
  const group = findTargetGroup(value)
  return group
    ? { value: group }
    : { reason: `tidak dikenal (tertulis ${shown(value)}); isi salah satu dari: ${TARGET_GROUPS.join(', ')}` }
})

// ── Rows and people ──────────────────────────────────────────────────────────────────────────────

type StageRow = {
  line: number
  stage: CertificationStage
  stageDay: Day
  dueDay: Day | null
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

/** Thrown inside the transaction to undo the rows already written when a later one is bad. */
class Rejected extends Error {
  override name = 'Rejected'
}

/**
 * Imports a status CSV: every row is written, or, when any row is bad, nothing at all and every
 * bad row comes back with its line and reason. A failure while writing (a bug, a full disk) rolls
 * everything back and is thrown.
 */
export function importStatus(db: Db, input: string | Uint8Array, options: StatusImportOptions): StatusImportResult {
  const read = readCsv(input, STATUS_COLUMNS)
  if (!read.ok) return read
  const { now } = options
  const { records } = read
  const errors: ImportError[] = [...read.errors]
  const total = records.length
  const progress = throttled(total, options.onProgress)
  // A stage is reached by today: 00:00 of its day in the earliest zone (WIT) must have passed.
  const latestStageDay = new Date(now.getTime() + 9 * HOUR).toISOString().slice(0, 10)

  // 1. Each row on its own, and the rows of one person together.
  const people = new Map<string, Person>()
  records.forEach(({ line, values }, index) => {
    const get = <T>(column: Column, cell: Cell<T>): T | undefined => {
      if ('value' in cell) return cell.value
      errors.push({ line, column, message: cell.reason })
      return undefined
    }
    const v = (column: Column) => values[column] ?? ''
    const nik = get('nik', nikCell(v('nik')))
    const fullName = get('full_name', textCell(v('full_name'), MAX_NAME, true))
    let birthDate = get('birth_date', birthDateCell(v('birth_date'), now))
    if (nik && birthDate !== undefined && !nikMatchesBirthDate(nik, birthDate)) {
      birthDate = get('birth_date', {
        reason: 'tidak cocok dengan NIK (angka ke-7 sampai ke-12 adalah tanggal lahir DDMMYY; perempuan: tanggal + 40)',
      })
    }
    const phoneE164 = get('phone', phoneCell(v('phone')))
    const province = get('province', provinceCell(v('province')))
    const regency = get('regency', textCell(v('regency'), MAX_REGENCY))
    const professionGroup = get('profession_group', professionCell(v('profession_group')))
    const institution = get('institution', textCell(v('institution'), MAX_INSTITUTION))
    const stage = get('stage', stageCell(v('stage')))
    let stageDay = get('stage_date', parseDay(v('stage_date'), 2000, 2100))
    if (stageDay && stageDay.text > latestStageDay) {
      stageDay = get('stage_date', { reason: `belum tiba (tertulis ${shown(stageDay.text)}); isi tanggal tahap itu dicapai` })
    }
    let dueDay = v('due_date') === '' ? null : get('due_date', parseDay(v('due_date'), 2000, 2100))
    if (dueDay && stageDay && dueDay.text < stageDay.text) {
      dueDay = get('due_date', { reason: `tidak boleh sebelum stage_date (tertulis ${shown(dueDay.text)})` })
    }
    const note = get('note', noteCell(v('note')))
    options.onProgress && progress(index + 1, 'check')

    if (!nik || birthDate === undefined) return
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
      errors.push({
        line,
        column: 'birth_date',
        message: `berbeda dengan baris ${person.birthLine} untuk NIK yang sama (satu orang, satu tanggal lahir)`,
      })
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
    const key = `${stage}|${stageDay.text}`
    const first = person.stageLines.get(key)
    if (first !== undefined) {
      errors.push({ line, column: 'stage', message: `tahap dan stage_date yang sama untuk NIK ini sudah ada di baris ${first}` })
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
  })

  // 2. Against what is stored, and written if every row is good, in one write-locked transaction.
  const counts: StatusImportCounts = {
    peopleAdded: 0,
    peopleUpdated: 0,
    stagesAdded: 0,
    stagesUpdated: 0,
    peopleNotified: 0,
    messagesQueued: 0,
  }
  try {
    db.transaction(
      () => {
        const writes = statusWrites(db)
        const linked = writes.linkedPeople()
        let done = 0
        for (const person of people.values()) {
          const nikHash = options.vault.hash(person.nik)
          const stored = writes.personByHash(nikHash)
          done += person.lines.length
          options.onProgress && progress(done, 'write')
          if (stored?.birthDate && stored.birthDate !== person.birthDate) {
            for (const line of person.lines) {
              errors.push({ line, column: 'birth_date', message: 'NIK sudah tercatat dengan tanggal lahir lain' })
            }
            continue
          }
          if (errors.length > 0 || person.fullName === null) continue // only checking now

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
            const found = onRecord.get(`${row.stage}|${row.stageDay.text}`)
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
        if (errors.length > 0) throw new Rejected()
        db.insert(auditLog)
          .values({
            at: now,
            actor: options.actor,
            action: 'import',
            entity: 'certification_stages',
            details: JSON.stringify(counts),
          })
          .run()
      },
      { behavior: 'immediate' },
    )
  } catch (error) {
    if (!(error instanceof Rejected)) throw error
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) }
  return { ok: true, ...counts }
}

/** Calls `report` about 200 times over `total` rows (and always at the end), not once per row. */
function throttled(total: number, report: StatusImportOptions['onProgress']) {
  const step = Math.max(1, Math.floor(total / 200))
  let last = { phase: '', done: -1 }
  return (done: number, phase: 'check' | 'write') => {
    if (!report) return
    if (phase !== last.phase || done === total || done - last.done >= step) {
      last = { phase, done }
      report(done, total, phase)
    }
  }
}
