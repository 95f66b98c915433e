/**
 * The certificates file (`npm run cli -- import certificates FILE.csv`, `POST /api/v1/admin/certificates`):
 * one row per issued certificate, matched on its number (normalised as people type it), so a
 * corrected or newer export can be imported again. Every row or none is written, in one
 * transaction. A NIK in the file is kept only as its keyed hash (the same as the people table's),
 * which links the certificate to the person with that NIK. See docs/import-formats.md, "Certificates".
 *
 * Built for a national register of a million rows: each row is checked as the file is read and the
 * good ones staged in a temporary table; they are written by one prepared upsert in the write phase
 * (see importCsv), which starts only once every row has been checked, so a running server waits for
 * the write lock as short a time as possible.
 */
import type { Db } from '../../db/client.js'
import { type CertificateStaging, type CertificateStatus, certificateImport } from '../../db/queries/certificates.js'
import { type Cell, day, memo, nik as nikCell, oneOf, optionalText, requiredText, shown } from '../import/cells.js'
import { type CsvRow, type ImportProgress, type ImportResult, importCsv } from '../import/csv.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { nikMatchesBirthDate } from '../validators/nik.js'
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

export type CertificateImportResult = ImportResult<CertificateImportCounts>

export type CertificateImportOptions = {
  /** Who imports ("cli", "admin-api"), for the audit log. */
  actor: string
  /**
   * The NIK vault of DATA_ENCRYPTION_KEY (the server's: the same NIK must give the same hash as in
   * the people table). Without it a row with a NIK is refused.
   */
  vault?: Pick<NikVault, 'hash'> | undefined
  /** When the import runs: "issued by today" and the audit log. */
  now: Date
  onProgress?: ImportProgress
  /** Check and compute, then roll back: what the import would do, nothing kept (see ImportOptions). */
  dryRun?: boolean
  /** More for the audit entry (see ImportOptions). */
  auditDetails?: Record<string, string>
}

// ── Cells ────────────────────────────────────────────────────────────────────────────────────────

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

// A large file repeats the same few dates, schemes and statuses: each read once.
const certificateDay = memo(day({ from: FIRST_YEAR, to: LAST_YEAR, example: '2025-09-01' }))
const holderNameCell = requiredText(MAX_HOLDER_NAME)
const schemeCell = memo(requiredText(MAX_SCHEME))
const levelCell = memo(optionalText(MAX_LEVEL))
const reasonCell = memo(optionalText(MAX_STATUS_REASON))

/** The file's words for a status: the three of the format, and the Indonesian ones staff also write. */
const statusCell = memo(
  oneOf<CertificateStatus>(
    {
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
    },
    (value) =>
      `${value === '' ? 'wajib diisi' : `tidak dikenal (tertulis ${shown(value)})`}; isi active, revoked (dicabut) atau suspended (dibekukan)`,
  ),
)

// ── Rows ─────────────────────────────────────────────────────────────────────────────────────────

/** Checks each row as the file is read, and stages the good ones (no lock on the database). */
function certificateChecker(now: Date, vault: CertificateImportOptions['vault'], staging: CertificateStaging) {
  // Issued by today: the latest calendar day anywhere in Indonesia (WIT, UTC+9).
  const today = todayInJakarta(new Date(now.getTime() + 2 * 3_600_000))
  const birthDay = memo(day({ from: 1900, to: now.getUTCFullYear(), example: '2025-09-01' }))
  /** Normalised number → the line it was first given on. */
  const numberLines = new Map<string, number>()
  /** NIK → its hash and the first birth date given with it. */
  const niks = new Map<string, { hash: string; birthDate: string | null; line: number }>()

  return (row: CsvRow<Column>): void => {
    const { line } = row
    const number = row.get('certificate_number', numberCell)
    if (number) {
      const first = numberLines.get(number.number)
      if (first === undefined) numberLines.set(number.number, line)
      else {
        const same = number.number === number.display ? '' : ` (${number.number})`
        row.reject(
          'certificate_number',
          `nomor ${shown(number.display)}${same} sudah ada di baris ${first}; setiap certificate_number hanya boleh sekali`,
        )
      }
    }
    const holderName = row.get('holder_name', holderNameCell)
    const nik = row.text('nik') === '' ? null : row.get('nik', nikCell)
    let birthDate = row.text('birth_date') === '' ? null : row.get('birth_date', birthDay)
    if (nik && birthDate && !nikMatchesBirthDate(nik, birthDate)) {
      birthDate = row.reject(
        'birth_date',
        'tidak cocok dengan NIK (angka ke-7 sampai ke-12 adalah tanggal lahir DDMMYY; perempuan: tanggal + 40)',
      )
    }
    if (nik && !vault) row.reject('nik', 'tidak dapat diproses di sini (kunci NIK server tidak tersedia); impor lewat CLI')
    const scheme = row.get('scheme', schemeCell)
    const level = row.get('level', levelCell)
    let issuedAt = row.get('issued_at', certificateDay)
    if (issuedAt && issuedAt > today) {
      issuedAt = row.reject('issued_at', `belum tiba (tertulis ${shown(issuedAt)}); isi tanggal sertifikat diterbitkan`)
    }
    let expiresAt = row.get('expires_at', certificateDay)
    if (expiresAt && issuedAt && expiresAt < issuedAt) {
      expiresAt = row.reject('expires_at', `tidak boleh sebelum issued_at (tertulis ${shown(expiresAt)})`)
    }
    const status = row.get('status', statusCell)
    let statusReason = row.get('status_reason', reasonCell)
    if (status && status !== 'active' && statusReason === null) {
      statusReason = row.reject(
        'status_reason',
        `wajib diisi untuk status ${status} (alasan yang ditampilkan kepada pemeriksa sertifikat)`,
      )
    } else if (status === 'active' && statusReason) {
      statusReason = row.reject('status_reason', 'hanya untuk status revoked atau suspended; kosongkan untuk active')
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
        row.reject('birth_date', `berbeda dengan baris ${known.line} untuk NIK yang sama (satu orang, satu tanggal lahir)`)
      }
      nikHash = known.hash
    }
    if (row.bad || !number || !holderName || !scheme || !issuedAt || !expiresAt || !status) return
    staging.stage({
      line,
      number: number.number,
      displayNumber: number.display,
      holderName,
      nikHash,
      birthDate: birthDate ?? null,
      scheme,
      level: level ?? null,
      issuedAt,
      expiresAt,
      status,
      statusReason: statusReason ?? null,
    })
  }
}

/**
 * Imports a certificates CSV: every row is inserted or updated, or, when any row is bad, nothing at
 * all and every bad row comes back with its line and reason (see importCsv).
 */
export async function importCertificates(
  db: Db,
  input: string | Uint8Array,
  options: CertificateImportOptions,
): Promise<CertificateImportResult> {
  const { now } = options
  const staging = await certificateImport(db)
  try {
    return await importCsv(
      db,
      input,
      {
        entity: 'certificates',
        columns: CERTIFICATE_COLUMNS,
        check: certificateChecker(now, options.vault, staging),
        // Against the people on record, and written: the write lock is held only for this.
        write: async ({ db: tx, rows, reject, rejected }) => {
          await staging.flush(tx)
          for (const line of await staging.birthDateConflicts(tx))
            reject(line, 'birth_date', 'NIK sudah tercatat dengan tanggal lahir lain')
          const counts: CertificateImportCounts = { inserted: 0, updated: 0, unchanged: 0, linked: 0 }
          if (rejected()) return counts
          const before = await staging.count(tx)
          counts.linked = await staging.linked(tx)
          const changed = await staging.apply(tx, now)
          counts.inserted = (await staging.count(tx)) - before
          counts.updated = changed - counts.inserted
          counts.unchanged = rows - changed
          return counts
        },
      },
      { actor: options.actor, now, onProgress: options.onProgress, dryRun: options.dryRun, auditDetails: options.auditDetails },
    )
  } finally {
    await staging.close()
  }
}
