/**
 * What a person types about Bimtek outside the registration flow: "jadwal" (optionally with a
 * region or province), "registrasi saya", "batal <kode>" (asked once more before it happens), and
 * "YA" to take a seat offered from the waiting list.
 */
import { eq } from 'drizzle-orm'
import { inTransaction } from '../../db/client.js'
import { personOfChat } from '../../db/queries/chat-links.js'
import { queueForPerson } from '../../db/queries/outbox.js'
import {
  acceptOffer,
  cancelRegistration,
  expireOffers,
  type Offer,
  offerFreeSeats,
  openOfferOf,
  registrationByCode,
  registrationsOfPerson,
  waitlistPosition,
} from '../../db/queries/registrations.js'
import { type SessionRow, upcomingSessions } from '../../db/queries/sessions.js'
import { people, regions } from '../../db/schema.js'
import type { ChoiceAction, TypedCommand } from '../engine.js'
import { MENU_PREFIX } from '../menu.js'
import { fill, t } from '../messages.js'
import { findProvince, zoneLabel } from '../regions.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { formatClock, formatDate } from '../text/dates.js'
import { normalizeInput } from '../text/normalize.js'
import { isYes } from '../text/yes-no.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Language, Reply, Text } from '../types.js'
import { googleCalendarLink, icsFile } from './calendar.js'
import { seatsLine, statusText } from './flow.js'
import { when, where } from './format.js'

const texts = {
  scheduleTitle: { id: '*Jadwal Bimtek{filter}*', en: '*Bimtek schedule{filter}*' },
  scheduleEmpty: {
    id: 'Belum ada jadwal Bimtek{filter} yang akan datang. Ketik "jadwal" untuk semua wilayah, atau "petugas" untuk bertanya.',
    en: 'No upcoming Bimtek sessions{filter}. Type "jadwal" for every region, or "petugas" to ask.',
  },
  scheduleFoot: {
    id: 'Waktu dalam zona {zone}. Ketik "daftar" untuk mendaftar, atau "jadwal <wilayah/provinsi>" (mis. "jadwal makassar", "jadwal jawa barat").',
    en: 'Times in {zone}. Type "daftar" to register, or "jadwal <region/province>" (e.g. "jadwal makassar").',
  },
  venueZones: { id: 'waktu setempat', en: 'local time' },
  registrationOpen: { id: 'Pendaftaran s.d. {until}', en: 'Registration until {until}' },
  registrationNotYet: { id: 'Pendaftaran dibuka {from}', en: 'Registration opens {from}' },
  registrationClosed: { id: 'Pendaftaran ditutup', en: 'Registration closed' },
  register: { id: 'Daftar sekarang', en: 'Register now' },
  mineTitle: { id: '*Pendaftaran Bimtek Anda*', en: '*Your Bimtek registrations*' },
  mineEmpty: {
    id: 'Belum ada pendaftaran Bimtek dari akun chat ini. Ketik "daftar" untuk mendaftar.',
    en: 'There are no Bimtek registrations from this chat account. Type "daftar" to register.',
  },
  position: { id: ', urutan ke-{position}', en: ', number {position}' },
  howToCancel: {
    id: 'Untuk membatalkan, ketik "batal" dan kodenya, mis. "batal {code}".',
    en: 'To cancel, type "batal" and the code, e.g. "batal {code}".',
  },
  cancelAsk: {
    id: 'Batalkan pendaftaran *{code}*?\n*{title}*\n🗓 {when}\n\nKursi Anda akan ditawarkan ke peserta berikutnya.',
    en: 'Cancel registration *{code}*?\n*{title}*\n🗓 {when}\n\nYour seat will be offered to the next person.',
  },
  cancelYes: { id: 'Ya, batalkan', en: 'Yes, cancel' },
  // Not "Tidak jadi": typed, that is the global "cancel" word and would never reach this question.
  cancelNo: { id: 'Tidak, tetap ikut', en: 'No, keep it' },
  cancelKept: { id: 'Baik, pendaftaran {code} tetap berlaku.', en: 'All right, registration {code} stays.' },
  cancelDone: {
    id: 'Pendaftaran *{code}* sudah dibatalkan. Terima kasih sudah memberi tahu. Ketik "jadwal" untuk melihat sesi lain.',
    en: 'Registration *{code}* is cancelled. Thank you for letting us know. Type "jadwal" to see other sessions.',
  },
  cancelNotFound: {
    id: 'Kode {code} tidak ditemukan di pendaftaran akun chat ini. Periksa kodenya (ketik "registrasi saya").',
    en: 'Code {code} is not among this chat account\'s registrations. Check the code (type "registrasi saya").',
  },
  cancelAlready: { id: 'Pendaftaran {code} sudah dibatalkan sebelumnya.', en: 'Registration {code} was already cancelled.' },
  cancelStarted: {
    id: 'Sesi untuk {code} sudah dimulai, jadi tidak bisa dibatalkan lewat chat. Hubungi petugas bila perlu.',
    en: 'The session for {code} has started, so it cannot be cancelled in the chat. Contact the staff if needed.',
  },
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

/** Region names people use: island, city or code. */
const REGION_WORDS: Record<string, string> = {
  sumatera: 'R1',
  sumatra: 'R1',
  padang: 'R1',
  jawa: 'R2',
  bandung: 'R2',
  yogyakarta: 'R3',
  yogya: 'R3',
  jogja: 'R3',
  kalimantan: 'R4',
  banjarmasin: 'R4',
  sulawesi: 'R5',
  makassar: 'R5',
  papua: 'R6',
  jayapura: 'R6',
}

type Place = { regionCode?: string; provinceCode?: string; name: string; timeZone?: string }

function findPlace(ctx: TurnContext, typed: string): Place | undefined {
  const key = normalizeInput(typed)
  const code = /^r\s?([1-6])$/.exec(key)?.[1]
  const regionCode = code ? `R${code}` : REGION_WORDS[key.replace(/\s/g, '')]
  // A province name wins over an island word ("jawa barat" is a province, "jawa" a region).
  const province = findProvince(typed)
  if (province) return { provinceCode: province.code, name: province.name, timeZone: province.timeZone }
  if (!regionCode) return undefined
  const region = ctx.db.select().from(regions).where(eq(regions.code, regionCode)).get()
  return region ? { regionCode, name: region.name, timeZone: region.timeZone } : undefined
}

/** The zone a person reads times in: their own (linked record), else the place they asked about. */
function readerZone(ctx: TurnContext, place?: Place): string | undefined {
  const personId = personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId)
  if (personId !== undefined) {
    const person = ctx.db.select({ timeZone: people.timeZone }).from(people).where(eq(people.id, personId)).get()
    if (person) return person.timeZone
  }
  return place?.timeZone
}

/** "26 Desember, 07.00 WIB". */
const dateTime = (date: Date, zone: string, lang: Language) =>
  `${formatDate(date, 'dayMonth', lang, zone)}, ${formatClock(date, zone)} ${zoneLabel(zone)}`

function windowLine(ctx: TurnContext, session: SessionRow, zone: string): string {
  const { now, lang } = ctx
  if (now < session.registrationOpensAt)
    return fill(t(lang, texts.registrationNotYet), { from: dateTime(session.registrationOpensAt, zone, lang) })
  if (now >= session.registrationClosesAt) return t(lang, texts.registrationClosed)
  return fill(t(lang, texts.registrationOpen), { until: dateTime(session.registrationClosesAt, zone, lang) })
}

/** The schedule; undefined when the words after "jadwal" name no place ("jadwal ujian"): a question for the FAQ. */
function schedule(ctx: TurnContext, placeText: string): Outcome | undefined {
  const { lang } = ctx
  const place = placeText ? findPlace(ctx, placeText) : undefined
  if (placeText && !place) return undefined
  const regionIds = place?.regionCode
    ? ctx.db
        .select({ id: regions.id })
        .from(regions)
        .where(eq(regions.code, place.regionCode))
        .all()
        .map((r) => r.id)
    : undefined
  const sessions = upcomingSessions(ctx.db, ctx.now, {
    ...(regionIds && { regionIds }),
    ...(place?.provinceCode && { provinceCode: place.provinceCode }),
  }).filter(
    (session) => !place?.provinceCode || session.provinceCode || session.regionProvinces.split(',').includes(place.provinceCode),
  )
  const filter = place ? ` · ${place.name}` : ''
  if (sessions.length === 0) return { replies: [{ text: fill(t(lang, texts.scheduleEmpty), { filter }) }], next: null }
  const zone = readerZone(ctx, place)
  const shown = sessions.slice(0, 10)
  const lines = shown.map((session, i) =>
    [
      `${i + 1}. *${session.title}* (${session.targetGroup})`,
      `   🗓 ${when(session, lang, zone)}`,
      `   📍 ${where(session, lang).replace('\n', '\n   ')}`,
      `   👥 ${seatsLine(ctx, session)} · ${windowLine(ctx, session, zone ?? session.timeZone)}`,
    ].join('\n'),
  )
  const zoneText = zone ? zoneLabel(zone) : t(lang, texts.venueZones)
  const text = [
    fill(t(lang, texts.scheduleTitle), { filter }),
    lines.join('\n\n'),
    fill(t(lang, texts.scheduleFoot), { zone: zoneText }),
  ].join('\n\n')
  return { replies: [{ text, choices: [{ id: `${MENU_PREFIX}daftar`, label: t(lang, texts.register) }] }], next: null }
}

function myRegistrations(ctx: TurnContext): Outcome {
  const { lang } = ctx
  const personId = personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId)
  const rows = personId === undefined ? [] : registrationsOfPerson(ctx.db, personId)
  if (rows.length === 0) return { replies: [{ text: t(lang, texts.mineEmpty) }], next: null }
  const zone = readerZone(ctx)
  const lines = rows.map(({ registration, session }, i) => {
    const position = waitlistPosition(ctx.db, registration)
    const status = `${statusText(registration.status, lang)}${position ? fill(t(lang, texts.position), { position }) : ''}`
    return `${i + 1}. *${registration.code}*: ${session.title}\n   🗓 ${when(session, lang, zone)}\n   📍 ${where(session, lang).replace('\n', '\n   ')}\n   ${status}`
  })
  const first = rows[0]?.registration.code ?? ''
  return {
    replies: [
      { text: `${t(lang, texts.mineTitle)}\n\n${lines.join('\n\n')}\n\n${fill(t(lang, texts.howToCancel), { code: first })}` },
    ],
    next: null,
  }
}

const CODE = /^[A-Z]{3}-[A-Z0-9]{4,8}$/

/** Asks whether to cancel the registration with this code (the person's own), with yes/no choices. */
export function askCancel(ctx: TurnContext, typedCode: string): Outcome {
  const { lang } = ctx
  const code = typedCode
    .toUpperCase()
    .replace(/\s+/g, '')
    .replace(/^([A-Z]{3})(?=[A-Z0-9]{6}$)/, '$1-')
  const personId = personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId)
  const found = CODE.test(code) ? registrationByCode(ctx.db, code) : undefined
  // Someone else's code gets the same answer as a wrong one.
  if (!found || personId === undefined || found.registration.personId !== personId) {
    return { replies: [{ text: fill(t(lang, texts.cancelNotFound), { code }) }], next: null }
  }
  if (found.registration.status === 'cancelled')
    return { replies: [{ text: fill(t(lang, texts.cancelAlready), { code }) }], next: null }
  const text = fill(t(lang, texts.cancelAsk), {
    code,
    title: found.session.title,
    when: when(found.session, lang, readerZone(ctx)),
  })
  return {
    replies: [
      {
        text,
        choices: [
          { id: `regcancel:yes:${code}`, label: t(lang, texts.cancelYes) },
          { id: `regcancel:no:${code}`, label: t(lang, texts.cancelNo) },
        ],
      },
    ],
    next: null,
  }
}

export type RegistrationCommandDeps = {
  offerHours: number
  /** The reminder settings the plans use when a seat is taken or a registration cancelled. */
  reminders: ReminderSettings
}

/** The text of a seat offer, for the outbox, in the person's language. */
export function offerMessage(offer: Offer, deadlineAt: Date, lang: Language, zone?: string): Reply {
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

export function offerExpiredMessage(offer: Offer, lang: Language): Reply {
  return { text: fill(t(lang, texts.offerExpired), { code: offer.registration.code }) }
}

/** Queues the offer message to every chat of the person offered (once per offer). */
export function queueOffer(ctx: { db: TurnContext['db']; now: Date }, offer: Offer): void {
  const person = ctx.db.select({ timeZone: people.timeZone }).from(people).where(eq(people.id, offer.registration.personId)).get()
  queueForPerson(ctx.db, {
    personId: offer.registration.personId,
    kind: 'seat_offer',
    key: `offer:${offer.registration.id}:${offer.registration.offerExpiresAt?.getTime() ?? 0}`,
    // An offer always has its deadline; without one it would have to be taken at once.
    build: (lang) => offerMessage(offer, offer.registration.offerExpiresAt ?? ctx.now, lang, person?.timeZone),
    dueAt: ctx.now,
    ...(offer.registration.offerExpiresAt && { expiresAt: offer.registration.offerExpiresAt }),
  })
}

export function queueOfferExpired(ctx: { db: TurnContext['db']; now: Date }, offer: Offer): void {
  queueForPerson(ctx.db, {
    personId: offer.registration.personId,
    kind: 'seat_offer_expired',
    key: `offer-expired:${offer.registration.id}`,
    build: (lang) => offerExpiredMessage(offer, lang),
    dueAt: ctx.now,
  })
}

export function createRegistrationCommands(deps: RegistrationCommandDeps): {
  commands: TypedCommand[]
  actions: ChoiceAction[]
} {
  const offerMs = deps.offerHours * 3_600_000

  const takeOffer: TypedCommand = (ctx, text) => {
    const typed = normalizeInput(text)
    if (!isYes(typed) && typed !== 'ambil') return undefined
    const personId = personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId)
    if (personId === undefined) return undefined
    const offer = openOfferOf(ctx.db, personId, ctx.now)
    if (!offer) return undefined
    acceptOffer(ctx.db, offer.registration.id, ctx.now)
    planReminders(ctx.db, [personId], ctx.now, deps.reminders)
    const zone = readerZone(ctx)
    const values = {
      code: offer.registration.code,
      title: offer.session.title,
      when: when(offer.session, ctx.lang, zone),
      where: where(offer.session, ctx.lang),
      google: googleCalendarLink(offer.session, offer.registration.code),
    }
    return {
      replies: [
        { text: fill(t(ctx.lang, texts.offerTaken), values), attachment: icsFile(offer.session, offer.registration.code) },
      ],
      next: null,
    }
  }

  const commands: TypedCommand[] = [
    (ctx, text) => {
      const match = /^jadwal(?:\s+bimtek)?(?:\s+(?:di\s+)?(.+))?$/.exec(normalizeInput(text))
      return match ? schedule(ctx, match[1] ?? '') : undefined
    },
    (ctx, text) =>
      /^(registrasi|pendaftaran|daftar|kode)\s+(saya|sy|aku)$/.test(normalizeInput(text)) ? myRegistrations(ctx) : undefined,
    // "batal pendaftaran" (no code): the person's registrations, each with its code to cancel.
    (ctx, text) =>
      /^(?:batal|batalkan|cancel)\s+(?:pendaftaran|registrasi|daftar|bimtek)(?:\s+(?:bimtek|saya|sy))*$/.test(
        normalizeInput(text),
      )
        ? myRegistrations(ctx)
        : undefined,
    (ctx, text) => {
      const match = /^(?:batal|batalkan|cancel)\s+([a-z]{3}[\s-]?[a-z0-9]{4,8})$/i.exec(text.trim())
      return match?.[1] ? askCancel(ctx, match[1]) : undefined
    },
    takeOffer,
  ]

  const actions: ChoiceAction[] = [
    {
      prefix: 'regcancel:',
      handle(ctx, choiceId) {
        const [, answer, code = ''] = choiceId.split(':')
        const { lang } = ctx
        if (answer !== 'yes') return { replies: [{ text: fill(t(lang, texts.cancelKept), { code }) }], next: null }
        const personId = personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId)
        if (personId === undefined) return { replies: [{ text: fill(t(lang, texts.cancelNotFound), { code }) }], next: null }
        const result = cancelRegistration(ctx.db, { code, personId, now: ctx.now, offerMs, actor: `chat:${ctx.inbound.channel}` })
        if (result.kind === 'not-found') return { replies: [{ text: fill(t(lang, texts.cancelNotFound), { code }) }], next: null }
        if (result.kind === 'already-cancelled')
          return { replies: [{ text: fill(t(lang, texts.cancelAlready), { code }) }], next: null }
        if (result.kind === 'started') return { replies: [{ text: fill(t(lang, texts.cancelStarted), { code }) }], next: null }
        if (result.offer) queueOffer(ctx, result.offer)
        // Its reminders still waiting are cancelled.
        planReminders(ctx.db, [personId], ctx.now, deps.reminders)
        return { replies: [{ text: fill(t(lang, texts.cancelDone), { code }) }], next: null }
      },
    },
  ]
  return { commands, actions }
}

/**
 * For the scheduler, in one write transaction: offers whose time ran out are withdrawn (the person
 * is told) and each seat goes to the next person waiting (who is asked).
 */
export function expireSeatOffers(db: TurnContext['db'], now: Date, offerHours: number): { expired: number; offered: number } {
  return inTransaction(db, (tx) => {
    const offerMs = offerHours * 3_600_000
    const { expired, offers } = expireOffers(tx, now, offerMs)
    offers.push(...offerFreeSeats(tx, now, offerMs))
    for (const offer of expired) queueOfferExpired({ db: tx, now }, offer)
    for (const offer of offers) queueOffer({ db: tx, now }, offer)
    return { expired: expired.length, offered: offers.length }
  })
}
