/**
 * "Daftar Bimtek" and the commands around it ("jadwal", "registrasi saya", "batal <kode>"), for
 * every channel's driver (see core.ts). The table in index.ts seeds each fresh database with
 * `seedRegistration` before playing: the sessions below, relative to the moment of seeding.
 * Sessions are chosen by number: for a person from Jawa Barat the list is always Bandung, the
 * small class, then the online one (own region first, then by date); for Sulawesi Selatan the
 * online one comes first.
 */
import type { Db } from '../../src/db/client.js'
import { people, registrations } from '../../src/db/schema.js'
import { addSession } from '../support/sessions.js'
import type { Transcript, Turn } from '../support/transcript.js'
import { MENU_EN, MENU_ID } from './core.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** 02.00 UTC (09.00 WIB, 10.00 WITA, 11.00 WIT) on the day `days` after `now`. */
export function morningIn(now: Date, days: number): Date {
  const start = new Date(now.getTime() + days * DAY)
  start.setUTCHours(2, 0, 0, 0)
  return start
}

export const SEEDED = {
  bandung: { code: 'BDG-REG', title: 'Bimtek Pekerja Sosial Bandung', venue: 'BBPPKS Bandung, Jl. Jayagiri No. 63, Lembang' },
  small: { code: 'BDG-KECIL', title: 'Bimtek Kelas Kecil Bandung' },
  online: { code: 'MKS-DARING', title: 'Bimtek Daring Sulawesi', meetingUrl: 'https://zoom.example/j/777' },
} as const

/**
 * The sessions the registration transcripts need: Bandung (R2, 30 seats, in 10 days), a one-seat
 * class in Bandung already full with one person waiting (in 12 days), and an online session of
 * the Makassar centre (R5, WITA, in 14 days). All start at 09.00 WIB and last 8 hours.
 */
export async function seedRegistration(db: Db, now: Date): Promise<{ bandung: number; small: number; online: number }> {
  const bandung = await addSession(db, now, {
    code: SEEDED.bandung.code,
    title: SEEDED.bandung.title,
    region: 'R2',
    venue: SEEDED.bandung.venue,
    capacity: 30,
    startsAt: morningIn(now, 10),
  })
  const small = await addSession(db, now, {
    code: SEEDED.small.code,
    title: SEEDED.small.title,
    region: 'R2',
    capacity: 1,
    startsAt: morningIn(now, 12),
  })
  const online = await addSession(db, now, {
    code: SEEDED.online.code,
    title: SEEDED.online.title,
    region: 'R5',
    mode: 'daring',
    meetingUrl: SEEDED.online.meetingUrl,
    capacity: 50,
    startsAt: morningIn(now, 14),
  })
  // The small class: its one seat taken, one person already waiting.
  const [holder, waiter] = await db
    .insert(people)
    .values([{ fullName: 'Peserta Terdahulu' }, { fullName: 'Peserta Menunggu' }])
    .returning({ id: people.id })
  if (!holder || !waiter) throw new Error('seed people not inserted')
  await db.insert(registrations).values([
    { code: 'BMT-SEEDAA', sessionId: small, personId: holder.id, status: 'confirmed', createdAt: now, updatedAt: now },
    {
      code: 'BMT-SEEDAB',
      sessionId: small,
      personId: waiter.id,
      status: 'waitlisted',
      waitlistedAt: new Date(now.getTime() - HOUR),
      createdAt: now,
      updatedAt: now,
    },
  ])
  return { bandung, small, online }
}

/** Valid test identities: the NIK's date part matches the birth date (women: day + 40). */
export const SITI = { name: 'Siti Aminah', nik: '3273014508850001', birthDate: '05-08-1985' }
export const BUDI = { name: 'Budi Santoso', nik: '3273011708850002', birthDate: '17-08-1985' }

/** "Senin, 7 Desember 2026, 09.00–17.00 WIB". */
export const WIB_DAY = /[A-Z][a-z]+, \d{1,2} [A-Z][a-z]+ \d{4}, 09\.00–17\.00 WIB/
const CODE = /\*(BMT-[A-Z2-9]{6})\*/

const CONSENT_ID = ['Ya, saya setuju', 'Tidak setuju']
const PROFESSIONS_ID = [
  'Pekerja sosial',
  'Penyuluh sosial',
  'Tenaga Kesejahteraan Sosial (TKS)',
  'Relawan sosial (PSM, Tagana, TKSK, Karang Taruna)',
  'Pendamping PKH',
  'Lainnya',
]
const SUMMARY_ID = ['Ya, daftar', 'Ubah', 'Batal']

/** From the menu to the session question, every answer valid, for a person working in Bandung. */
export function detailsUpToSession(person: { name: string; nik: string; birthDate: string } = SITI, start = '2'): Turn[] {
  return [
    {
      user: start,
      bot: [
        'Langkah 1 dari 10',
        '*Pendaftaran Bimtek sertifikasi*',
        'UU 27/2022',
        '*Tujuan*',
        '*Hak Anda*',
        'Apakah Anda setuju?',
      ],
      options: CONSENT_ID,
    },
    { tap: 'Ya, saya setuju', bot: ['Langkah 2 dari 10', 'Siapa nama lengkap Anda (sesuai KTP)?'] },
    { user: person.name, bot: ['Langkah 3 dari 10', 'Berapa NIK Anda (16 angka di KTP)?'] },
    { user: person.nik, bot: ['Langkah 4 dari 10', 'Tanggal lahir Anda?'] },
    // On WhatsApp the question also offers the sender's number; a typed one works everywhere.
    { user: person.birthDate, bot: ['Langkah 5 dari 10', 'Nomor HP/WhatsApp Anda?'] },
    { user: '0812-3456-7890', bot: ['Langkah 6 dari 10', 'Di provinsi mana Anda bertugas?'] },
    { user: 'Jawa Barat', bot: ['Langkah 7 dari 10', 'Di kabupaten/kota mana Anda bertugas?'] },
    { user: 'Kota Bandung', bot: ['Langkah 8 dari 10', 'Kelompok profesi Anda?'], options: PROFESSIONS_ID },
    { tap: 'Pekerja sosial', bot: ['Langkah 9 dari 10', 'Nama lembaga/instansi tempat Anda bertugas?'] },
    { user: 'Dinas Sosial Kota Bandung', bot: ['Langkah 10 dari 10', 'Pilih sesi Bimtek (waktu dalam zona WIB):'] },
  ]
}

/** The Bandung session (option 1 for a person from Jawa Barat) through to a confirmed seat. */
export const chooseBandungAndConfirm: Turn[] = [
  { user: '1', bot: ['*Periksa data pendaftaran Anda:*', `• Sesi: ${SEEDED.bandung.title}, `], options: SUMMARY_ID },
  {
    tap: 'Ya, daftar',
    bot: ['✅ *Pendaftaran berhasil.*', 'Kode pendaftaran Anda:', CODE, 'File kalender terlampir'],
    keep: { code: CODE },
  },
]

export const REGISTRATION_TRANSCRIPTS: Record<string, Transcript> = {
  'Daftar Bimtek from consent to a confirmed seat, with the calendar': [
    ...detailsUpToSession(),
    {
      user: '1',
      bot: [
        '*Periksa data pendaftaran Anda:*',
        '• Nama: Siti Aminah',
        '• NIK: 3273 **** **** 0001',
        '• Tanggal lahir: 5 Agustus 1985',
        '• Nomor HP: +62 812-****-7890',
        '• Provinsi: Jawa Barat',
        '• Kabupaten/kota: Kota Bandung',
        '• Profesi: Pekerja sosial',
        '• Lembaga: Dinas Sosial Kota Bandung',
        `• Sesi: ${SEEDED.bandung.title}, `,
        WIB_DAY,
        'Dengan memilih "Ya, daftar"',
      ],
      // The NIK and the number are never shown whole, not even back to their owner.
      not: [SITI.nik, '081234567890', '3456-7890', 'Persetujuan'],
      options: SUMMARY_ID,
    },
    {
      tap: 'Ya, daftar',
      bot: [
        '✅ *Pendaftaran berhasil.* Kode pendaftaran Anda: ',
        CODE,
        `*${SEEDED.bandung.title}*`,
        WIB_DAY,
        `📍 Tatap muka: ${SEEDED.bandung.venue}`,
        'Peta: https://maps.example/bbppks',
        'File kalender terlampir. Tambahkan ke Google Calendar: https://calendar.google.com/calendar/render?action=TEMPLATE',
        /dates=\d{8}T020000Z%2F\d{8}T100000Z/,
        'Untuk membatalkan, ketik "batal BMT-',
      ],
      not: [SITI.nik],
      keep: { code: CODE },
    },
    { user: 'registrasi saya', bot: ['*Pendaftaran Bimtek Anda*', '1. *{code}*: ', SEEDED.bandung.title, WIB_DAY, 'terdaftar'] },
    // Cancelling without the code: the registrations, and how to cancel one.
    {
      user: 'batal pendaftaran',
      bot: ['*Pendaftaran Bimtek Anda*', '*{code}*', 'ketik "batal" dan kodenya, mis. "batal {code}"'],
    },
  ],

  '"kalender": nothing before a confirmed seat, then its calendar file again, however it is typed': [
    {
      user: 'kalender',
      bot: ['Belum ada Bimtek mendatang dengan kursi terkonfirmasi', 'Ketik "registrasi saya"', '"daftar bimtek"'],
    },
    ...detailsUpToSession(),
    ...chooseBandungAndConfirm,
    { user: 'kalender', bot: [`📅 *${SEEDED.bandung.title}* ({code})`, WIB_DAY], not: ['Belum ada Bimtek'] },
    { user: 'kirim file kalender', bot: [`📅 *${SEEDED.bandung.title}* ({code})`] },
    { user: 'kalendar', bot: [`📅 *${SEEDED.bandung.title}* ({code})`] },
    { user: '.ics', bot: [`📅 *${SEEDED.bandung.title}* ({code})`] },
    // A question about the schedule is not the command: the FAQ answers it.
    { user: 'kalender bimtek tahun ini', bot: [], not: ['📅', 'Belum ada Bimtek mendatang'] },
  ],

  'every answer is checked, and asked again with the reason': [
    { user: '2', bot: ['Langkah 1 dari 10'], options: CONSENT_ID },
    { user: 'mungkin nanti', bot: ['Mohon jawab 1 (Ya, saya setuju) atau 2 (Tidak setuju).', 'Langkah 1 dari 10'] },
    { user: 'ya', bot: ['Langkah 2 dari 10'] },
    { user: 'Al', bot: ['⚠️ Nama harus 3–100 huruf; Anda mengetik 2.', 'Langkah 2 dari 10', 'Siapa nama lengkap Anda'] },
    { user: 'Siti 123', bot: ['Nama hanya boleh berisi huruf', 'Langkah 2 dari 10'] },
    { user: 'siti   aminah', bot: ['Langkah 3 dari 10'] },
    { user: '3273 0145 0885 00', bot: ['⚠️ NIK harus 16 angka; Anda mengetik 14.', 'Langkah 3 dari 10'] },
    { user: '9973014508850001', bot: ['Dua angka pertama NIK (99) bukan kode provinsi yang dikenal.', 'Langkah 3 dari 10'] },
    { user: '3273-0145-0885-0001', bot: ['Langkah 4 dari 10'] },
    { user: 'kemarin', bot: ['Tanggal tidak dikenali. Contoh: 17-08-1990', 'Langkah 4 dari 10'] },
    {
      user: '06-08-1985',
      bot: ['Tanggal lahir tidak cocok dengan NIK (NIK Anda menunjukkan tanggal 05-08-..85)', 'Langkah 4 dari 10'],
    },
    { user: '5 Agustus 1985', bot: ['Langkah 5 dari 10'] },
    {
      user: '022-2501234',
      bot: ['Mohon tulis nomor HP/WhatsApp (diawali 08), bukan nomor telepon rumah atau kantor.', 'Langkah 5 dari 10'],
    },
    { user: '0812-345', bot: ['Nomor HP harus 10–13 angka', 'Anda mengetik 7 angka', 'Langkah 5 dari 10'] },
    { user: '+62 812 3456 7890', bot: ['Langkah 6 dari 10'] },
    { user: 'Atlantis', bot: ['Provinsi tidak dikenali.', 'Langkah 6 dari 10'] },
    { user: 'jabar', bot: ['Langkah 7 dari 10'] },
    { user: 'Bd', bot: ['paling sedikit 3 huruf', 'Langkah 7 dari 10'] },
    { user: 'Kab. Garut', bot: ['Langkah 8 dari 10'] },
    // A choice step takes an option (number, label), not free text.
    {
      user: 'guru honorer',
      bot: ['Pilihan tidak dikenali. Ketik angka pilihan (1–6).', 'Langkah 8 dari 10'],
      options: PROFESSIONS_ID,
    },
    { user: '9', bot: ['Pilihan tidak dikenali. Ketik angka pilihan (1–6).', 'Langkah 8 dari 10'] },
    { user: 'pendamping pkh', bot: ['Langkah 9 dari 10'] },
    { user: 'D', bot: ['paling sedikit 2 huruf', 'Langkah 9 dari 10'] },
    { user: 'LKS Mentari', bot: ['Langkah 10 dari 10'] },
    { user: 'yang paling dekat saja', bot: ['Pilihan tidak dikenali. Ketik angka pilihan (1–3).', 'Langkah 10 dari 10'] },
    { user: '1', bot: ['• Nama: siti aminah', '• Tanggal lahir: 5 Agustus 1985', '• Profesi: Pendamping PKH'] },
    { user: 'hmm', bot: ['Ketik 1 untuk mengirim, 2 untuk mengubah, atau 3 untuk membatalkan.'], options: SUMMARY_ID },
    { user: 'batal', bot: ['Baik, dibatalkan. Isian tadi tidak disimpan.'], options: MENU_ID },
  ],

  'consent refused: nothing is stored': [
    { user: 'daftar', bot: ['Langkah 1 dari 10', 'Apakah Anda setuju?'], options: CONSENT_ID },
    {
      user: 'tidak',
      bot: ['Baik, pendaftaran tidak dilanjutkan dan tidak ada data Anda yang disimpan.'],
      not: ['Langkah 2 dari 10'],
    },
    { user: 'registrasi saya', bot: ['Belum ada pendaftaran Bimtek dari akun chat ini.'] },
    { user: '2', bot: ['Langkah 1 dari 10'] },
    { tap: 'Tidak setuju', bot: ['tidak ada data Anda yang disimpan'] },
  ],

  '"batal" in the middle of the registration': [
    { user: '2', bot: ['Langkah 1 dari 10'] },
    { tap: 'Ya, saya setuju', bot: ['Langkah 2 dari 10'] },
    { user: SITI.name, bot: ['Langkah 3 dari 10'] },
    { user: SITI.nik, bot: ['Langkah 4 dari 10'] },
    { user: 'batal', bot: ['Baik, dibatalkan. Isian tadi tidak disimpan.'], options: MENU_ID },
    { user: 'registrasi saya', bot: ['Belum ada pendaftaran Bimtek dari akun chat ini.'] },
  ],

  'the summary\'s "Ubah" corrects one answer and keeps the others': [
    ...detailsUpToSession(),
    { user: '1', bot: ['• Lembaga: Dinas Sosial Kota Bandung'], options: SUMMARY_ID },
    {
      tap: 'Ubah',
      bot: ['Bagian mana yang ingin diubah?'],
      options: ['Nama', 'NIK', 'Tanggal lahir', 'Nomor HP', 'Provinsi', 'Kabupaten/kota', 'Profesi', 'Lembaga', 'Sesi'],
    },
    { tap: 'Lembaga', bot: ['Langkah 9 dari 10', 'Nama lembaga/instansi tempat Anda bertugas?'] },
    {
      user: 'LKS Mentari Bandung',
      bot: [
        '*Periksa data pendaftaran Anda:*',
        '• Nama: Siti Aminah',
        '• Profesi: Pekerja sosial',
        '• Lembaga: LKS Mentari Bandung',
      ],
      not: ['Dinas Sosial Kota Bandung', 'Langkah 10 dari 10'],
      options: SUMMARY_ID,
    },
    { user: 'ubah nomor hp', bot: ['Bagian mana yang ingin diubah?'] },
    { tap: 'Nomor HP', bot: ['Langkah 5 dari 10'] },
    { user: '0813 1111 2222', bot: ['• Nomor HP: +62 813-****-2222', '• Lembaga: LKS Mentari Bandung'], not: ['7890'] },
    { tap: 'Ya, daftar', bot: ['✅ *Pendaftaran berhasil.*', CODE] },
  ],

  'a full session puts the person on the waiting list, with their place': [
    ...detailsUpToSession(BUDI),
    { user: '2', bot: [`• Sesi: ${SEEDED.small.title}, `, WIB_DAY], options: SUMMARY_ID },
    {
      tap: 'Ya, daftar',
      bot: [
        '🕒 *Sesi ini sudah penuh.* Anda masuk *daftar tunggu* di urutan ke-2.',
        'Kode pendaftaran Anda: ',
        CODE,
        `*${SEEDED.small.title}*`,
        'Anda punya 12 jam untuk membalas YA',
        'Untuk keluar dari daftar tunggu, ketik "batal BMT-',
      ],
      not: ['File kalender terlampir', 'Pendaftaran berhasil'],
      keep: { code: CODE },
    },
    {
      user: 'registrasi saya',
      bot: ['*Pendaftaran Bimtek Anda*', '*{code}*: ', SEEDED.small.title, 'daftar tunggu, urutan ke-2'],
    },
    { user: 'jadwal jawa barat', bot: [SEEDED.small.title, 'Penuh: daftar tunggu (2 menunggu)'] },
    // No calendar file for a place on the waiting list.
    { user: 'kalender', bot: ['Belum ada Bimtek mendatang dengan kursi terkonfirmasi'], not: ['📅'] },
  ],

  '"batal <kode>" asks first: "tidak" keeps the seat, "ya" cancels it': [
    ...detailsUpToSession(),
    ...chooseBandungAndConfirm,
    { user: 'registrasi saya', bot: ['*{code}*', 'terdaftar'] },
    {
      user: 'batal {code}',
      bot: ['Batalkan pendaftaran *{code}*?', `*${SEEDED.bandung.title}*`, WIB_DAY, 'Kursi Anda akan ditawarkan'],
      options: ['Ya, batalkan', 'Tidak, tetap ikut'],
    },
    { user: 'tidak', bot: ['Baik, pendaftaran {code} tetap berlaku.'] },
    { user: 'registrasi saya', bot: ['*{code}*', 'terdaftar'] },
    { user: 'batal {code}', bot: ['Batalkan pendaftaran *{code}*?'] },
    // The option's label, typed, means the option (not the global "tidak jadi" = cancel).
    { user: 'Tidak, tetap ikut', bot: ['Baik, pendaftaran {code} tetap berlaku.'] },
    { user: 'batal {code}', bot: ['Batalkan pendaftaran *{code}*?'] },
    { user: 'ya', bot: ['Pendaftaran *{code}* sudah dibatalkan.'] },
    { user: 'registrasi saya', bot: ['Belum ada pendaftaran Bimtek dari akun chat ini.'] },
    { user: 'batal {code}', bot: ['Pendaftaran {code} sudah dibatalkan sebelumnya.'] },
    { user: 'batal BMT-ZZZZZZ', bot: ['Kode BMT-ZZZZZZ tidak ditemukan di pendaftaran akun chat ini.'] },
  ],

  'the same NIK for the same session again: already registered, with the code': [
    ...detailsUpToSession(),
    ...chooseBandungAndConfirm,
    ...detailsUpToSession(SITI, 'daftar'),
    { user: '1', bot: [`• Sesi: ${SEEDED.bandung.title}`] },
    {
      tap: 'Ya, daftar',
      bot: ['Anda sudah terdaftar di sesi ini dengan kode *{code}* (terdaftar).', 'registrasi saya'],
      not: ['Pendaftaran berhasil', 'File kalender'],
    },
    { user: 'registrasi saya', bot: ['1. *{code}*'], not: ['2. *BMT-'] },
  ],

  'jadwal: every region, a region, a province, and a place it does not know': [
    {
      user: 'jadwal',
      bot: [
        '*Jadwal Bimtek*',
        `1. *${SEEDED.bandung.title}* (pekerja sosial)`,
        WIB_DAY,
        `📍 Tatap muka: ${SEEDED.bandung.venue}`,
        '👥 30 kursi tersisa dari 30 · Pendaftaran s.d. ',
        `2. *${SEEDED.small.title}*`,
        'Penuh: daftar tunggu (1 menunggu)',
        `3. *${SEEDED.online.title}*`,
        // An unlinked reader sees each session in its venue's zone.
        /, 10\.00–18\.00 WITA/,
        `📍 Daring: ${SEEDED.online.meetingUrl}`,
        'Waktu dalam zona waktu setempat.',
      ],
      // One "Daftar: <title>, <date>" per open session, then menu 2 (the dates move with the clock: see
      // test/registration/find-sessions.test.ts for the labels).
    },
    {
      user: 'jadwal makassar',
      bot: [
        '*Jadwal Bimtek · BBPPKS Regional V Sulawesi*',
        `1. *${SEEDED.online.title}*`,
        /10\.00–18\.00 WITA/,
        'Waktu dalam zona WITA.',
      ],
      not: [SEEDED.bandung.title, SEEDED.small.title],
    },
    { user: 'jadwal sulawesi', bot: ['BBPPKS Regional V Sulawesi', SEEDED.online.title], not: [SEEDED.bandung.title] },
    {
      user: 'jadwal jawa barat',
      bot: ['*Jadwal Bimtek · Jawa Barat*', SEEDED.bandung.title, SEEDED.small.title, 'Waktu dalam zona WIB.'],
      not: [SEEDED.online.title],
    },
    // Words after "jadwal" that name no place are a question, not a filter: the FAQ answers them.
    { user: 'jadwal ujian', bot: ['*Kapan jadwal ujian saya?*'], not: ['*Jadwal Bimtek'] },
    { user: 'jadwal atlantis', bot: [], not: ['*Jadwal Bimtek'] },
    // Nothing in the region: the nearest sessions elsewhere, saying which filter was loosened.
    {
      user: 'jadwal jayapura',
      bot: [
        'Belum ada jadwal Bimtek di BBPPKS Regional VI Papua.',
        'Yang terdekat (di seluruh Indonesia):',
        SEEDED.bandung.title,
      ],
    },
  ],

  'in English: registration, re-asks, schedule and own registrations': [
    { user: 'english', bot: ['OK, I will reply in English'], options: MENU_EN },
    {
      user: '2',
      bot: ['Step 1 of 10', '*Bimtek registration*', 'Law 27/2022', 'Do you agree?'],
      options: ['Yes, I agree', 'No'],
    },
    { user: 'yes', bot: ['Step 2 of 10', 'What is your full name (as on your ID card)?'] },
    { user: 'Al', bot: ['A name must have 3–100 characters; you typed 2.', 'Step 2 of 10'] },
    { user: 'Andi Wijaya', bot: ['Step 3 of 10', 'What is your NIK'] },
    { user: '12345', bot: ['The NIK must have 16 digits; you typed 5.'] },
    { user: BUDI.nik, bot: ['Step 4 of 10', 'Your date of birth?'] },
    { user: '18-08-1985', bot: ['The birth date does not match the NIK (your NIK shows 17-08-..85)', 'Step 4 of 10'] },
    { user: BUDI.birthDate, bot: ['Step 5 of 10', 'Your mobile/WhatsApp number?'] },
    { user: '021-5550-1234', bot: ['Please give a mobile/WhatsApp number (starting 08), not a landline.'] },
    { user: '0811 2233 4455', bot: ['Step 6 of 10', 'In which province do you work?'] },
    { user: 'Sulawesi Selatan', bot: ['Step 7 of 10'] },
    { user: 'Kota Makassar', bot: ['Step 8 of 10', 'Your profession group?'] },
    { user: 'teacher', bot: ['I did not recognise that option. Type the number of an option (1–6).'] },
    { tap: 'Social extension worker', bot: ['Step 9 of 10'] },
    { user: 'Dinas Sosial Kota Makassar', bot: ['Step 10 of 10', 'Choose a Bimtek session (times in WITA):'] },
    // Own region first: the Makassar centre's online session is option 1.
    {
      user: '1',
      bot: [
        '*Please check your registration:*',
        '• Name: Andi Wijaya',
        '• Profession: Social extension worker',
        SEEDED.online.title,
      ],
      options: ['Yes, register', 'Change something', 'Cancel'],
    },
    {
      user: 'yes',
      bot: [
        '✅ *You are registered.* Your registration code: ',
        CODE,
        /10\.00–18\.00 WITA/,
        `📍 Online: ${SEEDED.online.meetingUrl}`,
        'A calendar file is attached.',
      ],
      keep: { code: CODE },
    },
    { user: 'registrasi saya', bot: ['*Your Bimtek registrations*', '*{code}*', 'confirmed'] },
    { user: 'calendar', bot: [`📅 *${SEEDED.online.title}* ({code})`, /10\.00–18\.00 WITA/] },
    {
      user: 'jadwal',
      // A linked reader sees every session in their own zone, with the venue's time beside it.
      bot: ['*Bimtek schedule*', SEEDED.bandung.title, /10\.00–18\.00 WITA \(local time 09\.00 WIB\)/, 'Times in WITA.'],
    },
    { user: 'batal {code}', bot: ['Cancel registration *{code}*?'], options: ['Yes, cancel', 'No, keep it'] },
    { user: 'no', bot: ['All right, registration {code} stays.'] },
  ],
}
