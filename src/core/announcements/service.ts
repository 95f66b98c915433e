/**
 * The announcement use cases staff reach from the console and the CLI: write a draft, preview it,
 * send it now or at a time, queue it through the outbox, and cancel it.
 */
import type { Db } from '../../db/client.js'
import type { ReachCounts } from '../../db/queries/announcement-audience.js'
import type { ConsoleScope } from '../../db/queries/console-scope.js'
import type { AnnouncementStatus, AudienceCriteria } from '../../vocabulary/announcements.js'
import type { ReminderSettings } from '../reminders/settings.js'
import type { Reply } from '../types.js'
import type { RawAudience } from './criteria.js'
import type { Checked } from './problems.js'

export type { ReachCounts } from '../../db/queries/announcement-audience.js'
export type { Checked } from './problems.js'

export type QuietHours = ReminderSettings['quiet']

export type AnnounceContext = {
  scope: ConsoleScope
  /** 'staff:12' | 'cli' */
  actor: string
  staffId: number | null
  now: Date
}

export type AnnouncementInput = { audience: RawAudience; textId: string; textEn?: string | null; expiresAt?: Date | null }

export type AnnouncementRecord = {
  id: number
  code: string
  status: AnnouncementStatus
  actor: string
  staffId: number | null
  regionId: number | null
  criteria: AudienceCriteria
  textId: string
  textEn: string | null
  urgent: boolean
  localDate: string | null
  localTime: string | null
  startAt: Date | null
  expiresAt: Date | null
  rolledTo: Date | null
  queuedAt: Date | null
  finishedAt: Date | null
  cancelledAt: Date | null
  createdAt: Date
}

export type PreviewSample = {
  channel: 'telegram' | 'whatsapp'
  personId: number
  name: string
  language: 'id' | 'en'
  reply: Reply
}

export type AnnouncementPreview = {
  reach: ReachCounts
  /** One per channel that has recipients. */
  samples: PreviewSample[]
  /** Indonesian: quiet-hours waits per zone, cap forecast, no-personal-placeholder warning, empty values. */
  notes: string[]
}

export type SendWhen = { mode: 'now' } | { mode: 'schedule'; localDate: string; localTime: string }

export type QueueSettings = { batchPeople: number; pauseMs: number }

export type QueueResult = { people: number; rows: number; reach: ReachCounts; finished: boolean }

/** A draft; audit announcement.created. */
export function createAnnouncement(
  _db: Db,
  _input: AnnouncementInput,
  _ctx: AnnounceContext,
): Checked<{ id: number; code: string }> {
  throw new Error('not built yet')
}

export function updateDraft(
  _db: Db,
  _id: number,
  _input: AnnouncementInput,
  _ctx: AnnounceContext,
): Checked<{ id: number; code: string }> {
  throw new Error('not built yet')
}

/** By id or code; another region's announcement → undefined. */
export function announcementInScope(_db: Db, _scope: ConsoleScope, _idOrCode: number | string): AnnouncementRecord | undefined {
  throw new Error('not built yet')
}

/** Counts, one real sample per channel, notes; audit announcement.previewed. */
export function previewAnnouncement(
  _db: Db,
  _id: number,
  _ctx: AnnounceContext,
  _opts: { sample?: number; quiet: QuietHours; cap?: { perDay: number; remainingToday: number } },
): AnnouncementPreview {
  throw new Error('not built yet')
}

/** draft → scheduled (a time) or queuing (now; the caller then runs queueAnnouncement). */
export function sendAnnouncement(
  _db: Db,
  _id: number,
  _when: SendWhen,
  _urgent: boolean,
  _ctx: AnnounceContext,
  _quiet: QuietHours,
): Checked<{ status: 'scheduled' | 'queuing'; startAt: Date | null }> {
  throw new Error('not built yet')
}

/** Queues (or resumes) one announcement batch by batch; stops early when it was cancelled. */
export async function queueAnnouncement(
  _db: Db,
  _id: number,
  _now: () => Date,
  _settings: QueueSettings,
  _sleep?: (ms: number) => Promise<void>,
): Promise<QueueResult> {
  throw new Error('not built yet')
}

/** The scheduler's minute job: queue due scheduled ones, resume interrupted queuing, mark `sending` ones with nothing left `done` (totals frozen). */
export async function runAnnouncements(
  _db: Db,
  _now: () => Date,
  _settings: QueueSettings,
): Promise<{ queued: number; finished: number }> {
  throw new Error('not built yet')
}

export function cancelAnnouncement(_db: Db, _id: number, _ctx: AnnounceContext): Checked<{ cancelledRows: number }> {
  throw new Error('not built yet')
}
