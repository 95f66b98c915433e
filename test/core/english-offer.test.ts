/**
 * Issue 22: answers stay in Indonesian until the chat switches; a question in English from a chat
 * that has not switched gets the Indonesian answer with one line offering English, once a day at
 * most, and never once the chat speaks English.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { runHousekeeping } from '../../src/core/housekeeping.js'
import { closeDatabase } from '../../src/db/client.js'
import { fakeClock, testCore } from '../support/core.js'
import { addSession } from '../support/sessions.js'
import { coreDriver, play, type SeenReply } from '../support/transcript.js'

const OFFER = 'Reply *english* to get answers in English.'
const HOUR = 3_600_000

let core: Awaited<ReturnType<typeof testCore>>
afterEach(() => closeDatabase(core.db))

const joined = (replies: SeenReply[]) => replies.map((reply) => reply.text).join('\n')

async function chat(options: { clock?: () => Date } = {}) {
  core = await testCore(options)
  return coreDriver(core.engine, { db: core.db })
}

describe('a chat that speaks Indonesian, asked in English', () => {
  it('gets the Indonesian answer with the offer first, and no second offer soon after', async () => {
    await play(await chat(), [
      {
        user: 'how much does it cost',
        bot: [OFFER, '*Biaya sertifikasi*'],
        options: ['Bicara dengan petugas', 'Situs pendaftaran resmi'],
      },
      { user: 'i lost my certificate, what should i do', bot: ['*Sertifikat hilang atau rusak*'], not: [OFFER] },
      { user: 'what are the requirements', bot: ['*Syarat dan dokumen*'], not: [OFFER] },
    ])
  })

  it('is offered English once: the offer stays away for a day, then comes once more', async () => {
    const clock = fakeClock()
    const driver = await chat({ clock: clock.now })
    expect(joined(await driver.send('how much does it cost'))).toContain(OFFER)
    clock.advance(23 * HOUR)
    expect(joined(await driver.send('what are the requirements'))).not.toContain(OFFER)
    clock.advance(2 * HOUR)
    const later = joined(await driver.send('what are the requirements'))
    expect(later).toContain(OFFER)
    expect(later).toContain('*Syarat dan dokumen*')
    expect(joined(await driver.send('how much does it cost'))).not.toContain(OFFER)
  })

  it('also with "Maksud Anda", the fallback, and an action the sentence asks for', async () => {
    core = await testCore()
    await addSession(core.db, new Date(), { code: 'MKS-1', title: 'Bimtek Makassar', region: 'R5', provinceCode: '73' })
    const ask = async (text: string) => await coreDriver(core.engine).send(text)
    const unsure = joined(await ask('the certificate?'))
    expect(unsure).toContain(OFFER)
    expect(unsure).toContain('Maksud Anda')
    const nothing = joined(await ask('what is the weather tomorrow in bali'))
    expect(nothing).toContain(OFFER)
    // Out of scope or no answer: the Indonesian apology either way.
    expect(nothing).toContain('Maaf, saya')
    const schedule = joined(await ask('when is the next bimtek in makassar'))
    expect(schedule).toContain(OFFER)
    expect(schedule).toContain('Bimtek Makassar')
    expect(schedule).toContain('kursi')
  })

  it('the offer works: "english" switches, and the answers come in English with no offer', async () => {
    await play(await chat(), [
      { user: 'how much does it cost', bot: [OFFER, '*Biaya sertifikasi*'] },
      { user: 'english', bot: ['OK, I will reply in English'] },
      { user: 'how much does it cost', bot: ['*Cost of certification*'], not: [OFFER, 'Biaya'] },
      { user: 'what are the requirements', bot: ['*Requirements and documents*'], not: [OFFER] },
    ])
  })

  it('a chat that switched to English before asking is never offered it', async () => {
    await play(await chat(), [
      { user: 'english', bot: ['OK, I will reply in English'] },
      { user: 'how do i register for bimtek', bot: ['Bimtek'], not: [OFFER, 'Daftar Bimtek langsung'] },
    ])
  })

  it('a chat that switched back to Indonesian knows the way: no offer for a day', async () => {
    const clock = fakeClock()
    const driver = await chat({ clock: clock.now })
    await driver.send('english')
    await driver.send('bahasa indonesia')
    clock.advance(HOUR)
    const answer = joined(await driver.send('how much does it cost'))
    expect(answer).toContain('*Biaya sertifikasi*')
    expect(answer).not.toContain(OFFER)
  })

  it('a flow forgotten by housekeeping does not bring the offer back early', async () => {
    const clock = fakeClock()
    const driver = await chat({ clock: clock.now })
    expect(joined(await driver.send('how much does it cost'))).toContain(OFFER)
    await driver.send('6')
    clock.advance(45 * 60_000)
    expect(await runHousekeeping(core.db, clock.now(), 30)).toMatchObject({ expiredFlows: 1 })
    const answer = joined(await driver.send('what are the requirements'))
    expect(answer).toContain('berakhir karena tidak ada balasan')
    expect(answer).not.toContain(OFFER)
  })
})

describe('no offer', () => {
  it.each([
    ['Indonesian with English loanwords', 'sy mau daftar bimtek online'],
    ['Indonesian with English loanwords', 'link zoom nya mana'],
    ['Indonesian with English loanwords', 'biaya sertifikasi brp, free ga'],
    ['Javanese', 'piye carane melu sertifikasi'],
    ['Papuan Malay', 'sa mo daftar bimtek'],
    ['Sundanese', 'kumaha carana daftar sertifikasi teh'],
  ])('%s: %s', async (_kind, text) => {
    const answer = joined(await (await chat()).send(text))
    expect(answer.length).toBeGreaterThan(0)
    expect(answer).not.toContain(OFFER)
  })

  it('for an English answer typed at a step of a flow: the step takes it', async () => {
    await play(await chat(), [
      { user: '6', bot: ['Langkah 1 dari 5'] },
      { user: '1', bot: ['Tuliskan pertanyaan'] },
      { user: 'When is the next Bimtek in Makassar?', bot: ['Langkah 3 dari 5'], not: [OFFER] },
    ])
  })
})
