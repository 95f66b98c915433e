/**
 * Menu 6, "Bicara dengan petugas": collects a question and how to reach the person, shows what
 * will be sent and why, and files it for the secretariat with a reference code.
 */
import { z } from 'zod'
import { personOfChat } from '../../db/queries/chat-links.js'
import { insertHandoff } from '../../db/queries/handoff.js'
import { referenceCode } from '../codes.js'
import { fill, t } from '../messages.js'
import { maskPhone } from '../privacy/mask.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Text } from '../types.js'
import { mobilePhoneSchema, nameSchema, textSchema } from '../validators/schemas.js'
import { type FlowDefinition, repeatStep } from './flow.js'

/** How long a request is kept; said to the user and enforced by the housekeeping job. */
export const HANDOFF_RETENTION_DAYS = 90
/** Bump when the consent wording below changes, so records prove which text was agreed. */
export const HANDOFF_CONSENT_VERSION = 'handoff-v1'

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
    id: 'Saya akan meneruskan pertanyaan Anda kepada petugas {contact}. Petugas menindaklanjuti pada hari dan jam kerja. Ketik "batal" kapan saja untuk berhenti.',
    en: 'I will pass your question to the staff of {contact}. They follow up on working days. Type "batal" at any time to stop.',
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
  summaryTitle: { id: 'Periksa lagi sebelum dikirim:', en: 'Please check before sending:' },
  summaryNote: {
    id: 'Data ini hanya dipakai petugas untuk menjawab pertanyaan Anda dan dihapus setelah {days} hari. Dengan memilih "Ya, kirim", Anda menyetujuinya.',
    en: 'This data is used only by our staff to answer your question and is deleted after {days} days. By choosing "Yes, send" you agree to this.',
  },
  prefilled: {
    id: 'Pertanyaan Anda sudah saya isi: "{question}"',
    en: 'I filled in your question: "{question}"',
  },
  done: {
    id: 'Terima kasih, {name}. Pertanyaan Anda sudah kami terima dengan nomor {code}. Petugas akan menghubungi Anda di {phone} pada hari kerja. Sebutkan nomor {code} bila menghubungi sekretariat.\n\nKetik "menu" untuk kembali ke menu utama.',
    en: 'Thank you, {name}. We have received your question under reference {code}. Our staff will contact you at {phone} on a working day. Quote {code} when you contact the secretariat.\n\nType "menu" to return to the main menu.',
  },
} satisfies Record<string, Text>

const label = {
  topic: { id: 'Topik', en: 'Topic' },
  question: { id: 'Pertanyaan', en: 'Question' },
  name: { id: 'Nama', en: 'Name' },
  phone: { id: 'Nomor HP', en: 'Phone' },
} satisfies Record<string, Text>

/**
 * Starts a request to staff with its topic and question already filled in (e.g. why proof of
 * identity could not be given in the chat), at the step asking for the name.
 */
export function handoffAbout(
  flow: FlowDefinition,
  ctx: TurnContext,
  about: { topic: (typeof TOPICS)[number]['id']; question: Text },
): Outcome {
  const question = t(ctx.lang, about.question)
  const asked = repeatStep(flow, { flow: flow.id, step: 'name', fields: { topic: about.topic, question } }, ctx)
  const intro = `${flow.intro?.(ctx) ?? ''}\n\n${fill(t(ctx.lang, texts.prefilled), { question })}`
  const [first, ...rest] = asked.replies
  return { ...asked, replies: first ? [{ ...first, text: `${intro}\n\n${first.text}` }, ...rest] : rest }
}

export function createHandoffFlow(deps: { contact: string }): FlowDefinition {
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
    ],
    summaryTitle: texts.summaryTitle,
    summaryNote: (ctx) => fill(t(ctx.lang, texts.summaryNote), { days: HANDOFF_RETENTION_DAYS }),
    complete(fields, ctx) {
      const code = referenceCode('PTG')
      const name = String(fields.name)
      const phone = String(fields.phone)
      insertHandoff(ctx.db, {
        code,
        channel: ctx.inbound.channel,
        chatId: ctx.inbound.chatId,
        // A chat linked to a person's record: the request is part of their data (see, export, delete).
        personId: personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now) ?? null,
        name,
        phoneE164: phone,
        topic: String(fields.topic).replace('topic:', ''),
        question: String(fields.question),
        consentTextVersion: HANDOFF_CONSENT_VERSION,
        at: ctx.now,
      })
      return [{ text: fill(t(ctx.lang, texts.done), { name, code, phone: maskPhone(phone) }) }]
    },
  }
}
