/** The daily budget of name checks per certificate (see `nameChecks` in the schema). */
import { lt, sql } from 'drizzle-orm'
import type { Db } from '../client.js'
import { nameChecks } from '../schema.js'

/**
 * Counts one name check of certificate `number` on `day` (YYYY-MM-DD) unless `limit` were used
 * already: true when it may be answered. Rows of earlier days are removed in the same write.
 */
export function takeNameCheck(db: Db, number: string, day: string, limit: number): boolean {
  return db.transaction(
    (tx) => {
      tx.delete(nameChecks).where(lt(nameChecks.day, day)).run()
      const counted = tx
        .insert(nameChecks)
        .values({ number, day, count: 1 })
        .onConflictDoUpdate({
          target: [nameChecks.number, nameChecks.day],
          set: { count: sql`${nameChecks.count} + 1` },
          setWhere: sql`${nameChecks.count} < ${limit}`,
        })
        .returning({ count: nameChecks.count })
        .all()
      return counted.length > 0
    },
    { behavior: 'immediate' },
  )
}
