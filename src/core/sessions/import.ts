/**
 * The Bimtek sessions file (`npm run cli -- import sessions FILE.csv`, POST /api/v1/admin/sessions):
 * one row per session, matched on `code`: a new code adds a session, a known one updates it.
 * Times are wall-clock times where the session happens: in the province's zone when a province is
 * given, else in the zone of the organising BBPPKS region (see README, "Data import").
 */
import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Db } from '../../db/client.js'
import { listRegions, type Region, type SessionFields, sessionWrites } from '../../db/queries/sessions.js'
import { bimtekSessions, registrations } from '../../db/schema.js'
import { type CsvImport, type ImportOptions, type ImportResult, importCsv } from '../import/csv.js'
import {
  atZone,
  cell,
  codeCell,
  localDateTime,
  optionalText,
  optionalWebAddress,
  requiredText,
  shown,
  wholeNumber,
} from '../import/fields.js'
import { findProvince, type Province } from '../regions.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { findTargetGroup, TARGET_GROUPS, type TargetGroup } from './target-groups.js'

export const SESSION_COLUMNS = [
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
  'capacity',
  'registration_opens_at',
  'registration_closes_at',
] as const

export const MAX_CAPACITY = 10_000

const MODES: Record<string, SessionFields['mode']> = {
  tatap_muka: 'tatap_muka',
  'tatap muka': 'tatap_muka',
  tatapmuka: 'tatap_muka',
  luring: 'tatap_muka',
  offline: 'tatap_muka',
  daring: 'daring',
  online: 'daring',
  virtual: 'daring',
}

const code = codeCell('kode unik sesi, mis. BMT-MKS-2026-01')

const targetGroup = cell<TargetGroup>((value) => {
  const group = findTargetGroup(value)
  return group
    ? { value: group }
    : { reason: `tidak dikenal (tertulis ${shown(value)}); pilih salah satu: ${TARGET_GROUPS.join(', ')}` }
})

const mode = cell<SessionFields['mode']>((value) => {
  const found = MODES[value.toLowerCase().replace(/[\s-]+/g, ' ')]
  return found
    ? { value: found }
    : { reason: `harus tatap_muka (atau luring) atau daring (atau online) (tertulis ${shown(value)})` }
})

const province = cell<Province | null>((value) => {
  if (value === '') return { value: null }
  const found = findProvince(value)
  return found
    ? { value: found }
    : { reason: `tidak dikenal (tertulis ${shown(value)}); isi kode Kemendagri (mis. 73) atau nama provinsi` }
})

/** R1–R6 or the region's city, as the regions table has them now (staff may edit it). */
const region = (all: Region[]) => {
  const key = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim()
  const byKey = new Map(all.flatMap((r) => [[key(r.code), r] as const, [key(r.city), r] as const]))
  const choices = all.map((r) => `${r.code} (${r.city})`).join(', ')
  return cell<Region>((value) => {
    const found = byKey.get(key(value))
    return found
      ? { value: found }
      : { reason: `tidak dikenal (tertulis ${shown(value)}); isi kode atau kota BBPPKS: ${choices}` }
  })
}

function sessionSchema(regions: Region[]) {
  return z
    .object({
      code,
      title: requiredText(200),
      target_group: targetGroup,
      region: region(regions),
      mode,
      venue: optionalText(500, { multiline: true }),
      map_url: optionalWebAddress,
      meeting_url: optionalWebAddress,
      province,
      starts_at: localDateTime,
      ends_at: localDateTime,
      capacity: wholeNumber(1, MAX_CAPACITY),
      registration_opens_at: localDateTime,
      registration_closes_at: localDateTime,
    })
    .transform((row, ctx): SessionFields => {
      let problems = 0
      const problem = (column: (typeof SESSION_COLUMNS)[number], message: string) => {
        problems += 1
        ctx.addIssue({ code: 'custom', path: [column], message })
      }
      if (row.mode === 'tatap_muka' && !row.venue) problem('venue', 'wajib diisi untuk sesi tatap muka (nama tempat dan alamat)')
      if (row.mode === 'daring' && !row.meeting_url)
        problem('meeting_url', 'wajib diisi untuk sesi daring (tautan rapat, diawali https://)')
      const timeZone = row.province?.timeZone ?? row.region.timeZone
      const [startsAt, endsAt, opensAt, closesAt] = [
        row.starts_at,
        row.ends_at,
        row.registration_opens_at,
        row.registration_closes_at,
      ].map((local) => atZone(local, timeZone)) as [Date, Date, Date, Date]
      if (endsAt <= startsAt) problem('ends_at', 'harus sesudah starts_at')
      if (opensAt >= closesAt) problem('registration_opens_at', 'harus sebelum registration_closes_at')
      if (closesAt > startsAt)
        problem('registration_closes_at', 'paling lambat starts_at (pendaftaran ditutup sebelum sesi mulai)')
      if (problems) return z.NEVER
      return {
        code: row.code,
        title: row.title,
        targetGroup: row.target_group,
        regionId: row.region.id,
        mode: row.mode,
        venue: row.venue,
        mapUrl: row.map_url,
        meetingUrl: row.meeting_url,
        provinceCode: row.province?.code ?? null,
        startsAt,
        endsAt,
        timeZone,
        capacity: row.capacity,
        registrationOpensAt: opensAt,
        registrationClosesAt: closesAt,
      }
    })
}

/**
 * Adds or updates a session; a smaller capacity must still hold the seats already taken or offered.
 * The people confirmed for a session that moved or changed place are collected in `replan`.
 */
function sessionWriter(db: Db, replan: Set<number>, now: Date): CsvImport<SessionFields>['write'] {
  const writes = sessionWrites(db)
  return (_db, fields) => {
    const id = writes.idOf(fields.code)
    if (id === undefined) {
      writes.insert(fields)
      return 'inserted'
    }
    const held = writes.heldSeats(id)
    if (fields.capacity < held) {
      return {
        column: 'capacity',
        message: `${fields.capacity} lebih kecil dari ${held} kursi yang sudah terisi atau ditawarkan (terkonfirmasi + ditawari); isi paling sedikit ${held}`,
      }
    }
    const before = db.select().from(bimtekSessions).where(eq(bimtekSessions.id, id)).get()
    writes.update(id, fields, now)
    const told = ['title', 'mode', 'venue', 'mapUrl', 'meetingUrl', 'timeZone'] as const
    if (
      before &&
      (before.startsAt.getTime() !== fields.startsAt.getTime() ||
        before.endsAt.getTime() !== fields.endsAt.getTime() ||
        told.some((key) => before[key] !== fields[key]))
    ) {
      const confirmed = db
        .select({ personId: registrations.personId })
        .from(registrations)
        .where(and(eq(registrations.sessionId, id), eq(registrations.status, 'confirmed')))
        .all()
      for (const row of confirmed) replan.add(row.personId)
    }
    return 'updated'
  }
}

export type SessionImportOptions = ImportOptions & {
  /** The reminder settings the people of a moved session are planned again with. */
  reminders: ReminderSettings
}

/** Imports a sessions CSV: every row or none (see importCsv). */
export function importSessions(db: Db, input: string | Uint8Array, options: SessionImportOptions): ImportResult {
  const replan = new Set<number>()
  const spec: CsvImport<SessionFields> = {
    entity: 'bimtek_sessions',
    columns: SESSION_COLUMNS,
    schema: sessionSchema(listRegions(db)),
    key: { column: 'code', normalise: (value) => value.toUpperCase() },
    write: sessionWriter(db, replan, options.now),
    // Once every row is written, in the same transaction: the reminders of the people of a session
    // that moved or changed place are planned again, each person once (the old ones still waiting
    // are cancelled, the new ones tell the new time and place).
    finish: (tx) => {
      if (replan.size > 0) planReminders(tx, replan, options.now, options.reminders)
    },
  }
  return importCsv(db, input, spec, options)
}
