/**
 * The audience as staff give it (console form, CLI flags: the same flat raw input), read into
 * AudienceCriteria with every problem named, and described back in one Indonesian line. Also the
 * local-day windows the SQL needs (a day in WIB is not the same instants as a day in WIT).
 */
import { DateTime } from 'luxon'
import type { Db } from '../../db/client.js'
import {
  audienceSessionByCode,
  audienceSessionById,
  audienceSessionLabel,
  type ZoneWindow,
  type ZoneWindows,
} from '../../db/queries/announcement-audience.js'
import { type ConsoleScope, sessionInScope } from '../../db/queries/console-scope.js'
import {
  AUDIENCE_EXAM_KINDS,
  AUDIENCE_STAGES,
  type AudienceCriteria,
  type AudienceExamKind,
  type AudienceStage,
  REGISTRANT_FILTERS,
  type RegistrantFilter,
} from '../../vocabulary/announcements.js'
import { EVENT_KIND } from '../../vocabulary/events.js'
import { REGION_CODES } from '../../vocabulary/staff.js'
import { findProvince, provinceByCode } from '../regions.js'
import { type AnnounceProblem, type Checked, problem } from './problems.js'

export type RawAudience = {
  /** A session id or session code. */
  session?: string
  /** confirmed | waitlisted | all (default confirmed). */
  registrants?: string
  stages?: string[]
  regions?: string[]
  provinces?: string[]
  examDay?: string
  examKinds?: string[]
  portfolioFrom?: string
  portfolioTo?: string
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/

/** Whether `text` is a real calendar day written YYYY-MM-DD. */
export function isDay(text: string): boolean {
  return DAY_PATTERN.test(text) && DateTime.fromISO(text, { zone: 'UTC' }).isValid
}

const present = (list: string[] | undefined) =>
  (list ?? [])
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '')

const sortedUnique = <T extends string>(list: T[]): T[] => [...new Set(list)].sort()

async function findSession(db: Db, text: string): Promise<{ id: number; regionId: number } | undefined> {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) {
    const byId = await audienceSessionById(db, Number(trimmed))
    if (byId) return byId
  }
  return await audienceSessionByCode(db, trimmed)
}

/** Reads the raw audience into criteria; every problem at once, each beside its field. */
export async function readAudience(db: Db, raw: RawAudience, scope: ConsoleScope): Promise<Checked<AudienceCriteria>> {
  const problems: AnnounceProblem[] = []
  const criteria: AudienceCriteria = {}
  const sessionText = raw.session?.trim() ?? ''
  if (sessionText !== '') {
    const session = await findSession(db, sessionText)
    if (!session || !(await sessionInScope(db, scope, session.id))) {
      problems.push(problem('ANNOUNCE_SESSION_NOT_FOUND', `Sesi Bimtek "${sessionText}" tidak ditemukan.`, 'sesi'))
    } else {
      const registrants = (raw.registrants?.trim() || 'confirmed').toLowerCase()
      if (!(REGISTRANT_FILTERS as readonly string[]).includes(registrants)) {
        problems.push(
          problem(
            'ANNOUNCE_BAD_VALUE',
            `Pilihan pendaftar "${raw.registrants}" tidak dikenal: pilih confirmed, waitlisted atau all.`,
            'sesi',
          ),
        )
      } else criteria.session = { id: session.id, registrants: registrants as RegistrantFilter }
    }
  }
  const stages = present(raw.stages).map((s) => s.toLowerCase())
  if (stages.length > 0) {
    const unknown = stages.filter((s) => !(AUDIENCE_STAGES as readonly string[]).includes(s))
    if (unknown.length > 0) {
      problems.push(
        problem(
          'ANNOUNCE_BAD_VALUE',
          `Tahap tidak dikenal: ${unknown.join(', ')}. Pilihan: ${AUDIENCE_STAGES.join(', ')}.`,
          'tahap',
        ),
      )
    } else criteria.stages = sortedUnique(stages as AudienceStage[])
  }
  const regions = present(raw.regions).map((r) => r.toUpperCase())
  if (regions.length > 0) {
    const unknown = regions.filter((r) => !(REGION_CODES as readonly string[]).includes(r))
    if (unknown.length > 0) {
      problems.push(
        problem(
          'ANNOUNCE_BAD_VALUE',
          `Wilayah tidak dikenal: ${unknown.join(', ')}. Pilihan: ${REGION_CODES.join(', ')}.`,
          'wilayah',
        ),
      )
    } else criteria.regionCodes = sortedUnique(regions)
  }
  const provinces = present(raw.provinces)
  if (provinces.length > 0) {
    const codes = provinces.map((p) => (provinceByCode(p) ?? findProvince(p))?.code)
    const unknown = provinces.filter((_, i) => codes[i] === undefined)
    if (unknown.length > 0) {
      problems.push(problem('ANNOUNCE_BAD_VALUE', `Provinsi tidak dikenal: ${unknown.join(', ')}.`, 'provinsi'))
    } else criteria.provinceCodes = sortedUnique(codes as string[])
  }
  const examDay = raw.examDay?.trim() ?? ''
  const examKinds = present(raw.examKinds).map((k) => k.toLowerCase())
  if (examDay !== '') {
    const unknown = examKinds.filter((k) => !(AUDIENCE_EXAM_KINDS as readonly string[]).includes(k))
    if (!isDay(examDay)) {
      problems.push(
        problem(
          'ANNOUNCE_BAD_DATE',
          `Tanggal ujian "${examDay}" tidak valid: tulis TTTT-BB-HH, misalnya 2026-12-10.`,
          'ujian_tanggal',
        ),
      )
    } else if (unknown.length > 0) {
      problems.push(
        problem(
          'ANNOUNCE_BAD_VALUE',
          `Jenis ujian tidak dikenal: ${unknown.join(', ')}. Pilihan: ${AUDIENCE_EXAM_KINDS.join(', ')}.`,
          'ujian_tanggal',
        ),
      )
    } else {
      criteria.examDay =
        examKinds.length > 0 ? { date: examDay, kinds: sortedUnique(examKinds as AudienceExamKind[]) } : { date: examDay }
    }
  } else if (examKinds.length > 0) {
    problems.push(problem('ANNOUNCE_BAD_VALUE', 'Jenis ujian hanya dapat dipilih bersama tanggal ujian.', 'ujian_tanggal'))
  }
  const from = raw.portfolioFrom?.trim() ?? ''
  const to = raw.portfolioTo?.trim() ?? ''
  if (from !== '' || to !== '') {
    if (from === '' || to === '') {
      problems.push(problem('ANNOUNCE_BAD_RANGE', 'Isi kedua tanggal batas portofolio: dari dan sampai.', 'portofolio'))
    } else if (!isDay(from) || !isDay(to)) {
      problems.push(
        problem(
          'ANNOUNCE_BAD_DATE',
          'Tanggal batas portofolio tidak valid: tulis TTTT-BB-HH, misalnya 2026-12-10.',
          'portofolio',
        ),
      )
    } else if (from > to) {
      problems.push(problem('ANNOUNCE_BAD_RANGE', `Rentang batas portofolio terbalik: ${from} sesudah ${to}.`, 'portofolio'))
    } else if (DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days > 366) {
      problems.push(problem('ANNOUNCE_BAD_RANGE', 'Rentang batas portofolio paling lama satu tahun.', 'portofolio'))
    } else criteria.portfolioDue = { from, to }
  }
  if (problems.length > 0) return { ok: false, problems }
  if (Object.keys(criteria).length === 0) {
    return {
      ok: false,
      problems: [
        problem(
          'ANNOUNCE_NO_AUDIENCE',
          'Pilih penerima: sesi Bimtek, tahap, wilayah, provinsi, tanggal ujian, atau batas portofolio. Untuk semua orang, pilih semua wilayah.',
        ),
      ],
    }
  }
  return { ok: true, value: criteria }
}

/** Sorted JSON (fixed key order, lists sorted): the criteria column and part of the dedupe key. */
export function canonicalCriteria(criteria: AudienceCriteria): string {
  const c: AudienceCriteria = {}
  if (criteria.session) c.session = { id: criteria.session.id, registrants: criteria.session.registrants }
  if (criteria.stages) c.stages = sortedUnique(criteria.stages)
  if (criteria.regionCodes) c.regionCodes = sortedUnique(criteria.regionCodes)
  if (criteria.provinceCodes) c.provinceCodes = sortedUnique(criteria.provinceCodes)
  if (criteria.examDay) {
    c.examDay = criteria.examDay.kinds?.length
      ? { date: criteria.examDay.date, kinds: sortedUnique(criteria.examDay.kinds) }
      : { date: criteria.examDay.date }
  }
  if (criteria.portfolioDue) c.portfolioDue = { from: criteria.portfolioDue.from, to: criteria.portfolioDue.to }
  return JSON.stringify(c)
}

const REGISTRANT_WORDS: Record<RegistrantFilter, string> = {
  confirmed: 'Pendaftar terkonfirmasi',
  waitlisted: 'Daftar tunggu',
  all: 'Semua pendaftar',
}

/** An Indonesian one-liner for lists and the CLI, e.g. "Pendaftar terkonfirmasi BMT-R5-01 · provinsi Sulawesi Selatan". */
export async function describeAudience(db: Db, criteria: AudienceCriteria): Promise<string> {
  const parts: string[] = []
  if (criteria.session) {
    const s = await audienceSessionLabel(db, criteria.session.id)
    parts.push(
      `${REGISTRANT_WORDS[criteria.session.registrants]} ${s ? `${s.code} (${s.title})` : `sesi #${criteria.session.id}`}`,
    )
  }
  if (criteria.stages) parts.push(`tahap ${criteria.stages.join(', ')}`)
  if (criteria.regionCodes) parts.push(`wilayah ${criteria.regionCodes.join(', ')}`)
  if (criteria.provinceCodes) parts.push(`provinsi ${criteria.provinceCodes.map((c) => provinceByCode(c)?.name ?? c).join(', ')}`)
  if (criteria.examDay) {
    const kinds = criteria.examDay.kinds?.map((k) => EVENT_KIND[k].short.id.toLowerCase()).join(', ')
    parts.push(`ujian pada ${criteria.examDay.date}${kinds ? ` (${kinds})` : ''}`)
  }
  if (criteria.portfolioDue) parts.push(`batas portofolio ${criteria.portfolioDue.from} s.d. ${criteria.portfolioDue.to}`)
  return parts.join(' · ')
}

/** The zones windows are made for; any other zone is read as WIB ('*'). */
export const INDONESIAN_ZONES = ['Asia/Jakarta', 'Asia/Pontianak', 'Asia/Makassar', 'Asia/Jayapura'] as const

function windows(fromDay: string, toDay: string): ZoneWindow[] {
  const of = (zone: string) => ({
    from: DateTime.fromISO(fromDay, { zone }).startOf('day').toMillis(),
    to: DateTime.fromISO(toDay, { zone }).startOf('day').plus({ days: 1 }).toMillis(),
  })
  return [...INDONESIAN_ZONES.map((zone) => ({ zone, ...of(zone) })), { zone: '*', ...of('Asia/Jakarta') }]
}

/** The local-day windows of the criteria's dates: an exam's day in its own zone, a portfolio range in the person's. */
export function zoneWindowsOf(criteria: AudienceCriteria): ZoneWindows {
  const zones: ZoneWindows = {}
  if (criteria.examDay) zones.examDay = windows(criteria.examDay.date, criteria.examDay.date)
  if (criteria.portfolioDue) zones.portfolioDue = windows(criteria.portfolioDue.from, criteria.portfolioDue.to)
  return zones
}
