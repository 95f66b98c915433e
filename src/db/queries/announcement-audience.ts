/**
 * Who an announcement reaches, in SQL: the audience's criteria combined with AND, always ANDed
 * with the staff scope, and per person whether a chat can be sent to (no_chat > blocked >
 * opted_out > queued). Local-day windows are computed by the core and passed in: this layer does
 * not know time zones.
 */
import type { AudienceCriteria, RecipientReach } from '../../vocabulary/announcements.js'
import type { Language } from '../../vocabulary/message.js'
import type { Db } from '../client.js'
import type { ConsoleScope } from './console-scope.js'

/** Half-open UTC windows [from, to) of one local day (exam day) or range (portfolio), per zone. */
export type ZoneWindows = {
  examDay?: { zone: string; from: number; to: number }[]
  portfolioDue?: { zone: string; from: number; to: number }[]
}

export type ReachCounts = {
  /** People in the audience; queued + noChat + blocked + optedOut = people. */
  people: number
  queued: number
  noChat: number
  blocked: number
  optedOut: number
  /** Chat rows that will be queued, per channel. */
  chats: { telegram: number; whatsapp: number }
}

export type AudienceChat = { identityId: number; channel: 'telegram' | 'whatsapp'; chatId: string; language: Language }

/** What the placeholders of one person speak about: their session, exam or portfolio deadline. */
export type AudienceSubject = {
  kind: 'session' | 'exam' | 'portfolio'
  title: string | null
  code: string | null
  /** UTC ms (a portfolio deadline: its due time). */
  startsAt: number | null
  /** The place's zone (the session's or exam's). */
  zone: string | null
  venue: string | null
  link: string | null
  /** For an exam: its kind (ujian_kognitif, wawancara). */
  examKind: string | null
}

export type AudienceRow = {
  personId: number
  fullName: string
  zone: string
  provinceCode: string | null
  reach: RecipientReach
  /** The chats a row is queued for (empty unless reach = queued). */
  chats: AudienceChat[]
  subject: AudienceSubject | null
}

export type AudienceQuery = {
  criteria: AudienceCriteria
  scope: ConsoleScope
  zones: ZoneWindows
  now: Date
}

export type AudienceSql = { sql: string; args: (string | number)[] }

/** `p.…` conditions for the criteria and the staff scope; never empty. */
export function audienceWhere(_criteria: AudienceCriteria, _scope: ConsoleScope, _zones: ZoneWindows): AudienceSql {
  throw new Error('not built yet')
}

/** One aggregate query: how many people the audience holds and how many can be reached, and why not. */
export function reachCounts(_db: Db, _query: AudienceQuery): ReachCounts {
  throw new Error('not built yet')
}

/** The next `limit` people after `afterPersonId` (id order), with their sendable chats and subject data. */
export function audienceBatch(_db: Db, _query: AudienceQuery, _afterPersonId: number, _limit: number): AudienceRow[] {
  throw new Error('not built yet')
}

/** A real recipient for the preview: the `offset`-th queued person with a chat on `channel` (id order). */
export function sampleRecipient(
  _db: Db,
  _query: AudienceQuery,
  _channel: 'telegram' | 'whatsapp',
  _offset = 0,
): AudienceRow | undefined {
  throw new Error('not built yet')
}
