/**
 * Spawning the real programs for end-to-end tests: each child is one node process with tsx as its
 * loader (`node --import tsx`), in its own process group; every wait is bounded, and `killAll` ends
 * whatever a test left running. Not the `tsx` command: it runs the program in a second node process
 * and relays signals to it, and on a busy machine it gave up on a child that took more than a few
 * milliseconds to acknowledge SIGTERM, killing it (exit code 143) in the middle of a clean shutdown.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, expect } from 'vitest'
import { type Db, openStore } from '../../src/db/client.js'
import { openPostgresPool } from '../../src/db/pg/pool.js'
import { bindPostgres, toPostgres } from '../../src/db/portable.js'
import { freshStoreEnv } from './engine.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export const PACKAGE_VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version

export type Exit = { code: number | null; signal: NodeJS.Signals | null }

export type Running = {
  child: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves with the first match of `pattern` in stdout; rejects after `ms` or when the child exits first. */
  waitForStdout(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>
  /** Resolves when the child has exited; rejects after `ms`. */
  exited(ms?: number): Promise<Exit>
}

const running = new Set<ChildProcess>()

/**
 * Only what the test gives, plus what tsx needs to find node: no stray TELEGRAM_BOT_TOKEN, NODE_ENV
 * (vitest sets NODE_ENV=test) or other setting leaks in from the test runner's environment. Under
 * libfaketime (the suite's year-ahead run, `faketime '+400 days' npx vitest run`) its variables
 * pass too, so a child lives on the same clock as the test that checks it.
 */
function childEnv(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    const kept = ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT', 'LD_PRELOAD', 'FAKETIME'].includes(key) || key.startsWith('FAKETIME_')
    if (kept && value !== undefined) base[key] = value
  }
  return { ...base, ...env }
}

/** Starts `node --import tsx <script> ...args` from the project root with exactly `env` (plus PATH/HOME). */
export function start(script: string, args: string[], env: Record<string, string>): Running {
  return startCommand(process.execPath, ['--import', 'tsx', script, ...args], env)
}

/** Starts `command ...args` (the built server, a program under script(1)…) as `start` does. */
export function startCommand(command: string, args: string[], env: Record<string, string>): Running {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  })
  running.add(child)
  let out = ''
  let err = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk
  })
  // Resolves once the process has exited and its output streams are fully read.
  const done = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    })
  })
  const dump = () => `\n--- stdout ---\n${out}\n--- stderr ---\n${err}`

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForStdout(pattern, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = out.match(pattern)
          if (!match) return false
          finish()
          resolve(match)
          return true
        }
        const timer = setTimeout(() => {
          finish()
          reject(new Error(`no ${pattern} on stdout within ${ms} ms${dump()}`))
        }, ms)
        const onData = () => check()
        const onClose = () => {
          if (check()) return
          finish()
          reject(new Error(`exited before ${pattern} appeared on stdout${dump()}`))
        }
        const finish = () => {
          clearTimeout(timer)
          child.stdout?.off('data', onData)
          child.off('close', onClose)
        }
        child.stdout?.on('data', onData)
        child.on('close', onClose)
        check()
      })
    },
    exited(ms = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`still running after ${ms} ms${dump()}`)), ms)
        void done.then((exit) => {
          clearTimeout(timer)
          resolve(exit)
        })
      })
    },
  }
}

/** The server (`src/main.ts` with `env`) until it listens, then stopped; or until it exits, with why (stderr). */
export async function serverUntilListening(env: Record<string, string>) {
  const server = start('src/main.ts', [], env)
  const exit = server.exited(20_000)
  const listening = server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 20_000).then(
    () => true,
    () => false,
  )
  if (await listening) {
    server.child.kill('SIGTERM')
    expect(await exit).toEqual({ code: 0, signal: null })
    return { listened: true, stderr: server.stderr() }
  }
  return { listened: false, exit: await exit, stderr: server.stderr() }
}

/** The one line a program printed on stderr (the test fails if there were more, or none). */
export function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter(Boolean)
  expect(lines).toHaveLength(1)
  return lines[0] ?? ''
}

/** Kills every child still running, with its whole process group. */
export function killAll(): void {
  for (const child of running) {
    if (child.pid === undefined) continue
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  running.clear()
}

/** A fresh temporary directory; `cleanup` removes it and everything in it. */
export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `kesos-e2e-${prefix}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * For a test file of programs: a fresh temporary folder for each test (`dir`, with the database
 * file `dbPath` in it), the settings that put a program on this test's own empty store (`store`),
 * and, after each test, every program still running killed and the folder removed. Read them inside
 * tests and hooks: they change from test to test.
 *
 * On SQLite `store` is DATABASE_PATH alone. In the PostgreSQL run (test/support/engine.ts) it adds
 * DATABASE_URL of a fresh migrated database, and DATABASE_PATH only says where the development data
 * key file lies, as in a real deployment. `rows` and `change` read and change that store from the
 * test, on either engine, as another process would.
 */
export function tempFolderEachTest(prefix: string, dbFile = 'kesos.db') {
  let temp: Awaited<ReturnType<typeof tempDir>> | undefined
  const folder = {
    dir: '',
    dbPath: '',
    store: {} as Record<string, string>,
    /** Writes `text` to `name` in the folder (a data file for a CLI run) and returns its path. */
    file: (name: string, text: string) => writeIn(folder.dir, name, text),
    /** The rows of `sql` (SQLite's dialect, `?` parameters) on this test's store, on either engine. */
    rows: async <T = Record<string, unknown>>(sql: string, ...params: unknown[]) =>
      (await onStore<T>(folder.store, sql, params)).rows,
    /** Runs the change `sql` on this test's store (committed when it returns); gives how many rows it changed. */
    change: async (sql: string, ...params: unknown[]) => (await onStore(folder.store, sql, params)).changes,
  }
  beforeEach(async () => {
    temp = tempDir(prefix)
    folder.dir = temp.dir
    folder.dbPath = join(temp.dir, dbFile)
    folder.store = await storeIn(temp.dir, dbFile)
  })
  afterEach(() => {
    killAll()
    temp?.cleanup()
  })
  return folder
}

/**
 * The settings of a store for programs a test starts in `dir`: the database file `file` there, or in
 * the PostgreSQL run a fresh database (the folder then keeps only the development key file).
 */
export async function storeIn(dir: string, file = 'kesos.db'): Promise<Record<string, string>> {
  return { DATABASE_PATH: join(dir, file), ...(await freshStoreEnv()) }
}

/** Opens (and migrates) the store `store` names as the programs do, for a test to seed it; end with `closeStore`. */
export function openStoreOf(store: Record<string, string>): Promise<Db> {
  return openStore({
    path: store.DATABASE_PATH ?? ':memory:',
    url: store.DATABASE_URL,
    poolSize: 2,
    statementTimeoutMs: 10_000,
  })
}

/** What `onStore` gives: the rows of a query, or how many rows a change changed. */
type SqlResult<T> = { rows: T[]; changes: number }

/**
 * `sql` with `params` on the store `store` names (its DATABASE_URL, else its DATABASE_PATH), on a
 * connection of its own that is closed after: what another process wrote is seen, and what this
 * writes is committed before it returns. PostgreSQL gets the statement as the product's own raw
 * statements do (src/db/portable.ts), and its numbers parsed as the product parses them.
 */
export async function onStore<T = Record<string, unknown>>(
  store: Record<string, string>,
  sql: string,
  params: unknown[] = [],
): Promise<SqlResult<T>> {
  const url = store.DATABASE_URL
  if (!url) {
    const path = store.DATABASE_PATH
    if (!path) throw new Error('onStore: neither DATABASE_URL nor DATABASE_PATH is set')
    const db = new Database(path)
    try {
      const prepared = db.prepare(sql)
      if (prepared.reader) return { rows: prepared.all(...params) as T[], changes: 0 }
      return { rows: [], changes: prepared.run(...params).changes }
    } finally {
      db.close()
    }
  }
  const pool = await openPostgresPool(url, {
    poolSize: 1,
    statementTimeoutMs: 10_000,
    applicationName: 'kesos-test',
    onError: () => {},
  })
  try {
    const compiled = toPostgres(sql)
    const result = await pool.query(compiled.text, bindPostgres(compiled, params))
    return { rows: result.rows as T[], changes: result.command === 'SELECT' ? 0 : (result.rowCount ?? 0) }
  } finally {
    await pool.end()
  }
}

/** Runs `script` (see `start`) to its end, within `ms`; returns its exit and what it printed. */
export async function run(script: string, args: string[], env: Record<string, string>, ms = 10_000) {
  const program = start(script, args, env)
  const exit = await program.exited(ms)
  return { exit, stdout: program.stdout(), stderr: program.stderr() }
}

/** Runs the terminal chat with `input` on stdin until it exits at end of input. */
export async function runChat(options: {
  /** Its store's settings (`tempFolderEachTest`'s `store`). */
  store: Record<string, string>
  /** Omitted: the chat picks its own (a fresh conversation for piped input). */
  chat?: string
  input: string
  env?: Record<string, string>
  ms?: number
  /** More arguments (e.g. `--phone +62…`). */
  args?: string[]
}): Promise<{ exit: Exit; stdout: string; stderr: string }> {
  const args = [...(options.chat ? ['--chat', options.chat] : []), ...(options.args ?? [])]
  const chat = start('src/bots/console/main.ts', args, {
    ...options.store,
    ...options.env,
  })
  // A child that exits early (a bad setting) closes its stdin: that shows in the exit code, not as EPIPE.
  chat.child.stdin?.on('error', () => {})
  chat.child.stdin?.end(options.input)
  const exit = await chat.exited(options.ms ?? 15_000)
  return { exit, stdout: chat.stdout(), stderr: chat.stderr() }
}

/** Asserts each string appears in `text`, in this order; returns where the last one ends. */
export function indexAfterAll(text: string, parts: string[]): number {
  let at = 0
  for (const part of parts) {
    const found = text.indexOf(part, at)
    if (found < 0) throw new Error(`expected ${JSON.stringify(part)} after position ${at} in:\n${text}`)
    at = found + part.length
  }
  return at
}

/** Writes `text` to `name` in `dir` (a data file for a CLI run) and returns its path. */
export function writeIn(dir: string, name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
