/**
 * PostgreSQL (issue 24), side by side with SQLite in the same run, on a throw-away server started
 * from the machine's PostgreSQL programs (Debian: `apt-get install postgresql`):
 *
 * - verify: the server from source, twice on one PostgreSQL database (two instances, the load
 *   spread over both as a load balancer does) against once on a SQLite file, both holding the same
 *   200,000 certificates; the verify group's load generator (32 keep-alive requests in flight,
 *   every answer checked); rounds alternate. `verify_api_pg_two_instances_ratio` is the two
 *   instances' API lookups per second ÷ the one SQLite instance's. Afterwards each database's audit
 *   must hold every lookup answered (the instances flush it when stopped).
 * - core: the conversation engine on PostgreSQL, the core group's scripted mix (2,000 chats in
 *   flight, every reply checked), passes alternating with the same engine on a SQLite file.
 * - reminders: the reminders group's claim of 100,000 due reminders among 250,000 rows, the file
 *   copied into PostgreSQL first (`copyToPostgres`), against the same claim on the file.
 *
 * Both engines share the machine's cores with the load generator and (for PostgreSQL) its server,
 * as they would on one machine: the figures say what one machine gives, not what a cluster would.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { openCore } from '../../src/bootstrap.js'
import { loadConfig } from '../../src/config.js'
import { LOOKUP_ACTION } from '../../src/core/certificates/lookup-audit.js'
import { closeDatabase, closeStore, type Db, openDatabase, openStore } from '../../src/db/client.js'
import { copyToPostgres, openSqliteSource } from '../../src/db/copy.js'
import { type PostgresServer, psql, startPostgres } from '../../test/support/postgres.js'
import { type Running, start } from '../../test/support/programs.js'
import type { BenchGroup } from '../group.js'
import { enginePass, makeChats, newTally, plan } from './core.js'
import { claimRound } from './reminders.js'
import { KEY, load, makeSpecs, startLoader } from './verify.js'

const CERTIFICATES = 200_000
const WARMUP_MS = 2_000
const ROUND_MS = 3_000
const ROUNDS = 3
const CORE_PASSES = 2
const CLAIM_ROUNDS = 3
const DATA_KEY = '7a'.repeat(32)

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

/** A store's settings for openStore: PostgreSQL at `url`, or the file at `path`. */
const storeAt = (path: string, url?: string) => ({ path, url, poolSize: 10, statementTimeoutMs: 60_000 })

async function copyFileTo(server: PostgresServer, file: string): Promise<string> {
  const url = await server.createDatabase()
  const source = openSqliteSource(file)
  try {
    const copied = await copyToPostgres(source.db, url)
    if (!copied.ok) throw new Error(`copying into PostgreSQL failed: ${JSON.stringify(copied.error).slice(0, 300)}`)
  } finally {
    source.close()
  }
  return url
}

// ---------------------------------------------------------------------------------------------

async function startServer(env: Record<string, string>): Promise<{ server: Running; port: number }> {
  const server = start('src/main.ts', [], {
    PORT: '0',
    DEMO_DATA: 'false',
    LOG_LEVEL: 'info',
    CERT_SIGNING_KEY: KEY,
    DATA_ENCRYPTION_KEY: DATA_KEY,
    VERIFY_RATE_LIMIT_PER_MINUTE: '100000',
    TRUST_PROXY: 'true',
    TRUST_PROXY_HEADER: 'x-forwarded-for',
    TRUST_PROXY_HOPS: '1',
    ...env,
  })
  const match = await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 60_000)
  return { server, port: Number(match[1]) }
}

async function stopServer(server: Running) {
  server.child.kill('SIGTERM')
  const exit = await server.exited(30_000)
  if (exit.code !== 0) throw new Error(`a server stopped with ${JSON.stringify(exit)}: ${server.stderr().slice(0, 500)}`)
}

async function verifyTwoInstances(server: PostgresServer, dir: string) {
  const file = join(dir, 'verify.db')
  const db = openDatabase(file)
  load(db, CERTIFICATES)
  closeDatabase(db)
  const url = await copyFileTo(server, file)

  const sqlite = await startServer({ DATABASE_PATH: file })
  const pg = [
    await startServer({ DATABASE_URL: url, DATABASE_PATH: join(dir, 'pg-a.db') }),
    await startServer({ DATABASE_URL: url, DATABASE_PATH: join(dir, 'pg-b.db') }),
  ]
  const loader = startLoader(makeSpecs(CERTIFICATES))
  const totals = { sqlite: { count: 0, ms: 0 }, pg: { count: 0, ms: 0 } }
  const answered = { sqlite: 0, pg: 0 }
  const problems: string[] = []
  try {
    await loader.ready
    const ports = { sqlite: [sqlite.port], pg: pg.map((instance) => instance.port) }
    const drive = async (which: 'sqlite' | 'pg', ms: number, measured: boolean) => {
      const outcome = await loader.run('api', ports[which], ms)
      problems.push(...outcome.wrong.map((what) => `${which}: ${what}`))
      answered[which] += outcome.count
      if (measured) {
        totals[which].count += outcome.count
        totals[which].ms += outcome.ms
      }
    }
    await drive('sqlite', WARMUP_MS, false)
    await drive('pg', WARMUP_MS, false)
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of round % 2 === 0 ? (['sqlite', 'pg'] as const) : (['pg', 'sqlite'] as const)) {
        await drive(which, ROUND_MS, true)
      }
    }
  } finally {
    await loader.stop()
    for (const instance of [sqlite, ...pg]) await stopServer(instance.server)
  }
  if (problems.length > 0) throw new Error(`wrong answers, so the speed means nothing:\n${problems.slice(0, 10).join('\n')}`)

  // Every lookup answered is in the audit of the database that answered it.
  const auditedSqlite = openDatabase(file)
  const inFile = (
    auditedSqlite.$client.prepare('SELECT count(*) AS n FROM audit_log WHERE action = ?').get(LOOKUP_ACTION) as {
      n: number
    }
  ).n
  closeDatabase(auditedSqlite)
  const inPg = Number(await psql(url, `SELECT count(*) FROM audit_log WHERE action = '${LOOKUP_ACTION}'`))
  if (inFile !== answered.sqlite || inPg !== answered.pg) {
    throw new Error(
      `audits hold ${inFile} (SQLite) and ${inPg} (PostgreSQL) lookups; answered ${answered.sqlite} and ${answered.pg}`,
    )
  }
  const rate = (which: 'sqlite' | 'pg') => totals[which].count / (totals[which].ms / 1000)
  console.error(
    `  verify API: two instances on PostgreSQL ${fmt(rate('pg'))}/s, one on SQLite ${fmt(rate('sqlite'))}/s ` +
      `(${fmt(answered.pg + answered.sqlite)} lookups answered and audited)`,
  )
  return {
    verify_api_pg_two_instances_per_second: Math.round(rate('pg')),
    verify_api_sqlite_one_instance_per_second: Math.round(rate('sqlite')),
    verify_api_pg_two_instances_ratio: Number((rate('pg') / rate('sqlite')).toFixed(3)),
  }
}

// ---------------------------------------------------------------------------------------------

async function coreSideBySide(server: PostgresServer, dir: string) {
  const open = async (env: Record<string, string>) => {
    const config = loadConfig({
      DATABASE_PATH: join(dir, 'core.db'),
      DEMO_DATA: 'false',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_ENCRYPTION_KEY: DATA_KEY,
      ...env,
    })
    const core = await openCore(config, pino({ level: 'silent' }), () => new Date())
    core.prepareUnderstanding()
    return core
  }
  const pgCore = await open({ DATABASE_URL: await server.createDatabase() })
  const sqliteCore = await open({})
  try {
    const engines = { pg: pgCore.engine, sqlite: sqliteCore.engine }
    const warm = newTally()
    for (const engine of Object.values(engines)) await enginePass(engine, makeChats('warmup'), 'w', warm)
    if (warm.wrong.length > 0) throw new Error(`wrong replies during warm-up:\n${warm.wrong.join('\n')}`)
    const chats = makeChats('chat')
    const tallies = { pg: newTally(), sqlite: newTally() }
    const ms = { pg: 0, sqlite: 0 }
    for (let p = 0; p < CORE_PASSES; p++) {
      for (const which of p % 2 === 0 ? (['pg', 'sqlite'] as const) : (['sqlite', 'pg'] as const)) {
        const started = performance.now()
        await enginePass(engines[which], chats, String(p), tallies[which])
        ms[which] += performance.now() - started
      }
    }
    const expected = plan(chats)
    const answers = (expected.messages - expected.redeliveries - expected.silent) * CORE_PASSES
    for (const which of ['pg', 'sqlite'] as const) {
      const tally = tallies[which]
      if (tally.wrong.length > 0 || tally.answered !== answers || tally.confirmations !== expected.confirmations * CORE_PASSES) {
        throw new Error(
          `the engine on ${which} answered wrongly (${tally.answered} of ${answers} answered), so its speed means nothing:\n${tally.wrong.join('\n')}`,
        )
      }
    }
    const rate = (which: 'pg' | 'sqlite') => tallies[which].sent / (ms[which] / 1000)
    console.error(
      `  core: ${fmt(rate('pg'))} messages/s on PostgreSQL, ${fmt(rate('sqlite'))} on SQLite (same run, passes alternating)`,
    )
    return {
      core_pg_messages_per_second: Math.round(rate('pg')),
      core_pg_vs_sqlite_ratio: Number((rate('pg') / rate('sqlite')).toFixed(3)),
    }
  } finally {
    await closeStore(pgCore.db)
    await closeStore(sqliteCore.db)
  }
}

// ---------------------------------------------------------------------------------------------

async function claimSideBySide(server: PostgresServer) {
  const pg: number[] = []
  const sqlite: number[] = []
  for (let round = 0; round < CLAIM_ROUNDS; round++) {
    pg.push(
      (
        await claimRound(async (file) => {
          const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-pg-claim-'))
          const path = join(dir, 'copy.db')
          file.$client.exec(`VACUUM INTO '${path}'`)
          const url = await copyFileTo(server, path)
          rmSync(dir, { recursive: true, force: true })
          return (await openStore(storeAt(path, url))) as Db
        })
      ).seconds,
    )
    sqlite.push((await claimRound()).seconds)
  }
  console.error(
    `  reminders claim of 100,000: PostgreSQL ${pg.map((s) => s.toFixed(2)).join(', ')} s; SQLite ${sqlite.map((s) => s.toFixed(2)).join(', ')} s`,
  )
  return {
    reminders_pg_claim_100k_seconds: Number(median(pg).toFixed(2)),
    reminders_sqlite_claim_100k_seconds_same_run: Number(median(sqlite).toFixed(2)),
  }
}

export const group: BenchGroup = {
  name: 'postgres',
  description: `PostgreSQL beside SQLite in one run: the verify API with two instances on PostgreSQL vs one on SQLite (${CERTIFICATES.toLocaleString('en-US')} certificates), the core engine, the reminders claim`,
  async run() {
    const server = await startPostgres()
    const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-postgres-'))
    try {
      const verify = await verifyTwoInstances(server, dir)
      const core = await coreSideBySide(server, dir)
      const claim = await claimSideBySide(server)
      return { ...verify, ...core, ...claim }
    } finally {
      await server.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
