/**
 * Photos and PDF documents a person sends on Telegram while talking to staff reach the core as
 * `media`, with the exact bytes and what they really are; what is too big is refused without
 * downloading it (or cut off at 5 MB when Telegram does not say its size); stickers and voice notes
 * stay unsupported; and a chat that is not talking to staff is answered exactly as before, with
 * nothing downloaded. Real grammY bot, fake Bot API server, the real core behind an engine double
 * that records what it is given.
 */
import { createHash } from 'node:crypto'
import type { Update } from 'grammy/types'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createTelegramBot } from '../../src/bots/telegram/bot.js'
import { createChatBlocking } from '../../src/core/chat-blocking.js'
import type { Engine } from '../../src/core/engine.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import type { Inbound } from '../../src/core/types.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { testCore } from '../support/core.js'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'
import { freshChatId } from '../support/telegram-driver.js'

const MB = 1024 * 1024
const NOT_TEXT = 'hanya bisa membaca pesan teks'
/** What the engine double takes as filing a handoff (see setup). */
const FILES_HANDOFF = 'Ya, kirim'
const jpeg = (size: number, fill = 0x11) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(size - 4, fill)])
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 9, 0x42)])

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * The bot over the fake Bot API; `live` is the set of chats talking to staff (undefined: the bot
 * is built without `mediaWanted`, as before this feature). The engine double records every
 * `Inbound`; one with media gets no answer (staff get it), anything else goes to the real core.
 */
async function setup(live?: Set<string>) {
  const core = await testCore()
  cleanups.push(() => closeDatabase(core.db))
  const fake = await startFakeTelegram()
  cleanups.push(() => fake.close())
  const seen: Inbound[] = []
  const asked: string[] = []
  const engine: Engine = {
    handle: async (inbound) => {
      seen.push(inbound)
      if (inbound.text === FILES_HANDOFF && live) {
        // As the core does when the person sends the request: from now on the chat talks to staff.
        await new Promise((resolve) => setTimeout(resolve, 20))
        live.add(inbound.chatId)
        return [{ text: 'Permintaan terkirim' }]
      }
      return inbound.media ? [] : await core.engine.handle(inbound)
    },
  }
  const logs: string[] = []
  const telegram = createTelegramBot({
    token: fake.token,
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo,
    engine,
    blocking: createChatBlocking({ db: core.db, reminders: DEFAULT_REMINDER_SETTINGS }),
    clock: () => new Date(),
    logger: pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) }),
    maxRetryAttempts: 0,
    ...(live && {
      mediaWanted: (chatId: string) => {
        asked.push(chatId)
        return live.has(chatId)
      },
    }),
  })
  const chatId = freshChatId()
  live?.add(String(chatId))
  let updateId = 1
  /** A private message with this content from the person; resolves once the bot has handled it. */
  async function send(content: Record<string, unknown>, chat: Record<string, unknown> = { id: chatId, type: 'private' }) {
    const from = { id: chatId, is_bot: false, first_name: 'Sari' }
    await telegram.bot.handleUpdate({
      update_id: updateId++,
      message: { message_id: updateId, from, chat, date: Math.floor(Date.now() / 1000), ...content },
    } as unknown as Update)
    return seen.at(-1)
  }
  const texts = () => fake.sent(chatId).map((call) => String(call.payload.text))
  return { fake, chatId, send, seen, asked, texts, logs }
}

/** A document message for a file the fake serves. */
function document(fake: FakeTelegram, bytes: Buffer, over: { name?: string; mime?: string; declareSize?: boolean } = {}) {
  const declareSize = over.declareSize ?? true
  const fileId = fake.addFile(bytes, { declareSize })
  return {
    document: {
      file_id: fileId,
      file_unique_id: `u${fileId}`,
      file_name: over.name ?? 'dokumen.pdf',
      mime_type: over.mime ?? 'application/pdf',
      ...(declareSize && { file_size: bytes.length }),
    },
  }
}

const getFileCalls = (fake: FakeTelegram) => fake.calls.filter((call) => call.method === 'getFile')

describe('while the chat talks to staff', () => {
  it('a photo reaches the core as a JPEG with the exact bytes of its sharpest size within 5 MB, and its caption as text', async () => {
    const { fake, send, chatId, asked } = await setup(new Set())
    const small = jpeg(2_000, 0x01)
    const sharp = jpeg(180_000, 0x02)
    const [smallId, sharpId] = [fake.addFile(small), fake.addFile(sharp)]
    const inbound = await send({
      photo: [
        { file_id: smallId, file_unique_id: 'a', width: 90, height: 68, file_size: small.length },
        { file_id: sharpId, file_unique_id: 'b', width: 1280, height: 960, file_size: sharp.length },
        // Telegram also offers the original size: over the limit, so it is not the one taken.
        { file_id: 'TOO-BIG', file_unique_id: 'c', width: 4000, height: 3000, file_size: 6 * MB },
      ],
      caption: 'Ini foto KTP saya',
    })
    expect(inbound).toMatchObject({ text: 'Ini foto KTP saya', media: { kind: 'image', mimeType: 'image/jpeg' } })
    expect(inbound?.unsupported).toBeUndefined()
    expect(inbound?.media && 'bytes' in inbound.media && Buffer.from(inbound.media.bytes).equals(sharp)).toBe(true)
    expect(fake.downloads).toEqual([sharpId])
    expect(asked).toEqual([String(chatId)])
  })

  it('a PDF document reaches the core with its name and its exact bytes; without a caption there is no text', async () => {
    const { fake, send, texts } = await setup(new Set())
    const bytes = pdf(1.5 * MB)
    const inbound = await send(document(fake, bytes, { name: 'Sertifikat BNSP.pdf' }))
    expect(inbound?.media).toMatchObject({ kind: 'pdf', mimeType: 'application/pdf', fileName: 'Sertifikat BNSP.pdf' })
    expect(inbound?.media && 'bytes' in inbound.media && Buffer.from(inbound.media.bytes).equals(bytes)).toBe(true)
    expect(inbound?.text).toBeUndefined()
    expect(inbound?.unsupported).toBeUndefined()
    // The core stays silent (staff get it): nothing is sent back.
    expect(texts()).toEqual([])
  })

  it('a 6 MB document whose size Telegram declares is refused without asking for the file', async () => {
    const { fake, send } = await setup(new Set())
    const inbound = await send(document(fake, pdf(6 * MB)))
    expect(inbound?.media).toEqual({ rejected: 'too_big', size: 6 * MB })
    expect(getFileCalls(fake)).toHaveLength(0)
    expect(fake.downloads).toEqual([])
  })

  it('a 6 MB document of undeclared size is downloaded only up to the limit, then refused', async () => {
    const { fake, send } = await setup(new Set())
    const message = document(fake, pdf(6 * MB), { declareSize: false })
    const inbound = await send(message)
    expect(inbound?.media).toEqual({ rejected: 'too_big' })
    expect(fake.downloads).toEqual([message.document.file_id])
  })

  it('a file named and declared a PDF whose bytes are not one is refused for its type', async () => {
    const { fake, send } = await setup(new Set())
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(5000, 0x33)])
    const inbound = await send(document(fake, zip, { name: 'ijazah.pdf', mime: 'application/pdf' }))
    expect(inbound?.media).toEqual({ rejected: 'type', size: zip.length })
  })

  it('a video document is refused for its type without downloading it', async () => {
    const { fake, send } = await setup(new Set())
    const inbound = await send(document(fake, jpeg(1000), { name: 'video.mp4', mime: 'video/mp4' }))
    expect(inbound?.media).toEqual({ rejected: 'type', size: 1000 })
    expect(getFileCalls(fake)).toHaveLength(0)
  })

  it('a sticker and a voice note stay unsupported, and nothing is downloaded', async () => {
    const { fake, send } = await setup(new Set())
    const file = { file_id: fake.addFile(jpeg(1000)), file_unique_id: 'x' }
    const sticker = await send({
      sticker: { ...file, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false },
    })
    const voice = await send({ voice: { ...file, duration: 3, mime_type: 'audio/ogg' } })
    for (const inbound of [sticker, voice]) {
      expect(inbound?.unsupported).toBe(true)
      expect(inbound?.media).toBeUndefined()
    }
    expect(getFileCalls(fake)).toHaveLength(0)
  })

  it('a failing download gets the apology, and the log never shows the file URL with the bot token', async () => {
    const { fake, send, texts, logs } = await setup(new Set())
    const message = document(fake, pdf(1000))
    fake.failNext('getFile', {
      error_code: 400,
      description: 'Bad Request: wrong file_id or the file is temporarily unavailable',
    })
    await send(message)
    expect(texts()).toEqual([expect.stringContaining('Maaf, terjadi gangguan')])
    expect(logs.join('\n')).toContain('telegram update failed')
    expect(logs.join('\n')).not.toContain(fake.token)
    expect(logs.join('\n')).not.toContain('/file/bot')
  })
})

describe('the moment a handoff starts', () => {
  it('a photo sent right after the request, while the request is still being handled, already goes to staff', async () => {
    const live = new Set<string>()
    const { fake, send, seen } = await setup(live)
    live.clear()
    const photo = jpeg(3000)
    const id = fake.addFile(photo)
    await Promise.all([
      send({ text: FILES_HANDOFF }),
      send({ photo: [{ file_id: id, file_unique_id: 'a', width: 90, height: 68, file_size: photo.length }] }),
    ])
    expect(seen.map((inbound) => inbound.text ?? inbound.media)).toEqual([
      FILES_HANDOFF,
      expect.objectContaining({ kind: 'image' }),
    ])
    expect(fake.downloads).toEqual([id])
  })
})

describe('when the chat does not talk to staff', () => {
  for (const [name, live] of [
    ['mediaWanted says no', new Set<string>()],
    ['no mediaWanted at all', undefined],
  ] as const) {
    it(`a photo and a PDF are answered exactly as before, and nothing is downloaded (${name})`, async () => {
      const { fake, send, texts, chatId } = await setup(live)
      live?.delete(String(chatId))
      const photo = {
        photo: [{ file_id: fake.addFile(jpeg(2000)), file_unique_id: 'a', width: 90, height: 68, file_size: 2000 }],
      }
      const withoutCaption = await send(photo)
      expect(withoutCaption).toMatchObject({ unsupported: true })
      expect(withoutCaption?.media).toBeUndefined()
      const captioned = await send({ ...document(fake, pdf(3000)), caption: 'syarat ikut sertifikasi apa aja min??' })
      expect(captioned?.text).toBe('syarat ikut sertifikasi apa aja min??')
      expect(captioned?.unsupported).toBeUndefined()
      expect(captioned?.media).toBeUndefined()
      const [first, second] = texts()
      expect(first).toContain(NOT_TEXT)
      expect(second).toContain('Syarat dan dokumen')
      expect(getFileCalls(fake)).toHaveLength(0)
      expect(fake.downloads).toEqual([])
    })
  }

  it('a photo in a group chat is never downloaded, even from a person talking to staff', async () => {
    const { fake, send, asked } = await setup(new Set())
    const photo = { photo: [{ file_id: fake.addFile(jpeg(2000)), file_unique_id: 'a', width: 90, height: 68, file_size: 2000 }] }
    await send(photo, { id: -100123, type: 'supergroup', title: 'Grup' })
    expect(asked).toEqual([])
    expect(fake.downloads).toEqual([])
  })
})

describe('with the real core deciding (mediaWanted = the core’s isLive)', () => {
  it('a photo sent during a handoff is kept in its thread, sealed; a file that is not a photo or PDF gets the note', async () => {
    const core = await testCore()
    cleanups.push(() => closeDatabase(core.db))
    const fake = await startFakeTelegram()
    cleanups.push(() => fake.close())
    const chatId = freshChatId()
    const telegram = createTelegramBot({
      token: fake.token,
      apiRoot: fake.apiRoot,
      botInfo: fake.botInfo,
      engine: core.engine,
      blocking: createChatBlocking({ db: core.db, reminders: DEFAULT_REMINDER_SETTINGS }),
      clock: () => new Date(),
      logger: pino({ level: 'silent' }),
      mediaWanted: (chat) => core.handoffs.live.isLive(core.db, 'telegram', chat),
    })
    const send = async (updateId: number, content: Record<string, unknown>) =>
      telegram.bot.handleUpdate({
        update_id: updateId,
        message: {
          message_id: updateId,
          from: { id: chatId, is_bot: false, first_name: 'Sari' },
          chat: { id: chatId, type: 'private' },
          date: Math.floor(Date.now() / 1000),
          ...content,
        },
      } as unknown as Update)
    const photo = jpeg(120_000)
    const photoMessage = { photo: [{ file_id: fake.addFile(photo), file_unique_id: 'a', width: 800, height: 600 }] }

    // Before the handoff: today's answer, nothing downloaded.
    await send(1, photoMessage)
    expect(fake.downloads).toEqual([])
    expect(String(fake.sent(chatId).at(-1)?.payload.text)).toContain(NOT_TEXT)

    await statement(
      core.db,
      `insert into handoff_requests (code, channel, chat_id, name, topic, question, status, live)
         values ('PTG-MEDIA1', 'telegram', ?, 'Sari', 'lainnya', 'Sertifikat saya hilang', 'waiting', 1)`,
    ).run(String(chatId))
    await send(2, { ...photoMessage, caption: 'Ini foto sertifikat lama saya' })
    await send(3, document(fake, Buffer.from('PK\x03\x04 bukan pdf', 'latin1'), { name: 'ijazah.pdf' }))

    const rows = (await statement(core.db, 'select size, sha256, content from handoff_attachments').all()) as {
      size: number
      sha256: string
      content: Buffer
    }[]
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ size: photo.length, sha256: createHash('sha256').update(photo).digest('hex') })
    expect(rows[0]?.content.includes(photo.subarray(0, 64))).toBe(false)
    const thread = await statement(
      core.db,
      "select text, case when attachment_id is not null then 1 else 0 end as file from handoff_messages where author = 'person' order by id",
    ).all()
    expect(thread).toEqual([{ text: 'Ini foto sertifikat lama saya', file: 1 }])
    const [, ack, note] = fake.sent(chatId).map((call) => String(call.payload.text))
    expect(ack).toMatch(/Pesan Anda sudah (diteruskan|kami terima)/)
    expect(note).toContain('hanya bisa menerima foto (JPG, PNG, WEBP) dan PDF')
  })
})
