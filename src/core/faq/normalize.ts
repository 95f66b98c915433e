/**
 * Turns a question as people type it into the terms the matcher compares: case, accents, emoji
 * and punctuation removed, stretched letters shortened ("bgtttt"), "kata2" read as "kata",
 * chat abbreviations and English rewritten (see lexicon.ts), function words dropped, colloquial
 * affixes ("ngurusin", "gunane") and typos ("sertifkasi") brought back to words the knowledge base
 * uses, and every word reduced to its Indonesian stem.
 */
import { distance } from 'fastest-levenshtein'
import { Stemmer } from 'sastrawijs'
import { CHAT_REWRITES, PHRASES, PLACES, PROTECTED, REWRITES, STOPWORDS } from './lexicon.js'

const stems = new Map<string, string>()
const sastrawi = new Stemmer()

/** The stem of one lower-case word ("pendaftarannya" → "daftar"); domain words stay whole. */
export function stemWord(word: string): string {
  if (PROTECTED.has(word) || PLACES.has(word) || word.length < 4 || /\d/.test(word)) return word
  let result = stems.get(word)
  if (result === undefined) {
    result = sastrawi.stem(word)
    // The stemmer strips "-nya", "-lah" and prefixes; a result that short means it over-reached.
    if (result.length < 3) result = word
    if (stems.size < 50_000) stems.set(word, result)
  }
  return result
}

/** Anything but printable ASCII and white space: only such text can need NFKD or hold a doubled non-ASCII letter. */
const NOT_PLAIN_ASCII = /[^\t\n\r -~]/

/**
 * The "2" of "kata2" (a reduplicated word), after at least three letters and not before a digit. A
 * fixed-length lookbehind, so each "2" costs the same however long the word before it: the former
 * `(\p{L}{3,})2` tried every start in a run of letters, and a 65,536-letter message took seconds.
 */
const REDUPLICATION = /(?<=\p{L}{3})2(?!\d)/gu

/** Lower case, no accents, punctuation or emoji; words split from numbers; stretched letters cut. */
export function cleanText(text: string): string {
  // Each step runs only where it can change something: the knowledge base's thousands of texts are
  // cleaned at every start, and most are plain ASCII without a digit.
  let clean = NOT_PLAIN_ASCII.test(text) ? text.normalize('NFKD').replace(/\p{M}/gu, '') : text
  clean = clean.toLowerCase()
  if (clean.includes('2')) clean = clean.replace(REDUPLICATION, '')
  clean = clean.replace(/[^\p{L}\p{N}]+/gu, ' ')
  if (/\p{N}/u.test(clean)) clean = clean.replace(/(\p{L})(\p{N})/gu, '$1 $2').replace(/(\p{N})(\p{L})/gu, '$1 $2')
  return clean.replace(/(\p{L})\1{2,}/gu, '$1').trim()
}

/** Whether a letter follows the same letter ("sertiff"); only asked of plain ASCII words. */
function hasDoubledAsciiLetter(word: string): boolean {
  for (let i = 1; i < word.length; i++) {
    if (word[i] === word[i - 1] && /[a-z]/i.test(word[i] ?? '')) return true
  }
  return false
}

const ENGLISH_ENDINGS = ['s', 'es', 'd', 'ed', 'ing', 'ly']

function rewrite(word: string, table: Record<string, string>): string[] {
  const direct = table[word]
  if (direct !== undefined) return direct.split(' ')
  // "gmnaa", "sertiff": a doubled letter that is only emphasis.
  const single = NOT_PLAIN_ASCII.test(word) || hasDoubledAsciiLetter(word) ? word.replace(/(\p{L})\1/gu, '$1') : word
  const loose = single !== word ? table[single] : undefined
  if (loose !== undefined) return loose.split(' ')
  // Possessive "-nya" on a short form: "sertifnya", "bimteknya".
  if (word.endsWith('nya') && word.length > 5) {
    const base = table[word.slice(0, -3)]
    if (base !== undefined) return base.split(' ')
  }
  // A prefix on a colloquial word: "dipake" → "dipakai", "kepake" (Jakarta ke- for ter-) → "terpakai".
  const prefixed = /^(di|ke|ter)(.{3,})$/.exec(word)
  const inner = prefixed?.[2] !== undefined ? table[prefixed[2]] : undefined
  if (prefixed && inner !== undefined && /^\p{L}+$/u.test(inner) && !/^(di|ke|ter)/.test(inner))
    return [`${prefixed[1] === 'ke' ? 'ter' : prefixed[1]}${inner}`]
  // An English inflection of a word of the tables: "schedules", "registered", "renewing", "legally".
  for (const ending of ENGLISH_ENDINGS) {
    const base = word.length - ending.length >= 4 && word.endsWith(ending) ? table[word.slice(0, -ending.length)] : undefined
    if (base !== undefined) return base.split(' ')
  }
  // A stretched last vowel ("prosesnyaa", "gimanaa"): Indonesian words do not end in a double vowel.
  if (/([aiueo])\1$/.test(word) && word.length > 4) return rewrite(word.slice(0, -1), table)
  return [word]
}

/**
 * What `words()` rewrites: everything (true), nothing (false), or only the chat forms, without the
 * regional languages' words (`'chat'`, to measure what those add).
 */
export type Rewriting = boolean | 'chat'

/** The words of a text after rewriting (unless `rewriting` is off), before stop words and stemming. */
export function words(text: string, rewriting: Rewriting = true): string[] {
  const cleaned = cleanText(text)
  if (!cleaned) return []
  if (!rewriting) return cleaned.split(' ')
  const table = rewriting === 'chat' ? CHAT_REWRITES : REWRITES
  const rewritten = cleaned.split(' ').flatMap((word) => rewrite(word, table))
  const joined: string[] = []
  for (let i = 0; i < rewritten.length; i++) {
    const phrase = PHRASES[`${rewritten[i]} ${rewritten[i + 1]}`]
    if (phrase !== undefined) {
      joined.push(phrase)
      i++
    } else joined.push(rewritten[i] ?? '')
  }
  return joined
}

/** Two letters swapped next to each other ("statsu", "sertifkiat"): one typo, not two. */
function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let first = -1
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue
    if (first >= 0) return i === first + 1 && a[first] === b[i] && a[i] === b[first] && a.slice(i + 1) === b.slice(i + 1)
    first = i
  }
  return false
}

const skeleton = (word: string) => word.replace(/[aiueo]/g, '')

/** Whether `short` can be written from `long` by leaving letters out ("dftr" of "daftar"). */
function isSubsequence(short: string, long: string): boolean {
  let at = 0
  for (const letter of long) if (letter === short[at]) at++
  return at === short.length
}

/**
 * Forms of a colloquial or regional word to try, each only taken when it is a word the knowledge base
 * uses: Jakarta "ng(e)-…-in", Javanese "-e/-ne", "-ipun", "-aken/-ake/-ke", "dipun-", "n-/m-" ("ndaftar",
 * "mbayar"), Sundanese "-na", "-keun", "nga-", Balinese "-ang", Makassar clitics ("lulusmi", "bisaji",
 * "sertifikatta"), Minang "ma(ng)-", "ba-", "ta-" and its sound changes ("surek" → "surat", "ikuik" →
 * "ikut", "bayia" → "bayar", "lamo" → "lama"), Betawi "-e" for "-a" ("name" → "nama").
 */
function colloquialForms(word: string, regional = true): string[] {
  const forms: string[] = []
  const bases = [word]
  if (/^nge[^aiueo]/.test(word)) bases.push(word.slice(3), `ke${word.slice(3)}`)
  else if (regional && /^nga[^aiueo]/.test(word)) bases.push(word.slice(3), word.slice(2))
  else if (/^ng[aiueo]/.test(word)) bases.push(word.slice(2), `k${word.slice(2)}`)
  else if (/^ny[aiueo]/.test(word)) bases.push(`s${word.slice(2)}`, ...(regional ? [`c${word.slice(2)}`] : []))
  else if (regional && (/^n[dtj]/.test(word) || /^m[bp]/.test(word))) bases.push(word.slice(1))
  // Passive "di-…-in" ("diingetin", "dikirimin").
  if (/^di.{3,}in$/.test(word)) bases.push(word.slice(2, -2))
  if (regional) {
    // Minang "mang-/man-/mam-/ma-" (Indonesian "meng-/men-/mem-/me-"), "ba-" (ber-), "ta-" (ter-).
    if (/^mang[aiueo]/.test(word)) bases.push(word.slice(4))
    else if (/^man[cdjst]/.test(word) || /^mam[bp]/.test(word)) bases.push(word.slice(3))
    else if (/^ma[lmnrwy]/.test(word)) bases.push(word.slice(2))
    if (/^(ba|ta)[^aiueo]/.test(word)) bases.push(word.slice(2))
    // Javanese krama "dipun-", "di-…-ke/-ake/-aken", Sundanese "di-…-keun".
    if (/^dipun.{3,}/.test(word)) bases.push(word.slice(5))
    for (const suffix of ['keun', 'aken', 'ake', 'ke']) {
      if (word.startsWith('di') && word.endsWith(suffix) && word.length - suffix.length - 2 >= 3)
        bases.push(word.slice(2, -suffix.length))
    }
  }
  // Dropped initial h ("ilang", "abis", "asil"): Jakarta speech written as spoken.
  if (/^[aiueo]/.test(word)) bases.push(`h${word}`)
  const suffixes = regional ? REGIONAL_SUFFIXES : COLLOQUIAL_SUFFIXES
  for (const base of bases) {
    forms.push(base)
    for (const suffix of suffixes) {
      if (base.endsWith(suffix) && base.length - suffix.length >= 3) forms.push(base.slice(0, -suffix.length))
    }
  }
  for (const form of [...forms]) {
    // Jakarta "e" for "a" in the last syllable: "inget" → "ingat", "deket" → "dekat", "bener" → "benar".
    const open = form.replace(/e([^aiueo]+)$/, 'a$1')
    if (open !== form) forms.push(open)
    if (!regional) continue
    // Minang and Betawi endings: "-o"/"-e" for "-a", "-ek" for "-at", "-uik" for "-ut", "-ia" for "-ir"/"-ar",
    // "-eh" for "-as", "-ih" for "-is", "-uang" for "-ung", "-ua" for "-ur".
    for (const [from, to] of MINANG_ENDINGS) {
      if (form.endsWith(from) && form.length - from.length >= 2) forms.push(form.slice(0, -from.length) + to)
    }
  }
  return forms.slice(1)
}

const COLLOQUIAL_SUFFIXES = ['in', 'ne', 'na', 'e']
/** Javanese "-ipun", "-aken/-ake/-ke", "-i", Sundanese "-keun", Balinese "-ang", Makassar clitics "-mi/-ji/-ki/-pi/-ta/-ka/-ko". */
const REGIONAL_SUFFIXES = [
  'ipun',
  'keun',
  'aken',
  'ake',
  'ang',
  'in',
  'ne',
  'na',
  'ke',
  'mi',
  'ji',
  'ki',
  'pi',
  'ta',
  'ka',
  'ko',
  'e',
  'i',
]

const MINANG_ENDINGS: readonly (readonly [string, string])[] = [
  ['uik', 'ut'],
  ['uang', 'ung'],
  ['ek', 'at'],
  ['ia', 'ir'],
  ['ia', 'ar'],
  ['eh', 'as'],
  ['ih', 'is'],
  ['ua', 'ur'],
  ['o', 'a'],
  ['e', 'a'],
]

export type Analyzer = {
  /** The terms of a text, each known to the vocabulary where a close enough word exists. */
  terms(text: string): string[]
  /** The same from the text's `words()` (the matcher has them already when it builds). */
  termsOfWords(words: string[]): string[]
}

/** Every step is on in the product; the FAQ benchmark switches them off one by one to measure them. */
/** `regionalForms`: the regional affix and sound rules of colloquialForms (off only to measure them). */
export type AnalyzerOptions = { rewriting?: Rewriting; stemming?: boolean; correction?: boolean; regionalForms?: boolean }

/**
 * An analyzer that corrects towards `vocabulary` (the raw words of the knowledge base): a word
 * it does not know becomes the known word it is a colloquial form of, or the known word one or
 * two typos away (same first letter; two typos only for long words).
 */
export function createAnalyzer(
  vocabulary: Iterable<string>,
  options: AnalyzerOptions = {},
  /** Words known to be spelled out in full (titles, answers, keywords); defaults to `vocabulary`. */
  canonical?: Iterable<string>,
): Analyzer {
  const { rewriting = true, stemming = true, correction = true, regionalForms = true } = options
  const stem = stemming ? stemWord : (word: string) => word
  const known = new Set<string>()
  const byInitial = new Map<string, string[]>()
  for (const word of vocabulary) {
    if (word.length < 3 || /\d/.test(word) || known.has(word)) continue
    known.add(word)
    const initial = word[0] ?? ''
    const sameInitial = byInitial.get(initial)
    if (sameInitial) sameInitial.push(word)
    else byInitial.set(initial, [word])
  }
  const knownStems = new Set([...known].map(stem))
  // Chat shorthand drops vowels ("dftr", "bimtk", "srtfkt"): the known words each skeleton can
  // stand for, and only used when exactly one word fits.
  const spelledOut = canonical ? new Set([...canonical].filter((word) => word.length >= 3)) : known
  const bySkeleton = new Map<string, string | null>()
  for (const word of spelledOut) {
    const key = skeleton(word)
    if (key.length < 3) continue
    const seen = bySkeleton.get(key)
    bySkeleton.set(key, seen === undefined || seen === word ? word : null)
  }

  function abbreviated(word: string): string | undefined {
    if (word.length < 3 || /[^a-z]/.test(word)) return undefined
    const full = bySkeleton.get(skeleton(word))
    return full && full[0] === word[0] && isSubsequence(word, full) ? full : undefined
  }
  const corrections = new Map<string, string>()

  function nearest(word: string): string | undefined {
    if (word.length < 4) return undefined
    // Short words only lose a letter ("lahr", "salh"); longer ones may have any one or two typos.
    const limit = word.length >= 8 ? 2 : 1
    let best: string | undefined
    let bestDistance = limit + 1
    for (const candidate of byInitial.get(word[0] ?? '') ?? []) {
      if (Math.abs(candidate.length - word.length) > limit) continue
      if (word.length < 5 && candidate.length !== word.length + 1) continue
      const d = isSwap(word, candidate) ? 1 : distance(word, candidate)
      if (d < bestDistance) {
        best = candidate
        bestDistance = d
      }
    }
    return best
  }

  const spelledOutStems = new Set([...spelledOut].map(stem))

  function correct(word: string): string {
    const direct = stem(word)
    if (spelledOut.has(word) || PLACES.has(word) || PROTECTED.has(word) || /\d/.test(word)) return direct
    // Shorthand ("dftr") and colloquial forms ("diingetin", "ilang") mean the word written out
    // in the answers, keywords and titles, even when example phrasings use them as typed.
    const full = abbreviated(word)
    if (full !== undefined) return stem(full)
    if (spelledOutStems.has(direct)) return direct
    const colloquial = colloquialForms(word, regionalForms)
      .map((form) => stem(form))
      .find((form) => spelledOutStems.has(form) || knownStems.has(form))
    if (colloquial !== undefined) return colloquial
    if (known.has(word) || knownStems.has(direct)) return direct
    const typo = nearest(word)
    return typo !== undefined ? stem(typo) : direct
  }

  function term(word: string): string {
    if (!correction) return stem(word)
    let corrected = corrections.get(word)
    if (corrected === undefined) {
      corrected = correct(word)
      if (corrections.size < 50_000) corrections.set(word, corrected)
    }
    return corrected
  }

  function termsOfWords(all: string[]): string[] {
    const result: string[] = []
    // Words of a person's name still allowed ("atas nama Siti Aminah", "nama saya Budi"): a name
    // says nothing about the question. It ends at the first word we know or after four.
    let naming = 0
    for (const word of all) {
      if (STOPWORDS.has(word)) continue
      if (naming > 0 && word.length >= 3 && !spelledOut.has(word) && !/\d/.test(word)) {
        naming--
        continue
      }
      naming = word === 'nama' ? 4 : 0
      result.push(term(word))
    }
    return result
  }

  return { terms: (text) => termsOfWords(words(text, rewriting)), termsOfWords }
}
