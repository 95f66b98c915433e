/**
 * Who an announcement reaches: each criterion alone selects exactly the people it names (session
 * registrants by status, current stage, region, province, exam on a local day, portfolio deadline
 * in a range), combinations are ANDed, a person is counted once, and a regional account reaches
 * only its region (registrants of its own sessions whatever their province).
 */

import { eq } from 'drizzle-orm'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RawAudience, readAudience, zoneWindowsOf } from '../../src/core/announcements/criteria.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
import { audienceBatch, reachCounts } from '../../src/db/queries/announcement-audience.js'
import type { ConsoleScope } from '../../src/db/queries/console-scope.js'
import { exams } from '../../src/db/schema.js'
import type { AudienceCriteria } from '../../src/vocabulary/announcements.js'
import {
  addRecipient,
  announceDb,
  announcementRows,
  announceNow,
  ctxAt,
  MONDAY_9_WIB,
  regionScope,
  register,
} from '../support/announcements.js'
import { addExam } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'

let db: Db
beforeEach(async () => {
  db = await announceDb()
})
afterEach(() => closeDatabase(db))

async function criteriaOf(raw: RawAudience, scope: ConsoleScope = null): Promise<AudienceCriteria> {
  const read = await readAudience(db, raw, scope)
  if (!read.ok) throw new Error(read.problems.map((p) => p.message).join(' | '))
  return read.value
}

/** The ids of the people the criteria select, in id order. */
async function audience(raw: RawAudience, scope: ConsoleScope = null): Promise<number[]> {
  const criteria = await criteriaOf(raw, scope)
  return (await audienceBatch(db, { criteria, scope, zones: zoneWindowsOf(criteria), now: MONDAY_9_WIB }, 0, 10_000)).map(
    (r) => r.personId,
  )
}

describe('each criterion alone', () => {
  it('session registrants: confirmed, the waiting list (an offered seat included), or both; never cancelled ones', async () => {
    const session = await addSession(db, MONDAY_9_WIB, { code: 'BMT-R5-01', region: 'R5' })
    const other = await addSession(db, MONDAY_9_WIB, { code: 'BMT-R5-02', region: 'R5' })
    const [confirmed, waiting, offered, cancelled, elsewhere] = await Promise.all([1, 2, 3, 4, 5].map(() => addRecipient(db)))
    await register(db, confirmed as number, session, 'confirmed')
    await register(db, waiting as number, session, 'waitlisted')
    await register(db, offered as number, session, 'offered')
    await register(db, cancelled as number, session, 'cancelled')
    await register(db, elsewhere as number, other, 'confirmed')
    expect(await audience({ session: 'BMT-R5-01' })).toEqual([confirmed])
    expect(await audience({ session: String(session), registrants: 'waitlisted' })).toEqual([waiting, offered])
    expect(await audience({ session: 'bmt-r5-01', registrants: 'all' })).toEqual([confirmed, waiting, offered])
  })

  it('stage: the current stage only, not one passed before', async () => {
    const atPortfolio = await addRecipient(db, { stages: ['terdaftar', 'bimtek', 'portofolio'] })
    const atBimtek = await addRecipient(db, { stages: ['terdaftar', 'bimtek'] })
    await addRecipient(db, { stages: [] })
    expect(await audience({ stages: ['portofolio'] })).toEqual([atPortfolio])
    expect(await audience({ stages: ['bimtek'] })).toEqual([atBimtek])
    expect(await audience({ stages: ['bimtek', 'portofolio'] })).toEqual([atPortfolio, atBimtek])
  })

  it('region: the provinces the region serves; province: that province; people without a province are in no region', async () => {
    const makassar = await addRecipient(db, { province: '73' })
    const manado = await addRecipient(db, { province: '71' })
    const padang = await addRecipient(db, { province: '13', zone: 'Asia/Jakarta' })
    await addRecipient(db, { province: null })
    expect(await audience({ regions: ['R5'] })).toEqual([makassar, manado])
    expect(await audience({ regions: ['r1', 'R5'] })).toEqual([makassar, manado, padang])
    expect(await audience({ provinces: ['71'] })).toEqual([manado])
    expect(await audience({ provinces: ['Sulawesi Selatan'] })).toEqual([makassar])
  })

  it('exam on a day: the local day in the exam’s own zone, scheduled exams only, of the kinds asked', async () => {
    // 23.30 WITA on the 9th (15.30 UTC) is not on the 10th; 00.30 WITA on the 10th is.
    const lateOn9th = await addRecipient(db)
    await addExam(db, lateOn9th, { startsAt: new Date('2026-12-09T15:30:00Z'), zone: 'Asia/Makassar' })
    const earlyOn10th = await addRecipient(db)
    await addExam(db, earlyOn10th, { startsAt: new Date('2026-12-09T16:30:00Z'), zone: 'Asia/Makassar' })
    // The same instant in Jakarta is 23.30 WIB on the 9th.
    const jakartaOn9th = await addRecipient(db, { zone: 'Asia/Jakarta', province: '31' })
    await addExam(db, jakartaOn9th, { startsAt: new Date('2026-12-09T16:30:00Z'), zone: 'Asia/Jakarta' })
    // 07.00 WIT on the 10th is 22.00 UTC on the 9th.
    const jayapura = await addRecipient(db, { zone: 'Asia/Jayapura', province: '91' })
    await addExam(db, jayapura, { startsAt: new Date('2026-12-09T22:00:00Z'), zone: 'Asia/Jayapura', kind: 'wawancara' })
    const cancelled = await addRecipient(db)
    const cancelledExam = await addExam(db, cancelled, { startsAt: new Date('2026-12-10T02:00:00Z'), zone: 'Asia/Makassar' })
    await db.update(exams).set({ status: 'cancelled' }).where(eq(exams.id, cancelledExam))
    expect(await audience({ examDay: '2026-12-10' })).toEqual([earlyOn10th, jayapura])
    expect(await audience({ examDay: '2026-12-09' })).toEqual([lateOn9th, jakartaOn9th])
    expect(await audience({ examDay: '2026-12-10', examKinds: ['wawancara'] })).toEqual([jayapura])
    expect(await audience({ examDay: '2026-12-10', examKinds: ['ujian_kognitif'] })).toEqual([earlyOn10th])
  })

  it('portfolio deadline: in the range inclusive, read in the person’s zone, only while the portfolio is the current stage', async () => {
    // 23.59 WITA on 1 Dec is in a range starting on 1 Dec; 00.30 WITA on 8 Dec is outside one ending on 7 Dec.
    const first = await addRecipient(db, { stages: ['portofolio'], portfolioDue: new Date('2026-12-01T15:59:00Z') })
    const last = await addRecipient(db, { stages: ['portofolio'], portfolioDue: new Date('2026-12-07T15:59:00Z') })
    await addRecipient(db, { stages: ['portofolio'], portfolioDue: new Date('2026-12-07T16:30:00Z') })
    await addRecipient(db, { stages: ['portofolio'], portfolioDue: new Date('2026-11-30T15:30:00Z') })
    // Past the portfolio (interview now): not "due" any more.
    await addRecipient(db, { stages: ['portofolio', 'wawancara'], portfolioDue: new Date('2026-12-03T02:00:00Z') })
    // In Jakarta 16.30 UTC on the 7th is still the 7th (23.30 WIB).
    const jakarta = await addRecipient(db, {
      zone: 'Asia/Jakarta',
      province: '31',
      stages: ['portofolio'],
      portfolioDue: new Date('2026-12-07T16:30:00Z'),
    })
    expect(await audience({ portfolioFrom: '2026-12-01', portfolioTo: '2026-12-07' })).toEqual([first, last, jakarta])
  })
})

describe('combinations', () => {
  it('criteria are ANDed (session and province; stage, region and exam day; an empty intersection is nobody), regions and provinces are one list of places', async () => {
    const session = await addSession(db, MONDAY_9_WIB, { code: 'BMT-R5-01', region: 'R5' })
    const inMakassar = await addRecipient(db, { province: '73', stages: ['ujian_kognitif'] })
    const inManado = await addRecipient(db, { province: '71', stages: ['ujian_kognitif'] })
    const inPadang = await addRecipient(db, { province: '13', zone: 'Asia/Jakarta', stages: ['ujian_kognitif'] })
    for (const id of [inMakassar, inManado, inPadang]) {
      await register(db, id, session, 'confirmed')
      await addExam(db, id, { startsAt: new Date('2026-12-10T02:00:00Z'), zone: 'Asia/Makassar' })
    }
    const aBimtekOne = await addRecipient(db, { province: '73', stages: ['bimtek'] })
    expect(await audience({ session: 'BMT-R5-01', provinces: ['73'] })).toEqual([inMakassar])
    expect(await audience({ stages: ['ujian_kognitif'], regions: ['R5'], examDay: '2026-12-10' })).toEqual([inMakassar, inManado])
    expect(await audience({ stages: ['bimtek'], examDay: '2026-12-10' })).toEqual([])
    // Regions and provinces are one list of places: R1 or Sulawesi Selatan.
    expect(await audience({ regions: ['R1'], provinces: ['73'] })).toEqual([inMakassar, inPadang, aBimtekOne])
  })

  it('a person matched through two exams that day, or two chats, is one person', async () => {
    const person = await addRecipient(db, { chats: [{ channel: 'telegram' }, { channel: 'whatsapp' }] })
    await addExam(db, person, { startsAt: new Date('2026-12-10T01:00:00Z'), zone: 'Asia/Makassar' })
    await addExam(db, person, { startsAt: new Date('2026-12-10T05:00:00Z'), zone: 'Asia/Makassar', kind: 'wawancara' })
    expect(await audience({ examDay: '2026-12-10' })).toEqual([person])
    const criteria = await criteriaOf({ examDay: '2026-12-10' })
    const reach = await reachCounts(db, { criteria, scope: null, zones: zoneWindowsOf(criteria), now: MONDAY_9_WIB })
    expect(reach).toMatchObject({ people: 1, queued: 1, chats: { telegram: 1, whatsapp: 1 } })
  })

  it('for any people and any criteria, the selection is what a plain filter over the same people gives', async () => {
    const stages = ['terdaftar', 'bimtek', 'portofolio', 'wawancara'] as const
    const provinces = ['13', '31', '71', '73', '91'] as const
    const zoneOf = {
      '13': 'Asia/Jakarta',
      '31': 'Asia/Jakarta',
      '71': 'Asia/Makassar',
      '73': 'Asia/Makassar',
      '91': 'Asia/Jayapura',
    }
    const session = await addSession(db, MONDAY_9_WIB, { code: 'BMT-PROP', region: 'R5' })
    const statuses = ['confirmed', 'waitlisted', 'offered', 'cancelled', null] as const
    const personArb = fc.record({
      stage: fc.constantFrom(...stages),
      province: fc.constantFrom(...provinces),
      registration: fc.constantFrom(...statuses),
      examHour: fc.option(fc.integer({ min: 0, max: 71 }), { nil: null }),
      dueDay: fc.integer({ min: 1, max: 10 }),
    })
    const criteriaArb = fc.record(
      {
        registrants: fc.constantFrom('confirmed', 'waitlisted', 'all'),
        stages: fc.subarray([...stages], { minLength: 1 }),
        region: fc.constantFrom('R1', 'R2', 'R5', 'R6'),
        provinces: fc.subarray([...provinces], { minLength: 1 }),
        examDay: fc.constantFrom('2026-12-09', '2026-12-10', '2026-12-11'),
        portfolio: fc.constantFrom(['2026-12-01', '2026-12-03'], ['2026-12-04', '2026-12-10']),
      },
      { requiredKeys: [] },
    )
    type Made = {
      stage: (typeof stages)[number]
      province: (typeof provinces)[number]
      registration: (typeof statuses)[number]
      examHour: number | null
      dueDay: number
    }
    const made: { id: number; p: Made }[] = []
    await fc.assert(
      fc.asyncProperty(fc.array(personArb, { maxLength: 6 }), criteriaArb, async (newPeople, c) => {
        for (const p of newPeople) {
          const zone = zoneOf[p.province]
          const dueAt = new Date(Date.UTC(2026, 11, p.dueDay, 3))
          const id = await addRecipient(db, {
            province: p.province,
            zone,
            stages: p.stage === 'portofolio' ? ['portofolio'] : [p.stage],
            portfolioDue: dueAt,
          })
          if (p.registration) await register(db, id, session, p.registration)
          if (p.examHour !== null)
            await addExam(db, id, { startsAt: new Date(Date.UTC(2026, 11, 9, p.examHour)), zone, code: `UJK-P${id}` })
          made.push({ id, p })
        }
        if (Object.keys(c).length === 0) return
        const raw: RawAudience = {
          ...(c.registrants && { session: 'BMT-PROP', registrants: c.registrants }),
          ...(c.stages && { stages: c.stages }),
          ...(c.region && { regions: [c.region] }),
          ...(c.provinces && { provinces: c.provinces }),
          ...(c.examDay && { examDay: c.examDay }),
          ...(c.portfolio && { portfolioFrom: c.portfolio[0], portfolioTo: c.portfolio[1] }),
        }
        const regionProvinces = (await regionScope(db, c.region ?? 'R1'))?.provinces ?? []
        const localDay = (at: Date, zone: string) =>
          new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)
        const wanted = {
          confirmed: ['confirmed'],
          waitlisted: ['waitlisted', 'offered'],
          all: ['confirmed', 'waitlisted', 'offered'],
        } as const
        const expected = made
          .filter(({ id, p }) => {
            const zone = zoneOf[p.province]
            if (c.registrants && !(wanted[c.registrants] as readonly string[]).includes(p.registration ?? '')) return false
            if (c.stages && !c.stages.includes(p.stage)) return false
            const places = [...(c.region ? regionProvinces : []), ...(c.provinces ?? [])]
            if ((c.region || c.provinces) && !places.includes(p.province)) return false
            if (c.examDay && (p.examHour === null || localDay(new Date(Date.UTC(2026, 11, 9, p.examHour)), zone) !== c.examDay))
              return false
            if (c.portfolio) {
              const day = localDay(new Date(Date.UTC(2026, 11, p.dueDay, 3)), zone)
              if (p.stage !== 'portofolio' || day < c.portfolio[0] || day > c.portfolio[1]) return false
            }
            return id > 0
          })
          .map(({ id }) => id)
        expect(await audience(raw)).toEqual(expected)
      }),
      { numRuns: 60, seed: 21 },
    )
  })
})

describe('region scoping', () => {
  it('a regional account reaches only its region: another region asked for gives nobody', async () => {
    await addRecipient(db, { province: '13', zone: 'Asia/Jakarta' })
    const makassar = await addRecipient(db, { province: '73' })
    const r5 = await regionScope(db, 'R5')
    expect(await audience({ regions: ['R1'] }, r5)).toEqual([])
    expect(await audience({ regions: ['R1', 'R5'] }, r5)).toEqual([makassar])
    expect(await audience({ regions: ['R1', 'R5'] }, null)).toHaveLength(2)
  })

  it('a session of another region is not found; registrants of its own session are in scope whatever their province', async () => {
    const r1Session = await addSession(db, MONDAY_9_WIB, { code: 'BMT-R1-01', region: 'R1' })
    const r5Session = await addSession(db, MONDAY_9_WIB, { code: 'BMT-R5-01', region: 'R5' })
    const fromJakarta = await addRecipient(db, { province: '31', zone: 'Asia/Jakarta' })
    const fromMakassar = await addRecipient(db, { province: '73' })
    await register(db, fromJakarta, r5Session, 'confirmed')
    await register(db, fromMakassar, r5Session, 'confirmed')
    await register(db, fromMakassar, r1Session, 'confirmed')
    const r5 = await regionScope(db, 'R5')
    const refused = await readAudience(db, { session: 'BMT-R1-01' }, r5)
    expect(refused).toMatchObject({ ok: false, problems: [{ code: 'ANNOUNCE_SESSION_NOT_FOUND', field: 'sesi' }] })
    expect(await audience({ session: 'BMT-R5-01' }, r5)).toEqual([fromJakarta, fromMakassar])
    expect(await audience({ session: 'BMT-R1-01' }, null)).toEqual([fromMakassar])
  })

  it('a regional account sending to its own session queues every registrant, whatever their province', async () => {
    const r5Session = await addSession(db, MONDAY_9_WIB, { code: 'BMT-R5-01', region: 'R5' })
    const fromJakarta = await addRecipient(db, { province: '31', zone: 'Asia/Jakarta' })
    const fromMakassar = await addRecipient(db, { province: '73' })
    await register(db, fromJakarta, r5Session, 'confirmed')
    await register(db, fromMakassar, r5Session, 'confirmed')
    // The queue reads the scope inside its batch transaction: the session's scope check runs there too.
    const sent = await announceNow(
      db,
      { audience: { session: 'BMT-R5-01' }, textId: 'Halo {nama}' },
      ctxAt(MONDAY_9_WIB, await regionScope(db, 'R5')),
    )
    expect(sent.result).toMatchObject({ people: 2, rows: 2, finished: true })
    expect((await announcementRows(db, sent.id)).map((row) => row.personId)).toEqual([fromJakarta, fromMakassar])
  })
})

describe('reading the criteria', () => {
  it('names every problem beside its field, and refuses an audience of no criterion', async () => {
    const read = await readAudience(
      db,
      {
        session: 'BMT-NOPE',
        stages: ['lulus'],
        regions: ['R9'],
        provinces: ['Atlantis'],
        examDay: '2026-02-30',
        portfolioFrom: '2026-12-01',
      },
      null,
    )
    expect(read.ok).toBe(false)
    if (read.ok) return
    expect(read.problems.map((p) => [p.code, p.field])).toEqual([
      ['ANNOUNCE_SESSION_NOT_FOUND', 'sesi'],
      ['ANNOUNCE_BAD_VALUE', 'tahap'],
      ['ANNOUNCE_BAD_VALUE', 'wilayah'],
      ['ANNOUNCE_BAD_VALUE', 'provinsi'],
      ['ANNOUNCE_BAD_DATE', 'ujian_tanggal'],
      ['ANNOUNCE_BAD_RANGE', 'portofolio'],
    ])
    expect(await readAudience(db, { portfolioFrom: '2026-12-09', portfolioTo: '2026-12-01' }, null)).toMatchObject({
      ok: false,
      problems: [{ code: 'ANNOUNCE_BAD_RANGE' }],
    })
    expect(await readAudience(db, {}, null)).toMatchObject({ ok: false, problems: [{ code: 'ANNOUNCE_NO_AUDIENCE' }] })
  })
})
