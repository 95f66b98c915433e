/**
 * Proof of identity before anything personal is shown or done. A NIK (or a Bimtek registration
 * code) plus the birth date only IDENTIFIES a record: the birth date is written inside the NIK and
 * KTP copies circulate everywhere. Access also needs a possession factor:
 * - the sender's own number as the channel vouches for it (WhatsApp; Telegram's "Bagikan nomor
 *   saya" contact of the account itself; the terminal's --phone) equal to the phone on record;
 * - or a one-time code sent over WhatsApp to the phone on record.
 * Until the factor is given, every answer reads the same whether the NIK is on record, the birth
 * date is wrong, or no factor is possible. Failures count per chat and per claimed NIK or code
 * (lockout.ts). On success the chat is linked to the person for IDENTITY_LINK_DAYS.
 *
 * One module for every feature that needs it (status, data rights, registration of a NIK on
 * record, a person's registrations and dates asked for in a sentence; reminders follow the link):
 * each gets its flows with `proofFlows(purpose, onProven)`, started by `gate` or `proveFirst`.
 */
import { z } from 'zod'
import { linkChat, markProved, personOfChat, provedAtOf } from '../../db/queries/chat-links.js'
import { type PersonRow, peopleByPhone, personById, personByNikHash, personByRegistrationCode } from '../../db/queries/people.js'
import { type FlowDefinition, repeatStep, type StepContext, startFlow } from '../flows/flow.js'
import { handoffAbout } from '../flows/handoff.js'
import { fill, t } from '../messages.js'
import { maskPhoneLocal } from '../privacy/mask.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import type { Awaitable, FlowPosition, Outcome, TurnContext } from '../turn.js'
import type { Reply, Text } from '../types.js'
import { parseNik } from '../validators/nik.js'
import { birthDateSchema } from '../validators/schemas.js'
import { countAttempt, failedRecently, lockedReply, lockOf, subjectOf, triesLeft } from './lockout.js'
import { CODE_TTL_MS, checkCode, issueCode } from './one-time-code.js'

/** Export and deletion want a factor shown within this time. */
export const FRESH_MS = 15 * 60_000

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
  factor: {
    id: 'Jika data cocok, saya perlu satu bukti lagi bahwa ini memang Anda: NIK dan tanggal lahir tertulis di KTP, jadi belum cukup.',
    en: 'If the details match, I need one more proof that it is you: the NIK and birth date are printed on the ID card, so they are not enough.',
  },
  again: {
    id: 'Untuk ini saya perlu memastikan sekali lagi bahwa ini memang Anda.',
    en: 'For this I need to make sure once more that it is you.',
  },
  byCode: {
    id: 'Pilih "Kirim kode": kode 6 angka dikirim lewat WhatsApp ke nomor HP yang tercatat di data Anda.',
    en: 'Choose "Send a code": a 6-digit code goes by WhatsApp to the mobile number on your record.',
  },
  noCode: {
    id: 'Saat ini kode lewat WhatsApp tidak dapat dikirim.',
    en: 'Codes by WhatsApp cannot be sent right now.',
  },
  byCodeTo: {
    id: 'Pilih "Kirim kode": kode 6 angka dikirim lewat WhatsApp ke nomor Anda yang tercatat, {number}.',
    en: 'Choose "Send a code": a 6-digit code goes by WhatsApp to your number on record, {number}.',
  },
  byContact: {
    id: 'Atau tekan tombol "Bagikan nomor saya" di bawah, bila nomor akun Telegram ini sama dengan nomor yang tercatat.',
    en: 'Or press the "Bagikan nomor saya" (share my number) button below, if this Telegram account has the number on record.',
  },
  byStaff: {
    id: 'Tidak bisa? Pilih "Bicara dengan petugas": petugas memeriksa identitas Anda lewat telepon atau tatap muka.',
    en: 'Not possible? Choose "Talk to a staff member": staff check who you are by phone or in person.',
  },
  lockedContact: {
    id: 'Bila ini data Anda sendiri dan nomor akun Telegram ini yang tercatat, tekan "Bagikan nomor saya" di bawah: Anda bisa masuk sekarang juga.',
    en: 'If this is your own record and this Telegram account has the number on record, press "Bagikan nomor saya" (share my number) below: you can get in right now.',
  },
  contactPrompt: {
    id: 'Atau bagikan nomor akun Telegram ini:',
    en: 'Or share the number of this Telegram account:',
  },
  contactButton: { id: 'Bagikan nomor saya', en: 'Bagikan nomor saya' },
  sendCode: { id: 'Kirim kode lewat WhatsApp', en: 'Send a code by WhatsApp' },
  newCode: { id: 'Kirim kode baru', en: 'Send a new code' },
  staff: { id: 'Bicara dengan petugas', en: 'Talk to a staff member' },
  code: {
    id: 'Jika data cocok, kode 6 angka dikirim lewat WhatsApp ke nomor HP yang tercatat di data Anda. Ketik kode itu di sini. Kode berlaku 10 menit dan hanya untuk satu kali pakai.\n\nKode tidak datang (mis. nomor Anda sudah berganti)? Pilih "Bicara dengan petugas".',
    en: 'If the details match, a 6-digit code goes by WhatsApp to the mobile number on your record. Type that code here. It is valid for 10 minutes and for one use only.\n\nNo code (e.g. your number changed)? Choose "Talk to a staff member".',
  },
  codeTo: {
    id: 'Kode 6 angka dikirim lewat WhatsApp ke {number}. Ketik kode itu di sini. Kode berlaku 10 menit dan hanya untuk satu kali pakai.\n\nKode tidak datang (mis. nomor Anda sudah berganti)? Pilih "Bicara dengan petugas".',
    en: 'A 6-digit code goes by WhatsApp to {number}. Type that code here. It is valid for 10 minutes and for one use only.\n\nNo code (e.g. your number changed)? Choose "Talk to a staff member".',
  },
  typeCode: { id: 'Ketik 6 angka kode yang dikirim lewat WhatsApp.', en: 'Type the 6 digits of the code sent by WhatsApp.' },
  oneAtATime: {
    id: 'Kode sebelumnya masih berlaku. Satu kode pada satu waktu: pakai kode itu, atau minta kode baru setelah 10 menit.',
    en: 'The previous code is still valid. One code at a time: use it, or ask for a new one after 10 minutes.',
  },
  expired: {
    id: 'Kode itu sudah tidak berlaku (lebih dari 10 menit). Pilih "Kirim kode baru".',
    en: 'That code is no longer valid (more than 10 minutes). Choose "Send a new code".',
  },
  wrongCode: {
    id: 'Kode tidak cocok. Sisa percobaan: {left}.',
    en: 'The code does not match. Attempts left: {left}.',
  },
  wrongPhone: {
    id: 'Nomor itu tidak cocok dengan data kami. Sisa percobaan: {left}.',
    en: 'That number does not match our records. Attempts left: {left}.',
  },
  notOwnContact: {
    id: 'Itu bukan nomor akun Telegram ini sendiri, jadi tidak bisa menjadi bukti. Tekan tombol "Bagikan nomor saya", atau pilih cara lain.',
    en: 'That is not the number of this Telegram account itself, so it is no proof. Press "Bagikan nomor saya", or choose another way.',
  },
  hint: { id: 'Pilih salah satu cara di bawah.', en: 'Choose one of the ways below.' },
  mismatch: {
    id: 'Maaf, data yang Anda masukkan tidak cocok dengan catatan kami. Periksa lagi NIK atau kode pendaftaran dan tanggal lahir Anda, lalu coba lagi. Sisa percobaan: {left}. Bila data Anda memang belum tercatat, ketik "petugas".',
    en: 'Sorry, what you typed does not match our records. Check your NIK or registration code and your date of birth, then try again. Attempts left: {left}. If your data is not on record yet, type "petugas".',
  },
} satisfies Record<string, Text>

/** What the staff request says when proof could not be given in the chat (no NIK in it). */
const reasons = {
  channelDown: {
    id: 'Saya ingin membuktikan identitas saya, tetapi kode lewat WhatsApp sedang tidak dapat dikirim. Mohon bantu memeriksa identitas saya lewat telepon atau tatap muka.',
    en: 'I want to prove who I am, but codes by WhatsApp cannot be sent right now. Please check my identity by phone or in person.',
  },
  noCode: {
    id: 'Saya tidak menerima kode verifikasi di nomor WhatsApp yang tercatat (nomor mungkin sudah berganti atau tidak tercatat). Mohon bantu memeriksa identitas saya lewat telepon atau tatap muka.',
    en: 'I did not get the verification code on the WhatsApp number on record (the number may have changed or not be on record). Please check my identity by phone or in person.',
  },
  noFactor: {
    id: 'Saya tidak bisa membuktikan identitas saya lewat chat (nomor ini bukan nomor yang tercatat). Mohon bantu memeriksa identitas saya lewat telepon atau tatap muka.',
    en: 'I cannot prove who I am in the chat (this number is not the one on record). Please check my identity by phone or in person.',
  },
} satisfies Record<string, Text>

const label = {
  identifier: { id: 'NIK atau kode pendaftaran', en: 'NIK or registration code' },
  birthDate: { id: 'Tanggal lahir', en: 'Date of birth' },
  factor: { id: 'Bukti', en: 'Proof' },
  code: { id: 'Kode', en: 'Code' },
} satisfies Record<string, Text>

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

/** Runs once the person is proven; `carried` is what the feature asked to keep (e.g. a session). */
export type ProvenHandler = (
  ctx: TurnContext,
  person: PersonRow,
  carried: Record<string, unknown>,
) => Awaitable<Reply[] | Outcome>

export type ProofDeps = {
  vault: NikVault
  /** The reminder settings a newly linked chat's reminders are planned with. */
  reminders: ReminderSettings
  /** How long a proven chat stays linked (IDENTITY_LINK_DAYS). */
  linkDays: number
  /** Whether a one-time code can go out over WhatsApp now (the channel is connected). */
  codeChannelReady: () => boolean
  /** The staff request flow, started with the reason filled in when no proof is possible. */
  handoff: FlowDefinition
}

/** The flows of one purpose: by NIK or code (then a factor), and by the WhatsApp number on record. */
export type ProofFlows = { claim: FlowDefinition; phone: FlowDefinition; onProven: ProvenHandler }

/** The fields a proof keeps in the conversation state (server side only). */
type Held = {
  identifier?: Identifier
  /** The person the claim matches, or null: told to nobody before the factor. */
  candidate?: number | null
  subject?: string
  carried?: Record<string, unknown>
  /** When this chat last asked for a code (ms): the code step's own clock, the same either way. */
  codeAt?: number
  again?: boolean
  /** The number the code goes to, masked: told only to a chat already linked to the person (proved before). */
  number?: string
}

const held = (fields: Record<string, unknown>) => fields as Held

/** The number the channel vouches is the sender's own, if any. */
export function vouchedPhone(ctx: TurnContext): string | undefined {
  const { senderPhone, contact } = ctx.inbound
  return senderPhone ?? (contact?.own ? contact.phone : undefined)
}

const asOutcome = (done: Reply[] | Outcome): Outcome => (Array.isArray(done) ? { replies: done, next: null } : done)

/** A proof just started, holding what the feature asked to keep until the person is proven. */
const carrying = (started: Outcome, carried: Record<string, unknown>): Outcome =>
  started.next && Object.keys(carried).length > 0
    ? { ...started, next: { ...started.next, fields: { ...started.next.fields, carried } } }
    : started

export function createProof(deps: ProofDeps) {
  const { vault } = deps

  /** The factor was shown: count it, link the chat (fresh), plan its reminders, run the feature. */
  async function grant(
    ctx: TurnContext,
    person: PersonRow,
    subject: string,
    flows: ProofFlows,
    carried: Record<string, unknown>,
  ): Promise<Outcome> {
    await countAttempt(ctx, true, subject)
    const { channel, userId, chatId } = ctx.inbound
    const expiresAt = new Date(ctx.now.getTime() + deps.linkDays * 86_400_000)
    await linkChat(ctx.db, {
      channel,
      userId,
      chatId,
      personId: person.id,
      language: ctx.lang,
      now: ctx.now,
      expiresAt,
      proved: true,
    })
    await planReminders(ctx.db, [person.id], ctx.now, deps.reminders)
    return asOutcome(await flows.onProven(ctx, person, carried))
  }

  /** A failed proof: counted; the lock if it now holds, else `then` with the tries left. */
  async function fail(ctx: TurnContext, subject: string, then: (left: number) => Awaitable<Outcome>): Promise<Outcome> {
    await countAttempt(ctx, false, subject)
    const lock = await lockOf(ctx, subject)
    if (lock) return { replies: [lockedReply(ctx, lock)], next: null }
    return then(await triesLeft(ctx, subject))
  }

  const at = (flow: FlowDefinition, step: string, fields: Record<string, unknown>): FlowPosition => ({
    flow: flow.id,
    step,
    fields,
  })

  function toStaff(ctx: TurnContext, position: FlowPosition): Promise<Outcome> {
    const reason = !deps.codeChannelReady() ? reasons.channelDown : position.step === 'code' ? reasons.noCode : reasons.noFactor
    return handoffAbout(deps.handoff, ctx, { topic: 'topic:data', question: reason })
  }

  const wantsStaff = (value: string) => value === 'proof:staff' || /petugas|staff/i.test(value)

  async function sendCode(flow: FlowDefinition, ctx: StepContext, position: FlowPosition): Promise<Outcome> {
    const fields = held(position.fields)
    // No codes while the claim is locked: they could only be guessed at, or flood the owner's phone.
    const lock = await lockOf(ctx, fields.subject)
    if (lock) return { replies: [lockedReply(ctx, lock)], next: null }
    const now = ctx.now.getTime()
    if (fields.codeAt !== undefined && now - fields.codeAt < CODE_TTL_MS) {
      return repeatStep(flow, at(flow, 'code', position.fields), ctx, t(ctx.lang, texts.oneAtATime))
    }
    // The same reply whether a code went out, and whatever the claim matched.
    const person = fields.candidate ? await personById(ctx.db, fields.candidate) : undefined
    if (person) await issueCode(ctx, person, vault)
    return repeatStep(flow, at(flow, 'code', { ...position.fields, codeAt: now }), ctx)
  }

  function factorStep(flowOf: () => FlowDefinition, flows: () => ProofFlows) {
    return {
      id: 'factor',
      label: label.factor,
      extra: true,
      prompt: async (ctx: StepContext) => {
        const { again, number, subject } = held(ctx.fields)
        const lock = subject ? await lockOf(ctx, subject) : undefined
        if (lock) return `${lockedReply(ctx, lock).text}\n\n${t(ctx.lang, texts.lockedContact)}`
        const byCode = number ? fill(t(ctx.lang, texts.byCodeTo), { number }) : t(ctx.lang, texts.byCode)
        const ways = [
          deps.codeChannelReady() ? byCode : t(ctx.lang, texts.noCode),
          ...(ctx.inbound.channel === 'telegram' ? [t(ctx.lang, texts.byContact)] : []),
          t(ctx.lang, texts.byStaff),
        ]
        return [t(ctx.lang, again ? texts.again : texts.factor), ...ways].join('\n\n')
      },
      choices: async (ctx: StepContext) => {
        const { subject } = held(ctx.fields)
        const codeOffered = deps.codeChannelReady() && !(subject && (await lockOf(ctx, subject)))
        return [
          ...(codeOffered ? [{ id: 'proof:code', label: t(ctx.lang, texts.sendCode) }] : []),
          { id: 'proof:staff', label: t(ctx.lang, texts.staff) },
        ]
      },
      choicesOptional: true,
      contactButton: (ctx: StepContext) =>
        ctx.inbound.channel === 'telegram'
          ? { prompt: t(ctx.lang, texts.contactPrompt), button: t(ctx.lang, texts.contactButton) }
          : undefined,
      schema: z.string(),
      async after(value: unknown, ctx: StepContext, position: FlowPosition): Promise<Outcome> {
        const flow = flowOf()
        const fields = held(position.fields)
        const subject = fields.subject ?? ''
        const contact = ctx.inbound.contact
        if (contact) {
          if (!contact.own) return repeatStep(flow, position, ctx, t(ctx.lang, texts.notOwnContact))
          const person = fields.candidate ? await personById(ctx.db, fields.candidate) : undefined
          const chatLock = await lockOf(ctx)
          if (chatLock) return { replies: [lockedReply(ctx, chatLock)], next: null }
          // The account's own number on record is the factor: the owner gets in even while strangers' failures lock the NIK.
          if (person?.phoneE164 && person.phoneE164 === contact.phone)
            return await grant(ctx, person, subject, flows(), fields.carried ?? {})
          const lock = await lockOf(ctx, subject)
          if (lock) return { replies: [lockedReply(ctx, lock)], next: null }
          return fail(ctx, subject, (left) => repeatStep(flow, position, ctx, fill(t(ctx.lang, texts.wrongPhone), { left })))
        }
        const typed = String(value)
        if (wantsStaff(typed)) return toStaff(ctx, position)
        if (typed === 'proof:code' && deps.codeChannelReady()) return sendCode(flow, ctx, position)
        return repeatStep(flow, position, ctx, t(ctx.lang, texts.hint))
      },
    }
  }

  function codeStep(flowOf: () => FlowDefinition, flows: () => ProofFlows) {
    return {
      id: 'code',
      label: label.code,
      extra: true,
      prompt: (ctx: StepContext) => {
        const { number } = held(ctx.fields)
        return number ? fill(t(ctx.lang, texts.codeTo), { number }) : t(ctx.lang, texts.code)
      },
      choices: (ctx: StepContext) => [
        { id: 'proof:code', label: t(ctx.lang, texts.newCode) },
        { id: 'proof:staff', label: t(ctx.lang, texts.staff) },
      ],
      choicesOptional: true,
      schema: z.string(),
      async after(value: unknown, ctx: StepContext, position: FlowPosition): Promise<Outcome> {
        const flow = flowOf()
        const fields = held(position.fields)
        const typed = String(value)
        if (wantsStaff(typed)) return toStaff(ctx, position)
        if (typed === 'proof:code') return sendCode(flow, ctx, position)
        const code = typed.replace(/[\s-]/g, '')
        if (!/^\d{6}$/.test(code)) return repeatStep(flow, position, ctx, t(ctx.lang, texts.typeCode))
        if (fields.codeAt === undefined || ctx.now.getTime() - fields.codeAt >= CODE_TTL_MS) {
          return repeatStep(flow, position, ctx, t(ctx.lang, texts.expired))
        }
        const subject = fields.subject ?? ''
        const lock = await lockOf(ctx, subject)
        if (lock) return { replies: [lockedReply(ctx, lock)], next: null }
        const candidate = fields.candidate ?? null
        const person =
          (await checkCode(ctx, candidate, code, vault)) && candidate !== null ? await personById(ctx.db, candidate) : undefined
        if (person) return await grant(ctx, person, subject, flows(), fields.carried ?? {})
        return fail(ctx, subject, (left) => repeatStep(flow, position, ctx, fill(t(ctx.lang, texts.wrongCode), { left })))
      },
    }
  }

  /** The flows that prove a person for `purpose` ("status", "data-saya", …), then run `onProven`. */
  function proofFlows(purpose: string, onProven: ProvenHandler): ProofFlows {
    const flows: ProofFlows = {
      claim: undefined as unknown as FlowDefinition,
      phone: undefined as unknown as FlowDefinition,
      onProven,
    }
    const claim: FlowDefinition = {
      id: `identity-${purpose}`,
      intro: (ctx) => t(ctx.lang, texts.intro),
      steps: [
        {
          id: 'identifier',
          label: label.identifier,
          prompt: (ctx) => t(ctx.lang, texts.identifier),
          schema: identifierSchema(vault),
        },
        {
          id: 'birthDate',
          label: label.birthDate,
          prompt: (ctx) => t(ctx.lang, texts.birthDate),
          schema: (ctx) => birthDateSchema(ctx.now),
          async after(value, ctx, position) {
            const claimed = held(position.fields).identifier as Identifier
            const subject = subjectOf(vault, claimed.kind === 'nik' ? { nikHash: claimed.hash } : { code: claimed.code })
            const chatLock = await lockOf(ctx)
            if (chatLock) return { replies: [lockedReply(ctx, chatLock)], next: null }
            const person =
              claimed.kind === 'nik'
                ? await personByNikHash(ctx.db, claimed.hash)
                : await personByRegistrationCode(ctx.db, claimed.code)
            const matched = person && person.birthDate === value ? person : undefined
            const phone = vouchedPhone(ctx)
            const carried = held(position.fields).carried ?? {}
            // The owner's own number is the factor itself: strangers' failures on this NIK do not lock the owner out.
            if (matched?.phoneE164 && phone === matched.phoneE164) return await grant(ctx, matched, subject, flows, carried)
            const fields = { ...position.fields, birthDate: value, candidate: matched?.id ?? null, subject }
            const lock = await lockOf(ctx, subject)
            // On Telegram the owner can still show their own number while strangers' failures lock the NIK.
            if (lock && ctx.inbound.channel !== 'telegram') return { replies: [lockedReply(ctx, lock)], next: null }
            return repeatStep(claim, at(claim, 'factor', fields), ctx)
          },
        },
        factorStep(
          () => claim,
          () => flows,
        ),
        codeStep(
          () => claim,
          () => flows,
        ),
      ],
      summaryTitle: label.identifier,
      skipSummary: true,
      // Never reached: the code step always decides.
      complete: () => [],
    }
    const phone: FlowDefinition = {
      id: `identity-phone-${purpose}`,
      steps: [
        {
          id: 'birthDate',
          label: label.birthDate,
          prompt: (ctx) => t(ctx.lang, texts.phoneIntro),
          // A NIK or registration code typed here (a script, a habit) goes on by that route.
          schema: (ctx) => z.union([identifierSchema(vault), birthDateSchema(ctx.now)]),
          async after(value, ctx, position) {
            const { carried } = held(position.fields)
            if (typeof value !== 'string') {
              return repeatStep(claim, at(claim, 'birthDate', { identifier: value, ...(carried && { carried }) }), ctx)
            }
            const sender = ctx.inbound.senderPhone
            const matches = sender ? await peopleByPhone(ctx.db, sender) : []
            const person = matches.length === 1 ? matches[0] : undefined
            // The number identifies the record and proves possession; the birth date confirms.
            const subject = subjectOf(vault, { personId: person?.id ?? 0 })
            const lock = await lockOf(ctx, subject)
            if (lock) return { replies: [lockedReply(ctx, lock)], next: null }
            if (person && person.birthDate === value) return grant(ctx, person, subject, flows, carried ?? {})
            return fail(ctx, subject, (left) => ({
              replies: [{ text: fill(t(ctx.lang, texts.mismatch), { left }) }],
              next: null,
            }))
          },
        },
      ],
      summaryTitle: label.birthDate,
      skipSummary: true,
      complete: () => [],
    }
    flows.claim = claim
    flows.phone = phone
    return flows
  }

  /**
   * Before asking anything: a linked chat gets its answer at once; a locked chat is told until
   * when; a WhatsApp number on record (of exactly one person, no failed try in the last hour) is
   * asked only the birth date. Otherwise undefined: the NIK-or-code route starts.
   */
  async function gate(ctx: TurnContext, flows: ProofFlows, carried: Record<string, unknown> = {}): Promise<Outcome | undefined> {
    const linked = await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
    const person = linked !== undefined ? await personById(ctx.db, linked) : undefined
    if (person) return asOutcome(await flows.onProven(ctx, person, carried))
    const lock = await lockOf(ctx)
    if (lock) return { replies: [lockedReply(ctx, lock)], next: null }
    const phone = ctx.inbound.senderPhone
    if (phone && !(await failedRecently(ctx)) && (await peopleByPhone(ctx.db, phone)).length === 1)
      return carrying(await startFlow(flows.phone, ctx), carried)
    return undefined
  }

  /**
   * `gate`, else the NIK-or-code route: for what is asked outside the menu (an understood sentence,
   * a button), where no menu entry starts the claim. `carried` reaches `onProven` (e.g. a code to cancel).
   */
  async function proveFirst(ctx: TurnContext, flows: ProofFlows, carried: Record<string, unknown> = {}): Promise<Outcome> {
    return (await gate(ctx, flows, carried)) ?? carrying(await startFlow(flows.claim, ctx), carried)
  }

  /** Whether this chat showed a factor for `person` within FRESH_MS (its own number on record counts at once). */
  async function isFresh(ctx: TurnContext, person: PersonRow): Promise<boolean> {
    const phone = vouchedPhone(ctx)
    if (person.phoneE164 && phone === person.phoneE164) {
      await markProved(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
      return true
    }
    const provedAt = await provedAtOf(ctx.db, ctx.inbound.channel, ctx.inbound.userId)
    return provedAt !== undefined && ctx.now.getTime() - provedAt.getTime() < FRESH_MS
  }

  /**
   * Asks for a factor for a person already identified (a linked chat before export or deletion, a
   * registration with a NIK on record), then runs `flows.onProven` with `carried`. Failures count
   * under `subject` (default: the person's own).
   */
  async function proveAgain(
    ctx: TurnContext,
    flows: ProofFlows,
    person: PersonRow,
    carried: Record<string, unknown>,
    subject = subjectOf(vault, { personId: person.id }),
  ): Promise<Outcome> {
    const phone = vouchedPhone(ctx)
    if (person.phoneE164 && phone === person.phoneE164) return grant(ctx, person, subject, flows, carried)
    const lock = await lockOf(ctx, subject)
    if (lock) return { replies: [lockedReply(ctx, lock)], next: null }
    // A chat linked to this person proved who it is before: it may be told where the code goes.
    const linkedHere = (await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)) === person.id
    const number = linkedHere && person.phoneE164 ? maskPhoneLocal(person.phoneE164) : undefined
    const fields: Held = { candidate: person.id, subject, carried, again: true, ...(number && { number }) }
    return repeatStep(flows.claim, at(flows.claim, 'factor', fields), ctx)
  }

  return { proofFlows, gate, proveFirst, isFresh, proveAgain }
}

export type Proof = ReturnType<typeof createProof>
