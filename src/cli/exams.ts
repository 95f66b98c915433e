/** `npm run cli -- import exams FILE.csv`: exam schedules (ujian kognitif, wawancara) for the secretariat. */
import { resolveDataKey } from '../bootstrap.js'
import type { Config } from '../config.js'
import { type ExamImportResult, importExams } from '../core/exams/import.js'
import { formatImportError } from '../core/import/csv.js'
import { createNikVault } from '../core/privacy/nik-vault.js'
import type { Db } from '../db/client.js'
import { createLogger } from '../logger.js'
import { progressBar, readInput } from './io.js'

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

export function importExamsCommand(db: Db, args: string[], config: Config): number {
  const path = args[0]
  if (!path) {
    err('Sebutkan filenya, mis.: npm run cli -- import exams jadwal-ujian.csv\n')
    return 2
  }
  const input = readInput(path)
  if (!input) return 2
  // The server's key: the same NIK must give the same hash as in the people table.
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, stream: 'stderr' })
  const vault = createNikVault(resolveDataKey(config, logger))
  const progress = progressBar()
  let result: ExamImportResult
  try {
    result = importExams(db, input, { actor: 'cli', vault, ...(progress.onProgress && { onProgress: progress.onProgress }) })
  } finally {
    progress.stop()
  }
  if (!result.ok) {
    for (const error of result.errors) err(`${formatImportError(error)}\n`)
    err(`${new Set(result.errors.map((e) => e.line)).size} baris ditolak; tidak ada yang disimpan.\n`)
    return 1
  }
  out(`${result.inserted} jadwal ujian ditambahkan, ${result.updated} diperbarui, ${result.unchanged} tidak berubah.\n`)
  const { queued, updated, cancelled } = result.reminders
  if (queued + updated + cancelled > 0) {
    out(`Pengingat: ${queued} dijadwalkan, ${updated} diperbarui, ${cancelled} dibatalkan.\n`)
  }
  return 0
}
