/**
 * Menu 6, "Bicara dengan petugas": collects a question and how to reach the person, shows what
 * will be sent and why, and files it for the secretariat with a reference code.
 */
import { z } from 'zod'
import { personOfChat } from '../../db/queries/chat-links.js'
import { insertHandoff, regionIdOfProvince } from '../../db/queries/handoff.js'
import { CENTRE_ZONE, handoffByCode } from '../../db/queries/handoff-thread.js'
import { provinceOfPerson } from '../../db/queries/people.js'
import { referenceCode } from '../codes.js'
import type { WorkingCalendar } from '../handoff/hours.js'
import { openingText, placeOf } from '../handoff/live.js'
import { handoffTexts, regionLabel } from '../handoff/texts.js'
import { fill, t } from '../messages.js'
import { maskPhone } from '../privacy/mask.js'
import { findProvince, provinceByCode } from '../regions.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Text } from '../types.js'
import { mobilePhoneSchema, nameSchema, textSchema } from '../validators/schemas.js'
import { type FlowDefinition, repeatStep } from './flow.js'

/** How long a request is kept; said to the user and enforced by the housekeeping job. */
export const HANDOFF_RETENTION_DAYS = 90
/** Bump when the consent wording below changes, so records prove which text was agreed. */
export const HANDOFF_CONSENT_VERSION = 'handoff-v2'

const TOPICS = [
  { id: 'topic:bimtek', label: { id: 'Pendaftaran / jadwal Bimtek', en: 'Bimtek registration / schedule' } },
  { id: 'topic:status', label: { id: 'Status sertifikasi saya', en: 'My certification status' } },
  {
    id: 'topic:sertifikat',
    label: { id: 'Sertifikat (hilang, salah data, verifikasi)', en: 'Certificate (lost, wrong data, verification)' },
  },
  { id: 'topic:data', label: { id: 'Data pribadi saya', en: 'My personal data' } },
  { id: 'topic:lain', label: { id: 'Lainnya', en: 'Something else' } },
] as const satisfies readonly { id: string; label: Text }[]

const topicLabel = (id: unknown, lang: 'id' | 'en') => {
  const topic = TOPICS.find((item) => item.id === id)
  return topic ? t(lang, topic.label) : String(id)
}

const texts = {
  intro: {
    id: 'Saya akan menghubungkan Anda dengan petugas {contact}. Petugas membalas langsung di chat ini pada hari dan jam kerja. Ketik "batal" kapan saja untuk berhenti.',
    en: 'I will connect you with the staff of {contact}. They reply in this chat on working days, in working hours. Type "batal" at any time to stop.',
  },
  topic: { id: 'Tentang apa pertanyaan Anda?', en: 'What is your question about?' },
  question: {
    id: 'Tuliskan pertanyaan atau masalah Anda dalam satu pesan.',
    en: 'Write your question or problem in one message.',
  },
  name: { id: 'Siapa nama lengkap Anda?', en: 'What is your full name?' },
  phone: {
    id: 'Nomor HP/WhatsApp yang bisa dihubungi petugas? (contoh: 0812-3456-7890)',
    en: 'Which mobile/WhatsApp number can the staff call? (e.g. 0812-3456-7890)',
  },
  phoneSuggest: {
    id: 'Nomor HP/WhatsApp yang bisa dihubungi petugas? Pilih 1 untuk nomor WhatsApp ini, atau ketik nomor lain.',
    en: 'Which mobile/WhatsApp number can the staff call? Choose 1 for this WhatsApp number, or type another.',
  },
  useThis: { id: 'Pakai nomor ini ({phone})', en: 'Use this number ({phone})' },
  province: {
    id: 'Anda tinggal di provinsi mana? (contoh: Sulawesi Selatan) Petugas BBPPKS wilayah Anda yang akan membalas.',
    en: "Which province do you live in? (e.g. Sulawesi Selatan) The staff of your region's BBPPKS will reply.",
  },
  summaryTitle: { id: 'Periksa lagi sebelum dikirim:', en: 'Please check before sending:' },
  summaryNote: {
    id: 'Data ini dan percakapan Anda dengan petugas (termasuk foto dan PDF yang Anda kirim) hanya dipakai petugas untuk menjawab pertanyaan Anda, dan dihapus {days} hari setelah percakapan selesai. Dengan memilih "Ya, kirim", Anda menyetujuinya.',
    en: 'This data and your conversation with staff (including photos and PDFs you send) are used only by our staff to answer your question, and deleted {days} days after the conversation ends. By choosing "Yes, send" you agree to this.',
  },
  prefilled: {
    id: 'Pertanyaan Anda sudah saya isi: "{question}"',
    en: 'I filled in your question: "{question}"',
  },
  filed: {
    id: 'Terima kasih, {name}. Permintaan Anda sudah diteruskan ke petugas {region} dengan nomor {code}.\n\nPetugas akan membalas langsung di chat ini. Selama terhubung dengan petugas, saya (asisten otomatis) tidak menjawab; semua pesan Anda, termasuk foto dan PDF (maks. 5 MB), diteruskan ke petugas.\n\nKetik *selesai* bila ingin mengakhiri percakapan dengan petugas.',
    en: 'Thank you, {name}. Your request has been passed to the staff of {region} under reference {code}.\n\nStaff will reply in this chat. While you are connected with them I (the automatic assistant) do not answer; all your messages, photos and PDFs (up to 5 MB) included, go to staff.\n\nType *selesai* to end the conversation with staff.',
  },
} satisfies Record<string, Text>

const label = {
  topic: { id: 'Topik', en: 'Topic' },
  question: { id: 'Pertanyaan', en: 'Question' },
  name: { id: 'Nama', en: 'Name' },
  phone: { id: 'Nomor HP', en: 'Phone' },
  province: { id: 'Provinsi', en: 'Province' },
} satisfies Record<string, Text>

/**
 * Starts a request to staff with its topic and question already filled in (e.g. why proof of
 * identity could not be given in the chat), at the step asking for the name.
 */
export async function handoffAbout(
  flow: FlowDefinition,
  ctx: TurnContext,
  about: { topic: (typeof TOPICS)[number]['id']; question: Text },
): Promise<Outcome> {
  const question = t(ctx.lang, about.question)
  const asked = await repeatStep(flow, { flow: flow.id, step: 'name', fields: { topic: about.topic, question } }, ctx)
  const intro = `${(await flow.intro?.(ctx)) ?? ''}\n\n${fill(t(ctx.lang, texts.prefilled), { question })}`
  const [first, ...rest] = asked.replies
  return { ...asked, replies: first ? [{ ...first, text: `${intro}\n\n${first.text}` }, ...rest] : rest }
}

const provinceSchema = z.string().transform((input, ctx) => {
  const province = findProvince(input)
  if (province) return province.code
  ctx.addIssue({ code: 'custom', message: 'PROVINCE_UNKNOWN' })
  return z.NEVER
})

/** The province on the record of the person this chat is linked to, if any. */
async function linkedProvince(ctx: TurnContext) {
  const personId = await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
  const code = personId ? await provinceOfPerson(ctx.db, personId) : undefined
  return code ? provinceByCode(code) : undefined
}

export type HandoffFlowDeps = {
  contact: string
  /** Working hours: a request filed out of hours is told when staff will be in. */
  calendar: WorkingCalendar
}

export function createHandoffFlow(deps: HandoffFlowDeps): FlowDefinition {
  return {
    id: 'handoff',
    intro: (ctx) => fill(t(ctx.lang, texts.intro), { contact: deps.contact }),
    steps: [
      {
        id: 'topic',
        label: label.topic,
        prompt: (ctx) => t(ctx.lang, texts.topic),
        choices: (ctx) => TOPICS.map((topic) => ({ id: topic.id, label: t(ctx.lang, topic.label) })),
        schema: z.enum(TOPICS.map((topic) => topic.id)),
        display: topicLabel,
      },
      { id: 'question', label: label.question, prompt: (ctx) => t(ctx.lang, texts.question), schema: textSchema(10, 1000) },
      { id: 'name', label: label.name, prompt: (ctx) => t(ctx.lang, texts.name), schema: nameSchema },
      {
        id: 'phone',
        label: label.phone,
        prompt: (ctx) => t(ctx.lang, ctx.inbound.senderPhone ? texts.phoneSuggest : texts.phone),
        // On WhatsApp the number the person writes from is offered, never assumed.
        choices: (ctx) =>
          ctx.inbound.senderPhone
            ? [
                {
                  id: ctx.inbound.senderPhone,
                  label: fill(t(ctx.lang, texts.useThis), { phone: maskPhone(ctx.inbound.senderPhone) }),
                },
              ]
            : undefined,
        choicesOptional: true,
        schema: mobilePhoneSchema,
        display: (value) => maskPhone(String(value)),
      },
      {
        id: 'province',
        label: label.province,
        prompt: (ctx) => t(ctx.lang, texts.province),
        // A chat linked to a person: their province on record is offered, never assumed.
        choices: async (ctx) => {
          const province = await linkedProvince(ctx)
          return province ? [{ id: province.name, label: province.name }] : undefined
        },
        choicesOptional: true,
        schema: provinceSchema,
        display: (value) => provinceByCode(String(value))?.name ?? String(value),
      },
    ],
    summaryTitle: texts.summaryTitle,
    summaryNote: (ctx) => fill(t(ctx.lang, texts.summaryNote), { days: HANDOFF_RETENTION_DAYS }),
    async complete(fields, ctx) {
      const code = referenceCode('PTG')
      const name = String(fields.name)
      const phone = String(fields.phone)
      const regionId = (await regionIdOfProvince(ctx.db, String(fields.province))) ?? null
      await insertHandoff(ctx.db, {
        code,
        channel: ctx.inbound.channel,
        chatId: ctx.inbound.chatId,
        // A chat linked to a person's record: the request is part of their data (see, export, delete).
        personId: (await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)) ?? null,
        name,
        phoneE164: phone,
        topic: String(fields.topic).replace('topic:', ''),
        question: String(fields.question),
        regionId,
        language: ctx.lang,
        consentTextVersion: HANDOFF_CONSENT_VERSION,
        at: ctx.now,
      })
      const handoff = await handoffByCode(ctx.db, code)
      const place = handoff ? placeOf(handoff) : { zone: CENTRE_ZONE, region: null }
      const filed = fill(t(ctx.lang, texts.filed), { name, code, region: regionLabel(handoff?.regionCity ?? null, ctx.lang) })
      if (deps.calendar.isOpen(ctx.now, place)) return [{ text: filed }]
      const later = fill(t(ctx.lang, handoffTexts.filedAfterHours), {
        hours: deps.calendar.describe(place, ctx.lang),
        next: openingText(deps.calendar.nextOpening(ctx.now, place), place, ctx.lang),
      })
      return [{ text: `${filed}\n\n${later}` }]
    },
  }
}
