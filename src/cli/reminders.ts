/**
 * `npm run cli -- reminders plan | due | send`: the reminders for the secretariat: plan everyone's
 * again and see the plan, see what a delivery run would do now, or run one now. Chats are shown
 * masked. WhatsApp is never sent from here: its one connection belongs to the server.
 */
import { parseArgs } from 'node:util'
import { createTelegramBot } from '../bots/telegram/bot.js'
import type { Config } from '../config.js'
import { createChatBlocking } from '../core/chat-blocking.js'
import type { Engine } from '../core/engine.js'
import { createOutbox, type DeliveryCounts, thisDispatcher } from '../core/outbox.js'
import { interleaveByChat } from '../core/pacer.js'
import { formatLocalTime } from '../core/regions.js'
import { maskChat } from '../core/reminders/listing.js'
import { quietZonesAt, runLimit } from '../core/reminders/outbox-config.js'
import { planReminders } from '../core/reminders/plan.js'
import { atSendTime } from '../core/reminders/send-time.js'
import { formatDate } from '../core/text/dates.js'
import type { Reply } from '../core/types.js'
import type { Db } from '../db/client.js'
import { capRemaining } from '../db/queries/outbox.js'
import {
  type ChannelPreview,
  deliveryPreview,
  type EventCount,
  peopleToReplan,
  previewBatch,
  type ReminderRow,
  remindersOfPeople,
  statusCounts,
} from '../db/queries/reminders.js'
import { OUTBOX_STATUSES, type OutboxStatus } from '../db/schema.js'
import { transaction } from '../db/store.js'
import { rolledBack } from '../db/transactions.js'
import { createLogger } from '../logger.js'
import { outboxSettingsOf, reminderSettingsOf } from '../settings.js'
import { EVENT_KIND, type EventKind } from '../vocabulary/events.js'
import type { Channel } from '../vocabulary/message.js'

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

/** The outbox's own default: a reminder sent more than this after it was due is recorded as late. */
const LATE_AFTER_MS = 5 * 60_000
/** How many of the reminders waiting `plan` lists without --all. */
const NEXT_SHOWN = 20
/** People planned in one write transaction (well under a second), and the pause after it. */
const PLAN_BATCH = 100
const PLAN_PAUSE_MS = 100

const STATUS_TEXT: Record<OutboxStatus, string> = {
  pending: 'menunggu',
  queued: 'diantrekan',
  claimed: 'sedang dikirim',
  sent: 'terkirim',
  late: 'terkirim terlambat',
  failed: 'gagal',
  unknown: 'hasil tidak diketahui',
  skipped: 'dilewati',
  cancelled: 'dibatalkan',
}

const kindText = (kind: EventKind | null) => (kind ? EVENT_KIND[kind].short.id : 'acara sudah tidak ada')

/** "25 Nov 2026 09.00 WITA" in the zone given; an unknown zone shows UTC with the zone's name. */
function localTime(at: Date, timeZone: string | null): string {
  const zone = timeZone ?? 'Asia/Jakarta'
  try {
    return `${formatDate(at, 'shortDate', 'id', zone)} ${formatLocalTime(at, zone)}`
  } catch {
    return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC (${zone})`
  }
}

function reminderLine(row: ReminderRow): string {
  const event = [kindText(row.eventKind), row.eventCode, row.eventTitle && `"${row.eventTitle}"`].filter(Boolean).join(' ')
  return `  ${localTime(row.dueAt, row.timeZone)}  ${event} · ${row.label ?? '-'} · ${row.channel} ${maskChat(row.channel, row.chatId)}\n`
}

/**
 * `reminders plan [--all] [--dry-run]`: everyone's reminders planned again, then the plan.
 * Planning takes about 3 ms a person, so people are planned in batches, each in its own write
 * transaction with a pause after it: a running server is never kept from writing for long (its
 * busy timeout is 5 s). A person's plan is whole in one batch; --dry-run rolls each batch back.
 */
export async function planRemindersCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const now = clock()
  const { values } = parseArgs({ args, options: { all: { type: 'boolean' }, 'dry-run': { type: 'boolean' } } })
  const settings = reminderSettingsOf(config)
  const dryRun = values['dry-run'] === true
  const shown = values.all ? -1 : NEXT_SHOWN
  const people = await peopleToReplan(db)
  // Every waiting reminder belongs to someone planned again: the plan's effect on the counts is
  // the sum of each batch's, and the waiting ones are those of the batches.
  const statuses = await statusCounts(db, 'reminder')
  const total = { queued: 0, updated: 0, cancelled: 0 }
  const byEvent = new Map<string, EventCount>()
  let next: ReminderRow[] = []
  for (let start = 0; start < people.length; start += PLAN_BATCH) {
    if (start > 0) await new Promise((resolve) => setTimeout(resolve, PLAN_PAUSE_MS))
    const batch = people.slice(start, start + PLAN_BATCH)
    const step = async (tx: Db) => {
      const before = (await remindersOfPeople(tx, batch, 0)).statuses
      const result = await planReminders(tx, batch, now, settings)
      return { before, result, after: await remindersOfPeople(tx, batch, shown) }
    }
    const { before, result, after } = dryRun ? await rolledBack(db, step) : await transaction(db, step)
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += result[key]
    for (const status of OUTBOX_STATUSES) statuses[status] += after.statuses[status] - before[status]
    for (const event of after.byEvent) {
      const key = `${event.kind} ${event.label}`
      const known = byEvent.get(key)
      byEvent.set(key, known ? { ...known, count: known.count + event.count } : event)
    }
    next = [...next, ...after.next].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id)
    if (shown >= 0) next = next.slice(0, shown)
  }

  const { queued, updated, cancelled } = total
  out(
    dryRun
      ? `--dry-run: rencana dihitung untuk ${people.length} orang, tidak ada yang disimpan: ${queued} baru, ${updated} diubah, ${cancelled} dibatalkan.\n`
      : `Pengingat direncanakan ulang untuk ${people.length} orang: ${queued} baru, ${updated} diubah, ${cancelled} dibatalkan.\n`,
  )
  const counted = OUTBOX_STATUSES.filter((status) => statuses[status] > 0)
  out(
    counted.length === 0
      ? 'Belum ada pengingat.\n'
      : `Pengingat per status: ${counted.map((status) => `${STATUS_TEXT[status]} ${statuses[status]}`).join(' · ')}\n`,
  )
  const pending = statuses.pending
  if (pending === 0) {
    out('Tidak ada pengingat yang menunggu.\n')
    return 0
  }
  const events = [...byEvent.values()].sort((a, b) => (a.kind ?? '').localeCompare(b.kind ?? '') || b.spanMs - a.spanMs)
  out(`Menunggu per acara: ${events.map((e) => `${kindText(e.kind)} ${e.label ?? '-'} ${e.count}`).join(' · ')}\n`)
  out(
    next.length < pending
      ? `\n${next.length} berikutnya dari ${pending} (--all: semua):\n`
      : `\n${pending} pengingat menunggu:\n`,
  )
  for (const row of next) out(reminderLine(row))
  return 0
}

/** Whether the server, with this configuration, sends on a channel (else it skips those messages). */
function serverSends(config: Config, channel: Channel): { on: boolean; why: string } {
  if (channel === 'telegram') return { on: config.TELEGRAM_BOT_TOKEN !== undefined, why: 'TELEGRAM_BOT_TOKEN belum diisi' }
  if (channel === 'whatsapp') return { on: config.WHATSAPP_ENABLED, why: 'WHATSAPP_ENABLED tidak aktif' }
  return { on: false, why: 'saluran console tidak mengirim sendiri' }
}

function previewLines(preview: ChannelPreview, config: Config, limit: number, graceHours: number): string {
  const held = preview.held.reduce((sum, zone) => sum + zone.count, 0)
  const ready = preview.dueReminders - held + preview.dueOther
  const sends = serverSends(config, preview.channel)
  const lines = [`${preview.channel}: ${preview.dueReminders} pengingat jatuh tempo, ${preview.dueOther} pesan lain`]
  if (sends.on) {
    const more = ready > limit ? ` (paling banyak ${limit} per putaran; sisanya pada putaran berikutnya)` : ''
    lines.push(`  akan dikirim sekarang: ${Math.min(ready, limit)}${more}`)
  } else {
    lines.push(`  akan dikirim sekarang: 0 (${sends.why})${ready > 0 ? `; server mencatat ${ready} pesan sebagai dilewati` : ''}`)
  }
  if (held > 0)
    lines.push(`  ditahan jam tenang: ${held} (${preview.held.map((zone) => `${zone.zone} ${zone.count}`).join(', ')})`)
  if (preview.missed > 0) lines.push(`  dilewati, jatuh tempo lebih dari ${graceHours} jam lalu: ${preview.missed}`)
  if (preview.started > 0) lines.push(`  dilewati, acaranya sudah mulai: ${preview.started}`)
  if (preview.expired > 0) lines.push(`  dilewati, pesan lain kedaluwarsa: ${preview.expired}`)
  if (preview.late > 0 && sends.on) lines.push(`  akan tercatat terlambat (jatuh tempo lebih dari 5 menit lalu): ${preview.late}`)
  return `${lines.join('\n')}\n`
}

const minutes = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}.${String(minute % 60).padStart(2, '0')}`

/** `reminders due`: what a delivery run of the server (a "putaran") would do now; changes nothing. */
export async function dueRemindersCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  parseArgs({ args, options: {} })
  const now = clock()
  const settings = outboxSettingsOf(config)
  const quiet = await quietZonesAt(db, now, settings.quiet)
  const previews = await deliveryPreview(db, { now, graceMs: settings.graceMs, lateAfterMs: LATE_AFTER_MS, quiet })
  out(`Jika pengiriman berjalan sekarang (${localTime(now, 'Asia/Jakarta')}):\n`)
  const hours = `${minutes(settings.quiet.start)}–${minutes(settings.quiet.end)}`
  const holding = quiet.filter((q) => previews.some((p) => p.held.some((h) => h.zone === q.zone)))
  if (settings.quiet.start === settings.quiet.end) out('Jam tenang: tidak dipakai (REMINDER_QUIET_HOURS).\n')
  else if (holding.length === 0) out(`Jam tenang ${hours}: tidak ada pengingat yang ditahan.\n`)
  else
    out(
      `Jam tenang ${hours} menahan pengingat di: ${holding.map((q) => `${q.zone} sampai ${localTime(q.until, q.zone)}`).join(', ')}\n`,
    )
  if (config.WHATSAPP_ENABLED) {
    const left = await capRemaining(db, now, settings.dailyCapPerDay)
    out(
      `Batas harian pengumuman WhatsApp (WHATSAPP_DAILY_CAP): ${settings.dailyCapPerDay}, sisa hari ini (WIB): ${left}` +
        `${left === 0 ? '; pengumuman WhatsApp berikutnya menunggu hari kerja berikutnya' : ''}.\n`,
    )
  }
  if (previews.length === 0) {
    out('Tidak ada yang jatuh tempo.\n')
    return 0
  }
  for (const preview of previews) {
    const limit = runLimit(settings.pace[preview.channel], settings.runEveryMs)
    out(previewLines(preview, config, limit, settings.graceMs / 3_600_000))
  }
  return 0
}

/** This process only sends: it never takes updates, so the conversation core is not needed. */
const SEND_ONLY: Engine = { handle: async () => [] }

/** The first line of a message as it would go out at `at` (a reminder's "(2 jam lagi)" worked out for then). */
function firstLine(kind: string, payload: string, at: Date): string {
  try {
    return (atSendTime(kind, JSON.parse(payload) as Reply, at).text ?? '').split('\n')[0] ?? ''
  } catch {
    return '(isi tidak terbaca)'
  }
}

function countsLine(counts: DeliveryCounts): string {
  return (
    `Terkirim ${counts.sent} (${counts.late} terlambat), dicoba lagi nanti ${counts.retried}, gagal ${counts.failed}, ` +
    `dilewati ${counts.skipped}, hasil tidak diketahui ${counts.unknown}` +
    (counts.requeued > 0 ? `, diambil alih dari proses yang berhenti ${counts.requeued}` : '') +
    '.\n'
  )
}

/**
 * One outbox run over Telegram now, from this process (needs TELEGRAM_BOT_TOKEN): what `reminders
 * send` and `handoff reply|close` use. WhatsApp rows stay for the server, which owns its connection.
 */
export async function deliverTelegram(db: Db, config: Config, clock: () => Date): Promise<DeliveryCounts> {
  const token = config.TELEGRAM_BOT_TOKEN
  if (!token) throw new Error('deliverTelegram needs TELEGRAM_BOT_TOKEN')
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, stream: 'stderr' })
  const telegram = createTelegramBot({
    token,
    apiRoot: config.TELEGRAM_API_ROOT,
    engine: SEND_ONLY,
    blocking: createChatBlocking({ db, reminders: reminderSettingsOf(config) }),
    clock,
    logger,
  })
  const outbox = createOutbox({
    ...outboxSettingsOf(config),
    db,
    logger,
    senders: { telegram: telegram.sendTo },
    channels: ['telegram'],
    now: clock,
    dispatcher: thisDispatcher('cli'),
  })
  // A dispatcher like the server: rows it queued are its own until it finishes; stopped with
  // Ctrl-C or SIGTERM, it hands back what it had not started, for the server to send at once.
  const interrupted = (signal: NodeJS.Signals) => {
    void outbox.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  const taken = await outbox.start()
  try {
    const counts = await outbox.deliver()
    return { ...counts, unknown: counts.unknown + taken.unknown, requeued: counts.requeued + taken.requeued }
  } finally {
    process.off('SIGINT', interrupted)
    process.off('SIGTERM', interrupted)
    await outbox.stop()
  }
}

/**
 * `reminders send [--dry-run]`: one delivery run now, through Telegram only (when
 * TELEGRAM_BOT_TOKEN is set); WhatsApp messages stay pending for the server.
 */
export async function sendRemindersCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean' } } })
  const now = clock()
  const settings = outboxSettingsOf(config)
  const quiet = await quietZonesAt(db, now, settings.quiet)
  const whatsapp = (await deliveryPreview(db, { now, graceMs: settings.graceMs, lateAfterMs: LATE_AFTER_MS, quiet })).find(
    (preview) => preview.channel === 'whatsapp',
  )
  const whatsappNote = () => {
    const waiting = (whatsapp?.dueReminders ?? 0) + (whatsapp?.dueOther ?? 0)
    if (waiting > 0) out(`WhatsApp: ${waiting} pesan jatuh tempo tetap menunggu server (koneksi WhatsApp hanya milik server).\n`)
  }

  if (values['dry-run']) {
    const limit = runLimit(settings.pace.telegram, settings.runEveryMs)
    const batch = interleaveByChat(await previewBatch(db, { channel: 'telegram', now, graceMs: settings.graceMs, quiet, limit }))
    for (const row of batch) {
      out(
        `telegram  ${maskChat('telegram', row.chatId)}  ${row.kind === 'reminder' ? row.label : row.kind}  ${firstLine(row.kind, row.payload, now)}\n`,
      )
    }
    out(`--dry-run: ${batch.length} pesan Telegram akan dikirim; tidak ada yang diubah.\n`)
    whatsappNote()
    if (!config.TELEGRAM_BOT_TOKEN) out('TELEGRAM_BOT_TOKEN belum diisi: tanpa --dry-run tidak ada yang dapat dikirim.\n')
    return 0
  }

  if (!config.TELEGRAM_BOT_TOKEN) {
    err('TELEGRAM_BOT_TOKEN belum diisi: CLI hanya mengirim lewat Telegram (WhatsApp dikirim oleh server).\n')
    return 2
  }
  const counts = await deliverTelegram(db, config, clock)
  out(countsLine(counts))
  whatsappNote()
  return counts.failed + counts.retried > 0 ? 1 : 0
}
