import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { FaqContentError, loadKnowledgeBase, REQUIRED_TOPIC_IDS } from '../../src/core/faq/knowledge-base.js'

const SOURCE = readFileSync('content/faq.yaml', 'utf8')
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Writes an edited copy of the real content file and loads it. */
function loadEdited(edit: (data: { topics: Record<string, unknown>[]; [key: string]: unknown }) => void) {
  const data = parse(SOURCE)
  edit(data)
  const dir = mkdtempSync(join(tmpdir(), 'kesos-faq-'))
  dirs.push(dir)
  const file = join(dir, 'faq.yaml')
  writeFileSync(file, stringify(data))
  return () => loadKnowledgeBase(file)
}

describe('the knowledge base in the repository', () => {
  const kb = loadKnowledgeBase('content/faq.yaml')

  it('has every fixed topic id exactly once', () => {
    const ids = kb.topics.map((topic) => topic.id)
    for (const id of REQUIRED_TOPIC_IDS) expect(ids.filter((x) => x === id)).toHaveLength(1)
  })

  it('answers fit a phone screen and end with what to do next', () => {
    for (const topic of kb.topics) {
      expect(topic.answer.id.length, topic.id).toBeLessThanOrEqual(700)
      expect(topic.answer.id, topic.id).toMatch(/menu|ketik|mengetik|pilih|\/verifikasi/i)
    }
  })

  it('never states a fee, phone number or web address it cannot know', () => {
    for (const topic of kb.topics) {
      for (const text of [topic.answer.id, topic.answer.en]) {
        expect(text, topic.id).not.toMatch(/Rp\s?\d|https?:\/\/|www\.|\b0\d{2,3}[-\s]?\d{3,}/i)
      }
    }
  })
})

describe('a malformed entry stops start-up naming the file and the entry', () => {
  it('a topic without an Indonesian answer', () => {
    const load = loadEdited((data) => {
      const topic = data.topics[4] as { answer: Record<string, string> }
      topic.answer = { en: 'only English' }
    })
    expect(load).toThrow(FaqContentError)
    expect(load).toThrow(/faq\.yaml: topic 5 \("lembaga"\): answer\.id/)
  })

  it('a follow-up that points nowhere', () => {
    const load = loadEdited((data) => {
      ;(data.topics[0] as { followUps: unknown[] }).followUps = [{ label: { id: 'X', en: 'X' }, action: 'faq:tidak-ada' }]
    })
    expect(load).toThrow(/topic 1 \("apa-sertifikasi"\): follow-up "faq:tidak-ada" points nowhere/)
  })

  it('a missing fixed topic', () => {
    const load = loadEdited((data) => {
      data.topics = data.topics.filter((topic) => topic.id !== 'biaya')
    })
    expect(load).toThrow(/missing required topic ids: biaya/)
  })

  it('a duplicate id', () => {
    const load = loadEdited((data) => {
      data.topics.push({ ...data.topics[0] })
    })
    expect(load).toThrow(/\("apa-sertifikasi"\): this id is used twice/)
  })

  it('broken YAML, with its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-faq-'))
    dirs.push(dir)
    const file = join(dir, 'faq.yaml')
    writeFileSync(file, 'version: 1\ngroups:\n  - id: a\n   title: x\n')
    expect(() => loadKnowledgeBase(file)).toThrow(/faq\.yaml: line \d+/)
  })
})

describe('the labelled questions the matcher learns from', () => {
  function loadQuestions(lines: string) {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-faq-'))
    dirs.push(dir)
    const file = join(dir, 'faq-questions.jsonl')
    writeFileSync(file, lines)
    return () => loadKnowledgeBase('content/faq.yaml', file)
  }

  it('the file in the repository loads, every line naming a topic or out-of-scope subject', () => {
    const kb = loadKnowledgeBase('content/faq.yaml', 'content/faq-questions.jsonl')
    const ids = new Set([...kb.topics, ...kb.outOfScope].map((entry) => entry.id))
    expect(kb.questions.length).toBeGreaterThanOrEqual(1000)
    for (const question of kb.questions) expect(ids.has(question.topic), question.q).toBe(true)
  })

  it('null means "not ours" and is learnt as the general out-of-scope reply; blank lines and a byte-order mark are skipped', () => {
    const kb = loadQuestions(
      '\uFEFF{"q": "syarat ikut ukom apa", "topic": "syarat"}\n\n{"q": "resep rendang", "topic": null}\n',
    )()
    expect(kb.questions).toEqual([
      { q: 'syarat ikut ukom apa', topic: 'syarat' },
      { q: 'resep rendang', topic: 'obrolan-umum' },
    ])
  })

  it.each([
    [
      'a line that is not JSON',
      '{"q": "syarat apa", "topic": "syarat"}\nsyarat apa\n',
      /faq-questions\.jsonl: line 2: is not a JSON object/,
    ],
    [
      'a topic that does not exist',
      '{"q": "syarat apa", "topic": "syarat-syarat"}\n',
      /line 1: topic "syarat-syarat" is not a topic or out-of-scope id/,
    ],
    ['an empty question', '{"q": "  ", "topic": "syarat"}\n', /line 1: q: q must not be empty/],
    ['no topic key', '{"q": "syarat apa"}\n', /line 1: topic: /],
  ])('%s stops start-up naming the file and the line', (_, lines, problem) => {
    const load = loadQuestions(lines)
    expect(load).toThrow(FaqContentError)
    expect(load).toThrow(problem)
  })

  it('a missing file is named', () => {
    expect(() => loadKnowledgeBase('content/faq.yaml', 'content/tidak-ada.jsonl')).toThrow(
      'content/tidak-ada.jsonl: file: cannot be read (ENOENT)',
    )
  })
})
