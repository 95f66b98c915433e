/**
 * Menu 2, "Daftar Bimtek": consent first (UU 27/2022: purpose, data, how long, rights; "tidak"
 * stores nothing), then who the person is, where they work, and which session; a summary; then a
 * seat, or a place on the waiting list, in the same transaction as everything else of the message.
 */
import { z } from 'zod'
import { linkChat, personOfChat } from '../../db/queries/chat-links.js'
import { type PersonRow, personById, personByNikHash, upsertPerson } from '../../db/queries/people.js'
import { register, seatCounts } from '../../db/queries/registrations.js'
import {
  hasOpenSession,
  isOpenForRegistration,
  type SessionRow,
  sessionById,
  upcomingSessions,
} from '../../db/queries/sessions.js'
import { consentRecords } from '../../db/schema.js'
import { referenceCode } from '../codes.js'
import type { FlowDefinition, StepContext } from '../flows/flow.js'
import { subjectOf } from '../identity/lockout.js'
import type { Proof, ProofFlows } from '../identity/proof.js'
import { fill, t } from '../messages.js'
import { maskPhone } from '../privacy/mask.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { findProvince, type Province, provinceByCode, zoneLabel } from '../regions.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { normalizeInput } from '../text/normalize.js'
import { isNo, isYes } from '../text/yes-no.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Choice, Language, Reply, Text } from '../types.js'
import { formatDateEn, formatDateId } from '../validators/date.js'
import { type Nik, nikMatchesBirthDate } from '../validators/nik.js'
import { birthDateSchema, mobilePhoneSchema, nameSchema, nikSchema, textSchema } from '../validators/schemas.js'
import { googleCalendarLink, icsFile } from './calendar.js'
import { optionLabel, seats, when, where } from './format.js'

/** Bump when the consent wording changes, so records prove which text was agreed to. */
export const REGISTRATION_CONSENT_VERSION = 'registration-v1'

/** At most this many sessions are offered as options (the soonest open ones, the person's region first). */
const MAX_OFFERED = 8

export const PROFESSIONS = [
  { id: 'profesi:pekerja-sosial', value: 'pekerja sosial', label: { id: 'Pekerja sosial', en: 'Social worker' } },
  { id: 'profesi:penyuluh-sosial', value: 'penyuluh sosial', label: { id: 'Penyuluh sosial', en: 'Social extension worker' } },
  { id: 'profesi:tks', value: 'tks', label: { id: 'Tenaga Kesejahteraan Sosial (TKS)', en: 'Social welfare worker (TKS)' } },
  {
    id: 'profesi:relawan-sosial',
    value: 'relawan sosial',
    label: { id: 'Relawan sosial (PSM, Tagana, TKSK, Karang Taruna)', en: 'Social volunteer (PSM, Tagana, TKSK…)' },
  },
  { id: 'profesi:pendamping-pkh', value: 'pendamping pkh', label: { id: 'Pendamping PKH', en: 'PKH facilitator' } },
  { id: 'profesi:lainnya', value: 'lainnya', label: { id: 'Lainnya', en: 'Other' } },
] as const

const texts = {
  consent: {
    id: [
      '*Pendaftaran Bimtek sertifikasi*',
      '',
      'Sebelum mulai, mohon baca cara kami memakai data Anda (UU 27/2022 tentang Pelindungan Data Pribadi):',
      '• *Tujuan*: mendaftarkan Anda ke sesi Bimtek dan mengurus sertifikasi Anda oleh BBPPKS dan LSP Kemensos.',
      '• *Data yang diminta*: nama, NIK, tanggal lahir, nomor HP, provinsi dan kabupaten/kota, kelompok profesi, lembaga.',
      '• *Penyimpanan*: selama proses sertifikasi Anda. NIK disimpan tersandi dan tidak pernah ditampilkan utuh.',
      '• *Hak Anda*: melihat, mengunduh, membetulkan, dan menghapus data Anda kapan saja (ketik "data saya" atau "hapus data"), serta menarik persetujuan.',
      '',
      'Apakah Anda setuju?',
    ].join('\n'),
    en: [
      '*Bimtek registration*',
      '',
      'Before we start, please read how we use your data (Law 27/2022 on Personal Data Protection):',
      '• *Purpose*: registering you for a Bimtek session and handling your certification by BBPPKS and LSP Kemensos.',
      '• *Data asked*: name, NIK, birth date, mobile number, province and regency/city, profession group, institution.',
      '• *Kept*: for the duration of your certification. The NIK is stored encrypted and never shown in full.',
      '• *Your rights*: to see, download, correct and delete your data at any time (type "data saya" or "hapus data"), and to withdraw consent.',
      '',
      'Do you agree?',
    ].join('\n'),
  },
  consentYes: { id: 'Ya, saya setuju', en: 'Yes, I agree' },
  consentNo: { id: 'Tidak setuju', en: 'No' },
  refused: {
    id: 'Baik, pendaftaran tidak dilanjutkan dan tidak ada data Anda yang disimpan. Ketik "menu" bila ingin kembali ke menu utama, atau "jadwal" untuk melihat jadwal Bimtek.',
    en: 'All right: the registration stops here and none of your data is stored. Type "menu" to return to the main menu, or "jadwal" to see the Bimtek schedule.',
  },
  name: { id: 'Siapa nama lengkap Anda (sesuai KTP)?', en: 'What is your full name (as on your ID card)?' },
  nik: { id: 'Berapa NIK Anda (16 angka di KTP)?', en: 'What is your NIK (the 16 digits on your ID card)?' },
  birthDate: { id: 'Tanggal lahir Anda? (contoh: 17-08-1985)', en: 'Your date of birth? (e.g. 17-08-1985)' },
  phone: { id: 'Nomor HP/WhatsApp Anda? (contoh: 0812-3456-7890)', en: 'Your mobile/WhatsApp number? (e.g. 0812-3456-7890)' },
  phoneSuggest: {
    id: 'Nomor HP/WhatsApp Anda? Pilih 1 untuk memakai nomor WhatsApp ini, atau ketik nomor lain.',
    en: 'Your mobile/WhatsApp number? Choose 1 to use this WhatsApp number, or type another.',
  },
  useThis: { id: 'Pakai nomor ini ({phone})', en: 'Use this number ({phone})' },
  province: {
    id: 'Di provinsi mana Anda bertugas? (contoh: Jawa Barat)',
    en: 'In which province do you work? (e.g. Jawa Barat)',
  },
  regency: {
    id: 'Di kabupaten/kota mana Anda bertugas? (contoh: Kabupaten Garut)',
    en: 'In which regency/city do you work? (e.g. Kabupaten Garut)',
  },
  profession: { id: 'Kelompok profesi Anda?', en: 'Your profession group?' },
  institution: {
    id: 'Nama lembaga/instansi tempat Anda bertugas? (contoh: Dinas Sosial Kab. Garut, LKS Mentari)',
    en: 'The institution you work for? (e.g. Dinas Sosial Kab. Garut, LKS Mentari)',
  },
  session: {
    id: 'Pilih sesi Bimtek (waktu dalam zona {zone}):',
    en: 'Choose a Bimtek session (times in {zone}):',
  },
  summaryTitle: { id: '*Periksa data pendaftaran Anda:*', en: '*Please check your registration:*' },
  confirm: { id: 'Ya, daftar', en: 'Yes, register' },
  summaryNote: {
    id: 'Dengan memilih "Ya, daftar" Anda menyetujui pemakaian data di atas untuk pendaftaran dan sertifikasi.',
    en: 'By choosing "Yes, register" you agree to this data being used for your registration and certification.',
  },
  none: {
    id: 'Saat ini belum ada sesi Bimtek yang dibuka pendaftarannya. Ketik "jadwal" untuk melihat jadwal yang akan datang, atau "petugas" untuk bertanya ke sekretariat.',
    en: 'No Bimtek session is open for registration right now. Type "jadwal" for upcoming sessions, or "petugas" to ask the secretariat.',
  },
  closedMeanwhile: {
    id: 'Maaf, pendaftaran sesi itu baru saja ditutup. Ketik "daftar" untuk memilih sesi lain.',
    en: 'Sorry, registration for that session has just closed. Type "daftar" to choose another session.',
  },
  known: {
    id: 'NIK ini sudah tercatat. Data yang tercatat tidak diubah lewat chat (perubahan nama, nomor HP, dan lainnya lewat sekretariat); Anda cukup membuktikan bahwa ini memang Anda, lalu pendaftaran dilanjutkan.',
    en: 'This NIK is already on record. The record is not changed from the chat (name, phone and the rest change through the secretariat); you only need to prove it is you, then the registration goes on.',
  },
  nikTaken: {
    id: 'Maaf, NIK ini sudah tercatat dengan tanggal lahir yang berbeda, jadi pendaftaran tidak bisa dilanjutkan. Tidak ada data yang disimpan. Ketik "petugas" agar sekretariat membantu memeriksanya.',
    en: 'Sorry, this NIK is on record with a different birth date, so the registration cannot go on. Nothing was stored. Type "petugas" so the secretariat can check it.',
  },
  duplicate: {
    id: 'Anda sudah terdaftar di sesi ini dengan kode *{code}* ({status}). Ketik "registrasi saya" untuk melihat pendaftaran Anda.',
    en: 'You are already registered for this session with code *{code}* ({status}). Type "registrasi saya" to see your registrations.',
  },
  confirmed: {
    id: '✅ *Pendaftaran berhasil.* Kode pendaftaran Anda: *{code}*\n\n*{title}*\n🗓 {when}\n📍 {where}\n\nFile kalender terlampir. Tambahkan ke Google Calendar: {google}\n\nSimpan kode ini. Untuk membatalkan, ketik "batal {code}". Ketik "registrasi saya" untuk melihat pendaftaran Anda.',
    en: '✅ *You are registered.* Your registration code: *{code}*\n\n*{title}*\n🗓 {when}\n📍 {where}\n\nA calendar file is attached. Add it to Google Calendar: {google}\n\nKeep this code. To cancel, type "batal {code}". Type "registrasi saya" to see your registrations.',
  },
  waitlisted: {
    id: '🕒 *Sesi ini sudah penuh.* Anda masuk *daftar tunggu* di urutan ke-{position}. Kode pendaftaran Anda: *{code}*\n\n*{title}*\n🗓 {when}\n📍 {where}\n\nBila ada kursi kosong, kami kirim pesan di chat ini dan Anda punya {hours} jam untuk membalas YA. Untuk keluar dari daftar tunggu, ketik "batal {code}".',
    en: '🕒 *This session is full.* You are on the *waiting list*, number {position}. Your registration code: *{code}*\n\n*{title}*\n🗓 {when}\n📍 {where}\n\nIf a seat opens we will message you in this chat, and you will have {hours} hours to reply YA. To leave the waiting list, type "batal {code}".',
  },
} satisfies Record<string, Text>

const label = {
  consent: { id: 'Persetujuan', en: 'Consent' },
  name: { id: 'Nama', en: 'Name' },
  nik: { id: 'NIK', en: 'NIK' },
  birthDate: { id: 'Tanggal lahir', en: 'Date of birth' },
  phone: { id: 'Nomor HP', en: 'Mobile' },
  province: { id: 'Provinsi', en: 'Province' },
  regency: { id: 'Kabupaten/kota', en: 'Regency/city' },
  profession: { id: 'Profesi', en: 'Profession' },
  institution: { id: 'Lembaga', en: 'Institution' },
  session: { id: 'Sesi', en: 'Session' },
} satisfies Record<string, Text>

const STATUS_TEXT: Record<string, Text> = {
  confirmed: { id: 'terdaftar', en: 'confirmed' },
  waitlisted: { id: 'daftar tunggu', en: 'waiting list' },
  offered: { id: 'ditawari kursi, menunggu jawaban Anda', en: 'offered a seat, waiting for your answer' },
  cancelled: { id: 'dibatalkan', en: 'cancelled' },
}

export const statusText = (status: string, lang: Language) => {
  const text = STATUS_TEXT[status]
  return text ? t(lang, text) : status
}

const consentSchema = z.string().transform((input, ctx) => {
  if (input === 'consent:yes' || input === 'consent:no') return input
  const words = normalizeInput(input).split(' ')
  // A no anywhere wins: "belum setuju" is not a consent.
  if (words.some(isNo)) return 'consent:no'
  if (words.some(isYes)) return 'consent:yes'
  ctx.addIssue({ code: 'custom', message: 'CONSENT_ANSWER' })
  return z.NEVER
})

const provinceSchema = z.string().transform((input, ctx) => {
  const province = findProvince(input)
  if (province) return province.code
  ctx.addIssue({ code: 'custom', message: 'PROVINCE_UNKNOWN' })
  return z.NEVER
})

/** "3273 **** **** 0001": enough for the person to recognise it, not enough to copy it. */
export const maskNik = (nik: string) => `${nik.slice(0, 4)} **** **** ${nik.slice(-4)}`

/**
 * The NIK as the unfinished flow keeps it in the conversation state: sealed with the vault, plus
 * only what the later steps need (the mask for the summary, the date part for the birth-date
 * check), so the state never holds the 16 digits in clear.
 */
type HeldNik = Pick<Nik, 'birthDay' | 'birthMonth' | 'birthYear2' | 'provinceCode'> & { sealed: string; masked: string }

const holdNik = (nik: Nik, vault: NikVault): HeldNik => ({
  sealed: vault.encrypt(nik.nik),
  masked: maskNik(nik.nik),
  birthDay: nik.birthDay,
  birthMonth: nik.birthMonth,
  birthYear2: nik.birthYear2,
  provinceCode: nik.provinceCode,
})

const nikDate = (nik: HeldNik) =>
  `${String(nik.birthDay).padStart(2, '0')}-${String(nik.birthMonth).padStart(2, '0')}-..${String(nik.birthYear2).padStart(2, '0')}`

const provinceOf = (fields: Record<string, unknown>): Province | undefined =>
  typeof fields.province === 'string' ? provinceByCode(fields.province) : undefined

/** The sessions to offer: open for registration, the person's own region first, then by date. */
function offeredSessions(ctx: TurnContext, province?: Province): SessionRow[] {
  const open = upcomingSessions(ctx.db, ctx.now, {}, 200).filter(
    (session) => session.registrationOpensAt <= ctx.now && ctx.now < session.registrationClosesAt,
  )
  const home = (session: SessionRow) =>
    province && (session.provinceCode === province.code || regionServes(session, province.code)) ? 0 : 1
  return [...open].sort((a, b) => home(a) - home(b) || a.startsAt.getTime() - b.startsAt.getTime()).slice(0, MAX_OFFERED)
}

/** The sender's own number (WhatsApp), when it can be the answer: not offered if it would be refused. */
const senderMobile = (ctx: StepContext) => {
  const phone = ctx.inbound.senderPhone
  return phone && mobilePhoneSchema.safeParse(phone).success ? phone : undefined
}

const regionServes = (session: SessionRow, code: string) => session.regionProvinces.split(',').includes(code)

function sessionChoices(ctx: StepContext): Choice[] {
  const zone = provinceOf(ctx.fields)?.timeZone
  return offeredSessions(ctx, provinceOf(ctx.fields)).map((session) => {
    const { taken } = seatCounts(ctx.db, session.id)
    return { id: `session:${session.id}`, label: optionLabel(session, ctx.lang, zone, session.capacity - taken) }
  })
}

/** Whether any session is open, so the flow does not ask for data it cannot use. */
export function anySessionOpen(ctx: TurnContext): boolean {
  return hasOpenSession(ctx.db, ctx.now)
}

export function noSessionsReply(lang: Language): Reply {
  return { text: t(lang, texts.none) }
}

export type RegistrationDeps = {
  vault: NikVault
  offerHours: number
  /** The reminder settings the new seat's reminders are planned with. */
  reminders: ReminderSettings
  proof: Proof
  /** How long the chat stays linked to a first-time applicant (IDENTITY_LINK_DAYS). */
  linkDays: number
}

/**
 * Menu 2's flow, and `also`: the proof flows a registration with a NIK already on record goes
 * through before the proven person is registered (the engine must know them).
 */
export function createRegistrationFlow(deps: RegistrationDeps): { flow: FlowDefinition; also: FlowDefinition[] } {
  const proven = deps.proof.proofFlows('registration', (ctx, person, carried) =>
    enrol(deps, ctx, person.id, Number(carried.session), undefined),
  )
  return { flow: registrationFlow(deps, proven), also: [proven.claim, proven.phone] }
}

function registrationFlow(deps: RegistrationDeps, proven: ProofFlows): FlowDefinition {
  return {
    id: 'registration',
    steps: [
      {
        id: 'consent',
        label: label.consent,
        hidden: true,
        prompt: (ctx) => t(ctx.lang, texts.consent),
        choices: (ctx) => [
          { id: 'consent:yes', label: t(ctx.lang, texts.consentYes) },
          { id: 'consent:no', label: t(ctx.lang, texts.consentNo) },
        ],
        choicesOptional: true,
        schema: consentSchema,
        endsWith: (value, ctx) => (value === 'consent:no' ? [{ text: t(ctx.lang, texts.refused) }] : undefined),
      },
      { id: 'name', label: label.name, prompt: (ctx) => t(ctx.lang, texts.name), schema: nameSchema },
      {
        id: 'nik',
        label: label.nik,
        prompt: (ctx) => t(ctx.lang, texts.nik),
        schema: nikSchema.transform((nik) => holdNik(nik, deps.vault)),
        display: (value) => (value as HeldNik).masked,
        check: (value, fields) =>
          typeof fields.birthDate === 'string' && !nikMatchesBirthDate(value as HeldNik, fields.birthDate)
            ? { code: 'BIRTH_DATE_NIK', params: { nikDate: nikDate(value as HeldNik) } }
            : undefined,
      },
      {
        id: 'birthDate',
        label: label.birthDate,
        prompt: (ctx) => t(ctx.lang, texts.birthDate),
        schema: (ctx) => birthDateSchema(ctx.now),
        display: (value, lang) => (lang === 'id' ? formatDateId(String(value)) : formatDateEn(String(value))),
        check: (value, fields) => {
          const nik = fields.nik as HeldNik | undefined
          return nik && !nikMatchesBirthDate(nik, String(value))
            ? { code: 'BIRTH_DATE_NIK', params: { nikDate: nikDate(nik) } }
            : undefined
        },
      },
      {
        id: 'phone',
        label: label.phone,
        prompt: (ctx) => t(ctx.lang, senderMobile(ctx) ? texts.phoneSuggest : texts.phone),
        // On WhatsApp the number the person writes from is offered, never assumed.
        choices: (ctx) => {
          const phone = senderMobile(ctx)
          return phone ? [{ id: phone, label: fill(t(ctx.lang, texts.useThis), { phone: maskPhone(phone) }) }] : undefined
        },
        choicesOptional: true,
        schema: mobilePhoneSchema,
        display: (value) => maskPhone(String(value)),
      },
      {
        id: 'province',
        label: label.province,
        prompt: (ctx) => t(ctx.lang, texts.province),
        schema: provinceSchema,
        display: (value) => provinceByCode(String(value))?.name ?? String(value),
      },
      { id: 'regency', label: label.regency, prompt: (ctx) => t(ctx.lang, texts.regency), schema: textSchema(3, 80) },
      {
        id: 'profession',
        label: label.profession,
        prompt: (ctx) => t(ctx.lang, texts.profession),
        choices: (ctx) => PROFESSIONS.map((p) => ({ id: p.id, label: t(ctx.lang, p.label) })),
        schema: z.enum(PROFESSIONS.map((p) => p.id)),
        display: (value, lang) => {
          const profession = PROFESSIONS.find((p) => p.id === value)
          return profession ? t(lang, profession.label) : String(value)
        },
      },
      {
        id: 'institution',
        label: label.institution,
        prompt: (ctx) => t(ctx.lang, texts.institution),
        schema: textSchema(2, 120),
      },
      {
        id: 'session',
        label: label.session,
        prompt: (ctx) => fill(t(ctx.lang, texts.session), { zone: zoneName(provinceOf(ctx.fields)) }),
        choices: sessionChoices,
        schema: z.string().regex(/^session:\d+$/),
        display: (value, lang, ctx) => {
          const session = sessionById(ctx.db, Number(String(value).replace('session:', '')))
          return session ? `${session.title}, ${when(session, lang, provinceOf(ctx.fields)?.timeZone)}` : String(value)
        },
      },
    ],
    summaryTitle: texts.summaryTitle,
    confirmLabel: texts.confirm,
    summaryNote: (ctx) => t(ctx.lang, texts.summaryNote),
    complete: (fields, ctx) => complete(deps, proven, fields, ctx),
  }
}

const zoneName = (province?: Province) => (province ? zoneLabel(province.timeZone) : 'WIB')

/**
 * A NIK already on record: the record is never changed from the chat (only the secretariat's
 * import changes it). The person registers once they proved who they are with a possession
 * factor (a chat linked to them counts), as for their status, whatever birth date was typed;
 * what was typed is not stored.
 */
function registerKnown(
  deps: RegistrationDeps,
  proven: ProofFlows,
  ctx: TurnContext,
  known: PersonRow,
  fields: Record<string, unknown>,
  sessionId: number,
): Reply[] | Outcome {
  // The birth date typed is not compared: saying it differs would tell a stranger one more fact
  // about the record, and the factor below is what proves the person (nothing typed is stored).
  const linked = personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
  if (linked === known.id) return enrol(deps, ctx, known.id, sessionId, provinceOf(fields))
  const subject = subjectOf(deps.vault, { nikHash: known.nikHash ?? '' })
  const asked = deps.proof.proveAgain(ctx, proven, known, { session: sessionId }, subject)
  return { ...asked, replies: [{ text: t(ctx.lang, texts.known) }, ...asked.replies] }
}

function complete(
  deps: RegistrationDeps,
  proven: ProofFlows,
  fields: Record<string, unknown>,
  ctx: TurnContext,
): Reply[] | Outcome {
  const { db, now, lang } = ctx
  const held = fields.nik as HeldNik
  const nik = deps.vault.decrypt(held.sealed)
  const province = provinceOf(fields)
  const sessionId = Number(String(fields.session).replace('session:', ''))
  const session = sessionById(db, sessionId)
  // Checked before the person is stored: a closed session must not leave their data behind.
  if (!session || !isOpenForRegistration(session, now)) return [{ text: t(lang, texts.closedMeanwhile) }]
  const known = personByNikHash(db, deps.vault.hash(nik))
  if (known) return registerKnown(deps, proven, ctx, known, fields, sessionId)
  const profession = PROFESSIONS.find((p) => p.id === fields.profession)?.value ?? 'lainnya'
  const person = upsertPerson(
    db,
    {
      nikHash: deps.vault.hash(nik),
      nikCiphertext: held.sealed,
      fullName: String(fields.name),
      birthDate: String(fields.birthDate),
      phoneE164: String(fields.phone),
      provinceCode: province?.code ?? held.provinceCode,
      regency: String(fields.regency),
      professionGroup: profession,
      institution: String(fields.institution),
      timeZone: province?.timeZone ?? 'Asia/Jakarta',
    },
    now,
  )
  if (!person.ok) return [{ text: t(lang, texts.nikTaken) }]
  // A first-time applicant: the chat that registered them is theirs (nothing to compare it with).
  const { channel, userId, chatId } = ctx.inbound
  const expiresAt = new Date(now.getTime() + deps.linkDays * 86_400_000)
  linkChat(db, { channel, userId, chatId, personId: person.personId, language: lang, now, expiresAt, proved: false })
  return enrol(deps, ctx, person.personId, sessionId, province)
}

/** Registers a person (new, or proven) for the session: a seat or the waiting list, reminders, consent. */
function enrol(deps: RegistrationDeps, ctx: TurnContext, personId: number, sessionId: number, province?: Province): Reply[] {
  const { db, now, lang, inbound } = ctx
  const session = sessionById(db, sessionId)
  if (!session || !isOpenForRegistration(session, now)) return [{ text: t(lang, texts.closedMeanwhile) }]
  const zone = province?.timeZone ?? personById(db, personId)?.timeZone
  const person = { personId }
  const result = register(db, { sessionId, personId: person.personId, newCode: () => referenceCode('BMT'), now })
  if (result.kind === 'closed') return [{ text: t(lang, texts.closedMeanwhile) }]
  // The seat's reminders (7 days, 1 day, 2 hours before), to this chat and the person's others.
  planReminders(db, [person.personId], now, deps.reminders)
  if (result.kind === 'duplicate') {
    const status = statusText(result.registration.status, lang)
    return [{ text: fill(t(lang, texts.duplicate), { code: result.registration.code, status }) }]
  }
  db.insert(consentRecords)
    .values({
      personId: person.personId,
      channel: inbound.channel,
      chatId: inbound.chatId,
      purpose: 'bimtek-registration',
      reference: result.registration.code,
      textVersion: REGISTRATION_CONSENT_VERSION,
      granted: true,
      recordedAt: now,
    })
    .run()
  const code = result.registration.code
  const values = {
    code,
    title: session.title,
    when: when(session, lang, zone),
    where: where(session, lang),
    google: googleCalendarLink(session, code),
    position: result.position ?? 1,
    hours: deps.offerHours,
  }
  const template = result.kind === 'confirmed' ? texts.confirmed : texts.waitlisted
  const reply: Reply = { text: fill(t(lang, template), values) }
  if (result.kind === 'confirmed') reply.attachment = icsFile(session, code)
  return [reply]
}

/** Seats left in a session, for the schedule. */
export function seatsLine(ctx: TurnContext, session: SessionRow): string {
  const counts = seatCounts(ctx.db, session.id)
  return seats(session.capacity, counts.taken, counts.waiting, ctx.lang)
}
