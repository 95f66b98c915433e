/**
 * The "Done when" for the live handoff, against the real server started from source with
 * Telegram and WhatsApp on over their fakes and a staff group (a forum supergroup of the fake Bot
 * API) configured for R5: a person on WhatsApp asks for staff and has a back-and-forth with a staff
 * member writing from the group on their phone, the bot silent meanwhile and back afterwards with
 * a rating; a person on Telegram is answered from the command line and the console. Staff are told
 * when someone is waiting (a line in the group's General topic). The database is only read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { type FakeWhatsAppServer, startFakeWhatsAppServer } from '../support/fake-whatsapp-server.js'
import { consoleBrowser, handoffServer, RINA, STAFF_GROUP, textsOf, until } from '../support/handoff-server.js'
import { killAll, type Running, start, storeIn, tempDir } from '../support/programs.js'

const STEP_MS = 90_000
const CODE = /PTG-[A-Z2-9]{6}/
const TELEGRAM_PERSON = 4242

const temp = tempDir('handoff-live')
let telegram: FakeTelegram
let whatsapp: FakeWhatsAppServer
let setup: Awaited<ReturnType<typeof handoffServer>>
let server: Running
let port: number
/** Rina's console, signed in, and the address of the Telegram person's thread. */
let browser: Awaited<ReturnType<typeof consoleBrowser>>
let thread: string

beforeAll(async () => {
  telegram = await startFakeTelegram()
  whatsapp = await startFakeWhatsAppServer()
  // Staff replies must go out at once (deliverSoon): the scheduled outbox run never comes in this test.
  setup = handoffServer({ store: await storeIn(temp.dir), telegram, whatsapp, env: { REMINDER_CRON: '0 0 1 1 *' } })
  await setup.prepare()
  await setup.telegramCode('482913')
  ;({ server, port } = await setup.start())
}, STEP_MS)

afterAll(async () => {
  killAll()
  await telegram?.close()
  await whatsapp?.close()
  temp.cleanup()
})

/** Menu 6 through to "Ya, kirim" on one channel; resolves with the code the person is given. */
async function askForStaff(say: (text: string, expected: string) => Promise<string[]>, name: string): Promise<string> {
  await say('6', 'Langkah 1 dari 5')
  await say('1', 'Langkah 2 dari 5')
  await say('Nama saya salah ketik di sertifikat, mohon dibetulkan', 'Siapa nama lengkap Anda?')
  await say(name, 'Nomor HP/WhatsApp')
  await say('0812 3456 7890', 'provinsi mana')
  await say('Sulawesi Selatan', 'Periksa lagi')
  const filed = (await say('ya', 'membalas langsung di chat ini')).join('\n')
  expect(filed).toContain(`Terima kasih, ${name}`)
  expect(filed).toContain('petugas BBPPKS Makassar')
  return CODE.exec(filed)?.[0] ?? ''
}

describe('a live handoff, end to end over the channel fakes', () => {
  it(
    'WhatsApp: a topic opens in the staff group, staff answer from it, the bot is silent meanwhile and back after /tutup',
    async () => {
      const code = await askForStaff((text, expected) => setup.onWhatsApp(text, expected), 'Siti Rahma')
      expect(code).toMatch(CODE)

      // Staff are told: a topic with the header, and a line in General.
      const topic = await until(() => telegram.topicsOf(STAFF_GROUP).find((t) => t.name.startsWith(code)), 'the topic')
      expect(topic.name).toBe(`${code} · Siti · Makassar`)
      const [header] = await setup.postedIn(topic.threadId, `${code} · menunggu`)
      expect(header).toContain('Nama: Siti Rahma · Wilayah: BBPPKS Makassar (R5)')
      expect(header).toContain('Kanal: WhatsApp · HP 0812-****-7890')
      await setup.postedIn(null, `🆕 ${code} menunggu (Makassar)`)

      // Rina links her Telegram account with the code from the console, in the group.
      setup.inGroup('/tautkan 482913')
      await setup.postedIn(null, `Akun Telegram ditautkan ke ${RINA.name}`)

      // The first message gets the one acknowledgement (in or out of hours, by when the test runs).
      expect(await setup.onWhatsApp('Di sertifikat tertulis Siti Rahmah', 'Pesan Anda sudah')).toHaveLength(1)
      await setup.postedIn(topic.threadId, '👤 Siti: Di sertifikat tertulis Siti Rahmah')
      // The next one only reaches the topic.
      await setup.onWhatsApp('Seharusnya Siti Rahma')
      await setup.postedIn(topic.threadId, 'Seharusnya Siti Rahma')

      // Rina answers in the topic: the person gets it, signed, and nothing else came in between.
      setup.inGroup('Baik Bu Siti, nama Anda kami betulkan hari ini.', topic.threadId)
      const [reply] = await until(() => whatsapp.received().length > 0 && whatsapp.received(), 'the staff reply on WhatsApp')
      expect(reply).toBe(`*Petugas Rina · BBPPKS Makassar:*\nBaik Bu Siti, nama Anda kami betulkan hari ini.`)
      await setup.postedIn(topic.threadId, `✅ Diambil oleh ${RINA.name}`)
      expect((await setup.handoff(code))?.status).toBe('open')

      // The person answers: into the topic, no answer from the bot.
      await setup.onWhatsApp('Terima kasih, saya tunggu')
      await setup.postedIn(topic.threadId, '👤 Siti: Terima kasih, saya tunggu')

      // /tutup: the person is told and asked for a rating (the first thing they get since their message), the topic closes.
      setup.inGroup('/tutup', topic.threadId)
      const closing = await until(
        () => whatsapp.received().join('\n').includes('angka *1*') && whatsapp.received(),
        'the close notice and the rating prompt',
      )
      expect(closing[0]).toContain(`Petugas telah menutup percakapan ${code}`)
      await until(() => telegram.topic(STAFF_GROUP, topic.threadId)?.closed, 'the topic closed')
      expect((await setup.handoff(code))?.status).toBe('closed')

      expect(await setup.onWhatsApp('4', 'Terima kasih atas penilaian Anda (4 dari 5)')).toHaveLength(1)
      expect((await setup.handoff(code))?.rating).toBe(4)
      // The bot answers again.
      const menu = (await setup.onWhatsApp('halo', 'Ketik angka menu')).join('\n')
      expect(menu).not.toContain(code)
      expect(textsOf(telegram.posts(STAFF_GROUP, topic.threadId)).some((text) => text.includes('halo'))).toBe(false)
    },
    STEP_MS,
  )

  it(
    'Telegram: answered from the command line and the console; the console stream gets the next message',
    async () => {
      const say = (text: string, expected: string) => setup.onTelegram(TELEGRAM_PERSON, text, expected)
      const code = await askForStaff(say, 'Budi Santoso')
      const topic = await until(() => telegram.topicsOf(STAFF_GROUP).find((t) => t.name.startsWith(code)), 'the topic')
      await setup.postedIn(null, `🆕 ${code} menunggu (Makassar)`)
      await say('Kapan sertifikat saya terbit?', 'Pesan Anda sudah')
      await setup.postedIn(topic.threadId, '👤 Budi: Kapan sertifikat saya terbit?')

      // From a terminal: the CLI sends a Telegram reply itself.
      const cli = start('src/cli.ts', ['handoff', 'reply', code, 'Sedang kami cek, Pak.', '--as', RINA.email], setup.env)
      expect((await cli.exited(20_000)).code, cli.stderr()).toBe(0)
      expect(cli.stdout()).toContain('Terkirim lewat Telegram.')
      expect(textsOf(telegram.sent(TELEGRAM_PERSON)).at(-1)).toBe('<b>Petugas Rina · BBPPKS Makassar:</b>\nSedang kami cek, Pak.')
      // Written elsewhere, so the group is told by the relay.
      await setup.postedIn(topic.threadId, '💬 Rina Wulandari (CLI): Sedang kami cek, Pak.')

      // From the console: Rina signs in and opens the thread, which streams live.
      browser = consoleBrowser(`http://localhost:${port}`)
      thread = `/admin/percakapan/${code}`
      const signedIn = await browser.submit('/admin/login', '/admin/login', {
        email: RINA.email,
        password: RINA.password,
        otp: '',
      })
      expect(signedIn.status).toBe(303)
      const page = await browser.request(thread)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('Kapan sertifikat saya terbit?')
      const live = await browser.stream(`${thread}/aliran`)
      expect(live.response.headers.get('content-type')).toContain('text/event-stream')
      await until(() => live.text().includes('Kapan sertifikat saya terbit?'), 'the thread so far on the stream')

      // Her reply reaches the person at once (the scheduled outbox run never comes here), and the group.
      const before = telegram.sent(TELEGRAM_PERSON).length
      const replied = await browser.submit(thread, `${thread}/balas`, { text: 'Sertifikat Anda terbit minggu depan.' })
      expect(replied.status).toBe(303)
      await until(
        () =>
          textsOf(telegram.sent(TELEGRAM_PERSON).slice(before)).includes(
            '<b>Petugas Rina · BBPPKS Makassar:</b>\nSertifikat Anda terbit minggu depan.',
          ),
        'the console reply on Telegram',
      )
      await setup.postedIn(topic.threadId, '💬 Rina Wulandari (konsol): Sertifikat Anda terbit minggu depan.')

      // The person answers: no answer from the bot, and the open thread gets it as an event.
      const seen = live.text().length
      const answered = telegram.sent(TELEGRAM_PERSON).length
      await setup.onTelegram(TELEGRAM_PERSON, 'Baik, terima kasih banyak')
      const fresh = await until(() => {
        const text = live.text().slice(seen)
        return text.includes('terima kasih banyak') && text
      }, "the person's answer on the stream")
      expect(fresh).toMatch(/event: pesan\ndata: [^\n]*terima kasih banyak[^\n]*\nid: \d+\n\n/)
      await live.close()
      await setup.postedIn(topic.threadId, '👤 Budi: Baik, terima kasih banyak')

      // Closed from the console: the first thing the person gets since their answer is the close notice.
      const closed = await browser.submit(thread, `${thread}/tutup`, { yakin: 'ya' })
      expect(closed.status).toBe(303)
      const [notice] = await until(() => {
        const got = textsOf(telegram.sent(TELEGRAM_PERSON).slice(answered))
        return got.length > 0 && got
      }, 'the close notice on Telegram')
      expect(notice).toContain(`Petugas telah menutup percakapan ${code}`)
      await until(() => telegram.topic(STAFF_GROUP, topic.threadId)?.closed, 'the topic closed')
      expect((await setup.handoff(code))?.status).toBe('closed')
    },
    STEP_MS,
  )

  it(
    'stops on SIGTERM with exit code 0 and nothing on stderr, even with a live thread still open in the console',
    async () => {
      const tab = await browser.stream(`${thread}/aliran`)
      await until(() => tab.text().includes('event: pesan'), 'the open thread streaming')
      await setup.stop(server)
      await tab.close()
      // What people and staff wrote, the phone number and the linking code never reach the log.
      for (const secret of [
        'Seharusnya Siti Rahma',
        'terima kasih banyak',
        'Sertifikat Anda terbit',
        '3456 7890',
        '34567890',
        '482913',
      ]) {
        expect(server.stdout()).not.toContain(secret)
      }
      expect(server.stderr()).toBe('')
    },
    STEP_MS,
  )
})
