/**
 * The working calendar of live handoffs: open or closed at the edges of the working day in WIB, WITA
 * and WIT, on public holidays and on HANDOFF_CLOSED_DATES, when staff are next in, how many working
 * minutes lie between two moments, and the hours in words. Every date is fixed (2026) and written
 * with its own UTC offset, so the expectations do not lean on the code's time-zone handling and hold
 * under `faketime '+400 days'` too.
 */
import { describe, expect, it } from 'vitest'
import { createWorkingCalendar, holidayDataWarning, type Place } from '../../src/core/handoff/hours.js'
import { DEFAULT_HANDOFF_SETTINGS, parseHandoffHours } from '../../src/core/handoff/settings.js'

const WIB: Place = { zone: 'Asia/Jakarta', region: 'R2' }
const WITA: Place = { zone: 'Asia/Makassar', region: 'R5' }
const WIT: Place = { zone: 'Asia/Jayapura', region: 'R6' }

const standard = createWorkingCalendar(DEFAULT_HANDOFF_SETTINGS)
const at = (iso: string) => new Date(iso)

describe('the default hours (Monday–Friday 08:00–16:00 in the region’s zone)', () => {
  it.each<[string, Place, string, string | 'open']>([
    ['WIB, Friday 15:59: still open', WIB, '2026-12-04T15:59:00+07:00', 'open'],
    ['WIB, Friday 16:00: closed until Monday 08:00', WIB, '2026-12-04T16:00:00+07:00', '2026-12-07T08:00:00+07:00'],
    ['WITA, Monday 07:59: opens the same day at 08:00', WITA, '2026-12-07T07:59:00+08:00', '2026-12-07T08:00:00+08:00'],
    ['WITA, Monday 08:00: open', WITA, '2026-12-07T08:00:00+08:00', 'open'],
    [
      'WIT, Thursday 24 December 16:00: Christmas Friday and the weekend skipped',
      WIT,
      '2026-12-24T16:00:00+09:00',
      '2026-12-28T08:00:00+09:00',
    ],
    [
      'WITA, Independence Day (Monday 17 August) 10:00: next Tuesday 08:00',
      WITA,
      '2026-08-17T10:00:00+08:00',
      '2026-08-18T08:00:00+08:00',
    ],
    ['WIB, Saturday noon: Monday 08:00', WIB, '2026-12-05T12:00:00+07:00', '2026-12-07T08:00:00+07:00'],
    ['WIB, Wednesday night: Thursday 08:00', WIB, '2026-12-02T23:30:00+07:00', '2026-12-03T08:00:00+07:00'],
  ])('%s', (_, place, moment, next) => {
    expect(standard.isOpen(at(moment), place)).toBe(next === 'open')
    expect(standard.nextOpening(at(moment), place)).toEqual(at(next === 'open' ? moment : next))
  })

  it('a holiday is the local calendar day: WIT Tuesday 18 August 08:30 is open although it is still 17 August in UTC', () => {
    const moment = at('2026-08-18T08:30:00+09:00')
    expect(moment.toISOString().slice(0, 10)).toBe('2026-08-17')
    expect(standard.isOpen(moment, WIT)).toBe(true)
    // And the holiday itself, whose morning in Jayapura is still Sunday 16 August in UTC.
    expect(standard.isOpen(at('2026-08-17T08:30:00+09:00'), WIT)).toBe(false)
  })

  it('a place without a region (the centre) follows the default hours in its zone', () => {
    const centre: Place = { zone: 'Asia/Jakarta', region: null }
    expect(standard.isOpen(at('2026-12-04T15:59:00+07:00'), centre)).toBe(true)
    expect(standard.nextOpening(at('2026-12-04T16:00:00+07:00'), centre)).toEqual(at('2026-12-07T08:00:00+07:00'))
  })
})

describe('HANDOFF_CLOSED_DATES', () => {
  it('closes the days it lists (cuti bersama 24 December): Wednesday 16:00 WIB waits until Monday', () => {
    const withLeave = createWorkingCalendar({ ...DEFAULT_HANDOFF_SETTINGS, closedDates: ['2026-12-24'] })
    const wednesdayEvening = at('2026-12-23T16:00:00+07:00')
    expect(standard.nextOpening(wednesdayEvening, WIB)).toEqual(at('2026-12-24T08:00:00+07:00'))
    expect(withLeave.nextOpening(wednesdayEvening, WIB)).toEqual(at('2026-12-28T08:00:00+07:00'))
    expect(withLeave.isOpen(at('2026-12-24T10:00:00+07:00'), WIB)).toBe(false)
  })
})

describe('hours of one region (HANDOFF_HOURS with R6=…)', () => {
  const calendar = createWorkingCalendar({
    hours: parseHandoffHours('Mon-Fri 08:00-16:00; R6=Mon-Fri 07:30-15:30'),
    closedDates: [],
  })

  it.each<[string, Place, string, string | 'open']>([
    ['R6 opens at 07:30 WIT', WIT, '2026-12-07T07:30:00+09:00', 'open'],
    ['R6 closes at 15:30 WIT, until Tuesday 07:30', WIT, '2026-12-07T15:30:00+09:00', '2026-12-08T07:30:00+09:00'],
    ['R5 keeps the default: closed at 07:30 WITA', WITA, '2026-12-07T07:30:00+08:00', '2026-12-07T08:00:00+08:00'],
    ['R5 keeps the default: open at 15:45 WITA', WITA, '2026-12-07T15:45:00+08:00', 'open'],
  ])('%s', (_, place, moment, next) => {
    expect(calendar.isOpen(at(moment), place)).toBe(next === 'open')
    expect(calendar.nextOpening(at(moment), place)).toEqual(at(next === 'open' ? moment : next))
  })

  it('a lunch break: closed between two intervals of the day, open again after it', () => {
    const split = createWorkingCalendar({ hours: parseHandoffHours('Mon-Fri 08:00-12:00, Mon-Fri 13:00-16:00'), closedDates: [] })
    expect(split.isOpen(at('2026-12-07T12:30:00+07:00'), WIB)).toBe(false)
    expect(split.nextOpening(at('2026-12-07T12:30:00+07:00'), WIB)).toEqual(at('2026-12-07T13:00:00+07:00'))
    expect(split.workingMinutesBetween(at('2026-12-07T11:00:00+07:00'), at('2026-12-07T14:00:00+07:00'), WIB)).toBe(120)
  })
})

describe('workingMinutesBetween', () => {
  it.each<[string, Place, string, string, number]>([
    ['within one day', WIB, '2026-12-07T09:00:00+07:00', '2026-12-07T10:30:00+07:00', 90],
    [
      'a whole day, counted from before opening to after closing',
      WIB,
      '2026-12-07T06:00:00+07:00',
      '2026-12-07T20:00:00+07:00',
      480,
    ],
    ['across a night (Monday 15:30 to Tuesday 08:30)', WITA, '2026-12-07T15:30:00+08:00', '2026-12-08T08:30:00+08:00', 60],
    ['across a weekend (Friday 15:00 to Monday 09:00)', WIB, '2026-12-04T15:00:00+07:00', '2026-12-07T09:00:00+07:00', 120],
    [
      'across Christmas and the weekend (Thursday 15:00 to Monday 08:30)',
      WIT,
      '2026-12-24T15:00:00+09:00',
      '2026-12-28T08:30:00+09:00',
      90,
    ],
    [
      'across Independence Day (Friday 14 August 15:00 to Tuesday 18 August 09:00)',
      WITA,
      '2026-08-14T15:00:00+08:00',
      '2026-08-18T09:00:00+08:00',
      120,
    ],
    ['all out of hours (a Saturday)', WIB, '2026-12-05T08:00:00+07:00', '2026-12-05T16:00:00+07:00', 0],
    ['backwards', WIB, '2026-12-07T10:00:00+07:00', '2026-12-07T09:00:00+07:00', 0],
  ])('%s', (_, place, from, to, minutes) => {
    expect(standard.workingMinutesBetween(at(from), at(to), place)).toBe(minutes)
  })

  it('counts a handoff filed in the evening from the next opening, not through the night', () => {
    // Filed Monday 20:00 WIB; by Tuesday 09:00 it has waited one working hour, whatever the clock says.
    expect(standard.workingMinutesBetween(at('2026-12-07T20:00:00+07:00'), at('2026-12-08T08:59:00+07:00'), WIB)).toBe(59)
    expect(standard.workingMinutesBetween(at('2026-12-07T20:00:00+07:00'), at('2026-12-08T09:00:00+07:00'), WIB)).toBe(60)
  })
})

describe('describe', () => {
  it.each<[string, string, Place, 'id' | 'en', string]>([
    ['the default in WITA, Indonesian', 'Mon-Fri 08:00-16:00', WITA, 'id', 'Senin–Jumat 08.00–16.00 WITA'],
    ['the default in WITA, English', 'Mon-Fri 08:00-16:00', WITA, 'en', 'Monday–Friday 08:00–16:00 WITA'],
    [
      'West Kalimantan is WIB',
      'Mon-Fri 08:00-16:00',
      { zone: 'Asia/Pontianak', region: 'R4' },
      'id',
      'Senin–Jumat 08.00–16.00 WIB',
    ],
    [
      'a shorter Friday, Indonesian day names in the setting',
      'Sen-Kam 08:00-16:00, Jum 08:00-16:30',
      WIB,
      'id',
      'Senin–Kamis 08.00–16.00, Jumat 08.00–16.30 WIB',
    ],
    [
      'a lunch break and a Saturday morning',
      'Mon-Fri 08:00-12:00, Mon-Fri 13:00-16:00, Sat 08:00-12:00',
      WIB,
      'en',
      'Monday–Friday 08:00–12:00 and 13:00–16:00, Saturday 08:00–12:00 WIB',
    ],
    ['a region’s own hours in WIT', 'Mon-Fri 08:00-16:00; R6=Mon-Fri 07:30-15:30', WIT, 'id', 'Senin–Jumat 07.30–15.30 WIT'],
    [
      'days apart are not joined into a range',
      'Mon 08:00-12:00, Wed 08:00-12:00',
      WIB,
      'en',
      'Monday 08:00–12:00, Wednesday 08:00–12:00 WIB',
    ],
  ])('%s', (_, hours, place, lang, words) => {
    expect(createWorkingCalendar({ hours: parseHandoffHours(hours), closedDates: [] }).describe(place, lang)).toBe(words)
  })
})

describe('hours that never open', () => {
  it('nextOpening stops after 60 days with a configuration error naming HANDOFF_HOURS', () => {
    const never = createWorkingCalendar({ hours: { default: [[], [], [], [], [], [], []], regions: {} }, closedDates: [] })
    expect(() => never.nextOpening(at('2026-12-07T09:00:00+07:00'), WIB)).toThrow(/HANDOFF_HOURS: staff are never in/)
  })
})

describe('holidayDataWarning', () => {
  it('is silent for 2026, whose Nyepi (19 March) the data has', () => {
    expect(holidayDataWarning(2026)).toBeUndefined()
    expect(standard.isOpen(at('2026-03-19T10:00:00+08:00'), WITA)).toBe(false)
  })

  it('names the year and the fix when the data has no Nyepi (its fixed dates end in 2027)', () => {
    const warning = holidayDataWarning(2028)
    expect(warning).toContain('2028')
    expect(warning).toContain('HANDOFF_CLOSED_DATES')
  })
})
