/** Per-staff API tokens (src/core/console/api-tokens.ts): only their SHA-256 is stored. */
import { and, desc, eq, isNull } from 'drizzle-orm'
import { changed, type Db, first, written } from '../client.js'
import { staff, staffApiTokens } from '../schema.js'

export type ApiTokenRow = typeof staffApiTokens.$inferSelect

export type NewApiToken = { staffId: number; name: string; tokenHash: string; at: Date; expiresAt: Date | null }

/** Stores a token's hash; returns its id. */
export async function insertApiToken(db: Db, token: NewApiToken): Promise<number> {
  const { at, ...row } = token
  const inserted = written(
    await db
      .insert(staffApiTokens)
      .values({ ...row, createdAt: at })
      .returning({ id: staffApiTokens.id }),
  )
  return inserted.id
}

/** One staff member's tokens, newest first (revoked ones too: when they stopped working shows). */
export const apiTokensOf = async (db: Db, staffId: number): Promise<ApiTokenRow[]> =>
  await db
    .select()
    .from(staffApiTokens)
    .where(eq(staffApiTokens.staffId, staffId))
    .orderBy(desc(staffApiTokens.createdAt), desc(staffApiTokens.id))

export const apiTokenById = async (db: Db, id: number): Promise<ApiTokenRow | undefined> =>
  await first(db.select().from(staffApiTokens).where(eq(staffApiTokens.id, id)))

/** The token with this hash and its staff member. */
export async function apiTokenWithStaff(db: Db, tokenHash: string) {
  return await first(
    db
      .select({ token: staffApiTokens, staff })
      .from(staffApiTokens)
      .innerJoin(staff, eq(staff.id, staffApiTokens.staffId))
      .where(eq(staffApiTokens.tokenHash, tokenHash)),
  )
}

/** Marks a token revoked; false when it already was (or does not exist). */
export const revokeApiTokenRow = async (db: Db, id: number, at: Date): Promise<boolean> =>
  changed(
    await db
      .update(staffApiTokens)
      .set({ revokedAt: at })
      .where(and(eq(staffApiTokens.id, id), isNull(staffApiTokens.revokedAt))),
  ) === 1

export async function touchApiToken(db: Db, id: number, at: Date): Promise<void> {
  await db.update(staffApiTokens).set({ lastUsedAt: at }).where(eq(staffApiTokens.id, id))
}
