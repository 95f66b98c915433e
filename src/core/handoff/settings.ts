/**
 * The live handoff's settings (HANDOFF_SIGNATURE, HANDOFF_IDLE_HOURS, HANDOFF_HOURS,
 * HANDOFF_ALERT_MINUTES, STAFF_TELEGRAM_CHATS, HANDOFF_CLOSED_DATES, HANDOFF_GROUP_FILES): their shape,
 * defaults and parsers. Each parser takes the variable's text and throws an Error whose message says,
 * in English, what is wrong; src/config.ts puts the variable's name in front. Nothing here holds the
 * settings in use: the composition roots pass them down.
 */
import { REGION_CODES, type RegionCode } from '../../vocabulary/staff.js'

/** Opening intervals of one weekday, minutes after local midnight, sorted, not overlapping. */
export type DayHours = { start: number; end: number }[]
/** Index 0 = Sunday … 6 = Saturday (the weekday in the region's own zone). */
export type WeekHours = DayHours[]

export type HandoffSettings = {
  /** How staff replies are signed: "Petugas Rina · BBPPKS Makassar", or without the name. */
  signature: 'name' | 'anonymous'
  /** An open handoff whose staff spoke last is closed after this many hours of silence (wall-clock). */
  idleHours: number
  /** When staff answer, in each region's own zone; `default` for the centre and every region not listed. */
  hours: { default: WeekHours; regions: Partial<Record<RegionCode, WeekHours>> }
  /** A handoff still waiting after this many working minutes is announced again. */
  alertMinutes: number
  /** The Telegram staff group of each region; `*` takes the regions without their own. */
  staffChats: { region: RegionCode | '*'; chatId: string }[]
  /** Extra closed days (YYYY-MM-DD, local): cuti bersama, local decrees, holidays the library lacks. */
  closedDates: string[]
  /** Files in the staff group: a link to the console, or the photo or PDF itself. */
  groupFiles: 'link' | 'upload'
}

const HOUR = 60
const OFFICE_DAY: DayHours = [{ start: 8 * HOUR, end: 16 * HOUR }]

export const DEFAULT_HANDOFF_SETTINGS: HandoffSettings = {
  signature: 'name',
  idleHours: 48,
  hours: { default: [[], OFFICE_DAY, OFFICE_DAY, OFFICE_DAY, OFFICE_DAY, OFFICE_DAY, []], regions: {} },
  alertMinutes: 60,
  staffChats: [],
  closedDates: [],
  groupFiles: 'link',
}

/** "name" or "anonymous" (any case). */
export function parseSignature(text: string): HandoffSettings['signature'] {
  const value = text.trim().toLowerCase()
  if (value === 'name' || value === 'anonymous') return value
  throw new Error(`"${text}" is not name or anonymous`)
}

/** "link" or "upload" (any case). */
export function parseGroupFiles(text: string): HandoffSettings['groupFiles'] {
  const value = text.trim().toLowerCase()
  if (value === 'link' || value === 'upload') return value
  throw new Error(`"${text}" is not link or upload`)
}

/** A whole number of hours from 1 to 720 (30 days). */
export function parseIdleHours(text: string): number {
  const hours = wholeNumber(text)
  if (hours === undefined || hours < 1 || hours > 720) throw new Error(`"${text}" is not a whole number of hours from 1 to 720`)
  return hours
}

/** A whole number of working minutes, at least 1. */
export function parseAlertMinutes(text: string): number {
  const minutes = wholeNumber(text)
  if (minutes === undefined || minutes < 1) throw new Error(`"${text}" is not a whole number of minutes, at least 1`)
  return minutes
}

function wholeNumber(text: string): number | undefined {
  const value = text.trim()
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined
}

const REGIONS: readonly string[] = REGION_CODES

/** "R1:-1001234,R5:-1005678,*:-1009999": a region (R1–R6) or `*`, and a group's negative chat id; each key once. */
export function parseStaffChats(text: string): HandoffSettings['staffChats'] {
  const chats: HandoffSettings['staffChats'] = []
  for (const part of text.split(',').map((entry) => entry.trim())) {
    if (part === '') continue
    const match = /^([^:\s]+)\s*:\s*(\S+)$/.exec(part)
    if (!match) throw new Error(`"${part}" is not REGION:CHAT_ID, e.g. R5:-1001234567890`)
    const key = (match[1] ?? '').toUpperCase()
    const chatId = match[2] ?? ''
    if (key !== '*' && !REGIONS.includes(key)) throw new Error(`"${part}": ${match[1]} is not a region (R1–R6) or *`)
    // Telegram's groups and supergroups have negative ids (a positive one is a person's private chat),
    // at most 52 bits: 15 digits keep every one a safe JavaScript number.
    if (!/^-[1-9]\d{0,14}$/.test(chatId))
      throw new Error(`"${part}": the chat id must be a group's negative number, e.g. -1001234567890`)
    if (chats.some((chat) => chat.region === key)) throw new Error(`${key} is given twice`)
    chats.push({ region: key as RegionCode | '*', chatId })
  }
  return chats
}

/** "2026-12-24,2026-12-31": real calendar days, sorted, each once. */
export function parseClosedDates(text: string): string[] {
  const days = new Set<string>()
  for (const part of text.split(',').map((entry) => entry.trim())) {
    if (part === '') continue
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(part)
    const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0]
    const date = new Date(Date.UTC(year, month - 1, day))
    if (!match || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
      throw new Error(`"${part}" is not a calendar date like 2026-12-24`)
    days.add(part)
  }
  return [...days].sort()
}

/** Day names as HANDOFF_HOURS takes them, Monday first, with their index in WeekHours (0 = Sunday). */
const DAY_NAMES: Record<string, number> = {
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 0,
  sen: 1,
  sel: 2,
  rab: 3,
  kam: 4,
  jum: 5,
  sab: 6,
  min: 0,
}
const ENGLISH_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
/** Monday is 0 here: a range runs forward through the working week. */
const mondayFirst = (day: number) => (day + 6) % 7

/**
 * HANDOFF_HOURS: `[REGION=]SPEC[; REGION=SPEC…]`, SPEC = `DAYS HH:MM-HH:MM[, DAYS HH:MM-HH:MM…]`,
 * DAYS = one day (`Mon`…`Sun` or `Sen Sel Rab Kam Jum Sab Min`) or a range `Mon-Fri`. The entry without
 * a region is the default (Mon–Fri 08:00–16:00 when there is none); days not named are closed.
 */
export function parseHandoffHours(text: string): HandoffSettings['hours'] {
  let fallback: WeekHours | undefined
  const regions: HandoffSettings['hours']['regions'] = {}
  const entries = text
    .split(';')
    .map((entry) => entry.trim())
    .filter(Boolean)
  if (entries.length === 0) throw new Error('no hours given, e.g. Mon-Fri 08:00-16:00')
  for (const entry of entries) {
    const named = /^([A-Za-z0-9*]+)\s*=\s*(.*)$/.exec(entry)
    const week = parseWeek(named ? (named[2] ?? '') : entry)
    if (!named) {
      if (fallback) throw new Error('the hours without a region (the default) are given twice')
      fallback = week
      continue
    }
    const region = (named[1] ?? '').toUpperCase()
    if (!REGIONS.includes(region)) throw new Error(`"${named[1]}" is not a region (R1–R6)`)
    if (Object.hasOwn(regions, region)) throw new Error(`region ${region} is given twice`)
    regions[region as RegionCode] = week
  }
  return { default: fallback ?? DEFAULT_HANDOFF_SETTINGS.hours.default, regions }
}

function parseWeek(spec: string): WeekHours {
  const week: WeekHours = [[], [], [], [], [], [], []]
  // Where each interval came from, to name both sides of an overlap.
  const source = new Map<{ start: number; end: number }, string>()
  const items = spec
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
  if (items.length === 0) throw new Error(`"${spec}" has no hours, e.g. Mon-Fri 08:00-16:00`)
  for (const item of items) {
    const match = /^([A-Za-z]+)(?:\s*-\s*([A-Za-z]+))?\s+(.+)$/.exec(item)
    if (!match) throw new Error(`"${item}" is not DAYS HH:MM-HH:MM, e.g. Mon-Fri 08:00-16:00`)
    const days = dayRange(item, match[1] ?? '', match[2])
    const interval = parseTimes(item, match[3] ?? '')
    for (const day of days) {
      const clash = week[day]?.find((other) => interval.start < other.end && other.start < interval.end)
      if (clash) throw new Error(`"${source.get(clash)}" and "${item}" overlap on ${ENGLISH_DAYS[day]}`)
      const copy = { ...interval }
      source.set(copy, item)
      week[day]?.push(copy)
    }
  }
  for (const day of week) day.sort((a, b) => a.start - b.start)
  return week
}

function dayRange(item: string, first: string, last: string | undefined): number[] {
  const day = (name: string) => {
    const index = DAY_NAMES[name.toLowerCase()]
    if (index === undefined)
      throw new Error(`"${item}": ${name} is not a day (Mon Tue Wed Thu Fri Sat Sun, or Sen Sel Rab Kam Jum Sab Min)`)
    return index
  }
  const from = day(first)
  if (last === undefined) return [from]
  const to = day(last)
  if (mondayFirst(to) < mondayFirst(from)) throw new Error(`"${item}": a range of days runs from Monday to Sunday, e.g. Mon-Fri`)
  const days: number[] = []
  for (let position = mondayFirst(from); position <= mondayFirst(to); position++) days.push((position + 1) % 7)
  return days
}

function parseTimes(item: string, times: string): { start: number; end: number } {
  const match = /^(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})$/.exec(times)
  if (!match) throw new Error(`"${item}": times are HH:MM-HH:MM`)
  const [startHour, startMinute, endHour, endMinute] = match.slice(1).map(Number) as [number, number, number, number]
  // 24:00 may end a day; nothing starts at it or runs past midnight.
  const inDay = (hour: number, minute: number, isEnd: boolean) =>
    minute < 60 && (hour < 24 || (isEnd && hour === 24 && minute === 0))
  if (!inDay(startHour, startMinute, false) || !inDay(endHour, endMinute, true))
    throw new Error(`"${item}": ${times} is not a time of day (00:00 to 24:00)`)
  const start = startHour * HOUR + startMinute
  const end = endHour * HOUR + endMinute
  if (end <= start) throw new Error(`"${item}": the end must be after the start, on the same day`)
  return { start, end }
}
