/**
 * "Cek status sertifikasi" and "Data pribadi saya" (menu 3 and 7), for every channel's driver (see
 * core.ts). The table in index.ts seeds each fresh database with `seedStatus`: two people with
 * their NIK kept as the registration keeps it (hash + ciphertext from the core's vault), their
 * stage histories, an exam and a certificate. Their phone numbers start 62899, which no driver's
 * random WhatsApp number does, so on WhatsApp too the NIK route is taken.
 */

import type { NikVault } from '../../src/core/privacy/nik-vault.js'
import type { Db } from '../../src/db/client.js'
import { written } from '../../src/db/client.js'
import { type CertificationStage, certificates, certificationStages, exams, people, registrations } from '../../src/db/schema.js'
import { addSession } from '../support/sessions.js'
import type { Transcript } from '../support/transcript.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** The local midnight starting `day` (YYYY-MM-DD) at UTC offset `offsetHours`, as the import stores stages. */
export const localMidnight = (day: string, offsetHours: number) => new Date(Date.parse(`${day}T00:00:00Z`) - offsetHours * HOUR)

/** At the portfolio stage (due date set), a Makassar worker (WITA) with an interview coming. */
export const RATNA = {
  name: 'Ratna Sari Dewi',
  nik: '7371015203860007',
  birthDate: '12-03-1986',
  birthIso: '1986-03-12',
  phone: '+6289911110001',
  timeZone: 'Asia/Makassar',
  offset: 8,
  history: [
    ['terdaftar', '2025-01-06'],
    ['seleksi_administrasi', '2025-02-03'],
    ['bimtek', '2025-03-10'],
    ['ujian_kognitif', '2025-04-14'],
    ['portofolio', '2025-05-05'],
  ] as [CertificationStage, string][],
} as const

/** Certified, a Jayapura worker (WIT) who registered for a Bimtek (code BMT-PAUL22). */
export const PAULUS = {
  name: 'Paulus Wenda',
  nik: '9171012311790002',
  birthDate: '23-11-1979',
  birthIso: '1979-11-23',
  phone: '+6289911110002',
  timeZone: 'Asia/Jayapura',
  offset: 9,
  code: 'BMT-PAUL22',
  certificate: 'LSPS-2025-00042',
  history: [
    ['terdaftar', '2024-02-05'],
    ['seleksi_administrasi', '2024-03-04'],
    ['bimtek', '2024-04-08'],
    ['ujian_kognitif', '2024-05-13'],
    ['portofolio', '2024-06-03'],
    ['wawancara', '2024-07-15'],
    ['kompeten', '2024-08-19'],
    ['sertifikat_terbit', '2025-09-01'],
  ] as [CertificationStage, string][],
} as const

/** A well-formed NIK nobody in the seed has. */
export const UNKNOWN_NIK = '7371014107900003'

export type StatusSeed = { ratna: number; paulus: number; session: number }

/**
 * Ratna (portfolio due in 20 days at 23.59 WITA, interview in 30 days at 10.00 WITA, tatap muka)
 * and Paulus (certificate LSPS-2025-00042, valid until 1 September 2028; confirmed seat BMT-PAUL22
 * in a Bimtek of the Jayapura centre in 14 days). Relative dates count from `now`.
 */
export async function seedStatus(db: Db, vault: Pick<NikVault, 'hash' | 'encrypt'>, now = new Date()): Promise<StatusSeed> {
  const insertPerson = async (p: typeof RATNA | typeof PAULUS, province: string, regency: string) => {
    const id = written(
      await db
        .insert(people)
        .values({
          fullName: p.name,
          nikHash: vault.hash(p.nik),
          nikCiphertext: vault.encrypt(p.nik),
          birthDate: p.birthIso,
          phoneE164: p.phone,
          provinceCode: province,
          regency,
          professionGroup: 'pekerja sosial',
          timeZone: p.timeZone,
        })
        .returning({ id: people.id }),
    ).id
    for (const [stage, day] of p.history) {
      const dueAt = stage === 'portofolio' && p === RATNA ? dueDateOf(now) : null
      await db.insert(certificationStages).values({ personId: id, stage, reachedAt: localMidnight(day, p.offset), dueAt })
    }
    return id
  }
  const ratna = await insertPerson(RATNA, '73', 'Kota Makassar')
  const paulus = await insertPerson(PAULUS, '91', 'Kota Jayapura')
  await db.insert(exams).values({
    personId: ratna,
    kind: 'wawancara',
    mode: 'tatap_muka',
    venue: 'BBPPKS Makassar',
    startsAt: interviewOf(now),
    timeZone: RATNA.timeZone,
  })
  await db.insert(certificates).values({
    number: PAULUS.certificate.replace(/-/g, ''),
    displayNumber: PAULUS.certificate,
    holderName: PAULUS.name,
    personId: paulus,
    scheme: 'Pekerja Sosial',
    level: 'Pekerja Sosial Generalis',
    issuedAt: '2025-09-01',
    expiresAt: '2028-09-01',
  })
  const session = await addSession(db, now, { code: 'JPR-STATUS', region: 'R6', startsAt: new Date(now.getTime() + 14 * DAY) })
  await db.insert(registrations).values({ code: PAULUS.code, sessionId: session, personId: paulus, status: 'confirmed' })
  return { ratna, paulus, session }
}

/** Ratna's portfolio due date: 23.59 WITA on the 20th day after `now`. */
export function dueDateOf(now: Date): Date {
  const local = new Date(now.getTime() + 8 * HOUR + 20 * DAY)
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 23 - 8, 59))
}

/** Ratna's interview: 10.00 WITA (02.00 UTC) on the 30th day after `now`. */
export function interviewOf(now: Date): Date {
  const start = new Date(now.getTime() + 30 * DAY)
  start.setUTCHours(2, 0, 0, 0)
  return start
}

/** The answer to a claim that does not match, the same whatever was wrong. */
export const mismatch = (left: number) =>
  `Maaf, data yang Anda masukkan tidak cocok dengan catatan kami. Periksa lagi NIK atau kode pendaftaran dan tanggal lahir Anda, lalu coba lagi. Sisa percobaan: ${left}. Bila data Anda memang belum tercatat, ketik "petugas".`
/** A wrong one-time code (or a code for a claim that did not match: the same words). */
export const wrongCode = (left: number) => `Kode tidak cocok. Sisa percobaan: ${left}.`

/** "Minggu, 13 Desember 2026": a weekday and a date in Indonesian. */
const ID_DATE = /[A-Z][a-z]+, \d{1,2} [A-Z][a-z]+ \d{4}/

const ASK_NIK = [
  'Untuk melindungi data Anda, saya perlu memastikan ini memang Anda.',
  'Langkah 1 dari 2',
  'Ketik NIK Anda (16 angka di KTP), atau kode pendaftaran Bimtek Anda',
]
const ASK_BIRTH = ['Langkah 2 dari 2', 'Tanggal lahir Anda? (contoh: 17-08-1985)']
/** After NIK and birth date, the same whatever matched: a possession factor is asked for. */
const FACTOR = ['Jika data cocok, saya perlu satu bukti lagi bahwa ini memang Anda', 'Pilih "Kirim kode"']
const FACTOR_OPTIONS = ['Kirim kode lewat WhatsApp', 'Bicara dengan petugas']
const SEND_CODE = 'Kirim kode lewat WhatsApp'
const ASK_CODE = ['Jika data cocok, kode 6 angka dikirim lewat WhatsApp ke nomor HP yang tercatat', 'Ketik kode itu di sini.']
const LEFT = ['Proses tadi dihentikan']

const RATNA_TIMELINE = [
  `*Status sertifikasi ${RATNA.name}*`,
  // Dates of the stages in her own zone (WITA): the local midnight stored is still the same day.
  '✅ Terdaftar: 6 Januari 2025',
  '✅ Seleksi administrasi: 3 Februari 2025',
  '✅ Bimtek: 10 Maret 2025',
  '✅ Ujian kognitif: 14 April 2025',
  '▶️ *Portofolio*: 5 Mei 2025',
  '⬜ Wawancara',
  '⬜ Kompeten / Belum Kompeten',
  '⬜ Sertifikat terbit',
  '*Sekarang:* Lengkapi portofolio (bukti praktik) Anda sebelum ',
  ID_DATE,
  '. Portofolio yang belum lengkap paling sering membuat proses tertunda.',
  '📝 *Ujian berikutnya:* wawancara, ',
  ID_DATE,
  ', 10.00 WITA (tatap muka)',
  'Waktu dalam zona WITA. Ketik "data saya" untuk melihat data Anda',
]

const PAULUS_TIMELINE = [
  `*Status sertifikasi ${PAULUS.name}*`,
  '✅ Terdaftar: 5 Februari 2024',
  '✅ Wawancara: 15 Juli 2024',
  '✅ Kompeten: 19 Agustus 2024',
  '▶️ *Sertifikat terbit*: 1 September 2025',
  '*Sekarang:* Sertifikat Anda sudah terbit. Siapa pun dapat memeriksa keasliannya lewat tautan verifikasi di bawah.',
  `📜 Sertifikat *${PAULUS.certificate}* (Pekerja Sosial), berlaku s.d. 1 September 2028. Verifikasi: /verifikasi/${PAULUS.certificate}`,
  'Waktu dalam zona WIT.',
]

const SUMMARY_OPTIONS = ['Kirim salinan data (file)', 'Hapus data saya', 'Lepaskan akun chat ini']

export const STATUS_TRANSCRIPTS: Record<string, Transcript> = {
  'status: NIK and birth date show the timeline; asked again, the linked chat is answered at once': [
    { user: '3', bot: ASK_NIK },
    { user: RATNA.nik, bot: ASK_BIRTH, not: [RATNA.nik] },
    // A KTP copy gives this much: nothing of Ratna's is shown before the factor.
    { user: RATNA.birthDate, bot: FACTOR, not: [RATNA.name, 'Portofolio'], options: FACTOR_OPTIONS },
    { tap: SEND_CODE, bot: ASK_CODE, not: [RATNA.name] },
    {
      codeFrom: RATNA.phone,
      bot: RATNA_TIMELINE,
      // Nothing after the current step is marked done; no certificate, no expiry step.
      not: ['✅ Portofolio', '✅ Wawancara', 'Kedaluwarsa', '📜', RATNA.nik, RATNA.birthDate, 'Langkah'],
    },
    { user: 'status', bot: RATNA_TIMELINE, not: ['Langkah 1 dari 2', 'Ketik NIK Anda'] },
    { user: 'cek status', bot: [`*Status sertifikasi ${RATNA.name}*`, '▶️ *Portofolio*'], not: ['Langkah'] },
  ],

  'status: an unknown NIK and a wrong birth date get exactly the same answer': [
    { user: 'status', bot: ASK_NIK },
    { user: UNKNOWN_NIK, bot: ASK_BIRTH },
    { user: '01-02-1990', bot: FACTOR, not: ['tidak terdaftar', 'tidak ditemukan', 'salah'], options: FACTOR_OPTIONS },
    { tap: SEND_CODE, bot: ASK_CODE },
    { user: '000000', bot: [wrongCode(4), ...ASK_CODE] },
    { user: 'menu', bot: LEFT },
    { user: 'status', bot: ASK_NIK },
    // A NIK on record, with the wrong birth date: word for word what the unknown NIK got.
    { user: RATNA.nik, bot: ASK_BIRTH },
    { user: '13-03-1986', bot: FACTOR, not: [RATNA.name, 'Portofolio'], options: FACTOR_OPTIONS },
    { tap: SEND_CODE, bot: ASK_CODE, not: [RATNA.name] },
    { user: '000000', bot: [wrongCode(3), ...ASK_CODE], not: [RATNA.name] },
    { user: 'menu', bot: LEFT },
    { user: 'status', bot: ASK_NIK },
    { user: RATNA.nik, bot: ASK_BIRTH },
    { user: RATNA.birthDate, bot: FACTOR },
    { tap: SEND_CODE, bot: ASK_CODE },
    { codeFrom: RATNA.phone, bot: [`*Status sertifikasi ${RATNA.name}*`, '▶️ *Portofolio*'] },
  ],

  'status: a Bimtek registration code and birth date; a certificate with its verification link': [
    { user: 'Cek status sertifikasi', bot: ASK_NIK },
    { user: 'bmt paul22', bot: ASK_BIRTH },
    { user: '23 November 1979', bot: FACTOR, not: [PAULUS.name] },
    { tap: SEND_CODE, bot: ASK_CODE },
    {
      codeFrom: PAULUS.phone,
      bot: PAULUS_TIMELINE,
      not: ['⬜', 'Belum Kompeten', 'Kedaluwarsa', PAULUS.nik, 'sebelum'],
    },
  ],

  'status: a malformed NIK is asked again with the reason, without counting as a try': [
    { user: 'status', bot: ASK_NIK },
    { user: '12345', bot: ['NIK harus 16 angka; Anda mengetik 5.', 'Langkah 1 dari 2'] },
    { user: RATNA.nik, bot: ASK_BIRTH },
    { user: 'kemarin', bot: ['Tanggal tidak dikenali.', 'Langkah 2 dari 2'] },
    { user: '13-03-1986', bot: FACTOR },
    { tap: SEND_CODE, bot: ASK_CODE },
    { user: '000000', bot: [wrongCode(4)] },
  ],

  'data saya: proof first, then the stored data with its options': [
    { user: 'data saya', bot: ASK_NIK },
    { user: RATNA.nik, bot: ASK_BIRTH },
    { user: RATNA.birthDate, bot: FACTOR, not: [RATNA.name] },
    { tap: SEND_CODE, bot: ASK_CODE },
    {
      codeFrom: RATNA.phone,
      bot: [
        '*Data Anda yang kami simpan*',
        `• Nama: ${RATNA.name}`,
        // Shown masked, even to its owner; the full NIK only in the file.
        '• NIK: 7371 **** **** 0007',
        '• Tanggal lahir: 12 Maret 1986',
        '• Nomor HP: +62 899-****-0001',
        '• Provinsi: Sulawesi Selatan',
        '• Kabupaten/kota: Kota Makassar',
        '• Profesi: pekerja sosial',
        '• Lembaga: –',
        '• Pendaftaran Bimtek: 0',
        '• Tahap sertifikasi tercatat: 5',
        '• Jadwal ujian: 1',
        '• Sertifikat: 0',
        '• Persetujuan yang Anda berikan: 0',
        '• Akun chat terhubung: 1',
        'Anda berhak mendapat salinan',
      ],
      not: [RATNA.nik, '11110001', '1986-03-12'],
      options: SUMMARY_OPTIONS,
    },
    {
      tap: 'Kirim salinan data (file)',
      bot: ['Salinan lengkap data Anda terlampir (file JSON, termasuk NIK lengkap'],
      not: [RATNA.nik],
    },
    // A linked chat: "data saya" again needs no proof.
    { user: '7', bot: ['*Data Anda yang kami simpan*', '• Akun chat terhubung: 1'], options: SUMMARY_OPTIONS },
    {
      tap: 'Hapus data saya',
      bot: ['⚠️ Hapus semua data pribadi Anda?', 'Sertifikat yang sudah terbit tetap ada sebagai catatan publik.'],
      options: ['Ya, hapus semua', 'Tidak'],
    },
    { user: 'tidak', bot: ['Baik, data Anda tidak dihapus.'] },
    { user: 'status', bot: [`*Status sertifikasi ${RATNA.name}*`], not: ['Langkah'] },
  ],

  'lepas akun: the record stays, and "status" asks for proof again': [
    { user: 'status', bot: ASK_NIK },
    { user: PAULUS.nik, bot: ASK_BIRTH },
    { user: PAULUS.birthDate, bot: FACTOR },
    { tap: SEND_CODE, bot: ASK_CODE },
    { codeFrom: PAULUS.phone, bot: [`*Status sertifikasi ${PAULUS.name}*`] },
    {
      user: 'lepas akun',
      bot: ['Akun chat ini tidak lagi terhubung ke data sertifikasi Anda. Data Anda sendiri tetap tersimpan.'],
    },
    { user: 'status', bot: ASK_NIK, not: [PAULUS.name] },
    { user: 'batal', bot: ['dibatalkan'] },
    { user: 'lepas akun', bot: ['Akun chat ini belum terhubung ke data mana pun.'] },
    { user: 'data saya', bot: ASK_NIK },
    { user: PAULUS.code, bot: ASK_BIRTH },
    { user: PAULUS.birthDate, bot: FACTOR },
    // A new code: the first one was spent.
    { tap: SEND_CODE, bot: ASK_CODE },
    { codeFrom: PAULUS.phone, bot: ['*Data Anda yang kami simpan*', `• Nama: ${PAULUS.name}`, '• Sertifikat: 1'] },
    { tap: 'Lepaskan akun chat ini', bot: ['tidak lagi terhubung'] },
    { user: 'data saya', bot: ASK_NIK },
  ],

  'hapus data: proof first; after "ya" the data is gone and the chat unlinked': [
    { user: 'hapus data', bot: ASK_NIK },
    { user: PAULUS.nik, bot: ASK_BIRTH },
    { user: PAULUS.birthDate, bot: FACTOR },
    { tap: SEND_CODE, bot: ASK_CODE },
    { codeFrom: PAULUS.phone, bot: ['*Data Anda yang kami simpan*'], options: SUMMARY_OPTIONS },
    { user: 'hapus data saya', bot: ['⚠️ Hapus semua data pribadi Anda?'], options: ['Ya, hapus semua', 'Tidak'] },
    {
      user: 'ya',
      bot: ['Data pribadi Anda sudah dihapus, dan akun chat ini tidak lagi terhubung.', 'Sertifikat yang sudah terbit'],
    },
    { user: 'status', bot: ASK_NIK },
    { user: PAULUS.nik, bot: ASK_BIRTH },
    // The record is gone: the same as for any NIK.
    { user: PAULUS.birthDate, bot: FACTOR, not: [PAULUS.name] },
  ],

  'status in English': [
    { user: 'english', bot: ['OK, I will reply in English'] },
    { user: '3', bot: ['To protect your data I need to make sure it is you.', 'Step 1 of 2', 'Type your NIK'] },
    { user: RATNA.nik, bot: ['Step 2 of 2', 'Your date of birth?'] },
    { user: RATNA.birthDate, bot: ['If the details match, I need one more proof that it is you'] },
    { tap: 'Send a code by WhatsApp', bot: ['Type that code here.'] },
    {
      codeFrom: RATNA.phone,
      bot: [
        `*Certification status of ${RATNA.name}*`,
        '✅ Registered: 6 January 2025',
        '▶️ *Portfolio*: 5 May 2025',
        '⬜ Interview',
        '*Now:* Complete your portfolio (practice evidence) before ',
        '📝 *Next exam:* interview, ',
        '(in person)',
        'Times in WITA.',
      ],
    },
  ],
}
