/**
 * Console sessions, kept server-side: the cookie holds a random id, the database its SHA-256. A
 * session ends when signed out, after SESSION_IDLE_MINUTES without a request, SESSION_MAX_HOURS
 * after sign-in whatever the activity (a stolen cookie is not good for ever), or when its account
 * is disabled or reset. Each session has its CSRF token, derived from the id (so it needs no
 * storage and dies with the session).
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Db } from '../../db/client.js'
import {
  deleteIdleSessions,
  deleteSession,
  insertSession,
  type StaffRow,
  sessionWithStaff,
  touchSession,
} from '../../db/queries/console-staff.js'
import { transaction } from '../../db/store.js'
import { newToken, tokenHash } from './credentials.js'

/** Minutes without a request after which a session is over. */
export const SESSION_IDLE_MINUTES = 30
const IDLE_MS = SESSION_IDLE_MINUTES * 60_000
/** Hours after sign-in at which a session is over even while in use: a working day and a little more. */
export const SESSION_MAX_HOURS = 12
const MAX_MS = SESSION_MAX_HOURS * 3_600_000
/** Last-seen times are written at most this often: a page's every request need not write. */
const TOUCH_EVERY_MS = 60_000

export type OpenSession = { staff: StaffRow; csrf: string }

/** The CSRF token of the session whose id is `id`: nobody without the cookie can work it out. */
export const csrfTokenOf = (id: string): string =>
  createHash('sha256').update(`kesos console csrf\0${id}`).digest('base64url').slice(0, 32)

/** Whether `given` is the CSRF token of session `id` (constant time). */
export function csrfMatches(id: string, given: string | undefined): boolean {
  const expected = Buffer.from(csrfTokenOf(id))
  const actual = Buffer.from(given ?? '')
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

export function createConsoleSessions(deps: { db: Db; clock: () => Date }) {
  return {
    /** A new session for `staffId` (a new id every sign-in: `replacing`, the one the browser had, ends). */
    async start(staffId: number, replacing?: string): Promise<string> {
      const at = deps.clock()
      const id = newToken()
      await transaction(deps.db, async (tx) => {
        if (replacing) await deleteSession(tx, tokenHash(replacing))
        await deleteIdleSessions(tx, new Date(at.getTime() - IDLE_MS))
        await insertSession(tx, tokenHash(id), staffId, at)
      })
      return id
    },

    /** The session `id` names, when it exists, is not idle too long, and its account is active. */
    async read(id: string | undefined): Promise<OpenSession | undefined> {
      if (!id) return undefined
      const at = deps.clock()
      const hash = tokenHash(id)
      const found = await sessionWithStaff(deps.db, hash)
      if (!found) return undefined
      const idle = at.getTime() - found.session.lastSeenAt.getTime()
      const age = at.getTime() - found.session.createdAt.getTime()
      if (idle > IDLE_MS || age > MAX_MS || found.staff.status !== 'active') {
        await deleteSession(deps.db, hash)
        return undefined
      }
      if (idle >= TOUCH_EVERY_MS) await touchSession(deps.db, hash, at)
      return { staff: found.staff, csrf: csrfTokenOf(id) }
    },

    async end(id: string): Promise<void> {
      await deleteSession(deps.db, tokenHash(id))
    },
  }
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>
