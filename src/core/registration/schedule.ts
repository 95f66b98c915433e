/**
 * "jadwal" (optionally with a region or province): the upcoming Bimtek sessions, in the reader's
 * time zone, with their seats and registration window.
 */
import { eq } from 'drizzle-orm'
import { type SessionRow, upcomingSessions } from '../../db/queries/sessions.js'
import { regions } from '../../db/schema.js'
import type { TypedCommand } from '../engine.js'
import { MENU_PREFIX } from '../menu.js'
import { fill, t } from '../messages.js'
import { findProvince, zoneLabel } from '../regions.js'
import { normalizeInput } from '../text/normalize.js'
import type { Outcome, TurnContext } from '../turn.js'
import type { Text } from '../types.js'
import { seatsLine } from './flow.js'
import { dateTime, when, where } from './format.js'
import { readerZone } from './reader-zone.js'

const texts = {
  scheduleTitle: { id: '*Jadwal Bimtek{filter}*', en: '*Bimtek schedule{filter}*' },
  scheduleEmpty: {
    id: 'Belum ada jadwal Bimtek{filter} yang akan datang. Ketik "jadwal" untuk semua wilayah, atau "petugas" untuk bertanya.',
    en: 'No upcoming Bimtek sessions{filter}. Type "jadwal" for every region, or "petugas" to ask.',
  },
  scheduleFoot: {
    id: 'Waktu dalam zona {zone}. Ketik "daftar" untuk mendaftar, atau "jadwal <wilayah/provinsi>" (mis. "jadwal makassar", "jadwal jawa barat").',
    en: 'Times in {zone}. Type "daftar" to register, or "jadwal <region/province>" (e.g. "jadwal makassar").',
  },
  venueZones: { id: 'waktu setempat', en: 'local time' },
  registrationOpen: { id: 'Pendaftaran s.d. {until}', en: 'Registration until {until}' },
  registrationNotYet: { id: 'Pendaftaran dibuka {from}', en: 'Registration opens {from}' },
  registrationClosed: { id: 'Pendaftaran ditutup', en: 'Registration closed' },
  register: { id: 'Daftar sekarang', en: 'Register now' },
} satisfies Record<string, Text>

/** Region names people use: island, city or code. */
const REGION_WORDS: Record<string, string> = {
  sumatera: 'R1',
  sumatra: 'R1',
  padang: 'R1',
  jawa: 'R2',
  bandung: 'R2',
  yogyakarta: 'R3',
  yogya: 'R3',
  jogja: 'R3',
  kalimantan: 'R4',
  banjarmasin: 'R4',
  sulawesi: 'R5',
  makassar: 'R5',
  papua: 'R6',
  jayapura: 'R6',
}

type Place = { regionCode?: string; provinceCode?: string; name: string; timeZone?: string }

function findPlace(ctx: TurnContext, typed: string): Place | undefined {
  const key = normalizeInput(typed)
  const code = /^r\s?([1-6])$/.exec(key)?.[1]
  const regionCode = code ? `R${code}` : REGION_WORDS[key.replace(/\s/g, '')]
  // A province name wins over an island word ("jawa barat" is a province, "jawa" a region).
  const province = findProvince(typed)
  if (province) return { provinceCode: province.code, name: province.name, timeZone: province.timeZone }
  if (!regionCode) return undefined
  const region = ctx.db.select().from(regions).where(eq(regions.code, regionCode)).get()
  return region ? { regionCode, name: region.name, timeZone: region.timeZone } : undefined
}

function windowLine(ctx: TurnContext, session: SessionRow, zone: string): string {
  const { now, lang } = ctx
  if (now < session.registrationOpensAt)
    return fill(t(lang, texts.registrationNotYet), { from: dateTime(session.registrationOpensAt, zone, lang) })
  if (now >= session.registrationClosesAt) return t(lang, texts.registrationClosed)
  return fill(t(lang, texts.registrationOpen), { until: dateTime(session.registrationClosesAt, zone, lang) })
}

/** The schedule; undefined when the words after "jadwal" name no place ("jadwal ujian"): a question for the FAQ. */
function schedule(ctx: TurnContext, placeText: string): Outcome | undefined {
  const { lang } = ctx
  const place = placeText ? findPlace(ctx, placeText) : undefined
  if (placeText && !place) return undefined
  const regionIds = place?.regionCode
    ? ctx.db
        .select({ id: regions.id })
        .from(regions)
        .where(eq(regions.code, place.regionCode))
        .all()
        .map((r) => r.id)
    : undefined
  const sessions = upcomingSessions(ctx.db, ctx.now, {
    ...(regionIds && { regionIds }),
    ...(place?.provinceCode && { provinceCode: place.provinceCode }),
  }).filter(
    (session) => !place?.provinceCode || session.provinceCode || session.regionProvinces.split(',').includes(place.provinceCode),
  )
  const filter = place ? ` · ${place.name}` : ''
  if (sessions.length === 0) return { replies: [{ text: fill(t(lang, texts.scheduleEmpty), { filter }) }], next: null }
  const zone = readerZone(ctx, place?.timeZone)
  const shown = sessions.slice(0, 10)
  const lines = shown.map((session, i) =>
    [
      `${i + 1}. *${session.title}* (${session.targetGroup})`,
      `   🗓 ${when(session, lang, zone)}`,
      `   📍 ${where(session, lang).replace('\n', '\n   ')}`,
      `   👥 ${seatsLine(ctx, session)} · ${windowLine(ctx, session, zone ?? session.timeZone)}`,
    ].join('\n'),
  )
  const zoneText = zone ? zoneLabel(zone) : t(lang, texts.venueZones)
  const text = [
    fill(t(lang, texts.scheduleTitle), { filter }),
    lines.join('\n\n'),
    fill(t(lang, texts.scheduleFoot), { zone: zoneText }),
  ].join('\n\n')
  return { replies: [{ text, choices: [{ id: `${MENU_PREFIX}daftar`, label: t(lang, texts.register) }] }], next: null }
}

/** "jadwal", "jadwal bimtek", "jadwal (di) <wilayah/provinsi>". */
export const scheduleCommand: TypedCommand = (ctx, text) => {
  const match = /^jadwal(?:\s+bimtek)?(?:\s+(?:di\s+)?(.+))?$/.exec(normalizeInput(text))
  return match ? schedule(ctx, match[1] ?? '') : undefined
}
