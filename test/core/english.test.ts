/**
 * Issue 22: which messages count as English. A chat that speaks Indonesian is offered English only
 * for these, so an Indonesian message with a few English loanwords, or one in a regional language,
 * must never count.
 */
import { describe, expect, it } from 'vitest'
import { isEnglish } from '../../src/core/text/english.js'

const ENGLISH_MESSAGES = [
  'how do i register for bimtek',
  'is my certificate valid',
  'what documents r needed',
  'What documents do I need to apply? I only have my KTP and diploma',
  'how much does it cost',
  'i lost my certificate',
  'when is the next bimtek in makassar',
  'stop sending me reminders',
  'delete my data',
  'can I talk to a real person',
  'Hi, is certificate LSPS-2021-00456 still valid? A candidate attached it to their CV',
  "I'm a social worker in west sumatra. Are there any bimtek sessions in march?",
  "Dear admin, I'm a lecturer checking a guest speaker's credentials. Certificate no. LSPS.2022.00077, is it genuine?",
  'WHERE CAN I SEE THE BIMTEK SCHEDULE',
  "what's my registration code",
  'am I certified already?',
  'stop the reminders',
  'my data',
  'which bbppks covers maluku',
  'Good morning, I would like to register for the bimtek in Manado, please. Thank you!',
  'is it free?',
  'failed, can i retry',
  'do pkh facilitators need this certificate',
  'list bimtek di kalimantan dong, and how do i register for it',
  'how long is the certificate valid for? mine does not show a date clearly and my employer is asking',
  'thanks for the help',
  'how are you',
  'is it real?',
  'who is this',
]

const NOT_ENGLISH_MESSAGES = [
  // Indonesian with English loanwords
  'sy mau daftar bimtek online',
  'link zoom nya mana',
  'cek status sertif ok',
  'stop reminder bimtek',
  'reminder on lagi ya min',
  'pengingat off in aja',
  'sertif expired hrs gmn',
  'download sertifikat dimana',
  'tolong delete data sy ya min',
  'step by step certification nya apa aja?',
  'gimana cara register for the exam',
  'worth it ga sih jadi certified? 😅',
  'result nya keluar brp lama after interview',
  'requirements nya apa aja kak',
  'ok makasih min',
  'free bimtek?',
  'bimtek online',
  'info training bulan depan',
  'please dong min, next schedule kapan',
  'thank you',
  'mantap, thank you so much min',
  'noted with thanks',
  'good job',
  'i see',
  'see you',
  'for your information, bimtek ditunda',
  'ok',
  'certificate?',
  'kapan bimtek di makassar',
  'syarat ikut sertifikasi apa aja min??',
  'Selamat pagi Bapak/Ibu, mohon izin bertanya, yang dimaksud dengan sertifikasi SDM Kesos itu apa ya? Terima kasih.',
  'CEK STATUS SERTIFIKASI SAYA DONG. dari kmrn deg2an',
  'biaya sertifikasi brp sih? and when is the next bimtek in jakarta',
  'daftarin aku bimtek bulan depan dong',
  // Javanese
  'piye carane melu sertifikasi',
  'kulo badhe tanglet, bimtek ing Semarang kapan nggih',
  'aku arep daftar bimtek, iso ora',
  'sertifikatku ilang, kudu piye to',
  // Sundanese
  'kumaha carana daftar bimtek teh',
  'abdi hoyong daftar sertifikasi, iraha bimtek na',
  // Minang
  'baa caro mandaftar bimtek, ambo indak tau',
  // Betawi
  'aye mau nanya, bimtek kapan ye, kagak ada info',
  // Manado, Ambon, Papuan Malay
  'sa mo daftar bimtek',
  'ko su daftar kah? sa tra tau caranya',
  'kita mo tanya, ngana so daftar bimtek?',
  'beta mau daftar sertifikasi, katong pung kantor di Ambon',
  // Balinese
  'tiang nunas informasi bimtek nggih',
  // not text at all
  '',
  '12345',
  '👍',
  'LSPS-2024-00123',
]

describe('isEnglish', () => {
  it.each(ENGLISH_MESSAGES)('English: %s', (text) => {
    expect(isEnglish(text)).toBe(true)
  })

  it.each(NOT_ENGLISH_MESSAGES)('not English: %s', (text) => {
    expect(isEnglish(text)).toBe(false)
  })
})
