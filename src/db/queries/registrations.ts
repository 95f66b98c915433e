/**
 * Bimtek seats: registering, the waiting list, cancelling, and time-limited offers of a freed seat.
 * Every function here runs inside the caller's write transaction (the engine's turn, or
 * `transaction` of src/db/store.ts), so counting the seats taken and taking one happen under SQLite's write
 * lock: never more confirmed than capacity, even with several processes on one database file.
 */
import { and, asc, count, eq, gt, lte, ne, or, sql } from 'drizzle-orm'
import { type Db, first, written } from '../client.js'
import { bimtekSessions, regions, registrations } from '../schema.js'
import { writeAudit } from './audit.js'
import { isOpenForRegistration, type SessionRow, sessionById, sessionColumns, withRegion } from './sessions.js'

/** Seats taken count confirmed and offered registrations (an offer holds its seat until it expires). */
export type SeatCounts = { taken: number; waiting: number }

export async function seatCounts(db: Db, sessionId: number): Promise<SeatCounts> {
  const rows = await db
    .select({ status: registrations.status, n: count() })
    .from(registrations)
    .where(eq(registrations.sessionId, sessionId))
    .groupBy(registrations.status)
  const of = (status: string) => rows.find((row) => row.status === status)?.n ?? 0
  return { taken: of('confirmed') + of('offered'), waiting: of('waitlisted') }
}

export type RegistrationRow = typeof registrations.$inferSelect

/** A person's place on the waiting list (1 = next), counting only those still waiting. */
export async function waitlistPosition(db: Db, registration: RegistrationRow): Promise<number | undefined> {
  if (registration.status !== 'waitlisted' || !registration.waitlistedAt) return undefined
  const ahead = await first(
    db
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
      ),
  )
  return (ahead?.n ?? 0) + 1
}

/**
 * When a newcomer joins the waiting list: `now`, or just after the last person already waiting if
 * that is not earlier. The list is served by (waitlisted_at, id), and a registration taken up
 * again after a cancel keeps its old, smaller id: joining in the same millisecond as others (one
 * group commit) it would otherwise go ahead of them and be told their place. Strictly later than
 * everyone waiting also keeps the order if the clock steps back.
 */
export async function joinTime(db: Db, sessionId: number, now: Date): Promise<Date> {
  const last = (
    await first(
      db
        .select({ at: sql<number | null>`max(${registrations.waitlistedAt})` })
        .from(registrations)
        .where(and(eq(registrations.sessionId, sessionId), eq(registrations.status, 'waitlisted'))),
    )
  )?.at
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
export async function register(
  db: Db,
  input: { sessionId: number; personId: number; newCode: () => string; now: Date },
): Promise<RegisterResult> {
  const { sessionId, personId, now } = input
  const session = await first(db.select().from(bimtekSessions).where(eq(bimtekSessions.id, sessionId)))
  if (!session || !isOpenForRegistration(session, now)) return { kind: 'closed' }
  const existing = await first(
    db
      .select()
      .from(registrations)
      .where(and(eq(registrations.sessionId, sessionId), eq(registrations.personId, personId))),
  )
  if (existing && existing.status !== 'cancelled') return { kind: 'duplicate', registration: existing }

  const { taken, waiting } = await seatCounts(db, sessionId)
  // A free seat with people still waiting is theirs (it is being offered), not a newcomer's.
  const status = taken < session.capacity && waiting === 0 ? 'confirmed' : 'waitlisted'
  const values = {
    code: await unusedCode(db, input.newCode),
    status,
    waitlistedAt: status === 'waitlisted' ? await joinTime(db, sessionId, now) : null,
    offerExpiresAt: null,
    cancelledAt: null,
    createdAt: now,
    updatedAt: now,
  } as const
  const registration = existing
    ? written(await db.update(registrations).set(values).where(eq(registrations.id, existing.id)).returning())
    : written(
        await db
          .insert(registrations)
          .values({ ...values, sessionId, personId })
          .returning(),
      )
  await audit(db, now, `registration.${status}`, registration.code)
  if (status === 'confirmed') return { kind: 'confirmed', registration }
  return { kind: 'waitlisted', registration, position: (await waitlistPosition(db, registration)) ?? 1 }
}

/** A code no registration has yet (random codes can collide, however rarely). */
async function unusedCode(db: Db, newCode: () => string): Promise<string> {
  for (;;) {
    const code = newCode()
    if (!(await first(db.select({ id: registrations.id }).from(registrations).where(eq(registrations.code, code))))) return code
  }
}

/**
 * Seats free while people wait (a session's capacity was raised, or an offer could not be made
 * at the moment a seat was freed): each goes, as an offer, to the next person waiting.
 */
export async function offerFreeSeats(db: Db, now: Date, offerMs: number): Promise<Offer[]> {
  const candidates = await db
    .selectDistinct({ sessionId: registrations.sessionId })
    .from(registrations)
    .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
    .where(and(eq(registrations.status, 'waitlisted'), gt(bimtekSessions.startsAt, now)))
  const offers: Offer[] = []
  for (const { sessionId } of candidates) {
    for (
      let offer = await offerNextSeat(db, sessionId, now, offerMs);
      offer;
      offer = await offerNextSeat(db, sessionId, now, offerMs)
    ) {
      offers.push(offer)
    }
  }
  return offers
}

/** Registrations joined with their session and its region: the one join every read of both makes. */
function registrationsWithSessions(db: Db) {
  return db
    .select({ registration: registrations, ...sessionColumns })
    .from(registrations)
    .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
    .innerJoin(regions, eq(regions.id, bimtekSessions.regionId))
}

type JoinedRow = Awaited<ReturnType<typeof registrationsWithSessions>>[number]
const withSession = (row: JoinedRow): { registration: RegistrationRow; session: SessionRow } => ({
  registration: row.registration,
  session: withRegion(row),
})

/** A person's registrations that are not cancelled, soonest session first. */
export async function registrationsOfPerson(db: Db, personId: number) {
  return (
    await registrationsWithSessions(db)
      .where(and(eq(registrations.personId, personId), sql`${registrations.status} <> 'cancelled'`))
      .orderBy(asc(bimtekSessions.startsAt))
  ).map(withSession)
}

/** A person's confirmed registrations whose session has not started at `now` (the events they are reminded of). */
export async function confirmedUpcomingOf(
  db: Db,
  personId: number,
  now: Date,
): Promise<{ registration: RegistrationRow; session: SessionRow }[]> {
  return (
    await registrationsWithSessions(db).where(
      and(eq(registrations.personId, personId), eq(registrations.status, 'confirmed'), gt(bimtekSessions.startsAt, now)),
    )
  ).map(withSession)
}

/** A registration with its session's title and start (what a reminder answered with HADIR or BATAL is about). */
export async function registrationWithSession(db: Db, id: number) {
  return await first(
    db
      .select({ registration: registrations, title: bimtekSessions.title, startsAt: bimtekSessions.startsAt })
      .from(registrations)
      .innerJoin(bimtekSessions, eq(bimtekSessions.id, registrations.sessionId))
      .where(eq(registrations.id, id)),
  )
}

/** The person said they will come (HADIR to a reminder). */
export async function confirmRegistrationAttendance(db: Db, id: number, at: Date): Promise<void> {
  await db.update(registrations).set({ attendanceConfirmedAt: at, updatedAt: at }).where(eq(registrations.id, id))
}

export async function registrationByCode(db: Db, code: string) {
  const row = await first(registrationsWithSessions(db).where(eq(registrations.code, code)))
  return row && withSession(row)
}

export type Offer = { registration: RegistrationRow; session: SessionRow }

/**
 * Offers a freed seat to the first person still waiting, until `now + offerMs` (never past the
 * close of registration or the start). No offer once registration has closed or the session began.
 */
export async function offerNextSeat(db: Db, sessionId: number, now: Date, offerMs: number): Promise<Offer | undefined> {
  const session = await sessionById(db, sessionId)
  if (!session || !isOpenForRegistration(session, now)) return undefined
  if ((await seatCounts(db, sessionId)).taken >= session.capacity) return undefined
  const next = await first(
    db
      .select()
      .from(registrations)
      .where(and(eq(registrations.sessionId, sessionId), eq(registrations.status, 'waitlisted')))
      .orderBy(asc(registrations.waitlistedAt), asc(registrations.id)),
  )
  if (!next) return undefined
  const expiresAt = new Date(
    Math.min(now.getTime() + offerMs, session.registrationClosesAt.getTime(), session.startsAt.getTime()),
  )
  const registration = written(
    await db
      .update(registrations)
      .set({ status: 'offered', offerExpiresAt: expiresAt, updatedAt: now })
      .where(eq(registrations.id, next.id))
      .returning(),
  )
  await audit(db, now, 'registration.offered', registration.code)
  return { registration, session }
}

export type CancelResult =
  | { kind: 'cancelled'; registration: RegistrationRow; session: SessionRow; offer?: Offer }
  | { kind: 'not-found' }
  | { kind: 'already-cancelled' }
  | { kind: 'started' }

/** Cancels a registration (the person's own, when `personId` is given) and offers the seat on. */
export async function cancelRegistration(
  db: Db,
  input: { code: string; personId?: number; now: Date; offerMs: number; actor: string },
): Promise<CancelResult> {
  const found = await registrationByCode(db, input.code)
  if (!found || (input.personId !== undefined && found.registration.personId !== input.personId)) return { kind: 'not-found' }
  if (found.registration.status === 'cancelled') return { kind: 'already-cancelled' }
  if (found.session.startsAt <= input.now) return { kind: 'started' }
  const heldSeat = found.registration.status === 'confirmed' || found.registration.status === 'offered'
  const registration = written(
    await db
      .update(registrations)
      .set({ status: 'cancelled', cancelledAt: input.now, offerExpiresAt: null, waitlistedAt: null, updatedAt: input.now })
      .where(eq(registrations.id, found.registration.id))
      .returning(),
  )
  await audit(db, input.now, 'registration.cancelled', registration.code, input.actor)
  const offer = heldSeat ? await offerNextSeat(db, found.session.id, input.now, input.offerMs) : undefined
  return { kind: 'cancelled', registration, session: found.session, ...(offer && { offer }) }
}

/** The person's seat offer still open at `now`, if any (the newest). */
export async function openOfferOf(db: Db, personId: number, now: Date): Promise<Offer | undefined> {
  const row = await first(
    registrationsWithSessions(db)
      .where(
        and(eq(registrations.personId, personId), eq(registrations.status, 'offered'), gt(registrations.offerExpiresAt, now)),
      )
      .orderBy(asc(registrations.offerExpiresAt)),
  )
  return row && withSession(row)
}

/** Takes up an offered seat. */
export async function acceptOffer(db: Db, registrationId: number, now: Date): Promise<RegistrationRow> {
  const registration = written(
    await db
      .update(registrations)
      .set({ status: 'confirmed', offerExpiresAt: null, waitlistedAt: null, updatedAt: now })
      .where(eq(registrations.id, registrationId))
      .returning(),
  )
  await audit(db, now, 'registration.confirmed', registration.code)
  return registration
}

/**
 * Offers whose time ran out: the person loses the offer (and their place) and the seat goes to
 * the next person waiting, if registration is still open.
 */
export async function expireOffers(db: Db, now: Date, offerMs: number): Promise<{ expired: Offer[]; offers: Offer[] }> {
  const due = await registrationsWithSessions(db).where(
    and(eq(registrations.status, 'offered'), lte(registrations.offerExpiresAt, now)),
  )
  const expired: Offer[] = []
  const offers: Offer[] = []
  for (const row of due) {
    const registration = written(
      await db
        .update(registrations)
        .set({ status: 'cancelled', cancelledAt: now, updatedAt: now })
        .where(eq(registrations.id, row.registration.id))
        .returning(),
    )
    await audit(db, now, 'registration.offer_expired', registration.code, 'system')
    expired.push({ registration, session: withRegion(row) })
    const offer = await offerNextSeat(db, row.registration.sessionId, now, offerMs)
    if (offer) offers.push(offer)
  }
  return { expired, offers }
}

async function audit(db: Db, at: Date, action: string, code: string, actor = 'chat') {
  await writeAudit(db, { at, actor, action, entity: 'registration', entityId: code })
}

/** The registration `code` if it belongs to session `sessionId`. */
export async function registrationInSession(db: Db, sessionId: number, code: string): Promise<RegistrationRow | undefined> {
  return await first(
    db
      .select()
      .from(registrations)
      .where(and(eq(registrations.code, code), eq(registrations.sessionId, sessionId))),
  )
}

/** The person's registration for the session, whatever its status (one per person and session). */
export async function registrationOfPersonInSession(
  db: Db,
  sessionId: number,
  personId: number,
): Promise<RegistrationRow | undefined> {
  return await first(
    db
      .select()
      .from(registrations)
      .where(and(eq(registrations.sessionId, sessionId), eq(registrations.personId, personId))),
  )
}

export async function deleteRegistration(db: Db, id: number): Promise<void> {
  await db.delete(registrations).where(eq(registrations.id, id))
}

/** Present at the session (`attendedAt`), or not (null): as the secretariat marks it. */
export async function setAttendedAt(db: Db, id: number, attendedAt: Date | null, at: Date): Promise<void> {
  await db.update(registrations).set({ attendedAt, updatedAt: at }).where(eq(registrations.id, id))
}

/** Cancels every registration of the session still standing (confirmed, offered, waiting); who they were. */
export async function cancelRegistrationsOfSession(
  db: Db,
  sessionId: number,
  at: Date,
): Promise<{ personId: number; code: string }[]> {
  return await db
    .update(registrations)
    .set({ status: 'cancelled', cancelledAt: at, offerExpiresAt: null, waitlistedAt: null, updatedAt: at })
    .where(and(eq(registrations.sessionId, sessionId), ne(registrations.status, 'cancelled')))
    .returning({ personId: registrations.personId, code: registrations.code })
}

/**
 * Moves a registration to another session with the status it gets there; an offer, attendance and
 * its confirmation belong to the session it left.
 */
export async function moveRegistrationTo(
  db: Db,
  id: number,
  to: { sessionId: number; status: 'confirmed' | 'waitlisted'; waitlistedAt: Date | null },
  at: Date,
): Promise<RegistrationRow> {
  return written(
    await db
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
      .returning(),
  )
}

/** The people holding a confirmed seat at the session. */
export async function confirmedPeopleOfSession(db: Db, sessionId: number): Promise<number[]> {
  return (
    await db
      .select({ personId: registrations.personId })
      .from(registrations)
      .where(and(eq(registrations.sessionId, sessionId), eq(registrations.status, 'confirmed')))
  ).map((row) => row.personId)
}
