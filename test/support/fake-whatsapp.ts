/**
 * A fake Baileys socket for offline tests. It behaves like the real one where the adapter can
 * tell: events through `ev`, `end()` emits a close and then drops every listener (so the adapter
 * must build a new socket), sends fail while it is not open. Incoming messages are built the way
 * Baileys delivers them after decoding (a plain WebMessageInfo with a `proto.Message` inside and
 * the v7 `remoteJidAlt` / `addressingMode` key fields, see `incoming`).
 */
import { EventEmitter } from 'node:events'
import { type BaileysEventMap, proto, type WAMessage } from '@whiskeysockets/baileys'
import type { SocketFactory, WhatsAppSocket } from '../../src/bots/whatsapp/socket.js'

/** A Baileys-style error: what `lastDisconnect.error` carries. */
export function disconnectError(statusCode: number, message = 'Connection Failure'): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: { statusCode, message } } })
}

export type SentMessage = { jid: string; text?: string; document?: { fileName: string; mimetype: string; bytes: Buffer } }

export class FakeSocket implements WhatsAppSocket {
  private emitter = new EventEmitter()
  readonly sent: SentMessage[] = []
  readonly presence: { type: string; jid: string | undefined }[] = []
  readonly pairingRequests: string[] = []
  readonly read: string[] = []
  /** Ids of messages whose media the adapter asked the sender's phone to upload again. */
  readonly reuploads: string[] = []
  isOpen = false
  ended = false
  /** The next this-many sendMessage calls throw (as a dropped connection does). */
  failSends = 0
  /** The next this-many documents sent throw (as WhatsApp refusing a media upload does); texts go through. */
  failDocuments = 0

  ev = {
    on: <E extends keyof BaileysEventMap>(event: E, listener: (arg: BaileysEventMap[E]) => void) => {
      this.emitter.on(event, listener)
    },
  }

  emit<E extends keyof BaileysEventMap>(event: E, arg: BaileysEventMap[E]): void {
    this.emitter.emit(event, arg)
  }

  /** The server accepted the session. */
  open(): void {
    this.isOpen = true
    this.emit('connection.update', { connection: 'open' })
  }

  /** WhatsApp shows a pairing QR (rotated by calling again with another value). */
  showQr(qr: string): void {
    this.emit('connection.update', { qr })
  }

  /** The server closed the connection with this Baileys disconnect code. */
  close(statusCode: number | undefined): void {
    if (this.ended) return
    this.ended = true
    this.isOpen = false
    const error = statusCode === undefined ? undefined : disconnectError(statusCode)
    this.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } })
    this.emitter.removeAllListeners()
  }

  /** Messages arrive, as one `messages.upsert` event. */
  receive(messages: WAMessage[], type: 'notify' | 'append' = 'notify'): void {
    this.emit('messages.upsert', { messages, type })
  }

  sendMessage: WhatsAppSocket['sendMessage'] = async (jid, content) => {
    if (!this.isOpen) throw disconnectError(428, 'Connection Closed')
    if (this.failSends > 0) {
      this.failSends -= 1
      throw disconnectError(428, 'Connection Closed')
    }
    const c = content as { text?: string; document?: Buffer; fileName?: string; mimetype?: string }
    if (c.document && this.failDocuments > 0) {
      this.failDocuments -= 1
      throw new Error('Media upload failed on all hosts')
    }
    this.sent.push({
      jid,
      ...(c.text !== undefined && { text: c.text }),
      ...(c.document && { document: { fileName: c.fileName ?? '', mimetype: c.mimetype ?? '', bytes: c.document } }),
    })
    return undefined
  }

  sendPresenceUpdate: WhatsAppSocket['sendPresenceUpdate'] = async (type, jid) => {
    this.presence.push({ type, jid })
  }

  readMessages: WhatsAppSocket['readMessages'] = async (keys) => {
    for (const key of keys) if (key.id) this.read.push(key.id)
  }

  requestPairingCode: WhatsAppSocket['requestPairingCode'] = async (phoneNumber) => {
    if (!this.isOpen && this.ended) throw disconnectError(428, 'Connection Closed')
    this.pairingRequests.push(phoneNumber)
    return 'KSOS4321'
  }

  updateMediaMessage: WhatsAppSocket['updateMediaMessage'] = async (message) => {
    if (message.key.id) this.reuploads.push(message.key.id)
    return message
  }

  end: WhatsAppSocket['end'] = async (error) => {
    if (this.ended) return
    this.ended = true
    this.isOpen = false
    this.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } })
    this.emitter.removeAllListeners()
  }
}

export type FakeWhatsApp = {
  factory: SocketFactory
  /** Every socket made, oldest first. */
  sockets: FakeSocket[]
  /** The newest socket. */
  current(): FakeSocket
  /** How many times a socket was made while an earlier one had not ended (must stay 0). */
  overlaps: number
}

export function fakeWhatsApp(): FakeWhatsApp {
  const fake: FakeWhatsApp = {
    sockets: [],
    overlaps: 0,
    current() {
      const socket = fake.sockets.at(-1)
      if (!socket) throw new Error('no socket was made yet')
      return socket
    },
    factory: () => {
      if (fake.sockets.some((socket) => !socket.ended)) fake.overlaps += 1
      const socket = new FakeSocket()
      fake.sockets.push(socket)
      return socket
    },
  }
  return fake
}

let counter = 0

export type IncomingOptions = {
  /** The chat JID as WhatsApp addresses it (`…@s.whatsapp.net`, `…@lid`, `…@g.us`…). */
  from: string
  /** The other id of the sender (`remoteJidAlt`), when WhatsApp reveals it. */
  alt?: string
  /** For a group: the member who wrote. */
  participant?: string
  /** The message content; default: `{ conversation: text }`. */
  message?: proto.IMessage
  text?: string
  id?: string
  /** Seconds since the epoch; default now. */
  timestamp?: number
  fromMe?: boolean
}

/** A message as Baileys hands it to `messages.upsert` after decoding it. */
export function incoming(options: IncomingOptions): WAMessage {
  counter += 1
  const group = options.from.endsWith('@g.us')
  return {
    key: {
      remoteJid: options.from,
      remoteJidAlt: group ? undefined : options.alt,
      fromMe: options.fromMe ?? false,
      id: options.id ?? `3EB0${counter.toString(16).toUpperCase().padStart(12, '0')}`,
      participant: group ? (options.participant ?? '') : '',
      participantAlt: group ? options.alt : undefined,
      addressingMode: (group ? (options.participant ?? '') : options.from).endsWith('@lid') ? 'lid' : 'pn',
    },
    messageTimestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
    pushName: 'Peserta',
    broadcast: false,
    message: proto.Message.fromObject(options.message ?? { conversation: options.text ?? '' }),
  }
}
