import { z } from 'zod'
import { fail, ok, type Result } from '../result.js'
import { type ParseDateOptions, parseDate } from './date.js'
import { parseNik } from './nik.js'
import { parseMobilePhone, parsePhone } from './phone.js'

export const NAME_ERROR_CODES = ['NAME_LENGTH', 'NAME_CHARS'] as const
export type NameErrorCode = (typeof NAME_ERROR_CODES)[number]

export const TEXT_ERROR_CODES = ['TEXT_SHORT', 'TEXT_LONG'] as const
export type TextErrorCode = (typeof TEXT_ERROR_CODES)[number]

export const NAME_MIN_LENGTH = 3
export const NAME_MAX_LENGTH = 100

// Letters in any script (with combining accents), spaces, and the punctuation of names and
// academic titles: O'Neil, Muh. Rizal, Siti-Aminah, "Budi, S.Sos".
const NAME_ALLOWED = /^[\p{L}\p{M} '’ʼ.,-]*$/u

/** A person's full name: trimmed, inner whitespace collapsed, 3–100 characters of name characters. */
export function parseName(input: string): Result<string, NameErrorCode> {
  const name = input.normalize('NFC').replace(/\s+/gu, ' ').trim()
  if (!NAME_ALLOWED.test(name)) return fail('NAME_CHARS')
  const length = [...name].length
  if (length < NAME_MIN_LENGTH || length > NAME_MAX_LENGTH) return fail('NAME_LENGTH', { length })
  if (!/\p{L}/u.test(name)) return fail('NAME_CHARS')
  return ok(name)
}

/**
 * Wrap a parser as a zod string schema: on failure exactly one custom issue whose message is the
 * error code and whose params are the error params (turn them into text with validationMessage).
 */
export function schemaFromParser<T>(parse: (input: string) => Result<T, string>) {
  return z.string().transform((input, ctx) => {
    const result = parse(input)
    if (result.ok) return result.value
    ctx.addIssue({ code: 'custom', message: result.error.code, params: result.error.params ?? {} })
    return z.NEVER
  })
}

/** A date schema with the given options (see parseDate); outputs 'YYYY-MM-DD'. */
export const dateSchema = (opts: ParseDateOptions) => schemaFromParser((s) => parseDate(s, opts))

/** NIK → the parsed Nik object. */
export const nikSchema = schemaFromParser((s) => parseNik(s))
/** Phone number → E.164 string. */
export const phoneSchema = schemaFromParser((s) => {
  const r = parsePhone(s)
  return r.ok ? ok(r.value.e164) : r
})
/** Mobile number (HP/WhatsApp) → E.164 string; landlines are refused. */
export const mobilePhoneSchema = schemaFromParser(parseMobilePhone)
/** Birth date → ISO string; dates up to today (as of `now`) only. */
export const birthDateSchema = (now: Date) => dateSchema({ now })
/** A date that may lie in the future (exam day, certificate expiry) → ISO string; past dates are accepted too. */
export const futureDateSchema = dateSchema({ allowFuture: true })
/** Full name → normalised name. */
export const nameSchema = schemaFromParser(parseName)

/** Free text such as a question: whitespace collapsed, between `min` and `max` characters. */
export const textSchema = (min: number, max: number) =>
  schemaFromParser((input): Result<string, TextErrorCode> => {
    const text = input.replace(/\s+/gu, ' ').trim()
    const length = [...text].length
    if (length < min) return fail('TEXT_SHORT', { min, length })
    if (length > max) return fail('TEXT_LONG', { max, length })
    return ok(text)
  })
