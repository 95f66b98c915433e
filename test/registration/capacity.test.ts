/**
 * Issue requirement: 200 simultaneous attempts for 20 seats give exactly 20 confirmed and 180 on
 * the waiting list, in join order, both in one process and from several processes on one
 * database file. The chats go through the real engine ("Daftar Bimtek" up to the summary), then
 * everyone sends "Ya, daftar" at the same moment.
 */
import { join } from 'node:path'
import { asc, eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeStore, type Db } from '../../src/db/client.js'
import { upsertPerson } from '../../src/db/queries/people.js'
import { cancelRegistration, register, waitlistPosition } from '../../src/db/queries/registrations.js'
import { people, registrations } from '../../src/db/schema.js'
import { transaction } from '../../src/db/store.js'
import { CAPACITY, chatIdOf, confirm, driveToSummary, type Outcome, outcomeOf, PEOPLE, personOf } from '../support/capacity.js'
import { fakeClock, testCore } from '../support/core.js'
import { freshStoreEnv, onPostgres } from '../support/engine.js'
import { killAll, type Running, start, tempDir } from '../support/programs.js'
import { addSession } from '../support/sessions.js'

type Answer = { i: number; chatId: string; texts: string[] }

let temp: Awaited<ReturnType<typeof tempDir>>
let dbPath: string

beforeEach(() => {
  temp = tempDir('capacity')
  dbPath = join(temp.dir, 'kesos.db')
})

afterEach(() => {
  killAll()
  temp.cleanup()
})

/**
 * A database with one session of 20 seats, open for registration now (the real clock): a file on
 * SQLite, a database of its own on PostgreSQL (`store` gives its address to other processes).
 */
async function prepare() {
  const store = await freshStoreEnv()
  // The key file beside the path is shared by the processes on either engine.
  const core = await testCore({ path: dbPath, env: store })
  const sessionId = await addSession(core.db, new Date(), { code: 'CAP-20', capacity: CAPACITY })
  return { core, sessionId, store }
}

/** Everything the requirement promises, from the answers people got and from the database. */
async function expectSeatsKept(db: Db, sessionId: number, answers: Answer[]) {
  expect(answers).toHaveLength(PEOPLE)
  expect(new Set(answers.map((answer) => answer.i)).size).toBe(PEOPLE)

  // Every person got exactly one of the two answers (no apology, no duplicate, nothing else).
  const outcomes = answers.map((answer) => ({ ...answer, outcome: outcomeOf(answer.texts) }))
  const others = outcomes.filter((answer) => answer.outcome.kind === 'other')
  expect(others.map((answer) => `${answer.chatId}: ${answer.texts.join(' | ')}`)).toEqual([])
  const confirmed = outcomes.flatMap(({ outcome }) => (outcome.kind === 'confirmed' ? [outcome] : []))
  const waitlisted = outcomes.flatMap(({ outcome }) => (outcome.kind === 'waitlisted' ? [outcome] : []))
  expect(confirmed).toHaveLength(CAPACITY)
  expect(waitlisted).toHaveLength(PEOPLE - CAPACITY)

  // Positions told: exactly 1…180, none twice.
  const told = [...waitlisted].sort((a, b) => a.position - b.position)
  expect(told.map((outcome) => outcome.position)).toEqual(Array.from({ length: PEOPLE - CAPACITY }, (_, k) => k + 1))

  // Registration codes unique.
  const codes = outcomes.map(({ outcome }) => (outcome as Exclude<Outcome, { kind: 'other' }>).code)
  expect(new Set(codes).size).toBe(PEOPLE)

  // The database agrees: 200 people, one registration each, 20 confirmed and 180 waiting.
  expect(await db.select().from(people)).toHaveLength(PEOPLE)
  const rows = await db.select().from(registrations).where(eq(registrations.sessionId, sessionId))
  expect(rows).toHaveLength(PEOPLE)
  expect(new Set(rows.map((row) => row.personId)).size).toBe(PEOPLE)
  const codesWith = (status: string) =>
    rows
      .filter((row) => row.status === status)
      .map((row) => row.code)
      .sort()
  expect(codesWith('confirmed')).toEqual(confirmed.map((outcome) => outcome.code).sort())
  expect(codesWith('waitlisted')).toEqual(waitlisted.map((outcome) => outcome.code).sort())

  // Join order kept: the waiting list ordered by (waitlisted_at, id) is the order people were told,
  // and the seats went to the first 20 to join.
  const queue = await db
    .select()
    .from(registrations)
    .where(eq(registrations.status, 'waitlisted'))
    .orderBy(asc(registrations.waitlistedAt), asc(registrations.id))
  expect(queue.map((row) => row.code)).toEqual(told.map((outcome) => outcome.code))
  expect(await Promise.all(queue.map((row) => waitlistPosition(db, row)))).toEqual(told.map((outcome) => outcome.position))
  const lastSeat = Math.max(...rows.filter((row) => row.status === 'confirmed').map((row) => row.id))
  const firstWaiting = Math.min(...queue.map((row) => row.id))
  expect(lastSeat).toBeLessThan(firstWaiting)
  for (const row of rows.filter((row) => row.status === 'confirmed')) {
    expect(row.waitlistedAt).toBeNull()
    expect(row.createdAt.getTime()).toBeLessThanOrEqual(queue[0]?.waitlistedAt?.getTime() ?? 0)
  }
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k)

describe('200 people confirm at once for 20 seats', () => {
  it('in one process: 20 confirmed, 180 waiting in the order they were told', async () => {
    const { core, sessionId } = await prepare()
    const everyone = ids(1, PEOPLE)
    let started = performance.now()
    await Promise.all(everyone.map(async (i) => await driveToSummary(core.engine, chatIdOf('one', i), i)))
    const toSummaryMs = performance.now() - started

    started = performance.now()
    const answers = await Promise.all(
      everyone.map(async (i) => ({ i, chatId: chatIdOf('one', i), texts: await confirm(core.engine, chatIdOf('one', i)) })),
    )
    const confirmMs = performance.now() - started
    await expectSeatsKept(core.db, sessionId, answers)
    console.info(
      `capacity, one process: 200 chats to the summary in ${toSummaryMs.toFixed(0)} ms, 200 confirmations in ${confirmMs.toFixed(0)} ms`,
    )
    await closeStore(core.db)
  }, 60_000)

  // On PostgreSQL: two instances, as behind a load balancer (issue 24).
  const processes = onPostgres ? 2 : 4
  it(`from ${processes} processes on one database: 20 confirmed, 180 waiting in the order they were told`, async () => {
    const { core, sessionId, store } = await prepare()
    const each = PEOPLE / processes
    const startedAt = performance.now()
    const workers: Running[] = ids(0, processes - 1).map((w) =>
      start('test/support/capacity-worker.ts', [dbPath, `p${w}`, String(w * each + 1), String((w + 1) * each), '10'], store),
    )
    for (const worker of workers) worker.child.stdin?.on('error', () => {})
    await Promise.all(workers.map((worker) => worker.waitForStdout(new RegExp(`\\{"ready":${each}\\}`), 45_000)))
    const readyMs = performance.now() - startedAt

    // The start signal reaches every process at the same moment: all 200 confirmations race, each
    // process committing its share in 10 transactions that interleave with the other processes'.
    for (const worker of workers) worker.child.stdin?.write('go\n')
    const exits = await Promise.all(workers.map((worker) => worker.exited(30_000)))
    const totalMs = performance.now() - startedAt

    for (const [w, worker] of workers.entries()) {
      expect({ worker: w, exit: exits[w]?.code, stderr: worker.stderr() }).toEqual({ worker: w, exit: 0, stderr: '' })
    }
    const lines = workers.flatMap((worker) =>
      worker
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Answer & { ms?: number; done?: number; ready?: number }),
    )
    const answers = lines.filter((line) => line.chatId !== undefined)
    const all = answers.flatMap((answer) => answer.texts).join('\n')
    expect(all).not.toContain('Maaf, terjadi gangguan')
    expect(all).not.toContain('SQLITE_BUSY')
    await expectSeatsKept(core.db, sessionId, answers)
    const processOfCode = new Map(
      answers.map((answer) => {
        const outcome = outcomeOf(answer.texts)
        return [outcome.kind === 'other' ? '' : outcome.code, answer.chatId.split('-')[0]]
      }),
    )
    const joinOrder = (await core.db.select({ code: registrations.code }).from(registrations).orderBy(asc(registrations.id))).map(
      (row) => processOfCode.get(row.code),
    )
    const turns = joinOrder.filter((p, k) => k === 0 || p !== joinOrder[k - 1]).length
    const raceMs = Math.max(...lines.flatMap((line) => (line.done !== undefined && line.ms !== undefined ? [line.ms] : [])))
    console.info(
      `capacity, ${processes} processes: started and drove 200 chats to the summary in ${readyMs.toFixed(0)} ms, ` +
        `slowest process answered its ${each} confirmations in ${raceMs.toFixed(0)} ms, ${totalMs.toFixed(0)} ms in all; ` +
        `the join order switches process ${turns - 1} times`,
    )
    await closeStore(core.db)
  }, 90_000)
})

describe('the waiting list keeps join order', () => {
  async function personId(db: Db, i: number, now: Date): Promise<number> {
    const person = personOf(i)
    const created = await upsertPerson(
      db,
      {
        nikHash: `hash-${person.nik}`,
        nikCiphertext: `cipher-${person.nik}`,
        fullName: person.name,
        birthDate: '1980-06-15',
        phoneE164: `+62${person.phone.slice(1)}`,
        provinceCode: '32',
        regency: 'Kota Bandung',
        professionGroup: 'pekerja_sosial',
        institution: 'Dinas Sosial Kota Bandung',
        timeZone: 'Asia/Jakarta',
      },
      now,
    )
    if (!created.ok) throw new Error('person not created')
    return created.personId
  }

  it('someone who left the list and joins again goes after those who joined meanwhile, even in the same millisecond', async () => {
    // A clock that does not move: every step happens in the same millisecond (one group commit).
    const clock = fakeClock()
    const core = await testCore({ clock: clock.now })
    const db = core.db
    const now = clock.now()
    const sessionId = await addSession(db, now, { code: 'CAP-1', capacity: 1 })
    const [a, b, c, d] = (await Promise.all([1, 2, 3, 4].map((i) => personId(db, i, now)))) as [number, number, number, number]
    const join = (person: number, code: string) =>
      transaction(db, (tx) => register(tx, { sessionId, personId: person, newCode: () => code, now }))

    expect(await join(a, 'BMT-AAAAAA')).toMatchObject({ kind: 'confirmed' })
    expect(await join(b, 'BMT-BBBBBB')).toMatchObject({ kind: 'waitlisted', position: 1 })
    expect(await join(c, 'BMT-CCCCCC')).toMatchObject({ kind: 'waitlisted', position: 2 })
    // B leaves the waiting list (no seat is freed), D joins, then B joins again.
    const left = transaction(db, (tx) =>
      cancelRegistration(tx, { code: 'BMT-BBBBBB', personId: b, now, offerMs: 3_600_000, actor: 'chat' }),
    )
    expect(await left).toMatchObject({ kind: 'cancelled' })
    expect(await join(d, 'BMT-DDDDDD')).toMatchObject({ kind: 'waitlisted', position: 2 })
    expect(await join(b, 'BMT-BBBBB2')).toMatchObject({ kind: 'waitlisted', position: 3 })

    const queue = await db
      .select()
      .from(registrations)
      .where(eq(registrations.status, 'waitlisted'))
      .orderBy(asc(registrations.waitlistedAt), asc(registrations.id))
    expect(queue.map((row) => row.code)).toEqual(['BMT-CCCCCC', 'BMT-DDDDDD', 'BMT-BBBBB2'])
    expect(await Promise.all(queue.map((row) => waitlistPosition(db, row)))).toEqual([1, 2, 3])
  })
})
