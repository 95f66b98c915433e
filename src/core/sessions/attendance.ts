/**
 * Attendance at a Bimtek session, as the secretariat marks it on the session's page: hadir sets
 * `registrations.attended_at`, tidak hadir clears it. Only a confirmed registration of a session
 * that has begun can be marked. Audited with the staff member.
 */
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { registrationInSession, setAttendedAt } from '../../db/queries/registrations.js'
import { sessionById } from '../../db/queries/sessions.js'
import { transaction } from '../../db/store.js'

export type AttendanceResult = { ok: true } | { ok: false; error: 'NOT_FOUND' | 'NOT_STARTED' | 'NOT_CONFIRMED'; message: string }

/** Marks the registration `code` of session `sessionId` present (`attended`) or absent. */
export async function markAttendance(
  db: Db,
  input: { sessionId: number; code: string; attended: boolean; actor: string; now: Date },
): Promise<AttendanceResult> {
  const { now } = input
  return await transaction(db, async (tx): Promise<AttendanceResult> => {
    const session = await sessionById(tx, input.sessionId)
    const registration = await registrationInSession(tx, input.sessionId, input.code)
    if (!session || !registration) return { ok: false, error: 'NOT_FOUND', message: 'Pendaftaran tidak ditemukan di sesi ini.' }
    if (session.startsAt > now)
      return { ok: false, error: 'NOT_STARTED', message: 'Kehadiran dapat dicatat setelah sesi dimulai.' }
    if (registration.status !== 'confirmed')
      return { ok: false, error: 'NOT_CONFIRMED', message: 'Hanya peserta terkonfirmasi yang dicatat kehadirannya.' }
    await setAttendedAt(tx, registration.id, input.attended ? now : null, now)
    await writeAudit(tx, {
      at: now,
      actor: input.actor,
      action: input.attended ? 'registration.attended' : 'registration.absent',
      entity: 'registration',
      entityId: registration.code,
      details: { session: session.code },
    })
    return { ok: true }
  })
}
