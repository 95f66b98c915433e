/**
 * The text of a reminder, in the person's language and time zone: what, when (with WIB/WITA/WIT,
 * and the place's own time when it differs), where or the link, what to bring or prepare, and how
 * to answer: HADIR, BATAL, or "stop pengingat". On Telegram HADIR and BATAL are also buttons;
 * WhatsApp shows no buttons any more, so there they are words to type.
 */

import { EVENT_KIND, type EventKind } from '../../vocabulary/events.js'
import { fill } from '../messages.js'
import { zoneLabelOrName as label } from '../regions.js'
import { when, where } from '../registration/format.js'
import { formatClock as clock, formatDate } from '../text/dates.js'
import type { Channel, Language, Text } from '../types.js'
import type { ReminderEvent } from './events.js'
import { type StoredReply, soonAt } from './send-time.js'
import { readOffsetLabel } from './settings.js'

/** Choice ids of the Telegram buttons: `reminder:hadir:<event key>`, `reminder:batal:<event key>`. */
export const REMINDER_ACTION = 'reminder:'

/**
 * What to bring or prepare when the schedule does not say: general advice only (the official
 * invitation has the binding list, and the reminder says so).
 */
const PREPARE: Record<EventKind, Record<'tatap_muka' | 'daring', Text>> = {
  bimtek: {
    tatap_muka: {
      id: 'KTP asli, kode pendaftaran di atas, dan alat tulis. Datang 30 menit sebelum mulai.',
      en: 'Your ID card (KTP), the registration code above, and something to write with. Arrive 30 minutes early.',
    },
    daring: {
      id: 'Laptop atau ponsel dengan kamera, koneksi internet yang stabil, dan KTP. Masuk 15 menit sebelum mulai.',
      en: 'A laptop or phone with a camera, a stable internet connection, and your ID card (KTP). Join 15 minutes early.',
    },
  },
  ujian_kognitif: {
    tatap_muka: {
      id: 'KTP asli dan kartu/undangan peserta. Datang 30 menit sebelum mulai.',
      en: 'Your ID card (KTP) and your exam invitation. Arrive 30 minutes early.',
    },
    daring: {
      id: 'Perangkat yang baterainya penuh, koneksi internet yang stabil, tempat yang tenang, dan KTP. Masuk 15 menit sebelum mulai.',
      en: 'A fully charged device, a stable internet connection, a quiet place, and your ID card (KTP). Join 15 minutes early.',
    },
  },
  wawancara: {
    tatap_muka: {
      id: 'KTP asli dan bukti praktik (portofolio) Anda. Datang 30 menit sebelum mulai.',
      en: 'Your ID card (KTP) and your practice evidence (portfolio). Arrive 30 minutes early.',
    },
    daring: {
      id: 'Laptop atau ponsel dengan kamera, koneksi internet yang stabil, KTP, dan bukti praktik (portofolio) Anda. Masuk 15 menit sebelum mulai.',
      en: 'A laptop or phone with a camera, a stable internet connection, your ID card (KTP) and your practice evidence (portfolio). Join 15 minutes early.',
    },
  },
  portofolio: {
    tatap_muka: {
      id: 'Lengkapi dan unggah bukti praktik (portofolio) Anda sebelum batas waktu.',
      en: 'Complete and upload your practice evidence (portfolio) before the deadline.',
    },
    daring: {
      id: 'Lengkapi dan unggah bukti praktik (portofolio) Anda sebelum batas waktu.',
      en: 'Complete and upload your practice evidence (portfolio) before the deadline.',
    },
  },
}

const texts = {
  title: { id: '⏰ *Pengingat: {what}* ({soon})', en: '⏰ *Reminder: {what}* ({soon})' },
  when: { id: '🗓 Waktu: {when}', en: '🗓 When: {when}' },
  deadline: { id: '🗓 Batas waktu: {when}', en: '🗓 Deadline: {when}' },
  where: { id: '📍 {where}', en: '📍 {where}' },
  online: { id: '💻 Daring: {link}', en: '💻 Online: {link}' },
  onlineNoLink: {
    id: '💻 Daring: tautan dikirim oleh sekretariat',
    en: '💻 Online: the secretariat sends the link',
  },
  venue: { id: '📍 Tatap muka: {venue}', en: '📍 In person: {venue}' },
  code: { id: '🔖 Kode: {code}', en: '🔖 Code: {code}' },
  prepare: { id: '🎒 Siapkan: {prepare}', en: '🎒 Bring/prepare: {prepare}' },
  official: {
    id: 'Ikuti juga petunjuk di undangan resmi dari sekretariat.',
    en: 'Also follow the instructions in the official invitation from the secretariat.',
  },
  answer: {
    id: 'Balas *HADIR* bila Anda akan datang, atau *BATAL* bila tidak bisa.',
    en: 'Reply *HADIR* if you will attend, or *BATAL* if you cannot.',
  },
  stop: {
    id: 'Tidak ingin menerima pengingat lagi? Ketik *stop pengingat*.',
    en: 'No more reminders? Type *stop pengingat*.',
  },
  hadir: { id: 'HADIR', en: 'HADIR (I will attend)' },
  batal: { id: 'BATAL', en: 'BATAL (I cannot come)' },
} satisfies Record<string, Text>

/** "H-7", "H-1" (days before) or "2 jam lagi" / "in 2 hours", from the reminder's label (its name in lists). */
export function soonText(reminderLabel: string, lang: Language): string {
  const offset = readOffsetLabel(reminderLabel)
  if (!offset) return reminderLabel
  const n = offset.amount
  if (offset.unit === 'd') return lang === 'id' ? `H-${n}` : n === 1 ? 'tomorrow' : `in ${n} days`
  if (offset.unit === 'h') return lang === 'id' ? `${n} jam lagi` : `in ${n} hour${n === 1 ? '' : 's'}`
  return lang === 'id' ? `${n} menit lagi` : `in ${n} minutes`
}

/** "Kamis, 10 Desember 2026, 09.00 WIT": a moment in one zone. */
export function localMoment(date: Date, zone: string, lang: Language): string {
  return `${formatDate(date, 'weekdayDate', lang, zone)}, ${clock(date, zone)} ${label(zone)}`
}

/** A moment in the reader's zone, with the place's own time when its zone differs. */
function moment(date: Date, placeZone: string, readerZone: string, lang: Language): string {
  const main = localMoment(date, readerZone, lang)
  if (label(placeZone) === label(readerZone)) return main
  return `${main} (${lang === 'id' ? 'di lokasi' : 'local time'} ${clock(date, placeZone)} ${label(placeZone)})`
}

/**
 * The reminder `reminderLabel` (e.g. "1d") of `event`, for a chat on `channel` in `lang`, due at
 * `dueAt`: its title says how soon as seen at `dueAt`, and carries what the outbox needs to say it
 * again at the moment it is really sent (see send-time.ts).
 */
export function reminderReply(
  event: ReminderEvent,
  reminderLabel: string,
  lang: Language,
  channel: Channel,
  readerZone: string,
  dueAt: Date,
): StoredReply {
  const tx = (text: Text, values: Record<string, string> = {}) => fill(text[lang], values)
  const offset = readOffsetLabel(reminderLabel)
  const facts = offset && { unit: offset.unit, startsAt: event.startsAt.getTime(), zone: readerZone, lang }
  const soon = facts ? soonAt(facts, dueAt) : soonText(reminderLabel, lang)
  const lines = [tx(texts.title, { what: EVENT_KIND[event.kind].long[lang], soon })]
  if (event.session) lines.push(`*${event.session.title}*`)
  if (event.kind === 'portofolio') {
    lines.push(tx(texts.deadline, { when: localMoment(event.startsAt, readerZone, lang) }))
  } else if (event.session) {
    lines.push(tx(texts.when, { when: when(event.session, lang, readerZone) }))
    lines.push(`📍 ${where(event.session, lang)}`)
  } else {
    lines.push(tx(texts.when, { when: moment(event.startsAt, event.timeZone, readerZone, lang) }))
    if (event.mode === 'daring')
      lines.push(event.meetingUrl ? tx(texts.online, { link: event.meetingUrl }) : tx(texts.onlineNoLink))
    else if (event.venue) lines.push(tx(texts.venue, { venue: event.venue }))
  }
  if (event.code) lines.push(tx(texts.code, { code: event.code }))
  const prepare = event.preparation ?? PREPARE[event.kind][event.mode ?? 'tatap_muka'][lang]
  lines.push(tx(texts.prepare, { prepare }))
  if (event.kind !== 'portofolio') lines.push(tx(texts.official))
  const footer = event.kind === 'portofolio' ? [tx(texts.stop)] : [tx(texts.answer), tx(texts.stop)]
  const reply: StoredReply = { text: [lines.join('\n'), ...footer].join('\n\n') }
  // Buttons only where they work (Telegram); WhatsApp and the terminal read the words.
  if (channel === 'telegram' && event.kind !== 'portofolio') {
    reply.choices = [
      { id: `${REMINDER_ACTION}hadir:${event.key}`, label: texts.hadir[lang] },
      { id: `${REMINDER_ACTION}batal:${event.key}`, label: texts.batal[lang] },
    ]
  }
  if (facts) reply.soon = { ...facts, planned: soon }
  return reply
}
