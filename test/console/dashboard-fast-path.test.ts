/**
 * The dashboard's kept counts (migration 0012): `people.current_stage` and `stages_reached`, kept by
 * triggers on certification_stages, and `outbox_days`, kept by triggers on outbox and people. The
 * dashboard's queries read them instead of grouping every stage and message; here their answers are
 * compared with the queries they replaced (kept below as the reference), on a varied dataset, after
 * every kind of write, after an erasure, and on a database migrated from the one before with rows in it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { type Db, openDatabase, statement } from '../../src/db/client.js'
import {
  chatsPerChannel,
  furthestStepPerRegion,
  type OutboxDayCount,
  outboxPerDay,
  peoplePerStage,
} from '../../src/db/queries/console-dashboard.js'
import { type ConsoleRegion, type ConsoleScope, consoleRegions, provinceFilter } from '../../src/db/queries/console-scope.js'
import { deletePerson } from '../../src/db/queries/erasure.js'
import { ensureReferenceData } from '../../src/db/reference-data.js'
import * as schema from '../../src/db/schema.js'
import { CERTIFICATION_STAGES, type CertificationStage } from '../../src/db/schema.js'
import { transaction } from '../../src/db/store.js'
import { databaseBefore } from '../support/migrations.js'

const DAY = 86_400_000
const WIB = 7 * 3_600_000
/** Midnight WIB starting 23 November 2026, and its day number. */
const MIDNIGHT = Date.UTC(2026, 10, 23) - WIB
const TODAY = (MIDNIGHT + WIB) / DAY
/** An arbitrary, uneven funnel rank, so a wrong bit or a wrong maximum shows. */
const RANK = Object.fromEntries(CERTIFICATION_STAGES.map((stage, i) => [stage, (i * 7) % 5])) as Record<
  CertificationStage,
  number
>

// ---- The reference: the dashboard's queries before the kept counts, unchanged but for the outbox
// statuses, now only those the dashboard shows (core/console/dashboard.ts ignores the others). ----

async function referencePeoplePerStage(db: Db, scope: ConsoleScope): Promise<Partial<Record<CertificationStage, number>>> {
  const where = provinceFilter(scope, 'p.province_code')
  const join = scope ? `join people p on p.id = cs.person_id${where.sql}` : ''
  const rows = (await statement(
    db,
    `select stage, count(*) as n from (
         select cs.stage, row_number() over (partition by cs.person_id order by cs.reached_at desc, cs.id desc) as k
         from certification_stages cs ${join}
       ) where k = 1 group by stage`,
  ).all(...where.args)) as { stage: CertificationStage; n: number }[]
  return Object.fromEntries(rows.map((r) => [r.stage, r.n]))
}

async function referenceFurthestStep(db: Db, regions: readonly ConsoleRegion[], scope: ConsoleScope) {
  const shown = scope ? [scope] : regions
  const pairs = shown.flatMap((r) => r.provinces.map((province) => [province, r.code] as const))
  const map = pairs.length > 0 ? `values ${pairs.map(() => '(?, ?)').join(', ')}` : 'select null, null where 0'
  const ranks = Object.entries(RANK)
  const rankCase = `case cs.stage ${ranks.map(() => 'when ? then ?').join(' ')} end`
  const where = provinceFilter(scope, 'p.province_code')
  return (await statement(
    db,
    `with province_region(province, region) as (${map})
       select pr.region as region, f.step as step, count(*) as people from (
         select cs.person_id as person_id, max(${rankCase}) as step
         from certification_stages cs ${scope ? `join people p on p.id = cs.person_id${where.sql}` : ''}
         group by cs.person_id
       ) f
       join people p2 on p2.id = f.person_id
       left join province_region pr on pr.province = p2.province_code
       group by pr.region, f.step`,
  ).all(...pairs.flat(), ...ranks.flat(), ...where.args)) as { region: string | null; step: number; people: number }[]
}

async function referenceOutboxPerDay(db: Db, scope: ConsoleScope, firstDay: number, lastDay: number): Promise<OutboxDayCount[]> {
  const where = provinceFilter(scope, 'province_code')
  const rows = (await statement(
    db,
    `select (o.due_at + cast(@offset as integer)) / ${DAY} as day, o.channel, o.kind = 'reminder' as reminder, o.status, count(*) as count
       from outbox o
       where o.due_at >= @from and o.due_at < @to and o.status in ('sent', 'late', 'failed', 'unknown', 'skipped')
       ${scope ? `and o.person_id in (select id from people where 1${where.sql})` : ''}
       group by day, o.channel, reminder, o.status`,
  ).all(...where.args, { from: firstDay * DAY - WIB, to: (lastDay + 1) * DAY - WIB, offset: WIB })) as (Omit<
    OutboxDayCount,
    'reminder'
  > & { reminder: number })[]
  return rows.map((r) => ({ ...r, reminder: r.reminder === 1 }))
}

async function referenceChatsPerChannel(db: Db, scope: ConsoleScope, since: number) {
  const where = provinceFilter(scope, 'p.province_code')
  const linked = scope
    ? `and exists (select 1 from channel_identities ci join people p on p.id = ci.person_id
         where ci.channel = c.channel and ci.chat_id = c.chat_id${where.sql})`
    : ''
  return await statement(
    db,
    `select c.channel, count(*) as total, sum(c.updated_at >= @since) as active
       from conversation_states c where 1 ${linked} group by c.channel order by c.channel`,
  ).all(...where.args, { since })
}

const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort()

/** Every scope the console has (all, each region) and a region serving no province. */
async function scopes(db: Db): Promise<ConsoleScope[]> {
  const regions = await consoleRegions(db)
  return [null, ...regions, { id: 999, code: 'R9', name: 'Tanpa provinsi', provinces: [] }]
}

/** The kept answers equal the reference, for every scope, over a range wider than the data. */
async function expectSameAsReference(db: Db): Promise<void> {
  const regions = await consoleRegions(db)
  for (const scope of await scopes(db)) {
    const label = scope?.code ?? 'all'
    expect(await peoplePerStage(db, scope), label).toEqual(await referencePeoplePerStage(db, scope))
    expect(sorted(await furthestStepPerRegion(db, regions, scope, RANK)), label).toEqual(
      sorted((await referenceFurthestStep(db, regions, scope)).filter((r) => r.step !== null)),
    )
    expect(await chatsPerChannel(db, scope, new Date(MIDNIGHT - DAY)), label).toEqual(
      await referenceChatsPerChannel(db, scope, MIDNIGHT - DAY),
    )
    for (const [first, last] of [
      [TODAY - 40, TODAY + 40],
      [TODAY - 1, TODAY],
      [TODAY, TODAY],
    ] as const) {
      expect(sorted(await outboxPerDay(db, scope, first, last)), `${label} ${first}–${last}`).toEqual(
        sorted(await referenceOutboxPerDay(db, scope, first, last)),
      )
    }
  }
}

/** Each person's kept stage and stage set, as worked out from their history. */
async function keptVersusHistory(db: Db) {
  const rows = (await statement(
    db,
    'select id, current_stage as stage, stages_reached as reached from people order by id',
  ).all()) as { id: number; stage: string | null; reached: number }[]
  const history = (await statement(
    db,
    'select person_id as id, stage from certification_stages order by reached_at, id',
  ).all()) as {
    id: number
    stage: CertificationStage
  }[]
  const expected = rows.map(({ id }) => {
    const own = history.filter((h) => h.id === id)
    const reached = own.reduce((bits, h) => bits | (1 << CERTIFICATION_STAGES.indexOf(h.stage)), 0)
    return { id, stage: own.at(-1)?.stage ?? null, reached }
  })
  return { kept: rows, expected }
}

async function expectKept(db: Db): Promise<void> {
  const { kept, expected } = await keptVersusHistory(db)
  expect(kept).toEqual(expected)
  await expectSameAsReference(db)
}

// ---- A varied dataset. ----

async function freshDb(): Promise<Db> {
  const db = openDatabase(':memory:')
  await ensureReferenceData(db)
  return db
}

type Ids = { r1: number; r2: number; r2b: number; none: number; stray: number; idle: number }

/**
 * People in R1 (13), R2 (32, twice), with no province, with a province of no region (99) and one
 * with no stage; histories written out of order and with ties on reached_at; chats linked or not;
 * outbox rows with and without a person, on both sides of midnight WIB, every channel, reminders and
 * others, every status. `beforeUnknown`: as a release before migration 0016 wrote a send a crash
 * interrupted (failed, "outcome unknown: …"), which that migration turns into `unknown`.
 */
function load(db: Db, beforeUnknown = false): Ids {
  const sql = db.$client
  const person = sql.prepare('insert into people (full_name, province_code) values (?, ?)')
  const add = (name: string, province: string | null) => Number(person.run(name, province).lastInsertRowid)
  const ids: Ids = {
    r1: add('Citra', '13'),
    r2: add('Ani', '32'),
    r2b: add('Bayu', '32'),
    none: add('Eka', null),
    stray: add('Fajar', '99'),
    idle: add('Gita', '31'),
  }
  const stage = sql.prepare('insert into certification_stages (person_id, stage, reached_at) values (?, ?, ?)')
  // Later stage written first, earlier reached_at later (out of order).
  stage.run(ids.r1, 'kompeten', MIDNIGHT - 5 * DAY)
  stage.run(ids.r1, 'terdaftar', MIDNIGHT - 50 * DAY)
  stage.run(ids.r1, 'belum_kompeten', MIDNIGHT - 9 * DAY)
  // A tie on reached_at: the later row is current.
  stage.run(ids.r2, 'terdaftar', MIDNIGHT - 20 * DAY)
  stage.run(ids.r2, 'bimtek', MIDNIGHT - 3 * DAY)
  stage.run(ids.r2, 'seleksi_administrasi', MIDNIGHT - 3 * DAY)
  stage.run(ids.r2b, 'sertifikat_terbit', MIDNIGHT - 30 * DAY)
  stage.run(ids.r2b, 'kedaluwarsa', MIDNIGHT - DAY)
  stage.run(ids.none, 'terdaftar', MIDNIGHT - 2 * DAY)
  stage.run(ids.stray, 'ujian_kognitif', MIDNIGHT - 2 * DAY)
  stage.run(ids.stray, 'portofolio', MIDNIGHT - 2 * DAY)

  // Chats: linked to people of every kind (one person with two accounts in one chat), and one unlinked.
  const chat = sql.prepare('insert into conversation_states (channel, chat_id, updated_at) values (?, ?, ?)')
  const account = sql.prepare('insert into channel_identities (channel, user_id, chat_id, person_id) values (?, ?, ?, ?)')
  const chats = [
    ['telegram', 't1', ids.r1, MIDNIGHT],
    ['whatsapp', 'w1', ids.r2, MIDNIGHT - 3 * DAY],
    ['whatsapp', 'w2', ids.r2b, MIDNIGHT - 1],
    ['telegram', 't2', ids.none, MIDNIGHT],
    ['whatsapp', 'w3', ids.stray, MIDNIGHT],
    ['telegram', 't3', null, MIDNIGHT],
  ] as const
  for (const [channel, chatId, personId, updatedAt] of chats) {
    chat.run(channel, chatId, updatedAt)
    account.run(channel, `u-${chatId}`, chatId, personId)
  }
  account.run('whatsapp', 'u-w1-lid', 'w1', ids.r2)

  const message = sql.prepare(
    `insert into outbox (idempotency_key, channel, chat_id, person_id, kind, payload, due_at, status, last_error)
     values (?, ?, 'c', ?, ?, '{}', ?, ?, ?)`,
  )
  const owners = [ids.r1, ids.r2, ids.r2b, ids.none, ids.stray, ids.idle, null]
  const statuses = schema.OUTBOX_STATUSES
  const offsets = [-DAY, -1, 0, 1, 3_600_000, DAY - 1, DAY, 17 * 3_600_000, -30 * DAY]
  let n = 0
  for (const owner of owners)
    for (const offset of offsets) {
      n++
      const status = statuses[n % statuses.length]
      const old = beforeUnknown && status === 'unknown'
      message.run(
        `k${n}`,
        n % 3 === 0 ? 'telegram' : n % 3 === 1 ? 'whatsapp' : 'console',
        owner,
        n % 4 === 0 ? 'seat_offer' : 'reminder',
        MIDNIGHT + offset,
        old ? 'failed' : status,
        old ? 'outcome unknown: the process stopped while sending' : null,
      )
    }
  return ids
}

describe('the dashboard read from kept counts', () => {
  it('answers as the queries it replaced on a varied dataset', async () => {
    const db = await freshDb()
    load(db)
    expect(await statement(db, 'select count(*) as n from outbox_days where count > 0').get()).not.toEqual({ n: 0 })
    await expectKept(db)
  })

  it('keeps the current stage and stages reached after every kind of write to certification_stages', async () => {
    const db = await freshDb()
    const ids = load(db)
    const sql = db.$client
    const latest = (personId: number) =>
      (
        sql.prepare('select id from certification_stages where person_id = ? order by id desc limit 1').get(personId) as {
          id: number
        }
      ).id

    // Insert: an earlier stage written late is not current; one on a tie is.
    sql
      .prepare('insert into certification_stages (person_id, stage, reached_at) values (?, ?, ?)')
      .run(ids.idle, 'bimtek', MIDNIGHT)
    sql
      .prepare('insert into certification_stages (person_id, stage, reached_at) values (?, ?, ?)')
      .run(ids.idle, 'terdaftar', MIDNIGHT - DAY)
    sql
      .prepare('insert into certification_stages (person_id, stage, reached_at) values (?, ?, ?)')
      .run(ids.idle, 'wawancara', MIDNIGHT)
    await expectKept(db)

    // Update of reached_at: the tie-winner moved back, the other becomes current.
    sql.prepare('update certification_stages set reached_at = ? where id = ?').run(MIDNIGHT - 10 * DAY, latest(ids.idle))
    await expectKept(db)
    // Update of the stage itself (a correction), and of a note only.
    sql.prepare('update certification_stages set stage = ? where id = ?').run('sertifikat_terbit', latest(ids.r2))
    sql.prepare("update certification_stages set note = 'dikoreksi' where person_id = ?").run(ids.r1)
    await expectKept(db)
    // Update of person_id: a row moved from one person to another.
    sql.prepare('update certification_stages set person_id = ? where id = ?').run(ids.none, latest(ids.r2b))
    await expectKept(db)

    // Delete: the current row (the previous one becomes current), then the last one (none left).
    sql.prepare('delete from certification_stages where id = ?').run(latest(ids.r1))
    await expectKept(db)
    sql.prepare('delete from certification_stages where person_id = ?').run(ids.stray)
    await expectKept(db)
    expect(
      sql.prepare('select current_stage as stage, stages_reached as reached from people where id = ?').get(ids.stray),
    ).toEqual({
      stage: null,
      reached: 0,
    })
  })

  it('keeps the outbox counts after inserts, changes of status, day, channel, kind and person, and deletes', async () => {
    const db = await freshDb()
    const ids = load(db)
    const sql = db.$client
    sql
      .prepare(
        `insert into outbox (idempotency_key, channel, chat_id, person_id, kind, payload, due_at)
         values ('new', 'whatsapp', 'c', ?, 'reminder', '{}', ?)`,
      )
      .run(ids.r2, MIDNIGHT + 2 * 3_600_000)
    await expectKept(db)
    // The delivery's path: pending → queued → claimed → sent (and a retry back to pending).
    for (const status of ['queued', 'claimed', 'pending', 'claimed', 'late'])
      sql.prepare("update outbox set status = ? where idempotency_key = 'new'").run(status)
    await expectKept(db)
    sql.prepare("update outbox set due_at = due_at - 3 * 3600000 where idempotency_key = 'new'").run()
    await expectKept(db)
    sql.prepare("update outbox set channel = 'telegram', kind = 'seat_offer' where idempotency_key = 'new'").run()
    await expectKept(db)
    sql.prepare("update outbox set person_id = ? where idempotency_key = 'new'").run(ids.r1)
    sql.prepare("update outbox set person_id = null where idempotency_key = 'k1'").run()
    await expectKept(db)
    // Failed ones tried again (back to waiting, out of the counts), one failing for good.
    sql.prepare("update outbox set status = 'pending' where status = 'failed' and person_id = ?").run(ids.r1)
    sql.prepare("update outbox set status = 'failed' where idempotency_key = 'new'").run()
    await expectKept(db)
    // A send a crash interrupted: claimed → unknown (counted apart), then sent again by staff as a new row.
    sql.prepare("update outbox set status = 'claimed' where idempotency_key = 'new'").run()
    sql.prepare("update outbox set status = 'unknown' where idempotency_key = 'new'").run()
    await expectKept(db)
    // Many rows at once, as a reminders re-plan or the retention job does.
    sql.prepare("update outbox set status = 'cancelled' where person_id = ? and status = 'pending'").run(ids.r2b)
    sql.prepare('delete from outbox where due_at < ?').run(MIDNIGHT - DAY)
    sql.prepare("delete from outbox where idempotency_key = 'new'").run()
    await expectKept(db)
  })

  it("moves a person's messages with them when their province changes, and counts none after they are erased", async () => {
    const db = await freshDb()
    const ids = load(db)
    const sql = db.$client
    sql.prepare("update people set province_code = '13' where id = ?").run(ids.r2)
    await expectKept(db)
    sql.prepare('update people set province_code = null where id = ?').run(ids.r2b)
    sql.prepare("update people set province_code = '32' where id = ?").run(ids.none)
    await expectKept(db)
    // "Hapus data": the erasure deletes the person with their history and messages.
    await transaction(db, (tx) => deletePerson(tx, ids.r1, new Date(MIDNIGHT), 'test'))
    await expectKept(db)
    // A person removed by a plain delete (their messages go by the cascade) is counted out too.
    sql.prepare('delete from people where id = ?').run(ids.stray)
    await expectKept(db)
    expect(sql.prepare('select count(*) as n from outbox_days where count < 0').get()).toEqual({ n: 0 })
  })
})

describe('migration 0012 (the kept counts) on a database that has data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kesos-migration-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('fills the kept counts from the stages and messages already there', async () => {
    // The migrations before this one, as a database made before it has them.
    const { sqlite, path } = databaseBefore(dir, '_console_dashboard_counts')
    expect(sqlite.prepare("select count(*) as n from pragma_table_info('people') where name = 'current_stage'").get()).toEqual({
      n: 0,
    })
    const old = drizzle(sqlite, { schema }) as unknown as Db
    await ensureReferenceData(old)
    load(old, true)
    sqlite.close()

    const db = openDatabase(path)
    const counted = await statement(db, 'select count(*) as n from people where current_stage is not null').get()
    expect(counted).toEqual({ n: 5 })
    // The sends a crash interrupted are `unknown` now, counted apart from failed (migration 0016).
    expect(await statement(db, "select count(*) as n from outbox where status = 'unknown'").get()).toEqual({ n: 7 })
    await expectKept(db)
    db.$client.close()
  })
})
