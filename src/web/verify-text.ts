/** The words of the verification page, in Indonesian and English, and its dates. */
import { formatDate } from '../core/text/dates.js'

export type Lang = 'id' | 'en'

export { VERDICT_TEXT, VERDICT_WORD, type Verdict } from '../core/certificates/words.js'

type Text = Record<Lang, string>

export const TEXT = {
  site: { id: 'Verifikasi Sertifikat SDM Kesos', en: 'SDM Kesos Certificate Verification' },
  skip: { id: 'Langsung ke isi', en: 'Skip to content' },
  formTitle: { id: 'Periksa keaslian sertifikat', en: 'Check a certificate' },
  intro: {
    id: 'Ketik nomor seperti tercetak pada sertifikat. Huruf besar atau kecil, spasi, dan tanda hubung tidak berpengaruh.',
    en: 'Type the number as printed on the certificate. Upper or lower case, spaces and dashes do not matter.',
  },
  resultTitle: { id: 'Hasil verifikasi sertifikat', en: 'Certificate verification result' },
  another: { id: 'Periksa sertifikat lain', en: 'Check another certificate' },
  numberLabel: { id: 'Nomor sertifikat', en: 'Certificate number' },
  numberHint: { id: 'Contoh: LSPS-2024-00123', en: 'Example: LSPS-2024-00123' },
  nameLabel: { id: 'Nama lengkap pemegang (opsional)', en: "Holder's full name (optional)" },
  nameHint: {
    id: 'Untuk memastikan nama pada sertifikat sama dengan yang Anda ketik. Nama tidak ditampilkan dan tidak disimpan.',
    en: 'To check that the name on the certificate is the one you type. The name is neither shown nor stored.',
  },
  submit: { id: 'Periksa', en: 'Check' },
  typed: { id: 'Anda mengetik: “{typed}”.', en: 'You typed: “{typed}”.' },
  empty: { id: 'Ketik nomor sertifikat.', en: 'Type a certificate number.' },
  number: { id: 'Nomor sertifikat', en: 'Certificate number' },
  holder: { id: 'Nama pemegang', en: 'Holder' },
  scheme: { id: 'Skema', en: 'Scheme' },
  level: { id: 'Jenjang', en: 'Level' },
  issuer: { id: 'Penerbit', en: 'Issuer' },
  issuedAt: { id: 'Tanggal terbit', en: 'Issued on' },
  expiresAt: { id: 'Berlaku sampai', en: 'Valid until' },
  reason: { id: 'Alasan', en: 'Reason' },
  revokedAt: { id: 'Dicabut pada', en: 'Revoked on' },
  suspendedAt: { id: 'Dibekukan sejak', en: 'Suspended since' },
  masked: {
    id: 'Nama disamarkan untuk melindungi data pribadi. Nama lengkap tampil bila halaman ini dibuka dari kode QR pada sertifikat.',
    en: 'The name is partly hidden to protect personal data. The full name shows when this page is opened from the QR code on the certificate.',
  },
  nameMatch: {
    id: 'Nama yang Anda ketik COCOK dengan nama pemegang sertifikat.',
    en: "The name you typed MATCHES the certificate holder's name.",
  },
  nameLimited: {
    id: 'Nama pemegang sertifikat ini sudah diperiksa {limit} kali hari ini, batas harian untuk melindungi pemegangnya dari tebakan. Data sertifikat di atas tetap berlaku; coba periksa nama lagi besok, atau pindai kode QR pada sertifikat untuk melihat nama lengkapnya.',
    en: "This certificate holder's name has been checked {limit} times today, the daily limit that protects the holder from guessing. The certificate data above stands; check the name again tomorrow, or scan the QR code on the certificate to see the full name.",
  },
  nameNoMatch: {
    id: 'Nama yang Anda ketik TIDAK COCOK dengan nama pemegang sertifikat.',
    en: "The name you typed does NOT match the certificate holder's name.",
  },
  genuine: {
    id: 'Tautan ini asli (dari kode QR pada sertifikat), sehingga nama lengkap pemegang ditampilkan.',
    en: "This link is genuine (from the certificate's QR code), so the holder's full name is shown.",
  },
  notGenuine: {
    id: 'Tautan ini TIDAK ASLI: tanda tangannya tidak cocok dengan nomor sertifikat, mungkin karena diubah atau salah salin. Data di bawah diambil langsung dari basis data sertifikat, dengan nama disamarkan.',
    en: 'This link is NOT GENUINE: its signature does not match the certificate number, perhaps because it was altered or miscopied. The data below comes straight from the certificate register, with the name partly hidden.',
  },
  checkedAt: { id: 'Diperiksa pada {time} WIB.', en: 'Checked on {time} WIB (Jakarta time).' },
  link: { id: 'Tautan hasil ini', en: 'Link to this result' },
  limited: {
    id: 'Terlalu banyak pemeriksaan dari alamat Anda. Coba lagi dalam {seconds} detik.',
    en: 'Too many checks from your address. Try again in {seconds} seconds.',
  },
  limitedTitle: { id: 'Terlalu banyak permintaan', en: 'Too many requests' },
  unavailable: {
    id: 'Pemeriksaan tidak dapat dilakukan sekarang karena gangguan di server kami. Coba lagi beberapa saat lagi.',
    en: 'The check cannot be done right now because of a problem on our server. Please try again in a few moments.',
  },
  unavailableTitle: { id: 'Layanan sedang terganggu', en: 'Service temporarily unavailable' },
  otherLang: { id: 'English', en: 'Bahasa Indonesia' },
} satisfies Record<string, Text>

// The texts filled are the page's own few: each is cut up once.
const templates = new Map<string, readonly string[]>()

/** `text` with each `{key}` of `values` filled in; any other `{…}` is left as it is. */
export function fill(text: string, values: Record<string, string | number>): string {
  let parts = templates.get(text)
  if (!parts) {
    // Literal text and keys, alternating: what was between the braces at the odd places.
    parts = text.split(/\{(\w+)\}/)
    if (templates.size >= 1_000) templates.clear()
    templates.set(text, parts)
  }
  let out = parts[0] ?? ''
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i] ?? ''
    out += (key in values ? String(values[key]) : `{${key}}`) + (parts[i + 1] ?? '')
  }
  return out
}

// Using a formatter costs microseconds, and a page shows three or four dates: each text is kept.
const days = { id: new Map<string, string>(), en: new Map<string, string>() }
const moments = { id: { minute: Number.NaN, text: '' }, en: { minute: Number.NaN, text: '' } }

/** "2027-03-10" → "10 Maret 2027" / "10 March 2027". */
export function formatDay(isoDay: string, lang: Lang): string {
  const known = days[lang]
  let text = known.get(isoDay)
  if (text === undefined) {
    text = formatDate(new Date(`${isoDay}T00:00:00Z`), 'date', lang, 'UTC')
    // Dates on certificates span a few thousand days; the bound only guards against odd input.
    if (known.size >= 20_000) known.clear()
    known.set(isoDay, text)
  }
  return text
}

/** "10 Maret 2027 pukul 09.30" in Jakarta time (to the minute, so the same all minute long). */
export function formatMoment(date: Date | number, lang: Lang): string {
  const ms = typeof date === 'number' ? date : date.getTime()
  const minute = Math.floor(ms / 60_000)
  const last = moments[lang]
  if (last.minute !== minute) {
    last.text = formatDate(ms, 'dateTime', lang, 'Asia/Jakarta')
    last.minute = minute
  }
  return last.text
}

/** Name checks answered per certificate and day (Jakarta) on the public page, for everyone together. */
export const NAME_CHECKS_PER_DAY = 5
