/**
 * The secretariat moves a registrant to another session of the same region (console, "Sesi
 * Bimtek"). The registration keeps its code and goes with the person: a seat when the other session
 * has one free and nobody waiting for it, else the end of its waiting list (the person is told
 * either way). A seat it left is offered to the next person waiting, as when someone cancels in the
 * chat; the person's reminders are planned again. One transaction.
 */
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { queueForPerson } from '../../db/queries/outbox.js'
import { personZone } from '../../db/queries/people.js'
import {
  deleteRegistration,
  joinTime,
  moveRegistrationTo,
  offerNextSeat,
  registrationInSession,
  registrationOfPersonInSession,
  seatCounts,
  waitlistPosition,
} from '../../db/queries/registrations.js'
import { sessionById } from '../../db/queries/sessions.js'
import { transaction } from '../../db/store.js'
import { fill, t } from '../messages.js'
import { when, where } from '../registration/format.js'
import { queueOffer } from '../registration/seat-offers.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import type { Text } from '../types.js'

const texts = {
  movedConfirmed: {
    id: 'ℹ️ Petugas memindahkan pendaftaran Bimtek Anda ({code}) ke sesi lain. Kursi Anda sudah tersedia.\n\n*{title}*\n🗓 {when}\n📍 {where}\n\nKetik "registrasi saya" untuk melihat pendaftaran Anda.',
    en: 'ℹ️ The staff moved your Bimtek registration ({code}) to another session. Your seat is confirmed.\n\n*{title}*\n🗓 {when}\n📍 {where}\n\nType "registrasi saya" to see your registrations.',
  },
  movedWaiting: {
    id: 'ℹ️ Petugas memindahkan pendaftaran Bimtek Anda ({code}) ke sesi lain. Sesi itu penuh, jadi Anda masuk daftar tunggu (urutan ke-{position}); kami kabari bila ada kursi.\n\n*{title}*\n🗓 {when}\n📍 {where}',
    en: 'ℹ️ The staff moved your Bimtek registration ({code}) to another session. It is full, so you are on its waiting list (number {position}); we will tell you when a seat opens.\n\n*{title}*\n🗓 {when}\n📍 {where}',
  },
} satisfies Record<string, Text>

export type MoveError = 'NOT_FOUND' | 'NOT_MOVABLE' | 'BAD_TARGET' | 'ALREADY_THERE'

export type MoveResult =
  | { ok: true; status: 'confirmed' | 'waitlisted'; position?: number; offered: boolean }
  | { ok: false; error: MoveError; message: string }

/** Moves the registration `code` of session `fromId` to session `toId` (see the module). */
export async function moveRegistration(
  db: Db,
  input: { fromId: number; code: string; toId: number; actor: string; now: Date; offerMs: number; reminders: ReminderSettings },
): Promise<MoveResult> {
  const { now } = input
  return await transaction(db, async (tx): Promise<MoveResult> => {
    const registration = await registrationInSession(tx, input.fromId, input.code)
    const from = await sessionById(tx, input.fromId)
    if (!registration || !from) return { ok: false, error: 'NOT_FOUND', message: 'Pendaftaran tidak ditemukan di sesi ini.' }
    if (registration.status === 'cancelled' || from.startsAt <= now)
      return {
        ok: false,
        error: 'NOT_MOVABLE',
        message: 'Hanya pendaftaran yang masih berlaku di sesi yang belum dimulai yang dapat dipindahkan.',
      }
    const to = await sessionById(tx, input.toId)
    if (!to || to.id === from.id || to.regionId !== from.regionId || to.cancelledAt || to.startsAt <= now)
      return {
        ok: false,
        error: 'BAD_TARGET',
        message: 'Pilih sesi lain di wilayah yang sama, belum dimulai dan tidak dibatalkan.',
      }
    const there = await registrationOfPersonInSession(tx, to.id, registration.personId)
    if (there && there.status !== 'cancelled')
      return { ok: false, error: 'ALREADY_THERE', message: `Orang ini sudah terdaftar di sesi itu (kode ${there.code}).` }
    // A cancelled registration of theirs there would break "one registration per person and session":
    // it is history only (the audit log keeps it), and this one takes its place.
    if (there) await deleteRegistration(tx, there.id)

    const { taken, waiting } = await seatCounts(tx, to.id)
    const status = taken < to.capacity && waiting === 0 ? 'confirmed' : 'waitlisted'
    const moved = await moveRegistrationTo(
      tx,
      registration.id,
      { sessionId: to.id, status, waitlistedAt: status === 'waitlisted' ? await joinTime(tx, to.id, now) : null },
      now,
    )
    const position = status === 'waitlisted' ? ((await waitlistPosition(tx, moved)) ?? 1) : undefined
    const zone = await personZone(tx, registration.personId)
    await queueForPerson(tx, {
      personId: registration.personId,
      kind: 'registration_moved',
      key: `moved:${registration.code}:${to.id}:${now.getTime()}`,
      build: (lang) => ({
        text: fill(t(lang, status === 'confirmed' ? texts.movedConfirmed : texts.movedWaiting), {
          code: registration.code,
          title: to.title,
          when: when(to, lang, zone),
          where: where(to, lang),
          position: position ?? 0,
        }),
      }),
      dueAt: now,
      expiresAt: to.startsAt,
    })
    const heldSeat = registration.status === 'confirmed' || registration.status === 'offered'
    const offer = heldSeat ? await offerNextSeat(tx, from.id, now, input.offerMs) : undefined
    if (offer) await queueOffer({ db: tx, now }, offer)
    await planReminders(tx, [registration.personId], now, input.reminders)
    await writeAudit(tx, {
      at: now,
      actor: input.actor,
      action: 'registration.moved',
      entity: 'registration',
      entityId: registration.code,
      details: { from: from.code, to: to.code, status },
    })
    return { ok: true, status, ...(position !== undefined && { position }), offered: Boolean(offer) }
  })
}
