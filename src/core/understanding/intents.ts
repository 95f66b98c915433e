/**
 * Scores the twelve actions of a message from its cue words and its slots (decision D1 of the plan: rules, no trained
 * classifier). Each score adds an object cue, a verb cue, a request or possessive cue and the slots that fit, and takes
 * off a knowledge cue ("cara", "kenapa"): a how-question stays with the FAQ even when it names an action (D3).
 */
import { words } from '../faq/normalize.js'
import {
  ASKING,
  bareCommand,
  CUES as C,
  CONDITIONAL,
  HOW,
  HOW_FIRST,
  KNOWLEDGE,
  MINE,
  NEGATION,
  OWN_RESULT,
  OWN_SESSION,
  POLITE,
  REQUEST,
  REQUEST_END,
  THIRD_PARTY_ASKS,
  WHETHER,
  WHETHER_END,
} from './lexicon.js'
import { respell } from './spelling.js'
import type { ActionIntent, Slots } from './types.js'

/** Thresholds, tuned on content/understanding/understand-dev.jsonl and the unit tables only. */
export const UNDERSTAND_TUNING = {
  /** An action this sure, without a knowledge cue, is answered without asking the FAQ matcher. */
  actAt: 0.7,
  /** Below this an action is not considered at all. */
  plausibleAt: 0.4,
  /** What a knowledge cue takes off every action. */
  knowledgePenalty: 0.35,
  /** A FAQ answer this sure, on a topic the action does not serve, outweighs an action read from general words. */
  vetoAt: 0.6,
} as const

export type Cues = { text: string; knowledge: boolean; request: boolean; mine: boolean; asking?: boolean }
export type Scored = { intent: ActionIntent; score: number }

/**
 * Words only Balinese uses. With one of them, "sing" is the Balinese "tidak" ("tiang sing nyidang teka"), not the
 * Javanese "yang" that the FAQ's tables read it as (regional.ts: Javanese writers are far more).
 */
const BALINESE = /(?:^|[^\p{L}])(?:tiang|titiang|icang|buin|sube|nyidang|nyidaang|eda|kenken|tusing|ragane)(?![\p{L}])/iu
const BALINESE_SING = /(?<![\p{L}])sing(?![\p{L}])/giu

/** The analysed text of a message: the FAQ analyzer's rewritten words, the key words respelled, joined by single spaces. */
export function cueText(message: string): string {
  const read = BALINESE.test(message) ? message.replace(BALINESE_SING, 'tidak') : message
  return respell(words(read)).join(' ')
}

/** The cues of an analysed text that every action shares. */
export function cuesOf(text: string): Cues {
  // "kalo mau cek …, data apa yg diminta", "mau tanya …": a condition or a question's opening, not a request.
  const conditional = CONDITIONAL.test(text)
  const wished = text.replace(CONDITIONAL, ' ').replace(ASKING, ' ').replace(THIRD_PARTY_ASKS, ' ')
  const request = REQUEST.test(wished) || REQUEST_END.test(wished)
  const mine = MINE.test(text)
  // "bisa bicara dgn petugas?" asks for a person, not whether it is possible in general.
  const asksForPerson = C.person.test(text) && C.talk.test(text)
  // "sambungkeun ka admin, abdi bingung": confusion is why they ask for a person, not a question.
  const puzzled = asksForPerson ? text.replace(/(?:^| )(?:bingung|tidak mengerti|tidak paham)(?= |$)/g, ' ') : text
  // "boleh minta …", "bisa tolong …": a polite request, not a question of whether; "tidak bisa datang" says what is.
  const polite = POLITE.test(text)
  const asked = polite ? puzzled.replace(/(?:^| )(?:boleh|bisa|bisakah|bolehkah|can|could)(?= |$)/g, ' ') : puzzled
  const whether = WHETHER.test(asked.replace(/(?:^| )(?:tidak|seng|nda|ndak|tra|indak) bisa(?= |$)/g, ' '))
  const knowledge =
    conditional ||
    KNOWLEDGE.test(asked) ||
    // "gmn hasil ujian sy kemaren" asks about their own result, not how something works.
    (HOW_FIRST.test(text) && !(mine && OWN_RESULT.test(text))) ||
    (HOW.test(text) && !mine) ||
    (whether && !request && !asksForPerson) ||
    (WHETHER_END.test(text) && !polite)
  return { text, knowledge, request: request || polite, mine, asking: ASKING.test(text) }
}

const has = (re: RegExp, text: string) => re.test(text)
const blank = (cut: string) => ' '.repeat(cut.length)

const globalVersions = new WeakMap<RegExp, RegExp>()

/** Where the last match of a cue starts in `text`, or −1. */
function lastMatch(re: RegExp, text: string): number {
  // Compiled once per cue, not on every message; lastIndex is reset as a new one's would be.
  let all = globalVersions.get(re)
  if (!all) {
    all = new RegExp(re.source, 'g')
    globalVersions.set(re, all)
  }
  all.lastIndex = 0
  let at = -1
  for (let m = all.exec(text); m; m = all.exec(text)) {
    at = m.index
    all.lastIndex = m.index + Math.max(1, m[0].length)
  }
  return at
}

function raw(cues: Cues, slots: Slots): Record<ActionIntent, number> {
  const t = cues.text
  const place = slots.region !== undefined
  const when = slots.month !== undefined
  const mode = slots.mode !== undefined
  const session = has(C.sessionObject, t)
  const register = has(C.register, t)
  const remind = has(C.remind, t)
  const reminder = has(C.reminder, t) || remind
  const certificate = has(C.certificate, t)
  const data = has(C.data, t)
  const person = has(C.person, t)
  const myDate = has(C.myDates, t) && cues.mine
  const code = slots.code !== undefined
  const number = slots.number !== undefined
  const cancel = has(C.cancel, t)
  const registration = has(C.registration, t) || code
  const lookup = has(C.lookup, t)
  // "bimtek sy mulai jam brp" is their own session; "sa mau tanya bimtek di jayapura" asks about sessions.
  const mySession = OWN_SESSION.test(t) && !cues.request && !cues.asking && !register && !remind
  // "aq daftar bimtek yg mana ya, lupa": a registration already made, looked up.
  const myRegistration =
    (register && cues.mine && lookup && !cues.request) || /(?:^| )yang (?:saya|aku) (?:sudah )?daftar(?= |$)/.test(t)
  // "ke-stop" tells what happened, it does not ask to stop.
  // "ke-stop", "salah pencet stop" tell what happened; of "stop … nyalain lagi", the later wish counts.
  // (Cut words are blanked to the same length, so the places of the cues stay comparable.)
  // (English "stop" is rewritten "berhenti".)
  const told = t.replace(/(?:^| )(?:ke|kepencet|terpencet|kepencat|salah pencet) (?:stop|berhenti)(?= |$)/g, blank)
  const stopAt = lastMatch(C.stop, told)
  // A start verb after a negation or a stop verb ("jangan kirim", "ga usah kirimin", "stop kirim", "tidak perlu lagi
  // dikirimi", Minang "jan kirim") is no wish to start.
  const unnegated = told.replace(
    /(?:^| )(?:jangan|jgn|jan|tidak|ojo|ulah|nda|ndak|indak|seng|tra|stop|berhenti|hentikan|matikan)(?: (?:usah|perlu|mau|ingin))?(?: lagi)? \S+/g,
    blank,
  )
  const startAt = lastMatch(C.start, unnegated)
  const stop = (stopAt >= 0 && stopAt > startAt) || (reminder && startAt < 0 && has(NEGATION, t))
  const start = startAt >= 0 && !stop
  const erase = has(C.erase, t)
  const ask = cues.request ? 0.2 : 0
  const mine = cues.mine ? 0.2 : 0

  const sessionsFind =
    (session ? 0.4 : 0) +
    (has(C.sessionVerb, t) ? 0.3 : 0) +
    Math.min(0.3, (place ? 0.2 : 0) + (when ? 0.2 : 0) + (mode ? 0.2 : 0)) -
    // "daftar … tgl 15" registers; "kapan … daftar" asks when.
    (register && !/(?:^| )(?:kapan|when|jadwal\w*)(?= |$)/.test(t) ? 0.3 : 0) -
    (myDate || mySession || code ? 0.3 : 0) -
    // "ingatkan saya sebelum bimtek tgl 21": a reminder asked for, not the schedule; "… cancel aja": a cancellation.
    (remind ? 0.4 : 0) -
    (cancel ? 0.5 : 0) -
    // A place or a month without a Bimtek ("bansos pkh bulan ini cair kapan") is not a schedule question.
    (session || /(?:^| )jadwal/.test(t) ? 0 : 0.3)
  const registrationStart =
    (register ? 0.4 : 0) +
    (session || place || when ? 0.3 : 0) +
    (cues.request || /(?:^| )daftar(?:in|kan|akan|ang|aken|keun)(?= |$)/.test(t) ? 0.3 : 0) -
    (cancel ? 0.5 : 0) -
    ((registration || register) && lookup && !cues.request ? 0.3 : 0) -
    // "sy gak mau lagi ikut sertifikasi": no wish to register.
    (/(?:^| )tidak (?:mau|ingin|jadi) (?:lagi )?(?:ikut|daftar)/.test(t) ? 0.6 : 0)
  const registrationMine =
    (registration || mySession || myRegistration ? 0.4 : 0) +
    (lookup || mySession || code ? 0.3 : 0) +
    mine -
    (cancel ? 0.5 : 0) -
    (cues.request && register ? 0.3 : 0) -
    // "hidupkan lagi pengingat bimtek awak": the reminders of their session, not the session.
    (reminder && (start || stop) ? 0.4 : 0) -
    (/(?:^| )status(?= |$)/.test(t) ? 0.2 : 0) -
    (data && !session && !code ? 0.3 : 0)
  const registrationCancel =
    cancel && !(data && !registration) ? (registration || session || register ? 0.4 : 0) + 0.4 + (ask || mine ? 0.2 : 0) : 0
  // Without "my" a status word is a general question ("biaya sertifikasi brp"), unless it is the command "cek status".
  // Certification in general ("sy pekerja sosial, apa wajib sertifikasi") is the person's own case only with a word
  // of progress ("udh sampe mana", "udh terbit blm"); a status word ("status", "portofolio", "hasil") is enough.
  const statusWord = has(C.status, t)
  const statusObject = statusWord || has(C.statusGeneric, t) || (certificate && cues.mine)
  const statusCheck = !statusObject
    ? 0
    : (statusWord ? 0.4 : 0.2) +
      (has(statusWord ? C.statusVerb : C.progress, t) ? 0.3 : 0) +
      (cues.mine || /(?:^| )(?:cek|check) status/.test(t) ? 0.3 : -0.2) -
      (number ? 0.4 : 0) -
      (session ? 0.2 : 0) -
      (registration && !/(?:^| )sertifikasi(?= |$)/.test(t) ? 0.3 : 0)
  const certificateVerify =
    (certificate ? 0.4 : 0) +
    (has(C.verifyVerb, t) ? 0.3 : 0) +
    (number ? 0.7 : 0) -
    // "cek sertifikat saya" is the person's own case; "kami mau memastikan sertifikat … asli" is a verification.
    (cues.mine && !number && !has(C.authenticity, t) ? 0.3 : 0)
  const state = has(C.reminderState, t)
  const remindersStop = stop ? (reminder ? 0.4 : 0) + 0.4 + (ask || mine ? 0.2 : 0) : 0
  const remindersStart = start && !stop && !state ? (reminder ? 0.4 : 0) + 0.3 + (ask || mine ? 0.2 : 0) : 0
  const remindersList =
    (myDate ? 0.4 : 0) +
    (myDate && has(C.when, t) ? 0.4 : 0) +
    (reminder && state ? 0.9 : 0) +
    (reminder && !stop && !start && (has(C.lookup, t) || (has(C.when, t) && cues.mine)) ? 0.7 : 0) -
    (register || (reminder && start && !state) ? 0.4 : 0)
  const handoff =
    (person ? 0.4 : 0) + (has(C.talk, t) || cues.request ? 0.3 : 0) + (ask ? 0.2 : 0) - (has(C.contactDetail, t) ? 0.4 : 0)
  const dataMine = (data ? 0.4 : 0) + (has(C.dataSee, t) ? 0.3 : 0) + mine - (erase ? 0.5 : 0)
  const dataDelete = erase ? (data ? 0.4 : 0) + 0.4 + (ask || mine ? 0.2 : 0) - (registration ? 0.5 : 0) : 0
  return {
    'sessions.find': sessionsFind,
    'registration.start': registrationStart,
    'registration.mine': registrationMine,
    'registration.cancel': registrationCancel,
    'status.check': statusCheck,
    'certificate.verify': certificateVerify,
    'reminders.stop': remindersStop,
    'reminders.start': remindersStart,
    'reminders.list': remindersList,
    handoff,
    'data.mine': dataMine,
    'data.delete': dataDelete,
  }
}

/** The actions a message may ask for, best first, each with its score (0–1, the knowledge cue already taken off). */
export function scoreActions(cues: Cues, slots: Slots): Scored[] {
  const scores = raw(cues, slots)
  const bare = bareCommand(cues.text) as ActionIntent | undefined
  if (bare) scores[bare] = 1
  const penalty = cues.knowledge ? UNDERSTAND_TUNING.knowledgePenalty : 0
  // A number or a code the person typed is theirs to act on, even inside a question ("boleh cek LSPS-…?").
  const exempt = (intent: ActionIntent) =>
    (intent === 'certificate.verify' && slots.number !== undefined) ||
    ((intent === 'registration.cancel' || intent === 'registration.mine') && slots.code !== undefined)
  return (Object.entries(scores) as [ActionIntent, number][])
    .map(([intent, score]) => ({
      intent,
      score: Math.round(Math.max(0, Math.min(1, score) - (exempt(intent) ? 0 : penalty)) * 100) / 100,
    }))
    .sort((a, b) => b.score - a.score)
}
