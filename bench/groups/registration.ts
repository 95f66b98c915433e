/**
 * Bimtek registration under a rush: each round opens a session of 20 seats, drives 200 chats
 * through "Daftar Bimtek" up to the summary (not timed), then all 200 choose "Ya, daftar" at the
 * same moment (timed). Every round is checked (20 confirmed, 180 waiting, positions 1…180), so a
 * broken engine fails the benchmark instead of looking fast.
 * For context the same registrations are made in the same run by calling the queries directly
 * (person, seat, chat link; 200 to one immediate transaction, like the engine's group commit):
 * the database work alone, without the conversation around it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { openCore } from '../../src/bootstrap.js'
import { loadConfig } from '../../src/config.js'
import { closeDatabase, type Db, statement } from '../../src/db/client.js'
import { linkChat } from '../../src/db/queries/chat-links.js'
import { upsertPerson } from '../../src/db/queries/people.js'
import { register } from '../../src/db/queries/registrations.js'
import { bimtekSessions } from '../../src/db/schema.js'
import { transaction } from '../../src/db/store.js'
import { CAPACITY, chatIdOf, confirm, driveToSummary, outcomeOf, PEOPLE, personOf } from '../../test/support/capacity.js'
import { addSession } from '../../test/support/sessions.js'
import type { BenchGroup } from '../group.js'

const WARMUP_ROUNDS = 1
const MEASURED_ROUNDS = 5

/** A session open now; the previous round's session is closed so "1" picks this one. */
async function openSession(db: Db, code: string): Promise<number> {
  const now = new Date()
  await db.update(bimtekSessions).set({ registrationClosesAt: new Date(now.getTime() - 1) })
  return await addSession(db, now, { code, capacity: CAPACITY })
}

async function checkRound(db: Db, sessionId: number, answers: string[][]): Promise<void> {
  const outcomes = answers.map(outcomeOf)
  const confirmed = outcomes.filter((outcome) => outcome.kind === 'confirmed').length
  const positions = outcomes.flatMap((outcome) => (outcome.kind === 'waitlisted' ? [outcome.position] : [])).sort((a, b) => a - b)
  const stored = (await statement(
    db,
    "SELECT count(*) AS n FROM registrations WHERE session_id = ? AND status = 'confirmed'",
  ).get(sessionId)) as { n: number }
  const wrong =
    confirmed !== CAPACITY ||
    stored.n !== CAPACITY ||
    positions.length !== PEOPLE - CAPACITY ||
    positions.some((position, k) => position !== k + 1)
  if (wrong) {
    const other = outcomes.find((outcome) => outcome.kind === 'other')
    throw new Error(
      `the engine registered wrongly, so its speed means nothing: ${confirmed} told confirmed, ${stored.n} stored, ` +
        `${positions.length} waiting${other?.kind === 'other' ? `; e.g. ${JSON.stringify(other.text)}` : ''}`,
    )
  }
}

/** The same registrations without the chat: person, seat and chat link, in one transaction. */
async function bareRound(db: Db, sessionId: number, round: number): Promise<number> {
  const now = new Date()
  let confirmed = 0
  await transaction(db, async (tx) => {
    for (let i = 1; i <= PEOPLE; i++) {
      const index = round * PEOPLE + i
      const person = personOf(index)
      const created = await upsertPerson(
        tx,
        {
          nikHash: `bare-${person.nik}`,
          nikCiphertext: `bare-${person.nik}`,
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
      if (!created.ok) throw new Error('person refused')
      const result = await register(tx, { sessionId, personId: created.personId, newCode: () => `BARE-${index}`, now })
      if (result.kind === 'confirmed') confirmed++
      await linkChat(tx, {
        channel: 'console',
        userId: `bare-${index}`,
        chatId: `bare-${index}`,
        personId: created.personId,
        language: 'id',
        now,
        expiresAt: new Date(now.getTime() + 180 * 86_400_000),
        proved: false,
      })
    }
  })
  if (confirmed !== CAPACITY) throw new Error(`bare registrations: ${confirmed} confirmed, expected ${CAPACITY}`)
  return PEOPLE
}

export const group: BenchGroup = {
  name: 'registration',
  description: `${PEOPLE} chats choose "Ya, daftar" at once for ${CAPACITY} seats, through the engine on a WAL file`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-registration-'))
    const config = loadConfig({ DATABASE_PATH: join(dir, 'core.db'), DEMO_DATA: 'false', NODE_ENV: 'test', LOG_LEVEL: 'silent' })
    const core = await openCore(config, pino({ level: 'silent' }), () => new Date())
    try {
      let engineMs = 0
      let bareMs = 0
      let registered = 0
      let bareRegistered = 0
      for (let round = 0; round < WARMUP_ROUNDS + MEASURED_ROUNDS; round++) {
        const sessionId = await openSession(core.db, `BENCH-${round}`)
        const people = Array.from({ length: PEOPLE }, (_, k) => round * PEOPLE + k + 1)
        const chat = (i: number) => chatIdOf(`r${round}`, i)
        await Promise.all(people.map(async (i) => await driveToSummary(core.engine, chat(i), i)))

        let started = performance.now()
        const answers = await Promise.all(people.map(async (i) => await confirm(core.engine, chat(i))))
        const roundMs = performance.now() - started
        await checkRound(core.db, sessionId, answers)

        const bareSession = await openSession(core.db, `BARE-${round}`)
        started = performance.now()
        const bare = await bareRound(core.db, bareSession, round)
        const bareRoundMs = performance.now() - started
        if (round < WARMUP_ROUNDS) continue
        engineMs += roundMs
        bareMs += bareRoundMs
        registered += PEOPLE
        bareRegistered += bare
      }
      const engineRate = registered / (engineMs / 1000)
      const bareRate = bareRegistered / (bareMs / 1000)
      const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
      console.error(
        `  ${fmt(registered)} registrations in ${MEASURED_ROUNDS} rushes of ${PEOPLE}: engine ${fmt(engineRate)}/s ` +
          `(a rush answered in ${fmt(engineMs / MEASURED_ROUNDS)} ms), queries alone ${fmt(bareRate)}/s`,
      )
      return {
        registration_confirmations_per_second: Math.round(engineRate),
        registration_rush_ms: Math.round(engineMs / MEASURED_ROUNDS),
        registration_vs_bare_queries_ratio: Number((engineRate / bareRate).toFixed(3)),
      }
    } finally {
      closeDatabase(core.db)
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
