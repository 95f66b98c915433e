import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NeuralNetwork } from '@nlpjs/neural'
import { describe, expect, it, vi } from 'vitest'
import { defaultFaqCacheDir } from '../../src/config.js'
import { createTopicClassifier } from '../../src/core/faq/classifier.js'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher, DEFAULT_TUNING } from '../../src/core/faq/matcher.js'
import { outcome } from '../support/faq.js'

/** A network cache in `dir` (its files' last use stamped on the real clock). */
const cacheIn = (dir: string) => ({ dir, now: () => new Date() })
const kb = loadKnowledgeBase('content/faq.yaml', 'content/faq-questions.jsonl')
// The cache a server here would use, so the test process trains at most once.
const CACHE = cacheIn(defaultFaqCacheDir(process.env))
const matcher = createMatcher(kb, CACHE)
const bm25Only = createMatcher(kb, CACHE, { ...DEFAULT_TUNING, neural: null })

describe('the neural second opinion', () => {
  it('answers a question BM25 alone was only unsure about, when both point to the same topic', () => {
    // BM25 finds "bimtek" equally in three topics; the network knows a bare "bimtek?" asks what it is.
    const question = 'bimtek?'
    expect(outcome(bm25Only.match(question))).toMatch(/^suggest bimtek,/)
    expect(outcome(matcher.match(question))).toBe('answer bimtek')
  })

  it('declines a question that only sounds like one of ours', () => {
    const question = 'gmn cara masuk karang taruna di kampung'
    expect(outcome(bm25Only.match(question))).toMatch(/^answer /)
    expect(outcome(matcher.match(question))).toMatch(/^out of scope /)
  })

  it('does not answer on its own: a question BM25 finds nothing in stays unanswered', () => {
    expect(outcome(matcher.match('zxqv plorp'))).toBe('none')
  })
})

describe('chat shorthand, names and dropped letters reach the right answer', () => {
  it.each([
    ['dftr bimtk gmn', 'bimtek-daftar'],
    ['cek status sertifikasi atas nama Dewi Lestari Simanjuntak', 'cek-status'],
  ])('%j → %s', (question, topic) => {
    expect(outcome(matcher.match(question))).toBe(`answer ${topic}`)
  })
})

describe('labelled questions', () => {
  it('teach the matcher words its content never used (Javanese "geseng": burnt)', () => {
    const content = loadKnowledgeBase('content/faq.yaml')
    const taught = { ...content, questions: [{ q: 'sertifikat kulo geseng pripun', topic: 'sertifikat-hilang' }] }
    expect(outcome(createMatcher(content, CACHE).match('sertif kulo geseng'))).toBe('none')
    expect(outcome(createMatcher(taught, CACHE).match('sertif kulo geseng'))).toBe('answer sertifikat-hilang')
  })
})

describe('the trained network is kept between processes', () => {
  const questions = ['brp lama sertif berlaku', 'pkh kpn cair', 'bimtek?', 'sertif kulo ical']
  const verdicts = (classifier: Awaited<ReturnType<typeof createTopicClassifier>>) =>
    questions.map((question) => classifier.classify(matcher.analyzer.terms(question)))
  const withFolder = (use: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-network-'))
    try {
      use(join(dir, 'cache'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it('a second build loads the weights without training, with the same verdicts; the folder is private', () => {
    withFolder((dir) => {
      const fresh = verdicts(createTopicClassifier(kb, matcher.analyzer, 60, null))
      const train = vi.spyOn(NeuralNetwork.prototype, 'train')
      expect(verdicts(createTopicClassifier(kb, matcher.analyzer, 60, cacheIn(dir)))).toEqual(fresh)
      expect(train).toHaveBeenCalledTimes(1)
      expect(readdirSync(dir)).toHaveLength(1)
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      expect(verdicts(createTopicClassifier(kb, matcher.analyzer, 60, cacheIn(dir)))).toEqual(fresh)
      expect(train).toHaveBeenCalledTimes(1)
      // Other examples or other settings are another network.
      createTopicClassifier({ ...kb, topics: kb.topics.slice(1) }, matcher.analyzer, 60, cacheIn(dir))
      createTopicClassifier(kb, matcher.analyzer, 61, cacheIn(dir))
      expect(train).toHaveBeenCalledTimes(3)
      expect(readdirSync(dir)).toHaveLength(3)
      train.mockRestore()
    })
  })

  it('a cache file that is damaged or of another shape is not trusted: trained again and replaced', () => {
    withFolder((dir) => {
      const fresh = verdicts(createTopicClassifier(kb, matcher.analyzer, 60, cacheIn(dir)))
      const [name = ''] = readdirSync(dir)
      const file = join(dir, name)
      const good = JSON.parse(readFileSync(file, 'utf8')) as { intents: string[]; perceptrons: number[][] }
      const damaged = [
        '{"features": [',
        '{}',
        JSON.stringify({ ...good, intents: [...good.intents].reverse() }),
        JSON.stringify({ ...good, perceptrons: good.perceptrons.slice(1) }),
        JSON.stringify({ ...good, settings: { iterations: 5 } }),
      ]
      for (const text of damaged) {
        writeFileSync(file, text)
        const train = vi.spyOn(NeuralNetwork.prototype, 'train')
        expect(verdicts(createTopicClassifier(kb, matcher.analyzer, 60, cacheIn(dir))), text.slice(0, 40)).toEqual(fresh)
        expect(train).toHaveBeenCalledTimes(1)
        train.mockRestore()
        expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(good)
      }
    })
  })
})

describe("the network's best verdict", () => {
  it('is the first of the ranked verdicts, and none for a question of unknown words', () => {
    const classifier = createTopicClassifier(kb, matcher.analyzer, 60, CACHE)
    const questions = [
      'brp lama sertif berlaku',
      'pkh kpn cair',
      'bimtek?',
      'sertif kulo ical',
      'syarat sertifikasi apa aja min',
      'bansos kapan cair',
      'xyz qwerty',
    ]
    for (const question of questions) {
      const terms = matcher.analyzer.terms(question)
      expect(classifier.best(terms)).toEqual(classifier.classify(terms)[0])
    }
    expect(classifier.best(matcher.analyzer.terms('xyz qwerty'))).toBeUndefined()
  })
})
