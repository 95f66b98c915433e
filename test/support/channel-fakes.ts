/**
 * A server process with both channels on over their local fakes (test/support/fake-telegram.ts,
 * test/support/fake-whatsapp-server.ts): the settings that point it at them, and a first message on
 * Telegram. Shared by the production end-to-end test and the startup bench.
 */
import type { FakeTelegram } from './fake-telegram.js'
import type { FakeWhatsAppServer } from './fake-whatsapp-server.js'

/** The server's keys: a service with a channel on refuses the development ones. */
export const CHANNEL_KEYS = {
  DATA_ENCRYPTION_KEY: '5e'.repeat(32),
  CERT_SIGNING_KEY: 'channels-signing-key-0123456789abcdef0123',
}

/**
 * Telegram (long polling) and WhatsApp on over the fakes, with CHANNEL_KEYS. WhatsApp answers at
 * once: the pace is WhatsApp's rule for real numbers, not part of what is tested or measured.
 */
export function fakeChannelsEnv(telegram: FakeTelegram, whatsapp: FakeWhatsAppServer): Record<string, string> {
  return {
    ...CHANNEL_KEYS,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    WHATSAPP_ENABLED: 'true',
    WHATSAPP_SOCKET_URL: whatsapp.url,
    WHATSAPP_SEND_INTERVAL_MS: '0',
    WHATSAPP_SEND_JITTER_MS: '0',
    WHATSAPP_TYPING_MS: '0',
  }
}

/** A text message from Siti in her private chat `chatId`, as Telegram puts it in an update. */
export function privateMessage(chatId: number, text: string, messageId = 1) {
  return {
    message_id: messageId,
    date: Math.floor(Date.now() / 1000),
    chat: { id: chatId, type: 'private', first_name: 'Siti' },
    from: { id: chatId, is_bot: false, first_name: 'Siti', language_code: 'id' },
    text,
  }
}

/** "halo" from Siti in the private chat `chatId`, as Telegram delivers it; resolves with the text of the first answer. */
export async function helloOnTelegram(telegram: FakeTelegram, chatId: number): Promise<string> {
  const before = telegram.calls.length
  telegram.pushUpdate({ message: privateMessage(chatId, 'halo') })
  await telegram.waitFor(
    (calls) => calls.slice(before).some((call) => call.method === 'sendMessage' && call.payload.chat_id === chatId),
    10_000,
  )
  return String(telegram.sent(chatId)[0]?.payload.text)
}
