/**
 * Issue 20: "hapus data saya" said in a sentence does what the typed "hapus data" does on a linked
 * chat: a fresh possession factor, then the confirmation; on an unlinked chat the proof of identity
 * comes first, then the same confirmation. Nothing is deleted before "ya".
 */
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/client.js'
import { people } from '../../src/db/schema.js'
import { chat, choiceIds, textOf } from '../support/chat.js'
import { linkTo, personalCores } from '../support/personal.js'
import { RATNA } from '../transcripts/status.js'

const SENTENCE = 'hapus data saya dong'
const ASK = '⚠️ Hapus semua data pribadi Anda?'
const AGAIN = 'Untuk ini saya perlu memastikan sekali lagi bahwa ini memang Anda.'
const RATNA_JID = '6289911110001@s.whatsapp.net'

const open = personalCores()

const exists = async (db: Db, id: number) =>
  (await db.select({ id: people.id }).from(people).where(eq(people.id, id)).limit(1))[0] !== undefined

describe('data.delete from a sentence', () => {
  it('a linked WhatsApp chat from the number on record (a fresh factor): the confirmation; "tidak" keeps everything', async () => {
    const { engine, seed, clock, db } = await open()
    await linkTo(db, { channel: 'whatsapp', id: RATNA_JID }, seed.ratna, clock.now())
    const ratna = chat(engine, RATNA_JID, { channel: 'whatsapp', senderPhone: RATNA.phone })
    const asked = await ratna.say(SENTENCE)
    expect(textOf(asked)).toContain(ASK)
    expect(choiceIds(asked)).toEqual(['datadel:yes', 'datadel:no'])
    expect(textOf(await ratna.say('tidak'))).toContain('Baik, data Anda tidak dihapus.')
    expect(await exists(db, seed.ratna)).toBe(true)
  })

  it('a linked chat that proved itself an hour ago: a fresh factor is asked first, as for the typed "hapus data"', async () => {
    const { engine, seed, clock, db } = await open()
    await linkTo(db, { channel: 'telegram', id: '800100' }, seed.ratna, clock.now())
    await linkTo(db, { channel: 'telegram', id: '800200' }, seed.ratna, clock.now())
    const sentence = await chat(engine, '800100', { channel: 'telegram' }).say(SENTENCE)
    const typed = await chat(engine, '800200', { channel: 'telegram' }).say('hapus data')
    expect(textOf(sentence)).toContain(AGAIN)
    expect(textOf(sentence)).not.toContain(ASK)
    expect(textOf(sentence)).toBe(textOf(typed))
    // The account's own number is the factor: then the confirmation, and "ya" deletes.
    const own = chat(engine, '800100', { channel: 'telegram', contact: { phone: RATNA.phone, own: true } })
    expect(textOf(await own.say(''))).toContain(ASK)
    expect(await exists(db, seed.ratna)).toBe(true)
    expect(textOf(await chat(engine, '800100', { channel: 'telegram' }).say('ya'))).toContain('Data pribadi Anda sudah dihapus')
    expect(await exists(db, seed.ratna)).toBe(false)
  })

  it('an unlinked WhatsApp chat from the number on record: the birth date, then the confirmation; "ya" deletes', async () => {
    const { engine, seed, db } = await open()
    const ratna = chat(engine, RATNA_JID, { channel: 'whatsapp', senderPhone: RATNA.phone })
    const asked = await ratna.say(SENTENCE)
    expect(textOf(asked)).toContain('Nomor WhatsApp ini tercatat di data sertifikasi')
    expect(textOf(asked)).not.toContain(ASK)
    expect(textOf(await ratna.say(RATNA.birthDate))).toContain(ASK)
    expect(await exists(db, seed.ratna)).toBe(true)
    expect(textOf(await ratna.say('ya'))).toContain('Data pribadi Anda sudah dihapus')
    expect(await exists(db, seed.ratna)).toBe(false)
  })

  it('an unlinked chat with no number on record: the NIK or code is asked; nothing is deleted', async () => {
    const { engine, seed, db } = await open()
    const replies = await chat(engine, 'stranger').say(SENTENCE)
    expect(textOf(replies)).toContain('Ketik NIK Anda (16 angka di KTP), atau kode pendaftaran Bimtek Anda')
    expect(textOf(replies)).not.toContain(ASK)
    expect(await exists(db, seed.ratna)).toBe(true)
  })
})
