/**
 * What the registration transcripts cannot see: what is (and is not) stored, times read in each
 * zone, the calendar file and link, how each channel delivers the file, and the waiting list
 * moving with a fake clock (offers, acceptance, expiry).
 */
import { count, eq } from 'drizzle-orm'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { runHousekeeping } from '../../src/core/housekeeping.js'
import { REGISTRATION_CONSENT_VERSION } from '../../src/core/registration/flow.js'
import { expireSeatOffers } from '../../src/core/registration/seat-offers.js'
import type { Reply } from '../../src/core/types.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
import { waitlistPosition } from '../../src/db/queries/registrations.js'
import { bimtekSessions, channelIdentities, consentRecords, outbox, people, registrations } from '../../src/db/schema.js'
import { type Chat, chat, textOf } from '../support/chat.js'
import { fakeClock, testCore } from '../support/core.js'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { addSession } from '../support/sessions.js'
import { everyText } from '../support/store.js'
import { type TelegramDriver, telegramDriver } from '../support/telegram-driver.js'
import { type WhatsAppDriver, whatsappDriver } from '../support/whatsapp-driver.js'
import { BUDI, morningIn, SEEDED, SITI, seedRegistration } from '../transcripts/registration.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const OFFER_HOURS = 12

/** Two more valid identities (women: day + 40 in the NIK). */
const TIA = { name: 'Tia Rahmawati', nik: '3273015508850003', birthDate: '15-08-1985' }
const DODI = { name: 'Dodi Pratama', nik: '3273012001900004', birthDate: '20-01-1990' }

type Person = { name: string; nik: string; birthDate: string; province?: string; phone?: string }
let core: Awaited<ReturnType<typeof testCore>> | undefined
let fake: FakeTelegram | undefined
let telegram: TelegramDriver | undefined
let whatsapp: WhatsAppDriver | undefined

afterEach(async () => {
  await telegram?.stop()
  await whatsapp?.stop()
  await fake?.close()
  if (core) closeDatabase(core.db)
  core = telegram = whatsapp = fake = undefined
})

async function open(clock = fakeClock()) {
  core = await testCore({ clock: clock.now })
  return { core, clock }
}

/** A kabupaten/kota of each province the tests register from, as a person types it. */
const REGENCY_IN: Record<string, string> = {
  'Jawa Barat': 'garut',
  'Sulawesi Selatan': 'Kota Makassar',
  Papua: 'Kota Jayapura',
}

/** Answers every question validly up to the summary, choosing the session by its id. */
async function toSummary(c: Chat, person: Person, sessionId: number): Promise<Reply[]> {
  const answers = [
    'daftar',
    'ya',
    person.name,
    person.nik,
    person.birthDate,
    person.phone ?? '081234567890',
    person.province ?? 'Jawa Barat',
    REGENCY_IN[person.province ?? 'Jawa Barat'] ?? '',
    '1',
    'Dinas Sosial',
  ]
  for (const answer of answers) {
    const replies = await c.say(answer)
    expect(textOf(replies), `after "${answer}"`).not.toContain('⚠️')
  }
  const summary = await c.choose(`session:${sessionId}`)
  expect(textOf(summary)).toContain('*Periksa data pendaftaran Anda:*')
  return summary
}

async function register(c: Chat, person: Person, sessionId: number): Promise<Reply[]> {
  await toSummary(c, person, sessionId)
  return c.say('ya')
}

const codeIn = (replies: Reply[]) => {
  const code = /\*(BMT-[A-Z2-9]{6})\*/.exec(textOf(replies))?.[1]
  if (!code) throw new Error(`no registration code in:\n${textOf(replies)}`)
  return code
}

const rows = async (db: Db, table: typeof people | typeof registrations | typeof consentRecords | typeof channelIdentities) =>
  (await db.select({ n: count() }).from(table).limit(1))[0]?.n ?? 0

const registrationOf = async (db: Db, code: string) => {
  const row = (await db.select().from(registrations).where(eq(registrations.code, code)).limit(1))[0]
  if (!row) throw new Error(`registration ${code} not found`)
  return row
}

/** The lines of an .ics file, folded lines joined again (RFC 5545 §3.1). */
function icsLines(bytes: Uint8Array): string[] {
  return new TextDecoder()
    .decode(bytes)
    .replace(/\r?\n[ \t]/g, '')
    .split(/\r?\n/)
    .filter(Boolean)
}

const icsUtc = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

describe('what is stored', () => {
  it('no session open: the flow asks for nothing', async () => {
    const { core, clock } = await open()
    await addSession(core.db, clock.now(), { code: 'LATER', registrationOpensAt: new Date(clock.now().getTime() + DAY) })
    const replies = textOf(await chat(core.engine, 'early').say('daftar'))
    expect(replies).toContain('Saat ini belum ada sesi Bimtek yang dibuka pendaftarannya.')
    expect(replies).not.toContain('Langkah 1')
  })

  it('nothing at all when consent is refused', async () => {
    const { core, clock } = await open()
    await seedRegistration(core.db, clock.now())
    const c = chat(core.engine, 'refuser')
    await c.say('daftar')
    expect(textOf(await c.say('tidak'))).toContain('tidak ada data Anda yang disimpan')
    for (const table of [consentRecords, channelIdentities]) expect(await rows(core.db, table)).toBe(0)
    // Only the two people (and their registrations) the seed put on the small session.
    expect(await rows(core.db, people)).toBe(2)
    expect(await rows(core.db, registrations)).toBe(2)
  })

  it('nothing from a flow given up ("batal", or left at the summary until it expires)', async () => {
    const { core, clock } = await open()
    const { bandung } = await seedRegistration(core.db, clock.now())
    const before = await rows(core.db, people)
    const quitter = chat(core.engine, 'quitter')
    await toSummary(quitter, SITI, bandung)
    expect(textOf(await quitter.say('batal'))).toContain('Isian tadi tidak disimpan')
    const leaver = chat(core.engine, 'leaver')
    await toSummary(leaver, BUDI, bandung)

    expect(await rows(core.db, people)).toBe(before)
    for (const table of [registrations, consentRecords, channelIdentities]) {
      const seeded = table === registrations ? 2 : 0
      expect(await rows(core.db, table)).toBe(seeded)
    }
    expect((await everyText(core.db)).filter(({ value }) => value.includes(SITI.nik))).toEqual([])
    // The unfinished answers live only in the conversation, until the housekeeping clears it.
    clock.advance(31 * 60_000)
    await runHousekeeping(core.db, clock.now(), 30)
    expect((await everyText(core.db)).filter(({ value }) => value.includes(BUDI.nik))).toEqual([])
  })

  it('while the flow is unfinished, the conversation state holds the NIK sealed, never the 16 digits', async () => {
    const { core, clock } = await open()
    const session = await addSession(core.db, clock.now(), { code: 'MID' })
    const c = chat(core.engine, 'midway')
    const summary = textOf(await toSummary(c, SITI, session))
    const leaks = (await everyText(core.db)).filter((text) => text.value.includes(SITI.nik))
    expect(leaks).toEqual([])
    // The summary still shows enough to recognise it.
    expect(summary).toContain('NIK: 3273 **** **** 0001')
  })

  it('after a registration: the NIK only hashed and encrypted, the consent, the chat linked', async () => {
    const { core, clock } = await open()
    const { bandung } = await seedRegistration(core.db, clock.now())
    const c = chat(core.engine, 'siti-chat')
    const code = codeIn(await register(c, { ...SITI, phone: '0812-3456-7890' }, bandung))

    const person = (await core.db.select().from(people).where(eq(people.fullName, SITI.name)).limit(1))[0]
    expect(person).toMatchObject({
      birthDate: '1985-08-05',
      phoneE164: '+6281234567890',
      provinceCode: '32',
      regency: 'Kabupaten Garut',
      professionGroup: 'pekerja sosial',
      institution: 'Dinas Sosial',
      timeZone: 'Asia/Jakarta',
    })
    expect(person?.nikHash).toBe(core.vault.hash(SITI.nik))
    expect(person?.nikCiphertext).toBeTruthy()
    expect(core.vault.decrypt(person?.nikCiphertext ?? '')).toBe(SITI.nik)
    // Nowhere in the database in plain: not in people, the conversation, the outbox, the audit log…
    const leaks = (await everyText(core.db)).filter(({ value }) => value.replace(/\D/g, '').includes(SITI.nik))
    expect(leaks).toEqual([])

    const consent = await core.db.select().from(consentRecords)
    expect(consent).toEqual([
      expect.objectContaining({
        personId: person?.id,
        channel: 'console',
        chatId: 'siti-chat',
        purpose: 'bimtek-registration',
        reference: code,
        textVersion: REGISTRATION_CONSENT_VERSION,
        granted: true,
        recordedAt: clock.now(),
        withdrawnAt: null,
      }),
    ])
    const links = await core.db.select().from(channelIdentities)
    expect(links).toEqual([
      expect.objectContaining({
        channel: 'console',
        userId: 'siti-chat',
        chatId: 'siti-chat',
        personId: person?.id,
        language: 'id',
      }),
    ])
    expect(await registrationOf(core.db, code)).toMatchObject({ sessionId: bandung, personId: person?.id, status: 'confirmed' })
  })

  it('a NIK on record with another birth date: the same answer as with the right one (prove it is you), nothing new is stored', async () => {
    const { core, clock } = await open()
    const { bandung } = await seedRegistration(core.db, clock.now())
    await core.db.insert(people).values({
      fullName: 'Siti Tercatat',
      nikHash: core.vault.hash(SITI.nik),
      birthDate: '1985-08-06',
      phoneE164: '+6281100000000',
    })
    const before = await core.db.select().from(people)

    const replies = await register(chat(core.engine, 'impostor'), SITI, bandung)
    // Nothing tells the birth date is not the one on record: the reply is the one a right birth date gets.
    expect(textOf(replies)).not.toContain('tanggal lahir yang berbeda')
    expect(textOf(replies)).toContain('NIK ini sudah tercatat. Data yang tercatat tidak diubah lewat chat')
    expect(textOf(replies)).toContain('Untuk ini saya perlu memastikan sekali lagi bahwa ini memang Anda.')
    expect(await core.db.select().from(people)).toEqual(before)
    expect(await rows(core.db, registrations)).toBe(2) // the seed's
    expect(await rows(core.db, consentRecords)).toBe(0)
    expect(await rows(core.db, channelIdentities)).toBe(0)
  })

  it('registration closed while the person was at the summary: told so, nothing stored', async () => {
    const { core, clock } = await open()
    const { bandung } = await seedRegistration(core.db, clock.now())
    const before = await rows(core.db, people)
    const c = chat(core.engine, 'late')
    await toSummary(c, SITI, bandung)
    await core.db
      .update(bimtekSessions)
      .set({ registrationClosesAt: new Date(clock.now().getTime() - 1) })
      .where(eq(bimtekSessions.id, bandung))

    expect(textOf(await c.say('ya'))).toContain('pendaftaran sesi itu baru saja ditutup')
    expect(await rows(core.db, people)).toBe(before)
    expect(await rows(core.db, registrations)).toBe(2)
    expect(await rows(core.db, consentRecords)).toBe(0)
    expect(await rows(core.db, channelIdentities)).toBe(0)
  })

  it('the same NIK for the same session again answers with the first code and adds nothing', async () => {
    const { core, clock } = await open()
    const { bandung } = await seedRegistration(core.db, clock.now())
    const c = chat(core.engine, 'twice')
    const code = codeIn(await register(c, SITI, bandung))
    const again = textOf(await register(c, SITI, bandung))
    expect(again).toContain(`Anda sudah terdaftar di sesi ini dengan kode *${code}* (terdaftar)`)
    expect(await core.db.select().from(registrations).where(eq(registrations.sessionId, bandung))).toHaveLength(1)
    expect(await rows(core.db, consentRecords)).toBe(1)
  })
})

describe('"jadwal" in the reader\'s time zone', () => {
  // Each session at 09.00 in its own venue's zone, for 8 hours.
  const EXPECTED: Record<string, { footer: string; Padang: string; Makassar: string; Jayapura: string }> = {
    'Jawa Barat': {
      footer: 'Waktu dalam zona WIB.',
      Padang: '09.00–17.00 WIB',
      Makassar: '08.00–16.00 WIB (di lokasi 09.00 WITA)',
      Jayapura: '07.00–15.00 WIB (di lokasi 09.00 WIT)',
    },
    'Sulawesi Selatan': {
      footer: 'Waktu dalam zona WITA.',
      Padang: '10.00–18.00 WITA (di lokasi 09.00 WIB)',
      Makassar: '09.00–17.00 WITA',
      Jayapura: '08.00–16.00 WITA (di lokasi 09.00 WIT)',
    },
    Papua: {
      footer: 'Waktu dalam zona WIT.',
      Padang: '11.00–19.00 WIT (di lokasi 09.00 WIB)',
      Makassar: '10.00–18.00 WIT (di lokasi 09.00 WITA)',
      Jayapura: '09.00–17.00 WIT',
    },
    // Someone not registered yet reads each session in its venue's zone.
    unlinked: {
      footer: 'Waktu dalam zona waktu setempat.',
      Padang: '09.00–17.00 WIB',
      Makassar: '09.00–17.00 WITA',
      Jayapura: '09.00–17.00 WIT',
    },
  }

  async function seedZones(db: Db, now: Date) {
    const day = morningIn(now, 10)
    const at = (hoursUtc: number) => new Date(day.getTime() + (hoursUtc - 2) * HOUR)
    return {
      Padang: await addSession(db, now, { code: 'PDG', title: 'Bimtek di Padang', region: 'R1', startsAt: at(2) }),
      Makassar: await addSession(db, now, { code: 'MKS', title: 'Bimtek di Makassar', region: 'R5', startsAt: at(1) }),
      Jayapura: await addSession(db, now, { code: 'JAP', title: 'Bimtek di Jayapura', region: 'R6', startsAt: at(0) }),
    }
  }

  /** The 🗓 line under a session's title in a schedule. */
  const whenLine = (schedule: string, title: string) => {
    const lines = schedule.split('\n')
    const index = lines.findIndex((line) => line.includes(`*${title}*`))
    return index < 0 ? undefined : lines[index + 1]
  }

  it.each(Object.keys(EXPECTED))('reader registered from: %s', async (province) => {
    const { core, clock } = await open()
    const sessions = await seedZones(core.db, clock.now())
    const c = chat(core.engine, `reader-${province}`)
    if (province !== 'unlinked') {
      expect(textOf(await register(c, { ...SITI, province }, sessions.Padang))).toContain('Pendaftaran berhasil')
    }
    const schedule = textOf(await c.say('jadwal'))
    const expected = EXPECTED[province]
    if (!expected) throw new Error(province)
    for (const place of ['Padang', 'Makassar', 'Jayapura'] as const) {
      const line = whenLine(schedule, `Bimtek di ${place}`)
      expect(line, `${place} in:\n${schedule}`).toMatch(/^ {3}🗓 [A-Z][a-z]+, \d{1,2} [A-Z][a-z]+ \d{4}, /)
      expect(line?.endsWith(`, ${expected[place]}`), `${place}: ${line}`).toBe(true)
    }
    expect(schedule).toContain(expected.footer)
  })
})

describe('the calendar', () => {
  it('the .ics file: UTC times of the session, title, place, the code in the UID, a reminder', async () => {
    const { core, clock } = await open()
    const { bandung } = await seedRegistration(core.db, clock.now())
    const replies = await register(chat(core.engine, 'ics'), SITI, bandung)
    const code = codeIn(replies)
    const session = (await core.db.select().from(bimtekSessions).where(eq(bimtekSessions.id, bandung)).limit(1))[0]
    if (!session) throw new Error('no session')
    const attachment = replies.find((reply) => reply.attachment)?.attachment
    expect(attachment).toMatchObject({ filename: `bimtek-${code}.ics`, mimeType: 'text/calendar' })
    const lines = icsLines(attachment?.bytes ?? new Uint8Array())

    expect(lines[0]).toBe('BEGIN:VCALENDAR')
    expect(lines.at(-1)).toBe('END:VCALENDAR')
    expect(lines.filter((line) => line === 'BEGIN:VEVENT')).toHaveLength(1)
    expect(lines).toContain(`DTSTART:${icsUtc(session.startsAt)}`)
    expect(lines).toContain(`DTEND:${icsUtc(session.endsAt)}`)
    // 09.00–17.00 WIB is 02.00–10.00 UTC.
    expect(icsUtc(session.startsAt)).toMatch(/T020000Z$/)
    expect(icsUtc(session.endsAt)).toMatch(/T100000Z$/)
    expect(lines).toContain(`SUMMARY:${SEEDED.bandung.title}`)
    expect(lines).toContain(`LOCATION:${SEEDED.bandung.venue.replace(/,/g, '\\,')}`)
    expect(lines).toContain(`UID:${code}@kesos-assistant`)
    expect(lines.find((line) => line.startsWith('DESCRIPTION:Kode pendaftaran'))).toContain(code)
    const alarm = lines.slice(lines.indexOf('BEGIN:VALARM'), lines.indexOf('END:VALARM') + 1)
    expect(alarm).toContain('ACTION:DISPLAY')
    // A day before, written as RFC 5545 allows ("-P1D" or "-PT24H"; "-P1DT" is not a duration).
    expect(alarm.find((line) => line.startsWith('TRIGGER:'))).toMatch(/^TRIGGER:-P(1D|T24H)$/)
  })

  it('an online session: the meeting link as the place, in the file and in the Google link', async () => {
    const { core, clock } = await open()
    const { online } = await seedRegistration(core.db, clock.now())
    const replies = await register(chat(core.engine, 'online'), { ...SITI, province: 'Sulawesi Selatan' }, online)
    const lines = icsLines(replies.find((reply) => reply.attachment)?.attachment?.bytes ?? new Uint8Array())
    expect(lines.find((line) => line.startsWith('LOCATION:'))).toContain(SEEDED.online.meetingUrl)
    const link = /https:\/\/calendar\.google\.com\/\S+/.exec(textOf(replies))?.[0] ?? ''
    expect(new URL(link).searchParams.get('location')).toContain(SEEDED.online.meetingUrl)
  })

  it('the Google Calendar link carries the session in UTC', async () => {
    const { core, clock } = await open()
    const { bandung } = await seedRegistration(core.db, clock.now())
    const replies = await register(chat(core.engine, 'google'), SITI, bandung)
    const code = codeIn(replies)
    const session = (await core.db.select().from(bimtekSessions).where(eq(bimtekSessions.id, bandung)).limit(1))[0]
    const link = /https:\/\/calendar\.google\.com\/\S+/.exec(textOf(replies))?.[0]
    expect(link).toBeDefined()
    const url = new URL(link ?? '')
    expect(url.pathname).toBe('/calendar/render')
    expect(url.searchParams.get('action')).toBe('TEMPLATE')
    expect(url.searchParams.get('dates')).toBe(
      `${icsUtc(session?.startsAt ?? new Date())}/${icsUtc(session?.endsAt ?? new Date())}`,
    )
    expect(url.searchParams.get('text')).toBe(SEEDED.bandung.title)
    expect(url.searchParams.get('details')).toContain(code)
    expect(url.searchParams.get('location')).toBe(SEEDED.bandung.venue)
  })

  it('"kalender": a file per confirmed seat whose session has not ended, soonest first; none once they are over', async () => {
    const { core, clock } = await open()
    const { bandung, small, online } = await seedRegistration(core.db, clock.now())
    const c = chat(core.engine, 'kalender')
    const code = codeIn(await register(c, SITI, bandung))
    const { personId } = await registrationOf(core.db, code)
    const now = clock.now()
    await core.db.insert(registrations).values([
      { code: 'BMT-DARING', sessionId: online, personId, status: 'confirmed', createdAt: now, updatedAt: now },
      {
        code: 'BMT-TUNGGU',
        sessionId: small,
        personId,
        status: 'waitlisted',
        waitlistedAt: now,
        createdAt: now,
        updatedAt: now,
      },
    ])

    const files = await c.say('kalender')
    expect(files.map((reply) => reply.attachment?.filename)).toEqual([`bimtek-${code}.ics`, 'bimtek-BMT-DARING.ics'])
    expect(files[0]?.text).toContain(`📅 *${SEEDED.bandung.title}* (${code})`)
    expect(files[1]?.text).toContain(`📅 *${SEEDED.online.title}* (BMT-DARING)`)
    expect(icsLines(files[1]?.attachment?.bytes ?? new Uint8Array())).toContain('UID:BMT-DARING@kesos-assistant')
    expect(files[0]?.attachment?.unsentNote).toBe(ICS_UNSENT)
    await c.say('english')
    const [english] = await c.say('calendar')
    expect(english?.attachment?.unsentNote).toBe('The calendar file could not be sent; type *calendar* to try again.')
    await c.say('bahasa indonesia')

    // The Bandung session has ended (day 10, 09.00–17.00 WIB): only the online one is left.
    clock.advance(11 * DAY)
    expect((await c.say('kalender')).map((reply) => reply.attachment?.filename)).toEqual(['bimtek-BMT-DARING.ics'])
    clock.advance(4 * DAY)
    const none = await c.say('kalender')
    expect(textOf(none)).toContain('Belum ada Bimtek mendatang dengan kursi terkonfirmasi')
    expect(none.some((reply) => reply.attachment)).toBe(false)
  })
})

const ICS_UNSENT = 'File kalender tidak terkirim; ketik *kalender* untuk mencoba lagi.'
const APOLOGY = 'Maaf, terjadi gangguan'

/** A pino logger writing its lines into an array. */
function capturedLogger() {
  const raw: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void raw.push(line) })
  return { logger, entries: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) }
}

/** Answers for a Jawa Barat person on any channel driver (the Bandung session is option 1). */
const CHANNEL_ANSWERS = ['2', '1', SITI.name, SITI.nik, SITI.birthDate]
const CHANNEL_REST = ['Jawa Barat', 'Kota Bandung', '1', 'Dinas Sosial Kota Bandung', '1', '1']

describe('on the channels', () => {
  it('Telegram sends the calendar file as a document after the confirmation', async () => {
    core = await testCore()
    await seedRegistration(core.db, new Date())
    fake = await startFakeTelegram()
    telegram = await telegramDriver({ mode: 'webhook', fake, engine: core.engine, db: core.db })
    let last: { text: string }[] = []
    for (const text of [...CHANNEL_ANSWERS, '081234567890', ...CHANNEL_REST]) last = await telegram.send(text)
    const code = /\*(BMT-[A-Z2-9]{6})\*/.exec(last.map((m) => m.text).join('\n'))?.[1]
    expect(code).toBeDefined()

    const sent = fake.sent(telegram.chatId)
    const documents = sent.filter((call) => call.method === 'sendDocument')
    expect(documents).toHaveLength(1)
    const [document] = documents
    expect(document?.file?.filename).toBe(`bimtek-${code}.ics`)
    const ics = document?.file?.bytes.toString('utf8') ?? ''
    expect(ics).toContain('BEGIN:VCALENDAR')
    expect(ics).toContain(`UID:${code}@kesos-assistant`)
    // Right after the confirmation text, not before it.
    expect(sent.at(-1)?.method).toBe('sendDocument')
    expect(String(sent.at(-2)?.payload.text)).toContain(code)
  })

  it('WhatsApp sends the calendar file as a document message', async () => {
    core = await testCore()
    await seedRegistration(core.db, new Date())
    whatsapp = await whatsappDriver({ engine: core.engine, db: core.db })
    let last: { text: string }[] = []
    for (const text of [...CHANNEL_ANSWERS, '081234567890', ...CHANNEL_REST]) last = await whatsapp.send(text)
    const code = /\*(BMT-[A-Z2-9]{6})\*/.exec(last.map((m) => m.text).join('\n'))?.[1]
    expect(code).toBeDefined()

    const sent = whatsapp.fake.current().sent.filter((message) => message.jid === whatsapp?.jid)
    const documents = sent.filter((message) => message.document)
    expect(documents).toHaveLength(1)
    expect(documents[0]?.document).toMatchObject({ fileName: `bimtek-${code}.ics`, mimetype: 'text/calendar' })
    const ics = documents[0]?.document?.bytes.toString('utf8') ?? ''
    expect(ics).toContain(`UID:${code}@kesos-assistant`)
    expect(sent.at(-1)?.document).toBeDefined()
    expect(sent.at(-2)?.text).toContain(code)
  })

  it('Telegram: a calendar file the Bot API refuses leaves the success standing, with a note and no apology; "kalender" sends it again', async () => {
    core = await testCore()
    await seedRegistration(core.db, new Date())
    fake = await startFakeTelegram()
    const log = capturedLogger()
    telegram = await telegramDriver({ mode: 'webhook', fake, engine: core.engine, db: core.db, logger: log.logger })
    const answers = [...CHANNEL_ANSWERS, '081234567890', ...CHANNEL_REST]
    for (const text of answers.slice(0, -1)) await telegram.send(text)
    fake.failNext('sendDocument', { error_code: 400, description: 'Bad Request: file must be non-empty' })
    const last = await telegram.send(answers.at(-1) ?? '')
    const code = /\*(BMT-[A-Z2-9]{6})\*/.exec(last.map((m) => m.text).join('\n'))?.[1]
    expect(code).toBeDefined()

    expect(last.map((m) => m.text)).toEqual([expect.stringContaining('✅ *Pendaftaran berhasil.*'), ICS_UNSENT])
    expect(telegram.messages().map((m) => m.text)).not.toContainEqual(expect.stringContaining(APOLOGY))
    expect(fake.calls.filter((c) => c.method === 'sendDocument').map((c) => c.failure?.error_code)).toEqual([400])
    expect(log.entries()).toContainEqual(
      expect.objectContaining({
        level: 40,
        channel: 'telegram',
        filename: `bimtek-${code}.ics`,
        error: 'Bad Request: file must be non-empty',
      }),
    )

    // The registration stands; the file comes with "kalender".
    const again = await telegram.send('kalender')
    expect(again.map((m) => m.text)).toEqual([expect.stringContaining(`(${code})`)])
    const documents = fake.sent(telegram.chatId).filter((call) => call.method === 'sendDocument')
    expect(documents.map((d) => d.file?.filename)).toEqual([`bimtek-${code}.ics`])
    expect(documents[0]?.file?.bytes.toString('utf8')).toContain(`UID:${code}@kesos-assistant`)
  })

  it('WhatsApp: a calendar file that fails after every retry leaves the success standing, with a note; "kalender" sends it again', async () => {
    core = await testCore()
    await seedRegistration(core.db, new Date())
    const log = capturedLogger()
    whatsapp = await whatsappDriver({
      engine: core.engine,
      db: core.db,
      logger: log.logger,
      retry: { attempts: 2, baseDelayMs: 1 },
    })
    const answers = [...CHANNEL_ANSWERS, '081234567890', ...CHANNEL_REST]
    for (const text of answers.slice(0, -1)) await whatsapp.send(text)
    const socket = whatsapp.fake.current()
    socket.failDocuments = 2
    const last = await whatsapp.send(answers.at(-1) ?? '')
    const code = /\*(BMT-[A-Z2-9]{6})\*/.exec(last.map((m) => m.text).join('\n'))?.[1]
    expect(code).toBeDefined()

    // The confirmation once (the retry sent only the file), then the note.
    expect(last.map((m) => m.text)).toEqual([expect.stringContaining('✅ *Pendaftaran berhasil.*'), ICS_UNSENT])
    expect(socket.sent.filter((m) => m.document)).toEqual([])
    // Not recorded as a failed answer: the answer arrived.
    expect(await core.db.select().from(outbox).where(eq(outbox.kind, 'reply'))).toEqual([])
    expect(log.entries()).toContainEqual(
      expect.objectContaining({
        level: 40,
        channel: 'whatsapp',
        filename: `bimtek-${code}.ics`,
        error: 'Media upload failed on all hosts',
      }),
    )

    const again = await whatsapp.send('kalender')
    expect(again.map((m) => m.text)).toEqual([expect.stringContaining(`(${code})`)])
    const documents = socket.sent.filter((m) => m.jid === whatsapp?.jid && m.document)
    expect(documents.map((m) => m.document?.fileName)).toEqual([`bimtek-${code}.ics`])
    expect(documents[0]?.document?.bytes.toString('utf8')).toContain(`UID:${code}@kesos-assistant`)
  })

  it("WhatsApp offers the sender's own number as option 1, and choosing it stores that number", async () => {
    core = await testCore()
    await seedRegistration(core.db, new Date())
    whatsapp = await whatsappDriver({ engine: core.engine, db: core.db, jid: '6281298765432@s.whatsapp.net' })
    for (const text of CHANNEL_ANSWERS.slice(0, -1)) await whatsapp.send(text)
    const [question] = await whatsapp.send(SITI.birthDate)
    expect(question?.text).toContain('Pilih 1 untuk memakai nomor WhatsApp ini, atau ketik nomor lain.')
    expect(question?.options).toEqual(['Pakai nomor ini (+62 812-****-5432)'])
    const [next] = await whatsapp.tap('Pakai nomor ini (+62 812-****-5432)')
    expect(next?.text).toContain('Langkah 6 dari 10')
    let summary: { text: string }[] = []
    for (const text of CHANNEL_REST.slice(0, -1)) summary = await whatsapp.send(text)
    expect(summary[0]?.text).toContain('• Nomor HP: +62 812-****-5432')
    await whatsapp.send('1')

    const person = (await core.db.select().from(people).where(eq(people.fullName, SITI.name)).limit(1))[0]
    expect(person?.phoneE164).toBe('+6281298765432')
    expect((await core.db.select().from(channelIdentities).limit(1))[0]).toMatchObject({
      channel: 'whatsapp',
      personId: person?.id,
    })
  })

  it("WhatsApp does not offer a sender's number the step would refuse (not an Indonesian mobile)", async () => {
    core = await testCore()
    await seedRegistration(core.db, new Date())
    whatsapp = await whatsappDriver({ engine: core.engine, db: core.db, jid: '447911123456@s.whatsapp.net' })
    for (const text of CHANNEL_ANSWERS.slice(0, -1)) await whatsapp.send(text)
    const [question] = await whatsapp.send(SITI.birthDate)
    expect(question?.text).toContain('Nomor HP/WhatsApp Anda? (contoh: 0812-3456-7890)')
    expect(question?.options).toEqual([])
    const [next] = await whatsapp.send('0812 3456 7890')
    expect(next?.text).toContain('Langkah 6 dari 10')
  })
})

describe('the waiting list with a clock', () => {
  /** A one-seat session (14 days ahead) with A confirmed and B, C, D waiting, in that order. */
  async function fullSession(options: { closesInMs?: number } = {}) {
    const { core, clock } = await open()
    const now = clock.now()
    const session = await addSession(core.db, now, {
      code: 'ONE',
      title: 'Bimtek Satu Kursi',
      capacity: 1,
      startsAt: morningIn(now, 14),
      ...(options.closesInMs !== undefined && { registrationClosesAt: new Date(now.getTime() + options.closesInMs) }),
    })
    const persons = { A: SITI, B: BUDI, C: TIA, D: DODI }
    const chats = {} as Record<keyof typeof persons, Chat>
    const codes = {} as Record<keyof typeof persons, string>
    for (const [key, person] of Object.entries(persons) as [keyof typeof persons, Person][]) {
      chats[key] = chat(core.engine, `chat-${key}`)
      codes[key] = codeIn(await register(chats[key], person, session))
      clock.advance(60_000)
    }
    return { core, clock, session, chats, codes }
  }

  const status = async (db: Db, code: string) => (await registrationOf(db, code)).status
  const position = async (db: Db, code: string) => waitlistPosition(db, await registrationOf(db, code))
  const queued = async (db: Db, kind: string) => await db.select().from(outbox).where(eq(outbox.kind, kind))

  async function cancel(c: Chat, code: string) {
    expect(textOf(await c.say(`batal ${code}`))).toContain(`Batalkan pendaftaran *${code}*?`)
    return textOf(await c.say('ya'))
  }

  it('seats freed while people wait go to them, not to a newcomer (e.g. the capacity was raised)', async () => {
    const { core, clock, session, codes } = await fullSession()
    await core.db.update(bimtekSessions).set({ capacity: 2 }).where(eq(bimtekSessions.id, session))
    // A newcomer registering now joins the end of the list: the free seat belongs to B.
    const newcomer = chat(core.engine, 'chat-E')
    const late = textOf(
      await register(newcomer, { name: 'Eka Putri', nik: '3273015102900005', birthDate: '11-02-1990' }, session),
    )
    expect(late).toContain('urutan ke-4')
    // The next scheduler run offers the free seat to B, first on the list.
    expect(await expireSeatOffers(core.db, clock.now(), OFFER_HOURS)).toEqual({ expired: 0, offered: 1 })
    expect(await status(core.db, codes.B)).toBe('offered')
    expect((await queued(core.db, 'seat_offer')).map((row) => row.chatId)).toEqual(['chat-B'])
  })

  it('the list is kept in order of arrival', async () => {
    const { core, codes } = await fullSession()
    expect(await status(core.db, codes.A)).toBe('confirmed')
    expect(await Promise.all([codes.B, codes.C, codes.D].map((code) => position(core.db, code)))).toEqual([1, 2, 3])
  })

  it('a cancelled seat is offered to the first waiting for 12 hours; "ya" takes it, with the calendar', async () => {
    const { core, clock, chats, codes } = await fullSession()
    expect(await cancel(chats.A, codes.A)).toContain(`Pendaftaran *${codes.A}* sudah dibatalkan`)

    expect(await status(core.db, codes.A)).toBe('cancelled')
    expect(await registrationOf(core.db, codes.B)).toMatchObject({
      status: 'offered',
      offerExpiresAt: new Date(clock.now().getTime() + OFFER_HOURS * HOUR),
    })
    const offers = await queued(core.db, 'seat_offer')
    expect(offers).toHaveLength(1)
    expect(offers[0]).toMatchObject({ channel: 'console', chatId: 'chat-B', status: 'pending', dueAt: clock.now() })
    const offerText = (JSON.parse(offers[0]?.payload ?? '{}') as Reply).text
    expect(offerText).toContain('Ada kursi kosong untuk Anda!')
    expect(offerText).toContain('Balas *YA*')
    expect(offerText).toContain(codes.B)
    // Promoted: no longer on the list, and everyone behind moves up.
    expect(await position(core.db, codes.B)).toBeUndefined()
    expect(await Promise.all([codes.C, codes.D].map((code) => position(core.db, code)))).toEqual([1, 2])
    expect(textOf(await chats.B.say('registrasi saya'))).toContain('ditawari kursi, menunggu jawaban Anda')
    expect(textOf(await chats.C.say('registrasi saya'))).toContain('daftar tunggu, urutan ke-1')
    // Someone else's "ya" takes nothing.
    await chats.C.say('ya')
    expect(await status(core.db, codes.C)).toBe('waitlisted')

    clock.advance(11 * HOUR)
    const taken = await chats.B.say('ya')
    expect(textOf(taken)).toContain(`Kursi Anda sudah kami simpan. Kode pendaftaran: *${codes.B}*`)
    expect(textOf(taken)).toContain('File kalender terlampir')
    const attachment = taken.find((reply) => reply.attachment)?.attachment
    expect(attachment?.filename).toBe(`bimtek-${codes.B}.ics`)
    expect(icsLines(attachment?.bytes ?? new Uint8Array())).toContain(`UID:${codes.B}@kesos-assistant`)
    expect(await registrationOf(core.db, codes.B)).toMatchObject({ status: 'confirmed', offerExpiresAt: null })
    expect(textOf(await chats.B.say('registrasi saya'))).toContain(`*${codes.B}*`)
    // Nothing else moved: the seat was taken, not offered again.
    expect(await expireSeatOffers(core.db, clock.now(), OFFER_HOURS)).toEqual({ expired: 0, offered: 0 })
    expect(await Promise.all([codes.C, codes.D].map((code) => status(core.db, code)))).toEqual(['waitlisted', 'waitlisted'])
  })

  it('an offer left unanswered expires after 12 hours: the person is told, the next one is asked', async () => {
    const { core, clock, chats, codes } = await fullSession()
    await cancel(chats.A, codes.A)
    expect(await status(core.db, codes.B)).toBe('offered')

    clock.advance(OFFER_HOURS * HOUR - 60_000)
    expect(await expireSeatOffers(core.db, clock.now(), OFFER_HOURS)).toEqual({ expired: 0, offered: 0 })
    clock.advance(2 * 60_000)
    expect(await expireSeatOffers(core.db, clock.now(), OFFER_HOURS)).toEqual({ expired: 1, offered: 1 })

    expect(await status(core.db, codes.B)).toBe('cancelled')
    const expired = await queued(core.db, 'seat_offer_expired')
    expect(expired).toHaveLength(1)
    expect(expired[0]?.chatId).toBe('chat-B')
    expect((JSON.parse(expired[0]?.payload ?? '{}') as Reply).text).toContain(
      `Waktu untuk mengambil kursi Bimtek (${codes.B}) sudah lewat`,
    )
    expect(await registrationOf(core.db, codes.C)).toMatchObject({
      status: 'offered',
      offerExpiresAt: new Date(clock.now().getTime() + OFFER_HOURS * HOUR),
    })
    expect((await queued(core.db, 'seat_offer')).map((row) => row.chatId)).toEqual(['chat-B', 'chat-C'])
    expect(await position(core.db, codes.D)).toBe(1)
    // Running the tick again changes nothing; B's late "ya" takes nothing.
    expect(await expireSeatOffers(core.db, clock.now(), OFFER_HOURS)).toEqual({ expired: 0, offered: 0 })
    await chats.B.say('ya')
    expect(await status(core.db, codes.B)).toBe('cancelled')
    expect(await status(core.db, codes.C)).toBe('offered')
  })

  it('an offer never outlasts the registration window, and no seat is offered once it has closed', async () => {
    const { core, clock, chats, codes, session } = await fullSession({ closesInMs: 2 * DAY })
    const closesAt = (await core.db.select().from(bimtekSessions).where(eq(bimtekSessions.id, session)).limit(1))[0]
      ?.registrationClosesAt
    // Three hours before the close: B's offer ends with the window, not 12 hours later.
    clock.advance(2 * DAY - 3 * HOUR - 4 * 60_000)
    await cancel(chats.A, codes.A)
    expect(await registrationOf(core.db, codes.B)).toMatchObject({ status: 'offered', offerExpiresAt: closesAt })

    // The window closes: B's offer expires and nobody else is asked.
    clock.advance(3 * HOUR)
    expect(await expireSeatOffers(core.db, clock.now(), OFFER_HOURS)).toEqual({ expired: 1, offered: 0 })
    expect(await Promise.all([codes.C, codes.D].map((code) => status(core.db, code)))).toEqual(['waitlisted', 'waitlisted'])
    expect(await queued(core.db, 'seat_offer')).toHaveLength(1)
  })

  it('a cancellation after the close frees the seat but offers it to nobody; after the start it is refused', async () => {
    const { core, clock, chats, codes } = await fullSession({ closesInMs: DAY })
    clock.advance(DAY)
    expect(await cancel(chats.A, codes.A)).toContain('sudah dibatalkan')
    expect(await status(core.db, codes.B)).toBe('waitlisted')
    expect(await queued(core.db, 'seat_offer')).toHaveLength(0)

    clock.advance(14 * DAY)
    expect(await cancel(chats.B, codes.B)).toContain('sudah dimulai, jadi tidak bisa dibatalkan')
    expect(await status(core.db, codes.B)).toBe('waitlisted')
  })
})
