/** Certification status files for the import, CLI and benchmark: valid NIKs made from birth dates. */
import { stringify } from 'csv-stringify/sync'
import { STATUS_COLUMNS } from '../../src/core/status/status-file.js'

export type StatusRow = Partial<Record<(typeof STATUS_COLUMNS)[number], string>>

/** A man born 1980-06-15 in Kota Bandung (32 73 01), at the Bimtek stage. */
export const STATUS: Required<StatusRow> = {
  nik: '3273011506800001',
  full_name: 'Budi Santoso',
  birth_date: '1980-06-15',
  phone: '0812-3456-7890',
  province: 'Jawa Barat',
  regency: 'Kota Bandung',
  profession_group: 'pekerja sosial',
  institution: 'Dinas Sosial Kota Bandung',
  stage: 'bimtek',
  stage_date: '2026-03-10',
  due_date: '',
  note: '',
}

/** A woman born on the same day (day + 40 in the NIK). */
export const WOMAN = { nik: '3273015506800002', full_name: 'Siti Aminah', birth_date: '1980-06-15' } as const

/** A status file: the header, then each row as STATUS with the given overrides. */
export function statusFile(...rows: StatusRow[]): string {
  return stringify(
    rows.map((row) => STATUS_COLUMNS.map((column) => row[column] ?? STATUS[column])),
    { header: true, columns: [...STATUS_COLUMNS] },
  )
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** The NIK and birth date of generated person `i` (0-based): distinct for i < 130 million. */
export function nthPerson(i: number): { nik: string; birthDate: string } {
  const day = 1 + (i % 28)
  const month = 1 + (Math.floor(i / 28) % 12)
  const year = 1960 + (Math.floor(i / 336) % 40)
  const serial = 1 + Math.floor(i / 13_440)
  const nikDay = i % 2 === 1 ? day + 40 : day
  return {
    nik: `327301${pad(nikDay)}${pad(month)}${pad(year % 100)}${pad(serial, 4)}`,
    birthDate: `${year}-${pad(month)}-${pad(day)}`,
  }
}

const PATH = ['terdaftar', 'seleksi administrasi', 'Bimtek', 'ujian kognitif', 'portofolio', 'wawancara', 'Kompeten']
const PROVINCES = ['32', 'Jawa Tengah', '73', 'papua', 'DKI Jakarta', 'Kalimantan Barat']
const GROUPS = ['pekerja sosial', 'Penyuluh Sosial', 'TKSK', 'pendamping PKH', 'relawan', '']

/**
 * `people` people with their first `stages` stages each (people × stages rows), as the
 * secretariat's export would have them: every column used, labels in mixed case, CRLF.
 */
export function bulkStatusFile(people: number, stages: number, { year = 2025 } = {}): string {
  const lines = [STATUS_COLUMNS.join(',')]
  for (let i = 0; i < people; i++) {
    const { nik, birthDate } = nthPerson(i)
    const name = `Peserta ${i + 1}`
    const phone = `0812${pad(i, 8)}`
    const province = PROVINCES[i % PROVINCES.length]
    const group = GROUPS[i % GROUPS.length]
    for (let k = 0; k < stages; k++) {
      const stage = PATH[k % PATH.length]
      const date = `${year}-${pad(1 + k)}-${pad(1 + (i % 28))}`
      const due = stage === 'portofolio' ? `${year}-${pad(2 + k)}-28` : ''
      const note = k === 0 ? `"Berkas lengkap, ""asli"" diterima"` : ''
      lines.push(
        `${nik},${name},${birthDate},${phone},${province},Kota Bandung,${group},LKS Mentari,${stage},${date},${due},${note}`,
      )
    }
  }
  return `${lines.join('\r\n')}\r\n`
}
