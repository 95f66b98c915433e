/**
 * The certification path as people are told about it: each stage's name, what it means, and what
 * to do next; the order of the path; and the short message sent when a person's stage changes.
 */
import type { CertificationStage } from '../../db/schema.js'
import { EVENT_KIND } from '../../vocabulary/events.js'
import { formatDate } from '../text/dates.js'
import type { Language, Reply, Text } from '../types.js'

/** The path in order. Kompeten and Belum Kompeten are two outcomes of the same step. */
export const PATH: CertificationStage[][] = [
  ['terdaftar'],
  ['seleksi_administrasi'],
  ['bimtek'],
  ['ujian_kognitif'],
  ['portofolio'],
  ['wawancara'],
  ['kompeten', 'belum_kompeten'],
  ['sertifikat_terbit'],
  ['kedaluwarsa'],
]

/** The stages that are events are named as the events are (Bimtek with what it is, for English readers). */
export const STAGE_LABEL: Record<CertificationStage, Text> = {
  terdaftar: { id: 'Terdaftar', en: 'Registered' },
  seleksi_administrasi: { id: 'Seleksi administrasi', en: 'Document check' },
  bimtek: EVENT_KIND.bimtek.long,
  ujian_kognitif: EVENT_KIND.ujian_kognitif.short,
  // The stage, not its deadline (the event of this stage).
  portofolio: { id: 'Portofolio', en: 'Portfolio' },
  wawancara: EVENT_KIND.wawancara.short,
  kompeten: { id: 'Kompeten', en: 'Competent' },
  belum_kompeten: { id: 'Belum Kompeten', en: 'Not yet competent' },
  sertifikat_terbit: { id: 'Sertifikat terbit', en: 'Certificate issued' },
  kedaluwarsa: { id: 'Kedaluwarsa', en: 'Expired' },
}

/** What the current stage means for the person, and what they should do now. */
export const STAGE_ADVICE: Record<CertificationStage, Text> = {
  terdaftar: {
    id: 'Pendaftaran Anda sudah tercatat. Berikutnya sekretariat memeriksa kelengkapan dokumen Anda (seleksi administrasi).',
    en: 'Your registration is on record. Next, the secretariat checks your documents.',
  },
  seleksi_administrasi: {
    id: 'Dokumen Anda sedang diperiksa. Pastikan nomor HP Anda aktif bila sekretariat perlu menghubungi.',
    en: 'Your documents are being checked. Keep your phone reachable in case the secretariat calls.',
  },
  bimtek: {
    id: 'Ikuti Bimtek sampai selesai: di sana dijelaskan proses uji dan cara menyusun portofolio. Ketik "registrasi saya" untuk jadwal Anda.',
    en: 'Attend the Bimtek to the end: it explains the assessment and how to build the portfolio. Type "registrasi saya" for your schedule.',
  },
  ujian_kognitif: {
    id: 'Bersiaplah untuk ujian kognitif (pilihan ganda, daring). Pastikan perangkat dan internet siap pada hari ujian.',
    en: 'Get ready for the cognitive exam (multiple choice, online). Check your device and internet before the day.',
  },
  portofolio: {
    id: 'Lengkapi portofolio (bukti praktik) Anda{due}. Portofolio yang belum lengkap paling sering membuat proses tertunda.',
    en: 'Complete your portfolio (practice evidence){due}. Unfinished portfolios are the most common cause of delay.',
  },
  wawancara: {
    id: 'Bersiaplah untuk wawancara dengan dua asesor (daring atau tatap muka). Siapkan contoh kasus dari pekerjaan Anda.',
    en: 'Get ready for the interview with two assessors (online or in person). Prepare cases from your own work.',
  },
  kompeten: {
    id: 'Selamat, Anda dinyatakan Kompeten. Sertifikat diterbitkan LSP Kemensos; jarak antara SK dan terbitnya sertifikat bisa beberapa bulan.',
    en: 'Congratulations, you were found Competent. LSP Kemensos issues the certificate; it can take months after the decision.',
  },
  belum_kompeten: {
    id: 'Hasil Anda Belum Kompeten. Ini bukan akhir: Anda dapat mengikuti uji ulang (asesmen ulang) pada unit yang belum kompeten. Tanyakan jadwal dan syaratnya ke sekretariat (ketik "petugas").',
    en: 'Your result is Not Yet Competent. This is not the end: you can be re-assessed on the units not yet passed. Ask the secretariat for dates and requirements (type "petugas").',
  },
  sertifikat_terbit: {
    id: 'Sertifikat Anda sudah terbit. Siapa pun dapat memeriksa keasliannya lewat tautan verifikasi di bawah.',
    en: 'Your certificate has been issued. Anyone can check that it is genuine with the verification link below.',
  },
  kedaluwarsa: {
    id: 'Masa berlaku sertifikat Anda sudah habis. Tanyakan sertifikasi ulang ke sekretariat (ketik "petugas").',
    en: 'Your certificate has expired. Ask the secretariat about re-certification (type "petugas").',
  },
}

/** The step of the path a stage belongs to (0-based). */
export const stepOf = (stage: CertificationStage): number => PATH.findIndex((step) => step.includes(stage))

const changed: Text = {
  id: '🔔 Status sertifikasi Anda diperbarui: *{stage}* ({date}).\n\nKetik "status" untuk melihat rinciannya dan langkah berikutnya.',
  en: '🔔 Your certification status was updated: *{stage}* ({date}).\n\nType "status" to see the details and what comes next.',
}

/** The one message a linked person gets when an import moves them to a new stage. */
export function stageChangedMessage(stage: CertificationStage, reachedAt: Date, lang: Language, timeZone: string): Reply {
  const date = formatDate(reachedAt, 'weekdayDate', lang, timeZone)
  return { text: changed[lang].replace('{stage}', STAGE_LABEL[stage][lang]).replace('{date}', date) }
}
