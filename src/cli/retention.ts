/**
 * `npm run cli -- retention run [--dry-run]`: the nightly retention job, now. Prints, per kind of
 * row, its period and how many rows were deleted (or, with --dry-run, would be; nothing changes).
 */
import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import { PERIOD_OF, runRetention } from '../core/privacy/retention.js'
import type { Db } from '../db/client.js'
import type { RetentionRule } from '../db/queries/retention.js'
import { retentionPeriodsOf } from '../settings.js'

const LABEL: Record<RetentionRule, string> = {
  outboxDone: 'pesan keluar terkirim, dilewati atau dibatalkan',
  outboxFailed: 'pesan keluar yang gagal terkirim atau hasilnya tidak diketahui',
  identityAttempts: 'percobaan pembuktian identitas',
  identityCodes: 'kode sekali pakai yang sudah kedaluwarsa',
  chatAccounts: 'akun chat yang tidak terhubung dan tidak aktif',
  conversations: 'percakapan chat yang tidak terhubung dan tidak aktif',
  staffSessions: 'sesi konsol yang sudah berakhir',
  staffLinks: 'tautan sekali pakai konsol yang sudah kedaluwarsa',
  announcementRecipients: 'laporan per orang pengumuman yang sudah selesai',
  announcements: 'pengumuman yang sudah selesai (teks, kriteria, jumlah)',
  auditEntries: 'catatan audit',
  pendingImports: 'berkas impor dari konsol yang tidak dikonfirmasi',
}

export async function retentionRunCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } } })
  const dryRun = values['dry-run'] === true
  const periods = retentionPeriodsOf(config)
  const counts = await runRetention(db, clock(), periods, { dryRun })
  const lines = (Object.keys(LABEL) as RetentionRule[]).map((rule) => {
    const period = PERIOD_OF[rule]
    return `  ${LABEL[rule]} (${period === null ? 'sudah kedaluwarsa' : `lebih dari ${periods[period]} hari`}): ${counts[rule]}`
  })
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0)
  process.stdout.write(
    `${dryRun ? 'Retensi data, uji coba (--dry-run): tidak ada yang dihapus.' : 'Retensi data:'}\n${lines.join('\n')}\n` +
      `${dryRun ? `Akan dihapus: ${total} baris.` : `Dihapus: ${total} baris.`}\n`,
  )
  return 0
}
