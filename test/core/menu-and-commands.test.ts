import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine } from '../../src/core/engine.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { testCore } from '../support/core.js'
import { coreDriver, play } from '../support/transcript.js'
import { MENU_EN, MENU_ID } from '../transcripts/core.js'

let core: Awaited<ReturnType<typeof testCore>>
afterEach(() => closeDatabase(core.db))

describe('main menu', () => {
  it.each([
    'halo',
    'Halo min',
    'selamat pagi kak',
    'P',
    'menu',
    'MENU!!',
    'bantuan',
    '/start',
    '/menu',
    '/bantuan',
    'assalamualaikum',
  ])('shows the menu for %j', async (text) => {
    core = await testCore()
    await play(coreDriver(core.engine), [{ user: text, bot: ['asisten sertifikasi SDM Kesos'], options: MENU_ID }])
  })

  it('answers input nothing understands with an apology and the menu', async () => {
    core = await testCore()
    await play(coreDriver(core.engine), [
      { user: 'xyz qwerty', bot: ['Maaf, saya belum punya jawaban untuk itu', 'pilih 6'], options: MENU_ID },
    ])
  })

  it('chooses an entry by its number, its label, its id or a tap', async () => {
    core = await testCore()
    const driver = coreDriver(core.engine)
    await play(driver, [
      { user: 'halo', bot: ['Ketik angka menu'] },
      { user: '6', bot: ['Langkah 1 dari 5', 'Tentang apa pertanyaan Anda?'] },
      { user: 'menu', bot: ['Proses tadi dihentikan'] },
      { user: 'bicara dengan petugas', bot: ['Langkah 1 dari 5'] },
      { user: 'batal', bot: ['dibatalkan'] },
      { user: 'petugas', bot: ['Langkah 1 dari 5'] },
      { user: 'menu', bot: ['Ketik angka menu'] },
      { tap: 'Bicara dengan petugas', bot: ['Langkah 1 dari 5'] },
    ])
  })

  it('says honestly that an entry is not available (an engine built without it), and offers the menu and a person', async () => {
    core = await testCore()
    // Every entry exists in the product; an engine given fewer features must still answer honestly.
    const engine = createEngine({ db: core.db, logger: pino({ level: 'silent' }), clock: () => new Date(), features: {} })
    await play(coreDriver(engine), [
      { user: '5', bot: ['"Pengingat ujian" belum tersedia', 'sekretariat BBPPKS', 'pilih 6'], options: MENU_ID },
      { user: 'Pengingat ujian', bot: ['"Pengingat ujian" belum tersedia'], options: MENU_ID },
    ])
  })

  it('an option number beyond the menu is not taken as a choice', async () => {
    core = await testCore()
    await play(coreDriver(core.engine), [{ user: '9', bot: ['Maaf, saya belum punya jawaban'], options: MENU_ID }])
  })
})

describe('language', () => {
  it('switches to English and back, and remembers the choice', async () => {
    core = await testCore()
    await play(coreDriver(core.engine, { chatId: 'lang' }), [
      { user: 'english', bot: ['OK, I will reply in English', 'Type the number'], options: MENU_EN },
      { user: '5', bot: ['Reminders come for the Bimtek you register for', 'not linked'] },
      { user: 'halo', bot: ['Hello, welcome!'], options: MENU_EN },
      { user: 'bahasa indonesia', bot: ['Baik, saya akan memakai Bahasa Indonesia'], options: MENU_ID },
      { user: '/lang en', bot: ['OK, I will reply in English'] },
      { user: '/lang id', bot: ['Bahasa Indonesia'], options: MENU_ID },
    ])
  })

  it('inside a flow, switching language asks the same question again in the new language', async () => {
    core = await testCore()
    await play(coreDriver(core.engine), [
      { user: '6', bot: ['Tentang apa pertanyaan Anda?'] },
      { user: '1', bot: ['Tuliskan pertanyaan'] },
      { user: 'english', bot: ['OK, I will reply in English', 'Step 2 of 5', 'Write your question'] },
      { user: 'When is the next Bimtek in Makassar?', bot: ['Step 3 of 5', 'What is your full name?'] },
    ])
  })
})

describe('cancel and menu inside a flow', () => {
  const upTo = ['1', 'Kapan jadwal bimtek berikutnya?', 'Siti Aminah', '0812-3456-7890', 'Bali']
  for (let depth = 0; depth <= upTo.length; depth++) {
    it(`"batal" after ${depth} answers leaves the flow and stores nothing`, async () => {
      core = await testCore()
      const driver = coreDriver(core.engine)
      await driver.send('6')
      for (const answer of upTo.slice(0, depth)) await driver.send(answer)
      await play(driver, [
        { user: 'batal', bot: ['Baik, dibatalkan. Isian tadi tidak disimpan.'], options: MENU_ID },
        { user: '6', bot: ['Langkah 1 dari 5'] },
      ])
      expect(await statement(core.db, 'select count(*) n from handoff_requests').get()).toEqual({ n: 0 })
    })
    it(`"menu" after ${depth} answers returns to the main menu`, async () => {
      core = await testCore()
      const driver = coreDriver(core.engine)
      await driver.send('6')
      for (const answer of upTo.slice(0, depth)) await driver.send(answer)
      await play(driver, [{ user: 'menu', bot: ['Proses tadi dihentikan'], options: MENU_ID }])
    })
  }

  it('"batal" outside any flow says there is nothing to cancel', async () => {
    core = await testCore()
    await play(coreDriver(core.engine), [{ user: 'batal', bot: ['Tidak ada proses yang sedang berjalan'], options: MENU_ID }])
  })

  it('"3 Batal" on the summary cancels too', async () => {
    core = await testCore()
    const driver = coreDriver(core.engine)
    for (const answer of ['6', ...upTo]) await driver.send(answer)
    await play(driver, [{ user: '3', bot: ['dibatalkan'], options: MENU_ID }])
    expect(await statement(core.db, 'select count(*) n from handoff_requests').get()).toEqual({ n: 0 })
  })
})
