/** Requests to talk to a staff member, with the consent that allows keeping them. */
import { and, asc, eq, inArray, lt } from 'drizzle-orm'
import type { Channel } from '../../vocabulary/message.js'
import type { Db } from '../client.js'
import { auditLog, consentRecords, handoffRequests } from '../schema.js'

export type NewHandoff = {
  code: string
  channel: Channel
  chatId: string
  /** The person the chat is linked to, if any. */
  personId?: number | null
  name: string
  phoneE164: string
  topic: string
  question: string
  consentTextVersion: string
  at: Date
}

/** Stores a request, the consent given for it and an audit entry; call inside a transaction. */
export function insertHandoff(db: Db, request: NewHandoff): void {
  const { consentTextVersion, at, ...row } = request
  db.insert(handoffRequests)
    .values({ ...row, createdAt: at })
    .run()
  db.insert(consentRecords)
    .values({
      personId: row.personId ?? null,
      channel: row.channel,
      chatId: row.chatId,
      purpose: 'handoff',
      reference: row.code,
      textVersion: consentTextVersion,
      granted: true,
      recordedAt: at,
    })
    .run()
  db.insert(auditLog)
    .values({ at, actor: `chat:${row.channel}`, action: 'handoff.created', entity: 'handoff_request', entityId: row.code })
    .run()
}

export function listHandoffs(db: Db, status: 'open' | 'closed' | 'all' = 'open') {
  const query = db.select().from(handoffRequests).orderBy(asc(handoffRequests.createdAt))
  return status === 'all' ? query.all() : query.where(eq(handoffRequests.status, status)).all()
}

/** Marks a request answered; false when no open request has that code. */
export function closeHandoff(db: Db, code: string, at: Date, actor: string): boolean {
  return db.transaction((tx) => {
    const closed = tx
      .update(handoffRequests)
      .set({ status: 'closed', closedAt: at })
      .where(and(eq(handoffRequests.code, code), eq(handoffRequests.status, 'open')))
      .run().changes
    if (closed)
      tx.insert(auditLog).values({ at, actor, action: 'handoff.closed', entity: 'handoff_request', entityId: code }).run()
    return closed === 1
  })
}

/** Deletes requests older than the retention period promised to the user, with their consent records. */
export function purgeHandoffs(db: Db, before: Date): number {
  const expired = db
    .delete(handoffRequests)
    .where(lt(handoffRequests.createdAt, before))
    .returning({ code: handoffRequests.code })
    .all()
    .map((row) => row.code)
  if (expired.length) {
    db.delete(consentRecords)
      .where(and(eq(consentRecords.purpose, 'handoff'), inArray(consentRecords.reference, expired)))
      .run()
  }
  return expired.length
}
