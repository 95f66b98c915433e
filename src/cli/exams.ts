import type { Config } from '../config.js'
import { importExams } from '../core/exams/import.js'
import type { DataKeyring } from '../data-keys.js'
import type { Db } from '../db/client.js'
import { reminderSettingsOf } from '../settings.js'
import { importFile } from './io.js'

const out = (text: string) => process.stdout.write(text)

export async function importExamsCommand(
  db: Db,
  args: string[],
  config: Config,
  clock: () => Date,
  keys: () => Promise<DataKeyring>,
): Promise<number> {
  const result = await importFile(args, 'npm run cli -- import exams jadwal-ujian.csv', async (input, options) =>
    importExams(db, input, {
      actor: 'cli',
      now: clock(),
      reminders: reminderSettingsOf(config),
      vault: (await keys()).vault,
      ...options,
    }),
  )
  if (typeof result === 'number') return result
  out(`${result.inserted} jadwal ujian ditambahkan, ${result.updated} diperbarui, ${result.unchanged} tidak berubah.\n`)
  const { queued, updated, cancelled } = result.reminders
  if (queued + updated + cancelled > 0) {
    out(`Pengingat: ${queued} dijadwalkan, ${updated} diperbarui, ${cancelled} dibatalkan.\n`)
  }
  return 0
}
