/**
 * The production start: `npm run build`, then `node dist/server.js` as a child process, as deployed
 * (NODE_ENV=production, keys set), with Telegram on over a local fake Bot API server (long polling)
 * and WhatsApp on over a local fake WhatsApp server (test/support/fake-whatsapp-server.ts: real
 * Baileys, Noise handshake, Signal encryption both ways). The measured process is the server itself:
 * no npm or tsx parent. A first start, not measured, makes the database and trains the FAQ network
 * into a private cache folder, so every measured start finds it warm. Medians are reported.
 *
 * - startup_seconds_to_healthy: spawn to the first `/healthz` answering 200, the server started
 *   exactly as deployed. WhatsApp is on but cannot log in to the fake (the process does not trust
 *   its certificate): the channel is loaded after the web server listens either way.
 * - idle_rss_mb: resident memory (VmRSS) after both channels are on, one message on each has been
 *   answered (and the answer checked), and a quiet period. For WhatsApp to log in, the process
 *   trusts the fake's root key through a `--import` preload, which loads Baileys before the server
 *   does; startup-heap.js is preloaded before it, so that Baileys is loaded under the same
 *   young-generation setting as in the server, whose first act is that setting.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { CHANNEL_KEYS, fakeChannelsEnv, helloOnTelegram } from '../../test/support/channel-fakes.js'
import type { FakeTelegram } from '../../test/support/fake-telegram.js'
import type { FakeWhatsAppServer } from '../../test/support/fake-whatsapp-server.js'
import { freePort } from '../../test/support/postgres.js'
import type { BenchGroup } from '../group.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TIMED_STARTS = 5
const MEASURED_STARTS = 3
/** After the last answer, before memory is read. */
const QUIET_MS = 15_000
const MENU = 'Ketik angka menu'

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resident memory of a process, in MB. */
function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  if (!kb) throw new Error(`no VmRSS for process ${pid}`)
  return Number(kb) / 1024
}

async function health(port: number): Promise<{ status: number; channels?: Record<string, string> }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`)
  const body = (await response.json()) as { channels?: Record<string, string> }
  return { status: response.status, ...(body.channels && { channels: body.channels }) }
}

let chatId = 8_100_000

/** The built server as a child process, with `preloads` (`--import`) before it. */
function spawnServer(env: Record<string, string>, preloads: string[]) {
  const child: ChildProcess = spawn(process.execPath, [...preloads.flatMap((url) => ['--import', url]), 'dist/server.js'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    pid: child.pid ?? 0,
    fail: (what: string) => new Error(`${what}\n--- server output ---\n${output}`),
    /** Stops it as an operator does (SIGTERM); it must exit cleanly. */
    async stop() {
      child.kill('SIGTERM')
      const code = await exited
      if (code !== 0) throw new Error(`the server stopped with code ${code}\n--- server output ---\n${output}`)
    },
    kill: () => child.kill('SIGKILL'),
    running: () => child.exitCode === null,
    /** Whether the server has logged `text` so far. */
    logged: (text: string) => output.includes(text),
  }
}

type Server = ReturnType<typeof spawnServer>

/** Seconds from `since` to the first /healthz 200 of `server`. */
async function secondsToHealthy(server: Server, port: number, since: number): Promise<number> {
  for (;;) {
    if (!server.running()) throw server.fail('the server exited')
    if (performance.now() - since > 30_000) throw server.fail('no /healthz 200 within 30 s')
    try {
      if ((await health(port)).status === 200) return (performance.now() - since) / 1000
    } catch {
      await sleep(10) // not listening yet
    }
  }
}

/** A start as deployed: seconds to healthy. */
async function timedStart(env: Record<string, string>): Promise<number> {
  const port = await freePort()
  const since = performance.now()
  const server = spawnServer({ ...env, PORT: String(port) }, [])
  try {
    const seconds = await secondsToHealthy(server, port, since)
    await server.stop()
    return seconds
  } finally {
    server.kill()
  }
}

/** A start with both channels logged in: one message on each, then resident memory (MB) when quiet. */
async function measuredStart(env: Record<string, string>, telegram: FakeTelegram, whatsapp: FakeWhatsAppServer): Promise<number> {
  const port = await freePort()
  const since = performance.now()
  const heap = pathToFileURL(join(ROOT, 'dist', 'startup-heap.js')).href
  const server = spawnServer({ ...env, PORT: String(port) }, [heap, whatsapp.preload])
  try {
    await secondsToHealthy(server, port, since)
    for (let tries = 0; ; tries++) {
      const { channels } = await health(port)
      if (channels?.telegram === 'on' && channels.whatsapp === 'on') break
      if (tries > 300) throw server.fail(`channels not on after 15 s: ${JSON.stringify(channels)}`)
      await sleep(50)
    }
    console.log(`    both channels on after ${((performance.now() - since) / 1000).toFixed(2)} s`)

    chatId += 1
    const answer = await helloOnTelegram(telegram, chatId)
    if (!answer.includes(MENU)) throw server.fail(`Telegram answered ${JSON.stringify(answer)}`)

    await whatsapp.opened()
    await whatsapp.send('halo')
    const [reply] = await whatsapp.replies(1)
    if (!reply?.includes(MENU)) throw server.fail(`WhatsApp answered ${JSON.stringify(reply)}`)

    // The server makes the understanding step's networks (the first start trains and caches them) after it listens:
    // the memory measured is that of a server with all it needs.
    for (let waited = 0; !server.logged('second opinion ready'); waited += 100) {
      if (waited > 120_000) throw server.fail('the understanding step was not ready within 120 s')
      await sleep(100)
    }
    await sleep(QUIET_MS)
    const memory = rssMb(server.pid)
    await server.stop()
    return memory
  } finally {
    server.kill()
  }
}

export const group: BenchGroup = {
  name: 'startup',
  description: `node dist/server.js (production settings, Telegram and WhatsApp on over local fakes): spawn to /healthz 200 with the FAQ network cache warm (median of ${TIMED_STARTS} starts), resident memory when idle after one message on each channel (median of ${MEASURED_STARTS})`,
  async run() {
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`)
    const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-startup-'))
    // Loaded here, not at the top: the runner imports every group, and Baileys (behind the WhatsApp
    // fake) in the bench process makes the core group's engine about a third slower.
    const { startFakeTelegram } = await import('../../test/support/fake-telegram.js')
    const { startFakeWhatsAppServer } = await import('../../test/support/fake-whatsapp-server.js')
    const telegram = await startFakeTelegram()
    const whatsapp = await startFakeWhatsAppServer()
    try {
      const databasePath = join(dir, 'kesos.db')
      await whatsapp.pairDevice(databasePath, CHANNEL_KEYS.DATA_ENCRYPTION_KEY)
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        // A cache folder of this run only: the first start trains the FAQ network into it.
        XDG_CACHE_HOME: join(dir, 'cache'),
        NODE_ENV: 'production',
        PUBLIC_BASE_URL: 'https://sertifikasi.example.go.id',
        DATABASE_PATH: databasePath,
        ...fakeChannelsEnv(telegram, whatsapp),
      }
      const warm = await measuredStart(env, telegram, whatsapp)
      console.log(`  first start (FAQ and understanding networks trained): ${warm.toFixed(0)} MB idle`)
      const seconds: number[] = []
      for (let i = 0; i < TIMED_STARTS; i++) {
        seconds.push(await timedStart(env))
        console.log(`  start ${i + 1}: ${seconds.at(-1)?.toFixed(2)} s to healthy`)
      }
      const memory: number[] = []
      for (let i = 0; i < MEASURED_STARTS; i++) {
        memory.push(await measuredStart(env, telegram, whatsapp))
        console.log(`  start ${i + 1} with messages: ${memory.at(-1)?.toFixed(0)} MB idle`)
      }
      return {
        startup_seconds_to_healthy: Number(median(seconds).toFixed(3)),
        idle_rss_mb: Number(median(memory).toFixed(1)),
      }
    } finally {
      await telegram.close()
      await whatsapp.close()
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
