/** Staff accounts, their sessions, one-time links and failed sign-ins (the console's sign-in, docs/console.md). */
import { and, asc, count, eq, gte, isNull, lt, ne, or, sql } from 'drizzle-orm'
import type { RegionCode, StaffRole, StaffStatus } from '../../vocabulary/staff.js'
import type { Db } from '../client.js'
import { auditLog, signInFailures, staff, staffLinks, staffSessions } from '../schema.js'
import { writeAudit } from './audit.js'

export type StaffRow = typeof staff.$inferSelect
export type LinkPurpose = (typeof staffLinks.$inferSelect)['purpose']

export type NewStaff = { name: string; email: string; role: StaffRole; region: RegionCode | null; at: Date }

/** The new account's id; undefined when the e-mail (in lower case) is taken. */
export function insertStaff(db: Db, account: NewStaff): number | undefined {
  const { at, ...row } = account
  const inserted = db
    .insert(staff)
    .values({ ...row, email: row.email.toLowerCase(), createdAt: at, updatedAt: at })
    .onConflictDoNothing({ target: staff.email })
    .returning({ id: staff.id })
    .all()
  return inserted[0]?.id
}

export const staffByEmail = (db: Db, email: string): StaffRow | undefined =>
  db.select().from(staff).where(eq(staff.email, email.trim().toLowerCase())).get()

export const staffById = (db: Db, id: number): StaffRow | undefined => db.select().from(staff).where(eq(staff.id, id)).get()

export const listStaff = (db: Db): StaffRow[] => db.select().from(staff).orderBy(asc(staff.email)).all()

export const countStaff = (db: Db): number => db.select({ n: count() }).from(staff).get()?.n ?? 0

export function setStaffStatus(db: Db, id: number, status: StaffStatus, at: Date): void {
  db.update(staff).set({ status, updatedAt: at }).where(eq(staff.id, id)).run()
}

export function setStaffRole(db: Db, id: number, role: StaffRole, region: RegionCode | null, at: Date): void {
  db.update(staff).set({ role, region, updatedAt: at }).where(eq(staff.id, id)).run()
}

/** Each account's latest sign-in (from the audit log), by staff id. */
export function lastSignIns(db: Db): Map<number, Date> {
  const rows = db
    .select({ id: auditLog.entityId, at: sql<number>`max(${auditLog.at})` })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'staff.signed_in'), eq(auditLog.entity, 'staff')))
    .groupBy(auditLog.entityId)
    .all()
  return new Map(rows.map((r) => [Number(r.id), new Date(r.at)]))
}

export function setPasswordHash(db: Db, id: number, passwordHash: string, at: Date): void {
  db.update(staff).set({ passwordHash, updatedAt: at }).where(eq(staff.id, id)).run()
}

/** Keeps a new TOTP secret (sealed), not yet in force: enrolment is confirmed with a code from it. */
export function setPendingTotp(db: Db, id: number, sealedSecret: string, at: Date): void {
  db.update(staff)
    .set({ totpSecret: sealedSecret, totpEnabledAt: null, totpLastStep: null, updatedAt: at })
    .where(eq(staff.id, id))
    .run()
}

/** Turns two-factor off (a lost authenticator): the account signs in with its password alone until it enrols again. */
export function clearTotp(db: Db, id: number, at: Date): void {
  db.update(staff).set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: at }).where(eq(staff.id, id)).run()
}

export function enableTotp(db: Db, id: number, step: number, at: Date): void {
  db.update(staff).set({ totpEnabledAt: at, totpLastStep: step, updatedAt: at }).where(eq(staff.id, id)).run()
}

/** Records that the code of time step `step` was used; false when it (or a later one) was already. */
export function takeTotpStep(db: Db, id: number, step: number): boolean {
  return (
    db
      .update(staff)
      .set({ totpLastStep: step })
      .where(and(eq(staff.id, id), or(isNull(staff.totpLastStep), lt(staff.totpLastStep, step))))
      .run().changes === 1
  )
}

export function insertSession(db: Db, idHash: string, staffId: number, at: Date): void {
  db.insert(staffSessions).values({ idHash, staffId, createdAt: at, lastSeenAt: at }).run()
}

/** The session and its staff member. */
export function sessionWithStaff(db: Db, idHash: string) {
  return db
    .select({ session: staffSessions, staff })
    .from(staffSessions)
    .innerJoin(staff, eq(staff.id, staffSessions.staffId))
    .where(eq(staffSessions.idHash, idHash))
    .get()
}

export function touchSession(db: Db, idHash: string, at: Date): void {
  db.update(staffSessions).set({ lastSeenAt: at }).where(eq(staffSessions.idHash, idHash)).run()
}

export function deleteSession(db: Db, idHash: string): void {
  db.delete(staffSessions).where(eq(staffSessions.idHash, idHash)).run()
}

/** Ends every session of one staff member; returns how many. */
export const deleteSessionsOf = (db: Db, staffId: number): number =>
  db.delete(staffSessions).where(eq(staffSessions.staffId, staffId)).run().changes

/** Removes the sessions last seen before `before` (idle too long: they can never be used again). */
export function deleteIdleSessions(db: Db, before: Date): void {
  db.delete(staffSessions).where(lt(staffSessions.lastSeenAt, before)).run()
}

export type NewLink = { tokenHash: string; purpose: LinkPurpose; staffId: number | null; at: Date; expiresAt: Date }

/**
 * Stores a link; the earlier unused links for the same account (or first admin) stop working. A
 * Telegram link code and a password link live side by side: neither cancels the other.
 */
export function insertLink(db: Db, link: NewLink): void {
  const same = link.staffId === null ? eq(staffLinks.purpose, 'first-admin') : eq(staffLinks.staffId, link.staffId)
  const kind = link.purpose === 'telegram' ? eq(staffLinks.purpose, 'telegram') : ne(staffLinks.purpose, 'telegram')
  db.delete(staffLinks)
    .where(and(same, kind, isNull(staffLinks.usedAt)))
    .run()
  const { at, ...row } = link
  db.insert(staffLinks)
    .values({ ...row, createdAt: at })
    .run()
}

/** The link with this token hash, if it is unused and not expired at `at`. */
export function usableLink(db: Db, tokenHash: string, at: Date) {
  return db
    .select()
    .from(staffLinks)
    .where(and(eq(staffLinks.tokenHash, tokenHash), isNull(staffLinks.usedAt), gte(staffLinks.expiresAt, at)))
    .get()
}

/** Marks a link used; false when it was used meanwhile. */
export const useLink = (db: Db, id: number, at: Date): boolean =>
  db
    .update(staffLinks)
    .set({ usedAt: at })
    .where(and(eq(staffLinks.id, id), isNull(staffLinks.usedAt)))
    .run().changes === 1

/** Counts a failed sign-in for each subject; rows older than `forgetBefore` go. */
export function recordSignInFailure(db: Db, subjects: string[], at: Date, forgetBefore: Date): void {
  db.delete(signInFailures).where(lt(signInFailures.at, forgetBefore)).run()
  for (const subject of subjects) db.insert(signInFailures).values({ subject, at }).run()
}

/** Failures of `subject` since `since`, and the earliest of them (when the window frees a slot). */
export function signInFailuresSince(db: Db, subject: string, since: Date): { count: number; first: Date | null } {
  const row = db
    .select({ count: count(), first: sql<number | null>`min(${signInFailures.at})` })
    .from(signInFailures)
    .where(and(eq(signInFailures.subject, subject), gte(signInFailures.at, since)))
    .get()
  return { count: row?.count ?? 0, first: row?.first == null ? null : new Date(row.first) }
}

export function clearSignInFailures(db: Db, subject: string): void {
  db.delete(signInFailures).where(eq(signInFailures.subject, subject)).run()
}

export type StaffAudit = { at: Date; actor: string; action: string; entityId?: number; details?: Record<string, unknown> }

/** One audit entry about a staff account (entity `staff`). */
export function auditStaff(db: Db, entry: StaffAudit): void {
  writeAudit(db, {
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entityId === undefined ? null : 'staff',
    entityId: entry.entityId === undefined ? null : String(entry.entityId),
    details: entry.details,
  })
}
