/**
 * The certificates file (`npm run cli -- import certificates FILE.csv`, `POST /api/v1/admin/certificates`):
 * one row per issued certificate, matched on its number (normalised as people type it), so a
 * corrected or newer export can be imported again. Every row or none is written, in one
 * transaction. A NIK in the file is kept only as its keyed hash (the same as the people table's),
 * which links the certificate to the person with that NIK. See README, "Data import: certificates".
 *
 * Built for a national register of a million rows: the file is read row by row (`scanCsv`), cells
 * are checked by plain functions (no zod or luxon per cell), the rows are written by one prepared
 * upsert in one transaction that starts only once every row has been checked, so a running server
 * waits for the write lock as short a time as possible.
 */
import type { Db } from '../../db/client.js'
import { type CertificateStatus, certificateImport } from '../../db/queries/certificates.js'
import { auditLog } from '../../db/schema.js'
import type { ImportError } from '../import/csv.js'
import { readNik, shown } from '../import/fields.js'
import { scanCsv } from '../import/read-csv.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { type Nik, nikMatchesBirthDate } from '../validators/nik.js'
import { normalizeNumber, todayInJakarta } from './verify.js'

export const CERTIFICATE_COLUMNS = [
  'certificate_number',
  'holder_name',
  'nik',
  'birth_date',
  'scheme',
  'level',
  'issued_at',
  'expires_at',
  'status',
  'status_reason',
] as const
type Column = (typeof CERTIFICATE_COLUMNS)[number]
const COLUMN = Object.fromEntries(CERTIFICATE_COLUMNS.map((column, i) => [column, i])) as Record<Column, number>

export const MAX_DISPLAY_NUMBER = 60
export const MAX_HOLDER_NAME = 100
export const MAX_SCHEME = 200
export const MAX_LEVEL = 200
export const MAX_STATUS_REASON = 500
/** The years a certificate's dates may fall in. */
export const FIRST_YEAR = 1990
export const LAST_YEAR = 2100

export type CertificateImportCounts = {
  /** Certificates new to the database. */
  inserted: number
  /** Certificates on record that the file changed. */
  updated: number
  /** Certificates on record exactly as in the file. */
  unchanged: number
  /** Rows whose NIK belongs to a person on record, so the certificate is linked to them. */
  linked: number
}

export type CertificateImportResult = ({ ok: true } & CertificateImportCounts) | { ok: false; errors: ImportError[] }

export type CertificateImportOptions = {
  /** Who imports ("cli", "admin-api"), for the audit log. */
  actor: string
  /**
   * The NIK vault of DATA_ENCRYPTION_KEY (the server's: the same NIK must give the same hash as in
   * the people table). Without it a row with a NIK is refused.
   */
  vault?: Pick<NikVault, 'hash'> | undefined
  /** "Now": the latest allowed `issued_at`, and when changes are recorded. */
  now: Date
  /** Rows checked (phase "check", by line), then rows written (phase "write"), e.g. for a progress bar. */
  onProgress?: (done: number, total: number, phase: 'check' | 'write') => void
}

// ── Cells ────────────────────────────────────────────────────────────────────────────────────────

type Cell<T> = { value: T } | { reason: string }

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A calendar day YYYY-MM-DD that exists, in `FIRST_YEAR`–`LAST_YEAR` unless told otherwise. */
function dayCell(value: string, minYear = FIRST_YEAR, maxYear = LAST_YEAR): Cell<string> {
  const match = DAY.exec(value)
  if (!match) return { reason: `harus tanggal YYYY-MM-DD, mis. 2025-09-01${value === '' ? '' : ` (tertulis ${shown(value)})`}` }
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  const length = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0
  if (day < 1 || day > length) return { reason: `tanggal itu tidak ada (tertulis ${shown(value)})` }
  if (year < minYear || year > maxYear) return { reason: `tahun harus ${minYear}–${maxYear} (tertulis ${shown(value)})` }
  return { value }
}

/** Why a typed certificate number cannot be one (see `normalizeNumber`). */
function numberCell(value: string): Cell<{ number: string; display: string }> {
  if (value === '') return { reason: 'wajib diisi (nomor seperti tertulis di sertifikat, mis. LSPS-2025-00042)' }
  const display = value.replace(/\s+/g, ' ')
  const number = normalizeNumber(display)
  if (number) {
    return [...display].length > MAX_DISPLAY_NUMBER
      ? { reason: `terlalu panjang: ${[...display].length} karakter, paling banyak ${MAX_DISPLAY_NUMBER}` }
      : { value: { number, display } }
  }
  const bare = display
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐-―−./_]/g, '')
  if (/[^A-Z0-9]/.test(bare)) {
    return { reason: `hanya huruf, angka, dan pemisah - / . _ atau spasi (tertulis ${shown(value)})` }
  }
  if (bare.length < 4 || bare.length > 40) {
    return { reason: `harus 4–40 huruf dan angka, tanpa menghitung pemisah (tertulis ${shown(value)}: ${bare.length})` }
  }
  return { reason: `harus berisi angka (tertulis ${shown(value)})` }
}

/** A NIK's structure, or null when left empty; the NIK itself is never repeated in a message. */
function nikCell(value: string): Cell<Nik | null> {
  if (value === '') return { value: null }
  return readNik(value)
}

/** Text on one line (spaces collapsed), at most `max` characters; '' is null unless required. */
function textCell(value: string, max: number, required: boolean): Cell<string | null> {
  if (value === '') return required ? { reason: 'wajib diisi' } : { value: null }
  const cleaned = value.replace(/\s+/g, ' ')
  const length = cleaned.length > max ? [...cleaned].length : max
  return length > max ? { reason: `terlalu panjang: ${length} karakter, paling banyak ${max}` } : { value: cleaned }
}

/** The file's words for a status: the three of the format, and the Indonesian ones staff also write. */
const STATUS_WORDS: Record<string, CertificateStatus> = {
  active: 'active',
  aktif: 'active',
  berlaku: 'active',
  valid: 'active',
  revoked: 'revoked',
  dicabut: 'revoked',
  cabut: 'revoked',
  suspended: 'suspended',
  dibekukan: 'suspended',
  beku: 'suspended',
  ditangguhkan: 'suspended',
}

function statusCell(value: string): Cell<CertificateStatus> {
  const status = STATUS_WORDS[value.toLowerCase()]
  if (status) return { value: status }
  return {
    reason: `${value === '' ? 'wajib diisi' : `tidak dikenal (tertulis ${shown(value)})`}; isi active, revoked (dicabut) atau suspended (dibekukan)`,
  }
}

/** Looks each distinct value up once: a large file repeats the same few dates, schemes and statuses. */
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

// ── Rows ─────────────────────────────────────────────────────────────────────────────────────────

/** Thrown inside the transaction to undo the rows already written when a later one is bad. */
class Rejected extends Error {
  override name = 'Rejected'
}

/**
 * Imports a certificates CSV: every row is inserted or updated, or, when any row is bad, nothing at
 * all and every bad row comes back with its line and reason. A failure while writing (a bug, a full
 * disk) rolls everything back and is thrown.
 */
export function importCertificates(
  db: Db,
  input: string | Uint8Array,
  options: CertificateImportOptions,
): CertificateImportResult {
  const { now } = options
  // Issued by today: the latest calendar day anywhere in Indonesia (WIT, UTC+9).
  const today = todayInJakarta(new Date(now.getTime() + 2 * 3_600_000))
  const { vault, onProgress } = options
  const errors: ImportError[] = []
  /** Normalised number → the line it was first given on. */
  const numberLines = new Map<string, number>()
  /** NIK → its hash and the first birth date given with it. */
  const niks = new Map<string, { hash: string; birthDate: string | null; line: number }>()
  const certificateDay = memo((value) => dayCell(value))
  const birthDay = memo((value) => dayCell(value, 1900, now.getUTCFullYear()))
  const scheme = memo((value) => textCell(value, MAX_SCHEME, true))
  const level = memo((value) => textCell(value, MAX_LEVEL, false))
  const status = memo(statusCell)
  const reason = memo((value) => textCell(value, MAX_STATUS_REASON, false))

  // The row being checked; one `get` for all rows (no closures per row in a million).
  let line = 0
  let bad = false
  const get = <T>(column: Column, cell: Cell<T>): T | undefined => {
    if ('value' in cell) return cell.value
    errors.push({ line, column, message: cell.reason })
    bad = true
    return undefined
  }

  const staging = certificateImport(db)
  try {
    // 1. Each row on its own as the file is read; the good ones are staged (no lock on the database).
    const scan = db.$client.transaction(() => {
      const read = scanCsv(
        input,
        CERTIFICATE_COLUMNS,
        (rowLine, values) => {
          line = rowLine
          bad = false
          const number = get('certificate_number', numberCell(values[COLUMN.certificate_number] ?? ''))
          if (number) {
            const first = numberLines.get(number.number)
            if (first === undefined) numberLines.set(number.number, line)
            else {
              const same = number.number === number.display ? '' : ` (${number.number})`
              get('certificate_number', {
                reason: `nomor ${shown(number.display)}${same} sudah ada di baris ${first}; setiap certificate_number hanya boleh sekali`,
              })
            }
          }
          const holderName = get('holder_name', textCell(values[COLUMN.holder_name] ?? '', MAX_HOLDER_NAME, true))
          const nikText = values[COLUMN.nik] ?? ''
          const nik = nikText === '' ? null : get('nik', nikCell(nikText))
          const birthText = values[COLUMN.birth_date] ?? ''
          let birthDate = birthText === '' ? null : get('birth_date', birthDay(birthText))
          if (nik && birthDate && !nikMatchesBirthDate(nik, birthDate)) {
            birthDate = get('birth_date', {
              reason: 'tidak cocok dengan NIK (angka ke-7 sampai ke-12 adalah tanggal lahir DDMMYY; perempuan: tanggal + 40)',
            })
          }
          if (nik && !vault)
            get('nik', { reason: 'tidak dapat diproses di sini (kunci NIK server tidak tersedia); impor lewat CLI' })
          const schemeName = get('scheme', scheme(values[COLUMN.scheme] ?? ''))
          const levelName = get('level', level(values[COLUMN.level] ?? ''))
          let issuedAt = get('issued_at', certificateDay(values[COLUMN.issued_at] ?? ''))
          if (issuedAt && issuedAt > today) {
            issuedAt = get('issued_at', {
              reason: `belum tiba (tertulis ${shown(issuedAt)}); isi tanggal sertifikat diterbitkan`,
            })
          }
          let expiresAt = get('expires_at', certificateDay(values[COLUMN.expires_at] ?? ''))
          if (expiresAt && issuedAt && expiresAt < issuedAt) {
            expiresAt = get('expires_at', { reason: `tidak boleh sebelum issued_at (tertulis ${shown(expiresAt)})` })
          }
          const state = get('status', status(values[COLUMN.status] ?? ''))
          let statusReason = get('status_reason', reason(values[COLUMN.status_reason] ?? ''))
          if (state && state !== 'active' && statusReason === null) {
            statusReason = get('status_reason', {
              reason: `wajib diisi untuk status ${state} (alasan yang ditampilkan kepada pemeriksa sertifikat)`,
            })
          } else if (state === 'active' && statusReason) {
            statusReason = get('status_reason', { reason: 'hanya untuk status revoked atau suspended; kosongkan untuk active' })
          }

          let nikHash: string | null = null
          if (nik && vault && birthDate !== undefined) {
            let known = niks.get(nik.nik)
            if (!known) {
              known = { hash: vault.hash(nik.nik), birthDate, line }
              niks.set(nik.nik, known)
            } else if (known.birthDate === null) {
              known.birthDate = birthDate
              known.line = line
            } else if (birthDate !== null && birthDate !== known.birthDate) {
              get('birth_date', {
                reason: `berbeda dengan baris ${known.line} untuk NIK yang sama (satu orang, satu tanggal lahir)`,
              })
            }
            nikHash = known.hash
          }
          // Once a row is bad nothing will be written: only checking from then on.
          if (bad || errors.length > 0) return
          if (!number || !holderName || !schemeName || !issuedAt || !expiresAt || !state) return
          staging.stage({
            line,
            number: number.number,
            displayNumber: number.display,
            holderName,
            nikHash,
            birthDate: birthDate ?? null,
            scheme: schemeName,
            level: levelName ?? null,
            issuedAt,
            expiresAt,
            status: state,
            statusReason: statusReason ?? null,
          })
        },
        onProgress && ((done, lines) => onProgress(done, lines, 'check')),
      )
      staging.flush()
      return read
    })()
    if (!scan.ok) return scan
    errors.push(...scan.errors)
    if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) }

    // 2. Against the people on record, and written, in one short write-locked transaction.
    const rows = scan.rows
    const counts: CertificateImportCounts = { inserted: 0, updated: 0, unchanged: 0, linked: 0 }
    try {
      db.transaction(
        () => {
          onProgress?.(0, rows, 'write')
          for (const conflict of staging.birthDateConflicts()) {
            errors.push({ line: conflict, column: 'birth_date', message: 'NIK sudah tercatat dengan tanggal lahir lain' })
          }
          if (errors.length > 0) throw new Rejected()
          const before = staging.count()
          counts.linked = staging.linked()
          const changed = staging.apply(now)
          counts.inserted = staging.count() - before
          counts.updated = changed - counts.inserted
          counts.unchanged = rows - changed
          db.insert(auditLog)
            .values({ at: now, actor: options.actor, action: 'import', entity: 'certificates', details: JSON.stringify(counts) })
            .run()
          onProgress?.(rows, rows, 'write')
        },
        { behavior: 'immediate' },
      )
    } catch (error) {
      if (!(error instanceof Rejected)) throw error
    }
    if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) }
    return { ok: true, ...counts }
  } finally {
    staging.close()
  }
}
