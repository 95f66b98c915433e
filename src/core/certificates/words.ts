/**
 * The verdict on a certificate in the words the reader sees, shared by the verification page and
 * the chat so both say exactly the same (`{date}`: the expiry date, `{number}`: the number looked up).
 */
import type { Text } from '../types.js'
import type { VerifiedStatus } from './verify.js'

/** What the verdict box shows: a certificate's status, or why there is none. */
export type Verdict = VerifiedStatus | 'not-found' | 'invalid'

export const VERDICT_WORD: Record<Verdict, Text> = {
  valid: { id: 'VALID', en: 'VALID' },
  expired: { id: 'KEDALUWARSA', en: 'EXPIRED' },
  revoked: { id: 'DICABUT', en: 'REVOKED' },
  suspended: { id: 'DIBEKUKAN', en: 'SUSPENDED' },
  'not-found': { id: 'TIDAK DITEMUKAN', en: 'NOT FOUND' },
  invalid: { id: 'BUKAN NOMOR SERTIFIKAT', en: 'NOT A CERTIFICATE NUMBER' },
}

/** One sentence under the verdict; `{date}` is the expiry date, `{number}` the number looked up. */
export const VERDICT_TEXT: Record<Verdict, Text> = {
  valid: { id: 'Sertifikat ini terdaftar dan berlaku.', en: 'This certificate is on record and in force.' },
  expired: {
    id: 'Sertifikat ini terdaftar, tetapi masa berlakunya telah habis pada {date}.',
    en: 'This certificate is on record, but it expired on {date}.',
  },
  revoked: {
    id: 'Sertifikat ini telah dicabut dan tidak berlaku lagi.',
    en: 'This certificate has been revoked and is no longer valid.',
  },
  suspended: {
    id: 'Sertifikat ini sedang dibekukan dan untuk sementara tidak berlaku.',
    en: 'This certificate is suspended and is not valid for now.',
  },
  'not-found': {
    id: 'Tidak ada sertifikat dengan nomor {number}. Periksa kembali nomornya; bila sudah benar, hubungi lembaga yang menerbitkannya.',
    en: 'No certificate has the number {number}. Check the number again; if it is right, contact the body that issued it.',
  },
  invalid: {
    id: 'Nomor sertifikat terdiri dari 4–40 huruf dan angka (paling sedikit satu angka), misalnya LSPS-2024-00123.',
    en: 'A certificate number has 4–40 letters and digits (at least one digit), e.g. LSPS-2024-00123.',
  },
}
