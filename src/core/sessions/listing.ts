/**
 * Sessions and their registrations as the secretariat downloads them (admin API and CLI): a JSON
 * view with UTC times and the session's time zone, and CSV files for spreadsheets, whose times are
 * local to the session and written like the import file's.
 */
import { stringify } from 'csv-stringify/sync'
import type { SessionRegistration, SessionSummary } from '../../db/queries/sessions.js'
import { localText } from '../import/cells.js'
import { provinceByCode } from '../regions.js'
import { inert } from '../text/csv.js'

export function sessionView(s: SessionSummary) {
  return {
    id: s.id,
    code: s.code,
    title: s.title,
    targetGroup: s.targetGroup,
    regionCode: s.regionCode,
    regionName: s.regionName,
    regionCity: s.regionCity,
    mode: s.mode,
    venue: s.venue,
    mapUrl: s.mapUrl,
    meetingUrl: s.meetingUrl,
    provinceCode: s.provinceCode,
    provinceName: s.provinceCode ? (provinceByCode(s.provinceCode)?.name ?? null) : null,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    timeZone: s.timeZone,
    capacity: s.capacity,
    registrationOpensAt: s.registrationOpensAt.toISOString(),
    registrationClosesAt: s.registrationClosesAt.toISOString(),
    confirmed: s.confirmed,
    offered: s.offered,
    waitlisted: s.waitlisted,
    seatsLeft: s.cancelledAt ? 0 : Math.max(0, s.capacity - s.confirmed - s.offered),
    /** Cancelled from the console (null: not cancelled), with the reason the registrants were told. */
    cancelledAt: s.cancelledAt?.toISOString() ?? null,
    cancelReason: s.cancelReason,
    isDemo: s.isDemo,
  }
}

export function registrationView(r: SessionRegistration) {
  return {
    code: r.code,
    status: r.status,
    waitlistPosition: r.waitlistPosition,
    fullName: r.fullName,
    phone: r.phoneE164,
    professionGroup: r.professionGroup,
    institution: r.institution,
    provinceCode: r.provinceCode,
    provinceName: r.provinceCode ? (provinceByCode(r.provinceCode)?.name ?? null) : null,
    createdAt: r.createdAt.toISOString(),
  }
}

// The BOM makes Excel read the file as UTF-8; the importer skips it.
const csv = (columns: string[], rows: unknown[][]) => stringify(rows, { bom: true, header: true, columns })

/** The import file's columns (times local to `time_zone`) plus id, time zone and seat counts. */
export function sessionsCsv(sessions: SessionSummary[]): string {
  return csv(
    [
      'id',
      'code',
      'title',
      'target_group',
      'region',
      'mode',
      'venue',
      'map_url',
      'meeting_url',
      'province',
      'starts_at',
      'ends_at',
      'time_zone',
      'capacity',
      'registration_opens_at',
      'registration_closes_at',
      'confirmed',
      'offered',
      'waitlisted',
    ],
    sessions.map((s) => [
      s.id,
      s.code,
      s.title,
      s.targetGroup,
      s.regionCode,
      s.mode,
      s.venue,
      s.mapUrl,
      s.meetingUrl,
      s.provinceCode,
      localText(s.startsAt, s.timeZone),
      localText(s.endsAt, s.timeZone),
      s.timeZone,
      s.capacity,
      localText(s.registrationOpensAt, s.timeZone),
      localText(s.registrationClosesAt, s.timeZone),
      s.confirmed,
      s.offered,
      s.waitlisted,
    ]),
  )
}

/** One row per registration; created_at in the session's time zone. */
export function registrationsCsv(registrations: SessionRegistration[], timeZone: string): string {
  return csv(
    ['code', 'status', 'waitlist_position', 'full_name', 'phone', 'profession_group', 'institution', 'province', 'created_at'],
    registrations.map((r) => [
      r.code,
      r.status,
      r.waitlistPosition,
      inert(r.fullName),
      r.phoneE164,
      inert(r.professionGroup),
      inert(r.institution),
      r.provinceCode ? (provinceByCode(r.provinceCode)?.name ?? r.provinceCode) : null,
      localText(r.createdAt, timeZone),
    ]),
  )
}
