/**
 * Leader election on one PostgreSQL database (`src/db/pg/leader.ts`), against a real server: of
 * several instances exactly one leads; when it stops, or its session is ended by the server, or its
 * session stops answering, it steps down at once and another takes over; duties are started and
 * stopped in pairs, and an instance whose duties fail to start gives the lock up. Polls and checks
 * run every 100 ms here (2 s in production) to keep the tests short.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type LeaderElection, type LeaderElectionOptions, type LeaderLog, startLeaderElection } from '../../src/db/pg/leader.js'
import { type PostgresServer, psql, startPostgres } from '../support/postgres.js'

const POLL_MS = 100

let server: PostgresServer
let url: string
const running: LeaderElection[] = []

beforeAll(async () => {
  server = await startPostgres()
  url = await server.createDatabase()
}, 60_000)

afterAll(async () => {
  await server?.stop()
})

afterEach(async () => {
  await Promise.all(running.splice(0).map((election) => election.stop()))
})

const quiet: LeaderLog = { info() {}, warn() {}, error() {} }

let instances = 0

/** An election named `kesos-test-<n>` in pg_stat_activity, with the events it saw in order. */
function instance(overrides: Partial<LeaderElectionOptions> = {}) {
  const name = `kesos-test-${++instances}`
  const events: string[] = []
  const election = startLeaderElection({
    url,
    applicationName: name,
    pollMs: POLL_MS,
    checkMs: POLL_MS,
    checkTimeoutMs: 500,
    onLead: () => {
      events.push('lead')
    },
    onStepDown: (reason) => {
      events.push(`down: ${reason}`)
    },
    log: quiet,
    ...overrides,
  })
  running.push(election)
  return { name, events, election }
}

type Instance = ReturnType<typeof instance>

async function waitUntil(condition: () => boolean | Promise<boolean>, ms: number, what: string): Promise<number> {
  const start = performance.now()
  while (!(await condition())) {
    if (performance.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return performance.now() - start
}

const leaders = (all: Instance[]) => all.filter((one) => one.election.isLeader())

/** The server process of an instance's session, by its application_name. */
async function backendOf(one: Instance): Promise<number | undefined> {
  const pid = (await psql(url, `select pid from pg_stat_activity where application_name = '${one.name}'`)).trim()
  return pid ? Number(pid) : undefined
}

/** Who holds the leader's lock (2, 0), by application_name. */
async function lockHolder(): Promise<string> {
  return (
    await psql(
      url,
      `select a.application_name from pg_locks l join pg_stat_activity a using (pid)
        where l.locktype = 'advisory' and l.classid = 2 and l.objid = 0 and l.granted`,
    )
  ).trim()
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('startLeaderElection', () => {
  it('makes exactly one of two instances leader, the one holding the lock', async () => {
    const both = [instance(), instance()]
    await waitUntil(() => leaders(both).length === 1, 5_000, 'a leader')
    // A few more polls change nothing: the follower keeps trying and keeps being refused.
    await sleep(POLL_MS * 5)
    const [leader] = leaders(both)
    expect(leaders(both)).toHaveLength(1)
    expect(await lockHolder()).toBe(leader?.name)
    for (const one of both) expect(one.events).toEqual(one === leader ? ['lead'] : [])
  })

  it('hands over within about a poll when the leader stops: duties stopped, lock released, session closed', async () => {
    const both = [instance(), instance()]
    await waitUntil(() => leaders(both).length === 1, 5_000, 'a leader')
    const [first] = leaders(both) as [Instance]
    const second = both.find((one) => one !== first) as Instance

    const stopping = performance.now()
    await first.election.stop()
    expect(first.election.isLeader()).toBe(false)
    expect(first.events).toEqual(['lead', 'down: stopped'])
    expect(await backendOf(first)).toBeUndefined()
    await waitUntil(() => second.election.isLeader(), 5_000, 'the other takes over')
    expect(performance.now() - stopping).toBeLessThan(POLL_MS * 10)
    expect(second.events).toEqual(['lead'])
    expect(await lockHolder()).toBe(second.name)
  })

  it('steps down at once when the server ends the leader session, and the other takes over', async () => {
    // No session check within the test: pg's report of the lost connection alone must be enough.
    const both = [instance({ checkMs: 60_000 }), instance({ checkMs: 60_000 })]
    await waitUntil(() => leaders(both).length === 1, 5_000, 'a leader')
    const [first] = leaders(both) as [Instance]
    const second = both.find((one) => one !== first) as Instance

    await psql(url, `select pg_terminate_backend(${await backendOf(first)})`)
    const took = await waitUntil(() => first.events.length === 2, 2_000, 'the old leader steps down')
    expect(took).toBeLessThan(POLL_MS * 5)
    expect(first.election.isLeader()).toBe(false)
    expect(first.events[1]).toMatch(/^down: session (error|ended)/)
    await waitUntil(() => second.election.isLeader(), 5_000, 'the other takes over')
    expect(second.events).toEqual(['lead'])
    // The old leader competes again on a fresh session, as a follower.
    await waitUntil(async () => (await backendOf(first)) !== undefined, 5_000, 'the old leader reconnects')
    await sleep(POLL_MS * 5)
    expect(first.election.isLeader()).toBe(false)
    expect(first.events).toHaveLength(2)
  })

  it('steps down when its session stops answering, before the server frees the lock', async () => {
    const leader = instance({ checkTimeoutMs: 300 })
    await waitUntil(() => leader.election.isLeader(), 5_000, 'a leader')
    const pid = (await backendOf(leader)) as number
    // A frozen server process answers nothing but still holds the lock, as a peer cut off by the network would.
    process.kill(pid, 'SIGSTOP')
    const follower = instance()
    try {
      const took = await waitUntil(() => !leader.election.isLeader(), 3_000, 'the leader steps down')
      expect(took).toBeLessThan(POLL_MS + 300 + 500)
      expect(leader.events).toEqual(['lead', expect.stringMatching(/^down: session check failed: Query read timeout/)])
      // Still held by the frozen session: nobody may lead yet.
      await sleep(POLL_MS * 3)
      expect(follower.election.isLeader()).toBe(false)
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    // Woken, the server process finds its connection closed and ends: the lock is free for one of them.
    await waitUntil(() => leaders([leader, follower]).length === 1, 5_000, 'a new leader')
  })

  it('keeps a third instance started later a follower', async () => {
    const first = [instance(), instance()]
    await waitUntil(() => leaders(first).length === 1, 5_000, 'a leader')
    const third = instance()
    await waitUntil(async () => (await backendOf(third)) !== undefined, 5_000, 'the third connects')
    await sleep(POLL_MS * 5)
    expect(third.election.isLeader()).toBe(false)
    expect(third.events).toEqual([])
    expect(leaders([...first, third])).toHaveLength(1)
  })

  it('gives the lock up when the duties fail to start, and tries again later', async () => {
    let attempts = 0
    const events: string[] = []
    const flaky = instance({
      onLead: () => {
        events.push('lead')
        if (++attempts === 1) throw new Error('WhatsApp would not start')
      },
      onStepDown: (reason) => {
        events.push(`down: ${reason}`)
      },
    })
    await waitUntil(() => attempts === 2 && flaky.election.isLeader(), 5_000, 'leads at the second try')
    expect(events).toEqual(['lead', 'down: starting the leader duties failed', 'lead'])
  })

  it('runs onStepDown only after onLead has finished, one at a time', async () => {
    const events: string[] = []
    let finishLead: () => void = () => {}
    const slow = instance({
      onLead: async () => {
        events.push('lead starts')
        await new Promise<void>((resolve) => {
          finishLead = resolve
        })
        events.push('lead done')
      },
      onStepDown: (reason) => {
        events.push(`down: ${reason}`)
      },
    })
    await waitUntil(() => events.length === 1, 5_000, 'onLead runs')
    const stopped = slow.election.stop()
    await sleep(POLL_MS)
    expect(events).toEqual(['lead starts'])
    finishLead()
    await stopped
    expect(events).toEqual(['lead starts', 'lead done', 'down: stopped'])
  })

  it('stops a follower without a step-down, and closes its session', async () => {
    const both = [instance(), instance()]
    await waitUntil(() => leaders(both).length === 1, 5_000, 'a leader')
    const follower = both.find((one) => !one.election.isLeader()) as Instance
    await follower.election.stop()
    expect(follower.events).toEqual([])
    expect(await backendOf(follower)).toBeUndefined()
    expect(leaders(both)).toHaveLength(1)
  })

  it('keeps trying while the database cannot be reached, and logs it', async () => {
    const warnings: string[] = []
    const log: LeaderLog = { info() {}, warn: (_, message) => warnings.push(message), error() {} }
    const { election } = instance({ url: 'postgres://postgres@127.0.0.1:1/none', log })
    await waitUntil(() => warnings.length >= 2, 5_000, 'two failed attempts')
    expect(warnings[0]).toBe('leader election: cannot connect to the database')
    expect(election.isLeader()).toBe(false)
  })
})
