/**
 * Reminders in the chat: menu 5 shows what is planned for this chat; "stop pengingat" and
 * "mulai pengingat" turn them off and on for this chat (asked in a sentence, turning them off is
 * confirmed first: an understood sentence may be misread, the documented command is not); "kapan
 * ujian saya" lists the person's coming exams and Bimtek sessions; HADIR and BATAL answer the latest reminder
 * (typed, or the Telegram buttons under it): HADIR records that the person will come, BATAL starts
 * the cancellation of a Bimtek registration (an exam cannot be cancelled in the chat: who to tell).
 */
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { personOfChat, remindersEnabledFor, setChatLanguage, setRemindersEnabled } from '../../db/queries/chat-links.js'
import { confirmExamAttendance, examById } from '../../db/queries/exams.js'
import { type PersonRow, personZone } from '../../db/queries/people.js'
import { confirmRegistrationAttendance, registrationWithSession } from '../../db/queries/registrations.js'
import { describeEvents, latestRemindedEvent, upcomingRemindersOfChat } from '../../db/queries/reminders.js'
import { EVENT_KIND, type ExamKind, parseEventKey } from '../../vocabulary/events.js'
import type { ChoiceAction, Feature, TypedCommand } from '../engine.js'
import type { FlowDefinition } from '../flows/flow.js'
import type { Proof } from '../identity/proof.js'
import { fill, t } from '../messages.js'
import { askCancel } from '../registration/cancel.js'
import { TOMORROW } from '../text/calendar-words.js'
import { normalizeInput } from '../text/normalize.js'
import { YES_WORDS } from '../text/yes-no.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Language, Text } from '../types.js'
import { eventsOfPerson } from './events.js'
import { localMoment, REMINDER_ACTION, soonText } from './message.js'
import { planReminders } from './plan.js'
import { type ReminderSettings, readOffsetLabel } from './settings.js'

const texts = {
  stopped: {
    id: '🔕 Pengingat dimatikan untuk chat ini.{cancelled} Jadwal dan pendaftaran Anda tidak berubah.\n\nKetik *mulai pengingat* untuk menyalakannya lagi.',
    en: '🔕 Reminders are off for this chat.{cancelled} Your schedule and registrations are unchanged.\n\nType *mulai pengingat* to turn them back on.',
  },
  stoppedCount: { id: ' {n} pengingat yang terjadwal dibatalkan.', en: ' {n} planned reminders were cancelled.' },
  alreadyStopped: {
    id: 'Pengingat untuk chat ini memang sudah mati. Ketik *mulai pengingat* untuk menyalakannya.',
    en: 'Reminders are already off for this chat. Type *mulai pengingat* to turn them on.',
  },
  started: {
    id: '🔔 Pengingat dinyalakan untuk chat ini.',
    en: '🔔 Reminders are on for this chat.',
  },
  overviewOn: {
    id: '🔔 *Pengingat* untuk chat ini: *menyala*.\nSaya mengingatkan jadwal Bimtek dan ujian Anda {offsets} sebelumnya, serta batas portofolio{quiet}.',
    en: '🔔 *Reminders* for this chat: *on*.\nI remind you of your Bimtek and exam dates {offsets} before, and of your portfolio deadline{quiet}.',
  },
  quiet: { id: '; tidak pada pukul {start}–{end} waktu Anda', en: '; never between {start} and {end} your time' },
  overviewOff: {
    id: '🔕 *Pengingat* untuk chat ini: *mati*. Ketik *mulai pengingat* untuk menyalakannya.',
    en: '🔕 *Reminders* for this chat: *off*. Type *mulai pengingat* to turn them on.',
  },
  planned: { id: 'Yang terjadwal:', en: 'Planned:' },
  nonePlanned: {
    id: 'Belum ada pengingat terjadwal: belum ada Bimtek terkonfirmasi atau jadwal ujian yang akan datang.',
    en: 'No reminders are planned: there is no confirmed Bimtek or upcoming exam yet.',
  },
  notLinked: {
    id: 'Pengingat dikirim untuk Bimtek yang Anda daftarkan (menu 2) dan jadwal ujian Anda. Chat ini belum tertaut dengan data Anda: daftar Bimtek lewat menu 2, atau buka menu 3 (Cek status) dan buktikan identitas Anda, maka pengingat akan datang ke sini.',
    en: 'Reminders come for the Bimtek you register for (menu 2) and your exam dates. This chat is not linked to your record yet: register for a Bimtek in menu 2, or open menu 3 (Check status) and prove who you are, and the reminders will come here.',
  },
  howToStop: { id: 'Ketik *stop pengingat* untuk mematikan.', en: 'Type *stop pengingat* to turn them off.' },
  askStop: {
    id: 'Matikan semua pengingat untuk chat ini? Jadwal dan pendaftaran Anda tidak berubah.',
    en: 'Turn off all reminders for this chat? Your schedule and registrations stay as they are.',
  },
  stopYes: { id: 'Ya, matikan', en: 'Yes, turn them off' },
  stopNo: { id: 'Tidak, biarkan menyala', en: 'No, keep them on' },
  stopKept: { id: 'Baik, pengingat tetap menyala.', en: 'All right, reminders stay on.' },
  upcoming: { id: '📅 *Jadwal Anda yang akan datang*', en: '📅 *Your coming dates*' },
  noneUpcoming: {
    id: '📅 Belum ada jadwal ujian atau Bimtek terkonfirmasi yang akan datang.',
    en: '📅 There is no upcoming exam or confirmed Bimtek yet.',
  },
  code: { id: 'kode {code}', en: 'code {code}' },
  buttonOff: { id: 'Matikan pengingat', en: 'Turn reminders off' },
  buttonOn: { id: 'Nyalakan pengingat', en: 'Turn reminders on' },
  attendance: {
    id: '✅ Terima kasih! Kehadiran Anda tercatat: *{what}*, {when}. Sampai jumpa!',
    en: '✅ Thank you! Your attendance is recorded: *{what}*, {when}. See you there!',
  },
  attendanceAgain: {
    id: 'Kehadiran Anda untuk *{what}* ({when}) sudah tercatat sebelumnya. Sampai jumpa!',
    en: 'Your attendance for *{what}* ({when}) was already recorded. See you there!',
  },
  eventGone: {
    id: 'Acara pada pengingat terakhir sudah tidak terjadwal (dibatalkan atau dipindah). Ketik *pengingat* untuk melihat jadwal Anda.',
    en: 'The event of the last reminder is no longer scheduled (cancelled or moved). Type *pengingat* to see your schedule.',
  },
  examCancel: {
    id: 'Jadwal {what} ({when}, kode {code}) tidak bisa dibatalkan lewat chat. Bila Anda berhalangan, segera hubungi {contact}, atau pilih 6 (Bicara dengan petugas) dan sebutkan kode itu.',
    en: 'Your {what} ({when}, code {code}) cannot be cancelled in the chat. If you cannot attend, contact {contact} as soon as possible, or choose 6 (Talk to a staff member) and give that code.',
  },
} satisfies Record<string, Text>

const STOP =
  /^(stop|berhenti|matikan|matiin|nonaktifkan|hentikan|jangan kirim|off|unsubscribe)( (semua|kirim))? (pengingat|reminder|reminders|notif|notifikasi)( (ujian|saya))?$/
const START =
  /^(mulai|nyalakan|nyalain|aktifkan|hidupkan|start|on|subscribe|kirim)( (lagi|kembali))? (pengingat|reminder|reminders|notif|notifikasi)( (lagi|ujian|saya))?$/
const PLAIN_STOP = /^(stop|berhenti) (pengingat|reminder)$/
// Around "hadir": a yes in any language ("nggih hadir", "hadir muhun"), who is asked, and when ("hadir sesuk").
const YES_OR = YES_WORDS.join('|')
const WHEN = ['nanti', 'ntar', ...TOMORROW].join('|')
const HADIR = new RegExp(
  `^((saya|sy|insya ?allah|insyaallah|in sya allah|hadir|${YES_OR}) )*hadir( (min|kak|pak|bu|insyaallah|insya allah|${YES_OR}|${WHEN}))*$`,
)

type Chat = { channel: TurnContext['inbound']['channel']; userId: string; chatId: string }
const chatOf = (ctx: TurnContext): Chat => ({
  channel: ctx.inbound.channel,
  userId: ctx.inbound.userId,
  chatId: ctx.inbound.chatId,
})

/** Turns this chat's reminders on or off (remembered even before the chat is linked); whether they were on before. */
async function setEnabled(db: Db, chat: Chat, enabled: boolean, at: Date): Promise<boolean> {
  const before = await remindersOn(db, chat)
  await setRemindersEnabled(db, chat, enabled, at)
  return before
}

/** Whether reminders are on for this chat (on unless it said "stop pengingat"). */
const remindersOn = async (db: Db, chat: Chat): Promise<boolean> => await remindersEnabledFor(db, chat.channel, chat.userId)

const zoneOf = async (db: Db, personId: number) => (await personZone(db, personId)) ?? 'Asia/Jakarta'

async function overview(ctx: TurnContext, settings: ReminderSettings): Promise<Outcome> {
  const { lang, db } = ctx
  const chat = chatOf(ctx)
  const personId = await personOfChat(db, chat.channel, chat.userId, ctx.now)
  if (personId === undefined) return { replies: [{ text: t(lang, texts.notLinked) }], next: null }
  if (!(await remindersOn(db, chat))) {
    return {
      replies: [
        {
          text: t(lang, texts.overviewOff),
          ...(chat.channel === 'telegram' && { choices: [{ id: `${REMINDER_ACTION}on`, label: t(lang, texts.buttonOn) }] }),
        },
      ],
      next: null,
    }
  }
  const zone = await zoneOf(db, personId)
  const planned = await upcomingRemindersOfChat(db, chat.channel, chat.chatId)
  const shown = planned.slice(0, 8)
  const events = await describeEvents(
    db,
    shown.map((row) => row.eventKey),
  )
  const lines = shown.map((row) => {
    // A planned reminder's event is on record (its person's data is deleted with the reminders).
    const kind = (row.eventKey !== null && events.get(row.eventKey)?.kind) || 'bimtek'
    const what = t(lang, EVENT_KIND[kind].short)
    const event = row.expiresAt ? ` (${localMoment(row.expiresAt, zone, lang)})` : ''
    return `• ${localMoment(row.dueAt, zone, lang)}: ${what} ${soonText(row.label ?? '', lang)}${event}`
  })
  const body = planned.length > 0 ? `${t(lang, texts.planned)}\n${lines.join('\n')}` : t(lang, texts.nonePlanned)
  return {
    replies: [
      {
        text: `${overviewOnText(lang, settings)}\n\n${body}\n\n${t(lang, texts.howToStop)}`,
        ...(chat.channel === 'telegram' && { choices: [{ id: `${REMINDER_ACTION}off`, label: t(lang, texts.buttonOff) }] }),
      },
    ],
    next: null,
  }
}

/** What menu 5 says reminders do, from the settings in use ("7 hari, 1 hari, dan 2 jam"; the quiet hours, if any). */
function overviewOnText(lang: Language, settings: ReminderSettings): string {
  const units = { d: ['hari', 'day'], h: ['jam', 'hour'], m: ['menit', 'minute'] } as const
  const spans = settings.offsets.map(({ label }) => {
    const offset = readOffsetLabel(label)
    if (!offset) return label
    const n = offset.amount
    const [id, en] = units[offset.unit]
    return lang === 'id' ? `${n} ${id}` : `${n} ${en}${n === 1 ? '' : 's'}`
  })
  const last = spans.pop() ?? ''
  const offsets =
    spans.length === 0 ? last : lang === 'id' ? `${spans.join(', ')}, dan ${last}` : `${spans.join(', ')} and ${last}`
  const { start, end } = settings.quiet
  const hhmm = (minutes: number, separator: string) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}${separator}${String(minutes % 60).padStart(2, '0')}`
  const sep = lang === 'id' ? '.' : ':'
  const quiet = start === end ? '' : fill(t(lang, texts.quiet), { start: hhmm(start, sep), end: hhmm(end, sep) })
  return fill(t(lang, texts.overviewOn), { offsets, quiet })
}

/**
 * The person's coming exams, confirmed Bimtek sessions and portfolio deadline, in their own zone,
 * above what menu 5 shows: the dates are theirs whether or not reminders are on.
 */
async function schedule(ctx: TurnContext, person: PersonRow, settings: ReminderSettings): Promise<Outcome> {
  const { lang, db } = ctx
  const zone = await zoneOf(db, person.id)
  const events = (await eventsOfPerson(db, person.id, ctx.now, zone)).slice(0, 8)
  const lines = events.map((event) => {
    const what = event.session ? event.session.title : t(lang, EVENT_KIND[event.kind].short)
    const code = event.code ? ` (${fill(t(lang, texts.code), { code: event.code })})` : ''
    return `• ${localMoment(event.startsAt, zone, lang)}: ${what}${code}`
  })
  const dates = events.length > 0 ? `${t(lang, texts.upcoming)}\n${lines.join('\n')}` : t(lang, texts.noneUpcoming)
  const view = await overview(ctx, settings)
  const [first, ...rest] = view.replies
  return { ...view, replies: first ? [{ ...first, text: `${dates}\n\n${first.text}` }, ...rest] : [{ text: dates }] }
}

/** "Turn reminders off?" with yes and no; a chat whose reminders are off already is told so. */
async function askStop(ctx: TurnContext): Promise<Outcome> {
  const { lang } = ctx
  if (!(await remindersOn(ctx.db, chatOf(ctx)))) return { replies: [{ text: t(lang, texts.alreadyStopped) }], next: null }
  return {
    replies: [
      {
        text: t(lang, texts.askStop),
        choices: [
          { id: `${REMINDER_ACTION}stop:yes`, label: t(lang, texts.stopYes) },
          { id: `${REMINDER_ACTION}stop:no`, label: t(lang, texts.stopNo) },
        ],
      },
    ],
    next: null,
  }
}

async function stop(ctx: TurnContext, settings: ReminderSettings): Promise<Outcome> {
  const chat = chatOf(ctx)
  const wasOn = await setEnabled(ctx.db, chat, false, ctx.now)
  const personId = await personOfChat(ctx.db, chat.channel, chat.userId, ctx.now)
  const { cancelled } = personId === undefined ? { cancelled: 0 } : await planReminders(ctx.db, [personId], ctx.now, settings)
  if (!wasOn && cancelled === 0) return { replies: [{ text: t(ctx.lang, texts.alreadyStopped) }], next: null }
  await audit(ctx, 'reminders.stopped')
  const count = cancelled > 0 ? fill(t(ctx.lang, texts.stoppedCount), { n: cancelled }) : ''
  return { replies: [{ text: fill(t(ctx.lang, texts.stopped), { cancelled: count }) }], next: null }
}

async function start(ctx: TurnContext, settings: ReminderSettings): Promise<Outcome> {
  const chat = chatOf(ctx)
  await setEnabled(ctx.db, chat, true, ctx.now)
  const personId = await personOfChat(ctx.db, chat.channel, chat.userId, ctx.now)
  if (personId !== undefined) await planReminders(ctx.db, [personId], ctx.now, settings)
  await audit(ctx, 'reminders.started')
  const view = await overview(ctx, settings)
  return { ...view, replies: [{ text: t(ctx.lang, texts.started) }, ...view.replies] }
}

async function audit(ctx: TurnContext, action: string, entity?: string, entityId?: string) {
  await writeAudit(ctx.db, {
    at: ctx.now,
    actor: `chat:${ctx.inbound.channel}`,
    action,
    entity: entity ?? 'chat',
    entityId: entityId ?? null,
  })
}

/** The event of the latest reminder sent to this chat that is not over yet (6 hours after its start). */
async function latestReminded(ctx: TurnContext, eventKey?: string): Promise<string | undefined> {
  if (eventKey) return eventKey
  const chat = chatOf(ctx)
  return await latestRemindedEvent(ctx.db, chat.channel, chat.chatId, new Date(ctx.now.getTime() - 6 * 3_600_000))
}

type Target =
  | {
      type: 'registration'
      id: number
      code: string
      title: string
      startsAt: Date
      attended: Date | null
      personId: number
      status: string
    }
  | {
      type: 'exam'
      id: number
      code: string
      kind: ExamKind
      startsAt: Date
      attended: Date | null
      personId: number
      status: string
    }

async function targetOf(db: Db, eventKey: string): Promise<Target | undefined> {
  const ref = parseEventKey(eventKey)
  if (!ref) return undefined
  const { source: type, id } = ref
  if (type === 'registration') {
    const row = await registrationWithSession(db, id)
    return (
      row && {
        type,
        id,
        code: row.registration.code,
        title: row.title,
        startsAt: row.startsAt,
        attended: row.registration.attendanceConfirmedAt,
        personId: row.registration.personId,
        status: row.registration.status,
      }
    )
  }
  if (type === 'exam') {
    const row = await examById(db, id)
    return (
      row && {
        type,
        id,
        code: row.code ?? String(row.id),
        kind: row.kind,
        startsAt: row.startsAt,
        attended: row.attendanceConfirmedAt,
        personId: row.personId,
        status: row.status,
      }
    )
  }
  return undefined
}

/** HADIR or BATAL to a reminder; undefined when this chat has no reminder to answer. */
async function answer(
  ctx: TurnContext,
  reply: 'hadir' | 'batal',
  contact: string,
  eventKey?: string,
): Promise<Outcome | undefined> {
  const key = await latestReminded(ctx, eventKey)
  if (!key || parseEventKey(key)?.source === 'portfolio') return undefined
  const { lang, db } = ctx
  const chat = chatOf(ctx)
  const personId = await personOfChat(db, chat.channel, chat.userId, ctx.now)
  const target = await targetOf(db, key)
  // A button under an old reminder of someone else's chat, or an event gone: say so plainly.
  if (!target || personId === undefined || target.personId !== personId || target.status === 'cancelled') {
    return { replies: [{ text: t(lang, texts.eventGone) }], next: null }
  }
  const zone = await zoneOf(db, personId)
  const what = target.type === 'registration' ? `Bimtek ${target.title}` : t(lang, EVENT_KIND[target.kind].short)
  const when = localMoment(target.startsAt, zone, lang)
  if (reply === 'hadir') {
    if (target.attended) return { replies: [{ text: fill(t(lang, texts.attendanceAgain), { what, when }) }], next: null }
    const confirm = target.type === 'registration' ? confirmRegistrationAttendance : confirmExamAttendance
    await confirm(db, target.id, ctx.now)
    await audit(ctx, 'attendance.confirmed', target.type, target.code)
    return { replies: [{ text: fill(t(lang, texts.attendance), { what, when }) }], next: null }
  }
  if (target.type === 'registration') return askCancel(ctx, target.code)
  return { replies: [{ text: fill(t(lang, texts.examCancel), { what, when, code: target.code, contact }) }], next: null }
}

export type ReminderChatDeps = {
  contact: string
  /** The reminder settings the plans made from the chat use (turned on again, language changed). */
  reminders: ReminderSettings
  /** Proves who is asking before an unlinked chat is shown its dates. */
  proof: Proof
}

export function createReminderChat(deps: ReminderChatDeps): {
  feature: Feature
  commands: TypedCommand[]
  actions: ChoiceAction[]
  cancelOutsideFlow: (ctx: TurnContext) => Promise<Outcome | undefined>
  languageChanged: (ctx: TurnContext) => void
  /** reminders.stop from a sentence: asks first (`reminder:stop:yes` / `reminder:stop:no`); already off, says so. */
  askStop: (ctx: TurnContext) => Promise<Outcome>
  /** reminders.start: on at once, as "mulai pengingat". */
  start: (ctx: TurnContext) => Promise<Outcome>
  /** reminders.list: the coming exams and Bimtek sessions and the planned reminders, after proof on an unlinked chat. */
  list: (ctx: TurnContext) => Promise<Outcome>
  /** The proof flows `list` starts (the engine must know them). */
  flows: FlowDefinition[]
} {
  const listProof = deps.proof.proofFlows('jadwal-saya', (ctx, person) => schedule(ctx, person, deps.reminders))
  const commands: TypedCommand[] = [
    (ctx, text) => {
      const typed = normalizeInput(text)
      if (STOP.test(typed) || PLAIN_STOP.test(typed)) return stop(ctx, deps.reminders)
      if (START.test(typed)) return start(ctx, deps.reminders)
      if (typed === 'pengingat' || typed === 'pengingat saya' || typed === 'reminder' || typed === 'reminders')
        return overview(ctx, deps.reminders)
      if (HADIR.test(typed)) return answer(ctx, 'hadir', deps.contact)
      return undefined
    },
  ]
  const actions: ChoiceAction[] = [
    {
      prefix: REMINDER_ACTION,
      async handle(ctx, choiceId) {
        const rest = choiceId.slice(REMINDER_ACTION.length)
        if (rest === 'off') return stop(ctx, deps.reminders)
        if (rest === 'on') return start(ctx, deps.reminders)
        if (rest === 'stop:yes') return stop(ctx, deps.reminders)
        if (rest === 'stop:no') return { replies: [{ text: t(ctx.lang, texts.stopKept) }], next: null }
        const [reply, ...key] = rest.split(':')
        const outcome = reply === 'hadir' || reply === 'batal' ? await answer(ctx, reply, deps.contact, key.join(':')) : undefined
        return outcome ?? { replies: [{ text: t(ctx.lang, texts.eventGone) }], next: null }
      },
    },
  ]
  /** The chat's language is the one reminders are written in: those still to come are rewritten. */
  const languageChanged = async (ctx: TurnContext) => {
    const chat = chatOf(ctx)
    await setChatLanguage(ctx.db, chat.channel, chat.userId, ctx.lang, ctx.now)
    const personId = await personOfChat(ctx.db, chat.channel, chat.userId, ctx.now)
    if (personId !== undefined) await planReminders(ctx.db, [personId], ctx.now, deps.reminders)
  }
  return {
    languageChanged,
    feature: { start: (ctx) => overview(ctx, deps.reminders) },
    commands,
    actions,
    cancelOutsideFlow: async (ctx) => await answer(ctx, 'batal', deps.contact),
    askStop,
    start: async (ctx) => await start(ctx, deps.reminders),
    list: (ctx) => deps.proof.proveFirst(ctx, listProof),
    flows: [listProof.claim, listProof.phone],
  }
}
