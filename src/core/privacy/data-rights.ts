/**
 * Menu 7, "Data pribadi saya" (UU 27/2022): after proof of identity, what is stored about the
 * person and the chats linked to it; a copy of all of it as a file; deleting it (after
 * confirmation; issued certificates, which are public records, and the audit entry stay);
 * unlinking this chat or another one. The copy and the deletion want a fresh possession factor
 * (within FRESH_MS), not only a linked chat: a chat left open on a shared phone is not enough.
 */

import { writeAudit } from '../../db/queries/audit.js'
import { linkedChatsOf, personOfChat, unlinkChat, unlinkChatOfPerson } from '../../db/queries/chat-links.js'
import { deletePerson, forgetIdentityAttempts, registrationCodesOf } from '../../db/queries/erasure.js'
import { everythingAbout, type handoffsOfPerson, type PersonRow, personById } from '../../db/queries/people.js'
import { offerNextSeat } from '../../db/queries/registrations.js'
import type { ChoiceAction, TypedCommand } from '../engine.js'
import type { FlowDefinition } from '../flows/flow.js'
import { firstName } from '../handoff/texts.js'
import { subjectOf } from '../identity/lockout.js'
import type { Proof } from '../identity/proof.js'
import { fill, t } from '../messages.js'
import { provinceByCode } from '../regions.js'
import { maskNik } from '../registration/flow.js'
import { queueOffer } from '../registration/seat-offers.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { formatDate } from '../text/dates.js'
import { normalizeInput } from '../text/normalize.js'
import type { Awaitable, Outcome, TurnContext } from '../turn.js'
import type { Reply, Text } from '../types.js'
import { formatDateEn, formatDateId } from '../validators/date.js'
import { maskPhone } from './mask.js'
import type { NikVault } from './nik-vault.js'

const texts = {
  title: { id: '*Data Anda yang kami simpan*', en: '*Your data we keep*' },
  counts: {
    id: '• Pendaftaran Bimtek: {registrations}\n• Tahap sertifikasi tercatat: {stages}\n• Jadwal ujian: {exams}\n• Sertifikat: {certificates}\n• Persetujuan yang Anda berikan: {consents}\n• Akun chat terhubung: {chats}\n• Percakapan dengan petugas: {handoffs} ({messages} pesan, {files} berkas)',
    en: '• Bimtek registrations: {registrations}\n• Certification stages on record: {stages}\n• Exam dates: {exams}\n• Certificates: {certificates}\n• Consents you gave: {consents}\n• Linked chat accounts: {chats}\n• Conversations with staff: {handoffs} ({messages} messages, {files} files)',
  },
  rights: {
    id: 'Anda berhak mendapat salinan, membetulkan (ketik "petugas"), dan menghapus data ini, serta menarik persetujuan.',
    en: 'You may get a copy, have it corrected (type "petugas"), delete it, and withdraw your consent.',
  },
  export: { id: 'Kirim salinan data (file)', en: 'Send me a copy (file)' },
  delete: { id: 'Hapus data saya', en: 'Delete my data' },
  unlink: { id: 'Lepaskan akun chat ini', en: 'Unlink this chat account' },
  exported: {
    id: 'Salinan lengkap data Anda terlampir (file JSON, termasuk NIK lengkap: simpan baik-baik dan jangan dibagikan).',
    en: 'A full copy of your data is attached (a JSON file, including your full NIK: keep it safe and do not share it).',
  },
  exportUnsent: {
    id: 'File {filename} tidak terkirim; ketik *data saya*, lalu pilih *{export}* untuk mencoba lagi.',
    en: 'The file {filename} could not be sent; type *data saya*, then choose *{export}* to try again.',
  },
  askDelete: {
    id: '⚠️ Hapus semua data pribadi Anda? Nama, NIK, tanggal lahir, nomor HP, pendaftaran Bimtek (kursi Anda dilepas), riwayat sertifikasi dan jadwal ujian akan dihapus dan tidak bisa dikembalikan. Sertifikat yang sudah terbit tetap ada sebagai catatan publik.',
    en: '⚠️ Delete all your personal data? Your name, NIK, birth date, phone, Bimtek registrations (your seats are released), certification history and exam dates will be deleted for good. Issued certificates stay as public records.',
  },
  deleteYes: { id: 'Ya, hapus semua', en: 'Yes, delete everything' },
  deleteNo: { id: 'Tidak', en: 'No' },
  kept: { id: 'Baik, data Anda tidak dihapus.', en: 'All right, your data was not deleted.' },
  deleted: {
    id: 'Data pribadi Anda sudah dihapus, dan akun chat ini tidak lagi terhubung. Sertifikat yang sudah terbit tetap tercatat sebagai catatan publik. Terima kasih.',
    en: 'Your personal data has been deleted, and this chat account is no longer linked. Issued certificates stay on record as public records. Thank you.',
  },
  unlinked: {
    id: 'Akun chat ini tidak lagi terhubung ke data sertifikasi Anda. Data Anda sendiri tetap tersimpan. Untuk melihat status lagi, Anda perlu membuktikan identitas lagi.',
    en: 'This chat account is no longer linked to your certification record. The record itself stays. To see your status again you will need to prove who you are again.',
  },
  chats: { id: 'Akun chat yang terhubung ke data Anda', en: 'Chat accounts linked to your record' },
  chatLine: { id: '{n}. {channel}, terhubung sejak {since}{here}', en: '{n}. {channel}, linked since {since}{here}' },
  here: { id: ' (chat ini)', en: ' (this chat)' },
  chatsHint: {
    id: 'Akun yang tidak Anda kenali? Lepaskan dari pilihan di bawah, lalu ketik "petugas" untuk melapor.',
    en: 'An account you do not recognise? Unlink it below, then type "petugas" to report it.',
  },
  showChats: { id: 'Akun chat terhubung', en: 'Linked chat accounts' },
  unlinkOther: { id: 'Lepaskan {n}. {channel}', en: 'Unlink {n}. {channel}' },
  otherUnlinked: {
    id: 'Akun chat itu tidak lagi terhubung ke data Anda dan tidak lagi menerima pengingat.',
    en: 'That chat account is no longer linked to your record and gets no more reminders.',
  },
  notLinked: {
    id: 'Akun chat ini belum terhubung ke data mana pun. Ketik "data saya" untuk memeriksa data Anda setelah membuktikan identitas.',
    en: 'This chat account is not linked to any record. Type "data saya" to check your data after proving who you are.',
  },
} satisfies Record<string, Text>

const fieldLabels = {
  name: { id: 'Nama', en: 'Name' },
  nik: { id: 'NIK', en: 'NIK' },
  birthDate: { id: 'Tanggal lahir', en: 'Date of birth' },
  phone: { id: 'Nomor HP', en: 'Mobile' },
  province: { id: 'Provinsi', en: 'Province' },
  regency: { id: 'Kabupaten/kota', en: 'Regency/city' },
  profession: { id: 'Profesi', en: 'Profession' },
  institution: { id: 'Lembaga', en: 'Institution' },
} satisfies Record<string, Text>

export type DataRightsDeps = {
  vault: NikVault
  offerHours: number
  /** The reminder settings the plan made when a chat is unlinked uses. */
  reminders: ReminderSettings
  proof: Proof
  /** Opens a file sent to staff (sealed at rest), for the person's copy. */
  files: { open(sealed: Uint8Array): Buffer }
}

/** Most file bytes put in the copy (as base64); past it, files are listed without their content. */
const EXPORT_FILE_BYTES = 40 * 1024 * 1024

const CHANNEL_NAMES = { telegram: 'Telegram', whatsapp: 'WhatsApp', console: 'Terminal' } as const

/**
 * Who acted, for the audit log: the channel and a keyed reference of the chat (a WhatsApp chat id
 * is a phone number, which the audit log never holds). The same chat always gets the same reference.
 */
export function chatActor(ctx: TurnContext, vault: NikVault): string {
  const { channel, chatId } = ctx.inbound
  return `chat:${channel}:${vault.hash(`audit-chat:${channel}:${chatId}`).slice(0, 16)}`
}

function shownNik(person: PersonRow, vault: NikVault): string {
  if (!person.nikCiphertext) return '–'
  try {
    return maskNik(vault.decrypt(person.nikCiphertext))
  } catch {
    return '–'
  }
}

/** What is stored, with the ways to act on it (after proof of identity). */
export async function dataSummary(ctx: TurnContext, person: PersonRow, deps: DataRightsDeps): Promise<Reply[]> {
  const { lang } = ctx
  const all = await everythingAbout(ctx.db, person.id)
  if (!all) return [{ text: t(lang, texts.notLinked) }]
  const rows: [Text, string | null][] = [
    [fieldLabels.name, person.fullName],
    [fieldLabels.nik, shownNik(person, deps.vault)],
    [
      fieldLabels.birthDate,
      person.birthDate && (lang === 'id' ? formatDateId(person.birthDate) : formatDateEn(person.birthDate)),
    ],
    [fieldLabels.phone, person.phoneE164 && maskPhone(person.phoneE164)],
    [fieldLabels.province, person.provinceCode && (provinceByCode(person.provinceCode)?.name ?? person.provinceCode)],
    [fieldLabels.regency, person.regency],
    [fieldLabels.profession, person.professionGroup],
    [fieldLabels.institution, person.institution],
  ]
  const fields = rows.map(([label, value]) => `• ${t(lang, label)}: ${value || '–'}`).join('\n')
  const counts = fill(t(lang, texts.counts), {
    registrations: all.registrations.length,
    stages: all.stages.length,
    exams: all.exams.length,
    certificates: all.certificates.length,
    consents: all.consents.length,
    chats: all.chats.length,
    handoffs: all.handoffs.length,
    messages: all.handoffs.reduce((n, h) => n + h.messages.length, 0),
    files: all.handoffs.reduce((n, h) => n + h.messages.filter((m) => m.content).length, 0),
  })
  const linked = await linkedChatsOf(ctx.db, person.id, ctx.now)
  return [
    {
      text: `${t(lang, texts.title)}\n\n${fields}\n${counts}\n\n${t(lang, texts.rights)}`,
      choices: [
        { id: 'data:export', label: t(lang, texts.export) },
        { id: 'data:delete', label: t(lang, texts.delete) },
        { id: 'data:unlink', label: t(lang, texts.unlink) },
        // Another chat linked too: the person sees which, and can end any of them.
        ...(linked.length > 1 ? [{ id: 'data:chats', label: t(lang, texts.showChats) }] : []),
      ],
    },
  ]
}

/** The chats linked to the person, each with a way to unlink it. */
async function linkedChats(ctx: TurnContext, person: PersonRow): Promise<Outcome> {
  const { lang } = ctx
  const linked = await linkedChatsOf(ctx.db, person.id, ctx.now)
  const lines = linked.map((chat, i) =>
    fill(t(lang, texts.chatLine), {
      n: i + 1,
      channel: CHANNEL_NAMES[chat.channel],
      since: chat.linkedAt ? formatDate(chat.linkedAt, 'date', lang, person.timeZone) : '–',
      here: chat.channel === ctx.inbound.channel && chat.userId === ctx.inbound.userId ? t(lang, texts.here) : '',
    }),
  )
  const choices = linked.map((chat, i) => ({
    id: `datachat:${chat.id}`,
    label: fill(t(lang, texts.unlinkOther), { n: i + 1, channel: CHANNEL_NAMES[chat.channel] }),
  }))
  return {
    replies: [{ text: `*${t(lang, texts.chats)}*\n\n${lines.join('\n')}\n\n${t(lang, texts.chatsHint)}`, choices }],
    next: null,
  }
}

/** The full copy: every stored field (the NIK in full, for its owner only), as a JSON file. */
async function exportFile(
  ctx: TurnContext,
  personId: number,
  deps: Pick<DataRightsDeps, 'vault' | 'files'>,
): Promise<Reply['attachment']> {
  const { vault } = deps
  const all = await everythingAbout(ctx.db, personId)
  if (!all) return undefined
  // The NIK's hash and the dashboard's copies of the history (current stage, stages reached as bits)
  // are how the data is kept, not data about the person: the history itself is certificationStages.
  const { nikHash: _hash, nikCiphertext, currentStage: _current, stagesReached: _reached, ...person } = all.person
  let nik: string | null = null
  try {
    nik = nikCiphertext ? vault.decrypt(nikCiphertext) : null
  } catch {
    nik = null
  }
  const copy = {
    exportedAt: ctx.now.toISOString(),
    note: 'Salinan data pribadi Anda di asisten sertifikasi SDM Kesos (UU 27/2022).',
    person: { ...person, nik },
    certificationStages: all.stages,
    exams: all.exams,
    registrations: all.registrations.map(({ registration, session }) => ({
      ...registration,
      session: {
        code: session.code,
        title: session.title,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
        timeZone: session.timeZone,
      },
    })),
    certificates: all.certificates,
    consents: all.consents,
    linkedChats: all.chats.map(({ channel, linkedAt, language }) => ({ channel, linkedAt, language })),
    handoffRequests: await handoffCopy(all.handoffs, deps.files),
  }
  const filename = `data-saya-${ctx.now.toISOString().slice(0, 10)}.json`
  return {
    filename,
    mimeType: 'application/json',
    bytes: new TextEncoder().encode(JSON.stringify(copy, null, 2)),
    unsentNote: fill(t(ctx.lang, texts.exportUnsent), { filename, export: t(ctx.lang, texts.export) }),
  }
}

/**
 * The conversations with staff as the person had them: what they and staff wrote (staff by first
 * name), with the files they sent, up to EXPORT_FILE_BYTES in all.
 */
async function handoffCopy(handoffs: Awaited<ReturnType<typeof handoffsOfPerson>>, files: DataRightsDeps['files']) {
  let budget = EXPORT_FILE_BYTES
  return handoffs.map(({ request, messages }) => ({
    code: request.code,
    status: request.status,
    topic: request.topic,
    question: request.question,
    name: request.name,
    phone: request.phoneE164,
    createdAt: request.createdAt,
    closedAt: request.closedAt,
    rating: request.rating,
    messages: messages.map((m) => {
      let file: Record<string, unknown> | undefined
      if (m.content && m.mimeType) {
        file = { name: m.fileName, mimeType: m.mimeType, size: m.size }
        if ((m.size ?? 0) <= budget) {
          budget -= m.size ?? 0
          file.base64 = files.open(m.content).toString('base64')
        } else file.content = 'terlalu besar untuk salinan ini; mintalah ke sekretariat'
      }
      return {
        at: new Date(m.at),
        from: m.author === 'person' ? 'anda' : 'petugas',
        ...(m.author === 'staff' && m.staffName && { staffFirstName: firstName(m.staffName) }),
        text: m.text,
        ...(file && { file }),
      }
    }),
  }))
}

function askDelete(ctx: TurnContext): Outcome {
  return {
    replies: [
      {
        text: t(ctx.lang, texts.askDelete),
        choices: [
          { id: 'datadel:yes', label: t(ctx.lang, texts.deleteYes) },
          { id: 'datadel:no', label: t(ctx.lang, texts.deleteNo) },
        ],
      },
    ],
    next: null,
  }
}

export function createDataRights(deps: DataRightsDeps): {
  actions: ChoiceAction[]
  commands: TypedCommand[]
  /** The proof flows of the copy and the deletion (the engine must know them). */
  flows: FlowDefinition[]
  /**
   * data.delete from a sentence: what "hapus data" does on a linked chat (a fresh factor, then the
   * confirmation); on an unlinked chat, the proof of identity first, then the confirmation.
   */
  askToDelete: (ctx: TurnContext) => Awaitable<Outcome>
} {
  const { proof } = deps
  const linkedPerson = async (ctx: TurnContext) => {
    const personId = await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
    return personId === undefined ? undefined : await personById(ctx.db, personId)
  }
  const notLinked = (ctx: TurnContext): Outcome => ({ replies: [{ text: t(ctx.lang, texts.notLinked) }], next: null })

  async function exportCopy(ctx: TurnContext, person: PersonRow): Promise<Outcome> {
    const attachment = await exportFile(ctx, person.id, deps)
    await writeAudit(ctx.db, {
      at: ctx.now,
      actor: chatActor(ctx, deps.vault),
      action: 'person.exported',
      entity: 'person',
      entityId: String(person.id),
    })
    return { replies: [{ text: t(ctx.lang, texts.exported), ...(attachment && { attachment }) }], next: null }
  }

  async function erase(ctx: TurnContext, person: PersonRow): Promise<Outcome> {
    // The lockout's counters name the person by keyed hashes only the core can make: forget them too.
    const claims = [
      { personId: person.id },
      ...(person.nikHash ? [{ nikHash: person.nikHash }] : []),
      ...(await registrationCodesOf(ctx.db, person.id)).map((code) => ({ code })),
    ]
    await forgetIdentityAttempts(
      ctx.db,
      claims.map((claimed) => subjectOf(deps.vault, claimed)),
    )
    const { freedSessions } = await deletePerson(ctx.db, person.id, ctx.now, chatActor(ctx, deps.vault), ctx.inbound)
    for (const sessionId of freedSessions) {
      const offer = await offerNextSeat(ctx.db, sessionId, ctx.now, deps.offerHours * 3_600_000)
      if (offer) await queueOffer(ctx, offer)
    }
    return { replies: [{ text: t(ctx.lang, texts.deleted) }], next: null }
  }

  const exportProof = proof.proofFlows('data-export', (ctx, person) => exportCopy(ctx, person))
  const deleteProof = proof.proofFlows('data-delete', (ctx) => askDelete(ctx))
  /** Runs `then` if the chat showed a factor lately, else asks for one first. */
  const fresh = async (
    ctx: TurnContext,
    person: PersonRow,
    flows: typeof exportProof,
    then: () => Outcome | Promise<Outcome>,
  ): Promise<Outcome> => ((await proof.isFresh(ctx, person)) ? await then() : await proof.proveAgain(ctx, flows, person, {}))

  const actions: ChoiceAction[] = [
    {
      prefix: 'data:',
      async handle(ctx, choiceId) {
        const person = await linkedPerson(ctx)
        if (!person) return notLinked(ctx)
        if (choiceId === 'data:delete') return await fresh(ctx, person, deleteProof, () => askDelete(ctx))
        if (choiceId === 'data:chats') return await linkedChats(ctx, person)
        if (choiceId === 'data:unlink') {
          await unlinkChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
          await planReminders(ctx.db, [person.id], ctx.now, deps.reminders) // no more reminders to this chat
          return { replies: [{ text: t(ctx.lang, texts.unlinked) }], next: null }
        }
        return await fresh(ctx, person, exportProof, async () => await exportCopy(ctx, person))
      },
    },
    {
      prefix: 'datachat:',
      async handle(ctx, choiceId) {
        const person = await linkedPerson(ctx)
        if (!person) return notLinked(ctx)
        const id = Number(choiceId.slice('datachat:'.length))
        if (!(await unlinkChatOfPerson(ctx.db, person.id, id, ctx.now))) return await linkedChats(ctx, person)
        await planReminders(ctx.db, [person.id], ctx.now, deps.reminders) // no more reminders to that chat
        const stillHere = (await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)) !== undefined
        return { replies: [{ text: t(ctx.lang, stillHere ? texts.otherUnlinked : texts.unlinked) }], next: null }
      },
    },
    {
      prefix: 'datadel:',
      async handle(ctx, choiceId) {
        if (choiceId !== 'datadel:yes') return { replies: [{ text: t(ctx.lang, texts.kept) }], next: null }
        const person = await linkedPerson(ctx)
        if (!person) return notLinked(ctx)
        return await fresh(ctx, person, deleteProof, async () => await erase(ctx, person))
      },
    },
  ]

  const commands: TypedCommand[] = [
    async (ctx, text) => {
      const typed = normalizeInput(text)
      if (/^hapus\s+(semua\s+)?data(\s+saya)?$/.test(typed)) {
        const person = await linkedPerson(ctx)
        return person ? await fresh(ctx, person, deleteProof, () => askDelete(ctx)) : undefined
      }
      if (/^(lepas|lepaskan|putuskan|unlink)(\s+akun)?(\s+(chat|ini|saya))*$/.test(typed)) {
        const person = await linkedPerson(ctx)
        if (!person) return notLinked(ctx)
        await unlinkChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
        await planReminders(ctx.db, [person.id], ctx.now, deps.reminders) // no more reminders to this chat
        return { replies: [{ text: t(ctx.lang, texts.unlinked) }], next: null }
      }
      return undefined
    },
  ]
  const askToDelete = async (ctx: TurnContext): Promise<Outcome> => {
    const person = await linkedPerson(ctx)
    return person ? await fresh(ctx, person, deleteProof, () => askDelete(ctx)) : await proof.proveFirst(ctx, deleteProof)
  }
  return {
    actions,
    commands,
    flows: [exportProof.claim, exportProof.phone, deleteProof.claim, deleteProof.phone],
    askToDelete,
  }
}
