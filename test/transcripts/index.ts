/**
 * The table behind the transcript suites: every group of conversations with the world it is
 * played in. Each channel's suite (test/core, test/telegram, test/whatsapp) plays all of it
 * through its own driver (see test/support/transcript-suite.ts), so a transcript added here runs
 * on every channel.
 */
import type { Core } from '../../src/bootstrap.js'
import type { Transcript } from '../support/transcript.js'
import { ANNOUNCEMENT_TRANSCRIPTS } from './announcements.js'
import { CORE_TRANSCRIPTS } from './core.js'
import { FAQ_TRANSCRIPTS } from './faq.js'
import { HANDOFF_TRANSCRIPTS } from './handoff.js'
import { REGISTRATION_TRANSCRIPTS, seedRegistration } from './registration.js'
import { REMINDER_TRANSCRIPTS } from './reminders.js'
import { STATUS_TRANSCRIPTS, seedStatus } from './status.js'
import { seedUnderstand, UNDERSTAND_TRANSCRIPTS } from './understand.js'
import { seedCertificates, VERIFY_ENV, VERIFY_TRANSCRIPTS } from './verify.js'

export type TranscriptGroup = {
  /** Names the tests: "<name>: <transcript>". */
  name: string
  transcripts: Record<string, Transcript>
  /** Settings the core starts with, on top of the test defaults. */
  env?: Record<string, string>
  /** Fills the fresh database before the first turn; `now` is the moment of seeding. */
  seed?: (core: Core, now: Date) => unknown
}

export const TRANSCRIPT_GROUPS: TranscriptGroup[] = [
  { name: 'transcript', transcripts: { ...CORE_TRANSCRIPTS, ...FAQ_TRANSCRIPTS } },
  {
    name: 'registration transcript',
    transcripts: { ...REGISTRATION_TRANSCRIPTS, ...REMINDER_TRANSCRIPTS },
    seed: (core, now) => seedRegistration(core.db, now),
  },
  { name: 'handoff transcript', transcripts: HANDOFF_TRANSCRIPTS },
  { name: 'announcement transcript', transcripts: ANNOUNCEMENT_TRANSCRIPTS },
  { name: 'status transcript', transcripts: STATUS_TRANSCRIPTS, seed: (core, now) => seedStatus(core.db, core.vault, now) },
  {
    name: 'verification transcript',
    transcripts: VERIFY_TRANSCRIPTS,
    env: VERIFY_ENV,
    seed: (core) => seedCertificates(core.db),
  },
  {
    name: 'understanding transcript',
    transcripts: UNDERSTAND_TRANSCRIPTS,
    env: VERIFY_ENV,
    seed: (core, now) => seedUnderstand(core, now),
  },
]
