/**
 * /api/v1/admin through the real Hono app on in-memory SQLite: the token, sessions and
 * registrations as JSON and CSV, and loading a sessions file over HTTP.
 */

import { parse } from 'csv-parse/sync'
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { cancelSession } from '../../src/core/sessions/cancel-session.js'
import { importSessions } from '../../src/core/sessions/import.js'
import { closeDatabase, written } from '../../src/db/client.js'
import { auditLog, bimtekSessions, people, registrations } from '../../src/db/schema.js'
import { REGISTRATIONS_DOWNLOAD } from '../../src/web/admin-api.js'
import { adminActor } from '../../src/web/admin-auth.js'
import { ADMIN_AUTH, ADMIN_TOKEN, adminWebApp } from '../support/admin-api.js'
import { testCore } from '../support/core.js'
import { day, SESSION, sessionsFile } from '../support/sessions-csv.js'

let core: Core
let web: Awaited<ReturnType<typeof adminWebApp>>
beforeEach(async () => {
  core = await testCore()
  web = adminWebApp({ db: core.db })
})
afterEach(() => closeDatabase(core.db))

const get = (path: string, headers: Record<string, string> = ADMIN_AUTH) => web.request(`/api/v1/admin${path}`, { headers })
const post = (body: string, type = 'text/csv', headers: Record<string, string> = ADMIN_AUTH) =>
  web.request('/api/v1/admin/sessions', { method: 'POST', body, headers: { ...headers, 'Content-Type': type } })

const sessionId = async (code: string) =>
  (await core.db.select().from(bimtekSessions).where(eq(bimtekSessions.code, code)).limit(1))[0]?.id ?? 0

/** The Makassar session with a mix of registrations, people's data including what must never show. */
async function seedRegistrations() {
  await importSessions(core.db, sessionsFile({}), { actor: 'test', now: new Date(), reminders: DEFAULT_REMINDER_SETTINGS })
  const session = await sessionId(SESSION.code)
  const rows = [
    { name: 'Siti Aminah', status: 'confirmed', created: '2026-01-05T02:00:00Z', waitlisted: null },
    { name: 'Budi Santoso', status: 'waitlisted', created: '2026-01-06T02:00:00Z', waitlisted: '2026-01-09T02:00:00Z' },
    { name: 'Rina Marlina', status: 'waitlisted', created: '2026-01-07T02:00:00Z', waitlisted: '2026-01-08T02:00:00Z' },
    { name: 'Andi Wijaya', status: 'offered', created: '2026-01-04T02:00:00Z', waitlisted: '2026-01-04T03:00:00Z' },
    { name: 'Dewi Lestari', status: 'cancelled', created: '2026-01-03T02:00:00Z', waitlisted: null },
  ] as const
  for (const [i, row] of rows.entries()) {
    const person = written(
      await core.db
        .insert(people)
        .values({
          fullName: row.name,
          phoneE164: `+62812000000${i}`,
          nikHash: `hash-${i}`,
          nikCiphertext: `cipher-${i}`,
          birthDate: '1990-07-21',
          provinceCode: '73',
          professionGroup: 'penyuluh sosial',
          institution: i === 0 ? '=HYPERLINK("http://evil.example")' : 'Dinas Sosial Kota Makassar',
        })
        .returning({ id: people.id }),
    )
    await core.db.insert(registrations).values({
      code: `REG-${i}`,
      sessionId: session,
      personId: person.id,
      status: row.status,
      createdAt: new Date(row.created),
      waitlistedAt: row.waitlisted ? new Date(row.waitlisted) : null,
    })
  }
  return session
}

describe('the admin API', () => {
  it.each([
    ['GET', '/api/v1/admin/sessions'],
    ['GET', '/api/v1/admin/sessions/1/registrations'],
    ['POST', '/api/v1/admin/sessions'],
  ])('%s %s needs the admin token', async (method, path) => {
    for (const headers of [{}, { Authorization: 'Bearer wrong-token-wrong-token-wrong' }]) {
      const response = await web.request(path, {
        method,
        headers: { ...headers, 'Content-Type': 'text/csv' } as Record<string, string>,
        body: method === 'POST' ? sessionsFile({}) : null,
      })
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ error: { code: 'UNAUTHORIZED' } })
    }
    expect(await core.db.select().from(bimtekSessions)).toEqual([])
  })
})

describe('GET /api/v1/admin/sessions', () => {
  it('lists sessions not yet over, with region, UTC times, the time zone and seat counts', async () => {
    const session = await seedRegistrations()
    await importSessions(
      core.db,
      sessionsFile({
        code: 'OLD-01',
        starts_at: `${day(-10)} 09:00`,
        ends_at: `${day(-9)} 16:00`,
        registration_opens_at: `${day(-40)} 08:00`,
        registration_closes_at: `${day(-20)} 08:00`,
      }),
      { actor: 'test', now: new Date(), reminders: DEFAULT_REMINDER_SETTINGS },
    )
    const response = await get('/sessions')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { sessions: Record<string, unknown>[] }
    expect(body.sessions).toEqual([
      {
        id: session,
        code: 'BMT-MKS-01',
        title: 'Bimtek Sertifikasi Penyuluh Sosial',
        targetGroup: 'penyuluh sosial',
        regionCode: 'R5',
        regionName: 'BBPPKS Regional V Sulawesi',
        regionCity: 'Makassar',
        mode: 'tatap_muka',
        venue: SESSION.venue,
        mapUrl: SESSION.map_url,
        meetingUrl: null,
        provinceCode: '73',
        provinceName: 'Sulawesi Selatan',
        startsAt: `${day(30)}T01:00:00.000Z`,
        endsAt: `${day(31)}T08:00:00.000Z`,
        timeZone: 'Asia/Makassar',
        capacity: 60,
        registrationOpensAt: `${day(1)}T00:00:00.000Z`,
        registrationClosesAt: `${day(25)}T15:59:00.000Z`,
        confirmed: 1,
        offered: 1,
        waitlisted: 2,
        seatsLeft: 58,
        isDemo: false,
        cancelledAt: null,
        cancelReason: null,
      },
    ])

    const all = (await (await get('/sessions?all=true')).json()) as { sessions: { code: string }[] }
    expect(all.sessions.map((s) => s.code)).toEqual(['OLD-01', 'BMT-MKS-01'])
  })

  it('a session cancelled in the console shows when and why, with no seat left', async () => {
    const session = await seedRegistrations()
    const now = new Date()
    await cancelSession(core.db, session, {
      reason: 'Narasumber berhalangan',
      actor: 'staff:1',
      now,
      reminders: DEFAULT_REMINDER_SETTINGS,
    })
    const body = (await (await get('/sessions')).json()) as { sessions: Record<string, unknown>[] }
    expect(body.sessions).toMatchObject([
      { code: SESSION.code, cancelledAt: now.toISOString(), cancelReason: 'Narasumber berhalangan', seatsLeft: 0, confirmed: 0 },
    ])
  })

  it('?format=csv downloads the sessions with local times, as the import file writes them', async () => {
    await seedRegistrations()
    const response = await get('/sessions?format=csv')
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="sesi-bimtek.csv"')
    const bytes = Buffer.from(await response.arrayBuffer())
    // The byte order mark makes Excel read UTF-8.
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const text = bytes.toString('utf8')
    expect(text).toMatch(
      /^\uFEFFid,code,title,target_group,region,mode,venue,map_url,meeting_url,province,starts_at,ends_at,time_zone,/,
    )
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[]
    expect(rows).toEqual([
      expect.objectContaining({
        code: 'BMT-MKS-01',
        region: 'R5',
        starts_at: SESSION.starts_at,
        ends_at: SESSION.ends_at,
        time_zone: 'Asia/Makassar',
        registration_closes_at: SESSION.registration_closes_at,
        capacity: '60',
        confirmed: '1',
        offered: '1',
        waitlisted: '2',
      }),
    ])
  })

  it('an unknown format is a 400', async () => {
    const response = await get('/sessions?format=xlsx')
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'INVALID_FORMAT' } })
  })
})

describe('GET /api/v1/admin/sessions/:id/registrations', () => {
  it('lists confirmed, offered, the waiting list in join order, then cancelled; never NIK or birth date', async () => {
    const session = await seedRegistrations()
    const response = await get(`/sessions/${session}/registrations`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { session: { code: string }; registrations: Record<string, unknown>[] }
    expect(body.session.code).toBe('BMT-MKS-01')
    expect(body.registrations.map((r) => [r.fullName, r.status, r.waitlistPosition])).toEqual([
      ['Siti Aminah', 'confirmed', null],
      ['Andi Wijaya', 'offered', null],
      ['Rina Marlina', 'waitlisted', 1],
      ['Budi Santoso', 'waitlisted', 2],
      ['Dewi Lestari', 'cancelled', null],
    ])
    expect(body.registrations[0]).toEqual({
      code: 'REG-0',
      status: 'confirmed',
      waitlistPosition: null,
      fullName: 'Siti Aminah',
      phone: '+628120000000',
      professionGroup: 'penyuluh sosial',
      institution: '=HYPERLINK("http://evil.example")',
      provinceCode: '73',
      provinceName: 'Sulawesi Selatan',
      createdAt: '2026-01-05T02:00:00.000Z',
    })
    const text = JSON.stringify(body)
    for (const secret of ['hash-', 'cipher-', '1990-07-21']) expect(text).not.toContain(secret)
  })

  it('?format=csv downloads them; a cell that a spreadsheet would run as a formula is made inert', async () => {
    const session = await seedRegistrations()
    const response = await get(`/sessions/${session}/registrations?format=csv`)
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="pendaftar-BMT-MKS-01.csv"')
    const text = await response.text()
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[]
    expect(rows.map((r) => r.full_name)).toEqual(['Siti Aminah', 'Andi Wijaya', 'Rina Marlina', 'Budi Santoso', 'Dewi Lestari'])
    expect(rows[0]).toEqual({
      code: 'REG-0',
      status: 'confirmed',
      waitlist_position: '',
      full_name: 'Siti Aminah',
      phone: '+628120000000',
      profession_group: 'penyuluh sosial',
      institution: `'=HYPERLINK("http://evil.example")`,
      province: 'Sulawesi Selatan',
      created_at: '2026-01-05 10:00',
    })
    expect(rows[2]?.waitlist_position).toBe('1')
    for (const secret of ['hash-', 'cipher-', '1990-07-21']) expect(text).not.toContain(secret)
  })

  it.each(['abc', '0', '-1', '1.5', '99999999999999999999'])('an id like %s is a 400 INVALID_ID', async (id) => {
    const response = await get(`/sessions/${id}/registrations`)
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'INVALID_ID' } })
  })

  it('every download of names and phones is audited: which token, from which address, which session, format and rows', async () => {
    const session = await seedRegistrations()
    await get(`/sessions/${session}/registrations`)
    await web.request(
      `/api/v1/admin/sessions/${session}/registrations?format=csv`,
      {
        headers: ADMIN_AUTH,
      },
      { incoming: { socket: { remoteAddress: '203.0.113.77' } } },
    )
    const rows = await core.db.select().from(auditLog).where(eq(auditLog.action, REGISTRATIONS_DOWNLOAD))
    const count = (await (await get(`/sessions/${session}/registrations`)).json()).registrations.length
    expect(rows.map((row) => ({ ...row, id: undefined, at: undefined, details: JSON.parse(row.details ?? '{}') }))).toEqual([
      {
        id: undefined,
        at: undefined,
        actor: adminActor(ADMIN_TOKEN),
        action: REGISTRATIONS_DOWNLOAD,
        entity: 'bimtek_session',
        entityId: String(session),
        details: { format: 'json', rows: count, client: 'unknown' },
      },
      {
        id: undefined,
        at: undefined,
        actor: adminActor(ADMIN_TOKEN),
        action: REGISTRATIONS_DOWNLOAD,
        entity: 'bimtek_session',
        entityId: String(session),
        details: { format: 'csv', rows: count, client: '203.0.113.77' },
      },
    ])
    expect(adminActor(ADMIN_TOKEN)).toMatch(/^admin-token:[0-9a-f]{8}$/)
    expect(JSON.stringify(rows)).not.toContain(ADMIN_TOKEN)
  })

  it('an unknown session is a 404 SESSION_NOT_FOUND', async () => {
    const response = await get('/sessions/4242/registrations')
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: { code: 'SESSION_NOT_FOUND' } })
  })
})

describe('POST /api/v1/admin/sessions', () => {
  it('imports a good file and the sessions are listed at once', async () => {
    const response = await post(sessionsFile({}, { code: 'BMT-MKS-02' }))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ inserted: 2, updated: 0 })

    const again = await post(sessionsFile({ title: 'Judul baru' }), 'text/csv; charset=utf-8')
    expect(await again.json()).toEqual({ inserted: 0, updated: 1 })

    const listed = (await (await get('/sessions')).json()) as { sessions: { code: string; title: string }[] }
    expect(listed.sessions.map((s) => [s.code, s.title])).toEqual([
      ['BMT-MKS-01', 'Judul baru'],
      ['BMT-MKS-02', SESSION.title],
    ])
  })

  it('?dry_run=true previews: the real answer marked dryRun, nothing stored, nothing audited; a bad value is a 400', async () => {
    const file = sessionsFile({}, { code: 'BMT-MKS-02' })
    const preview = await web.request('/api/v1/admin/sessions?dry_run=true', {
      method: 'POST',
      body: file,
      headers: { ...ADMIN_AUTH, 'Content-Type': 'text/csv' },
    })
    expect(preview.status).toBe(200)
    expect(await preview.json()).toEqual({ inserted: 2, updated: 0, dryRun: true })
    expect(await core.db.select().from(bimtekSessions)).toEqual([])
    expect(await core.db.select().from(auditLog)).toEqual([])
    expect(await (await post(file)).json()).toEqual({ inserted: 2, updated: 0 })

    const bad = await web.request('/api/v1/admin/sessions?dry_run=yes', {
      method: 'POST',
      body: file,
      headers: { ...ADMIN_AUTH, 'Content-Type': 'text/csv' },
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: { code: 'INVALID_DRY_RUN', message: 'dry_run must be true or false' } })
  })

  it('refuses a file with bad rows with 422, every bad row with its line, and stores nothing', async () => {
    const response = await post(
      sessionsFile({}, { code: 'BAD-1', capacity: '-3' }, { code: 'BAD-2', venue: 'Gedung A\nLantai 2', region: 'Medan' }),
    )
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({
      error: {
        code: 'IMPORT_REJECTED',
        message: '2 baris ditolak; tidak ada yang disimpan',
        rows: [
          { line: 3, column: 'capacity', message: 'harus bilangan bulat 1–10000 (tertulis "-3")' },
          { line: 4, column: 'region', message: expect.stringContaining('tidak dikenal (tertulis "Medan")') },
        ],
      },
    })
    expect(await core.db.select().from(bimtekSessions)).toEqual([])
  })

  it.each([['application/json'], ['multipart/form-data; boundary=x'], ['']])('refuses Content-Type %j with 415', async (type) => {
    const response = await post(sessionsFile({}), type)
    expect(response.status).toBe(415)
    expect(await response.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } })
  })

  it('refuses a body over 5 MB with 413 and stores nothing', async () => {
    const line = `${Object.values(SESSION)
      .map((v) => JSON.stringify(v))
      .join(',')}\n`
    const big = sessionsFile({}) + line.repeat(Math.ceil((5 * 1024 * 1024) / line.length) + 1)
    const response = await post(big)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } })
    expect(await core.db.select().from(bimtekSessions)).toEqual([])
  })
})
