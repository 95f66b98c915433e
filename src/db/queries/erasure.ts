/**
 * "Hapus data" (UU 27/2022, right to erasure): everything that names a person, or can be tied to
 * them by their NIK, phone number or chat accounts, goes; what the assistant must keep (an issued
 * certificate, the audit entry of the deletion) stays without any link to them. docs/privacy.md
 * says what stays and why; test/privacy/erasure.test.ts scans every table after a deletion.
 */

import { and, eq, inArray, or, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { type Channel, whatsappJid } from '../../vocabulary/message.js'
import { changed, type Db, first } from '../client.js'
import {
  certificates,
  channelIdentities,
  consentRecords,
  conversationStates,
  handoffRequests,
  identityAttempts,
  outbox,
  people,
  processedMessages,
  registrations,
} from '../schema.js'
import { writeAudit } from './audit.js'
import { queueGroupCleanups } from './handoff.js'
import { forgetWhatsAppContacts } from './whatsapp-auth.js'

type Chat = { channel: Channel; chatId: string }

/**
 * The chats that are the person's: those linked to them, and a WhatsApp account with the phone on
 * record, under every id each goes by (a WhatsApp account is also known by its LID).
 */
async function chatsOf(db: Db, personId: number, phoneE164: string | null) {
  const accounts = await db
    .select()
    .from(channelIdentities)
    .where(
      or(
        eq(channelIdentities.personId, personId),
        phoneE164
          ? and(eq(channelIdentities.channel, 'whatsapp'), eq(channelIdentities.userId, whatsappJid(phoneE164)))
          : undefined,
      ),
    )
  const chats = new Map<string, Chat>()
  const add = (channel: Channel, chatId: string | null) => {
    if (chatId) chats.set(`${channel}\u0000${chatId}`, { channel, chatId })
  }
  for (const account of accounts) for (const id of [account.chatId, account.userId, account.altUserId]) add(account.channel, id)
  if (phoneE164) add('whatsapp', whatsappJid(phoneE164))
  return { accountIds: accounts.map((account) => account.id), chats: [...chats.values()] }
}

/** `table`'s rows of any of `chats`. */
function inChats(table: { channel: SQLiteColumn; chatId: SQLiteColumn }, chats: Chat[]): SQL | undefined {
  return or(...chats.map((chat) => and(eq(table.channel, chat.channel), eq(table.chatId, chat.chatId))))
}

/**
 * Deletes a person's personal data, in the caller's transaction: the person, with their
 * certification history, exams and registrations; their consents, requests to staff, every message
 * to or from their chats in the outbox (sent, failed or waiting), their identity attempts, the chat
 * accounts themselves and what the WhatsApp session keeps about their number. An issued
 * certificate stays as the public record it is, without the link to the person or their NIK. The
 * audit log records that it happened, naming only the record's number.
 *
 * `askedFrom`: the chat the request came from, which the conversation answering it goes on in: its
 * state is emptied rather than removed, and its message ids stay for de-duplication (both go with
 * the retention periods: message ids after 14 days, the conversation after RETENTION_CHAT_DAYS of silence).
 */
export async function deletePerson(
  db: Db,
  personId: number,
  at: Date,
  actor: string,
  askedFrom?: Chat,
): Promise<{ freedSessions: number[] }> {
  const person = await first(
    db.select({ nikHash: people.nikHash, phoneE164: people.phoneE164 }).from(people).where(eq(people.id, personId)),
  )
  const held = await db
    .select({ sessionId: registrations.sessionId, status: registrations.status })
    .from(registrations)
    .where(eq(registrations.personId, personId))
  const { accountIds, chats } = await chatsOf(db, personId, person?.phoneE164 ?? null)
  const isAsking = (chat: Chat) => chat.channel === askedFrom?.channel && chat.chatId === askedFrom.chatId
  const others = chats.filter((chat) => !isAsking(chat))

  await db.delete(outbox).where(or(eq(outbox.personId, personId), inChats(outbox, chats)))
  await db.delete(consentRecords).where(or(eq(consentRecords.personId, personId), inChats(consentRecords, chats)))
  // Their conversations with staff go with their thread and files (cascade), and their posts in the
  // staff's Telegram group are queued for deletion first.
  const theirHandoffs = or(
    eq(handoffRequests.personId, personId),
    inChats(handoffRequests, chats),
    person?.phoneE164 ? eq(handoffRequests.phoneE164, person.phoneE164) : undefined,
  )
  const handoffIds = await db.select({ id: handoffRequests.id }).from(handoffRequests).where(theirHandoffs)
  await queueGroupCleanups(
    db,
    handoffIds.map((row) => row.id),
    'erasure',
    at,
  )
  await db.delete(handoffRequests).where(theirHandoffs)
  if (chats.length > 0) await db.delete(identityAttempts).where(inChats(identityAttempts, chats))
  if (others.length > 0) {
    await db.delete(processedMessages).where(inChats(processedMessages, others))
    await db.delete(conversationStates).where(inChats(conversationStates, others))
  }
  if (askedFrom) {
    // The engine saves this chat's state after the turn (its version must still match).
    await db
      .update(conversationStates)
      .set({ flow: null, step: null, data: '{}' })
      .where(and(eq(conversationStates.channel, askedFrom.channel), eq(conversationStates.chatId, askedFrom.chatId)))
  }
  if (accountIds.length > 0) await db.delete(channelIdentities).where(inArray(channelIdentities.id, accountIds))
  await forgetWhatsAppContacts(
    db,
    chats.filter((chat) => chat.channel === 'whatsapp').map((chat) => chat.chatId.split('@')[0] ?? chat.chatId),
  )
  // The certificate is the certification body's public record: it keeps what is printed on it.
  await db
    .update(certificates)
    .set({ personId: null, nikHash: null, updatedAt: at })
    .where(or(eq(certificates.personId, personId), person?.nikHash ? eq(certificates.nikHash, person.nikHash) : undefined))
  await db.delete(people).where(eq(people.id, personId))
  await writeAudit(db, { at, actor, action: 'person.deleted', entity: 'person', entityId: String(personId) })
  // Seats they held are free again: the waiting list's next person is offered one by the caller.
  return { freedSessions: held.filter((r) => r.status === 'confirmed' || r.status === 'offered').map((r) => r.sessionId) }
}

/**
 * Forgets the identity attempts counted under these subjects (the keyed hashes of a person's NIK,
 * registration codes and record, as the lockout names them), from whichever chat they came: after a
 * deletion nothing ties a chat's tries to the person.
 */
export async function forgetIdentityAttempts(db: Db, subjects: string[]): Promise<number> {
  if (subjects.length === 0) return 0
  return changed(await db.delete(identityAttempts).where(inArray(identityAttempts.subject, subjects)))
}

/** Every registration code a person was given, cancelled ones too (claims made with them count in the lockout). */
export async function registrationCodesOf(db: Db, personId: number): Promise<string[]> {
  return (await db.select({ code: registrations.code }).from(registrations).where(eq(registrations.personId, personId))).map(
    (row) => row.code,
  )
}
