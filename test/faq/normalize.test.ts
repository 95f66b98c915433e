import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cleanText, createAnalyzer, stemWord as stem, words } from '../../src/core/faq/normalize.js'
import { smallTalk } from '../../src/core/faq/small-talk.js'

describe('cleanText', () => {
  it.each([
    ['Gmnaaa CARA daftar???', 'gmna cara daftar'],
    ['bgtttt', 'bgt'],
    ['syarat2 nya', 'syarat nya'],
    ['ujian ke2', 'ujian ke 2'],
    ['tahap4', 'tahap 4'],
    ['Sertifikasi 🙏🙏 ok!!', 'sertifikasi ok'],
    ['Kédaluwarsa', 'kedaluwarsa'],
  ])('%j → %j', (input, expected) => {
    expect(cleanText(input)).toBe(expected)
  })

  it('never throws and leaves only lower-case letters, digits and single spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        expect(cleanText(text)).toMatch(/^(?:[\p{Ll}\p{Lo}\p{Lm}\p{N}]+(?: [\p{Ll}\p{Lo}\p{Lm}\p{N}]+)*)?$/u)
      }),
    )
  })
})

describe('words: chat abbreviations, short forms and English', () => {
  it.each([
    ['gmn cara daftar', ['bagaimana', 'cara', 'daftar']],
    ['sy blm dpt sertif', ['saya', 'belum', 'dapat', 'sertifikat']],
    ['peksos ukom', ['pekerja', 'sosial', 'uji', 'kompetensi']],
    ['certificate expired', ['sertifikat', 'kedaluwarsa']],
    ['gak lulus ukom', ['gagal', 'uji', 'kompetensi']],
    ['sertifnya', ['sertifikat']],
    ['gimanaa', ['bagaimana']],
    // A prefix on a short form: the written-out word with its prefix (Jakarta ke- is ter-).
    ['sertif sy kepake dimana aja', ['sertifikat', 'saya', 'terpakai', 'dimana', 'saja']],
    ['bs dipake gk', ['bisa', 'dipakai', 'tidak']],
    // A stretched last vowel is emphasis, not a different word.
    ['prosesnyaa', ['prosesnya']],
  ])('%j → %j', (input, expected) => {
    expect(words(input)).toEqual(expected)
  })
})

describe('stem (Indonesian)', () => {
  it.each([
    ['pendaftaran', 'daftar'],
    ['mendaftar', 'daftar'],
    ['persyaratan', 'syarat'],
    ['biayanya', 'biaya'],
    ['dikeluarkan', 'keluar'],
  ])('%s → %s', (word, expected) => {
    expect(stem(word)).toBe(expected)
  })

  it.each(['relawan', 'sertifikasi', 'pekerja', 'berapa', 'bimtek', 'portofolio'])('leaves the domain word %s whole', (word) => {
    expect(stem(word)).toBe(word)
  })

  // A root-word dictionary (Sastrawi) keeps words whose first syllable only looks like a prefix.
  it.each([
    ['kelompok', 'kelompok'],
    ['keluarga', 'keluarga'],
    ['kepala', 'kepala'],
    ['penerima', 'terima'],
    ['mengecek', 'cek'],
    ['kedaluwarsa', 'kedaluwarsa'],
  ])('%s → %s, not a fragment', (word, expected) => {
    expect(stem(word)).toBe(expected)
  })
})

describe('the analyzer corrects towards the knowledge base words', () => {
  const analyzer = createAnalyzer(['sertifikasi', 'pendidikan', 'status', 'lahir', 'salah', 'urus', 'keluar', 'guna', 'syarat'])

  it.each([
    ['sertifkasi', 'sertifikasi'],
    ['sertivikasih', 'sertifikasi'],
    ['statsu', 'status'],
    ['lahr', 'lahir'],
    ['salh', 'salah'],
    ['ngurusin', 'urus'],
    ['ngeluarin', 'keluar'],
    ['gunane', 'guna'],
  ])('%s → %s', (typed, expected) => {
    expect(analyzer.terms(typed)).toEqual([stem(expected)])
  })

  it('reads chat shorthand without vowels as the one full word it can stand for', () => {
    const shorthand = createAnalyzer(['daftar', 'bimtek', 'sertifikat', 'dftr'], {}, ['daftar', 'bimtek', 'sertifikat'])
    // "dftr" also appears as typed in an example phrasing: it still means "daftar".
    expect(shorthand.terms('dftr bimtk')).toEqual(['daftar', 'bimtek'])
    expect(shorthand.terms('srtfkt')).toEqual(['sertifikat'])
  })

  it('leaves shorthand alone when two known words share its consonants', () => {
    const ambiguous = createAnalyzer(['lokasi', 'lukis'], {}, ['lokasi', 'lukis'])
    expect(ambiguous.terms('lks')).toEqual(['lks'])
  })

  it('restores a dropped initial h ("ilang", "asil")', () => {
    expect(createAnalyzer(['hilang', 'hasil']).terms('ilang asilnya')).toEqual(['hilang', 'hasil'])
  })

  it('reads Jakarta forms: "di-…-in" and "e" for "a" in the last syllable', () => {
    const jakarta = createAnalyzer(['ingat', 'dekat', 'benar', 'umum'])
    expect(jakarta.terms('diingetin deket bener diumumin')).toEqual(['ingat', 'dekat', 'benar', 'umum'])
  })

  it('uses the written-out word even when an example phrasing has the colloquial one', () => {
    // "diingetin" appears in an example, but the answers and keywords say "ingat".
    const analyzer = createAnalyzer(['ingat', 'diingetin'], {}, ['ingat'])
    expect(analyzer.terms('diingetin')).toEqual(['ingat'])
  })

  it('leaves out a person\'s name after "atas nama" / "nama saya", but not the words after it', () => {
    const named = createAnalyzer(['status', 'nama', 'salah', 'sertifikat'])
    expect(named.terms('cek status atas nama Siti Aminah')).toEqual(['cek', 'status', 'atas', 'nama'])
    expect(named.terms('nama saya Budi, sertifikat salah')).toEqual(['nama', 'sertifikat', 'salah'])
  })

  it('drops function words and keeps question words', () => {
    expect(analyzer.terms('mohon izin kak, syarat nya apa ya')).toEqual(['syarat', 'apa'])
  })

  it('does not "correct" a short unrelated word', () => {
    expect(analyzer.terms('saham')).toEqual(['saham'])
  })
})

describe('small talk', () => {
  it.each([
    ['makasih kak', 'thanks'],
    ['terima kasih banyak ya min', 'thanks'],
    ['ok sip', 'ack'],
    ['siap kak', 'ack'],
    ['wkwkwk', 'laugh'],
    ['hahaha', 'laugh'],
    ['👍', 'ack'],
    ['dadah', 'bye'],
    ['apa kabar semuanya', 'howareyou'],
    ['how are you', 'howareyou'],
    ['udh makan blm', 'chitchat'],
    ['km siapa sih', 'chitchat'],
    ['kamu bot ya?', 'chitchat'],
    ['hai bot', 'chitchat'],
    // In the regional languages.
    ['matur suksma', 'thanks'],
    ['suksma bli', 'thanks'],
    ['danke e', 'thanks'],
    ['nggih mas', 'ack'],
    ['muhun teh', 'ack'],
    ['iyo da', 'ack'],
  ])('%j is %s', (text, kind) => {
    expect(smallTalk(text)).toBe(kind)
  })

  it.each([
    'makasih, tapi syaratnya apa?',
    'ok jadi biaya sertifikasi berapa',
    'sertifikat',
    'siapa yg wajib ikut',
    'bot minta nik buat apa',
  ])('%j is a real question', (text) => {
    expect(smallTalk(text)).toBeUndefined()
  })
})
