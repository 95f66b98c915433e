/**
 * How many failed proofs are allowed: MAX_FAILURES within an hour lock the chat, and also the
 * claimed NIK or code from every chat (so many chats cannot take turns on one person), for an hour
 * from the last failure. What is claimed is counted by a keyed hash, whether or not it is on
 * record, so a lock tells nothing about the record either.
 */
import { failuresSince, recordAttempt, subjectFailuresSince } from '../../db/queries/people.js'
import { fill, t } from '../messages.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { formatLocalTime } from '../regions.js'
import type { TurnContext } from '../turn.js'
import type { Reply, Text } from '../types.js'

export const MAX_FAILURES = 5
export const LOCK_MS = 60 * 60_000

const texts = {
  chatLocked: {
    id: 'Terlalu banyak percobaan yang tidak cocok dari chat ini. Demi keamanan data, Anda dapat mencoba lagi setelah pukul {time}. Butuh bantuan? Ketik "petugas".',
    en: 'Too many attempts that did not match from this chat. For the safety of your data, you can try again after {time}. Need help? Type "petugas".',
  },
  subjectLocked: {
    id: 'Terlalu banyak percobaan yang tidak cocok untuk data ini. Demi keamanan data, Anda dapat mencoba lagi setelah pukul {time}. Butuh bantuan? Ketik "petugas".',
    en: 'Too many attempts that did not match for this record. For the safety of your data, you can try again after {time}. Need help? Type "petugas".',
  },
} satisfies Record<string, Text>

/** What was claimed: a NIK (by its lookup hash), a registration code, or a person already known. */
export type Claimed = { nikHash: string } | { code: string } | { personId: number }

/** The keyed, shortened hash an attempt is counted under; never the NIK or code itself. */
export function subjectOf(vault: NikVault, claimed: Claimed): string {
  const key =
    'nikHash' in claimed ? `nik:${claimed.nikHash}` : 'code' in claimed ? `code:${claimed.code}` : `person:${claimed.personId}`
  return vault.hash(`identity-attempt:${key}`).slice(0, 32)
}

/**
 * The end of a lock by these failures (newest first), if it still holds: the latest failure is
 * less than LOCK_MS old and closed a run of MAX_FAILURES within LOCK_MS before it. (Counting only
 * the last hour would end the lock when the first of the run turned an hour old.)
 */
function lockEnd(failures: Date[], now: Date): Date | undefined {
  const latest = failures[0]
  if (!latest || latest.getTime() + LOCK_MS <= now.getTime()) return undefined
  const run = failures.filter((at) => at.getTime() >= latest.getTime() - LOCK_MS).length
  return run >= MAX_FAILURES ? new Date(latest.getTime() + LOCK_MS) : undefined
}

export type Lock = { until: Date; by: 'chat' | 'subject' }

/** The lock on this chat, or on the claimed subject, if either holds. */
export async function lockOf(ctx: TurnContext, subject?: string): Promise<Lock | undefined> {
  const since = new Date(ctx.now.getTime() - 2 * LOCK_MS)
  const chat = lockEnd(await failuresSince(ctx.db, ctx.inbound.channel, ctx.inbound.chatId, since), ctx.now)
  if (chat) return { until: chat, by: 'chat' }
  const bySubject = subject ? lockEnd(await subjectFailuresSince(ctx.db, subject, since), ctx.now) : undefined
  return bySubject ? { until: bySubject, by: 'subject' } : undefined
}

export function lockedReply(ctx: TurnContext, lock: Lock): Reply {
  const text = lock.by === 'chat' ? texts.chatLocked : texts.subjectLocked
  return { text: fill(t(ctx.lang, text), { time: formatLocalTime(lock.until, 'Asia/Jakarta') }) }
}

/** Tries left before a lock, counting the chat's and the subject's failures of the last hour. */
export async function triesLeft(ctx: TurnContext, subject?: string): Promise<number> {
  const since = new Date(ctx.now.getTime() - LOCK_MS)
  const chat = (await failuresSince(ctx.db, ctx.inbound.channel, ctx.inbound.chatId, since)).length
  const bySubject = subject ? (await subjectFailuresSince(ctx.db, subject, since)).length : 0
  return Math.max(0, MAX_FAILURES - Math.max(chat, bySubject))
}

/** Whether the chat failed a proof within the last hour. */
export async function failedRecently(ctx: TurnContext): Promise<boolean> {
  return (await failuresSince(ctx.db, ctx.inbound.channel, ctx.inbound.chatId, new Date(ctx.now.getTime() - LOCK_MS))).length > 0
}

export async function countAttempt(ctx: TurnContext, succeeded: boolean, subject?: string): Promise<void> {
  const { channel, chatId } = ctx.inbound
  await recordAttempt(ctx.db, { channel, chatId, at: ctx.now, succeeded, subject })
}
