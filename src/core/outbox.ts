/**
 * Delivers the outbox: the messages the assistant sends on its own (reminders, seat offers, status
 * changes, staff replies, announcements). Each process that sends it is a dispatcher with a run
 * identity and a heartbeat (`outbox_dispatchers`, renewed every few seconds while it runs). Each
 * run (every minute, and at once when something urgent is queued):
 *
 * 1. takes back what a gone dispatcher left behind (its heartbeat older than about 30 s, or its
 *    process known to be gone): rows it queued but never tried go back to pending; a row it was
 *    sending becomes "unknown", never sent twice. A live dispatcher's rows are never taken, however
 *    long its sends take. The heartbeat notices a gone dispatcher between runs too;
 * 2. records as skipped what can no longer be useful: past its expiry (a reminder whose event has
 *    started), or a reminder due more than the grace period ago (missed while not running);
 * 3. per channel, takes as many due rows as the channel's pace can send before the next run, in one
 *    write transaction (reminders and announcements of a zone in its quiet hours wait for the
 *    morning; other messages before announcements; WhatsApp announcements up to the daily cap, the
 *    rest moved to the next working day's opening when it is reached);
 * 4. sends them at the channel's pace (Telegram: 25 a second overall, 1 a second per chat; WhatsApp
 *    far slower with a random jitter), each marked claimed just before it goes out and sent, late
 *    (more than a few minutes after it was due), retried later, failed or skipped after.
 *
 * `start()` registers the dispatcher and takes back at once what a predecessor on this machine left
 * (a crash, `kill -9`); `stop()` (SIGTERM, a deploy) hands its unsent rows back before exiting, so
 * the next process sends them at once.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import {
  BLOCKED_REASON,
  cancelWaitingOfChat,
  capRemaining,
  claimBatch,
  dueZones,
  markFailed,
  markSent,
  markSkipped,
  type QueuedRow,
  rollCapped,
  skipUnsendable,
  startSending,
} from '../db/queries/outbox.js'
import {
  beatDispatcher,
  type Dispatcher,
  handBack,
  listDispatchers,
  registerDispatcher,
  releaseClaim,
  removeDispatcher,
  sendingOf,
  takeBackFromGone,
} from '../db/queries/outbox-dispatchers.js'
import { CHANNELS, type Channel } from '../vocabulary/message.js'
import type { WorkingCalendar } from './handoff/hours.js'
import { averageRate, type Clock, createPacer, interleaveByChat, type Pace, type Pacer, timerSleep } from './pacer.js'
import { scrubNumbers } from './privacy/mask.js'
import { isQuiet, quietEnd } from './reminders/plan.js'
import { atSendTime } from './reminders/send-time.js'
import type { ReminderSettings } from './reminders/settings.js'
import type { Reply } from './types.js'

/**
 * Sends a message through a channel. `signal` aborts when the outbox stops (SIGTERM): a sender
 * still waiting (for its connection, its turn, a retry) and that has sent nothing of the message
 * throws `SendNotStarted`, so the row goes back to pending instead of being left "unknown".
 */
export type ChannelSender = (chatId: string, replies: Reply[], options?: { signal?: AbortSignal }) => Promise<void>

/** Thrown by a sender when the chat can no longer be reached (the person blocked the bot). */
export class RecipientUnreachable extends Error {
  override name = 'RecipientUnreachable'
}

/** Thrown by a sender whose `signal` aborted before any part of the message went out. */
export class SendNotStarted extends Error {
  override name = 'SendNotStarted'
  constructor() {
    super('stopping: the message was not sent')
  }
}

/**
 * Waits for `promise`, unless `signal` aborts first: then throws `SendNotStarted` (for a wait before
 * anything of the message went out: the connection, the turn, a retry's pause).
 */
export function unlessStopped<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise
  if (signal.aborted) return Promise.reject(new SendNotStarted())
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new SendNotStarted())
    signal.addEventListener('abort', stop, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', stop)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop)
        reject(error)
      },
    )
  })
}

export const DEFAULT_PACE: Record<Channel, Pace> = {
  telegram: { perSecond: 25, perChatMs: 1_000 },
  // One message every 1.5 s plus up to 2.5 s at random (WHATSAPP_SEND_INTERVAL_MS/JITTER_MS).
  whatsapp: { perSecond: 1000 / 1_500, perChatMs: 1_500, jitterMs: 2_500 },
  console: { perSecond: 100, perChatMs: 0 },
}

export type OutboxDeps = {
  db: Db
  logger: Logger
  /** The channels that can send on their own; messages for others are skipped with a reason. */
  senders: Partial<Record<Channel, ChannelSender>>
  /**
   * Whether this dispatcher takes a channel's messages now (default: every channel). With several
   * instances, WhatsApp's are left to the leader, which holds the socket: an instance without it
   * must neither take them nor skip them.
   */
  takes?: (channel: Channel) => boolean
  /**
   * Whether every live dispatcher sends this channel (several instances, each sending Telegram's
   * messages): its limit is the bot's, not each process's, so each dispatcher then takes and sends
   * its share, the pace divided by the number of live dispatchers. Default: no (the whole pace).
   */
  shared?: (channel: Channel) => boolean
  /** The time, for the records, what is due and the pace. */
  now: () => Date
  /** Waiting for a message's turn (virtual in tests). Default: real time. */
  sleep?: (ms: number) => Promise<void>
  /** Each channel's pace (see DEFAULT_PACE). */
  pace?: Partial<Record<Channel, Pace>>
  /** How far apart runs are: a run takes per channel what its pace sends in this time. */
  runEveryMs?: number
  /** Most messages taken per channel and run. */
  batchSize?: number
  /** Tries of one message before it is recorded as failed. */
  maxAttempts?: number
  /** A reminder due longer ago than this is skipped, not sent (default 6 hours). */
  graceMs?: number
  /** A reminder sent more than this after it was due is recorded as late (default 5 minutes). */
  lateAfterMs?: number
  /** Quiet hours in each person's zone (REMINDER_QUIET_HOURS). */
  quiet: ReminderSettings['quiet']
  random?: () => number
  /**
   * The channels this outbox takes rows of (default: all). Rows of the others stay pending for a
   * process that can send them (the CLI leaves WhatsApp to the server, which owns its connection).
   */
  channels?: readonly Channel[]
  /**
   * WHATSAPP_DAILY_CAP: WhatsApp announcements started per WIB day. Reaching it, the due ones wait
   * until `resumeAt(now)` (see `capResumeAt`). Other messages are neither counted nor held.
   */
  dailyCap?: DailyCap
  /** This process as a dispatcher (default: `thisDispatcher('server')`). */
  dispatcher?: DispatcherIdentity
  /** How often the heartbeat is renewed while started (default 5 s). */
  heartbeatMs?: number
  /** A dispatcher silent longer than this is gone (default 30 s). */
  goneAfterMs?: number
  /** Whether a process of this machine still runs (default: signal 0); decides at once about a predecessor here. */
  processAlive?: (pid: number) => boolean
}

/** A process sending the outbox: a new id each start; the machine and process id tell a restart its predecessor is gone. */
export type DispatcherIdentity = { id: string; role: 'server' | 'cli'; host: string; pid: number }

export function thisDispatcher(role: DispatcherIdentity['role']): DispatcherIdentity {
  return { id: randomUUID(), role, host: hostname(), pid: process.pid }
}

/** Signal 0 tests a process without touching it: ESRCH, no such process; EPERM, it runs as another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export const HEARTBEAT_MS = 5_000
export const GONE_AFTER_MS = 30_000

export type DailyCap = {
  perDay: number
  /** When announcements stopped by the cap go: the next working opening after the next WIB midnight. */
  resumeAt: (at: Date) => Date
}

const DAY_MS = 86_400_000
const WIB_MS = 7 * 3_600_000

/**
 * The daily cap's `resumeAt` from the working calendar: the centre's first opening (its hours, in
 * WIB) after the next WIB midnight, so weekends, public holidays and HANDOFF_CLOSED_DATES are skipped.
 */
export function capResumeAt(calendar: Pick<WorkingCalendar, 'nextOpening'>): (at: Date) => Date {
  return (at) => {
    const midnight = new Date((Math.floor((at.getTime() + WIB_MS) / DAY_MS) + 1) * DAY_MS - WIB_MS)
    return calendar.nextOpening(midnight, { zone: 'Asia/Jakarta', region: null })
  }
}

export type DeliveryCounts = {
  sent: number
  /** Of `sent`: reminders sent well after they were due (after downtime). */
  late: number
  failed: number
  retried: number
  skipped: number
  /** Rows a gone dispatcher was sending: recorded as unknown (never sent twice). */
  unknown: number
  /** Rows a gone dispatcher had queued but not tried: pending again, sent in this run or the next. */
  requeued: number
  /** With a daily cap: WhatsApp announcements moved to the next working day in this run (the cap was reached). */
  capped?: number
}

const RETRY_MINUTES = [1, 5, 30, 120]
/** Sends in flight at once per channel (the pace decides when each starts). */
const MAX_IN_FLIGHT = 64

export function createOutbox(deps: OutboxDeps) {
  const { db, logger } = deps
  const { now, quiet } = deps
  const clock: Clock = { now: () => now().getTime(), sleep: deps.sleep ?? timerSleep }
  const maxAttempts = deps.maxAttempts ?? RETRY_MINUTES.length + 1
  const graceMs = deps.graceMs ?? 6 * 3_600_000
  const lateAfterMs = deps.lateAfterMs ?? 5 * 60_000
  const runEveryMs = deps.runEveryMs ?? 60_000
  const heartbeatMs = deps.heartbeatMs ?? HEARTBEAT_MS
  const goneAfterMs = deps.goneAfterMs ?? GONE_AFTER_MS
  const alive = deps.processAlive ?? processAlive
  const paces = { ...DEFAULT_PACE, ...deps.pace }
  const cap = deps.dailyCap
  const me = deps.dispatcher ?? thisDispatcher('server')
  const startedAt = now()
  // One pacer per channel for the life of the outbox, shared by overlapping runs.
  /** The live dispatchers, this one included, as last counted (each run and heartbeat). */
  let peers = 1
  const share = (channel: Channel) => (deps.shared?.(channel) ? peers : 1)
  const pacers = new Map<Channel, Pacer>(
    CHANNELS.map((channel) => [channel, createPacer(paces[channel], clock, deps.random, () => share(channel))]),
  )
  let registered = false
  let stopping = false
  let heartbeat: ReturnType<typeof setInterval> | undefined
  /** Aborted by `stop()`: senders still waiting give their message back (`SendNotStarted`). */
  const stopSignal = new AbortController()
  /** Messages senders gave back on the stop (nothing of them sent). */
  let released = 0
  const running = new Set<Promise<DeliveryCounts>>()

  /** Renews this dispatcher's heartbeat, writing its row again when another one judged it gone. */
  async function beat(at: Date): Promise<void> {
    // Stopping: the row is about to be deleted; a late beat must not write it again.
    if (stopping) return
    if (registered && (await beatDispatcher(db, me.id, at))) return
    if (registered)
      logger.warn({ dispatcher: me.id }, 'outbox: this dispatcher was judged gone (silent too long); registered again')
    await registerDispatcher(db, { ...me, startedAt: startedAt.getTime() }, at)
    registered = true
  }

  /**
   * Gone: silent longer than `goneAfterMs`, or on this machine with a process id that is this
   * process's own (a restart in a container, where the id repeats) or no longer runs.
   */
  function isGone(other: Dispatcher, at: Date): boolean {
    if (other.id === me.id) return false
    if (other.heartbeatAt < at.getTime() - goneAfterMs) return true
    return other.host === me.host && (other.pid === me.pid || !alive(other.pid))
  }

  /** Takes back the rows of gone dispatchers (and of none: rows from before they were recorded); logs what it did. */
  async function takeBack(at: Date, gone: Dispatcher[]) {
    const taken = await takeBackFromGone(
      db,
      gone.map((g) => g.id),
      at,
    )
    if (taken.requeued + taken.unknown > 0 || gone.length > 0) {
      logger.warn(
        {
          ...taken,
          gone: gone.map((g) => ({ id: g.id, role: g.role, host: g.host, pid: g.pid, silentMs: at.getTime() - g.heartbeatAt })),
        },
        'outbox: took back the messages of a stopped dispatcher (queued ones are due again; ones being sent are unknown, not sent twice)',
      )
    }
    return taken
  }

  async function goneDispatchers(at: Date): Promise<Dispatcher[]> {
    const all = await listDispatchers(db)
    const gone = all.filter((other) => isGone(other, at))
    peers = Math.max(1, all.length - gone.length)
    return gone
  }

  /** The zones in their quiet hours now, each with when they end. */
  async function quietZones(at: Date): Promise<{ zone: string; until: Date }[]> {
    return (await dueZones(db, at))
      .filter((zone) => isQuiet(at, zone, quiet))
      .map((zone) => ({ zone, until: quietEnd(at, zone, quiet) }))
  }

  /**
   * Marks a row as being sent; resolves to its sending, or to undefined when it was cancelled or
   * taken back meanwhile. The mark is awaited in turn and the sending started at once after it, so
   * the message goes at the moment its pace gave, whatever the database's round trip.
   */
  async function startOne(row: QueuedRow, token: string, counts: DeliveryCounts): Promise<(() => Promise<void>) | undefined> {
    const send = deps.senders[row.channel]
    if (!send) return undefined
    const startedAt = now()
    const payload = await startSending(db, row.id, token, startedAt)
    if (payload === undefined) return undefined
    return () => finishOne(row, send, payload, startedAt, counts)
  }

  async function finishOne(
    row: QueuedRow,
    send: ChannelSender,
    payload: string,
    startedAt: Date,
    counts: DeliveryCounts,
  ): Promise<void> {
    try {
      await send(row.chatId, [atSendTime(row.kind, JSON.parse(payload) as Reply, startedAt)], { signal: stopSignal.signal })
      const late = row.kind === 'reminder' && startedAt.getTime() - row.dueAt > lateAfterMs
      await markSent(db, row.id, now(), late)
      counts.sent++
      if (late) counts.late++
    } catch (error) {
      if (error instanceof SendNotStarted) {
        // Stopping before anything went out: pending again, for the next process, not unknown.
        await releaseClaim(db, row.id, me.id, now())
        released++
        return
      }
      if (error instanceof RecipientUnreachable) {
        // The sender recorded the block (setBlocked), which cancels the chat's other reminders and
        // announcements too; cancelled here as well for a sender that does not record it.
        await markSkipped(db, row.id, now(), BLOCKED_REASON)
        await cancelWaitingOfChat(db, row.channel, row.chatId, now(), `cancelled: ${BLOCKED_REASON}`)
        counts.skipped++
        return
      }
      const reason = scrubNumbers(error instanceof Error ? error.message : String(error)).slice(0, 300)
      const attempts = row.attempts + 1
      const delay = RETRY_MINUTES[attempts - 1]
      const retryAt = attempts < maxAttempts && delay !== undefined ? new Date(now().getTime() + delay * 60_000) : undefined
      await markFailed(db, row.id, now(), reason, retryAt)
      if (retryAt) counts.retried++
      else counts.failed++
      logger.warn({ channel: row.channel, kind: row.kind, attempt: attempts, error: reason }, 'outbox message not sent')
    }
  }

  /** Sends one channel's queued rows at its pace; resolves when every send has finished. */
  async function drain(channel: Channel, rows: QueuedRow[], token: string, counts: DeliveryCounts): Promise<void> {
    const pacer = pacers.get(channel)
    if (!pacer) return
    const inFlight = new Set<Promise<void>>()
    let broken: unknown
    for (const row of interleaveByChat(rows)) {
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight)
      await pacer.turn(row.chatId)
      // Stopping: the rows not started yet stay queued, and `stop()` hands them back.
      if (broken !== undefined || stopping) break
      let start: (() => Promise<void>) | undefined
      try {
        start = await startOne(row, token, counts)
      } catch (error) {
        broken = error
        break
      }
      if (!start) continue
      const sending = start()
        .catch((error: unknown) => {
          // The database failed (closed, disk full): stop this run; what it queued but did not
          // try goes back to pending once this dispatcher is gone.
          broken = error
        })
        .finally(() => inFlight.delete(sending))
      inFlight.add(sending)
    }
    await Promise.all(inFlight)
    if (broken !== undefined)
      logger.error({ channel, err: broken instanceof Error ? broken.message : String(broken) }, 'outbox: run stopped')
  }

  /** One run: sends what is due; returns what happened, for the log and tests. */
  async function run(): Promise<DeliveryCounts> {
    const started = now()
    await beat(started)
    const { unknown, requeued } = await takeBack(started, await goneDispatchers(started))
    const counts: DeliveryCounts = {
      sent: 0,
      late: 0,
      failed: 0,
      retried: 0,
      skipped: 0,
      unknown,
      requeued,
      ...(cap && { capped: 0 }),
    }
    counts.skipped += await skipUnsendable(db, started, graceMs)

    const token = randomUUID()
    const quietNow = await quietZones(started)
    const work: Promise<void>[] = []
    for (const channel of deps.channels ?? CHANNELS) {
      if (stopping) break
      if (deps.takes && !deps.takes(channel)) continue
      const pace = paces[channel]
      // What this dispatcher's share of the pace sends before the next run.
      const limit = Math.max(
        1,
        Math.min(deps.batchSize ?? 2_000, Math.floor((averageRate(pace) * runEveryMs) / 1000 / share(channel))),
      )
      const capped = channel === 'whatsapp' ? cap : undefined
      const rows = await claimBatch(db, {
        channel,
        now: started,
        limit,
        token,
        owner: me.id,
        quiet: quietNow,
        ...(capped && { announcementCap: capped.perDay }),
      })
      if (capped && (await capRemaining(db, started, capped.perDay)) === 0) {
        const to = capped.resumeAt(started)
        const rolled = await rollCapped(db, started, to)
        if (rolled > 0) {
          counts.capped = (counts.capped ?? 0) + rolled
          logger.info({ rolled, to: to.toISOString(), perDay: capped.perDay }, 'outbox: WhatsApp daily cap reached')
        }
      }
      if (rows.length === 0) continue
      if (!deps.senders[channel]) {
        for (const row of rows) await markSkipped(db, row.id, started, `channel ${channel} cannot send on its own`)
        counts.skipped += rows.length
        continue
      }
      work.push(drain(channel, rows, token, counts))
    }
    await Promise.all(work)
    return counts
  }

  const NOTHING: DeliveryCounts = { sent: 0, late: 0, failed: 0, retried: 0, skipped: 0, unknown: 0, requeued: 0 }

  /** A run, tracked so that `stop()` can wait for it; none once stopping. */
  function deliver(): Promise<DeliveryCounts> {
    if (stopping) return Promise.resolve({ ...NOTHING })
    const going = run()
    running.add(going)
    const forget = () => running.delete(going)
    going.then(forget, forget)
    return going
  }

  // deliverSoon: one run at a time, and at most one more asked for while it runs.
  let soon: Promise<void> | undefined
  let again = false

  function deliverSoon(): void {
    if (stopping) return
    if (soon !== undefined) {
      again = true
      return
    }
    soon = (async () => {
      do {
        again = false
        try {
          await deliver()
        } catch (error) {
          logger.error({ err: error }, 'outbox: run failed')
        }
      } while (again && !stopping)
    })().finally(() => {
      soon = undefined
    })
  }

  /** Between runs: the heartbeat, and a gone dispatcher's rows taken back (and sent) as soon as it is noticed. */
  let ticking = false
  async function tick(): Promise<void> {
    // One at a time: a slow database must not pile heartbeats up.
    if (ticking || stopping) return
    ticking = true
    try {
      const at = now()
      await beat(at)
      const gone = await goneDispatchers(at)
      if (gone.length === 0) return
      const taken = await takeBack(at, gone)
      if (taken.requeued > 0) deliverSoon()
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.message : String(error) }, 'outbox: heartbeat failed')
    } finally {
      ticking = false
    }
  }

  return {
    /** This process as a dispatcher (its id is written on every row it queues). */
    dispatcher: me,
    deliver,
    /**
     * A run as soon as possible, for a message just queued that someone is waiting for (a staff
     * reply): calls while a run is going make one more run after it, not one each. Overlapping the
     * scheduled run is safe (each run claims its own rows; the pacers are shared).
     */
    deliverSoon,
    /**
     * Registers this dispatcher, takes back at once what gone ones left (a predecessor on this
     * machine killed a moment ago among them) and keeps the heartbeat until `stop()`. Returns what
     * was taken back; the caller starts a run to send it.
     */
    async start(): Promise<{ requeued: number; unknown: number }> {
      const at = now()
      await beat(at)
      const taken = await takeBack(at, await goneDispatchers(at))
      heartbeat = setInterval(tick, heartbeatMs)
      heartbeat.unref()
      return taken
    },
    /**
     * A clean stop: no new run or send starts; the rows queued but not started go back to pending
     * (due as before: the next process sends them at once), and so do those whose sender was still
     * waiting (`SendNotStarted`); sends under way get up to `waitMs` to finish. Then the dispatcher's row is deleted: a send still unfinished becomes unknown at the
     * next process's start. Returns how many rows went back and how many sends were unfinished.
     */
    async stop(waitMs = 5_000): Promise<{ handedBack: number; unfinished: number }> {
      stopping = true
      stopSignal.abort()
      if (heartbeat) clearInterval(heartbeat)
      heartbeat = undefined
      let handedBack = await handBack(db, me.id, now())
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), waitMs)
      })
      const finished = await Promise.race([Promise.allSettled([...running]).then(() => 'done' as const), timeout])
      clearTimeout(timer)
      handedBack += (await handBack(db, me.id, now())) + released
      const unfinished = finished === 'done' ? 0 : await sendingOf(db, me.id)
      if (registered) await removeDispatcher(db, me.id)
      registered = false
      return { handedBack, unfinished }
    },
  }
}
