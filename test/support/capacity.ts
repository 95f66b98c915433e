/**
 * Shared by the capacity test and its worker processes: 200 distinct people (valid NIKs with
 * matching birth dates) driven through "Daftar Bimtek" up to the summary, and reading the answer
 * to "Ya, daftar".
 */
import type { Engine } from '../../src/core/engine.js'
import type { Inbound } from '../../src/core/types.js'

/** The session every test person registers for. */
export const CAPACITY = 20
export const PEOPLE = 200

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'

/** "Aab", "Aac", …: names without digits, distinct for every `i`. */
function nameOf(i: number): string {
  const a = LETTERS[Math.floor(i / 676) % 26] ?? 'a'
  const b = LETTERS[Math.floor(i / 26) % 26] ?? 'a'
  const c = LETTERS[i % 26] ?? 'a'
  return `Peserta ${a.toUpperCase()}${b}${c} Santoso`
}

/** Person `i` (1…9999): NIK 3273 01 150680 + serial, born 15-06-1980 (a man: day not +40). */
export function personOf(i: number) {
  const serial = String(i).padStart(4, '0')
  return {
    name: nameOf(i),
    nik: `327301150680${serial}`,
    birthDate: '15-06-1980',
    phone: `081234${String(i).padStart(6, '0')}`,
  }
}

/** What person `i` types from "daftar" up to (not including) "Ya, daftar". */
export function answersUpToSummary(i: number): string[] {
  const person = personOf(i)
  return [
    'daftar',
    'ya', // consent
    person.name,
    person.nik,
    person.birthDate,
    person.phone,
    'Jawa Barat',
    'Kota Bandung',
    '1', // profession: pekerja sosial
    'Dinas Sosial Kota Bandung',
    '1', // the only session
  ]
}

export const chatIdOf = (prefix: string, i: number) => `${prefix}-${i}`

function message(chatId: string, n: number, text: string): Inbound {
  return { channel: 'console', chatId, userId: `user-${chatId}`, messageId: `${chatId}-m${n}`, text, receivedAt: new Date() }
}

/** Sends person `i`'s answers one after another; throws unless the last reply is the summary. */
export async function driveToSummary(engine: Engine, chatId: string, i: number): Promise<void> {
  const answers = answersUpToSummary(i)
  let last = ''
  for (const [n, text] of answers.entries()) {
    const replies = await engine.handle(message(chatId, n, text))
    last = replies.map((reply) => reply.text).join('\n')
  }
  if (!last.includes('Periksa data pendaftaran Anda') || !last.includes('Ya, daftar')) {
    throw new Error(`chat ${chatId} did not reach the summary; last reply:\n${last}`)
  }
}

/** Sends "1" (Ya, daftar) in person `i`'s chat; returns the reply texts. */
export async function confirm(engine: Engine, chatId: string): Promise<string[]> {
  const replies = await engine.handle(message(chatId, 99, '1'))
  return replies.map((reply) => reply.text)
}

export type Outcome =
  | { kind: 'confirmed'; code: string }
  | { kind: 'waitlisted'; code: string; position: number }
  | { kind: 'other'; text: string }

/** What the answer to "Ya, daftar" told the person. */
export function outcomeOf(texts: string[]): Outcome {
  const text = texts.join('\n')
  const confirmed = /✅ \*Pendaftaran berhasil\.\* Kode pendaftaran Anda: \*(BMT-[A-Z0-9]+)\*/.exec(text)
  const waitlisted = /Sesi ini sudah penuh\.\*.*urutan ke-(\d+)\. Kode pendaftaran Anda: \*(BMT-[A-Z0-9]+)\*/.exec(text)
  if (texts.length === 1 && confirmed?.[1] && !waitlisted) return { kind: 'confirmed', code: confirmed[1] }
  if (texts.length === 1 && waitlisted?.[1] && waitlisted[2] && !confirmed) {
    return { kind: 'waitlisted', code: waitlisted[2], position: Number(waitlisted[1]) }
  }
  return { kind: 'other', text }
}
