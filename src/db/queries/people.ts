/**
 * A person's own record: created or updated with the contact details they give, as the chat shows
 * it to them (proving who they are, and the attempts counted against a chat; their certification
 * history, exams and certificates), and everything stored about them (for their copy). Deleting it:
 * erasure.ts.
 */
import { and, asc, desc, eq, gt } from 'drizzle-orm'
import type { Channel } from '../../vocabulary/message.js'
import { type Db, first, statement, written } from '../client.js'
import {
  bimtekSessions,
  certificates,
  certificationStages,
  channelIdentities,
  consentRecords,
  exams,
  handoffRequests,
  identityAttempts,
  people,
  registrations,
} from '../schema.js'

export type PersonRow = typeof people.$inferSelect

export async function personById(db: Db, id: number): Promise<PersonRow | undefined> {
  return await first(db.select().from(people).where(eq(people.id, id)))
}

/**
 * The time zone on a person's record (the one they read times in), if they are on record. Asked on
 * many turns and for every person a reminder plan touches: one statement, prepared once.
 */
export async function personZone(db: Db, personId: number): Promise<string | undefined> {
  const row = (await statement(db, 'select time_zone as zone from people where id = ?').get(personId)) as
    | { zone: string }
    | undefined
  return row?.zone
}

/** The province code on a person's record, if any. */
export async function provinceOfPerson(db: Db, personId: number): Promise<string | undefined> {
  const row = (await statement(db, 'select province_code as code from people where id = ?').get(personId)) as
    | { code: string | null }
    | undefined
  return row?.code ?? undefined
}

export async function personByNikHash(db: Db, nikHash: string): Promise<PersonRow | undefined> {
  return await first(db.select().from(people).where(eq(people.nikHash, nikHash)))
}

/** The person who made the registration with this code. */
export async function personByRegistrationCode(db: Db, code: string): Promise<PersonRow | undefined> {
  const row = await first(
    db
      .select({ person: people })
      .from(registrations)
      .innerJoin(people, eq(people.id, registrations.personId))
      .where(eq(registrations.code, code)),
  )
  return row?.person
}

/** People on record with this mobile number (E.164). */
export async function peopleByPhone(db: Db, phoneE164: string): Promise<PersonRow[]> {
  return await db.select().from(people).where(eq(people.phoneE164, phoneE164)).limit(2)
}

/** Records one try to prove a claim in a chat; `subject` is the keyed hash of what was claimed, if known. */
export async function recordAttempt(
  db: Db,
  attempt: { channel: Channel; chatId: string; at: Date; succeeded: boolean; subject?: string | undefined },
): Promise<void> {
  const { channel, chatId, at, succeeded, subject } = attempt
  await db.insert(identityAttempts).values({ channel, chatId, at, succeeded, subject: subject ?? null })
}

/** The failed attempts on one claimed subject (from any chat) since `since`, newest first. */
export async function subjectFailuresSince(db: Db, subject: string, since: Date): Promise<Date[]> {
  const rows = (await statement(
    db,
    'select at from identity_attempts where subject = ? and succeeded = 0 and at >= ? order by at desc',
  ).all(subject, since.getTime())) as { at: number }[]
  return rows.map((row) => new Date(row.at))
}

/** The failed attempts of a chat since `since`, newest first. */
export async function failuresSince(db: Db, channel: Channel, chatId: string, since: Date): Promise<Date[]> {
  const rows = (await statement(
    db,
    'select at from identity_attempts where channel = ? and chat_id = ? and succeeded = 0 and at >= ? order by at desc',
  ).all(channel, chatId, since.getTime())) as { at: number }[]
  return rows.map((row) => new Date(row.at))
}

export async function stageHistory(db: Db, personId: number) {
  return await db
    .select()
    .from(certificationStages)
    .where(eq(certificationStages.personId, personId))
    .orderBy(asc(certificationStages.reachedAt), asc(certificationStages.id))
}

export async function upcomingExams(db: Db, personId: number, now: Date) {
  return await db
    .select()
    .from(exams)
    .where(and(eq(exams.personId, personId), eq(exams.status, 'scheduled'), gt(exams.startsAt, now)))
    .orderBy(asc(exams.startsAt))
}

export async function certificatesOf(db: Db, personId: number) {
  return await db.select().from(certificates).where(eq(certificates.personId, personId)).orderBy(desc(certificates.issuedAt))
}

/** Everything stored about a person, for the copy they can ask for (UU 27/2022, right of access). */
export async function everythingAbout(db: Db, personId: number) {
  const person = await personById(db, personId)
  if (!person) return undefined
  return {
    person,
    stages: await stageHistory(db, personId),
    exams: await db.select().from(exams).where(eq(exams.personId, personId)),
    registrations: await db
      .select({ registration: registrations, session: bimtekSessions })
      .from(registrations)
      .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
      .where(eq(registrations.personId, personId)),
    certificates: await certificatesOf(db, personId),
    consents: await db.select().from(consentRecords).where(eq(consentRecords.personId, personId)),
    chats: await db.select().from(channelIdentities).where(eq(channelIdentities.personId, personId)),
    handoffs: await handoffsOfPerson(db, personId),
  }
}

/**
 * A person's conversations with staff (filed while their chat was linked, or from a chat linked to
 * them now), each with what the person and staff wrote and the files sent; staff's internal notes
 * and the events are not part of it. Files as stored (sealed).
 */
export async function handoffsOfPerson(db: Db, personId: number) {
  const requests = (await statement(
    db,
    `select h.id from handoff_requests h
      where h.person_id = ?
         or exists (select 1 from channel_identities c
                     where c.person_id = ? and c.channel = h.channel and c.chat_id = h.chat_id)
      order by h.id`,
  ).all(personId, personId)) as { id: number }[]
  const messages = statement(
    db,
    `select m.at, m.author, m.staff_name as staffName, m.text, a.kind, a.mime_type as mimeType, a.file_name as fileName,
            a.size, a.content
       from handoff_messages m left join handoff_attachments a on a.id = m.attachment_id
      where m.handoff_id = ? and m.author in ('person', 'staff') order by m.id`,
  )
  const found = []
  for (const row of requests) {
    const request = await first(db.select().from(handoffRequests).where(eq(handoffRequests.id, row.id)))
    if (!request) continue
    found.push({
      request,
      messages: (await messages.all(row.id)) as {
        at: number
        author: 'person' | 'staff'
        staffName: string | null
        text: string | null
        kind: 'image' | 'pdf' | null
        mimeType: string | null
        fileName: string | null
        size: number | null
        content: Buffer | null
      }[],
    })
  }
  return found
}

export type ContactFields = Pick<
  typeof people.$inferInsert,
  'phoneE164' | 'provinceCode' | 'regency' | 'professionGroup' | 'institution' | 'timeZone'
>

/** Corrects a person's contact data (the console's Peserta page). */
export async function updatePersonContact(db: Db, personId: number, contact: ContactFields, at: Date): Promise<void> {
  await db
    .update(people)
    .set({ ...contact, updatedAt: at })
    .where(eq(people.id, personId))
}

/** A consent given (or refused) in a chat, with the version of the text the person agreed to. */
export async function recordConsent(
  db: Db,
  consent: {
    personId: number | null
    channel: Channel
    chatId: string
    purpose: string
    reference: string | null
    textVersion: string
    granted: boolean
    recordedAt: Date
  },
): Promise<void> {
  await db.insert(consentRecords).values(consent)
}

export type PersonInput = {
  nikHash: string
  nikCiphertext: string
  fullName: string
  birthDate: string
  phoneE164: string
  provinceCode: string
  regency: string
  professionGroup: string
  institution: string
  timeZone: string
}

/**
 * The person with this NIK, created if new, with the contact details just given. A NIK already on
 * record with another birth date is refused: someone may be using another person's NIK.
 */
export async function upsertPerson(
  db: Db,
  input: PersonInput,
  now: Date,
): Promise<{ ok: true; personId: number } | { ok: false }> {
  const existing = await first(db.select().from(people).where(eq(people.nikHash, input.nikHash)))
  if (existing?.birthDate && existing.birthDate !== input.birthDate) return { ok: false }
  if (existing) {
    await db
      .update(people)
      .set({ ...input, nikCiphertext: existing.nikCiphertext ?? input.nikCiphertext, updatedAt: now })
      .where(eq(people.id, existing.id))
    return { ok: true, personId: existing.id }
  }
  const created = written(
    await db
      .insert(people)
      .values({ ...input, createdAt: now, updatedAt: now })
      .returning({ id: people.id }),
  )
  return { ok: true, personId: created.id }
}
