/** What the engine itself says, in every language it speaks. Flow texts live with their flow. */
import type { Language, Text } from './types.js'

export const t = (lang: Language, text: Text): string => text[lang]

export const messages = {
  menuIntro: {
    id: 'Saya asisten sertifikasi SDM Kesos (pekerja sosial, penyuluh sosial, TKS, relawan sosial). Ketik "menu" kapan saja untuk kembali ke sini. Type "english" for English.\n\nKetik angka menu yang Anda perlukan:',
    en: 'I am the certification assistant for social-welfare workers (SDM Kesos). Type "menu" at any time to come back here. Ketik "bahasa indonesia" untuk Bahasa Indonesia.\n\nType the number of what you need:',
  },
  notUnderstood: {
    id: 'Maaf, saya belum mengerti pesan itu.',
    en: "Sorry, I didn't understand that.",
  },
  cancelled: {
    id: 'Baik, dibatalkan. Isian tadi tidak disimpan.',
    en: 'OK, cancelled. Nothing you typed there was saved.',
  },
  nothingToCancel: {
    id: 'Tidak ada proses yang sedang berjalan.',
    en: 'There is nothing in progress to cancel.',
  },
  leftFlow: {
    id: 'Proses tadi dihentikan; isian tadi tidak disimpan.',
    en: 'The previous step was stopped; nothing you typed there was saved.',
  },
  expired: {
    id: 'Sesi sebelumnya berakhir karena tidak ada balasan selama {minutes} menit; isian tadi tidak disimpan.',
    en: 'Your previous session ended after {minutes} minutes without a reply; nothing you typed there was saved.',
  },
  languageSet: {
    id: 'Baik, saya akan memakai Bahasa Indonesia.',
    en: 'OK, I will reply in English.',
  },
  staleChoice: {
    id: 'Pilihan itu berasal dari menu lama yang sudah berubah. Silakan pilih dari pesan terbaru.',
    en: 'That option belongs to an older menu that has changed. Please choose from the latest message.',
  },
  notAvailable: {
    id: '"{feature}" belum tersedia di asisten ini. Sementara itu, silakan hubungi {contact}, atau pilih 6 untuk menitipkan pertanyaan kepada petugas.',
    en: '"{feature}" is not available in this assistant yet. Meanwhile, please contact {contact}, or choose 6 to leave a question for our staff.',
  },
  internalError: {
    id: 'Maaf, terjadi gangguan di sistem kami. Silakan coba lagi beberapa saat lagi, atau ketik "menu".',
    en: 'Sorry, something went wrong on our side. Please try again in a moment, or type "menu".',
  },
  tooLong: {
    id: 'Maaf, pesan Anda terlalu panjang ({length} karakter; paling banyak {max}), jadi belum saya baca. Mohon kirim lebih singkat, satu pertanyaan atau jawaban per pesan. Bila perlu menjelaskan panjang lebar, ketik "petugas" untuk bicara dengan petugas.',
    en: 'Sorry, your message is too long ({length} characters; at most {max}), so I have not read it. Please send it shorter, one question or answer per message. If you need to explain at length, type "petugas" to talk to staff.',
  },
  unsupported: {
    id: 'Maaf, saya hanya bisa membaca pesan teks. Silakan ketik pertanyaan atau pilihan Anda.',
    en: 'Sorry, I can only read text messages. Please type your question or choice.',
  },
  contactNotAsked: {
    id: 'Terima kasih. Nomor yang dibagikan hanya dipakai saat saya memintanya untuk memastikan identitas Anda (menu 3 atau 7); nomor ini tidak disimpan.',
    en: 'Thank you. A shared number is used only when I ask for it to make sure who you are (menu 3 or 7); this one is not stored.',
  },
  greetingInFlow: {
    id: 'Halo! Kita masih di tengah proses ini. Silakan jawab pertanyaan di bawah, atau ketik "batal" untuk berhenti.',
    en: 'Hello! We are still in the middle of this. Please answer the question below, or type "batal" to stop.',
  },
  /**
   * Added to an answer in Indonesian when the question was written in English. In English in both
   * catalogues: it is only ever shown to someone who writes English and does not read the rest yet.
   */
  englishOffer: {
    id: 'Reply *english* to get answers in English.',
    en: 'Reply *english* to get answers in English.',
  },
  greeting: {
    id: 'Halo, selamat datang!',
    en: 'Hello, welcome!',
  },
} satisfies Record<string, Text>

/** Fills `{name}` slots in a message. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (slot, name: string) => (name in values ? String(values[name]) : slot))
}
