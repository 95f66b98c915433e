/** Staff accounts, their sessions, one-time links and failed sign-ins (the console's sign-in, docs/console.md). */
import { and, asc, count, eq, gte, isNull, lt, ne, or, sql } from 'drizzle-orm'
import type { RegionCode, StaffRole, StaffStatus } from '../../vocabulary/staff.js'
import { changed, type Db, first } from '../client.js'
import { auditLog, signInFailures, staff, staffLinks, staffSessions } from '../schema.js'
import { writeAudit } from './audit.js'

export type StaffRow = typeof staff.$inferSelect
export type LinkPurpose = (typeof staffLinks.$inferSelect)['purpose']

export type NewStaff = { name: string; email: string; role: StaffRole; region: RegionCode | null; at: Date }

/** The new account's id; undefined when the e-mail (in lower case) is taken. */
export async function insertStaff(db: Db, account: NewStaff): Promise<number | undefined> {
  const { at, ...row } = account
  const inserted = await db
    .insert(staff)
    .values({ ...row, email: row.email.toLowerCase(), createdAt: at, updatedAt: at })
    .onConflictDoNothing({ target: staff.email })
    .returning({ id: staff.id })
  return inserted[0]?.id
}

export const staffByEmail = async (db: Db, email: string): Promise<StaffRow | undefined> =>
  await first(db.select().from(staff).where(eq(staff.email, email.trim().toLowerCase())))

export const staffById = async (db: Db, id: number): Promise<StaffRow | undefined> =>
  await first(db.select().from(staff).where(eq(staff.id, id)))

export const listStaff = async (db: Db): Promise<StaffRow[]> => await db.select().from(staff).orderBy(asc(staff.email))

export const countStaff = async (db: Db): Promise<number> => (await first(db.select({ n: count() }).from(staff)))?.n ?? 0

export async function setStaffStatus(db: Db, id: number, status: StaffStatus, at: Date): Promise<void> {
  await db.update(staff).set({ status, updatedAt: at }).where(eq(staff.id, id))
}

export async function setStaffRole(db: Db, id: number, role: StaffRole, region: RegionCode | null, at: Date): Promise<void> {
  await db.update(staff).set({ role, region, updatedAt: at }).where(eq(staff.id, id))
}

/** Each account's latest sign-in (from the audit log), by staff id. */
export async function lastSignIns(db: Db): Promise<Map<number, Date>> {
  const rows = await db
    .select({ id: auditLog.entityId, at: sql<number>`max(${auditLog.at})` })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'staff.signed_in'), eq(auditLog.entity, 'staff')))
    .groupBy(auditLog.entityId)
  return new Map(rows.map((r) => [Number(r.id), new Date(r.at)]))
}

export async function setPasswordHash(db: Db, id: number, passwordHash: string, at: Date): Promise<void> {
  await db.update(staff).set({ passwordHash, updatedAt: at }).where(eq(staff.id, id))
}

/** Keeps a new TOTP secret (sealed), not yet in force: enrolment is confirmed with a code from it. */
/**
 * Keeps a secret to enrol for an account that has none yet; false when it already has one (two pages
 * loaded at once: the first one's secret stays, so the QR code it showed still confirms).
 */
export async function setPendingTotp(db: Db, id: number, sealedSecret: string, at: Date): Promise<boolean> {
  return (
    changed(
      await db
        .update(staff)
        .set({ totpSecret: sealedSecret, totpEnabledAt: null, totpLastStep: null, updatedAt: at })
        .where(and(eq(staff.id, id), isNull(staff.totpSecret), isNull(staff.totpEnabledAt))),
    ) === 1
  )
}

/** Turns two-factor off (a lost authenticator): the account signs in with its password alone until it enrols again. */
export async function clearTotp(db: Db, id: number, at: Date): Promise<void> {
  await db.update(staff).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: at }).where(eq(staff.id, id))
}

export async function enableTotp(db: Db, id: number, step: number, at: Date): Promise<void> {
  await db.update(staff).set({ totpEnabledAt: at, totpLastStep: step, updatedAt: at }).where(eq(staff.id, id))
}

/** Records that the code of time step `step` was used; false when it (or a later one) was already. */
export async function takeTotpStep(db: Db, id: number, step: number): Promise<boolean> {
  return (
    changed(
      await db
        .update(staff)
        .set({ totpLastStep: step })
        .where(and(eq(staff.id, id), or(isNull(staff.totpLastStep), lt(staff.totpLastStep, step)))),
    ) === 1
  )
}

export async function insertSession(db: Db, idHash: string, staffId: number, at: Date): Promise<void> {
  await db.insert(staffSessions).values({ idHash, staffId, createdAt: at, lastSeenAt: at })
}

/** The session and its staff member. */
export async function sessionWithStaff(db: Db, idHash: string) {
  return await first(
    db
      .select({ session: staffSessions, staff })
      .from(staffSessions)
      .innerJoin(staff, eq(staff.id, staffSessions.staffId))
      .where(eq(staffSessions.idHash, idHash)),
  )
}

export async function touchSession(db: Db, idHash: string, at: Date): Promise<void> {
  await db.update(staffSessions).set({ lastSeenAt: at }).where(eq(staffSessions.idHash, idHash))
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.idHash, idHash))
}

/** Ends every session of one staff member; returns how many. */
export const deleteSessionsOf = async (db: Db, staffId: number): Promise<number> =>
  changed(await db.delete(staffSessions).where(eq(staffSessions.staffId, staffId)))

/** Removes the sessions last seen before `before` (idle too long: they can never be used again). */
export async function deleteIdleSessions(db: Db, before: Date): Promise<void> {
  await db.delete(staffSessions).where(lt(staffSessions.lastSeenAt, before))
}

export type NewLink = { tokenHash: string; purpose: LinkPurpose; staffId: number | null; at: Date; expiresAt: Date }

/**
 * Stores a link; the earlier unused links for the same account (or first admin) stop working. A
 * Telegram link code and a password link live side by side: neither cancels the other.
 */
export async function insertLink(db: Db, link: NewLink): Promise<void> {
  const same = link.staffId === null ? eq(staffLinks.purpose, 'first-admin') : eq(staffLinks.staffId, link.staffId)
  const kind = link.purpose === 'telegram' ? eq(staffLinks.purpose, 'telegram') : ne(staffLinks.purpose, 'telegram')
  await db.delete(staffLinks).where(and(same, kind, isNull(staffLinks.usedAt)))
  const { at, ...row } = link
  await db.insert(staffLinks).values({ ...row, createdAt: at })
}

/** The link with this token hash, if it is unused and not expired at `at`. */
export async function usableLink(db: Db, tokenHash: string, at: Date) {
  return await first(
    db
      .select()
      .from(staffLinks)
      .where(and(eq(staffLinks.tokenHash, tokenHash), isNull(staffLinks.usedAt), gte(staffLinks.expiresAt, at))),
  )
}

/** Marks a link used; false when it was used meanwhile. */
export const useLink = async (db: Db, id: number, at: Date): Promise<boolean> =>
  changed(
    await db
      .update(staffLinks)
      .set({ usedAt: at })
      .where(and(eq(staffLinks.id, id), isNull(staffLinks.usedAt))),
  ) === 1

/** Counts a failed sign-in for each subject; rows older than `forgetBefore` go. */
export async function recordSignInFailure(db: Db, subjects: string[], at: Date, forgetBefore: Date): Promise<void> {
  await db.delete(signInFailures).where(lt(signInFailures.at, forgetBefore))
  for (const subject of subjects) await db.insert(signInFailures).values({ subject, at })
}

/** Failures of `subject` since `since`, and the earliest of them (when the window frees a slot). */
export async function signInFailuresSince(db: Db, subject: string, since: Date): Promise<{ count: number; first: Date | null }> {
  const row = await first(
    db
      .select({ count: count(), first: sql<number | null>`min(${signInFailures.at})` })
      .from(signInFailures)
      .where(and(eq(signInFailures.subject, subject), gte(signInFailures.at, since))),
  )
  return { count: row?.count ?? 0, first: row?.first == null ? null : new Date(row.first) }
}

export async function clearSignInFailures(db: Db, subject: string): Promise<void> {
  await db.delete(signInFailures).where(eq(signInFailures.subject, subject))
}

export type StaffAudit = { at: Date; actor: string; action: string; entityId?: number; details?: Record<string, unknown> }

/** One audit entry about a staff account (entity `staff`). */
export async function auditStaff(db: Db, entry: StaffAudit): Promise<void> {
  await writeAudit(db, {
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entityId === undefined ? null : 'staff',
    entityId: entry.entityId === undefined ? null : String(entry.entityId),
    details: entry.details,
  })
}
