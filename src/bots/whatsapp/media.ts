/**
 * Photos and documents a person sends on WhatsApp while talking to staff: downloaded (and
 * decrypted) by Baileys as a stream, which `receiveFile` cuts off past 5 MB. The download is a
 * dependency, so tests hand over bytes without the network.
 */
import { downloadMediaMessage, type WAMessage } from '@whiskeysockets/baileys'
import type { Logger } from 'pino'
import { receiveFile } from '../../core/handoff/attachments.js'
import type { InboundMedia } from '../../core/types.js'
import type { WhatsAppFile } from './inbound.js'
import { baileysLogger, type WhatsAppSocket } from './socket.js'

/** Starts the download of a message's photo or document: its bytes in chunks (leaving early stops it). */
export type MediaDownload = (message: WAMessage) => Promise<AsyncIterable<Uint8Array>>

/**
 * Baileys' download. A media link expires after a while: Baileys then asks the sender's phone to
 * upload the file again, through the socket of the moment (`socket()`).
 */
export function baileysDownload(logger: Logger, socket: () => WhatsAppSocket | undefined): MediaDownload {
  const ctx = {
    logger: baileysLogger(logger),
    reuploadRequest: (message: WAMessage) => {
      const current = socket()
      if (!current) throw new Error('WhatsApp is not connected: the file cannot be asked for again')
      return current.updateMediaMessage(message)
    },
  }
  // Stopping early destroys Baileys' decrypting stream; the HTTP response under it is then left
  // unread (Baileys does not pass the stop on) until undici's body timeout. WhatsApp declares every
  // file's size, so this cut-off is the rare fallback and the usual refusal downloads nothing.
  return (message) => downloadMediaMessage(message, 'stream', {}, ctx)
}

/** Reads the photo or document of `message` into what the core is given (see `receiveFile`). */
export function readWhatsAppMedia(download: MediaDownload, message: WAMessage, file: WhatsAppFile): Promise<InboundMedia> {
  return receiveFile({ ...file, download: () => download(message) })
}
