/**
 * The reminder plan: for each person, event and chat, the reminders due before the event, kept in
 * the outbox as `kind = 'reminder'` rows (see docs/reminders.md). Planning a person is
 * idempotent and is done again whenever something it depends on changes: a registration is
 * confirmed or cancelled, an exam or session is imported or moved, the status import changes a
 * portfolio deadline, a chat is linked, blocked, or says "stop pengingat" / "mulai pengingat".
 *
 * Each reminder's idempotency key names the event, the event's start, the reminder and the chat,
 * so it is sent at most once; an event that moves gets new reminders for its new time and the old
 * ones still waiting are cancelled.
 */
import { DateTime } from 'luxon'
import type { Db } from '../../db/client.js'
import { reminderChatsOf } from '../../db/queries/chat-links.js'
import { personZone } from '../../db/queries/people.js'
import { cancelReminder, queueReminder, rewriteReminder, waitingRemindersOf } from '../../db/queries/reminders.js'
import type { Channel } from '../../vocabulary/message.js'
import { eventsOfPerson } from './events.js'
import { reminderReply } from './message.js'
import type { ReminderSettings } from './settings.js'

const minuteOfDay = (at: DateTime) => at.hour * 60 + at.minute

/** Whether `at` falls in the quiet hours of `timeZone`. */
export function isQuiet(at: Date, timeZone: string, quiet: ReminderSettings['quiet']): boolean {
  if (quiet.start === quiet.end) return false
  const minute = minuteOfDay(DateTime.fromJSDate(at, { zone: timeZone }))
  return quiet.start < quiet.end ? minute >= quiet.start && minute < quiet.end : minute >= quiet.start || minute < quiet.end
}

/** The end of the quiet hours `at` falls in (only meaningful when `isQuiet`). */
export function quietEnd(at: Date, timeZone: string, quiet: ReminderSettings['quiet']): Date {
  const local = DateTime.fromJSDate(at, { zone: timeZone })
  let end = local.startOf('day').plus({ minutes: quiet.end })
  if (end <= local) end = end.plus({ days: 1 })
  return end.toJSDate()
}

/**
 * When a reminder planned for `due` is sent: at `due`, or when the quiet hours it falls in end
 * (06:00 in the person's zone), unless the event starts first: then at `due` after all.
 */
export function sendTime(due: Date, eventAt: Date, timeZone: string, quiet: ReminderSettings['quiet']): Date {
  if (!isQuiet(due, timeZone, quiet)) return due
  const end = quietEnd(due, timeZone, quiet)
  return end < eventAt ? end : due
}

export type PlanResult = { queued: number; updated: number; cancelled: number }

type Wanted = {
  key: string
  channel: Channel
  chatId: string
  eventKey: string
  label: string
  payload: string
  dueAt: Date
  expiresAt: Date
}

/**
 * Brings the planned reminders of these people in line with their events, chats and settings:
 * new reminders queued, changed ones rewritten, ones no longer wanted cancelled with the reason.
 * Reminders whose time has already passed when they are planned are not created (someone who
 * registers two days ahead gets the 1-day and 2-hour reminders, not the 7-day one). Must run
 * inside the caller's write transaction, so a registration or import and its reminders land
 * together.
 */
export async function planReminders(
  db: Db,
  personIds: Iterable<number>,
  now: Date,
  settings: ReminderSettings,
): Promise<PlanResult> {
  const result: PlanResult = { queued: 0, updated: 0, cancelled: 0 }
  for (const personId of new Set(personIds)) {
    const zone = await personZone(db, personId)
    if (zone === undefined) continue
    const chats = await reminderChatsOf(db, personId, now)
    const events = await eventsOfPerson(db, personId, now, zone)
    const wanted = new Map<string, Wanted>()
    // Reminders whose time has passed are not created now, but one already waiting is left to the
    // outbox (sent late within the grace period, else skipped with the reason), not cancelled.
    const overdue = new Set<string>()
    for (const event of events) {
      const times =
        event.kind === 'portofolio'
          ? settings.portfolioDays.map((days) => {
              const local = DateTime.fromJSDate(event.startsAt, { zone }).startOf('day').minus({ days }).set({ hour: 9 })
              return { label: `${days}d`, due: local.toJSDate() }
            })
          : settings.offsets.map((offset) => ({ label: offset.label, due: new Date(event.startsAt.getTime() - offset.ms) }))
      for (const time of times) {
        const dueAt = sendTime(time.due, event.startsAt, zone, settings.quiet)
        for (const chat of chats) {
          const key = `reminder:${event.key}@${event.startsAt.getTime()}:${time.label}:${chat.channel}:${chat.chatId}`
          if (dueAt < now) {
            overdue.add(key)
            continue
          }
          wanted.set(key, {
            key,
            channel: chat.channel,
            chatId: chat.chatId,
            eventKey: event.key,
            label: time.label,
            payload: JSON.stringify(reminderReply(event, time.label, chat.language, chat.channel, zone, dueAt)),
            dueAt,
            expiresAt: event.startsAt,
          })
        }
      }
    }

    const waiting = await waitingRemindersOf(db, personId)
    const eventStarts = new Map(events.map((event) => [event.key, event.startsAt.getTime()]))
    const chatKeys = new Set(chats.map((chat) => `${chat.channel}:${chat.chatId}`))
    for (const row of waiting) {
      const want = wanted.get(row.key)
      if (!want && overdue.has(row.key)) continue
      if (!want) {
        const reason = !eventStarts.has(row.eventKey ?? '')
          ? 'cancelled: the event was cancelled or is no longer ahead'
          : !row.key.includes(`@${eventStarts.get(row.eventKey ?? '')}:`)
            ? 'cancelled: the event moved (new reminders are planned for the new time)'
            : !chatKeys.has(`${row.channel}:${row.chatId}`)
              ? 'cancelled: reminders stopped in this chat, or the chat was unlinked or blocked'
              : 'cancelled: no longer in the reminder settings'
        await cancelReminder(db, row.id, reason, now)
        result.cancelled++
      } else if (row.status === 'pending' && (row.payload !== want.payload || row.dueAt.getTime() !== want.dueAt.getTime())) {
        await rewriteReminder(db, row.id, want, now)
        result.updated++
      }
    }
    const known = new Set(waiting.map((row) => row.key))
    for (const want of wanted.values()) {
      if (known.has(want.key)) continue
      result.queued += await queueReminder(db, { ...want, personId, timeZone: zone }, now)
    }
  }
  return result
}
