/**
 * For the tests of the personal requests said in a sentence (registrations, cancelling, reminders,
 * certificates, deleting data): the real core, so each sentence goes through the real understanding
 * step and the handlers `src/bootstrap.ts` wires it to, on a fake clock, with Ratna and Paulus of the
 * status transcripts on record.
 */
import { afterEach } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
import { linkChat } from '../../src/db/queries/chat-links.js'
import { reminderSettingsOf } from '../../src/settings.js'
import type { Channel } from '../../src/vocabulary/message.js'
import { seedStatus } from '../transcripts/status.js'
import { fakeClock, testConfig, testCore } from './core.js'

/**
 * Call once at a test file's top level: returns `open()`, which opens a fresh core for one test
 * (closed after it), with its clock, the seeded people's ids and the reminder settings it plans with.
 */
export function personalCores(env: Record<string, string> = {}) {
  let opened: Core | undefined
  afterEach(() => {
    if (opened) closeDatabase(opened.db)
    opened = undefined
  })
  return async function open() {
    const clock = fakeClock()
    const core = await testCore({ clock: clock.now, env })
    opened = core
    const seed = await seedStatus(core.db, core.vault, clock.now())
    return { ...core, clock, seed, reminderSettings: reminderSettingsOf(testConfig(env)) }
  }
}

/** Links a chat to a person as a proof an hour ago would have (not fresh for export or deletion). */
export async function linkTo(db: Db, chat: { channel: Channel; id: string }, personId: number, now: Date): Promise<void> {
  await linkChat(db, {
    channel: chat.channel,
    userId: chat.id,
    chatId: chat.id,
    personId,
    language: 'id',
    now: new Date(now.getTime() - 3_600_000),
    expiresAt: new Date(now.getTime() + 30 * 86_400_000),
    proved: true,
  })
}
