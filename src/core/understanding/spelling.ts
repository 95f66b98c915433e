/**
 * The words a request turns on, spelled however a thumb on a small phone spells them: "pengigat", "bimetk" (one typo),
 * "pngngat", "jdwal", "hps" (vowels left out, as in SMS), "dataku", "bimtekku" (the possessive -ku), "daftarbimtek"
 * (two words run together). Only these key words are corrected, and only a word that is not one of them already:
 * the FAQ analyser does its own correction for the FAQ; this one serves the cue words of lexicon.ts.
 */
import { distance } from 'fastest-levenshtein'

/** The key words, as lexicon.ts spells them (each is a cue, or the stem of one). */
const KEY_WORDS = [
  'pengingat',
  'bimtek',
  'jadwal',
  'daftar',
  'daftarkan',
  'daftarin',
  'pendaftaran',
  'registrasi',
  'hapus',
  'aktifkan',
  'nyalakan',
  'matikan',
  'batalkan',
  'batalin',
  'sertifikat',
  'sertifikasi',
  'petugas',
  'status',
  'ujian',
  'stop',
  'kode',
  'data',
  'akun',
  'jadwalnya',
  'pengingatnya',
  'notifikasi',
  'verifikasi',
  'wawancara',
  'portofolio',
] as const

/** Objects that take the possessive -ku ("dataku" → "data saya"). */
const OWNED = new Set([
  'data',
  'akun',
  'bimtek',
  'sertifikat',
  'sertif',
  'sertifikasi',
  'pendaftaran',
  'registrasi',
  'kode',
  'ujian',
  'status',
  'nomor',
  'nomer',
  'jadwal',
  'pengingat',
  'hasil',
  'berkas',
  'portofolio',
])

const KNOWN: ReadonlySet<string> = new Set(KEY_WORDS)
const skeleton = (word: string) => word.replace(/[aiueo]/g, '')
/** A key word by its consonants, for the vowel-less spellings ("hps" → hapus); only skeletons of 3+ letters, unique. */
const BY_SKELETON = new Map<string, string>()
for (const word of KEY_WORDS) {
  const bones = skeleton(word)
  if (bones.length < 3) continue
  BY_SKELETON.set(bones, BY_SKELETON.has(bones) ? '' : word)
}

/** The key word `word` is a misspelling of, or undefined. */
function keyWordOf(word: string): string | undefined {
  if (word.length < 3 || KNOWN.has(word) || /\d/.test(word)) return undefined
  // No more than one vowel: an SMS spelling ("jdwal", "pngngat", "hps", "stp").
  if ((word.match(/[aiueo]/g)?.length ?? 0) <= 1) {
    const found = BY_SKELETON.get(skeleton(word))
    if (found) return found
  }
  if (word.length < 5) return undefined
  for (const key of KEY_WORDS) {
    if (key[0] !== word[0] || Math.abs(key.length - word.length) > 1 || key.length < 6) continue
    // One typo (a letter left out, doubled, swapped or wrong) in a word of six letters or more ("harus" is not "hapus").
    if (distance(key, word) <= 1 || swapped(key, word)) return key
  }
  return undefined
}

/** Two neighbouring letters swapped ("bimetk" → bimtek, "pengingta" → pengingat). */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  const differ: number[] = []
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differ.push(i)
  const [i, j] = differ
  return differ.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i]
}

/** The words with the key words respelled: misspellings corrected, "-ku" as "saya", run-together words split. */
export function respell(words: readonly string[]): string[] {
  const out: string[] = []
  for (const word of words) {
    const owned = word.length > 4 && word.endsWith('ku') ? word.slice(0, -2) : undefined
    const stem = owned !== undefined ? (OWNED.has(owned) ? owned : keyWordOf(owned)) : undefined
    if (stem && OWNED.has(stem)) {
      out.push(stem, 'saya')
      continue
    }
    const run = word.length >= 9 ? KEY_WORDS.find((key) => word.startsWith(key) && KNOWN.has(word.slice(key.length))) : undefined
    if (run) {
      out.push(run, word.slice(run.length))
      continue
    }
    out.push(keyWordOf(word) ?? word)
  }
  return out
}
