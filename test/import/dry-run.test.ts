/**
 * A preview of an import (`dryRun`): the file is checked and the import computed against what is
 * stored, then nothing at all is kept (no row, no audit entry, no message queued), and the result
 * is what the real import then does. Bad files are refused the same way as for real.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { importCertificates } from '../../src/core/certificates/import.js'
import { importExams } from '../../src/core/exams/import.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { importSessions } from '../../src/core/sessions/import.js'
import { importStatus } from '../../src/core/status/import.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
import { CERTIFICATE, certificatesFile } from '../support/certificates-csv.js'
import { fakeClock, testCore } from '../support/core.js'
import { EXAM, examsFile, PEOPLE_FILE } from '../support/exams-csv.js'
import { sessionsFile } from '../support/sessions-csv.js'
import { STATUS, statusFile, WOMAN } from '../support/status-csv.js'
import { rowsOfTable, tableNames } from '../support/store.js'

let core: Core | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

/** Every row of every table, so "nothing changed" means nothing anywhere. */
async function everything(db: Db): Promise<Record<string, unknown[]>> {
  const tables = await tableNames(db)
  return Object.fromEntries(await Promise.all(tables.map(async (name) => [name, await rowsOfTable(db, name)])))
}

type Run = (db: Db, file: string, dryRun: boolean) => Promise<{ ok: boolean }>

async function open() {
  const clock = fakeClock()
  core = await testCore({ clock: clock.now })
  const base = { actor: 'test', vault: core.vault, now: clock.now(), reminders: DEFAULT_REMINDER_SETTINGS }
  return { core, base }
}

describe('an import with dryRun', () => {
  const cases: { name: string; good: string; bad: string; run: (o: Awaited<ReturnType<typeof open>>) => Run | Promise<Run> }[] = [
    {
      name: 'sessions',
      good: sessionsFile({}, { code: 'BMT-MKS-02' }),
      bad: sessionsFile({}, { code: 'BMT-MKS-02', capacity: '0' }),
      run:
        ({ base }) =>
        async (db, file, dryRun) =>
          await importSessions(db, file, { ...base, dryRun }),
    },
    {
      name: 'status',
      good: statusFile(STATUS, { ...WOMAN, stage: 'Bimtek', stage_date: '2026-02-01' }),
      bad: statusFile(STATUS, { ...WOMAN, birth_date: '1999-01-01' }),
      run:
        ({ base }) =>
        async (db, file, dryRun) =>
          await importStatus(db, file, { ...base, dryRun }),
    },
    {
      name: 'certificates',
      good: certificatesFile({}, { certificate_number: 'LSPS-2025-00043', holder_name: 'Siti Aminah' }),
      bad: certificatesFile({}, { certificate_number: CERTIFICATE.certificate_number }),
      run:
        ({ base }) =>
        async (db, file, dryRun) =>
          await importCertificates(db, file, { ...base, dryRun }),
    },
    {
      name: 'exams',
      good: examsFile({}, { exam_code: 'UJK-2' }),
      bad: examsFile({}, { exam_code: EXAM.exam_code }),
      run: async ({ core, base }) => {
        // Exams are for people on record.
        const seeded = await importStatus(core.db, PEOPLE_FILE, base)
        if (!seeded.ok) throw new Error(JSON.stringify(seeded.errors))
        return (db, file, dryRun) => importExams(db, file, { ...base, dryRun })
      },
    },
  ]

  it.each(cases)('$name: keeps nothing, and tells exactly what the real import then does', async ({ good, run }) => {
    const opened = await open()
    const importIt = await run(opened)
    const { db } = opened.core
    const before = everything(db)
    const preview = await importIt(db, good, true)
    expect(preview.ok).toBe(true)
    expect(await everything(db)).toEqual(await before)
    const real = await importIt(db, good, false)
    expect(real).toEqual(preview)
    expect(await everything(db)).not.toEqual(await before)
  })

  it.each(cases)('$name: a bad file is refused with its lines, as for real, and nothing is kept', async ({ bad, run }) => {
    const opened = await open()
    const importIt = await run(opened)
    const { db } = opened.core
    const before = everything(db)
    const preview = await importIt(db, bad, true)
    expect(preview.ok).toBe(false)
    expect(await everything(db)).toEqual(await before)
    expect(await importIt(db, bad, false)).toEqual(preview)
  })
})
