import { formatClock, formatDate } from './text/dates.js'

export type IndonesianTimeZone = 'Asia/Jakarta' | 'Asia/Pontianak' | 'Asia/Makassar' | 'Asia/Jayapura'
export type ZoneLabel = 'WIB' | 'WITA' | 'WIT'

export type Province = {
  /** Two-digit Kemendagri code, also the first two digits of a NIK. */
  readonly code: string
  readonly name: string
  /** Short forms and spellings people type; matched after normalisation. */
  readonly aliases: readonly string[]
  readonly timeZone: IndonesianTimeZone
}

const WIB = 'Asia/Jakarta'
const WIB_KALIMANTAN = 'Asia/Pontianak'
const WITA = 'Asia/Makassar'
const WIT = 'Asia/Jayapura'

const p = (code: string, name: string, timeZone: IndonesianTimeZone, aliases: string[]): Province =>
  Object.freeze({ code, name, timeZone, aliases: Object.freeze(aliases) })

export const PROVINCES: readonly Province[] = Object.freeze([
  p('11', 'Aceh', WIB, ['nad', 'nanggroe aceh darussalam']),
  p('12', 'Sumatera Utara', WIB, ['sumut', 'sumatra utara', 'north sumatra']),
  p('13', 'Sumatera Barat', WIB, ['sumbar', 'sumatra barat', 'west sumatra']),
  p('14', 'Riau', WIB, []),
  p('15', 'Jambi', WIB, []),
  p('16', 'Sumatera Selatan', WIB, ['sumsel', 'sumatra selatan', 'south sumatra']),
  p('17', 'Bengkulu', WIB, []),
  p('18', 'Lampung', WIB, []),
  p('19', 'Kepulauan Bangka Belitung', WIB, ['babel', 'bangka belitung', 'bangka belitung islands']),
  p('21', 'Kepulauan Riau', WIB, ['kepri', 'riau islands']),
  p('31', 'DKI Jakarta', WIB, ['dki', 'jakarta', 'dkj', 'daerah khusus jakarta', 'daerah khusus ibukota jakarta']),
  p('32', 'Jawa Barat', WIB, ['jabar', 'west java']),
  p('33', 'Jawa Tengah', WIB, ['jateng', 'central java']),
  p('34', 'DI Yogyakarta', WIB, ['diy', 'jogja', 'yogya', 'yogyakarta', 'jogjakarta', 'daerah istimewa yogyakarta']),
  p('35', 'Jawa Timur', WIB, ['jatim', 'east java']),
  p('36', 'Banten', WIB, []),
  p('51', 'Bali', WITA, []),
  p('52', 'Nusa Tenggara Barat', WITA, ['ntb', 'west nusa tenggara']),
  p('53', 'Nusa Tenggara Timur', WITA, ['ntt', 'east nusa tenggara']),
  p('61', 'Kalimantan Barat', WIB_KALIMANTAN, ['kalbar', 'west kalimantan']),
  p('62', 'Kalimantan Tengah', WIB_KALIMANTAN, ['kalteng', 'central kalimantan']),
  p('63', 'Kalimantan Selatan', WITA, ['kalsel', 'south kalimantan']),
  p('64', 'Kalimantan Timur', WITA, ['kaltim', 'east kalimantan']),
  p('65', 'Kalimantan Utara', WITA, ['kaltara', 'north kalimantan']),
  p('71', 'Sulawesi Utara', WITA, ['sulut', 'north sulawesi']),
  p('72', 'Sulawesi Tengah', WITA, ['sulteng', 'central sulawesi']),
  p('73', 'Sulawesi Selatan', WITA, ['sulsel', 'south sulawesi']),
  p('74', 'Sulawesi Tenggara', WITA, ['sultra', 'southeast sulawesi']),
  p('75', 'Gorontalo', WITA, []),
  p('76', 'Sulawesi Barat', WITA, ['sulbar', 'west sulawesi']),
  p('81', 'Maluku', WIT, []),
  p('82', 'Maluku Utara', WIT, ['malut', 'north maluku']),
  p('91', 'Papua', WIT, []),
  p('92', 'Papua Barat', WIT, ['papbar', 'pabar', 'west papua']),
  p('93', 'Papua Selatan', WIT, ['papsel', 'south papua']),
  p('94', 'Papua Tengah', WIT, ['papteng', 'central papua']),
  p('95', 'Papua Pegunungan', WIT, ['papeg', 'highland papua']),
  p('96', 'Papua Barat Daya', WIT, ['pbd', 'papbardaya', 'southwest papua']),
])

// People prefix the name with "Provinsi"/"Prov." or misspell it "Propinsi"; drop that word.
const PROVINCE_WORD = /^(provinsi|propinsi|prov)(?![a-z])/

/** Lower-case, strip accents and everything but letters/digits, so "Jawa-Barat" = "jawa barat". */
const normalise = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(PROVINCE_WORD, '')
    .replace(/ /g, '')

const byCode = new Map(PROVINCES.map((prov) => [prov.code, prov]))

const byKey = new Map<string, Province>()
for (const prov of PROVINCES) {
  for (const key of [prov.code, prov.name, ...prov.aliases]) byKey.set(normalise(key), prov)
}

/** The province with this exact two-digit Kemendagri code, if any. */
export function provinceByCode(code: string): Province | undefined {
  return byCode.get(code)
}

/**
 * The province a person means by `text`: its code, official name or a common alias,
 * ignoring case, spaces, punctuation and a leading "Provinsi". Undefined when nothing fits.
 */
export function findProvince(text: string): Province | undefined {
  const key = normalise(text)
  return key === '' ? undefined : byKey.get(key)
}

const LABELS: Readonly<Record<string, ZoneLabel>> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Ujung_Pandang': 'WITA', // legacy IANA link to Asia/Makassar
  'Asia/Jayapura': 'WIT',
}

/** The Indonesian label (WIB, WITA, WIT) of an IANA zone; throws for a non-Indonesian zone. */
export function zoneLabel(timeZone: string): ZoneLabel {
  const label = Object.hasOwn(LABELS, timeZone) ? LABELS[timeZone] : undefined
  if (label === undefined) throw new RangeError(`Not an Indonesian time zone: ${timeZone}`)
  return label
}

/** "WIB"/"WITA"/"WIT", or the IANA name itself for a zone outside Indonesia (never throws). */
export function zoneLabelOrName(timeZone: string): string {
  return Object.hasOwn(LABELS, timeZone) ? (LABELS[timeZone] ?? timeZone) : timeZone
}

/** The wall-clock time of `date` in `timeZone` as Indonesians write it, e.g. "09.00 WITA". */
export function formatLocalTime(date: Date, timeZone: string): string {
  const label = zoneLabel(timeZone)
  return `${formatClock(date, timeZone)} ${label}`
}

/** The date and time of `date` in `timeZone`, e.g. "Senin, 23 November 2026, 09.00 WITA". */
export function formatLocalDateTime(date: Date, timeZone: string): string {
  return `${formatDate(date, 'weekdayDate', 'id', timeZone)}, ${formatLocalTime(date, timeZone)}`
}
