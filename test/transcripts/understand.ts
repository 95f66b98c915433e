/**
 * Issue 20, "one sentence is enough", for every channel's driver (see core.ts): the examples of the table and
 * their look-alikes get the data or the action in one turn, with what the sentence already said filled in. The table
 * in index.ts seeds each fresh database with `seedUnderstand`: the people of the status transcripts (Ratna with an
 * interview coming, Paulus with a confirmed Bimtek seat and a certificate) and Bimtek sessions in Makassar, Medan,
 * Bandung and one online session next month, all relative to the moment of seeding.
 */
import type { Core } from '../../src/bootstrap.js'
import { addSession } from '../support/sessions.js'
import type { Transcript } from '../support/transcript.js'
import { BUDI } from './registration.js'
import { PAULUS, RATNA, seedStatus } from './status.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

export const UNDERSTAND_SESSIONS = {
  makassar: 'Bimtek Tatap Muka Makassar',
  medan: 'Bimtek Tatap Muka Medan',
  bandung: 'Bimtek Tatap Muka Bandung',
  online: 'Bimtek Daring Nasional',
} as const

/** 09.00 WIB on the 10th of the month after `now`'s month (in WIB): "bulan depan" whatever the date of the run. */
export function nextMonthTenth(now: Date): Date {
  const wib = new Date(now.getTime() + 7 * HOUR)
  return new Date(Date.UTC(wib.getUTCFullYear(), wib.getUTCMonth() + 1, 10, 2))
}

export async function seedUnderstand(core: Core, now: Date): Promise<void> {
  await seedStatus(core.db, core.vault, now)
  const at = (days: number) => new Date(now.getTime() + days * DAY)
  const s = UNDERSTAND_SESSIONS
  await addSession(core.db, now, { code: 'MKS-U', title: s.makassar, region: 'R5', provinceCode: '73', startsAt: at(9) })
  await addSession(core.db, now, { code: 'MDN-U', title: s.medan, region: 'R1', provinceCode: '12', startsAt: at(11) })
  await addSession(core.db, now, { code: 'BDG-U', title: s.bandung, region: 'R2', provinceCode: '32', startsAt: at(13) })
  const online = nextMonthTenth(now)
  await addSession(core.db, now, { code: 'ONL-U', title: s.online, region: 'R5', mode: 'daring', startsAt: online })
}

const S = UNDERSTAND_SESSIONS
const ASK_NIK = ['Untuk melindungi data Anda, saya perlu memastikan ini memang Anda.', 'Ketik NIK Anda (16 angka di KTP)']
const ASK_BIRTH = ['Tanggal lahir Anda?']
const SEND_CODE = 'Kirim kode lewat WhatsApp'
/** Proof of identity as menu 3 asks it: NIK, birth date, a one-time code over WhatsApp. */
const prove = (person: typeof RATNA | typeof PAULUS) => [
  { user: person.nik, bot: ASK_BIRTH },
  { user: person.birthDate, bot: ['Jika data cocok, saya perlu satu bukti lagi'] },
  { tap: SEND_CODE, bot: ['Ketik kode itu di sini.'] },
]

export const UNDERSTAND_TRANSCRIPTS: Record<string, Transcript> = {
  'a city in a sentence: that place\'s sessions with seats and local times, and "Daftar" straight from the list': [
    {
      user: 'kapan bimtek di makassar',
      bot: ['*Jadwal Bimtek · Kota Makassar (Sulawesi Selatan)*', S.makassar, 'kursi tersisa', 'WITA'],
      not: [S.medan, S.bandung, 'ketik *jadwal*'],
    },
    // Option 1 is "Daftar: <that session>": the registration starts with it chosen.
    { user: '1', bot: ['*Pendaftaran Bimtek sertifikasi*', 'Apakah Anda setuju?'] },
  ],

  'online sessions next month; a province and a month; nothing that fits gets the nearest, said plainly': [
    { user: 'ada bimtek online bulan depan ga', bot: [S.online, 'Daring'], not: [S.makassar, S.medan, S.bandung] },
    { user: 'jadwal bimtek sumut', bot: ['Sumatera Utara', S.medan], not: [S.makassar, S.online] },
    {
      user: 'bimtek daring di papua bulan depan',
      bot: ['Belum ada jadwal Bimtek daring di Papua pada', 'Yang terdekat'],
      not: ['ketik *jadwal*'],
    },
  ],

  'registering from a sentence: the place it names is offered first, then its session': [
    { user: 'mau daftar bimtek yg di medan', bot: ['*Pendaftaran Bimtek sertifikasi*', 'Apakah Anda setuju?'] },
    { tap: 'Ya, saya setuju', bot: ['Siapa nama lengkap Anda'] },
    { user: BUDI.name, bot: ['NIK'] },
    { user: BUDI.nik, bot: ['Tanggal lahir Anda?'] },
    { user: BUDI.birthDate, bot: ['Nomor HP/WhatsApp Anda?'] },
    { user: '0812-3456-7890', bot: ['Di provinsi mana Anda bertugas?'], options: ['Sumatera Utara (dari pesan Anda)'] },
    { user: '1', bot: ['Di kabupaten/kota mana Anda bertugas?'] },
    { user: 'Kota Medan', bot: ['Kelompok profesi Anda?'] },
    { tap: 'Pekerja sosial', bot: ['Nama lembaga/instansi'] },
    { user: 'Dinas Sosial Kota Medan', bot: ['Pilih sesi Bimtek', 'Sesi di Kota Medan (Sumatera Utara) ada di nomor 1.'] },
    { user: '1', bot: ['*Periksa data pendaftaran Anda:*', `• Sesi: ${S.medan}, `] },
  ],

  'my registrations after proof, then cancelling one and checking my status, each from a sentence': [
    { user: 'kode pendaftaran sy apa ya', bot: ASK_NIK },
    ...prove(PAULUS),
    { codeFrom: PAULUS.phone, bot: [PAULUS.code] },
    // Two requests that each wait for a yes: the person chooses which first.
    {
      user: 'batalin pendaftaran sy dong dan jangan kirim pengingat lagi',
      bot: ['Anda menanyakan dua hal. Mana dulu?'],
      options: ['Batalkan pendaftaran', 'Matikan pengingat'],
    },
    { tap: 'Batalkan pendaftaran', bot: [PAULUS.code], options: ['Ya, batalkan', 'Tidak, tetap ikut'] },
    { tap: 'Ya, batalkan', bot: ['dibatalkan'] },
    { user: 'sertifikasi sy udh sampe mana', bot: [`*Status sertifikasi ${PAULUS.name}*`], not: ['Langkah'] },
  ],

  'reminders: stopped after asking, started again, my coming exam dates': [
    { user: 'kapan ujian sy', bot: ASK_NIK },
    ...prove(RATNA),
    { codeFrom: RATNA.phone, bot: ['*Jadwal Anda yang akan datang*', 'Batas portofolio', 'Wawancara', 'WITA'] },
    {
      user: 'sy mau stop pengingatnya min',
      bot: ['Matikan semua pengingat untuk chat ini?'],
      options: ['Ya, matikan', 'Tidak, biarkan menyala'],
    },
    { tap: 'Ya, matikan', bot: ['Pengingat dimatikan'] },
    { user: 'jangan kirim pengingat lagi', bot: ['sudah mati'] },
    { user: 'nyalain pengingat lagi dong', bot: ['Pengingat dinyalakan'] },
  ],

  'a certificate number however typed; a person; my data; deleting it': [
    { user: 'sertifikat LSPS 2025 00042 asli gak', bot: ['✅ *VALID*', 'LSPS-2025-00042', 'Pau… Wen…'] },
    { user: 'mau ngomong sama orang aja', bot: ['Saya akan menghubungkan Anda dengan petugas'] },
    { user: 'batal', bot: ['dibatalkan'] },
    { user: 'data sy apa aja yg disimpan', bot: ASK_NIK },
    { user: 'menu', bot: ['Proses tadi dihentikan'] },
    { user: 'hapus data saya', bot: ASK_NIK },
  ],

  'two requests in one message are both answered, in order; a how-question offers the action first': [
    {
      user: 'syaratnya apa dan kapan bimtek di bandung',
      bot: ['*Syarat dan dokumen*', S.bandung],
      not: [S.makassar, S.medan],
    },
    { user: 'cara stop pengingat gimana', bot: ['*Pengingat ujian dan Bimtek*'] },
    { user: '1', bot: ['Matikan semua pengingat untuk chat ini?'] },
    { tap: 'Tidak, biarkan menyala', bot: ['pengingat tetap menyala'] },
  ],

  'a sentence in English from a chat that speaks Indonesian: the answer in Indonesian, with the offer to switch': [
    {
      user: 'when is the bimtek in makassar',
      bot: ['Reply *english* to get answers in English.', S.makassar, 'kursi tersisa', 'WITA'],
      not: [S.medan, 'seats left'],
    },
  ],

  'the same in English': [
    { user: 'english', bot: ['English'] },
    { user: 'when is the bimtek in makassar', bot: [S.makassar, 'seats left', 'WITA'], not: [S.medan] },
    { user: 'stop sending me reminders', bot: ['Turn off all reminders for this chat?'] },
    { tap: 'Yes, turn them off', bot: ['Reminders are off'] },
    { user: 'is certificate LSPS-2025-00042 real', bot: ['✅ *VALID*'] },
    { user: 'delete my data', bot: ['To protect your data'] },
  ],
}
