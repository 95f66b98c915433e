/**
 * `npm run cli -- retention run [--dry-run]` as a real process on a database file: the dry run
 * prints what would be deleted and changes nothing; the run deletes it; the periods come from the
 * RETENTION_* settings.
 */
import { describe, expect, it } from 'vitest'
import { closeStore } from '../../src/db/client.js'
import { auditLog, identityAttempts, outbox } from '../../src/db/schema.js'
import { openStoreOf, run, tempFolderEachTest } from '../support/programs.js'

const DAY = 86_400_000
const temp = tempFolderEachTest('retention-cli')

const cli = (args: string[], env: Record<string, string> = {}) =>
  run('src/cli.ts', args, { ...temp.store, DEMO_DATA: 'false', ...env }, 20_000)

/** Rows of each kind, 40 and 5 days old (the CLI reads the real clock, as this does). */
async function seed() {
  const db = await openStoreOf(temp.store)
  const ago = (days: number) => new Date(Date.now() - days * DAY)
  for (const [i, days] of [40, 5].entries()) {
    await db.insert(outbox).values({
      idempotencyKey: `sent-${i}`,
      channel: 'telegram',
      chatId: '1',
      kind: 'reminder',
      payload: '{}',
      dueAt: ago(days),
      status: 'sent',
      updatedAt: ago(days),
    })
    await db.insert(identityAttempts).values({ channel: 'telegram', chatId: '1', at: ago(days), succeeded: false })
    await db.insert(auditLog).values({ at: ago(days * 10), actor: 'cli', action: 'import' })
  }
  await closeStore(db)
}

const count = async (table: string) => (await temp.rows<{ n: number }>(`select count(*) as n from ${table}`))[0]?.n

describe('npm run cli -- retention run', () => {
  it('--dry-run prints the counts per kind and deletes nothing; without it the same rows are deleted', async () => {
    await seed()
    const dry = await cli(['retention', 'run', '--dry-run'])
    expect(dry.exit).toEqual({ code: 0, signal: null })
    expect(dry.stderr).toBe('')
    expect(dry.stdout).toBe(
      [
        'Retensi data, uji coba (--dry-run): tidak ada yang dihapus.',
        '  pesan keluar terkirim, dilewati atau dibatalkan (lebih dari 30 hari): 1',
        '  pesan keluar yang gagal terkirim atau hasilnya tidak diketahui (lebih dari 14 hari): 0',
        '  percobaan pembuktian identitas (lebih dari 30 hari): 1',
        '  kode sekali pakai yang sudah kedaluwarsa (lebih dari 30 hari): 0',
        '  akun chat yang tidak terhubung dan tidak aktif (lebih dari 90 hari): 0',
        '  percakapan chat yang tidak terhubung dan tidak aktif (lebih dari 90 hari): 0',
        '  sesi konsol yang sudah berakhir (lebih dari 30 hari): 0',
        '  tautan sekali pakai konsol yang sudah kedaluwarsa (lebih dari 30 hari): 0',
        '  laporan per orang pengumuman yang sudah selesai (lebih dari 90 hari): 0',
        '  pengumuman yang sudah selesai (teks, kriteria, jumlah) (lebih dari 365 hari): 0',
        '  catatan audit (lebih dari 365 hari): 1',
        '  berkas impor dari konsol yang tidak dikonfirmasi (sudah kedaluwarsa): 0',
        'Akan dihapus: 3 baris.',
        '',
      ].join('\n'),
    )
    expect(await Promise.all([count('outbox'), count('identity_attempts'), count('audit_log')])).toEqual([2, 2, 2])

    const done = await cli(['retention', 'run'])
    expect(done.exit.code).toBe(0)
    expect(done.stdout).toContain('Dihapus: 3 baris.')
    expect(await Promise.all([count('outbox'), count('identity_attempts'), count('audit_log')])).toEqual([1, 1, 1])
  })

  it('takes its periods from the settings', async () => {
    await seed()
    const done = await cli(['retention', 'run'], { RETENTION_OUTBOX_DAYS: '3', RETENTION_IDENTITY_ATTEMPTS_DAYS: '3' })
    expect(done.stdout).toContain('pesan keluar terkirim, dilewati atau dibatalkan (lebih dari 3 hari): 2')
    expect(await Promise.all([count('outbox'), count('identity_attempts'), count('audit_log')])).toEqual([0, 0, 1])
  })
})
