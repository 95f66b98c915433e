/**
 * A stored announcement as the use cases read it, and what they share: its audience query in its
 * maker's scope, who it says it comes from, and the audit row.
 */
import type { Db } from '../../db/client.js'
import type { AudienceQuery } from '../../db/queries/announcement-audience.js'
import { type AnnouncementRow, scopeOfRegion } from '../../db/queries/announcements.js'
import { writeAudit } from '../../db/queries/audit.js'
import type { AnnouncementStatus, AudienceCriteria } from '../../vocabulary/announcements.js'
import { zoneWindowsOf } from './criteria.js'
import { CENTRE_SENDER } from './message.js'

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

export const date = (ms: number | null) => (ms === null ? null : new Date(ms))

export function toRecord(row: AnnouncementRow): AnnouncementRecord {
  return {
    id: row.id,
    code: row.code,
    status: row.status,
    actor: row.actor,
    staffId: row.staffId,
    regionId: row.regionId,
    criteria: JSON.parse(row.criteria) as AudienceCriteria,
    textId: row.textId,
    textEn: row.textEn,
    urgent: row.urgent === 1,
    localDate: row.localDate,
    localTime: row.localTime,
    startAt: date(row.startAt),
    expiresAt: date(row.expiresAt),
    rolledTo: date(row.rolledTo),
    queuedAt: date(row.queuedAt),
    finishedAt: date(row.finishedAt),
    cancelledAt: date(row.cancelledAt),
    createdAt: new Date(row.createdAt),
  }
}

/** The audit row of a use case (no personal data in `details`). */
export async function audit(
  db: Db,
  at: Date,
  actor: string,
  action: string,
  code: string,
  details?: Record<string, unknown>,
): Promise<void> {
  await writeAudit(db, { at, actor, action, entity: 'announcement', entityId: code, details })
}

/** The audience query of a stored announcement, in its maker's scope. */
export async function audienceOf(db: Db, record: AnnouncementRecord, now: Date): Promise<AudienceQuery> {
  return {
    criteria: record.criteria,
    scope: await scopeOfRegion(db, record.regionId),
    zones: zoneWindowsOf(record.criteria),
    now,
  }
}

/** Who the announcement says it comes from: the maker's region centre, or the secretariat. */
export async function senderOf(db: Db, record: { regionId: number | null }): Promise<string> {
  const scope = await scopeOfRegion(db, record.regionId)
  return scope && scope.name !== '?' ? scope.name : CENTRE_SENDER
}
