/**
 * Announcements at national size: selecting and queuing one announcement to 100,000 people.
 *
 * Fixture per round, on a new WAL file and outside the timer: 130,000 people over every province
 * and the three zones; 100,000 of them match three criteria at once (current stage
 * `ujian_kognitif` ∧ an exam on 10 December in the exam's own zone ∧ regions R1–R6), the others
 * miss one of them. Of the 100,000: 90 % one sendable chat (⅔ Telegram, ⅓ WhatsApp that wrote
 * first), 3 % two (Telegram and WhatsApp), 3 % none (never linked, WhatsApp that never wrote, no
 * chat), 2 % blocked, 2 % opted out ("stop info"); one in ten chats in English. Plus 200,000
 * unrelated outbox rows (sent reminders), so the outbox's indexes have depth.
 *
 * Timed (`announce_queue_100k_seconds`, goal ≤ 3 s): `createAnnouncement` + `sendAnnouncement`
 * (now) + `queueAnnouncement` with batches of 5,000 people and no pause, to its return: the
 * selection, reachability, every person's text in their chat's language with all six
 * placeholders (a real Indonesian text of about 500 bytes), the inserts and the commits. The
 * server's pause between batches (50 ms) is not database work; what it adds is reported apart
 * (`announce_queue_pauses_seconds`). Checked after (untimed; a failure fails the group): outbox
 * rows = the sendable chats exactly, no key twice, the reach = `reachCounts()` computed before,
 * the unrelated rows untouched. `announce_requeue_100k_seconds`: the same queue again from the
 * start (status back to queuing, cursor 0): nothing is inserted; the cost of idempotency.
 * Three rounds, each on a new file; the medians are reported.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DateTime } from 'luxon'
import { zoneWindowsOf } from '../../src/core/announcements/criteria.js'
import { createAnnouncement, queueAnnouncement, sendAnnouncement } from '../../src/core/announcements/service.js'
import { PROVINCES } from '../../src/core/regions.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase, type Db, openDatabase, statement } from '../../src/db/client.js'
import { reachCounts } from '../../src/db/queries/announcement-audience.js'
import { BBPPKS_REGIONS, ensureReferenceData } from '../../src/db/reference-data.js'
import { paceMetrics } from '../announce/pace.js'
import type { BenchGroup } from '../group.js'
import { seeded } from '../seeded-random.js'

const PEOPLE = 130_000
const MATCHING = 100_000
const UNRELATED = 200_000
const ROUNDS = 3
const BATCH = 5_000
const SERVER_PAUSE_MS = 50
/** Monday 23 November 2026, 10.00 WIB: outside quiet hours everywhere. */
const NOW = new Date('2026-11-23T03:00:00Z')
const DAY = 86_400_000
const LOADED_AT = NOW.getTime() - DAY
const EXAM_DAY = '2026-12-10'

const TEXT_ID = [
  'Yth. Bapak/Ibu {nama},',
  '',
  'Kami sampaikan bahwa {sesi} Anda dijadwalkan pada {tanggal} pukul {jam}. Lokasi ujian: {tempat}. ' +
    'Bagi peserta daring, tautan ruang ujian: {tautan}. Mohon hadir atau masuk ruang daring 30 menit sebelum ujian dimulai, ' +
    'membawa KTP asli dan kartu peserta, serta memastikan perangkat dan koneksi internet Anda siap. ' +
    'Peserta yang terlambat lebih dari 15 menit tidak dapat mengikuti ujian dan harus mendaftar ulang pada jadwal berikutnya.',
  '',
  'Terima kasih atas perhatian dan kerja sama Bapak/Ibu.',
].join('\n')
const TEXT_EN = [
  'Dear {nama},',
  '',
  'Your {sesi} is scheduled on {tanggal} at {jam}. Venue: {tempat}. Online link: {tautan}. ' +
    'Please arrive or join 30 minutes early with your ID card (KTP) and your exam card.',
].join('\n')

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

type Expected = { rows: number; telegram: number; whatsapp: number }

/** The fixture, in one transaction; returns the chats that must get a row. */
export async function load(db: Db): Promise<Expected> {
  await ensureReferenceData(db)
  const random = seeded(21)
  const inRegions = new Set(BBPPKS_REGIONS.flatMap((r) => r.provinceCodes.split(',')))
  const provinces = PROVINCES.filter((p) => inRegions.has(p.code))
  const outside = PROVINCES.filter((p) => !inRegions.has(p.code))
  const sql = db.$client
  const person = sql.prepare('INSERT INTO people (full_name, province_code, time_zone) VALUES (?, ?, ?)')
  const stage = sql.prepare(`INSERT INTO certification_stages (person_id, stage, reached_at) VALUES (?, ?, ?)`)
  const exam = sql.prepare(
    `INSERT INTO exams (code, person_id, kind, status, mode, venue, meeting_url, starts_at, time_zone)
     VALUES (?, ?, 'ujian_kognitif', 'scheduled', ?, ?, ?, ?, ?)`,
  )
  const chat = sql.prepare(
    `INSERT INTO channel_identities (channel, user_id, chat_id, person_id, language, linked_at, link_expires_at, blocked_at, announcements_off_at, wrote_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const reminder = sql.prepare(
    `INSERT INTO outbox (idempotency_key, channel, chat_id, person_id, kind, event_key, label, time_zone, payload, due_at, status, sent_at, created_at, updated_at)
     VALUES (?, 'telegram', ?, ?, 'reminder', ?, '1d', 'Asia/Makassar', ?, ?, 'sent', ?, ?, ?)`,
  )
  const slots = new Map<string, number[]>()
  const slotsOf = (zone: string, day: string) => {
    const key = `${zone}|${day}`
    let found = slots.get(key)
    if (!found) {
      const start = DateTime.fromISO(`${day}T08:00`, { zone })
      found = Array.from({ length: 8 }, (_, h) => start.plus({ hours: h }).toMillis())
      slots.set(key, found)
    }
    return found
  }
  const expected: Expected = { rows: 0, telegram: 0, whatsapp: 0 }
  const linked = NOW.getTime() - 30 * DAY
  const until = NOW.getTime() + 365 * DAY
  const reminderText = JSON.stringify({ text: 'x'.repeat(560) })
  let chatNo = 0
  const addChat = (
    personId: number,
    channel: 'telegram' | 'whatsapp',
    o: { linked?: boolean; blocked?: boolean; off?: boolean; wrote?: boolean; expect?: boolean } = {},
  ) => {
    chatNo += 1
    const id = channel === 'whatsapp' ? `62812${String(10_000_000 + chatNo)}@s.whatsapp.net` : String(500_000_000 + chatNo)
    const isLinked = o.linked ?? true
    chat.run(
      channel,
      id,
      id,
      isLinked ? personId : null,
      random() < 0.1 ? 'en' : 'id',
      isLinked ? linked : null,
      isLinked ? until : null,
      o.blocked ? linked : null,
      o.off ? linked : null,
      channel === 'whatsapp' && o.wrote === false ? null : linked,
    )
    if (o.expect) {
      expected.rows += 1
      expected[channel] += 1
    }
  }
  sql.transaction(() => {
    for (let i = 0; i < PEOPLE; i++) {
      const matching = i < MATCHING
      // The 30,000 others miss one criterion each: another stage, another day, or a province in no region.
      const miss = matching ? -1 : i % 3
      const province =
        miss === 2 && outside.length > 0
          ? (outside[i % outside.length] as (typeof PROVINCES)[number])
          : (provinces[Math.floor(random() * provinces.length)] as (typeof PROVINCES)[number])
      const zone = province.timeZone
      const id = Number(
        person.run(`Peserta Uji ${i + 1}`, miss === 2 && outside.length === 0 ? null : province.code, zone).lastInsertRowid,
      )
      stage.run(id, 'bimtek', NOW.getTime() - 60 * DAY)
      if (miss !== 0) stage.run(id, 'ujian_kognitif', NOW.getTime() - 10 * DAY)
      const slot = slotsOf(zone, miss === 1 ? '2026-12-11' : EXAM_DAY)[i % 8] as number
      const online = i % 4 === 0
      exam.run(
        `UJK-B${i}`,
        id,
        online ? 'daring' : 'tatap_muka',
        online ? null : `BBPPKS ${province.name}, Ruang Ujian ${1 + (i % 6)}`,
        online ? 'https://ujian.example/ruang/12' : null,
        slot,
        zone,
      )
      if (!matching) {
        addChat(id, 'telegram')
        continue
      }
      const kind = i % 100
      if (kind < 90) addChat(id, i % 3 === 2 ? 'whatsapp' : 'telegram', { expect: true })
      else if (kind < 93) {
        addChat(id, 'telegram', { expect: true })
        addChat(id, 'whatsapp', { expect: true })
      } else if (kind === 93) addChat(id, 'telegram', { linked: false })
      else if (kind === 94) addChat(id, 'whatsapp', { wrote: false })
      else if (kind === 95) {
        // no chat at all
      } else if (kind < 98) addChat(id, 'telegram', { blocked: true })
      else addChat(id, 'telegram', { off: true })
    }
    for (let k = 0; k < UNRELATED; k++) {
      const sentAt = NOW.getTime() - (1 + (k % 30)) * DAY
      reminder.run(
        `bench:${k}`,
        String(900_000_000 + k),
        1 + (k % PEOPLE),
        `exam:${k}`,
        reminderText,
        sentAt,
        sentAt,
        LOADED_AT,
        LOADED_AT,
      )
    }
  })()
  sql.pragma('wal_checkpoint(TRUNCATE)')
  return expected
}

const ctx = { scope: null, actor: 'cli', staffId: null, now: NOW }
const settings = { batchPeople: BATCH, pauseMs: 0 }

type Round = { queue: number; cpu: number; requeue: number; batches: number; split: { create: number; queue: number } }

async function round(): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-announce-'))
  const db = openDatabase(join(dir, 'kesos.db'))
  try {
    const expected = await load(db)
    const audience = { stages: ['ujian_kognitif'], examDay: EXAM_DAY, regions: BBPPKS_REGIONS.map((r) => r.code) }
    const criteria = { stages: ['ujian_kognitif' as const], examDay: { date: EXAM_DAY }, regionCodes: audience.regions }
    const before = await reachCounts(db, { criteria, scope: null, zones: zoneWindowsOf(criteria), now: NOW })

    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    const made = await createAnnouncement(db, { audience, textId: TEXT_ID, textEn: TEXT_EN }, ctx)
    if (!made.ok) throw new Error(made.problems.map((p) => p.message).join(' | '))
    const sent = await sendAnnouncement(db, made.value.id, { mode: 'now' }, false, ctx, DEFAULT_REMINDER_SETTINGS.quiet)
    if (!sent.ok) throw new Error(sent.problems.map((p) => p.message).join(' | '))
    const createdAt = performance.now()
    const result = await queueAnnouncement(db, made.value.id, () => NOW, settings)
    const queue = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpuBefore)
    const cpu = (used.user + used.system) / 1e6
    const split = { create: createdAt - started, queue: performance.now() - createdAt }

    const count = async (query: string, ...args: (string | number)[]) =>
      ((await statement(db, query).get(...args)) as { n: number }).n
    const key = `announcement:${made.value.id}`
    const rows = await count(`SELECT count(*) AS n FROM outbox WHERE kind = 'announcement' AND event_key = ?`, key)
    const keys = await count(`SELECT count(DISTINCT idempotency_key) AS n FROM outbox WHERE kind = 'announcement'`)
    const chats = await count(
      `SELECT count(*) AS n FROM (SELECT DISTINCT channel, chat_id FROM outbox WHERE kind = 'announcement')`,
    )
    const byChannel = (channel: string) =>
      count(`SELECT count(*) AS n FROM outbox WHERE kind = 'announcement' AND channel = ?`, channel)
    if (!result.finished) throw new Error('the queue did not finish')
    if (rows !== expected.rows || keys !== rows || chats !== rows)
      throw new Error(`${rows} rows (${keys} keys, ${chats} chats), expected ${expected.rows}, each once`)
    const telegram = await byChannel('telegram')
    const whatsapp = await byChannel('whatsapp')
    if (telegram !== expected.telegram || whatsapp !== expected.whatsapp)
      throw new Error(`per channel ${telegram}/${whatsapp}, expected ${expected.telegram}/${expected.whatsapp}`)
    if (JSON.stringify(result.reach) !== JSON.stringify(before))
      throw new Error(`reach after ${JSON.stringify(result.reach)} ≠ before ${JSON.stringify(before)}`)
    if (before.people !== MATCHING) throw new Error(`${before.people} people selected, expected ${MATCHING}`)
    const recipients = await count('SELECT count(*) AS n FROM announcement_recipients WHERE announcement_id = ?', made.value.id)
    if (recipients !== expected.rows + (before.people - before.queued))
      throw new Error(`${recipients} recipient rows, expected ${expected.rows + before.people - before.queued}`)
    const untouched = await count(`SELECT count(*) AS n FROM outbox WHERE kind = 'reminder' AND updated_at = ?`, LOADED_AT)
    if (untouched !== UNRELATED) throw new Error(`${UNRELATED - untouched} unrelated rows were changed`)
    const sample = (await statement(db, `SELECT payload FROM outbox WHERE event_key = ? LIMIT 1`).get(key)) as { payload: string }
    if (/\{(nama|sesi|tanggal|jam|tempat|tautan)\}/.test(sample.payload)) throw new Error('a placeholder was left unfilled')

    await statement(db, `UPDATE announcements SET status = 'queuing', queued_through = 0 WHERE id = ?`).run(made.value.id)
    const again = performance.now()
    const second = await queueAnnouncement(db, made.value.id, () => NOW, settings)
    const requeue = (performance.now() - again) / 1000
    if (second.rows !== 0) throw new Error(`queuing again inserted ${second.rows} rows`)
    if ((await count(`SELECT count(*) AS n FROM outbox WHERE kind = 'announcement'`)) !== expected.rows)
      throw new Error('queuing again changed the rows')
    return { queue, cpu, requeue, batches: Math.ceil(MATCHING / BATCH), split }
  } finally {
    closeDatabase(db)
    rmSync(dir, { recursive: true, force: true })
  }
}

export const group: BenchGroup = {
  name: 'announce',
  description: `the send pace and the WhatsApp daily cap; selecting and queuing one announcement to ${MATCHING.toLocaleString('en-US')} of ${PEOPLE.toLocaleString('en-US')} people (three criteria, mixed chats) beside ${UNRELATED.toLocaleString('en-US')} unrelated outbox rows`,
  async run() {
    const rounds: Round[] = []
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round())
    console.error(
      `  queue ${MATCHING.toLocaleString('en-US')}: ${rounds.map((r) => r.queue.toFixed(2)).join(' · ')} s ` +
        `(CPU ${rounds.map((r) => r.cpu.toFixed(2)).join(' · ')} s; load average ${loadavg()[0]?.toFixed(1)}) ` +
        `(create+send / queue ms: ${rounds.map((r) => `${r.split.create.toFixed(0)}/${r.split.queue.toFixed(0)}`).join(' · ')}); ` +
        `again: ${rounds.map((r) => r.requeue.toFixed(2)).join(' · ')} s`,
    )
    const batches = rounds[0]?.batches ?? 0
    const pace = await paceMetrics()
    return {
      ...pace,
      announce_queue_100k_seconds: median(rounds.map((r) => r.queue)),
      // The same work in CPU seconds of this process: what the wall time is when nothing else runs.
      announce_queue_100k_cpu_seconds: median(rounds.map((r) => r.cpu)),
      announce_requeue_100k_seconds: median(rounds.map((r) => r.requeue)),
      announce_queue_pauses_seconds: ((batches - 1) * SERVER_PAUSE_MS) / 1000,
    }
  },
}
