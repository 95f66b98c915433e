import { describe, expect, it } from 'vitest'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createMatcher, DEFAULT_TUNING, type MatchOutcome } from '../../src/core/faq/matcher.js'

const kb = loadKnowledgeBase('content/faq.yaml')
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
    const question = 'mohon dibantu cek status sertifikasi sy an. Budi Santoso'
    expect(outcome(bm25Only.match(question))).not.toBe('answer cek-status')
    expect(outcome(matcher.match(question))).toBe('answer cek-status')
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
