/**
 * The month a message asks about, at the labelled set's reference date (Monday 2026-12-07 10:00 WIB) and across
 * month and year ends in each zone: "bulan depan", month names with typos and years, weeks Monday–Sunday,
 * "tgl N" forward, days; "minggu" alone, "kemarin" and bare numbers give none.
 */
import { describe, expect, it } from 'vitest'
import { extractSlots } from '../../src/core/understanding/slots/index.js'
import { BBPPKS_REGIONS } from '../../src/db/reference-data.js'

const monthOf = (text: string, now: Date, timeZone = 'Asia/Jakarta') =>
  extractSlots(text, { now, regions: BBPPKS_REGIONS, timeZone }).month

describe('at the reference date, Monday 2026-12-07 10:00 WIB', () => {
  const now = new Date('2026-12-07T10:00:00+07:00')
  it.each([
    ['bimtek bulan ini', '2026-12'],
    ['bln ini ada?', '2026-12'],
    ['any bimtek this month', '2026-12'],
    ['bimtek bulan depan', '2027-01'],
    ['bln dpn ada ga', '2027-01'],
    ['bulan besok', '2027-01'],
    ['next month', '2027-01'],
    ['bimtek januari', '2027-01'],
    ['bimtek jan', '2027-01'],
    ['bimtek januri', '2027-01'],
    ['bulan 1', '2027-01'],
    ['bln 2', '2027-02'],
    ['in february', '2027-02'],
    ['pebruari', '2027-02'],
    ['bimtek maret', '2027-03'],
    ['desember ini', '2026-12'],
    ['november', '2027-11'],
    ['januari 2027', '2027-01'],
    ['jan 27', '2027-01'],
    ['01/2027', '2027-01'],
    ['minggu ini', '2026-12'],
    ['pekan ini', '2026-12'],
    ['this week', '2026-12'],
    ['minggu depan', '2026-12'],
    ['pekan dpn', '2026-12'],
    ['tgl 12', '2026-12'],
    ['tanggal 12', '2026-12'],
    ['tgl 12 jan', '2027-01'],
    ['tgl 5', '2027-01'],
    ['tgl 7', '2026-12'],
    ['besok', '2026-12'],
    ['lusa', '2026-12'],
    ['hari ini', '2026-12'],
    ['sabtu ini', '2026-12'],
    ['akhir tahun', '2026-12'],
    ['awal bulan depan', '2027-01'],
    ['masih ada bimtek taun ini gak', '2026-12'],
    ['mg depan', '2026-12'],
  ])('%s → %s', (text, month) => {
    expect(monthOf(text, now)).toBe(month)
  })

  it.each([
    'minggu',
    'tgl 40',
    'tgl brp ya',
    'kemarin sy daftar',
    'bulan lalu',
    'sy udh bimtek 3 bln lalu',
    'SK keluar bulan Maret lalu',
    'last month',
    'tahun depan',
    'sy punya 12 sertifikat',
    'may i register',
    'des bimtek',
    // When something already happened is not a month asked about.
    'udh SK kompeten dari agustus tp sertifikat blm dikirim',
    'I did my competency test back in October',
    'nunggu hasil sejak september',
    'tgl 3 kemarin sy operasi',
  ])('%s → no month', (text) => {
    expect(monthOf(text, now)).toBeUndefined()
  })
})

describe('across month and year ends', () => {
  // 23:30 WIT on the last day of the year (UTC+9).
  const lastDay = new Date('2026-12-31T14:30:00Z')
  it.each([
    ['Asia/Jayapura', 'bulan depan', '2027-01'],
    ['Asia/Jayapura', 'besok', '2027-01'],
    ['Asia/Jayapura', 'minggu depan', '2027-01'],
    ['Asia/Jayapura', 'minggu ini', '2026-12'],
    ['Asia/Jayapura', 'tgl 31', '2026-12'],
    ['Asia/Jayapura', 'desember', '2026-12'],
    ['Asia/Jayapura', 'januari', '2027-01'],
  ])('%s 31 Dec, %s → %s', (zone, text, month) => {
    expect(monthOf(text, lastDay, zone)).toBe(month)
  })

  it.each([
    // Tomorrow: jv ngoko, jv krama, su, min, bjn (alone), pap/amb "bsk", en; the day after: jv, su.
    ['sesuk ada bimtek?', '2027-01'],
    ['sesok', '2027-01'],
    ['mbenjing wonten bimtek', '2027-01'],
    ['benjing', '2027-01'],
    ['isukan', '2027-01'],
    ['bisuak', '2027-01'],
    ['bsk', '2027-01'],
    ['tmrw', '2027-01'],
    ['énjing', '2027-01'],
    ['isuk', '2027-01'],
    ['mben', '2027-01'],
    ['pageto', '2027-01'],
    // Next week / month: jv "minggu sesuk", min "bulan muko".
    ['minggu sesuk', '2027-01'],
    ['bulan muko', '2027-01'],
    // Today: jv "dinten niki", "dina iki", su "poe ieu", jv "enjing niki" (this morning); jv/su weekdays.
    ['dinten niki', '2026-12'],
    ['poe ieu', '2026-12'],
    ['enjing niki', '2026-12'],
    ['setu iki', '2027-01'],
    ['rebo ngarep', '2027-01'],
  ])('regional: %s on 31 Dec (WIT) → %s', (text, month) => {
    expect(monthOf(text, lastDay, 'Asia/Jayapura')).toBe(month)
  })

  it('names no day: jv "benjing punapa" (when), "mben dino" (every day), a morning doubled or alone', () => {
    expect(monthOf('sesuk', lastDay, 'Asia/Jayapura')).toBe('2027-01')
    for (const text of ['benjing punapa wonten bimtek', 'mben dino', 'isuk isuk', 'enjing enjing', 'baisukan', 'esuk'])
      expect([text, monthOf(text, lastDay, 'Asia/Jayapura')]).toEqual([text, undefined])
  })

  it('reads "today" in the reader\'s zone: 1 Jan 01:00 WIT is still 31 Dec in WIB', () => {
    const newYear = new Date('2026-12-31T16:00:00Z')
    expect(monthOf('hari ini', newYear, 'Asia/Jayapura')).toBe('2027-01')
    expect(monthOf('hari ini', newYear, 'Asia/Jakarta')).toBe('2026-12')
  })

  it('on 28 Feb 2027 "tgl 30" is in March and "bulan depan" is March', () => {
    const feb = new Date('2027-02-28T03:00:00Z')
    expect(monthOf('tgl 30', feb)).toBe('2027-03')
    expect(monthOf('tgl 28', feb)).toBe('2027-02')
    expect(monthOf('bulan depan', feb)).toBe('2027-03')
    expect(monthOf('januari', feb)).toBe('2028-01')
  })
})
