/**
 * Identification is not authentication: NIK + birth date (both on any KTP copy) identify a record;
 * access needs a possession factor (the sender's own number as the channel vouches for it, a
 * Telegram contact of the account itself, or a one-time code sent over WhatsApp to the phone on
 * record). Driven through the engine on a fake clock (Monday 23 November 2026, 09.00 WIB).
 */
import { and, eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { subjectOf } from '../../src/core/identity/lockout.js'
import { CODE_TTL_MS } from '../../src/core/identity/one-time-code.js'
import { FRESH_MS } from '../../src/core/identity/proof.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { importStatus } from '../../src/core/status/import.js'
import type { Inbound, Reply } from '../../src/core/types.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
import { personOfChat } from '../../src/db/queries/chat-links.js'
import {
  channelIdentities,
  handoffRequests,
  identityAttempts,
  identityCodes,
  outbox,
  people,
  registrations,
} from '../../src/db/schema.js'
import { type Chat, chat, textOf } from '../support/chat.js'
import { fakeClock, testCore } from '../support/core.js'
import { addSession } from '../support/sessions.js'
import { statusFile } from '../support/status-csv.js'
import { PAULUS, RATNA, seedStatus, UNKNOWN_NIK, wrongCode } from '../transcripts/status.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

let core: Awaited<ReturnType<typeof testCore>> | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

async function open(options: { env?: Record<string, string>; whatsappDown?: boolean } = {}) {
  const clock = fakeClock()
  core = await testCore({ clock: clock.now, ...options })
  const seed = await seedStatus(core.db, core.vault, clock.now())
  return { core, clock, seed, db: core.db }
}

const STATUS = (name: string) => `*Status sertifikasi ${name}*`
const FACTOR = 'Jika data cocok, saya perlu satu bukti lagi bahwa ini memang Anda'
const choicesOf = (replies: Reply[]) => replies.flatMap((reply) => reply.choices?.map((choice) => choice.id) ?? [])

/** The codes queued to a WhatsApp number, oldest first. */
async function codesTo(db: Db, phone: string): Promise<string[]> {
  return (
    await db
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(and(eq(outbox.kind, 'identity_code'), eq(outbox.chatId, `${phone.slice(1)}@s.whatsapp.net`)))
      .orderBy(outbox.id)
  ).map((row) => /\*(\d{6})\*/.exec(JSON.parse(row.payload).text)?.[1] ?? '')
}

/** "status", the identifier and the birth date: the answer to the birth date. */
async function claim(c: Chat, identifier: string, birthDate: string, entry = 'status'): Promise<Reply[]> {
  await c.say(entry)
  await c.say(identifier)
  return c.say(birthDate)
}

describe('a KTP copy is not enough', () => {
  it('NIK and the birth date read off the NIK, from a new chat: no status, no link; the code goes to the phone on record', async () => {
    const { core, db } = await open()
    const attacker = chat(core.engine, 'attacker')
    const afterDate = await claim(attacker, RATNA.nik, RATNA.birthDate)
    expect(textOf(afterDate)).toContain(FACTOR)
    expect(textOf(afterDate)).not.toContain(RATNA.name)
    expect(await personOfChat(db, 'console', 'attacker', new Date('2026-11-23T02:00:00Z'))).toBeUndefined()

    const asked = await attacker.choose('proof:code')
    expect(textOf(asked)).toContain('Jika data cocok, kode 6 angka dikirim lewat WhatsApp ke nomor HP yang tercatat')
    // The code went to Ratna's own WhatsApp, with who asked and what to do if it was not her.
    const [message] = await db.select().from(outbox).where(eq(outbox.kind, 'identity_code'))
    expect(message?.chatId).toBe('6289911110001@s.whatsapp.net')
    const text = JSON.parse(message?.payload ?? '{}').text as string
    expect(text).toContain('lewat chat terminal petugas')
    // Valid until a time, not "for 10 minutes": it may arrive a few minutes after it was asked for.
    expect(text).toContain('Kode ini diminta pukul 10.00 WITA lewat chat terminal petugas')
    expect(text).toContain('Berlaku sampai pukul 10.10 WITA, untuk satu kali pakai.')
    expect(text).toContain('Bukan Anda yang meminta? Abaikan pesan ini')
    // Only a keyed hash of the code is stored.
    const code = (await codesTo(db, RATNA.phone))[0] ?? ''
    const stored = await db.select().from(identityCodes)
    expect(JSON.stringify(stored)).not.toContain(code)

    for (const left of [4, 3, 2, 1]) {
      expect(textOf(await attacker.say(code === '111111' ? '222222' : '111111'))).toContain(`⚠️ ${wrongCode(left)}`)
    }
    expect(textOf(await attacker.say('999999'))).toContain('Terlalu banyak percobaan')
    expect(textOf(await attacker.say('status'))).toContain('Terlalu banyak percobaan')
  })

  it('many chats cannot take turns on one NIK: five failures from five chats lock that NIK everywhere', async () => {
    const { core } = await open()
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      const c = chat(core.engine, id)
      await claim(c, PAULUS.nik, PAULUS.birthDate)
      await c.choose('proof:code')
      await c.say('000001')
    }
    const sixth = chat(core.engine, 'f')
    expect(textOf(await claim(sixth, PAULUS.nik, PAULUS.birthDate))).toContain(
      'Terlalu banyak percobaan yang tidak cocok untuk data ini',
    )
    // Another NIK from that chat is not locked: the lock is on the claim, not a verdict on it.
    const other = chat(core.engine, 'g')
    expect(textOf(await claim(other, UNKNOWN_NIK, RATNA.birthDate))).toContain(FACTOR)
  })

  it('the lock strangers cause on a NIK does not lock its owner out: their own number (WhatsApp sender, Telegram own contact) gets them in', async () => {
    const { core, seed, db, clock } = await open()
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      const c = chat(core.engine, id)
      await claim(c, PAULUS.nik, PAULUS.birthDate)
      await c.choose('proof:code')
      await c.say('000001')
    }
    expect(textOf(await claim(chat(core.engine, 'f'), PAULUS.nik, PAULUS.birthDate))).toContain(
      'Terlalu banyak percobaan yang tidak cocok untuk data ini',
    )
    // WhatsApp from the number on record, by the NIK route.
    const whatsapp = chat(core.engine, '6289911110002@s.whatsapp.net', { channel: 'whatsapp', senderPhone: PAULUS.phone })
    expect(textOf(await claim(whatsapp, PAULUS.nik, PAULUS.birthDate))).toContain(STATUS(PAULUS.name))
    expect(await personOfChat(db, 'whatsapp', '6289911110002@s.whatsapp.net', clock.now())).toBe(seed.paulus)
    // Telegram: told about the lock, and offered only the account's own number (no code while locked).
    const telegram = (over: Partial<Inbound>) => chat(core.engine, '555002', { channel: 'telegram', ...over })
    const codes = async () => (await db.select().from(identityCodes)).length
    const codesBefore = await codes()
    const held = await claim(telegram({}), PAULUS.nik, PAULUS.birthDate)
    expect(textOf(held)).toContain('Terlalu banyak percobaan yang tidak cocok untuk data ini')
    expect(held.at(-1)?.requestContact?.button).toBe('Bagikan nomor saya')
    expect(choicesOf(held)).not.toContain('proof:code')
    expect(textOf(await telegram({}).choose('proof:code'))).toContain('Terlalu banyak percobaan')
    expect(await codes()).toBe(codesBefore)
    expect(textOf(await claim(telegram({}), PAULUS.nik, PAULUS.birthDate))).toContain('Bagikan nomor saya')
    // Someone else's own number: still locked. The owner's own account: in.
    expect(textOf(await telegram({ contact: { phone: '+6281200001111', own: true } }).say(''))).toContain(
      'Terlalu banyak percobaan yang tidak cocok untuk data ini',
    )
    expect(textOf(await claim(telegram({}), PAULUS.nik, PAULUS.birthDate))).toContain('Bagikan nomor saya')
    expect(textOf(await telegram({ contact: { phone: PAULUS.phone, own: true } }).say(''))).toContain(STATUS(PAULUS.name))
    // Anyone else, with a number of their own, is still held by the lock.
    const stranger = chat(core.engine, '628555@s.whatsapp.net', { channel: 'whatsapp', senderPhone: '+628555000111' })
    expect(textOf(await claim(stranger, PAULUS.nik, PAULUS.birthDate))).toContain(
      'Terlalu banyak percobaan yang tidak cocok untuk data ini',
    )
  })
})

describe('the owner gets in', () => {
  it('on WhatsApp from the number on record: NIK and birth date, nothing more to type', async () => {
    const { core, seed, db, clock } = await open()
    const c = chat(core.engine, '6289911110002@s.whatsapp.net', { channel: 'whatsapp', senderPhone: PAULUS.phone })
    const answer = await claim(c, PAULUS.nik, PAULUS.birthDate)
    expect(textOf(answer)).toContain(STATUS(PAULUS.name))
    expect(await personOfChat(db, 'whatsapp', '6289911110002@s.whatsapp.net', clock.now())).toBe(seed.paulus)
    expect(await db.select().from(outbox).where(eq(outbox.kind, 'identity_code'))).toEqual([])
  })

  it('by the one-time code: right code in; the code cannot be used again; one code at a time; it expires', async () => {
    const { core, seed, db, clock } = await open()
    const c = chat(core.engine, 'ratna-laptop')
    await claim(c, RATNA.nik, RATNA.birthDate)
    await c.choose('proof:code')
    // Asking again within ten minutes sends nothing new.
    expect(textOf(await c.choose('proof:code'))).toContain('Kode sebelumnya masih berlaku')
    expect(await codesTo(db, RATNA.phone)).toHaveLength(1)
    const [code] = await codesTo(db, RATNA.phone)
    expect(textOf(await c.say(code ?? ''))).toContain(STATUS(RATNA.name))
    expect(await personOfChat(db, 'console', 'ratna-laptop', clock.now())).toBe(seed.ratna)

    // Unlinked, proving again: the spent code is refused, counted as a wrong try.
    await c.say('lepas akun')
    await claim(c, RATNA.nik, RATNA.birthDate)
    await c.choose('proof:code')
    expect(await codesTo(db, RATNA.phone)).toHaveLength(2)
    expect(textOf(await c.say(code ?? ''))).toContain(wrongCode(4))

    // Eleven minutes later the new code is no longer valid, and that is said (not counted).
    clock.advance(CODE_TTL_MS + MINUTE)
    const fresh = (await codesTo(db, RATNA.phone))[1] ?? ''
    expect(textOf(await c.say(fresh))).toContain('Kode itu sudah tidak berlaku')
    expect(await personOfChat(db, 'console', 'ratna-laptop', clock.now())).toBeUndefined()
    await c.choose('proof:code')
    const third = (await codesTo(db, RATNA.phone))[2] ?? ''
    expect(textOf(await c.say(third))).toContain(STATUS(RATNA.name))
  })

  it('on Telegram by sharing the account’s own contact; someone else’s contact is no proof', async () => {
    const { core, seed, db, clock } = await open()
    const telegram = (over: Partial<Inbound>) => chat(core.engine, '555001', { channel: 'telegram', ...over })
    const c = telegram({})
    const afterDate = await claim(c, RATNA.nik, RATNA.birthDate)
    expect(afterDate.at(-1)?.requestContact?.button).toBe('Bagikan nomor saya')
    expect(textOf(afterDate)).toContain('Bagikan nomor saya')
    // A forwarded or typed card of Ratna's number: refused, and not counted as a try.
    const forwarded = await telegram({ contact: { phone: RATNA.phone, own: false } }).say('')
    expect(textOf(forwarded)).toContain('Itu bukan nomor akun Telegram ini sendiri')
    expect(await personOfChat(db, 'telegram', '555001', clock.now())).toBeUndefined()
    // The account's own number, not the one on record: a failed try.
    expect(textOf(await telegram({ contact: { phone: '+6281200001111', own: true } }).say(''))).toContain(
      'Nomor itu tidak cocok dengan data kami. Sisa percobaan: 4.',
    )
    // Ratna's own account.
    expect(textOf(await telegram({ contact: { phone: RATNA.phone, own: true } }).say(''))).toContain(STATUS(RATNA.name))
    expect(await personOfChat(db, 'telegram', '555001', clock.now())).toBe(seed.ratna)
  })
})

describe('no factor possible', () => {
  it('WhatsApp down: no code is offered; "Bicara dengan petugas" carries the reason, without the NIK', async () => {
    const { core, db } = await open({ whatsappDown: true })
    const c = chat(core.engine, 'x')
    const afterDate = await claim(c, RATNA.nik, RATNA.birthDate)
    expect(textOf(afterDate)).toContain('Saat ini kode lewat WhatsApp tidak dapat dikirim.')
    expect(choicesOf(afterDate)).toEqual(['proof:staff'])
    const handoff = await c.choose('proof:staff')
    expect(textOf(handoff)).toContain('kode lewat WhatsApp sedang tidak dapat dikirim')
    expect(textOf(handoff)).toContain('Siapa nama lengkap Anda?')
    await c.say('Ratna Sari Dewi')
    await c.say('0812-3456-7890')
    await c.say('DKI Jakarta')
    await c.say('ya')
    const [request] = await db.select().from(handoffRequests)
    expect(request?.question).toContain('Mohon bantu memeriksa identitas saya')
    expect(request?.question).not.toContain(RATNA.nik)
    expect(await db.select().from(outbox).where(eq(outbox.kind, 'identity_code'))).toEqual([])
  })

  it('no phone on record: the same words as when a code goes out, and no code goes out', async () => {
    const { core, db, seed } = await open()
    await db.update(people).set({ phoneE164: null }).where(eq(people.id, seed.paulus))
    const noPhone = chat(core.engine, 'p')
    await claim(noPhone, PAULUS.nik, PAULUS.birthDate)
    const withPhone = chat(core.engine, 'r')
    await claim(withPhone, RATNA.nik, RATNA.birthDate)
    expect(await noPhone.choose('proof:code')).toEqual(await withPhone.choose('proof:code'))
    expect(await db.select().from(outbox).where(eq(outbox.kind, 'identity_code'))).toHaveLength(1)
  })
})

describe('export and deletion want a fresh factor', () => {
  it('a linked chat asked after 15 minutes proves again before the copy and before the deletion', async () => {
    const { core, db, clock, seed } = await open()
    const c = chat(core.engine, 'paulus-laptop')
    await claim(c, PAULUS.nik, PAULUS.birthDate, 'data saya')
    await c.choose('proof:code')
    expect(textOf(await c.say((await codesTo(db, PAULUS.phone))[0] ?? ''))).toContain('*Data Anda yang kami simpan*')
    // Fresh: the copy at once.
    expect((await c.choose('data:export')).at(-1)?.attachment).toBeDefined()

    clock.advance(FRESH_MS + MINUTE)
    const asked = await c.choose('data:export')
    expect(textOf(asked)).toContain('Untuk ini saya perlu memastikan sekali lagi bahwa ini memang Anda.')
    expect(asked.at(-1)?.attachment).toBeUndefined()
    // This chat proved who it is before: it is told where the code goes, the number masked.
    const masked = `0${PAULUS.phone.slice(3, 6)}-****-${PAULUS.phone.slice(-4)}`
    expect(textOf(asked)).toContain(`ke nomor Anda yang tercatat, ${masked}.`)
    expect(textOf(asked)).not.toContain(PAULUS.phone.slice(3))
    expect(textOf(await c.choose('proof:code'))).toContain(`Kode 6 angka dikirim lewat WhatsApp ke ${masked}.`)
    const copy = await c.say((await codesTo(db, PAULUS.phone))[1] ?? '')
    expect(copy.at(-1)?.attachment?.filename).toMatch(/^data-saya-/)

    clock.advance(FRESH_MS + MINUTE)
    expect(textOf(await c.say('hapus data'))).toContain('Untuk ini saya perlu memastikan sekali lagi')
    await c.choose('proof:code')
    expect(textOf(await c.say((await codesTo(db, PAULUS.phone))[2] ?? ''))).toContain('⚠️ Hapus semua data pribadi Anda?')
    // A stranger's try on his NIK, from another chat, counted under a keyed hash of it.
    const nikSubject = subjectOf(core.vault, { nikHash: core.vault.hash(PAULUS.nik) })
    await claim(chat(core.engine, 'stranger'), PAULUS.nik, PAULUS.birthDate)
    await chat(core.engine, 'stranger').choose('proof:code')
    await chat(core.engine, 'stranger').say('000001')
    expect(await db.select().from(identityAttempts).where(eq(identityAttempts.subject, nikSubject))).not.toEqual([])
    expect(textOf(await c.say('ya'))).toContain('Data pribadi Anda sudah dihapus')
    expect((await db.select().from(people).where(eq(people.id, seed.paulus)).limit(1))[0]).toBeUndefined()
    // Nothing left counts tries against him, from any chat.
    expect(await db.select().from(identityAttempts).where(eq(identityAttempts.subject, nikSubject))).toEqual([])
  })

  it('on WhatsApp from the number on record the factor is fresh at once', async () => {
    const { core, clock } = await open()
    const c = chat(core.engine, '6289911110002@s.whatsapp.net', { channel: 'whatsapp', senderPhone: PAULUS.phone })
    await claim(c, PAULUS.nik, PAULUS.birthDate, 'data saya')
    clock.advance(2 * FRESH_MS)
    expect((await c.choose('data:export')).at(-1)?.attachment).toBeDefined()
  })
})

describe('links end', () => {
  it(`after IDENTITY_LINK_DAYS, and at once when the import changes the phone on record`, async () => {
    const { core, db, clock, seed } = await open({ env: { IDENTITY_LINK_DAYS: '30' } })
    const c = chat(core.engine, '6289911110001@s.whatsapp.net', { channel: 'whatsapp', senderPhone: RATNA.phone })
    await claim(c, RATNA.nik, RATNA.birthDate)
    clock.advance(29 * DAY)
    expect(textOf(await c.say('status'))).toContain(STATUS(RATNA.name))
    clock.advance(2 * DAY)
    // 31 days after the proof: asked again (the number on record: only the birth date).
    expect(textOf(await c.say('status'))).toContain('ketik tanggal lahir Anda')
    await c.say(RATNA.birthDate)
    expect(await personOfChat(db, 'whatsapp', '6289911110001@s.whatsapp.net', clock.now())).toBe(seed.ratna)

    // The secretariat's import gives Ratna a new number: the old chat's link ends at once.
    const csv = statusFile({
      nik: RATNA.nik,
      full_name: RATNA.name,
      birth_date: RATNA.birthIso,
      phone: '0812-9999-0001',
      province: 'Sulawesi Selatan',
      regency: 'Kota Makassar',
      stage: 'portofolio',
      stage_date: '2025-05-05',
    })
    const result = await importStatus(db, csv, {
      actor: 'test',
      now: clock.now(),
      reminders: DEFAULT_REMINDER_SETTINGS,
      vault: core.vault,
    })
    expect(result).toMatchObject({ ok: true })
    expect(await personOfChat(db, 'whatsapp', '6289911110001@s.whatsapp.net', clock.now())).toBeUndefined()
  })

  it('menu 7 lists the chats linked to the person and unlinks another one', async () => {
    const { core, db, clock, seed } = await open()
    const phone = chat(core.engine, '6289911110001@s.whatsapp.net', { channel: 'whatsapp', senderPhone: RATNA.phone })
    await claim(phone, RATNA.nik, RATNA.birthDate)
    const laptop = chat(core.engine, 'laptop')
    await claim(laptop, RATNA.nik, RATNA.birthDate)
    await laptop.choose('proof:code')
    await laptop.say((await codesTo(db, RATNA.phone))[0] ?? '')

    const summary = await phone.say('data saya')
    expect(choicesOf(summary)).toContain('data:chats')
    const list = await phone.choose('data:chats')
    expect(textOf(list)).toContain('1. WhatsApp, terhubung sejak 23 November 2026 (chat ini)')
    expect(textOf(list)).toContain('2. Terminal, terhubung sejak 23 November 2026')
    const laptopRow = (await db.select().from(channelIdentities).where(eq(channelIdentities.userId, 'laptop')).limit(1))[0]
    expect(textOf(await phone.choose(`datachat:${laptopRow?.id}`))).toContain('Akun chat itu tidak lagi terhubung')
    expect(await personOfChat(db, 'console', 'laptop', clock.now())).toBeUndefined()
    expect(await personOfChat(db, 'whatsapp', '6289911110001@s.whatsapp.net', clock.now())).toBe(seed.ratna)
  })
})

describe('registration with a NIK on record', () => {
  it('never changes the record: asks for the same proof, then registers the proven person', async () => {
    const { core, db, clock, seed } = await open()
    const session = await addSession(db, clock.now(), { code: 'MKS-PROOF', region: 'R4' })
    const before = (await db.select().from(people).where(eq(people.id, seed.ratna)).limit(1))[0]
    const c = chat(core.engine, 'stranger')
    for (const line of ['daftar', 'ya', 'Orang Lain', RATNA.nik, RATNA.birthDate, '0813-1111-2222', 'sulsel', 'Kota Makassar']) {
      await c.say(line)
    }
    await c.choose('profesi:tks')
    await c.say('LKS Palsu')
    await c.choose(`session:${session}`)
    const asked = await c.say('ya')
    expect(textOf(asked)).toContain('NIK ini sudah tercatat. Data yang tercatat tidak diubah lewat chat')
    expect(textOf(asked)).toContain('Pilih "Kirim kode"')
    expect((await db.select().from(people).where(eq(people.id, seed.ratna)).limit(1))[0]).toEqual(before)
    expect(await db.select().from(registrations).where(eq(registrations.sessionId, session))).toEqual([])
    // A wrong code: nothing registered, nothing linked.
    await c.choose('proof:code')
    expect(textOf(await c.say('000000'))).toContain(wrongCode(4))
    expect(await personOfChat(db, 'console', 'stranger', clock.now())).toBeUndefined()
    // The right one (Ratna herself at that chat): registered, the record as it was.
    expect(textOf(await c.say((await codesTo(db, RATNA.phone))[0] ?? ''))).toContain('Pendaftaran berhasil')
    expect(await db.select().from(registrations).where(eq(registrations.sessionId, session))).toMatchObject([
      { personId: seed.ratna, status: 'confirmed' },
    ])
    expect((await db.select().from(people).where(eq(people.id, seed.ratna)).limit(1))[0]).toEqual(before)
  })
})
