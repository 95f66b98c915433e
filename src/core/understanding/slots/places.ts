import { HOMONYMS, ISLAND_WORDS, LOCATIVE_CUES } from '../../places/aliases.js'
import { type GazetteerPlace, gazetteer } from '../../places/gazetteer.js'

/** A BBPPKS region as the regions table holds it: its code and its comma-separated province codes. */
export type RegionRow = { readonly code: string; readonly provinceCodes: string }
/** The rows, or how to read them when first needed (the chat reads the table only for a message that names a place). */
export type Regions = readonly RegionRow[] | (() => readonly RegionRow[])

export type PlaceSlots = {
  province?: string
  provinceCode?: string
  regency?: string
  regencyCode?: string
  region?: string
}

// "BBPPKS Makassar" and its misspellings name the regional centre, not where the person is.
const CENTRE_WORDS = new Set(['bbppks', 'bbpks', 'bppks', 'bbppk', 'balai'])

const ROMAN: Readonly<Record<string, string>> = { i: '1', ii: '2', iii: '3', iv: '4', v: '5', vi: '6' }

// The regions table is data (staff edit it); the index over one array is built once per array.
const indexes = new WeakMap<readonly RegionRow[], Map<string, string>>()

function regionIndex(regions: readonly RegionRow[]): Map<string, string> {
  let index = indexes.get(regions)
  if (!index) {
    index = new Map()
    for (const region of regions) for (const code of region.provinceCodes.split(',')) index.set(code.trim(), region.code)
    indexes.set(regions, index)
  }
  return index
}

/** The code of the region whose `province_codes` holds `provinceCode` (the regions table decides), if any. */
export function regionOfProvince(regions: readonly RegionRow[], provinceCode: string): string | undefined {
  return regionIndex(regions).get(provinceCode)
}

type Found = { slots: PlaceSlots; cued: boolean }

/** "R5", "regional 5", "regional v", "wilayah 5": the region number, and how many tokens it took. */
function regionNumber(tokens: readonly string[], i: number, regions: () => readonly RegionRow[]): [string, number] | undefined {
  const token = tokens[i] ?? ''
  const direct = /^r([1-9])$/.exec(token)?.[1]
  if (direct) return regions().some((r) => r.code === `R${direct}`) ? [`R${direct}`, 1] : undefined
  if (token !== 'regional' && token !== 'region' && token !== 'r') return undefined
  const next = tokens[i + 1] ?? ''
  const digit = /^[1-9]$/.test(next) ? next : ROMAN[next]
  return digit && regions().some((r) => r.code === `R${digit}`) ? [`R${digit}`, 2] : undefined
}

function slotsOf(place: GazetteerPlace, region: string | undefined): PlaceSlots {
  const province = place.kind === 'regency' ? gazetteer().byCode(place.provinceCode) : place
  const slots: PlaceSlots = {}
  if (place.kind === 'regency') {
    slots.regency = place.name
    slots.regencyCode = place.code
  }
  if (province) {
    slots.province = province.name
    slots.provinceCode = province.code
  }
  if (region) slots.region = region
  return slots
}

/**
 * The place a message names: a regency fills its province and region, a province its region, an island
 * or region word the region only. Homonyms ("palu", "batu") count only after a locative cue or alone.
 * "BBPPKS Makassar" names a centre, not where the person is: the region only. Of several places, the first
 * after a locative cue wins, else the first.
 */
export function extractPlace(tokens: readonly string[], regions: Regions): PlaceSlots {
  const places = gazetteer()
  // The regions table is read only when the message names a place (most do not).
  let rows: readonly RegionRow[] | undefined
  const all = () => {
    rows ??= typeof regions === 'function' ? regions() : regions
    return rows
  }
  const regionOf = { get: (provinceCode: string) => regionIndex(all()).get(provinceCode) }
  let first: Found | undefined
  for (let i = 0; i < tokens.length; ) {
    const previous = tokens[i - 1] ?? ''
    const cued = LOCATIVE_CUES.has(previous)
    let found: Found | undefined
    let used = 1
    const number = regionNumber(tokens, i, all)
    if (number) {
      found = { slots: { region: number[0] }, cued }
      used = number[1]
    } else {
      const longest = places.startsLonger(tokens[i] ?? '') ? Math.min(places.maxWords, tokens.length - i) : 1
      for (let n = longest; n >= 1; n--) {
        const key = n === 1 ? (tokens[i] ?? '') : tokens.slice(i, i + n).join(' ')
        const island = n === 1 ? ISLAND_WORDS[key] : undefined
        const place = island ? undefined : places.lookup(key)
        if (island) {
          const region = regionOf.get(island)
          if (region) found = { slots: { region }, cued }
        } else if (place) {
          if (n === 1 && HOMONYMS.has(key) && !cued && tokens.length > 1) continue
          const region = regionOf.get(place.provinceCode)
          found = { slots: CENTRE_WORDS.has(previous) ? (region ? { region } : {}) : slotsOf(place, region), cued }
        }
        if (found) {
          used = n
          break
        }
      }
    }
    if (found) {
      if (found.cued) return found.slots
      first ??= found
    }
    i += used
  }
  return first?.slots ?? {}
}
