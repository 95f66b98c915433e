/**
 * The console's Impor data page (docs/console.md): the same four imports as the CLI and the admin
 * API (src/core/import/csv.ts: every row or none, `dryRun` for the preview), who may import what,
 * and their counts as staff read them.
 */
import { createHash } from 'node:crypto'
import type { Db } from '../../db/client.js'
import type { ImportKind } from '../../db/schema.js'
import type { StaffRole } from '../../vocabulary/staff.js'
import { importCertificates } from '../certificates/import.js'
import { importExams } from '../exams/import.js'
import type { ImportError, ImportRegion } from '../import/csv.js'
import type { NikVault } from '../privacy/nik-vault.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { importSessions } from '../sessions/import.js'
import { importStatus } from '../status/import.js'

export const IMPORT_KIND_LABEL: Record<ImportKind, string> = {
  sessions: 'Sesi Bimtek',
  status: 'Status sertifikasi',
  certificates: 'Sertifikat',
  exams: 'Jadwal ujian',
}

/** The sample file of each kind a newcomer can download (docs/import-formats.md has each). */
export const IMPORT_SAMPLE_NAME: Record<ImportKind, string> = {
  sessions: 'sesi-bimtek.csv',
  status: 'status-sertifikasi.csv',
  certificates: 'sertifikat.csv',
  exams: 'jadwal-ujian.csv',
}

/**
 * What a role may import: `admin` every kind; `regional` sessions, status and exams of its own
 * region (rows of another region refused, each with its reason); certificates are the centre's
 * (LSP) alone; `viewer` nothing.
 */
export function importKindsFor(role: StaffRole): readonly ImportKind[] {
  if (role === 'admin') return ['sessions', 'status', 'certificates', 'exams']
  if (role === 'regional') return ['sessions', 'status', 'exams']
  return []
}

/** Hex SHA-256 of a file: the confirmation imports exactly the file that was previewed. */
export const fileHash = (content: Uint8Array): string => createHash('sha256').update(content).digest('hex')

export type ConsoleImportDeps = {
  db: Db
  /** The server's NIK vault: status, exams and certificates find people by the keyed hash of their NIK. */
  vault: NikVault
  /** The reminder settings imports plan with. */
  reminders: ReminderSettings
}

export type ConsoleImport = {
  kind: ImportKind
  content: Uint8Array
  /** `staff:<id>`. */
  actor: string
  now: Date
  /** A regional staff member's region: other regions' rows are refused. */
  region?: ImportRegion | undefined
  /** The preview: computed against what is stored, then nothing kept (not even the audit entry). */
  dryRun: boolean
  /** Recorded in the audit entry (the import history shows it). */
  fileName: string
}

/** The counts of an import (as its audit entry records them too), or every bad line. */
export type ConsoleImportResult = { ok: true; counts: Record<string, unknown> } | { ok: false; errors: ImportError[] }

/** Runs one import of the console: the same functions, with the same options, as the CLI's. */
export async function runConsoleImport(deps: ConsoleImportDeps, run: ConsoleImport): Promise<ConsoleImportResult> {
  const common = {
    actor: run.actor,
    now: run.now,
    dryRun: run.dryRun,
    auditDetails: { file: run.fileName, ...(run.region && { region: run.region.code }) },
  }
  const { db, vault, reminders } = deps
  const region = run.region
  const result =
    run.kind === 'sessions'
      ? await importSessions(db, run.content, { ...common, reminders, region })
      : run.kind === 'status'
        ? await importStatus(db, run.content, { ...common, vault, reminders, region })
        : run.kind === 'exams'
          ? await importExams(db, run.content, { ...common, vault, reminders, region })
          : await importCertificates(db, run.content, { ...common, vault })
  if (!result.ok) return result
  const { ok: _, ...counts } = result
  return { ok: true, counts }
}

/** What each count of an import (or of its audit entry) is called. */
const COUNT_LABEL: Record<string, string> = {
  inserted: 'ditambahkan',
  updated: 'diperbarui',
  unchanged: 'tidak berubah',
  linked: 'terhubung ke orang yang tercatat',
  peopleAdded: 'orang ditambahkan',
  peopleUpdated: 'orang diperbarui',
  stagesAdded: 'tahap ditambahkan',
  stagesUpdated: 'tahap diperbarui',
  peopleNotified: 'orang diberi tahu lewat chat',
  messagesQueued: 'pesan diantrekan',
  'reminders.queued': 'pengingat dijadwalkan',
  'reminders.updated': 'pengingat diperbarui',
  'reminders.cancelled': 'pengingat dibatalkan',
}

/** The counts of an import or its audit entry as label and number, in the order recorded; other details left out. */
export function countLines(counts: Record<string, unknown>): { label: string; count: number }[] {
  const lines: { label: string; count: number }[] = []
  const add = (key: string, value: unknown) => {
    const label = COUNT_LABEL[key]
    if (label && typeof value === 'number') lines.push({ label, count: value })
  }
  for (const [key, value] of Object.entries(counts)) {
    if (value !== null && typeof value === 'object') {
      for (const [inner, count] of Object.entries(value)) add(`${key}.${inner}`, count)
    } else add(key, value)
  }
  return lines
}
