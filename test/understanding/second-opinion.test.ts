/**
 * The second opinion (second-opinion.ts): a network trained on other writers' messages weighs in on the rules'
 * reading. Where the two disagree the person is asked, the network's pick first and the rules' reading one tap away;
 * a typed number keeps its meaning; the examples are content, checked line by line at start.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FaqContentError } from '../../src/core/faq/knowledge-base.js'
import { cuesOf, cueText } from '../../src/core/understanding/intents.js'
import {
  analyseExample,
  createSecondOpinion,
  faqExamples,
  loadExamples,
  secondOpinionFrom,
} from '../../src/core/understanding/second-opinion.js'
import { INTENTS } from '../../src/core/understanding/types.js'
import { createUnderstanding } from '../../src/core/understanding/understand.js'
import { closeDatabase } from '../../src/db/client.js'
import { testCore } from '../support/core.js'
import { coreDriver } from '../support/transcript.js'
import { ctx, matcher, secondOpinion, understand } from './support.js'

const rulesAlone = createUnderstanding({ matcher }).understand
const order = (text: string, read = understand) => {
  const u = read(text, ctx)
  return { ask: u.ask, readings: [u, ...u.alternatives].map((r) => (r.intent === 'faq' ? `faq:${r.topic}` : r.intent)) }
}

describe('the shipped examples', () => {
  it('hold every intent, many times over, and a share of the FAQ questions joins them as knowledge questions', () => {
    const examples = loadExamples('content/understanding')
    expect(examples.length).toBeGreaterThan(1400)
    for (const intent of INTENTS) expect(examples.filter((e) => e.intent === intent).length).toBeGreaterThanOrEqual(20)
    const faq = faqExamples('content/faq-questions.jsonl')
    expect(faq.length).toBeGreaterThan(250)
    expect(faq.every((e) => e.intent === 'faq')).toBe(true)
    expect(secondOpinion).toBeDefined()
  })
})

describe('where the rules and the network disagree, the person is asked', () => {
  it('"has my certificate been printed" is their status first', () => {
    expect(order('sertifikat saya udah dicetak belum?', rulesAlone)).toEqual({ ask: false, readings: ['faq:sertifikat-hilang'] })
    expect(order('sertifikat saya udah dicetak belum?')).toEqual({
      ask: true,
      readings: ['status.check', 'faq:sertifikat-hilang'],
    })
  })

  it('"who decides whether I am competent" is a knowledge question first, their own status second', () => {
    expect(order('who decides whether I am competent', rulesAlone).readings[0]).toBe('status.check')
    expect(order('who decides whether I am competent')).toEqual({ ask: true, readings: ['faq:hasil', 'status.check'] })
  })

  it('a request asked for in so many words is done, whatever the network thinks', () => {
    expect(order('daftarin aku bimtek bulan depan dong')).toEqual({ ask: false, readings: ['registration.start'] })
  })

  it('a certificate number typed in a question is checked, whatever the network thinks', () => {
    const u = understand('sertifikat LSPS 2024 00123 asli gak', ctx)
    expect(u.intent).toBe('certificate.verify')
    expect(u.ask).toBe(false)
    expect(u.slots.number).toBe('LSPS-2024-00123')
  })

  it('in the chat the question is a "Maksud Anda" with both readings as options', async () => {
    const core = await testCore()
    try {
      const [reply] = await coreDriver(core.engine).send('sertifikat saya udah dicetak belum?')
      expect(reply?.text).toContain('Maksud Anda')
      expect(reply?.options).toEqual(['Cek status sertifikasi saya', 'Sertifikat hilang atau rusak', 'Bukan, tanya petugas'])
    } finally {
      closeDatabase(core.db)
    }
  })
})

describe('bad examples stop the start with the file and line', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('an unknown intent, a line that is not JSON and a missing folder are named', () => {
    dir = mkdtempSync(join(tmpdir(), 'examples-'))
    writeFileSync(
      join(dir, 'a.jsonl'),
      '{"message":"kapan bimtek","intent":"sessions.find"}\n{"message":"x","intent":"jadwal"}\n',
    )
    expect(() => loadExamples(dir)).toThrow(FaqContentError)
    expect(() => loadExamples(dir)).toThrow(/a\.jsonl: line 2: needs "message" and "intent"/)
    writeFileSync(join(dir, 'a.jsonl'), '{"message":"kapan bimtek","intent":"sessions.find"}\n{oops\n')
    expect(() => loadExamples(dir)).toThrow(/a\.jsonl: line 2: not JSON/)
    expect(() => loadExamples(join(dir, 'missing'))).toThrow(/cannot be read/)
    mkdirSync(join(dir, 'ok'))
    writeFileSync(join(dir, 'ok', 'b.jsonl'), '\n{"message":"stop pengingat","intent":"reminders.stop","slots":{}}\n')
    expect(loadExamples(join(dir, 'ok'))).toEqual([{ message: 'stop pengingat', intent: 'reminders.stop', slots: {} }])
  })

  it('the core does not open over broken examples', async () => {
    dir = mkdtempSync(join(tmpdir(), 'examples-'))
    writeFileSync(join(dir, 'a.jsonl'), '{"message":"x","intent":"jadwal"}\n')
    await expect(testCore({ env: { UNDERSTAND_EXAMPLES_DIR: dir } })).rejects.toThrow(/line 1/)
  })
})

describe('made in a worker thread, as the server does', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('the rules read alone until it is ready; then it weighs in', async () => {
    dir = mkdtempSync(join(tmpdir(), 'examples-'))
    copyFileSync('content/understanding/understand-dev.jsonl', join(dir, 'dev.jsonl'))
    const opinion = secondOpinionFrom(dir, undefined, null)
    if (!opinion) throw new Error('no second opinion')
    const text = cueText('tolong matiin pengingat ujian sy')
    const worker = new URL('../../src/core/understanding/second-opinion-worker.ts', import.meta.url)
    const made = opinion.prepareInBackground(worker)
    expect(opinion.weigh(text, cuesOf(text), [])).toEqual({})
    await made
    const shares = opinion.weigh(text, cuesOf(text), [])
    expect(Object.values(shares).reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 5)
    // The same networks as made in this thread, to the last digit.
    const here = createSecondOpinion(loadExamples(dir), analyseExample, null)
    const inThread = here.weigh(text, cuesOf(text), [])
    for (const [intent, share] of Object.entries(inThread)) expect(shares[intent as keyof typeof shares]).toBeCloseTo(share, 6)
  })
})
