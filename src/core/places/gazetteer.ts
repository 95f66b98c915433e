/**
 * Indonesia's provinces and regencies from idn-area-data's CSVs (ODbL 1.0 data), read synchronously once per
 * process, with the spellings people type as keys. The package's own async API is not used: it needs Node 22,
 * the CSVs do not.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { PROVINCES } from '../regions.js'
import { PLACE_ALIASES } from './aliases.js'

export type PlaceKind = 'province' | 'regency'

/** A province or a regency; `code` is the Kemendagri code without its dot (`73`, `7371`). */
export type GazetteerPlace = {
  readonly kind: PlaceKind
  readonly code: string
  /** The official name: `Sulawesi Selatan`, `Kota Makassar`, `Kabupaten Bandung`. */
  readonly name: string
  readonly provinceCode: string
}

export type Gazetteer = {
  /** The place a normalised key (lower-case words, one space) names, if any. */
  lookup(key: string): GazetteerPlace | undefined
  byCode(code: string): GazetteerPlace | undefined
  provinces(): readonly GazetteerPlace[]
  regencies(): readonly GazetteerPlace[]
  /** The longest key in words: how far an n-gram lookup needs to look. */
  readonly maxWords: number
  /** Whether some key of two or more words starts with `word` (else a lookup of one word is enough). */
  startsLonger(word: string): boolean
}

// The name the product and the labelled set use where it differs from the CSV ("Daerah Khusus Ibukota Jakarta").
const PROVINCE_NAME: Readonly<Record<string, string>> = { '31': 'DKI Jakarta' }

const REGENCY_PREFIX = /^(kabupaten administrasi|kota administrasi|kabupaten|kota) /

/** Lower case, letters and digits only, single spaces: "Kab. Garut" → "kab garut". */
export function placeKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

function rows(file: string): string[][] {
  // The CSVs have no quoted fields (checked by test/places/gazetteer.test.ts), so a plain split is exact.
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .map((line) => line.split(','))
}

function dataDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('idn-area-data/package.json')), 'data')
}

function build(): Gazetteer {
  const dir = dataDir()
  const [provinceHeader, ...provinceRows] = rows(join(dir, 'provinces.csv'))
  const [regencyHeader, ...regencyRows] = rows(join(dir, 'regencies.csv'))
  if (provinceHeader?.join() !== 'code,name' || regencyHeader?.join() !== 'code,province_code,name')
    throw new Error('idn-area-data: unexpected CSV header (package updated?)')

  const provinces = provinceRows.map(([code = '', name = '']): GazetteerPlace => {
    return Object.freeze({ kind: 'province', code, name: PROVINCE_NAME[code] ?? name, provinceCode: code })
  })
  const regencies = regencyRows.map(([code = '', provinceCode = '', name = '']): GazetteerPlace => {
    return Object.freeze({ kind: 'regency', code: code.replace('.', ''), name, provinceCode })
  })
  const codes = new Map<string, GazetteerPlace>([...provinces, ...regencies].map((place) => [place.code, place]))
  const keys = new Map<string, GazetteerPlace>()
  const set = (key: string, place: GazetteerPlace) => {
    const k = placeKey(key)
    if (k !== '') keys.set(k, place)
  }

  // Bare names first, kabupaten before kota, so that a bare name shared by both ends on the Kota.
  const ordered = [...regencies].sort((a, b) => Number(a.name.startsWith('Kota')) - Number(b.name.startsWith('Kota')))
  for (const regency of ordered) {
    const bare = placeKey(regency.name).replace(REGENCY_PREFIX, '')
    set(bare, regency)
    set(regency.name, regency)
    if (regency.name.startsWith('Kabupaten')) {
      set(`kab ${bare}`, regency)
      set(`kabupaten ${bare}`, regency)
    } else set(`kota ${bare}`, regency)
  }
  // Provinces after regencies: "bengkulu", "jambi", "gorontalo" alone mean the province, like "papua".
  for (const province of PROVINCES) {
    const place = codes.get(province.code)
    if (!place) continue
    for (const key of [province.name, ...province.aliases]) set(key, place)
    set(place.name, place)
    set(`provinsi ${province.name}`, place)
    set(`prov ${province.name}`, place)
  }
  for (const [alias, code] of Object.entries(PLACE_ALIASES)) {
    const place = codes.get(code)
    if (!place) throw new Error(`Place alias "${alias}" names an unknown code ${code}`)
    set(alias, place)
  }
  const maxWords = Math.max(...[...keys.keys()].map((key) => key.split(' ').length))
  const firstWords = new Set([...keys.keys()].filter((key) => key.includes(' ')).map((key) => key.slice(0, key.indexOf(' '))))
  return {
    lookup: (key) => keys.get(key),
    byCode: (code) => codes.get(code),
    provinces: () => provinces,
    regencies: () => regencies,
    maxWords,
    startsLonger: (word) => firstWords.has(word),
  }
}

let loaded: Gazetteer | undefined

/** The gazetteer, built on first use (about 1,500 keys, a few milliseconds) and shared afterwards. */
export function gazetteer(): Gazetteer {
  loaded ??= build()
  return loaded
}
