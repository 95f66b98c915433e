/** The real outbox as the tests run it: silent, in the default quiet hours, on a test clock. */
import { randomUUID } from 'node:crypto'
import pino from 'pino'
import { createOutbox, type OutboxDeps } from '../../src/core/outbox.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import type { Db } from '../../src/db/client.js'

/** Each test outbox is a dispatcher process of its own (a process id of its own, alive), as two servers would be. */
let nextPid = 40_000

/**
 * The outbox on `db` sending through `senders`, on `clock` (a `fakeClock`: paced sending waits in
 * virtual time; a clock without `sleep` waits in real time); `options` add to or override that.
 */
export function testOutbox(
  db: Db,
  clock: { now: () => Date; sleep?: (ms: number) => Promise<void> },
  senders: OutboxDeps['senders'],
  options: Partial<OutboxDeps> = {},
) {
  return createOutbox({
    db,
    logger: pino({ level: 'silent' }),
    senders,
    quiet: DEFAULT_REMINDER_SETTINGS.quiet,
    now: clock.now,
    sleep: clock.sleep,
    dispatcher: { id: randomUUID(), role: 'server', host: 'test-host', pid: nextPid++ },
    processAlive: () => true,
    ...options,
  })
}
