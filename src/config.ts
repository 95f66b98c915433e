/**
 * Every setting, read once from the environment and checked with zod. A wrong value stops
 * start-up with one line naming the variable and what it expects (see .env.example).
 */
import { createHash } from 'node:crypto'
import { homedir } from 'node:os'
import { join } from 'node:path'
import cron from 'node-cron'
import { z } from 'zod'
import {
  DEFAULT_HANDOFF_SETTINGS,
  parseAlertMinutes,
  parseClosedDates,
  parseGroupFiles,
  parseHandoffHours,
  parseIdleHours,
  parseSignature,
  parseStaffChats,
} from './core/handoff/settings.js'
import { DEFAULT_REMINDER_SETTINGS, parseOffsets, parseQuietHours } from './core/reminders/settings.js'

/**
 * The signing key of certificate QR links outside production when CERT_SIGNING_KEY is unset. Anyone
 * can compute it (it is derived from this text), so links signed with it prove nothing: production
 * refuses to start without a real key, and start-up warns whenever this one is used.
 */
export const DEV_CERT_SIGNING_KEY = createHash('sha256')
  .update('kesos-assistant development certificate signing key: not secret')
  .digest('hex')

const bool = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: `${name} must be true or false` })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')

const dataKey = (name: string) =>
  z
    .string()
    .regex(
      /^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/,
      `${name} must be 32 bytes as 64 hex digits or base64 (e.g. openssl rand -hex 32)`,
    )
    .optional()

const wholeNumber = (message: string, min: number, max: number) =>
  z.coerce.number({ error: message }).int(message).min(min, message).max(max, message)

/** A value read by one of the core's parsers; its error, after the variable's name, is the message. */
const parsedBy = <T>(name: string, parse: (text: string) => T) =>
  z.string().transform((value, ctx) => {
    try {
      return parse(value)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${name}: ${(error as Error).message}` })
      return z.NEVER
    }
  })

const schema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'production', 'test'], { error: 'NODE_ENV must be development, production or test' })
      .default('development'),
    PORT: wholeNumber('PORT must be a whole number from 0 to 65535', 0, 65535).default(3000),
    HOST: z.string().min(1, 'HOST must not be empty').default('0.0.0.0'),
    DATABASE_PATH: z.string().min(1, 'DATABASE_PATH must be a file path or :memory:').default('./data/kesos.db'),
    // Not echoed in the message: the address may hold a password.
    DATABASE_URL: z
      .string()
      .refine(
        (value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value),
        'DATABASE_URL must be a PostgreSQL address, postgres://USER:PASSWORD@HOST:5432/DATABASE (leave it unset for the embedded SQLite database)',
      )
      .optional(),
    DATABASE_POOL_SIZE: wholeNumber('DATABASE_POOL_SIZE must be a whole number of connections from 2 to 200', 2, 200).default(10),
    DATABASE_STATEMENT_TIMEOUT_MS: wholeNumber(
      'DATABASE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 3600000',
      1000,
      3_600_000,
    ).default(60_000),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    DEMO_DATA: z.enum(['auto', 'true', 'false'], { error: 'DEMO_DATA must be auto, true or false' }).default('auto'),
    CONVERSATION_TIMEOUT_MINUTES: wholeNumber(
      'CONVERSATION_TIMEOUT_MINUTES must be a whole number of minutes from 1 to 1440',
      1,
      1440,
    ).default(30),
    FAQ_PATH: z.string().min(1, 'FAQ_PATH must be a file path').default('content/faq.yaml'),
    // "none": the matcher learns from the knowledge base's own examples only.
    FAQ_QUESTIONS_PATH: z
      .string()
      .default('content/faq-questions.jsonl')
      .transform((path) => (path.trim().toLowerCase() === 'none' ? undefined : path)),
    // "none": the understanding step's rules decide alone, without the network trained on these examples.
    UNDERSTAND_EXAMPLES_DIR: z
      .string()
      .default('content/understanding')
      .transform((path) => (path.trim().toLowerCase() === 'none' ? undefined : path)),
    // Always given: loadConfig puts the default (defaultFaqCacheDir) in before parsing.
    FAQ_CACHE_DIR: z.string().min(1, 'FAQ_CACHE_DIR must be a folder path'),
    SECRETARIAT_CONTACT: z.string().min(1).default('sekretariat BBPPKS di wilayah Anda'),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{30,}$/, 'TELEGRAM_BOT_TOKEN must look like 123456:ABC… (from @BotFather)')
      .optional(),
    TELEGRAM_MODE: z.enum(['polling', 'webhook'], { error: 'TELEGRAM_MODE must be polling or webhook' }).default('polling'),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'TELEGRAM_WEBHOOK_SECRET must be 16–256 letters, digits, _ or -')
      .optional(),
    TELEGRAM_WEBHOOK_REPLY: bool('TELEGRAM_WEBHOOK_REPLY').default(true),
    TELEGRAM_API_ROOT: z
      .url({ protocol: /^https?$/, error: 'TELEGRAM_API_ROOT must be an http(s) URL, e.g. https://api.telegram.org' })
      .default('https://api.telegram.org'),
    PUBLIC_BASE_URL: z
      .url({ protocol: /^https?$/, error: 'PUBLIC_BASE_URL must be the public http(s) address of this service' })
      .optional(),
    WHATSAPP_ENABLED: bool('WHATSAPP_ENABLED').default(false),
    WHATSAPP_PAIRING_NUMBER: z
      .string()
      .transform((v) => v.replace(/[\s+()-]/g, ''))
      .pipe(
        z.string().regex(/^[1-9]\d{7,14}$/, 'WHATSAPP_PAIRING_NUMBER must be the number with country code, e.g. 6281234567890'),
      )
      .optional(),
    WHATSAPP_SEND_INTERVAL_MS: wholeNumber(
      'WHATSAPP_SEND_INTERVAL_MS must be a whole number of milliseconds from 0 to 60000',
      0,
      60_000,
    ).default(1500),
    WHATSAPP_SEND_JITTER_MS: wholeNumber(
      'WHATSAPP_SEND_JITTER_MS must be a whole number of milliseconds from 0 to 60000',
      0,
      60_000,
    ).default(2500),
    // Announcements sent per WhatsApp number per day (WIB); the rest continue the next working day (docs/announcements.md).
    WHATSAPP_DAILY_CAP: wholeNumber('WHATSAPP_DAILY_CAP must be a whole number of messages from 1 to 100000', 1, 100_000).default(
      500,
    ),
    WHATSAPP_TYPING_MS: wholeNumber(
      'WHATSAPP_TYPING_MS must be a whole number of milliseconds from 0 to 20000',
      0,
      20_000,
    ).default(1200),
    WHATSAPP_SOCKET_URL: z
      .url({ protocol: /^wss?$/, error: 'WHATSAPP_SOCKET_URL must be a ws:// or wss:// URL' })
      .default('wss://web.whatsapp.com/ws/chat'),
    WHATSAPP_REPLAY_HOURS: wholeNumber('WHATSAPP_REPLAY_HOURS must be a whole number of hours from 0 to 168', 0, 168).default(24),
    IDENTITY_LINK_DAYS: wholeNumber('IDENTITY_LINK_DAYS must be a whole number of days from 1 to 730', 1, 730).default(180),
    REGISTRATION_OFFER_HOURS: wholeNumber(
      'REGISTRATION_OFFER_HOURS must be a whole number of hours from 1 to 168',
      1,
      168,
    ).default(12),
    // How long rows are kept before the nightly retention job deletes them (docs/privacy.md).
    RETENTION_OUTBOX_DAYS: wholeNumber('RETENTION_OUTBOX_DAYS must be a whole number of days from 1 to 3650', 1, 3650).default(
      30,
    ),
    RETENTION_OUTBOX_FAILED_DAYS: wholeNumber(
      'RETENTION_OUTBOX_FAILED_DAYS must be a whole number of days from 1 to 3650',
      1,
      3650,
    ).default(14),
    RETENTION_IDENTITY_ATTEMPTS_DAYS: wholeNumber(
      'RETENTION_IDENTITY_ATTEMPTS_DAYS must be a whole number of days from 1 to 3650',
      1,
      3650,
    ).default(30),
    RETENTION_CHAT_DAYS: wholeNumber('RETENTION_CHAT_DAYS must be a whole number of days from 1 to 3650', 1, 3650).default(90),
    RETENTION_AUDIT_DAYS: wholeNumber('RETENTION_AUDIT_DAYS must be a whole number of days from 1 to 3650', 1, 3650).default(365),
    RETENTION_ANNOUNCEMENT_DAYS: wholeNumber(
      'RETENTION_ANNOUNCEMENT_DAYS must be a whole number of days from 1 to 3650',
      1,
      3650,
    ).default(90),
    DATA_ENCRYPTION_KEY: dataKey('DATA_ENCRYPTION_KEY'),
    // During a key rotation: the key the data was encrypted with before (see docs/operations.md).
    DATA_ENCRYPTION_KEY_PREVIOUS: dataKey('DATA_ENCRYPTION_KEY_PREVIOUS'),
    // Deprecated: staff API tokens replace it (docs/http-api.md); still accepted as an admin for one release.
    ADMIN_TOKEN: z
      .string()
      .regex(/^[A-Za-z0-9_.~+/=-]{24,256}$/, 'ADMIN_TOKEN must be 24–256 characters without spaces (e.g. openssl rand -hex 24)')
      .optional(),
    CERT_SIGNING_KEY: z
      .string()
      .regex(/^\S{32,256}$/, 'CERT_SIGNING_KEY must be 32–256 characters without spaces (e.g. openssl rand -hex 32)')
      .optional(),
    // Earlier signing keys, comma-separated: links they signed (printed QR codes) still verify; nothing new is signed with them.
    CERT_SIGNING_KEY_PREVIOUS: z
      .string()
      .transform((value) => value.split(',').map((key) => key.trim()))
      .pipe(
        z.array(
          z
            .string()
            .regex(
              /^[^\s,]{32,256}$/,
              'CERT_SIGNING_KEY_PREVIOUS must be earlier signing keys (32–256 characters without spaces), separated by commas',
            ),
        ),
      )
      .default([]),
    VERIFY_RATE_LIMIT_PER_MINUTE: wholeNumber(
      'VERIFY_RATE_LIMIT_PER_MINUTE must be a whole number of lookups from 1 to 100000',
      1,
      100_000,
    ).default(60),
    TRUST_PROXY: bool('TRUST_PROXY').default(false),
    TRUST_PROXY_HEADER: z
      .enum(['x-real-ip', 'x-forwarded-for'], { error: 'TRUST_PROXY_HEADER must be x-real-ip or x-forwarded-for' })
      .optional(),
    TRUST_PROXY_HOPS: wholeNumber('TRUST_PROXY_HOPS must be a whole number of proxies from 1 to 10', 1, 10).optional(),
    REMINDER_OFFSETS: parsedBy('REMINDER_OFFSETS', parseOffsets).default(DEFAULT_REMINDER_SETTINGS.offsets),
    REMINDER_PORTFOLIO_DAYS: z
      .string()
      .regex(/^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$/, 'REMINDER_PORTFOLIO_DAYS must be whole days before the deadline, e.g. 7,1')
      .transform((value) => [...new Set(value.split(',').map((part) => Number(part.trim())))].filter((days) => days > 0))
      .default(DEFAULT_REMINDER_SETTINGS.portfolioDays),
    REMINDER_QUIET_HOURS: parsedBy('REMINDER_QUIET_HOURS', parseQuietHours).default(DEFAULT_REMINDER_SETTINGS.quiet),
    REMINDER_GRACE_HOURS: wholeNumber('REMINDER_GRACE_HOURS must be a whole number of hours from 0 to 72', 0, 72).default(6),
    REMINDER_CRON: z
      .string()
      .refine((value) => cron.validate(value), 'REMINDER_CRON must be a cron expression, e.g. "* * * * *" (every minute)')
      .default('* * * * *'),
    TELEGRAM_SEND_PER_SECOND: wholeNumber(
      'TELEGRAM_SEND_PER_SECOND must be a whole number of messages from 1 to 30 (Telegram allows about 30 a second)',
      1,
      30,
    ).default(25),
    TELEGRAM_CHAT_INTERVAL_MS: wholeNumber(
      'TELEGRAM_CHAT_INTERVAL_MS must be a whole number of milliseconds from 1000 to 60000 (Telegram allows about 1 message a second per chat)',
      1_000,
      60_000,
    ).default(1_000),
    // Live handoff (docs/operations.md, "Live handoff").
    HANDOFF_SIGNATURE: parsedBy('HANDOFF_SIGNATURE', parseSignature).default(DEFAULT_HANDOFF_SETTINGS.signature),
    HANDOFF_IDLE_HOURS: parsedBy('HANDOFF_IDLE_HOURS', parseIdleHours).default(DEFAULT_HANDOFF_SETTINGS.idleHours),
    HANDOFF_HOURS: parsedBy('HANDOFF_HOURS', parseHandoffHours).default(DEFAULT_HANDOFF_SETTINGS.hours),
    HANDOFF_ALERT_MINUTES: parsedBy('HANDOFF_ALERT_MINUTES', parseAlertMinutes).default(DEFAULT_HANDOFF_SETTINGS.alertMinutes),
    STAFF_TELEGRAM_CHATS: parsedBy('STAFF_TELEGRAM_CHATS', parseStaffChats).default(DEFAULT_HANDOFF_SETTINGS.staffChats),
    HANDOFF_CLOSED_DATES: parsedBy('HANDOFF_CLOSED_DATES', parseClosedDates).default(DEFAULT_HANDOFF_SETTINGS.closedDates),
    HANDOFF_GROUP_FILES: parsedBy('HANDOFF_GROUP_FILES', parseGroupFiles).default(DEFAULT_HANDOFF_SETTINGS.groupFiles),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV === 'production' && !config.DATA_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATA_ENCRYPTION_KEY'],
        message:
          'DATA_ENCRYPTION_KEY must be set in production (openssl rand -hex 32), kept apart from the database and backed up',
      })
    }
    if (config.NODE_ENV === 'production' && (!config.CERT_SIGNING_KEY || config.CERT_SIGNING_KEY === DEV_CERT_SIGNING_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['CERT_SIGNING_KEY'],
        message:
          'CERT_SIGNING_KEY must be set in production (openssl rand -hex 32): it signs the QR links printed on certificates',
      })
    }
    // Links printed on pages and sent in chats must not take the request's Host header, which a
    // client chooses: in production they are made from this setting alone.
    if (config.NODE_ENV === 'production' && !config.PUBLIC_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_BASE_URL'],
        message:
          'PUBLIC_BASE_URL must be set in production: the public https address of this service, e.g. https://sertifikasi.example.go.id',
      })
    }
    // Which header a proxy writes is a fact about the deployment: guessing it let a client pick its
    // own address (X-Forwarded-For was read first even where the proxy only set X-Real-IP).
    if (config.TRUST_PROXY && !config.TRUST_PROXY_HEADER) {
      ctx.addIssue({
        code: 'custom',
        path: ['TRUST_PROXY_HEADER'],
        message:
          'TRUST_PROXY=true needs TRUST_PROXY_HEADER: x-real-ip (nginx: proxy_set_header X-Real-IP $remote_addr) or x-forwarded-for (with TRUST_PROXY_HOPS, the number of proxies)',
      })
    }
    if (!config.TRUST_PROXY && (config.TRUST_PROXY_HEADER || config.TRUST_PROXY_HOPS)) {
      ctx.addIssue({
        code: 'custom',
        path: [config.TRUST_PROXY_HEADER ? 'TRUST_PROXY_HEADER' : 'TRUST_PROXY_HOPS'],
        message: 'TRUST_PROXY_HEADER and TRUST_PROXY_HOPS apply only with TRUST_PROXY=true: set it, or remove them',
      })
    }
    if (config.TRUST_PROXY_HEADER === 'x-real-ip' && config.TRUST_PROXY_HOPS) {
      ctx.addIssue({
        code: 'custom',
        path: ['TRUST_PROXY_HOPS'],
        message: 'TRUST_PROXY_HOPS counts X-Forwarded-For entries: remove it with TRUST_PROXY_HEADER=x-real-ip',
      })
    }
    if (config.CERT_SIGNING_KEY_PREVIOUS.includes(DEV_CERT_SIGNING_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['CERT_SIGNING_KEY_PREVIOUS'],
        message: 'CERT_SIGNING_KEY_PREVIOUS must not hold the public development key: anyone can sign links with it',
      })
    }
    // Reachable by the public: development keys (the public signing key, a data key in a file
    // beside the database) would let anyone forge certificate links, or read NIKs and the
    // WhatsApp session from a copy of the data folder. (An in-memory database gets a key that
    // lives and dies with the process.)
    const exposedBy = config.TELEGRAM_BOT_TOKEN
      ? 'TELEGRAM_BOT_TOKEN is set'
      : config.WHATSAPP_ENABLED
        ? 'WHATSAPP_ENABLED=true'
        : config.PUBLIC_BASE_URL?.startsWith('https:')
          ? 'PUBLIC_BASE_URL is an https address'
          : undefined
    if (exposedBy && config.NODE_ENV !== 'production') {
      if (!config.CERT_SIGNING_KEY || config.CERT_SIGNING_KEY === DEV_CERT_SIGNING_KEY) {
        ctx.addIssue({
          code: 'custom',
          path: ['CERT_SIGNING_KEY'],
          message: `CERT_SIGNING_KEY must be set (openssl rand -hex 32) when the service is public (${exposedBy}): the development key signs links anyone can forge`,
        })
      }
      if (!config.DATA_ENCRYPTION_KEY && config.DATABASE_PATH !== ':memory:') {
        ctx.addIssue({
          code: 'custom',
          path: ['DATA_ENCRYPTION_KEY'],
          message: `DATA_ENCRYPTION_KEY must be set (openssl rand -hex 32), kept apart from the database, when the service is public (${exposedBy}): the development key file lies beside the database`,
        })
      }
    }
    // The staff groups are served by the Telegram bot: without it, handoffs would wait there unannounced.
    if (config.STAFF_TELEGRAM_CHATS.length > 0 && !config.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['STAFF_TELEGRAM_CHATS'],
        message:
          'STAFF_TELEGRAM_CHATS needs TELEGRAM_BOT_TOKEN: the bot posts handoffs in those groups and relays the staff replies. Set the token, or remove STAFF_TELEGRAM_CHATS',
      })
    }
    if (config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_MODE === 'webhook' && !config.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_MODE=webhook (16–256 letters, digits, _ or -)',
      })
    }
  })
  // Outside production a missing signing key is the public development key (see DEV_CERT_SIGNING_KEY).
  .transform((config) => ({ ...config, CERT_SIGNING_KEY: config.CERT_SIGNING_KEY ?? DEV_CERT_SIGNING_KEY }))

export type Config = z.infer<typeof schema>

/**
 * Where the FAQ's trained networks are kept between processes unless FAQ_CACHE_DIR says otherwise:
 * $XDG_CACHE_HOME (else ~/.cache), then kesos-assistant/faq-network.
 */
export function defaultFaqCacheDir(env: Record<string, string | undefined>): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kesos-assistant', 'faq-network')
}

/** A configuration problem, worded for the person starting the service. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(
    readonly variable: string,
    readonly expected: string,
  ) {
    super(`Configuration error: ${expected}`)
  }
}

/** Parses the environment once; throws ConfigError for the first wrong variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty value (`PORT=` in a .env file) means "use the default".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''))
  const result = schema.safeParse({ FAQ_CACHE_DIR: defaultFaqCacheDir(given), ...given })
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const variable = String(issue?.path[0] ?? 'environment')
  const shown = env[variable]
  // Never printed back: secrets, and an address that may hold a password.
  const secret =
    variable.includes('TOKEN') || variable.includes('SECRET') || variable.includes('KEY') || variable === 'DATABASE_URL'
  const got = shown === undefined || secret ? '' : ` (got "${shown}")`
  throw new ConfigError(variable, `${issue?.message ?? 'invalid value'}${got}`)
}

/** For entry points: the configuration, or one line on stderr and exit code 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
}
