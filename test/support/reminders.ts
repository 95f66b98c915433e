/** A person with a linked chat, their events, and the reminder rows, for the reminder tests. */
import { and, eq } from 'drizzle-orm'
import type { Db } from '../../src/db/client.js'
import { channelIdentities, exams, outbox, people, registrations } from '../../src/db/schema.js'
import type { Channel } from '../../src/vocabulary/message.js'

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

export function addPerson(
  db: Db,
  options: { zone?: string; chats?: { channel: Channel; chatId: string; language?: 'id' | 'en' }[] } = {},
): number {
  const person = db
    .insert(people)
    .values({ fullName: 'Rina Wulandari', timeZone: options.zone ?? 'Asia/Jakarta' })
    .returning({ id: people.id })
    .get()
  for (const chat of options.chats ?? [{ channel: 'telegram' as const, chatId: `tg-${person.id}` }]) {
    db.insert(channelIdentities)
      .values({
        channel: chat.channel,
        userId: chat.chatId,
        chatId: chat.chatId,
        personId: person.id,
        language: chat.language ?? 'id',
        linkedAt: new Date(),
        // Linked until long after any test's clock (CI also runs a year ahead).
        linkExpiresAt: new Date(Date.now() + 10 * 365 * DAY),
      })
      .run()
  }
  return person.id
}

export function confirm(db: Db, personId: number, sessionId: number, code = `BMT-T${personId}X${sessionId}`): number {
  return db
    .insert(registrations)
    .values({ code, sessionId, personId, status: 'confirmed' })
    .returning({ id: registrations.id })
    .get().id
}

export function addExam(
  db: Db,
  personId: number,
  exam: { startsAt: Date; zone?: string; kind?: 'ujian_kognitif' | 'wawancara'; mode?: 'tatap_muka' | 'daring'; code?: string },
): number {
  return db
    .insert(exams)
    .values({
      personId,
      code: exam.code ?? `UJK-${personId}-${exam.startsAt.getTime()}`,
      kind: exam.kind ?? 'ujian_kognitif',
      mode: exam.mode ?? 'daring',
      meetingUrl: 'https://ujian.example/ruang/12',
      venue: exam.mode === 'tatap_muka' ? 'BBPPKS Makassar, Jl. Perintis Kemerdekaan' : null,
      startsAt: exam.startsAt,
      timeZone: exam.zone ?? 'Asia/Jakarta',
    })
    .returning({ id: exams.id })
    .get().id
}

/** The person's reminder rows, soonest first, with what a test looks at. */
export function remindersOf(db: Db, personId: number) {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.personId, personId), eq(outbox.kind, 'reminder')))
    .orderBy(outbox.dueAt, outbox.id)
    .all()
}

/** Local wall-clock "HH:mm" of an instant in a zone. */
export const localTime = (at: Date, zone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at)
