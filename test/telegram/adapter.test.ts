/**
 * The Telegram adapter as a Telegram user (and the operator reading the logs) would notice it:
 * commands, buttons, delivery failures, webhook checks, group chats, unsupported messages,
 * escaping, error handling and the typing indicator. Real grammY bot, real core on in-memory
 * SQLite, fake Bot API server.
 */
import { eq } from 'drizzle-orm'
import pino, { type Logger } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { callbackData, keyboard } from '../../src/bots/telegram/render.js'
import type { Engine } from '../../src/core/engine.js'
import { type ChannelSender, SendNotStarted } from '../../src/core/outbox.js'
import type { Reply } from '../../src/core/types.js'
import { closeDatabase } from '../../src/db/client.js'
import { channelIdentities, conversationStates, handoffRequests, outbox } from '../../src/db/schema.js'
import { fakeClock, testCore } from '../support/core.js'
import { type FakeTelegram, type RecordedCall, startFakeTelegram } from '../support/fake-telegram.js'
import { testOutbox } from '../support/outbox.js'
import { addExam, addPerson, DAY, HOUR, remindersOf } from '../support/reminders.js'
import {
  type RawUpdate,
  type TelegramChat,
  type TelegramDriver,
  type TelegramDriverMode,
  telegramDriver,
} from '../support/telegram-driver.js'
import { play, type SeenReply } from '../support/transcript.js'
import { MENU_ID } from '../transcripts/core.js'

const MODES: TelegramDriverMode[] = ['webhook', 'polling']
const BOT_USERNAME = 'kesos_test_bot'
const NOT_TEXT = 'hanya bisa membaca pesan teks'
const APOLOGY = /^Maaf, terjadi gangguan/
const ICS_UNSENT = 'File kalender tidak terkirim; ketik *kalender* untuk mencoba lagi.'
const TOPICS = [
  'Pendaftaran / jadwal Bimtek',
  'Status sertifikasi saya',
  'Sertifikat (hilang, salah data, verifikasi)',
  'Data pribadi saya',
  'Lainnya',
]

type Setup = { core: Awaited<ReturnType<typeof testCore>>; fake: FakeTelegram; driver: TelegramDriver }
const cleanups: (() => Promise<void> | void)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(
  mode: TelegramDriverMode,
  over: {
    engine?: (core: Engine) => Engine
    logger?: Logger
    maxRetryAttempts?: number
    failOnWebhookError?: boolean
    webhookReply?: boolean
  } = {},
): Promise<Setup> {
  const core = await testCore()
  cleanups.push(() => closeDatabase(core.db))
  const fake = await startFakeTelegram({ botUsername: BOT_USERNAME })
  cleanups.push(() => fake.close())
  const driver = await telegramDriver({
    mode,
    fake,
    engine: over.engine ? over.engine(core.engine) : core.engine,
    db: core.db,
    ...(over.logger && { logger: over.logger }),
    ...(over.maxRetryAttempts !== undefined && { maxRetryAttempts: over.maxRetryAttempts }),
    ...(over.failOnWebhookError !== undefined && { failOnWebhookError: over.failOnWebhookError }),
    ...(over.webhookReply !== undefined && { webhookReply: over.webhookReply }),
  })
  cleanups.push(() => driver.stop())
  return { core, fake, driver }
}

/** A pino logger writing JSON lines into an array. */
function capturedLogger() {
  const raw: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void raw.push(line) })
  return { logger, raw, entries: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) }
}

const joined = (replies: SeenReply[]) => replies.map((r) => r.text).join('\n---\n')
const sendMessagesTo = (fake: FakeTelegram, chatId: number, from = 0): RecordedCall[] =>
  fake.calls.slice(from).filter((c) => c.method === 'sendMessage' && String(c.payload.chat_id) === String(chatId))

/** Telegram HTML the Bot API accepts: only <b> tags, and every & starts an entity. */
function isSafeHtml(html: string): boolean {
  const withoutBold = html.replace(/<\/?b>/g, '')
  return !/[<>]/.test(withoutBold) && !/&(?!(amp|lt|gt|quot|#\d+);)/.test(withoutBold)
}

/** Takes the chat through "Bicara dengan petugas" up to the summary, by taps and typing. */
async function handoffUpToSummary(driver: TelegramDriver, question = 'Sertifikat saya hilang waktu banjir kemarin') {
  await driver.send('/menu')
  expect(joined(await driver.tap('Bicara dengan petugas'))).toContain('Langkah 1 dari 5')
  expect(joined(await driver.tap('Sertifikat (hilang, salah data, verifikasi)'))).toContain('Langkah 2 dari 5')
  expect(joined(await driver.send(question))).toContain('Langkah 3 dari 5')
  expect(joined(await driver.send('Siti Aminah'))).toContain('Langkah 4 dari 5')
  expect(joined(await driver.send('0812 3456 7890'))).toContain('Langkah 5 dari 5')
  return driver.send('Sulawesi Selatan')
}

describe.each(MODES)('commands (%s)', (mode) => {
  it('/start, /menu and /bantuan show the main menu as buttons', async () => {
    const { driver } = await setup(mode)
    for (const command of ['/start', '/menu', '/bantuan']) {
      const replies = await driver.send(command)
      expect(replies, command).toHaveLength(1)
      expect(replies[0]?.text, command).toContain('Ketik angka menu')
      expect(replies[0]?.options, command).toEqual(MENU_ID)
    }
  })

  it('/daftar, /status and /pengingat open those menu entries', async () => {
    const { driver } = await setup(mode)
    await play(driver, [
      { user: '/daftar', bot: ['belum ada sesi Bimtek yang dibuka pendaftarannya'] },
      { user: '/status', bot: ['memastikan ini memang Anda', 'Ketik NIK Anda'] },
      { user: 'batal', bot: ['dibatalkan'] },
      { user: '/pengingat', bot: ['Pengingat dikirim untuk Bimtek yang Anda daftarkan', 'belum tertaut'] },
    ])
  })

  it('/cek without a number opens certificate verification: it asks for the number', async () => {
    const { driver } = await setup(mode)
    await play(driver, [
      { user: '/cek', bot: ['Ketik nomor sertifikat yang ingin diperiksa'], not: ['belum tersedia'] },
      { user: '123/SK/BBPPKS/2024', bot: ['TIDAK DITEMUKAN', 'nomor 123SKBBPPKS2024', '/verifikasi/123SKBBPPKS2024'] },
    ])
  })

  it('/cek with a number looks it up at once, not "no answer"', async () => {
    const { driver } = await setup(mode)
    await play(driver, [
      { user: '/cek 123/SK/BBPPKS/2024', bot: ['TIDAK DITEMUKAN', 'nomor 123SKBBPPKS2024'], not: ['belum punya jawaban'] },
    ])
  })

  it('/kalender is the "kalender" command: with no confirmed seat, it says so and what to type', async () => {
    const { driver } = await setup(mode)
    await play(driver, [
      {
        user: '/kalender',
        bot: ['Belum ada Bimtek mendatang dengan kursi terkonfirmasi', '"registrasi saya"'],
        not: ['belum punya jawaban'],
      },
    ])
  })

  it('/jadwal answers about Bimtek sessions, not "no answer"', async () => {
    const { driver } = await setup(mode)
    // The schedule belongs to "Daftar Bimtek" (today honestly not available yet).
    await play(driver, [{ user: '/jadwal', bot: ['Bimtek'], not: ['belum punya jawaban', 'Maaf, terjadi gangguan'] }])
  })

  it('/batal inside a flow cancels it and shows the menu', async () => {
    const { driver } = await setup(mode)
    await play(driver, [
      { user: '6', bot: ['Langkah 1 dari 5'], options: TOPICS },
      { user: '/batal', bot: ['dibatalkan'], options: MENU_ID },
      { user: '/batal', bot: ['Tidak ada proses yang sedang berjalan'] },
    ])
  })

  it('/menu@kesos_test_bot in a private chat works like /menu', async () => {
    const { driver } = await setup(mode)
    await play(driver, [{ user: `/menu@${BOT_USERNAME}`, bot: ['Ketik angka menu'], options: MENU_ID }])
  })
})

describe('registerCommands', () => {
  it('registers the eleven commands in Indonesian', async () => {
    const { fake, driver } = await setup('webhook')
    await driver.telegram.registerCommands()
    const calls = fake.calls.filter((c) => c.method === 'setMyCommands')
    expect(calls).toHaveLength(1)
    const commands = calls[0]?.payload.commands as { command: string; description: string }[]
    expect(commands.map((c) => c.command)).toEqual([
      'start',
      'menu',
      'daftar',
      'status',
      'cek',
      'jadwal',
      'registrasi',
      'kalender',
      'pengingat',
      'bantuan',
      'batal',
    ])
    const description = Object.fromEntries(commands.map((c) => [c.command, c.description]))
    expect(description.start).toMatch(/Mulai/)
    expect(description.daftar).toMatch(/Daftar Bimtek/)
    expect(description.cek).toMatch(/\/cek <nomor>/)
    expect(description.batal).toMatch(/Batalkan/)
    expect(description.kalender).toMatch(/file kalender/)
    for (const c of commands) expect(c.description.length).toBeGreaterThan(0)
  })

  it('a refused setMyCommands is logged and does not throw', async () => {
    const log = capturedLogger()
    const { fake, driver } = await setup('webhook', { logger: log.logger })
    fake.failNext('setMyCommands', { error_code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' })
    await expect(driver.telegram.registerCommands()).resolves.toBeUndefined()
    const warning = log.entries().find((e) => String(e.msg).includes('setMyCommands'))
    expect(warning?.level).toBe(40)
    expect(warning?.err).toMatchObject({ code: 400, description: 'Bad Request: BOT_COMMAND_INVALID' })
    // The bot still answers.
    expect((await driver.send('/menu'))[0]?.options).toEqual(MENU_ID)
  })
})

describe.each(MODES)('buttons (%s)', (mode) => {
  it('a tap answers the callback query and replies', async () => {
    const { fake, driver } = await setup(mode)
    await driver.send('halo')
    const before = fake.calls.length
    const update = driver.callbackUpdate('menu:petugas')
    const replies = await driver.sendUpdate(update)
    expect(joined(replies)).toContain('Langkah 1 dari 5')
    expect(replies.at(-1)?.options).toEqual(TOPICS)
    const after = fake.calls.slice(before)
    const answer = after.findIndex((c) => c.method === 'answerCallbackQuery')
    expect(answer).toBeGreaterThanOrEqual(0)
    expect(after[answer]?.payload.callback_query_id).toBe((update.callback_query as { id: string }).id)
    // The spinner stops before the answer arrives.
    expect(answer).toBeLessThan(after.findIndex((c) => c.method === 'sendMessage'))
  })

  it('a tap on a button of an old message says politely that the menu changed', async () => {
    const { driver } = await setup(mode)
    await driver.send('6')
    const topics = driver.messages().at(-1)
    if (!topics) throw new Error('no topic message')
    expect(topics.buttons.map((b) => b.text)).toEqual(TOPICS)
    expect(joined(await driver.send('batal'))).toContain('dibatalkan')
    const replies = await driver.tapOn(topics, 'Lainnya')
    expect(joined(replies)).toContain('Pilihan itu berasal dari menu lama yang sudah berubah')
    expect(replies.at(-1)?.options).toEqual(MENU_ID)
  })

  it('a choice id over 64 bytes goes as its option number and still works', async () => {
    // The real core, with every option id made too long for Telegram's callback data.
    const padded = (engine: Engine): Engine => ({
      async handle(inbound) {
        const replies = await engine.handle(inbound)
        return replies.map((reply) =>
          reply.choices
            ? { ...reply, choices: reply.choices.map((c) => ({ ...c, id: `${c.id}:${'sangat-panjang-'.repeat(5)}` })) }
            : reply,
        )
      },
    })
    const { driver } = await setup(mode, { engine: padded })
    await driver.send('halo')
    const menu = driver.messages().at(-1)
    expect(menu?.buttons.map((b) => b.callback_data)).toEqual(['1', '2', '3', '4', '5', '6', '7'])
    expect(joined(await driver.tap('Bicara dengan petugas'))).toContain('Langkah 1 dari 5')
    const topics = driver.messages().at(-1)
    for (const button of topics?.buttons ?? []) expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(64)
    expect(joined(await driver.tap('Sertifikat (hilang, salah data, verifikasi)'))).toContain('Langkah 2 dari 5')
  })
})

describe('callback data (render)', () => {
  it('keeps ids that fit 64 bytes and numbers the others, counting bytes, not characters', () => {
    const fits = 'x'.repeat(64)
    const tooLong = 'x'.repeat(65)
    const multibyte = 'é'.repeat(33) // 33 characters, 66 bytes
    expect(callbackData({ id: fits, label: 'A' }, 0)).toBe(fits)
    expect(callbackData({ id: tooLong, label: 'B' }, 1)).toBe('2')
    expect(callbackData({ id: multibyte, label: 'C' }, 2)).toBe('3')
    expect(
      keyboard([
        { id: 'menu:faq', label: 'Satu' },
        { id: tooLong, label: 'Dua' },
      ]),
    ).toEqual({
      inline_keyboard: [[{ text: 'Satu', callback_data: 'menu:faq' }], [{ text: 'Dua', callback_data: '2' }]],
    })
  })
})

describe.each(MODES)('rendering (%s)', (mode) => {
  const scripted =
    (replies: Reply[]): ((core: Engine) => Engine) =>
    () => ({ handle: async () => replies })

  it('a long answer is split into messages Telegram accepts, the buttons under the last one', async () => {
    const paragraph = `${'Bimtek sertifikasi pekerja sosial dilaksanakan oleh BBPPKS. '.repeat(12)}\n\n`
    const text = paragraph.repeat(14).trim()
    expect(text.length).toBeGreaterThan(2 * 4096)
    const choices = [{ id: 'menu:faq', label: 'Tanya jawab sertifikasi' }]
    const { fake, driver } = await setup(mode, { engine: scripted([{ text, choices }]) })
    const replies = await driver.send('jadwal')
    const calls = sendMessagesTo(fake, driver.chatId)
    expect(calls.length).toBeGreaterThanOrEqual(3)
    for (const call of calls) {
      expect(call.failure).toBeUndefined()
      expect(String(call.payload.text).length).toBeLessThanOrEqual(4096)
    }
    expect(calls.map((c) => c.payload.reply_markup !== undefined)).toEqual(calls.map((_c, i) => i === calls.length - 1))
    expect(replies.at(-1)?.options).toEqual(['Tanya jawab sertifikasi'])
    expect(
      replies
        .map((r) => r.text)
        .join(' ')
        .replace(/\s+/g, ' '),
    ).toBe(text.replace(/\s+/g, ' '))
  })

  it('an attachment is sent as a document after its text', async () => {
    const bytes = new TextEncoder().encode('BEGIN:VCALENDAR\nEND:VCALENDAR\n')
    const { fake, driver } = await setup(mode, {
      engine: scripted([
        { text: 'Jadwal sesi Anda terlampir.', attachment: { filename: 'sesi.ics', mimeType: 'text/calendar', bytes } },
      ]),
    })
    await driver.send('jadwal')
    const sent = fake.sent(driver.chatId)
    expect(sent.map((c) => c.method)).toEqual(['sendMessage', 'sendDocument'])
    expect(sent[1]?.file?.filename).toBe('sesi.ics')
    expect(sent[1]?.file?.bytes.toString()).toBe('BEGIN:VCALENDAR\nEND:VCALENDAR\n')
  })

  it('a file the Bot API refuses: its text, a note naming the file, then the rest of the answer; no apology', async () => {
    const bytes = new TextEncoder().encode('BEGIN:VCALENDAR\nEND:VCALENDAR\n')
    const log = capturedLogger()
    const { fake, driver } = await setup(mode, {
      logger: log.logger,
      engine: scripted([
        { text: 'Jadwal sesi Anda terlampir.', attachment: { filename: 'sesi.ics', mimeType: 'text/calendar', bytes } },
        { text: 'Ada lagi yang bisa dibantu?', choices: [{ id: 'menu:faq', label: 'Tanya jawab sertifikasi' }] },
      ]),
    })
    fake.failNext('sendDocument', { error_code: 413, description: 'Request Entity Too Large' })
    const replies = await driver.send('jadwal')
    expect(replies.map((r) => r.text)).toEqual([
      'Jadwal sesi Anda terlampir.',
      'File sesi.ics tidak terkirim. Silakan coba lagi beberapa saat lagi.',
      'Ada lagi yang bisa dibantu?',
    ])
    expect(replies.at(-1)?.options).toEqual(['Tanya jawab sertifikasi'])
    expect(fake.calls.filter((c) => c.method === 'sendDocument').map((c) => c.failure?.error_code)).toEqual([413])
    expect(log.entries()).toContainEqual(
      expect.objectContaining({
        level: 40,
        channel: 'telegram',
        filename: 'sesi.ics',
        code: 413,
        error: 'Request Entity Too Large',
      }),
    )
  })
})

describe('Bicara dengan petugas through Telegram', () => {
  it('ends with a PTG- code and the request stored for the secretariat', async () => {
    const { core, driver } = await setup('webhook')
    const summary = await handoffUpToSummary(driver)
    expect(joined(summary)).toContain('Periksa lagi')
    expect(joined(summary)).toContain('+62 812-****-7890')
    expect(summary.at(-1)?.options).toEqual(['Ya, kirim', 'Ubah', 'Batal'])
    const done = joined(await driver.tap('Ya, kirim'))
    const code = /PTG-[A-Z2-9]{6}/.exec(done)?.[0]
    expect(code, done).toBeDefined()
    const rows = await core.db.select().from(handoffRequests)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      code,
      channel: 'telegram',
      chatId: String(driver.chatId),
      name: 'Siti Aminah',
      phoneE164: '+6281234567890',
      question: 'Sertifikat saya hilang waktu banjir kemarin',
      status: 'waiting',
    })
  })
})

describe('delivery', () => {
  it('a duplicate update (same update_id twice) gets exactly one answer', async () => {
    const { fake, driver } = await setup('webhook')
    const update = driver.messageUpdate('halo')
    expect(await driver.sendUpdate(update)).toHaveLength(1)
    expect(await driver.sendUpdate(update)).toEqual([])
    expect(fake.sent(driver.chatId)).toHaveLength(1)
  })

  it('the same update redelivered while the first is still being handled gets one answer', async () => {
    const { fake, driver } = await setup('webhook')
    const update = driver.messageUpdate('syarat ikut sertifikasi apa aja')
    await Promise.all([driver.sendUpdate(update), driver.sendUpdate(update)])
    expect(fake.sent(driver.chatId)).toHaveLength(1)
  })

  it('a 429 with retry_after 1 on sendMessage is retried and the message arrives once', async () => {
    const { fake, driver } = await setup('webhook', { webhookReply: false })
    fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    })
    const started = Date.now()
    const replies = await driver.send('/menu')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(replies).toHaveLength(1)
    expect(replies[0]?.options).toEqual(MENU_ID)
    const attempts = sendMessagesTo(fake, driver.chatId)
    expect(attempts.map((c) => c.failure?.error_code)).toEqual([429, undefined])
  })

  it('a 5xx on sendMessage is retried and the message arrives once', async () => {
    const { fake, driver } = await setup('webhook', { webhookReply: false })
    fake.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' })
    const replies = await driver.send('/menu')
    expect(replies).toHaveLength(1)
    expect(sendMessagesTo(fake, driver.chatId).map((c) => c.failure?.error_code)).toEqual([502, undefined])
  })

  it('a 403 on sendMessage marks the chat blocked and nothing more is sent there', async () => {
    const { core, fake, driver } = await setup('webhook', { webhookReply: false })
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' })
    const before = fake.calls.length
    expect(await driver.send('halo')).toEqual([])
    const [identity] = await core.db
      .select()
      .from(channelIdentities)
      .where(eq(channelIdentities.userId, String(driver.chatId)))
    expect(identity?.channel).toBe('telegram')
    expect(identity?.chatId).toBe(String(driver.chatId))
    expect(identity?.blockedAt).toBeInstanceOf(Date)
    // Exactly the one refused attempt: no apology afterwards.
    const sends = fake.calls.slice(before).filter((c) => c.method === 'sendMessage')
    expect(sends).toHaveLength(1)
    expect(sends[0]?.failure?.error_code).toBe(403)
  })

  it("my_chat_member 'kicked' marks the chat blocked and 'member' clears it; the chat's reminders follow", async () => {
    const { core, fake, driver } = await setup('webhook')
    // The chat is linked to a person with an exam in 10 days: 7d, 1d and 2h reminders to it.
    const person = await addPerson(core.db, { chats: [{ channel: 'telegram', chatId: String(driver.chatId) }] })
    await addExam(core.db, person, { startsAt: new Date(Date.now() + 10 * DAY) })
    const reminders = async () => (await remindersOf(core.db, person)).map((row) => `${row.label} ${row.status}`)
    const bot = { id: fake.botInfo.id, is_bot: true, first_name: fake.botInfo.first_name, username: BOT_USERNAME }
    const memberUpdate = (from: string, to: string): RawUpdate => ({
      update_id: fake.nextUpdateId(),
      my_chat_member: {
        chat: driver.chat,
        from: driver.user,
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { user: bot, status: from },
        new_chat_member: to === 'kicked' ? { user: bot, status: to, until_date: 0 } : { user: bot, status: to },
      },
    })
    const blockedAt = async () =>
      (
        await core.db
          .select()
          .from(channelIdentities)
          .where(eq(channelIdentities.userId, String(driver.chatId)))
      )[0]?.blockedAt
    expect(await driver.sendUpdate(memberUpdate('member', 'kicked'))).toEqual([])
    expect(await blockedAt()).toBeInstanceOf(Date)
    expect(await reminders()).toEqual([])
    expect(await driver.sendUpdate(memberUpdate('kicked', 'member'))).toEqual([])
    expect(await blockedAt()).toBeNull()
    // Allowed again: planned afresh from then on.
    expect(await reminders()).toEqual(['7d pending', '1d pending', '2h pending'])
    expect(await driver.sendUpdate(memberUpdate('member', 'kicked'))).toEqual([])
    expect(await reminders()).toEqual(['7d cancelled', '1d cancelled', '2h cancelled'])
    expect(fake.sent()).toHaveLength(0)
  })
})

describe('a file that does not arrive', () => {
  const bytes = new TextEncoder().encode('BEGIN:VCALENDAR\nEND:VCALENDAR\n')
  /** The file as an outbox row holds it (JSON has no bytes). */
  const stored = { filename: 'bimtek-BMT-AAAAAA.ics', mimeType: 'text/calendar', unsentNote: ICS_UNSENT }
  const withFile: Reply = { text: '✅ Kursi Anda sudah kami simpan. File kalender terlampir.', attachment: { ...stored, bytes } }

  it('an outbox message whose file is refused counts as sent, once: its text and the note, never the text again', async () => {
    const { core, fake, driver } = await setup('webhook')
    const at = new Date()
    await core.db.insert(outbox).values({
      idempotencyKey: 'test:seat-taken',
      channel: 'telegram',
      chatId: String(driver.chatId),
      kind: 'seat_offer',
      payload: JSON.stringify({ ...withFile, attachment: stored }),
      dueAt: at,
    })
    // No outbox row carries a file today, and JSON cannot hold its bytes: they are put back here,
    // as an encoding of the payload would.
    const send: ChannelSender = (chatId, replies) =>
      driver.telegram.sendTo(
        chatId,
        replies.map((reply) => (reply.attachment ? { ...reply, attachment: { ...reply.attachment, bytes } } : reply)),
      )
    fake.failNext('sendDocument', { error_code: 400, description: 'Bad Request: file must be non-empty' })
    expect(await testOutbox(core.db, fakeClock(at), { telegram: send }).deliver()).toMatchObject({ sent: 1, retried: 0 })
    // Hours later, after every retry time: nothing is due again.
    const later = new Date(at.getTime() + 3 * HOUR)
    expect(await testOutbox(core.db, fakeClock(later), { telegram: send }).deliver()).toMatchObject({ sent: 0, retried: 0 })
    expect(driver.messages().map((m) => m.text)).toEqual([withFile.text, ICS_UNSENT])
    expect((await core.db.select().from(outbox).limit(1))[0]?.status).toBe('sent')
  })
})

describe('an outbox message when the outbox stops', () => {
  it('one still waiting its turn when the stop comes is not sent, and the outbox hears nothing went out (SendNotStarted)', async () => {
    const { fake, driver } = await setup('webhook')
    const stop = new AbortController()
    const chat = String(driver.chatId)
    // The chat's first message is held by Telegram's flood limit (retried after 1 s); the second
    // waits behind it, and the stop comes meanwhile.
    fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    })
    const first = driver.telegram.sendTo(chat, [{ text: 'Pesan pertama' }], { signal: stop.signal })
    const second = driver.telegram.sendTo(chat, [{ text: 'Pesan kedua' }], { signal: stop.signal })
    await fake.waitFor((calls) => calls.some((call) => call.failure?.error_code === 429))
    stop.abort()
    await first
    await expect(second).rejects.toBeInstanceOf(SendNotStarted)
    expect(driver.messages().map((m) => m.text)).toEqual(['Pesan pertama'])
    expect(fake.sent()).toHaveLength(1)
  })
})

describe('webhook checks', () => {
  const json = { 'content-type': 'application/json' }

  it('refuses a missing or wrong secret with 401', async () => {
    const { fake, driver } = await setup('webhook')
    const body = JSON.stringify(driver.messageUpdate('halo'))
    const missing = await driver.post(body, json)
    expect(missing.status).toBe(401)
    const wrong = await driver.post(body, { ...json, 'X-Telegram-Bot-Api-Secret-Token': `${driver.secret}x` })
    expect(wrong.status).toBe(401)
    const sameLength = await driver.post(body, {
      ...json,
      'X-Telegram-Bot-Api-Secret-Token': 'x'.repeat(driver.secret.length),
    })
    expect(sameLength.status).toBe(401)
    expect(fake.sent()).toHaveLength(0)
  })

  it('refuses malformed JSON with 400 INVALID_JSON and JSON without update_id with 400', async () => {
    const { fake, driver } = await setup('webhook')
    const headers = { ...json, 'X-Telegram-Bot-Api-Secret-Token': driver.secret }
    const malformed = await driver.post('{"update_id": 1, "message": {', headers)
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toEqual({ error: { code: 'INVALID_JSON' } })
    const { update_id: _id, ...withoutId } = driver.messageUpdate('halo')
    const noId = await driver.post(JSON.stringify(withoutId), headers)
    expect(noId.status).toBe(400)
    const notAnObject = await driver.post('"halo"', headers)
    expect(notAnObject.status).toBe(400)
    expect(fake.sent()).toHaveLength(0)
  })
})

describe.each(MODES)('what the bot cannot read (%s)', (mode) => {
  const file = { file_id: 'AgACAgQAAxkBAAIB', file_unique_id: 'AQADm7ExG' }

  it('a sticker, a photo without caption and a voice message get the polite text-only reply', async () => {
    const { driver } = await setup(mode)
    const contents = {
      sticker: { sticker: { ...file, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } },
      photo: { photo: [{ ...file, width: 90, height: 60 }] },
      voice: { voice: { ...file, duration: 3, mime_type: 'audio/ogg' } },
    }
    for (const [kind, content] of Object.entries(contents)) {
      const replies = await driver.sendUpdate(driver.contentUpdate(content))
      expect(replies, kind).toHaveLength(1)
      expect(replies[0]?.text, kind).toContain(NOT_TEXT)
    }
  })

  it('a photo with a caption is answered as text', async () => {
    const { driver } = await setup(mode)
    const replies = await driver.sendUpdate(
      driver.contentUpdate({ photo: [{ ...file, width: 90, height: 60 }], caption: 'syarat ikut sertifikasi apa aja min??' }),
    )
    expect(joined(replies)).toContain('*Syarat dan dokumen*')
    expect(joined(replies)).not.toContain(NOT_TEXT)
  })

  it('an edited message is silently skipped', async () => {
    const { fake, driver } = await setup(mode)
    await driver.send('halo')
    const sentBefore = fake.sent(driver.chatId).length
    const original = driver.messageUpdate('syarat sertifikasi').message as Record<string, unknown>
    const edited: RawUpdate = {
      update_id: fake.nextUpdateId(),
      edited_message: { ...original, text: 'syarat sertifikasi apa aja', edit_date: Math.floor(Date.now() / 1000) },
    }
    expect(await driver.sendUpdate(edited)).toEqual([])
    expect(fake.sent(driver.chatId)).toHaveLength(sentBefore)
  })
})

describe.each(MODES)('group chats (%s)', (mode) => {
  it('a plain message gets no reply; a command or @mention gets only the pointer to a private chat', async () => {
    const { core, fake, driver } = await setup(mode)
    // The same person has personal data in the bot from a private chat.
    await handoffUpToSummary(driver)
    const group: TelegramChat = { id: -(driver.chatId % 1_000_000_000), type: 'group', title: 'Pekerja Sosial Kab. Bogor' }
    const inGroup = (text: string) => driver.sendUpdate(driver.messageUpdate(text, { chat: group }))

    expect(await inGroup('halo semua, ada yang tahu syarat sertifikasi?')).toEqual([])
    for (const text of ['/menu', `/status@${BOT_USERNAME}`, `@${BOT_USERNAME} syarat sertifikasi apa ya`]) {
      const replies = await inGroup(text)
      expect(replies, text).toHaveLength(1)
      const said = replies[0]?.text ?? ''
      expect(said, text).toContain('chat pribadi')
      expect(said, text).toContain(`@${BOT_USERNAME}`)
      expect(replies[0]?.options, text).toEqual([])
      for (const personal of ['Siti', 'Aminah', '7890', '0812', 'banjir', 'Periksa lagi', 'Ketik angka menu']) {
        expect(said, `${text}: ${personal}`).not.toContain(personal)
      }
    }
    // The group never reached the core.
    const groupStates = await core.db
      .select()
      .from(conversationStates)
      .where(eq(conversationStates.chatId, String(group.id)))
    expect(groupStates).toEqual([])
    expect(fake.sent(group.id)).toHaveLength(3)
  })
})

describe.each(MODES)('escaping (%s)', (mode) => {
  it('HTML special characters typed by a user come back escaped and never break sendMessage', async () => {
    const { fake, driver } = await setup(mode)
    const question = 'Kenapa <b>nilai</b> saya & teman "beda"? <script>x</script> a<b'
    const summary = await handoffUpToSummary(driver, question)
    expect(joined(summary)).toContain(question)
    const html = sendMessagesTo(fake, driver.chatId).at(-1)?.payload.text as string
    expect(html).toContain('&lt;b&gt;nilai&lt;/b&gt; saya &amp; teman')
    expect(html).toContain('a&lt;b')
    for (const call of sendMessagesTo(fake, driver.chatId)) {
      expect(call.failure).toBeUndefined()
      expect(call.payload.parse_mode).toBe('HTML')
      expect(isSafeHtml(String(call.payload.text)), String(call.payload.text)).toBe(true)
    }
    expect(joined(await driver.send('<b>&'))).not.toContain(NOT_TEXT)
  })
})

describe.each(MODES)('errors inside the adapter (%s)', (mode) => {
  const personal = ['Siti', 'Aminah', '0812', '3456', '7890', '81234567890', 'banjir', 'Sertifikat saya hilang']

  it('are logged without what the user typed, and the user gets a short apology', async () => {
    const log = capturedLogger()
    const { fake, driver } = await setup(mode, { logger: log.logger, failOnWebhookError: false, webhookReply: false })
    await driver.send('/menu')
    await driver.tap('Bicara dengan petugas')
    await driver.tap('Sertifikat (hilang, salah data, verifikasi)')
    await driver.send('Sertifikat saya hilang waktu banjir kemarin')
    await driver.send('Siti Aminah')
    fake.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities: unsupported start tag" })
    const replies = await driver.send('0812 3456 7890')

    expect(replies).toHaveLength(1)
    const apology = replies[0]?.text ?? ''
    expect(apology).toMatch(APOLOGY)
    expect(apology.length).toBeLessThan(160)
    expect(apology).not.toMatch(/Error|stack|at .*\.ts|GrammyError|Bad Request/)

    const everything = log.raw.join('')
    for (const word of [...personal, fake.token]) expect(everything, `log contains "${word}"`).not.toContain(word)
    const failure = log.entries().find((e) => e.msg === 'telegram update failed')
    expect(failure?.level).toBe(50)
    expect(failure?.err).toMatchObject({ method: 'sendMessage', code: 400 })
    // Handled: Telegram must not redeliver the update.
    if (mode === 'webhook') expect(driver.lastWebhookStatus).toBe(200)
  })

  it('when sendMessage fails every time: logged cleanly, an apology is attempted, the bot keeps working', async () => {
    const log = capturedLogger()
    const { fake, driver } = await setup(mode, { logger: log.logger, failOnWebhookError: false, webhookReply: false })
    fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' }, 2)
    expect(await driver.send('Nama saya Siti Aminah, HP 0812 3456 7890')).toEqual([])
    const everything = log.raw.join('')
    for (const word of [...personal, fake.token]) expect(everything, `log contains "${word}"`).not.toContain(word)
    const attempts = sendMessagesTo(fake, driver.chatId)
    expect(attempts).toHaveLength(2)
    expect(String(attempts[1]?.payload.text)).toMatch(APOLOGY)
    expect(log.entries().filter((e) => e.msg === 'telegram update failed')).toHaveLength(1)
    // The next message is answered normally.
    expect((await driver.send('/menu'))[0]?.options).toEqual(MENU_ID)
  })
})

describe.each(MODES)('typing indicator (%s)', (mode) => {
  it('is sent when the core is slow', async () => {
    const slow = (engine: Engine): Engine => ({
      async handle(inbound) {
        await new Promise((resolve) => setTimeout(resolve, 600))
        return engine.handle(inbound)
      },
    })
    const { fake, driver } = await setup(mode, { engine: slow })
    const replies = await driver.send('/menu')
    expect(replies[0]?.options).toEqual(MENU_ID)
    const typing = fake.calls.filter((c) => c.method === 'sendChatAction')
    expect(typing).toHaveLength(1)
    expect(typing[0]?.payload).toMatchObject({ chat_id: driver.chatId, action: 'typing' })
    const firstSend = fake.calls.findIndex((c) => c.method === 'sendMessage')
    expect(fake.calls.indexOf(typing[0] as RecordedCall)).toBeLessThan(firstSend)
  })

  it('is not sent for fast answers', async () => {
    const { fake, driver } = await setup(mode)
    await driver.send('/menu')
    await driver.send('syarat ikut sertifikasi apa aja')
    // Past the moment a forgotten timer would have fired.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(fake.calls.filter((c) => c.method === 'sendChatAction')).toEqual([])
  })
})
