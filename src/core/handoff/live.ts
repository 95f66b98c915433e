/**
 * The person's side of a live handoff, taken before the engine routes a message: while a chat has a
 * waiting or open handoff the assistant stays silent and everything goes to staff, apart from the
 * words to end it ("selesai") or to reach the menu (explained, never dropped silently). After a close
 * the next message may be the rating; anything else is a normal message again.
 */
import { createHash } from 'node:crypto'
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { type ChatHandoff, handoffOfChat, updatePersonSide } from '../../db/queries/handoff.js'
import {
  attachmentUsageOf,
  type HandoffWithRegion,
  handoffById,
  insertAttachment,
  insertThreadMessage,
} from '../../db/queries/handoff-thread.js'
import type { Channel } from '../../vocabulary/message.js'
import { MAX_TEXT_LENGTH } from '../engine.js'
import { MENU_PREFIX } from '../menu.js'
import { fill, messages, t } from '../messages.js'
import { localMoment } from '../reminders/message.js'
import { globalCommand } from '../text/intents.js'
import { normalizeInput, slashCommand } from '../text/normalize.js'
import { isNo, isYes } from '../text/yes-no.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Language, Reply } from '../types.js'
import { closeLiveHandoff, ratingPrompt } from './actions.js'
import type { HandoffActivity } from './activity.js'
import type { Place, WorkingCalendar } from './hours.js'
import { handoffTexts } from './texts.js'

/** Seals a file before it is stored (the handoff file box of core/privacy/data-key.ts). */
export type FileSealer = { seal(bytes: Uint8Array): Buffer }

/** Most files, and bytes, one handoff takes. */
export const MAX_FILES_PER_HANDOFF = 20
export const MAX_BYTES_PER_HANDOFF = 40 * 1024 * 1024

export type LiveHandoffDeps = {
  calendar: WorkingCalendar
  files: FileSealer
  activity?: HandoffActivity
}

const END_WORDS = new Set(['selesai', 'kembali ke bot', 'akhiri', 'akhiri percakapan', 'sudah selesai', 'udah selesai'])
const END_YES = 'handoff:end:yes'
const END_NO = 'handoff:end:no'

/** The place a handoff is answered from. */
export const placeOf = (handoff: Pick<HandoffWithRegion, 'regionZone' | 'regionCode'>): Place => ({
  zone: handoff.regionZone,
  region: handoff.regionCode,
})

/** "Senin, 7 Desember 2026, 08.00 WITA". */
export const openingText = (at: Date, place: Place, lang: Language): string => localMoment(at, place.zone, lang)

export type LiveHandoff = {
  /** Whether the chat has a waiting or open handoff (the adapters then download photos and PDFs). */
  isLive(db: Db, channel: Channel, chatId: string): Promise<boolean>
  /** The engine's hook: an outcome when the handoff takes the message, undefined to route it as usual. */
  intercept(ctx: TurnContext): Promise<Outcome | undefined>
  /** The engine committed: wake the live views if a handoff was written to. */
  committed(): void
}

export function createLiveHandoff(deps: LiveHandoffDeps): LiveHandoff {
  const { calendar } = deps
  // Set when a turn wrote to a handoff: the live views are woken once the engine has committed.
  let touched = false

  const reply = (text: string, extra?: Partial<Reply>): Outcome => ({ replies: [{ text, ...extra }], next: null })

  async function rate(ctx: TurnContext, row: ChatHandoff): Promise<Outcome | undefined> {
    const { db, inbound, now, lang } = ctx
    const typed = inbound.choice ? '' : (inbound.text?.trim() ?? '')
    await updatePersonSide(db, row.id, { ratingPending: false })
    if (!/^[1-5]$/.test(typed)) return undefined
    const n = Number(typed)
    await updatePersonSide(db, row.id, { rating: n, ratedAt: now })
    await insertThreadMessage(db, {
      handoffId: row.id,
      at: now,
      author: 'system',
      via: 'system',
      text: `⭐ Penilaian ${n}/5`,
      platformId: 'rated',
    })
    await writeAudit(db, {
      at: now,
      actor: `chat:${inbound.channel}`,
      action: 'handoff.rated',
      entity: 'handoff_request',
      entityId: row.code,
      details: { rating: n },
    })
    touched = true
    return reply(fill(t(lang, handoffTexts.ratingThanks), { n }))
  }

  async function live(ctx: TurnContext, handoff: HandoffWithRegion): Promise<Outcome> {
    const { db, inbound, now, lang } = ctx
    const text = inbound.text?.trim() ?? ''
    const words = normalizeInput(text)
    const slash = slashCommand(text)
    const code = handoff.code

    if (handoff.endAskedAt) {
      // The options as a tap, their number (typed, or passed as a choice by the channel) or a yes/no word.
      const picked = inbound.choice ?? words
      const yes = picked === END_YES || picked === '1' || (!inbound.choice && isYes(words))
      const no = picked === END_NO || picked === '2' || (!inbound.choice && isNo(words))
      if (yes) {
        await closeLiveHandoff(db, handoff, { by: 'person', at: now })
        await writeAudit(db, {
          at: now,
          actor: `chat:${inbound.channel}`,
          action: 'handoff.closed',
          entity: 'handoff_request',
          entityId: code,
          details: { by: 'person' },
        })
        touched = true
        return reply(`${fill(t(lang, handoffTexts.endedByPerson), { code })}\n\n${ratingPrompt(lang)}`)
      }
      await updatePersonSide(db, handoff.id, { endAskedAt: null })
      if (no) return reply(t(lang, handoffTexts.continued))
    }
    if (!inbound.choice && (END_WORDS.has(words) || slash?.name === 'selesai')) {
      await updatePersonSide(db, handoff.id, { endAskedAt: now })
      return reply(fill(t(lang, handoffTexts.confirmEnd), { code }), {
        choices: [
          { id: END_YES, label: t(lang, handoffTexts.confirmYes) },
          { id: END_NO, label: t(lang, handoffTexts.confirmNo) },
        ],
      })
    }
    const command = inbound.choice ? undefined : globalCommand(text)
    if (command === 'menu' || command === 'cancel' || inbound.choice?.startsWith(MENU_PREFIX)) {
      return reply(fill(t(lang, handoffTexts.menuDuringHandoff), { code }))
    }

    const notes: string[] = []
    let attachmentId: number | null = null
    const media = inbound.media
    if (media && 'rejected' in media) {
      notes.push(
        media.rejected === 'type'
          ? t(lang, handoffTexts.fileType)
          : media.size
            ? fill(t(lang, handoffTexts.fileTooBig), { size: megabytes(media.size, lang) })
            : t(lang, handoffTexts.fileTooBigUnknown),
      )
    } else if (media) {
      const used = await attachmentUsageOf(db, handoff.id)
      if (used.files >= MAX_FILES_PER_HANDOFF || used.bytes + media.bytes.length > MAX_BYTES_PER_HANDOFF) {
        notes.push(t(lang, handoffTexts.tooManyFiles))
      } else {
        attachmentId = await insertAttachment(db, {
          handoffId: handoff.id,
          kind: media.kind,
          mimeType: media.mimeType,
          fileName: media.fileName ?? null,
          size: media.bytes.length,
          sha256: createHash('sha256').update(media.bytes).digest('hex'),
          content: deps.files.seal(media.bytes),
          createdAt: now,
        })
      }
    } else if (inbound.unsupported && !text) {
      notes.push(t(lang, handoffTexts.unsupported))
    }
    if ([...text].length > MAX_TEXT_LENGTH) {
      notes.push(fill(t(lang, messages.tooLong), { length: [...text].length, max: MAX_TEXT_LENGTH }))
      return reply(notes.join('\n\n'))
    }
    if (!text && attachmentId === null) return reply(notes.join('\n\n'))

    const added = await insertThreadMessage(db, {
      handoffId: handoff.id,
      at: now,
      author: 'person',
      via: 'chat',
      text: text || null,
      attachmentId,
      platformId: inbound.messageId,
    })
    if (added === undefined) return { replies: [], next: null }
    await updatePersonSide(db, handoff.id, { lastPersonAt: now })
    touched = true

    const place = placeOf(handoff)
    const until = handoff.afterHoursAckUntil
    if (!calendar.isOpen(now, place) && (!until || now >= until)) {
      const next = calendar.nextOpening(now, place)
      await updatePersonSide(db, handoff.id, { afterHoursAckUntil: next, ackedAt: handoff.ackedAt ?? now })
      notes.push(
        fill(t(lang, handoffTexts.afterHoursAck), {
          hours: calendar.describe(place, lang),
          next: openingText(next, place, lang),
        }),
      )
    } else if (!handoff.ackedAt) {
      await updatePersonSide(db, handoff.id, { ackedAt: now })
      notes.push(fill(t(lang, handoffTexts.firstAck), { code }))
    }
    return notes.length ? reply(notes.join('\n\n')) : { replies: [], next: null }
  }

  return {
    async isLive(db, channel, chatId) {
      const row = await handoffOfChat(db, channel, chatId)
      return row !== undefined && row.status !== 'closed'
    },
    committed() {
      if (!touched) return
      touched = false
      deps.activity?.emit()
    },
    async intercept(ctx) {
      const row = await handoffOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.chatId)
      if (!row) return undefined
      if (row.status === 'closed') return await rate(ctx, row)
      const handoff = await handoffById(ctx.db, row.id)
      return handoff ? await live(ctx, handoff) : undefined
    },
  }
}

const megabytes = (bytes: number, lang: Language): string =>
  (bytes / (1024 * 1024)).toLocaleString(lang === 'id' ? 'id-ID' : 'en-US', { maximumFractionDigits: 1 })
