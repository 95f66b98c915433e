/**
 * The imports of `npm run cli` plan reminders with the configured settings, not the defaults
 * (7d, 1d, 2h before a session or exam; 7 and 1 days before a portfolio deadline): each import runs
 * as a real process on a database file with REMINDER_OFFSETS=3d,5h and REMINDER_PORTFOLIO_DAYS=5,2,
 * and the reminders it plans for the people it changes are exactly those.
 */
import { describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { importSessions } from '../../src/core/sessions/import.js'
import { importStatus } from '../../src/core/status/import.js'
import { closeStore, type Db } from '../../src/db/client.js'
import { linkChat } from '../../src/db/queries/chat-links.js'
import { personByNikHash } from '../../src/db/queries/people.js'
import { bimtekSessions } from '../../src/db/schema.js'
import { testCore } from '../support/core.js'
import { EXAM, examsFile, PEOPLE_FILE } from '../support/exams-csv.js'
import { run, tempFolderEachTest } from '../support/programs.js'
import { addExam, addPerson, confirm, DAY, remindersOf } from '../support/reminders.js'
import { day, sessionsFile } from '../support/sessions-csv.js'
import { STATUS, statusFile } from '../support/status-csv.js'

const SETTINGS = { REMINDER_OFFSETS: '3d,5h', REMINDER_PORTFOLIO_DAYS: '5,2' }

const temp = tempFolderEachTest('reminder-settings')

/** Prepares the database file in this process (on the default settings), then closes it. */
async function prepare<T>(seed: (core: Core) => T): Promise<T> {
  const core = await testCore({ store: temp.store })
  try {
    return await seed(core)
  } finally {
    await closeStore(core.db)
  }
}

/** `npm run cli -- import KIND FILE` under the non-default settings; fails the test unless it succeeds. */
async function importWithSettings(kind: string, file: string): Promise<void> {
  const { exit, stderr } = await run(
    'src/cli.ts',
    ['import', kind, temp.file(`${kind}.csv`, file)],
    { ...temp.store, ...SETTINGS },
    30_000,
  )
  expect(exit, stderr).toEqual({ code: 0, signal: null })
}

/** The person's waiting reminders as "event kind label", e.g. "exam 3d". */
async function waiting(personId: number): Promise<string[]> {
  const core = await testCore({ store: temp.store })
  try {
    return (await remindersOf(core.db, personId))
      .filter((row) => row.status === 'pending')
      .map((row) => `${row.eventKey?.split(':')[0]} ${row.label}`)
  } finally {
    await closeStore(core.db)
  }
}

/** Budi (STATUS), as the status file stored him. */
const budiOf = async ({ db, vault }: Core) => {
  const budi = await personByNikHash(db, vault.hash(STATUS.nik))
  if (!budi) throw new Error('Budi is not stored')
  return budi.id
}
const linkTelegram = (db: Db, personId: number) =>
  linkChat(db, {
    channel: 'telegram',
    userId: '5550101',
    chatId: '5550101',
    personId,
    language: 'id',
    now: new Date(),
    expiresAt: new Date(Date.now() + 365 * 86_400_000),
    proved: true,
  })

describe('the imports plan reminders with the configured settings', () => {
  it('import sessions: the people of a moved session get the configured reminders before its new start', async () => {
    const person = await prepare(async ({ db }) => {
      const imported = await importSessions(db, sessionsFile({}), {
        actor: 'test',
        now: new Date(),
        reminders: DEFAULT_REMINDER_SETTINGS,
      })
      if (!imported.ok) throw new Error(JSON.stringify(imported.errors))
      const session = (await db.select({ id: bimtekSessions.id }).from(bimtekSessions))[0]
      const personId = await addPerson(db, { zone: 'Asia/Makassar', chats: [{ channel: 'telegram', chatId: '5550100' }] })
      await confirm(db, personId, session?.id ?? 0)
      return personId
    })
    // Two days later than SESSION (day 30 to 31), registration closing as before.
    await importWithSettings('sessions', sessionsFile({ starts_at: `${day(32)} 09:00`, ends_at: `${day(33)} 16:00` }))
    expect(await waiting(person)).toEqual(['registration 3d', 'registration 5h'])
  }, 60_000)

  it('import status: a new portfolio deadline, and the exam of the same person, get the configured reminders', async () => {
    const person = await prepare(async (core) => {
      const { db, vault } = core
      const imported = await importStatus(db, statusFile({}), {
        actor: 'test',
        vault,
        now: new Date(),
        reminders: DEFAULT_REMINDER_SETTINGS,
      })
      if (!imported.ok) throw new Error(JSON.stringify(imported.errors))
      const personId = await budiOf(core)
      await linkTelegram(db, personId)
      await addExam(db, personId, { startsAt: new Date(Date.now() + 30 * DAY) })
      return personId
    })
    await importWithSettings('status', statusFile({}, { stage: 'portofolio', stage_date: day(-1), due_date: day(20), note: '' }))
    expect(await waiting(person)).toEqual(['portfolio 5d', 'portfolio 2d', 'exam 3d', 'exam 5h'])
  }, 60_000)

  it('import exams: a new exam gets the configured reminders', async () => {
    const person = await prepare(async (core) => {
      const { db, vault } = core
      const imported = await importStatus(db, PEOPLE_FILE, {
        actor: 'test',
        vault,
        now: new Date(),
        reminders: DEFAULT_REMINDER_SETTINGS,
      })
      if (!imported.ok) throw new Error(JSON.stringify(imported.errors))
      const personId = await budiOf(core)
      await linkTelegram(db, personId)
      return personId
    })
    await importWithSettings('exams', examsFile({ ...EXAM, starts_at: `${day(20)} 09:00` }))
    expect(await waiting(person)).toEqual(['exam 3d', 'exam 5h'])
  }, 60_000)
})
