/**
 * Linking a staff member's Telegram account (docs/channels.md, "Grup staf Telegram"): the console
 * shows a 6-digit code, kept here only hashed as a `staff_links` row of purpose `telegram`, and
 * `/tautkan KODE` in a staff group uses it up and stores the Telegram user id on the account.
 */
import { createHash } from 'node:crypto'
import { and, eq, gte, isNull, lt, or, sql } from 'drizzle-orm'
import { changed, type Db, first } from '../client.js'
import { staff, staffLinks } from '../schema.js'
import { transaction } from '../store.js'
import { writeAudit } from './audit.js'
import { insertLink } from './console-staff.js'

/**
 * How a Telegram code is kept. The prefix keeps it apart from the password links' hashes (plain
 * SHA-256 hex), so no code can ever be opened as a set-password link.
 */
export const telegramCodeHash = (code: string): string => `telegram:${createHash('sha256').update(code).digest('hex')}`

/** The account's linked Telegram user, and when its unused code (if any) expires. */
export async function telegramLinkState(
  db: Db,
  staffId: number,
  at: Date,
): Promise<{ linked: boolean; codeExpiresAt: Date | null }> {
  const account = await first(db.select({ telegramUserId: staff.telegramUserId }).from(staff).where(eq(staff.id, staffId)))
  const code = await first(
    db
      .select({ expiresAt: staffLinks.expiresAt })
      .from(staffLinks)
      .where(
        and(
          eq(staffLinks.staffId, staffId),
          eq(staffLinks.purpose, 'telegram'),
          isNull(staffLinks.usedAt),
          gte(staffLinks.expiresAt, at),
        ),
      ),
  )
  return { linked: account?.telegramUserId != null, codeExpiresAt: code?.expiresAt ?? null }
}

/**
 * Stores a new code for the account (its earlier unused code stops working); false when another
 * account's live code has the same hash (the caller draws another code).
 */
export async function storeTelegramCode(db: Db, staffId: number, codeHash: string, at: Date, expiresAt: Date): Promise<boolean> {
  return await transaction(db, async (tx) => {
    // A spent or expired code with this hash is only history: it must not block the unique hash.
    await tx
      .delete(staffLinks)
      .where(and(eq(staffLinks.tokenHash, codeHash), or(sql`${staffLinks.usedAt} is not null`, lt(staffLinks.expiresAt, at))))
    const taken = await first(tx.select({ id: staffLinks.id }).from(staffLinks).where(eq(staffLinks.tokenHash, codeHash)))
    if (taken) return false
    await insertLink(tx, { tokenHash: codeHash, purpose: 'telegram', staffId, at, expiresAt })
    await writeAudit(tx, {
      at,
      actor: `staff:${staffId}`,
      action: 'staff.telegram_code',
      entity: 'staff',
      entityId: String(staffId),
    })
    return true
  })
}

export type LinkedStaff = { id: number; name: string; role: (typeof staff.$inferSelect)['role']; region: string | null }

/**
 * Uses up the code and links `telegramUserId` to its account (taking it from any other account it
 * was linked to). Undefined when the code is wrong, expired, used, or its account disabled.
 */
export async function redeemTelegramCode(
  db: Db,
  codeHash: string,
  telegramUserId: string,
  at: Date,
): Promise<LinkedStaff | undefined> {
  return await transaction(db, async (tx) => {
    const link = await first(
      tx
        .select()
        .from(staffLinks)
        .where(
          and(
            eq(staffLinks.tokenHash, codeHash),
            eq(staffLinks.purpose, 'telegram'),
            isNull(staffLinks.usedAt),
            gte(staffLinks.expiresAt, at),
          ),
        ),
    )
    if (!link || link.staffId === null) return undefined
    const account = await first(tx.select().from(staff).where(eq(staff.id, link.staffId)))
    if (account?.status !== 'active') return undefined
    await tx.update(staffLinks).set({ usedAt: at }).where(eq(staffLinks.id, link.id))
    await tx.update(staff).set({ telegramUserId: null, updatedAt: at }).where(eq(staff.telegramUserId, telegramUserId))
    await tx.update(staff).set({ telegramUserId, updatedAt: at }).where(eq(staff.id, account.id))
    await writeAudit(tx, {
      at,
      actor: `staff:${account.id}`,
      action: 'handoff.telegram_linked',
      entity: 'staff',
      entityId: String(account.id),
    })
    return { id: account.id, name: account.name, role: account.role, region: account.region }
  })
}

/** Unlinks the account's Telegram user (Putuskan); false when none was linked. */
export async function unlinkTelegram(db: Db, staffId: number, at: Date): Promise<boolean> {
  return await transaction(db, async (tx) => {
    const count =
      changed(
        await tx
          .update(staff)
          .set({ telegramUserId: null, updatedAt: at })
          .where(and(eq(staff.id, staffId), sql`${staff.telegramUserId} is not null`)),
      ) === 1
    if (count) {
      await writeAudit(tx, {
        at,
        actor: `staff:${staffId}`,
        action: 'handoff.telegram_unlinked',
        entity: 'staff',
        entityId: String(staffId),
      })
    }
    return count
  })
}
