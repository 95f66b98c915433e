/**
 * What the retention periods delete (docs/privacy.md, "How long it is kept"): one rule per kind of
 * row, each a condition on the row's age. Rows go in small batches, so a first run on a large
 * database never holds the write lock for long.
 */
import { changed, type Db, statement } from '../client.js'

/** The kinds of rows with a retention period, in the order they are purged. */
export const RETENTION_RULES = {
  /** Outbox rows done with: sent, sent late, skipped or cancelled (their text included). */
  outboxDone: {
    table: 'outbox',
    where: `status IN ('sent', 'late', 'skipped', 'cancelled') AND updated_at < :cutoff`,
  },
  /**
   * Outbox rows that failed for good, replies that could not be delivered among them, and those whose
   * outcome is unknown (the server stopped while sending): kept as long, for staff to check and resend.
   */
  outboxFailed: { table: 'outbox', where: `status IN ('failed', 'unknown') AND updated_at < :cutoff` },
  identityAttempts: { table: 'identity_attempts', where: 'at < :cutoff' },
  /** One-time codes (a keyed hash each), expired since the cutoff: useless ten minutes after they were sent. */
  identityCodes: { table: 'identity_codes', where: 'expires_at < :cutoff' },
  /**
   * Chat accounts linked to nobody (never linked, unlinked, or their link ended before the cutoff:
   * a link without an end date was made by the old, weaker proof and counts as ended), silent since the cutoff.
   */
  chatAccounts: {
    table: 'channel_identities',
    where: `(person_id IS NULL OR link_expires_at IS NULL OR link_expires_at < :cutoff) AND updated_at < :cutoff AND NOT EXISTS (
      SELECT 1 FROM conversation_states c
      WHERE c.channel = channel_identities.channel AND c.chat_id = channel_identities.chat_id AND c.updated_at >= :cutoff)`,
  },
  /** Conversations of chats linked to nobody, silent since the cutoff (the language, the menu last shown). */
  conversations: {
    table: 'conversation_states',
    where: `updated_at < :cutoff AND NOT EXISTS (
      SELECT 1 FROM channel_identities i
      WHERE i.channel = conversation_states.channel AND i.chat_id = conversation_states.chat_id
        AND i.person_id IS NOT NULL AND i.link_expires_at >= :cutoff)`,
  },
  /** Console sessions unused since the cutoff (over after 30 minutes idle anyway; only their times remain). */
  staffSessions: { table: 'staff_sessions', where: 'last_seen_at < :cutoff' },
  /** One-time console links (a SHA-256 each), expired since the cutoff, used or not. */
  staffLinks: { table: 'staff_links', where: 'expires_at < :cutoff' },
  /** The per-person report of announcements finished (done or cancelled) before the cutoff; their frozen totals stay. */
  announcementRecipients: {
    table: 'announcement_recipients',
    where: `announcement_id IN (SELECT id FROM announcements WHERE status IN ('done', 'cancelled') AND finished_at < :cutoff)`,
  },
  /** Announcements themselves (texts, criteria, frozen totals), finished before the cutoff; drafts never sent, from their creation. */
  announcements: {
    table: 'announcements',
    where: `(status IN ('done', 'cancelled') AND finished_at < :cutoff) OR (status = 'draft' AND updated_at < :cutoff)`,
  },
  auditEntries: { table: 'audit_log', where: 'at < :cutoff' },
  /** Files uploaded on the console's Impor data page and never confirmed: past their own expiry (an hour). */
  pendingImports: { table: 'pending_imports', where: 'expires_at < :cutoff' },
} as const

export type RetentionRule = keyof typeof RETENTION_RULES

/** How many rows of `rule` are older than `cutoff`. */
export async function countExpired(db: Db, rule: RetentionRule, cutoff: Date): Promise<number> {
  const { table, where } = RETENTION_RULES[rule]
  return (
    (await statement(db, `SELECT count(*) AS n FROM ${table} WHERE ${where}`).get({ cutoff: cutoff.getTime() })) as { n: number }
  ).n
}

/** Deletes up to `limit` rows of `rule` older than `cutoff`; returns how many. */
export async function purgeExpired(db: Db, rule: RetentionRule, cutoff: Date, limit: number): Promise<number> {
  const { table, where } = RETENTION_RULES[rule]
  return changed(
    await statement(db, `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT :limit)`).run({
      cutoff: cutoff.getTime(),
      limit,
    }),
  )
}
