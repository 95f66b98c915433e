import { provinceByCode } from '../regions.js'
import { fail, ok, type Result } from '../result.js'

export const NIK_ERROR_CODES = [
  'NIK_NOT_DIGITS',
  'NIK_LENGTH',
  'NIK_PROVINCE',
  'NIK_REGENCY',
  'NIK_DISTRICT',
  'NIK_DATE',
  'NIK_SERIAL',
] as const
export type NikErrorCode = (typeof NIK_ERROR_CODES)[number]

/** A structurally valid NIK, split into the parts the 16 digits encode. */
export type Nik = {
  nik: string
  provinceCode: string
  /** Official province name; undefined only when `allowUnknownProvince` let an unknown code through. */
  province: string | undefined
  regencyCode: string
  /** Kota (71–99) rather than kabupaten. */
  isCity: boolean
  districtCode: string
  /** The real day of month (the +40 for women already removed). */
  birthDay: number
  birthMonth: number
  birthYear2: number
  sex: 'L' | 'P'
  serial: string
}

export type ParseNikOptions = {
  /** Accept province codes missing from the table (e.g. a province created later). Default false. */
  allowUnknownProvince?: boolean
}

// What people type between digit groups when copying from a KTP; unicode dashes come from autocorrect.
const SEPARATORS = /[\s.\-\u2010-\u2015\u2212]/gu
const FEMALE_DAY_OFFSET = 40

// The century is not in the NIK, so 29 February must be allowed: use a leap year's month lengths.
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * Parse a NIK as typed by a person (spaces, dots and dashes allowed) and check its structure:
 * known province, non-zero regency and district, a real DDMMYY date (women +40) and serial ≠ 0000.
 */
export function parseNik(input: string, opts: ParseNikOptions = {}): Result<Nik, NikErrorCode> {
  const nik = input.replace(SEPARATORS, '')
  if (!/^[0-9]*$/.test(nik)) return fail('NIK_NOT_DIGITS')
  if (nik.length !== 16) return fail('NIK_LENGTH', { length: nik.length })

  const provinceCode = nik.slice(0, 2)
  const province = provinceByCode(provinceCode)
  if (!province && !opts.allowUnknownProvince) return fail('NIK_PROVINCE', { code: provinceCode })

  const regencyCode = nik.slice(2, 4)
  if (regencyCode === '00') return fail('NIK_REGENCY')
  const districtCode = nik.slice(4, 6)
  if (districtCode === '00') return fail('NIK_DISTRICT')

  const rawDay = Number(nik.slice(6, 8))
  const birthMonth = Number(nik.slice(8, 10))
  const sex = rawDay > FEMALE_DAY_OFFSET ? 'P' : 'L'
  const birthDay = sex === 'P' ? rawDay - FEMALE_DAY_OFFSET : rawDay
  const monthLength = DAYS_IN_MONTH[birthMonth - 1]
  if (monthLength === undefined || birthDay < 1 || birthDay > monthLength) return fail('NIK_DATE')

  const serial = nik.slice(12, 16)
  if (serial === '0000') return fail('NIK_SERIAL')

  return ok({
    nik,
    provinceCode,
    province: province?.name,
    regencyCode,
    isCity: Number(regencyCode) >= 71,
    districtCode,
    birthDay,
    birthMonth,
    birthYear2: Number(nik.slice(10, 12)),
    sex,
    serial,
  })
}

/** Whether the NIK's date part matches a birth date 'YYYY-MM-DD' (day, month and two-digit year). */
export function nikMatchesBirthDate(nik: Pick<Nik, 'birthDay' | 'birthMonth' | 'birthYear2'>, isoDate: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate)
  if (!m) return false
  const [, year, month, day] = m
  return Number(day) === nik.birthDay && Number(month) === nik.birthMonth && Number(year) % 100 === nik.birthYear2
}
