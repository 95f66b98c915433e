/** A person with a linked chat, their events, and the reminder rows, for the reminder tests. */

import { and, eq } from 'drizzle-orm'
import type { Db } from '../../src/db/client.js'
import { written } from '../../src/db/client.js'
import { channelIdentities, exams, outbox, people, registrations } from '../../src/db/schema.js'
import type { Channel } from '../../src/vocabulary/message.js'

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

export async function addPerson(
  db: Db,
  options: { zone?: string; chats?: { channel: Channel; chatId: string; language?: 'id' | 'en' }[] } = {},
): Promise<number> {
  const person = written(
    await db
      .insert(people)
      .values({ fullName: 'Rina Wulandari', timeZone: options.zone ?? 'Asia/Jakarta' })
      .returning({ id: people.id }),
  )
  for (const chat of options.chats ?? [{ channel: 'telegram' as const, chatId: `tg-${person.id}` }]) {
    await db.insert(channelIdentities).values({
      channel: chat.channel,
      userId: chat.chatId,
      chatId: chat.chatId,
      personId: person.id,
      language: chat.language ?? 'id',
      linkedAt: new Date(),
      // Linked until long after any test's clock (CI also runs a year ahead).
      linkExpiresAt: new Date(Date.now() + 10 * 365 * DAY),
    })
  }
  return person.id
}

export async function confirm(
  db: Db,
  personId: number,
  sessionId: number,
  code = `BMT-T${personId}X${sessionId}`,
): Promise<number> {
  return written(
    await db.insert(registrations).values({ code, sessionId, personId, status: 'confirmed' }).returning({ id: registrations.id }),
  ).id
}

export async function addExam(
  db: Db,
  personId: number,
  exam: { startsAt: Date; zone?: string; kind?: 'ujian_kognitif' | 'wawancara'; mode?: 'tatap_muka' | 'daring'; code?: string },
): Promise<number> {
  return written(
    await db
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
      .returning({ id: exams.id }),
  ).id
}

/** The person's reminder rows, soonest first, with what a test looks at. */
export async function remindersOf(db: Db, personId: number) {
  return await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.personId, personId), eq(outbox.kind, 'reminder')))
    .orderBy(outbox.dueAt, outbox.id)
}

/** Local wall-clock "HH:mm" of an instant in a zone. */
export const localTime = (at: Date, zone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at)
