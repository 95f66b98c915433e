/**
 * The "Dari tanggal / Sampai tanggal" filter of the console's lists (Log audit, Pengingat): two
 * optional days (WIB), each a real date, the first not after the last; the reasons go beside the
 * fields and a bad bound filters nothing.
 */
import { dayStart, parseDay } from '../../core/console/dashboard.js'

export type DayRangeFilter = {
  /** The first instant of the first day, when given and good. */
  from?: Date
  /** The first instant after the last day, when given and good. */
  to?: Date
  errors: { from?: string; to?: string }
}

const NOT_A_DAY = 'Tanggal tidak valid (tttt-bb-hh).'

/** The span of whole days `fromText`…`toText` (either may be empty), with a reason per bad field. */
export function readDayRange(fromText: string, toText: string): DayRangeFilter {
  const errors: DayRangeFilter['errors'] = {}
  const first = fromText ? parseDay(fromText) : undefined
  const last = toText ? parseDay(toText) : undefined
  if (fromText && first === undefined) errors.from = NOT_A_DAY
  if (toText && last === undefined) errors.to = NOT_A_DAY
  if (first !== undefined && last !== undefined && first > last) errors.from = '"Dari" harus sebelum atau sama dengan "Sampai".'
  return {
    ...(!errors.from && first !== undefined && { from: dayStart(first) }),
    ...(!errors.to && !errors.from && last !== undefined && { to: dayStart(last + 1) }),
    errors,
  }
}
