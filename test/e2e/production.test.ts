/**
 * The production start: `npm run build`, then the built JavaScript run by plain `node` as it is
 * deployed (`node dist/server.js`), with the run-time files (migrations, package.json, the
 * stylesheet) found from dist/; JSON log lines when stdout is not a terminal, readable ones when it
 * is; both channels answering over their fakes; the built CLI and terminal chat.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { type FakeWhatsAppServer, startFakeWhatsAppServer } from '../support/fake-whatsapp-server.js'
import { PACKAGE_VERSION, ROOT, tempDir } from '../support/programs.js'

type LogLine = { level: number; time: number; msg: string; [key: string]: unknown }

let temp: ReturnType<typeof tempDir> | undefined
const children = new Set<ChildProcess>()

beforeAll(() => {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' })
  expect(build.status, build.stdout + build.stderr).toBe(0)
}, 60_000)

afterEach(() => {
  for (const child of children) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  children.clear()
  temp?.cleanup()
})

/** `command` from the project root in its own process group, with only `env` (plus PATH and HOME). */
function run(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    closed,
    async waitFor(pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
      const until = Date.now() + ms
      for (;;) {
        const match = stdout.match(pattern)
        if (match) return match
        if (child.exitCode !== null || Date.now() > until) {
          throw new Error(`no ${pattern} on stdout\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
  }
}

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
    const databasePath = join(temp.dir, 'data', 'kesos.db')
    const server = run('node', ['dist/server.js'], { DATABASE_PATH: databasePath, PORT: '0' })
    const port = Number((await server.waitFor(/listening on http:\/\/localhost:(\d+)/))[1])

    const { status, body } = await health(port)
    expect(status).toBe(200)
    expect(body).toMatchObject({ version: PACKAGE_VERSION, channels: { telegram: 'off', whatsapp: 'off' } })
    const page = await (await fetch(`http://127.0.0.1:${port}/verifikasi`)).text()
    const stylesheet = page.match(/href="(\/assets\/verify\.css\?v=\w+)"/)?.[1]
    const css = await fetch(`http://127.0.0.1:${port}${stylesheet}`)
    expect(css.status).toBe(200)
    expect(await css.text()).toContain('{')

    server.child.kill('SIGTERM')
    expect(await server.closed).toBe(0)
    expect(server.stderr()).toBe('')
    const messages = logLines(server.stdout()).map((line) => line.msg)
    expect(messages.some((msg) => msg.startsWith('DEMO dataset loaded'))).toBe(true)
    expect(messages).toContain('stopped cleanly')
    expect(existsSync(databasePath)).toBe(true)
  })

  it('logs readable lines, not JSON, when stdout is a terminal', async () => {
    temp = tempDir('production-tty')
    // script(1) runs the server on a pseudo-terminal and copies what it shows.
    const server = run('script', ['-qec', 'node dist/server.js', '/dev/null'], {
      DATABASE_PATH: join(temp.dir, 'kesos.db'),
      PORT: '0',
      TERM: 'dumb',
    })
    await server.waitFor(/listening on http:\/\/localhost:\d+/)
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
    const databasePath = join(temp.dir, 'kesos.db')
    whatsapp.pairDevice(databasePath)
    const server = run('node', ['--import', whatsapp.preload, 'dist/server.js'], {
      DATABASE_PATH: databasePath,
      PORT: '0',
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      WHATSAPP_ENABLED: 'true',
      WHATSAPP_SOCKET_URL: whatsapp.url,
      WHATSAPP_SEND_INTERVAL_MS: '0',
      WHATSAPP_SEND_JITTER_MS: '0',
      WHATSAPP_TYPING_MS: '0',
    })
    const port = Number((await server.waitFor(/listening on http:\/\/localhost:(\d+)/))[1])
    await server.waitFor(/Telegram on \(long polling\)/)
    await server.waitFor(/WhatsApp on/)
    expect((await health(port)).body.channels).toMatchObject({ telegram: 'on', whatsapp: 'on' })

    telegram.pushUpdate({
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 4242, type: 'private', first_name: 'Siti' },
        from: { id: 4242, is_bot: false, first_name: 'Siti', language_code: 'id' },
        text: 'halo',
      },
    })
    await telegram.waitFor(
      (calls) => calls.some((call) => call.method === 'sendMessage' && call.payload.chat_id === 4242),
      10_000,
    )
    expect(String(telegram.sent(4242)[0]?.payload.text)).toContain('Ketik angka menu')

    await whatsapp.send('halo')
    const [reply] = await whatsapp.replies(1)
    expect(reply).toContain('Ketik angka menu')
    expect(reply).toContain('1. Tanya jawab sertifikasi')

    server.child.kill('SIGTERM')
    expect(await server.closed).toBe(0)
    expect(server.stderr()).toBe('')
    // Baileys' Signal library prints sessions (private keys included) to the console: none of it may show.
    expect(logLines(server.stdout()).map((line) => line.msg)).toContain('stopped cleanly')
    expect(server.stdout()).not.toMatch(/privKey|SessionEntry/)
  })
})

describe('the built CLI and terminal chat', () => {
  it('run from dist/ on the server database', async () => {
    temp = tempDir('production-cli')
    const env = { DATABASE_PATH: join(temp.dir, 'kesos.db') }
    const chat = run('node', ['dist/chat.js'], env)
    chat.child.stdin?.end('halo\n')
    expect(await chat.closed).toBe(0)
    expect(chat.stdout()).toContain('7. Data pribadi saya')

    const cli = run('node', ['dist/cli.js', 'sessions', 'list'], env)
    expect(await cli.closed).toBe(0)
    expect(cli.stdout()).toContain('[DEMO] Bimtek')
  })
})
