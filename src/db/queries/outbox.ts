/** The outbox: proactive messages to send, and replies that could not be delivered. */

import { randomUUID } from 'node:crypto'
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Channel, Reply } from '../../vocabulary/message.js'
import { changed, type Db, statement } from '../client.js'
import { onPostgres } from '../dialect.js'
import { outbox } from '../schema.js'
import { transaction } from '../store.js'
import { chatsOfPerson } from './chat-links.js'

/**
 * Why a row was skipped when its chat turned out to have blocked the assistant. The report's
 * trigger (migration 0015, `announcement_recipient_result`) matches this exact text to record an
 * announcement as blocked by the person.
 */
export const BLOCKED_REASON = 'the person blocked the assistant'

/** The kind of the announcement rows (src/vocabulary/announcements.ts ANNOUNCEMENT_KIND): paced, held in quiet hours, capped on WhatsApp. */
const ANNOUNCEMENT = 'announcement'

/**
 * Records an answer a channel gave up delivering (after its retries), so it is visible with the
 * other delivery failures (`status = 'failed'`, `kind = 'reply'`) instead of lost in a log.
 */
export async function recordFailedReply(
  db: Db,
  failure: { channel: Channel; chatId: string; reply: Reply; attempts: number; error: string; at: Date },
): Promise<void> {
  const { attachment, ...rest } = failure.reply
  await db.insert(outbox).values({
    idempotencyKey: `reply-failed:${failure.channel}:${randomUUID()}`,
    channel: failure.channel,
    chatId: failure.chatId,
    kind: 'reply',
    payload: JSON.stringify({ ...rest, ...(attachment && { attachment: { filename: attachment.filename } }) }),
    dueAt: failure.at,
    status: 'failed',
    attempts: failure.attempts,
    lastError: failure.error.slice(0, 500),
    // Stamped with the failure's time: the retention period of failed rows counts from it.
    createdAt: failure.at,
    updatedAt: failure.at,
  })
}

/**
 * Queues a message to every chat of a person (linked when it is due), once per idempotency key (a
 * second call does nothing).
 */
export async function queueForPerson(
  db: Db,
  message: {
    personId: number
    kind: string
    key: string
    build: (language: 'id' | 'en') => unknown
    dueAt: Date
    expiresAt?: Date
  },
): Promise<number> {
  let queued = 0
  for (const chat of await chatsOfPerson(db, message.personId, message.dueAt)) {
    queued += changed(
      await db
        .insert(outbox)
        .values({
          idempotencyKey: `${message.key}:${chat.channel}:${chat.chatId}`,
          channel: chat.channel,
          chatId: chat.chatId,
          personId: message.personId,
          kind: message.kind,
          payload: JSON.stringify(message.build(chat.language)),
          dueAt: message.dueAt,
          expiresAt: message.expiresAt ?? null,
        })
        .onConflictDoNothing(),
    )
  }
  return queued
}

/** Queues one message to one chat (e.g. a one-time code to the WhatsApp number on record). */
export async function queueMessage(
  db: Db,
  message: {
    channel: Channel
    chatId: string
    personId: number
    kind: string
    key: string
    reply: Reply
    dueAt: Date
    expiresAt: Date
  },
): Promise<void> {
  await db.insert(outbox).values({
    idempotencyKey: message.key,
    channel: message.channel,
    chatId: message.chatId,
    personId: message.personId,
    kind: message.kind,
    payload: JSON.stringify(message.reply),
    dueAt: message.dueAt,
    expiresAt: message.expiresAt,
  })
}

/**
 * The payload of a row done with: a one-time code's message is not kept once it was sent, failed
 * for good, skipped or expired (the code in it is a secret, and useless after ten minutes anyway).
 */
export const SPENT_CODE = JSON.stringify({ text: '(kode sekali pakai: tidak disimpan setelah dikirim)' })
const spentPayload = sql`CASE WHEN ${outbox.kind} = 'identity_code' THEN ${SPENT_CODE} ELSE ${outbox.payload} END`

/** Sent; `late` when it went out well after it was due (a reminder caught up after downtime). */
export async function markSent(db: Db, id: number, at: Date, late = false): Promise<void> {
  await db
    .update(outbox)
    .set({
      status: late ? 'late' : 'sent',
      sentAt: at,
      lastError: null,
      claimToken: null,
      claimedBy: null,
      updatedAt: at,
      payload: spentPayload,
    })
    .where(eq(outbox.id, id))
}

/** A failed try: back to pending at `retryAt`, or failed for good when `retryAt` is undefined. */
export async function markFailed(db: Db, id: number, at: Date, error: string, retryAt?: Date): Promise<void> {
  await db
    .update(outbox)
    .set(
      retryAt
        ? { status: 'pending', dueAt: retryAt, lastError: error, claimToken: null, claimedBy: null, updatedAt: at }
        : { status: 'failed', lastError: error, claimToken: null, claimedBy: null, updatedAt: at, payload: spentPayload },
    )
    .where(eq(outbox.id, id))
}

export async function markSkipped(db: Db, id: number, at: Date, reason: string): Promise<void> {
  await db
    .update(outbox)
    .set({ status: 'skipped', lastError: reason, claimToken: null, claimedBy: null, updatedAt: at, payload: spentPayload })
    .where(eq(outbox.id, id))
}

/**
 * Pending rows that can no longer be useful are recorded as skipped, with the reason: past their
 * expiry (for a reminder: its event has started), reminders due more than `graceMs` ago
 * (missed while the assistant was not running), or due announcements whose chat is no longer
 * linked to their person. Returns how many.
 */
export async function skipUnsendable(db: Db, now: Date, graceMs: number): Promise<number> {
  const at = now.getTime()
  const started = changed(
    await statement(
      db,
      `UPDATE outbox SET status = 'skipped', claim_token = NULL, updated_at = ?,
         last_error = CASE kind WHEN 'reminder' THEN 'skipped: the event had already started' ELSE 'expired before it could be sent' END,
         payload = CASE kind WHEN 'identity_code' THEN ? ELSE payload END
       WHERE status = 'pending' AND expires_at <= ?`,
    ).run(at, SPENT_CODE, at),
  )
  const missed = changed(
    await statement(
      db,
      `UPDATE outbox SET status = 'skipped', claim_token = NULL, updated_at = ?, last_error = ?
       WHERE status = 'pending' AND kind = 'reminder' AND due_at < ?`,
    ).run(at, `skipped: due more than ${Math.round(graceMs / 60_000)} minutes ago (the assistant was not running)`, at - graceMs),
  )
  // An announcement goes only to a chat still linked to its person: one unlinked meanwhile ("lepas
  // akun", a corrected phone number, a link ended or moved to someone else) is skipped, never sent.
  const unlinked = changed(
    await statement(
      db,
      `UPDATE outbox SET status = 'skipped', claim_token = NULL, updated_at = ?, last_error = ?
       WHERE status = 'pending' AND due_at <= ? AND kind = 'announcement' AND NOT EXISTS (
         SELECT 1 FROM channel_identities ci
         WHERE ci.channel = outbox.channel AND ci.chat_id = outbox.chat_id AND ci.person_id = outbox.person_id AND ci.link_expires_at > ?)`,
    ).run(at, UNLINKED_REASON, at, at),
  )
  return started + missed + unlinked
}

/** Why an announcement was not sent to a chat no longer linked to its person. */
export const UNLINKED_REASON = 'skipped: the chat is no longer linked to the person'

/** The zones of reminders and announcements due at `now` (for the quiet-hours check). */
export async function dueZones(db: Db, now: Date): Promise<string[]> {
  return (
    (await statement(
      db,
      `SELECT DISTINCT time_zone AS zone FROM outbox WHERE status = 'pending' AND due_at <= ? AND time_zone IS NOT NULL`,
    ).all(now.getTime())) as { zone: string }[]
  ).map((row) => row.zone)
}

export type QueuedRow = {
  id: number
  channel: Channel
  chatId: string
  kind: string
  dueAt: number
  attempts: number
}

/** Milliseconds in a day, and WIB's offset from UTC (no summer time): the cap's day is the WIB day. */
const DAY_MS = 86_400_000
const WIB_MS = 7 * 3_600_000

/** The WIB day number of `at`, as the trigger `outbox_cap_count` stores it. */
const wibDay = (at: Date) => Math.floor((at.getTime() + WIB_MS) / DAY_MS)

/**
 * WhatsApp announcement sends still allowed on the WIB day of `now` under a cap of `perDay`: the
 * cap less the sends started that day (counted by trigger when a row goes from queued to claimed,
 * so an attempt a crash left unknown counts) and the rows a delivery run queued but has not
 * started. Never below 0.
 */
export async function capRemaining(db: Db, now: Date, perDay: number): Promise<number> {
  const started = (await statement(db, `SELECT count FROM outbox_cap_days WHERE channel = 'whatsapp' AND day = ?`).get(
    wibDay(now),
  )) as { count: number } | undefined
  const queued = (await statement(
    db,
    `SELECT count(*) AS n FROM outbox WHERE kind = '${ANNOUNCEMENT}' AND status = 'queued' AND channel = 'whatsapp'`,
  ).get()) as { n: number }
  return Math.max(0, perDay - (started?.count ?? 0) - queued.n)
}

/**
 * Takes up to `limit` due rows of one channel into a delivery run's send queue (status queued,
 * with the run's token), in one write transaction, so two runs or processes never take the same
 * row. Rows of a zone in its quiet hours wait: reminders unless their event starts before the
 * quiet hours end (`quiet` gives each such zone's end), announcements always (urgent ones have no
 * zone). Other messages go before announcements, so a large announcement never delays a reminder
 * or a code; `announcementCap` (WhatsApp: WHATSAPP_DAILY_CAP) limits the announcements taken to
 * what `capRemaining` allows today.
 */
export async function claimBatch(
  db: Db,
  input: {
    channel: Channel
    now: Date
    limit: number
    token: string
    /** The dispatcher taking them (outbox_dispatchers.id): its rows are taken back when it is gone. */
    owner: string
    quiet: { zone: string; until: Date }[]
    announcementCap?: number
  },
): Promise<QueuedRow[]> {
  const at = input.now.getTime()
  const hold = input.quiet.map(
    () =>
      `(kind = 'reminder' AND time_zone = ? AND (expires_at IS NULL OR expires_at > ?)) OR (kind = '${ANNOUNCEMENT}' AND time_zone IS NOT DISTINCT FROM ?)`,
  )
  const holdArgs = input.quiet.flatMap((q) => [q.zone, q.until.getTime(), q.zone])
  // PostgreSQL: rows another instance is claiming this moment are passed over, never waited for
  // (SQLite has one writer at a time, so nothing is ever locked there).
  const skipLocked = onPostgres(db) ? ' FOR UPDATE SKIP LOCKED' : ''
  const take = (which: string) =>
    `UPDATE outbox SET status = 'queued', claim_token = ?, claimed_by = ?, claimed_at = ?, updated_at = ?
       WHERE id IN (
         SELECT id FROM outbox
         WHERE status = 'pending' AND due_at <= ? AND channel = ? AND ${which}${hold.length > 0 ? ` AND NOT (${hold.join(' OR ')})` : ''}
         ORDER BY due_at, id LIMIT ?${skipLocked})
       RETURNING id, channel, chat_id AS chatId, kind, due_at AS dueAt, attempts`
  const others = take(`kind <> '${ANNOUNCEMENT}'`)
  const announcements = take(`kind = '${ANNOUNCEMENT}'`)
  const rows = await transaction(db, async (tx) => {
    const args = [input.token, input.owner, at, at, at, input.channel, ...holdArgs]
    const taken = (await statement(tx, others).all(...args, input.limit)) as QueuedRow[]
    const room = Math.min(
      input.limit - taken.length,
      input.announcementCap === undefined ? Number.POSITIVE_INFINITY : await capRemaining(tx, input.now, input.announcementCap),
    )
    return room > 0 ? [...taken, ...((await statement(tx, announcements).all(...args, room)) as QueuedRow[])] : taken
  })
  return rows.sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)
}

/**
 * When the WhatsApp daily cap is reached: the pending WhatsApp announcement rows due before `to`
 * move to `to` (the next working opening after the next WIB midnight), and the announcements they
 * belong to record it in `rolled_to`, so staff see when the rest goes. Only when some are due at
 * `now`; returns how many rows moved (0: nothing due was waiting).
 */
export async function rollCapped(db: Db, now: Date, to: Date): Promise<number> {
  return await transaction(db, async (tx) => {
    const due = await statement(
      tx,
      `SELECT 1 FROM outbox WHERE status = 'pending' AND due_at <= ? AND kind = '${ANNOUNCEMENT}' AND channel = 'whatsapp' LIMIT 1`,
    ).get(now.getTime())
    if (!due) return 0
    const moved = (await statement(
      tx,
      `UPDATE outbox SET due_at = ?, updated_at = ?
         WHERE status = 'pending' AND due_at < ? AND kind = '${ANNOUNCEMENT}' AND channel = 'whatsapp'
         RETURNING event_key AS eventKey, person_id AS personId, chat_id AS chatId`,
    ).all(to.getTime(), now.getTime(), to.getTime())) as { eventKey: string | null; personId: number | null; chatId: string }[]
    const ids = [...new Set(moved.map((row) => Number(row.eventKey?.split(':')[1])))].filter(Number.isInteger)
    // The report's due time follows: the person's line says when it now goes.
    const recipient = statement(
      tx,
      `UPDATE announcement_recipients SET due_at = ?
         WHERE announcement_id = ? AND person_id = ? AND channel = 'whatsapp' AND chat_id = ?`,
    )
    for (const row of moved) {
      const id = Number(row.eventKey?.split(':')[1])
      if (Number.isInteger(id) && row.personId !== null) await recipient.run(to.getTime(), id, row.personId, row.chatId)
    }
    await statement(
      tx,
      `UPDATE announcements SET rolled_to = ?, updated_at = ?
         WHERE status IN ('queuing', 'sending') AND id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))`,
    ).run(to.getTime(), now.getTime(), JSON.stringify(ids))
    return moved.length
  })
}

/**
 * The moment of sending: the row goes from queued to claimed (an attempt whose outcome a crash
 * would leave unknown), only if it is still this run's; returns what to send (read only now, so a
 * claim of many rows does not carry every message text). Undefined: cancelled or taken back meanwhile.
 */
export async function startSending(db: Db, id: number, token: string, at: Date): Promise<string | undefined> {
  const row = (await statement(
    db,
    `UPDATE outbox SET status = 'claimed', claimed_at = ?, attempts = attempts + 1, updated_at = ?
     WHERE id = ? AND status = 'queued' AND claim_token = ?
     RETURNING payload`,
  ).get(at.getTime(), at.getTime(), id, token)) as { payload: string } | undefined
  return row?.payload
}

/**
 * The messages of `kinds` still waiting for a chat are cancelled, with the reason (the person
 * blocked us: their reminders and announcements; `stop info`: their announcements only).
 */
export async function cancelWaitingOfChat(
  db: Db,
  channel: Channel,
  chatId: string,
  at: Date,
  reason: string,
  kinds: readonly string[] = ['reminder', ANNOUNCEMENT],
): Promise<number> {
  return changed(
    await db
      .update(outbox)
      .set({ status: 'cancelled', lastError: reason, claimToken: null, claimedBy: null, updatedAt: at })
      .where(
        and(
          eq(outbox.channel, channel),
          eq(outbox.chatId, chatId),
          inArray(outbox.kind, [...kinds]),
          inArray(outbox.status, ['pending', 'queued']),
        ),
      ),
  )
}
