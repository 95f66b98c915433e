/**
 * One list of yes and no words for every question: the words themselves, and what they do where
 * the list widened an answer (the consent, a seat offer).
 */
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { planReminders } from '../../src/core/reminders/plan.js'
import { isNo, isYes, yesNoIn } from '../../src/core/text/yes-no.js'
import type { Reply } from '../../src/core/types.js'
import { closeDatabase } from '../../src/db/client.js'
import { channelIdentities, consentRecords, handoffRequests, registrations } from '../../src/db/schema.js'
import { chat } from '../support/chat.js'
import { fakeClock, inbound, testCore } from '../support/core.js'
import { linkTo, personalCores } from '../support/personal.js'
import { addPerson, DAY, HOUR } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'
import { SITI, seedRegistration } from '../transcripts/registration.js'

let core: Awaited<ReturnType<typeof testCore>> | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

const openPersonal = personalCores()
const textOf = (replies: Reply[]) => replies.map((reply) => reply.text).join('\n')

describe('the words', () => {
  it('yes as people type it, doubled letters and all', () => {
    for (const word of ['ya', 'y', 'iya', 'iyaa', 'yes', 'ok', 'oke', 'okee', 'setuju', 'boleh', 'betul', 'siap', 'lanjut']) {
      expect([word, isYes(word), isNo(word)]).toEqual([word, true, false])
    }
  })

  it('no as people type it', () => {
    for (const word of ['tidak', 'tdk', 'gak', 'nggak', 'enggak', 'no', 'belum', 'jangan', 'tidak jadi']) {
      expect([word, isYes(word), isNo(word)]).toEqual([word, false, true])
    }
  })

  it('neither: words of their own questions, and more than the answer', () => {
    for (const text of ['hadir', 'ambil', 'kirim', 'mungkin', 'ya kak', 'yak'])
      expect([text, isYes(text), isNo(text)]).toEqual([text, false, false])
  })
})

describe('the answers', () => {
  it('"belum setuju" to the consent is a refusal, not a consent', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    await seedRegistration(core.db, clock.now())
    await core.engine.handle(inbound('daftar', { chatId: 'ragu', userId: 'ragu' }))
    const replies = await core.engine.handle(inbound('belum setuju', { chatId: 'ragu', userId: 'ragu' }))
    expect(textOf(replies)).toContain('tidak ada data Anda yang disimpan')
    expect(await core.db.select().from(consentRecords)).toEqual([])
  })

  it('"siap" to the consent goes on to the first question', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    await seedRegistration(core.db, clock.now())
    await core.engine.handle(inbound('daftar', { chatId: 'siap', userId: 'siap' }))
    expect(textOf(await core.engine.handle(inbound('siap', { chatId: 'siap', userId: 'siap' })))).toContain('Langkah 2 dari 10')
  })

  it('"oke" takes an offered seat, like "ya"', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    const session = await addSession(core.db, clock.now(), {
      code: 'BDG-OFFER',
      capacity: 1,
      startsAt: new Date(clock.now().getTime() + 10 * DAY),
    })
    const person = await addPerson(core.db, { chats: [{ channel: 'console', chatId: 'ditawari' }] })
    const offered = { code: 'BMT-OFFER1', sessionId: session, personId: person, status: 'offered' as const }
    await core.db.insert(registrations).values({ ...offered, offerExpiresAt: new Date(clock.now().getTime() + 12 * HOUR) })

    const replies = await core.engine.handle(inbound('oke', { chatId: 'ditawari', userId: 'ditawari' }))
    expect(textOf(replies)).toContain('Kursi Anda sudah kami simpan. Kode pendaftaran: *BMT-OFFER1*')
    expect((await core.db.select().from(registrations).where(eq(registrations.code, 'BMT-OFFER1')).limit(1))[0]?.status).toBe(
      'confirmed',
    )
  })
})

describe('in the regional languages people mix in', () => {
  it('yes in Javanese, Sundanese, Minang, Betawi, Makassar, Papua and Ambon Malay, English', () => {
    for (const word of [
      'nggih',
      'inggih',
      'enggih',
      'iyo',
      'muhun',
      'sumuhun',
      'enya',
      'leres',
      'iye',
      'iyye',
      'io',
      'yoi',
      'hooh',
      'heeh',
      'yeah',
      'sure',
    ])
      expect([word, isYes(word), isNo(word)]).toEqual([word, true, false])
    // "ho'oh" and "he'eh" as normalizeInput leaves them; "oke lah" as a whole answer.
    for (const answer of ['ho oh', 'he eh', 'oke lah'])
      expect([answer, isYes(answer), yesNoIn(answer)]).toEqual([answer, true, 'yes'])
  })

  it('no and not yet: Javanese, Sundanese, Minang, Betawi, Banjar, Makassar, Papua, Kupang, Balinese, English', () => {
    for (const word of [
      'ora',
      'orak',
      'mboten',
      'boten',
      'dereng',
      'durung',
      'henteu',
      'hente',
      'teu',
      'embung',
      'moal',
      'indak',
      'ndak',
      'nda',
      'kada',
      'kagak',
      'kaga',
      'tra',
      'sonde',
      'tusing',
      'nope',
    ])
      expect([word, isYes(word), isNo(word)]).toEqual([word, false, true])
    expect(yesNoIn('teu acan')).toBe('no')
  })

  it('a word that is no in one language and another word elsewhere counts only as the whole answer', () => {
    // Balinese "sing" and Ambonese "seng"/"sang" are no; Javanese "sing penting …" is "what matters is …".
    for (const word of ['sing', 'seng', 'sang', 'alun', 'kadada', 'trada']) expect([word, yesNoIn(word)]).toEqual([word, 'no'])
    expect(yesNoIn('sing penting setuju')).toBe('yes')
    expect(yesNoIn('kadada masalah, setuju')).toBe('yes')
    // Javanese "yo" and "mau", "bisa" alone are yes; in a sentence they are other words ("yo opo" = how).
    for (const word of ['yo', 'mau', 'bisa', 'jadi']) expect([word, yesNoIn(word)]).toEqual([word, 'yes'])
    expect(yesNoIn('yo opo iki')).toBeUndefined()
    expect(yesNoIn('mau tanya dulu')).toBeUndefined()
    // Papuan "dong" is "they", not a yes or a no; "heh" is an exclamation, not "he'eh".
    expect([yesNoIn('dong'), yesNoIn('heh')]).toEqual([undefined, undefined])
  })

  it('the consent answered "nggih" goes on; "mboten" and "dereng setuju" store nothing', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    await seedRegistration(core.db, clock.now())
    const jawa = chat(core.engine, 'jawa')
    await jawa.say('daftar')
    expect(textOf(await jawa.say('nggih'))).toContain('Langkah 2 dari 10')
    for (const refusal of ['mboten', 'dereng setuju', 'henteu']) {
      const person = chat(core.engine, refusal)
      await person.say('daftar')
      expect([refusal, textOf(await person.say(refusal))]).toEqual([
        refusal,
        expect.stringContaining('tidak ada data Anda yang disimpan'),
      ])
    }
    expect(await core.db.select().from(consentRecords)).toEqual([])
  })

  it('a registration summary answered "muhun" registers; "mboten" does not', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    await seedRegistration(core.db, clock.now())
    const sunda = chat(core.engine, 'sunda')
    const seeded = (await core.db.select().from(registrations)).length
    for (const answer of [
      'daftar',
      'muhun',
      SITI.name,
      SITI.nik,
      SITI.birthDate,
      '081234567890',
      'Jawa Barat',
      'Kota Bandung',
      '1',
      'Dinas Sosial Kota Bandung',
    ])
      await sunda.say(answer)
    expect(textOf(await sunda.say('1'))).toContain('Periksa data pendaftaran Anda')
    expect(textOf(await sunda.say('mboten'))).not.toContain('Pendaftaran berhasil')
    expect(await core.db.select().from(registrations)).toHaveLength(seeded)
    expect(textOf(await sunda.say('muhun'))).toContain('Pendaftaran berhasil')
    expect(await core.db.select().from(registrations)).toHaveLength(seeded + 1)
  })

  it('"enya" takes an offered seat', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    const session = await addSession(core.db, clock.now(), {
      code: 'BDG-ENYA',
      capacity: 1,
      startsAt: new Date(clock.now().getTime() + 10 * DAY),
    })
    const person = await addPerson(core.db, { chats: [{ channel: 'console', chatId: 'enya' }] })
    await core.db.insert(registrations).values({
      code: 'BMT-ENYA01',
      sessionId: session,
      personId: person,
      status: 'offered',
      offerExpiresAt: new Date(clock.now().getTime() + 12 * HOUR),
    })
    expect(textOf(await chat(core.engine, 'enya').say('enya'))).toContain('Kursi Anda sudah kami simpan')
    expect((await core.db.select().from(registrations).where(eq(registrations.code, 'BMT-ENYA01')).limit(1))[0]?.status).toBe(
      'confirmed',
    )
  })

  it('a yes/no option typed in Balinese and Sundanese: "sing" keeps the reminders, "muhun" turns them off', async () => {
    const personal = await openPersonal()
    await linkTo(personal.db, { channel: 'console', id: 'bali' }, personal.seed.ratna, personal.clock.now())
    await planReminders(personal.db, [personal.seed.ratna], personal.clock.now(), personal.reminderSettings)
    const bali = chat(personal.engine, 'bali')
    const on = async () =>
      (await personal.db.select().from(channelIdentities).where(eq(channelIdentities.userId, 'bali')).limit(1))[0]
        ?.remindersEnabled
    await bali.say('jangan kirim pengingat lagi')
    expect(textOf(await bali.say('sing'))).toContain('Baik, pengingat tetap menyala.')
    expect(await on()).toBe(true)
    await bali.say('jangan kirim pengingat lagi')
    expect(textOf(await bali.say('muhun'))).toContain('Pengingat dimatikan')
    expect(await on()).toBe(false)
  })

  it('a request to staff confirmed "nggih", and the talk ended with "inggih" after "selesai"', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    const jawa = chat(core.engine, 'petugas')
    for (const answer of ['6', '2', 'Kapan hasil ujian saya keluar?', 'Siti Rahma', '081234567890', 'Jawa Tengah'])
      await jawa.say(answer)
    expect(textOf(await jawa.say('nggih'))).toMatch(/PTG-[A-Z2-9]{6}/)
    await jawa.say('selesai')
    expect(textOf(await jawa.say('mboten'))).toContain('percakapan dengan petugas berlanjut')
    await jawa.say('selesai')
    expect(textOf(await jawa.say('inggih'))).toContain('sudah diakhiri')
    expect((await core.db.select().from(handoffRequests).limit(1))[0]?.status).toBe('closed')
  })
})
