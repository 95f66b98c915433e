/**
 * Talking to staff (menu 6) in the person's own chat: the request is filed, the bot falls silent
 * while staff answer (from the command line here; the console and the staff group use the same
 * actions), the person answers, staff close, the bot answers again and asks for a rating.
 * Acknowledgements are matched on their common start: whether one says "in hours" or "out of
 * hours" depends on when the suite runs (test/core/handoff-hours.test.ts pins the edges).
 */
import type { Transcript } from '../support/transcript.js'

const ASK_STAFF: Transcript = [
  { user: '6', bot: ['Saya akan menghubungkan Anda dengan petugas', 'Langkah 1 dari 5'] },
  { tap: 'Data pribadi saya', bot: ['Langkah 2 dari 5'] },
  { user: 'Nama saya salah ketik di sertifikat, mohon dibetulkan', bot: ['Siapa nama lengkap Anda?'] },
  { user: 'Siti Rahma', bot: ['Nomor HP/WhatsApp'] },
  { user: '0812 3456 7890', bot: ['provinsi mana'] },
  { user: 'sulsel', bot: ['Periksa lagi sebelum dikirim', 'Sulawesi Selatan'] },
  {
    tap: 'Ya, kirim',
    bot: ['Terima kasih, Siti Rahma', 'petugas BBPPKS Makassar', 'membalas langsung di chat ini', 'selesai'],
    keep: { code: /(PTG-[A-Z2-9]{6})/ },
  },
]

export const HANDOFF_TRANSCRIPTS: Record<string, Transcript> = {
  'a person asks for staff, is answered in the same chat, and the bot comes back afterwards': [
    ...ASK_STAFF,
    { user: 'Di sertifikat tertulis Siti Rahmah, seharusnya Siti Rahma', bot: ['Pesan Anda sudah'] },
    { user: 'jadwal bimtek', silent: true },
    { user: 'halo kak?', silent: true },
    {
      staff: { reply: 'Baik Bu Siti, mohon kirim foto KTP untuk kami cocokkan.' },
      bot: ['Petugas BBPPKS Makassar:', 'mohon kirim foto KTP'],
    },
    { user: 'Sudah saya kirim lewat email kemarin', silent: true },
    { staff: { close: true }, bot: ['Petugas telah menutup percakapan {code}', 'kembali menjawab', 'angka *1*'] },
    { user: '4', bot: ['Terima kasih atas penilaian Anda (4 dari 5)'] },
    { user: 'jadwal bimtek', bot: [], not: ['{code}', 'penilaian'] },
  ],
  'the person ends the conversation with "selesai", confirmed once': [
    ...ASK_STAFF,
    { user: 'selesai', bot: ['Akhiri percakapan dengan petugas ({code})?'], options: ['Ya, akhiri', 'Tidak, lanjutkan'] },
    { tap: 'Tidak, lanjutkan', bot: ['percakapan dengan petugas berlanjut'] },
    { user: 'ternyata masih ada yang mau saya tanyakan', bot: ['Pesan Anda sudah'] },
    { user: 'selesai', bot: ['Akhiri percakapan'] },
    { tap: 'Ya, akhiri', bot: ['Percakapan dengan petugas ({code}) sudah diakhiri', 'angka *1*'] },
    // Not a rating: an ordinary message, answered by the assistant again.
    { user: 'terima kasih', bot: [], not: ['penilaian Anda', 'Pesan Anda sudah'] },
  ],
  '"menu" during a conversation with staff says how to end it first': [
    ...ASK_STAFF,
    { user: 'menu', bot: ['Anda sedang terhubung dengan petugas ({code})', 'selesai'] },
    { user: 'batal', bot: ['Anda sedang terhubung dengan petugas ({code})'] },
  ],
}
