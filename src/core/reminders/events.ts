/**
 * What a person can be reminded of: their confirmed Bimtek sessions, their scheduled exams
 * (ujian kognitif, wawancara) and the deadline of the portfolio they are working on, each with
 * its time, its zone, and what the reminder must tell (where, the link, what to prepare).
 */
import type { Db } from '../../db/client.js'
import { stageHistory, upcomingExams } from '../../db/queries/people.js'
import { confirmedUpcomingOf } from '../../db/queries/registrations.js'
import type { SessionRow } from '../../db/queries/sessions.js'
import { currentStage } from '../../db/queries/status.js'
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
export async function eventsOfPerson(db: Db, personId: number, now: Date, personZone: string): Promise<ReminderEvent[]> {
  const events: ReminderEvent[] = []
  for (const { registration, session } of await confirmedUpcomingOf(db, personId, now)) {
    events.push({
      key: eventKey('registration', registration.id),
      kind: 'bimtek',
      startsAt: session.startsAt,
      timeZone: session.timeZone,
      code: registration.code,
      session,
      mode: session.mode,
      venue: session.venue,
      meetingUrl: session.meetingUrl,
    })
  }
  for (const exam of await upcomingExams(db, personId, now)) {
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
  const stages = (await stageHistory(db, personId)).map((stage) => ({ ...stage, reachedAt: stage.reachedAt.getTime() }))
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
