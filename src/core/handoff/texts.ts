/** What the person reads about their conversation with staff (docs/chat.md, "Bicara dengan petugas"). */
import type { Text } from '../types.js'

export const handoffTexts = {
  /** Appended to the filing confirmation when it is filed out of hours. */
  filedAfterHours: {
    id: 'Saat ini di luar jam layanan ({hours}). Petugas akan membalas mulai {next}.',
    en: 'It is outside service hours now ({hours}). Staff will reply from {next}.',
  },
  firstAck: {
    id: '✅ Pesan Anda sudah diteruskan ke petugas ({code}). Mohon tunggu balasan di chat ini.',
    en: '✅ Your message has been passed to our staff ({code}). Please wait for their reply in this chat.',
  },
  afterHoursAck: {
    id: '🌙 Pesan Anda sudah kami terima, tetapi saat ini di luar jam layanan petugas ({hours}). Petugas akan membalas mulai {next}. Ketik *selesai* bila ingin kembali ke asisten otomatis.',
    en: '🌙 We have received your message, but it is outside staff service hours ({hours}). Staff will reply from {next}. Type *selesai* to go back to the automatic assistant.',
  },
  menuDuringHandoff: {
    id: 'Anda sedang terhubung dengan petugas ({code}), jadi menu belum bisa ditampilkan. Ketik *selesai* untuk mengakhiri percakapan dengan petugas; setelah itu menu akan muncul.',
    en: 'You are talking with our staff ({code}), so the menu cannot be shown now. Type *selesai* to end the conversation with staff; the menu will then appear.',
  },
  confirmEnd: {
    id: 'Akhiri percakapan dengan petugas ({code})?',
    en: 'End the conversation with staff ({code})?',
  },
  confirmYes: { id: 'Ya, akhiri', en: 'Yes, end it' },
  confirmNo: { id: 'Tidak, lanjutkan', en: 'No, continue' },
  continued: {
    id: 'Baik, percakapan dengan petugas berlanjut. Pesan Anda berikutnya diteruskan ke petugas.',
    en: 'All right, the conversation with staff continues. Your next messages go to them.',
  },
  endedByPerson: {
    id: 'Percakapan dengan petugas ({code}) sudah diakhiri. Saya (asisten otomatis) kembali melayani Anda.',
    en: 'The conversation with staff ({code}) has ended. I (the automatic assistant) am answering you again.',
  },
  closedByStaff: {
    id: '✅ Petugas telah menutup percakapan {code}. Terima kasih sudah menghubungi kami. Mulai sekarang saya (asisten otomatis) kembali menjawab pesan Anda.',
    en: '✅ Staff have closed conversation {code}. Thank you for contacting us. From now on I (the automatic assistant) answer your messages again.',
  },
  closedIdle: {
    id: '⌛ Percakapan dengan petugas ({code}) ditutup karena tidak ada pesan selama {hours} jam. Bila masih perlu bantuan petugas, pilih menu 6 lagi. Saya (asisten otomatis) kembali menjawab pesan Anda.',
    en: '⌛ The conversation with staff ({code}) was closed after {hours} hours without messages. If you still need staff, choose menu 6 again. I (the automatic assistant) answer your messages again.',
  },
  ratingPrompt: {
    id: 'Seberapa membantu layanan petugas tadi? Balas dengan angka *1* (tidak membantu) sampai *5* (sangat membantu).\nKetik *menu* untuk melihat menu.',
    en: 'How helpful were our staff? Reply with a number from *1* (not helpful) to *5* (very helpful).\nType *menu* to see the menu.',
  },
  ratingThanks: {
    id: 'Terima kasih atas penilaian Anda ({n} dari 5). Ketik *menu* bila ada yang bisa saya bantu.',
    en: 'Thank you for your rating ({n} out of 5). Type *menu* if I can help with anything.',
  },
  fileTooBig: {
    id: 'Maaf, berkas ini terlalu besar ({size} MB; paling besar 5 MB), jadi tidak diteruskan ke petugas. Kirim foto yang lebih kecil atau PDF di bawah 5 MB.',
    en: 'Sorry, this file is too large ({size} MB; at most 5 MB), so it was not passed to staff. Send a smaller photo or a PDF under 5 MB.',
  },
  fileTooBigUnknown: {
    id: 'Maaf, berkas ini lebih besar dari 5 MB, jadi tidak diteruskan ke petugas. Kirim foto yang lebih kecil atau PDF di bawah 5 MB.',
    en: 'Sorry, this file is larger than 5 MB, so it was not passed to staff. Send a smaller photo or a PDF under 5 MB.',
  },
  fileType: {
    id: 'Maaf, petugas hanya bisa menerima foto (JPG, PNG, WEBP) dan PDF. Berkas ini tidak diteruskan.',
    en: 'Sorry, staff can only receive photos (JPG, PNG, WEBP) and PDFs. This file was not passed on.',
  },
  tooManyFiles: {
    id: 'Maaf, batas berkas untuk percakapan ini (20 berkas, 40 MB) sudah tercapai. Silakan lanjutkan dengan pesan teks.',
    en: 'Sorry, this conversation has reached its file limit (20 files, 40 MB). Please continue with text messages.',
  },
  unsupported: {
    id: 'Maaf, petugas hanya bisa menerima teks, foto, dan PDF. Pesan ini tidak diteruskan.',
    en: 'Sorry, staff can only receive text, photos and PDFs. This message was not passed on.',
  },
  /** The signature over a staff reply. */
  signed: { id: '*Petugas {first} · {region}:*\n{text}', en: '*Staff {first} · {region}:*\n{text}' },
  signedAnonymous: { id: '*Petugas {region}:*\n{text}', en: '*Staff of {region}:*\n{text}' },
  centre: { id: 'Sekretariat', en: 'Secretariat' },
} satisfies Record<string, Text>

/** "BBPPKS Makassar", or the secretariat for a handoff with no region. */
export function regionLabel(city: string | null, lang: 'id' | 'en'): string {
  return city ? `BBPPKS ${city}` : handoffTexts.centre[lang]
}

/** The first word of a name: the signature's "Rina". */
export const firstName = (name: string): string => name.trim().split(/\s+/)[0] ?? name
