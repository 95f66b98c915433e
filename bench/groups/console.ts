/**
 * The secretariat console at national size.
 *
 * A WAL file with 100,000 people (every province, two or three certification stages each), 1,000
 * Bimtek sessions over a year around now (all six regions), 50,000 registrations, 1,000,000 outbox
 * rows (90 days back and 10 ahead, both channels, reminders and other messages, every status),
 * 60,000 chats and 2,000 handoffs, loaded in one transaction with prepared inserts.
 *
 * `console_people_search_p95_ms`: the Peserta search page through `app.request`, for an admin (every
 * region) and a regional account (R2) alternately: part of a name, a NIK (keyed hash), a phone as
 * people write it, a registration code, the whole list, a name with a stage filter and everyone at a stage; 70
 * requests after a warm-up of 7; each keyed search must find its person. Goal ≤ 300 ms.
 *
 * `console_dashboard_p95_ms`: the dashboard page (Beranda: every number, five charts drawn as SVG,
 * their tables) through `app.request`, for all regions and for one region alternately, 40 requests
 * after a warm-up of 4; each answer must be a page with its five charts. Goal ≤ 300 ms.
 * `console_dashboard_cpu_p95_ms`: the CPU time of the same requests (this process, user + system),
 * which a machine shared with other work inflates far less than the elapsed time.
 */

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Hono } from 'hono'
import { createNikVault, type NikVault } from '../../src/core/privacy/nik-vault.js'
import { PROVINCES } from '../../src/core/regions.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase, type Db, openDatabase, statement } from '../../src/db/client.js'
import { ensureReferenceData } from '../../src/db/reference-data.js'
import { CERTIFICATION_STAGES } from '../../src/db/schema.js'
import { dashboardRoutes } from '../../src/web/console/dashboard.js'
import type { ConsoleEnv, Staff } from '../../src/web/console/env.js'
import { peoplePage } from '../../src/web/console/people-page.js'
import type { BenchGroup } from '../group.js'
import { seeded } from '../seeded-random.js'

const PEOPLE = 100_000
const SESSIONS = 1_000
const REGISTRATIONS = 50_000
const OUTBOX = 1_000_000
const CHATS = 60_000
const HANDOFFS = 2_000
const WARM_UP = 4
const REQUESTS = 40
const SEARCH_WARM_UP = 7
const SEARCHES = 70
const NOW = new Date('2026-11-23T03:00:00Z')
const DAY = 86_400_000

const FIRST_NAMES = [
  'Siti',
  'Budi',
  'Rina',
  'Agus',
  'Dewi',
  'Eko',
  'Nur',
  'Ahmad',
  'Sri',
  'Yusuf',
  'Lestari',
  'Made',
  'Putu',
  'Rahmat',
]
const LAST_NAMES = [
  'Rahmawati',
  'Santoso',
  'Wulandari',
  'Hidayat',
  'Nasution',
  'Siregar',
  'Wijaya',
  'Saputra',
  'Lubis',
  'Pratama',
]

/** Person `id`'s NIK (16 digits, distinct), phone (0812…, distinct) and registration code. */
const nikOf = (id: number) => `3273010101${String(id).padStart(6, '0')}`
const phoneOf = (id: number) => `+62812${String(id).padStart(8, '0')}`
const codeOf = (i: number) => `BMT-R${String(i).padStart(5, '0')}`

function load(db: Db, vault: NikVault): void {
  const random = seeded(18)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const sql = db.$client
  const now = NOW.getTime()
  sql.transaction(() => {
    const person = sql.prepare(
      'insert into people (id, full_name, nik_hash, phone_e164, province_code, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)',
    )
    const stage = sql.prepare('insert into certification_stages (person_id, stage, reached_at, created_at) values (?, ?, ?, ?)')
    const path = CERTIFICATION_STAGES.slice(0, 7)
    for (let id = 1; id <= PEOPLE; id++) {
      const name = `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)} ${id}`
      person.run(id, name, vault.hash(nikOf(id)), phoneOf(id), pick(PROVINCES).code, now, now)
      const reached = 1 + Math.floor(random() * 3)
      const start = Math.floor(random() * path.length - reached)
      for (let k = 0; k < reached; k++) {
        stage.run(id, path[Math.max(0, start + k)], now - (200 - k * 30) * DAY, now)
      }
    }
    const regions = sql.prepare('select id from regions').all() as { id: number }[]
    const session = sql.prepare(
      `insert into bimtek_sessions (id, code, title, target_group, region_id, mode, starts_at, ends_at, time_zone, capacity,
         registration_opens_at, registration_closes_at, created_at, updated_at)
       values (?, ?, ?, 'pekerja sosial', ?, 'tatap_muka', ?, ?, 'Asia/Jakarta', ?, ?, ?, ?, ?)`,
    )
    for (let id = 1; id <= SESSIONS; id++) {
      const startsAt = now + Math.floor((random() - 0.5) * 365) * DAY
      session.run(
        id,
        `BMT-${id}`,
        `Bimtek ${id}`,
        pick(regions).id,
        startsAt,
        startsAt + 8 * 3_600_000,
        40 + Math.floor(random() * 80),
        startsAt - 60 * DAY,
        startsAt - 3 * DAY,
        now,
        now,
      )
    }
    const registration = sql.prepare(
      'insert into registrations (code, session_id, person_id, status, created_at, updated_at) values (?, ?, ?, ?, ?, ?)',
    )
    const statuses = ['confirmed', 'confirmed', 'confirmed', 'waitlisted', 'offered', 'cancelled']
    for (let i = 0; i < REGISTRATIONS; i++) {
      // Person i+1 in session (i mod 1000)+1: unique pairs.
      const createdAt = now - Math.floor(random() * 120 * DAY)
      registration.run(codeOf(i), (i % SESSIONS) + 1, i + 1, pick(statuses), createdAt, createdAt)
    }
    const outbox = sql.prepare(
      `insert into outbox (idempotency_key, channel, chat_id, person_id, kind, payload, due_at, status, created_at, updated_at)
       values (?, ?, ?, ?, ?, '{"text":"Pengingat Bimtek besok pukul 08.00 WIB."}', ?, ?, ?, ?)`,
    )
    const outcomes = ['sent', 'sent', 'sent', 'sent', 'sent', 'late', 'failed', 'skipped', 'cancelled']
    for (let i = 0; i < OUTBOX; i++) {
      const dueAt = now - Math.floor(random() * 90 * DAY) + (i % 10 === 0 ? 10 * DAY : 0)
      const status = dueAt > now ? 'pending' : pick(outcomes)
      const personId = 1 + Math.floor(random() * PEOPLE)
      outbox.run(
        `b:${i}`,
        random() < 0.6 ? 'whatsapp' : 'telegram',
        String(personId),
        personId,
        random() < 0.8 ? 'reminder' : 'seat_offer',
        dueAt,
        status,
        now,
        now,
      )
    }
    const chat = sql.prepare('insert into conversation_states (channel, chat_id, updated_at) values (?, ?, ?)')
    const identity = sql.prepare('insert into channel_identities (channel, user_id, chat_id, person_id) values (?, ?, ?, ?)')
    for (let i = 0; i < CHATS; i++) {
      const channel = i % 3 === 0 ? 'telegram' : 'whatsapp'
      chat.run(channel, `c${i}`, now - Math.floor(random() * 120 * DAY))
      if (i % 2 === 0) identity.run(channel, `c${i}`, `c${i}`, 1 + (i % PEOPLE))
    }
    const handoff = sql.prepare(
      `insert into handoff_requests (code, channel, chat_id, person_id, name, topic, question, status)
       values (?, 'whatsapp', ?, ?, 'x', 'jadwal', 'kapan?', ?)`,
    )
    for (let i = 0; i < HANDOFFS; i++) handoff.run(`H${i}`, `c${i}`, 1 + (i % PEOPLE), i % 4 === 0 ? 'open' : 'closed')
  })()
  sql.pragma('analyze')
  sql.pragma('wal_checkpoint(TRUNCATE)')
}

/** The Peserta search for an admin and a regional account alternately, over every kind of key. */
async function peopleSearch(db: Db, vault: NikVault): Promise<number[]> {
  const accounts: Staff[] = [
    { id: 1, name: 'Admin', email: 'admin@example.id', role: 'admin', region: null },
    { id: 2, name: 'Regional', email: 'r2@example.id', role: 'regional', region: 'R2' },
  ]
  const apps = accounts.map((staff) => {
    const app = new Hono<ConsoleEnv>()
    app.use('*', async (c, next) => {
      c.set('staff', staff)
      await next()
    })
    const render = (_c: unknown, page: { body: { toString(): string } }) => `<main>${page.body}</main>`
    app.route('/admin', peoplePage({ db, clock: () => NOW, render, vault, reminders: DEFAULT_REMINDER_SETTINGS }))
    return app
  })
  // A person of R2 (West Java, 32) for the regional account's keyed searches: it must find them.
  const r2 = (
    (await statement(db, "select id from people where province_code = '32' and id <= ? order by id limit 1 offset 500").get(
      REGISTRATIONS,
    )) as {
      id: number
    }
  ).id
  const r2Registration = (await statement(db, 'select code from registrations where person_id = ?').get(r2)) as { code: string }
  const queries = (id: number, code: string) => [
    { q: 'rahma', found: true },
    { q: nikOf(id), found: true },
    { q: `0812-${phoneOf(id).slice(6, 10)}-${phoneOf(id).slice(10)}`, found: true },
    { q: code.toLowerCase(), found: true },
    { q: '', found: true },
    { q: 'siti&tahap=wawancara', found: true },
    { q: '&tahap=wawancara', found: true },
  ]
  const times: number[] = []
  for (let i = 0; i < SEARCH_WARM_UP + SEARCHES; i++) {
    const regional = i % 2 === 1
    const id = regional ? r2 : 1 + ((i * 7919) % PEOPLE)
    const code = regional ? r2Registration.code : codeOf((id - 1) % REGISTRATIONS)
    const list = queries(id, code)
    const { q, found } = list[Math.floor(i / 2) % list.length] as { q: string; found: boolean }
    const [text, filter] = q.split('&')
    const path = `/admin/peserta?q=${encodeURIComponent(text ?? '')}${filter ? `&${filter}` : ''}`
    const app = apps[regional ? 1 : 0] as (typeof apps)[number]
    const t0 = performance.now()
    const res = await app.request(path)
    const page = await res.text()
    const ms = performance.now() - t0
    if (res.status !== 200 || (found && !page.includes('href="/admin/peserta/')))
      throw new Error(`${path} (${regional ? 'R2' : 'admin'}): status ${res.status}, nobody found`)
    if (i >= SEARCH_WARM_UP) times.push(ms)
  }
  return times
}

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.95) - 1] ?? Number.NaN

export const group: BenchGroup = {
  name: 'console',
  description:
    'secretariat console: the dashboard and the people search with 100k people, 1k sessions, 50k registrations, 1M outbox rows',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-console-'))
    const db = openDatabase(join(dir, 'kesos.db'))
    try {
      await ensureReferenceData(db)
      const started = performance.now()
      const vault = createNikVault(randomBytes(32))
      load(db, vault)
      console.error(`  loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`)
      const admin: Staff = { id: 1, name: 'Admin', email: 'admin@example.id', role: 'admin', region: null }
      const app = new Hono<ConsoleEnv>()
      app.use('*', async (c, next) => {
        c.set('staff', admin)
        await next()
      })
      app.route('/admin', dashboardRoutes({ db, clock: () => NOW, render: (_c, page) => `<main>${page.body}</main>` }))

      const paths = ['/admin', '/admin?region=R2']
      const times: Record<string, number[]> = { '/admin': [], '/admin?region=R2': [] }
      const cpu: number[] = []
      for (let i = 0; i < WARM_UP + REQUESTS; i++) {
        const path = paths[i % paths.length] as string
        const t0 = performance.now()
        const cpu0 = process.cpuUsage()
        const res = await app.request(path)
        const page = await res.text()
        const used = process.cpuUsage(cpu0)
        const ms = performance.now() - t0
        const charts = page.match(/<svg role="img"/g)?.length ?? 0
        if (res.status !== 200 || charts !== 5)
          throw new Error(`${path}: status ${res.status}, ${charts} charts drawn (expected 5)`)
        if (i >= WARM_UP) {
          times[path]?.push(ms)
          cpu.push((used.user + used.system) / 1000)
        }
      }
      const all = Object.values(times).flat()
      const search = await peopleSearch(db, vault)
      return {
        console_people_search_p95_ms: p95(search),
        console_dashboard_p95_ms: p95(all),
        console_dashboard_all_regions_p95_ms: p95(times['/admin'] ?? []),
        console_dashboard_one_region_p95_ms: p95(times['/admin?region=R2'] ?? []),
        console_dashboard_cpu_p95_ms: p95(cpu),
      }
    } finally {
      closeDatabase(db)
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
