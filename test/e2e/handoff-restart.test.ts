/**
 * "A restart in the middle of a handoff loses nothing", with the real server started from source
 * over the channel fakes: a handoff filed on WhatsApp, the staff group refusing a post (a relay
 * backlog), a staff reply from the group, a reply queued from the command line while the server is
 * down, SIGTERM and a restart on the same database. Afterwards the person has every reply exactly
 * once, the group every message (none posted twice once marked), the handoff is still open with
 * the bot silent, and the group message Telegram delivers again is one thread row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { type FakeWhatsAppServer, startFakeWhatsAppServer } from '../support/fake-whatsapp-server.js'
import { handoffServer, RINA, STAFF_GROUP, textsOf, until } from '../support/handoff-server.js'
import { killAll, start, storeIn, tempDir } from '../support/programs.js'

const TEST_MS = 180_000
const CODE = /PTG-[A-Z2-9]{6}/
const STAFF_REPLY = '*Petugas Rina · BBPPKS Makassar:*\nBaik Bu, kami cek dulu.'
const CLI_REPLY = '*Petugas BBPPKS Makassar:*\nData Anda sudah kami betulkan.'

const temp = tempDir('handoff-restart')
let telegram: FakeTelegram
let whatsapp: FakeWhatsAppServer

beforeAll(async () => {
  telegram = await startFakeTelegram()
  whatsapp = await startFakeWhatsAppServer()
})

afterAll(async () => {
  killAll()
  await telegram?.close()
  await whatsapp?.close()
  temp.cleanup()
})

/** How many times `text` is among `texts`, whole or joined with others in one post. */
const timesIn = (texts: string[], text: string) => texts.filter((each) => each.includes(text)).length

describe('a restart in the middle of a handoff', () => {
  it(
    'loses nothing: replies reach the person once, the group gets the backlog, the handoff stays open and the bot silent',
    async () => {
      // Replies queued while the server was down go out at the outbox's next scheduled run: every
      // second here, so the test does not wait for the minute of the default REMINDER_CRON.
      const setup = handoffServer({ store: await storeIn(temp.dir), telegram, whatsapp, env: { REMINDER_CRON: '* * * * * *' } })
      await setup.prepare()
      await setup.telegramCode('615204')
      const first = await setup.start()

      await setup.onWhatsApp('6', 'Langkah 1 dari 5')
      await setup.onWhatsApp('1', 'Langkah 2 dari 5')
      await setup.onWhatsApp('Nama saya salah ketik di sertifikat', 'Siapa nama lengkap Anda?')
      await setup.onWhatsApp('Siti Rahma', 'Nomor HP/WhatsApp')
      await setup.onWhatsApp('1', 'provinsi mana')
      await setup.onWhatsApp('sulsel', 'Periksa lagi')
      const code = CODE.exec((await setup.onWhatsApp('ya', 'membalas langsung di chat ini')).join('\n'))?.[0] ?? ''
      const topic = await until(() => telegram.topicsOf(STAFF_GROUP).find((t) => t.name.startsWith(code)), 'the topic')
      const topicPosts = () => textsOf(telegram.posts(STAFF_GROUP, topic.threadId))
      setup.inGroup('/tautkan 615204')
      await setup.postedIn(null, `Akun Telegram ditautkan ke ${RINA.name}`)

      // The first message reaches the topic; then the group refuses a post (the bot lost its
      // rights for a moment, say): the next two wait, to be retried in a minute.
      await setup.onWhatsApp('Pesan satu', 'Pesan Anda sudah')
      await setup.postedIn(topic.threadId, '👤 Siti: Pesan satu')
      telegram.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot is not a member of the supergroup chat' })
      await setup.onWhatsApp('Pesan dua')
      await setup.onWhatsApp('Pesan tiga')
      await until(
        () => telegram.calls.some((call) => call.method === 'sendMessage' && call.failure?.error_code === 403),
        'the refused post',
      )
      await until(
        async () =>
          (
            await setup.rows<{ n: number }>(
              "select count(*) as n from handoff_messages where text in ('Pesan dua', 'Pesan tiga') and relayed_at is null",
            )
          )[0]?.n === 2,
        'both messages waiting for the group',
      )

      // Rina answers from the topic: the person gets it; the group's copy of it is the update kept to deliver again later.
      const fromGroup = setup.inGroup('Baik Bu, kami cek dulu.', topic.threadId)
      await until(() => whatsapp.received().includes(STAFF_REPLY), 'the staff reply on WhatsApp')
      expect(whatsapp.received()).toEqual([STAFF_REPLY])

      await setup.stop(first.server)

      // While the server is down, the secretariat answers from a terminal: queued for the server.
      const cli = start('src/cli.ts', ['handoff', 'reply', code, 'Data Anda sudah kami betulkan.'], setup.env)
      expect((await cli.exited(20_000)).code, cli.stderr()).toBe(0)
      expect(cli.stdout()).toContain('Pesan akan dikirim oleh server')

      const restartedAt = Date.now()
      const second = await setup.start()
      await until(() => whatsapp.received().includes(CLI_REPLY), 'the queued reply after the restart', 20_000)
      // The backlog reaches the topic: every message at least once, the one already posted not again.
      await setup.postedIn(topic.threadId, 'Pesan tiga', 30_000)
      await setup.postedIn(topic.threadId, '(CLI): Data Anda sudah kami betulkan.', 30_000)
      expect(timesIn(topicPosts(), 'Pesan dua')).toBeGreaterThanOrEqual(1)
      expect(timesIn(topicPosts(), `✅ Diambil oleh ${RINA.name}`)).toBeGreaterThanOrEqual(1)
      expect(timesIn(topicPosts(), 'Pesan satu')).toBe(1)
      // The restarted relay carries on in the same topic: no second topic, no second announcement.
      expect(telegram.topicsOf(STAFF_GROUP)).toHaveLength(1)
      expect(timesIn(textsOf(telegram.posts(STAFF_GROUP, null)), `🆕 ${code}`)).toBe(1)
      // Many outbox runs later, each reply is still there once.
      expect(whatsapp.received()).toEqual([STAFF_REPLY, CLI_REPLY])

      // Telegram delivers Rina's message again (its offset was not confirmed, say): nothing new.
      const polledSince = telegram.calls.filter((call) => call.method === 'getUpdates' && call.at >= restartedAt)
      expect(Math.max(0, ...polledSince.map((call) => Number(call.payload.offset ?? 0)))).toBeLessThanOrEqual(fromGroup.update_id)
      telegram.pushUpdate(fromGroup)
      await until(
        () => telegram.calls.some((call) => call.method === 'getUpdates' && Number(call.payload.offset) > fromGroup.update_id),
        'the update taken again',
      )
      expect(
        (
          await setup.rows<{ n: number }>(
            'select count(*) as n from handoff_messages where platform_id = ?',
            String(fromGroup.update_id),
          )
        )[0]?.n,
      ).toBe(1)

      // Still open with staff, so the bot stays silent: a new message only reaches the topic.
      expect((await setup.handoff(code))?.status).toBe('open')
      await setup.onWhatsApp('Pesan empat')
      await setup.postedIn(topic.threadId, '👤 Siti: Pesan empat', 30_000)
      await new Promise((resolve) => setTimeout(resolve, 2_000))
      expect(whatsapp.received()).toEqual([])
      // Each reply reached the person once, in all (the outbox ran every second meanwhile).
      const sent = await setup.rows<{ status: string; n: number }>(
        "select status, count(*) as n from outbox where kind = 'handoff_reply' group by status",
      )
      expect(sent).toEqual([{ status: 'sent', n: 2 }])
      expect(timesIn(topicPosts(), 'Pesan satu')).toBe(1)

      await setup.stop(second.server)
      expect(second.server.stderr()).toBe('')
    },
    TEST_MS,
  )
})
