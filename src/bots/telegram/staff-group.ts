/**
 * The staff group's incoming side (docs/channels.md, "Grup staf Telegram"): what staff write in a
 * handoff's forum topic (or, in a group without topics, as a reply to one of its posts) goes to the
 * core's handoff actions: a reply to the person, or /ambil, /tutup, /faq TOPIK, /catatan TEKS.
 * Only members whose Telegram account is linked (/tautkan KODE) to an active admin, or to the
 * handoff region's regional staff, are heard; anyone else is a stranger and is ignored silently.
 * The bot's own posts, other bots, service messages and anything outside a handoff's topic are
 * ignored too.
 */
import type { Context } from 'grammy'
import type { Message } from 'grammy/types'
import type { Logger } from 'pino'
import type { HandoffActionError, HandoffActions, HandoffStaff } from '../../core/handoff/actions.js'
import { createRateLimiter } from '../../core/rate-limiter.js'
import type { Result } from '../../core/result.js'
import type { Db } from '../../db/client.js'
import {
  type HandoffRow,
  handoffByGroupMessage,
  handoffByTopic,
  regionCodeOf,
  staffByTelegramUser,
} from '../../db/queries/handoff-relay.js'
import { type LinkedStaff, redeemTelegramCode, telegramCodeHash } from '../../db/queries/telegram-links.js'
import { describe } from './bot.js'
import type { StaffGroupSettings } from './staff-relay.js'

export type StaffGroupDeps = {
  db: Db
  /** The core's handoff actions (the console and the CLI call the same). */
  actions: Pick<HandoffActions, 'take' | 'reply' | 'note' | 'close'>
  /** The FAQ topics whose answers /faq sends. */
  faq: { topics: readonly { id: string; answer: { id: string; en: string } }[] }
  clock: () => Date
  logger: Logger
}

export type StaffGroup = {
  /** Handles one message of a configured staff group (bot.ts routes them here). */
  handle(ctx: Context): Promise<void>
}

/** The chat ids of the configured staff groups, as Telegram gives them in updates. */
export const staffGroupIds = (settings: Pick<StaffGroupSettings, 'staffChats'>): ReadonlySet<number> =>
  new Set(settings.staffChats.map((chat) => Number(chat.chatId)))

const TEXTS = {
  anonymous:
    'Pesan dikirim sebagai grup (anonim), jadi tidak diteruskan. Matikan "Tetap anonim" di pengaturan admin Anda, lalu kirim lagi.',
  files: 'Berkas dari petugas belum didukung; kirim teks.',
  closed: '{code} sudah ditutup; pesan tidak diteruskan.',
  notFound: '{code} tidak ditemukan; pesan tidak diteruskan.',
  scope: 'Anda tidak menangani wilayah {code}; pesan tidak diteruskan.',
  tooLong: 'Pesan terlalu panjang (paling banyak 2.000 karakter); tidak diteruskan. Kirim dalam beberapa pesan.',
  empty: 'Pesannya kosong; tidak ada yang diteruskan.',
  noted: '📝 Catatan disimpan (tidak dikirim ke warga).',
  noteEmpty: 'Tulis catatannya sesudah perintah: /catatan TEKS',
  faqSent: '💬 Jawaban FAQ "{topic}" dikirim ke warga.',
  faqUnknown: 'Topik FAQ "{topic}" tidak ada. Ketik /faq untuk daftar topik.',
  faqList: 'Topik FAQ (kirim dengan /faq TOPIK):\n{ids}',
  commands: 'Perintah di topik ini: /ambil · /tutup · /faq TOPIK · /catatan TEKS. Teks biasa dikirim ke warga.',
  linked: 'Akun Telegram ditautkan ke {name} ({role}).',
  linkedViewer: 'Akun Telegram ditautkan ke {name} ({role}). Akun pemantau tidak dapat membalas dari grup.',
  linkBad:
    'Kode tidak berlaku (salah, kedaluwarsa, atau sudah dipakai). Buat kode baru di konsol: Keamanan akun → Tautkan Telegram, lalu kirim /tautkan KODE.',
  linkUsage: 'Kirim kode dari konsol (Keamanan akun → Tautkan Telegram): /tautkan 123456',
  linkWait: 'Terlalu banyak percobaan kode. Coba lagi dalam {minutes} menit.',
}

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '')

const ROLE_LABEL: Record<LinkedStaff['role'], string> = { admin: 'Admin pusat', regional: 'Petugas wilayah', viewer: 'Pemantau' }
const roleOf = (staff: Pick<LinkedStaff, 'role' | 'region'>) =>
  staff.region ? `${ROLE_LABEL[staff.role]} ${staff.region}` : ROLE_LABEL[staff.role]

/** Guesses of /tautkan codes per Telegram account: 6 digits are a million codes, 5 tries per 10 minutes are few. */
const LINK_TRIES = { limit: 5, windowMs: 10 * 60_000 }

/** "/perintah@bot argumen" → name and argument; undefined for text, or a command for another bot. */
function commandOf(text: string, botUsername: string): { name: string; args: string } | undefined {
  const match = /^\/([a-z_]+)(?:@(\w+))?(?:\s+([\s\S]*))?$/i.exec(text.trim())
  if (!match) return undefined
  if (match[2] && match[2].toLowerCase() !== botUsername.toLowerCase()) return undefined
  return { name: (match[1] ?? '').toLowerCase(), args: (match[3] ?? '').trim() }
}

/** Photos, files, voice and the like: what staff cannot send to a person yet (plan D7). */
const hasMedia = (m: Message) =>
  Boolean(m.photo || m.document || m.video || m.audio || m.voice || m.video_note || m.sticker || m.animation)

export function createStaffGroup(deps: StaffGroupDeps): StaffGroup {
  const { db, actions, logger, clock } = deps
  const linkTries = createRateLimiter({ ...LINK_TRIES, now: () => clock().getTime() })

  /** The handoff a message belongs to: its topic's, or (not in a topic) the one of the post it replies to. */
  async function handoffOf(chatId: string, message: Message): Promise<HandoffRow | undefined> {
    if (message.is_topic_message && message.message_thread_id !== undefined) {
      return await handoffByTopic(db, chatId, message.message_thread_id)
    }
    const target = message.reply_to_message?.message_id
    return target === undefined ? undefined : await handoffByGroupMessage(db, chatId, target)
  }

  /** The staff member a Telegram user speaks for on this handoff; undefined: a stranger to it. */
  async function staffFor(userId: number, handoff: HandoffRow): Promise<HandoffStaff | undefined> {
    const account = await staffByTelegramUser(db, String(userId))
    if (account?.status !== 'active') return undefined
    const region = await regionCodeOf(db, handoff.regionId)
    const allowed = account.role === 'admin' || (account.role === 'regional' && region !== null && account.region === region)
    return allowed ? { id: account.id, name: account.name, role: account.role, region: account.region } : undefined
  }

  async function answer(ctx: Context, text: string): Promise<void> {
    const messageId = ctx.message?.message_id
    await ctx.reply(text, {
      ...(messageId !== undefined && { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } }),
      link_preview_options: { is_disabled: true },
    })
  }

  async function link(ctx: Context, userId: number, code: string): Promise<void> {
    // The code is gone from the chat whatever it was: nobody else should read it.
    await ctx.deleteMessage().catch((error) => logger.debug({ err: describe(error) }, 'staff group: code message not deleted'))
    if (!/^\d{6}$/.test(code)) return answer(ctx, TEXTS.linkUsage)
    const wait = linkTries.take(`tg:${userId}`)
    if (wait > 0) return answer(ctx, fill(TEXTS.linkWait, { minutes: String(Math.ceil(wait / 60)) }))
    const staff = await redeemTelegramCode(db, telegramCodeHash(code), String(userId), clock())
    if (!staff) {
      logger.info('staff group: a link code was refused')
      return answer(ctx, TEXTS.linkBad)
    }
    logger.info({ staffId: staff.id }, 'staff group: Telegram account linked')
    return await answer(
      ctx,
      fill(staff.role === 'viewer' ? TEXTS.linkedViewer : TEXTS.linked, { name: staff.name, role: roleOf(staff) }),
    )
  }

  /** Says what went wrong with an action, or nothing when it went through. */
  function refusal(result: Result<unknown, HandoffActionError>, code: string): string | undefined {
    if (result.ok) return undefined
    const values = { code }
    switch (result.error.code) {
      case 'HANDOFF_CLOSED':
        return fill(TEXTS.closed, values)
      case 'HANDOFF_NOT_FOUND':
        return fill(TEXTS.notFound, values)
      case 'NOT_IN_SCOPE':
        return fill(TEXTS.scope, values)
      case 'TEXT_TOO_LONG':
        return TEXTS.tooLong
      default:
        return TEXTS.empty
    }
  }

  async function act(ctx: Context, handoff: HandoffRow, staff: HandoffStaff, text: string): Promise<void> {
    const { code } = handoff
    const actor = { staff }
    const platformId = String(ctx.update.update_id)
    const command = commandOf(text, ctx.me.username)
    const done = async (result: Result<unknown, HandoffActionError>, success?: string) => {
      const problem = refusal(result, code)
      if (problem) return answer(ctx, problem)
      if (success) return answer(ctx, success)
    }
    // A command for another bot ("/start@otherbot") is not a message for the person.
    if (!command && /^\/\w+@\w+/.test(text.trimStart())) return
    switch (command?.name) {
      case undefined:
        return done(await actions.reply(code, actor, text, 'telegram', platformId))
      // Taken and closed are events of the thread: the relay posts them (and closes the topic).
      case 'ambil':
        return done(await actions.take(code, actor, 'telegram'))
      case 'tutup':
        return done(await actions.close(code, actor, 'telegram'))
      case 'catatan':
        if (!command.args) return answer(ctx, TEXTS.noteEmpty)
        return done(await actions.note(code, actor, command.args, 'telegram', platformId), TEXTS.noted)
      case 'faq': {
        if (!command.args) return answer(ctx, fill(TEXTS.faqList, { ids: deps.faq.topics.map((t) => t.id).join(', ') }))
        const id = command.args.toLowerCase()
        const topic = deps.faq.topics.find((t) => t.id === id)
        if (!topic) return answer(ctx, fill(TEXTS.faqUnknown, { topic: command.args }))
        return done(
          await actions.reply(code, actor, topic.answer[handoff.language], 'telegram', platformId),
          fill(TEXTS.faqSent, { topic: id }),
        )
      }
      default:
        return answer(ctx, TEXTS.commands)
    }
  }

  return {
    async handle(ctx) {
      const message = ctx.message
      const chat = ctx.chat
      if (!message || !chat) return
      const chatId = String(chat.id)
      const text = message.text ?? message.caption
      if (message.sender_chat) {
        // Sent "as the group" (an anonymous admin): nobody to sign it with. A linked channel's post: ignored.
        if (
          message.sender_chat.id === chat.id &&
          (text !== undefined || hasMedia(message)) &&
          (await handoffOf(chatId, message))
        ) {
          await answer(ctx, TEXTS.anonymous)
        }
        return
      }
      const from = message.from
      if (!from || from.is_bot) return
      // Service messages (topic created, members joined, pinned…) carry neither text nor a file.
      if (text === undefined && !hasMedia(message)) return
      const command = message.text === undefined ? undefined : commandOf(message.text, ctx.me.username)
      if (command?.name === 'tautkan') return link(ctx, from.id, command.args)
      const handoff = await handoffOf(chatId, message)
      if (!handoff) return
      const staff = await staffFor(from.id, handoff)
      if (!staff) {
        logger.info('staff group: a message from an account not linked to staff (or not of this region) ignored')
        return
      }
      if (handoff.status === 'closed') return await answer(ctx, fill(TEXTS.closed, { code: handoff.code }))
      if (hasMedia(message)) return answer(ctx, TEXTS.files)
      if (text === undefined) return
      await act(ctx, handoff, staff, text)
    },
  }
}
