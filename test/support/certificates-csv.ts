/** Certificates files for the import, CLI, admin API and benchmark tests. */
import { stringify } from 'csv-stringify/sync'
import { CERTIFICATE_COLUMNS } from '../../src/core/certificates/import.js'
import { nthPerson } from './status-csv.js'

export type CertificateRow = Partial<Record<(typeof CERTIFICATE_COLUMNS)[number], string>>

/** An active certificate of Budi Santoso (born 1980-06-15 in Kota Bandung), with his NIK. */
export const CERTIFICATE: Required<CertificateRow> = {
  certificate_number: 'LSPS-2025-00042',
  holder_name: 'Budi Santoso',
  nik: '3273011506800001',
  birth_date: '1980-06-15',
  scheme: 'Pekerja Sosial',
  level: 'Pekerja Sosial Generalis',
  issued_at: '2025-09-01',
  expires_at: '2028-09-01',
  status: 'active',
  status_reason: '',
}

/** A certificates file: the header, then each row as CERTIFICATE with the given overrides. */
export function certificatesFile(...rows: CertificateRow[]): string {
  return stringify(
    rows.map((row) => CERTIFICATE_COLUMNS.map((column) => row[column] ?? CERTIFICATE[column])),
    { header: true, columns: [...CERTIFICATE_COLUMNS] },
  )
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')
const SCHEMES = ['Pekerja Sosial', 'Penyuluh Sosial', 'Tenaga Kesejahteraan Sosial', 'Relawan Sosial']
const LEVELS = ['Pekerja Sosial Generalis', 'Ahli Pertama', '', 'Asisten Pekerja Sosial']

/**
 * `count` certificates as a national register would export them (CRLF): every second one with
 * its holder's NIK and birth date, one in 50 revoked and one in 70 suspended (with a reason), a
 * quoted name with a comma in one of 100.
 */
export function bulkCertificatesFile(count: number, { year = 2024 } = {}): string {
  const lines = [CERTIFICATE_COLUMNS.join(',')]
  for (let i = 0; i < count; i++) {
    const person = i % 2 === 0 ? nthPerson(i / 2) : undefined
    const status = i % 50 === 7 ? 'revoked' : i % 70 === 9 ? 'suspended' : 'active'
    const reason =
      status === 'revoked' ? 'Dokumen portofolio tidak sah' : status === 'suspended' ? 'Dalam pemeriksaan kode etik' : ''
    const name = i % 100 === 3 ? `"Sari, S.Sos. ${i}"` : `Peserta Sertifikasi ${i + 1}`
    const issued = `${year - (i % 3)}-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`
    const expires = `${year + 3 - (i % 3)}-${pad(1 + (i % 12))}-${pad(1 + (i % 28))}`
    lines.push(
      [
        `LSPS-${year}-${pad(i + 1, 7)}`,
        name,
        person?.nik ?? '',
        person?.birthDate ?? '',
        SCHEMES[i % SCHEMES.length],
        LEVELS[i % LEVELS.length],
        issued,
        expires,
        status,
        reason,
      ].join(','),
    )
  }
  return `${lines.join('\r\n')}\r\n`
}
