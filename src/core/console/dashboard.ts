/**
 * The dashboard (Beranda) of the secretariat console as numbers and series, for one region or all
 * and a range of days: what the page shows as figures, charts, tables and CSV files. Every query
 * is scoped by region in SQL (src/db/queries/console-dashboard.ts); this file gives the numbers
 * their Indonesian names and their days.
 */
import type { Db } from '../../db/client.js'
import {
  chatsPerChannel,
  type DashboardRegion,
  type DashboardScope,
  furthestStepPerRegion,
  handoffCountsPerRegion,
  handoffsNow,
  handoffTimes,
  OUTBOX_DAY_OFFSET_MS,
  outboxPerDay,
  peoplePerStage,
  registrationsMade,
  registrationsPerDay,
  upcomingSessions,
} from '../../db/queries/console-dashboard.js'
import { CENTRE_ZONE } from '../../db/queries/handoff-thread.js'
import { CERTIFICATION_STAGES, type CertificationStage } from '../../db/schema.js'
import { CHANNELS, type Channel } from '../../vocabulary/message.js'
import type { Place, WorkingCalendar } from '../handoff/hours.js'
import { PATH, STAGE_LABEL } from '../status/stages.js'

const DAY_MS = 86_400_000
/** The console counts days in WIB, where the centre and most registrants are (the day of the kept outbox counts). */
export const DASHBOARD_DAY_OFFSET_MS = OUTBOX_DAY_OFFSET_MS
/** Sessions drawn in the seats chart (the soonest); the totals count every upcoming one. */
export const SEATS_CHART_SESSIONS = 12
/** The longest range of days one page shows. */
export const MAX_RANGE_DAYS = 366

/** The funnel's steps: the path up to the certificate (Belum Kompeten and Kedaluwarsa are not steps of it). */
export const FUNNEL_STEPS: readonly CertificationStage[] = [
  'terdaftar',
  'seleksi_administrasi',
  'bimtek',
  'ujian_kognitif',
  'portofolio',
  'wawancara',
  'kompeten',
  'sertifikat_terbit',
]

/**
 * How far along the funnel a stage shows a person came: Belum Kompeten came through the interview
 * but not to Kompeten; Kedaluwarsa had a certificate. Any stage outside the path counts as the
 * first step, so a stage added later is not lost.
 */
const FUNNEL_RANK = Object.fromEntries(
  CERTIFICATION_STAGES.map((stage) => {
    if (stage === 'belum_kompeten') return [stage, FUNNEL_STEPS.indexOf('wawancara')]
    if (stage === 'kedaluwarsa') return [stage, FUNNEL_STEPS.indexOf('sertifikat_terbit')]
    return [stage, Math.max(0, FUNNEL_STEPS.indexOf(stage))]
  }),
) as Record<CertificationStage, number>

export const CHANNEL_LABEL: Record<Channel, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', console: 'Terminal' }

/** A calendar day (WIB) as `YYYY-MM-DD`, and back. */
export const dayKey = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10)
export const dayNumber = (date: Date): number => Math.floor((date.getTime() + DASHBOARD_DAY_OFFSET_MS) / DAY_MS)
/** The first instant of a day number (WIB). */
export const dayStart = (day: number): Date => new Date(day * DAY_MS - DASHBOARD_DAY_OFFSET_MS)

/** A `YYYY-MM-DD` (as a date field sends it) that is a real date, as a day number; undefined otherwise. */
export function parseDay(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined
  const ms = Date.parse(`${text}T00:00:00Z`)
  if (Number.isNaN(ms) || dayKey(ms / DAY_MS) !== text) return undefined
  return ms / DAY_MS
}

/** The days shown: from `firstDay` to `lastDay`, both included (day numbers, WIB). */
export type DayRange = { firstDay: number; lastDay: number }

export type DashboardData = {
  /** The region shown, or null for all. */
  region: DashboardRegion | null
  days: string[]
  stages: { stage: CertificationStage; label: string; people: number }[]
  registrationsThisMonth: number
  seats: {
    totals: { sessions: number; capacity: number; confirmed: number; offered: number; waiting: number }
    sessions: {
      code: string
      title: string
      startsAt: Date
      timeZone: string
      capacity: number
      filled: number
      waiting: number
    }[]
  }
  /** Reminder outcomes in the range: unknown (the server stopped while sending) is not counted as failed. */
  reminders: ReminderOutcomes
  /** Reminder outcomes per day of the range (sent includes late). */
  reminderDays: ({ day: string } & ReminderOutcomes)[]
  chats: { channel: Channel; label: string; total: number; active: number }[]
  /** Handoffs now: waiting for a staff member, and being served (scoped by the handoff's own region). */
  handoffs: { waiting: number; open: number }
  /** Per region (in code order; "Tanpa wilayah" last when any), the handoff measures (see HandoffMeasures). */
  handoffRegions: HandoffMeasures[]
  /** Per region (in code order; "Tanpa wilayah" last when any), people who reached each funnel step. */
  funnel: { region: string; label: string; reached: number[] }[]
  registrationDays: { day: string; count: number }[]
  /** Messages sent (sent or late) per day and channel. */
  messageDays: { day: string; counts: Record<Channel, number> }[]
  /** The channels shown in messageDays and chats (those with anything, Telegram and WhatsApp always). */
  channels: Channel[]
}

/** Reminders sent (on time or late), failed, unknown (a crash while sending: it may have arrived) and skipped. */
export type ReminderOutcomes = { sent: number; failed: number; unknown: number; skipped: number }

const noOutcomes = (): ReminderOutcomes => ({ sent: 0, failed: 0, unknown: 0, skipped: 0 })

/**
 * One region's handoffs: waiting and open now, closed in the range; over the live handoffs filed in
 * the range, the median working minutes to the first staff reply and to closing (of those that got
 * there), and the average rating with how many rated.
 */
export type HandoffMeasures = {
  region: string
  label: string
  waiting: number
  open: number
  closed: number
  medianFirstReplyMinutes: number | null
  medianCloseMinutes: number | null
  averageRating: number | null
  ratings: number
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** Everything the dashboard shows for `scope` over `range`, as of `now`. */
export async function loadDashboard(
  db: Db,
  input: {
    regions: readonly DashboardRegion[]
    scope: DashboardScope
    range: DayRange
    now: Date
    /** The working calendar handoff times are measured in (HANDOFF_HOURS, public holidays, HANDOFF_CLOSED_DATES). */
    calendar: WorkingCalendar
  },
): Promise<DashboardData> {
  const { regions, scope, range, now } = input
  const { calendar } = input
  const from = dayStart(range.firstDay)
  const to = dayStart(range.lastDay + 1)
  const dbRange = { from, to, dayOffsetMs: DASHBOARD_DAY_OFFSET_MS }
  const days: number[] = []
  for (let d = range.firstDay; d <= range.lastDay; d++) days.push(d)

  const perStage = await peoplePerStage(db, scope)
  const stages = PATH.flat().map((stage) => ({ stage, label: STAGE_LABEL[stage].id, people: perStage[stage] ?? 0 }))

  const today = new Date(now.getTime() + DASHBOARD_DAY_OFFSET_MS)
  const monthStart = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1) - DASHBOARD_DAY_OFFSET_MS)
  const nextMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1) - DASHBOARD_DAY_OFFSET_MS)

  const upcoming = await upcomingSessions(db, scope, now, SEATS_CHART_SESSIONS)

  const outbox = await outboxPerDay(db, scope, range.firstDay, range.lastDay)
  const reminders = noOutcomes()
  const reminderByDay = new Map(days.map((d) => [d, noOutcomes()]))
  const messagesByDay = new Map(days.map((d) => [d, Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>]))
  const channelsSeen = new Set<Channel>(['telegram', 'whatsapp'])
  for (const row of outbox) {
    const sent = row.status === 'sent' || row.status === 'late'
    if (sent) {
      const counts = messagesByDay.get(row.day)
      if (counts) counts[row.channel] += row.count
      channelsSeen.add(row.channel)
    }
    if (!row.reminder) continue
    // Every status counted per day is one of the outcomes (late as sent): a new one must be placed here.
    const outcome: keyof ReminderOutcomes = row.status === 'late' ? 'sent' : row.status
    reminders[outcome] += row.count
    const day = reminderByDay.get(row.day)
    if (day) day[outcome] += row.count
  }

  const chatRows = await chatsPerChannel(db, scope, from)
  for (const row of chatRows) channelsSeen.add(row.channel)
  const channels = CHANNELS.filter((c) => channelsSeen.has(c))
  const chats = channels.map((channel) => {
    const row = chatRows.find((r) => r.channel === channel)
    return { channel, label: CHANNEL_LABEL[channel], total: row?.total ?? 0, active: row?.active ?? 0 }
  })

  const registrationCounts = new Map((await registrationsPerDay(db, scope, dbRange)).map((r) => [r.day, r.count]))

  return {
    region: scope,
    days: days.map(dayKey),
    stages,
    registrationsThisMonth: await registrationsMade(db, scope, monthStart, nextMonth),
    seats: {
      totals: upcoming.totals,
      sessions: upcoming.first.map((s) => ({
        code: s.code,
        title: s.title,
        startsAt: s.startsAt,
        timeZone: s.timeZone,
        capacity: s.capacity,
        filled: s.confirmed + s.offered,
        waiting: s.waiting,
      })),
    },
    reminders,
    reminderDays: days.map((d) => ({ day: dayKey(d), ...(reminderByDay.get(d) ?? noOutcomes()) })),
    chats,
    handoffs: await handoffsNow(db, scope),
    handoffRegions: await handoffMeasures(db, { regions, scope, from, to, calendar }),
    funnel: funnelOf(await furthestStepPerRegion(db, regions, scope, FUNNEL_RANK), scope ? [scope] : regions),
    registrationDays: days.map((d) => ({ day: dayKey(d), count: registrationCounts.get(d) ?? 0 })),
    messageDays: days.map((d) => ({ day: dayKey(d), counts: messagesByDay.get(d) as Record<Channel, number> })),
    channels,
  }
}

/**
 * Working minutes already worked out, per calendar. The same handoffs come back on every view of
 * the page, and one answer of the calendar costs about 0.15 ms (two thousand handoffs: 0.3 s of CPU).
 */
const minutesSeen = new WeakMap<WorkingCalendar, Map<string, number>>()
const MINUTES_KEPT = 50_000

function workingMinutes(calendar: WorkingCalendar, from: Date, to: Date, place: Place): number {
  let seen = minutesSeen.get(calendar)
  if (!seen) {
    seen = new Map()
    minutesSeen.set(calendar, seen)
  }
  const key = `${from.getTime()} ${to.getTime()} ${place.zone} ${place.region}`
  let minutes = seen.get(key)
  if (minutes === undefined) {
    if (seen.size >= MINUTES_KEPT) seen.clear()
    minutes = calendar.workingMinutesBetween(from, to, place)
    seen.set(key, minutes)
  }
  return minutes
}

/** The handoff measures per region shown (and "Tanpa wilayah" when all are shown and any has none). */
async function handoffMeasures(
  db: Db,
  input: { regions: readonly DashboardRegion[]; scope: DashboardScope; from: Date; to: Date; calendar: WorkingCalendar },
): Promise<HandoffMeasures[]> {
  const { scope, from, to, calendar } = input
  const shown = scope ? [scope] : input.regions
  const lines = new Map<number | null, HandoffMeasures & { replies: number[]; closes: number[]; rated: number[] }>()
  const line = (regionId: number | null) => {
    let found = lines.get(regionId)
    if (!found) {
      const region = shown.find((r) => r.id === regionId)
      found = {
        region: region?.code ?? '-',
        label: region ? `${region.code} ${region.name.replace(/^BBPPKS /, '')}` : 'Tanpa wilayah',
        waiting: 0,
        open: 0,
        closed: 0,
        medianFirstReplyMinutes: null,
        medianCloseMinutes: null,
        averageRating: null,
        ratings: 0,
        replies: [],
        closes: [],
        rated: [],
      }
      lines.set(regionId, found)
    }
    return found
  }
  for (const region of shown) line(region.id)
  for (const row of await handoffCountsPerRegion(db, scope, from, to)) {
    const l = line(row.regionId)
    l.waiting = row.waiting
    l.open = row.open
    l.closed = row.closed
  }
  for (const h of await handoffTimes(db, scope, from, to)) {
    const l = line(h.regionId)
    const place = { zone: h.timeZone ?? CENTRE_ZONE, region: h.regionCode }
    if (h.firstReplyAt) l.replies.push(workingMinutes(calendar, h.createdAt, h.firstReplyAt, place))
    if (h.closedAt) l.closes.push(workingMinutes(calendar, h.createdAt, h.closedAt, place))
    if (h.rating !== null) l.rated.push(h.rating)
  }
  const ordered = [...shown.map((r) => lines.get(r.id)), lines.get(null)].filter((l) => l !== undefined)
  return ordered.map(({ replies, closes, rated, ...l }) => ({
    ...l,
    medianFirstReplyMinutes: median(replies),
    medianCloseMinutes: median(closes),
    averageRating: rated.length ? rated.reduce((sum, r) => sum + r, 0) / rated.length : null,
    ratings: rated.length,
  }))
}

/** People who reached each step, per region: everyone whose furthest step is that one or later. */
function funnelOf(
  rows: { region: string | null; step: number; people: number }[],
  shown: readonly DashboardRegion[],
): DashboardData['funnel'] {
  const lines = shown.map((r) => ({
    region: r.code,
    label: `${r.code} ${r.name.replace(/^BBPPKS /, '')}`,
    reached: FUNNEL_STEPS.map(() => 0),
  }))
  const unplaced = { region: '-', label: 'Tanpa wilayah', reached: FUNNEL_STEPS.map(() => 0) }
  for (const row of rows) {
    const line = lines.find((l) => l.region === row.region) ?? unplaced
    for (let step = 0; step <= row.step && step < FUNNEL_STEPS.length; step++)
      line.reached[step] = (line.reached[step] ?? 0) + row.people
  }
  return unplaced.reached[0] ? [...lines, unplaced] : lines
}
