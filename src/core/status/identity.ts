/**
 * Proof of identity before anything personal is shown: NIK (or a Bimtek registration code) plus
 * birth date; or, on WhatsApp, the birth date alone when the sender's number is the one on record.
 * A wrong birth date and an unknown NIK get the same answer, so nobody learns whether a NIK is
 * registered. After 5 failures within an hour the chat cannot try again for an hour. On success
 * the chat is linked to the person, so later questions need no proof.
 */
import { z } from 'zod'
import { linkChat, personOfChat } from '../../db/queries/chat-links.js'
import {
  failuresSince,
  type PersonRow,
  peopleByPhone,
  personById,
  personByNikHash,
  personByRegistrationCode,
  recordAttempt,
} from '../../db/queries/people.js'
import { type FlowDefinition, startFlow } from '../flows/flow.js'
import { fill, t } from '../messages.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { formatLocalTime } from '../regions.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Reply, Text } from '../types.js'
import { parseNik } from '../validators/nik.js'
import { birthDateSchema } from '../validators/schemas.js'

export const MAX_FAILURES = 5
export const LOCK_MS = 60 * 60_000

const texts = {
  intro: {
    id: 'Untuk melindungi data Anda, saya perlu memastikan ini memang Anda. Data hanya dipakai untuk pemeriksaan ini.',
    en: 'To protect your data I need to make sure it is you. What you type is used only for this check.',
  },
  identifier: {
    id: 'Ketik NIK Anda (16 angka di KTP), atau kode pendaftaran Bimtek Anda (mis. BMT-7K2QX9).',
    en: 'Type your NIK (the 16 digits on your ID card), or your Bimtek registration code (e.g. BMT-7K2QX9).',
  },
  birthDate: { id: 'Tanggal lahir Anda? (contoh: 17-08-1985)', en: 'Your date of birth? (e.g. 17-08-1985)' },
  phoneIntro: {
    id: 'Nomor WhatsApp ini tercatat di data sertifikasi. Untuk memastikan ini memang Anda, ketik tanggal lahir Anda (contoh: 17-08-1985).',
    en: 'This WhatsApp number is on the certification record. To make sure it is you, type your date of birth (e.g. 17-08-1985).',
  },
  mismatch: {
    id: 'Maaf, data yang Anda masukkan tidak cocok dengan catatan kami. Periksa lagi NIK atau kode pendaftaran dan tanggal lahir Anda, lalu coba lagi. Sisa percobaan: {left}. Bila data Anda memang belum tercatat, ketik "petugas".',
    en: 'Sorry, what you typed does not match our records. Check your NIK or registration code and your date of birth, then try again. Attempts left: {left}. If your data is not on record yet, type "petugas".',
  },
  locked: {
    id: 'Terlalu banyak percobaan yang tidak cocok dari chat ini. Demi keamanan data, Anda dapat mencoba lagi setelah pukul {time}. Butuh bantuan? Ketik "petugas".',
    en: 'Too many attempts that did not match from this chat. For the safety of your data, you can try again after {time}. Need help? Type "petugas".',
  },
} satisfies Record<string, Text>

const label = {
  identifier: { id: 'NIK atau kode pendaftaran', en: 'NIK or registration code' },
  birthDate: { id: 'Tanggal lahir', en: 'Date of birth' },
} satisfies Record<string, Text>

/**
 * Until when the chat may not try again, if it is locked: the latest failure is less than an hour
 * old and closed a run of MAX_FAILURES within the hour before it. (Counting only the failures of
 * the last hour would end the lock as soon as the first of the run turned an hour old, not an hour
 * after the last.) A locked chat records no further attempts, so the latest failure is the one
 * that locked it.
 */
export function lockedUntil(ctx: TurnContext): Date | undefined {
  const failures = failuresSince(ctx.db, ctx.inbound.channel, ctx.inbound.chatId, new Date(ctx.now.getTime() - 2 * LOCK_MS))
  const latest = failures[0]
  if (!latest || latest.getTime() + LOCK_MS <= ctx.now.getTime()) return undefined
  const run = failures.filter((at) => at.getTime() >= latest.getTime() - LOCK_MS).length
  return run >= MAX_FAILURES ? new Date(latest.getTime() + LOCK_MS) : undefined
}

function lockedReply(ctx: TurnContext, until: Date): Reply {
  return { text: fill(t(ctx.lang, texts.locked), { time: formatLocalTime(until, 'Asia/Jakarta') }) }
}

/** What the identifier step keeps: never the NIK itself, only its lookup key. */
type Identifier = { kind: 'nik'; hash: string } | { kind: 'code'; code: string }

const CODE = /^([A-Za-z]{3})[\s-]?([A-Za-z0-9]{6})$/

function identifierSchema(vault: NikVault) {
  return z.string().transform((input, ctx): Identifier => {
    const code = CODE.exec(input.trim())
    if (code) return { kind: 'code', code: `${code[1]}-${code[2]}`.toUpperCase() }
    const nik = parseNik(input)
    if (nik.ok) return { kind: 'nik', hash: vault.hash(nik.value.nik) }
    ctx.addIssue({ code: 'custom', message: nik.error.code, params: nik.error.params ?? {} })
    return z.NEVER
  })
}

export type ProvenHandler = (ctx: TurnContext, person: PersonRow) => Reply[]

/** Checks the claim, counts the attempt, links the chat on success. */
function verify(ctx: TurnContext, person: PersonRow | undefined, birthDate: string, deps: IdentityDeps): Reply[] {
  const until = lockedUntil(ctx)
  if (until) return [lockedReply(ctx, until)]
  const ok = person !== undefined && person.birthDate === birthDate
  recordAttempt(ctx.db, ctx.inbound.channel, ctx.inbound.chatId, ctx.now, ok)
  if (!ok || !person) {
    const lockedNow = lockedUntil(ctx)
    if (lockedNow) return [lockedReply(ctx, lockedNow)]
    const failures = failuresSince(ctx.db, ctx.inbound.channel, ctx.inbound.chatId, new Date(ctx.now.getTime() - LOCK_MS)).length
    return [{ text: fill(t(ctx.lang, texts.mismatch), { left: MAX_FAILURES - failures }) }]
  }
  const { channel, userId, chatId } = ctx.inbound
  linkChat(ctx.db, { channel, userId, chatId, personId: person.id, language: ctx.lang, now: ctx.now })
  // A newly linked chat gets the person's reminders from now on.
  planReminders(ctx.db, [person.id], ctx.now, deps.reminders)
  return deps.onProven(ctx, person)
}

export type IdentityDeps = {
  vault: NikVault
  onProven: ProvenHandler
  /** The reminder settings a newly linked chat's reminders are planned with. */
  reminders: ReminderSettings
}

/** The NIK-or-code route; `id` tells apart what the proof is for ("status", "data-saya"). */
export function createIdentityFlow(id: string, deps: IdentityDeps): FlowDefinition {
  return {
    id: `identity-${id}`,
    intro: (ctx) => t(ctx.lang, texts.intro),
    steps: [
      {
        id: 'identifier',
        label: label.identifier,
        prompt: (ctx) => t(ctx.lang, texts.identifier),
        schema: identifierSchema(deps.vault),
      },
      {
        id: 'birthDate',
        label: label.birthDate,
        prompt: (ctx) => t(ctx.lang, texts.birthDate),
        schema: (ctx) => birthDateSchema(ctx.now),
      },
    ],
    summaryTitle: label.identifier,
    skipSummary: true,
    complete(fields, ctx) {
      const claim = fields.identifier as Identifier
      const person = claim.kind === 'nik' ? personByNikHash(ctx.db, claim.hash) : personByRegistrationCode(ctx.db, claim.code)
      return verify(ctx, person, String(fields.birthDate), deps)
    },
  }
}

/** The WhatsApp route: the sender's number is the one on record, so the birth date is enough. */
export function createPhoneIdentityFlow(id: string, deps: IdentityDeps): FlowDefinition {
  return {
    id: `identity-phone-${id}`,
    steps: [
      {
        id: 'birthDate',
        label: label.birthDate,
        prompt: (ctx) => t(ctx.lang, texts.phoneIntro),
        schema: (ctx) => birthDateSchema(ctx.now),
      },
    ],
    summaryTitle: label.birthDate,
    skipSummary: true,
    complete(fields, ctx) {
      const matches = ctx.inbound.senderPhone ? peopleByPhone(ctx.db, ctx.inbound.senderPhone) : []
      return verify(ctx, matches.length === 1 ? matches[0] : undefined, String(fields.birthDate), deps)
    },
  }
}

/**
 * Before asking anything: a linked chat gets its answer at once; a locked chat is told until when;
 * a WhatsApp number on record (of exactly one person, with no failed try in the last hour) is
 * asked only for the birth date. Otherwise undefined: the NIK-or-code route starts.
 */
export function identityGate(ctx: TurnContext, phoneFlow: FlowDefinition, onProven: ProvenHandler): Outcome | undefined {
  const linked = personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId)
  const person = linked !== undefined ? personById(ctx.db, linked) : undefined
  if (person) return { replies: onProven(ctx, person), next: null }
  const until = lockedUntil(ctx)
  if (until) return { replies: [lockedReply(ctx, until)], next: null }
  const phone = ctx.inbound.senderPhone
  const recentFailure =
    failuresSince(ctx.db, ctx.inbound.channel, ctx.inbound.chatId, new Date(ctx.now.getTime() - LOCK_MS)).length > 0
  if (phone && !recentFailure && peopleByPhone(ctx.db, phone).length === 1) return startFlow(phoneFlow, ctx)
  return undefined
}
