/**
 * The upcoming Bimtek sessions a person asks about ("kapan bimtek di makassar", "ada bimtek online bulan depan"):
 * filtered by place, month and mode, in the reader's time zone, with seats, the registration window and one tap to
 * register; when nothing matches, the nearest sessions with the filter that was loosened said in words.
 */
import { DateTime } from 'luxon'
import { seatCounts } from '../../db/queries/registrations.js'
import { isOpenForRegistration, listRegions, type Region, type SessionRow, upcomingSessions } from '../../db/queries/sessions.js'
import { MENU_PREFIX } from '../menu.js'
import { fill, t } from '../messages.js'
import { type GazetteerPlace, gazetteer, placeKey } from '../places/gazetteer.js'
import { findProvince, type Province, provinceByCode, zoneLabel } from '../regions.js'
import { formatDate } from '../text/dates.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Choice, Language, Text } from '../types.js'
import { encodeChoice } from '../understanding/choices.js'
import type { Slots } from '../understanding/types.js'
import { dateTime, seats, when, where } from './format.js'
import { readerZone } from './reader-zone.js'

/** The choice id that starts the registration with one session preselected (see `createRegistrationFlow`'s actions). */
export const DAFTAR_SESSION_PREFIX = 'daftar:session:'

/** At most this many sessions in a list, this many `Daftar:` choices, this many nearest alternatives. */
const MAX_LISTED = 10
const MAX_DAFTAR = 5
const MAX_ALTERNATIVES = 3

const texts = {
  title: { id: '*Jadwal Bimtek{filter}*', en: '*Bimtek schedule{filter}*' },
  empty: {
    id: 'Belum ada jadwal Bimtek yang akan datang. Ketik "petugas" untuk bertanya ke sekretariat.',
    en: 'No upcoming Bimtek sessions. Type "petugas" to ask the secretariat.',
  },
  none: { id: 'Belum ada jadwal Bimtek{what}.', en: 'No Bimtek sessions{what} yet.' },
  past: { id: 'Jadwal yang sudah lewat tidak ditampilkan.', en: 'Past sessions are not shown.' },
  nearest: { id: 'Yang terdekat ({relaxed}):', en: 'The nearest ({relaxed}):' },
  foot: {
    id: 'Waktu dalam zona {zone}. Ketik "daftar" untuk mendaftar, atau "jadwal <wilayah/provinsi>" (mis. "jadwal makassar", "jadwal jawa barat").',
    en: 'Times in {zone}. Type "daftar" to register, or "jadwal <region/province>" (e.g. "jadwal makassar").',
  },
  venueZones: { id: 'waktu setempat', en: 'local time' },
  registrationOpen: { id: 'Pendaftaran s.d. {until}', en: 'Registration until {until}' },
  registrationNotYet: { id: 'Pendaftaran dibuka {from}', en: 'Registration opens {from}' },
  registrationClosed: { id: 'Pendaftaran ditutup', en: 'Registration closed' },
  daftar: { id: 'Daftar: {title}, {date}', en: 'Register: {title}, {date}' },
  register: { id: 'Daftar sekarang', en: 'Register now' },
  all: { id: 'Lihat semua jadwal', en: 'See the whole schedule' },
  // What a loosened filter now allows, said plainly.
  otherMonths: { id: 'bulan lain', en: 'other months' },
  eitherMode: { id: 'daring maupun tatap muka', en: 'online or in person' },
  wholeRegion: { id: 'di seluruh wilayah {region}', en: 'anywhere in {region}' },
  anywhere: { id: 'di seluruh Indonesia', en: 'anywhere in Indonesia' },
} satisfies Record<string, Text>

const MODE_WORD: Record<'daring' | 'luring', Text> = {
  daring: { id: 'daring', en: 'online' },
  luring: { id: 'tatap muka', en: 'in person' },
}

/** What the slots ask for, resolved against the gazetteer and the regions table (a choice id carries only codes). */
export type SessionSearch = {
  province?: Province
  /** Only named: a regency filters by its province. */
  regency?: GazetteerPlace
  region?: Region
  month?: string
  mode?: 'daring' | 'luring'
}

/** The session column's value for each mode a person names. */
const MODE_COLUMN = { daring: 'daring', luring: 'tatap_muka' } as const

const serves = (region: Pick<Region, 'provinceCodes'>, provinceCode: string) =>
  region.provinceCodes.split(',').some((code) => code.trim() === provinceCode)

/** The search the slots describe: a regency gives its province, a province its region (by the regions table). */
export async function sessionSearch(ctx: TurnContext, slots: Slots): Promise<SessionSearch> {
  const places = gazetteer()
  const regionRows = await listRegions(ctx.db)
  const regencyPlace = slots.regencyCode
    ? places.byCode(slots.regencyCode)
    : slots.regency
      ? places.lookup(placeKey(slots.regency))
      : undefined
  const regency = regencyPlace?.kind === 'regency' ? regencyPlace : undefined
  const province =
    (slots.provinceCode && provinceByCode(slots.provinceCode)) ||
    (regency && provinceByCode(regency.provinceCode)) ||
    (slots.province && findProvince(slots.province)) ||
    undefined
  // The regions table decides which region serves a province (staff edit it); a region slot alone names one.
  const region = province ? regionRows.find((r) => serves(r, province.code)) : regionRows.find((r) => r.code === slots.region)
  return {
    ...(province && { province }),
    ...(regency && province && { regency }),
    ...(region && { region }),
    ...(slots.month && /^\d{4}-\d{2}$/.test(slots.month) && { month: slots.month }),
    ...(slots.mode && { mode: slots.mode }),
  }
}

/** The month as a span of time in `zone`: [start, end). */
function monthSpan(month: string, zone: string): { from: Date; to: Date } {
  const start = DateTime.fromISO(`${month}-01`, { zone }).startOf('month')
  return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() }
}

/** Whether a session fits the search, read in `zone` (the reader's; else the session's own). */
export function sessionMatches(session: SessionRow, search: SessionSearch, zone?: string): boolean {
  const { province, region, month, mode } = search
  if (province) {
    const own = session.provinceCode === province.code
    if (!own && !(session.provinceCode === null && serves({ provinceCodes: session.regionProvinces }, province.code)))
      return false
  } else if (region && session.regionCode !== region.code) return false
  if (mode && session.mode !== MODE_COLUMN[mode]) return false
  if (month) {
    const { from, to } = monthSpan(month, zone ?? session.timeZone)
    if (!(session.startsAt < to && session.endsAt >= from)) return false
  }
  return true
}

/** The upcoming sessions that fit, soonest first. */
async function searchSessions(ctx: TurnContext, search: SessionSearch, zone: string | undefined): Promise<SessionRow[]> {
  const filter = {
    ...(search.province ? { provinceCode: search.province.code } : search.region ? { regionIds: [search.region.id] } : {}),
    ...(search.mode && { mode: MODE_COLUMN[search.mode] }),
  }
  return (await upcomingSessions(ctx.db, ctx.now, filter, 1000)).filter((session) => sessionMatches(session, search, zone))
}

const monthLabel = (month: string, lang: Language) =>
  DateTime.fromISO(`${month}-01`)
    .setLocale(lang === 'id' ? 'id' : 'en-GB')
    .toFormat('LLLL yyyy')

/** The search as codes only (what a flow's state or a choice id keeps; names are found again from them). */
export function searchSlots(search: SessionSearch): Slots {
  return {
    ...(search.province && { provinceCode: search.province.code }),
    ...(search.regency && { regencyCode: search.regency.code }),
    ...(search.region && { region: search.region.code }),
    ...(search.month && { month: search.month }),
    ...(search.mode && { mode: search.mode }),
  }
}

/** "Kota Makassar (Sulawesi Selatan)", "Jawa Barat", "BBPPKS Regional V Sulawesi". */
function placeName(search: SessionSearch): string | undefined {
  if (search.regency && search.province) return `${search.regency.name} (${search.province.name})`
  return search.province?.name ?? search.region?.name
}

/** " · Jawa Barat · daring · Januari 2027": the title's filters. */
function titleFilter(search: SessionSearch, lang: Language): string {
  const place = placeName(search)
  return [place, search.mode && t(lang, MODE_WORD[search.mode]), search.month && monthLabel(search.month, lang)]
    .filter((part): part is string => Boolean(part))
    .map((part) => ` · ${part}`)
    .join('')
}

/** " daring di Sulawesi Selatan pada Januari 2027": what was looked for, to put in a sentence. */
export function describeSearch(search: SessionSearch, lang: Language): string {
  const place = placeName(search)
  const mode = search.mode ? ` ${t(lang, MODE_WORD[search.mode])}` : ''
  const where = place ? (lang === 'id' ? ` di ${place}` : ` in ${place}`) : ''
  const month = search.month ? (lang === 'id' ? ' pada ' : ' in ') + monthLabel(search.month, lang) : ''
  return `${mode}${where}${month}`
}

function windowLine(ctx: TurnContext, session: SessionRow, zone: string): string {
  const { now, lang } = ctx
  if (now < session.registrationOpensAt)
    return fill(t(lang, texts.registrationNotYet), { from: dateTime(session.registrationOpensAt, zone, lang) })
  if (now >= session.registrationClosesAt) return t(lang, texts.registrationClosed)
  return fill(t(lang, texts.registrationOpen), { until: dateTime(session.registrationClosesAt, zone, lang) })
}

async function seatsOf(ctx: TurnContext, session: SessionRow): Promise<string> {
  const counts = await seatCounts(ctx.db, session.id)
  return seats(session.capacity, counts.taken, counts.waiting, ctx.lang)
}

async function sessionLines(ctx: TurnContext, sessions: SessionRow[], zone: string | undefined): Promise<string> {
  const { lang } = ctx
  // One query after another: inside the turn's transaction they share one connection.
  const lines: string[] = []
  for (const [i, session] of sessions.entries()) {
    lines.push(
      [
        `${i + 1}. *${session.title}* (${session.targetGroup})`,
        `   🗓 ${when(session, lang, zone)}`,
        `   📍 ${where(session, lang).replace('\n', '\n   ')}`,
        `   👥 ${await seatsOf(ctx, session)} · ${windowLine(ctx, session, zone ?? session.timeZone)}`,
      ].join('\n'),
    )
  }
  return lines.join('\n\n')
}

/** One `Daftar: <title>, <date>` per listed session open for registration, then the whole schedule (or menu 2). */
function listChoices(ctx: TurnContext, sessions: SessionRow[], zone: string | undefined, filtered: boolean): Choice[] {
  const daftar = sessions
    .filter((session) => isOpenForRegistration(session, ctx.now))
    .slice(0, MAX_DAFTAR)
    .map((session) => ({
      id: `${DAFTAR_SESSION_PREFIX}${session.id}`,
      label: fill(t(ctx.lang, texts.daftar), {
        title: session.title,
        date: formatDate(session.startsAt, 'shortDayMonth', ctx.lang, zone ?? session.timeZone),
      }),
    }))
  const more = filtered
    ? { id: encodeChoice('sessions.find'), label: t(ctx.lang, texts.all) }
    : { id: `${MENU_PREFIX}daftar`, label: t(ctx.lang, texts.register) }
  return [...daftar, more]
}

const foot = (lang: Language, zone: string | undefined) =>
  fill(t(lang, texts.foot), { zone: zone ? zoneLabel(zone) : t(lang, texts.venueZones) })

/** The loosened searches, nearest first: month → mode → province to its region → anywhere, each with what it allows. */
function relaxations(search: SessionSearch, lang: Language): { search: SessionSearch; relaxed: string[] }[] {
  const steps: { search: SessionSearch; relaxed: string[] }[] = []
  const loosened: string[] = []
  let current = search
  // The place's phrase is the last one's only: "anywhere" replaces "the whole region".
  const step = (next: SessionSearch, place?: string) => {
    current = next
    steps.push({ search: current, relaxed: place ? [...loosened, place] : [...loosened] })
  }
  if (current.month) {
    loosened.push(t(lang, texts.otherMonths))
    step({ ...current, month: undefined })
  }
  if (current.mode) {
    loosened.push(t(lang, texts.eitherMode))
    step({ ...current, mode: undefined })
  }
  if (current.province && current.region) {
    const { province: _province, regency: _regency, ...wider } = current
    step(wider, fill(t(lang, texts.wholeRegion), { region: current.region.name }))
  }
  if (current.province || current.region) step({}, t(lang, texts.anywhere))
  return steps
}

/**
 * sessions.find: the upcoming sessions filtered by the slots (region / province / regency → its province, month,
 * mode), with seats left, times in the reader's zone, the registration window, one `Daftar: <title>, <date>` choice
 * per session open for registration (id `daftar:session:<id>`, at most 5) and one for the whole schedule. Nothing
 * matches → at most 3 nearest sessions, saying which filter was loosened (month → mode → province to its region →
 * anywhere); a month in the past → "Jadwal yang sudah lewat tidak ditampilkan." and the upcoming ones.
 */
export async function findSessions(ctx: TurnContext, slots: Slots): Promise<Outcome> {
  const { lang } = ctx
  const search = await sessionSearch(ctx, slots)
  const placeZone = search.province?.timeZone ?? search.region?.timeZone
  const zone = await readerZone(ctx, placeZone)
  // A month that ended before now: nothing of it is upcoming, whatever the other filters.
  const past = search.month !== undefined && monthSpan(search.month, zone ?? placeZone ?? 'Asia/Jakarta').to <= ctx.now

  const found = past ? [] : await searchSessions(ctx, search, zone)
  if (found.length > 0) {
    const shown = found.slice(0, MAX_LISTED)
    const text = [
      fill(t(lang, texts.title), { filter: titleFilter(search, lang) }),
      await sessionLines(ctx, shown, zone),
      foot(lang, zone),
    ].join('\n\n')
    const filtered = Boolean(search.province || search.region || search.month || search.mode)
    return { replies: [{ text, choices: listChoices(ctx, shown, zone, filtered) }], next: null }
  }

  const lead = past ? t(lang, texts.past) : fill(t(lang, texts.none), { what: describeSearch(search, lang) })
  for (const { search: wider, relaxed } of relaxations(search, lang)) {
    const nearest = (await searchSessions(ctx, wider, zone)).slice(0, MAX_ALTERNATIVES)
    if (nearest.length === 0) continue
    const text = [
      lead,
      fill(t(lang, texts.nearest), { relaxed: relaxed.join(', ') }),
      await sessionLines(ctx, nearest, zone),
      foot(lang, zone),
    ].join('\n\n')
    return { replies: [{ text, choices: listChoices(ctx, nearest, zone, true) }], next: null }
  }
  // Nothing upcoming anywhere: that says it all, whatever was asked.
  const nothing = past ? `${t(lang, texts.past)} ${t(lang, texts.empty)}` : t(lang, texts.empty)
  return { replies: [{ text: nothing }], next: null }
}
