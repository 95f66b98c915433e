/** Shows a phone number with its middle hidden: "+62 812-****-7890". */
export function maskPhone(e164: string): string {
  const national = e164.replace(/^\+62/, '')
  if (national.length < 7) return '****'
  return `+62 ${national.slice(0, 3)}-****-${national.slice(-4)}`
}
