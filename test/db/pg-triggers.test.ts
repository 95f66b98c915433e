/**
 * The PostgreSQL triggers (plpgsql, migrations/pg/0000_baseline.sql) keep the same counts as the
 * SQLite ones (migrations 0012, 0015, 0016): the same writes, in raw SQL both engines take, are played
 * on a migrated in-memory SQLite and a migrated PostgreSQL database, and after every step the tables
 * the triggers keep are compared: outbox_days, outbox_cap_days, people's current stage and stages
 * reached, announcement_recipients' outcomes, and the outbox rows left (a person's deletion takes
 * theirs first). The writes reach every trigger, and every path inside them: each status counted and
 * not, several rows in one statement (PostgreSQL fires row triggers at the end of the statement,
 * SQLite after each row), keys that move (status, day, channel, kind, person), provinces that change
 * to and from none, people deleted with their messages, stages and report rows, and an announcement
 * key that is not a number.
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Db, openDatabase, statement } from '../../src/db/client.js'
import { migratedPostgres } from '../support/postgres.js'

let postgres: Awaited<ReturnType<typeof migratedPostgres>>
let client: pg.Client
let sqlite: Db

beforeAll(async () => {
  postgres = await migratedPostgres()
  client = postgres.client
  // Counts the calls of the trigger functions, to show every trigger fired (not only that both stayed empty).
  await client.query("SET track_functions = 'pl'")
  sqlite = openDatabase(':memory:')
}, 60_000)

afterAll(async () => {
  sqlite?.$client.close()
  await postgres?.stop()
})

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** 2026-11-23 00:00 WIB, in ms: the WIB day boundary, so ±1 ms moves a message to another day's count. */
const T = Date.UTC(2026, 10, 22, 17)

/** An outbox row's columns with the ones these steps vary; the rest are filler. */
function outboxRow(o: {
  id: number
  channel: 'telegram' | 'whatsapp'
  person: number | null
  kind: string
  status: string
  dueAt: number
  eventKey?: string
  chat?: string
}): string {
  const text = (value: string | undefined) => (value === undefined ? 'NULL' : `'${value}'`)
  return `(${o.id}, 'key-${o.id}', '${o.channel}', '${o.chat ?? `chat-${o.person ?? 0}`}', ${o.person ?? 'NULL'}, '${o.kind}', ${text(o.eventKey)}, '{}', ${o.dueAt}, '${o.status}')`
}
const INSERT_OUTBOX =
  'INSERT INTO outbox (id, idempotency_key, channel, chat_id, person_id, kind, event_key, payload, due_at, status) VALUES'

/** The writes, in order; each step is one or more statements the two engines both take as written. */
const STEPS: { step: string; sql: string }[] = [
  {
    step: 'people in two provinces, one without',
    sql: `INSERT INTO people (id, full_name, province_code) VALUES (1, 'Ani', '31'), (2, 'Budi', '32'), (3, 'Citra', NULL), (4, 'Dewi', '31'), (5, 'Eko', '73')`,
  },
  {
    step: 'stages, several in one statement, out of time order, with a tie on the time',
    sql: `INSERT INTO certification_stages (id, person_id, stage, reached_at) VALUES
      (1, 1, 'terdaftar', ${T - 10 * DAY}), (2, 1, 'bimtek', ${T - 2 * DAY}), (3, 1, 'seleksi_administrasi', ${T - 5 * DAY}),
      (4, 2, 'terdaftar', ${T}), (5, 2, 'seleksi_administrasi', ${T}), (6, 4, 'kompeten', ${T}), (7, 5, 'terdaftar', ${T})`,
  },
  {
    step: 'a stage added alone',
    sql: `INSERT INTO certification_stages (id, person_id, stage, reached_at) VALUES (8, 3, 'ujian_kognitif', ${T})`,
  },
  { step: 'a stage renamed', sql: "UPDATE certification_stages SET stage = 'wawancara' WHERE id = 2" },
  { step: 'a stage moved earlier in time', sql: `UPDATE certification_stages SET reached_at = ${T - 20 * DAY} WHERE id = 2` },
  { step: 'a stage moved to another person', sql: 'UPDATE certification_stages SET person_id = 2 WHERE id = 3' },
  { step: 'a stage note changed (no trigger)', sql: "UPDATE certification_stages SET note = 'catatan' WHERE id = 4" },
  { step: 'a stage deleted', sql: 'DELETE FROM certification_stages WHERE id = 5' },
  {
    step: "several people's stages in one statement",
    sql: `UPDATE certification_stages SET reached_at = reached_at + 1 WHERE person_id IN (1, 2)`,
  },
  {
    step: 'outbox rows in every status, both channels, with and without a person or province, several in one statement',
    sql: `${INSERT_OUTBOX} ${[
      outboxRow({ id: 1, channel: 'telegram', person: 1, kind: 'reminder', status: 'pending', dueAt: T }),
      outboxRow({ id: 2, channel: 'telegram', person: 1, kind: 'reminder', status: 'sent', dueAt: T }),
      outboxRow({ id: 3, channel: 'telegram', person: 1, kind: 'reminder', status: 'sent', dueAt: T + HOUR }),
      outboxRow({ id: 4, channel: 'whatsapp', person: 1, kind: 'offer', status: 'late', dueAt: T - 1 }),
      outboxRow({ id: 5, channel: 'whatsapp', person: 2, kind: 'reminder', status: 'failed', dueAt: T }),
      outboxRow({ id: 6, channel: 'whatsapp', person: 3, kind: 'reminder', status: 'unknown', dueAt: T + DAY }),
      outboxRow({ id: 7, channel: 'telegram', person: null, kind: 'status', status: 'skipped', dueAt: T }),
      outboxRow({ id: 8, channel: 'telegram', person: 2, kind: 'reminder', status: 'cancelled', dueAt: T }),
      outboxRow({ id: 9, channel: 'whatsapp', person: 4, kind: 'reminder', status: 'queued', dueAt: T }),
      outboxRow({ id: 10, channel: 'whatsapp', person: 4, kind: 'reminder', status: 'sent', dueAt: T }),
      outboxRow({ id: 11, channel: 'telegram', person: 4, kind: 'offer', status: 'claimed', dueAt: T }),
      outboxRow({ id: 12, channel: 'telegram', person: 5, kind: 'reminder', status: 'pending', dueAt: T }),
      outboxRow({ id: 13, channel: 'telegram', person: 5, kind: 'reminder', status: 'pending', dueAt: T + 2 * DAY }),
      outboxRow({ id: 15, channel: 'telegram', person: 3, kind: 'reminder', status: 'sent', dueAt: T + 5 * HOUR }),
      outboxRow({ id: 16, channel: 'telegram', person: 3, kind: 'reminder', status: 'sent', dueAt: T + 6 * HOUR }),
    ].join(', ')}`,
  },
  {
    step: 'one counted row alone',
    sql: `${INSERT_OUTBOX} ${outboxRow({ id: 14, channel: 'telegram', person: 1, kind: 'reminder', status: 'sent', dueAt: T + 3 * HOUR })}`,
  },
  { step: 'a pending row sent', sql: `UPDATE outbox SET status = 'sent', sent_at = ${T} WHERE id = 1` },
  { step: 'a sent row failed', sql: `UPDATE outbox SET status = 'failed', last_error = 'boom' WHERE id = 2` },
  {
    step: 'a failed row back to pending for a retry (counted out)',
    sql: `UPDATE outbox SET status = 'pending', attempts = 1 WHERE id = 5`,
  },
  { step: 'a counted row moved to the next day', sql: `UPDATE outbox SET due_at = ${T + DAY} WHERE id = 3` },
  { step: 'a counted row moved to another channel', sql: "UPDATE outbox SET channel = 'whatsapp' WHERE id = 14" },
  { step: 'a counted row from reminder to another kind', sql: "UPDATE outbox SET kind = 'offer' WHERE id = 10" },
  { step: 'a counted row to another person in another province', sql: 'UPDATE outbox SET person_id = 2 WHERE id = 4' },
  { step: 'a counted row to no person', sql: 'UPDATE outbox SET person_id = NULL WHERE id = 6' },
  {
    step: 'a counted row updated without a change of key (no trigger)',
    sql: "UPDATE outbox SET status = 'sent', attempts = 3 WHERE id = 14",
  },
  { step: 'several rows sent in one statement', sql: `UPDATE outbox SET status = 'sent', sent_at = ${T} WHERE person_id = 5` },
  { step: 'an uncounted row deleted', sql: 'DELETE FROM outbox WHERE id = 8' },
  { step: 'a counted row deleted', sql: 'DELETE FROM outbox WHERE id = 7' },
  { step: "a person's province changed", sql: "UPDATE people SET province_code = '33' WHERE id = 1" },
  { step: "a person's province removed", sql: 'UPDATE people SET province_code = NULL WHERE id = 2' },
  { step: 'a province given to a person without one', sql: "UPDATE people SET province_code = '31' WHERE id = 3" },
  { step: "a person's name changed (no trigger)", sql: "UPDATE people SET full_name = 'Ani S.' WHERE id = 1" },
  { step: 'several provinces in one statement', sql: "UPDATE people SET province_code = '35' WHERE id IN (1, 5)" },
  {
    step: 'an announcement with its report rows',
    sql: `INSERT INTO announcements (id, code, actor, criteria, text_id, dedupe_key) VALUES (1, 'PGM-1', 'cli', '{}', 'Halo', 'k1'), (2, 'PGM-2', 'cli', '{}', 'Halo lagi', 'k2');
      INSERT INTO announcement_recipients (announcement_id, person_id, channel, chat_id, reach) VALUES
        (1, 1, 'telegram', 'chat-1', 'queued'), (1, 2, 'whatsapp', 'chat-2', 'queued'), (1, 3, 'whatsapp', 'chat-3', 'queued'),
        (1, 4, 'whatsapp', 'chat-4', 'queued'), (1, 5, 'whatsapp', 'chat-5', 'queued'), (1, 5, '', '', 'no_chat'),
        (2, 2, 'whatsapp', 'chat-2', 'queued'), (2, 3, 'whatsapp', 'chat-3', 'queued')`,
  },
  {
    step: "the announcements' outbox rows queued",
    sql: `${INSERT_OUTBOX} ${[
      outboxRow({
        id: 21,
        channel: 'telegram',
        person: 1,
        kind: 'announcement',
        status: 'queued',
        dueAt: T,
        eventKey: 'announcement:1',
      }),
      outboxRow({
        id: 22,
        channel: 'whatsapp',
        person: 2,
        kind: 'announcement',
        status: 'queued',
        dueAt: T,
        eventKey: 'announcement:1',
      }),
      outboxRow({
        id: 23,
        channel: 'whatsapp',
        person: 3,
        kind: 'announcement',
        status: 'queued',
        dueAt: T,
        eventKey: 'announcement:1',
      }),
      outboxRow({
        id: 24,
        channel: 'whatsapp',
        person: 4,
        kind: 'announcement',
        status: 'queued',
        dueAt: T,
        eventKey: 'announcement:1',
      }),
      outboxRow({
        id: 25,
        channel: 'whatsapp',
        person: 5,
        kind: 'announcement',
        status: 'pending',
        dueAt: T,
        eventKey: 'announcement:1',
      }),
      outboxRow({
        id: 26,
        channel: 'whatsapp',
        person: 2,
        kind: 'announcement',
        status: 'queued',
        dueAt: T,
        eventKey: 'announcement:2',
      }),
      outboxRow({
        id: 27,
        channel: 'whatsapp',
        person: 3,
        kind: 'announcement',
        status: 'queued',
        dueAt: T,
        eventKey: 'announcement:x',
      }),
    ].join(', ')}`,
  },
  {
    step: 'WhatsApp sends started: two on one WIB day in one statement, one each on the days before and after; Telegram not capped',
    sql: `UPDATE outbox SET status = 'claimed', claimed_at = ${T + HOUR} WHERE id IN (21, 22, 23);
      UPDATE outbox SET status = 'claimed', claimed_at = ${T - 1} WHERE id = 24;
      UPDATE outbox SET status = 'claimed', claimed_at = ${T + DAY} WHERE id = 26`,
  },
  {
    step: 'a send started from pending (not capped)',
    sql: `UPDATE outbox SET status = 'claimed', claimed_at = ${T} WHERE id = 25`,
  },
  {
    step: 'a claimed row with a key that is not a number',
    sql: `UPDATE outbox SET status = 'claimed', claimed_at = ${T} WHERE id = 27`,
  },
  {
    step: 'announcement rows reach their outcomes',
    sql: `UPDATE outbox SET status = 'sent', sent_at = ${T + 2 * HOUR} WHERE id = 21;
      UPDATE outbox SET status = 'skipped', last_error = 'the person blocked the assistant' WHERE id = 22;
      UPDATE outbox SET status = 'skipped', last_error = 'too late' WHERE id = 23;
      UPDATE outbox SET status = 'failed', last_error = 'timeout' WHERE id = 24;
      UPDATE outbox SET status = 'unknown', last_error = 'dispatcher gone' WHERE id IN (25, 26, 27)`,
  },
  {
    step: 'a failed announcement row retried (its outcome stays)',
    sql: "UPDATE outbox SET status = 'pending', last_error = NULL WHERE id = 24",
  },
  { step: 'then sent late', sql: `UPDATE outbox SET status = 'late', sent_at = ${T + 3 * DAY} WHERE id = 24` },
  { step: 'an announcement row cancelled', sql: "UPDATE outbox SET status = 'cancelled' WHERE id = 25" },
  {
    step: 'a person deleted: their messages counted out under their province, stages and report rows gone',
    sql: 'DELETE FROM people WHERE id = 4',
  },
  { step: 'two people deleted in one statement', sql: 'DELETE FROM people WHERE id IN (2, 5)' },
]

/** What the triggers keep, read the same way on both engines. */
const KEPT: Record<string, string> = {
  outbox_days:
    'SELECT day, province_code, channel, reminder, status, count FROM outbox_days ORDER BY day, province_code, channel, reminder, status',
  outbox_cap_days: 'SELECT channel, day, count FROM outbox_cap_days ORDER BY channel, day',
  people: 'SELECT id, province_code, current_stage, stages_reached FROM people ORDER BY id',
  announcement_recipients:
    'SELECT announcement_id, person_id, channel, chat_id, outcome, reason, sent_at FROM announcement_recipients ORDER BY announcement_id, person_id, channel, chat_id',
  outbox: 'SELECT id, person_id, status FROM outbox ORDER BY id',
  certification_stages: 'SELECT id, person_id, stage FROM certification_stages ORDER BY id',
}

/** Values as text: PostgreSQL's bigint columns arrive as strings, SQLite's integers as numbers. */
const normalised = (rows: Record<string, unknown>[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null ? null : String(value)])))

async function keptOnBoth(): Promise<{ sqlite: Record<string, unknown>; postgres: Record<string, unknown> }> {
  const onSqlite: Record<string, unknown> = {}
  const onPostgres: Record<string, unknown> = {}
  for (const [table, query] of Object.entries(KEPT)) {
    onSqlite[table] = normalised((await statement(sqlite, query).all()) as Record<string, unknown>[])
    onPostgres[table] = normalised((await client.query(query)).rows)
  }
  return { sqlite: onSqlite, postgres: onPostgres }
}

/** Calls per trigger function since the start, once the server's statistics show this session's. */
async function triggerFunctionCalls(names: string[]): Promise<Record<string, number>> {
  // PostgreSQL 15 and later publish a session's counts on request; earlier ones within about half a second.
  await client.query('SELECT pg_stat_force_next_flush()').catch(() => undefined)
  for (let tries = 0; ; tries++) {
    const { rows } = await client.query<{ name: string; calls: string }>(
      'SELECT funcname::text AS name, calls FROM pg_stat_user_functions WHERE funcname::text = ANY ($1)',
      [names],
    )
    const calls = Object.fromEntries(names.map((name) => [name, Number(rows.find((row) => row.name === name)?.calls ?? 0)]))
    if (Object.values(calls).every((count) => count > 0) || tries >= 20) return calls
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

describe('the PostgreSQL triggers', () => {
  it('keep the same counts, stages and report outcomes as the SQLite ones, step by step', async () => {
    for (const { step, sql } of STEPS) {
      sqlite.$client.exec(sql)
      await client.query(sql)
      const kept = await keptOnBoth()
      expect(kept.postgres, `after: ${step}`).toEqual(kept.sqlite)
    }

    // The writes reached every trigger (the function of each PostgreSQL trigger bears its name).
    const { rows } = await client.query<{ name: string }>(
      "SELECT tgname::text AS name FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN ('outbox'::regclass, 'people'::regclass, 'certification_stages'::regclass)",
    )
    const names = rows.map((row) => row.name).sort()
    expect(names).toHaveLength(10)
    const calls = await triggerFunctionCalls(names)
    expect(Object.keys(calls).filter((name) => !calls[name])).toEqual([])

    // And what they kept is what the dashboard, the cap and the report need, not only equal.
    const kept = (await keptOnBoth()).sqlite
    const day = (T + 7 * HOUR) / DAY
    expect(kept.outbox_cap_days).toEqual([
      { channel: 'whatsapp', day: String(day - 1), count: '1' },
      { channel: 'whatsapp', day: String(day), count: '3' },
      { channel: 'whatsapp', day: String(day + 1), count: '1' },
    ])
    expect(kept.announcement_recipients).toContainEqual(
      expect.objectContaining({ announcement_id: '1', person_id: '3', outcome: 'skipped', reason: 'too late' }),
    )
    expect(kept.people).toEqual([
      { id: '1', province_code: '35', current_stage: 'terdaftar', stages_reached: String(1 + 32) },
      { id: '3', province_code: '31', current_stage: 'ujian_kognitif', stages_reached: '8' },
    ])
    expect((kept.outbox_days as { count: string }[]).some((row) => Number(row.count) > 1)).toBe(true)
  })
})
