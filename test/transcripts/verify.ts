/**
 * "Verifikasi sertifikat" (menu 4, "cek <nomor>", Telegram /cek), for every channel's driver (see
 * core.ts). The table in index.ts seeds each fresh database with `seedCertificates` and starts
 * the core with `VERIFY_ENV` (PUBLIC_BASE_URL, so links are absolute). One certificate in each
 * state, with fixed dates, so every answer is known word for word.
 */
import type { Db } from '../../src/db/client.js'
import { certificates } from '../../src/db/schema.js'
import type { Transcript } from '../support/transcript.js'

export const VERIFY_BASE_URL = 'https://sertifikasi.example.id'
export const VERIFY_ENV = { PUBLIC_BASE_URL: VERIFY_BASE_URL }

export const VALID = {
  number: 'LSPS-2025-00042',
  holder: 'Siti Rahmawati Nasution',
  masked: 'Sit… Rah… Nas…',
  link: `${VERIFY_BASE_URL}/verifikasi/LSPS202500042`,
}
export const EXPIRED = { number: 'LSPS-2015-00311', holder: 'I Made Wirawan', masked: 'I… Mad… Wir…' }
export const REVOKED = {
  number: 'LSPS-2023-00901',
  holder: 'Hendra Gunawan',
  reason: 'Dokumen portofolio terbukti tidak sah',
  changedAt: new Date('2026-02-10T03:00:00Z'),
}
export const SUSPENDED = {
  number: 'LSPS-2024-00902',
  holder: 'Maria Fransiska Lake',
  reason: 'Sedang dalam pemeriksaan kode etik',
  changedAt: new Date('2026-03-01T20:00:00Z'), // 2 March in Jakarta
}

/** Four certificates: valid until 2099, expired in 2020, revoked, suspended. */
export async function seedCertificates(db: Db): Promise<void> {
  const base = { scheme: 'Pekerja Sosial', issuer: 'LSP Kemensos' }
  const rows: (typeof certificates.$inferInsert)[] = [
    {
      ...base,
      number: 'LSPS202500042',
      displayNumber: VALID.number,
      holderName: VALID.holder,
      level: 'Pekerja Sosial Generalis',
      issuedAt: '2025-09-01',
      expiresAt: '2099-09-01',
    },
    {
      number: 'LSPS201500311',
      displayNumber: EXPIRED.number,
      holderName: EXPIRED.holder,
      scheme: 'Relawan Sosial',
      issuer: 'LSP Kemensos Regional Bali',
      issuedAt: '2015-02-01',
      expiresAt: '2020-02-01',
    },
    {
      ...base,
      number: 'LSPS202300901',
      displayNumber: REVOKED.number,
      holderName: REVOKED.holder,
      level: 'Asisten Pekerja Sosial',
      issuedAt: '2023-05-02',
      expiresAt: '2099-05-02',
      status: 'revoked',
      statusReason: REVOKED.reason,
      statusChangedAt: REVOKED.changedAt,
    },
    {
      ...base,
      number: 'LSPS202400902',
      displayNumber: SUSPENDED.number,
      holderName: SUSPENDED.holder,
      issuedAt: '2024-01-15',
      expiresAt: '2099-01-15',
      status: 'suspended',
      statusReason: SUSPENDED.reason,
      statusChangedAt: SUSPENDED.changedAt,
    },
  ]
  await db.insert(certificates).values(rows)
}

const ASK = ['Langkah 1 dari 1', 'Ketik nomor sertifikat yang ingin diperiksa']
const ANOTHER = 'Ketik "cek <nomor>" untuk memeriksa sertifikat lain, atau "menu".'

export const VERIFY_TRANSCRIPTS: Record<string, Transcript> = {
  'verify: "cek <nomor>" answers VALID with the details, the masked name and the link': [
    {
      user: `cek ${VALID.number}`,
      bot: [
        '✅ *VALID*',
        'Sertifikat ini terdaftar dan berlaku.',
        `• Nomor sertifikat: ${VALID.number}`,
        `• Nama pemegang: ${VALID.masked}`,
        '• Skema: Pekerja Sosial',
        '• Jenjang: Pekerja Sosial Generalis',
        '• Penerbit: LSP Kemensos',
        '• Tanggal terbit: 1 September 2025',
        '• Berlaku sampai: 1 September 2099',
        'Nama disamarkan untuk melindungi data pribadi.',
        `🔗 Halaman verifikasi: ${VALID.link}`,
        ANOTHER,
      ],
      not: [VALID.holder, 'Alasan', 'Langkah'],
    },
  ],

  'verify: menu 4 asks for the number, a bad one is asked again with the reason, then KEDALUWARSA': [
    { user: '4', bot: ASK, not: ['belum tersedia'] },
    { user: '12', bot: ['⚠️ Nomor sertifikat terdiri dari 4–40 huruf dan angka', 'yang Anda ketik 2.', ...ASK] },
    { user: 'LSPS-2015-OO311?', bot: ['⚠️ Nomor sertifikat hanya berisi huruf dan angka', '"?" tidak termasuk', ...ASK] },
    {
      user: 'lsps 2015 00311',
      bot: [
        '⌛ *KEDALUWARSA*',
        'Sertifikat ini terdaftar, tetapi masa berlakunya telah habis pada 1 Februari 2020.',
        `• Nama pemegang: ${EXPIRED.masked}`,
        '• Skema: Relawan Sosial',
        '• Penerbit: LSP Kemensos Regional Bali',
        '• Tanggal terbit: 1 Februari 2015',
        '• Berlaku sampai: 1 Februari 2020',
        `${VERIFY_BASE_URL}/verifikasi/LSPS201500311`,
      ],
      not: ['Jenjang', 'Alasan', EXPIRED.holder],
    },
    // The flow is over: a number is a menu entry again.
    { user: '4', bot: ASK },
  ],

  'verify: DICABUT and DIBEKUKAN show the reason and since when': [
    {
      user: 'cek lsps/2023/00901',
      bot: [
        '⛔ *DICABUT*',
        'Sertifikat ini telah dicabut dan tidak berlaku lagi.',
        `• Nomor sertifikat: ${REVOKED.number}`,
        '• Nama pemegang: Hen… Gun…',
        '• Jenjang: Asisten Pekerja Sosial',
        `• Alasan: ${REVOKED.reason}`,
        '• Dicabut pada: 10 Februari 2026',
        `${VERIFY_BASE_URL}/verifikasi/LSPS202300901`,
      ],
    },
    { user: 'Verifikasi sertifikat', bot: ASK },
    {
      user: 'No. LSPS-2024-00902',
      bot: [
        '⏸️ *DIBEKUKAN*',
        'Sertifikat ini sedang dibekukan dan untuk sementara tidak berlaku.',
        '• Nama pemegang: Mar… Fra… Lak…',
        `• Alasan: ${SUSPENDED.reason}`,
        '• Dibekukan sejak: 2 Maret 2026',
      ],
      not: [SUSPENDED.holder],
    },
  ],

  'verify: a number nobody issued is TIDAK DITEMUKAN; a word that is no number is asked again': [
    {
      user: 'cek LSPS-2025-99999',
      bot: [
        '❓ *TIDAK DITEMUKAN*',
        'Tidak ada sertifikat dengan nomor LSPS202599999.',
        `${VERIFY_BASE_URL}/verifikasi/LSPS202599999`,
        'Ketik "cek <nomor>" untuk memeriksa sertifikat lain',
      ],
      not: ['Nama pemegang', 'VALID'],
    },
    { user: 'cek ABC-DEF', bot: ['⚠️ Nomor sertifikat selalu berisi angka', ...ASK] },
    { user: 'batal', bot: ['dibatalkan'] },
  ],

  'verify: in English': [
    { user: 'english', bot: ['OK, I will reply in English'] },
    { user: '4', bot: ['Step 1 of 1', 'Type the number of the certificate to check'] },
    { user: 'x', bot: ['⚠️ A certificate number has 4–40 letters and digits', 'you typed 1.', 'Step 1 of 1'] },
    {
      user: VALID.number,
      bot: [
        '✅ *VALID*',
        'This certificate is on record and in force.',
        `• Certificate number: ${VALID.number}`,
        `• Holder: ${VALID.masked}`,
        '• Scheme: Pekerja Sosial',
        '• Level: Pekerja Sosial Generalis',
        '• Issuer: LSP Kemensos',
        '• Issued on: 1 September 2025',
        '• Valid until: 1 September 2099',
        'The name is partly hidden to protect personal data.',
        `🔗 Verification page: ${VALID.link}`,
        'Type "cek <number>" to check another certificate, or "menu".',
      ],
    },
    {
      user: `cek ${REVOKED.number}`,
      bot: ['⛔ *REVOKED*', 'This certificate has been revoked', `• Reason: ${REVOKED.reason}`, '• Revoked on: 10 February 2026'],
    },
    { user: 'cek 2024-00000', bot: ['❓ *NOT FOUND*', 'No certificate has the number 202400000.'] },
  ],
}
