/**
 * The words every layer shares about a conversation: the channels, the languages, and a reply as
 * the core gives it and the outbox stores it. A leaf: imports nothing from the project, so the
 * database layer and the core can both use it without depending on each other.
 */

export const CHANNELS = ['telegram', 'whatsapp', 'console'] as const
export type Channel = (typeof CHANNELS)[number]

export const LANGUAGES = ['id', 'en'] as const
export type Language = (typeof LANGUAGES)[number]

/** A text in every language the assistant speaks. */
export type Text = Record<Language, string>

export type Choice = { id: string; label: string }

export type Attachment = {
  filename: string
  mimeType: string
  bytes: Uint8Array
  /**
   * What the person is told when the channel could not deliver this file (its text did go out), in
   * their language, with how to ask for it again. Without one, a plain note naming the file.
   */
  unsentNote?: string
}

export type Reply = {
  text: string
  /** Telegram: an inline keyboard; WhatsApp and the terminal: numbered lines. */
  choices?: Choice[]
  attachment?: Attachment
  /**
   * Telegram: a reply keyboard with one button that shares the account's own phone number
   * (`request_contact`), sent as a message of its own after this one; other channels ignore it.
   */
  requestContact?: { prompt: string; button: string }
}

/** WhatsApp's id of a phone number: E.164 "+6281…" → "6281…@s.whatsapp.net" (where a code or reminder to that number goes). */
export const whatsappJid = (e164: string): string => `${e164.replace(/^\+/, '')}@s.whatsapp.net`
