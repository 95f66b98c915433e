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
