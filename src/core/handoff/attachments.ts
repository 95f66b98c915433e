/**
 * The photos and PDF documents a person may send to staff during a handoff: the size limit, what
 * the bytes really are (the type the sender's app declares is never trusted), and the one way both
 * channels turn a file into an `InboundMedia`, so Telegram and WhatsApp accept and refuse alike.
 */
import type { InboundMedia } from '../types.js'

/** The largest file taken, in bytes (5 MB). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024

const startsWith = (bytes: Uint8Array, signature: number[], at = 0) => signature.every((byte, i) => bytes[at + i] === byte)
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0))

/** What the bytes really are (magic bytes: JPEG FFD8FF, PNG 89504E47, WEBP RIFF….WEBP, PDF %PDF-), or undefined. */
export function sniffMedia(bytes: Uint8Array): { kind: 'image' | 'pdf'; mimeType: string } | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', mimeType: 'image/jpeg' }
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return { kind: 'image', mimeType: 'image/png' }
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return { kind: 'image', mimeType: 'image/webp' }
  if (startsWith(bytes, ascii('%PDF-'))) return { kind: 'pdf', mimeType: 'application/pdf' }
  return undefined
}

/**
 * Declared types that may turn out to be a photo or a PDF. Another declared type (a video, a ZIP…)
 * is refused without downloading it; one of these is still checked by its bytes.
 */
const WORTH_A_LOOK = new Set(['image/jpeg', 'image/png', 'image/webp', 'application/pdf', 'application/octet-stream'])

/** A file a message carries, as the channel describes it before anything is downloaded. */
export type IncomingFile = {
  /** The size the platform declares, when it does. */
  size?: number
  /** The type the sender's app declares: used to refuse early, never to accept. */
  mimeType?: string
  /** The name the sender gave it (documents). */
  fileName?: string
  /** Starts the download: the bytes in chunks. Leaving the iteration early ends the download. */
  download: () => Promise<AsyncIterable<Uint8Array>>
}

/** Downloads at once in this process (both channels): a burst of files holds at most 4 × 5 MB while they arrive. */
export const MAX_DOWNLOADS = 4
let downloading = 0
const waiting: (() => void)[] = []

async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  while (downloading >= MAX_DOWNLOADS) await new Promise<void>((resolve) => waiting.push(resolve))
  downloading++
  try {
    return await work()
  } finally {
    downloading--
    waiting.shift()?.()
  }
}

/**
 * What the core is given for a file the person sent: downloaded only when it may be taken, and
 * never past MAX_FILE_BYTES (a file without a declared size is cut off there), at most
 * MAX_DOWNLOADS at once. A failing download throws: the channel apologises, as for any failure.
 */
export async function receiveFile(file: IncomingFile): Promise<InboundMedia> {
  if (file.size !== undefined && file.size > MAX_FILE_BYTES) return { rejected: 'too_big', size: file.size }
  const declared = file.mimeType?.split(';')[0]?.trim().toLowerCase()
  if (declared && !WORTH_A_LOOK.has(declared)) return { rejected: 'type', ...(file.size !== undefined && { size: file.size }) }
  const bytes = await inSlot(() => download(file))
  if (bytes === undefined) return { rejected: 'too_big' }
  const sniffed = sniffMedia(bytes)
  if (!sniffed) return { rejected: 'type', size: bytes.length }
  const fileName = file.fileName && cleanFileName(file.fileName)
  return { ...sniffed, ...(fileName && { fileName }), bytes }
}

/** The file's bytes, or undefined once they pass MAX_FILE_BYTES (the download is then ended). */
async function download(file: IncomingFile): Promise<Buffer | undefined> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of await file.download()) {
    total += chunk.length
    // Returning from the loop ends the iterator, which cancels the download.
    if (total > MAX_FILE_BYTES) return undefined
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** The sender's file name as it may be shown and offered for download: no folders, no control characters, not endless. */
function cleanFileName(name: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const base = (name.split(/[/\\]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim()
  return base ? [...base].slice(0, 200).join('') : undefined
}
