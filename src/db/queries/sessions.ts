/**
 * Bimtek sessions: as the chat reads them (upcoming, open for registration, one by id), and as the
 * secretariat loads and reviews them (upserts by code, listings with seat counts).
 */
import { and, asc, count, eq, gt, gte, inArray, isNull, or, sql } from 'drizzle-orm'
import { type Db, first, prepared, statement } from '../client.js'
import { bimtekSessions, people, regions, registrations, type SESSION_MODES } from '../schema.js'

/** Every column an import sets (each one, null where empty); id, timestamps and the demo flag are the database's. */
export type SessionFields = Required<
  Omit<typeof bimtekSessions.$inferInsert, 'id' | 'isDemo' | 'cancelledAt' | 'cancelReason' | 'createdAt' | 'updatedAt'>
>

export type Region = typeof regions.$inferSelect

/** The BBPPKS regions a session can belong to. */
export async function listRegions(db: Db): Promise<Region[]> {
  return await db.select().from(regions).orderBy(asc(regions.code))
}

export type SessionRow = typeof bimtekSessions.$inferSelect & {
  regionCode: string
  regionCity: string
  /** The province codes the session's region serves, comma-separated. */
  regionProvinces: string
}

/** The columns of a `SessionRow`, for queries that join a session and its region. */
export const sessionColumns = {
  session: bimtekSessions,
  regionCode: regions.code,
  regionCity: regions.city,
  regionProvinces: regions.provinceCodes,
}

export function withRegion(
  row: { session: typeof bimtekSessions.$inferSelect } & Omit<SessionRow, keyof typeof bimtekSessions.$inferSelect>,
): SessionRow {
  return { ...row.session, regionCode: row.regionCode, regionCity: row.regionCity, regionProvinces: row.regionProvinces }
}

export type SessionFilter = { regionIds?: number[]; provinceCode?: string; mode?: (typeof SESSION_MODES)[number] }

/** Sessions that have not started and are not cancelled, soonest first (optionally of some regions, one province, one mode). */
export async function upcomingSessions(db: Db, now: Date, filter: SessionFilter = {}, limit = 50): Promise<SessionRow[]> {
  const conditions = [gt(bimtekSessions.startsAt, now), isNull(bimtekSessions.cancelledAt)]
  if (filter.regionIds?.length) conditions.push(inArray(bimtekSessions.regionId, filter.regionIds))
  if (filter.mode) conditions.push(eq(bimtekSessions.mode, filter.mode))
  if (filter.provinceCode) {
    // A session for one province, or for its whole region (no province given).
    const condition = or(eq(bimtekSessions.provinceCode, filter.provinceCode), isNull(bimtekSessions.provinceCode))
    if (condition) conditions.push(condition)
  }
  return (
    await db
      .select(sessionColumns)
      .from(bimtekSessions)
      .innerJoin(regions, eq(regions.id, bimtekSessions.regionId))
      .where(and(...conditions))
      .orderBy(asc(bimtekSessions.startsAt), asc(bimtekSessions.id))
      .limit(limit)
  ).map(withRegion)
}

/** Whether any session is open for registration at `now` (asked on every "daftar": kept cheap). */
export async function hasOpenSession(db: Db, now: Date): Promise<boolean> {
  const at = now.getTime()
  return (
    (await statement(
      db,
      'select 1 from bimtek_sessions where registration_opens_at <= ? and registration_closes_at > ? and starts_at > ? and cancelled_at is null limit 1',
    ).get(at, at, at)) !== undefined
  )
}

/** Whether registration for the session is open at `now` (never for a cancelled session). */
export const isOpenForRegistration = (session: typeof bimtekSessions.$inferSelect, now: Date) =>
  !session.cancelledAt && session.registrationOpensAt <= now && now < session.registrationClosesAt && now < session.startsAt

export async function sessionById(db: Db, id: number): Promise<SessionRow | undefined> {
  const row = await first(
    db
      .select(sessionColumns)
      .from(bimtekSessions)
      .innerJoin(regions, eq(regions.id, bimtekSessions.regionId))
      .where(eq(bimtekSessions.id, id)),
  )
  return row && withRegion(row)
}

/**
 * What an import does for each row (find by code, count the seats held, insert, update) as
 * statements prepared once: preparing them again for every row took most of a large import's time.
 */
/** The session's own row, without its region. */
export async function sessionRow(db: Db, id: number): Promise<typeof bimtekSessions.$inferSelect | undefined> {
  return await first(db.select().from(bimtekSessions).where(eq(bimtekSessions.id, id)))
}

/** Marks the session cancelled with its reason (no longer offered in the chat). */
export async function markSessionCancelled(db: Db, sessionId: number, reason: string, at: Date): Promise<void> {
  await db
    .update(bimtekSessions)
    .set({ cancelledAt: at, cancelReason: reason, updatedAt: at })
    .where(eq(bimtekSessions.id, sessionId))
}

export function sessionWrites(db: Db) {
  const $ = sql.placeholder
  const fields = {
    code: $('code'),
    title: $('title'),
    targetGroup: $('targetGroup'),
    regionId: $('regionId'),
    mode: $('mode'),
    venue: $('venue'),
    mapUrl: $('mapUrl'),
    meetingUrl: $('meetingUrl'),
    provinceCode: $('provinceCode'),
    startsAt: $('startsAt'),
    endsAt: $('endsAt'),
    timeZone: $('timeZone'),
    capacity: $('capacity'),
    registrationOpensAt: $('registrationOpensAt'),
    registrationClosesAt: $('registrationClosesAt'),
  } satisfies Record<keyof SessionFields, unknown>
  const byCode = prepared(
    db
      .select({ id: bimtekSessions.id, regionId: bimtekSessions.regionId })
      .from(bimtekSessions)
      .where(eq(bimtekSessions.code, $('code'))),
  )
  // Seats taken or promised: confirmed registrations plus open waiting-list offers.
  const held = prepared(
    db
      .select({ n: count() })
      .from(registrations)
      .where(and(eq(registrations.sessionId, $('id')), inArray(registrations.status, ['confirmed', 'offered']))),
  )
  const insert = prepared(db.insert(bimtekSessions).values(fields))
  const update = prepared(
    db
      .update(bimtekSessions)
      // drizzle's types leave placeholders out of set(), though it binds them there as it does in values().
      .set({ ...fields, updatedAt: $('updatedAt') } as unknown as Partial<typeof bimtekSessions.$inferInsert>)
      .where(eq(bimtekSessions.id, $('id'))),
  )
  return {
    /** The session with this code: its id and the region that organises it. */
    byCode: async (code: string): Promise<{ id: number; regionId: number } | undefined> => await byCode.get({ code }),
    heldSeats: async (id: number): Promise<number> => (await held.get({ id }))?.n ?? 0,
    insert: async (row: SessionFields) => await insert.run(row),
    update: (id: number, row: SessionFields, at: Date) => update.run({ ...row, id, updatedAt: at }),
  }
}

const countStatus = (status: 'confirmed' | 'offered' | 'waitlisted') =>
  sql<number>`count(case when ${registrations.status} = ${status} then 1 end)`.mapWith(Number)

const summaryColumns = {
  id: bimtekSessions.id,
  code: bimtekSessions.code,
  title: bimtekSessions.title,
  targetGroup: bimtekSessions.targetGroup,
  regionCode: regions.code,
  regionName: regions.name,
  regionCity: regions.city,
  mode: bimtekSessions.mode,
  venue: bimtekSessions.venue,
  mapUrl: bimtekSessions.mapUrl,
  meetingUrl: bimtekSessions.meetingUrl,
  provinceCode: bimtekSessions.provinceCode,
  startsAt: bimtekSessions.startsAt,
  endsAt: bimtekSessions.endsAt,
  timeZone: bimtekSessions.timeZone,
  capacity: bimtekSessions.capacity,
  registrationOpensAt: bimtekSessions.registrationOpensAt,
  registrationClosesAt: bimtekSessions.registrationClosesAt,
  isDemo: bimtekSessions.isDemo,
  cancelledAt: bimtekSessions.cancelledAt,
  cancelReason: bimtekSessions.cancelReason,
  confirmed: countStatus('confirmed'),
  offered: countStatus('offered'),
  waitlisted: countStatus('waitlisted'),
}

function summaries(db: Db) {
  return db
    .select(summaryColumns)
    .from(bimtekSessions)
    .innerJoin(regions, eq(regions.id, bimtekSessions.regionId))
    .leftJoin(registrations, eq(registrations.sessionId, bimtekSessions.id))
    .groupBy(bimtekSessions.id, regions.id)
    .orderBy(asc(bimtekSessions.startsAt), asc(bimtekSessions.id))
    .$dynamic()
}

export type SessionSummary = Awaited<ReturnType<ReturnType<typeof summaries>['all']>>[number]

/**
 * Sessions by start time with their region and seat counts; with `endingAfter`, only those not
 * over by then; with `regionId`, only that region's.
 */
export async function listSessions(db: Db, options: { endingAfter?: Date; regionId?: number } = {}): Promise<SessionSummary[]> {
  const conditions = [
    options.endingAfter && gte(bimtekSessions.endsAt, options.endingAfter),
    options.regionId !== undefined && eq(bimtekSessions.regionId, options.regionId),
  ].filter((condition) => condition !== undefined && condition !== false)
  return await summaries(db).where(and(...conditions))
}

export async function findSessionSummary(db: Db, id: number): Promise<SessionSummary | undefined> {
  return await first(summaries(db).where(eq(bimtekSessions.id, id)))
}

export async function findSessionSummaryByCode(db: Db, code: string): Promise<SessionSummary | undefined> {
  return await first(summaries(db).where(eq(bimtekSessions.code, code)))
}

export type SessionRegistration = {
  code: string
  status: (typeof registrations.$inferSelect)['status']
  /** 1 for the first in line; null unless waitlisted. */
  waitlistPosition: number | null
  fullName: string
  phoneE164: string | null
  professionGroup: string | null
  institution: string | null
  provinceCode: string | null
  /** When the secretariat marked them present (null: not marked, or marked absent). */
  attendedAt: Date | null
  createdAt: Date
}

const STATUS_ORDER = { confirmed: 0, offered: 1, waitlisted: 2, cancelled: 3 } as const

/**
 * Who registered for a session: confirmed, offered, the waiting list in join order, then cancelled.
 * Holds what the secretariat needs to contact people, never their NIK or birth date.
 */
export async function listSessionRegistrations(db: Db, sessionId: number): Promise<SessionRegistration[]> {
  const rows = await db
    .select({
      id: registrations.id,
      code: registrations.code,
      status: registrations.status,
      waitlistedAt: registrations.waitlistedAt,
      attendedAt: registrations.attendedAt,
      createdAt: registrations.createdAt,
      fullName: people.fullName,
      phoneE164: people.phoneE164,
      professionGroup: people.professionGroup,
      institution: people.institution,
      provinceCode: people.provinceCode,
    })
    .from(registrations)
    .innerJoin(people, eq(people.id, registrations.personId))
    .where(eq(registrations.sessionId, sessionId))
  // The waiting list is served by waitlisted_at, ties by id; the others are listed as they came.
  const joined = (row: (typeof rows)[number]) =>
    row.status === 'waitlisted' ? (row.waitlistedAt ?? row.createdAt) : row.createdAt
  rows.sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || joined(a).getTime() - joined(b).getTime() || a.id - b.id)
  let position = 0
  return rows.map(({ id: _id, waitlistedAt: _waitlistedAt, ...row }) => ({
    ...row,
    waitlistPosition: row.status === 'waitlisted' ? ++position : null,
  }))
}
