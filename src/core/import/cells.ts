/**
 * The cells of an import file: plain functions from the trimmed text of a cell to its value, or to
 * the reason it is wrong, in Indonesian that tells staff what to write instead. No schema library
 * per cell: a national export has ten million of them.
 */
import { DateTime } from 'luxon'
import { type Nik, type NikErrorCode, parseNik } from '../validators/nik.js'
import { type PhoneErrorCode, parseMobilePhone } from '../validators/phone.js'

/** A cell's value, or why the text cannot be one. */
export type Cell<T> = { value: T } | { reason: string }

/** Reads the trimmed text of one cell ('' when empty). */
export type Parse<T> = (text: string) => Cell<T>

/** The value as typed, quoted and cut short, for "(tertulis …)". */
export const shown = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)

/** Reads each distinct text once: a large file repeats the same few dates, stages and provinces. */
export function memo<T>(parse: Parse<T>): Parse<T> {
  const seen = new Map<string, Cell<T>>()
  return (text) => {
    let cell = seen.get(text)
    if (!cell) {
      cell = parse(text)
      if (seen.size < 10_000) seen.set(text, cell)
    }
    return cell
  }
}

/** A cell that may be left empty (→ null). */
export const optional =
  <T>(parse: Parse<T>): Parse<T | null> =>
  (text) =>
    text === '' ? { value: null } : parse(text)

/** A value found by `find` (a word from a list, a province, a stage…), or `reason(text)`. */
export const known =
  <T>(find: (text: string) => T | undefined, reason: (text: string) => string): Parse<T> =>
  (text) => {
    const value = find(text)
    return value === undefined ? { reason: reason(text) } : { value }
  }

/** Lower case, with spaces, dashes and underscores as one space: "Tatap_Muka" is "tatap muka". */
export const words = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim()

/** `known` over a list of words, compared after `key` (lower case unless told otherwise). */
export const oneOf = <T>(
  words: Record<string, T>,
  reason: (text: string) => string,
  key: (text: string) => string = (text) => text.toLowerCase(),
): Parse<T> => {
  // A Map, not the object: "constructor" typed in a cell is not a word of the list.
  const byKey = new Map(Object.entries(words))
  return known((text) => byKey.get(key(text)), reason)
}

function text(value: string, max: number, multiline: boolean): Cell<string> {
  // A single-line value loses the line breaks and double spaces a spreadsheet cell may hold.
  const cleaned = multiline ? value.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n') : value.replace(/\s+/g, ' ')
  // Characters, not UTF-16 units; never more than the units, so only a long text needs counting.
  const length = cleaned.length > max ? [...cleaned].length : max
  return length > max ? { reason: `terlalu panjang: ${length} karakter, paling banyak ${max}` } : { value: cleaned }
}

/** Text that must be filled in, at most `max` characters (a multiline one keeps its line breaks). */
export const requiredText =
  (max: number, { multiline = false } = {}): Parse<string> =>
  (value) =>
    value === '' ? { reason: 'wajib diisi' } : text(value, max, multiline)

/** Text that may be left empty (→ null), at most `max` characters. */
export const optionalText = (max: number, { multiline = false } = {}): Parse<string | null> =>
  optional<string>((value) => text(value, max, multiline))

/** A whole number from `min` to `max`, digits only. */
export const wholeNumber =
  (min: number, max: number): Parse<number> =>
  (value) => {
    const number = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN
    return number >= min && number <= max
      ? { value: number }
      : { reason: `harus bilangan bulat ${min}–${max}${value === '' ? '' : ` (tertulis ${shown(value)})`}` }
  }

/** A record's code (its key in the file): 2–40 letters, digits, `.`, `_`, `-`; stored in upper case. */
export const code =
  (example: string): Parse<string> =>
  (value) =>
    /^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$/.test(value)
      ? { value: value.toUpperCase() }
      : {
          reason:
            value === ''
              ? `wajib diisi (${example})`
              : `hanya huruf, angka, titik, garis bawah dan tanda hubung, 2–40 karakter (tertulis ${shown(value)})`,
        }

/** An http(s) address that may be left empty (→ null). */
export const optionalWebAddress: Parse<string | null> = optional<string>((value) => {
  const url = URL.canParse(value) ? new URL(value) : undefined
  if ((url?.protocol === 'https:' || url?.protocol === 'http:') && url.hostname.includes('.') && value.length <= 500) {
    return { value: url.href }
  }
  return { reason: `harus alamat web lengkap yang diawali https:// (tertulis ${shown(value)})` }
})

// ── Dates and times ──────────────────────────────────────────────────────────────────────────────

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether `value` is written YYYY-MM-DD (the day itself is not checked). */
export const looksLikeDay = (value: string): boolean => DAY.test(value)

/**
 * A calendar day "YYYY-MM-DD" that exists, in the years `from`–`to`; kept as that text (which sorts
 * as the days do). `example` is shown to whoever wrote something else.
 */
export const day =
  ({ from, to, example }: { from: number; to: number; example: string }): Parse<string> =>
  (value) => {
    const match = DAY.exec(value)
    if (!match) return { reason: `harus tanggal YYYY-MM-DD, mis. ${example}${value === '' ? '' : ` (tertulis ${shown(value)})`}` }
    const year = Number(match[1])
    const month = Number(match[2])
    const date = Number(match[3])
    const length = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0
    if (date < 1 || date > length) return { reason: `tanggal itu tidak ada (tertulis ${shown(value)})` }
    if (year < from || year > to) return { reason: `tahun harus ${from}–${to} (tertulis ${shown(value)})` }
    return { value }
  }

/** A wall-clock time with no zone yet, 'YYYY-MM-DDTHH:mm'; `atZone` turns it into an instant. */
export type LocalDateTime = string & { readonly __local: unique symbol }

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2})[:.](\d{2})$/

/** "2026-11-23 09:00" (also "09.00" or a "T" between) → a LocalDateTime that exists on the calendar. */
export const localDateTime: Parse<LocalDateTime> = (value) => {
  const match = LOCAL.exec(value)
  if (!match) return { reason: `harus tanggal dan jam "YYYY-MM-DD HH:mm", mis. 2026-11-23 09:00 (tertulis ${shown(value)})` }
  const [, year, month, day, hour, minute] = match.map(Number)
  const date = DateTime.fromObject({ year, month, day, hour, minute }, { zone: 'UTC' })
  if (!date.isValid) return { reason: `tanggal atau jam itu tidak ada (tertulis ${shown(value)})` }
  return { value: date.toFormat("yyyy-MM-dd'T'HH:mm") as LocalDateTime }
}

/** The instant a wall-clock time stands for in an IANA time zone. */
export function atZone(local: LocalDateTime, timeZone: string): Date {
  return DateTime.fromISO(local, { zone: timeZone }).toJSDate()
}

/** The inverse of `localDateTime` + `atZone`: an instant as "YYYY-MM-DD HH:mm" in `timeZone`. */
export function localText(date: Date, timeZone: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm')
}

// ── People ───────────────────────────────────────────────────────────────────────────────────────

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

/** A NIK, its structure checked; the NIK itself is never repeated in a reason. */
export const nik: Parse<Nik> = (value) => {
  if (value === '') return { reason: 'wajib diisi (16 angka NIK)' }
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

const PHONE_REASONS: Record<PhoneErrorCode, string> = {
  PHONE_CHARS: 'hanya angka (boleh spasi, tanda hubung, +62), mis. 0812-3456-7890',
  PHONE_LENGTH: 'nomor HP harus 10–13 angka, mis. 0812-3456-7890',
  PHONE_NOT_ID: 'bukan nomor Indonesia (+62)',
  PHONE_FORMAT: 'bukan nomor HP yang dikenali; tulis mis. 0812-3456-7890',
  PHONE_NOT_MOBILE: 'harus nomor HP (08…), bukan telepon rumah atau kantor',
}

/** An Indonesian mobile number (→ E.164) that may be left empty (→ null); never repeated in a reason. */
export const optionalPhone: Parse<string | null> = optional<string>((value) => {
  const parsed = parseMobilePhone(value)
  return parsed.ok ? { value: parsed.value } : { reason: PHONE_REASONS[parsed.error.code] }
})
