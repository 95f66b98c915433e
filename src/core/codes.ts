import { randomInt } from 'node:crypto'

// No 0/O, 1/I/L: codes are read aloud over the phone and typed on small keyboards.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'

/** A random reference code such as "PTG-7K2QX9". */
export function referenceCode(prefix: string, length = 6): string {
  let body = ''
  for (let i = 0; i < length; i++) body += ALPHABET[randomInt(ALPHABET.length)]
  return `${prefix}-${body}`
}
