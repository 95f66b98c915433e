/**
 * The working calendar of live handoffs: when staff are in, in the region's own time zone
 * (HANDOFF_HOURS), skipping Indonesia's public holidays and HANDOFF_CLOSED_DATES. It drives the
 * out-of-hours acknowledgement ("staff are next in on …"), the alerts counted in working minutes,
 * and the dashboard's medians. Pure: every moment is passed in.
 *
 * Holidays come from date-holidays. A day is closed when the library has a `public` holiday whose
 * date is the place's **local** calendar day; comparing our own local YYYY-MM-DD with the library's
 * date string keeps us clear of its time-zone handling. Its data has no cuti bersama, lists Nyepi
 * and Vesak as fixed dates for a few years only, and calculates the Islamic days (which can differ
 * by a day from the government's decree): HANDOFF_CLOSED_DATES fills those gaps.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type Holidays from 'date-holidays'
import { load } from 'js-yaml'
import { DateTime } from 'luxon'
import type { RegionCode } from '../../vocabulary/staff.js'
import { zoneLabelOrName } from '../regions.js'
import type { HandoffSettings, WeekHours } from './settings.js'

/** Where a handoff is answered: the region's IANA zone, and its code (null: the centre, the default hours). */
export type Place = { zone: string; region: string | null }

export type WorkingCalendar = {
  isOpen(at: Date, place: Place): boolean
  /** `at` itself when open; else the start of the next opening (skips weekends, public holidays, closed dates). */
  nextOpening(at: Date, place: Place): Date
  /** Working minutes between two moments (0 when `to` <= `from`). */
  workingMinutesBetween(from: Date, to: Date, place: Place): number
  /** The hours in words, e.g. id "Senin–Jumat 08.00–16.00 WITA", en "Monday–Friday 08:00–16:00 WITA". */
  describe(place: Place, lang: 'id' | 'en'): string
}

/** How far nextOpening looks: hours that open on no day in two months are a configuration mistake. */
const SEARCH_DAYS = 60

const require = createRequire(import.meta.url)

// The library's rules are compiled once, and each year's public holidays worked out once. It brings
// the Chinese, Islamic and astronomical calendars of every country (about 0.1 s and 27 MB): loaded
// the first time a holiday is asked for, not at start, so a server nobody asks for staff never
// carries it.
let library: Holidays | undefined
const holidaysByYear = new Map<number, Set<string>>()

function publicHolidays(year: number): Set<string> {
  let days = holidaysByYear.get(year)
  if (!days) {
    library ??= new (require('date-holidays') as typeof Holidays)('ID')
    days = new Set(
      library
        .getHolidays(year)
        .filter((holiday) => holiday.type === 'public')
        .map((holiday) => holiday.date.slice(0, 10)),
    )
    holidaysByYear.set(year, days)
  }
  return days
}

/**
 * A warning for the start-up log when the holiday data has no Nyepi in `year` (the sign that its
 * fixed-date holidays have run out), else undefined.
 */
export function holidayDataWarning(year: number): string | undefined {
  // Read from the library's own data file (4 KB), not its compiled rules: Nyepi is one of its fixed dates.
  const file = join(dirname(require.resolve('date-holidays')), '..', 'data', 'countries', 'ID.yaml')
  const data = load(readFileSync(file, 'utf8')) as { holidays?: { ID?: { days?: Record<string, { name?: { en?: string } }> } } }
  const nyepi = Object.entries(data.holidays?.ID?.days ?? {}).some(
    ([day, holiday]) => day.startsWith(`${year}-`) && /nyepi/i.test(holiday.name?.en ?? ''),
  )
  if (nyepi) return undefined
  return (
    `The public holiday data (date-holidays) has no Nyepi for ${year}: its fixed dates for Nyepi and Vesak have run out, ` +
    `and it never lists cuti bersama. Add that year's Nyepi, Vesak and cuti bersama days to HANDOFF_CLOSED_DATES, ` +
    'or handoff acknowledgements and alerts will treat them as working days.'
  )
}

const QUARTER_HOUR = 15 * 60_000
/** Entries kept per cache before it starts again (a few years of days, thousands of quarter hours). */
const CACHE_SIZE = 5_000

/** An opening as two instants, in milliseconds. */
type Span = { start: number; end: number }

const DAY_NAMES = {
  id: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
}
/** The week as people read it, Monday first (index into WeekHours, 0 = Sunday). */
const MONDAY_FIRST = [1, 2, 3, 4, 5, 6, 0]

/** The calendar of `settings.hours`, closed on public holidays and on `settings.closedDates`. */
export function createWorkingCalendar(settings: Pick<HandoffSettings, 'hours' | 'closedDates'>): WorkingCalendar {
  const closed = new Set(settings.closedDates)

  const weekOf = (place: Place): WeekHours =>
    (place.region !== null && Object.hasOwn(settings.hours.regions, place.region)
      ? settings.hours.regions[place.region as RegionCode]
      : undefined) ?? settings.hours.default

  // The engine asks isOpen on every message a person sends to staff, and luxon takes a tenth of a
  // millisecond per day worked out: the local midnights and each day's openings are kept. Every
  // zone's offset is a whole number of quarter hours, so all instants of one quarter hour (UTC) fall
  // on the same local day.
  const midnights = new Map<string, DateTime>()
  const openings = new WeakMap<WeekHours, Map<number, Span[]>>()
  const remember = <K, V>(cache: Map<K, V>, key: K, value: V): V => {
    if (cache.size >= CACHE_SIZE) cache.clear()
    cache.set(key, value)
    return value
  }

  const localMidnight = (at: Date, zone: string): DateTime => {
    const key = `${zone}|${Math.floor(at.getTime() / QUARTER_HOUR)}`
    const known = midnights.get(key)
    if (known) return known
    const local = DateTime.fromJSDate(at, { zone })
    if (!local.isValid) throw new RangeError(`Not a time zone: ${zone}`)
    return remember(midnights, key, local.startOf('day'))
  }

  /** The openings of the local day that begins at `midnight`; none when the day is closed. */
  const openingsOf = (midnight: DateTime, week: WeekHours): Span[] => {
    let days = openings.get(week)
    if (!days) {
      days = new Map()
      openings.set(week, days)
    }
    const known = days.get(midnight.toMillis())
    if (known) return known
    const day = midnight.toISODate() ?? ''
    if (closed.has(day) || publicHolidays(midnight.year).has(day)) return remember(days, midnight.toMillis(), [])
    // Wall-clock times (set, not plus), so a zone with summer time still opens at 08:00.
    const instant = (minutes: number) =>
      minutes >= 24 * 60
        ? midnight.plus({ days: 1 }).toMillis()
        : midnight.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis()
    const spans = (week[midnight.weekday % 7] ?? []).map((hours) => ({ start: instant(hours.start), end: instant(hours.end) }))
    return remember(days, midnight.toMillis(), spans)
  }

  return {
    isOpen(at, place) {
      const t = at.getTime()
      return openingsOf(localMidnight(at, place.zone), weekOf(place)).some((span) => span.start <= t && t < span.end)
    },

    nextOpening(at, place) {
      const t = at.getTime()
      const week = weekOf(place)
      const today = localMidnight(at, place.zone)
      for (let days = 0; days <= SEARCH_DAYS; days++) {
        const span = openingsOf(today.plus({ days }), week).find((opening) => t < opening.end)
        if (span) return span.start <= t ? at : new Date(span.start)
      }
      const where = place.region === null ? place.zone : `region ${place.region} (${place.zone})`
      throw new Error(
        `HANDOFF_HOURS: staff are never in during the ${SEARCH_DAYS} days after ${at.toISOString()} in ${where}: ` +
          'check HANDOFF_HOURS and HANDOFF_CLOSED_DATES',
      )
    },

    workingMinutesBetween(from, to, place) {
      const [a, b] = [from.getTime(), to.getTime()]
      if (b <= a) return 0
      const week = weekOf(place)
      let ms = 0
      for (let midnight = localMidnight(from, place.zone); midnight.toMillis() < b; midnight = midnight.plus({ days: 1 })) {
        for (const span of openingsOf(midnight, week)) ms += Math.max(0, Math.min(b, span.end) - Math.max(a, span.start))
      }
      return Math.floor(ms / 60_000)
    },

    describe(place, lang) {
      const week = weekOf(place)
      const clock = (minutes: number) =>
        [Math.floor(minutes / 60), minutes % 60].map((n) => String(n).padStart(2, '0')).join(lang === 'id' ? '.' : ':')
      const hoursOf = (day: number) =>
        (week[day] ?? []).map((hours) => `${clock(hours.start)}–${clock(hours.end)}`).join(lang === 'id' ? ' dan ' : ' and ')
      // Runs of consecutive days with the same hours: "Senin–Kamis 08.00–16.00, Jumat 08.00–16.30".
      const runs: { first: number; last: number; hours: string }[] = []
      let previous: (typeof runs)[number] | undefined
      for (const day of MONDAY_FIRST) {
        const hours = hoursOf(day)
        if (hours === '') previous = undefined
        else if (previous?.hours === hours) previous.last = day
        else {
          previous = { first: day, last: day, hours }
          runs.push(previous)
        }
      }
      const names = DAY_NAMES[lang]
      const text = runs
        .map((run) => `${names[run.first]}${run.last === run.first ? '' : `–${names[run.last]}`} ${run.hours}`)
        .join(', ')
      return `${text} ${zoneLabelOrName(place.zone)}`
    },
  }
}
