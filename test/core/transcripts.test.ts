import { afterEach, describe, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { testCore } from '../support/core.js'
import { coreDriver, play } from '../support/transcript.js'
import { CORE_TRANSCRIPTS } from '../transcripts/core.js'
import { FAQ_TRANSCRIPTS } from '../transcripts/faq.js'
import { REGISTRATION_TRANSCRIPTS, seedRegistration } from '../transcripts/registration.js'
import { REMINDER_TRANSCRIPTS } from '../transcripts/reminders.js'
import { STATUS_TRANSCRIPTS, seedStatus } from '../transcripts/status.js'
import { seedCertificates, VERIFY_ENV, VERIFY_TRANSCRIPTS } from '../transcripts/verify.js'

let core: ReturnType<typeof testCore>
afterEach(() => closeDatabase(core.db))

describe.each(Object.entries({ ...CORE_TRANSCRIPTS, ...FAQ_TRANSCRIPTS }))('transcript: %s', (_name, transcript) => {
  it('plays the same through the core', async () => {
    core = testCore()
    await play(coreDriver(core.engine), transcript)
  })
})

describe.each(Object.entries({ ...REGISTRATION_TRANSCRIPTS, ...REMINDER_TRANSCRIPTS }))(
  'registration transcript: %s',
  (_name, transcript) => {
    it('plays the same through the core', async () => {
      core = testCore()
      seedRegistration(core.db, new Date())
      await play(coreDriver(core.engine, { db: core.db }), transcript)
    })
  },
)

describe.each(Object.entries(STATUS_TRANSCRIPTS))('status transcript: %s', (_name, transcript) => {
  it('plays the same through the core', async () => {
    core = testCore()
    seedStatus(core.db, core.vault, new Date())
    await play(coreDriver(core.engine), transcript)
  })
})

describe.each(Object.entries(VERIFY_TRANSCRIPTS))('verification transcript: %s', (_name, transcript) => {
  it('plays the same through the core', async () => {
    core = testCore({ env: VERIFY_ENV })
    seedCertificates(core.db)
    await play(coreDriver(core.engine), transcript)
  })
})
