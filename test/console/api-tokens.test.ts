/**
 * Per-staff API tokens: a token acts on /api/v1/admin as its staff member with their role and
 * region as they are at each request (regional: its region only, another region's session 404;
 * viewer: reads without personal data, no writes), revoked, expired or a disabled account's → 401
 * with its code; only the SHA-256 is stored; writes audited as `staff:<id>`; ADMIN_TOKEN still
 * works, with one deprecation warning in the log and a Deprecation header. Then the tokens on the
 * console: made on the Staf page (shown once), revoked, and each staff member's own.
 */
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { API_TOKEN_PREFIX, createApiToken, revokeApiToken } from '../../src/core/console/api-tokens.js'
import { tokenHash } from '../../src/core/console/credentials.js'
import { addStaff, changeStaffRole, disableStaff } from '../../src/core/console/staff-accounts.js'
import { createSecretBox, STAFF_TOTP_PURPOSE } from '../../src/core/privacy/data-key.js'
import { planReminders } from '../../src/core/reminders/plan.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeStore, statement } from '../../src/db/client.js'
import { createWebApp } from '../../src/web/app.js'
import { ADMIN_TOKEN } from '../support/admin-api.js'
import { fakeClock, testCore } from '../support/core.js'
import { addPerson, confirm, DAY } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'
import { sessionsFile } from '../support/sessions-csv.js'
import { everyText } from '../support/store.js'
import { auditOf, browserOn, PASSWORD } from './support.js'

const NOW = new Date('2026-11-23T03:00:00Z')

let core: Core
let clock: Awaited<ReturnType<typeof fakeClock>>
let lines: string[]
let app: Awaited<ReturnType<typeof createWebApp>>
/** Sessions: Bandung (R2) and Padang (R1). */
let bandung: number
let padang: number

beforeEach(async () => {
  clock = fakeClock(NOW)
  core = await testCore({ clock: clock.now })
  lines = []
  // Wired as src/main.ts wires it: the console, and the admin API with ADMIN_TOKEN still set.
  app = createWebApp({
    version: 'test',
    logger: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }),
    clock: clock.now,
    channels: () => ({}),
    checkDatabase: () => undefined,
    adminToken: ADMIN_TOKEN,
    admin: { db: core.db, reminders: DEFAULT_REMINDER_SETTINGS },
    console: {
      db: core.db,
      totpBox: createSecretBox({ current: Buffer.alloc(32, 7) }, STAFF_TOTP_PURPOSE),
      production: false,
      vault: core.vault,
      reminders: DEFAULT_REMINDER_SETTINGS,
    },
  })
  bandung = await addSession(core.db, NOW, { code: 'BMT-BDG-01', region: 'R2', startsAt: new Date(NOW.getTime() + 5 * DAY) })
  padang = await addSession(core.db, NOW, { code: 'BMT-PDG-01', region: 'R1', startsAt: new Date(NOW.getTime() + 6 * DAY) })
  // Ani (Jawa Barat, R2) in Bandung, Citra (Sumatera Barat, R1) in Padang, each with reminders.
  const ani = await addPerson(core.db)
  const citra = await addPerson(core.db)
  await statement(core.db, "update people set full_name = 'Ani Lestari', province_code = '32' where id = ?").run(ani)
  await statement(core.db, "update people set full_name = 'Citra Dewi', province_code = '13' where id = ?").run(citra)
  await confirm(core.db, ani, bandung)
  await confirm(core.db, citra, padang)
  await planReminders(core.db, [ani, citra], NOW, DEFAULT_REMINDER_SETTINGS)
})
afterEach(async () => await closeStore(core.db))

/** A staff account (password PASSWORD) and a token for it. */
async function staffWithToken(email: string, role: 'admin' | 'regional' | 'viewer', region?: string) {
  const added = await addStaff(
    core.db,
    { name: email.split('@')[0] ?? email, email, role, region },
    { actor: 'test', at: clock.now(), password: PASSWORD },
  )
  if (!added.ok) throw new Error(added.error.code)
  const made = await createApiToken(core.db, { staffId: added.value.id, name: 'skrip' }, { actor: 'test', at: clock.now() })
  if (!made.ok) throw new Error(made.error.code)
  return { id: added.value.id, email, token: made.value.token, tokenId: made.value.id }
}

const call = (token: string, path: string, init: { method?: string; body?: string } = {}) =>
  app.request(`/api/v1/admin${path}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: `Bearer ${token}`, ...(init.body !== undefined && { 'Content-Type': 'text/csv' }) },
    ...(init.body !== undefined && { body: init.body }),
  })

const codesOf = async (response: Response) =>
  ((await response.json()) as { sessions: { code: string }[] }).sessions.map((s) => s.code)

describe('a staff API token on /api/v1/admin', () => {
  it('acts as an admin for an admin: every region, the registrations, and its download audited as staff:<id>', async () => {
    const admin = await staffWithToken('pusat@kemensos.go.id', 'admin')
    expect(admin.token.startsWith(API_TOKEN_PREFIX)).toBe(true)
    const sessions = await call(admin.token, '/sessions')
    expect(sessions.status).toBe(200)
    expect(sessions.headers.get('Deprecation')).toBeNull()
    expect(await codesOf(sessions)).toEqual(['BMT-BDG-01', 'BMT-PDG-01'])
    expect((await call(admin.token, `/sessions/${padang}/registrations`)).status).toBe(200)
    expect(await auditOf(core, 'registrations.download')).toEqual([expect.objectContaining({ actor: `staff:${admin.id}` })])
  })

  it('keeps a regional token to its region: the list, the reminders and their counts, and another region’s session is 404', async () => {
    const r2 = await staffWithToken('bandung@kemensos.go.id', 'regional', 'R2')
    expect(await codesOf(await call(r2.token, '/sessions?all=true'))).toEqual(['BMT-BDG-01'])
    const own = await call(r2.token, `/sessions/${bandung}/registrations`)
    expect(own.status).toBe(200)
    expect(JSON.stringify(await own.json())).toContain('Ani Lestari')
    const other = await call(r2.token, `/sessions/${padang}/registrations?format=csv`)
    expect(other.status).toBe(404)
    expect(await other.json()).toEqual({ error: { code: 'SESSION_NOT_FOUND' } })
    const reminders = (await (await call(r2.token, '/reminders')).json()) as { reminders: { eventKey: string }[] }
    expect(reminders.reminders.length).toBeGreaterThan(0)
    expect(new Set(reminders.reminders.map((r) => r.eventKey.split(':')[0]))).toEqual(new Set(['registration']))
    const all = (await (await call(ADMIN_TOKEN, '/reminders')).json()) as { reminders: unknown[] }
    expect(reminders.reminders.length).toBe(all.reminders.length / 2)
    type Summary = { counts: { reminders: Record<string, number> }; nextDueAt: { reminders: string | null } }
    const total = (summary: Summary) => Object.values(summary.counts.reminders).reduce((a, b) => a + b, 0)
    const ownSummary = (await (await call(r2.token, '/reminders/summary')).json()) as Summary
    const allSummary = (await (await call(ADMIN_TOKEN, '/reminders/summary')).json()) as Summary
    expect(total(ownSummary)).toBe(reminders.reminders.length)
    expect(total(allSummary)).toBe(all.reminders.length)
    // Only the admin may load files, whatever region they hold.
    const imported = await call(r2.token, '/sessions', { method: 'POST', body: sessionsFile({ region: 'R2' }) })
    expect(imported.status).toBe(403)
    expect(await imported.json()).toMatchObject({ error: { code: 'FORBIDDEN_ROLE' } })
  })

  it('lets a viewer read what holds no personal data, and refuses the registrations and every write with 403 FORBIDDEN_ROLE', async () => {
    const viewer = await staffWithToken('lihat@kemensos.go.id', 'viewer')
    expect(await codesOf(await call(viewer.token, '/sessions'))).toEqual(['BMT-BDG-01', 'BMT-PDG-01'])
    expect((await call(viewer.token, '/reminders/summary')).status).toBe(200)
    const people = await call(viewer.token, `/sessions/${bandung}/registrations`)
    expect(people.status).toBe(403)
    expect(await people.text()).not.toContain('Ani')
    for (const path of ['/sessions', '/certificates', '/exams']) {
      const response = await call(viewer.token, `${path}?dry_run=true`, { method: 'POST', body: 'a,b\n1,2\n' })
      expect(response.status).toBe(403)
      expect(await response.json()).toMatchObject({ error: { code: 'FORBIDDEN_ROLE' } })
    }
    expect(await statement(core.db, 'select count(*) as n from bimtek_sessions').get()).toEqual({ n: 2 })
  })

  it('follows the staff member’s role as it is now: a regional made viewer loses the registrations at the next request', async () => {
    const r2 = await staffWithToken('bandung@kemensos.go.id', 'regional', 'R2')
    expect((await call(r2.token, `/sessions/${bandung}/registrations`)).status).toBe(200)
    await changeStaffRole(core.db, r2.email, { role: 'viewer' }, { actor: 'test', at: clock.now() })
    expect((await call(r2.token, `/sessions/${bandung}/registrations`)).status).toBe(403)
    expect(await codesOf(await call(r2.token, '/sessions'))).toEqual(['BMT-BDG-01', 'BMT-PDG-01'])
  })

  it('answers 401 with its code for a revoked token, an expired one, and one of a disabled account', async () => {
    const revoked = await staffWithToken('a@kemensos.go.id', 'admin')
    await revokeApiToken(core.db, revoked.tokenId, { actor: 'test', at: clock.now() })
    const disabled = await staffWithToken('b@kemensos.go.id', 'admin')
    await disableStaff(core.db, disabled.email, { actor: 'test', at: clock.now() })
    const expiring = await createApiToken(
      core.db,
      { staffId: revoked.id, name: 'sebentar', expiresAt: new Date(NOW.getTime() + DAY) },
      { actor: 'test', at: clock.now() },
    )
    if (!expiring.ok) throw new Error(expiring.error.code)
    expect((await call(expiring.value.token, '/sessions')).status).toBe(200)
    clock.advance(DAY)
    for (const [token, code] of [
      [revoked.token, 'TOKEN_REVOKED'],
      [disabled.token, 'STAFF_DISABLED'],
      [expiring.value.token, 'TOKEN_EXPIRED'],
      [`${API_TOKEN_PREFIX}${'x'.repeat(43)}`, 'UNAUTHORIZED'],
    ] as const) {
      const response = await call(token, '/sessions')
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ error: { code } })
    }
  })

  it('is stored as its SHA-256 only: the token text is nowhere in the database', async () => {
    const admin = await staffWithToken('pusat@kemensos.go.id', 'admin')
    expect((await call(admin.token, '/sessions')).status).toBe(200)
    const everything = JSON.stringify(await everyText(core.db))
    expect(everything).not.toContain(admin.token)
    expect(everything).not.toContain(admin.token.slice(API_TOKEN_PREFIX.length, API_TOKEN_PREFIX.length + 16))
    expect(await statement(core.db, 'select token_hash as hash, last_used_at as used from staff_api_tokens').get()).toEqual({
      hash: tokenHash(admin.token),
      used: NOW.getTime(),
    })
    expect(lines.join('\n')).not.toContain(admin.token)
  })

  it('audits an import with the staff member as actor, not "admin-api"', async () => {
    const admin = await staffWithToken('pusat@kemensos.go.id', 'admin')
    const response = await call(admin.token, '/sessions', { method: 'POST', body: sessionsFile({ code: 'BMT-MKS-09' }) })
    expect(response.status).toBe(200)
    const actors = await statement(
      core.db,
      "select distinct actor from audit_log where action not like 'staff.%' and action not like 'api_token.%'",
    ).all()
    expect(actors).toEqual([{ actor: `staff:${admin.id}` }])
  })
})

describe('ADMIN_TOKEN (deprecated)', () => {
  it('still works as an admin, with a Deprecation header on every answer and one warning in the log however many requests', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await call(ADMIN_TOKEN, '/sessions')
      expect(response.status).toBe(200)
      expect(response.headers.get('Deprecation')).toMatch(/^@\d+$/)
    }
    expect((await call(ADMIN_TOKEN, `/sessions/${padang}/registrations`)).status).toBe(200)
    const warnings = lines.map((line) => JSON.parse(line) as { msg: string }).filter((entry) => /ADMIN_TOKEN/.test(entry.msg))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.msg).toContain('deprecated')
    expect(lines.join('\n')).not.toContain(ADMIN_TOKEN)
  })
})

describe('API tokens on the console', () => {
  const tokenIn = (page: string) => page.match(/id="token-baru" class="secret" type="text" readonly value="([^"]+)"/)?.[1] ?? ''

  async function signedIn(email: string) {
    const browser = browserOn(app)
    const response = await browser.signIn(email)
    expect(response.status).toBe(303)
    return browser
  }

  it('Staf: an admin makes a colleague’s token (errors beside the fields), sees it once, and it acts with the colleague’s region', async () => {
    const admin = await staffWithToken('pusat@kemensos.go.id', 'admin')
    const colleague = await staffWithToken('bandung@kemensos.go.id', 'regional', 'R2')
    const browser = await signedIn(admin.email)
    const list = await (await browser.request('/admin/staf')).text()
    expect(list).toContain(`href="/admin/staf/${colleague.id}/token"`)
    const page = `/admin/staf/${colleague.id}/token`
    expect(await (await browser.request(page)).text()).toContain('<h1>Token API: bandung</h1>')

    const unnamed = await browser.submit(page, page, { name: ' ', expires: '' })
    expect(unnamed.status).toBe(422)
    expect(await unnamed.text()).toMatch(/id="f-name-error">Isi nama token/)
    const past = await browser.submit(page, page, { name: 'rekap harian', expires: '2026-11-22' })
    expect(past.status).toBe(422)
    const pastPage = await past.text()
    expect(pastPage).toMatch(/id="f-expires-error">Tanggal berlaku harus sesudah hari ini/)
    expect(pastPage).toContain('value="rekap harian"')

    const made = await browser.submit(page, page, { name: 'rekap harian', expires: '2026-12-31' })
    expect(made.status).toBe(200)
    const token = tokenIn(await made.text())
    expect(token.startsWith(API_TOKEN_PREFIX)).toBe(true)
    const again = await (await browser.request(page)).text()
    expect(again).not.toContain(token)
    expect(again).toMatch(
      /<td>rekap harian<\/td>.*?<td>belum pernah<\/td>\s*<td>Kamis, 31 Desember 2026, 23\.59 WIB<\/td><td>Aktif<\/td>/s,
    )
    expect(await codesOf(await call(token, '/sessions'))).toEqual(['BMT-BDG-01'])
    expect((await auditOf(core, 'api_token.created')).at(-1)).toMatchObject({
      actor: `staff:${admin.id}`,
      entityId: String(colleague.id),
    })
  })

  it('Staf: revoking a token stops it at once, and the list says when', async () => {
    const admin = await staffWithToken('pusat@kemensos.go.id', 'admin')
    const colleague = await staffWithToken('bandung@kemensos.go.id', 'regional', 'R2')
    const browser = await signedIn(admin.email)
    const page = `/admin/staf/${colleague.id}/token`
    const revoked = await browser.submit(page, `${page}/${colleague.tokenId}/cabut`, {})
    expect(revoked.status).toBe(200)
    expect(await revoked.text()).toMatch(/<td>Dicabut Senin, 23 November 2026, 10\.00 WIB<\/td>/)
    expect(await (await call(colleague.token, '/sessions')).json()).toEqual({ error: { code: 'TOKEN_REVOKED' } })
    expect(await auditOf(core, 'api_token.revoked')).toEqual([expect.objectContaining({ actor: `staff:${admin.id}` })])
    // Posted without the form's CSRF token: refused, nothing done.
    const other = await staffWithToken('padang@kemensos.go.id', 'regional', 'R1')
    const forged = await browser.request(`/admin/staf/${other.id}/token/${other.tokenId}/cabut`, { form: {} })
    expect(forged.status).toBe(403)
    expect((await call(other.token, '/sessions')).status).toBe(200)
  })

  it('Keamanan akun: a viewer manages their own tokens only; another’s is not found, and the Staf pages stay closed', async () => {
    const viewer = await staffWithToken('lihat@kemensos.go.id', 'viewer')
    const other = await staffWithToken('pusat@kemensos.go.id', 'admin')
    const browser = await signedIn(viewer.email)
    expect(await (await browser.request('/admin/dua-langkah')).text()).toContain('href="/admin/token-api"')
    const made = await browser.submit('/admin/token-api', '/admin/token-api', { name: 'dasbor kantor', expires: '' })
    expect(made.status).toBe(200)
    const token = tokenIn(await made.text())
    expect((await call(token, '/reminders/summary')).status).toBe(200)
    expect((await call(token, `/sessions/${bandung}/registrations`)).status).toBe(403)
    const foreign = await browser.submit('/admin/token-api', `/admin/token-api/${other.tokenId}/cabut`, {})
    expect(foreign.status).toBe(404)
    expect((await call(other.token, '/sessions')).status).toBe(200)
    expect((await browser.request(`/admin/staf/${other.id}/token`)).status).toBe(403)
    expect((await auditOf(core, 'api_token.created')).at(-1)).toMatchObject({
      actor: `staff:${viewer.id}`,
      entityId: String(viewer.id),
    })
  })
})
