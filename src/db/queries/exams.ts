/** Exam schedules (ujian kognitif, wawancara) as the secretariat imports them: found by code, inserted and updated. */
import { eq, sql } from 'drizzle-orm'
import { type Db, first, prepared } from '../client.js'
import { exams, people } from '../schema.js'

type Insert = typeof exams.$inferInsert

/** Every column an exam import sets (each one, null where empty). */
export type ExamFields = {
  code: string
  personId: number
  kind: Insert['kind']
  status: NonNullable<Insert['status']>
  mode: Insert['mode']
  venue: string | null
  meetingUrl: string | null
  startsAt: Date
  timeZone: string
  preparation: string | null
}

/** An exam on record as an import compares it with a row. */
export type StoredExam = Omit<ExamFields, 'code'> & { id: number }

/**
 * What an import does for each row (find the person by NIK hash, the exam by code, insert, update)
 * as statements prepared once, not once per row.
 */
export function examWrites(db: Db) {
  const $ = sql.placeholder
  const fields = {
    code: $('code'),
    personId: $('personId'),
    kind: $('kind'),
    status: $('status'),
    mode: $('mode'),
    venue: $('venue'),
    meetingUrl: $('meetingUrl'),
    startsAt: $('startsAt'),
    timeZone: $('timeZone'),
    preparation: $('preparation'),
  } satisfies Record<keyof ExamFields, unknown>
  const person = prepared(
    db
      .select({ id: people.id, timeZone: people.timeZone, provinceCode: people.provinceCode })
      .from(people)
      .where(eq(people.nikHash, $('nikHash'))),
  )
  const byCode = prepared(
    db
      .select({
        id: exams.id,
        personId: exams.personId,
        kind: exams.kind,
        status: exams.status,
        mode: exams.mode,
        venue: exams.venue,
        meetingUrl: exams.meetingUrl,
        startsAt: exams.startsAt,
        timeZone: exams.timeZone,
        preparation: exams.preparation,
      })
      .from(exams)
      .where(eq(exams.code, $('code'))),
  )
  const insert = prepared(db.insert(exams).values(fields))
  const update = prepared(
    db
      .update(exams)
      // drizzle's types leave placeholders out of set(), though it binds them there as it does in values().
      .set({
        ...fields,
        // A "HADIR" was said for the old time: a moved exam asks again.
        attendanceConfirmedAt: sql`case when ${exams.startsAt} = ${$('startsAtMs')} then ${exams.attendanceConfirmedAt} end`,
        updatedAt: $('updatedAt'),
      } as unknown as Partial<Insert>)
      .where(eq(exams.id, $('id'))),
  )
  return {
    /** The person with this keyed NIK hash (see NikVault.hash). */
    personByNikHash: async (
      nikHash: string,
    ): Promise<{ id: number; timeZone: string; provinceCode: string | null } | undefined> => await person.get({ nikHash }),
    byCode: async (code: string): Promise<StoredExam | undefined> => await byCode.get({ code }),
    insert: async (row: ExamFields) => await insert.run(row),
    /** Sets every field; a new start time also clears the person's attendance confirmation. */
    update: (id: number, row: ExamFields, at: Date) =>
      update.run({ ...row, id, startsAtMs: row.startsAt.getTime(), updatedAt: at }),
  }
}

export type ExamRow = typeof exams.$inferSelect

export async function examById(db: Db, id: number): Promise<ExamRow | undefined> {
  return await first(db.select().from(exams).where(eq(exams.id, id)))
}

/** The person said they will come (HADIR to a reminder). */
export async function confirmExamAttendance(db: Db, id: number, at: Date): Promise<void> {
  await db.update(exams).set({ attendanceConfirmedAt: at, updatedAt: at }).where(eq(exams.id, id))
}
