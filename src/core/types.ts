/** The message model shared by every channel: adapters turn platform updates into `Inbound`
 * and render the `Reply` list the core returns. */
import type { Channel, Language } from '../db/schema.js'

export type { Channel, Language }

export type Inbound = {
  channel: Channel
  /** Where to answer. */
  chatId: string
  /** Who wrote (WhatsApp: one identity for phone JID and LID). */
  userId: string
  /** The platform's message id, for de-duplication. */
  messageId: string
  /** What was typed. */
  text?: string
  /** Id of a tapped option (a Telegram button). */
  choice?: string
  /** The sender's own mobile number in E.164, when the channel tells (WhatsApp): offered, never assumed. */
  senderPhone?: string
  /** Something the assistant cannot read (a photo, sticker, voice note…); answered politely. */
  unsupported?: boolean
  receivedAt: Date
}

export type Choice = { id: string; label: string }

export type Attachment = { filename: string; mimeType: string; bytes: Uint8Array }

export type Reply = {
  text: string
  /** Telegram: an inline keyboard; WhatsApp and the terminal: numbered lines. */
  choices?: Choice[]
  attachment?: Attachment
}

/** A text in every language the assistant speaks. */
export type Text = Record<Language, string>
