/**
 * The words that answer a yes/no question, one list for every question the assistant asks: a
 * yes/no option typed instead of tapped, the consent, a flow's summary, a seat offer, the words
 * before HADIR. Each caller decides how much text around them it accepts.
 */

const YES = 'ya y iya iy yes yup ok oke okay okey sip siap benar bener betul setuju boleh lanjut'.split(' ')
// "tidak jadi" is also the global cancel word; typed alone it rarely reaches a question.
const NO = ['tidak', 'tdk', 'gak', 'ga', 'gk', 'nggak', 'ngga', 'enggak', 'no', 'not', 'bukan', 'jangan', 'belum', 'blm', 'tolak']
const NO_PHRASES = ['tidak jadi', 'gak jadi', 'ga jadi']

/** Doubled letters as one ("yaa" → "ya", "okee" → "oke"): normalizeInput keeps pairs, people type them. */
const fold = (word: string) => word.replace(/(\p{L})\1+/gu, '$1')

const yes = new Set(YES.map(fold))
const no = new Set([...NO, ...NO_PHRASES].map(fold))

/** The yes words as listed, for patterns that allow them before another word ("ya hadir"). */
export const YES_WORDS: readonly string[] = YES

/** Whether a word (or the whole answer) of normalized text says yes: "ya", "iyaa", "ok", "setuju". */
export const isYes = (word: string): boolean => yes.has(fold(word))

/** Whether a word (or the whole answer) of normalized text says no: "tidak", "gak", "belum", "tidak jadi". */
export const isNo = (word: string): boolean => no.has(fold(word))
