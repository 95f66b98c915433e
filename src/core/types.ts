/** The message model shared by every channel: adapters turn platform updates into `Inbound`
 * and render the `Reply` list the core returns. */
import type { Channel } from '../vocabulary/message.js'

// The words shared with the database layer live in the vocabulary; the core's users find them here too.
export type { Attachment, Channel, Choice, Language, Reply, Text } from '../vocabulary/message.js'

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
  /**
   * The sender's own mobile number in E.164, when the channel vouches for it (WhatsApp: the phone
   * JID, or the number WhatsApp mapped the LID to; the terminal's --phone outside production).
   */
  senderPhone?: string
  /**
   * A contact card the sender shared (Telegram). `own`: Telegram says it is the sender's own
   * account (its user_id is the sender's), so the number is vouched for; a typed or forwarded
   * contact is not.
   */
  contact?: { phone: string; own: boolean }
  /** Something the assistant cannot read (a photo, sticker, voice note…); answered politely. */
  unsupported?: boolean
  /** A photo or PDF, read only while the chat talks to staff (see `mediaWanted`); else `unsupported` as before. */
  media?: InboundMedia
  receivedAt: Date
}

/**
 * A file the person sent while talking to staff: what its bytes really are (never the type the
 * sender declared), or why it was not taken (`size`: its size in bytes, when known).
 */
export type InboundMedia =
  | { kind: 'image' | 'pdf'; mimeType: string; fileName?: string; bytes: Uint8Array }
  | { rejected: 'too_big' | 'type'; size?: number }
