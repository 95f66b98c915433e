/**
 * The understanding step (issue 20): what one free message asks for. Actions the product can do or look up are read
 * from cue words and slots (intents.ts); knowledge questions go to the FAQ matcher, consulted at most once per clause
 * and never for a clear request. Unsure between an action and a knowledge answer → `ask` with the alternatives.
 * Pure: no database, no clock (the reference date comes in the context), no logging.
 */

import type { Matcher, MatchOutcome } from '../faq/matcher.js'
import { smallTalk } from '../faq/small-talk.js'
import { isGreeting } from '../text/intents.js'
import { type Cues, cuesOf, cueText, type Scored, scoreActions, UNDERSTAND_TUNING as T } from './intents.js'
import { bareCommand, CUES, FORGOT, OWN_REGISTRATION, OWN_RESULT, OWN_SEAT, OWN_STATE } from './lexicon.js'
import type { SecondOpinion } from './second-opinion.js'
import { serves } from './serves.js'
import { readSlots } from './slots/index.js'
import { splitRequests } from './split.js'
import type { ActionIntent, Intent, Reading, Slots, UnderstandContext, Understanding } from './types.js'

export type UnderstandingDeps = {
  matcher: Pick<Matcher, 'match'>
  /** The network trained on other writers' messages (second-opinion.ts); without it the rules decide alone. */
  secondOpinion?: SecondOpinion
}

/** What "understand" gives back without the clause split: one reading and what it is based on. */
type Single = Understanding & { matched: boolean; analysed?: Cues; decided?: boolean }

function slotsOf(text: string, ctx: UnderstandContext): Slots {
  const { slots, place } = readSlots(text, { now: ctx.now, regions: ctx.regions, timeZone: ctx.timeZone })
  const all: Slots = { ...slots }
  if (place.provinceCode !== undefined) all.provinceCode = place.provinceCode
  if (place.regencyCode !== undefined) all.regencyCode = place.regencyCode
  return all
}

const action = (scored: Scored, slots: Slots): Reading => ({
  intent: scored.intent,
  slots,
  topic: null,
  confidence: Number(scored.score.toFixed(2)),
})
const faqReading = (topic: string | null, score: number, slots: Slots): Reading => ({
  intent: 'faq',
  slots,
  topic,
  confidence: Number(Math.min(1, score).toFixed(2)),
})

/** Whether the message states a detail an action would use: a place, a month, online/offline, a number or a code. */
const carriesDetails = (slots: Slots) =>
  slots.region !== undefined ||
  slots.month !== undefined ||
  slots.mode !== undefined ||
  slots.number !== undefined ||
  slots.code !== undefined

/**
 * Whether an action is asked for beyond doubt, so the FAQ matcher is not consulted: a detail that only the action uses,
 * a command verb (stop, batal, hapus, talk to a person), a bare command word, or the person asking about their own
 * state ("udh … blm").
 */
function decisive(intent: ActionIntent, cues: Cues, slots: Slots): boolean {
  switch (intent) {
    case 'sessions.find':
    case 'registration.start':
      // A Bimtek itself, with a detail or asked for; "jadwal imsakiyah medan" names a place but no Bimtek.
      return CUES.sessionObject.test(cues.text) && (carriesDetails(slots) || cues.request)
    case 'certificate.verify':
      // A number, or authenticity asked for ("mau validasi sertifikat … atas nama pak budi"); "sertifikat asli
      // ketinggalan" only tells of an original.
      return slots.number !== undefined || (cues.request && CUES.authenticity.test(cues.text))
    case 'registration.cancel':
    case 'reminders.stop':
    case 'reminders.start':
    case 'data.delete':
    case 'handoff':
      return true
    case 'status.check':
      // "hasil asesmen sy udh keluar?", "hasil ujian sy gmn": the person's own progress or result.
      if (cues.mine && (CUES.progress.test(cues.text) || OWN_RESULT.test(cues.text))) return true
      break
    case 'reminders.list':
      // "kpn sy tes online nya": the date of the person's own exam, which only the records know.
      if (cues.mine && CUES.myDates.test(cues.text) && CUES.when.test(cues.text)) return true
      break
    case 'data.mine':
      // "akun telegram mana aja yg terhubung ke data sy": their own records, looked at.
      if (cues.mine && CUES.data.test(cues.text) && CUES.dataSee.test(cues.text)) return true
      break
    case 'registration.mine':
      // "aq daftar bimtek yg mana ya, lupa", "sy di daftar tunggu nomor brp", "registrasi sy apa aja": their own.
      if (cues.mine && (FORGOT.test(cues.text) || OWN_SEAT.test(cues.text) || OWN_REGISTRATION.test(cues.text))) return true
      break
  }
  return slots.code !== undefined || cues.request || OWN_STATE.test(cues.text) || bareCommand(cues.text) !== undefined
}

/** Question words: a clause that asks something. */
const ASKS =
  /(?:^| )(?:apa|berapa|kapan|bagaimana|gimana|mana|dimana|siapa|kenapa|mengapa|boleh|bisa|apa saja|what|how|why|when|where|who)(?= |$)/

/** Actions that look up the person's own records (they do nothing): told as context, they are not requests. */
const STATE_LOOKUPS: ReadonlySet<string> = new Set(['status.check', 'registration.mine', 'reminders.list', 'data.mine'])

const isSessionAction = (intent: ActionIntent) => intent === 'sessions.find' || intent === 'registration.start'

/** Creates the understanding step over the FAQ matcher. */
export function createUnderstanding(deps: UnderstandingDeps): {
  understand(text: string, ctx: UnderstandContext): Understanding
} {
  /** Reads one clause; `consult` gives the matcher's verdict, or undefined once the message has used its one call. */
  function single(text: string, slots: Slots, consult: (text: string) => MatchOutcome | undefined): Single {
    const cues = cuesOf(cueText(text))
    const ranked = scoreActions(cues, slots)
    const best = ranked[0] as Scored
    const second = ranked[1] as Scored
    const trail = ranked.filter((r) => r.score >= T.plausibleAt).map((r) => `${r.intent}:${r.score.toFixed(2)}`)
    const cueList = [...(cues.knowledge ? ['knowledge'] : []), ...(cues.request ? ['request'] : []), ...trail]
    const base = { alternatives: [] as Reading[], ask: false, cues: cueList, matched: false, analysed: cues }
    // A certificate number or a registration code is acted on even inside a question ("lsps… msh berlaku ga").
    const typedFor =
      (best.intent === 'certificate.verify' && slots.number !== undefined) ||
      ((best.intent === 'registration.cancel' || best.intent === 'registration.mine') && slots.code !== undefined)
    if (best.score >= T.actAt && (!cues.knowledge || typedFor)) {
      const alternatives = second.score >= T.actAt ? [action(second, slots)] : []
      if (decisive(best.intent, cues, slots)) return { ...action(best, slots), ...base, alternatives, decided: true }
      // A request read from general words only ("sy staf lks, apa perlu ikut sertif"): the FAQ's confident answer on
      // a topic the action does not serve wins, the action one tap away.
      const verdict = consult(text)
      const withMatch = verdict ? { ...base, match: verdict, matched: true } : base
      if (verdict?.kind === 'answer' && !serves(verdict.topic.id, best.intent) && verdict.score >= T.vetoAt) {
        return { ...faqReading(verdict.topic.id, verdict.score, slots), ...withMatch, alternatives: [action(best, slots)] }
      }
      // "pendaftaran cpns kemensos kpn dibuka": a subject that is not ours gets its pointer.
      if (verdict?.kind === 'outOfScope') {
        return { ...faqReading(null, verdict.score, slots), ...withMatch, alternatives: [action(best, slots)] }
      }
      return { ...action(best, slots), ...withMatch, alternatives }
    }
    if (isGreeting(text) || smallTalk(text)) return { ...faqReading(null, 0, slots), ...base }
    const verdict = consult(text)
    const match: MatchOutcome = verdict ?? { kind: 'none', score: 0 }
    const withMatch = verdict ? { ...base, match: verdict, matched: true } : base
    const plausible = best.score >= T.plausibleAt
    if (match.kind === 'answer') {
      const topic = match.topic.id
      const faq = faqReading(topic, match.score, slots)
      if (!plausible) return { ...faq, ...withMatch }
      // The topic's own action, asked with details the general answer would ignore ("bimtek di manado tatap muka"),
      // or a Bimtek named with a place or month ("bimtek kalteng"): the details decide for the action, the answer
      // stays one tap away.
      const lookUp = best.intent === 'sessions.find' || serves(topic, best.intent)
      if (lookUp && !cues.knowledge && carriesDetails(slots)) {
        return { ...action(best, slots), ...withMatch, alternatives: [faq] }
      }
      return { ...faq, ...withMatch, alternatives: serves(topic, best.intent) ? [action(best, slots)] : [] }
    }
    if (!plausible) return { ...faqReading(null, match.score, slots), ...withMatch }
    // A subject that is not ours ("kartu kis sy nonaktif", "pinjem duit dong") gets its pointer, not a question about
    // an action read from general words; only a Bimtek with a place or month ("bimtek di ambon") is still asked about.
    const namedBimtek = isSessionAction(best.intent) && carriesDetails(slots) && CUES.sessionObject.test(cues.text)
    if (match.kind === 'outOfScope' && !namedBimtek) {
      return { ...faqReading(null, match.score, slots), ...withMatch, alternatives: [action(best, slots)] }
    }
    // No confident answer and an action that is plausible but not clearly asked for: ask, the action first.
    const suggested = match.kind === 'suggest' ? match.topics.map((topic) => faqReading(topic.id, match.score, slots)) : []
    const alternatives = [...(second.score >= T.plausibleAt ? [action(second, slots)] : []), ...suggested].slice(0, 3)
    if (cues.knowledge) {
      return {
        ...faqReading(null, match.score, slots),
        ...withMatch,
        ask: true,
        alternatives: [action(best, slots), ...alternatives].slice(0, 3),
      }
    }
    return { ...action(best, slots), ...withMatch, ask: true, alternatives }
  }

  // A knowledge clause counts as a request of its own only when it asks something ("Yth admin, kami dari …" does not).
  // An action clause stands alone only as a clear request ("…, kompeten gak" after "hasil ujian sy gmn" does not).
  const isReading = (u: Single, text: string) =>
    u.intent !== 'faq' ? u.confidence >= T.actAt : u.topic !== null && (text.includes('?') || ASKS.test(cueText(text)))
  const isQuestion = (text: string) => cuesOf(cueText(text)).knowledge
  const isStrong = (text: string, slots: Slots) => {
    const cues = cuesOf(cueText(text))
    return !cues.knowledge && (scoreActions(cues, slots)[0]?.score ?? 0) >= T.actAt
  }

  /**
   * The rules' reading weighed against the second opinion: the rules' intent counts for `rulesWeight` (its confidence,
   * at least one half), its alternatives for half their confidence, the network's shares for the rest. When the two
   * disagree the person is asked, the pick first and the rules' reading second, so a wrong pick costs one tap.
   * Kept as the rules read it: a bare command word, a typed number or code, small talk, a subject that is not ours
   * (its pointer), and a knowledge answer the network would replace with no answer.
   */
  function reconsider(text: string, slots: Slots, reading: Understanding, analysed?: Cues): Understanding {
    const opinion = deps.secondOpinion
    if (!opinion) return reading
    const cues = analysed ?? cuesOf(cueText(text))
    if (bareCommand(cues.text) !== undefined || slots.number !== undefined || slots.code !== undefined) return reading
    if (reading.intent === 'faq' && (!reading.match || reading.match.kind === 'outOfScope')) return reading
    const details = Object.keys(slots).filter((name) => !name.endsWith('Code'))
    const shares = opinion.weigh(cues.text, cues, details)
    const w = opinion.rulesWeight
    const weight = new Map<Intent, number>()
    for (const [intent, share] of Object.entries(shares) as [Intent, number][]) weight.set(intent, (1 - w) * share)
    const add = (intent: Intent, value: number) => weight.set(intent, (weight.get(intent) ?? 0) + value)
    add(reading.intent, w * Math.max(0.5, reading.confidence))
    for (const other of reading.alternatives) if (other.intent !== reading.intent) add(other.intent, w * 0.5 * other.confidence)
    const [pick, score] = [...weight].sort((a, b) => b[1] - a[1])[0] ?? [reading.intent, 0]
    if (pick === reading.intent) return reading
    const cuesOut = [...reading.cues, `second-opinion:${pick}`]
    const { alternatives: _a, ask: _k, cues: _c, ...rules } = reading
    const rulesReading: Reading = { ...rules, slots }
    // The rules' reading is offered second; when it was no answer at all, the topics the matcher suggested are.
    const offered =
      reading.intent === 'faq' && reading.topic === null
        ? reading.alternatives.filter((other) => other.intent !== pick)
        : [rulesReading, ...reading.alternatives.filter((other) => other.intent !== pick)].slice(0, 2)
    if (pick === 'faq') {
      const verdict = reading.match ?? deps.matcher.match(text)
      // No answer: the FAQ's own reply to a question it cannot answer (suggestions, the way to staff), not a guess.
      if (verdict.kind !== 'answer') {
        return { ...faqReading(null, verdict.score, slots), match: verdict, alternatives: offered, ask: false, cues: cuesOut }
      }
      const faq = faqReading(verdict.topic.id, verdict.score, slots)
      return { ...faq, match: verdict, alternatives: offered, ask: true, cues: cuesOut }
    }
    const picked: Reading = { intent: pick, slots, topic: null, confidence: Number(Math.min(1, score).toFixed(2)) }
    return { ...picked, ...(reading.match && { match: reading.match }), alternatives: offered, ask: true, cues: cuesOut }
  }

  return {
    understand(text, ctx) {
      // The matcher runs once per reading: a clause, or the whole message (twice only when a cut did not stand).
      let spent = false
      const consult = (question: string) => {
        if (spent) return undefined
        spent = true
        return deps.matcher.match(question)
      }
      const slots = slotsOf(text, ctx)
      const clauses = splitRequests(text)
      const left = clauses && { text: clauses[0], slots: slotsOf(clauses[0], ctx) }
      const right = clauses && { text: clauses[1], slots: slotsOf(clauses[1], ctx) }
      // Two clauses that both need the matcher ("syaratnya apa, biayanya brp") are read as one message (one call).
      if (left && right && (isStrong(left.text, left.slots) || isStrong(right.text, right.slots))) {
        const first = single(left.text, left.slots, consult)
        const second = single(right.text, right.slots, consult)
        const differ = first.intent !== second.intent || first.topic !== second.topic
        // "saya sudah menerima SK …, berapa lama biasanya …": the person's own case told before a knowledge question
        // is its context, not a request for their records.
        const context = (u: Single) => STATE_LOOKUPS.has(u.intent)

        // "sy udh lulus, gak perlu pengingat lagi": the case told, then what to do: the request is the second clause.
        const leftCues = cuesOf(cueText(left.text))
        const told = context(first) && !left.text.includes('?') && !ASKS.test(leftCues.text) && !leftCues.request
        const toldFirst = told && second.intent === 'faq'
        if (told && isReading(second, right.text) && second.intent !== 'faq' && !context(second)) {
          const { matched: _m, analysed: _a, decided: _d, ...request } = second
          return { ...request, slots, cues: [...first.cues, 'context', ...second.cues] }
        }
        if (isReading(first, left.text) && isReading(second, right.text) && differ && !toldFirst) {
          const { matched: _m, analysed: _a, decided: _d, ...primary } = first
          const also: Reading = { intent: second.intent, slots: second.slots, topic: second.topic, confidence: second.confidence }
          const more = splitRequests(right.text) !== undefined
          return { ...primary, slots, also, ...(more && { more }), cues: [...first.cues, 'split', ...second.cues] }
        }
      }
      // Two knowledge questions ("syaratnya apa, biayanya brp"): each clause is matched on its own, so neither is
      // dropped. Only messages whose both clauses ask how/what pay for the second call.
      if (left && right && isQuestion(left.text) && isQuestion(right.text)) {
        const [a, b] = [deps.matcher.match(left.text), deps.matcher.match(right.text)]
        if (a.kind === 'answer' && b.kind === 'answer' && a.topic.id !== b.topic.id) {
          const also = faqReading(b.topic.id, b.score, right.slots)
          const more = splitRequests(right.text) !== undefined
          const reading = faqReading(a.topic.id, a.score, slots)
          return { ...reading, alternatives: [], ask: false, match: a, also, ...(more && { more }), cues: ['split'] }
        }
      }
      // A cut that did not stand leaves the whole message its own reading, the matcher's verdict on all of it included.
      spent = false
      const { matched: _m, analysed, decided, ...reading } = single(text, slots, consult)
      // The rules are sure, and the network is not asked: a request asked for in so many words ("daftarin aku bimtek bulan
      // depan dong"), or a knowledge question the FAQ answers confidently ("kalo mau cek status, perlu data apa aja").
      const sure =
        (decided === true && analysed?.request === true) ||
        (reading.intent === 'faq' &&
          analysed?.knowledge === true &&
          reading.match?.kind === 'answer' &&
          reading.match.score >= T.vetoAt)
      return sure ? reading : reconsider(text, slots, reading, analysed)
    },
  }
}
