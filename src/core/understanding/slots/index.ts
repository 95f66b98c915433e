import { extractMonth } from './dates.js'
import { extractCode, extractNumber } from './identifiers.js'
import { extractMode, type Mode } from './mode.js'
import { extractPlace, type PlaceSlots, type Regions } from './places.js'
import { tokensOf } from './tokens.js'

export type { RegionRow, Regions } from './places.js'

/** The details a message states, named and shaped as in the issue and the labelled set; absent ones are left out. */
export type SlotValues = {
  province?: string
  regency?: string
  region?: string
  month?: string
  mode?: Mode
  number?: string
  code?: string
}

/** The slots plus the codes behind the place names, for the handlers that filter by them. */
export type SlotReading = { slots: SlotValues; place: PlaceSlots }

export type SlotContext = {
  now: Date
  /** The regions table's rows: which BBPPKS region serves which province (editable data, never hard-coded). */
  regions: Regions
  /** The reader's zone for relative dates (or how to find it, read only for a message with a date); default Asia/Jakarta. */
  timeZone?: string | (() => string)
}

/** Every slot of `text` with the codes of its place (the understanding step's single pass over the text). */
export function readSlots(text: string, ctx: SlotContext): SlotReading {
  const tokens = tokensOf(text)
  const place = extractPlace(tokens, ctx.regions)
  const slots: SlotValues = {}
  if (place.province !== undefined) slots.province = place.province
  if (place.regency !== undefined) slots.regency = place.regency
  if (place.region !== undefined) slots.region = place.region
  const month = extractMonth(tokens, ctx.now, ctx.timeZone ?? 'Asia/Jakarta')
  if (month !== undefined) slots.month = month
  const mode = extractMode(tokens)
  if (mode !== undefined) slots.mode = mode
  const number = extractNumber(text)
  if (number !== undefined) slots.number = number
  const code = extractCode(text)
  if (code !== undefined) slots.code = code
  return { slots, place }
}

/**
 * The slots of one message: province, regency, region (R1–R6), month (YYYY-MM, relative to `now`), mode
 * (daring|luring), certificate number (LSPS-YYYY-NNNNN) and registration code (BMT-XXXXXX). Never a NIK or a phone.
 */
export function extractSlots(text: string, ctx: SlotContext): SlotValues {
  return readSlots(text, ctx).slots
}
