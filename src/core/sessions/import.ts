/**
 * The Bimtek sessions file (`npm run cli -- import sessions FILE.csv`, POST /api/v1/admin/sessions):
 * one row per session, matched on `code`: a new code adds a session, a known one updates it.
 * Times are wall-clock times where the session happens: in the province's zone when a province is
 * given, else in the zone of the organising BBPPKS region (see docs/import-formats.md, "Bimtek sessions").
 */
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { confirmedPeopleOfSession } from '../../db/queries/registrations.js'
import { listRegions, type Region, type SessionFields, sessionRow, sessionWrites } from '../../db/queries/sessions.js'
import { transaction } from '../../db/store.js'
import {
  atZone,
  code,
  known,
  localDateTime,
  oneOf,
  optional,
  optionalText,
  optionalWebAddress,
  requiredText,
  shown,
  wholeNumber,
  words,
} from '../import/cells.js'
import {
  type CsvRow,
  formRow,
  type ImportProgress,
  type ImportRegion,
  type ImportResult,
  importCsv,
  outsideRegion,
  uniqueColumn,
} from '../import/csv.js'
import { findProvince } from '../regions.js'
import { planReminders } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { findTargetGroup, TARGET_GROUPS } from './target-groups.js'

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

export type SessionImportCounts = { inserted: number; updated: number }

export type SessionImportOptions = {
  /** Who imports ("cli", "admin-api"), for the audit log. */
  actor: string
  /** "Now": when the sessions changed. */
  now: Date
  /** The reminder settings the people of moved sessions are planned again with. */
  reminders: ReminderSettings
  onProgress?: ImportProgress
  /** Check and compute, then roll back: what the import would do, nothing kept (see ImportOptions). */
  dryRun?: boolean
  /** A regional staff member's import: rows of other regions refused (see ImportRegion). */
  region?: ImportRegion | undefined
  /** More for the audit entry (see ImportOptions). */
  auditDetails?: Record<string, string>
}

/** How a session, or an exam, is held. */
export const mode = oneOf<SessionFields['mode']>(
  {
    'tatap muka': 'tatap_muka',
    tatapmuka: 'tatap_muka',
    luring: 'tatap_muka',
    offline: 'tatap_muka',
    daring: 'daring',
    online: 'daring',
    virtual: 'daring',
  },
  (value) => `harus tatap_muka (atau luring) atau daring (atau online) (tertulis ${shown(value)})`,
  words,
)

/** What is held tatap muka needs a venue, what is held daring a meeting link ("sesi" or "ujian" is `what`). */
export function requirePlace(
  row: CsvRow<'venue' | 'meeting_url'>,
  cells: { mode: SessionFields['mode']; venue: string | null; meeting_url: string | null },
  what: string,
): void {
  if (cells.mode === 'tatap_muka' && !cells.venue)
    row.reject('venue', `wajib diisi untuk ${what} tatap muka (nama tempat dan alamat)`)
  if (cells.mode === 'daring' && !cells.meeting_url)
    row.reject('meeting_url', `wajib diisi untuk ${what} daring (tautan rapat, diawali https://)`)
}

const targetGroup = known(
  findTargetGroup,
  (value) => `tidak dikenal (tertulis ${shown(value)}); pilih salah satu: ${TARGET_GROUPS.join(', ')}`,
)

const province = optional(
  known(findProvince, (value) => `tidak dikenal (tertulis ${shown(value)}); isi kode Kemendagri (mis. 73) atau nama provinsi`),
)

/** R1–R6 or the region's city, as the regions table has them now (staff may edit it). */
const region = (all: Region[]) => {
  const key = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim()
  const byKey = new Map(all.flatMap((r) => [[key(r.code), r] as const, [key(r.city), r] as const]))
  const choices = all.map((r) => `${r.code} (${r.city})`).join(', ')
  return known(
    (value) => byKey.get(key(value)),
    (value) => `tidak dikenal (tertulis ${shown(value)}); isi kode atau kota BBPPKS: ${choices}`,
  )
}

export type SessionColumn = (typeof SESSION_COLUMNS)[number]
type Column = SessionColumn

/** Checks a row's cells, then how they fit together: the session's fields, or undefined after the reasons. */
function sessionChecker(regions: Region[]) {
  const parsers = {
    code: code('kode unik sesi, mis. BMT-MKS-2026-01'),
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
  }
  return (row: CsvRow<Column>): SessionFields | undefined => {
    const cells = row.cells(parsers)
    if (!cells) return undefined
    requirePlace(row, cells, 'sesi')
    const timeZone = cells.province?.timeZone ?? cells.region.timeZone
    const [startsAt, endsAt, opensAt, closesAt] = [
      cells.starts_at,
      cells.ends_at,
      cells.registration_opens_at,
      cells.registration_closes_at,
    ].map((local) => atZone(local, timeZone)) as [Date, Date, Date, Date]
    if (endsAt <= startsAt) row.reject('ends_at', 'harus sesudah starts_at')
    if (opensAt >= closesAt) row.reject('registration_opens_at', 'harus sebelum registration_closes_at')
    if (closesAt > startsAt)
      row.reject('registration_closes_at', 'paling lambat starts_at (pendaftaran ditutup sebelum sesi mulai)')
    if (row.bad) return undefined
    return {
      code: cells.code,
      title: cells.title,
      targetGroup: cells.target_group,
      regionId: cells.region.id,
      mode: cells.mode,
      venue: cells.venue,
      mapUrl: cells.map_url,
      meetingUrl: cells.meeting_url,
      provinceCode: cells.province?.code ?? null,
      startsAt,
      endsAt,
      timeZone,
      capacity: cells.capacity,
      registrationOpensAt: opensAt,
      registrationClosesAt: closesAt,
    }
  }
}

type WriteOutcome = 'inserted' | 'updated' | { column: Column; reason: string }

/**
 * Adds or updates a session; a smaller capacity must still hold the seats already taken or offered,
 * a cancelled session stays as it was, and a session on record must belong to the region of a
 * regional import (else the reason, and nothing is kept). The people confirmed for a session that
 * moved or changed place are collected in `replan`.
 */
function sessionWriter(db: Db, now: Date, replan: Set<number>, region: ImportRegion | undefined) {
  const writes = sessionWrites(db)
  return async (fields: SessionFields): Promise<WriteOutcome> => {
    const stored = await writes.byCode(fields.code)
    if (stored === undefined) {
      await writes.insert(fields)
      return 'inserted'
    }
    // A regional account may not take over another region's session by reusing its code.
    if (region && stored.regionId !== region.id) {
      return { column: 'code', reason: outsideRegion(region, 'kode ini milik sesi yang sudah tercatat') }
    }
    const { id } = stored
    const before = await sessionRow(db, id)
    if (before?.cancelledAt) {
      return { column: 'code', reason: 'sesi ini sudah dibatalkan dan tidak dapat diubah lagi; buat sesi baru dengan kode lain' }
    }
    const held = await writes.heldSeats(id)
    if (fields.capacity < held) {
      return {
        column: 'capacity',
        reason: `${fields.capacity} lebih kecil dari ${held} kursi yang sudah terisi atau ditawarkan (terkonfirmasi + ditawari); isi paling sedikit ${held}`,
      }
    }
    await writes.update(id, fields, now)
    const told = ['title', 'mode', 'venue', 'mapUrl', 'meetingUrl', 'timeZone'] as const
    if (
      before &&
      (before.startsAt.getTime() !== fields.startsAt.getTime() ||
        before.endsAt.getTime() !== fields.endsAt.getTime() ||
        told.some((key) => before[key] !== fields[key]))
    ) {
      for (const personId of await confirmedPeopleOfSession(db, id)) replan.add(personId)
    }
    return 'updated'
  }
}

/**
 * Imports a sessions CSV, matched on `code`: every row or none (see importCsv). In the same
 * transaction, the reminders of the people of a session that moved or changed place are planned again.
 */
export async function importSessions(
  db: Db,
  input: string | Uint8Array,
  options: SessionImportOptions,
): Promise<ImportResult<SessionImportCounts>> {
  const { now, region } = options
  const regions = await listRegions(db)
  const check = sessionChecker(regions)
  const unique = uniqueColumn<Column>('code', (value) => value.toUpperCase())
  const rows: { line: number; fields: SessionFields }[] = []
  return await importCsv(
    db,
    input,
    {
      entity: 'bimtek_sessions',
      columns: SESSION_COLUMNS,
      check: (row) => {
        unique(row)
        const fields = check(row)
        if (fields && region && fields.regionId !== region.id) {
          const code = regions.find((r) => r.id === fields.regionId)?.code ?? ''
          row.reject('region', outsideRegion(region, `sesi ini (wilayah ${code})`))
        } else if (fields) rows.push({ line: row.line, fields })
      },
      write: async ({ db: tx, reject, rejected, progress }) => {
        const counts: SessionImportCounts = { inserted: 0, updated: 0 }
        const replan = new Set<number>()
        const write = sessionWriter(tx, now, replan, region)
        for (const [index, { line, fields }] of rows.entries()) {
          const outcome = await write(fields)
          if (typeof outcome === 'string') counts[outcome] += 1
          else reject(line, outcome.column, outcome.reason)
          progress(index + 1)
        }
        // Nothing will be kept once a row is refused: no reminders to plan then.
        if (rejected()) return counts
        // Each person once: the old reminders still waiting are cancelled, the new ones tell the new time and place.
        if (replan.size > 0) await planReminders(tx, replan, now, options.reminders)
        return counts
      },
    },
    { actor: options.actor, now, onProgress: options.onProgress, dryRun: options.dryRun, auditDetails: options.auditDetails },
  )
}

/** The form's fields, or the reason against each bad one (the import's texts). */
export type SessionFormCheck = { ok: true; fields: SessionFields } | { ok: false; errors: Partial<Record<SessionColumn, string>> }

/** Checks one session typed in a form (the console) with the rules of a sessions file's row. */
export async function checkSessionForm(db: Db, values: Partial<Record<SessionColumn, string>>): Promise<SessionFormCheck> {
  const { row, errors } = formRow(SESSION_COLUMNS, values)
  const fields = sessionChecker(await listRegions(db))(row)
  return fields ? { ok: true, fields } : { ok: false, errors: errors() }
}

export type SaveSessionOptions = {
  /** Who saves, for the audit log (`staff:<id>`). */
  actor: string
  now: Date
  reminders: ReminderSettings
  /** 'create': the code must be new; a number: the session being edited (its code cannot change). */
  target: 'create' | number
}

export type SaveSessionResult =
  | { ok: true; id: number; replanned: number }
  | { ok: false; errors: Partial<Record<SessionColumn, string>> }

/**
 * Saves a checked session from the console as one row of a sessions file is written, in one
 * transaction: the same capacity rule, and the reminders of the people of a session that moved or
 * changed place planned again. Audited as `session.created` or `session.updated`.
 */
export async function saveSession(db: Db, fields: SessionFields, options: SaveSessionOptions): Promise<SaveSessionResult> {
  const { now } = options
  return await transaction(db, async (tx): Promise<SaveSessionResult> => {
    const existing = (await sessionWrites(tx).byCode(fields.code))?.id
    if (options.target === 'create' && existing !== undefined)
      return { ok: false, errors: { code: `"${fields.code}" sudah dipakai sesi lain; setiap code hanya boleh sekali` } }
    if (options.target !== 'create' && existing !== options.target)
      return { ok: false, errors: { code: 'kode sesi tidak dapat diubah' } }
    const replan = new Set<number>()
    const outcome = await sessionWriter(tx, now, replan, undefined)(fields)
    if (typeof outcome !== 'string') return { ok: false, errors: { [outcome.column]: outcome.reason } }
    if (replan.size > 0) await planReminders(tx, replan, now, options.reminders)
    const id = (await sessionWrites(tx).byCode(fields.code))?.id ?? -1
    await writeAudit(tx, {
      at: now,
      actor: options.actor,
      action: outcome === 'inserted' ? 'session.created' : 'session.updated',
      entity: 'bimtek_session',
      entityId: fields.code,
      ...(replan.size > 0 && { details: { replanned: replan.size } }),
    })
    return { ok: true, id, replanned: replan.size }
  })
}
