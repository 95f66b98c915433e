import type { DateErrorCode } from './date.js'
import type { NikErrorCode } from './nik.js'
import type { PhoneErrorCode } from './phone.js'
import type { NameErrorCode, TextErrorCode } from './schemas.js'

export type { DateErrorCode, NameErrorCode, NikErrorCode, PhoneErrorCode, TextErrorCode }
/** Checks of one answer against others, or against a list (see the registration flow). */
export type CrossCheckCode =
  | 'CONSENT_ANSWER'
  | 'BIRTH_DATE_NIK'
  | 'PROVINCE_UNKNOWN'
  | 'REGENCY_UNKNOWN'
  | 'REGENCY_OTHER_PROVINCE'
/** A certificate number typed for verification (see src/core/certificates/chat.ts). */
export type CertificateNumberCode = 'CERT_NUMBER_EMPTY' | 'CERT_NUMBER_CHARS' | 'CERT_NUMBER_LENGTH' | 'CERT_NUMBER_DIGIT'
export type ValidationCode =
  | NikErrorCode
  | PhoneErrorCode
  | DateErrorCode
  | NameErrorCode
  | TextErrorCode
  | CrossCheckCode
  | CertificateNumberCode
export type Lang = 'id' | 'en'
type Params = Record<string, string | number> | undefined
type Texts = Record<Lang, (p: Params) => string>

const get = (p: Params, key: string): string => String(p?.[key] ?? '?')

const MOBILE_LENGTH: Texts = {
  id: (p) => `Nomor HP harus 10–13 angka (mis. 0812-3456-7890); Anda mengetik ${get(p, 'digits')} angka.`,
  en: (p) => `A mobile number has 10–13 digits (e.g. 0812-3456-7890); you typed ${get(p, 'digits')}.`,
}
const LANDLINE_LENGTH: Texts = {
  id: (p) => `Nomor telepon harus 9–12 angka termasuk kode area (mis. 021-5550-1234); Anda mengetik ${get(p, 'digits')} angka.`,
  en: (p) => `A landline number has 9–12 digits including the area code (e.g. 021-5550-1234); you typed ${get(p, 'digits')}.`,
}

const MESSAGES: Record<ValidationCode, Texts> = {
  NIK_NOT_DIGITS: {
    id: () => 'NIK hanya berisi angka (16 angka, tanpa huruf).',
    en: () => 'The NIK contains digits only (16 digits, no letters).',
  },
  NIK_LENGTH: {
    id: (p) => `NIK harus 16 angka; Anda mengetik ${get(p, 'length')}.`,
    en: (p) => `The NIK must have 16 digits; you typed ${get(p, 'length')}.`,
  },
  NIK_PROVINCE: {
    id: (p) => `Dua angka pertama NIK (${get(p, 'code')}) bukan kode provinsi yang dikenal.`,
    en: (p) => `The first two digits of the NIK (${get(p, 'code')}) are not a known province code.`,
  },
  NIK_REGENCY: {
    id: () => 'Angka ke-3 dan ke-4 NIK (kode kabupaten/kota) tidak boleh 00.',
    en: () => 'Digits 3–4 of the NIK (the regency/city code) cannot be 00.',
  },
  NIK_DISTRICT: {
    id: () => 'Angka ke-5 dan ke-6 NIK (kode kecamatan) tidak boleh 00.',
    en: () => 'Digits 5–6 of the NIK (the district code) cannot be 00.',
  },
  NIK_DATE: {
    id: () =>
      'Angka ke-7 sampai ke-12 NIK harus tanggal-bulan-tahun lahir (mis. 170890; perempuan: tanggal + 40). Mohon periksa lagi.',
    en: () => 'Digits 7–12 of the NIK must be the birth date as DDMMYY (e.g. 170890; women: day + 40). Please check it.',
  },
  NIK_SERIAL: {
    id: () => 'Empat angka terakhir NIK tidak boleh 0000.',
    en: () => 'The last four digits of the NIK cannot be 0000.',
  },
  PHONE_CHARS: {
    id: () => 'Nomor HP hanya berisi angka (boleh spasi, tanda hubung, atau +62). Contoh: 0812-3456-7890.',
    en: () => 'A phone number contains digits only (spaces, dashes or +62 are fine). Example: 0812-3456-7890.',
  },
  PHONE_LENGTH: {
    id: (p) => (p?.kind === 'landline' ? LANDLINE_LENGTH : MOBILE_LENGTH).id(p),
    en: (p) => (p?.kind === 'landline' ? LANDLINE_LENGTH : MOBILE_LENGTH).en(p),
  },
  PHONE_NOT_ID: {
    id: () => 'Mohon gunakan nomor Indonesia (diawali 08 atau +62).',
    en: () => 'Please use an Indonesian number (starting with 08 or +62).',
  },
  PHONE_FORMAT: {
    id: () => 'Nomor HP belum dikenali. Tulis seperti 0812-3456-7890 atau +62 812-3456-7890.',
    en: () => 'Phone number not recognised. Write it like 0812-3456-7890 or +62 812-3456-7890.',
  },
  DATE_FORMAT: {
    id: () => 'Tanggal tidak dikenali. Contoh: 17-08-1990 atau 17 Agustus 1990.',
    en: () => 'Date not recognised. For example: 17-08-1990 or 17 August 1990.',
  },
  DATE_INVALID: {
    id: () => 'Tanggal itu tidak ada di kalender (mis. 31 Februari). Mohon periksa tanggal dan bulannya.',
    en: () => 'That date does not exist (e.g. 31 February). Please check the day and month.',
  },
  DATE_FUTURE: {
    id: () => 'Tanggal itu belum terjadi. Mohon tulis tanggal yang sudah lewat.',
    en: () => 'That date is in the future. Please give a date that has passed.',
  },
  DATE_TOO_OLD: {
    id: () => 'Tahunnya terlalu lama; mohon tulis tahun 1900 atau sesudahnya.',
    en: () => 'That year is too early; please give a year from 1900 on.',
  },
  PHONE_NOT_MOBILE: {
    id: () => 'Mohon tulis nomor HP/WhatsApp (diawali 08), bukan nomor telepon rumah atau kantor.',
    en: () => 'Please give a mobile/WhatsApp number (starting 08), not a landline.',
  },
  NAME_LENGTH: {
    id: (p) => `Nama harus 3–100 huruf; Anda mengetik ${get(p, 'length')}.`,
    en: (p) => `A name must have 3–100 characters; you typed ${get(p, 'length')}.`,
  },
  NAME_CHARS: {
    id: () => 'Nama hanya boleh berisi huruf, spasi, titik, koma, tanda hubung, atau apostrof.',
    en: () => 'A name may contain only letters, spaces, dots, commas, hyphens or apostrophes.',
  },
  TEXT_SHORT: {
    id: (p) => `Mohon tulis sedikit lebih lengkap (paling sedikit ${get(p, 'min')} huruf).`,
    en: (p) => `Please write a little more (at least ${get(p, 'min')} characters).`,
  },
  CONSENT_ANSWER: {
    id: () => 'Mohon jawab 1 (Ya, saya setuju) atau 2 (Tidak setuju).',
    en: () => 'Please answer 1 (Yes, I agree) or 2 (No).',
  },
  BIRTH_DATE_NIK: {
    id: (p) =>
      `Tanggal lahir tidak cocok dengan NIK (NIK Anda menunjukkan tanggal ${get(p, 'nikDate')}). Periksa lagi tanggal lahir Anda. Bila NIK yang salah ketik, ketik "batal" lalu mulai lagi. Bila tanggal di NIK memang berbeda dari tanggal lahir Anda, ketik "batal" lalu "petugas" agar dibantu.`,
    en: (p) =>
      `The birth date does not match the NIK (your NIK shows ${get(p, 'nikDate')}). Check the birth date again. If you mistyped the NIK, type "batal" and start again. If the date in your NIK really differs from your birth date, type "batal" then "petugas" to get help.`,
  },
  CERT_NUMBER_EMPTY: {
    id: () => 'Ketik nomor sertifikatnya, persis seperti tertulis di sertifikat (mis. LSPS-2025-00042).',
    en: () => 'Type the certificate number exactly as printed on the certificate (e.g. LSPS-2025-00042).',
  },
  CERT_NUMBER_CHARS: {
    id: (p) =>
      `Nomor sertifikat hanya berisi huruf dan angka (boleh dipisah -, /, titik atau spasi); "${get(p, 'char')}" tidak termasuk.`,
    en: (p) =>
      `A certificate number has only letters and digits (separated by -, /, dots or spaces); "${get(p, 'char')}" is not one of them.`,
  },
  CERT_NUMBER_LENGTH: {
    id: (p) =>
      `Nomor sertifikat terdiri dari 4–40 huruf dan angka (pemisah tidak dihitung); yang Anda ketik ${get(p, 'length')}.`,
    en: (p) => `A certificate number has 4–40 letters and digits (separators not counted); you typed ${get(p, 'length')}.`,
  },
  CERT_NUMBER_DIGIT: {
    id: () => 'Nomor sertifikat selalu berisi angka, mis. LSPS-2025-00042. Periksa lagi yang tertulis di sertifikat.',
    en: () => 'A certificate number always contains digits, e.g. LSPS-2025-00042. Please check what the certificate says.',
  },
  PROVINCE_UNKNOWN: {
    id: () => 'Provinsi tidak dikenali. Tulis nama provinsi, mis. "Jawa Barat", "Sulsel" atau "NTT".',
    en: () => 'I do not know that province. Type its name, e.g. "Jawa Barat", "Sulsel" or "NTT".',
  },
  REGENCY_UNKNOWN: {
    id: (p) =>
      `Kabupaten/kota itu tidak ada di ${get(p, 'province')}.${p?.suggestions ? ` Maksud Anda: ${get(p, 'suggestions')}?` : ''} Tulis namanya, mis. "Kabupaten Garut" atau "Kota Bandung".`,
    en: (p) =>
      `That regency/city is not in ${get(p, 'province')}.${p?.suggestions ? ` Did you mean: ${get(p, 'suggestions')}?` : ''} Type its name, e.g. "Kabupaten Garut" or "Kota Bandung".`,
  },
  REGENCY_OTHER_PROVINCE: {
    id: (p) =>
      `${get(p, 'regency')} ada di ${get(p, 'its')}, bukan di ${get(p, 'province')}. Ketik nama kabupaten/kota di ${get(p, 'province')}, atau ubah provinsi di ringkasan.`,
    en: (p) =>
      `${get(p, 'regency')} is in ${get(p, 'its')}, not in ${get(p, 'province')}. Type a regency/city of ${get(p, 'province')}, or change the province in the summary.`,
  },
  TEXT_LONG: {
    id: (p) =>
      `Pesan terlalu panjang (paling banyak ${get(p, 'max')} huruf; Anda menulis ${get(p, 'length')}). Mohon persingkat.`,
    en: (p) => `That is too long (at most ${get(p, 'max')} characters; you wrote ${get(p, 'length')}). Please shorten it.`,
  },
}

const GENERIC: Record<Lang, string> = {
  id: 'Isian belum sesuai. Mohon periksa lagi.',
  en: 'That entry does not look right. Please check it.',
}

/** A short, specific message for a validation code (Indonesian or English); generic for unknown codes. */
export function validationMessage(code: string, params: Params, lang: Lang): string {
  if (!Object.hasOwn(MESSAGES, code)) return GENERIC[lang]
  return MESSAGES[code as ValidationCode][lang](params)
}
