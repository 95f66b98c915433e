/**
 * Reminder delivery at the size of a national exam week.
 *
 * Claim: a WAL file holding 100,000 due pending Telegram reminders (distinct chats, real reminder
 * texts of about 600 bytes, people in WIB, WITA and WIT), 100,000 not yet due and 50,000 already
 * sent; timed: what a delivery run does before it sends, for all 100,000 at once: the quiet-hours
 * zones found as deliver() finds them, `claimBatch` (one write transaction) and `interleaveByChat`.
 * Every due row must then be queued and no other row touched. Three rounds, each on a new file;
 * the median is reported.
 *
 * Pace: `deliver()` of an outbox built from the configuration (`outboxSettingsOf`) with the real
 * clock, against senders that record the real time of each send: Telegram at 25 a second overall
 * and 1 a second per chat (300 chats with one message, 5 with three), WhatsApp at 60 ms plus up to
 * 40 ms of jitter (150 chats), both at once. Reported: |achieved − configured| / configured per
 * channel (first send to last) and the larger of the two, and for Telegram also over each chat's
 * first message only (the three-message chats' later messages come last, where their 1-second gap
 * holds the channel back); a chat that got two messages less than its interval apart fails the
 * group.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { type Config, loadConfig } from '../../src/config.js'
import { createOutbox } from '../../src/core/outbox.js'
import { averageRate, interleaveByChat } from '../../src/core/pacer.js'
import type { ReminderEvent } from '../../src/core/reminders/events.js'
import { reminderReply } from '../../src/core/reminders/message.js'
import { quietZonesAt } from '../../src/core/reminders/outbox-config.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase, closeStore, type Db, openDatabase, statement } from '../../src/db/client.js'
import { claimBatch } from '../../src/db/queries/outbox.js'
import { outboxSettingsOf } from '../../src/settings.js'
import type { Channel } from '../../src/vocabulary/message.js'
import type { BenchGroup } from '../group.js'
import { seeded } from '../seeded-random.js'

const DUE = 100_000
const LATER = 100_000
const SENT = 50_000
const ROUNDS = 3
/** 10:00 WIB, 11:00 WITA, 12:00 WIT: no zone is in its quiet hours, so every due reminder goes. */
const NOW = new Date('2026-11-23T03:00:00Z')
const ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'] as const
const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
/** Marks every row as loaded, so a row the claim touched by mistake shows. */
const LOADED_AT = NOW.getTime() - DAY

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

/** A real reminder text (an exam in person, in the reader's zone): about 600 bytes of JSON. */
function payload(i: number, zone: string, startsAt: Date): string {
  const event: ReminderEvent = {
    key: `exam:${i}`,
    kind: 'ujian_kognitif',
    startsAt,
    timeZone: zone,
    code: `UJK-${String(i).padStart(6, '0')}`,
    mode: 'tatap_muka',
    venue: 'BBPPKS Makassar, Jl. Perintis Kemerdekaan Km. 11, Tamalanrea',
    preparation: null,
  }
  return JSON.stringify(reminderReply(event, '1d', 'id', 'telegram', zone, new Date(startsAt.getTime() - DAY)))
}

/** The three kinds of rows, in one transaction; returns the id range of the due ones. */
function load(db: Db): { firstDue: number; lastDue: number; payloadBytes: number } {
  const insert = db.$client.prepare(
    `INSERT INTO outbox (idempotency_key, channel, chat_id, kind, event_key, label, time_zone, payload, due_at, expires_at,
       status, sent_at, created_at, updated_at)
     VALUES (?, 'telegram', ?, 'reminder', ?, '1d', ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  // A few texts reused: building 250,000 would time the message builder, not the database.
  const texts = ZONES.map((zone, z) => payload(z, zone, new Date(NOW.getTime() + DAY)))
  let firstDue = 0
  let lastDue = 0
  db.$client.transaction(() => {
    const row = (i: number, status: 'pending' | 'sent', dueAt: number) => {
      const z = i % ZONES.length
      const id = insert.run(
        `bench:${i}`,
        String(100_000_000 + i),
        `exam:${i}`,
        ZONES[z],
        texts[z],
        dueAt,
        dueAt + DAY,
        status,
        status === 'sent' ? dueAt : null,
        LOADED_AT,
        LOADED_AT,
      ).lastInsertRowid
      return Number(id)
    }
    let i = 0
    // Sent ones first and pending later ones interleaved with the due ones, so the index has work.
    for (let k = 0; k < SENT; k++) row(i++, 'sent', NOW.getTime() - (1 + (k % 30)) * DAY)
    for (let k = 0; k < DUE; k++) {
      const id = row(i++, 'pending', NOW.getTime() - (k % 300) * MINUTE)
      if (k === 0) firstDue = id
      lastDue = id
      row(i++, 'pending', NOW.getTime() + (1 + (k % 10_000)) * MINUTE)
    }
  })()
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  return { firstDue, lastDue, payloadBytes: Buffer.byteLength(texts[0] ?? '') }
}

export type ClaimRound = {
  seconds: number
  payloadBytes: number
  split: Record<'zones' | 'claim' | 'interleave', number>
}

/**
 * One round on a new file: the seconds the claim took, after checking it. With `elsewhere`, the
 * loaded file is first moved into another store (PostgreSQL: the `postgres` group) and the claim
 * runs there; it closes that store.
 */
export async function claimRound(elsewhere?: (file: Db) => Promise<Db>): Promise<ClaimRound> {
  const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-reminders-'))
  const file = openDatabase(join(dir, 'kesos.db'))
  let db = file
  try {
    const { firstDue, lastDue, payloadBytes } = load(file)
    if (elsewhere) db = await elsewhere(file)
    const started = performance.now()
    const quiet = await quietZonesAt(db, NOW, DEFAULT_REMINDER_SETTINGS.quiet)
    const zonesAt = performance.now()
    const rows = await claimBatch(db, { channel: 'telegram', now: NOW, limit: DUE, token: randomUUID(), owner: 'bench', quiet })
    const claimedAt = performance.now()
    const ordered = interleaveByChat(rows)
    const seconds = (performance.now() - started) / 1000
    const split = { zones: zonesAt - started, claim: claimedAt - zonesAt, interleave: performance.now() - claimedAt }

    if (ordered.length !== DUE) throw new Error(`claimed ${ordered.length} rows, expected ${DUE}`)
    const count = async (sql: string, ...args: number[]) => ((await statement(db, sql).get(...args)) as { n: number }).n
    // The due rows are every other id in [firstDue, lastDue]; the later ones the others.
    const queued = await count(
      `SELECT COUNT(*) AS n FROM outbox WHERE status = 'queued' AND due_at <= ? AND id BETWEEN ? AND ?`,
      NOW.getTime(),
      firstDue,
      lastDue,
    )
    if (queued !== DUE) throw new Error(`${queued} due rows queued, expected ${DUE}`)
    const untouched = await count(`SELECT COUNT(*) AS n FROM outbox WHERE status <> 'queued' AND updated_at = ?`, LOADED_AT)
    if (untouched !== LATER + SENT) throw new Error(`${LATER + SENT - untouched} rows not due were changed`)
    return { seconds, payloadBytes, split }
  } finally {
    if (db !== file) await closeStore(db)
    closeDatabase(file)
    rmSync(dir, { recursive: true, force: true })
  }
}

type Send = { chatId: string; at: number }

/** Telegram and WhatsApp at once through one real-time delivery run; the sends as they happened. */
/** The pace as configured: Telegram 25/s and 1 s per chat, WhatsApp 60 ms + up to 40 ms. */
const paceConfig = () =>
  loadConfig({
    DATABASE_PATH: ':memory:',
    NODE_ENV: 'test',
    TELEGRAM_SEND_PER_SECOND: '25',
    TELEGRAM_CHAT_INTERVAL_MS: '1000',
    WHATSAPP_SEND_INTERVAL_MS: '60',
    WHATSAPP_SEND_JITTER_MS: '40',
    // The real hour must not hold the reminders back.
    REMINDER_QUIET_HOURS: '00:00-00:00',
  })

async function paceRun(config: Config): Promise<Record<'telegram' | 'whatsapp', Send[]>> {
  const db = openDatabase(':memory:')
  try {
    const now = Date.now()
    const insert = db.$client.prepare(
      `INSERT INTO outbox (idempotency_key, channel, chat_id, kind, label, time_zone, payload, due_at, expires_at)
       VALUES (?, ?, ?, 'reminder', '1d', 'Asia/Jakarta', ?, ?, ?)`,
    )
    const text = JSON.stringify({ text: 'Pengingat' })
    let n = 0
    const queue = (channel: Channel, chatId: string) => insert.run(`pace:${n++}`, channel, chatId, text, now - 1_000, now + DAY)
    for (let i = 0; i < 300; i++) queue('telegram', `tg-${i}`)
    for (let i = 0; i < 5; i++) for (let k = 0; k < 3; k++) queue('telegram', `tg-repeat-${i}`)
    for (let i = 0; i < 150; i++) queue('whatsapp', `wa-${i}`)

    const sent: Record<'telegram' | 'whatsapp', Send[]> = { telegram: [], whatsapp: [] }
    const recorder = (channel: 'telegram' | 'whatsapp') => async (chatId: string) => {
      sent[channel].push({ chatId, at: performance.now() })
    }
    const outbox = createOutbox({
      ...outboxSettingsOf(config),
      now: () => new Date(),
      db,
      logger: pino({ level: 'silent' }),
      senders: { telegram: recorder('telegram'), whatsapp: recorder('whatsapp') },
      random: seeded(9),
    })
    const counts = await outbox.deliver()
    if (counts.sent !== 465) throw new Error(`sent ${counts.sent} of 465: ${JSON.stringify(counts)}`)
    return sent
  } finally {
    closeDatabase(db)
  }
}

/** Messages per second from the first send to the last. */
const achieved = (sends: Send[]) => {
  const first = sends[0]?.at ?? 0
  const last = sends.at(-1)?.at ?? 0
  return ((sends.length - 1) * 1000) / (last - first)
}

/** The two messages to one chat that were closest together: which chat, how far apart. */
function closestToOneChat(sends: Send[]): { chatId: string; gapMs: number } {
  const last = new Map<string, number>()
  let closest = { chatId: '-', gapMs: Number.POSITIVE_INFINITY }
  for (const send of sends) {
    const before = last.get(send.chatId)
    if (before !== undefined && send.at - before < closest.gapMs) closest = { chatId: send.chatId, gapMs: send.at - before }
    last.set(send.chatId, send.at)
  }
  return closest
}

export const group: BenchGroup = {
  name: 'reminders',
  description: `claiming ${DUE.toLocaleString('en-US')} due reminders among ${(DUE + LATER + SENT).toLocaleString('en-US')} rows; send pace against the configured rate`,
  async run() {
    const claims: Awaited<ReturnType<typeof claimRound>>[] = []
    for (let round = 0; round < ROUNDS; round++) claims.push(await claimRound())
    const ms = (value: number) => value.toFixed(0)
    console.error(
      `  claim + queue ${DUE.toLocaleString('en-US')}: ${claims.map((c) => c.seconds.toFixed(2)).join(' · ')} s ` +
        `(quiet zones / claimBatch / interleaveByChat ms: ${claims.map((c) => `${ms(c.split.zones)}/${ms(c.split.claim)}/${ms(c.split.interleave)}`).join(' · ')}; ` +
        `payload ${claims[0]?.payloadBytes} bytes)`,
    )

    const config = paceConfig()
    const settings = outboxSettingsOf(config)
    const sent = await paceRun(config)
    const configured = { telegram: averageRate(settings.pace.telegram), whatsapp: averageRate(settings.pace.whatsapp) }
    const rate = { telegram: achieved(sent.telegram), whatsapp: achieved(sent.whatsapp) }
    // Each chat's first message only: where nothing but the overall pace holds a message back.
    const firsts = sent.telegram.filter((send, i) => sent.telegram.findIndex((other) => other.chatId === send.chatId) === i)
    const firstsError = Math.abs(achieved(firsts) - configured.telegram) / configured.telegram
    const closest = { telegram: closestToOneChat(sent.telegram), whatsapp: closestToOneChat(sent.whatsapp) }
    const error = (channel: 'telegram' | 'whatsapp') => Math.abs(rate[channel] - configured[channel]) / configured[channel]
    console.error(
      `  telegram ${rate.telegram.toFixed(2)}/s of ${configured.telegram}/s over ${sent.telegram.length}; ` +
        `whatsapp ${rate.whatsapp.toFixed(2)}/s of ${configured.whatsapp}/s over ${sent.whatsapp.length}; ` +
        `telegram over each chat's first message ${achieved(firsts).toFixed(2)}/s; ` +
        `closest two messages to one chat: ${closest.telegram.gapMs.toFixed(1)} ms`,
    )
    for (const channel of ['telegram', 'whatsapp'] as const) {
      const { chatId, gapMs } = closest[channel]
      const least = settings.pace[channel].perChatMs
      if (gapMs < least)
        throw new Error(`${channel}: chat ${chatId} got two messages ${gapMs.toFixed(1)} ms apart (< ${least} ms)`)
    }
    return {
      reminders_claim_100k_seconds: median(claims.map((c) => c.seconds)),
      reminders_pace_error: Math.max(error('telegram'), error('whatsapp')),
      reminders_pace_error_telegram: error('telegram'),
      reminders_pace_error_whatsapp: error('whatsapp'),
      reminders_pace_error_telegram_first_messages: firstsError,
    }
  },
}
