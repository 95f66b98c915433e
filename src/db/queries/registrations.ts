/**
 * Bimtek seats: registering, the waiting list, cancelling, and time-limited offers of a freed seat.
 * Every function here runs inside the caller's write transaction (the engine's turn, or
 * `inTransaction` of the database client), so counting the seats taken and taking one happen under SQLite's write
 * lock: never more confirmed than capacity, even with several processes on one database file.
 */
import { and, asc, count, eq, gt, lte, ne, or, sql } from 'drizzle-orm'
import type { Db } from '../client.js'
import { bimtekSessions, regions, registrations } from '../schema.js'
import { writeAudit } from './audit.js'
import { isOpenForRegistration, type SessionRow, sessionById, sessionColumns, withRegion } from './sessions.js'

/** Seats taken count confirmed and offered registrations (an offer holds its seat until it expires). */
export type SeatCounts = { taken: number; waiting: number }

export function seatCounts(db: Db, sessionId: number): SeatCounts {
  const rows = db
    .select({ status: registrations.status, n: count() })
    .from(registrations)
    .where(eq(registrations.sessionId, sessionId))
    .groupBy(registrations.status)
    .all()
  const of = (status: string) => rows.find((row) => row.status === status)?.n ?? 0
  return { taken: of('confirmed') + of('offered'), waiting: of('waitlisted') }
}

export type RegistrationRow = typeof registrations.$inferSelect

/** A person's place on the waiting list (1 = next), counting only those still waiting. */
export function waitlistPosition(db: Db, registration: RegistrationRow): number | undefined {
  if (registration.status !== 'waitlisted' || !registration.waitlistedAt) return undefined
  const ahead = db
    .select({ n: count() })
    .from(registrations)
    .where(
      and(
        eq(registrations.sessionId, registration.sessionId),
        eq(registrations.status, 'waitlisted'),
        or(
          sql`${registrations.waitlistedAt} < ${registration.waitlistedAt.getTime()}`,
          and(eq(registrations.waitlistedAt, registration.waitlistedAt), sql`${registrations.id} < ${registration.id}`),
        ),
      ),
    )
    .get()
  return (ahead?.n ?? 0) + 1
}

/**
 * When a newcomer joins the waiting list: `now`, or just after the last person already waiting if
 * that is not earlier. The list is served by (waitlisted_at, id), and a registration taken up
 * again after a cancel keeps its old, smaller id: joining in the same millisecond as others (one
 * group commit) it would otherwise go ahead of them and be told their place. Strictly later than
 * everyone waiting also keeps the order if the clock steps back.
 */
export function joinTime(db: Db, sessionId: number, now: Date): Date {
  const last = db
    .select({ at: sql<number | null>`max(${registrations.waitlistedAt})` })
    .from(registrations)
    .where(and(eq(registrations.sessionId, sessionId), eq(registrations.status, 'waitlisted')))
    .get()?.at
  return last != null && last >= now.getTime() ? new Date(last + 1) : now
}

export type RegisterResult =
  | { kind: 'confirmed' | 'waitlisted'; registration: RegistrationRow; position?: number }
  | { kind: 'duplicate'; registration: RegistrationRow }
  | { kind: 'closed' }

/**
 * Takes a seat if one is free, else a place at the end of the waiting list. One registration per
 * person and session: a second attempt returns the first (a cancelled one is taken up again).
 */
export function register(
  db: Db,
  input: { sessionId: number; personId: number; newCode: () => string; now: Date },
): RegisterResult {
  const { sessionId, personId, now } = input
  const session = db.select().from(bimtekSessions).where(eq(bimtekSessions.id, sessionId)).get()
  if (!session || !isOpenForRegistration(session, now)) return { kind: 'closed' }
  const existing = db
    .select()
    .from(registrations)
    .where(and(eq(registrations.sessionId, sessionId), eq(registrations.personId, personId)))
    .get()
  if (existing && existing.status !== 'cancelled') return { kind: 'duplicate', registration: existing }

  const { taken, waiting } = seatCounts(db, sessionId)
  // A free seat with people still waiting is theirs (it is being offered), not a newcomer's.
  const status = taken < session.capacity && waiting === 0 ? 'confirmed' : 'waitlisted'
  const values = {
    code: unusedCode(db, input.newCode),
    status,
    waitlistedAt: status === 'waitlisted' ? joinTime(db, sessionId, now) : null,
    offerExpiresAt: null,
    cancelledAt: null,
    createdAt: now,
    updatedAt: now,
  } as const
  const registration = existing
    ? db.update(registrations).set(values).where(eq(registrations.id, existing.id)).returning().get()
    : db
        .insert(registrations)
        .values({ ...values, sessionId, personId })
        .returning()
        .get()
  audit(db, now, `registration.${status}`, registration.code)
  if (status === 'confirmed') return { kind: 'confirmed', registration }
  return { kind: 'waitlisted', registration, position: waitlistPosition(db, registration) ?? 1 }
}

/** A code no registration has yet (random codes can collide, however rarely). */
function unusedCode(db: Db, newCode: () => string): string {
  for (;;) {
    const code = newCode()
    if (!db.select({ id: registrations.id }).from(registrations).where(eq(registrations.code, code)).get()) return code
  }
}

/**
 * Seats free while people wait (a session's capacity was raised, or an offer could not be made
 * at the moment a seat was freed): each goes, as an offer, to the next person waiting.
 */
export function offerFreeSeats(db: Db, now: Date, offerMs: number): Offer[] {
  const candidates = db
    .selectDistinct({ sessionId: registrations.sessionId })
    .from(registrations)
    .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
    .where(and(eq(registrations.status, 'waitlisted'), gt(bimtekSessions.startsAt, now)))
    .all()
  const offers: Offer[] = []
  for (const { sessionId } of candidates) {
    for (let offer = offerNextSeat(db, sessionId, now, offerMs); offer; offer = offerNextSeat(db, sessionId, now, offerMs)) {
      offers.push(offer)
    }
  }
  return offers
}

/** A person's registrations that are not cancelled, soonest session first. */
export function registrationsOfPerson(db: Db, personId: number) {
  return db
    .select({ registration: registrations, ...sessionColumns })
    .from(registrations)
    .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
    .innerJoin(regions, eq(regions.id, bimtekSessions.regionId))
    .where(and(eq(registrations.personId, personId), sql`${registrations.status} <> 'cancelled'`))
    .orderBy(asc(bimtekSessions.startsAt))
    .all()
    .map((row) => ({ registration: row.registration, session: withRegion(row) }))
}

/** A person's confirmed registrations whose session has not started at `now` (the events they are reminded of). */
export function confirmedUpcomingOf(
  db: Db,
  personId: number,
  now: Date,
): { registration: RegistrationRow; session: SessionRow }[] {
  return db
    .select({ registration: registrations, ...sessionColumns })
    .from(registrations)
    .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
    .innerJoin(regions, eq(regions.id, bimtekSessions.regionId))
    .where(and(eq(registrations.personId, personId), eq(registrations.status, 'confirmed'), gt(bimtekSessions.startsAt, now)))
    .all()
    .map((row) => ({ registration: row.registration, session: withRegion(row) }))
}

/** A registration with its session's title and start (what a reminder answered with HADIR or BATAL is about). */
export function registrationWithSession(db: Db, id: number) {
  return db
    .select({ registration: registrations, title: bimtekSessions.title, startsAt: bimtekSessions.startsAt })
    .from(registrations)
    .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
    .where(eq(registrations.id, id))
    .get()
}

/** The person said they will come (HADIR to a reminder). */
export function confirmRegistrationAttendance(db: Db, id: number, at: Date): void {
  db.update(registrations).set({ attendanceConfirmedAt: at, updatedAt: at }).where(eq(registrations.id, id)).run()
}

export function registrationByCode(db: Db, code: string) {
  const row = db
    .select({ registration: registrations, ...sessionColumns })
    .from(registrations)
    .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
    .innerJoin(regions, eq(regions.id, bimtekSessions.regionId))
    .where(eq(registrations.code, code))
    .get()
  return row && { registration: row.registration, session: withRegion(row) }
}

export type Offer = { registration: RegistrationRow; session: SessionRow }

/**
 * Offers a freed seat to the first person still waiting, until `now + offerMs` (never past the
 * close of registration or the start). No offer once registration has closed or the session began.
 */
export function offerNextSeat(db: Db, sessionId: number, now: Date, offerMs: number): Offer | undefined {
  const session = sessionById(db, sessionId)
  if (!session || !isOpenForRegistration(session, now)) return undefined
  if (seatCounts(db, sessionId).taken >= session.capacity) return undefined
  const next = db
    .select()
    .from(registrations)
    .where(and(eq(registrations.sessionId, sessionId), eq(registrations.status, 'waitlisted')))
    .orderBy(asc(registrations.waitlistedAt), asc(registrations.id))
    .get()
  if (!next) return undefined
  const expiresAt = new Date(
    Math.min(now.getTime() + offerMs, session.registrationClosesAt.getTime(), session.startsAt.getTime()),
  )
  const registration = db
    .update(registrations)
    .set({ status: 'offered', offerExpiresAt: expiresAt, updatedAt: now })
    .where(eq(registrations.id, next.id))
    .returning()
    .get()
  audit(db, now, 'registration.offered', registration.code)
  return { registration, session }
}

export type CancelResult =
  | { kind: 'cancelled'; registration: RegistrationRow; session: SessionRow; offer?: Offer }
  | { kind: 'not-found' }
  | { kind: 'already-cancelled' }
  | { kind: 'started' }

/** Cancels a registration (the person's own, when `personId` is given) and offers the seat on. */
export function cancelRegistration(
  db: Db,
  input: { code: string; personId?: number; now: Date; offerMs: number; actor: string },
): CancelResult {
  const found = registrationByCode(db, input.code)
  if (!found || (input.personId !== undefined && found.registration.personId !== input.personId)) return { kind: 'not-found' }
  if (found.registration.status === 'cancelled') return { kind: 'already-cancelled' }
  if (found.session.startsAt <= input.now) return { kind: 'started' }
  const heldSeat = found.registration.status === 'confirmed' || found.registration.status === 'offered'
  const registration = db
    .update(registrations)
    .set({ status: 'cancelled', cancelledAt: input.now, offerExpiresAt: null, waitlistedAt: null, updatedAt: input.now })
    .where(eq(registrations.id, found.registration.id))
    .returning()
    .get()
  audit(db, input.now, 'registration.cancelled', registration.code, input.actor)
  const offer = heldSeat ? offerNextSeat(db, found.session.id, input.now, input.offerMs) : undefined
  return { kind: 'cancelled', registration, session: found.session, ...(offer && { offer }) }
}

/** The person's seat offer still open at `now`, if any (the newest). */
export function openOfferOf(db: Db, personId: number, now: Date): Offer | undefined {
  const row = db
    .select({ registration: registrations, ...sessionColumns })
    .from(registrations)
    .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
    .innerJoin(regions, eq(regions.id, bimtekSessions.regionId))
    .where(and(eq(registrations.personId, personId), eq(registrations.status, 'offered'), gt(registrations.offerExpiresAt, now)))
    .orderBy(asc(registrations.offerExpiresAt))
    .get()
  return row && { registration: row.registration, session: withRegion(row) }
}

/** Takes up an offered seat. */
export function acceptOffer(db: Db, registrationId: number, now: Date): RegistrationRow {
  const registration = db
    .update(registrations)
    .set({ status: 'confirmed', offerExpiresAt: null, waitlistedAt: null, updatedAt: now })
    .where(eq(registrations.id, registrationId))
    .returning()
    .get()
  audit(db, now, 'registration.confirmed', registration.code)
  return registration
}

/**
 * Offers whose time ran out: the person loses the offer (and their place) and the seat goes to
 * the next person waiting, if registration is still open.
 */
export function expireOffers(db: Db, now: Date, offerMs: number): { expired: Offer[]; offers: Offer[] } {
  const due = db
    .select({ registration: registrations, ...sessionColumns })
    .from(registrations)
    .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
    .innerJoin(regions, eq(regions.id, bimtekSessions.regionId))
    .where(and(eq(registrations.status, 'offered'), lte(registrations.offerExpiresAt, now)))
    .all()
  const expired: Offer[] = []
  const offers: Offer[] = []
  for (const row of due) {
    const registration = db
      .update(registrations)
      .set({ status: 'cancelled', cancelledAt: now, updatedAt: now })
      .where(eq(registrations.id, row.registration.id))
      .returning()
      .get()
    audit(db, now, 'registration.offer_expired', registration.code, 'system')
    expired.push({ registration, session: withRegion(row) })
    const offer = offerNextSeat(db, row.registration.sessionId, now, offerMs)
    if (offer) offers.push(offer)
  }
  return { expired, offers }
}

function audit(db: Db, at: Date, action: string, code: string, actor = 'chat') {
  writeAudit(db, { at, actor, action, entity: 'registration', entityId: code })
}

/** The registration `code` if it belongs to session `sessionId`. */
export function registrationInSession(db: Db, sessionId: number, code: string): RegistrationRow | undefined {
  return db
    .select()
    .from(registrations)
    .where(and(eq(registrations.code, code), eq(registrations.sessionId, sessionId)))
    .get()
}

/** The person's registration for the session, whatever its status (one per person and session). */
export function registrationOfPersonInSession(db: Db, sessionId: number, personId: number): RegistrationRow | undefined {
  return db
    .select()
    .from(registrations)
    .where(and(eq(registrations.sessionId, sessionId), eq(registrations.personId, personId)))
    .get()
}

export function deleteRegistration(db: Db, id: number): void {
  db.delete(registrations).where(eq(registrations.id, id)).run()
}

/** Present at the session (`attendedAt`), or not (null): as the secretariat marks it. */
export function setAttendedAt(db: Db, id: number, attendedAt: Date | null, at: Date): void {
  db.update(registrations).set({ attendedAt, updatedAt: at }).where(eq(registrations.id, id)).run()
}

/** Cancels every registration of the session still standing (confirmed, offered, waiting); who they were. */
export function cancelRegistrationsOfSession(db: Db, sessionId: number, at: Date): { personId: number; code: string }[] {
  return db
    .update(registrations)
    .set({ status: 'cancelled', cancelledAt: at, offerExpiresAt: null, waitlistedAt: null, updatedAt: at })
    .where(and(eq(registrations.sessionId, sessionId), ne(registrations.status, 'cancelled')))
    .returning({ personId: registrations.personId, code: registrations.code })
    .all()
}

/**
 * Moves a registration to another session with the status it gets there; an offer, attendance and
 * its confirmation belong to the session it left.
 */
export function moveRegistrationTo(
  db: Db,
  id: number,
  to: { sessionId: number; status: 'confirmed' | 'waitlisted'; waitlistedAt: Date | null },
  at: Date,
): RegistrationRow {
  return db
    .update(registrations)
    .set({
      sessionId: to.sessionId,
      status: to.status,
      waitlistedAt: to.waitlistedAt,
      offerExpiresAt: null,
      attendedAt: null,
      attendanceConfirmedAt: null,
      updatedAt: at,
    })
    .where(eq(registrations.id, id))
    .returning()
    .get()
}

/** The people holding a confirmed seat at the session. */
export function confirmedPeopleOfSession(db: Db, sessionId: number): number[] {
  return db
    .select({ personId: registrations.personId })
    .from(registrations)
    .where(and(eq(registrations.sessionId, sessionId), eq(registrations.status, 'confirmed')))
    .all()
    .map((row) => row.personId)
}
