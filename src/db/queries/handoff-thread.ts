/**
 * A handoff's conversation as stored: the request with its region, the thread (person, staff,
 * internal notes, events) with each staff reply's delivery status, the files sent in it, and the
 * messages queued to the person's chat.
 */
import { eq, sql } from 'drizzle-orm'
import type { Channel, Reply } from '../../vocabulary/message.js'
import { type Db, perConnection, prepared, statement, written } from '../client.js'
import { handoffAttachments, handoffRequests, outbox } from '../schema.js'

export type HandoffRow = typeof handoffRequests.$inferSelect

/** A handoff with where it is answered: its region's code, city and zone (the centre's when none). */
export type HandoffWithRegion = HandoffRow & { regionCode: string | null; regionCity: string | null; regionZone: string }

export type ThreadItem = {
  id: number
  at: Date
  author: 'person' | 'staff' | 'note' | 'system'
  via: string
  staffId: number | null
  staffName: string | null
  text: string | null
  attachment: { id: number; kind: 'image' | 'pdf'; mimeType: string; fileName: string | null; size: number } | null
  /** A staff reply's outbox status ('pending', 'queued', 'claimed', 'sent', 'late', 'failed', 'unknown', 'skipped', 'cancelled'). */
  delivery: string | null
  deliveryError: string | null
}

/** The zone of a handoff with no region: the centre's (Jakarta). */
export const CENTRE_ZONE = 'Asia/Jakarta'

async function withRegion(db: Db, row: HandoffRow | undefined): Promise<HandoffWithRegion | undefined> {
  if (!row) return undefined
  const region = row.regionId
    ? ((await statement(db, 'select code, city, time_zone as zone from regions where id = ?').get(row.regionId)) as
        | { code: string; city: string; zone: string }
        | undefined)
    : undefined
  return { ...row, regionCode: region?.code ?? null, regionCity: region?.city ?? null, regionZone: region?.zone ?? CENTRE_ZONE }
}

// Read on every message a person sends to staff: built and prepared once per connection.
function prepareReads(db: Db) {
  return {
    byId: prepared(
      db
        .select()
        .from(handoffRequests)
        .where(eq(handoffRequests.id, sql.placeholder('id'))),
    ),
    byCode: prepared(
      db
        .select()
        .from(handoffRequests)
        .where(eq(handoffRequests.code, sql.placeholder('code'))),
    ),
  }
}
const reads = perConnection(prepareReads)

/** The handoff with that code (case-insensitive), with its region. */
export async function handoffByCode(db: Db, code: string): Promise<HandoffWithRegion | undefined> {
  return await withRegion(db, await reads(db).byCode.get({ code: code.trim().toUpperCase() }))
}

/** The handoff with that id, with its region. */
export async function handoffById(db: Db, id: number): Promise<HandoffWithRegion | undefined> {
  return await withRegion(db, await reads(db).byId.get({ id }))
}

type ThreadRow = {
  id: number
  at: number
  author: ThreadItem['author']
  via: string
  staffId: number | null
  staffName: string | null
  text: string | null
  attachmentId: number | null
  kind: 'image' | 'pdf' | null
  mimeType: string | null
  fileName: string | null
  size: number | null
  delivery: string | null
  deliveryError: string | null
}

/** The thread in order, after message `afterId` (0: all of it). */
export async function threadOf(db: Db, handoffId: number, afterId = 0): Promise<ThreadItem[]> {
  const rows = (await statement(
    db,
    `select m.id, m.at, m.author, m.via, m.staff_id as staffId, m.staff_name as staffName, m.text,
            a.id as attachmentId, a.kind, a.mime_type as mimeType, a.file_name as fileName, a.size,
            o.status as delivery, o.last_error as deliveryError
       from handoff_messages m
       left join handoff_attachments a on a.id = m.attachment_id
       left join outbox o on o.id = m.outbox_id
      where m.handoff_id = ? and m.id > ?
      order by m.id`,
  ).all(handoffId, afterId)) as ThreadRow[]
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at),
    author: r.author,
    via: r.via,
    staffId: r.staffId,
    staffName: r.staffName,
    text: r.text,
    attachment:
      r.attachmentId !== null && r.kind && r.mimeType && r.size !== null
        ? { id: r.attachmentId, kind: r.kind, mimeType: r.mimeType, fileName: r.fileName, size: r.size }
        : null,
    delivery: r.delivery,
    deliveryError: r.deliveryError,
  }))
}

/** The sealed bytes of a file sent in that handoff (open them with the handoff file box), or undefined. */
export async function attachmentOf(
  db: Db,
  handoffId: number,
  attachmentId: number,
): Promise<{ mimeType: string; fileName: string | null; size: number; content: Buffer } | undefined> {
  return (await statement(
    db,
    'select mime_type as mimeType, file_name as fileName, size, content from handoff_attachments where id = ? and handoff_id = ?',
  ).get(attachmentId, handoffId)) as { mimeType: string; fileName: string | null; size: number; content: Buffer } | undefined
}

export type NewThreadMessage = {
  handoffId: number
  at: Date
  author: ThreadItem['author']
  via: 'chat' | 'console' | 'telegram' | 'cli' | 'system'
  staffId?: number | null
  staffName?: string | null
  text?: string | null
  attachmentId?: number | null
  platformId?: string | null
  /** Already in the staff group (it came from there): the relay does not post it again. */
  relayed?: boolean
}

/** Adds a message to a thread; undefined when that platform message is already in it (a redelivery). */
export async function insertThreadMessage(db: Db, message: NewThreadMessage): Promise<number | undefined> {
  const row = (await statement(
    db,
    `insert into handoff_messages (handoff_id, at, author, staff_id, staff_name, via, text, attachment_id, platform_id, relayed_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict do nothing
     returning id`,
  ).get(
    message.handoffId,
    message.at.getTime(),
    message.author,
    message.staffId ?? null,
    message.staffName ?? null,
    message.via,
    message.text ?? null,
    message.attachmentId ?? null,
    message.platformId ?? null,
    message.relayed ? message.at.getTime() : null,
  )) as { id: number } | undefined
  return row?.id
}

/** Links a staff reply to its outbox row (the thread shows its delivery). */
export async function setMessageOutbox(db: Db, messageId: number, outboxId: number): Promise<void> {
  await statement(db, 'update handoff_messages set outbox_id = ? where id = ?').run(outboxId, messageId)
}

/** How many waiting alerts the thread already holds (each is numbered: `alert:1`, `alert:2`, …). */
export async function alertCountOf(db: Db, handoffId: number): Promise<number> {
  const row = (await statement(
    db,
    "select count(*) as n from handoff_messages where handoff_id = ? and platform_id like 'alert:%'",
  ).get(handoffId)) as { n: number }
  return row.n
}

/** When the person's first message after `after` came, if any. */
export async function firstPersonMessageAfter(db: Db, handoffId: number, after: Date): Promise<Date | undefined> {
  const row = (await statement(
    db,
    "select min(at) as at from handoff_messages where handoff_id = ? and author = 'person' and at > ?",
  ).get(handoffId, after.getTime())) as { at: number | null }
  return row.at ? new Date(row.at) : undefined
}

/** How many files, and bytes, the handoff holds already. */
export async function attachmentUsageOf(db: Db, handoffId: number): Promise<{ files: number; bytes: number }> {
  return (await statement(
    db,
    'select count(*) as files, coalesce(sum(size), 0) as bytes from handoff_attachments where handoff_id = ?',
  ).get(handoffId)) as { files: number; bytes: number }
}

export type NewAttachment = {
  handoffId: number
  kind: 'image' | 'pdf'
  mimeType: string
  fileName: string | null
  size: number
  sha256: string
  /** Sealed with the handoff file box. */
  content: Buffer
  createdAt: Date
}

/** Stores a file the person sent; its id goes into the thread message. */
export async function insertAttachment(db: Db, file: NewAttachment): Promise<number> {
  return written(await db.insert(handoffAttachments).values(file).returning({ id: handoffAttachments.id })).id
}

/**
 * Queues a message to the handoff's chat (its channel, chat and person): sent at any hour, never
 * expires. The id links a staff reply in the thread to its delivery.
 */
export async function queueToHandoffChat(
  db: Db,
  chat: { channel: Channel; chatId: string; personId: number | null },
  message: { kind: string; key: string; reply: Reply; at: Date },
): Promise<number> {
  const row = written(
    await db
      .insert(outbox)
      .values({
        idempotencyKey: message.key,
        channel: chat.channel,
        chatId: chat.chatId,
        personId: chat.personId,
        kind: message.kind,
        payload: JSON.stringify(message.reply),
        dueAt: message.at,
      })
      .returning({ id: outbox.id }),
  )
  return row.id
}
