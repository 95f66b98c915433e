import { fail, ok, type Result } from '../result.js'

export const PHONE_ERROR_CODES = ['PHONE_CHARS', 'PHONE_LENGTH', 'PHONE_NOT_ID', 'PHONE_FORMAT', 'PHONE_NOT_MOBILE'] as const
export type PhoneErrorCode = (typeof PHONE_ERROR_CODES)[number]

export type Phone = { e164: string; mobile: boolean }

// Digits plus what people put between them: spaces, dashes (incl. autocorrected ones), dots,
// slashes, brackets around the area code or "(0)", and a leading "+".
const ALLOWED = /^[0-9\s\-./()+\u2010-\u2015\u2212]*$/u

const LABEL = /^(?:(?:no(?:mor)?|hp|wa|whatsapp|telp|tlp|telepon|handphone)\b\.?\s*[:-]?\s*)+/iu

// Lengths of the national significant number (after +62 / the trunk 0).
const MOBILE = { min: 9, max: 12 }
const LANDLINE = { min: 8, max: 11 }

/**
 * Parse an Indonesian phone number written in any common way (08…, 62…, +62 …, +62 (0)…, 0062 …,
 * (021) …) and return it in E.164, with whether it is a mobile (08…) number.
 */
export function parsePhone(input: string): Result<Phone, PhoneErrorCode> {
  // People often label the number: "wa 0812…", "HP: 0812…", "No. telp 021…".
  const text = input.trim().replace(LABEL, '')
  if (!ALLOWED.test(text)) return fail('PHONE_CHARS')

  const plusAt = text.indexOf('+')
  const firstDigitAt = text.search(/[0-9]/)
  const plusCount = text.split('+').length - 1
  // A "+" is only meaningful before the first digit, e.g. "+62" or "(+62)".
  if (plusCount > 1 || (plusCount === 1 && firstDigitAt !== -1 && plusAt > firstDigitAt)) return fail('PHONE_FORMAT')

  const digits = text.replace(/[^0-9]/g, '')
  const nsn = nationalNumber(digits, plusCount === 1)
  if (!nsn.ok) return nsn

  const n = nsn.value
  // The count the person typed, so the message matches what they see on their screen.
  const written = digits.length
  if (n.startsWith('8')) {
    if (n.length < MOBILE.min || n.length > MOBILE.max) return fail('PHONE_LENGTH', { digits: written, kind: 'mobile' })
    return ok({ e164: `+62${n}`, mobile: true })
  }
  if (/^[2-79]/.test(n)) {
    if (n.length < LANDLINE.min || n.length > LANDLINE.max) {
      return fail('PHONE_LENGTH', { digits: written, kind: 'landline' })
    }
    return ok({ e164: `+62${n}`, mobile: false })
  }
  return fail('PHONE_FORMAT')
}

/** Strip the international or trunk prefix, leaving the national significant number. */
function nationalNumber(digits: string, hasPlus: boolean): Result<string, PhoneErrorCode> {
  const international = hasPlus ? digits : digits.startsWith('00') ? digits.slice(2) : undefined
  if (international !== undefined) {
    // Too short to tell the country ("+", "+6"), or a national number behind a stray "+".
    if (international === '' || international === '6' || international.startsWith('0')) return fail('PHONE_FORMAT')
    if (!international.startsWith('62')) return fail('PHONE_NOT_ID')
    return ok(dropTrunkZero(international.slice(2)))
  }
  if (digits.startsWith('0')) return ok(digits.slice(1))
  if (digits.startsWith('62')) return ok(dropTrunkZero(digits.slice(2)))
  // Forms that show a fixed "+62" prefix make people type the rest alone: "812 3456 7890".
  if (digits.startsWith('8')) return ok(digits)
  return fail('PHONE_FORMAT')
}

// "+62 (0)812…" and "+62 0812…" keep the national trunk 0, which E.164 drops.
const dropTrunkZero = (n: string): string => (n.startsWith('0') ? n.slice(1) : n)

/** A mobile number (08…, for calls and WhatsApp) in E.164; a landline is refused. */
export function parseMobilePhone(input: string): Result<string, PhoneErrorCode> {
  const phone = parsePhone(input)
  if (!phone.ok) return phone
  return phone.value.mobile ? ok(phone.value.e164) : fail('PHONE_NOT_MOBILE')
}
