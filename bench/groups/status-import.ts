/**
 * The certification status import at the size of a national export: 100,000 rows (25,000 people ×
 * 4 stages, every column used) parsed, checked and written in one transaction on a fresh WAL file,
 * as `npm run cli -- import status` does it. Then the same file again (every row matches a stored
 * stage: the idempotent re-import), and a file that moves everyone one stage on (125,000 rows)
 * while 2,500 of them have a linked chat: 2,500 outbox messages. Every run is checked, so a broken
 * import fails the benchmark instead of looking fast. Each round starts from a new database file;
 * the median round is reported.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { openCore } from '../../src/bootstrap.js'
import { loadConfig } from '../../src/config.js'
import { importStatus, type StatusImportCounts } from '../../src/core/status/import.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { reminderSettingsOf } from '../../src/settings.js'
import { bulkStatusFile } from '../../test/support/status-csv.js'
import type { BenchGroup } from '../group.js'

const PEOPLE = 25_000
const STAGES = 4
const ROWS = PEOPLE * STAGES
const LINKED = 2_500
const ROUNDS = 3

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

function expectCounts(
  label: string,
  result: Awaited<ReturnType<typeof importStatus>>,
  expected: Partial<StatusImportCounts>,
): void {
  if (!result.ok) throw new Error(`${label}: refused: ${JSON.stringify(result.errors.slice(0, 3))}`)
  for (const [key, value] of Object.entries(expected)) {
    if (result[key as keyof StatusImportCounts] !== value) {
      throw new Error(`${label}: ${key} ${result[key as keyof StatusImportCounts]}, expected ${value}`)
    }
  }
}

export const group: BenchGroup = {
  name: 'status-import',
  description: `${ROWS.toLocaleString('en-US')}-row certification status file imported into a fresh WAL file (${PEOPLE.toLocaleString('en-US')} people × ${STAGES} stages)`,
  async run() {
    const file = Buffer.from(bulkStatusFile(PEOPLE, STAGES))
    const advance = Buffer.from(bulkStatusFile(PEOPLE, STAGES + 1))
    const first: number[] = []
    const again: number[] = []
    const moved: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-status-'))
      const config = loadConfig({
        DATABASE_PATH: join(dir, 'kesos.db'),
        DEMO_DATA: 'false',
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
      })
      const core = await openCore(config, pino({ level: 'silent' }), () => new Date())
      const reminders = reminderSettingsOf(config)
      const run = (input: Buffer) =>
        importStatus(core.db, input, { actor: 'bench', vault: core.vault, now: new Date(), reminders })
      try {
        let started = performance.now()
        expectCounts('first import', await run(file), { peopleAdded: PEOPLE, stagesAdded: ROWS, stagesUpdated: 0 })
        first.push((performance.now() - started) / 1000)

        started = performance.now()
        expectCounts('re-import', await run(file), { peopleAdded: 0, peopleUpdated: 0, stagesAdded: 0, stagesUpdated: ROWS })
        again.push((performance.now() - started) / 1000)

        // Every tenth person has a chat; everyone reaches one more stage.
        await statement(
          core.db,
          `insert into channel_identities (channel, user_id, chat_id, person_id, language, linked_at, link_expires_at)
             select 'console', 'bench-' || id, 'bench-' || id, id, 'id', 0, ? from people where id % 10 = 0`,
        ).run(Date.now() + 86_400_000) // a link that holds through the run (links end: docs/privacy.md)
        started = performance.now()
        expectCounts('advance', await run(advance), { stagesAdded: PEOPLE, stagesUpdated: ROWS, messagesQueued: LINKED })
        moved.push((performance.now() - started) / 1000)
      } finally {
        closeDatabase(core.db)
        rmSync(dir, { recursive: true, force: true })
      }
    }
    const seconds = median(first)
    console.error(
      `  first import ${first.map((s) => s.toFixed(2)).join(' · ')} s; re-import ${again.map((s) => s.toFixed(2)).join(' · ')} s; ` +
        `advance ${moved.map((s) => s.toFixed(2)).join(' · ')} s (${(file.length / 1e6).toFixed(1)} MB file)`,
    )
    return {
      status_import_100k_seconds: seconds,
      status_import_rows_per_second: ROWS / seconds,
      status_reimport_100k_seconds: median(again),
      status_import_advance_125k_seconds: median(moved),
    }
  },
}
