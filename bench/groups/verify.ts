/**
 * Certificate verification under load, over real HTTP: 1,000,000 certificates in a WAL file, the
 * real app from `createWebApp` with the verification wired as src/main.ts wires it (the rate limit
 * on, set high, clients told apart by X-Forwarded-For as behind a reverse proxy; the batched lookup
 * audit on), served by @hono/node-server. A load generator in a worker thread (its own core, raw
 * keep-alive sockets, a fixed number of requests in flight) asks for random existing and missing
 * numbers, typed the ways people type them, and checks every answer (status, verdict, masked or
 * full name), so a broken app fails instead of looking fast; afterwards the audit must hold one
 * row per lookup answered. Every request is timed too (written → whole answer read), for the 99th
 * percentile of each target. For context a bare Hono route on @hono/node-server, answering
 * same-size JSON and HTML without looking anything up, is measured the same way in the same run,
 * rounds alternating.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { type ServerType, serve } from '@hono/node-server'
import { Hono } from 'hono'
import pino from 'pino'
import { createLookupAudit, LOOKUP_ACTION } from '../../src/core/certificates/lookup-audit.js'
import { maskName, signNumber } from '../../src/core/certificates/verify.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase, type Db, openDatabase, statement } from '../../src/db/client.js'
import { createWebApp } from '../../src/web/app.js'
import type { BenchGroup } from '../group.js'
import { seeded as random } from '../seeded-random.js'

const CERTIFICATES = 1_000_000
/** Requests in flight at once, each on its own keep-alive connection. */
const CONNECTIONS = 32
/** Distinct clients (X-Forwarded-For addresses), each with its own rate-limit budget. */
const CLIENTS = 2_000
/** VERIFY_RATE_LIMIT_PER_MINUTE: the highest the configuration allows. */
const RATE_PER_MINUTE = 100_000
const WARMUP_MS = 1_500
const ROUND_MS = 2_500
/** Each round measures all four targets once: the app's API and page, the bare JSON and HTML. */
const ROUNDS = 4
/** Distinct requests per target, cycled through (shuffled, so hits and misses interleave). */
const REQUESTS = 50_000
export const KEY = 'bench-signing-key-0123456789abcdef0123456789'

// ---------------------------------------------------------------------------------------------
// The certificates: deterministic, so each answer is known in advance.

const FIRST = ['Siti', 'Agus', 'Dewi', 'Budi', 'Rina', 'Made', 'Yohanes', 'Nur', 'Maria', 'Hendra', 'Putri', 'Andi', 'Wayan']
const MIDDLE = [
  'Rahmawati',
  'Santoso',
  'Lestari',
  'Pratama',
  'Kurniawan',
  'Fransiska',
  'Hidayat',
  'Sari',
  'Wijaya',
  'Utami',
  'Saputra',
]
const LAST = [
  'Nasution',
  'Simanjuntak',
  'Siregar',
  'Gunawan',
  'Harahap',
  'Lake',
  'Wirawan',
  'Tanjung',
  'Situmorang',
  'Pohan',
  'Manurung',
]
const SCHEMES = ['Pekerja Sosial', 'Penyuluh Sosial', 'Relawan Sosial', 'Pendamping Rehabilitasi Sosial']
const LEVELS = ['Pekerja Sosial Generalis', 'Asisten Pekerja Sosial', null]

type Expected = 'valid' | 'expired' | 'revoked' | 'suspended'
type Certificate = {
  number: string
  displayNumber: string
  holderName: string
  scheme: string
  level: string | null
  issuedAt: string
  expiresAt: string
  status: 'active' | 'revoked' | 'suspended'
  statusReason: string | null
  /** What a reader is told: the expiry dates are far from today (2024 or 2031), so this is fixed. */
  expected: Expected
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')

function certificate(i: number): Certificate {
  const year = 2019 + (i % 7)
  const month = pad(1 + (i % 12), 2)
  const day = pad(1 + (i % 28), 2)
  const status = i % 97 === 0 ? 'revoked' : i % 89 === 1 ? 'suspended' : 'active'
  const lapsed = i % 5 === 0
  return {
    number: `LSPS${year}${pad(i, 7)}`,
    displayNumber: `LSPS-${year}-${pad(i, 7)}`,
    holderName: `${FIRST[i % FIRST.length]} ${MIDDLE[Math.floor(i / 13) % MIDDLE.length]} ${LAST[Math.floor(i / 143) % LAST.length]}`,
    scheme: SCHEMES[i % SCHEMES.length] ?? '',
    level: LEVELS[i % LEVELS.length] ?? null,
    issuedAt: `${year}-${month}-${day}`,
    expiresAt: lapsed ? `2024-${month}-${day}` : `2031-${month}-${day}`,
    status,
    statusReason:
      status === 'revoked'
        ? 'Dicabut: dokumen portofolio terbukti tidak sah'
        : status === 'suspended'
          ? 'Dibekukan sementara'
          : null,
    expected: status === 'active' ? (lapsed ? 'expired' : 'valid') : status,
  }
}

/** `count` rows (one million here) in one transaction through one prepared statement. */
export function load(db: Db, count = CERTIFICATES) {
  const insert = db.$client.prepare(
    `INSERT INTO certificates (number, display_number, holder_name, scheme, level, issued_at, expires_at, status, status_reason, status_changed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const changedAt = Date.parse('2026-01-15T03:00:00Z')
  db.$client.transaction(() => {
    for (let i = 0; i < count; i++) {
      const c = certificate(i)
      insert.run(
        c.number,
        c.displayNumber,
        c.holderName,
        c.scheme,
        c.level,
        c.issuedAt,
        c.expiresAt,
        c.status,
        c.statusReason,
        c.status === 'active' ? null : changedAt,
      )
    }
  })()
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.pragma('optimize')
}

// ---------------------------------------------------------------------------------------------
// The requests: prebuilt, each with the answer it must get.

/** One request as sent over the socket, and what its answer must hold. */
type Spec = { request: string; status: number; needles: string[] }
export type Target = 'api' | 'page' | 'bareApi' | 'barePage'

/** How people type a number: as printed, lower case, with spaces, run together. */
const TYPINGS = [
  (c: Certificate) => c.displayNumber,
  (c: Certificate) => c.displayNumber.toLowerCase(),
  (c: Certificate) => encodeURIComponent(c.displayNumber.replace(/-/g, ' ')),
  (c: Certificate) => c.number.toLowerCase(),
]

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch)

const get = (path: string, client: string) =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: ${client}\r\nUser-Agent: kesos-bench\r\n\r\n`

/** The same lookups for the app and for the bare routes (on `count` certificates); a fifth of them for numbers nobody holds. */
export function makeSpecs(count = CERTIFICATES): Record<Target, Spec[]> {
  const next = random(20261123)
  const pick = (n: number) => Math.floor(next() * n)
  const specs: Record<Target, Spec[]> = { api: [], page: [], bareApi: [], barePage: [] }
  const clients = Array.from({ length: CLIENTS }, (_, j) => `10.0.${Math.floor(j / 250)}.${1 + (j % 250)}`)
  for (let k = 0; k < REQUESTS; k++) {
    const client = clients[pick(CLIENTS)] ?? '10.0.0.1'
    const missing = next() < 0.2
    const i = pick(count)
    // A missing number: the same shape, a year no certificate has.
    const c = missing
      ? { ...certificate(i), number: `LSPS2099${pad(i, 7)}`, displayNumber: `LSPS-2099-${pad(i, 7)}` }
      : certificate(i)
    const typed = TYPINGS[k % TYPINGS.length]?.(c) ?? c.displayNumber
    const param = decodeURIComponent(typed)

    specs.api.push({
      request: get(`/api/v1/certificates/${typed}`, client),
      status: missing ? 404 : 200,
      needles: missing
        ? ['"CERT_NOT_FOUND"']
        : [`"number":"${c.displayNumber}"`, `"holderName":"${maskName(c.holderName)}"`, `"status":"${c.expected}"`],
    })
    specs.bareApi.push({
      request: get(`/bare/api/${typed}`, client),
      status: 200,
      needles: [`"number":${JSON.stringify(param)}`],
    })

    // One page in ten is a signed QR link (the full name); the rest the shareable result address.
    const signed = !missing && k % 10 === 0
    specs.page.push({
      request: get(signed ? `/v/${c.number}?s=${signNumber(c.number, KEY)}` : `/verifikasi/${typed}`, client),
      status: missing ? 404 : 200,
      needles: missing
        ? ['data-status="not-found"', `nomor ${c.number}.`]
        : [
            `data-status="${c.expected}"`,
            signed
              ? `<span data-holder="full">${escapeHtml(c.holderName)}</span>`
              : `<span data-holder="masked">${maskName(c.holderName)}</span>`,
            `<dd>${c.displayNumber}</dd>`,
          ],
    })
    specs.barePage.push({ request: get(`/bare/page/${typed}`, client), status: 200, needles: [`<dd>${escapeHtml(param)}</dd>`] })
  }
  return specs
}

// ---------------------------------------------------------------------------------------------
// The load generator: a worker thread (its own event loop and core) with raw keep-alive sockets,
// one request in flight on each. Plain JavaScript, run with `eval`, so it needs no TypeScript
// loader in the worker.

const LOADER = String.raw`
const { parentPort } = require('node:worker_threads')
const net = require('node:net')
const { performance } = require('node:perf_hooks')
let targets = {}
let cursor = {}

function run({ target, ports, connections, durationMs }) {
  const specs = targets[target]
  let next = cursor[target] || 0
  const statuses = {}
  const wrong = []
  // Milliseconds from each request written to its whole answer read.
  const latencies = []
  let count = 0
  const started = performance.now()
  const deadline = started + durationMs
  let last = started
  return new Promise((resolve, reject) => {
    let open = connections
    for (let c = 0; c < connections; c++) {
      // Several ports: the connections spread over them, as a load balancer spreads clients.
      const socket = net.connect({ port: ports[c % ports.length], host: '127.0.0.1', noDelay: true })
      let buffer = null
      let spec = null
      let ending = false
      let sentAt = 0
      const send = () => {
        if (performance.now() >= deadline) {
          ending = true
          socket.end()
          return
        }
        spec = specs[next]
        next = next + 1 === specs.length ? 0 : next + 1
        sentAt = performance.now()
        socket.write(spec.request)
      }
      socket.on('connect', send)
      socket.on('data', (chunk) => {
        buffer = buffer ? Buffer.concat([buffer, chunk]) : chunk
        const end = buffer.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buffer.toString('latin1', 0, end)
        const length = /\r\ncontent-length: *(\d+)/i.exec(head)
        if (!length) return socket.destroy(new Error('answer without Content-Length: ' + head))
        const total = end + 4 + Number(length[1])
        if (buffer.length < total) return
        if (buffer.length > total) return socket.destroy(new Error('more bytes than one answer'))
        const status = Number(head.slice(9, 12))
        const body = buffer.toString('utf8', end + 4, total)
        buffer = null
        count += 1
        statuses[status] = (statuses[status] || 0) + 1
        if (status !== spec.status || !spec.needles.every((needle) => body.includes(needle))) {
          if (wrong.length < 5)
            wrong.push(spec.request.split('\r\n')[0] + ': HTTP ' + status + ' (expected ' + spec.status + ', with ' +
              JSON.stringify(spec.needles) + '): ' + body.slice(0, 300))
        }
        last = performance.now()
        latencies.push(last - sentAt)
        send()
      })
      socket.on('error', reject)
      socket.on('close', () => {
        if (!ending) return reject(new Error('the server closed a connection during the run'))
        open -= 1
        if (open === 0) {
          cursor[target] = next
          resolve({ count, statuses, wrong, ms: last - started, latencies: Float64Array.from(latencies) })
        }
      })
    }
  })
}

parentPort.on('message', (message) => {
  if (message.type === 'init') {
    targets = message.targets
    parentPort.postMessage({ type: 'ready' })
    return
  }
  run(message).then(
    (result) => parentPort.postMessage({ type: 'result', ...result }, [result.latencies.buffer]),
    (error) => parentPort.postMessage({ type: 'error', message: String((error && error.stack) || error) }),
  )
})
`

export type Outcome = { count: number; statuses: Record<string, number>; wrong: string[]; ms: number; latencies: Float64Array }

export function startLoader(targets: Record<Target, Spec[]>) {
  const worker = new Worker(LOADER, { eval: true })
  type Message = { type: string; message?: string } & Partial<Outcome>
  let waiting: { resolve: (message: Message) => void; reject: (error: unknown) => void } | undefined
  worker.on('message', (message: Message) => waiting?.resolve(message))
  worker.on('error', (error) => waiting?.reject(error))
  const ask = (message: object) =>
    new Promise<Message>((resolve, reject) => {
      waiting = { resolve, reject }
      worker.postMessage(message)
    })
  return {
    ready: ask({ type: 'init', targets }),
    async run(target: Target, port: number | number[], durationMs: number): Promise<Outcome> {
      const ports = Array.isArray(port) ? port : [port]
      const result = await ask({ type: 'run', target, ports, connections: CONNECTIONS, durationMs })
      if (result.type !== 'result') throw new Error(`the load generator failed: ${result.message}`)
      return result as Outcome
    },
    stop: () => worker.terminate(),
  }
}

// ---------------------------------------------------------------------------------------------

function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ server, port: info.port }))
  })
}

/** A bare Hono app: JSON and HTML of the app's size, the number echoed, nothing looked up. */
function bareApp(pageHtml: string, apiJson: string) {
  const marker = '<dd>LSPS-2020-0000001</dd>'
  const at = pageHtml.indexOf(marker)
  if (at < 0) throw new Error('the sample page has no number to replace')
  const before = pageHtml.slice(0, at)
  const after = pageHtml.slice(at + marker.length)
  const record = JSON.parse(apiJson) as Record<string, unknown>
  const bare = new Hono()
  bare.get('/bare/api/:number', (c) => c.json({ ...record, number: c.req.param('number') }))
  bare.get('/bare/page/:number', (c) => c.html(`${before}<dd>${escapeHtml(c.req.param('number'))}</dd>${after}`))
  return bare
}

export const group: BenchGroup = {
  name: 'verify',
  description: `certificate verification over HTTP (@hono/node-server): JSON API and HTML page on ${CERTIFICATES.toLocaleString('en-US')} certificates (WAL file), rate limit (high) and audit on, ${CONNECTIONS} keep-alive requests in flight, every answer checked; vs a bare Hono route`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-verify-'))
    const db = openDatabase(join(dir, 'verify.db'))
    const auditErrors: unknown[] = []
    // As src/main.ts has it: written every 2 seconds or 200 lookups.
    const audit = createLookupAudit(db, {
      flushMs: 2_000,
      maxBatch: 200,
      now: () => new Date(),
      onError: (error) => auditErrors.push(error),
    })
    const servers: ServerType[] = []
    let loader: ReturnType<typeof startLoader> | undefined
    try {
      let started = performance.now()
      load(db)
      const loadSeconds = (performance.now() - started) / 1000
      const stored = (await statement(db, 'SELECT count(*) AS n FROM certificates').get()) as { n: number }
      if (stored.n !== CERTIFICATES) throw new Error(`loaded ${stored.n} certificates, expected ${CERTIFICATES}`)
      console.error(`  ${CERTIFICATES.toLocaleString('en-US')} certificates loaded in ${loadSeconds.toFixed(1)} s`)

      const app = createWebApp({
        version: 'bench',
        logger: pino({ level: 'silent' }),
        clock: () => new Date(),
        channels: () => ({ console: 'on' }),
        checkDatabase: async () => {
          await statement(db, 'select 1').get()
        },
        admin: { db, reminders: DEFAULT_REMINDER_SETTINGS },
        proxy: { header: 'x-forwarded-for', hops: 1 },
        verify: { db, signingKey: KEY, audit, ratePerMinute: RATE_PER_MINUTE },
      })
      const real = await listen(app.fetch)
      servers.push(real.server)
      // The bare routes answer with a real page and record of the app (taken before measuring).
      const sample = (path: string) => fetch(`http://127.0.0.1:${real.port}${path}`).then((r) => r.text())
      const bare = await listen(
        bareApp(await sample('/verifikasi/LSPS-2020-0000001'), await sample('/api/v1/certificates/LSPS-2020-0000001')).fetch,
      )
      servers.push(bare.server)
      const samples = 2

      const specs = makeSpecs()
      loader = startLoader(specs)
      await loader.ready
      const port: Record<Target, number> = { api: real.port, page: real.port, bareApi: bare.port, barePage: bare.port }
      const latencies: Record<Target, Float64Array[]> = { api: [], page: [], bareApi: [], barePage: [] }
      const totals: Record<Target, { count: number; ms: number }> = {
        api: { count: 0, ms: 0 },
        page: { count: 0, ms: 0 },
        bareApi: { count: 0, ms: 0 },
        barePage: { count: 0, ms: 0 },
      }
      const problems: string[] = []
      const answered = { app: samples, notFound: 0, byStatus: {} as Record<string, number> }
      /** How busy the server's event loop was while each target was measured (1 = saturated). */
      const busy: Record<Target, number[]> = { api: [], page: [], bareApi: [], barePage: [] }
      const drive = async (target: Target, ms: number, measured: boolean) => {
        const before = performance.eventLoopUtilization()
        const outcome = await loader?.run(target, port[target], ms)
        if (measured) busy[target].push(performance.eventLoopUtilization(before).utilization)
        if (!outcome) throw new Error('no load generator')
        problems.push(...outcome.wrong.map((what) => `${target}: ${what}`))
        if (target === 'api' || target === 'page') {
          answered.app += outcome.count
          answered.notFound += outcome.statuses['404'] ?? 0
        }
        for (const [status, n] of Object.entries(outcome.statuses))
          answered.byStatus[`${target} ${status}`] = (answered.byStatus[`${target} ${status}`] ?? 0) + n
        if (measured) {
          latencies[target].push(outcome.latencies)
          totals[target].count += outcome.count
          totals[target].ms += outcome.ms
        }
      }

      started = performance.now()
      const order: Target[] = ['api', 'bareApi', 'page', 'barePage']
      for (const target of order) await drive(target, WARMUP_MS, false)
      // The app and the bare route alternate, and the order turns round every round.
      for (let round = 0; round < ROUNDS; round++) {
        for (const target of round % 2 === 0 ? order : [...order].reverse()) await drive(target, ROUND_MS, true)
      }
      if (problems.length > 0) throw new Error(`wrong answers, so the speed means nothing:\n${problems.slice(0, 10).join('\n')}`)

      // Every lookup answered is in the audit, the misses as misses.
      await audit.flush()
      if (auditErrors.length > 0) throw new Error(`writing the audit failed: ${String(auditErrors[0])}`)
      const audited = (await statement(
        db,
        `SELECT count(*) AS n, sum(json_extract(details, '$.outcome') = 'not-found') AS missing FROM audit_log WHERE action = ?`,
      ).get(LOOKUP_ACTION)) as { n: number; missing: number }
      if (audited.n !== answered.app || audited.missing !== answered.notFound)
        throw new Error(
          `the audit holds ${audited.n} lookups (${audited.missing} not found); answered ${answered.app} (${answered.notFound} not found)`,
        )

      const rate = (target: Target) => totals[target].count / (totals[target].ms / 1000)
      // Each target's latencies from the measured rounds, in one sorted array.
      const sorted = Object.fromEntries(
        order.map((target) => {
          const all = new Float64Array(latencies[target].reduce((n, part) => n + part.length, 0))
          let at = 0
          for (const part of latencies[target]) {
            all.set(part, at)
            at += part.length
          }
          return [target, all.sort()]
        }),
      ) as Record<Target, Float64Array>
      /** A percentile (0–1) of the measured rounds' latencies, in milliseconds. */
      const latency = (target: Target, p: number) => {
        const all = sorted[target]
        return all[Math.min(all.length - 1, Math.floor(p * all.length))] ?? Number.NaN
      }
      const ms = (n: number) => n.toFixed(2)
      const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
      console.error(
        `  ${fmt(answered.app)} lookups answered and audited in ${((performance.now() - started) / 1000).toFixed(0)} s ` +
          `(${Object.entries(answered.byStatus)
            .map(([key, n]) => `${key}: ${fmt(n)}`)
            .join(', ')})`,
      )
      console.error(
        `  API ${fmt(rate('api'))}/s vs bare JSON ${fmt(rate('bareApi'))}/s; page ${fmt(rate('page'))}/s vs bare HTML ${fmt(rate('barePage'))}/s; ` +
          `server event loop busy ${order.map((target) => `${target} ${Math.round(Math.min(...busy[target]) * 100)}%`).join(', ')} (lowest round)`,
      )
      console.error(
        `  latency p50 / p99 (ms, ${CONNECTIONS} in flight): ${order
          .map((target) => `${target} ${ms(latency(target, 0.5))} / ${ms(latency(target, 0.99))}`)
          .join(', ')}`,
      )
      return {
        verify_api_per_second: Math.round(rate('api')),
        verify_page_per_second: Math.round(rate('page')),
        verify_api_ratio: Number((rate('api') / rate('bareApi')).toFixed(3)),
        verify_page_ratio: Number((rate('page') / rate('barePage')).toFixed(3)),
        verify_api_p99_ms: Number(ms(latency('api', 0.99))),
        verify_bare_api_p99_ms: Number(ms(latency('bareApi', 0.99))),
        verify_page_p99_ms: Number(ms(latency('page', 0.99))),
        verify_bare_page_p99_ms: Number(ms(latency('barePage', 0.99))),
      }
    } finally {
      await loader?.stop()
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
      await audit.stop()
      closeDatabase(db)
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
