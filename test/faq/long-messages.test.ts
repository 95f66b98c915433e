/**
 * One long message must not stall the server: WhatsApp delivers up to 65,536 characters, and the
 * event loop and the SQLite writer wait while one message is matched. The core reads at most
 * MAX_TEXT_LENGTH characters (a longer message is answered with the limit); the cleaning and the
 * matcher stay linear in what they read. Times are the CPU time of the matching calls themselves,
 * with a wide margin (each takes a few milliseconds; the shapes below took seconds before).
 */
import fc from 'fast-check'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultFaqCacheDir } from '../../src/config.js'
import { createEngine, MAX_TEXT_LENGTH } from '../../src/core/engine.js'
import { createFaq } from '../../src/core/faq/feature.js'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher } from '../../src/core/faq/matcher.js'
import { cleanText } from '../../src/core/faq/normalize.js'
import { closeDatabase, openDatabase } from '../../src/db/client.js'
import { inbound } from '../support/core.js'

const WHATSAPP_MAX = 65_536
// CPU milliseconds: a busy machine (a CI run beside other work) stretches elapsed time, not this.
const BOUND_MS = 100

const kb = loadKnowledgeBase('content/faq.yaml', 'content/faq-questions.jsonl')
const matcher = createMatcher(kb, { dir: defaultFaqCacheDir(process.env), now: () => new Date() })

/** CPU milliseconds `work` took (this process, user and system), and what it returned. */
function timed<T>(work: () => T): { ms: number; value: T } {
  const start = process.cpuUsage()
  const value = work()
  const used = process.cpuUsage(start)
  return { ms: (used.user + used.system) / 1000, value }
}

// Units repeated into long messages: runs of letters (ASCII, accented, outside the BMP, Arabic,
// Chinese), the "kata2" reduplication again and again, letters and digits alternating, text without
// spaces, emoji (with skin tones), and ordinary words; then an ending that makes a "2" rule look
// back over the whole run.
const RUNS = [
  'a',
  'é',
  '𝒜',
  'ب',
  '漢',
  'aaa2',
  'ab2',
  'kata2 ',
  '1a',
  'x1',
  'sertifikasibimtek',
  '🙏',
  '👍🏽',
  'syarat sertifikasi apa ',
]
// Characters that NFKD writes as many ("ﷺ" is 18 letters): linear, but 65,536 of them are over a
// million letters to clean, so they are tried at the length the core reads.
const EXPANDING = ['ﷺ', '㍿', 'ǅ']
const ENDINGS = ['', '2', ' 2', '!2', '22', '?']

/** `unit` repeated to at most `max` UTF-16 units, then one of ENDINGS. */
const repeated = (units: string[], max: number) =>
  fc
    .record({ unit: fc.constantFrom(...units), length: fc.integer({ min: 1, max }), end: fc.constantFrom(...ENDINGS) })
    .map(({ unit, length, end }) => unit.repeat(Math.ceil(length / unit.length)).slice(0, Math.max(0, length - end.length)) + end)

/** Any text at all, lone surrogates included, of at most `max` UTF-16 units. */
const anyText = (max: number) => fc.string({ unit: 'binary', maxLength: max })

/** A message of at most `max` units: mostly the shapes above, sometimes anything. */
const message = (max: number) =>
  fc.oneof(
    { weight: 3, arbitrary: repeated(RUNS, max) },
    { weight: 1, arbitrary: repeated(EXPANDING, Math.min(max, MAX_TEXT_LENGTH)) },
    { weight: 1, arbitrary: anyText(max) },
  )

/** The worst cases known, always tried first. */
const worst = (max: number): [string][] => [
  [`${'a'.repeat(max - 2)} 2`],
  [`${'𝒜'.repeat(max / 2 - 1)}!2`],
  ['ab2'.repeat(Math.floor(max / 3))],
  ['x1'.repeat(max / 2)],
]

// Cleaning a whole 65,536-character message (more than the core reads) is a guard on the pattern
// itself: linear, it takes tens of milliseconds on a busy machine; the quadratic one took 4,500 ms
// on these shapes. The bound sits between, far from both.
const WHOLE_MESSAGE_BOUND_MS = 500

describe('cleanText', () => {
  it(`cleans any text the core reads in under ${BOUND_MS} ms`, () => {
    fc.assert(
      fc.property(fc.oneof(repeated(RUNS, MAX_TEXT_LENGTH), anyText(MAX_TEXT_LENGTH)), (text) => {
        expect(timed(() => cleanText(text)).ms).toBeLessThan(BOUND_MS)
      }),
      { numRuns: 40, examples: worst(MAX_TEXT_LENGTH) },
    )
  })

  it(`cleans runs of letters, digits and "2" up to ${WHATSAPP_MAX} characters in linear time (under ${WHOLE_MESSAGE_BOUND_MS} ms)`, () => {
    fc.assert(
      fc.property(repeated(RUNS, WHATSAPP_MAX), (text) => {
        expect(timed(() => cleanText(text)).ms).toBeLessThan(WHOLE_MESSAGE_BOUND_MS)
      }),
      { numRuns: 40, examples: worst(WHATSAPP_MAX) },
    )
  })

  it('still reads "kata2" as "kata" and leaves "ke2" and "abc22" alone', () => {
    expect(cleanText('syarat2 dan berkas2nya')).toBe('syarat dan berkasnya')
    expect(cleanText('ujian ke2, nomor abc22')).toBe('ujian ke 2 nomor abc 22')
    expect(cleanText('𝒜𝒜𝒜2 é2')).toBe(`${cleanText('𝒜𝒜𝒜')} e 2`)
  })
})

describe('the matcher', () => {
  it(`matches any message up to ${MAX_TEXT_LENGTH} characters (what the core reads) in under ${BOUND_MS} ms`, () => {
    fc.assert(
      fc.property(message(MAX_TEXT_LENGTH), (text) => {
        expect(timed(() => matcher.match(text)).ms).toBeLessThan(BOUND_MS)
      }),
      { numRuns: 40, examples: worst(MAX_TEXT_LENGTH) },
    )
  })
})

describe('the engine', () => {
  const db = openDatabase(':memory:')
  afterAll(() => closeDatabase(db))
  /** How long each call of the FAQ (small talk, then the matcher) took. */
  const times: number[] = []
  const faq = createFaq({ kb, matcher, contact: 'sekretariat', isAvailable: () => false })
  const engine = createEngine({
    db,
    logger: pino({ level: 'silent' }),
    clock: () => new Date('2026-11-23T02:00:00Z'),
    fallback: (ctx, input) => {
      const { ms, value } = timed(() => faq.ask(ctx, input))
      times.push(ms)
      return value
    },
  })

  it(`answers any message up to ${WHATSAPP_MAX} characters, with under ${BOUND_MS} ms of matching`, async () => {
    await fc.assert(
      fc.asyncProperty(message(WHATSAPP_MAX), async (text) => {
        times.length = 0
        const replies = await engine.handle(inbound(text, { chatId: 'long' }))
        expect(replies.length).toBeGreaterThan(0)
        expect(replies[0]?.text.trim()).not.toBe('')
        for (const ms of times) expect(ms).toBeLessThan(BOUND_MS)
      }),
      { numRuns: 40, examples: worst(WHATSAPP_MAX) },
    )
  })

  it('tells the person a message over the limit is too long, with its length, instead of reading part of it', async () => {
    const [reply] = await engine.handle(inbound(`${'sertifikasi '.repeat(400)}?`, { chatId: 'too-long' }))
    expect(reply?.text).toContain('terlalu panjang (4.801 karakter; paling banyak 2.000)')
    expect(reply?.text).toContain('Mohon kirim lebih singkat')
    expect(reply?.text).toContain('"petugas"')
  })

  it('counts characters, not UTF-16 units: 2,000 emoji are read', async () => {
    const [reply] = await engine.handle(inbound('🙏'.repeat(MAX_TEXT_LENGTH), { chatId: 'emoji' }))
    expect(reply?.text).not.toContain('terlalu panjang')
    const [over] = await engine.handle(inbound('🙏'.repeat(MAX_TEXT_LENGTH + 1), { chatId: 'emoji' }))
    expect(over?.text).toContain('terlalu panjang (2.001 karakter')
  })
})
