/**
 * Runs the transcript table (test/transcripts/index.ts) through one channel: every transcript on
 * a fresh core (in-memory SQLite, real migrations) started and seeded as its group says.
 */
import { describe, it, onTestFinished } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { closeDatabase } from '../../src/db/client.js'
import { TRANSCRIPT_GROUPS } from '../transcripts/index.js'
import { testCore } from './core.js'
import { type ChatDriver, play } from './transcript.js'

/**
 * One test per transcript, "<group>: <transcript>" › "plays the same through <through>". `open`
 * makes the channel's driver on the seeded core and registers its own clean-up with
 * `onTestFinished`; those run in reverse order, all before the database is closed.
 */
export function playEveryTranscript(through: string, open: (core: Core) => ChatDriver | Promise<ChatDriver>): void {
  for (const group of TRANSCRIPT_GROUPS) {
    describe.each(Object.entries(group.transcripts))(`${group.name}: %s`, (_name, transcript) => {
      it(`plays the same through ${through}`, async () => {
        const core = await testCore({ env: group.env })
        onTestFinished(() => closeDatabase(core.db))
        await group.seed?.(core, new Date())
        await play(await open(core), transcript)
      })
    })
  }
}
