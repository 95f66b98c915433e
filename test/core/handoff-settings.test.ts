/**
 * The live handoff's settings as an operator writes them: what each parser accepts, the reason it
 * gives for what it refuses (src/config.ts puts the variable's name in front), and, for
 * HANDOFF_HOURS, that any week of hours written out in its grammar reads back as the same hours.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type DayHours,
  DEFAULT_HANDOFF_SETTINGS,
  parseAlertMinutes,
  parseClosedDates,
  parseGroupFiles,
  parseHandoffHours,
  parseIdleHours,
  parseSignature,
  parseStaffChats,
  type WeekHours,
} from '../../src/core/handoff/settings.js'

const h = (hour: number, minute = 0) => hour * 60 + minute
const OFFICE = [{ start: h(8), end: h(16) }]
const CLOSED: DayHours = []

describe('HANDOFF_HOURS', () => {
  it('defaults to Monday–Friday 08:00–16:00 for every region', () => {
    expect(DEFAULT_HANDOFF_SETTINGS.hours).toEqual({
      default: [CLOSED, OFFICE, OFFICE, OFFICE, OFFICE, OFFICE, CLOSED],
      regions: {},
    })
  })

  it('reads the example of the documentation: a longer Friday, and R6 on its own hours', () => {
    const friday = [{ start: h(8), end: h(16, 30) }]
    const r6 = [{ start: h(7, 30), end: h(15, 30) }]
    expect(parseHandoffHours('Mon-Thu 08:00-16:00, Fri 08:00-16:30; R6=Mon-Fri 07:30-15:30')).toEqual({
      default: [CLOSED, OFFICE, OFFICE, OFFICE, OFFICE, friday, CLOSED],
      regions: { R6: [CLOSED, r6, r6, r6, r6, r6, CLOSED] },
    })
  })

  it('takes Indonesian day names, any case, 08.00 as well as 08:00, and a weekend range', () => {
    const morning = [{ start: h(9), end: h(12) }]
    expect(parseHandoffHours('sen-JUM 08.00-16.00, Sab-Min 09:00 - 12:00')).toEqual({
      default: [morning, OFFICE, OFFICE, OFFICE, OFFICE, OFFICE, morning],
      regions: {},
    })
  })

  it('keeps the default hours when only regions are given; a region code in lower case is read as upper', () => {
    const r1 = [{ start: h(9), end: h(15) }]
    expect(parseHandoffHours('r1=Mon 09:00-15:00')).toEqual({
      default: DEFAULT_HANDOFF_SETTINGS.hours.default,
      regions: { R1: [CLOSED, r1, CLOSED, CLOSED, CLOSED, CLOSED, CLOSED] },
    })
  })

  it('sorts the intervals of a day, and lets one end at 24:00', () => {
    expect(parseHandoffHours('Mon 13:00-24:00, Mon 08:00-12:00').default[1]).toEqual([
      { start: h(8), end: h(12) },
      { start: h(13), end: h(24) },
    ])
  })

  it.each([
    ['Mon-Fri 8-16', '"Mon-Fri 8-16": times are HH:MM-HH:MM'],
    ['Mon-Fri', '"Mon-Fri" is not DAYS HH:MM-HH:MM'],
    ['Senin 08:00-16:00', 'Senin is not a day (Mon Tue Wed Thu Fri Sat Sun, or Sen Sel Rab Kam Jum Sab Min)'],
    ['Fri-Mon 08:00-16:00', '"Fri-Mon 08:00-16:00": a range of days runs from Monday to Sunday'],
    ['Mon 16:00-08:00', '"Mon 16:00-08:00": the end must be after the start, on the same day'],
    ['Mon 08:00-08:00', '"Mon 08:00-08:00": the end must be after the start'],
    ['Mon 08:00-25:00', '08:00-25:00 is not a time of day (00:00 to 24:00)'],
    ['Mon 08:70-16:00', '08:70-16:00 is not a time of day'],
    ['Mon-Fri 08:00-12:00, Fri 11:00-13:00', '"Mon-Fri 08:00-12:00" and "Fri 11:00-13:00" overlap on Friday'],
    ['R7=Mon-Fri 08:00-16:00', '"R7" is not a region (R1–R6)'],
    ['R6=Mon-Fri 08:00-16:00; R6=Sat 08:00-12:00', 'region R6 is given twice'],
    ['Mon-Fri 08:00-16:00; Sat 08:00-12:00', 'the hours without a region (the default) are given twice'],
    ['R6=', '"" has no hours'],
    [' ; ', 'no hours given'],
  ])('refuses %j: %s', (text, reason) => {
    expect(() => parseHandoffHours(text)).toThrow(reason)
  })

  // Each day a few sorted, non-overlapping intervals (start < end, within 00:00–24:00); some days closed.
  const day = fc.uniqueArray(fc.integer({ min: 0, max: 24 * 60 }), { maxLength: 6 }).map((points): DayHours => {
    const sorted = [...points].sort((a, b) => a - b)
    const intervals: DayHours = []
    for (let i = 0; i + 1 < sorted.length; i += 2) intervals.push({ start: sorted[i] ?? 0, end: sorted[i + 1] ?? 0 })
    return intervals
  })
  // Days drawn from a few distinct ones, so neighbours often share their hours and are written as a range.
  const week = fc
    .tuple(fc.array(day, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { minLength: 7, maxLength: 7 }))
    .map(([pool, picks]): WeekHours => picks.map((pick) => pool[pick % pool.length] ?? []))
    .filter((days) => days.some((hours) => hours.length > 0))
  const regionCodes = fc.subarray(['R1', 'R2', 'R3', 'R4', 'R5', 'R6'] as const)

  const ENGLISH = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
  const INDONESIAN = ['Min', 'Sen', 'Sel', 'Rab', 'Kam', 'Jum', 'Sab']
  const clock = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`

  /** A week as an operator might write it: consecutive days with the same hours as one range `A-B`. */
  function written(hours: WeekHours, names: string[]): string {
    const items: string[] = []
    const mondayFirst = [1, 2, 3, 4, 5, 6, 0]
    for (let i = 0; i < 7; ) {
      const first = mondayFirst[i] ?? 0
      const same = JSON.stringify(hours[first])
      let j = i
      while (j + 1 < 7 && JSON.stringify(hours[mondayFirst[j + 1] ?? 0]) === same) j++
      const last = mondayFirst[j] ?? 0
      const days = first === last ? names[first] : `${names[first]}-${names[last]}`
      for (const interval of hours[first] ?? []) items.push(`${days} ${clock(interval.start)}-${clock(interval.end)}`)
      i = j + 1
    }
    return items.join(', ')
  }

  it('reads back any week of hours written in its grammar, for the default and for regions', () => {
    fc.assert(
      fc.property(
        fc.option(week, { nil: undefined }),
        regionCodes.chain((codes) => fc.tuple(...codes.map((code) => week.map((hours) => [code, hours] as const)))),
        fc.boolean(),
        (fallback, regions, indonesian) => {
          fc.pre(fallback !== undefined || regions.length > 0)
          const names = indonesian ? INDONESIAN : ENGLISH
          const entries = [
            ...(fallback ? [written(fallback, names)] : []),
            ...regions.map(([code, hours]) => `${code}=${written(hours, names)}`),
          ]
          expect(parseHandoffHours(entries.join('; '))).toEqual({
            default: fallback ?? DEFAULT_HANDOFF_SETTINGS.hours.default,
            regions: Object.fromEntries(regions),
          })
        },
      ),
    )
  })
})

describe('STAFF_TELEGRAM_CHATS', () => {
  it('defaults to no staff group', () => {
    expect(DEFAULT_HANDOFF_SETTINGS.staffChats).toEqual([])
  })

  it('reads a group per region and the * group for the others', () => {
    expect(parseStaffChats('R1:-1001234, r5 : -1005678,*:-1009999')).toEqual([
      { region: 'R1', chatId: '-1001234' },
      { region: 'R5', chatId: '-1005678' },
      { region: '*', chatId: '-1009999' },
    ])
  })

  it.each([
    ['R1=-1001234', '"R1=-1001234" is not REGION:CHAT_ID'],
    ['R7:-1001234', '"R7:-1001234": R7 is not a region (R1–R6) or *'],
    ['R1:1001234', `"R1:1001234": the chat id must be a group's negative number`],
    ['R1:-100abc', `"R1:-100abc": the chat id must be a group's negative number`],
    ['R1:-1001234567890123', `"R1:-1001234567890123": the chat id must be a group's negative number`],
    ['R1:-1001234,r1:-1005678', 'R1 is given twice'],
    ['*:-1001234,*:-1005678', '* is given twice'],
  ])('refuses %j: %s', (text, reason) => {
    expect(() => parseStaffChats(text)).toThrow(reason)
  })
})

describe('HANDOFF_CLOSED_DATES', () => {
  it('reads days, sorted and each once', () => {
    expect(parseClosedDates('2026-12-24, 2026-12-31,2026-12-24')).toEqual(['2026-12-24', '2026-12-31'])
  })

  it.each([
    ['24-12-2026', '"24-12-2026" is not a calendar date like 2026-12-24'],
    ['2026-02-30', '"2026-02-30" is not a calendar date'],
    ['2026-13-01', '"2026-13-01" is not a calendar date'],
    ['2026-12-24;2026-12-31', '"2026-12-24;2026-12-31" is not a calendar date'],
  ])('refuses %j: %s', (text, reason) => {
    expect(() => parseClosedDates(text)).toThrow(reason)
  })
})

describe('the other settings', () => {
  it('default to signed with the name, 48 idle hours, an alert after 60 working minutes, files as links', () => {
    expect(DEFAULT_HANDOFF_SETTINGS).toMatchObject({ signature: 'name', idleHours: 48, alertMinutes: 60, groupFiles: 'link' })
  })

  it('read good values', () => {
    expect(parseSignature(' Anonymous ')).toBe('anonymous')
    expect(parseGroupFiles('upload')).toBe('upload')
    expect(parseIdleHours('1')).toBe(1)
    expect(parseIdleHours('720')).toBe(720)
    expect(parseAlertMinutes('1')).toBe(1)
    expect(parseAlertMinutes('240')).toBe(240)
  })

  it.each<[string, (text: string) => unknown, string, string]>([
    ['HANDOFF_SIGNATURE', parseSignature, 'nama', '"nama" is not name or anonymous'],
    ['HANDOFF_GROUP_FILES', parseGroupFiles, 'file', '"file" is not link or upload'],
    ['HANDOFF_IDLE_HOURS', parseIdleHours, '0', '"0" is not a whole number of hours from 1 to 720'],
    ['HANDOFF_IDLE_HOURS', parseIdleHours, '721', 'from 1 to 720'],
    ['HANDOFF_IDLE_HOURS', parseIdleHours, '1.5', 'from 1 to 720'],
    ['HANDOFF_ALERT_MINUTES', parseAlertMinutes, '0', '"0" is not a whole number of minutes, at least 1'],
    ['HANDOFF_ALERT_MINUTES', parseAlertMinutes, '-5', 'at least 1'],
    ['HANDOFF_ALERT_MINUTES', parseAlertMinutes, 'sejam', 'at least 1'],
  ])('%s refuses %j', (_, parse, text, reason) => {
    expect(() => parse(text)).toThrow(reason)
  })
})
