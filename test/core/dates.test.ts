/** Dates and times as every front end writes them: each style in both languages, in the reader's zone. */
import { describe, expect, it } from 'vitest'
import { type DateStyle, formatClock, formatDate, formatIsoDay } from '../../src/core/text/dates.js'

// 23.30 on Sunday 13 December in Jakarta is already Monday 14 December in Makassar and Jayapura.
const AT = new Date('2026-12-13T16:30:00Z')

describe('dates', () => {
  it('each style, in Indonesian and English', () => {
    const styles: [DateStyle, string, string][] = [
      ['date', '14 Desember 2026', '14 December 2026'],
      ['weekdayDate', 'Senin, 14 Desember 2026', 'Monday, 14 December 2026'],
      ['dayMonth', '14 Desember', '14 December'],
      ['shortDate', '14 Des 2026', '14 Dec 2026'],
      ['shortDayMonth', '14 Des', '14 Dec'],
      ['shortDateTime', '14 Des 2026, 00.30', '14 Dec 2026, 00:30'],
      ['dateTime', '14 Desember 2026 pukul 00.30', '14 December 2026 at 00:30'],
    ]
    for (const [style, id, en] of styles) {
      expect([style, formatDate(AT, style, 'id', 'Asia/Makassar'), formatDate(AT, style, 'en', 'Asia/Makassar')]).toEqual([
        style,
        id,
        en,
      ])
    }
  })

  it('the day and the time are those of the zone asked for', () => {
    expect(formatDate(AT, 'weekdayDate', 'id', 'Asia/Jakarta')).toBe('Minggu, 13 Desember 2026')
    expect(
      ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'].map((zone) => `${formatIsoDay(AT, zone)} ${formatClock(AT, zone)}`),
    ).toEqual(['2026-12-13 23.30', '2026-12-14 00.30', '2026-12-14 01.30'])
    // A time in milliseconds reads the same as the Date.
    expect(formatDate(AT.getTime(), 'date', 'en', 'UTC')).toBe('13 December 2026')
  })

  it('a name that is not a time zone is refused', () => {
    expect(() => formatDate(AT, 'date', 'id', 'Asia/Nowhere')).toThrow(RangeError)
    expect(() => formatClock(AT, 'Asia/Nowhere')).toThrow(RangeError)
  })
})
