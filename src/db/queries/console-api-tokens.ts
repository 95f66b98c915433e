/** Per-staff API tokens (src/core/console/api-tokens.ts): only their SHA-256 is stored. */
import { and, desc, eq, isNull } from 'drizzle-orm'
import type { Db } from '../client.js'
import { staff, staffApiTokens } from '../schema.js'

export type ApiTokenRow = typeof staffApiTokens.$inferSelect

export type NewApiToken = { staffId: number; name: string; tokenHash: string; at: Date; expiresAt: Date | null }

/** Stores a token's hash; returns its id. */
export function insertApiToken(db: Db, token: NewApiToken): number {
  const { at, ...row } = token
  const inserted = db
    .insert(staffApiTokens)
    .values({ ...row, createdAt: at })
    .returning({ id: staffApiTokens.id })
    .get()
  return inserted.id
}

/** One staff member's tokens, newest first (revoked ones too: when they stopped working shows). */
export const apiTokensOf = (db: Db, staffId: number): ApiTokenRow[] =>
  db
    .select()
    .from(staffApiTokens)
    .where(eq(staffApiTokens.staffId, staffId))
    .orderBy(desc(staffApiTokens.createdAt), desc(staffApiTokens.id))
    .all()

export const apiTokenById = (db: Db, id: number): ApiTokenRow | undefined =>
  db.select().from(staffApiTokens).where(eq(staffApiTokens.id, id)).get()

/** The token with this hash and its staff member. */
export function apiTokenWithStaff(db: Db, tokenHash: string) {
  return db
    .select({ token: staffApiTokens, staff })
    .from(staffApiTokens)
    .innerJoin(staff, eq(staff.id, staffApiTokens.staffId))
    .where(eq(staffApiTokens.tokenHash, tokenHash))
    .get()
}

/** Marks a token revoked; false when it already was (or does not exist). */
export const revokeApiTokenRow = (db: Db, id: number, at: Date): boolean =>
  db
    .update(staffApiTokens)
    .set({ revokedAt: at })
    .where(and(eq(staffApiTokens.id, id), isNull(staffApiTokens.revokedAt)))
    .run().changes === 1

export function touchApiToken(db: Db, id: number, at: Date): void {
  db.update(staffApiTokens).set({ lastUsedAt: at }).where(eq(staffApiTokens.id, id)).run()
}
