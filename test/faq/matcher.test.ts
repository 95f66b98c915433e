import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createTopicClassifier } from '../../src/core/faq/classifier.js'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher, DEFAULT_TUNING, type MatchOutcome } from '../../src/core/faq/matcher.js'

const kb = loadKnowledgeBase('content/faq.yaml', 'content/faq-questions.jsonl')
const matcher = createMatcher(kb)
const bm25Only = createMatcher(kb, { ...DEFAULT_TUNING, neural: null })

const outcome = (result: MatchOutcome) => {
  if (result.kind === 'answer') return `answer ${result.topic.id}`
  if (result.kind === 'suggest') return `suggest ${result.topics.map((topic) => topic.id).join(',')}`
  if (result.kind === 'outOfScope') return `out of scope ${result.subject.id}`
  return 'none'
}

describe('the neural second opinion', () => {
  it('answers a question BM25 alone was only unsure about, when both point to the same topic', () => {
    // BM25 finds "bimtek" equally in three topics; the network knows a bare "bimtek?" asks what it is.
    const question = 'bimtek?'
    expect(outcome(bm25Only.match(question))).toBe('suggest bimtek,bimtek-daftar,pengingat')
    expect(outcome(matcher.match(question))).toBe('answer bimtek')
  })

  it('declines a question that only sounds like one of ours', () => {
    const question = 'cara gabung karang taruna'
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
  it('teach the matcher words its content never used (Javanese "ical": lost)', () => {
    const content = loadKnowledgeBase('content/faq.yaml')
    const taught = { ...content, questions: [{ q: 'sertifikat kulo ical pripun', topic: 'sertifikat-hilang' }] }
    expect(outcome(createMatcher(content).match('sertif kulo ical'))).toBe('none')
    expect(outcome(createMatcher(taught).match('sertif kulo ical'))).toBe('answer sertifikat-hilang')
  })
})

describe('the trained network is kept between processes', () => {
  it('weights loaded from the cache give the same verdicts as training afresh', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-network-'))
    try {
      const questions = ['brp lama sertif berlaku', 'pkh kpn cair', 'bimtek?', 'sertif kulo ical']
      const fresh = createTopicClassifier(kb, matcher.analyzer, 60, null)
      const writing = createTopicClassifier(kb, matcher.analyzer, 60, dir)
      expect(readdirSync(dir)).toHaveLength(1)
      const loaded = createTopicClassifier(kb, matcher.analyzer, 60, dir)
      for (const question of questions) {
        const terms = matcher.analyzer.terms(question)
        expect(loaded.classify(terms), question).toEqual(fresh.classify(terms))
        expect(writing.classify(terms), question).toEqual(fresh.classify(terms))
      }
      // Other examples are another network, not the cached one.
      createTopicClassifier({ ...kb, topics: kb.topics.slice(1) }, matcher.analyzer, 60, dir)
      expect(readdirSync(dir)).toHaveLength(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
