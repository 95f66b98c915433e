/**
 * Queuing an announcement: the audience in person-id order, batch by batch, each batch one
 * IMMEDIATE transaction that re-reads the status (a cancelled announcement stops), writes the
 * recipient rows and one outbox row per person and chat, and moves `queued_through` on. A crash
 * between batches leaves the announcement `queuing`: the minute job resumes after the last
 * committed person, and the keys (`ann:<id>:<chat account>`) make a repeated batch write nothing.
 */
import type { Db } from '../../db/client.js'
import { audienceBatch, type ReachCounts } from '../../db/queries/announcement-audience.js'
import {
  advanceQueue,
  announcementsIn,
  announcementTotals,
  beginQueuing,
  findAnnouncement,
  finishAnnouncement,
  hasWaitingRows,
  queueCursor,
  queueWriter,
} from '../../db/queries/announcements.js'
import { transaction } from '../../db/store.js'
import { ANNOUNCEMENT_EVENT_PREFIX } from '../../vocabulary/announcements.js'
import { announcementRenderer } from './message.js'
import { audienceOf, audit, senderOf, toRecord } from './record.js'
import { dueAtFor } from './schedule.js'
import { newValueCache, placeholderValues } from './values.js'

export type QueueSettings = { batchPeople: number; pauseMs: number }

export type QueueResult = { people: number; rows: number; reach: ReachCounts; finished: boolean }

const defaultSleep = (ms: number) => new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)))

/** Announcements this process is queuing now (the minute job does not start a second loop on them). */
const inFlight = new Set<number>()

const reachOf = async (db: Db, id: number): Promise<ReachCounts> => {
  const t = await announcementTotals(db, id)
  return {
    people: t.people,
    queued: t.queued,
    noChat: t.noChat,
    blocked: t.blocked,
    optedOut: t.optedOut,
    chats: { telegram: t.byChannel.telegram.rows, whatsapp: t.byChannel.whatsapp.rows },
  }
}

/** Queues (or resumes) one announcement batch by batch; stops early when it was cancelled. */
export async function queueAnnouncement(
  db: Db,
  id: number,
  now: () => Date,
  settings: QueueSettings,
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Promise<QueueResult> {
  const row = await findAnnouncement(db, id, null)
  if (!row) throw new Error(`announcement ${id} not found`)
  if (row.status !== 'queuing' || inFlight.has(id)) {
    return { people: 0, rows: 0, reach: await reachOf(db, id), finished: row.status === 'sending' || row.status === 'done' }
  }
  inFlight.add(id)
  try {
    const record = toRecord(row)
    const renderer = announcementRenderer({ textId: record.textId, textEn: record.textEn, sender: await senderOf(db, record) })
    const cache = newValueCache()
    const eventKey = `${ANNOUNCEMENT_EVENT_PREFIX}${id}`
    const dueByZone = new Map<string, number>()
    const batchPeople = Math.max(1, settings.batchPeople)
    let people = 0
    let rows = 0
    for (;;) {
      const at = now()
      const query = await audienceOf(db, record, at)
      const dueOf = (zone: string) => {
        if (!record.localDate) return at.getTime()
        let due = dueByZone.get(zone)
        if (due === undefined) {
          due = dueAtFor(record, zone, at).getTime()
          dueByZone.set(zone, due)
        }
        return due
      }
      const batch = await transaction(db, async (tx) => {
        const cursor = await queueCursor(tx, id)
        if (cursor?.status !== 'queuing') return { stop: true, people: 0, rows: 0, done: false, reach: undefined }
        const audience = await audienceBatch(tx, query, cursor.queuedThrough, batchPeople)
        const expiresAt = record.expiresAt?.getTime() ?? null
        const write = queueWriter(tx, { announcementId: id, eventKey, expiresAt, at: at.getTime() })
        for (const person of audience) {
          if (person.reach !== 'queued') {
            write.recipient(person.personId, '', '', person.reach, null)
            continue
          }
          const dueAt = dueOf(person.zone)
          const timeZone = record.urgent ? null : person.zone
          let payloadId: string | undefined
          let payloadEn: string | undefined
          for (const chat of person.chats) {
            let payload = chat.language === 'en' ? payloadEn : payloadId
            if (payload === undefined) {
              const language = renderer.languageFor(chat.language)
              payload = JSON.stringify({ text: renderer.render(language, placeholderValues(person, language, cache)) })
              if (chat.language === 'en') payloadEn = payload
              else payloadId = payload
            }
            write.recipient(person.personId, chat.channel, chat.chatId, 'queued', dueAt)
            write.outbox(`ann:${id}:${chat.identityId}`, chat.channel, chat.chatId, person.personId, timeZone, payload, dueAt)
          }
        }
        const written = await write.finish()
        const done = audience.length < batchPeople
        const last = audience.at(-1)?.personId ?? cursor.queuedThrough
        await advanceQueue(tx, id, last, done, at.getTime())
        const reach = done ? await reachOf(tx, id) : undefined
        if (reach) {
          await audit(tx, at, record.actor, 'announcement.sent', record.code, {
            people: reach.people,
            queued: reach.queued,
            noChat: reach.noChat,
            blocked: reach.blocked,
            optedOut: reach.optedOut,
            chats: reach.chats,
            urgent: record.urgent,
          })
        }
        return { stop: false, people: audience.length, rows: written, done, reach }
      })
      people += batch.people
      rows += batch.rows
      if (batch.stop) return { people, rows, reach: await reachOf(db, id), finished: false }
      if (batch.reach) {
        await finishIfDone(db, id, now())
        return { people, rows, reach: batch.reach, finished: true }
      }
      await sleep(settings.pauseMs)
    }
  } finally {
    inFlight.delete(id)
  }
}

/** A `sending` announcement with no row waiting or being sent → done, its totals frozen. */
async function finishIfDone(db: Db, id: number, at: Date): Promise<boolean> {
  return await transaction(db, async (tx) => {
    if (await hasWaitingRows(tx, id)) return false
    return finishAnnouncement(tx, id, at.getTime(), JSON.stringify(await announcementTotals(tx, id)))
  })
}

/** The scheduler's minute job: queue due scheduled ones, resume interrupted queuing, mark `sending` ones with nothing left `done` (totals frozen). */
export async function runAnnouncements(
  db: Db,
  now: () => Date,
  settings: QueueSettings,
): Promise<{ queued: number; finished: number }> {
  let queued = 0
  let finished = 0
  // One announcement that fails (a broken row, a bug) must not hold up the others: each is tried,
  // and the first failure is thrown at the end for the scheduler to log.
  let failure: unknown
  const each = async (work: () => unknown) => {
    try {
      await work()
    } catch (error) {
      failure ??= error
    }
  }
  for (const id of await announcementsIn(db, 'scheduled', now().getTime()))
    await each(() => beginQueuing(db, id, now().getTime()))
  for (const id of await announcementsIn(db, 'queuing', now().getTime())) {
    if (inFlight.has(id)) continue
    await each(async () => {
      const result = await queueAnnouncement(db, id, now, settings)
      if (result.finished) queued += 1
    })
  }
  for (const id of await announcementsIn(db, 'sending', now().getTime())) {
    await each(async () => {
      if (await finishIfDone(db, id, now())) finished += 1
    })
  }
  if (failure !== undefined) throw failure
  return { queued, finished }
}
