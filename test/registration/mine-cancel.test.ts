/**
 * Issue 20: "kode pendaftaran sy apa ya" and "batalin pendaftaran sy dong" in one sentence. A
 * linked chat gets its registrations or the cancel confirmation at once; an unlinked one proves who
 * it is first (the WhatsApp number on record, or NIK/code + birth date + a factor), then gets the
 * same. Without a code: one registration is asked about, several are offered one by one, none is
 * said. The typed commands ("registrasi saya", "batal <kode>") behave as before.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/client.js'
import { personOfChat } from '../../src/db/queries/chat-links.js'
import { registrations } from '../../src/db/schema.js'
import { chat, choiceIds, textOf } from '../support/chat.js'
import { linkTo, personalCores } from '../support/personal.js'
import { addSession } from '../support/sessions.js'
import { PAULUS, RATNA } from '../transcripts/status.js'

const DAY = 86_400_000
const MINE = 'kode pendaftaran sy apa ya'
const CANCEL = 'batalin pendaftaran sy dong'
const IDENTIFIER = 'Ketik NIK Anda (16 angka di KTP), atau kode pendaftaran Bimtek Anda'
const PHONE_PROOF = 'Nomor WhatsApp ini tercatat di data sertifikasi'

const open = personalCores()

const statusOf = async (db: Db, code: string) =>
  (await db.select({ status: registrations.status }).from(registrations).where(eq(registrations.code, code)).limit(1))[0]?.status

/** A second confirmed registration of Paulus, in a session 20 days ahead. */
async function secondRegistration(db: Db, now: Date, personId: number): Promise<string> {
  const session = await addSession(db, now, { code: 'JPR-KEDUA', region: 'R6', startsAt: new Date(now.getTime() + 20 * DAY) })
  await db.insert(registrations).values({ code: 'BMT-PAUL33', sessionId: session, personId, status: 'confirmed' })
  return 'BMT-PAUL33'
}

describe('registration.mine: "kode pendaftaran sy apa ya"', () => {
  it("a linked chat gets its registrations at once: code, session, time in the person's zone (WIT)", async () => {
    const { engine, seed, clock, db } = await open()
    await linkTo(db, { channel: 'console', id: 'paulus' }, seed.paulus, clock.now())
    const text = textOf(await chat(engine, 'paulus').say(MINE))
    expect(text).toContain('*Pendaftaran Bimtek Anda*')
    expect(text).toContain(`*${PAULUS.code}*`)
    expect(text).toContain('Bimtek Sertifikasi JPR-STATUS')
    expect(text).toContain('WIT')
    expect(text).toContain(`batal ${PAULUS.code}`)
  })

  it('several registrations: all of them, soonest first, and no question asked', async () => {
    const { engine, seed, clock, db } = await open()
    const second = await secondRegistration(db, clock.now(), seed.paulus)
    await linkTo(db, { channel: 'console', id: 'paulus' }, seed.paulus, clock.now())
    const replies = await chat(engine, 'paulus').say(MINE)
    const text = textOf(replies)
    expect(text).toContain(`1. *${PAULUS.code}*`)
    expect(text).toContain(`2. *${second}*`)
    expect(choiceIds(replies)).not.toContain(`regcancel:yes:${PAULUS.code}`)
  })

  it('a linked chat without registrations is told there are none', async () => {
    const { engine, seed, clock, db } = await open()
    await linkTo(db, { channel: 'console', id: 'ratna' }, seed.ratna, clock.now())
    expect(textOf(await chat(engine, 'ratna').say(MINE))).toContain('Belum ada pendaftaran Bimtek dari akun chat ini')
  })

  it('an unlinked WhatsApp chat from the number on record: the birth date first, then the list (and the chat is linked)', async () => {
    const { engine, seed, clock, db } = await open()
    const jid = '6289911110002@s.whatsapp.net'
    const paulus = chat(engine, jid, { channel: 'whatsapp', senderPhone: PAULUS.phone })
    const asked = textOf(await paulus.say(MINE))
    expect(asked).toContain(PHONE_PROOF)
    expect(asked).not.toContain(PAULUS.code)
    const list = textOf(await paulus.say(PAULUS.birthDate))
    expect(list).toContain(`*${PAULUS.code}*`)
    expect(await personOfChat(db, 'whatsapp', jid, clock.now())).toBe(seed.paulus)
  })

  it('an unlinked Telegram chat: NIK, birth date and its own number as the factor, then the list', async () => {
    const { engine } = await open()
    const telegram = chat(engine, '700100', { channel: 'telegram' })
    const asked = textOf(await telegram.say(MINE))
    expect(asked).toContain(IDENTIFIER)
    expect(asked).not.toContain(PAULUS.code)
    await telegram.say(PAULUS.nik)
    const factor = textOf(await telegram.say(PAULUS.birthDate))
    expect(factor).toContain('saya perlu satu bukti lagi')
    expect(factor).not.toContain(PAULUS.code)
    const list = await chat(engine, '700100', { channel: 'telegram', contact: { phone: PAULUS.phone, own: true } }).say('')
    expect(textOf(list)).toContain(`*${PAULUS.code}*`)
  })

  it('the typed "registrasi saya" is unchanged: an unlinked chat is told it has none, no proof is asked', async () => {
    const { engine } = await open()
    const text = textOf(await chat(engine, 'stranger').say('registrasi saya'))
    expect(text).toContain('Belum ada pendaftaran Bimtek dari akun chat ini')
    expect(text).not.toContain(IDENTIFIER)
  })
})

describe('registration.cancel: "batalin pendaftaran sy dong"', () => {
  it('one registration: its confirmation at once; "ya" cancels it', async () => {
    const { engine, seed, clock, db } = await open()
    await linkTo(db, { channel: 'console', id: 'paulus' }, seed.paulus, clock.now())
    const paulus = chat(engine, 'paulus')
    const asked = await paulus.say(CANCEL)
    expect(textOf(asked)).toContain(`Batalkan pendaftaran *${PAULUS.code}*?`)
    expect(choiceIds(asked)).toEqual([`regcancel:yes:${PAULUS.code}`, `regcancel:no:${PAULUS.code}`])
    expect(await statusOf(db, PAULUS.code)).toBe('confirmed')
    expect(textOf(await paulus.say('ya'))).toContain(`Pendaftaran *${PAULUS.code}* sudah dibatalkan`)
    expect(await statusOf(db, PAULUS.code)).toBe('cancelled')
  })

  it('one registration, answered "tidak": it stays', async () => {
    const { engine, seed, clock, db } = await open()
    await linkTo(db, { channel: 'console', id: 'paulus' }, seed.paulus, clock.now())
    const paulus = chat(engine, 'paulus')
    await paulus.say(CANCEL)
    expect(textOf(await paulus.say('tidak'))).toContain(`pendaftaran ${PAULUS.code} tetap berlaku`)
    expect(await statusOf(db, PAULUS.code)).toBe('confirmed')
  })

  it('several registrations: one "Batalkan BMT-…" choice each; the one chosen is asked about, then cancelled alone', async () => {
    const { engine, seed, clock, db } = await open()
    const second = await secondRegistration(db, clock.now(), seed.paulus)
    await linkTo(db, { channel: 'console', id: 'paulus' }, seed.paulus, clock.now())
    const paulus = chat(engine, 'paulus')
    const list = await paulus.say(CANCEL)
    expect(textOf(list)).toContain('Pendaftaran mana yang ingin dibatalkan?')
    expect(list.at(-1)?.choices).toEqual([
      { id: `regcancel:ask:${PAULUS.code}`, label: `Batalkan ${PAULUS.code}` },
      { id: `regcancel:ask:${second}`, label: `Batalkan ${second}` },
    ])
    // Typed as its number, like any offered option.
    const asked = await paulus.say('2')
    expect(textOf(asked)).toContain(`Batalkan pendaftaran *${second}*?`)
    await paulus.say('ya')
    expect(await statusOf(db, second)).toBe('cancelled')
    expect(await statusOf(db, PAULUS.code)).toBe('confirmed')
  })

  it('a "Batalkan BMT-…" button from an older message still asks first', async () => {
    const { engine, seed, clock, db } = await open()
    await secondRegistration(db, clock.now(), seed.paulus)
    await linkTo(db, { channel: 'console', id: 'paulus' }, seed.paulus, clock.now())
    const paulus = chat(engine, 'paulus')
    await paulus.say(CANCEL)
    await paulus.say('menu')
    expect(textOf(await paulus.choose(`regcancel:ask:${PAULUS.code}`))).toContain(`Batalkan pendaftaran *${PAULUS.code}*?`)
    expect(await statusOf(db, PAULUS.code)).toBe('confirmed')
  })

  it('no registration: said so, nothing to confirm', async () => {
    const { engine, seed, clock, db } = await open()
    await linkTo(db, { channel: 'console', id: 'ratna' }, seed.ratna, clock.now())
    const replies = await chat(engine, 'ratna').say(CANCEL)
    expect(textOf(replies)).toContain('Belum ada pendaftaran Bimtek dari akun chat ini')
    expect(choiceIds(replies)).toEqual([])
  })

  it('only a session that has started: it cannot be cancelled in the chat, and the person is told why', async () => {
    const { engine, seed, clock, db } = await open()
    await linkTo(db, { channel: 'console', id: 'paulus' }, seed.paulus, clock.now())
    clock.advance(14 * DAY + 3_600_000)
    const replies = await chat(engine, 'paulus').say(CANCEL)
    expect(textOf(replies)).toContain('Tidak ada pendaftaran Bimtek yang masih bisa dibatalkan')
    expect(choiceIds(replies)).toEqual([])
  })

  it('an unlinked WhatsApp chat from the number on record: the birth date first, then the confirmation', async () => {
    const { engine, db } = await open()
    const paulus = chat(engine, '6289911110002@s.whatsapp.net', { channel: 'whatsapp', senderPhone: PAULUS.phone })
    const asked = await paulus.say(CANCEL)
    expect(textOf(asked)).toContain(PHONE_PROOF)
    expect(choiceIds(asked)).not.toContain(`regcancel:yes:${PAULUS.code}`)
    expect(textOf(await paulus.say(PAULUS.birthDate))).toContain(`Batalkan pendaftaran *${PAULUS.code}*?`)
    await paulus.say('ya')
    expect(await statusOf(db, PAULUS.code)).toBe('cancelled')
  })

  it("with a code, on an unlinked Telegram chat: proof by that code, birth date and own number, then that code's confirmation", async () => {
    const { engine, seed, clock, db } = await open()
    await secondRegistration(db, clock.now(), seed.paulus)
    const telegram = chat(engine, '700200', { channel: 'telegram' })
    expect(textOf(await telegram.say('tolong batalkan BMT-PAUL22 ya'))).toContain(IDENTIFIER)
    await telegram.say(PAULUS.code)
    expect(textOf(await telegram.say(PAULUS.birthDate))).toContain('saya perlu satu bukti lagi')
    const asked = await chat(engine, '700200', { channel: 'telegram', contact: { phone: PAULUS.phone, own: true } }).say('')
    // The code typed in the sentence, not the choice among the two registrations.
    expect(textOf(asked)).toContain(`Batalkan pendaftaran *${PAULUS.code}*?`)
    expect(textOf(await telegram.say('ya'))).toContain(`Pendaftaran *${PAULUS.code}* sudah dibatalkan`)
    expect(await statusOf(db, 'BMT-PAUL33')).toBe('confirmed')
  })

  it("with a code, on an unlinked WhatsApp chat from the number on record: the birth date, then that code's confirmation", async () => {
    const { engine, seed, clock, db } = await open()
    await secondRegistration(db, clock.now(), seed.paulus)
    const paulus = chat(engine, '6289911110002@s.whatsapp.net', { channel: 'whatsapp', senderPhone: PAULUS.phone })
    expect(textOf(await paulus.say('tolong batalkan BMT-PAUL22 ya'))).toContain(PHONE_PROOF)
    expect(textOf(await paulus.say(PAULUS.birthDate))).toContain(`Batalkan pendaftaran *${PAULUS.code}*?`)
  })

  it("someone else's code after proof: the same answer as a wrong code, nothing cancelled", async () => {
    const { engine, db } = await open()
    const ratna = chat(engine, '6289911110001@s.whatsapp.net', { channel: 'whatsapp', senderPhone: RATNA.phone })
    await ratna.say('tolong batalkan BMT-PAUL22 ya')
    expect(textOf(await ratna.say(RATNA.birthDate))).toContain(`Kode ${PAULUS.code} tidak ditemukan`)
    expect(await statusOf(db, PAULUS.code)).toBe('confirmed')
  })

  it('the typed "batal BMT-…" is unchanged: an unlinked chat is told the code is not among its registrations', async () => {
    const { engine } = await open()
    const text = textOf(await chat(engine, 'stranger').say(`batal ${PAULUS.code}`))
    expect(text).toContain(`Kode ${PAULUS.code} tidak ditemukan`)
    expect(text).not.toContain(IDENTIFIER)
  })
})

describe('in English', () => {
  it("several registrations: the question and the choices are in the chat's language", async () => {
    const { engine, seed, clock, db } = await open()
    const second = await secondRegistration(db, clock.now(), seed.paulus)
    await linkTo(db, { channel: 'console', id: 'paulus' }, seed.paulus, clock.now())
    const paulus = chat(engine, 'paulus')
    await paulus.say('english')
    const list = await paulus.say(CANCEL)
    expect(textOf(list)).toContain('*Your Bimtek registrations*')
    expect(textOf(list)).toContain('Which registration do you want to cancel?')
    expect(list.at(-1)?.choices?.map((choice) => choice.label)).toEqual([`Cancel ${PAULUS.code}`, `Cancel ${second}`])
  })
})
