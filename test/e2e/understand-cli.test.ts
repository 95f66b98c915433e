import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const TSX = 'node_modules/.bin/tsx'
const NOW = '2026-12-07T10:00:00+07:00'

function runUnderstand(input: string, args: string[] = ['--jsonl', '--now', NOW], env: Record<string, string> = {}) {
  return spawnSync(TSX, ['src/understand-cli.ts', ...args], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', DATABASE_PATH: ':memory:', ...env },
  })
}

describe('npm run understand -- --jsonl', () => {
  it('prints one object per message with exactly the fields, intent names and slot names of the issue', () => {
    const input = [
      'kapan bimtek di makassar',
      'ada bimtek online bulan depan ga',
      'sy mau stop pengingatnya min',
      'sertifikat LSPS 2024 00123 asli gak',
      'batalin BMT-7K2QX9 dong',
      'syarat ikut sertifikasi apa aja',
      '',
    ].join('\n')
    const result = runUnderstand(input)
    expect(result.status).toBe(0)
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toHaveLength(6)
    for (const line of lines) expect(Object.keys(line)).toEqual(['message', 'intent', 'slots', 'topic'])
    expect(lines[0]).toEqual({
      message: 'kapan bimtek di makassar',
      intent: 'sessions.find',
      slots: { province: 'Sulawesi Selatan', regency: 'Kota Makassar', region: 'R5' },
      topic: null,
    })
    expect(lines[1]).toMatchObject({ intent: 'sessions.find', slots: { mode: 'daring', month: '2027-01' } })
    expect(lines[2]).toMatchObject({ intent: 'reminders.stop', slots: {}, topic: null })
    expect(lines[3]).toMatchObject({ intent: 'certificate.verify', slots: { number: 'LSPS-2024-00123' } })
    expect(lines[4]).toMatchObject({ intent: 'registration.cancel', slots: { code: 'BMT-7K2QX9' } })
    expect(lines[5]).toMatchObject({ intent: 'faq', slots: {}, topic: 'syarat' })
  })

  it('--now moves relative months; a second request adds "also"', () => {
    const [january] = runUnderstand('ada bimtek bulan depan ga\n', ['--jsonl', '--now', '2027-01-15T10:00:00+07:00'])
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(january.slots.month).toBe('2027-02')
    const [two] = runUnderstand('syaratnya apa dan kapan bimtek di bandung\n')
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(two).toMatchObject({ intent: 'faq', topic: 'syarat', also: { intent: 'sessions.find', topic: null } })
  })

  it('a broken content file is one clear line and exit code 1', () => {
    const result = runUnderstand('halo\n', ['--jsonl'], { FAQ_PATH: 'content/tidak-ada.yaml' })
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toBe('Content error: content/tidak-ada.yaml: file: cannot be read (ENOENT)')
  })
})
