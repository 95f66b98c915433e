/**
 * The words that answer a yes/no question, one list for every question the assistant asks: a
 * yes/no option typed instead of tapped, the consent, a flow's summary, a seat offer, the words
 * before HADIR, ending a talk with staff. Indonesian, English and the regional languages the
 * workforce mixes in (jv Javanese, su Sundanese, min Minangkabau, bew Betawi, bjn Banjar, mak
 * Bugis-Makassar Malay, btk Batak/Medan, ban Balinese, pap/amb Papuan and Ambonese Malay, kup
 * Kupang Malay). A word that is yes or no in one language and something else in another counts
 * only as the whole answer (ALONE lists): "sing" is Balinese "no" but Javanese "which".
 */
import { normalizeInput } from './normalize.js'

const YES = [
  ...'ya y iya iy yes yup ok oke okay okey sip siap benar bener betul setuju boleh lanjut'.split(' '), // id, en
  ...['yeah', 'yep', 'yea', 'sure'], // en
  ...['nggih', 'inggih', 'enggih', 'injih', 'yowis', 'yowes', 'leres'], // jv (leres: jv/su krama "right")
  ...['iyo'], // jv, min, amb
  ...['muhun', 'sumuhun', 'enya'], // su
  ...['iye', 'iyye'], // bew, mak
  ...['io'], // pap, amb
  'yoi', // slang
]
/** Yes only as the whole answer: elsewhere in a sentence they are other words. */
const YES_ALONE = [
  'yo', // jv, min "ya"; but Surabaya "yo opo" = "how"
  'eo', // pap "ya"; else a typo
  'olo', // btk (Toba) "ya"
  'mau', // "want": yes to an offer, but "mau tanya dulu" is no consent
  'bisa', // "can": yes alone, but "bisa dijelaskan?" is a question
  'jadi', // "it's on" alone, but "jadi gimana?" is a question
]
// Two words, as typed or as normalizeInput leaves "ho'oh" / "he'eh" (jv "yes").
const YES_PHRASES = ['ho oh', 'he eh', 'yo wis', 'yo wes', 'oke lah', 'ok lah', 'okelah', 'iyo lah']
// Checked as typed, not with doubled letters folded: folded they would be "hoh" / "heh", an exclamation.
const YES_EXACT = ['hooh', 'heeh']

const NO = [
  ...['tidak', 'tdk', 'gak', 'ga', 'gk', 'nggak', 'ngga', 'enggak', 'no', 'not', 'bukan', 'jangan', 'belum', 'blm', 'tolak'], // id, en
  ...['nope', 'cancel'], // en
  ...['ora', 'orak', 'emoh', 'mboten', 'boten', 'dereng', 'durung'], // jv (dereng, durung: "not yet")
  ...['henteu', 'hente', 'teu', 'embung', 'moal'], // su (embung: "won't", moal: "will not")
  ...['indak', 'ndak'], // min; ndak also jv, bjn
  'nda', // mak, Manado
  'kada', // bjn
  ...['kagak', 'kaga'], // bew
  'tra', // pap
  'sonde', // kup
  'tusing', // ban
]
/** No only as the whole answer: elsewhere in a sentence they are other words. */
const NO_ALONE = [
  'sing', // ban "no"; jv "which/that" ("sing penting")
  'seng', // amb "no"; id "zinc", East jv "which"
  'sang', // amb "no"; id article ("sang juara")
  'alun', // min "not yet"; id "alun-alun"
  'kadada', // bjn "there is none": "kadada masalah" is no refusal
  'trada', // pap "there is none", likewise
  'daong', // btk (Toba) "no"
]
// "tidak jadi" is also the global cancel word; typed alone it rarely reaches a question.
const NO_PHRASES = ['tidak jadi', 'gak jadi', 'ga jadi', 'ndak jadi', 'teu acan', 'teu jadi', 'ora sido', 'mboten sios']

/** Doubled letters as one ("yaa" → "ya", "okee" → "oke"): normalizeInput keeps pairs, people type them. */
const fold = (word: string) => word.replace(/(\p{L})\1+/gu, '$1')

const yesInSentence = new Set([...YES, ...YES_PHRASES].map(fold))
const noInSentence = new Set([...NO, ...NO_PHRASES].map(fold))
const yesAlone = new Set(YES_ALONE.map(fold))
const noAlone = new Set(NO_ALONE.map(fold))
const yesExact = new Set(YES_EXACT)

const saysYes = (word: string) => yesExact.has(word) || yesInSentence.has(fold(word))
const saysNo = (word: string) => noInSentence.has(fold(word))

/** The yes words and phrases as listed, for patterns that allow them around another word ("nggih hadir"). */
export const YES_WORDS: readonly string[] = [...YES, ...YES_ALONE, ...YES_PHRASES, ...YES_EXACT]

/** Whether a whole answer of normalized text says yes: "ya", "iyaa", "ok", "nggih", "muhun", "ho oh", "mau". */
export const isYes = (answer: string): boolean => saysYes(answer) || yesAlone.has(fold(answer))

/** Whether a whole answer of normalized text says no: "tidak", "gak", "belum", "mboten", "henteu", "sing". */
export const isNo = (answer: string): boolean => saysNo(answer) || noAlone.has(fold(answer))

/**
 * What a short answer says, for the questions that read a sentence ("belum setuju", "nggih setuju"):
 * the whole answer first, then a no anywhere (a word, or two words such as "teu acan"), then a yes
 * anywhere. The ALONE words count only as the whole answer.
 */
export function yesNoIn(text: string): 'yes' | 'no' | undefined {
  const answer = normalizeInput(text)
  if (isNo(answer)) return 'no'
  if (isYes(answer)) return 'yes'
  const words = answer.split(' ')
  const pieces = [...words, ...words.slice(1).map((word, i) => `${words[i]} ${word}`)]
  if (pieces.some(saysNo)) return 'no'
  if (pieces.some(saysYes)) return 'yes'
  return undefined
}
