/**
 * A `ChatDriver` that talks to the real WhatsApp adapter (`createWhatsAppChannel`) through a fake
 * Baileys socket: each typed message arrives as a real `messages.upsert` payload, and the answer is
 * what the adapter sent to that chat, read back as WhatsApp shows it (text, then numbered options,
 * which a tap answers by typing the option's number, as a person on WhatsApp does).
 */
import pino, { type Logger } from 'pino'
import { createWhatsAppChannel, type WhatsAppChannel } from '../../src/bots/whatsapp/adapter.js'
import type { Pace } from '../../src/bots/whatsapp/sender.js'
import type { Engine } from '../../src/core/engine.js'
import type { SecretBox } from '../../src/core/privacy/data-key.js'
import type { Db } from '../../src/db/client.js'
import { testAuthBox } from './core.js'
import { type FakeWhatsApp, fakeWhatsApp, incoming } from './fake-whatsapp.js'
import { type ChatDriver, runOutbox, type SeenReply } from './transcript.js'

/** No waiting in tests unless a test is about the pace. */
export const NO_PACE: Pace = { intervalMs: 0, jitterMs: 0, typingMs: 0 }

/** Splits what WhatsApp shows into the core's text and its numbered options ("1. …" lines at the end). */
export function parseShown(shown: string): SeenReply {
  const blocks = shown.split('\n\n')
  const last = blocks.at(-1) ?? ''
  const lines = last.split('\n')
  if (blocks.length > 1 && lines.every((line, i) => line.startsWith(`${i + 1}. `))) {
    return { text: blocks.slice(0, -1).join('\n\n'), options: lines.map((line) => line.replace(/^\d+\. /, '')) }
  }
  return { text: shown, options: [] }
}

export type WhatsAppDriverOptions = {
  engine: Engine
  db: Db
  /** The adapter's clock (default: the real one); give the core's when the test fixes the time. */
  clock?: () => Date
  logger?: Logger
  /** The chat as WhatsApp addresses it; default: a fresh phone-number JID. */
  jid?: string
  /** The sender's other id (`remoteJidAlt`). */
  alt?: string
  fake?: FakeWhatsApp
  /** Default: a box under a fresh key. */
  authBox?: SecretBox
  /** The sender's retries (default the adapter's: 4 tries, 2 s apart and doubling). */
  retry?: { attempts: number; baseDelayMs: number }
}

export type WhatsAppDriver = ChatDriver & {
  readonly channel: WhatsAppChannel
  readonly fake: FakeWhatsApp
  readonly jid: string
  stop(): Promise<void>
}

export async function whatsappDriver(options: WhatsAppDriverOptions): Promise<WhatsAppDriver> {
  const fake = options.fake ?? fakeWhatsApp()
  const jid = options.jid ?? `628${Math.floor(1e9 + Math.random() * 8e9)}@s.whatsapp.net`
  const channel = await createWhatsAppChannel({
    db: options.db,
    authBox: options.authBox ?? testAuthBox(),
    engine: options.engine,
    logger: options.logger ?? pino({ level: 'silent' }),
    factory: fake.factory,
    pace: NO_PACE,
    replayWindowMs: 24 * 3_600_000,
    now: options.clock ?? (() => new Date()),
    ...(options.retry && { retry: options.retry }),
  })
  channel.start()
  fake.current().open()
  let lastOptions: string[] = []

  async function deliver(text: string): Promise<SeenReply[]> {
    const socket = fake.current()
    const before = socket.sent.length
    socket.receive([incoming({ from: jid, ...(options.alt && { alt: options.alt }), text })])
    await channel.drain()
    const replies = socket.sent
      .slice(before)
      .filter((message) => message.jid === jid && message.text !== undefined)
      .map((message) => parseShown(message.text ?? ''))
    const withOptions = [...replies].reverse().find((reply) => reply.options.length)
    if (withOptions) lastOptions = withOptions.options
    return replies
  }

  return {
    db: options.db,
    channel,
    fake,
    jid,
    send: deliver,
    tap(label) {
      const index = lastOptions.indexOf(label)
      if (index < 0) throw new Error(`no option "${label}" was offered; offered: ${lastOptions.join(', ')}`)
      return deliver(String(index + 1))
    },
    async deliver(at) {
      const socket = fake.current()
      const before = socket.sent.length
      await runOutbox(options.db, 'whatsapp', channel.send, at)
      await channel.drain()
      const replies = socket.sent
        .slice(before)
        .filter((message) => message.jid === jid && message.text !== undefined)
        .map((message) => parseShown(message.text ?? ''))
      const withOptions = [...replies].reverse().find((reply) => reply.options.length)
      if (withOptions) lastOptions = withOptions.options
      return replies
    },
    stop: () => channel.stop(),
  }
}
