/**
 * Menu 2, "Daftar Bimtek": consent first (UU 27/2022: purpose, data, how long, rights; "tidak"
 * stores nothing), then who the person is, where they work, and which session; a summary; then a
 * seat, or a place on the waiting list, in the same transaction as everything else of the message.
 */
import { z } from 'zod'
import { linkChat, personOfChat } from '../../db/queries/chat-links.js'
import { type PersonRow, personById, personByNikHash, recordConsent, upsertPerson } from '../../db/queries/people.js'
import { register, seatCounts } from '../../db/queries/registrations.js'
import {
  hasOpenSession,
  isOpenForRegistration,
  type SessionRow,
  sessionById,
  upcomingSessions,
} from '../../db/queries/sessions.js'
import { referenceCode } from '../codes.js'
import type { ChoiceAction } from '../engine.js'
import { type FlowDefinition, repeatStep, type StepContext, startFlow } from '../flows/flow.js'
import { subjectOf } from '../identity/lockout.js'
import type { Proof, ProofFlows } from '../identity/proof.js'
import { MENU_PREFIX } from '../menu.js'
import { fill, t } from '../messages.js'
import { gazetteer } from '../places/gazetteer.js'
import { checkRegency } from '../places/validate.js'
import { maskPhone } from '../privacy/mask.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { findProvince, type Province, provinceByCode, zoneLabel } from '../regions.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { yesNoIn } from '../text/yes-no.js'
import type { FlowPosition, Outcome, TurnContext } from '../turn.js'
import type { Choice, Language, Reply, Text } from '../types.js'
import type { Slots } from '../understanding/types.js'
import { formatDateEn, formatDateId } from '../validators/date.js'
import { validationMessage } from '../validators/messages.js'
import { type Nik, nikMatchesBirthDate } from '../validators/nik.js'
import { birthDateSchema, mobilePhoneSchema, nameSchema, nikSchema, textSchema } from '../validators/schemas.js'
import { googleCalendarLink, icsFile } from './calendar.js'
import {
  DAFTAR_SESSION_PREFIX,
  describeSearch,
  findSessions,
  type SessionSearch,
  searchSlots,
  sessionMatches,
  sessionSearch,
} from './find-sessions.js'
import { optionLabel, when, where } from './format.js'

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
  preferredSession: { id: 'Sesi yang Anda pilih ada di nomor 1.', en: 'The session you chose is option 1.' },
  preferredOne: { id: 'Sesi{what} ada di nomor 1.', en: 'The session{what} is option 1.' },
  preferredMany: { id: 'Sesi{what} ada di nomor 1–{n}.', en: 'The sessions{what} are options 1–{n}.' },
  fromMessage: { id: '{name} (dari pesan Anda)', en: '{name} (from your message)' },
  noneOpenHere: {
    id: 'Belum ada sesi Bimtek{what} yang sedang dibuka pendaftarannya.',
    en: 'No Bimtek session{what} is open for registration right now.',
  },
  sessionClosed: {
    id: 'Pendaftaran sesi itu sudah ditutup atau belum dibuka.',
    en: 'Registration for that session is closed or not open yet.',
  },
  registerAnyway: { id: 'Tetap daftar (pilih sesi lain)', en: 'Register anyway (another session)' },
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
  // A no anywhere wins: "belum setuju" is not a consent.
  const said = yesNoIn(input)
  if (said) return `consent:${said}` as const
  ctx.addIssue({ code: 'custom', message: 'CONSENT_ANSWER' })
  return z.NEVER
})

const provinceSchema = z.string().transform((input, ctx) => {
  // The "(dari pesan Anda)" option's id is `province:<code>`.
  const province = findProvince(input.replace(/^province:/, ''))
  if (province) return province.code
  ctx.addIssue({ code: 'custom', message: 'PROVINCE_UNKNOWN' })
  return z.NEVER
})

/**
 * The kabupaten/kota, checked against the province answered before (idn-area-data's list): "garut", "Kab. Garut",
 * one typo in a longer name; stored by its official name ("Kabupaten Garut"). Another province's regency is refused
 * with where it is; an unknown name gets the nearest names of the province.
 */
const regencySchema = (provinceCode: string) =>
  textSchema(3, 80).transform((text, ctx) => {
    const checked = checkRegency(text, provinceCode)
    if (checked.ok) return checked.regency.name
    ctx.addIssue({ code: 'custom', message: checked.code, params: regencyParams(checked, provinceCode) })
    return z.NEVER
  })

type RegencyRefused = Exclude<ReturnType<typeof checkRegency>, { ok: true }>

/** What the REGENCY_* messages say: the province asked about, and where the regency is or the nearest names. */
function regencyParams(checked: RegencyRefused, provinceCode: string): Record<string, string> {
  const province = provinceByCode(provinceCode)?.name ?? provinceCode
  return checked.code === 'REGENCY_OTHER_PROVINCE'
    ? { regency: checked.regency.name, its: checked.province, province }
    : { province, suggestions: checked.suggestions.join(', ') }
}

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

/**
 * What a registration started from a sentence or a schedule's `Daftar:` choice prefers, kept in the flow's fields
 * (as plain data: the conversation state is JSON).
 */
type Preference = Slots & { sessionId?: number }

const preferenceOf = (fields: Record<string, unknown>): Preference | undefined =>
  fields._prefer && typeof fields._prefer === 'object' ? (fields._prefer as Preference) : undefined

/** Whether a session is one the person asked for: the chosen one, or one fitting their place, month and mode. */
function preferred(session: SessionRow, prefer: Preference | undefined, search: SessionSearch | undefined, zone?: string) {
  if (!prefer) return false
  if (prefer.sessionId !== undefined) return session.id === prefer.sessionId
  return search !== undefined && sessionMatches(session, search, zone)
}

const searchOf = async (ctx: TurnContext, prefer: Preference | undefined) =>
  prefer && prefer.sessionId === undefined ? await sessionSearch(ctx, prefer) : undefined

/** The sessions to offer: open for registration; the ones asked for first, then the person's own region, then by date. */
async function offeredSessions(ctx: TurnContext, province?: Province, prefer?: Preference): Promise<SessionRow[]> {
  const open = (await upcomingSessions(ctx.db, ctx.now, {}, 200)).filter(
    (session) => session.registrationOpensAt <= ctx.now && ctx.now < session.registrationClosesAt,
  )
  const search = await searchOf(ctx, prefer)
  const rank = (session: SessionRow) =>
    preferred(session, prefer, search, province?.timeZone)
      ? 0
      : province && (session.provinceCode === province.code || regionServes(session, province.code))
        ? 1
        : 2
  return [...open].sort((a, b) => rank(a) - rank(b) || a.startsAt.getTime() - b.startsAt.getTime()).slice(0, MAX_OFFERED)
}

/** The sender's own number (WhatsApp), when it can be the answer: not offered if it would be refused. */
const senderMobile = (ctx: StepContext) => {
  const phone = ctx.inbound.senderPhone
  return phone && mobilePhoneSchema.safeParse(phone).success ? phone : undefined
}

/** Under the session question: where the sessions the person asked for are among the options. */
async function preferenceLine(ctx: StepContext): Promise<string | undefined> {
  const prefer = preferenceOf(ctx.fields)
  if (!prefer) return undefined
  const province = provinceOf(ctx.fields)
  const search = await searchOf(ctx, prefer)
  const n = (await offeredSessions(ctx, province, prefer)).filter((session) =>
    preferred(session, prefer, search, province?.timeZone),
  ).length
  if (n === 0) return undefined
  if (prefer.sessionId !== undefined || !search) return t(ctx.lang, texts.preferredSession)
  return fill(t(ctx.lang, n === 1 ? texts.preferredOne : texts.preferredMany), {
    what: describeSearch(search, ctx.lang),
    n,
  })
}

const regionServes = (session: SessionRow, code: string) => session.regionProvinces.split(',').includes(code)

async function sessionChoices(ctx: StepContext): Promise<Choice[]> {
  const zone = provinceOf(ctx.fields)?.timeZone
  const choices: Choice[] = []
  for (const session of await offeredSessions(ctx, provinceOf(ctx.fields), preferenceOf(ctx.fields))) {
    const { taken } = await seatCounts(ctx.db, session.id)
    choices.push({ id: `session:${session.id}`, label: optionLabel(session, ctx.lang, zone, session.capacity - taken) })
  }
  return choices
}

/** Whether any session is open, so the flow does not ask for data it cannot use. */
export async function anySessionOpen(ctx: TurnContext): Promise<boolean> {
  return await hasOpenSession(ctx.db, ctx.now)
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

export type RegistrationFlow = {
  flow: FlowDefinition
  /** The proof flows a registration with a NIK already on record goes through (the engine must know them). */
  also: FlowDefinition[]
  /**
   * registration.start from a sentence or a schedule's `Daftar:` choice: the flow with the place, month, mode or
   * session preferred (the province offered first, those sessions first). No session open at all: the menu's answer;
   * none of the preferred ones open: the nearest alternatives, and a way to register for another session.
   */
  startWith(ctx: TurnContext, prefer: Slots & { sessionId?: number }): Promise<Outcome>
  /** `daftar:session:<id>` (the schedule's `Daftar:` choices) → `startWith(ctx, { sessionId })`. */
  actions: ChoiceAction[]
}

/** Menu 2's flow, the proof flows it may need, and the ways into it with something preselected. */
export function createRegistrationFlow(deps: RegistrationDeps): RegistrationFlow {
  const proven = deps.proof.proofFlows('registration', (ctx, person, carried) =>
    enrol(deps, ctx, person.id, Number(carried.session), undefined),
  )
  const flow = registrationFlow(deps, proven)
  const startWith = (ctx: TurnContext, prefer: Preference) => startPreferring(flow, ctx, prefer)
  const actions: ChoiceAction[] = [
    {
      prefix: DAFTAR_SESSION_PREFIX,
      handle: (ctx, choiceId) => {
        const sessionId = Number(choiceId.slice(DAFTAR_SESSION_PREFIX.length))
        return startWith(ctx, Number.isSafeInteger(sessionId) && sessionId > 0 ? { sessionId } : {})
      },
    },
  ]
  return { flow, also: [proven.claim, proven.phone], startWith, actions }
}

async function startPreferring(flow: FlowDefinition, ctx: TurnContext, prefer: Preference): Promise<Outcome> {
  // The menu's gate: ask for nothing when there is nothing to register for.
  if (!(await anySessionOpen(ctx))) return { replies: [noSessionsReply(ctx.lang)], next: null }
  const begin = async (keep: Preference): Promise<Outcome> => {
    const started = await startFlow(flow, ctx)
    const next = started.next && { ...started.next, fields: { ...started.next.fields, _prefer: keep } }
    return { ...started, next }
  }
  if (prefer.sessionId !== undefined) {
    const chosen = await sessionById(ctx.db, prefer.sessionId)
    const province = chosen?.provinceCode ? { provinceCode: chosen.provinceCode } : {}
    if (!chosen || !isOpenForRegistration(chosen, ctx.now)) {
      const near = chosen ? { region: chosen.regionCode, ...province } : {}
      return noneOpen(ctx, near, t(ctx.lang, texts.sessionClosed))
    }
    return await begin({ sessionId: chosen.id, ...province })
  }
  // Only codes are kept in the state: names are found again from them.
  const keep = searchSlots(await sessionSearch(ctx, prefer))
  const search = await sessionSearch(ctx, keep)
  if ((await offeredSessions(ctx, undefined, keep)).some((session) => preferred(session, keep, search))) return begin(keep)
  return await noneOpen(ctx, keep, fill(t(ctx.lang, texts.noneOpenHere), { what: describeSearch(search, ctx.lang) }))
}

/** None of the preferred sessions is open: say so, show the nearest ones, and offer menu 2 as it is. */
async function noneOpen(ctx: TurnContext, slots: Slots, intro: string): Promise<Outcome> {
  const found = await findSessions(ctx, slots)
  const anyway = { id: `${MENU_PREFIX}daftar`, label: t(ctx.lang, texts.registerAnyway) }
  const replies = found.replies.map((reply, i) =>
    i === found.replies.length - 1
      ? { ...reply, choices: [...(reply.choices ?? []).filter((c) => c.id !== anyway.id), anyway] }
      : reply,
  )
  return { replies: [{ text: intro }, ...replies], next: null }
}

function registrationFlow(deps: RegistrationDeps, proven: ProofFlows): FlowDefinition {
  const flow: FlowDefinition = {
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
        // The province the message named, offered (never assumed): the person may work elsewhere.
        choices: (ctx) => {
          const province = provinceByCode(preferenceOf(ctx.fields)?.provinceCode ?? '')
          return province
            ? [{ id: `province:${province.code}`, label: fill(t(ctx.lang, texts.fromMessage), { name: province.name }) }]
            : undefined
        },
        choicesOptional: true,
        schema: provinceSchema,
        display: (value) => provinceByCode(String(value))?.name ?? String(value),
        // A province changed from the summary: a kabupaten/kota of the old one is asked again.
        after: async (value, ctx, position) => {
          if (position.editing !== 'province' || typeof ctx.fields.regency !== 'string') return undefined
          const checked = checkRegency(ctx.fields.regency, String(value))
          return checked.ok ? undefined : await askRegencyAgain(position, String(value), checked, ctx)
        },
      },
      {
        id: 'regency',
        label: label.regency,
        prompt: (ctx) => t(ctx.lang, texts.regency),
        choices: (ctx) => {
          const regency = gazetteer().byCode(preferenceOf(ctx.fields)?.regencyCode ?? '')
          return regency && regency.provinceCode === ctx.fields.province
            ? [{ id: regency.name, label: fill(t(ctx.lang, texts.fromMessage), { name: regency.name }) }]
            : undefined
        },
        choicesOptional: true,
        schema: (ctx) => regencySchema(String(ctx.fields.province)),
      },
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
        prompt: async (ctx) =>
          [fill(t(ctx.lang, texts.session), { zone: zoneName(provinceOf(ctx.fields)) }), await preferenceLine(ctx)]
            .filter(Boolean)
            .join('\n'),
        choices: sessionChoices,
        schema: z.string().regex(/^session:\d+$/),
        display: async (value, lang, ctx) => {
          const session = await sessionById(ctx.db, Number(String(value).replace('session:', '')))
          return session ? `${session.title}, ${when(session, lang, provinceOf(ctx.fields)?.timeZone)}` : String(value)
        },
      },
    ],
    summaryTitle: texts.summaryTitle,
    confirmLabel: texts.confirm,
    summaryNote: (ctx) => t(ctx.lang, texts.summaryNote),
    complete: (fields, ctx) => complete(deps, proven, fields, ctx),
  }
  /** The province changed from the summary no longer holds the kabupaten/kota: that is asked again. */
  function askRegencyAgain(
    position: FlowPosition,
    province: string,
    checked: RegencyRefused,
    ctx: TurnContext,
  ): Promise<Outcome> {
    const fields = { ...position.fields, province }
    const warning = validationMessage(checked.code, regencyParams(checked, province), ctx.lang)
    return repeatStep(flow, { ...position, step: 'regency', editing: 'regency', fields }, ctx, warning)
  }
  return flow
}

const zoneName = (province?: Province) => (province ? zoneLabel(province.timeZone) : 'WIB')

/**
 * A NIK already on record: the record is never changed from the chat (only the secretariat's
 * import changes it). The person registers once they proved who they are with a possession
 * factor (a chat linked to them counts), as for their status, whatever birth date was typed;
 * what was typed is not stored.
 */
async function registerKnown(
  deps: RegistrationDeps,
  proven: ProofFlows,
  ctx: TurnContext,
  known: PersonRow,
  fields: Record<string, unknown>,
  sessionId: number,
): Promise<Reply[] | Outcome> {
  // The birth date typed is not compared: saying it differs would tell a stranger one more fact
  // about the record, and the factor below is what proves the person (nothing typed is stored).
  const linked = await personOfChat(ctx.db, ctx.inbound.channel, ctx.inbound.userId, ctx.now)
  if (linked === known.id) return enrol(deps, ctx, known.id, sessionId, provinceOf(fields))
  const subject = subjectOf(deps.vault, { nikHash: known.nikHash ?? '' })
  const asked = await deps.proof.proveAgain(ctx, proven, known, { session: sessionId }, subject)
  return { ...asked, replies: [{ text: t(ctx.lang, texts.known) }, ...asked.replies] }
}

async function complete(
  deps: RegistrationDeps,
  proven: ProofFlows,
  fields: Record<string, unknown>,
  ctx: TurnContext,
): Promise<Reply[] | Outcome> {
  const { db, now, lang } = ctx
  const held = fields.nik as HeldNik
  const nik = deps.vault.decrypt(held.sealed)
  const province = provinceOf(fields)
  const sessionId = Number(String(fields.session).replace('session:', ''))
  const session = await sessionById(db, sessionId)
  // Checked before the person is stored: a closed session must not leave their data behind.
  if (!session || !isOpenForRegistration(session, now)) return [{ text: t(lang, texts.closedMeanwhile) }]
  const known = await personByNikHash(db, deps.vault.hash(nik))
  if (known) return await registerKnown(deps, proven, ctx, known, fields, sessionId)
  const profession = PROFESSIONS.find((p) => p.id === fields.profession)?.value ?? 'lainnya'
  const person = await upsertPerson(
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
  await linkChat(db, { channel, userId, chatId, personId: person.personId, language: lang, now, expiresAt, proved: false })
  return await enrol(deps, ctx, person.personId, sessionId, province)
}

/** Registers a person (new, or proven) for the session: a seat or the waiting list, reminders, consent. */
async function enrol(
  deps: RegistrationDeps,
  ctx: TurnContext,
  personId: number,
  sessionId: number,
  province?: Province,
): Promise<Reply[]> {
  const { db, now, lang, inbound } = ctx
  const session = await sessionById(db, sessionId)
  if (!session || !isOpenForRegistration(session, now)) return [{ text: t(lang, texts.closedMeanwhile) }]
  const zone = province?.timeZone ?? (await personById(db, personId))?.timeZone
  const person = { personId }
  const result = await register(db, { sessionId, personId: person.personId, newCode: () => referenceCode('BMT'), now })
  if (result.kind === 'closed') return [{ text: t(lang, texts.closedMeanwhile) }]
  // The seat's reminders (7 days, 1 day, 2 hours before), to this chat and the person's others.
  await planReminders(db, [person.personId], now, deps.reminders)
  if (result.kind === 'duplicate') {
    const status = statusText(result.registration.status, lang)
    return [{ text: fill(t(lang, texts.duplicate), { code: result.registration.code, status }) }]
  }
  await recordConsent(db, {
    personId: person.personId,
    channel: inbound.channel,
    chatId: inbound.chatId,
    purpose: 'bimtek-registration',
    reference: result.registration.code,
    textVersion: REGISTRATION_CONSENT_VERSION,
    granted: true,
    recordedAt: now,
  })
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
  if (result.kind === 'confirmed') reply.attachment = icsFile(session, code, lang)
  return [reply]
}
