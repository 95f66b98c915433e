/**
 * What a person can be reminded of: their confirmed Bimtek sessions, their scheduled exams
 * (ujian kognitif, wawancara) and the deadline of the portfolio they are working on, each with
 * its time, its zone, and what the reminder must tell (where, the link, what to prepare).
 */
import { and, asc, eq, gt } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import type { SessionRow } from '../../db/queries/sessions.js'
import { currentStage } from '../../db/queries/status.js'
import { bimtekSessions, certificationStages, exams, regions, registrations } from '../../db/schema.js'
import { type EventKind, eventKey } from '../../vocabulary/events.js'

export type ReminderEvent = {
  /** `registration:<id>`, `exam:<id>` or `portfolio:<stage row id>`: the reminders' `event_key`. */
  key: string
  kind: EventKind
  /** The start (a deadline: 23:59 of its last day, in the person's zone). */
  startsAt: Date
  /** Where it happens (the zone its own time is told in). */
  timeZone: string
  /** Registration code or exam code, if any. */
  code: string | null
  /** The Bimtek session, for its title, times and place. */
  session?: SessionRow
  mode?: 'tatap_muka' | 'daring'
  venue?: string | null
  meetingUrl?: string | null
  preparation?: string | null
}

/** The person's events that have not started at `now`, soonest first. */
export function eventsOfPerson(db: Db, personId: number, now: Date, personZone: string): ReminderEvent[] {
  const events: ReminderEvent[] = []
  const sessions = db
    .select({
      registration: registrations,
      session: bimtekSessions,
      regionCode: regions.code,
      regionCity: regions.city,
      regionProvinces: regions.provinceCodes,
    })
    .from(registrations)
    .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
    .innerJoin(regions, eq(regions.id, bimtekSessions.regionId))
    .where(and(eq(registrations.personId, personId), eq(registrations.status, 'confirmed'), gt(bimtekSessions.startsAt, now)))
    .all()
  for (const row of sessions) {
    const session: SessionRow = {
      ...row.session,
      regionCode: row.regionCode,
      regionCity: row.regionCity,
      regionProvinces: row.regionProvinces,
    }
    events.push({
      key: eventKey('registration', row.registration.id),
      kind: 'bimtek',
      startsAt: session.startsAt,
      timeZone: session.timeZone,
      code: row.registration.code,
      session,
      mode: session.mode,
      venue: session.venue,
      meetingUrl: session.meetingUrl,
    })
  }
  const scheduled = db
    .select()
    .from(exams)
    .where(and(eq(exams.personId, personId), eq(exams.status, 'scheduled'), gt(exams.startsAt, now)))
    .orderBy(asc(exams.startsAt))
    .all()
  for (const exam of scheduled) {
    events.push({
      key: eventKey('exam', exam.id),
      kind: exam.kind,
      startsAt: exam.startsAt,
      timeZone: exam.timeZone,
      code: exam.code,
      mode: exam.mode,
      venue: exam.venue,
      meetingUrl: exam.meetingUrl,
      preparation: exam.preparation,
    })
  }
  // The portfolio deadline counts only while the portfolio is the stage the person is at.
  const stages = db
    .select({
      id: certificationStages.id,
      stage: certificationStages.stage,
      reachedAt: certificationStages.reachedAt,
      dueAt: certificationStages.dueAt,
    })
    .from(certificationStages)
    .where(eq(certificationStages.personId, personId))
    .all()
    .map((stage) => ({ ...stage, reachedAt: stage.reachedAt.getTime() }))
  const current = currentStage(stages)
  if (current?.stage === 'portofolio' && current.dueAt && current.dueAt > now) {
    events.push({
      key: eventKey('portfolio', current.id),
      kind: 'portofolio',
      startsAt: current.dueAt,
      timeZone: personZone,
      code: null,
    })
  }
  return events.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
}
