/**
 * The outbox's dispatchers (the processes that send it) and taking back what a gone one left:
 * its queued rows go back to pending, the rows it was sending become "unknown" (never sent twice).
 * Plain rows and one transaction: the same on PostgreSQL, where `SKIP LOCKED` claims sit on top.
 */

import { changed, type Db, statement } from '../client.js'
import { transaction } from '../store.js'
import { SPENT_CODE } from './outbox.js'

export type Dispatcher = {
  id: string
  role: string
  host: string
  pid: number
  startedAt: number
  heartbeatAt: number
}

/** The reason an "unknown" row carries. */
export const UNKNOWN_REASON = 'outcome unknown: the process stopped while sending'

/** Writes the dispatcher's row (again, after it was judged gone), with its heartbeat at `at`. */
export async function registerDispatcher(db: Db, dispatcher: Omit<Dispatcher, 'heartbeatAt'>, at: Date): Promise<void> {
  await statement(
    db,
    `INSERT INTO outbox_dispatchers (id, role, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
  ).run(dispatcher.id, dispatcher.role, dispatcher.host, dispatcher.pid, dispatcher.startedAt, at.getTime())
}

/** Renews the heartbeat; false when the row is gone (another dispatcher judged this one gone). */
export async function beatDispatcher(db: Db, id: string, at: Date): Promise<boolean> {
  return changed(await statement(db, 'UPDATE outbox_dispatchers SET heartbeat_at = ? WHERE id = ?').run(at.getTime(), id)) > 0
}

export async function listDispatchers(db: Db): Promise<Dispatcher[]> {
  return (await statement(
    db,
    'SELECT id, role, host, pid, started_at AS startedAt, heartbeat_at AS heartbeatAt FROM outbox_dispatchers ORDER BY started_at',
  ).all()) as Dispatcher[]
}

/** Deletes the dispatcher's row (a clean stop). */
export async function removeDispatcher(db: Db, id: string): Promise<void> {
  await statement(db, 'DELETE FROM outbox_dispatchers WHERE id = ?').run(id)
}

export type TakenBack = {
  /** Queued by a gone dispatcher, never tried: pending again, due as before. */
  requeued: number
  /** Being sent by a gone dispatcher: recorded as unknown. */
  unknown: number
}

/**
 * Takes back, in one write transaction, every queued or claimed row of the dispatchers `gone`, of
 * a dispatcher without a row (one already taken back), or of none (a row from before dispatchers
 * were recorded), and deletes the rows of `gone`. Who is live is read inside the transaction: a
 * dispatcher writes its row before it claims anything, so a live one's rows are never touched,
 * however old their claim.
 */
export async function takeBackFromGone(db: Db, gone: readonly string[], at: Date): Promise<TakenBack> {
  const ids = JSON.stringify(gone)
  const notLive = `(claimed_by IS NULL OR claimed_by IN (SELECT value FROM json_each(?))
    OR claimed_by NOT IN (SELECT id FROM outbox_dispatchers))`
  return await transaction(db, async (tx) => {
    const unknown = changed(
      await statement(
        tx,
        `UPDATE outbox SET status = 'unknown', last_error = ?, claim_token = NULL, updated_at = ?,
           payload = CASE kind WHEN 'identity_code' THEN ? ELSE payload END
         WHERE status = 'claimed' AND ${notLive}`,
      ).run(UNKNOWN_REASON, at.getTime(), SPENT_CODE, ids),
    )
    const requeued = changed(
      await statement(
        tx,
        `UPDATE outbox SET status = 'pending', claim_token = NULL, claimed_by = NULL, updated_at = ?
         WHERE status = 'queued' AND ${notLive}`,
      ).run(at.getTime(), ids),
    )
    await statement(tx, 'DELETE FROM outbox_dispatchers WHERE id IN (SELECT value FROM json_each(?))').run(ids)
    return { requeued, unknown }
  })
}

/**
 * A clean stop: the dispatcher's queued rows go back to pending (due as before, so the next
 * process sends them at once). Rows it is still sending are left to finish.
 */
export async function handBack(db: Db, id: string, at: Date): Promise<number> {
  return changed(
    await statement(
      db,
      `UPDATE outbox SET status = 'pending', claim_token = NULL, claimed_by = NULL, updated_at = ?
     WHERE status = 'queued' AND claimed_by = ?`,
    ).run(at.getTime(), id),
  )
}

/** How many rows the dispatcher is sending right now (claimed, not finished). */
export async function sendingOf(db: Db, id: string): Promise<number> {
  return (
    (await statement(db, `SELECT count(*) AS n FROM outbox WHERE status = 'claimed' AND claimed_by = ?`).get(id)) as { n: number }
  ).n
}

/**
 * A send that gave up before anything went out (the dispatcher is stopping): the row goes back to
 * pending, its attempt not counted, for the next process to send.
 */
export async function releaseClaim(db: Db, id: number, dispatcher: string, at: Date): Promise<void> {
  await statement(
    db,
    `UPDATE outbox SET status = 'pending', attempts = max(attempts - 1, 0), claim_token = NULL, claimed_by = NULL, updated_at = ?
     WHERE id = ? AND status IN ('claimed', 'unknown') AND claimed_by = ?`,
  ).run(at.getTime(), id, dispatcher)
}
