/**
 * The message an announcement becomes in one chat: a header naming the sender, the staff's text
 * with its placeholders filled, and a footer saying how to stop announcements (`stop info`),
 * which staff cannot edit. An English chat gets the English text when there is one, else the
 * Indonesian text with the Indonesian header and footer (one language per message). Nothing is
 * varied at random: two people with the same values get the same bytes.
 */
import type { Placeholder } from '../../vocabulary/announcements.js'
import type { Language, Reply, Text } from '../types.js'
import { type CompiledText, compileText, fillCompiled } from './placeholders.js'

export const STOP_FOOTER: Text = {
  id: '— Ketik *stop info* untuk berhenti menerima pengumuman. Pengingat jadwal Anda tetap dikirim.',
  en: '— Type *stop info* to stop announcements. Reminders about your own dates still come.',
}

export const ANNOUNCEMENT_HEADER: Text = { id: '📢 *Pengumuman* · {sender}', en: '📢 *Announcement* · {sender}' }

/** Who an announcement comes from: the region's centre, or the secretariat for every region. */
export const CENTRE_SENDER = 'Sekretariat Sertifikasi SDM Kesos'

export type AnnouncementTexts = { textId: string; textEn: string | null; sender: string }

/** Compiled once per announcement; `render(lang, values)` gives the text for one chat. */
export function announcementRenderer(texts: AnnouncementTexts): {
  /** The language the message is actually written in for a chat in `lang`. */
  languageFor: (lang: Language) => Language
  render: (lang: Language, values: Record<Placeholder, string>) => string
} {
  const compiled: Record<Language, CompiledText> = {
    id: compileText(texts.textId.trim()),
    en: compileText((texts.textEn ?? texts.textId).trim()),
  }
  const hasEn = texts.textEn !== null && texts.textEn.trim() !== ''
  const languageFor = (lang: Language): Language => (lang === 'en' && hasEn ? 'en' : 'id')
  const frame = {
    id: { header: ANNOUNCEMENT_HEADER.id.replace('{sender}', texts.sender), footer: STOP_FOOTER.id },
    en: { header: ANNOUNCEMENT_HEADER.en.replace('{sender}', texts.sender), footer: STOP_FOOTER.en },
  }
  return {
    languageFor,
    render(lang, values) {
      const used = languageFor(lang)
      return `${frame[used].header}\n\n${fillCompiled(compiled[used], values)}\n\n${frame[used].footer}`
    },
  }
}

/** One chat's announcement as a Reply (no buttons: WhatsApp shows none). */
export function announcementReply(input: AnnouncementTexts & { lang: Language; values: Record<Placeholder, string> }): Reply {
  return { text: announcementRenderer(input).render(input.lang, input.values) }
}
