/**
 * Our own names for places, kept apart from idn-area-data's unmodified CSVs (their ODbL data stays a
 * collective use, see docs/understanding.md). Keys are lower-case words separated by one space; values are
 * Kemendagri codes without the dot: 2 digits a province, 4 digits a regency.
 */
export const PLACE_ALIASES: Readonly<Record<string, string>> = {
  // Yogyakarta: the nickname means the city (and so the province through it).
  jogja: '3471',
  yogya: '3471',
  jogjakarta: '3471',
  yogyakarta: '3471',
  'kota jogja': '3471',
  yk: '3471',
  diy: '34',
  // Jakarta: the province only; its five cities are kota administrasi and need their own name.
  jakarta: '31',
  jkt: '31',
  dki: '31',
  jaksel: '3174',
  jakbar: '3173',
  jaktim: '3175',
  jakut: '3172',
  jakpus: '3171',
  // Betawi "e" for the last "a".
  jakarte: '31',
  // Tasikmalaya as said in West Java; Malay "tasik" is a lake, so only after a locative word (HOMONYMS).
  tasik: '3278',
  makasar: '7371',
  mks: '7371',
  'ujung pandang': '7371',
  bdg: '3273',
  sby: '3578',
  suroboyo: '3578',
  smg: '3374',
  solo: '3372',
  'north sumatra': '12',
  'west sumatra': '13',
  'south sumatra': '16',
  'south sulawesi': '73',
  'north sulawesi': '71',
  'east kalimantan': '64',
  'south kalimantan': '63',
  'west kalimantan': '61',
  'east nusa tenggara': '53',
  'west nusa tenggara': '52',
  siantar: '1272',
  'pematang siantar': '1272',
  baubau: '7472',
  bpp: '6471',
  btm: '2171',
  plg: '1671',
  pku: '1471',
  // English names of provinces not already in regions.ts.
  'west java': '32',
  'central java': '33',
  'east java': '35',
}

/**
 * Bare regency names that are also everyday words or too short to trust: a place only after a locative
 * cue ("di palu") or as the whole message. "sertif sy kena palu" names no city.
 */
export const HOMONYMS: ReadonlySet<string> = new Set([
  'batu',
  'palu',
  'malang',
  'buru',
  'puncak',
  'batang',
  'bone',
  'kudus',
  'pati',
  'banjar',
  'muna',
  'alor',
  'ende',
  'karo',
  'agam',
  'bima',
  'siak',
  'kaur',
  'lahat',
  'wajo',
  'poso',
  'sigi',
  'tuban',
  'ngawi',
  'madiun',
  'tegal',
  'demak',
  'blora',
  'solok',
  'belu',
  'toba',
  'paser',
  'mappi',
  'sarmi',
  'nduga',
  'tasik',
])

/** Words after which a homonym is read as a place. */
export const LOCATIVE_CUES: ReadonlySet<string> = new Set([
  'di',
  'ke',
  'dari',
  'dr',
  'daerah',
  'wilayah',
  'kota',
  'kab',
  'kabupaten',
  'sekitar',
  'area',
  'in',
  'nang',
  // Javanese "ing", Sundanese and Minang "ka", Balinese "ring".
  'ing',
  'ka',
  'ring',
])

/**
 * Island words that name a BBPPKS region only. The value is one province of the island: its region comes from
 * the regions data like any other, so an edited split moves the island with it. "jawa" is left out on purpose:
 * Java is split between two regions.
 */
export const ISLAND_WORDS: Readonly<Record<string, string>> = {
  sumatera: '12',
  sumatra: '12',
  kalimantan: '64',
  borneo: '64',
  sulawesi: '73',
  celebes: '73',
}
