/** The daily budget of name checks per certificate (see `nameChecks` in the schema). */

import { lt, sql } from 'drizzle-orm'
import type { Db } from '../client.js'
import { nameChecks } from '../schema.js'
import { transaction } from '../store.js'

/**
 * Counts one name check of certificate `number` on `day` (YYYY-MM-DD) unless `limit` were used
 * already: true when it may be answered. Rows of earlier days are removed in the same write.
 */
export async function takeNameCheck(db: Db, number: string, day: string, limit: number): Promise<boolean> {
  return await transaction(db, async (tx) => {
    await tx.delete(nameChecks).where(lt(nameChecks.day, day))
    const counted = await tx
      .insert(nameChecks)
      .values({ number, day, count: 1 })
      .onConflictDoUpdate({
        target: [nameChecks.number, nameChecks.day],
        set: { count: sql`${nameChecks.count} + 1` },
        setWhere: sql`${nameChecks.count} < ${limit}`,
      })
      .returning({ count: nameChecks.count })
    return counted.length > 0
  })
}
