/**
 * The part of a Baileys socket the adapter uses, and the factory that makes a real one. Tests
 * pass their own factory returning a fake socket, so no test ever opens a connection.
 */
import makeWASocket, { type AuthenticationState, type BaileysEventMap, Browsers, type WASocket } from '@whiskeysockets/baileys'
import type { Logger } from 'pino'
import { scrubNumbers } from '../../core/privacy/mask.js'

export type WhatsAppSocket = {
  ev: { on<E extends keyof BaileysEventMap>(event: E, listener: (arg: BaileysEventMap[E]) => void): void }
  sendMessage: WASocket['sendMessage']
  sendPresenceUpdate: WASocket['sendPresenceUpdate']
  readMessages: WASocket['readMessages']
  requestPairingCode: WASocket['requestPairingCode']
  /** Asks the sender's phone to upload a photo or document again when its media link has expired. */
  updateMediaMessage: WASocket['updateMediaMessage']
  /** Closes the socket (`undefined`: a deliberate stop); Baileys removes every listener. */
  end: WASocket['end']
}

export type SocketFactory = (auth: AuthenticationState) => WhatsAppSocket

/** Baileys' own logs carry phone numbers and message ids: only their gist, digits masked, reaches ours. */
export function baileysLogger(logger: Logger): NonNullable<Parameters<typeof makeWASocket>[0]['logger']> {
  const mask = (value: unknown) => scrubNumbers(String(value ?? ''))
  const write = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (obj: unknown, msg?: string) => {
    const text = msg ?? (typeof obj === 'string' ? obj : '')
    const err = obj && typeof obj === 'object' && 'err' in obj ? (obj as { err?: { message?: string } }).err : undefined
    logger[level]({ module: 'baileys', ...(err?.message && { error: mask(err.message) }) }, mask(text))
  }
  const wrapper = {
    level: logger.level,
    child: () => wrapper,
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  }
  return wrapper
}

/**
 * libsignal (Baileys' Signal protocol) prints each session it opens or closes with console.info,
 * private keys included, and some protocol events with console.warn: on stdout that breaks the JSON
 * log and leaks keys. Nothing else in the server writes to the console, so those two go to the log
 * at debug level, their words only (objects dropped).
 */
function keepSignalOffConsole(logger: Logger) {
  const say = (words: unknown) => {
    if (typeof words === 'string') logger.debug({ module: 'libsignal' }, words)
  }
  console.info = say
  console.warn = say
}

/** A real socket: connects at once (to `url`: WhatsApp, or a proxy). Settings for a bot, not a person's phone. */
export function baileysSocketFactory(logger: Logger, url?: string): SocketFactory {
  // Baileys is chatty at info; what an operator needs (connection state) the adapter logs itself.
  const quiet = logger.child({}, { level: logger.isLevelEnabled('debug') ? 'debug' : 'error' })
  keepSignalOffConsole(quiet)
  return (auth) =>
    makeWASocket({
      auth,
      logger: baileysLogger(quiet),
      browser: Browsers.ubuntu('Kesos Assistant'),
      // Keep the phone's notifications on, and do not download years of chat history.
      markOnlineOnConnect: false,
      syncFullHistory: false,
      // Groups, broadcasts and newsletters are never answered: do not even decrypt them.
      shouldIgnoreJid: (jid) => /@(g\.us|broadcast|newsletter)$/.test(jid),
      getMessage: async () => undefined,
      ...(url && { waWebSocketUrl: url }),
    })
}
