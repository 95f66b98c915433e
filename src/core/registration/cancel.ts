/**
 * "registrasi saya" (the person's registrations, each with its code) and "batal <kode>": asked once
 * more, then cancelled; a seat it held is offered to the next person waiting. "Cancel my
 * registration" without a code asks about the only one, or lets the person choose among several.
 */
import { personOfChat } from '../../db/queries/chat-links.js'
import {
  cancelRegistration,
  registrationByCode,
  registrationsOfPerson,
  waitlistPosition,
} from '../../db/queries/registrations.js'
import type { ChoiceAction, TypedCommand } from '../engine.js'
import { fill, t } from '../messages.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { normalizeInput } from '../text/normalize.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Text } from '../types.js'
import { statusText } from './flow.js'
import { when, where } from './format.js'
import { readerZone } from './reader-zone.js'
import { queueOffer } from './seat-offers.js'

const texts = {
  mineTitle: { id: '*Pendaftaran Bimtek Anda*', en: '*Your Bimtek registrations*' },
  mineEmpty: {
    id: 'Belum ada pendaftaran Bimtek dari akun chat ini. Ketik "daftar" untuk mendaftar.',
    en: 'There are no Bimtek registrations from this chat account. Type "daftar" to register.',
  },
  position: { id: ', urutan ke-{position}', en: ', number {position}' },
  nothingToCancel: {
    id: 'Tidak ada pendaftaran Bimtek yang masih bisa dibatalkan: sesinya sudah dimulai. Hubungi petugas bila perlu.',
    en: 'There is no Bimtek registration that can still be cancelled: its session has started. Contact the staff if needed.',
  },
  whichToCancel: { id: 'Pendaftaran mana yang ingin dibatalkan?', en: 'Which registration do you want to cancel?' },
  cancelThis: { id: 'Batalkan {code}', en: 'Cancel {code}' },
  howToCancel: {
    id: 'Untuk membatalkan, ketik "batal" dan kodenya, mis. "batal {code}".',
    en: 'To cancel, type "batal" and the code, e.g. "batal {code}".',
  },
  cancelAsk: {
    id: 'Batalkan pendaftaran *{code}*?\n*{title}*\n🗓 {when}\n\nKursi Anda akan ditawarkan ke peserta berikutnya.',
    en: 'Cancel registration *{code}*?\n*{title}*\n🗓 {when}\n\nYour seat will be offered to the next person.',
  },
  cancelYes: { id: 'Ya, batalkan', en: 'Yes, cancel' },
  // Not "Tidak jadi": typed, that is the global "cancel" word and would never reach this question.
  cancelNo: { id: 'Tidak, tetap ikut', en: 'No, keep it' },
  cancelKept: { id: 'Baik, pendaftaran {code} tetap berlaku.', en: 'All right, registration {code} stays.' },
  cancelDone: {
    id: 'Pendaftaran *{code}* sudah dibatalkan. Terima kasih sudah memberi tahu. Ketik "jadwal" untuk melihat sesi lain.',
    en: 'Registration *{code}* is cancelled. Thank you for letting us know. Type "jadwal" to see other sessions.',
  },
  cancelNotFound: {
    id: 'Kode {code} tidak ditemukan di pendaftaran akun chat ini. Periksa kodenya (ketik "registrasi saya").',
    en: 'Code {code} is not among this chat account\'s registrations. Check the code (type "registrasi saya").',
  },
  cancelAlready: { id: 'Pendaftaran {code} sudah dibatalkan sebelumnya.', en: 'Registration {code} was already cancelled.' },
  cancelStarted: {
    id: 'Sesi untuk {code} sudah dimulai, jadi tidak bisa dibatalkan lewat chat. Hubungi petugas bila perlu.',
    en: 'The session for {code} has started, so it cannot be cancelled in the chat. Contact the staff if needed.',
  },
} satisfies Record<string, Text>

type Registered = Awaited<ReturnType<typeof registrationsOfPerson>>

const linkedPerson = (ctx: TurnContext) => personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)

/** The registrations as numbered blocks: code, session, when (in the reader's zone), where, status. */
async function registrationLines(ctx: TurnContext, rows: Registered): Promise<string> {
  const { lang } = ctx
  const zone = await readerZone(ctx)
  // One query after another: inside the turn's transaction they share one connection.
  const lines: string[] = []
  for (const [i, { registration, session }] of rows.entries()) {
    const position = await waitlistPosition(ctx.db, registration)
    const status = `${statusText(registration.status, lang)}${position ? fill(t(lang, texts.position), { position }) : ''}`
    lines.push(
      `${i + 1}. *${registration.code}*: ${session.title}\n   🗓 ${when(session, lang, zone)}\n   📍 ${where(session, lang).replace('\n', '\n   ')}\n   ${status}`,
    )
  }
  return `${t(lang, texts.mineTitle)}\n\n${lines.join('\n\n')}`
}

/** The registrations of the person this chat is linked to, each with its code ("registrasi saya"). */
export async function myRegistrations(ctx: TurnContext): Promise<Outcome> {
  const { lang } = ctx
  const personId = await linkedPerson(ctx)
  const rows = personId === undefined ? [] : await registrationsOfPerson(ctx.db, personId)
  if (rows.length === 0) return { replies: [{ text: t(lang, texts.mineEmpty) }], next: null }
  const first = rows[0]?.registration.code ?? ''
  return {
    replies: [{ text: `${await registrationLines(ctx, rows)}\n\n${fill(t(lang, texts.howToCancel), { code: first })}` }],
    next: null,
  }
}

/**
 * "Cancel my registration" without a code: the only one that can still be cancelled is asked about
 * at once; several are listed with one "Batalkan BMT-…" choice each; none, said so.
 */
export async function chooseToCancel(ctx: TurnContext): Promise<Outcome> {
  const { lang } = ctx
  const personId = await linkedPerson(ctx)
  const rows = personId === undefined ? [] : await registrationsOfPerson(ctx.db, personId)
  if (rows.length === 0) return { replies: [{ text: t(lang, texts.mineEmpty) }], next: null }
  // A session that has started cannot be cancelled in the chat (cancelRegistration refuses it too).
  const open = rows.filter(({ session }) => session.startsAt > ctx.now)
  if (open.length === 0) return { replies: [{ text: t(lang, texts.nothingToCancel) }], next: null }
  if (open.length === 1 && open[0]) return askCancel(ctx, open[0].registration.code)
  return {
    replies: [
      {
        text: `${await registrationLines(ctx, open)}\n\n${t(lang, texts.whichToCancel)}`,
        choices: open.map(({ registration: { code } }) => ({
          id: `regcancel:ask:${code}`,
          label: fill(t(lang, texts.cancelThis), { code }),
        })),
      },
    ],
    next: null,
  }
}

const CODE = /^[A-Z]{3}-[A-Z0-9]{4,8}$/

/** Asks whether to cancel the registration with this code (the person's own), with yes/no choices. */
export async function askCancel(ctx: TurnContext, typedCode: string): Promise<Outcome> {
  const { lang } = ctx
  const code = typedCode
    .toUpperCase()
    .replace(/\s+/g, '')
    .replace(/^([A-Z]{3})(?=[A-Z0-9]{6}$)/, '$1-')
  const personId = await linkedPerson(ctx)
  const found = CODE.test(code) ? await registrationByCode(ctx.db, code) : undefined
  // Someone else's code gets the same answer as a wrong one.
  if (!found || personId === undefined || found.registration.personId !== personId) {
    return { replies: [{ text: fill(t(lang, texts.cancelNotFound), { code }) }], next: null }
  }
  if (found.registration.status === 'cancelled')
    return { replies: [{ text: fill(t(lang, texts.cancelAlready), { code }) }], next: null }
  const text = fill(t(lang, texts.cancelAsk), {
    code,
    title: found.session.title,
    when: when(found.session, lang, await readerZone(ctx)),
  })
  return {
    replies: [
      {
        text,
        choices: [
          { id: `regcancel:yes:${code}`, label: t(lang, texts.cancelYes) },
          { id: `regcancel:no:${code}`, label: t(lang, texts.cancelNo) },
        ],
      },
    ],
    next: null,
  }
}

/** "registrasi saya", "batal pendaftaran" (no code: the registrations to choose from) and "batal <kode>". */
export const cancelCommands: TypedCommand[] = [
  async (ctx, text) =>
    /^(registrasi|pendaftaran|daftar|kode)\s+(saya|sy|aku)$/.test(normalizeInput(text)) ? await myRegistrations(ctx) : undefined,
  // "batal pendaftaran" (no code): the person's registrations, each with its code to cancel.
  async (ctx, text) =>
    /^(?:batal|batalkan|cancel)\s+(?:pendaftaran|registrasi|daftar|bimtek)(?:\s+(?:bimtek|saya|sy))*$/.test(normalizeInput(text))
      ? await myRegistrations(ctx)
      : undefined,
  async (ctx, text) => {
    const match = /^(?:batal|batalkan|cancel)\s+([a-z]{3}[\s-]?[a-z0-9]{4,8})$/i.exec(text.trim())
    return match?.[1] ? await askCancel(ctx, match[1]) : undefined
  },
]

/** The answer to "cancel registration …?": the seat it held goes to the next person waiting. */
export function createCancelAction(deps: { offerMs: number; reminders: ReminderSettings }): ChoiceAction {
  const { offerMs } = deps
  return {
    prefix: 'regcancel:',
    async handle(ctx, choiceId) {
      const [, answer, code = ''] = choiceId.split(':')
      const { lang } = ctx
      // One of several registrations chosen to cancel: asked once more, as "batal <kode>" is.
      if (answer === 'ask') return askCancel(ctx, code)
      if (answer !== 'yes') return { replies: [{ text: fill(t(lang, texts.cancelKept), { code }) }], next: null }
      const personId = await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
      if (personId === undefined) return { replies: [{ text: fill(t(lang, texts.cancelNotFound), { code }) }], next: null }
      const result = await cancelRegistration(ctx.db, {
        code,
        personId,
        now: ctx.now,
        offerMs,
        actor: `chat:${ctx.inbound.channel}`,
      })
      if (result.kind === 'not-found') return { replies: [{ text: fill(t(lang, texts.cancelNotFound), { code }) }], next: null }
      if (result.kind === 'already-cancelled')
        return { replies: [{ text: fill(t(lang, texts.cancelAlready), { code }) }], next: null }
      if (result.kind === 'started') return { replies: [{ text: fill(t(lang, texts.cancelStarted), { code }) }], next: null }
      if (result.offer) await queueOffer(ctx, result.offer)
      // Its reminders still waiting are cancelled.
      await planReminders(ctx.db, [personId], ctx.now, deps.reminders)
      return { replies: [{ text: fill(t(lang, texts.cancelDone), { code }) }], next: null }
    },
  }
}
