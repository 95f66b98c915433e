/**
 * Photos and PDF documents a person sends on WhatsApp while talking to staff reach the core as
 * `media`, with the exact bytes and what they really are (also a document sent with a caption,
 * which WhatsApp wraps); what is declared too big is refused without downloading it, and a file of
 * undeclared size is cut off at 5 MB; stickers and voice notes stay unsupported; a chat that is not
 * talking to staff is answered exactly as before, with nothing downloaded; and the person sees the
 * blue ticks even when the core answers nothing. Real adapter, fake Baileys socket, an injected
 * download instead of the network, the real core behind an engine double that records its input.
 */
import { createHash } from 'node:crypto'
import type { proto, WAMessage } from '@whiskeysockets/baileys'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createWhatsAppChannel } from '../../src/bots/whatsapp/adapter.js'
import type { Engine } from '../../src/core/engine.js'
import type { Inbound } from '../../src/core/types.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { testCore } from '../support/core.js'
import { fakeWhatsApp, incoming } from '../support/fake-whatsapp.js'
import { NO_PACE } from '../support/whatsapp-driver.js'

const MB = 1024 * 1024
const NOT_TEXT = 'hanya bisa membaca pesan teks'
/** What the engine double takes as filing a handoff (see setup). */
const FILES_HANDOFF = 'Ya, kirim'
const APOLOGY = /^Maaf, terjadi gangguan/
const jpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(size - 4, 0x11)])
const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 9, 0x42)])

let numbers = 0
const phoneJid = () => `62813${String(++numbers).padStart(8, '0')}@s.whatsapp.net`

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/**
 * A started channel over an open fake socket. `live`: the chats talking to staff (undefined: no
 * `mediaWanted`, as before this feature). Each message's file is what `files` holds under its id;
 * the download hands it out in 64 KB chunks and records how far it was read.
 */
async function setup(live?: Set<string>) {
  const core = await testCore()
  cleanups.push(() => closeDatabase(core.db))
  const seen: Inbound[] = []
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
  const files = new Map<string, Buffer | Error>()
  const downloads: { id: string; chunksRead: number; finished: boolean }[] = []
  const fake = fakeWhatsApp()
  const channel = await createWhatsAppChannel({
    db: core.db,
    authBox: core.authBox,
    engine,
    logger: pino({ level: 'silent' }),
    factory: fake.factory,
    pace: NO_PACE,
    replayWindowMs: 24 * 3_600_000,
    now: () => new Date(),
    ...(live && { mediaWanted: (chatId: string) => live.has(chatId) }),
    download: async (message: WAMessage) => {
      const id = message.key.id ?? ''
      const file = files.get(id)
      if (file instanceof Error || file === undefined) throw file ?? new Error('no such file')
      const record = { id, chunksRead: 0, finished: false }
      downloads.push(record)
      return (async function* () {
        for (let at = 0; at < file.length; at += 64 * 1024) {
          record.chunksRead += 1
          yield file.subarray(at, at + 64 * 1024)
        }
        record.finished = true
      })()
    },
  })
  cleanups.push(() => channel.stop(0))
  channel.start()
  const socket = fake.current()
  socket.open()
  const jid = phoneJid()
  live?.add(jid)
  let counter = 0
  /** The person sends `message` (with `bytes` behind its media); resolves with what the core was given. */
  async function send(message: proto.IMessage, bytes?: Buffer | Error) {
    counter += 1
    const id = `3EB0MEDIA${counter}`
    if (bytes) files.set(id, bytes)
    socket.receive([incoming({ from: jid, id, message })])
    await channel.drain()
    return { inbound: seen.find((inbound) => inbound.messageId === id), id }
  }
  const texts = () => socket.sent.filter((m) => m.jid === jid).map((m) => m.text ?? '')
  return { send, socket, jid, texts, downloads, files, seen, channel }
}

const bytesOf = (inbound: Inbound | undefined) =>
  inbound?.media && 'bytes' in inbound.media ? Buffer.from(inbound.media.bytes) : undefined

describe('while the chat talks to staff', () => {
  it('a photo reaches the core as a JPEG with its exact bytes and its caption as text; the person sees it was read', async () => {
    const { send, socket, texts } = await setup(new Set())
    const photo = jpeg(250_000)
    const { inbound, id } = await send(
      { imageMessage: { mimetype: 'image/jpeg', fileLength: photo.length, caption: 'Ini foto KTP saya' } },
      photo,
    )
    expect(inbound).toMatchObject({ text: 'Ini foto KTP saya', media: { kind: 'image', mimeType: 'image/jpeg' } })
    expect(inbound?.unsupported).toBeUndefined()
    expect(bytesOf(inbound)?.equals(photo)).toBe(true)
    // The core answers nothing (staff get it), yet the blue ticks show it arrived.
    expect(texts()).toEqual([])
    expect(socket.read).toEqual([id])
  })

  it('a PDF document reaches the core with its name and exact bytes; without a caption there is no text', async () => {
    const { send } = await setup(new Set())
    const file = pdf(2 * MB)
    const { inbound } = await send(
      { documentMessage: { mimetype: 'application/pdf', fileName: 'Sertifikat BNSP.pdf', fileLength: file.length } },
      file,
    )
    expect(inbound?.media).toMatchObject({ kind: 'pdf', mimeType: 'application/pdf', fileName: 'Sertifikat BNSP.pdf' })
    expect(bytesOf(inbound)?.equals(file)).toBe(true)
    expect(inbound?.text).toBeUndefined()
  })

  it('a document sent with a caption (documentWithCaptionMessage) is unwrapped: the PDF and the caption', async () => {
    const { send } = await setup(new Set())
    const file = pdf(40_000)
    const { inbound } = await send(
      {
        documentWithCaptionMessage: {
          message: { documentMessage: { mimetype: 'application/pdf', fileName: 'ijazah.pdf', caption: 'Ijazah saya' } },
        },
      },
      file,
    )
    expect(inbound).toMatchObject({ text: 'Ijazah saya', media: { kind: 'pdf', fileName: 'ijazah.pdf' } })
    expect(bytesOf(inbound)?.equals(file)).toBe(true)
  })

  it('a 6 MB document whose size is declared is refused without downloading it', async () => {
    const { send, downloads } = await setup(new Set())
    const { inbound } = await send(
      { documentMessage: { mimetype: 'application/pdf', fileName: 'besar.pdf', fileLength: 6 * MB } },
      pdf(6 * MB),
    )
    expect(inbound?.media).toEqual({ rejected: 'too_big', size: 6 * MB })
    expect(downloads).toEqual([])
  })

  it('a 6 MB document of undeclared size is downloaded only up to the limit, then refused', async () => {
    const { send, downloads } = await setup(new Set())
    const { inbound, id } = await send({ documentMessage: { mimetype: 'application/pdf', fileName: 'besar.pdf' } }, pdf(6 * MB))
    expect(inbound?.media).toEqual({ rejected: 'too_big' })
    expect(downloads).toEqual([{ id, chunksRead: 5 * 16 + 1, finished: false }])
  })

  it('a file named and declared a PDF whose bytes are not one is refused for its type', async () => {
    const { send } = await setup(new Set())
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(3000, 0x33)])
    const { inbound } = await send(
      { documentMessage: { mimetype: 'application/pdf', fileName: 'ijazah.pdf', fileLength: zip.length } },
      zip,
    )
    expect(inbound?.media).toEqual({ rejected: 'type', size: zip.length })
  })

  it('a sticker and a voice note stay unsupported, and nothing is downloaded', async () => {
    const { send, downloads } = await setup(new Set())
    const sticker = await send({ stickerMessage: { mimetype: 'image/webp', fileLength: 2000 } }, jpeg(2000))
    const voice = await send({ audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true, seconds: 3 } }, jpeg(2000))
    for (const { inbound } of [sticker, voice]) {
      expect(inbound?.unsupported).toBe(true)
      expect(inbound?.media).toBeUndefined()
    }
    expect(downloads).toEqual([])
  })

  it('a view-once photo is not downloaded: the sender asked for it not to be kept', async () => {
    const { send, downloads } = await setup(new Set())
    const { inbound } = await send(
      { viewOnceMessageV2: { message: { imageMessage: { mimetype: 'image/jpeg', fileLength: 2000, viewOnce: true } } } },
      jpeg(2000),
    )
    expect(inbound).toMatchObject({ unsupported: true })
    expect(inbound?.media).toBeUndefined()
    expect(downloads).toEqual([])
  })

  it('a failing download gets the apology instead of silence', async () => {
    const { send, texts } = await setup(new Set())
    const { inbound } = await send({ imageMessage: { mimetype: 'image/jpeg', fileLength: 1000 } }, new Error('media gone'))
    expect(inbound).toBeUndefined()
    expect(texts()).toEqual([expect.stringMatching(APOLOGY)])
  })
})

describe('the moment a handoff starts', () => {
  it('a photo in the same batch as the request, handled after it, already goes to staff', async () => {
    const live = new Set<string>()
    const { socket, jid, seen, files, channel, downloads } = await setup(live)
    live.clear()
    const photo = jpeg(3000)
    files.set('3EB0PHOTO', photo)
    socket.receive([
      incoming({ from: jid, id: '3EB0REQUEST', text: FILES_HANDOFF }),
      incoming({ from: jid, id: '3EB0PHOTO', message: { imageMessage: { mimetype: 'image/jpeg', fileLength: photo.length } } }),
    ])
    await channel.drain()
    expect(seen.map((inbound) => inbound.text ?? inbound.media)).toEqual([
      FILES_HANDOFF,
      expect.objectContaining({ kind: 'image' }),
    ])
    expect(downloads.map((download) => download.id)).toEqual(['3EB0PHOTO'])
  })
})

describe('when the chat does not talk to staff', () => {
  for (const [name, live] of [
    ['mediaWanted says no', new Set<string>()],
    ['no mediaWanted at all', undefined],
  ] as const) {
    it(`a photo and a captioned PDF are answered exactly as before, and nothing is downloaded (${name})`, async () => {
      const { send, texts, downloads, jid } = await setup(live)
      live?.delete(jid)
      const photo = await send({ imageMessage: { mimetype: 'image/jpeg', fileLength: 2000 } }, jpeg(2000))
      expect(photo.inbound).toMatchObject({ unsupported: true })
      expect(photo.inbound?.media).toBeUndefined()
      const captioned = await send(
        {
          documentWithCaptionMessage: {
            message: { documentMessage: { mimetype: 'application/pdf', caption: 'syarat ikut sertifikasi apa aja min??' } },
          },
        },
        pdf(3000),
      )
      expect(captioned.inbound?.text).toBe('syarat ikut sertifikasi apa aja min??')
      expect(captioned.inbound?.unsupported).toBeUndefined()
      expect(captioned.inbound?.media).toBeUndefined()
      const [first, second] = texts()
      expect(first).toContain(NOT_TEXT)
      expect(second).toContain('Syarat dan dokumen')
      expect(downloads).toEqual([])
    })
  }
})

describe('with the real core deciding (mediaWanted = the core’s isLive)', () => {
  it('a PDF sent during a handoff is kept in its thread; a later silent message is still marked read', async () => {
    const core = await testCore()
    cleanups.push(() => closeDatabase(core.db))
    const fake = fakeWhatsApp()
    const file = pdf(80_000)
    const channel = await createWhatsAppChannel({
      db: core.db,
      authBox: core.authBox,
      engine: core.engine,
      logger: pino({ level: 'silent' }),
      factory: fake.factory,
      pace: NO_PACE,
      replayWindowMs: 24 * 3_600_000,
      now: () => new Date(),
      mediaWanted: (chatId) => core.handoffs.live.isLive(core.db, 'whatsapp', chatId),
      download: async () =>
        (async function* () {
          yield file
        })(),
    })
    cleanups.push(() => channel.stop(0))
    channel.start()
    const socket = fake.current()
    socket.open()
    const jid = phoneJid()
    await statement(
      core.db,
      `insert into handoff_requests (code, channel, chat_id, name, topic, question, status, live)
         values ('PTG-MEDIA2', 'whatsapp', ?, 'Sari', 'lainnya', 'Ijazah saya', 'waiting', 1)`,
    ).run(jid)
    socket.receive([
      incoming({
        from: jid,
        id: 'WA-PDF',
        message: { documentMessage: { mimetype: 'application/pdf', fileName: 'ijazah.pdf', fileLength: file.length } },
      }),
      incoming({ from: jid, id: 'WA-TEXT', text: 'Itu ijazah saya, mohon dicek' }),
    ])
    await channel.drain()

    const rows = await statement(core.db, 'select file_name, size, sha256 from handoff_attachments').all()
    expect(rows).toEqual([
      { file_name: 'ijazah.pdf', size: file.length, sha256: createHash('sha256').update(file).digest('hex') },
    ])
    // One acknowledgement for the first message, then silence; both show the blue ticks.
    const texts = socket.sent.filter((m) => m.jid === jid).map((m) => m.text ?? '')
    expect(texts).toEqual([expect.stringMatching(/Pesan Anda sudah (diteruskan|kami terima)/)])
    expect(socket.read).toEqual(['WA-PDF', 'WA-TEXT'])
  })
})
