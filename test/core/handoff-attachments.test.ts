/**
 * What a file a person sends to staff really is, told by its bytes and never by the type or name
 * the sender's app declares; and how a file becomes what the core is given: refused before any
 * download when it is declared too big or of another type, cut off past 5 MB when its size is not
 * declared, its bytes passed on exactly.
 */
import { describe, expect, it } from 'vitest'
import { type IncomingFile, MAX_DOWNLOADS, MAX_FILE_BYTES, receiveFile, sniffMedia } from '../../src/core/handoff/attachments.js'

const bytes = (...parts: (number[] | string)[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))))

const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF\0', [1, 2, 3])
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR')
const WEBP = bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')
const PDF = bytes('%PDF-1.4\n%âãÏÓ\n1 0 obj')

describe('sniffMedia', () => {
  it.each([
    ['a JPEG', JPEG, { kind: 'image', mimeType: 'image/jpeg' }],
    ['a PNG', PNG, { kind: 'image', mimeType: 'image/png' }],
    ['a WEBP', WEBP, { kind: 'image', mimeType: 'image/webp' }],
    ['a PDF', PDF, { kind: 'pdf', mimeType: 'application/pdf' }],
  ])('knows %s by its bytes', (_name, file, expected) => {
    expect(sniffMedia(file)).toEqual(expected)
  })

  it.each([
    ['an empty file', bytes()],
    ['a Word document (ZIP)', bytes('PK', [3, 4, 20, 0])],
    ['a GIF', bytes('GIF89a')],
    ['a RIFF that is not WEBP (a WAV)', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['text that mentions %PDF- later', bytes('hello %PDF-1.4')],
    ['an HTML page', bytes('<!doctype html>')],
    ['a cut-off JPEG marker', bytes([0xff, 0xd8])],
  ])('does not take %s', (_name, file) => {
    expect(sniffMedia(file)).toBeUndefined()
  })
})

/** A file whose download is counted and hands out `total` bytes starting with `head`, in 64 KB chunks. */
function file(head: Buffer, total: number, over: Partial<IncomingFile> = {}) {
  const seen = { downloads: 0, chunksRead: 0 }
  const chunk = 64 * 1024
  async function* chunks() {
    for (let at = 0; at < total; at += chunk) {
      seen.chunksRead += 1
      const part = Buffer.alloc(Math.min(chunk, total - at), 0x20)
      if (at === 0) head.copy(part, 0, 0, Math.min(head.length, part.length))
      yield part
    }
  }
  const incoming: IncomingFile = {
    download: async () => {
      seen.downloads += 1
      return chunks()
    },
    ...over,
  }
  return { incoming, seen }
}

describe('receiveFile', () => {
  it('passes a PDF on with its exact bytes and its name; the declared type is not what decides', async () => {
    const { incoming } = file(PDF, 300_000, { fileName: 'ijazah.pdf', mimeType: 'application/octet-stream', size: 300_000 })
    const media = await receiveFile(incoming)
    expect(media).toMatchObject({ kind: 'pdf', mimeType: 'application/pdf', fileName: 'ijazah.pdf' })
    const expected = Buffer.alloc(300_000, 0x20)
    PDF.copy(expected)
    expect('bytes' in media && Buffer.from(media.bytes).equals(expected)).toBe(true)
  })

  it('a photo declared as a PDF is taken as the photo it is', async () => {
    const { incoming } = file(JPEG, 1000, { fileName: 'ktp.pdf', mimeType: 'application/pdf' })
    expect(await receiveFile(incoming)).toMatchObject({ kind: 'image', mimeType: 'image/jpeg' })
  })

  it('a file named and declared a PDF whose bytes are not one is refused for its type', async () => {
    const { incoming } = file(bytes('PK', [3, 4]), 2000, { fileName: 'ijazah.pdf', mimeType: 'application/pdf', size: 2000 })
    expect(await receiveFile(incoming)).toEqual({ rejected: 'type', size: 2000 })
  })

  it('a file declared bigger than 5 MB is refused without downloading it', async () => {
    const { incoming, seen } = file(PDF, 6 * 1024 * 1024, { size: 6 * 1024 * 1024 })
    expect(await receiveFile(incoming)).toEqual({ rejected: 'too_big', size: 6 * 1024 * 1024 })
    expect(seen.downloads).toBe(0)
  })

  it('a file of undeclared size is cut off once it passes 5 MB: the rest is never read', async () => {
    const { incoming, seen } = file(PDF, 8 * 1024 * 1024)
    expect(await receiveFile(incoming)).toEqual({ rejected: 'too_big' })
    expect(seen.chunksRead).toBe(MAX_FILE_BYTES / (64 * 1024) + 1)
  })

  it('exactly 5 MB is taken', async () => {
    const { incoming } = file(JPEG, MAX_FILE_BYTES, { size: MAX_FILE_BYTES })
    expect(await receiveFile(incoming)).toMatchObject({ kind: 'image' })
  })

  it('a declared video or archive is refused without downloading it', async () => {
    for (const mimeType of ['video/mp4', 'application/zip', 'audio/ogg; codecs=opus']) {
      const { incoming, seen } = file(JPEG, 1000, { mimeType, size: 1000 })
      expect(await receiveFile(incoming), mimeType).toEqual({ rejected: 'type', size: 1000 })
      expect(seen.downloads, mimeType).toBe(0)
    }
  })

  it('downloads at most four files at once; the others wait their turn and then arrive whole', async () => {
    let started = 0
    let open = 0
    let most = 0
    const gates: (() => void)[] = []
    const blocked = (): IncomingFile => ({
      download: async () => {
        started += 1
        open += 1
        most = Math.max(most, open)
        await new Promise<void>((resolve) => gates.push(resolve))
        return (async function* () {
          yield JPEG
          open -= 1
        })()
      },
    })
    const results = Array.from({ length: 6 }, () => receiveFile(blocked()))
    await new Promise((resolve) => setImmediate(resolve))
    expect(started).toBe(MAX_DOWNLOADS)
    while (gates.length > 0) {
      gates.shift()?.()
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(await Promise.all(results)).toEqual(Array.from({ length: 6 }, () => expect.objectContaining({ kind: 'image' })))
    expect(started).toBe(6)
    expect(most).toBe(MAX_DOWNLOADS)
  })

  it('a failed download frees its turn', async () => {
    const failing: IncomingFile = {
      download: async () => {
        throw new Error('network down')
      },
    }
    for (let i = 0; i < MAX_DOWNLOADS + 1; i++) await expect(receiveFile(failing)).rejects.toThrow('network down')
    expect(await receiveFile(file(JPEG, 100).incoming)).toMatchObject({ kind: 'image' })
  })

  it('keeps only the last part of a file name, without control characters', async () => {
    const { incoming } = file(PDF, 100, { fileName: '../../etc/sk\u0000\u0007 2024.pdf' })
    expect(await receiveFile(incoming)).toMatchObject({ fileName: 'sk 2024.pdf' })
  })
})
