/**
 * What staff do with a handoff, from wherever they answer (the console, the staff's Telegram group,
 * the command line): take it, reply, write an internal note, close it. Each action is one
 * transaction: the state, the thread row, the message to the person (through the outbox: paced,
 * retried, a blocked chat recorded) and the audit entry, all or nothing.
 */

import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { closeHandoff, markHandoffTaken, markStaffReplied } from '../../db/queries/handoff.js'
import {
  type HandoffWithRegion,
  handoffByCode,
  insertThreadMessage,
  queueToHandoffChat,
  setMessageOutbox,
} from '../../db/queries/handoff-thread.js'
import { transaction } from '../../db/store.js'
import type { StaffRole } from '../../vocabulary/staff.js'
import { MAX_TEXT_LENGTH } from '../engine.js'
import { fill, t } from '../messages.js'
import { fail, ok, type Result } from '../result.js'
import type { HandoffActivity } from './activity.js'
import { firstName, handoffTexts, regionLabel } from './texts.js'

export type HandoffStaff = { id: number; name: string; role: StaffRole; region: string | null }
/** Who acts: a staff member, or "the secretariat" (the CLI without --as; signed "Petugas · {region}"). */
export type HandoffActor = { staff: HandoffStaff } | { secretariat: true }
export type HandoffVia = 'console' | 'telegram' | 'cli'
export type HandoffActionError = 'HANDOFF_NOT_FOUND' | 'HANDOFF_CLOSED' | 'NOT_IN_SCOPE' | 'TEXT_EMPTY' | 'TEXT_TOO_LONG'

export type HandoffActions = {
  /** Assigns it to the staff member (waiting → open; open: re-assigned). */
  take(code: string, actor: HandoffActor, via: HandoffVia): Promise<Result<{ id: number }, HandoffActionError>>
  /** Sends text to the person (signed, through the outbox); takes it when it is waiting. */
  reply(
    code: string,
    actor: HandoffActor,
    text: string,
    via: HandoffVia,
    platformId?: string,
  ): Promise<Result<{ messageId: number }, HandoffActionError>>
  /** An internal note: the person never sees it. */
  note(
    code: string,
    actor: HandoffActor,
    text: string,
    via: HandoffVia,
    platformId?: string,
  ): Promise<Result<{ messageId: number }, HandoffActionError>>
  /** Closes it: the person is told, and asked once to rate the help. */
  close(code: string, actor: HandoffActor, via: HandoffVia): Promise<Result<{ id: number }, HandoffActionError>>
}

export type HandoffActionDeps = {
  db: Db
  clock: () => Date
  /** HANDOFF_SIGNATURE: staff replies signed with the first name, or only the region. */
  settings: { signature: 'name' | 'anonymous' }
  activity?: HandoffActivity
}

const actorName = (actor: HandoffActor): string | null => ('staff' in actor ? actor.staff.name : null)
const actorId = (actor: HandoffActor): number | null => ('staff' in actor ? actor.staff.id : null)
const auditActor = (actor: HandoffActor): string => ('staff' in actor ? `staff:${actor.staff.id}` : 'cli')

/** Whether the actor may answer this handoff: admin every one, regional its region's, viewer none. */
function inScope(actor: HandoffActor, handoff: HandoffWithRegion): boolean {
  if (!('staff' in actor)) return true
  if (actor.staff.role === 'admin') return true
  if (actor.staff.role === 'regional') return handoff.regionCode !== null && handoff.regionCode === actor.staff.region
  return false
}

/** The rating prompt sent after every close, in the handoff's language. */
export const ratingPrompt = (lang: 'id' | 'en'): string => t(lang, handoffTexts.ratingPrompt)

/**
 * Closes a live handoff inside the caller's transaction: the state, the event in the thread, the
 * rating asked for. `notice` is sent to the person through the outbox (staff or idle close); a
 * person who ended it is answered in their own turn instead.
 */
export async function closeLiveHandoff(
  db: Db,
  handoff: HandoffWithRegion,
  close: { by: 'person' | 'staff' | 'idle'; staffId?: number | null; staffName?: string | null; at: Date; notice?: string },
): Promise<void> {
  await closeHandoff(db, handoff.id, { at: close.at, by: close.by, staffId: close.staffId ?? null, ratingPending: handoff.live })
  const who =
    close.by === 'person'
      ? 'pengguna'
      : close.by === 'idle'
        ? 'otomatis (tidak ada pesan)'
        : `petugas ${close.staffName ?? ''}`.trim()
  await insertThreadMessage(db, {
    handoffId: handoff.id,
    at: close.at,
    author: 'system',
    via: 'system',
    text: `🔒 Ditutup oleh ${who}`,
    platformId: 'closed',
  })
  if (close.notice && handoff.live) {
    const lang = handoff.language
    await queueToHandoffChat(db, handoff, {
      kind: 'handoff_closed',
      key: `handoff-close:${handoff.code}`,
      reply: { text: `${close.notice}\n\n${ratingPrompt(lang)}` },
      at: close.at,
    })
  }
}

export function createHandoffActions(deps: HandoffActionDeps): HandoffActions {
  const { db, clock } = deps

  /** Runs `work` in one transaction (`tx`, for every query of it) on a live handoff the actor may answer. */
  async function acting<T>(
    code: string,
    actor: HandoffActor,
    work: (tx: Db, handoff: HandoffWithRegion, at: Date) => Promise<Result<T, HandoffActionError>>,
  ): Promise<Result<T, HandoffActionError>> {
    const result = await transaction(db, async (tx) => {
      const handoff = await handoffByCode(tx, code)
      if (!handoff) return fail('HANDOFF_NOT_FOUND' as const)
      if (!inScope(actor, handoff)) return fail('NOT_IN_SCOPE' as const)
      if (handoff.status === 'closed') return fail('HANDOFF_CLOSED' as const)
      return await work(tx, handoff, clock())
    })
    if (result.ok) deps.activity?.emit()
    return result
  }

  async function audit(
    tx: Db,
    action: string,
    actor: HandoffActor,
    handoff: HandoffWithRegion,
    at: Date,
    details?: object,
  ): Promise<void> {
    await writeAudit(tx, { at, actor: auditActor(actor), action, entity: 'handoff_request', entityId: handoff.code, details })
  }

  /** Waiting → open, assigned to the actor (a staff member; the secretariat assigns nobody). */
  async function takeIn(tx: Db, handoff: HandoffWithRegion, actor: HandoffActor, at: Date): Promise<void> {
    const staffId = actorId(actor)
    if (handoff.status === 'open' && (staffId === null || handoff.assignedStaffId === staffId)) return
    await markHandoffTaken(tx, handoff.id, {
      takenAt: handoff.takenAt ?? at,
      assignedStaffId: staffId ?? handoff.assignedStaffId,
    })
    const name = actorName(actor)
    await insertThreadMessage(tx, {
      handoffId: handoff.id,
      at,
      author: 'system',
      via: 'system',
      text: name ? `✅ Diambil oleh ${name}` : '✅ Dibuka oleh sekretariat',
      platformId: `taken:${at.getTime()}`,
    })
  }

  function checkText(text: string): Result<string, HandoffActionError> {
    const trimmed = text.trim()
    if (!trimmed) return fail('TEXT_EMPTY')
    if ([...trimmed].length > MAX_TEXT_LENGTH) return fail('TEXT_TOO_LONG', { max: MAX_TEXT_LENGTH })
    return ok(trimmed)
  }

  function signed(handoff: HandoffWithRegion, actor: HandoffActor, text: string): string {
    const lang = handoff.language
    const region = regionLabel(handoff.regionCity, lang)
    const name = actorName(actor)
    if (deps.settings.signature === 'anonymous' || !name) return fill(t(lang, handoffTexts.signedAnonymous), { region, text })
    return fill(t(lang, handoffTexts.signed), { first: firstName(name), region, text })
  }

  return {
    async take(code, actor, via) {
      return await acting(code, actor, async (tx, handoff, at) => {
        await takeIn(tx, handoff, actor, at)
        await audit(tx, 'handoff.taken', actor, handoff, at, { via })
        return ok({ id: handoff.id })
      })
    },

    async reply(code, actor, text, via, platformId) {
      const checked = checkText(text)
      if (!checked.ok) return checked
      return await acting(code, actor, async (tx, handoff, at) => {
        if (!handoff.live) return fail('HANDOFF_CLOSED')
        const messageId = await insertThreadMessage(tx, {
          handoffId: handoff.id,
          at,
          author: 'staff',
          via,
          staffId: actorId(actor),
          staffName: actorName(actor),
          text: checked.value,
          platformId: platformId ?? null,
          relayed: via === 'telegram',
        })
        // The same platform message delivered again: already answered.
        if (messageId === undefined) return ok({ messageId: 0 })
        await takeIn(tx, handoff, actor, at)
        const outboxId = await queueToHandoffChat(tx, handoff, {
          kind: 'handoff_reply',
          key: `handoff:${messageId}`,
          reply: { text: signed(handoff, actor, checked.value) },
          at,
        })
        await setMessageOutbox(tx, messageId, outboxId)
        await markStaffReplied(tx, handoff.id, { lastStaffAt: at, firstStaffReplyAt: handoff.firstStaffReplyAt ?? at })
        await audit(tx, 'handoff.replied', actor, handoff, at, { via })
        return ok({ messageId })
      })
    },

    async note(code, actor, text, via, platformId) {
      const checked = checkText(text)
      if (!checked.ok) return checked
      return await acting(code, actor, async (tx, handoff, at) => {
        const messageId = await insertThreadMessage(tx, {
          handoffId: handoff.id,
          at,
          author: 'note',
          via,
          staffId: actorId(actor),
          staffName: actorName(actor),
          text: checked.value,
          platformId: platformId ?? null,
          relayed: via === 'telegram',
        })
        if (messageId !== undefined) await audit(tx, 'handoff.noted', actor, handoff, at, { via })
        return ok({ messageId: messageId ?? 0 })
      })
    },

    async close(code, actor, via) {
      return await acting(code, actor, async (tx, handoff, at) => {
        await closeLiveHandoff(tx, handoff, {
          by: 'staff',
          staffId: actorId(actor),
          staffName: actorName(actor),
          at,
          notice: fill(t(handoff.language, handoffTexts.closedByStaff), { code: handoff.code }),
        })
        await audit(tx, 'handoff.closed', actor, handoff, at, { via })
        return ok({ id: handoff.id })
      })
    },
  }
}
