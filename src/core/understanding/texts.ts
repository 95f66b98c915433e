/** What the chat says around an understood message: the labels of the actions it offers, and its questions. */
import { DateTime } from 'luxon'
import { fill, t } from '../messages.js'
import type { Language, Text } from '../types.js'
import type { ActionIntent, Slots } from './types.js'

export const texts = {
  didYouMean: {
    id: 'Saya kurang yakin maksud pertanyaan Anda. Maksud Anda:',
    en: 'I am not sure what you mean. Did you mean:',
  },
  askStaff: { id: 'Bukan, tanya petugas', en: 'None of these, ask staff' },
  whichFirst: {
    id: 'Anda menanyakan dua hal. Mana dulu? Setelah selesai, kirim lagi yang satunya.',
    en: 'You asked for two things. Which first? When it is done, send the other one again.',
  },
  more: {
    id: 'Sepertinya pesan Anda berisi lebih dari dua permintaan; yang lain belum saya jawab. Silakan kirim satu per satu.',
    en: 'Your message seems to ask for more than two things; I have not answered the rest yet. Please send them one at a time.',
  },
} satisfies Record<string, Text>

const labels: Readonly<Record<ActionIntent, Text>> = {
  'sessions.find': { id: 'Lihat jadwal Bimtek{place}{month}', en: 'See the Bimtek schedule{place}{month}' },
  'registration.start': { id: 'Daftar Bimtek{place}', en: 'Register for Bimtek{place}' },
  'registration.mine': { id: 'Lihat pendaftaran saya', en: 'See my registrations' },
  'registration.cancel': { id: 'Batalkan pendaftaran{code}', en: 'Cancel my registration{code}' },
  'status.check': { id: 'Cek status sertifikasi saya', en: 'Check my certification status' },
  'certificate.verify': { id: 'Cek nomor sertifikat{number} sekarang', en: 'Check certificate number{number} now' },
  'reminders.stop': { id: 'Matikan pengingat', en: 'Turn reminders off' },
  'reminders.start': { id: 'Nyalakan pengingat', en: 'Turn reminders on' },
  'reminders.list': { id: 'Lihat jadwal ujian dan pengingat saya', en: 'See my exam dates and reminders' },
  handoff: { id: 'Bicara dengan petugas', en: 'Talk to staff' },
  'data.mine': { id: 'Lihat data saya', en: 'See my data' },
  'data.delete': { id: 'Hapus data saya', en: 'Delete my data' },
}

/** The place as people say it: "Makassar" for Kota Makassar, else the official name (province, or the region's). */
export function placeName(slots: Slots, regionName?: (code: string) => string | undefined): string | undefined {
  if (slots.regency) return slots.regency.replace(/^Kota (Administrasi )?/, '')
  if (slots.province) return slots.province
  return slots.region ? (regionName?.(slots.region) ?? slots.region) : undefined
}

/** "Januari 2027" / "January 2027" for a `YYYY-MM` slot. */
export function monthLabel(month: string, lang: Language): string {
  return DateTime.fromISO(`${month}-01`)
    .setLocale(lang === 'id' ? 'id' : 'en')
    .toFormat('LLLL yyyy')
}

/** The option that does an action with its details: "Lihat jadwal Bimtek di Makassar, Januari 2027". */
export function actionLabel(
  intent: ActionIntent,
  slots: Slots,
  lang: Language,
  regionName?: (code: string) => string | undefined,
): string {
  const place = placeName(slots, regionName)
  const at = lang === 'id' ? ' di ' : ' in '
  return fill(t(lang, labels[intent]), {
    place: place ? `${at}${place}` : '',
    month: slots.month ? `${place ? ', ' : lang === 'id' ? ' bulan ' : ' in '}${monthLabel(slots.month, lang)}` : '',
    code: slots.code ? ` ${slots.code}` : '',
    number: slots.number ? ` ${slots.number}` : '',
  })
}
