/**
 * A throw-away PostgreSQL server for tests: `startPostgres()` makes a cluster in a fresh temporary
 * folder, starts it on a free port of 127.0.0.1 (and a unix socket in that folder) and gives back its
 * URL; `createDatabase()` makes an empty database per test file; `stop()` ends the server and removes
 * the folder. PostgreSQL refuses to run as root, so under root (CI, this machine) initdb and pg_ctl
 * run as an unprivileged user through runuser. A watchdog shell stops the server and removes the
 * folder when the test process ends in any way, even by SIGKILL, so no postmaster outlives a run.
 *
 * As a vitest globalSetup file it starts one server for the whole run and provides its URL to the
 * test files as `inject('postgresUrl')` (not wired into vitest.config.ts yet).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  accessSync,
  appendFileSync,
  chownSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import pg from 'pg'
import { migratePostgres } from '../../src/db/pg/migrate.js'

export const INSTALL_HINT =
  'install PostgreSQL (Debian: apt-get install postgresql) or set PG_BIN to the folder holding initdb, pg_ctl and postgres'

const SERVER_BINARIES = ['initdb', 'pg_ctl', 'postgres'] as const

/** The user the server runs as when the tests run as root: Debian always has `nobody`; else one is made. */
const FALLBACK_USER = 'kesos-pg'

export type PostgresServer = {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: the server's own database, for administration. */
  url: string
  port: number
  /** The temporary folder: data directory, log and unix socket. Gone after `stop()`. */
  dir: string
  /** Makes an empty database (`t_<random>` unless named) and returns its URL. */
  createDatabase(name?: string): Promise<string>
  /** Stops the server at once (`pg_ctl stop -m immediate`) and removes its folder; safe to call twice. */
  stop(): Promise<void>
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

const hasServerBinaries = (dir: string) => SERVER_BINARIES.every((name) => isExecutable(join(dir, name)))

/**
 * The folder holding initdb, pg_ctl and postgres: PG_BIN if set; else the one on PATH (followed through
 * symlinks, so psql comes from the same version); else Debian's /usr/lib/postgresql/<major>/bin with the
 * highest major, which Debian's `postgresql` package installs off PATH.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN) {
    const missing = SERVER_BINARIES.filter((name) => !isExecutable(join(env.PG_BIN as string, name)))
    if (missing.length > 0) throw new Error(`PG_BIN=${env.PG_BIN} has no ${missing.join(', ')}: ${INSTALL_HINT}`)
    return env.PG_BIN
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const initdb = join(dir, 'initdb')
    if (!isExecutable(initdb)) continue
    const real = dirname(realpathSync(initdb))
    if (hasServerBinaries(real)) return real
    if (hasServerBinaries(dir)) return dir
  }
  const debian = '/usr/lib/postgresql'
  let majors: string[] = []
  try {
    majors = readdirSync(debian).filter((name) => /^\d+(\.\d+)?$/.test(name))
  } catch {
    // No Debian packages installed.
  }
  majors.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
  for (const major of majors) {
    if (hasServerBinaries(join(debian, major, 'bin'))) return join(debian, major, 'bin')
  }
  throw new Error(`PostgreSQL not found (initdb, pg_ctl and postgres, on PATH or in ${debian}/*/bin): ${INSTALL_HINT}`)
}

/** psql beside the server binaries (Debian's postgresql pulls in its client), else the one on PATH. */
function findPsql(bin: string): string {
  if (isExecutable(join(bin, 'psql'))) return join(bin, 'psql')
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (isExecutable(join(dir, 'psql'))) return join(dir, 'psql')
  }
  throw new Error(`psql not found in ${bin} or on PATH: install postgresql-client (Debian: apt-get install postgresql-client)`)
}

function findRunuser(): string {
  const candidates = [
    '/usr/sbin/runuser',
    '/sbin/runuser',
    ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'runuser')),
  ]
  const found = candidates.find(isExecutable)
  if (!found) throw new Error('running as root, PostgreSQL needs runuser to start as another user: apt-get install util-linux')
  return found
}

function passwdEntry(user: string): { uid: number; gid: number } | undefined {
  const result = spawnSync('getent', ['passwd', user], { encoding: 'utf8' })
  const fields = result.status === 0 ? result.stdout.trim().split(':') : []
  return fields.length >= 4 ? { uid: Number(fields[2]), gid: Number(fields[3]) } : undefined
}

/** `nobody`, else a system user made for the purpose (several test processes may race to make it). */
function unprivilegedUser(): { name: string; uid: number; gid: number } {
  for (const name of ['nobody', FALLBACK_USER]) {
    const entry = passwdEntry(name)
    if (entry) return { name, ...entry }
  }
  spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', FALLBACK_USER], { encoding: 'utf8' })
  const entry = passwdEntry(FALLBACK_USER)
  if (!entry) throw new Error(`running as root and no user to run PostgreSQL as: useradd ${FALLBACK_USER} failed`)
  return { name: FALLBACK_USER, ...entry }
}

/**
 * The client must not pick up a PGHOST, PGOPTIONS… of the machine: everything it needs is in the URL.
 * Nor does any of PostgreSQL's programs run under libfaketime (the suite's year-ahead run): the
 * server's clock is not the app's (the app passes its times in), and under libfaketime the server's
 * own timers never fire, so statement_timeout, lock_timeout and the like would silently do nothing.
 */
function clientEnv(): NodeJS.ProcessEnv {
  const faketime = (key: string, value: string | undefined) =>
    key.startsWith('FAKETIME') || (key === 'LD_PRELOAD' && /faketime/i.test(value ?? ''))
  return Object.fromEntries(Object.entries(process.env).filter(([key, value]) => !key.startsWith('PG') && !faketime(key, value)))
}

function run(command: string, args: string[], options: { cwd?: string; ms?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, env: clientEnv(), timeout: options.ms ?? 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}${stdout}`))
      else resolve(stdout)
    })
  })
}

/** Runs `sql` through psql against `url` (stops at the first error); returns its unaligned rows, `|` between columns. */
export function psql(url: string, sql: string): Promise<string> {
  const client = findPsql(findPostgresBin())
  return run(client, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { ms: 30_000 })
}

/** Makes an empty database on the server of `serverUrl` and returns its URL. */
export async function createDatabase(serverUrl: string, name = `t_${randomBytes(6).toString('hex')}`): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`)
  await psql(serverUrl, `CREATE DATABASE ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return '(no log)'
  }
}

/** A TCP port free on 127.0.0.1 now (the system picks it): for a server a test or bench starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/**
 * A shell that waits for its stdin to close, then stops the server and removes the folder. Its stdin is
 * a pipe only this process holds, so it closes however this process ends; `stop()` kills it first.
 */
function watchdog(stopCommand: string[], data: string, dir: string): ChildProcess {
  const script = 'read -r _; "$@" stop -D "$DATA" -m immediate -w >/dev/null 2>&1; rm -rf -- "$DIR"'
  const child = spawn('/bin/sh', ['-c', script, 'sh', ...stopCommand], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DATA: data, DIR: dir },
  })
  child.unref()
  if (child.stdin instanceof Socket) child.stdin.unref()
  return child
}

/** Starts a fresh server in a new temporary folder; see the file's comment. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin()
  const asRoot = process.getuid?.() === 0
  const user = asRoot ? unprivilegedUser() : undefined
  const dir = mkdtempSync(join(tmpdir(), 'kesos-pg-'))
  const data = join(dir, 'data')
  // Under root, every server command runs as the user: `runuser -u nobody -- pg_ctl …`.
  const as = (binary: string) => (user ? [findRunuser(), '-u', user.name, '--', join(bin, binary)] : [join(bin, binary)])
  const server = (binary: string, args: string[], ms?: number) => {
    const [command, ...prefix] = as(binary)
    return run(command as string, [...prefix, ...args], { cwd: dir, ms })
  }

  mkdirSync(data, { mode: 0o700 })
  if (user) {
    chownSync(dir, user.uid, user.gid)
    chownSync(data, user.uid, user.gid)
  }
  const guard = watchdog(as('pg_ctl'), data, dir)
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    guard.kill('SIGKILL')
    await server('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w'], 30_000).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    // The C locale orders and compares bytes, as SQLite does, whatever locales the machine has.
    await server('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'])
    // Durability is pointless for a cluster deleted after the run; the multi-process tests need connections.
    const settings = {
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${dir.replaceAll("'", "''")}'`,
      max_connections: '200',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
    }
    appendFileSync(
      join(data, 'postgresql.conf'),
      `\n# kesos-assistant tests\n${Object.entries(settings)
        .map(([key, value]) => `${key} = ${value}`)
        .join('\n')}\n`,
    )

    // The free port may be taken between our check and the server's bind: then another one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort()
      try {
        await server(
          'pg_ctl',
          ['start', '-D', data, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', '-o', `-p ${port}`],
          90_000,
        )
      } catch (error) {
        const log = readLog(join(dir, 'postgres.log'))
        if (attempt < 3 && log.includes('could not bind')) continue
        throw new Error(`${(error as Error).message}\n--- postgres.log ---\n${log}`)
      }
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`
      return { url, port, dir, createDatabase: (name?: string) => createDatabase(url, name), stop }
    }
  } catch (error) {
    await stop()
    throw error
  }
}

declare module 'vitest' {
  interface ProvidedContext {
    postgresUrl: string
  }
}

/** vitest globalSetup: one server for the run, its URL given to test files as `inject('postgresUrl')`. */
export async function setup(project: { provide(key: 'postgresUrl', value: string): void }): Promise<() => Promise<void>> {
  const server = await startPostgres()
  project.provide('postgresUrl', server.url)
  return server.stop
}

/**
 * A throw-away server with one database migrated to the PostgreSQL schema and a client connected to
 * it: what the tests comparing the two engines start from. `stop()` ends the client, then the server.
 */
export async function migratedPostgres(): Promise<{ client: pg.Client; stop: () => Promise<void> }> {
  const server = await startPostgres()
  try {
    const url = await server.createDatabase()
    await migratePostgres(url)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    return {
      client,
      stop: async () => {
        await client.end()
        await server.stop()
      },
    }
  } catch (error) {
    await server.stop()
    throw error
  }
}
