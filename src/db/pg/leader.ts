/**
 * Leader election among the instances sharing one PostgreSQL database (issue 24; not wired into the
 * app yet). The leader runs what must run once (the WhatsApp socket, scheduled jobs, the outbox
 * dispatcher); every instance serves HTTP.
 *
 * The leader is whoever holds a session advisory lock. A session lock lives exactly as long as its
 * connection, so it sits on a dedicated `pg.Client` of its own, never a pooled one: a pool would
 * hand the connection, and so the lock, to unrelated work, and could close it when idle.
 *
 * The danger is a leader that still believes it leads after its session is gone: the server frees
 * the lock and another instance takes it. So the leader checks its session every few seconds
 * (`SELECT 1`, with a timeout), and on any failure, or when pg reports the connection's error or
 * end, it steps down at once and only then competes again on a fresh connection. The server, for
 * its part, ends a silent peer's session within about 11 s (TCP keepalives 5 + 2 × 3 s), well after
 * the leader has stepped down (at most checkMs + checkTimeoutMs, 5 s by default).
 */
import { hostname } from 'node:os'
import type { Client } from 'pg'

/** What the election writes to the log; a pino logger fits. */
export type LeaderLog = {
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}

export type LeaderElectionOptions = {
  url: string
  /** The advisory lock's two keys (namespace 2 is the leader's, design §4.1). */
  lockKey?: readonly [number, number]
  /** How often a follower tries to take the lock. */
  pollMs?: number
  /** How often the leader checks that its session is alive. */
  checkMs?: number
  /** How long any query of the election (and its connecting) may take before the session counts as lost. */
  checkTimeoutMs?: number
  /** Shown in pg_stat_activity; by default the host and process id, to tell instances apart. */
  applicationName?: string
  /** This instance became leader: start the leader's duties. */
  onLead(): void | Promise<void>
  /** This instance is leader no longer (`reason` says why): stop the leader's duties now. */
  onStepDown(reason: string): void | Promise<void>
  log: LeaderLog
}

export type LeaderElection = {
  /** Whether this instance holds the lock now; false as soon as the session is in doubt. */
  isLeader(): boolean
  /** Steps down if leader (duties first, then the lock is released) and closes the session. */
  stop(): Promise<void>
}

// The server ends a session whose peer stopped answering after 5 s idle + 3 probes 2 s apart.
const SERVER_KEEPALIVES = '-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3'
const CLIENT_KEEPALIVE_DELAY_MS = 5_000

type Pg = typeof import('pg')['default']
type Session = { client: Client }

/** Closes a connection at once, whatever state it is in: ending the socket also ends the session's lock. */
function destroy(client: Client): void {
  // A connection being torn down may still report errors; with no listener they would crash the process.
  client.removeAllListeners('error')
  client.on('error', () => {})
  client.connection.stream.destroy()
}

/** Ends a healthy connection politely, or destroys it when that takes longer than `ms`. */
async function close(client: Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms)
  })
  const ended = await Promise.race([
    client.end().then(
      () => 'ended' as const,
      () => 'late' as const,
    ),
    late,
  ])
  clearTimeout(timer)
  if (ended === 'late') destroy(client)
}

/** Starts competing for leadership at once; see the file's comment. */
export function startLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const lockKey = options.lockKey ?? [2, 0]
  const pollMs = options.pollMs ?? 2_000
  const checkMs = options.checkMs ?? 2_000
  const checkTimeoutMs = options.checkTimeoutMs ?? 3_000
  const applicationName = options.applicationName ?? `kesos-assistant ${hostname()}:${process.pid}`
  const { log } = options

  let session: Session | undefined
  let leader = false
  let stopping = false
  let stopped: Promise<void> | undefined
  // onLead and onStepDown run one after the other, in order, never overlapping; `leading` is
  // whether the duties were started and not yet stopped, so each onLead is followed by one onStepDown.
  let transitions = Promise.resolve()
  let leading = false
  let wake = () => {}

  const enqueue = (step: () => Promise<void>) => {
    transitions = transitions.then(step)
    return transitions
  }

  const stepDown = (reason: string) => {
    if (!leader) return Promise.resolve()
    leader = false
    log.warn({ reason }, 'leader election: stepping down')
    return enqueue(async () => {
      if (!leading) return
      leading = false
      try {
        await options.onStepDown(reason)
      } catch (error) {
        log.error({ err: error }, 'leader election: stepping down failed')
      }
    })
  }

  // After a lost session this instance sits out two polls before competing again, so that a
  // follower with a healthy session (which tries once a poll, give or take its query) gets the lock first.
  let sittingOut = 0

  // The session is lost or in doubt: step down, close it, and compete again on a new one.
  const drop = (lost: Session, reason: string) => {
    if (session !== lost) return
    session = undefined
    sittingOut = 2
    log.warn({ reason }, 'leader election: session lost')
    void stepDown(reason)
    destroy(lost.client)
    // Cut short a leader's long wait between checks: the sitting out starts now.
    wake()
  }

  const lead = (held: Session) => {
    leader = true
    log.info({ lockKey }, 'leader election: this instance leads')
    void enqueue(async () => {
      if (!leader || session !== held) return
      leading = true
      try {
        await options.onLead()
      } catch (error) {
        // Half-started duties are worse than none: give the lock up and let another instance try.
        log.error({ err: error }, 'leader election: starting the leader duties failed')
        drop(held, 'starting the leader duties failed')
      }
    })
  }

  const connect = async (pg: Pg): Promise<Session> => {
    const client = new pg.Client({
      connectionString: options.url,
      application_name: applicationName,
      keepAlive: true,
      keepAliveInitialDelayMillis: CLIENT_KEEPALIVE_DELAY_MS,
      options: SERVER_KEEPALIVES,
      connectionTimeoutMillis: checkTimeoutMs,
      // Client side: a query the server does not answer in time means the session is in doubt.
      query_timeout: checkTimeoutMs,
    })
    const opened: Session = { client }
    client.on('error', (error) => drop(opened, `session error: ${error.message}`))
    client.on('end', () => drop(opened, 'session ended'))
    try {
      await client.connect()
    } catch (error) {
      destroy(client)
      throw error
    }
    return opened
  }

  const tick = async (pg: Pg) => {
    if (!session) {
      if (sittingOut > 0) {
        sittingOut--
        return
      }
      session = await connect(pg)
      if (stopping) return
    }
    const current = session
    if (leader) {
      await current.client.query('SELECT 1')
      return
    }
    const { rows } = await current.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
      ...lockKey,
    ])
    // Taken while stop() began: the lock goes with the session stop() closes.
    if (rows[0]?.locked === true && session === current && !stopping) lead(current)
  }

  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        wake = () => {}
        resolve()
      }
      const timer = setTimeout(done, ms)
      wake = done
    })

  const loop = (async () => {
    let pg: Pg
    try {
      pg = (await import('pg')).default
    } catch (error) {
      log.error({ err: error }, 'leader election: cannot load pg')
      return
    }
    while (!stopping) {
      const before = session
      try {
        await tick(pg)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        if (session) drop(session, `session check failed: ${message}`)
        // Without a session before, connecting failed; else the session was dropped (and logged) already.
        else if (!before && !stopping) log.warn({ err: error }, 'leader election: cannot connect to the database')
      }
      if (stopping) break
      await nap(leader ? checkMs : pollMs)
    }
  })()

  const stop = async () => {
    stopping = true
    wake()
    // The loop ends after its current query, which the query timeout bounds.
    await loop
    const last = session
    session = undefined
    const wasLeader = leader
    // The duties stop before the lock is released, so that two leaders never work at once.
    await stepDown('stopped')
    await transitions
    if (!last) return
    if (wasLeader) {
      await last.client.query('SELECT pg_advisory_unlock($1, $2)', [...lockKey]).catch((error: unknown) => {
        log.warn({ err: error }, 'leader election: releasing the lock failed; closing the session releases it')
      })
    }
    await close(last.client, checkTimeoutMs)
  }

  return {
    isLeader: () => leader,
    stop: () => {
      stopped ??= stop()
      return stopped
    },
  }
}
