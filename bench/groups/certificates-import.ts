/**
 * The certificates import at the size of the national register: 1,000,000 certificates (every
 * second one with its holder's NIK and birth date, revoked and suspended ones with a reason)
 * read, checked and written on a fresh WAL file, as `npm run cli -- import certificates` does it;
 * then the same file again (every row unchanged). Reported beside the total: how long the write
 * lock was held (the part a running server waits for). Every run is checked, so a broken import
 * fails instead of looking fast. Three rounds, each on a new database file; the median is reported.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { openCore } from '../../src/bootstrap.js'
import { loadConfig } from '../../src/config.js'
import { type CertificateImportCounts, importCertificates } from '../../src/core/certificates/import.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { bulkCertificatesFile } from '../../test/support/certificates-csv.js'
import type { BenchGroup } from '../group.js'

const ROWS = 1_000_000
const ROUNDS = 3

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

type Timed = { seconds: number; lockSeconds: number }

export const group: BenchGroup = {
  name: 'certificates-import',
  description: `${ROWS.toLocaleString('en-US')}-row certificates file imported into a fresh WAL file, then again unchanged`,
  async run() {
    const file = Buffer.from(bulkCertificatesFile(ROWS))
    const first: Timed[] = []
    const again: Timed[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-certificates-'))
      const config = loadConfig({
        DATABASE_PATH: join(dir, 'kesos.db'),
        DEMO_DATA: 'false',
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
      })
      const core = await openCore(config, pino({ level: 'silent' }), () => new Date())
      const run = async (label: string, expected: Partial<CertificateImportCounts>): Promise<Timed> => {
        let locked = 0
        const started = performance.now()
        const result = await importCertificates(core.db, file, {
          actor: 'bench',
          vault: core.vault,
          now: new Date(),
          // The write phase reports 0 when the lock is taken and the total when it is done.
          onProgress: (done, _total, phase) => {
            if (phase === 'write' && done === 0) locked = performance.now()
            else if (phase === 'write') locked = performance.now() - locked
          },
        })
        const seconds = (performance.now() - started) / 1000
        if (!result.ok) throw new Error(`${label}: refused: ${JSON.stringify(result.errors.slice(0, 3))}`)
        for (const [key, value] of Object.entries(expected)) {
          if (result[key as keyof CertificateImportCounts] !== value) {
            throw new Error(`${label}: ${key} ${result[key as keyof CertificateImportCounts]}, expected ${value}`)
          }
        }
        return { seconds, lockSeconds: locked / 1000 }
      }
      try {
        first.push(await run('first import', { inserted: ROWS, updated: 0, unchanged: 0 }))
        again.push(await run('re-import', { inserted: 0, updated: 0, unchanged: ROWS }))
        const [{ n }] = (await statement(core.db, 'select count(*) as n from certificates').all()) as [{ n: number }]
        if (n !== ROWS) throw new Error(`${n} certificates stored, expected ${ROWS}`)
      } finally {
        closeDatabase(core.db)
        rmSync(dir, { recursive: true, force: true })
      }
    }
    const show = (runs: Timed[]) => runs.map((r) => `${r.seconds.toFixed(2)} (lock ${r.lockSeconds.toFixed(2)})`).join(' · ')
    console.error(`  first import ${show(first)} s; re-import ${show(again)} s (${(file.length / 1e6).toFixed(1)} MB file)`)
    const seconds = median(first.map((r) => r.seconds))
    return {
      certificates_import_1m_seconds: seconds,
      certificates_import_rows_per_second: ROWS / seconds,
      certificates_import_1m_lock_seconds: median(first.map((r) => r.lockSeconds)),
      certificates_reimport_1m_seconds: median(again.map((r) => r.seconds)),
    }
  },
}
