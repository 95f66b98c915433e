/**
 * The composition root: configuration, database, core, web server, scheduler, channels. Started by
 * server.ts (`node dist/server.js`), or directly (`tsx src/main.ts`).
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { openCoreOrExit } from './bootstrap.js'
import { ALLOWED_UPDATES, createTelegramBot, describe, type TelegramBot } from './bots/telegram/bot.js'
import { createStaffGroup, staffGroupIds } from './bots/telegram/staff-group.js'
import { createStaffRelay } from './bots/telegram/staff-relay.js'
import { logStaffGroups } from './bots/telegram/staff-setup.js'
import { createTelegramWebhook } from './bots/telegram/webhook.js'
import type { WhatsAppChannel } from './bots/whatsapp/adapter.js'
import type { ConnectionState } from './bots/whatsapp/connection.js'
import { connectionStateOf } from './bots/whatsapp/connection-state.js'
import { pairingQrShower } from './bots/whatsapp/pairing-qr.js'
import { DEV_CERT_SIGNING_KEY, loadConfigOrExit } from './config.js'
import { queueAnnouncement, runAnnouncements } from './core/announcements/service.js'
import { createLookupAudit } from './core/certificates/lookup-audit.js'
import { FIRST_ADMIN_LINK_HOURS, firstAdminLink, setPasswordUrl } from './core/console/staff-accounts.js'
import { holidayDataWarning } from './core/handoff/hours.js'
import { runHandoffJobs } from './core/handoff/jobs.js'
import { runHousekeeping } from './core/housekeeping.js'
import { type ChannelSender, capResumeAt, createOutbox } from './core/outbox.js'
import { createSecretBox, STAFF_TOTP_PURPOSE } from './core/privacy/data-key.js'
import { runRetention } from './core/privacy/retention.js'
import { expireSeatOffers } from './core/registration/seat-offers.js'
import { openChatTurns } from './db/chat-turns.js'
import { closeStore } from './db/client.js'
import { type InstanceBus, openInstanceBus } from './db/pg/instance-bus.js'
import { type LeaderElection, startLeaderElection } from './db/pg/leader.js'
import { databaseAnswers } from './db/queries/meta.js'
import { capRemaining } from './db/queries/outbox.js'
import { createLogger } from './logger.js'
import { startScheduler } from './scheduler.js'
import { consoleBaseUrl, outboxSettingsOf, reminderSettingsOf, retentionPeriodsOf, trustedProxyOf } from './settings.js'
import { VERSION } from './version.js'
import { type ChannelStatus, createWebApp } from './web/app.js'
import { quickRepliesOf } from './web/console/handoff-thread.js'

const config = loadConfigOrExit()
// The one place the server reads the real clock: everything below is handed this.
const clock = () => new Date()
const logger = createLogger({ level: config.LOG_LEVEL })
// One-time codes go out over WhatsApp: offered only while that channel is connected (on this
// instance, or on the leader when several share a PostgreSQL database).
const { db, engine, demo, vault, keys, authBox, blocking, kb, handoffs, prepareUnderstandingInBackground } = await openCoreOrExit(
  config,
  logger,
  clock,
  {
    codeChannelReady: () => whatsappState()?.status === 'open',
  },
)
if (demo) {
  logger.info(
    demo,
    'DEMO dataset loaded into the empty database (sessions titled "[DEMO]", certificates "DEMO-…"); set DEMO_DATA=false to start empty',
  )
}

const channels: Record<string, ChannelStatus> = { console: 'on', telegram: 'off', whatsapp: 'off' }

// Indonesia's holiday data has gaps (cuti bersama; Nyepi and Vesak in later years): said once, with the fix.
// Not repeated once the operator listed closed dates for the year (WIB's year: Indonesia's holidays).
const holidayYear = new Date(clock().getTime() + 7 * 3_600_000).getUTCFullYear()
const holidayGap = handoffs.settings.closedDates.some((date) => date.startsWith(`${holidayYear}-`))
  ? undefined
  : holidayDataWarning(holidayYear)
if (holidayGap) logger.warn(holidayGap)
/** While a chat talks to staff, its photos and PDFs are downloaded for them. */
const talksToStaff = (channel: 'telegram' | 'whatsapp') => (chatId: string) => handoffs.live.isLive(db, channel, chatId)

/** On PostgreSQL, a chat's turns never overlap across instances (the webhook may reach any of them). */
const chatTurns = await openChatTurns(db)
const telegram = config.TELEGRAM_BOT_TOKEN
  ? createTelegramBot({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      webhookReply: config.TELEGRAM_WEBHOOK_REPLY,
      engine,
      blocking,
      clock,
      logger,
      mediaWanted: talksToStaff('telegram'),
      chatTurn: chatTurns.run,
      staffGroups: staffGroupIds(handoffs.settings),
      staffGroup: createStaffGroup({ db, actions: handoffs.actions, faq: kb, clock, logger }),
    })
  : undefined
/** Posts each conversation with staff to its region's staff group and keeps it current (STAFF_TELEGRAM_CHATS). */
const staffRelay =
  telegram && handoffs.settings.staffChats.length > 0
    ? createStaffRelay({
        db,
        api: telegram.bot.api,
        settings: handoffs.settings,
        clock,
        logger,
        publicBaseUrl: consoleBaseUrl(config),
        files: handoffs.files,
        calendar: handoffs.calendar,
      })
    : undefined
if (!telegram) logger.info('Telegram off: set TELEGRAM_BOT_TOKEN')
/** The WhatsApp channel once loaded; until then /admin/whatsapp shows it connecting. */
let whatsappChannel: WhatsAppChannel | undefined
const whatsappLoading: ConnectionState = { status: 'connecting', since: clock() }
/** Loaded when this instance leads (at once on SQLite): WhatsApp allows one live socket per number. */
let whatsapp: Promise<WhatsAppChannel> | undefined
/** Notes to and from the other instances on the same PostgreSQL database (set below). */
let bus: InstanceBus | undefined
/** The leader's duties once started (lead()), and the jobs among them. */
let leading: Promise<void> | undefined
let leaderScheduler: ReturnType<typeof startScheduler> | undefined
/** The leader's WhatsApp state as it last told the other instances (PostgreSQL), and when. */
let leaderWhatsApp: { state: ConnectionState; at: number } | undefined
/** The leader repeats its WhatsApp state this often; a follower trusts what it heard for three times as long. */
const WHATSAPP_STATE_EVERY_MS = 10_000
/** The WhatsApp connection's state: this instance's socket, else the leader's as last heard (when recent). */
function whatsappState(): ConnectionState | undefined {
  if (whatsappChannel) return whatsappChannel.state()
  if (leaderWhatsApp && clock().getTime() - leaderWhatsApp.at < 3 * WHATSAPP_STATE_EVERY_MS) return leaderWhatsApp.state
  return undefined
}

/**
 * Baileys (WhatsApp Web's protocol, Signal, protobuf: about 45 MB and half a second) is loaded only
 * when WhatsApp is on, and only after the web server listens: the first `await` hands control back
 * until the rest of start-up has run. The channel starts as soon as it is made.
 */
async function loadWhatsApp(): Promise<WhatsAppChannel> {
  channels.whatsapp = 'connecting'
  const [{ createWhatsAppChannel }, { baileysSocketFactory }] = await Promise.all([
    import('./bots/whatsapp/adapter.js'),
    import('./bots/whatsapp/socket.js'),
  ])
  whatsappChannel = await createWhatsAppChannel({
    db,
    authBox,
    engine,
    logger,
    mediaWanted: talksToStaff('whatsapp'),
    factory: baileysSocketFactory(logger, config.WHATSAPP_SOCKET_URL),
    pace: {
      intervalMs: config.WHATSAPP_SEND_INTERVAL_MS,
      jitterMs: config.WHATSAPP_SEND_JITTER_MS,
      typingMs: config.WHATSAPP_TYPING_MS,
    },
    ...(config.WHATSAPP_PAIRING_NUMBER && { pairingNumber: config.WHATSAPP_PAIRING_NUMBER }),
    replayWindowMs: config.WHATSAPP_REPLAY_HOURS * 3_600_000,
    now: clock,
    onChange: showWhatsAppState,
  })
  whatsappChannel.start()
  return whatsappChannel
}
if (!config.WHATSAPP_ENABLED) logger.info('WhatsApp off: set WHATSAPP_ENABLED=true')

const showQr = pairingQrShower({
  terminal: process.stdout.isTTY === true,
  write: (text) => process.stdout.write(text),
  logger,
})
/** /healthz's word for each state of the WhatsApp connection. */
const WHATSAPP_HEALTH: Record<ConnectionState['status'], ChannelStatus> = {
  stopped: 'off',
  connecting: 'connecting',
  reconnecting: 'connecting',
  pairing: 'pairing',
  open: 'on',
  replaced: 'error',
  failed: 'error',
}
/** Keeps /healthz current and shows each new pairing QR (drawn on a terminal, else a log entry says where). */
function showWhatsAppState(state: ConnectionState) {
  channels.whatsapp = WHATSAPP_HEALTH[state.status]
  bus?.publish({ topic: 'whatsapp', state })
  void showQr(state.qr)
}
logger.info('Terminal chat on: run "npm run chat" in another terminal (same database)')

// Every instance sends Telegram's share of the outbox; WhatsApp's is sent where its socket is (the leader).
const senders: Partial<Record<'telegram' | 'whatsapp', ChannelSender>> = {
  ...(telegram && { telegram: telegram.sendTo }),
}
const outboxSettings = outboxSettingsOf(config)
// WhatsApp announcements stop at WHATSAPP_DAILY_CAP a day (WIB); the rest go at the next working day's opening.
const outbox = createOutbox({
  ...outboxSettings,
  db,
  logger,
  senders,
  // On PostgreSQL, WhatsApp's messages wait for the leader (the one instance with the socket).
  takes: (channel) => channel !== 'whatsapp' || !config.DATABASE_URL || leading !== undefined,
  // Every instance sends Telegram's: the bot's limit is shared among them (TELEGRAM_SEND_PER_SECOND in all).
  shared: (channel) => channel === 'telegram' && config.DATABASE_URL !== undefined,
  now: clock,
  dailyCap: { perDay: outboxSettings.dailyCapPerDay, resumeAt: capResumeAt(handoffs.calendar) },
})
// This process is a dispatcher from now on: what a predecessor killed a moment ago left queued is
// taken back and sent at once, not at the next scheduled run (docs/operations.md, "Crash and deploy").
await outbox.start()
outbox.deliverSoon()
// A staff reply or a close notice goes out within seconds, not at the next scheduled run; the
// staff group hears of new messages at once too. So do the other instances (the leader sends WhatsApp's).
handoffs.activity.subscribe(() => {
  outbox.deliverSoon()
  staffRelay?.wake()
  bus?.publish({ topic: 'outbox' })
})
/** A message was queued here: sent at once by this instance, and by the leader when it is WhatsApp's. */
function deliverSoonEverywhere() {
  outbox.deliverSoon()
  bus?.publish({ topic: 'outbox' })
}

/** Queuing an announcement: 5,000 people per write transaction, 50 ms between them for the other writers. */
const ANNOUNCEMENT_QUEUE = { batchPeople: 5_000, pauseMs: 50 }

/** The jobs every instance runs: its share of the outbox. */
const scheduler = startScheduler(
  [
    // Reminders and the other messages the assistant sends on its own, at each channel's pace.
    { name: 'outbox', cron: config.REMINDER_CRON, run: () => outbox.deliver() },
  ],
  logger,
)
/** The jobs that must run once, on the leader (this process on SQLite). */
const leaderJobs = () => [
  {
    name: 'housekeeping',
    cron: '*/5 * * * *',
    run: () => runHousekeeping(db, clock(), config.CONVERSATION_TIMEOUT_MINUTES),
  },
  // Offers of a freed Bimtek seat that were not answered in time go to the next person waiting.
  { name: 'seat-offers', cron: '* * * * *', run: () => expireSeatOffers(db, clock(), config.REGISTRATION_OFFER_HOURS) },
  // Staff told again about people still waiting; conversations silent since staff's last answer closed.
  {
    name: 'handoffs',
    cron: '* * * * *',
    run: () =>
      runHandoffJobs({ db, calendar: handoffs.calendar, settings: handoffs.settings, activity: handoffs.activity }, clock()),
  },
  // Announcements: scheduled ones queued when their start comes, an interrupted queuing resumed,
  // finished ones closed with their totals; what was queued goes out at once.
  {
    name: 'announcements',
    cron: '* * * * *',
    run: async () => {
      const { queued } = await runAnnouncements(db, clock, ANNOUNCEMENT_QUEUE)
      if (queued > 0) deliverSoonEverywhere()
    },
  },
  // Rows kept as long as docs/privacy.md promises are deleted, at night (server time).
  { name: 'retention', cron: '30 2 * * *', run: () => runRetention(db, clock(), retentionPeriodsOf(config)) },
]

// Certificate lookups reach the audit log in batches, so a burst of lookups is not a burst of writes.
const lookupAudit = createLookupAudit(db, {
  flushMs: 2_000,
  maxBatch: 200,
  now: clock,
  onError: (error, pending) =>
    logger.error(
      { err: describe(error), pending },
      'certificate lookup audit: writing failed; the entries are kept for the next try',
    ),
})
if (config.CERT_SIGNING_KEY === DEV_CERT_SIGNING_KEY) {
  logger.warn(
    'CERT_SIGNING_KEY is not set: certificate QR links are signed with the public development key and prove nothing; set it (openssl rand -hex 32) before printing certificates',
  )
}

const production = config.NODE_ENV === 'production'
// Outside production, a database without staff gets a one-time link for the first admin, printed
// once the server listens (docs/console.md): a newcomer is in the console in one click.
const firstAdmin = production ? undefined : await firstAdminLink(db, clock())

const app = createWebApp({
  version: VERSION,
  logger,
  clock,
  channels: () => ({ ...channels }),
  checkDatabase: () => databaseAnswers(db),
  proxy: trustedProxyOf(config),
  admin: { db, vault, reminders: reminderSettingsOf(config) },
  console: {
    db,
    totpBox: createSecretBox(keys, STAFF_TOTP_PURPOSE),
    vault,
    reminders: reminderSettingsOf(config),
    production,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    signingKey: config.CERT_SIGNING_KEY,
    offerHours: config.REGISTRATION_OFFER_HOURS,
    handoff: handoffs.settings,
    activity: handoffs.activity,
    handoffFiles: handoffs.files,
    quickReplies: quickRepliesOf(kb),
    // Pengumuman: "Kirim sekarang" queues in the background and wakes the outbox (sent within seconds).
    announce: {
      deliverSoon: () => deliverSoonEverywhere(),
      capPerDay: config.WHATSAPP_DAILY_CAP,
      capRemaining: (now) => capRemaining(db, now, config.WHATSAPP_DAILY_CAP),
      queue: (id) =>
        void queueAnnouncement(db, id, clock, ANNOUNCEMENT_QUEUE)
          .then(() => deliverSoonEverywhere())
          .catch((err: unknown) =>
            logger.error({ err, announcement: id }, 'announcement: queuing failed (the scheduler resumes it)'),
          ),
    },
  },
  verify: {
    db,
    signingKey: config.CERT_SIGNING_KEY,
    previousSigningKeys: config.CERT_SIGNING_KEY_PREVIOUS,
    audit: lookupAudit,
    ratePerMinute: config.VERIFY_RATE_LIMIT_PER_MINUTE,
    ...(config.PUBLIC_BASE_URL && { publicBaseUrl: config.PUBLIC_BASE_URL }),
  },
  ...(config.ADMIN_TOKEN && { adminToken: config.ADMIN_TOKEN }),
  ...(config.WHATSAPP_ENABLED && { whatsappState: () => whatsappState() ?? whatsappLoading }),
  ...(telegram &&
    config.TELEGRAM_MODE === 'webhook' &&
    config.TELEGRAM_WEBHOOK_SECRET && { telegramWebhook: createTelegramWebhook(telegram, config.TELEGRAM_WEBHOOK_SECRET) }),
})
/** How long after listening the understanding step's networks are made: health checks and first messages come first. */
const PREPARE_AFTER_MS = 2_000
/** The worker that makes them: built beside this file in dist/, the TypeScript source when run with tsx. */
const UNDERSTANDING_WORKER = import.meta.url.endsWith('.ts')
  ? new URL('./core/understanding/second-opinion-worker.ts', import.meta.url)
  : new URL('./understanding-worker.js', import.meta.url)
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info: AddressInfo) => {
  logger.info(
    { port: info.port, version: VERSION },
    `kesos-assistant listening on http://localhost:${info.port} (health: /healthz, certificate verification: /verifikasi, console: /admin)`,
  )
  // The understanding step's second opinion is made in a worker thread once the server answers (seconds the first
  // time on a machine, then loaded from FAQ_CACHE_DIR); until then sentences are read by the rules alone.
  setTimeout(() => {
    const started = performance.now()
    prepareUnderstandingInBackground(UNDERSTANDING_WORKER).then(
      () => logger.info({ ms: Math.round(performance.now() - started) }, 'understanding: second opinion ready'),
      (error: Error) => logger.warn({ err: error.message }, 'understanding: second opinion not made, the rules read alone'),
    )
  }, PREPARE_AFTER_MS).unref()
  if (firstAdmin) {
    const url = setPasswordUrl(consoleBaseUrl(config, info.port), firstAdmin)
    logger.warn(
      { url },
      `no staff account yet: create the first admin within ${FIRST_ADMIN_LINK_HOURS} hour at this one-time link`,
    )
    // A person at a terminal gets it as a plain line too; a log reader (stdout not a terminal) keeps JSON lines only.
    if (process.stdout.isTTY) {
      process.stdout.write(
        `\nKonsol sekretariat: buat akun admin pertama (tautan sekali pakai, berlaku ${FIRST_ADMIN_LINK_HOURS} jam):\n  ${url}\n\n`,
      )
    }
  }
})

server.on('error', (error: NodeJS.ErrnoException) => {
  const reason = error.code === 'EADDRINUSE' ? `port ${config.PORT} is already in use (set PORT)` : error.message
  logger.fatal({ code: error.code }, `cannot start the web server: ${reason}`)
  void (async () => {
    await scheduler.stop().catch(() => undefined)
    await leaderScheduler?.stop().catch(() => undefined)
    await lookupAudit.stop()
    await election?.stop()
    await bus?.close()
    await closeStore(db)
    process.exit(1)
  })()
})

/** Resolves once Telegram's token is checked and its commands registered: true when it is usable. */
const telegramReady: Promise<boolean> = telegram ? startTelegram(telegram) : Promise.resolve(false)

/**
 * What runs once however many instances share the database: the WhatsApp socket (one live socket
 * per number), the scheduled jobs, Telegram's long polling (Telegram hands updates to one poller),
 * the staff-group relay. On SQLite this process is the only one and leads from the start; on
 * PostgreSQL the instance holding the leader lock does (src/db/pg/leader.ts, docs/operations.md).
 */
function lead(): Promise<void> {
  leading ??= (async () => {
    leaderScheduler = startScheduler(leaderJobs(), logger)
    if (config.WHATSAPP_ENABLED) {
      whatsapp = loadWhatsApp()
      const channel = whatsapp
      senders.whatsapp = async (chatId, replies, options) => (await channel).send(chatId, replies, options)
      await channel
    }
    if (telegram && (await telegramReady)) {
      if (staffRelay) {
        await logStaffGroups(telegram.bot.api, handoffs.settings, telegram.bot.botInfo.id, logger)
        staffRelay.start()
      }
      if (config.TELEGRAM_MODE === 'polling') startPolling(telegram)
    }
    // What a predecessor left for the leader (WhatsApp's share) goes now, not at the next run.
    outbox.deliverSoon()
  })()
  return leading
}

/** The instance bus and the leader election, on PostgreSQL only. */
bus = config.DATABASE_URL
  ? openInstanceBus({
      url: config.DATABASE_URL,
      instance: outbox.dispatcher.id,
      log: logger,
      onNote: (note) => {
        if (note.topic === 'outbox') {
          outbox.deliverSoon()
          staffRelay?.wake()
        } else if (!whatsappChannel) {
          const state = connectionStateOf(note.state)
          if (!state) return
          leaderWhatsApp = { state, at: clock().getTime() }
          // /healthz on every instance says how the leader's WhatsApp is.
          channels.whatsapp = WHATSAPP_HEALTH[state.status]
        }
      },
    })
  : undefined
const election: LeaderElection | undefined = config.DATABASE_URL
  ? startLeaderElection({
      url: config.DATABASE_URL,
      log: logger,
      onLead: () => {
        logger.info('leader: this instance runs WhatsApp, the scheduled jobs and Telegram polling')
        return leadOrStop()
      },
      // A leader that lost its lock stops at once, before another instance starts the same duties;
      // its supervisor starts it again, as a follower until the lock is free (docs/operations.md).
      onStepDown: (reason) => {
        if (reason === 'stopped') return
        logger.fatal({ reason }, 'leader: lost the leader lock (DATABASE_URL); stopping')
        void shutdown('leader lock lost', 1)
      },
    })
  : undefined
/**
 * Half-started duties are worse than none (a scheduler running without the socket, a lock held by an
 * instance that cannot send WhatsApp's messages): this process stops, for its supervisor to start it
 * again (on PostgreSQL the lock is released with it, and another instance may lead meanwhile).
 */
function leadOrStop(): Promise<void> {
  return lead().catch((error: unknown) => {
    logger.fatal({ err: describe(error) }, 'leader: starting WhatsApp, the scheduled jobs or Telegram failed; stopping')
    void shutdown('leader duties failed', 1)
  })
}
/** The leader repeats its WhatsApp state, so that an instance started later knows it too. */
const whatsappStateRepeat =
  bus && config.WHATSAPP_ENABLED
    ? setInterval(() => {
        if (whatsappChannel) bus.publish({ topic: 'whatsapp', state: whatsappChannel.state() })
      }, WHATSAPP_STATE_EVERY_MS)
    : undefined
whatsappStateRepeat?.unref()

/**
 * Resolves when start-up is over: the web server listens and, on the leader, WhatsApp (when on) is
 * loaded and started. An instance waiting for the lead is started once it serves.
 */
export const started: Promise<void> = election ? Promise.resolve() : leadOrStop()

/** Checks the token and registers the commands; true when Telegram can be used. */
async function startTelegram(bot: TelegramBot): Promise<boolean> {
  channels.telegram = 'connecting'
  try {
    await bot.bot.init()
  } catch (error) {
    channels.telegram = 'error'
    logger.error({ err: describe(error) }, 'Telegram error: the bot token was refused or Telegram cannot be reached')
    return false
  }
  await bot.registerCommands()
  if (config.TELEGRAM_MODE === 'webhook') {
    channels.telegram = 'on'
    logger.info(
      { username: bot.bot.botInfo.username },
      'Telegram on (webhook at /telegram/webhook; run "npm run cli -- telegram set-webhook" once)',
    )
  } else if (election) {
    // Sending works everywhere; updates are fetched by the leader.
    channels.telegram = 'on'
  }
  return true
}

/** Long polling: Telegram hands each update to one poller, so only the leader polls. */
function startPolling(bot: TelegramBot) {
  bot.bot
    .start({
      allowed_updates: [...ALLOWED_UPDATES],
      onStart: (me) => {
        channels.telegram = 'on'
        logger.info({ username: me.username }, 'Telegram on (long polling)')
      },
    })
    .catch((error) => {
      channels.telegram = 'error'
      logger.error({ err: describe(error) }, 'Telegram polling stopped')
    })
}

/** How long sends under way get to finish on shutdown; one still going then is "unknown" for the next process. */
const OUTBOX_STOP_MS = 5_000
/** How long open requests get to finish on shutdown before their connections are closed. */
const STREAMS_GRACE_MS = 1_000
let stopping = false
async function shutdown(signal: string, exitCode = 0) {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'shutting down')
  const forced = setTimeout(() => {
    logger.error('shutdown took too long; exiting')
    process.exit(1)
  }, 10_000)
  forced.unref()
  // First the outbox, while the channels still send: no new send starts, what it had queued goes
  // back to pending (the next process sends it at once), sends under way get a few seconds.
  const outboxStop = await outbox.stop(OUTBOX_STOP_MS)
  logger.info(outboxStop, 'outbox: unsent messages handed back')
  if (telegram?.bot.isRunning()) await telegram.bot.stop()
  await staffRelay?.stop()
  // A channel that failed to load has nothing to stop.
  await (await whatsapp?.catch(() => undefined))?.stop()
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
    // A live stream (an open Percakapan thread) never ends by itself: cut what is still open once
    // ordinary requests have had a moment to finish.
    setTimeout(() => (server as Server).closeAllConnections(), STREAMS_GRACE_MS).unref()
  })
  await scheduler.stop()
  await leaderScheduler?.stop()
  await lookupAudit.stop()
  clearInterval(whatsappStateRepeat)
  // The leader lock is released last: another instance leads once this one's duties have stopped.
  await election?.stop()
  await bus?.close()
  await chatTurns.close()
  await closeStore(db)
  logger.info('stopped cleanly')
  process.exit(exitCode)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
