/**
 * The possession factor as each channel gives it, through the real adapters: Telegram's
 * "Bagikan nomor saya" (request_contact) keyboard, a shared own contact and someone else's card;
 * WhatsApp's sender number, from a phone-number chat and from a LID chat whose number WhatsApp
 * mapped, and a LID-only chat that must use the one-time code.
 */
import { describe, expect, it, onTestFinished } from 'vitest'
import { closeDatabase, statement } from '../../src/db/client.js'
import { testCore } from '../support/core.js'
import { startFakeTelegram } from '../support/fake-telegram.js'
import { telegramDriver } from '../support/telegram-driver.js'
import { play } from '../support/transcript.js'
import { whatsappDriver } from '../support/whatsapp-driver.js'
import { PAULUS, RATNA, seedStatus, wrongCode } from '../transcripts/status.js'

const FACTOR = 'Jika data cocok, saya perlu satu bukti lagi bahwa ini memang Anda'
const STATUS = (name: string) => `*Status sertifikasi ${name}*`

async function seeded() {
  const core = await testCore()
  onTestFinished(() => closeDatabase(core.db))
  await seedStatus(core.db, core.vault, new Date())
  return core
}

describe('Telegram: the account’s own number, shared with the button', () => {
  async function open() {
    const core = await seeded()
    const fake = await startFakeTelegram()
    onTestFinished(() => fake.close())
    const driver = await telegramDriver({ mode: 'polling', fake, engine: core.engine, db: core.db })
    onTestFinished(() => driver.stop())
    return { core, fake, driver }
  }
  const contact = (phone: string, userId?: number) => ({
    contact: { phone_number: phone, first_name: 'Ratna', ...(userId !== undefined && { user_id: userId }) },
  })

  it('offers a request_contact keyboard; the own contact with the number on record lets Ratna in', async () => {
    const { fake, driver } = await open()
    await play(driver, [
      { user: 'status', bot: ['Ketik NIK Anda'] },
      { user: RATNA.nik, bot: ['Tanggal lahir Anda?'] },
      { user: RATNA.birthDate, bot: [FACTOR, 'Bagikan nomor saya', 'Atau bagikan nomor akun Telegram ini:'] },
    ])
    const keyboard = fake
      .sent(driver.chatId)
      .map((call) => call.payload.reply_markup as { keyboard?: { text: string; request_contact?: boolean }[][] } | undefined)
      .find((markup) => markup?.keyboard)
    expect(keyboard?.keyboard).toEqual([[{ text: 'Bagikan nomor saya', request_contact: true }]])
    // Telegram sends the number without "+".
    const answer = await driver.sendUpdate(driver.contentUpdate(contact(RATNA.phone.slice(1), driver.user.id)))
    expect(answer.map((reply) => reply.text).join('\n')).toContain(STATUS(RATNA.name))
  })

  it('an own contact shared unasked is thanked, neither kept nor taken as proof', async () => {
    const { core, driver } = await open()
    const answer = await driver.sendUpdate(driver.contentUpdate(contact(RATNA.phone.slice(1), driver.user.id)))
    const text = answer.map((reply) => reply.text).join('\n')
    expect(text).toContain('Nomor yang dibagikan hanya dipakai saat saya memintanya')
    expect(text).not.toContain(RATNA.name)
    expect(JSON.stringify(await statement(core.db, 'select * from channel_identities').all())).not.toContain(RATNA.phone.slice(3))
    // Status still asks for proof from the start.
    await play(driver, [{ user: 'status', bot: ['Ketik NIK Anda'] }])
  })

  it('someone else’s contact (or a card without the sender’s id) is no proof', async () => {
    const { driver } = await open()
    await play(driver, [
      { user: 'status', bot: ['Ketik NIK Anda'] },
      { user: RATNA.nik, bot: ['Tanggal lahir Anda?'] },
      { user: RATNA.birthDate, bot: [FACTOR] },
    ])
    const forwarded = await driver.sendUpdate(driver.contentUpdate(contact(RATNA.phone, 424242)))
    expect(forwarded.map((reply) => reply.text).join('\n')).toContain('Itu bukan nomor akun Telegram ini sendiri')
    const typed = await driver.sendUpdate(driver.contentUpdate(contact(RATNA.phone)))
    expect(typed.map((reply) => reply.text).join('\n')).not.toContain(RATNA.name)
    // The account's own number, but not the one on record: a failed try.
    const other = await driver.sendUpdate(driver.contentUpdate(contact('6281200001111', driver.user.id)))
    expect(other.map((reply) => reply.text).join('\n')).toContain('Nomor itu tidak cocok dengan data kami. Sisa percobaan: 4.')
    // The code still works for the real owner.
    await play(driver, [
      { tap: 'Kirim kode lewat WhatsApp', bot: ['Ketik kode itu di sini.'] },
      { codeFrom: RATNA.phone, bot: [STATUS(RATNA.name)] },
    ])
  })
})

describe('WhatsApp: the sender’s own number', () => {
  it('a phone-number chat from the number on record: the birth date, nothing more to type, and export at once', async () => {
    const core = await seeded()
    const driver = await whatsappDriver({ engine: core.engine, db: core.db, jid: `${PAULUS.phone.slice(1)}@s.whatsapp.net` })
    onTestFinished(() => driver.stop())
    await play(driver, [
      // The number identifies the record: only the birth date is asked.
      { user: 'status', bot: ['Nomor WhatsApp ini tercatat di data sertifikasi.'] },
      { user: 'batal', bot: ['dibatalkan'] },
      { user: 'data saya', bot: ['Nomor WhatsApp ini tercatat'] },
      { user: PAULUS.birthDate, bot: ['*Data Anda yang kami simpan*'], not: [FACTOR] },
      // Export wants a fresh factor: the number is one, at once.
      { tap: 'Kirim salinan data (file)', bot: ['Salinan lengkap data Anda terlampir'], not: [FACTOR] },
    ])
  })

  it('a KTP copy from another number gets the same as anyone: the code goes to the owner', async () => {
    const core = await seeded()
    const driver = await whatsappDriver({ engine: core.engine, db: core.db, jid: '6281355550000@s.whatsapp.net' })
    onTestFinished(() => driver.stop())
    await play(driver, [
      { user: 'status', bot: ['Ketik NIK Anda'] },
      { user: PAULUS.nik, bot: ['Tanggal lahir Anda?'] },
      {
        user: PAULUS.birthDate,
        bot: [FACTOR],
        not: [PAULUS.name],
        options: ['Kirim kode lewat WhatsApp', 'Bicara dengan petugas'],
      },
      { user: '1', bot: ['Ketik kode itu di sini.'] },
      { user: '123456', bot: [wrongCode(4)], not: [PAULUS.name] },
    ])
  })

  it('a LID chat: by code while WhatsApp has not told the number; at once once it mapped the LID to the number on record', async () => {
    const core = await seeded()
    const lid = '207748123456789@lid'
    const driver = await whatsappDriver({ engine: core.engine, db: core.db, jid: lid })
    onTestFinished(() => driver.stop())
    await play(driver, [
      { user: 'status', bot: ['Ketik NIK Anda'] },
      { user: RATNA.nik, bot: ['Tanggal lahir Anda?'] },
      { user: RATNA.birthDate, bot: [FACTOR] },
      { user: 'menu', bot: ['Proses tadi dihentikan'] },
    ])
    // WhatsApp's contact sync maps the LID to Ratna's number.
    driver.fake.current().emit('lid-mapping.update', { lid, pn: `${RATNA.phone.slice(1)}@s.whatsapp.net` })
    await driver.channel.drain()
    await play(driver, [
      { user: 'status', bot: ['Nomor WhatsApp ini tercatat di data sertifikasi.'] },
      { user: RATNA.birthDate, bot: [STATUS(RATNA.name)] },
    ])
  })
})
