/**
 * The outbox's settings (pace of each channel, how often it runs, grace period, quiet hours), as
 * the server and `npm run cli -- reminders` both set it up from their configuration (see
 * src/settings.ts), so both take and send the same rows at the same pace.
 */
import type { Db } from '../../db/client.js'
import { dueZones } from '../../db/queries/outbox.js'
import type { QuietZone } from '../../db/queries/reminders.js'
import type { Channel } from '../../vocabulary/message.js'
import { averageRate, type Pace } from '../pacer.js'
import { isQuiet, quietEnd } from './plan.js'
import type { ReminderSettings } from './settings.js'

export type OutboxSettings = {
  pace: Record<Channel, Pace>
  runEveryMs: number
  graceMs: number
  quiet: ReminderSettings['quiet']
}

/** How many rows of a channel one run takes at most: what its pace sends before the next run (as deliver() takes). */
export function runLimit(pace: Pace, runEveryMs: number, batchSize = 2_000): number {
  return Math.max(1, Math.min(batchSize, Math.floor((averageRate(pace) * runEveryMs) / 1000)))
}

/** The zones of due reminders in their quiet hours at `at`, each with when they end (as deliver() finds them). */
export async function quietZonesAt(db: Db, at: Date, quiet: ReminderSettings['quiet']): Promise<QuietZone[]> {
  return (await dueZones(db, at))
    .filter((zone) => isQuiet(at, zone, quiet))
    .map((zone) => ({ zone, until: quietEnd(at, zone, quiet) }))
}
