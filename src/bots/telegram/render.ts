/** How a core `Reply` looks on Telegram: HTML text, choices as an inline keyboard. */
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup } from 'grammy/types'
import type { Choice } from '../../core/types.js'

/** Telegram's limit for callback data, in bytes. */
export const CALLBACK_DATA_LIMIT = 64
/** Telegram's limit for one message's text, in characters. */
const TEXT_LIMIT = 4096

/** Text made safe for Telegram's HTML parse mode. */
export const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The core writes *bold* as WhatsApp does; Telegram gets it as HTML. */
export function toHtml(text: string): string {
  return escapeHtml(text).replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
}

/** Splits a long text at paragraph or line breaks so no part passes Telegram's limit. */
export function splitText(text: string, limit = TEXT_LIMIT): string[] {
  const parts: string[] = []
  let rest = text
  while (rest.length > limit) {
    const cut = Math.max(rest.lastIndexOf('\n\n', limit), rest.lastIndexOf('\n', limit), rest.lastIndexOf(' ', limit))
    const at = cut > limit / 2 ? cut : limit
    parts.push(rest.slice(0, at).trimEnd())
    rest = rest.slice(at).trimStart()
  }
  parts.push(rest)
  return parts
}

/**
 * The callback data of a choice: its id, or, if the id would not fit Telegram's 64 bytes, its
 * number among the options (which the core reads like a typed number).
 */
export function callbackData(choice: Choice, index: number): string {
  return Buffer.byteLength(choice.id, 'utf8') <= CALLBACK_DATA_LIMIT ? choice.id : String(index + 1)
}

/** One button per row: labels are sentences, and long ones must stay readable on a phone. */
export function keyboard(choices: Choice[]): InlineKeyboardMarkup {
  return { inline_keyboard: choices.map((choice, i) => [{ text: choice.label, callback_data: callbackData(choice, i) }]) }
}

/** One button that shares the account's own number (`request_contact`); gone once used. */
export function contactKeyboard(label: string): ReplyKeyboardMarkup {
  return { keyboard: [[{ text: label, request_contact: true }]], one_time_keyboard: true, resize_keyboard: true }
}
