/**
 * The retention job: deletes what has been kept as long as promised (docs/privacy.md, "How long it
 * is kept"), every night from the server and on demand from the CLI (`retention run [--dry-run]`).
 */
import type { Db } from '../../db/client.js'
import { countExpired, purgeExpired, RETENTION_RULES, type RetentionRule } from '../../db/queries/retention.js'
import { transaction } from '../../db/store.js'

/** Days each kind of row is kept (RETENTION_* settings). */
export type RetentionPeriods = {
  /** Outbox rows sent, skipped or cancelled. */
  outboxDays: number
  /** Outbox rows that failed or whose outcome is unknown (undelivered replies hold the text of the answer). */
  outboxFailedDays: number
  /** Identity attempts, and one-time codes counted from their expiry; console sessions and links too. */
  identityAttemptsDays: number
  /** Chat accounts and conversations linked to nobody, counted from their last message. */
  chatDays: number
  auditDays: number
  /** The per-person report of a finished announcement (its totals stay with the announcement). */
  announcementDays: number
}

export type RetentionCounts = Record<RetentionRule, number>

const DAY = 86_400_000
/** Rows deleted per write transaction: a few milliseconds of write lock each. */
const BATCH = 2_000

/** The period each kind of row is kept for; null: the row carries its own expiry, deleted once it has passed. */
export const PERIOD_OF: Record<RetentionRule, keyof RetentionPeriods | null> = {
  outboxDone: 'outboxDays',
  outboxFailed: 'outboxFailedDays',
  identityAttempts: 'identityAttemptsDays',
  identityCodes: 'identityAttemptsDays',
  chatAccounts: 'chatDays',
  conversations: 'chatDays',
  staffSessions: 'identityAttemptsDays',
  staffLinks: 'identityAttemptsDays',
  announcementRecipients: 'announcementDays',
  announcements: 'auditDays',
  auditEntries: 'auditDays',
  pendingImports: null,
}

/** The moment before which each kind of row has been kept long enough, at `now`. */
export function retentionCutoffs(now: Date, periods: RetentionPeriods): Record<RetentionRule, Date> {
  const rules = Object.keys(RETENTION_RULES) as RetentionRule[]
  const days = (rule: RetentionRule) => {
    const period = PERIOD_OF[rule]
    return period === null ? 0 : periods[period]
  }
  return Object.fromEntries(rules.map((rule) => [rule, new Date(now.getTime() - days(rule) * DAY)])) as Record<
    RetentionRule,
    Date
  >
}

/**
 * Deletes every row kept longer than its period at `now` (`dryRun`: only counts them); returns the
 * count per kind. Batches are separate transactions with a pause between them, so messages keep
 * being answered during a large first run.
 */
export async function runRetention(
  db: Db,
  now: Date,
  periods: RetentionPeriods,
  options: { dryRun?: boolean } = {},
): Promise<RetentionCounts> {
  const cutoffs = retentionCutoffs(now, periods)
  const counts = {} as RetentionCounts
  for (const rule of Object.keys(cutoffs) as RetentionRule[]) {
    if (options.dryRun) {
      counts[rule] = await countExpired(db, rule, cutoffs[rule])
      continue
    }
    counts[rule] = 0
    for (;;) {
      const deleted = await transaction(db, (tx) => purgeExpired(tx, rule, cutoffs[rule], BATCH))
      counts[rule] += deleted
      if (deleted < BATCH) break
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  return counts
}
