/**
 * Announcements in the chat: "stop info" (also "berhenti info", "stop pengumuman", "tolong berhenti
 * kirim pengumuman", "jangan kirim info lagi ya min", "unsubscribe info"; any case or punctuation) turns announcements off for this chat and cancels those still waiting for it;
 * "mulai info" turns them back on. Reminders about the person's own sessions and exams are not
 * touched ("stop pengingat" is theirs). Works before the chat is linked, as the reminders' switch.
 */
import type { Db } from '../../db/client.js'
import {
  announcementsOffAt,
  cancelAnnouncementsOfChat,
  STOPPED_REASON,
  setAnnouncementsOff,
} from '../../db/queries/announcements.js'
import { writeAudit } from '../../db/queries/audit.js'
import { transaction } from '../../db/store.js'
import type { TypedCommand } from '../engine.js'
import { fill, t } from '../messages.js'
import { normalizeInput } from '../text/normalize.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Text } from '../types.js'

const texts = {
  stopped: {
    id: '🔕 Pengumuman tidak akan dikirim lagi ke chat ini.{cancelled} Pengingat jadwal Bimtek dan ujian Anda tetap dikirim.\n\nKetik *mulai info* untuk menerima pengumuman lagi.',
    en: '🔕 Announcements will no longer be sent to this chat.{cancelled} Reminders about your Bimtek and exam dates still come.\n\nType *mulai info* to receive announcements again.',
  },
  cancelled: { id: ' {n} pengumuman yang belum terkirim dibatalkan.', en: ' {n} announcements not yet sent were cancelled.' },
  alreadyOff: {
    id: 'Pengumuman untuk chat ini memang sudah dimatikan. Pengingat jadwal Anda tetap dikirim.\n\nKetik *mulai info* untuk menerima pengumuman lagi.',
    en: 'Announcements are already off for this chat. Reminders about your dates still come.\n\nType *mulai info* to receive announcements again.',
  },
  started: {
    id: '🔔 Pengumuman dinyalakan lagi untuk chat ini. Ketik *stop info* kapan saja untuk berhenti.',
    en: '🔔 Announcements are on again for this chat. Type *stop info* at any time to stop them.',
  },
  alreadyOn: {
    id: 'Pengumuman untuk chat ini memang menyala. Ketik *stop info* untuk berhenti menerimanya.',
    en: 'Announcements are already on for this chat. Type *stop info* to stop them.',
  },
} satisfies Record<string, Text>

/** Polite words and particles around the command ("tolong stop info dong min"), never its meaning. */
const BEFORE = String.raw`(?:(?:tolong|mohon|min|kak|pak|bu|admin|ya|saya|sy|aku|mau|ingin|pengen|pingin|please|pls)\s)*`
const AFTER = String.raw`(?:\s(?:dong|donk|deh|aja|saja|ya|yah|ok|oke|min|kak|pak|bu|please|pls|thanks|makasih|terima kasih|lagi|dulu|ke saya|ke sini|kesini))*`
const THING = '(?:info|informasi|pengumuman|broadcast|siaran)(?:nya)?'
/** "stop info", "berhenti kirim pengumuman", "jangan kirim info lagi", "unsubscribe info": announcements off. */
const STOP_INFO = new RegExp(
  String.raw`^${BEFORE}(?:stop|setop|berhenti|matikan|hentikan|nonaktifkan|unsubscribe|jangan|ga usah|gak usah|nggak usah|tidak usah|tdk usah|gausah)(?:\s(?:kirim|kirimi|kirimin|mengirim|dikirim|dikirimi|kasih))?\s${THING}${AFTER}$`,
)
/** "mulai info", "aktifkan pengumuman lagi", "mulai terima info dong": announcements back on. */
const START_INFO = new RegExp(
  String.raw`^${BEFORE}(?:mulai|nyalakan|aktifkan|hidupkan|subscribe)(?:\s(?:kirim|terima|menerima))?\s${THING}${AFTER}$`,
)

export { STOPPED_REASON } from '../../db/queries/announcements.js'

type Chat = { channel: TurnContext['inbound']['channel']; userId: string; chatId: string }
const chatOf = (ctx: TurnContext): Chat => ({
  channel: ctx.inbound.channel,
  userId: ctx.inbound.userId,
  chatId: ctx.inbound.chatId,
})

async function audit(db: Db, ctx: TurnContext, action: string, details?: Record<string, unknown>) {
  await writeAudit(db, { at: ctx.now, actor: `chat:${ctx.inbound.channel}`, action, entity: 'chat', entityId: null, details })
}

async function stop(ctx: TurnContext): Promise<Outcome> {
  const chat = chatOf(ctx)
  const { db, lang } = ctx
  const done = await transaction(db, async (tx) => {
    const offAt = await announcementsOffAt(tx, chat.channel, chat.userId)
    const wasOn = offAt === null || offAt === undefined
    if (wasOn) await setAnnouncementsOff(tx, chat, true, ctx.now)
    const cancelled = await cancelAnnouncementsOfChat(tx, chat.channel, chat.chatId, ctx.now, STOPPED_REASON)
    if (wasOn || cancelled > 0) await audit(tx, ctx, 'announcements.stopped', cancelled > 0 ? { cancelled } : undefined)
    return { wasOn, cancelled }
  })
  if (!done.wasOn && done.cancelled === 0) return { replies: [{ text: t(lang, texts.alreadyOff) }], next: null }
  const cancelled = done.cancelled > 0 ? fill(t(lang, texts.cancelled), { n: done.cancelled }) : ''
  return { replies: [{ text: fill(t(lang, texts.stopped), { cancelled }) }], next: null }
}

async function start(ctx: TurnContext): Promise<Outcome> {
  const chat = chatOf(ctx)
  const { db, lang } = ctx
  const offAt = await announcementsOffAt(db, chat.channel, chat.userId)
  if (offAt === null || offAt === undefined) return { replies: [{ text: t(lang, texts.alreadyOn) }], next: null }
  await transaction(db, async (tx) => {
    await setAnnouncementsOff(tx, chat, false, ctx.now)
    await audit(tx, ctx, 'announcements.started')
  })
  return { replies: [{ text: t(lang, texts.started) }], next: null }
}

/** The typed commands "stop info" and "mulai info" (put before the reminders' commands). */
export function createAnnouncementChat(): { commands: TypedCommand[] } {
  return {
    commands: [
      (ctx, text) => {
        const typed = normalizeInput(text)
        if (STOP_INFO.test(typed)) return stop(ctx)
        if (START_INFO.test(typed)) return start(ctx)
        return undefined
      },
    ],
  }
}
