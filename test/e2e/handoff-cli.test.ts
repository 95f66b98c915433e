/**
 * `npm run cli -- handoff list|show|reply|close` as real processes on a database file, Telegram
 * through the fake Bot API: a person's request filed in the chat, answered and closed by staff from
 * a terminal, the Telegram reply sent by the CLI itself, a WhatsApp one left for the server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { closeStore } from '../../src/db/client.js'
import { staff } from '../../src/db/schema.js'
import { testCore } from '../support/core.js'
import { FAKE_TELEGRAM_TOKEN, type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { start, tempFolderEachTest } from '../support/programs.js'
import { coreDriver } from '../support/transcript.js'

const KEYS = { DATA_ENCRYPTION_KEY: '5c'.repeat(32), CERT_SIGNING_KEY: 'handoff-cli-signing-key-0123456789abcdef' }
const TELEGRAM_CHAT = '777001'

describe('npm run cli -- handoff', () => {
  const temp = tempFolderEachTest('handoff-cli')
  let fake: FakeTelegram
  const codes: Record<string, string> = {}

  beforeEach(async () => {
    fake = await startFakeTelegram()
    const core = await testCore({ store: temp.store, env: KEYS })
    const now = new Date()
    await core.db.insert(staff).values([
      { name: 'Rina Wulandari', email: 'rina@kemensos.go.id', role: 'regional', region: 'R5', createdAt: now, updatedAt: now },
      { name: 'Ali Syahputra', email: 'ali@kemensos.go.id', role: 'regional', region: 'R1', createdAt: now, updatedAt: now },
    ])
    for (const [channel, chatId, province] of [
      ['telegram', TELEGRAM_CHAT, 'Sulawesi Selatan'],
      ['whatsapp', '6281234567890@s.whatsapp.net', 'Papua'],
    ] as const) {
      const driver = coreDriver(core.engine, { channel, chatId })
      for (const answer of ['6', '1', 'Kapan jadwal Bimtek di daerah saya?', 'Siti Rahma', '081234567890', province]) {
        await driver.send(answer)
      }
      const [filed] = await driver.send('ya')
      codes[channel] = /PTG-[A-Z2-9]{6}/.exec(filed?.text ?? '')?.[0] ?? ''
      await driver.send('Sudah seminggu saya menunggu kabar')
    }
    await closeStore(core.db)
  })

  afterEach(async () => {
    await fake.close()
  })

  async function cli(args: string[]) {
    const run = start('src/cli.ts', ['handoff', ...args], {
      ...temp.store,
      TELEGRAM_BOT_TOKEN: FAKE_TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      ...KEYS,
    })
    const exit = await run.exited(20_000)
    return { code: exit.code, stdout: run.stdout(), stderr: run.stderr() }
  }

  it('lists, shows, replies as a staff member (Telegram sent at once), refuses another region, closes', async () => {
    const listed = await cli(['list'])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain(`${codes.telegram}`)
    expect(listed.stdout).toMatch(new RegExp(`${codes.telegram} .*\\[menunggu\\]  R5  telegram`))
    expect(listed.stdout).toMatch(new RegExp(`${codes.whatsapp} .*\\[menunggu\\]  R6  whatsapp`))
    expect(listed.stdout).toContain('2 permintaan.')
    expect((await cli(['list', '--region', 'R5'])).stdout).not.toContain(codes.whatsapp ?? '-')

    const shown = await cli(['show', codes.telegram ?? ''])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain('HP: +6281234567890')
    expect(shown.stdout).toContain('Siti Rahma: Sudah seminggu saya menunggu kabar')

    const refused = await cli(['reply', codes.telegram ?? '', 'Halo', '--as', 'ali@kemensos.go.id'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('tidak boleh menangani')
    expect(fake.sent(TELEGRAM_CHAT)).toEqual([])

    const replied = await cli([
      'reply',
      codes.telegram ?? '',
      'Jadwal Makassar dibuka 14 Desember.',
      '--as',
      'rina@kemensos.go.id',
    ])
    expect(replied.code, replied.stderr).toBe(0)
    expect(replied.stdout).toContain('Terkirim lewat Telegram.')
    expect(fake.sent(TELEGRAM_CHAT).map((call) => call.payload.text)).toEqual([
      '<b>Petugas Rina · BBPPKS Makassar:</b>\nJadwal Makassar dibuka 14 Desember.',
    ])
    expect((await cli(['list', '--status', 'open'])).stdout).toContain(codes.telegram)

    // WhatsApp belongs to the server: the reply waits in the outbox.
    const waiting = await cli(['reply', codes.whatsapp ?? '', 'Sedang kami cek.'])
    expect(waiting.stdout).toContain('Pesan akan dikirim oleh server')
    expect(await temp.rows("select status, payload from outbox where chat_id like '6281%'")).toEqual([
      { status: 'pending', payload: JSON.stringify({ text: '*Petugas BBPPKS Jayapura:*\nSedang kami cek.' }) },
    ])

    const closed = await cli(['close', codes.telegram ?? '', '--as', 'rina@kemensos.go.id'])
    expect(closed.code).toBe(0)
    expect(fake.sent(TELEGRAM_CHAT).at(-1)?.payload.text).toContain(`Petugas telah menutup percakapan ${codes.telegram}`)
    const again = await cli(['reply', codes.telegram ?? '', 'Halo lagi'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('sudah ditutup')
  }, 120_000)

  it('says what is wrong with the command, with the exit code of a usage error', async () => {
    expect((await cli(['reply', codes.telegram ?? ''])).code).toBe(2)
    expect((await cli(['list', '--status', 'kemarin'])).stderr).toContain('--status harus')
    expect((await cli(['show', 'PTG-NOPE22'])).code).toBe(1)
    expect((await cli(['reply', codes.telegram ?? '', 'Halo', '--as', 'siapa@kemensos.go.id'])).stderr).toContain(
      'Tidak ada akun aktif',
    )
  }, 60_000)
})
