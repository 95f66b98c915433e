/**
 * Announcements (issue 21): one message from the secretariat to the people an audience selects,
 * queued through the outbox one row per person and chat (docs/announcements.md). The words shared
 * by the database, the core, the console and the CLI.
 */

import { EXAM_KINDS, type ExamKind } from './events.js'
import { CERTIFICATION_STAGES, type CertificationStage } from './stages.js'

/**
 * draft: written, not sent; scheduled: waits for its start; queuing: rows being written (a crash
 * resumes it); sending: every row written, the outbox delivers; done: nothing left to send;
 * cancelled: stopped by staff (what was not yet sent stays unsent).
 */
export const ANNOUNCEMENT_STATUSES = ['draft', 'scheduled', 'queuing', 'sending', 'done', 'cancelled'] as const
export type AnnouncementStatus = (typeof ANNOUNCEMENT_STATUSES)[number]

/** Why a person of the audience gets a message or not, decided when queued; `queued` = at least one chat row. */
export const RECIPIENT_REACH = ['queued', 'no_chat', 'blocked', 'opted_out'] as const
export type RecipientReach = (typeof RECIPIENT_REACH)[number]

/** A recipient chat's outcome, copied from its outbox row by trigger (null while it waits; unknown: a crash while sending it). */
export const RECIPIENT_OUTCOMES = ['sent', 'late', 'failed', 'unknown', 'skipped', 'blocked_by_user', 'cancelled'] as const
export type RecipientOutcome = (typeof RECIPIENT_OUTCOMES)[number]

/** Which registrants of a session: confirmed, on the waiting list (an offered seat included), or both. */
export const REGISTRANT_FILTERS = ['confirmed', 'waitlisted', 'all'] as const
export type RegistrantFilter = (typeof REGISTRANT_FILTERS)[number]

/** The stages and exam kinds an audience may name: the schema's own lists. */
export const AUDIENCE_STAGES = CERTIFICATION_STAGES
export type AudienceStage = CertificationStage
export const AUDIENCE_EXAM_KINDS = EXAM_KINDS
export type AudienceExamKind = ExamKind

/**
 * Who an announcement is for. Every criterion is optional; the ones given are combined with AND;
 * the values inside one criterion with OR. At least one criterion is required ("everyone" is said
 * with the regions). Dates are local calendar days `YYYY-MM-DD`, read in each person's (or exam's)
 * own zone.
 */
export type AudienceCriteria = {
  session?: { id: number; registrants: RegistrantFilter }
  stages?: AudienceStage[]
  regionCodes?: string[]
  provinceCodes?: string[]
  examDay?: { date: string; kinds?: AudienceExamKind[] }
  portfolioDue?: { from: string; to: string }
}

/** The placeholders a text may hold, filled per person; any other `{…}` is refused before sending. */
export const PLACEHOLDERS = ['nama', 'sesi', 'tanggal', 'jam', 'tempat', 'tautan'] as const
export type Placeholder = (typeof PLACEHOLDERS)[number]

/** Outbox rows of announcements: `kind`, and `event_key` = prefix + the announcement's id. */
export const ANNOUNCEMENT_KIND = 'announcement'
export const ANNOUNCEMENT_EVENT_PREFIX = 'announcement:'
