/**
 * Announcement fixtures: a database with the regions, people with a province, zone, stage and any
 * mix of chats (linked or not, blocked, opted out, WhatsApp that wrote or not), and shortcuts for
 * the use cases as staff run them. Sessions and exams come from the existing helpers
 * (sessions.ts `addSession`, reminders.ts `confirm` / `addExam`).
 */

import { eq } from 'drizzle-orm'
import {
  type AnnounceContext,
  createAnnouncement,
  queueAnnouncement,
  sendAnnouncement,
} from '../../src/core/announcements/service.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { type Db, openDatabase, written } from '../../src/db/client.js'
import { type ConsoleScope, consoleRegions } from '../../src/db/queries/console-scope.js'
import { ensureReferenceData } from '../../src/db/reference-data.js'
import { certificationStages, channelIdentities, outbox, people, registrations } from '../../src/db/schema.js'
import type { AudienceStage } from '../../src/vocabulary/announcements.js'
import { DAY } from './reminders.js'

export const QUIET = DEFAULT_REMINDER_SETTINGS.quiet
/** Monday 23 November 2026, 09.00 WIB (10.00 WITA, 11.00 WIT): outside quiet hours everywhere. */
export const MONDAY_9_WIB = new Date('2026-11-23T02:00:00Z')

/** An in-memory database with every migration and the six regions. */
export async function announceDb(): Promise<Db> {
  const db = openDatabase(':memory:')
  await ensureReferenceData(db)
  return db
}

export type ChatSpec = {
  channel: 'telegram' | 'whatsapp' | 'console'
  language?: 'id' | 'en'
  /** Default true: linked until long after any test's clock. */
  linked?: boolean
  /** The link ended (a day before the test's clock). */
  expired?: boolean
  blocked?: boolean
  /** Said "stop info". */
  off?: boolean
  /** WhatsApp: wrote to the assistant before (default true). */
  wrote?: boolean
  chatId?: string
}

export type PersonSpec = {
  name?: string
  province?: string | null
  zone?: string
  /** Stages reached, in order (the last one is the current stage); a portofolio stage gets `portfolioDue`. */
  stages?: AudienceStage[]
  portfolioDue?: Date
  chats?: ChatSpec[]
}

let chatCounter = 0

/** A person with the given province, zone, stages and chats (default: one linked Telegram chat); returns the id. */
export async function addRecipient(db: Db, spec: PersonSpec = {}, now: Date = MONDAY_9_WIB): Promise<number> {
  const id = written(
    await db
      .insert(people)
      .values({
        fullName: spec.name ?? 'Rina Wulandari',
        provinceCode: spec.province === undefined ? '73' : spec.province,
        timeZone: spec.zone ?? 'Asia/Makassar',
      })
      .returning({ id: people.id }),
  ).id
  for (const [i, stage] of (spec.stages ?? []).entries()) {
    await db.insert(certificationStages).values({
      personId: id,
      stage,
      reachedAt: new Date(now.getTime() - (30 - i) * DAY),
      dueAt: stage === 'portofolio' ? (spec.portfolioDue ?? null) : null,
    })
  }
  for (const chat of spec.chats ?? [{ channel: 'telegram' as const }]) {
    chatCounter += 1
    const chatId =
      chat.chatId ??
      (chat.channel === 'whatsapp' ? `62812${String(1_000_000 + chatCounter)}@s.whatsapp.net` : `${700_000 + chatCounter}`)
    const linked = chat.linked ?? true
    await db.insert(channelIdentities).values({
      channel: chat.channel,
      userId: chatId,
      chatId,
      personId: linked ? id : null,
      language: chat.language ?? 'id',
      linkedAt: linked ? new Date(now.getTime() - DAY) : null,
      linkExpiresAt: linked ? new Date(chat.expired ? now.getTime() - DAY : now.getTime() + 3650 * DAY) : null,
      blockedAt: chat.blocked ? new Date(now.getTime() - DAY) : null,
      announcementsOffAt: chat.off ? new Date(now.getTime() - DAY) : null,
      wroteAt: chat.channel === 'whatsapp' && chat.wrote === false ? null : new Date(now.getTime() - 2 * DAY),
    })
  }
  return id
}

/** Registers a person on a session with a status (reminders.ts `confirm` makes only confirmed ones). */
export async function register(
  db: Db,
  personId: number,
  sessionId: number,
  status: 'confirmed' | 'waitlisted' | 'offered' | 'cancelled',
) {
  await db.insert(registrations).values({ code: `BMT-A${personId}X${sessionId}`, sessionId, personId, status })
}

/** A region's scope, as a regional staff account of it has. */
export async function regionScope(db: Db, code: string): Promise<ConsoleScope> {
  const region = (await consoleRegions(db)).find((r) => r.code === code)
  if (!region) throw new Error(`no region ${code}`)
  return region
}

export const ctxAt = (now: Date, scope: ConsoleScope = null, actor = 'cli'): AnnounceContext => ({
  scope,
  actor,
  staffId: actor.startsWith('staff:') ? Number(actor.slice(6)) : null,
  now,
})

/** Creates an announcement or fails the test with its problems. */
export async function draft(db: Db, input: Parameters<typeof createAnnouncement>[1], ctx: AnnounceContext) {
  const made = await createAnnouncement(db, input, ctx)
  if (!made.ok) throw new Error(`refused: ${made.problems.map((p) => p.message).join(' | ')}`)
  return made.value
}

/** Creates, sends now and queues an announcement (as "Kirim sekarang" does); returns its id, code and the queue's result. */
export async function announceNow(
  db: Db,
  input: Parameters<typeof createAnnouncement>[1],
  ctx: AnnounceContext,
  options: { urgent?: boolean; batchPeople?: number } = {},
) {
  const made = await draft(db, input, ctx)
  const sent = await sendAnnouncement(db, made.id, { mode: 'now' }, options.urgent ?? false, ctx, QUIET)
  if (!sent.ok) throw new Error(`refused: ${sent.problems.map((p) => p.message).join(' | ')}`)
  const result = await queueAnnouncement(db, made.id, () => ctx.now, { batchPeople: options.batchPeople ?? 500, pauseMs: 0 })
  return { ...made, result }
}

/** The announcement's outbox rows, in id order. */
export async function announcementRows(db: Db, id: number) {
  return await db
    .select()
    .from(outbox)
    .where(eq(outbox.eventKey, `announcement:${id}`))
    .orderBy(outbox.id)
}

/** The text of one outbox row. */
export const textOf = (row: { payload: string }) => (JSON.parse(row.payload) as { text: string }).text
