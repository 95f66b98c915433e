/**
 * "jadwal" (optionally with a region, a province or a kabupaten/kota): the upcoming Bimtek sessions, rendered by
 * `findSessions` (in the reader's time zone, with their seats, registration window and `Daftar:` choices).
 */
import { listRegions } from '../../db/queries/sessions.js'
import type { TypedCommand } from '../engine.js'
import { gazetteer, placeKey } from '../places/gazetteer.js'
import { findProvince } from '../regions.js'
import { normalizeInput } from '../text/normalize.js'
import type { TurnContext } from '../turn.js'
import type { Slots } from '../understanding/types.js'
import { findSessions } from './find-sessions.js'

/** Region names people use: island, city or code. */
const REGION_WORDS: Record<string, string> = {
  sumatera: 'R1',
  sumatra: 'R1',
  padang: 'R1',
  jawa: 'R2',
  bandung: 'R2',
  yogyakarta: 'R3',
  yogya: 'R3',
  jogja: 'R3',
  kalimantan: 'R4',
  banjarmasin: 'R4',
  sulawesi: 'R5',
  makassar: 'R5',
  papua: 'R6',
  jayapura: 'R6',
}

/** The place typed after "jadwal" as slots: a region word or code, a province, else a kabupaten/kota of the gazetteer. */
async function placeSlots(ctx: TurnContext, typed: string): Promise<Slots | undefined> {
  const key = normalizeInput(typed)
  const code = /^r\s?([1-6])$/.exec(key)?.[1]
  const regionCode = code ? `R${code}` : REGION_WORDS[key.replace(/\s/g, '')]
  // A province name wins over an island word ("jawa barat" is a province, "jawa" a region).
  const province = findProvince(typed)
  if (province) return { provinceCode: province.code }
  if (regionCode) return (await listRegions(ctx.db)).some((r) => r.code === regionCode) ? { region: regionCode } : undefined
  const place = gazetteer().lookup(placeKey(typed))
  if (place?.kind === 'regency') return { regencyCode: place.code }
  return place ? { provinceCode: place.code } : undefined
}

/** "jadwal", "jadwal bimtek", "jadwal (di) <wilayah/provinsi/kota>"; undefined when the words name no place
 *  ("jadwal ujian"): a question for the FAQ. */
export const scheduleCommand: TypedCommand = async (ctx, text) => {
  const match = /^jadwal(?:\s+bimtek)?(?:\s+(?:di\s+)?(.+))?$/.exec(normalizeInput(text))
  if (!match) return undefined
  const typed = match[1] ?? ''
  const slots = typed ? await placeSlots(ctx, typed) : {}
  return slots ? await findSessions(ctx, slots) : undefined
}
