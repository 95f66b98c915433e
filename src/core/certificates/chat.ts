/**
 * 4 · Verifikasi sertifikat in the chat: "cek <nomor>" (Telegram: /cek <nomor>) answers at once;
 * the menu entry asks for the number first. The answer is the verification page's: VALID,
 * KEDALUWARSA, DICABUT, DIBEKUKAN or TIDAK DITEMUKAN, with scheme, level, issuer, dates, the reason
 * of a revocation or suspension, the holder's name masked, and the link to the page. A number that
 * cannot be one is asked again with the reason. Each lookup is recorded in the lookup audit.
 */

import { z } from 'zod'
import type { Db } from '../../db/client.js'
import type { Feature, TypedCommand } from '../engine.js'
import { type FlowDefinition, type FlowStep, repeatStep, startFlow } from '../flows/flow.js'
import { fill, t } from '../messages.js'
import { createRateLimiter } from '../rate-limiter.js'
import { formatDate } from '../text/dates.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Language, Reply, Text } from '../types.js'
import { type CertificateNumberCode, validationMessage } from '../validators/messages.js'
import type { LookupEntry } from './lookup-audit.js'
import { type Lookup, lookUp, maskName, normalizeNumber, todayInJakarta, type VerifiedStatus } from './verify.js'
import { VERDICT_TEXT as PAGE_VERDICT_TEXT, VERDICT_WORD } from './words.js'

/** What a lookup found. */
export type LookupOutcome = VerifiedStatus | 'not-found'

/**
 * Where chat lookups are recorded: the lookup audit (src/core/certificates/lookup-audit.ts), with
 * the normalised number (none when what was typed cannot be one) and the outcome, never who asked.
 */
export type ChatLookupAudit = {
  /** Records it with `db`, the message's transaction: kept or rolled back with the message. */
  record(db: Db, entry: LookupEntry & { channel: 'chat' }): Promise<void>
}

export type CertificateChatDeps = {
  /** PUBLIC_BASE_URL: links are absolute with it, relative ("/verifikasi/…") without. */
  baseUrl?: string | undefined
  audit?: ChatLookupAudit | undefined
  /** The time, for the hourly budget of lookups per chat. */
  clock: () => Date
}

/**
 * Lookups per chat and hour: plenty for a person checking their own or a colleague's certificate,
 * too few to walk the register number by number (the page and API have their own limit per address).
 */
export const CHAT_LOOKUPS_PER_HOUR = 20

export const VERIFY_FLOW_ID = 'verifikasi'

/** The verdict, in the words of the verification page. */
export const VERDICT: Record<LookupOutcome, Text> = VERDICT_WORD

const ICON: Record<LookupOutcome, string> = {
  valid: '✅',
  expired: '⌛',
  revoked: '⛔',
  suspended: '⏸️',
  'not-found': '❓',
}

/** The sentence under the verdict, as on the page; in the chat a missing number also points to a person. */
const VERDICT_TEXT: Record<LookupOutcome, Text> = {
  ...PAGE_VERDICT_TEXT,
  'not-found': {
    id: 'Tidak ada sertifikat dengan nomor {number}. Periksa kembali nomornya (huruf O dan angka 0 mudah tertukar); bila sudah benar, hubungi lembaga yang menerbitkannya atau ketik "petugas".',
    en: 'No certificate has the number {number}. Check the number again (the letter O and the digit 0 are easily confused); if it is right, contact the body that issued it or type "petugas".',
  },
}

const texts = {
  ask: {
    id: 'Ketik nomor sertifikat yang ingin diperiksa, seperti tercetak pada sertifikat (mis. LSPS-2025-00042). Huruf besar atau kecil, spasi, dan tanda hubung tidak berpengaruh.',
    en: 'Type the number of the certificate to check, as printed on it (e.g. LSPS-2025-00042). Upper or lower case, spaces and dashes do not matter.',
  },
  number: { id: 'Nomor sertifikat', en: 'Certificate number' },
  holder: { id: 'Nama pemegang', en: 'Holder' },
  scheme: { id: 'Skema', en: 'Scheme' },
  level: { id: 'Jenjang', en: 'Level' },
  issuer: { id: 'Penerbit', en: 'Issuer' },
  issued: { id: 'Tanggal terbit', en: 'Issued on' },
  expires: { id: 'Berlaku sampai', en: 'Valid until' },
  reason: { id: 'Alasan', en: 'Reason' },
  revokedOn: { id: 'Dicabut pada', en: 'Revoked on' },
  suspendedOn: { id: 'Dibekukan sejak', en: 'Suspended since' },
  masked: { id: 'Nama disamarkan untuk melindungi data pribadi.', en: 'The name is partly hidden to protect personal data.' },
  link: { id: '🔗 Halaman verifikasi: {link}', en: '🔗 Verification page: {link}' },
  limited: {
    id: 'Maaf, chat ini sudah memeriksa {limit} sertifikat dalam satu jam. Untuk melindungi data pemegang sertifikat, pemeriksaan berikutnya bisa dilakukan dalam {minutes} menit lagi. Bila perlu memeriksa banyak sertifikat sekaligus, hubungi petugas dengan mengetik "petugas".',
    en: 'Sorry, this chat has checked {limit} certificates within an hour. To protect certificate holders, the next check is possible in {minutes} minutes. If you need to check many certificates at once, type "petugas" to contact staff.',
  },
  another: {
    id: 'Ketik "cek <nomor>" untuk memeriksa sertifikat lain, atau "menu".',
    en: 'Type "cek <number>" to check another certificate, or "menu".',
  },
} satisfies Record<string, Text>

/** The verification page of a certificate number: `PUBLIC_BASE_URL/verifikasi/<number>`, relative without it. */
export const verificationPage = (number: string, baseUrl?: string) =>
  `${baseUrl ? baseUrl.replace(/\/+$/, '') : ''}/verifikasi/${encodeURIComponent(number)}`

/** "1 September 2028" / "1 September 2028" for a calendar day (YYYY-MM-DD). */
const calendarDay = (day: string, lang: Language) => formatDate(new Date(`${day}T00:00:00Z`), 'date', lang, 'UTC')

/** The day of an instant in Jakarta, as `calendarDay`. */
const dayOf = (at: Date, lang: Language) => calendarDay(todayInJakarta(at), lang)

/** The answer about one certificate, or about a number nobody issued: what the page shows. */
export function certificateAnswer(found: Exclude<Lookup, { kind: 'invalid' }>, lang: Language, baseUrl?: string): Reply {
  const outcome: LookupOutcome = found.kind === 'found' ? found.status : 'not-found'
  const number = found.kind === 'found' ? found.certificate.number : found.number
  const link = fill(t(lang, texts.link), { link: verificationPage(number, baseUrl) })
  const head = (date: string) =>
    `${ICON[outcome]} *${t(lang, VERDICT[outcome])}*\n${fill(t(lang, VERDICT_TEXT[outcome]), { date, number })}`
  if (found.kind === 'not-found') return { text: [head(''), link, t(lang, texts.another)].join('\n\n') }

  const { certificate: c, status } = found
  const row = (label: Text, value: string) => `• ${t(lang, label)}: ${value}`
  const details = [
    row(texts.number, c.displayNumber),
    row(texts.holder, maskName(c.holderName)),
    row(texts.scheme, c.scheme),
    ...(c.level ? [row(texts.level, c.level)] : []),
    row(texts.issuer, c.issuer),
    row(texts.issued, calendarDay(c.issuedAt, lang)),
    row(texts.expires, calendarDay(c.expiresAt, lang)),
  ]
  if (status === 'revoked' || status === 'suspended') {
    if (c.statusReason) details.push(row(texts.reason, c.statusReason))
    if (c.statusChangedAt)
      details.push(row(status === 'revoked' ? texts.revokedOn : texts.suspendedOn, dayOf(c.statusChangedAt, lang)))
  }
  return {
    text: [head(calendarDay(c.expiresAt, lang)), details.join('\n'), t(lang, texts.masked), link, t(lang, texts.another)].join(
      '\n\n',
    ),
  }
}

// Words people put before the number: "cek sertifikat no. 123", "nomor: 123", quotes and asterisks around it.
const LEADING = /^(?:(?:sertifikat|sertifikatnya|certificate)\s+)?(?:(?:nomor|nomer|number)\b\s*:?\s*|no(?:[.:]\s*|\s+))?/i
const WRAPPING = /^["'`*_]+|["'`*_]+$/g
const SEPARATORS = /[\s\-‐-―−./_]/g

type Typed = { number: string } | { code: CertificateNumberCode; params?: Record<string, string | number> }

/** A typed certificate number, or why it cannot be one. */
export function readNumber(text: string): Typed {
  const typed = text.trim().replace(LEADING, '').replace(WRAPPING, '').trim()
  const number = normalizeNumber(typed)
  if (number) return { number }
  const bare = typed.normalize('NFKC').toUpperCase().replace(SEPARATORS, '')
  if (bare === '') return { code: 'CERT_NUMBER_EMPTY' }
  const odd = /[^A-Z0-9]/u.exec(bare)?.[0]
  if (odd) return { code: 'CERT_NUMBER_CHARS', params: { char: odd } }
  if (bare.length < 4 || bare.length > 40) return { code: 'CERT_NUMBER_LENGTH', params: { length: bare.length } }
  return { code: 'CERT_NUMBER_DIGIT' }
}

/** "cek <nomor>" outside a flow: `/cek` arrives from Telegram as "cek …". */
const COMMAND = /^\/?(?:cek|verifikasi|verify)\s+([\s\S]+)$/i

/** What may follow "cek" when someone means "check a certificate" without giving the number. */
const NO_NUMBER = new Set(['', 'saya', 'sertifikat', 'sertifikat saya', 'nomor', 'nomor sertifikat', 'certificate', 'keaslian'])

export function createCertificateCheck(deps: CertificateChatDeps): {
  feature: Feature
  command: TypedCommand
  /**
   * certificate.verify from a sentence: with a number, the answer "cek <nomor>" gives (the same
   * rate limit and lookup audit); without one, or with one that cannot be a number, the question.
   */
  verify: (ctx: TurnContext, number?: string) => Promise<Outcome>
} {
  const limiter = createRateLimiter({ limit: CHAT_LOOKUPS_PER_HOUR, windowMs: 3_600_000, now: () => deps.clock().getTime() })
  const answer = async (ctx: TurnContext, number: string): Promise<Reply> => {
    const wait = limiter.take(`${ctx.inbound.channel}\u0000${ctx.inbound.chatId}`)
    if (wait > 0)
      return { text: fill(t(ctx.lang, texts.limited), { limit: CHAT_LOOKUPS_PER_HOUR, minutes: Math.ceil(wait / 60) }) }
    const found = await lookUp(ctx.db, number, todayInJakarta(ctx.now))
    const entry: LookupEntry & { channel: 'chat' } =
      found.kind === 'found'
        ? { channel: 'chat', number: found.certificate.number, outcome: found.status }
        : { channel: 'chat', outcome: found.kind, ...(found.kind === 'not-found' && { number: found.number }) }
    await deps.audit?.record(ctx.db, entry)
    if (found.kind === 'invalid') return { text: validationMessage('CERT_NUMBER_DIGIT', undefined, ctx.lang) }
    return certificateAnswer(found, ctx.lang, deps.baseUrl)
  }
  /** A typed text that cannot be a number: recorded like the page's "invalid", then asked again. */
  const invalid = async (db: Db, read: Exclude<Typed, { number: string }>) => {
    await deps.audit?.record(db, { channel: 'chat', outcome: 'invalid' })
    return read
  }

  const step: FlowStep = {
    id: 'number',
    label: texts.number,
    prompt: (ctx) => t(ctx.lang, texts.ask),
    schema: (turn) =>
      z.string().transform(async (text, ctx) => {
        // Inside the flow "cek 123" means the number too.
        const read = readNumber(text.replace(/^\/?(?:cek|verifikasi|verify)\s+/i, ''))
        if ('number' in read) return read.number
        await invalid(turn.db, read)
        ctx.addIssue({ code: 'custom', message: read.code, params: read.params ?? {} })
        return z.NEVER
      }),
  }
  const flow: FlowDefinition = {
    id: VERIFY_FLOW_ID,
    steps: [step],
    summaryTitle: texts.number,
    skipSummary: true,
    complete: async (fields, ctx) => [await answer(ctx, String(fields.number))],
  }
  const askAgain = (ctx: TurnContext, warning?: string): Promise<Outcome> =>
    repeatStep(flow, { flow: flow.id, step: step.id, fields: {} }, ctx, warning)

  /** A typed number: its answer, or why it cannot be one and the question again. */
  const check = async (ctx: TurnContext, typed: string): Promise<Outcome> => {
    const read = readNumber(typed)
    if ('code' in read) return askAgain(ctx, validationMessage((await invalid(ctx.db, read)).code, read.params, ctx.lang))
    return { replies: [await answer(ctx, read.number)], next: null }
  }

  const command: TypedCommand = async (ctx, text) => {
    const match = COMMAND.exec(text.trim())
    if (!match) return undefined
    const rest = (match[1] ?? '').trim()
    // "cek status saya", "cek jadwal": not a number; left to the other commands and the FAQ.
    if (!/[\d\-/]/.test(rest)) {
      return NO_NUMBER.has(rest.toLowerCase().replace(/\s+/g, ' ')) ? await startFlow(flow, ctx) : undefined
    }
    return check(ctx, rest)
  }
  const verify = async (ctx: TurnContext, number?: string): Promise<Outcome> =>
    number?.trim() ? await check(ctx, number) : await startFlow(flow, ctx)

  return { feature: { flow }, command, verify }
}
