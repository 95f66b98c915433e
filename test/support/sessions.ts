/**
 * Bimtek sessions put straight into a test database (no CSV), relative to a given moment, for the
 * registration, schedule and capacity tests.
 */

import { eq } from 'drizzle-orm'
import type { Db } from '../../src/db/client.js'
import { written } from '../../src/db/client.js'
import { bimtekSessions, regions } from '../../src/db/schema.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

export type NewSession = {
  code: string
  title?: string
  targetGroup?: string
  /** R1 (Padang, WIB) … R5 (Makassar, WITA), R6 (Jayapura, WIT). */
  region?: 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6'
  mode?: 'tatap_muka' | 'daring'
  venue?: string | null
  meetingUrl?: string | null
  provinceCode?: string | null
  startsAt?: Date
  /** Default: 8 hours after the start. */
  endsAt?: Date
  timeZone?: string
  capacity?: number
  registrationOpensAt?: Date
  registrationClosesAt?: Date
}

const ZONES = {
  R1: 'Asia/Jakarta',
  R2: 'Asia/Jakarta',
  R3: 'Asia/Jakarta',
  R4: 'Asia/Makassar',
  R5: 'Asia/Makassar',
  R6: 'Asia/Jayapura',
} as const

/** Adds a session open for registration at `now` (starting in 14 days unless told); returns its id. */
export async function addSession(db: Db, now: Date, session: NewSession): Promise<number> {
  const region = session.region ?? 'R2'
  const regionRow = (await db.select().from(regions).where(eq(regions.code, region)).limit(1))[0]
  if (!regionRow) throw new Error(`region ${region} missing (reference data not loaded?)`)
  const startsAt = session.startsAt ?? new Date(now.getTime() + 14 * DAY)
  const mode = session.mode ?? 'tatap_muka'
  return written(
    await db
      .insert(bimtekSessions)
      .values({
        code: session.code,
        title: session.title ?? `Bimtek Sertifikasi ${session.code}`,
        targetGroup: session.targetGroup ?? 'pekerja sosial',
        regionId: regionRow.id,
        mode,
        venue: session.venue !== undefined ? session.venue : mode === 'tatap_muka' ? `BBPPKS ${regionRow.city}` : null,
        mapUrl: mode === 'tatap_muka' ? 'https://maps.example/bbppks' : null,
        meetingUrl:
          session.meetingUrl !== undefined ? session.meetingUrl : mode === 'daring' ? 'https://zoom.example/j/123' : null,
        provinceCode: session.provinceCode ?? null,
        startsAt,
        endsAt: session.endsAt ?? new Date(startsAt.getTime() + 8 * HOUR),
        timeZone: session.timeZone ?? ZONES[region],
        capacity: session.capacity ?? 30,
        registrationOpensAt: session.registrationOpensAt ?? new Date(now.getTime() - DAY),
        registrationClosesAt: session.registrationClosesAt ?? new Date(startsAt.getTime() - 2 * DAY),
      })
      .returning({ id: bimtekSessions.id }),
  ).id
}
