/**
 * Announcement rows in the outbox for the delivery and cap tests, written directly (as the
 * announcement's queuing writes them: kind 'announcement', event key 'announcement:<id>', the
 * person's zone or none when urgent, one recipient row per chat), so these tests depend only on
 * the outbox and the report's trigger.
 */

import { and, eq } from 'drizzle-orm'
import type { ChannelSender } from '../../src/core/outbox.js'
import type { Reply } from '../../src/core/types.js'
import type { Db } from '../../src/db/client.js'
import { written } from '../../src/db/client.js'
import { announcementRecipients, announcements, outbox } from '../../src/db/schema.js'
import type { Channel } from '../../src/vocabulary/message.js'
import { addPerson } from '../support/reminders.js'

let made = 0

/** An announcement being sent (status `sending`), as queuing leaves it. */
export async function addAnnouncement(
  db: Db,
  over: { status?: 'queuing' | 'sending' | 'done'; urgent?: boolean } = {},
): Promise<number> {
  made++
  return written(
    await db
      .insert(announcements)
      .values({
        code: `PGM-TEST${made}`,
        status: over.status ?? 'sending',
        actor: 'cli',
        criteria: JSON.stringify({ stages: ['bimtek'] }),
        textId: 'Yth. Bapak/Ibu, tempat Bimtek pindah ke Aula B.',
        urgent: over.urgent ?? false,
        dedupeKey: `test-${made}`,
      })
      .returning({ id: announcements.id }),
  ).id
}

export const TEXT =
  'Yth. Bapak/Ibu, tempat Bimtek pindah ke *Aula B*, Jl. Perintis Kemerdekaan.\n\nBalas *stop info* untuk berhenti.'

/**
 * A person with one chat and that chat's row of the announcement (and its recipient row). `zone`:
 * the person's zone, null for an urgent announcement (sent at any hour).
 */
export async function addRecipient(
  db: Db,
  announcementId: number,
  row: {
    channel: Channel
    chatId: string
    zone?: string | null
    dueAt: Date
    expiresAt?: Date
    text?: string
    personId?: number
  },
): Promise<{ outboxId: number; personId: number }> {
  const zone = row.zone === undefined ? 'Asia/Jakarta' : row.zone
  const personId =
    row.personId ?? (await addPerson(db, { zone: zone ?? 'Asia/Jakarta', chats: [{ channel: row.channel, chatId: row.chatId }] }))
  const outboxId = written(
    await db
      .insert(outbox)
      .values({
        idempotencyKey: `ann:${announcementId}:${row.channel}:${row.chatId}`,
        channel: row.channel,
        chatId: row.chatId,
        personId,
        kind: 'announcement',
        eventKey: `announcement:${announcementId}`,
        timeZone: zone,
        payload: JSON.stringify({ text: row.text ?? TEXT } satisfies Reply),
        dueAt: row.dueAt,
        expiresAt: row.expiresAt ?? null,
      })
      .returning({ id: outbox.id }),
  ).id
  await db
    .insert(announcementRecipients)
    .values({ announcementId, personId, channel: row.channel, chatId: row.chatId, reach: 'queued', dueAt: row.dueAt })
  return { outboxId, personId }
}

/**
 * `count` recipients of the announcement on one channel, chats `<prefix>1…`, queued in that order
 * (one after the other: on PostgreSQL inserts side by side would take ids in any order).
 */
export async function addRecipients(
  db: Db,
  announcementId: number,
  count: number,
  row: { channel: Channel; prefix: string; zone?: string | null; dueAt: Date },
): Promise<number[]> {
  const ids: number[] = []
  for (let n = 0; n < count; n++) {
    ids.push((await addRecipient(db, announcementId, { ...row, chatId: `${row.prefix}${n + 1}` })).outboxId)
  }
  return ids
}

/** The recipient row of one chat: what the report shows. */
export async function recipientOf(db: Db, announcementId: number, chatId: string) {
  return (
    await db
      .select()
      .from(announcementRecipients)
      .where(and(eq(announcementRecipients.announcementId, announcementId), eq(announcementRecipients.chatId, chatId)))
      .limit(1)
  )[0]
}

export const rowOf = async (db: Db, id: number) => {
  const row = (await db.select().from(outbox).where(eq(outbox.id, id)).limit(1))[0]
  if (!row) throw new Error(`outbox row ${id} missing`)
  return row
}

export const announcementOf = async (db: Db, id: number) =>
  (await db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]

export type Sent = { chatId: string; replies: Reply[] }

/** A sender that records what it was given; `fail` decides per call whether (and how) it throws. */
export function recordingSender(fail?: (chatId: string, call: number) => Error | undefined) {
  const sent: Sent[] = []
  let calls = 0
  const send: ChannelSender = async (chatId, replies) => {
    calls++
    const error = fail?.(chatId, calls)
    if (error) throw error
    sent.push({ chatId, replies })
  }
  return { send, sent, calls: () => calls, chats: () => sent.map((s) => s.chatId) }
}
