/**
 * The server from source (`src/main.ts` under tsx) as a real child process: start-up on an empty
 * database, /healthz, graceful stop on SIGTERM/SIGINT, restart on the same database, production mode
 * and bad settings. The built server that `npm start` runs (`node dist/server.js`) is
 * production.test.ts.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { CERTIFICATION_STAGES } from '../../src/db/schema.js'
import { PACKAGE_VERSION, type Running, runChat, start, tempFolderEachTest } from '../support/programs.js'

type LogLine = { level: number; msg: string; [key: string]: unknown }

/** The JSON log lines on stdout (the server logs JSON when stdout is not a terminal). */
function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LogLine)
}

const temp = tempFolderEachTest('server', 'data/kesos.db')

/** Starts the server on a free port and waits until it listens. */
async function startServer(env: Record<string, string> = {}): Promise<{ server: Running; port: number }> {
  const server = start('src/main.ts', [], { DATABASE_PATH: temp.dbPath, PORT: '0', ...env })
  const match = await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 15_000)
  return { server, port: Number(match[1]) }
}

async function stop(server: Running, signal: NodeJS.Signals = 'SIGTERM') {
  server.child.kill(signal)
  return server.exited(10_000)
}

/**
 * Creates the first admin through the one-time link the server logged, as a browser would (the
 * form's cookie and token, posted from the server's origin); returns the session's Cookie header.
 */
async function firstAdminSession(server: Running, port: number): Promise<string> {
  const link = (await server.waitForStdout(/"url":"http:\/\/localhost:\d+(\/admin\/setel-sandi\?token=[A-Za-z0-9_-]+)"/))[1] ?? ''
  const origin = `http://127.0.0.1:${port}`
  const form = await fetch(`${origin}${link}`)
  const formCookie = (form.headers.getSetCookie()[0] ?? '').split(';')[0] ?? ''
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? ''
  const password = 'kata-sandi-admin-pertama'
  const done = await fetch(`${origin}/admin/setel-sandi`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: formCookie, Origin: origin },
    body: new URLSearchParams({
      _csrf: csrf,
      token: new URL(link, origin).searchParams.get('token') ?? '',
      name: 'Admin',
      email: 'admin@e2e.test',
      password,
      confirm: password,
    }),
  })
  expect(done.status).toBe(303)
  return (done.headers.getSetCookie().find((cookie) => cookie.startsWith('kesos_console=')) ?? '').split(';')[0] ?? ''
}

function health(port: number) {
  return fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) })
}

function readDb<T>(read: (db: Database.Database) => T): T {
  const db = new Database(temp.dbPath, { readonly: true, fileMustExist: true })
  try {
    return read(db)
  } finally {
    db.close()
  }
}

const count = (db: Database.Database, table: string) =>
  (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n

const TABLES = [
  'regions',
  'bimtek_sessions',
  'people',
  'certification_stages',
  'exams',
  'certificates',
  'app_meta',
  '__drizzle_migrations',
] as const
const countAll = (db: Database.Database) =>
  Object.fromEntries(TABLES.map((table) => [table, count(db, table)])) as Record<(typeof TABLES)[number], number>

function expectWalCheckpointed() {
  const wal = `${temp.dbPath}-wal`
  if (existsSync(wal)) expect(statSync(wal).size).toBe(0)
}

describe('server with only DATABASE_PATH and PORT', () => {
  it('creates the database, answers /healthz, logs the channels and loads the demo dataset', async () => {
    expect(existsSync(temp.dbPath)).toBe(false)
    const { server, port } = await startServer()
    expect(existsSync(temp.dbPath)).toBe(true)

    const response = await health(port)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { status: string; version: string; channels: Record<string, string> }
    expect(body).toMatchObject({ status: 'ok', version: PACKAGE_VERSION })
    expect(body.channels).toMatchObject({ telegram: 'off', whatsapp: 'off' })

    const messages = logLines(server.stdout()).map((line) => line.msg)
    expect(messages).toContain('Telegram off: set TELEGRAM_BOT_TOKEN')
    expect(messages.some((msg) => msg.startsWith('DEMO dataset loaded'))).toBe(true)

    expect(await stop(server)).toEqual({ code: 0, signal: null })
    expect(server.stderr()).toBe('')

    readDb((db) => {
      const zones = db.prepare('select distinct time_zone as tz from bimtek_sessions').all() as { tz: string }[]
      const tzs = zones.map((z) => z.tz)
      expect(tzs.length).toBeGreaterThanOrEqual(3)
      expect(tzs).toEqual(expect.arrayContaining(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']))

      // The latest stage of each person (ties broken by the later row).
      const latest = db
        .prepare(
          `select stage from (
             select stage, row_number() over (partition by person_id order by reached_at desc, id desc) as rn
             from certification_stages
           ) where rn = 1`,
        )
        .all() as { stage: string }[]
      expect(new Set(latest.map((row) => row.stage))).toEqual(new Set(CERTIFICATION_STAGES))

      const statuses = db.prepare('select distinct status from certificates').all() as { status: string }[]
      expect(statuses.map((row) => row.status).sort()).toEqual(['active', 'revoked', 'suspended'])
      const today = new Date().toISOString().slice(0, 10)
      expect(count(db, `certificates where expires_at < '${today}'`)).toBeGreaterThanOrEqual(1)
      expect(count(db, 'exams')).toBeGreaterThan(0)
    })
  })

  it.each(['SIGTERM', 'SIGINT'] as const)('stops cleanly on %s and checkpoints the WAL', async (signal) => {
    const { server, port } = await startServer()
    expect((await health(port)).status).toBe(200)
    expect(existsSync(`${temp.dbPath}-wal`)).toBe(true)

    expect(await stop(server, signal)).toEqual({ code: 0, signal: null })
    const messages = logLines(server.stdout()).map((line) => line.msg)
    expect(messages).toContain('stopped cleanly')
    expect(logLines(server.stdout()).find((line) => line.msg === 'shutting down')?.signal).toBe(signal)
    expect(server.stderr()).toBe('')
    expectWalCheckpointed()
  })

  it('does not load the demo data again or redo migrations on a second start', async () => {
    const first = await startServer()
    expect(await stop(first.server)).toMatchObject({ code: 0 })
    const before = readDb(countAll)
    const loadedAt = readDb((db) => db.prepare("select value from app_meta where key = 'demo_dataset'").get())
    expect(before.bimtek_sessions).toBeGreaterThan(0)

    // Something written between the two runs must survive the second start.
    const writer = new Database(temp.dbPath)
    writer.prepare("insert into app_meta (key, value) values ('e2e-marker', 'kept')").run()
    writer.close()

    const second = await startServer()
    expect((await health(second.port)).status).toBe(200)
    expect(await stop(second.server)).toMatchObject({ code: 0 })
    expect(second.server.stdout()).not.toContain('DEMO dataset loaded')

    const after = readDb(countAll)
    expect(after).toEqual({ ...before, app_meta: before.app_meta + 1 })
    readDb((db) => {
      expect(db.prepare("select value from app_meta where key = 'e2e-marker'").get()).toEqual({ value: 'kept' })
      expect(db.prepare("select value from app_meta where key = 'demo_dataset'").get()).toEqual(loadedAt)
    })
  })

  it('lets the terminal chat use the same database while it runs', async () => {
    const { server, port } = await startServer()
    const chat = await runChat({ store: temp.store, chat: 'beside-server', input: '6\nbatal\n' })
    expect(chat.exit, chat.stderr).toEqual({ code: 0, signal: null })
    expect(chat.stdout).toContain('Langkah 1 dari 5')
    expect(chat.stdout).toContain('Baik, dibatalkan.')

    expect((await health(port)).status).toBe(200)
    expect(await stop(server)).toEqual({ code: 0, signal: null })
    expect(server.stdout()).toContain('stopped cleanly')
    expectWalCheckpointed()
    readDb((db) => {
      expect(db.prepare("select flow from conversation_states where chat_id = 'beside-server'").get()).toEqual({ flow: null })
    })
  })

  it('with NODE_ENV=production loads no demo data but the six BBPPKS regions', async () => {
    const { server, port } = await startServer({
      NODE_ENV: 'production',
      DATA_ENCRYPTION_KEY: 'ab'.repeat(32),
      CERT_SIGNING_KEY: 'cd'.repeat(32),
      PUBLIC_BASE_URL: 'https://sertifikasi.example.id',
    })
    expect((await health(port)).status).toBe(200)
    expect(await stop(server)).toMatchObject({ code: 0 })
    expect(server.stdout()).not.toContain('DEMO dataset loaded')

    readDb((db) => {
      expect(count(db, 'bimtek_sessions')).toBe(0)
      expect(count(db, 'people')).toBe(0)
      expect(count(db, 'certificates')).toBe(0)
      expect(count(db, 'exams')).toBe(0)
      const codes = db.prepare('select code from regions order by code').all() as { code: string }[]
      expect(codes.map((row) => row.code)).toEqual(['R1', 'R2', 'R3', 'R4', 'R5', 'R6'])
    })
  })
})

describe('server with WhatsApp on', () => {
  it('keeps trying to reach WhatsApp with backoff, shows it on /healthz and the admin page, and stops cleanly', async () => {
    const token = 'e2e-admin-token-0123456789abcdef'
    const { server, port } = await startServer({
      WHATSAPP_ENABLED: 'true',
      DATA_ENCRYPTION_KEY: 'ab'.repeat(32),
      CERT_SIGNING_KEY: 'cd'.repeat(32),
      ADMIN_TOKEN: token,
      // A closed port: the connection fails at once, as when WhatsApp cannot be reached.
      WHATSAPP_SOCKET_URL: 'ws://127.0.0.1:1/ws/chat',
    })
    await server.waitForStdout(/WhatsApp: connection lost/, 10_000)
    const body = (await (await health(port)).json()) as { channels: Record<string, string> }
    expect(body.channels.whatsapp).toBe('connecting')

    // The page is the console's now: without a session, the sign-in page; ADMIN_TOKEN does not open it.
    const page = `http://127.0.0.1:${port}/admin/whatsapp`
    const anonymous = await fetch(page, { redirect: 'manual', headers: { Authorization: `Bearer ${token}` } })
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/admin\/login/)
    const headers = { Cookie: await firstAdminSession(server, port) }
    const state = await fetch(`${page}/state`, { headers })
    expect(state.status).toBe(200)
    expect(await state.json()).toMatchObject({ enabled: true, status: 'reconnecting', lastDisconnect: { code: 408 } })
    const html = await (await fetch(page, { headers })).text()
    expect(html).toContain('Terputus: menghubungkan ulang')
    expect(html).toContain('koneksi terputus atau habis waktu')

    expect(await stop(server)).toEqual({ code: 0, signal: null })
    expect(server.stderr()).toBe('')
    const lines = logLines(server.stdout())
    expect(lines.map((line) => line.msg)).toContain('stopped cleanly')
    expect(JSON.stringify(lines)).not.toContain(token)
  })
})

describe('a wrong setting', () => {
  it.each([
    ['PORT', 'abc'],
    ['LOG_LEVEL', 'loud'],
    ['WHATSAPP_ENABLED', 'maybe'],
    ['WHATSAPP_PAIRING_NUMBER', '0812abc'],
    ['WHATSAPP_SEND_INTERVAL_MS', '-5'],
  ])('%s=%s stops start-up with one line naming the variable', async (variable, value) => {
    const server = start('src/main.ts', [], { DATABASE_PATH: temp.dbPath, [variable]: value })
    const exit = await server.exited(10_000)
    expect(exit).toEqual({ code: 1, signal: null })
    const lines = server.stderr().split('\n').filter(Boolean)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(variable)
    expect(lines[0]).toContain(`"${value}"`)
    expect(lines[0]).not.toMatch(/\bat .+:\d+:\d+/)
    expect(server.stdout()).toBe('')
    expect(existsSync(temp.dbPath)).toBe(false)
  })

  it('a too short ADMIN_TOKEN stops start-up with one line naming the variable but not the token', async () => {
    const token = 'short-admin-token-123'
    const server = start('src/main.ts', [], { DATABASE_PATH: temp.dbPath, ADMIN_TOKEN: token })
    expect(await server.exited(10_000)).toEqual({ code: 1, signal: null })
    const lines = server.stderr().split('\n').filter(Boolean)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('ADMIN_TOKEN must be 24–256 characters')
    // The line lands in service logs; the secret must not.
    expect(server.stderr() + server.stdout()).not.toContain(token)
    expect(existsSync(temp.dbPath)).toBe(false)
  })
})

describe('the data encryption key', () => {
  it('production without DATA_ENCRYPTION_KEY stops start-up with one line saying how to make one', async () => {
    const server = start('src/main.ts', [], { DATABASE_PATH: temp.dbPath, NODE_ENV: 'production' })
    expect(await server.exited(10_000)).toEqual({ code: 1, signal: null })
    const lines = server.stderr().split('\n').filter(Boolean)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('DATA_ENCRYPTION_KEY must be set in production')
    expect(existsSync(temp.dbPath)).toBe(false)
  })

  it('outside production a key file is made beside the database once and used again after a restart', async () => {
    const first = await startServer()
    const keyFile = join(temp.dir, 'data', 'data-encryption.key')
    expect(readFileSync(keyFile, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/)
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    const key = readFileSync(keyFile, 'utf8')
    expect(await stop(first.server)).toEqual({ code: 0, signal: null })
    const second = await startServer()
    expect(readFileSync(keyFile, 'utf8')).toBe(key)
    expect(await stop(second.server)).toEqual({ code: 0, signal: null })
  })
})

describe('start-up trouble', () => {
  it('a malformed knowledge base stops start-up with one line naming the file and the entry', async () => {
    const broken = join(temp.dir, 'faq.yaml')
    writeFileSync(broken, readFileSync('content/faq.yaml', 'utf8').replace(/^(\s+)group: dasar$/m, '$1group: tidak-ada'))
    const server = start('src/main.ts', [], { DATABASE_PATH: temp.dbPath, PORT: '0', FAQ_PATH: broken })
    const exit = await server.exited(15_000)
    expect(exit).toEqual({ code: 1, signal: null })
    const lines = server.stderr().split('\n').filter(Boolean)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^Content error: .*faq\.yaml: topic 1 \("apa-sertifikasi"\): group "tidak-ada"/)
    expect(existsSync(temp.dbPath)).toBe(false)
  })

  it('a port already in use stops start-up with a clear log line, no stack trace, and a closed database', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve))
    const port = (holder.address() as AddressInfo).port
    try {
      const server = start('src/main.ts', [], { DATABASE_PATH: temp.dbPath, PORT: String(port) })
      const exit = await server.exited(15_000)
      expect(exit).toEqual({ code: 1, signal: null })
      const fatal = logLines(server.stdout()).find((line) => line.level === 60)
      expect(fatal?.msg).toContain(`port ${port} is already in use`)
      expect(server.stderr()).toBe('')
      const walFile = `${temp.dbPath}-wal`
      expect(!existsSync(walFile) || statSync(walFile).size === 0).toBe(true)
    } finally {
      holder.close()
    }
  })

  it('several processes starting together on a new database all work and seed it once', async () => {
    const runs = await Promise.all(
      [1, 2, 3, 4].map((n) => runChat({ store: temp.store, chat: `p${n}`, input: 'halo\n', ms: 30_000 })),
    )
    for (const run of runs) {
      expect(run.exit).toEqual({ code: 0, signal: null })
      expect(run.stdout).toContain('7. Data pribadi saya')
    }
    const db = new Database(temp.dbPath, { readonly: true })
    try {
      expect(db.prepare('select count(*) n from regions').get()).toEqual({ n: 6 })
      // The demo's 7 upcoming sessions, and for Sesi Bimtek one already held and one cancelled.
      expect(db.prepare('select count(*) n from bimtek_sessions').get()).toEqual({ n: 9 })
    } finally {
      db.close()
    }
  })
})
