/**
 * Photos and documents a person sends on Telegram while talking to staff: which file of a message
 * is read (the largest photo size within the limit, or the document), and its download through the
 * Bot API (getFile, then the file URL). The URL holds the bot token: it is never logged nor put in
 * an error.
 */
import { Readable } from 'node:stream'
import type { ReadableStream as WebStream } from 'node:stream/web'
import type { Api } from 'grammy'
import type { Message } from 'grammy/types'
import { MAX_FILE_BYTES, receiveFile } from '../../core/handoff/attachments.js'
import type { InboundMedia } from '../../core/types.js'

/** A file of a message, as Telegram describes it before the download. */
export type TelegramFile = { fileId: string; size?: number; mimeType?: string; fileName?: string }

/** The photo or document of a message, or undefined (text, sticker, voice, video…: not for staff). */
export function fileOf(message: Message): TelegramFile | undefined {
  if (message.photo?.length) {
    // Telegram offers each photo in several sizes: the sharpest one within the limit; none → the
    // smallest, which is then refused by its size.
    const within = message.photo.filter((size) => (size.file_size ?? 0) <= MAX_FILE_BYTES)
    const pixels = (size: { width: number; height: number }) => size.width * size.height
    const best = within.reduce<(typeof within)[number] | undefined>(
      (sharpest, size) => (sharpest && pixels(sharpest) >= pixels(size) ? sharpest : size),
      undefined,
    )
    const chosen = best ?? message.photo[0]
    if (!chosen) return undefined
    return { fileId: chosen.file_id, ...(chosen.file_size !== undefined && { size: chosen.file_size }) }
  }
  const document = message.document
  if (!document) return undefined
  return {
    fileId: document.file_id,
    ...(document.file_size !== undefined && { size: document.file_size }),
    ...(document.mime_type && { mimeType: document.mime_type }),
    ...(document.file_name && { fileName: document.file_name }),
  }
}

export type TelegramMediaDeps = {
  api: Api
  token: string
  /** The Bot API server (default Telegram's); files are served under `/file/bot<token>/`. */
  apiRoot?: string
}

/** Reads a file of a message into what the core is given (see `receiveFile`). */
export function createTelegramMedia(deps: TelegramMediaDeps): (file: TelegramFile) => Promise<InboundMedia> {
  const root = deps.apiRoot ?? 'https://api.telegram.org'
  async function download(fileId: string): Promise<AsyncIterable<Uint8Array>> {
    const { file_path: path } = await deps.api.getFile(fileId)
    if (!path) throw new Error('Telegram gave no path for the file')
    let response: Response
    try {
      response = await fetch(`${root}/file/bot${deps.token}/${path}`)
    } catch {
      // The cause may carry the URL, and the URL the token.
      throw new Error('the file download failed')
    }
    if (!response.ok || !response.body) throw new Error(`the file download answered HTTP ${response.status}`)
    // A Node stream: leaving its iteration early destroys it, which ends the download.
    return Readable.fromWeb(response.body as WebStream<Uint8Array>)
  }
  return (file) =>
    receiveFile({
      ...(file.size !== undefined && { size: file.size }),
      ...(file.mimeType && { mimeType: file.mimeType }),
      ...(file.fileName && { fileName: file.fileName }),
      download: () => download(file.fileId),
    })
}
