import { spawnSync } from 'node:child_process'
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
