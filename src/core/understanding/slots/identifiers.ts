import { normalizeNumber } from '../../certificates/verify.js'

// Letters (a word, two joined by - or _ as in the demo's "DEMO-LSPS", or single letters spaced out: "L S P S"), a
// year, a serial; separators in between as typed (any dash, "L.S.P.S"). Every part is bounded: no backtracking over the whole text.
const NUMBER =
  /(?<![\p{L}\p{N}_-])([A-Za-z]{2,8}(?:[-_][A-Za-z]{2,8})?|[A-Za-z](?:[ .][A-Za-z]){1,7})[\s./_\u2010-\u2015\u2212-]{0,5}((?:19|20)\d\d)[\s./_\u2010-\u2015\u2212-]{0,5}(\d{3,6})(?![\p{N}])/gu

// Words that precede a number without being part of it ("no. LSPS …", "nik 2012…", "tgl 2024 …").
const NOT_A_PREFIX = new Set([
  'NO',
  'NOMOR',
  'NOMER',
  'NMR',
  'SERTIF',
  'SERTIFIKAT',
  'CEK',
  'VERIF',
  'VERIFIKASI',
  'NIK',
  'KTP',
  'HP',
  'WA',
  'TGL',
  'TANGGAL',
  'TAHUN',
  'THN',
  'BULAN',
  'BLN',
  'BIMTEK',
])

const CODE = /(?<![\p{L}\p{N}])BMT([-‐-―−]|\s?)([A-Z0-9]{6})(?![\p{L}\p{N}])/iu

/**
 * A certificate number however typed ("LSPS 2024 00123", "lsps/2024/00077", "L S P S 2024 00500",
 * "LSPS202200315"), as `LSPS-2024-00123`. Read with `normalizeNumber`, the same reading as the `cek` command.
 * A NIK, a phone number or a registration code is never one: they have no letters before a year.
 */
export function extractNumber(text: string): string | undefined {
  for (const match of text.matchAll(NUMBER)) {
    const [span, letters = '', year = '', serial = ''] = match
    const prefix = letters.replace(/[ .]/g, '').replace('_', '-').toUpperCase()
    if (NOT_A_PREFIX.has(prefix) || prefix === 'BMT') continue
    if (normalizeNumber(span) !== `${prefix.replace('-', '')}${year}${serial}`) continue
    return `${prefix}-${year}-${serial}`
  }
  return undefined
}

/** A registration code ("BMT-7K2QX9", "bmt 4hq8zt") as `BMT-7K2QX9`. Without a dash it needs a digit ("bmt sesuai" is none). */
export function extractCode(text: string): string | undefined {
  const match = CODE.exec(text)
  if (!match) return undefined
  const [, dash, body = ''] = match
  if ((dash === undefined || dash.trim() === '') && !/\d/.test(body)) return undefined
  return `BMT-${body.toUpperCase()}`
}
