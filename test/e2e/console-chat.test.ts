/**
 * The terminal channel (`npm run chat`) as a real child process: scripted conversations piped into
 * stdin, one message per line; replies (options as numbered lines) read from stdout.
 */
import { describe, expect, it } from 'vitest'
import { indexAfterAll, runChat, tempFolderEachTest } from '../support/programs.js'

const MENU_LINES = [
  '1. Tanya jawab sertifikasi',
  '2. Daftar Bimtek',
  '3. Cek status sertifikasi',
  '4. Verifikasi sertifikat',
  '5. Pengingat ujian',
  '6. Bicara dengan petugas',
  '7. Data pribadi saya',
]
const QUESTION = 'Kapan jadwal Bimtek pekerja sosial berikutnya di Bandung?'
const NAME_PROMPT = 'Siapa nama lengkap Anda?'

const temp = tempFolderEachTest('chat')

/** Runs one scripted conversation and checks what every run must do: exit 0, no logs on stdout. */
async function chat(lines: string[], options: { chat?: string | null; env?: Record<string, string> } = {}) {
  const result = await runChat({
    store: temp.store,
    ...(options.chat !== null && { chat: options.chat ?? 'e2e' }),
    input: lines.map((line) => `${line}\n`).join(''),
    env: { DEMO_DATA: 'false', ...options.env },
  })
  expect(result.exit, result.stderr).toEqual({ code: 0, signal: null })
  for (const line of result.stdout.split('\n')) expect(line).not.toMatch(/^\s*\{.*"(level|msg)"/)
  return result.stdout
}

const numberedLines = (text: string) => text.split('\n').filter((line) => /^\d+\. /.test(line))

describe('terminal chat, one message per line', () => {
  it('answers "halo" with the greeting and the seven-item menu', async () => {
    const stdout = await chat(['halo'])
    expect(stdout).toContain('Halo, selamat datang!')
    expect(numberedLines(stdout)).toEqual(MENU_LINES)
  })

  it('"Pengingat ujian" in a chat not linked yet tells how reminders come', async () => {
    const stdout = await chat(['halo', '5'])
    indexAfterAll(stdout, ['Pengingat dikirim untuk Bimtek yang Anda daftarkan', 'belum tertaut', 'menu 2'])
  })

  it('"Daftar Bimtek" with the demo sessions asks for consent first and lists sessions from three time zones', async () => {
    const stdout = await chat(
      [
        '2',
        'ya',
        'Siti Aminah',
        '3273014508850001',
        '05-08-1985',
        '0812-3456-7890',
        'sulsel',
        'Kota Makassar',
        '1',
        'Dinas Sosial Kota Makassar',
      ],
      {
        env: { DEMO_DATA: 'auto' },
      },
    )
    indexAfterAll(stdout, ['UU 27/2022', 'Apakah Anda setuju?', 'Langkah 10 dari 10', 'waktu dalam zona WITA'])
    // Every session is shown in the reader's zone (Sulawesi Selatan: WITA), wherever it is held.
    const sessions = numberedLines(stdout.slice(stdout.lastIndexOf('Langkah 10 dari 10')))
    expect(sessions.length).toBeGreaterThanOrEqual(6)
    for (const line of sessions) expect(line).toMatch(/ WITA · /)
  })

  it('files a "Bicara dengan petugas" request, re-asking an invalid phone with the reason', async () => {
    const stdout = await chat(['6', '1', QUESTION, 'Siti Aminah', '0812-345', '0813-9876-5432', 'Kalimantan Selatan', '1'], {
      chat: 'handoff-e2e',
    })
    indexAfterAll(stdout, [
      'Langkah 1 dari 5',
      'Tentang apa pertanyaan Anda?',
      '1. Pendaftaran / jadwal Bimtek',
      'Langkah 2 dari 5',
      'Langkah 3 dari 5',
      NAME_PROMPT,
      'Langkah 4 dari 5',
      'Nomor HP/WhatsApp',
      // The specific reason, then the same question again.
      '⚠️ Nomor HP harus 10–13 angka (mis. 0812-3456-7890); Anda mengetik 7 angka.',
      'Langkah 4 dari 5',
      'Nomor HP/WhatsApp',
      'Langkah 5 dari 5',
      'Periksa lagi sebelum dikirim:',
      '• Topik: Pendaftaran / jadwal Bimtek',
      `• Pertanyaan: ${QUESTION}`,
      '• Nama: Siti Aminah',
      '• Nomor HP: +62 813-****-5432',
      '• Provinsi: Kalimantan Selatan',
      '1. Ya, kirim',
      'Terima kasih, Siti Aminah.',
      'petugas BBPPKS Banjarmasin',
    ])
    // The phone number is never shown whole.
    expect(stdout).not.toContain('9876')
    expect(stdout).not.toContain('81398765432')

    const codes = stdout.match(/PTG-[A-Z0-9]{6}/g) ?? []
    expect(codes.length).toBeGreaterThan(0)
    expect(new Set(codes).size).toBe(1)
    const code = codes[0]

    {
      const rows = await temp.rows('select * from handoff_requests')
      expect(rows).toEqual([
        expect.objectContaining({
          code,
          channel: 'console',
          chat_id: 'handoff-e2e',
          name: 'Siti Aminah',
          phone_e164: '+6281398765432',
          topic: 'bimtek',
          question: QUESTION,
          status: 'waiting',
          live: 1,
        }),
      ])
      const consent = await temp.rows("select * from consent_records where purpose = 'handoff'")
      expect(consent).toEqual([expect.objectContaining({ channel: 'console', chat_id: 'handoff-e2e', granted: 1 })])
    }
  })

  it('continues an interrupted conversation in the next run of the same chat, not in another', async () => {
    const first = await chat(['6', '1'], { chat: 'alice' })
    expect(first).toContain('Langkah 2 dari 5')
    expect(first).not.toContain('Langkah 3 dari 5')

    const resumed = await chat([QUESTION], { chat: 'alice' })
    expect(resumed).toContain('Langkah 3 dari 5')
    expect(resumed).toContain(NAME_PROMPT)

    const other = await chat([QUESTION], { chat: 'bob' })
    expect(other).not.toContain('Langkah 3 dari 5')
    expect(other).not.toContain(NAME_PROMPT)
    // Outside any flow the question goes to the FAQ instead.
    expect(other).toMatch(/jadwal/i)
  })

  it('without --chat, every scripted run is a fresh conversation, so a script always gives the same answers', async () => {
    await chat(['halo', '6'], { chat: null })
    const second = await chat(['halo', '5'], { chat: null })
    expect(second).toContain('belum tertaut')
    expect(second).not.toContain('Pilihan tidak dikenali')
  })

  it('keeps logs off stdout even at LOG_LEVEL=debug, and works with the demo dataset loaded by default', async () => {
    const stdout = await chat(['halo'], { env: { DEMO_DATA: 'auto', LOG_LEVEL: 'debug' } })
    expect(numberedLines(stdout)).toEqual(MENU_LINES)
    const [sessions] = await temp.rows<{ n: number }>('select count(*) as n from bimtek_sessions')
    expect(sessions?.n).toBeGreaterThan(0)
  })
})

describe('terminal chat with --phone (a number the channel vouches for)', () => {
  // The first demo person: Sari Wulandari, born 14-03-1992, +6281100000001.
  const SARI = { nik: '3201011403920001', birthDate: '14-03-1992', phone: '+6281100000001' }
  const demo = { DEMO_DATA: 'auto' }

  it('the owner: NIK and birth date from the number on record show the status', async () => {
    const result = await runChat({
      store: temp.store,
      chat: 'x',
      args: ['--phone', SARI.phone],
      input: `3\n${SARI.nik}\n${SARI.birthDate}\n`,
      env: demo,
    })
    expect(result.exit, result.stderr).toEqual({ code: 0, signal: null })
    // The number on record asks for the birth date; the NIK typed anyway is taken, then the date.
    indexAfterAll(result.stdout, ['Nomor WhatsApp ini tercatat', 'Tanggal lahir Anda?', '*Status sertifikasi Sari Wulandari*'])
  })

  it('without it, the same NIK and birth date (a KTP copy) show nothing of the person', async () => {
    const stdout = await chat(['3', SARI.nik, SARI.birthDate], { env: demo })
    indexAfterAll(stdout, ['Jika data cocok, saya perlu satu bukti lagi', 'Bicara dengan petugas'])
    expect(stdout).not.toContain('Sari Wulandari')
  })

  it('another number than the one on record is no proof either', async () => {
    const result = await runChat({
      store: temp.store,
      chat: 'y',
      args: ['--phone', '+6281399990000'],
      input: `3\n${SARI.nik}\n${SARI.birthDate}\n`,
      env: demo,
    })
    expect(result.stdout).toContain('Jika data cocok, saya perlu satu bukti lagi')
    expect(result.stdout).not.toContain('Sari Wulandari')
  })

  it('is refused in production, with one line saying why', async () => {
    const result = await runChat({
      store: temp.store,
      chat: 'z',
      args: ['--phone', SARI.phone],
      input: '3\n',
      env: {
        NODE_ENV: 'production',
        DATA_ENCRYPTION_KEY: 'ab'.repeat(32),
        CERT_SIGNING_KEY: 'cd'.repeat(32),
        PUBLIC_BASE_URL: 'https://sertifikasi.example.go.id',
      },
    })
    expect(result.exit).toEqual({ code: 2, signal: null })
    expect(result.stderr.trim()).toBe(
      '--phone is refused when NODE_ENV=production: it would let anyone at this terminal claim any number.',
    )
    expect(result.stdout).toBe('')
  })
})
