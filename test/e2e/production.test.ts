/**
 * The production start: `npm run build`, then the built JavaScript run by plain `node` as it is
 * deployed (`node dist/server.js`), with the run-time files (migrations, package.json, the
 * stylesheet) found from dist/; JSON log lines when stdout is not a terminal, readable ones when it
 * is; both channels answering over their fakes; the built CLI and terminal chat.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { closeStore } from '../../src/db/client.js'
import { CHANNEL_KEYS, fakeChannelsEnv, helloOnTelegram } from '../support/channel-fakes.js'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { type FakeWhatsAppServer, startFakeWhatsAppServer } from '../support/fake-whatsapp-server.js'
import { killAll, onStore, openStoreOf, PACKAGE_VERSION, ROOT, startCommand, storeIn, tempDir } from '../support/programs.js'

type LogLine = { level: number; time: number; msg: string; [key: string]: unknown }

let temp: Awaited<ReturnType<typeof tempDir>> | undefined

beforeAll(() => {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' })
  expect(build.status, build.stdout + build.stderr).toBe(0)
}, 60_000)

afterEach(() => {
  killAll()
  temp?.cleanup()
})

/** The server's "listening" line; the group is its port. */
const LISTENING = /listening on http:\/\/localhost:(\d+)/
/** The server's shutdown has a 10 s limit of its own. */
const STOP_MS = 15_000

async function health(port: number) {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) })
  return { status: response.status, body: (await response.json()) as { version: string; channels: Record<string, string> } }
}

/** Every line of `stdout` as a JSON log entry (fails on a line that is not one). */
function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const entry = JSON.parse(line) as LogLine
      expect(entry).toMatchObject({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) })
      return entry
    })
}

describe('node dist/server.js', () => {
  it('serves /healthz and the stylesheet on a fresh data folder, logs JSON lines, and stops cleanly', async () => {
    temp = tempDir('production')
    const store = await storeIn(temp.dir, 'data/kesos.db')
    const server = startCommand('node', ['dist/server.js'], { ...store, PORT: '0' })
    const port = Number((await server.waitForStdout(LISTENING, 20_000))[1])

    const { status, body } = await health(port)
    expect(status).toBe(200)
    expect(body).toMatchObject({ version: PACKAGE_VERSION, channels: { telegram: 'off', whatsapp: 'off' } })
    const page = await (await fetch(`http://127.0.0.1:${port}/verifikasi`)).text()
    const stylesheet = page.match(/href="(\/assets\/verify\.css\?v=\w+)"/)?.[1]
    const css = await fetch(`http://127.0.0.1:${port}${stylesheet}`)
    expect(css.status).toBe(200)
    expect(await css.text()).toContain('{')

    server.child.kill('SIGTERM')
    expect((await server.exited(STOP_MS)).code).toBe(0)
    expect(server.stderr()).toBe('')
    const messages = logLines(server.stdout()).map((line) => line.msg)
    expect(messages.some((msg) => msg.startsWith('DEMO dataset loaded'))).toBe(true)
    expect(messages).toContain('stopped cleanly')
    const [certificates] = (await onStore<{ n: number }>(store, 'select count(*) as n from certificates')).rows
    expect(certificates?.n).toBeGreaterThan(0)
    if (!store.DATABASE_URL) expect(existsSync(store.DATABASE_PATH as string)).toBe(true)
  })

  it('logs readable lines, not JSON, when stdout is a terminal', async () => {
    temp = tempDir('production-tty')
    // script(1) runs the server on a pseudo-terminal and copies what it shows.
    const server = startCommand('script', ['-qec', 'node dist/server.js', '/dev/null'], {
      ...(await storeIn(temp.dir)),
      PORT: '0',
      TERM: 'dumb',
    })
    await server.waitForStdout(LISTENING, 20_000)
    const lines = server.stdout().split(/\r?\n/).filter(Boolean)
    expect(lines.some((line) => line.trimStart().startsWith('{'))).toBe(false)
    expect(server.stdout()).toMatch(/INFO.*Telegram off: set TELEGRAM_BOT_TOKEN/)
  })
})

describe('node dist/server.js with Telegram and WhatsApp on over their fakes', () => {
  let telegram: FakeTelegram
  let whatsapp: FakeWhatsAppServer

  beforeAll(async () => {
    telegram = await startFakeTelegram()
    whatsapp = await startFakeWhatsAppServer()
  })

  afterAll(async () => {
    await telegram.close()
    await whatsapp.close()
  })

  it('answers a message on each channel, and stdout stays JSON lines', async () => {
    temp = tempDir('production-channels')
    const store = await storeIn(temp.dir)
    const db = await openStoreOf(store)
    await whatsapp.pairDeviceIn(db, CHANNEL_KEYS.DATA_ENCRYPTION_KEY)
    await closeStore(db)
    const server = startCommand('node', ['--import', whatsapp.preload, 'dist/server.js'], {
      ...store,
      PORT: '0',
      ...fakeChannelsEnv(telegram, whatsapp),
    })
    const port = Number((await server.waitForStdout(LISTENING, 20_000))[1])
    await server.waitForStdout(/Telegram on \(long polling\)/, 20_000)
    await server.waitForStdout(/WhatsApp on/, 20_000)
    expect((await health(port)).body.channels).toMatchObject({ telegram: 'on', whatsapp: 'on' })

    expect(await helloOnTelegram(telegram, 4242)).toContain('Ketik angka menu')

    await whatsapp.send('halo')
    const [reply] = await whatsapp.replies(1)
    expect(reply).toContain('Ketik angka menu')
    expect(reply).toContain('1. Tanya jawab sertifikasi')

    server.child.kill('SIGTERM')
    expect((await server.exited(STOP_MS)).code).toBe(0)
    expect(server.stderr()).toBe('')
    // Baileys' Signal library prints sessions (private keys included) to the console: none of it may show.
    expect(logLines(server.stdout()).map((line) => line.msg)).toContain('stopped cleanly')
    expect(server.stdout()).not.toMatch(/privKey|SessionEntry/)
  })
})

describe('the built CLI and terminal chat', () => {
  it('run from dist/ on the server database', async () => {
    temp = tempDir('production-cli')
    const env = await storeIn(temp.dir)
    const chat = startCommand('node', ['dist/chat.js'], env)
    chat.child.stdin?.end('halo\n')
    expect((await chat.exited(STOP_MS)).code).toBe(0)
    expect(chat.stdout()).toContain('7. Data pribadi saya')

    const cli = startCommand('node', ['dist/cli.js', 'sessions', 'list'], env)
    expect((await cli.exited(STOP_MS)).code).toBe(0)
    expect(cli.stdout()).toContain('[DEMO] Bimtek')
  })
})
