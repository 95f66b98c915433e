/**
 * What each placeholder becomes for one person: `{nama}` their name, `{sesi}` the session (or the
 * exam's kind), `{tanggal}` and `{jam}` the subject's date and time in the person's own zone (with
 * WIB/WITA/WIT, and the place's own time when its zone differs), `{tempat}` the venue, `{tautan}`
 * the link. An empty value is "-". Dates are formatted once per instant, zone and language.
 */
import type { AudienceRow } from '../../db/queries/announcement-audience.js'
import type { Placeholder } from '../../vocabulary/announcements.js'
import { EVENT_KIND, type EventKind } from '../../vocabulary/events.js'
import { zoneLabelOrName } from '../regions.js'
import { formatClock, formatDate } from '../text/dates.js'
import type { Language } from '../types.js'

/** Formatted dates and times, kept per (instant, zone, language): a few distinct values serve 100,000 people. */
export type ValueCache = Map<string, string>

export const newValueCache = (): ValueCache => new Map()

const EMPTY = '-'

function memo(cache: ValueCache, key: string, make: () => string): string {
  let found = cache.get(key)
  if (found === undefined) {
    found = make()
    cache.set(key, found)
  }
  return found
}

/** "09.00 WITA", and "(di lokasi 08.00 WIB)" after it when the place's zone is another. */
export function clockText(at: number, zone: string, placeZone: string | null, lang: Language): string {
  const main = `${formatClock(at, zone)} ${zoneLabelOrName(zone)}`
  if (!placeZone || zoneLabelOrName(placeZone) === zoneLabelOrName(zone)) return main
  return `${main} (${lang === 'id' ? 'di lokasi' : 'local time'} ${formatClock(at, placeZone)} ${zoneLabelOrName(placeZone)})`
}

export function placeholderValues(row: AudienceRow, lang: Language, cache: ValueCache): Record<Placeholder, string> {
  const subject = row.subject
  const at = subject?.startsAt ?? null
  let sesi = EMPTY
  if (subject?.kind === 'session') sesi = subject.title ? `${subject.title}${subject.code ? ` (${subject.code})` : ''}` : EMPTY
  else if (subject?.kind === 'exam' && subject.examKind && subject.examKind in EVENT_KIND)
    sesi = EVENT_KIND[subject.examKind as EventKind].short[lang]
  else if (subject?.kind === 'portfolio') sesi = EVENT_KIND.portofolio.short[lang]
  const tanggal =
    at === null ? EMPTY : memo(cache, `d|${at}|${row.zone}|${lang}`, () => formatDate(at, 'weekdayDate', lang, row.zone))
  const jam =
    at === null || subject?.kind === 'portfolio'
      ? at === null
        ? EMPTY
        : memo(cache, `t|${at}|${row.zone}||${lang}`, () => clockText(at, row.zone, null, lang))
      : memo(cache, `t|${at}|${row.zone}|${subject?.zone ?? ''}|${lang}`, () =>
          clockText(at, row.zone, subject?.zone ?? null, lang),
        )
  return {
    nama: row.fullName.trim() || EMPTY,
    sesi,
    tanggal,
    jam,
    tempat: subject?.venue?.trim() || EMPTY,
    tautan: subject?.link?.trim() || EMPTY,
  }
}
