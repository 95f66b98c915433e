/**
 * The key words of a request however they are typed on a small phone (spelling.ts): one typo, vowels left out, the
 * possessive -ku, two words run together; ordinary words that are one letter from a key word stay as typed.
 */
import { describe, expect, it } from 'vitest'
import { cueText } from '../../src/core/understanding/intents.js'
import { respell } from '../../src/core/understanding/spelling.js'
import { read } from './support.js'

describe('respelling the key words', () => {
  it.each([
    ['pengigat', 'pengingat'],
    ['pengingta', 'pengingat'],
    ['bimetk', 'bimtek'],
    ['jdwal', 'jadwal'],
    ['pngngat', 'pengingat'],
    ['hps', 'hapus'],
    ['stp', 'stop'],
    ['ptgs', 'petugas'],
    ['aktifkn', 'aktifkan'],
  ])('%s → %s', (typed, key) => {
    expect(respell([typed])).toEqual([key])
  })

  it('"dataku", "bimtekku" are the person\'s own; "daftarbimtek" is two words', () => {
    expect(respell(['hapus', 'dataku'])).toEqual(['hapus', 'data', 'saya'])
    expect(respell(['bimtekku'])).toEqual(['bimtek', 'saya'])
    expect(respell(['daftarbimtek', 'riau'])).toEqual(['daftar', 'bimtek', 'riau'])
  })

  it('leaves ordinary words alone, even one letter from a key word', () => {
    for (const word of ['harus', 'harap', 'kode', 'data', 'saya', 'kapan', 'lagi', 'bisa', 'buku', 'aku'])
      expect(respell([word])).toEqual([word])
  })
})

describe('requests typed in a hurry are understood', () => {
  it.each([
    ['stp pngngat', 'reminders.stop'],
    ['jdwal bimtk kerinci', 'sessions.find'],
    ['hps akun sy', 'data.delete'],
    ['aktifkn pengingat lg', 'reminders.start'],
    ['dftrkan aku bimtek januari', 'registration.start'],
  ])('"%s" → %s', (text, intent) => {
    expect(read(text).intent).toBe(intent)
  })

  it('the cue text shows the respelling', () => {
    expect(cueText('hapus dataku skrg')).toBe('hapus data saya sekarang')
  })
})
