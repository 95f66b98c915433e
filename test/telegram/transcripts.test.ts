/**
 * The conversations every channel must hold the same way, played through the real Telegram
 * adapter against the fake Bot API, once with updates arriving by webhook and once by long polling.
 */
import { afterEach, describe, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { testCore } from '../support/core.js'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { type TelegramDriver, type TelegramDriverMode, telegramDriver } from '../support/telegram-driver.js'
import { play } from '../support/transcript.js'
import { CORE_TRANSCRIPTS } from '../transcripts/core.js'
import { FAQ_TRANSCRIPTS } from '../transcripts/faq.js'
import { REGISTRATION_TRANSCRIPTS, seedRegistration } from '../transcripts/registration.js'
import { REMINDER_TRANSCRIPTS } from '../transcripts/reminders.js'
import { STATUS_TRANSCRIPTS, seedStatus } from '../transcripts/status.js'
import { seedCertificates, VERIFY_ENV, VERIFY_TRANSCRIPTS } from '../transcripts/verify.js'

let core: ReturnType<typeof testCore> | undefined
let fake: FakeTelegram | undefined
let driver: TelegramDriver | undefined

afterEach(async () => {
  await driver?.stop()
  await fake?.close()
  if (core) closeDatabase(core.db)
  driver = undefined
  fake = undefined
  core = undefined
})

const MODES: TelegramDriverMode[] = ['webhook', 'polling']

describe.each(MODES)('Telegram (%s)', (mode) => {
  describe.each(Object.entries({ ...CORE_TRANSCRIPTS, ...FAQ_TRANSCRIPTS }))('transcript: %s', (_name, transcript) => {
    it('plays the same through the Telegram adapter', async () => {
      core = testCore()
      fake = await startFakeTelegram()
      driver = await telegramDriver({ mode, fake, engine: core.engine, db: core.db })
      await play(driver, transcript)
    })
  })

  describe.each(Object.entries({ ...REGISTRATION_TRANSCRIPTS, ...REMINDER_TRANSCRIPTS }))(
    'registration transcript: %s',
    (_name, transcript) => {
      it('plays the same through the Telegram adapter', async () => {
        core = testCore()
        seedRegistration(core.db, new Date())
        fake = await startFakeTelegram()
        driver = await telegramDriver({ mode, fake, engine: core.engine, db: core.db })
        await play(driver, transcript)
      })
    },
  )

  describe.each(Object.entries(STATUS_TRANSCRIPTS))('status transcript: %s', (_name, transcript) => {
    it('plays the same through the Telegram adapter', async () => {
      core = testCore()
      seedStatus(core.db, core.vault, new Date())
      fake = await startFakeTelegram()
      driver = await telegramDriver({ mode, fake, engine: core.engine, db: core.db })
      await play(driver, transcript)
    })
  })

  describe.each(Object.entries(VERIFY_TRANSCRIPTS))('verification transcript: %s', (_name, transcript) => {
    it('plays the same through the Telegram adapter', async () => {
      core = testCore({ env: VERIFY_ENV })
      seedCertificates(core.db)
      fake = await startFakeTelegram()
      driver = await telegramDriver({ mode, fake, engine: core.engine, db: core.db })
      await play(driver, transcript)
    })
  })
})
