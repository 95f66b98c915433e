/**
 * A seat freed on a full session is offered to the next person waiting, for a limited time: the
 * offer and its expiry go out through the outbox, and "YA" takes the seat.
 */

import { personOfChat } from '../../db/queries/chat-links.js'
import { queueForPerson } from '../../db/queries/outbox.js'
import { personZone } from '../../db/queries/people.js'
import { acceptOffer, expireOffers, type Offer, offerFreeSeats, openOfferOf } from '../../db/queries/registrations.js'
import { transaction } from '../../db/store.js'
import type { TypedCommand } from '../engine.js'
import { fill, t } from '../messages.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { normalizeInput } from '../text/normalize.js'
import { isYes } from '../text/yes-no.js'
import type { TurnContext } from '../turn.js'
import type { Language, Reply, Text } from '../types.js'
import { googleCalendarLink, icsFile } from './calendar.js'
import { dateTime, when, where } from './format.js'
import { readerZone } from './reader-zone.js'

const texts = {
  offer: {
    id: '🎉 Ada kursi kosong untuk Anda!\n\n*{title}*\n🗓 {when}\n📍 {where}\n\nBalas *YA* sebelum {deadline} untuk mengambilnya (kode {code}). Bila tidak dijawab, kursi ditawarkan ke peserta berikutnya.',
    en: '🎉 A seat has opened for you!\n\n*{title}*\n🗓 {when}\n📍 {where}\n\nReply *YA* before {deadline} to take it (code {code}). Without an answer, the seat goes to the next person.',
  },
  offerTaken: {
    id: '✅ Kursi Anda sudah kami simpan. Kode pendaftaran: *{code}*\n\n*{title}*\n🗓 {when}\n📍 {where}\n\nFile kalender terlampir. Google Calendar: {google}',
    en: '✅ Your seat is confirmed. Registration code: *{code}*\n\n*{title}*\n🗓 {when}\n📍 {where}\n\nA calendar file is attached. Google Calendar: {google}',
  },
  offerExpired: {
    id: 'Waktu untuk mengambil kursi Bimtek ({code}) sudah lewat, jadi kursi ditawarkan ke peserta berikutnya. Ketik "jadwal" untuk melihat sesi lain.',
    en: 'The time to take the Bimtek seat ({code}) has passed, so it went to the next person. Type "jadwal" to see other sessions.',
  },
} satisfies Record<string, Text>

/** The text of a seat offer, for the outbox, in the person's language. */
function offerMessage(offer: Offer, deadlineAt: Date, lang: Language, zone?: string): Reply {
  const deadline = dateTime(deadlineAt, zone ?? offer.session.timeZone, lang)
  return {
    text: fill(t(lang, texts.offer), {
      title: offer.session.title,
      when: when(offer.session, lang, zone),
      where: where(offer.session, lang),
      deadline,
      code: offer.registration.code,
    }),
  }
}

function offerExpiredMessage(offer: Offer, lang: Language): Reply {
  return { text: fill(t(lang, texts.offerExpired), { code: offer.registration.code }) }
}

/** Queues the offer message to every chat of the person offered (once per offer). */
export async function queueOffer(ctx: { db: TurnContext['db']; now: Date }, offer: Offer): Promise<void> {
  const zone = await personZone(ctx.db, offer.registration.personId)
  await queueForPerson(ctx.db, {
    personId: offer.registration.personId,
    kind: 'seat_offer',
    key: `offer:${offer.registration.id}:${offer.registration.offerExpiresAt?.getTime() ?? 0}`,
    // An offer always has its deadline; without one it would have to be taken at once.
    build: (lang) => offerMessage(offer, offer.registration.offerExpiresAt ?? ctx.now, lang, zone),
    dueAt: ctx.now,
    ...(offer.registration.offerExpiresAt && { expiresAt: offer.registration.offerExpiresAt }),
  })
}

async function queueOfferExpired(ctx: { db: TurnContext['db']; now: Date }, offer: Offer): Promise<void> {
  await queueForPerson(ctx.db, {
    personId: offer.registration.personId,
    kind: 'seat_offer_expired',
    key: `offer-expired:${offer.registration.id}`,
    build: (lang) => offerExpiredMessage(offer, lang),
    dueAt: ctx.now,
  })
}

/** "YA" (or "ambil") from a person with a seat offer open: the seat is theirs, with its calendar file. */
export function createTakeOffer(deps: { reminders: ReminderSettings }): TypedCommand {
  return async (ctx, text) => {
    const typed = normalizeInput(text)
    if (!isYes(typed) && typed !== 'ambil') return undefined
    const personId = await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
    if (personId === undefined) return undefined
    const offer = await openOfferOf(ctx.db, personId, ctx.now)
    if (!offer) return undefined
    await acceptOffer(ctx.db, offer.registration.id, ctx.now)
    await planReminders(ctx.db, [personId], ctx.now, deps.reminders)
    const zone = await readerZone(ctx)
    const values = {
      code: offer.registration.code,
      title: offer.session.title,
      when: when(offer.session, ctx.lang, zone),
      where: where(offer.session, ctx.lang),
      google: googleCalendarLink(offer.session, offer.registration.code),
    }
    return {
      replies: [
        {
          text: fill(t(ctx.lang, texts.offerTaken), values),
          attachment: icsFile(offer.session, offer.registration.code, ctx.lang),
        },
      ],
      next: null,
    }
  }
}

/**
 * For the scheduler, in one write transaction: offers whose time ran out are withdrawn (the person
 * is told) and each seat goes to the next person waiting (who is asked).
 */
export async function expireSeatOffers(
  db: TurnContext['db'],
  now: Date,
  offerHours: number,
): Promise<{ expired: number; offered: number }> {
  return await transaction(db, async (tx) => {
    const offerMs = offerHours * 3_600_000
    const { expired, offers } = await expireOffers(tx, now, offerMs)
    offers.push(...(await offerFreeSeats(tx, now, offerMs)))
    for (const offer of expired) await queueOfferExpired({ db: tx, now }, offer)
    for (const offer of offers) await queueOffer({ db: tx, now }, offer)
    return { expired: expired.length, offered: offers.length }
  })
}
