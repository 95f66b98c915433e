/**
 * The intents of issue 20 on messages written for these tests from the domain (not copied from the labelled set):
 * requests go to the action, how-questions stay with the FAQ, and bare command words name their action.
 */
import { describe, expect, it } from 'vitest'
import { cuesOf, cueText, scoreActions } from '../../src/core/understanding/intents.js'
import { read } from './support.js'

const actions: [string, string][] = [
  ['ada jadwal bimtek di medan ga min', 'sessions.find'],
  ['bimtek daring desember masih ada?', 'sessions.find'],
  ['when is the next bimtek in surabaya', 'sessions.find'],
  ['sy pengen ikut bimtek yg di palembang', 'registration.start'],
  ['daftarin aku bimtek bulan depan dong', 'registration.start'],
  ['kode pendaftaran bimtek aku lupa', 'registration.mine'],
  ['registrasi saya', 'registration.mine'],
  ['tolong batalin pendaftaran bimtek aku', 'registration.cancel'],
  ['cancel BMT-9XQ2LP ya min', 'registration.cancel'],
  ['proses sertifikasi aku udah sampe mana ya', 'status.check'],
  ['sertifikat sy udah terbit belum', 'status.check'],
  ['tolong cek sertifikat LSPS-2023-00456 asli ga', 'certificate.verify'],
  ['lsps 2022 00777 valid gak', 'certificate.verify'],
  ['udah jangan kirimin pengingat lagi', 'reminders.stop'],
  ['matiin notif pengingat dong', 'reminders.stop'],
  ['unsubscribe', 'reminders.stop'],
  ['nyalain lagi pengingatnya min', 'reminders.start'],
  ['tanggal berapa ujian saya', 'reminders.list'],
  ['pengingat', 'reminders.list'],
  ['sambungin ke petugas aja', 'handoff'],
  ['petugas', 'handoff'],
  ['data pribadi saya yg kalian simpan apa aja', 'data.mine'],
  ['tolong hapusin data saya semua', 'data.delete'],
  // A bare command with a greeting or a particle around it is still that command.
  ['jadwal bimtek dong', 'sessions.find'],
  ['min cek status ya', 'status.check'],
  ['kode sy?', 'registration.mine'],
  // A polite "bisa …-in … buat saya" asks for it; showing and removing one's data said other ways.
  ['bisa setelin pengingat ujian buat saya?', 'reminders.start'],
  ['tunjukin data pribadi saya dong', 'data.mine'],
  ['ilangin semua data saya', 'data.delete'],
]

const knowledge: [string, string][] = [
  ['cara matiin pengingat gimana', 'pengingat'],
  ['gimana caranya daftar bimtek', 'bimtek-daftar'],
  ['syarat ikut sertifikasi apa aja', 'syarat'],
]

describe('intents of single requests', () => {
  it.each(actions)('%s → %s', (message, intent) => {
    expect(read(message).intent).toBe(intent)
  })
})

describe('how-questions stay with the FAQ, even when they name an action', () => {
  it.each(knowledge)('%s → faq/%s', (message, topic) => {
    expect(read(message)).toMatchObject({ intent: 'faq', topic })
  })

  it('a knowledge cue lowers every action below a clear request', () => {
    const request = scoreActions(cuesOf(cueText('tolong stop pengingat')), {})[0]
    const how = scoreActions(cuesOf(cueText('cara stop pengingat')), {})[0]
    expect(request?.intent).toBe('reminders.stop')
    expect(how?.score ?? 0).toBeLessThan(request?.score ?? 0)
  })

  it('out-of-domain look-alikes are not turned into actions', () => {
    expect(read('sertifikat vaksin covid sy ilang')).toMatchObject({ intent: 'faq' })
    expect(read('makasih min')).toMatchObject({ intent: 'faq', topic: null })
  })
})

describe('slots ride along with the intent', () => {
  it('the issue examples carry the place, month and mode they state', () => {
    expect(read('kapan bimtek di makassar')).toEqual({
      intent: 'sessions.find',
      slots: { regency: 'Kota Makassar', province: 'Sulawesi Selatan', region: 'R5' },
      topic: null,
    })
    expect(read('ada bimtek online bulan depan ga')).toEqual({
      intent: 'sessions.find',
      slots: { mode: 'daring', month: '2027-01' },
      topic: null,
    })
    expect(read('sertifikat LSPS 2024 00123 asli gak')).toMatchObject({
      intent: 'certificate.verify',
      slots: { number: 'LSPS-2024-00123' },
    })
  })
})

describe('filler does not change what a message asks for', () => {
  const examples: [string, string][] = [
    ['kapan bimtek di makassar', 'sessions.find'],
    ['sy mau stop pengingatnya min', 'reminders.stop'],
    ['kode pendaftaran sy apa ya', 'registration.mine'],
    ['batalin pendaftaran sy dong', 'registration.cancel'],
    ['hapus data saya', 'data.delete'],
    ['mau ngomong sama orang aja', 'handoff'],
  ]
  it.each(examples)('%s (+ kak, dong, 🙏, stretched letters) → %s', (message, intent) => {
    for (const filler of ['', ' kak', ' dong', ' 🙏🙏', ' yaaa', ' min!!'])
      expect(read(`${message}${filler}`).intent).toBe(intent)
  })
})
