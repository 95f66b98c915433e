/** Shows a phone number with its middle hidden: "+62 812-****-7890". */
export function maskPhone(e164: string): string {
  const national = e164.replace(/^\+62/, '')
  if (national.length < 7) return '****'
  return `+62 ${national.slice(0, 3)}-****-${national.slice(-4)}`
}

/** The same, written the way people write their own number: "0812-****-7890". */
export function maskPhoneLocal(e164: string): string {
  const national = e164.replace(/^\+62/, '')
  if (national.length < 7) return '****'
  return `0${national.slice(0, 3)}-****-${national.slice(-4)}`
}

/**
 * Error texts from platforms can name a chat's number or a message id ("6281… not on WhatsApp",
 * "+62 813-9988-7766"): every run of digits long enough to be one, with the spaces, dots, dashes
 * and brackets people and platforms put in them, becomes "…" before it reaches a log or a record.
 */
export function scrubNumbers(text: string): string {
  return text.replace(/\+?\d[\d\s().-]{4,}\d/g, '…')
}

/**
 * Hides the middle of every 16-digit number (a NIK, maybe typed with spaces, dots or dashes):
 * "3273 **** **** 0001". For text relayed to a staff group (a cloud chat); the console shows it whole.
 */
export function maskNikNumbers(text: string): string {
  return text.replace(/(?<!\d)(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})[ .-]?(\d{4})(?!\d)/g, '$1 **** **** $4')
}
