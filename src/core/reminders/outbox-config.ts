/**
 * The outbox as the configuration sets it up (pace of each channel, how often it runs, grace
 * period, quiet hours), shared by the server and `npm run cli -- reminders`, so both take and
 * send the same rows at the same pace.
 */
import type { Config } from '../../config.js'
import type { Db } from '../../db/client.js'
import { dueZones } from '../../db/queries/outbox.js'
import type { QuietZone } from '../../db/queries/reminders.js'
import type { Channel } from '../../vocabulary/message.js'
import { createOutbox, DEFAULT_PACE, type OutboxDeps } from '../outbox.js'
import { averageRate, type Pace } from '../pacer.js'
import { isQuiet, quietEnd, type ReminderSettings } from './plan.js'

export type OutboxSettings = {
  pace: Record<Channel, Pace>
  runEveryMs: number
  graceMs: number
  quiet: Config['REMINDER_QUIET_HOURS']
}

/** The outbox settings of this configuration. */
export function outboxSettingsOf(config: Config): OutboxSettings {
  // How far apart the runs are, for how much each run takes: "*/N * * * *" is every N minutes;
  // any other expression is taken as every minute (the most a run then takes is a minute's worth).
  const everyMinutes = /^\*\/(\d{1,2}) \* \* \* \*$/.exec(config.REMINDER_CRON)?.[1]
  return {
    pace: {
      ...DEFAULT_PACE,
      telegram: { perSecond: config.TELEGRAM_SEND_PER_SECOND, perChatMs: config.TELEGRAM_CHAT_INTERVAL_MS },
      whatsapp: {
        perSecond: 1000 / Math.max(config.WHATSAPP_SEND_INTERVAL_MS, 1),
        perChatMs: config.WHATSAPP_SEND_INTERVAL_MS,
        jitterMs: config.WHATSAPP_SEND_JITTER_MS,
      },
    },
    runEveryMs: (everyMinutes ? Number(everyMinutes) : 1) * 60_000,
    graceMs: config.REMINDER_GRACE_HOURS * 3_600_000,
    quiet: config.REMINDER_QUIET_HOURS,
  }
}

/** How many rows of a channel one run takes at most: what its pace sends before the next run (as deliver() takes). */
export function runLimit(pace: Pace, runEveryMs: number, batchSize = 2_000): number {
  return Math.max(1, Math.min(batchSize, Math.floor((averageRate(pace) * runEveryMs) / 1000)))
}

/** The zones of due reminders in their quiet hours at `at`, each with when they end (as deliver() finds them). */
export function quietZonesAt(db: Db, at: Date, quiet: ReminderSettings['quiet']): QuietZone[] {
  return dueZones(db, at)
    .filter((zone) => isQuiet(at, zone, quiet))
    .map((zone) => ({ zone, until: quietEnd(at, zone, quiet) }))
}

/** The outbox with the configured settings; `deps` gives the database, logger and senders (and may override the rest). */
export function outboxFromConfig(config: Config, deps: OutboxDeps) {
  const { pace, runEveryMs, graceMs, quiet } = outboxSettingsOf(config)
  return createOutbox({ pace, runEveryMs, graceMs, quiet, ...deps })
}
