import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const TSX = 'node_modules/.bin/tsx'

function runFaq(input: string, args: string[] = ['--jsonl'], env: Record<string, string> = {}) {
  return spawnSync(TSX, ['src/faq-cli.ts', ...args], { input, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } })
}

describe('npm run faq -- --jsonl', () => {
  it('prints one JSON object per question: the topic the bot answers confidently, or null', () => {
    const result = runFaq('syarat ikut sertifikasi apa aja\nbansos kapan cair\n\nmakasih kak\nsertifikat\n')
    expect(result.status).toBe(0)
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatchObject({ question: 'syarat ikut sertifikasi apa aja', topic: 'syarat' })
    expect(lines[1]).toMatchObject({ question: 'bansos kapan cair', topic: null })
    expect(lines[2]).toMatchObject({ question: 'makasih kak', topic: null })
    expect(lines[3]).toMatchObject({ question: 'sertifikat', topic: null })
    for (const line of lines) expect(typeof line.score).toBe('number')
  })

  it('a broken content file is one clear line and exit code 1', () => {
    const result = runFaq('halo\n', ['--jsonl'], { FAQ_PATH: 'content/tidak-ada.yaml' })
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toBe('Content error: content/tidak-ada.yaml: file: cannot be read (ENOENT)')
  })
})

describe('FAQ_QUESTIONS_PATH', () => {
  it('names the labelled questions the matcher learns from; "none" answers from the knowledge base alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-faq-cli-'))
    try {
      // "geseng" (Javanese: burnt) appears nowhere in content/faq.yaml.
      const file = join(dir, 'pertanyaan.jsonl')
      writeFileSync(file, '{"q": "sertifikat kulo geseng pripun", "topic": "sertifikat-hilang"}\n')
      const taught = JSON.parse(runFaq('sertif kulo geseng\n', ['--jsonl'], { FAQ_QUESTIONS_PATH: file }).stdout)
      const alone = JSON.parse(runFaq('sertif kulo geseng\n', ['--jsonl'], { FAQ_QUESTIONS_PATH: 'none' }).stdout)
      expect(taught.topic).toBe('sertifikat-hilang')
      expect(alone.topic).toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
