/**
 * What one WhatsApp message is to the assistant: text to answer, something it cannot read (a
 * photo, a voice note…), or nothing to answer at all (our own message, a group, a status update,
 * a reaction…). Pure, so every kind of message is tested without a socket.
 */
import {
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidNormalizedUser,
  normalizeMessageContent,
  toNumber,
  type WAMessage,
} from '@whiskeysockets/baileys'

export type SkipReason = 'own' | 'group' | 'broadcast' | 'status' | 'newsletter' | 'no-content' | 'not-a-person'

export type ReadMessage =
  | { kind: 'skip'; reason: SkipReason }
  | {
      kind: 'message'
      /** Where to answer: the chat exactly as WhatsApp addressed it. */
      replyTo: string
      /** The sender's phone-number JID, when the message reveals it. */
      phoneJid?: string
      /** The sender's LID, when the message reveals it. */
      lid?: string
      messageId: string
      sentAt: Date
      /** The text to answer, or undefined for media the assistant cannot read. */
      text?: string
      /** A photo or document it carries, as the message describes it (read only while the chat talks to staff). */
      file?: WhatsAppFile
    }

/** A photo or document of a message, as the message describes it before anything is downloaded. */
export type WhatsAppFile = { size?: number; mimeType?: string; fileName?: string }

/** Media that deserve the polite "I can only read text" answer; anything else is not a message to answer. */
const MEDIA = [
  'imageMessage',
  'videoMessage',
  'audioMessage',
  'documentMessage',
  'stickerMessage',
  'locationMessage',
  'liveLocationMessage',
  'contactMessage',
  'contactsArrayMessage',
  'ptvMessage',
  'pollCreationMessage',
  'pollCreationMessageV3',
] as const

export function readMessage(message: WAMessage): ReadMessage {
  const key = message.key
  const remote = key.remoteJid ?? ''
  if (key.fromMe) return { kind: 'skip', reason: 'own' }
  if (isJidStatusBroadcast(remote)) return { kind: 'skip', reason: 'status' }
  if (isJidGroup(remote)) return { kind: 'skip', reason: 'group' }
  if (isJidBroadcast(remote)) return { kind: 'skip', reason: 'broadcast' }
  if (isJidNewsletter(remote)) return { kind: 'skip', reason: 'newsletter' }
  if (!isPnUser(remote) && !isLidUser(remote)) return { kind: 'skip', reason: 'not-a-person' }
  if (!key.id) return { kind: 'skip', reason: 'no-content' }

  const content = normalizeMessageContent(message.message)
  if (!content) return { kind: 'skip', reason: 'no-content' }
  const text =
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.videoMessage?.caption ??
    content.documentMessage?.caption ??
    // Replies to the old buttons and lists, still sent by some clients: the option's text.
    content.buttonsResponseMessage?.selectedDisplayText ??
    content.listResponseMessage?.title ??
    content.templateButtonReplyMessage?.selectedDisplayText ??
    undefined
  const isMedia = MEDIA.some((type) => content[type])
  if (!text?.trim() && !isMedia) return { kind: 'skip', reason: 'no-content' }

  const file = fileOf(content)
  const alt = key.remoteJidAlt ?? undefined
  const ids = [remote, alt].filter((jid): jid is string => Boolean(jid)).map((jid) => jidNormalizedUser(jid))
  const phoneJid = ids.find((jid) => isPnUser(jid))
  const lid = ids.find((jid) => isLidUser(jid))
  return {
    kind: 'message',
    replyTo: remote,
    ...(phoneJid && { phoneJid }),
    ...(lid && { lid }),
    messageId: key.id,
    sentAt: new Date(toNumber(message.messageTimestamp ?? 0) * 1000),
    ...(text?.trim() && { text }),
    ...(file && { file }),
  }
}

/**
 * The photo or document of a message (wrappers such as `documentWithCaptionMessage` already
 * unwrapped). A view-once photo is left out: the sender asked for it not to be kept.
 */
function fileOf(content: NonNullable<ReturnType<typeof normalizeMessageContent>>): WhatsAppFile | undefined {
  const media = content.documentMessage ?? (content.imageMessage?.viewOnce ? undefined : content.imageMessage)
  if (!media) return undefined
  const fileName = content.documentMessage?.fileName
  return {
    ...(media.fileLength !== null && media.fileLength !== undefined && { size: toNumber(media.fileLength) }),
    ...(media.mimetype && { mimeType: media.mimetype }),
    ...(fileName && { fileName }),
  }
}
