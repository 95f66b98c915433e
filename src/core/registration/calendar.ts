/**
 * A Bimtek session in the person's calendar: an .ics file (any calendar app) and a Google
 * Calendar link, both in UTC so every device shows the right local time.
 */
import { createEvent, type DateTime } from 'ics'
import { t } from '../messages.js'
import type { Attachment, Language, Text } from '../types.js'

/** Said instead of the file when a channel could not deliver it; "kalender" ("calendar") sends it again. */
const UNSENT: Text = {
  id: 'File kalender tidak terkirim; ketik *kalender* untuk mencoba lagi.',
  en: 'The calendar file could not be sent; type *calendar* to try again.',
}

export type CalendarSession = {
  code: string
  title: string
  startsAt: Date
  endsAt: Date
  mode: 'tatap_muka' | 'daring'
  venue: string | null
  mapUrl: string | null
  meetingUrl: string | null
}

const utcParts = (date: Date): DateTime => [
  date.getUTCFullYear(),
  date.getUTCMonth() + 1,
  date.getUTCDate(),
  date.getUTCHours(),
  date.getUTCMinutes(),
]

const where = (session: CalendarSession) =>
  session.mode === 'daring' ? `Daring: ${session.meetingUrl ?? ''}` : (session.venue ?? '')

function details(session: CalendarSession, registrationCode: string): string {
  const lines = [`Kode pendaftaran: ${registrationCode}`]
  if (session.mode === 'daring' && session.meetingUrl) lines.push(`Tautan: ${session.meetingUrl}`)
  if (session.mode === 'tatap_muka' && session.mapUrl) lines.push(`Peta: ${session.mapUrl}`)
  lines.push(`Batalkan lewat chat: ketik "batal ${registrationCode}".`)
  return lines.join('\n')
}

/**
 * The session as an .ics attachment (one event, UTC times, a reminder the day before), with the
 * note in `lang` for when it cannot be delivered.
 */
export function icsFile(session: CalendarSession, registrationCode: string, lang: Language): Attachment {
  const { error, value } = createEvent({
    productId: 'kesos-assistant',
    uid: `${registrationCode}@kesos-assistant`,
    title: session.title,
    description: details(session, registrationCode),
    location: where(session),
    ...(session.mode === 'daring' && session.meetingUrl && { url: session.meetingUrl }),
    start: utcParts(session.startsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: utcParts(session.endsAt),
    endInputType: 'utc',
    endOutputType: 'utc',
    status: 'CONFIRMED',
    // In hours: the ics package writes { days: 1 } as "-P1DT", which RFC 5545 does not allow.
    alarms: [{ action: 'display', description: session.title, trigger: { hours: 24, before: true } }],
  })
  if (error || !value) throw error ?? new Error('calendar file could not be made')
  return {
    filename: `bimtek-${registrationCode}.ics`,
    mimeType: 'text/calendar',
    bytes: new TextEncoder().encode(value),
    unsentNote: t(lang, UNSENT),
  }
}

const googleTime = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

/** A link that opens Google Calendar with the session filled in. */
export function googleCalendarLink(session: CalendarSession, registrationCode: string): string {
  const params = new URLSearchParams({
    action: 'TEMPLATE',
    text: session.title,
    dates: `${googleTime(session.startsAt)}/${googleTime(session.endsAt)}`,
    // Short: the link is shown in the chat; the .ics file carries the map and meeting links.
    details: `Kode pendaftaran: ${registrationCode}`,
    location: where(session),
  })
  return `https://calendar.google.com/calendar/render?${params.toString()}`
}
