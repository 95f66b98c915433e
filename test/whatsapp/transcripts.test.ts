/**
 * The conversations every channel must hold the same way, played through the real WhatsApp
 * adapter over a fake Baileys socket: options come as numbered lines and are chosen by number.
 */
import { afterEach, describe, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { testCore } from '../support/core.js'
import { play } from '../support/transcript.js'
import { type WhatsAppDriver, whatsappDriver } from '../support/whatsapp-driver.js'
import { CORE_TRANSCRIPTS } from '../transcripts/core.js'
import { FAQ_TRANSCRIPTS } from '../transcripts/faq.js'
import { REGISTRATION_TRANSCRIPTS, seedRegistration } from '../transcripts/registration.js'
import { REMINDER_TRANSCRIPTS } from '../transcripts/reminders.js'
import { STATUS_TRANSCRIPTS, seedStatus } from '../transcripts/status.js'
import { seedCertificates, VERIFY_ENV, VERIFY_TRANSCRIPTS } from '../transcripts/verify.js'

let core: ReturnType<typeof testCore> | undefined
let driver: WhatsAppDriver | undefined

afterEach(async () => {
  await driver?.stop()
  if (core) closeDatabase(core.db)
  driver = undefined
  core = undefined
})

describe.each(Object.entries({ ...CORE_TRANSCRIPTS, ...FAQ_TRANSCRIPTS }))('WhatsApp transcript: %s', (_name, transcript) => {
  it('plays the same through the WhatsApp adapter', async () => {
    core = testCore()
    driver = await whatsappDriver({ engine: core.engine, db: core.db })
    await play(driver, transcript)
  })
})

describe.each(Object.entries({ ...REGISTRATION_TRANSCRIPTS, ...REMINDER_TRANSCRIPTS }))(
  'WhatsApp registration transcript: %s',
  (_name, transcript) => {
    it('plays the same through the WhatsApp adapter', async () => {
      core = testCore()
      seedRegistration(core.db, new Date())
      driver = await whatsappDriver({ engine: core.engine, db: core.db })
      await play(driver, transcript)
    })
  },
)

describe.each(Object.entries(STATUS_TRANSCRIPTS))('WhatsApp status transcript: %s', (_name, transcript) => {
  it('plays the same through the WhatsApp adapter', async () => {
    core = testCore()
    seedStatus(core.db, core.vault, new Date())
    driver = await whatsappDriver({ engine: core.engine, db: core.db })
    await play(driver, transcript)
  })
})

describe.each(Object.entries(VERIFY_TRANSCRIPTS))('WhatsApp verification transcript: %s', (_name, transcript) => {
  it('plays the same through the WhatsApp adapter', async () => {
    core = testCore({ env: VERIFY_ENV })
    seedCertificates(core.db)
    driver = await whatsappDriver({ engine: core.engine, db: core.db })
    await play(driver, transcript)
  })
})
