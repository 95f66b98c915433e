/**
 * The core's settings from the configuration: what each composition root (the server, the CLI, the
 * terminal chat) hands down, so the core never reads the configuration itself.
 */
import type { Config } from './config.js'
import type { HandoffSettings } from './core/handoff/settings.js'
import { DEFAULT_PACE } from './core/outbox.js'
import type { RetentionPeriods } from './core/privacy/retention.js'
import type { OutboxSettings } from './core/reminders/outbox-config.js'
import type { ReminderSettings } from './core/reminders/settings.js'
import type { TrustedProxy } from './web/rate-limit.js'

/** The reminder plan's settings. */
export function reminderSettingsOf(config: Config): ReminderSettings {
  return { offsets: config.REMINDER_OFFSETS, portfolioDays: config.REMINDER_PORTFOLIO_DAYS, quiet: config.REMINDER_QUIET_HOURS }
}

/**
 * The outbox's settings: each channel's pace, how often it runs, the grace period, the quiet hours,
 * and the WhatsApp daily cap on announcements (its `resumeAt` needs the working calendar: the
 * server attaches it, see `capResumeAt`).
 */
export function outboxSettingsOf(config: Config): OutboxSettings & { dailyCapPerDay: number } {
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
    dailyCapPerDay: config.WHATSAPP_DAILY_CAP,
  }
}

/** The live handoff's settings: signature, idle close, working hours and closed days, alerts, staff groups, files. */
export function handoffSettingsOf(config: Config): HandoffSettings {
  return {
    signature: config.HANDOFF_SIGNATURE,
    idleHours: config.HANDOFF_IDLE_HOURS,
    hours: config.HANDOFF_HOURS,
    alertMinutes: config.HANDOFF_ALERT_MINUTES,
    staffChats: config.STAFF_TELEGRAM_CHATS,
    closedDates: config.HANDOFF_CLOSED_DATES,
    groupFiles: config.HANDOFF_GROUP_FILES,
  }
}

/** How long each kind of row is kept (the retention job). */
export function retentionPeriodsOf(config: Config): RetentionPeriods {
  return {
    outboxDays: config.RETENTION_OUTBOX_DAYS,
    outboxFailedDays: config.RETENTION_OUTBOX_FAILED_DAYS,
    identityAttemptsDays: config.RETENTION_IDENTITY_ATTEMPTS_DAYS,
    chatDays: config.RETENTION_CHAT_DAYS,
    auditDays: config.RETENTION_AUDIT_DAYS,
    announcementDays: config.RETENTION_ANNOUNCEMENT_DAYS,
  }
}

/** The reverse proxy whose header names the client (for the verification rate limit); undefined without TRUST_PROXY. */
export function trustedProxyOf(config: Config): TrustedProxy | undefined {
  if (!config.TRUST_PROXY || !config.TRUST_PROXY_HEADER) return undefined
  if (config.TRUST_PROXY_HEADER === 'x-real-ip') return { header: 'x-real-ip' }
  return { header: 'x-forwarded-for', hops: config.TRUST_PROXY_HOPS ?? 1 }
}

/**
 * Where the console's one-time links point: PUBLIC_BASE_URL (always set in production), else this
 * machine on `port` (the configured one, or the one the server got).
 */
export function consoleBaseUrl(config: Pick<Config, 'PUBLIC_BASE_URL' | 'PORT'>, port = config.PORT): string {
  return config.PUBLIC_BASE_URL ?? `http://localhost:${port}`
}
