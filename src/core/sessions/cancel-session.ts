/**
 * The secretariat cancels a Bimtek session (console, "Sesi Bimtek"): the session is marked cancelled
 * (no longer offered in the chat), every registration still standing (confirmed, offered, waiting) is
 * cancelled, each registrant is told through the outbox in their chat's language with the time in
 * their zone, and their reminders still waiting are cancelled. One transaction: all of it or nothing.
 */
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { queueForPerson } from '../../db/queries/outbox.js'
import { personZone } from '../../db/queries/people.js'
import { cancelRegistrationsOfSession } from '../../db/queries/registrations.js'
import { markSessionCancelled, sessionById } from '../../db/queries/sessions.js'
import { transaction } from '../../db/store.js'
import { fill, t } from '../messages.js'
import { when } from '../registration/format.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import type { Text } from '../types.js'

/** Longest reason kept (it is sent to every registrant). */
export const MAX_CANCEL_REASON = 500

const texts = {
  cancelled: {
    id: '⚠️ Sesi Bimtek dibatalkan oleh penyelenggara.\n\n*{title}*\n🗓 {when}\n\nAlasan: {reason}\n\nPendaftaran Anda ({code}) ikut dibatalkan. Mohon maaf atas ketidaknyamanannya. Ketik "jadwal" untuk melihat sesi lain.',
    en: '⚠️ The Bimtek session has been cancelled by the organisers.\n\n*{title}*\n🗓 {when}\n\nReason: {reason}\n\nYour registration ({code}) is cancelled with it. We apologise for the inconvenience. Type "jadwal" to see other sessions.',
  },
} satisfies Record<string, Text>

export type CancelSessionResult =
  | { ok: true; registrations: number; messages: number }
  | { ok: false; error: 'NOT_FOUND' | 'ALREADY_CANCELLED' | 'STARTED' | 'BAD_REASON'; message: string }

/** Cancels a session that has not started, with a reason its registrants are told (see the module). */
export async function cancelSession(
  db: Db,
  sessionId: number,
  input: { reason: string; actor: string; now: Date; reminders: ReminderSettings },
): Promise<CancelSessionResult> {
  const reason = input.reason.replace(/\s+/g, ' ').trim()
  if (reason.length < 5 || reason.length > MAX_CANCEL_REASON)
    return {
      ok: false,
      error: 'BAD_REASON',
      message: `Tulis alasannya (5–${MAX_CANCEL_REASON} karakter); alasan ini dikirim ke setiap peserta.`,
    }
  const { now } = input
  return await transaction(db, async (tx): Promise<CancelSessionResult> => {
    const session = await sessionById(tx, sessionId)
    if (!session) return { ok: false, error: 'NOT_FOUND', message: 'Sesi tidak ditemukan.' }
    if (session.cancelledAt) return { ok: false, error: 'ALREADY_CANCELLED', message: 'Sesi ini sudah dibatalkan.' }
    if (session.startsAt <= now)
      return { ok: false, error: 'STARTED', message: 'Sesi ini sudah dimulai atau selesai, jadi tidak dapat dibatalkan lagi.' }
    await markSessionCancelled(tx, sessionId, reason, now)
    const standing = await cancelRegistrationsOfSession(tx, sessionId, now)
    let messages = 0
    for (const registration of standing) {
      const zone = await personZone(tx, registration.personId)
      messages += await queueForPerson(tx, {
        personId: registration.personId,
        kind: 'session_cancelled',
        key: `session-cancelled:${sessionId}:${registration.code}`,
        build: (lang) => ({
          text: fill(t(lang, texts.cancelled), {
            title: session.title,
            when: when(session, lang, zone),
            reason,
            code: registration.code,
          }),
        }),
        dueAt: now,
        // Pointless once the session would have started.
        expiresAt: session.startsAt,
      })
    }
    // Their registrations are cancelled: the reminders still waiting for this session go with them.
    if (standing.length > 0) await planReminders(tx, new Set(standing.map((r) => r.personId)), now, input.reminders)
    await writeAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'session.cancelled',
      entity: 'bimtek_session',
      entityId: session.code,
      details: { reason, registrations: standing.length, messages },
    })
    return { ok: true, registrations: standing.length, messages }
  })
}
