/**
 * The live thread: GET /percakapan/:code/aliran, server-sent events (Hono's `streamSSE`) that
 * console-live.js appends to the page.
 *
 *   event: pesan    id: <message id>    data: the escaped HTML of one thread item
 *   event: status                       data: the handoff's state in words, when it changes
 *   : ping                              every 25 s, so proxies keep the connection
 *
 * The loop waits for the in-process activity signal or 2 s, then reads the database for messages
 * after the last one sent: it loses nothing on a reconnect (the browser sends `Last-Event-ID`) and
 * works with several server processes. Each round checks that the console session is still alive,
 * without counting the stream as activity (an open tab must not keep a session alive for ever), and
 * ends the stream when it is not.
 */
import { type Context, Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { tokenHash } from '../../core/console/credentials.js'
import { SESSION_IDLE_MINUTES, SESSION_MAX_HOURS } from '../../core/console/sessions.js'
import type { HandoffActivity } from '../../core/handoff/activity.js'
import type { Db } from '../../db/client.js'
import { sessionWithStaff } from '../../db/queries/console-staff.js'
import { CENTRE_ZONE, handoffByCode, threadOf } from '../../db/queries/handoff-thread.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv } from './env.js'
import type { SessionCookie } from './guard.js'
import { notFoundPage, openableHandoff, STATUS_LABEL, threadItem } from './handoff-thread.js'

export type HandoffStreamDeps = {
  db: Db
  clock: () => Date
  render: RenderPage
  activity?: HandoffActivity | undefined
  cookie: SessionCookie
  /** How long a round waits without a signal (default 2 s), and between pings (default 25 s): tests shorten them. */
  pollMs?: number
  pingMs?: number
}

/** Whether the session of cookie `id` is still open, read without touching its last-seen time. */
async function sessionAlive(db: Db, id: string | undefined, now: Date): Promise<boolean> {
  const found = id ? await sessionWithStaff(db, tokenHash(id)) : undefined
  if (found?.staff.status !== 'active') return false
  return (
    now.getTime() - found.session.lastSeenAt.getTime() <= SESSION_IDLE_MINUTES * 60_000 &&
    now.getTime() - found.session.createdAt.getTime() <= SESSION_MAX_HOURS * 3_600_000
  )
}

export function handoffStream(deps: HandoffStreamDeps) {
  const app = new Hono<ConsoleEnv>()
  const { db } = deps
  const pollMs = deps.pollMs ?? 2_000
  const pingMs = deps.pingMs ?? 25_000

  app.get('/percakapan/:code/aliran', async (c: Context<ConsoleEnv>) => {
    const place = await openableHandoff(db, c.get('staff'), c.req.param('code') ?? '')
    const handoff = place && (await handoffByCode(db, place.code))
    if (!place || !handoff) return notFoundPage(c, deps.render)
    const zone = place.timeZone ?? CENTRE_ZONE
    const cookieId = deps.cookie.read(c)
    const resumeFrom = Number(c.req.header('Last-Event-ID') ?? c.req.query('sejak') ?? 0)
    let lastId = Number.isSafeInteger(resumeFrom) && resumeFrom > 0 ? resumeFrom : 0
    let status = handoff.status

    return streamSSE(c, async (stream) => {
      let wake: (() => void) | undefined
      // A signal while this round is still reading or writing is kept, so the next round does not wait.
      let signalled = false
      const unsubscribe = deps.activity?.subscribe(() => {
        signalled = true
        wake?.()
      })
      stream.onAbort(() => {
        unsubscribe?.()
        wake?.()
      })
      // A comment line keeps proxies from closing a quiet connection (wall-clock time, not the application's clock).
      const pinger = setInterval(() => void stream.write(': ping\n\n').catch(() => undefined), pingMs)
      try {
        while (!stream.aborted && !stream.closed) {
          for (const item of await threadOf(db, handoff.id, lastId)) {
            await stream.writeSSE({ event: 'pesan', id: String(item.id), data: threadItem(item, handoff, zone).toString() })
            lastId = item.id
          }
          const now = (await handoffByCode(db, handoff.code))?.status
          if (now && now !== status) {
            status = now
            await stream.writeSSE({ event: 'status', data: STATUS_LABEL[status] })
          }
          if (!(await sessionAlive(db, cookieId, deps.clock()))) break
          if (signalled) {
            signalled = false
            continue
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, pollMs)
            wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          wake = undefined
          signalled = false
        }
      } finally {
        clearInterval(pinger)
        unsubscribe?.()
      }
    })
  })

  return app
}
