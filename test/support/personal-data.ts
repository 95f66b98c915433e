/**
 * For the erasure and retention tests: a person with something in every table that can hold
 * personal data (put straight into the database, as the chat, the imports and the channels store
 * it), and a scan of every column of every table, found from the database itself, so a table added
 * later is scanned without changing the test.
 */

import type { NikVault } from '../../src/core/privacy/nik-vault.js'
import { type Db, written } from '../../src/db/client.js'
import { recordFailedReply } from '../../src/db/queries/outbox.js'
import {
  auditLog,
  certificates,
  certificationStages,
  channelIdentities,
  consentRecords,
  conversationStates,
  exams,
  handoffRequests,
  identityAttempts,
  outbox,
  people,
  processedMessages,
  registrations,
  whatsappAuth,
} from '../../src/db/schema.js'
import { addSession } from './sessions.js'
import { rowsOfTable, tableNames } from './store.js'

const DAY = 86_400_000

export type Holder = {
  name: string
  nik: string
  /** YYYY-MM-DD, as stored. */
  birthIso: string
  /** As typed in a chat (DD-MM-YYYY) and as the chat writes it back. */
  birthWritten: string[]
  phone: string
  telegramChat: string
  /** The WhatsApp LID (digits only). */
  lid: string
  certificate: string
}

export const whatsappJid = (holder: Holder) => `${holder.phone.slice(1)}@s.whatsapp.net`

/**
 * `holder` on record with: chats on Telegram and WhatsApp (linked, the WhatsApp one also known by
 * its LID), a registration form left half-typed, message ids, a Bimtek registration, an exam, a
 * stage history, a certificate, consents, two requests to staff (one made before the chat was
 * linked), reminders waiting and sent, a reply that could not be delivered, identity attempts, audit
 * entries and the WhatsApp session's keys for the number. Returns the person's id and the NIK's
 * stored forms.
 */
export async function seedHolder(db: Db, vault: NikVault, holder: Holder, now: Date, tag: string) {
  const at = (days: number) => new Date(now.getTime() + days * DAY)
  const nikHash = vault.hash(holder.nik)
  const nikCiphertext = vault.encrypt(holder.nik)
  const jid = whatsappJid(holder)
  const personId = written(
    await db
      .insert(people)
      .values({
        fullName: holder.name,
        nikHash,
        nikCiphertext,
        birthDate: holder.birthIso,
        phoneE164: holder.phone,
        provinceCode: '53',
        regency: 'Kota Kupang',
        professionGroup: 'pekerja sosial',
        institution: 'Dinas Sosial',
        timeZone: 'Asia/Makassar',
        createdAt: at(-100),
        updatedAt: at(-100),
      })
      .returning({ id: people.id }),
  ).id
  await db.insert(channelIdentities).values([
    { channel: 'telegram', userId: holder.telegramChat, chatId: holder.telegramChat, personId, linkedAt: at(-50) },
    { channel: 'whatsapp', userId: jid, altUserId: `${holder.lid}@lid`, chatId: jid, personId, linkedAt: at(-40) },
  ])
  const typed = { position: { flow: 'daftar', step: 'phone', fields: { name: holder.name, birthDate: holder.birthWritten[0] } } }
  await db.insert(conversationStates).values([
    {
      channel: 'telegram',
      chatId: holder.telegramChat,
      flow: 'daftar',
      step: 'phone',
      data: JSON.stringify(typed),
      updatedAt: at(-1),
    },
    { channel: 'whatsapp', chatId: jid, data: '{}', updatedAt: at(-1) },
  ])
  await db.insert(processedMessages).values([
    { channel: 'telegram', chatId: holder.telegramChat, messageId: `${tag}-1`, receivedAt: at(-1) },
    { channel: 'whatsapp', chatId: jid, messageId: `${tag}-2`, receivedAt: at(-1) },
    { channel: 'whatsapp', chatId: `${holder.lid}@lid`, messageId: `${tag}-3`, receivedAt: at(-2) },
  ])
  const session = await addSession(db, now, { code: `BMT-${tag}` })
  await db.insert(registrations).values({ code: `REG-${tag}`, sessionId: session, personId, status: 'confirmed' })
  await db
    .insert(exams)
    .values({ personId, kind: 'wawancara', mode: 'daring', startsAt: at(20), timeZone: 'Asia/Makassar', notes: holder.name })
  await db
    .insert(certificationStages)
    .values({ personId, stage: 'sertifikat_terbit', reachedAt: at(-30), note: `Sertifikat ${holder.name}` })
  await db.insert(certificates).values({
    number: holder.certificate.replace(/-/g, ''),
    displayNumber: holder.certificate,
    holderName: holder.name,
    personId,
    nikHash,
    scheme: 'Pekerja Sosial Ahli Pertama',
    issuedAt: '2025-09-01',
    expiresAt: '2030-08-31',
  })
  await db.insert(consentRecords).values([
    {
      personId,
      channel: 'telegram',
      chatId: holder.telegramChat,
      purpose: 'bimtek-registration',
      textVersion: 'registration-v1',
      granted: true,
      recordedAt: at(-50),
      reference: `REG-${tag}`,
    },
    {
      channel: 'whatsapp',
      chatId: jid,
      purpose: 'handoff',
      textVersion: 'handoff-v1',
      granted: true,
      recordedAt: at(-60),
      reference: `PTG-${tag}1`,
    },
  ])
  await db.insert(handoffRequests).values([
    {
      code: `PTG-${tag}1`,
      channel: 'whatsapp',
      chatId: jid,
      name: holder.name,
      phoneE164: holder.phone,
      topic: 'sertifikat',
      question: `Saya ${holder.name}, lahir ${holder.birthWritten[0]}`,
      createdAt: at(-60),
    },
    {
      code: `PTG-${tag}2`,
      channel: 'telegram',
      chatId: holder.telegramChat,
      personId,
      name: holder.name,
      phoneE164: holder.phone,
      topic: 'jadwal',
      question: 'kapan?',
      createdAt: at(-5),
    },
  ])
  const reminder = (key: string, status: 'pending' | 'sent', channel: 'telegram' | 'whatsapp', chatId: string) => ({
    idempotencyKey: `${key}-${tag}`,
    channel,
    chatId,
    personId,
    kind: 'reminder',
    payload: JSON.stringify({ text: `Halo ${holder.name}, Bimtek besok.` }),
    dueAt: at(status === 'sent' ? -3 : 3),
    status,
    ...(status === 'sent' && { sentAt: at(-3) }),
  })
  await db
    .insert(outbox)
    .values([reminder('r1', 'pending', 'telegram', holder.telegramChat), reminder('r2', 'sent', 'whatsapp', jid)])
  // A reply the WhatsApp channel gave up on: the data summary, with the name and birth date in it.
  await recordFailedReply(db, {
    channel: 'whatsapp',
    chatId: jid,
    reply: { text: `• Nama: ${holder.name}\n• Tanggal lahir: ${holder.birthWritten[1]}\n• Nomor HP: ${holder.phone}` },
    attempts: 3,
    error: 'connection closed',
    at: at(-2),
  })
  await db.insert(identityAttempts).values([
    { channel: 'whatsapp', chatId: jid, at: at(-1), succeeded: false },
    { channel: 'telegram', chatId: holder.telegramChat, at: at(-1), succeeded: true },
  ])
  await db.insert(auditLog).values([
    { at: at(-5), actor: 'chat:telegram', action: 'handoff.created', entity: 'handoff_request', entityId: `PTG-${tag}2` },
    { at: at(-4), actor: 'chat:telegram', action: 'person.exported', entity: 'person', entityId: String(personId) },
  ])
  // What Baileys keeps about a number it talks to (ids as it writes them).
  const user = holder.phone.slice(1)
  await db.insert(whatsappAuth).values([
    { type: 'session', id: `${user}.0`, value: '{"session":"…"}' },
    { type: 'session', id: `${holder.lid}_1.0`, value: '{"session":"…"}' },
    { type: 'device-list', id: user, value: '["0"]' },
    { type: 'lid-mapping', id: user, value: JSON.stringify(holder.lid) },
    { type: 'lid-mapping', id: `${holder.lid}_reverse`, value: JSON.stringify(user) },
    { type: 'tctoken', id: jid, value: '{"token":"…"}' },
  ])
  return { personId, nikHash, nikCiphertext }
}

export type Hit = { table: string; column: string; kind: string }

/**
 * Every place (table, column) a value of `needles` occurs, by kind ("name", "nik", …), in any
 * column of any row of any table. Compared without case, and also with spaces, dots, dashes and
 * brackets taken out (a phone typed "0812-3777-0101" is found by "81237770101").
 */
export async function findPersonalData(db: Db, needles: Record<string, string[]>): Promise<Hit[]> {
  const squeeze = (text: string) => text.toLowerCase().replace(/[\s.()-]/g, '')
  const wanted = Object.entries(needles).flatMap(([kind, values]) => values.map((value) => ({ kind, value: squeeze(value) })))
  const hits = new Map<string, Hit>()
  for (const table of await tableNames(db)) {
    for (const row of await rowsOfTable(db, table)) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue
        const text = squeeze(Buffer.isBuffer(value) ? value.toString('latin1') : String(value))
        for (const { kind, value: needle } of wanted) {
          if (text.includes(needle)) hits.set(`${table}.${column}.${kind}`, { table, column, kind })
        }
      }
    }
  }
  return [...hits.values()].sort((a, b) => `${a.table}.${a.column}.${a.kind}`.localeCompare(`${b.table}.${b.column}.${b.kind}`))
}

/** The values to look for: the name, the NIK in clear and as stored, the phone, the birth date as stored and written. */
export function needlesOf(holder: Holder, stored: { nikHash: string; nikCiphertext: string }): Record<string, string[]> {
  return {
    name: [holder.name],
    nik: [holder.nik, stored.nikHash, stored.nikCiphertext],
    phone: [holder.phone.replace(/^\+62/, '')],
    birthDate: [holder.birthIso, ...holder.birthWritten],
  }
}
