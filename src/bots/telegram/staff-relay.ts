/**
 * The staff group's outgoing side (docs/channels.md, "Grup staf Telegram"): a worker that reads
 * the database and posts to each region's Telegram group what staff must see: one forum topic per
 * handoff with its header, every row of its thread (the person's messages and files, replies and
 * notes written in the console or the CLI, events), a line in the General topic for each new
 * handoff and each alert, and the topic closed when the handoff is. In a group without topics the
 * header is a plain message (the news itself) and the rest reply to it. It also deletes the posts of erased or
 * purged handoffs. Delivery is at least once: a crash between Telegram's answer and the database
 * mark may post a row twice. The bot's own failures are retried after 1, 5 and 30 minutes.
 */
import { type Api, GrammyError, InputFile } from 'grammy'
import type { Logger } from 'pino'
import type { WorkingCalendar } from '../../core/handoff/hours.js'
import { firstName } from '../../core/handoff/texts.js'
import { type Clock, createPacer, type Pacer, timerSleep } from '../../core/pacer.js'
import { maskNikNumbers, maskPhoneLocal } from '../../core/privacy/mask.js'
import { formatLocalDateTime, provinceByCode } from '../../core/regions.js'
import type { Db } from '../../db/client.js'
import {
  handoffsToPost,
  markCleanupDone,
  markCleanupFailed,
  markRelayed,
  markRelayFailed,
  type PendingRelay,
  pendingCleanups,
  pendingRelays,
  type RelayHandoff,
  relayHandoffById,
  setHandoffGroup,
  setHandoffRootMessage,
} from '../../db/queries/handoff-relay.js'
import { attachmentOf } from '../../db/queries/handoff-thread.js'
import { describe } from './bot.js'
import { escapeHtml } from './render.js'

/** Where each region's handoffs go (`*`: every handoff no region group takes), and how files are shown there. */
export type StaffGroupSettings = {
  staffChats: readonly { region: string; chatId: string }[]
  groupFiles: 'link' | 'upload'
}

export type StaffRelayDeps = {
  db: Db
  /** The bot's API (with its auto-retry of 429 `retry_after`). */
  api: Api
  settings: StaffGroupSettings
  clock: () => Date
  logger: Logger
  /** PUBLIC_BASE_URL: the console links to files and threads. */
  publicBaseUrl: string
  /** Opens the sealed files for `upload` (the handoff-file ByteBox); without it files go as links. */
  files?: { open(sealed: Uint8Array): Buffer } | undefined
  /** The clock the per-group pace waits on (tests: virtual time). */
  paceClock?: Clock
  /** The working calendar: the header says whether the handoff came in working hours. */
  calendar?: Pick<WorkingCalendar, 'isOpen'> | undefined
  /** How often the worker looks for work without being woken (default 5 s). */
  pollMs?: number
}

/** Telegram's advice: no more than about 20 messages a minute to one group. */
const GROUP_PACE = { perSecond: 1 / 3, perChatMs: 3_000 }
/** After the first failure, the waits before each retry; then the row is left for the console. */
const RETRY_MINUTES = [1, 5, 30]
const MAX_ATTEMPTS = RETRY_MINUTES.length + 1
const TEXT_LIMIT = 4_000
const CAPTION_LIMIT = 1_000

const CHANNEL_LABEL: Record<string, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', console: 'Terminal' }
const VIA_LABEL: Record<string, string> = { console: 'konsol', cli: 'CLI', telegram: 'Telegram' }

/** The group a handoff of `regionCode` goes to: its region's, else the `*` one, else none. */
function groupFor(staffChats: StaffGroupSettings['staffChats'], regionCode: string | null): string | undefined {
  return (
    (regionCode === null ? undefined : staffChats.find((chat) => chat.region === regionCode)?.chatId) ??
    staffChats.find((chat) => chat.region === '*')?.chatId
  )
}

const place = (h: Pick<RelayHandoff, 'regionCity'>) => h.regionCity ?? 'pusat'

/** "PTG-7K2QX9 · Siti · Makassar" (Telegram allows 128 characters). */
function topicName(h: Pick<RelayHandoff, 'code' | 'name' | 'regionCity'>): string {
  return `${h.code} · ${firstName(h.name)} · ${place(h)}`.slice(0, 128)
}

const STATE_LINE: Record<RelayHandoff['status'], string> = {
  waiting: '🆕 {code} · menunggu',
  open: '💬 {code} · dilayani',
  closed: '🔒 {code} · ditutup',
}

/**
 * The header post of a handoff (HTML): who, where, which channel, when (and whether that was in
 * working hours, when a calendar is given), the question; never the NIK, birth date or whole phone number.
 */
function headerText(h: RelayHandoff, topics: boolean, calendar?: StaffRelayDeps['calendar']): string {
  const zone = h.regionZone ?? 'Asia/Jakarta'
  const hours = calendar
    ? calendar.isOpen(h.createdAt, { zone, region: h.regionCode })
      ? ' (jam layanan)'
      : ' (di luar jam layanan)'
    : ''
  const province = h.provinceCode ? provinceByCode(h.provinceCode)?.name : undefined
  const region = h.regionCode ? `BBPPKS ${h.regionCity} (${h.regionCode})` : 'pusat (tanpa wilayah)'
  const how = topics
    ? 'Balas di topik ini untuk menjawab. /ambil · /tutup · /faq TOPIK · /catatan TEKS'
    : 'Balas (reply) pesan ini atau pesan lanjutannya untuk menjawab. /ambil · /tutup · /faq TOPIK · /catatan TEKS, juga sebagai balasan.'
  const lines = [
    `<b>${escapeHtml(STATE_LINE[h.status].replace('{code}', h.code))}</b>`,
    escapeHtml(`Nama: ${h.name} · Wilayah: ${region}${province ? ` · ${province}` : ''}`),
    escapeHtml(
      `Kanal: ${CHANNEL_LABEL[h.channel] ?? h.channel}${h.phoneE164 ? ` · HP ${maskPhoneLocal(h.phoneE164)}` : ''} · Topik: ${h.topic}`,
    ),
    escapeHtml(`Dibuat: ${formatLocalDateTime(h.createdAt, zone)}${hours}`),
    escapeHtml(`Pertanyaan: ${maskNikNumbers(h.question)}`),
    escapeHtml(how),
  ]
  return lines.join('\n')
}

/** "t.me/c/…" address of a post or topic in a supergroup (basic groups have none). */
function postLink(chatId: string, messageId: number): string | undefined {
  return chatId.startsWith('-100') ? `https://t.me/c/${chatId.slice(4)}/${messageId}` : undefined
}

/** "1,2 MB", "340 KB". */
function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`
}

const clip = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit - 1)}…` : text)

/** A row's text as posted: NIK-like numbers masked, escaped, without the author. */
const shownText = (row: PendingRelay) => escapeHtml(clip(maskNikNumbers(row.text ?? ''), TEXT_LIMIT))

/** How a thread row reads in the group (HTML). */
function rowText(row: PendingRelay, fileLink: string | undefined): string {
  const text = shownText(row)
  switch (row.author) {
    case 'person': {
      const file = row.attachment
        ? `📎 ${row.attachment.kind === 'image' ? 'foto' : 'PDF'} ${size(row.attachment.size)}${fileLink ? `: ${escapeHtml(fileLink)}` : ''}`
        : ''
      return `👤 ${escapeHtml(firstName(row.handoff.name))}: ${[file, text].filter(Boolean).join('\n')}`
    }
    case 'staff': {
      const via = VIA_LABEL[row.via]
      return `💬 ${escapeHtml(row.staffName ?? 'Sekretariat')}${via ? ` (${via})` : ''}: ${text}`
    }
    case 'note':
      return `📝 catatan ${escapeHtml(row.staffName ?? 'Sekretariat')}: ${text}`
    default:
      return text || escapeHtml(row.platformId ?? '')
  }
}

/** Texts of the person sent this close together are posted as one. */
const JOIN_MS = 10_000
const joinable = (row: PendingRelay) => row.author === 'person' && row.attachment === null && row.text !== null

/** The console page of one attachment. */
const fileUrl = (base: string, code: string, attachmentId: number) =>
  new URL(`/admin/percakapan/${encodeURIComponent(code)}/berkas/${attachmentId}`, base).toString()

/** Closes a handoff's topic and marks its header closed (both harmless when done already). */
async function closeHandoffPosts(
  deps: Pick<StaffRelayDeps, 'db' | 'api' | 'logger' | 'calendar'>,
  handoffId: number,
): Promise<void> {
  const handoff = await relayHandoffById(deps.db, handoffId)
  if (!handoff?.tgChatId || handoff.tgRootMessageId === null) return
  const chatId = handoff.tgChatId
  const topics = handoff.tgTopicId !== null
  if (handoff.tgTopicId !== null) {
    await deps.api.closeForumTopic(chatId, handoff.tgTopicId).catch((error) => {
      // TOPIC_NOT_MODIFIED: closed already (by hand, or before a crash).
      if (!(error instanceof GrammyError && error.error_code === 400)) throw error
    })
  }
  await deps.api
    .editMessageText(chatId, handoff.tgRootMessageId, headerText(handoff, topics, deps.calendar), {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    })
    .catch((error) => {
      // "message is not modified" (edited already) or too old to edit: the topic is what counts.
      if (!(error instanceof GrammyError && error.error_code === 400)) throw error
      deps.logger.debug({ err: describe(error) }, 'staff group: header not edited')
    })
}

export type StaffRelay = {
  /** One pass: cleanups, new handoffs, then every row still to post. Overlapping calls share one pass after the current. */
  runOnce(): Promise<void>
  /** Polls every `pollMs` (5 s) until stopped. */
  start(): void
  /** Stops polling and waits for the pass under way. */
  stop(): Promise<void>
  /** Something was written: look soon (the activity emitter calls this). */
  wake(): void
}

export function createStaffRelay(deps: StaffRelayDeps): StaffRelay {
  const { db, api, logger, clock } = deps
  const paceClock: Clock = deps.paceClock ?? { now: () => clock().getTime(), sleep: timerSleep }
  const pacers = new Map<string, Pacer>()
  /** Rows waiting for their next attempt, by id (after a restart they are tried at once). */
  const retryAt = new Map<number, number>()
  /** Groups where createForumTopic was refused: their handoffs use reply mode. */
  const replyModeGroups = new Set<string>()
  const regionCodes = (() => {
    const codes = deps.settings.staffChats.map((chat) => chat.region)
    return codes.includes('*') ? ('all' as const) : codes
  })()

  const turn = (chatId: string) => {
    let pacer = pacers.get(chatId)
    if (!pacer) {
      pacer = createPacer(GROUP_PACE, paceClock)
      pacers.set(chatId, pacer)
    }
    return pacer.turn(chatId)
  }

  const why = (error: unknown) =>
    error instanceof GrammyError ? `${error.method} ${error.error_code}` : error instanceof Error ? error.name : 'error'

  async function post(chatId: string, topicId: number | null, replyTo: number | null, html: string): Promise<number> {
    await turn(chatId)
    const sent = await api.sendMessage(chatId, html, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(topicId !== null && { message_thread_id: topicId }),
      ...(topicId === null &&
        replyTo !== null && { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }),
    })
    return sent.message_id
  }

  /** A line in the group's General topic (or, without topics, the chat itself). */
  async function announce(chatId: string, html: string): Promise<void> {
    await turn(chatId)
    await api.sendMessage(chatId, html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } })
  }

  /** Opens the handoff's place in its group: the topic (or reply mode), the header, the line in General. */
  async function open(handoff: RelayHandoff): Promise<void> {
    const chatId = handoff.tgChatId ?? groupFor(deps.settings.staffChats, handoff.regionCode)
    if (chatId === undefined) return
    let topicId = handoff.tgTopicId
    if (handoff.tgChatId === null) {
      topicId = null
      if (!replyModeGroups.has(chatId)) {
        try {
          await turn(chatId)
          topicId = (await api.createForumTopic(chatId, topicName(handoff))).message_thread_id
        } catch (error) {
          if (!(error instanceof GrammyError && error.error_code === 400)) throw error
          // Topics off (or the right to manage them taken away): replies to the header instead.
          replyModeGroups.add(chatId)
          logger.warn({ err: describe(error) }, 'staff group: forum topic refused; this group gets reply mode')
        }
      }
      // Kept at once, so a failure below never opens a second topic.
      await setHandoffGroup(db, handoff.id, chatId, topicId)
    }
    const root = await post(chatId, topicId, null, headerText(handoff, topicId !== null, deps.calendar))
    await setHandoffRootMessage(db, handoff.id, root)
    // Without topics the header itself is the news in the chat; with them, General gets a line.
    if (topicId === null) return
    const link = postLink(chatId, topicId)
    await announce(chatId, escapeHtml(`🆕 ${handoff.code} menunggu (${place(handoff)})`) + (link ? ` → ${escapeHtml(link)}` : ''))
  }

  /** Posts a row (with `joined`: the person's texts that follow it, in the same post). */
  async function relay(row: PendingRelay, joined: PendingRelay[]): Promise<void> {
    const { tgChatId: chatId, tgTopicId: topicId, tgRootMessageId: root } = row.handoff
    let messageId: number
    const upload = row.attachment && deps.settings.groupFiles === 'upload' && deps.files
    if (row.attachment && upload && deps.files) {
      const sealed = await attachmentOf(db, row.handoffId, row.attachment.id)
      if (!sealed) throw new Error('attachment gone')
      const bytes = deps.files.open(sealed.content)
      const file = new InputFile(bytes, sealed.fileName ?? (row.attachment.kind === 'image' ? 'foto.jpg' : 'berkas.pdf'))
      const caption = clip(rowText(row, undefined), CAPTION_LIMIT)
      const other = {
        caption,
        parse_mode: 'HTML' as const,
        ...(topicId !== null && { message_thread_id: topicId }),
        ...(topicId === null && { reply_parameters: { message_id: root, allow_sending_without_reply: true } }),
      }
      await turn(chatId)
      const sent =
        row.attachment.kind === 'image' ? await api.sendPhoto(chatId, file, other) : await api.sendDocument(chatId, file, other)
      messageId = sent.message_id
    } else {
      const link = row.attachment ? fileUrl(deps.publicBaseUrl, row.handoff.code, row.attachment.id) : undefined
      const more = joined.map((next) => `\n${shownText(next)}`).join('')
      messageId = await post(chatId, topicId, root, rowText(row, link) + more)
    }
    for (const posted of [row, ...joined]) await markRelayed(db, posted.id, messageId, clock())
    if (row.author !== 'system') return
    if (row.platformId === 'closed') await closeHandoffPosts(deps, row.handoffId)
    if (row.platformId?.startsWith('alert:') && topicId !== null) {
      const link = postLink(chatId, topicId)
      await announce(chatId, `${escapeHtml(row.text ?? row.handoff.code)}${link ? ` → ${escapeHtml(link)}` : ''}`)
    }
  }

  async function cleanUp(): Promise<void> {
    for (const cleanup of await pendingCleanups(db, MAX_ATTEMPTS)) {
      try {
        if (cleanup.tgTopicId !== null) {
          await api.deleteForumTopic(cleanup.tgChatId, cleanup.tgTopicId).catch(gone)
        } else {
          const ids = JSON.parse(cleanup.tgMessageIds) as number[]
          for (const id of ids) await api.deleteMessage(cleanup.tgChatId, id).catch(gone)
        }
        await markCleanupDone(db, cleanup.id, clock())
      } catch (error) {
        await markCleanupFailed(db, cleanup.id)
        logger.warn({ err: describe(error) }, 'staff group: posts of an erased handoff not deleted yet')
      }
    }
  }

  async function pass(): Promise<void> {
    await cleanUp()
    for (const handoff of await handoffsToPost(db, regionCodes)) {
      try {
        await open(handoff)
      } catch (error) {
        logger.warn({ err: describe(error) }, 'staff group: handoff not posted yet')
      }
    }
    const now = clock().getTime()
    /** Handoffs with a row held back: their later rows wait too, so the topic keeps the thread's order. */
    const held = new Set<number>()
    const rows = await pendingRelays(db, MAX_ATTEMPTS)
    const joinedAlready = new Set<number>()
    for (const [index, row] of rows.entries()) {
      if (held.has(row.handoffId) || joinedAlready.has(row.id)) continue
      const due = retryAt.get(row.id)
      if (due !== undefined && due > now) {
        held.add(row.handoffId)
        continue
      }
      const joined = joinable(row) ? following(rows, index) : []
      for (const next of joined) joinedAlready.add(next.id)
      try {
        await relay(row, joined)
        retryAt.delete(row.id)
      } catch (error) {
        for (const failed of [row, ...joined]) await markRelayFailed(db, failed.id, why(error))
        const wait = RETRY_MINUTES[row.relayAttempts]
        if (wait !== undefined) retryAt.set(row.id, clock().getTime() + wait * 60_000)
        else retryAt.delete(row.id)
        held.add(row.handoffId)
        logger.warn({ err: describe(error), attempts: row.relayAttempts + 1 }, 'staff group: message not posted')
      }
    }
  }

  /**
   * The person's texts right after `rows[index]` in its handoff's thread, written within 10 s of it,
   * that fit in one post with it: a burst of short messages is one post, not a dozen.
   */
  function following(rows: PendingRelay[], index: number): PendingRelay[] {
    const first = rows[index]
    if (!first) return []
    const joined: PendingRelay[] = []
    let length = shownText(first).length
    for (const next of rows.slice(index + 1)) {
      if (next.handoffId !== first.handoffId) continue
      length += shownText(next).length + 1
      if (!joinable(next) || retryAt.has(next.id) || next.at.getTime() - first.at.getTime() > JOIN_MS || length > TEXT_LIMIT)
        break
      joined.push(next)
    }
    return joined
  }

  let running: Promise<void> | undefined
  let again = false
  function runOnce(): Promise<void> {
    if (running !== undefined) {
      again = true
      return running
    }
    running = (async () => {
      try {
        do {
          again = false
          await pass()
        } while (again)
      } finally {
        running = undefined
      }
    })()
    return running
  }

  let timer: NodeJS.Timeout | undefined
  let soon: NodeJS.Immediate | undefined
  const tick = () => {
    runOnce().catch((error) => logger.error({ err: describe(error) }, 'staff group relay failed'))
  }
  return {
    runOnce,
    start() {
      if (timer) return
      timer = setInterval(tick, deps.pollMs ?? 5_000)
      timer.unref()
      tick()
    },
    async stop() {
      if (timer) clearInterval(timer)
      if (soon) clearImmediate(soon)
      timer = undefined
      soon = undefined
      await running?.catch(() => undefined)
    },
    wake() {
      if (soon || !timer) return
      soon = setImmediate(() => {
        soon = undefined
        tick()
      })
    },
  }
}

/** A post already gone (deleted by hand, or an earlier attempt) is what a cleanup wants. */
function gone(error: unknown): void {
  if (error instanceof GrammyError && error.error_code === 400) return
  throw error
}
