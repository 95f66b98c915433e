/**
 * Zod schemas for the cells of an import file (text as a spreadsheet saves it, already trimmed),
 * each failing with a reason in Indonesian that tells staff what to write instead.
 */
import { DateTime } from 'luxon'
import { z } from 'zod'
import { type Nik, type NikErrorCode, parseNik } from '../validators/nik.js'

/** The value as typed, quoted and cut short, for "(tertulis …)". */
export const shown = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)

/** Schema from a function that returns the value or the reason it is wrong. */
export const cell = <T>(parse: (value: string) => { value: T } | { reason: string }) =>
  z.string().transform((value, ctx) => {
    const result = parse(value)
    if ('value' in result) return result.value
    ctx.addIssue({ code: 'custom', message: result.reason })
    return z.NEVER
  })

const text = (value: string, max: number, multiline: boolean): { value: string } | { reason: string } => {
  // A single-line value loses the line breaks and double spaces a spreadsheet cell may hold.
  const cleaned = multiline ? value.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n') : value.replace(/\s+/g, ' ')
  const length = [...cleaned].length
  return length > max ? { reason: `terlalu panjang: ${length} karakter, paling banyak ${max}` } : { value: cleaned }
}

/** Text that must be filled in, at most `max` characters. */
export const requiredText = (max: number, { multiline = false } = {}) =>
  cell<string>((value) => (value === '' ? { reason: 'wajib diisi' } : text(value, max, multiline)))

/** Text that may be left empty (→ null), at most `max` characters. */
export const optionalText = (max: number, { multiline = false } = {}) =>
  cell<string | null>((value) => (value === '' ? { value: null } : text(value, max, multiline)))

/** A whole number from `min` to `max`, digits only. */
export const wholeNumber = (min: number, max: number) =>
  cell<number>((value) => {
    const number = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN
    return number >= min && number <= max
      ? { value: number }
      : { reason: `harus bilangan bulat ${min}–${max}${value === '' ? '' : ` (tertulis ${shown(value)})`}` }
  })

/** An http(s) address that may be left empty (→ null). */
export const optionalWebAddress = cell<string | null>((value) => {
  if (value === '') return { value: null }
  const url = URL.canParse(value) ? new URL(value) : undefined
  if ((url?.protocol === 'https:' || url?.protocol === 'http:') && url.hostname.includes('.') && value.length <= 500) {
    return { value: url.href }
  }
  return { reason: `harus alamat web lengkap yang diawali https:// (tertulis ${shown(value)})` }
})

/** A wall-clock time with no zone yet, 'YYYY-MM-DDTHH:mm'; `atZone` turns it into an instant. */
export type LocalDateTime = string & { readonly __local: unique symbol }

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2})[:.](\d{2})$/

/** "2026-11-23 09:00" (also "09.00" or a "T" between) → a LocalDateTime that exists on the calendar. */
export const localDateTime = cell<LocalDateTime>((value) => {
  const match = LOCAL.exec(value)
  if (!match) return { reason: `harus tanggal dan jam "YYYY-MM-DD HH:mm", mis. 2026-11-23 09:00 (tertulis ${shown(value)})` }
  const [, year, month, day, hour, minute] = match.map(Number)
  const date = DateTime.fromObject({ year, month, day, hour, minute }, { zone: 'UTC' })
  if (!date.isValid) return { reason: `tanggal atau jam itu tidak ada (tertulis ${shown(value)})` }
  return { value: date.toFormat("yyyy-MM-dd'T'HH:mm") as LocalDateTime }
})

/** The instant a wall-clock time stands for in an IANA time zone. */
export function atZone(local: LocalDateTime, timeZone: string): Date {
  return DateTime.fromISO(local, { zone: timeZone }).toJSDate()
}

/** The inverse of `localDateTime` + `atZone`: an instant as "YYYY-MM-DD HH:mm" in `timeZone`. */
export function localText(date: Date, timeZone: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm')
}

const NIK_REASONS: Record<NikErrorCode, string> = {
  NIK_NOT_DIGITS: 'harus 16 angka, tanpa huruf',
  NIK_LENGTH: 'harus 16 angka',
  NIK_PROVINCE: 'dua angka pertama bukan kode provinsi yang dikenal',
  NIK_REGENCY: 'angka ke-3 dan ke-4 (kode kabupaten/kota) tidak boleh 00',
  NIK_DISTRICT: 'angka ke-5 dan ke-6 (kode kecamatan) tidak boleh 00',
  NIK_DATE: 'angka ke-7 sampai ke-12 harus tanggal lahir DDMMYY (perempuan: tanggal + 40)',
  NIK_SERIAL: 'empat angka terakhir tidak boleh 0000',
}

// Excel shows a 16-digit number as 3,27301E+15 and keeps only 15 digits of it.
const SCIENTIFIC = /^\d([.,]\d+)?e\+?\d+$/i

/**
 * A filled-in NIK cell: its structure checked, or the reason in words staff can act on. The NIK
 * itself is never repeated in a reason. (Each import decides what an empty cell means.)
 */
export function readNik(value: string): { value: Nik } | { reason: string } {
  if (SCIENTIFIC.test(value)) {
    return {
      reason:
        'terbaca sebagai angka (mis. 3,27E+15) dan angka terakhirnya hilang; di Excel format kolom nik sebagai Teks lalu ketik ulang NIK-nya',
    }
  }
  const parsed = parseNik(value)
  if (parsed.ok) return { value: parsed.value }
  const length = parsed.error.code === 'NIK_LENGTH' ? ` (tertulis ${parsed.error.params?.length} angka)` : ''
  return { reason: `${NIK_REASONS[parsed.error.code]}${length}` }
}

/** A record's code (its key in the file): 2–40 letters, digits, `.`, `_`, `-`; stored in upper case. */
export const codeCell = (example: string) =>
  cell<string>((value) =>
    /^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$/.test(value)
      ? { value: value.toUpperCase() }
      : {
          reason:
            value === ''
              ? `wajib diisi (${example})`
              : `hanya huruf, angka, titik, garis bawah dan tanda hubung, 2–40 karakter (tertulis ${shown(value)})`,
        },
  )
