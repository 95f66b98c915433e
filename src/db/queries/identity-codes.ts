/** One-time codes that prove a claim: kept as a keyed hash, one usable code per person at a time. */
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm'
import type { Channel } from '../../vocabulary/message.js'
import type { Db } from '../client.js'
import { first } from '../client.js'
import { identityCodes } from '../schema.js'

export type IdentityCodeRow = typeof identityCodes.$inferSelect

/** The person's code that can still be used at `now` (not used, not expired, tries left), if any. */
export async function usableCode(db: Db, personId: number, now: Date, maxTries: number): Promise<IdentityCodeRow | undefined> {
  return await first(
    db
      .select()
      .from(identityCodes)
      .where(
        and(
          eq(identityCodes.personId, personId),
          isNull(identityCodes.usedAt),
          gt(identityCodes.expiresAt, now),
          lt(identityCodes.tries, maxTries),
        ),
      )
      .orderBy(desc(identityCodes.id)),
  )
}

export async function insertCode(
  db: Db,
  code: { personId: number; channel: Channel; chatId: string; codeHash: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.insert(identityCodes).values(code)
}

/** Counts one wrong try against a code. */
export async function countCodeTry(db: Db, id: number): Promise<void> {
  await db
    .update(identityCodes)
    .set({ tries: sql`${identityCodes.tries} + 1` })
    .where(eq(identityCodes.id, id))
}

/** Spends a code: it cannot be used again. */
export async function spendCode(db: Db, id: number, at: Date): Promise<void> {
  await db.update(identityCodes).set({ usedAt: at }).where(eq(identityCodes.id, id))
}
