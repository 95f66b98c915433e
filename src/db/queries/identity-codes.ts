/** One-time codes that prove a claim: kept as a keyed hash, one usable code per person at a time. */
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm'
import type { Channel } from '../../vocabulary/message.js'
import type { Db } from '../client.js'
import { identityCodes } from '../schema.js'

export type IdentityCodeRow = typeof identityCodes.$inferSelect

/** The person's code that can still be used at `now` (not used, not expired, tries left), if any. */
export function usableCode(db: Db, personId: number, now: Date, maxTries: number): IdentityCodeRow | undefined {
  return db
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
    .orderBy(desc(identityCodes.id))
    .get()
}

export function insertCode(
  db: Db,
  code: { personId: number; channel: Channel; chatId: string; codeHash: string; createdAt: Date; expiresAt: Date },
): void {
  db.insert(identityCodes).values(code).run()
}

/** Counts one wrong try against a code. */
export function countCodeTry(db: Db, id: number): void {
  db.update(identityCodes)
    .set({ tries: sql`${identityCodes.tries} + 1` })
    .where(eq(identityCodes.id, id))
    .run()
}

/** Spends a code: it cannot be used again. */
export function spendCode(db: Db, id: number, at: Date): void {
  db.update(identityCodes).set({ usedAt: at }).where(eq(identityCodes.id, id)).run()
}
