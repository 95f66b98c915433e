/**
 * Conversations every channel must hold the same way. The table in index.ts has each channel's
 * suite play them through its own driver (see test/support/transcript.ts): the core directly,
 * Telegram, WhatsApp.
 */
import type { Transcript } from '../support/transcript.js'

export const MENU_ID = [
  'Tanya jawab sertifikasi',
  'Daftar Bimtek',
  'Cek status sertifikasi',
  'Verifikasi sertifikat',
  'Pengingat ujian',
  'Bicara dengan petugas',
  'Data pribadi saya',
]
export const MENU_EN = [
  'Certification Q&A',
  'Register for Bimtek',
  'Check certification status',
  'Verify a certificate',
  'Exam reminders',
  'Talk to a staff member',
  'My personal data',
]

export const CORE_TRANSCRIPTS: Record<string, Transcript> = {
  'greeting shows the menu': [{ user: 'halo min', bot: ['Halo, selamat datang!', 'Ketik angka menu'], options: MENU_ID }],

  'menu entries by number, label, short name and tap': [
    { user: '6', bot: ['Langkah 1 dari 5'] },
    { user: 'menu', bot: ['Proses tadi dihentikan'], options: MENU_ID },
    { user: 'Bicara dengan petugas', bot: ['Langkah 1 dari 5'] },
    { user: 'batal', bot: ['dibatalkan'], options: MENU_ID },
    { user: 'petugas', bot: ['Langkah 1 dari 5'] },
    { user: 'menu', bot: ['Ketik angka menu'] },
    { tap: 'Bicara dengan petugas', bot: ['Langkah 1 dari 5'] },
  ],

  'reminders in a chat not linked yet: how they come, and stop/start remembered for later': [
    { user: '5', bot: ['Pengingat dikirim untuk Bimtek yang Anda daftarkan', 'belum tertaut', 'menu 2', 'menu 3'] },
    { user: 'stop pengingat', bot: ['🔕 Pengingat dimatikan untuk chat ini.', 'Ketik *mulai pengingat*'] },
    { user: 'matikan pengingat', bot: ['memang sudah mati'] },
    { user: 'mulai pengingat', bot: ['🔔 Pengingat dinyalakan untuk chat ini.', 'belum tertaut'] },
    // HADIR with no reminder sent to this chat is not a command: the FAQ answers.
    { user: 'hadir', bot: [], not: ['Kehadiran Anda tercatat'] },
  ],

  'language switch and back': [
    { user: 'english', bot: ['OK, I will reply in English'], options: MENU_EN },
    { user: '6', bot: ['Step 1 of 5'] },
    { user: 'bahasa indonesia', bot: ['Bahasa Indonesia', 'Langkah 1 dari 5'] },
    { user: 'batal', bot: ['dibatalkan'], options: MENU_ID },
  ],

  'Bicara dengan petugas from start to reference code': [
    { user: '6', bot: ['Langkah 1 dari 5', 'Tentang apa pertanyaan Anda?'] },
    { user: '3', bot: ['Langkah 2 dari 5'] },
    { user: 'kpn?', bot: ['paling sedikit 10 huruf', 'Langkah 2 dari 5'] },
    { user: 'sertifikat sy hilang waktu banjir, gmn ya', bot: ['Langkah 3 dari 5'] },
    { user: 'Siti Aminah', bot: ['Langkah 4 dari 5'] },
    { user: '0812-345', bot: ['Anda mengetik 7 angka', 'Langkah 4 dari 5'] },
    { user: '0812 3456 7890', bot: ['Langkah 5 dari 5', 'provinsi mana'] },
    { user: 'ntb', bot: ['Periksa lagi', '+62 812-****-7890', 'Nusa Tenggara Barat'], options: ['Ya, kirim', 'Ubah', 'Batal'] },
    { user: 'iya kak', bot: [/nomor PTG-[A-Z2-9]{6}/] },
  ],
}
