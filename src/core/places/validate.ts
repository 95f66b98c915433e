import { distance } from 'fastest-levenshtein'
import { type GazetteerPlace, gazetteer, placeKey } from './gazetteer.js'

const PREFIX = /^(kabupaten administrasi|kota administrasi|kabupaten|kab|kota) /

export type RegencyCheck =
  | { ok: true; regency: GazetteerPlace }
  | { ok: false; code: 'REGENCY_UNKNOWN'; suggestions: string[] }
  | { ok: false; code: 'REGENCY_OTHER_PROVINCE'; regency: GazetteerPlace; province: string }

const bareOf = (name: string) => placeKey(name).replace(PREFIX, '')

/**
 * The kabupaten/kota a person types at the registration step, checked against their province: `garut`,
 * `Kab. Garut`, `kota bdg`, or one typo in a name of five letters or more ("grut" is too short to guess).
 * A bare name shared by a Kota and a Kabupaten of the province means the Kota, as everywhere; `kab X` the
 * Kabupaten. Unknown: up to three nearest names of that province. A regency of another province says so.
 */
export function checkRegency(text: string, provinceCode: string): RegencyCheck {
  const places = gazetteer()
  const key = placeKey(text).replace(/^(provinsi|prov) /, '')
  const inProvince = places.regencies().filter((r) => r.provinceCode === provinceCode)
  const typedKind = /^(kab|kabupaten)\b/.test(key) ? 'Kabupaten' : /^kota\b/.test(key) ? 'Kota' : undefined
  const bare = key.replace(PREFIX, '')

  // One regency per bare name of the province: the kind typed, else the Kota ("bandung" in Jawa Barat).
  const byBare = new Map<string, GazetteerPlace>()
  for (const regency of inProvince) {
    const name = bareOf(regency.name)
    const held = byBare.get(name)
    const wanted = (r: GazetteerPlace) => (typedKind ? r.name.startsWith(typedKind) : r.name.startsWith('Kota'))
    if (!held || (wanted(regency) && !wanted(held))) byBare.set(name, regency)
  }
  const own = byBare.get(bare)
  if (own && (!typedKind || own.name.startsWith(typedKind))) return { ok: true, regency: own }

  // An alias ("bdg", "makasar", "jaksel") or a regency of another province.
  const found = places.lookup(key) ?? places.lookup(bare)
  if (found?.kind === 'regency') {
    const sibling = found.provinceCode === provinceCode ? byBare.get(bareOf(found.name)) : undefined
    if (sibling) return { ok: true, regency: typedKind && sibling.name.startsWith(typedKind) ? sibling : found }
    return { ok: false, code: 'REGENCY_OTHER_PROVINCE', regency: found, province: places.byCode(found.provinceCode)?.name ?? '' }
  }

  const ranked = [...byBare.entries()]
    .map(([name, regency]) => ({ regency, cost: distance(name, bare) }))
    .sort((a, b) => a.cost - b.cost || a.regency.name.localeCompare(b.regency.name))
  const [best, second] = ranked
  if (best && bare.length >= 5 && best.cost <= 1 && (second?.cost ?? 2) > 1) return { ok: true, regency: best.regency }
  return { ok: false, code: 'REGENCY_UNKNOWN', suggestions: ranked.slice(0, 3).map((r) => r.regency.name) }
}
