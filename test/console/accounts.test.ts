/**
 * Staff accounts and roles: what each role may open (the WhatsApp page is for `admin`), the menu
 * and layout, the rules of an account (region for `regional` only, e-mail unique in any case),
 * and the one-time links: invitation (24 h), reset (sessions ended), the first admin's (1 h).
 */

import { describe, expect, it } from 'vitest'
import { addStaff, disableStaff, firstAdminLink, resetStaff } from '../../src/core/console/staff-accounts.js'
import { statement } from '../../src/db/client.js'
import { auditOf, browserOn, consoleFixture, PASSWORD } from './support.js'

describe('roles', () => {
  it.each(['regional', 'viewer'] as const)(
    'a %s account gets 403 on /admin/whatsapp and sees no WhatsApp in its menu',
    async (role) => {
      const f = await consoleFixture()
      await f.addAccount({ email: 'staf@kemensos.go.id', role, ...(role === 'regional' && { region: 'R4' }) })
      const browser = browserOn(f.app)
      await browser.signIn('staf@kemensos.go.id')
      for (const path of ['/admin/whatsapp', '/admin/whatsapp/state']) expect((await browser.request(path)).status).toBe(403)
      const home = await (await browser.request('/admin')).text()
      expect(home).not.toContain('href="/admin/whatsapp"')
      expect(home).toContain(role === 'regional' ? 'Petugas wilayah R4' : 'Pemantau')
    },
  )

  it('an admin opens the WhatsApp page inside the console layout (one h1, menu, no inline style or script)', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: 'admin@kemensos.go.id' })
    const browser = browserOn(f.app)
    await browser.signIn('admin@kemensos.go.id')
    const response = await browser.request('/admin/whatsapp')
    const html = await response.text()
    expect(response.status).toBe(200)
    expect(html.match(/<h1>/g)).toHaveLength(1)
    expect(html).toContain('<h1>WhatsApp</h1>')
    expect(html).toContain('<a href="/admin/whatsapp" aria-current="page">WhatsApp</a>')
    expect(html).not.toMatch(/<style|<script>| style=/)
    // The console's one script, from this origin (the CSP allows no other).
    expect(html).toMatch(/<script src="\/assets\/console-live\.js\?v=[0-9a-f]{12}" defer><\/script>/)
    expect(response.headers.get('refresh')).toBe('5')
  })
})

describe('account rules', () => {
  it('a regional account needs a region R1–R6; the others take none; the e-mail is unique in any case', async () => {
    const f = await consoleFixture()
    const add = async (input: { email: string; role: string; region?: string }) =>
      await addStaff(f.core.db, { name: 'Budi', ...input }, { actor: 'test', at: f.clock.now() })
    expect(await add({ email: 'a@x.id', role: 'regional' })).toMatchObject({ ok: false, error: { code: 'REGION_REQUIRED' } })
    expect(await add({ email: 'a@x.id', role: 'regional', region: 'R7' })).toMatchObject({
      ok: false,
      error: { code: 'REGION_INVALID' },
    })
    expect(await add({ email: 'a@x.id', role: 'viewer', region: 'R1' })).toMatchObject({
      ok: false,
      error: { code: 'REGION_NOT_ALLOWED' },
    })
    expect(await add({ email: 'a@x.id', role: 'boss' })).toMatchObject({ ok: false, error: { code: 'ROLE_INVALID' } })
    expect(await add({ email: 'A@X.id', role: 'regional', region: 'r2' })).toMatchObject({ ok: true })
    expect(await add({ email: 'a@x.ID', role: 'viewer' })).toMatchObject({ ok: false, error: { code: 'EMAIL_TAKEN' } })
    expect(await statement(f.core.db, 'select email, region from staff').all()).toEqual([{ email: 'a@x.id', region: 'R2' }])
    expect(await auditOf(f.core, 'staff.added')).toEqual([expect.objectContaining({ actor: 'test', entity: 'staff' })])
  })
})

describe('one-time links', () => {
  it('an invitation states the rules, refuses a short password, one equal to the e-mail and a mismatch beside the field, then signs in', async () => {
    const f = await consoleFixture()
    const added = await addStaff(
      f.core.db,
      { name: 'Rina', email: 'rina.lestari@kemensos.go.id', role: 'viewer' },
      { actor: 'test', at: f.clock.now() },
    )
    const token = added.ok ? (added.value.token ?? '') : ''
    const browser = browserOn(f.app)
    const page = `/admin/setel-sandi?token=${token}`
    const form = await (await browser.request(page)).text()
    expect(form).toContain('Minimal 12 karakter, tidak sama dengan alamat e-mail')
    expect(form).toContain('<label for="f-confirm">')
    const post = (password: string, confirm = password) =>
      browser.submit(page, '/admin/setel-sandi', { token, password, confirm })
    expect(await (await post('pendek')).text()).toContain('id="f-password-error">Kata sandi minimal 12 karakter.')
    expect(await (await post('rina.lestari@kemensos.go.id')).text()).toContain(
      'id="f-password-error">Kata sandi tidak boleh sama',
    )
    expect(await (await post(PASSWORD, `${PASSWORD}x`)).text()).toContain('id="f-confirm-error">Ketik kata sandi yang sama')
    const done = await post(PASSWORD)
    expect(done.status).toBe(303)
    expect((await browser.request('/admin')).status).toBe(200)
    // Used up.
    expect((await browserOn(f.app).request(page)).status).toBe(404)
    expect(await auditOf(f.core, 'staff.password_set')).toHaveLength(1)
  })

  it('an invitation is good for 24 hours', async () => {
    const f = await consoleFixture()
    const added = await addStaff(
      f.core.db,
      { name: 'Rina', email: 'rina@x.id', role: 'viewer' },
      { actor: 'test', at: f.clock.now() },
    )
    const page = `/admin/setel-sandi?token=${added.ok ? added.value.token : ''}`
    f.clock.advance(24 * 3_600_000 - 60_000)
    expect((await browserOn(f.app).request(page)).status).toBe(200)
    f.clock.advance(120_000)
    expect((await browserOn(f.app).request(page)).status).toBe(404)
  })

  it('a reset ends the sessions and the earlier link; a disabled account gets no link and no session', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: 'budi@x.id', role: 'viewer' })
    const browser = browserOn(f.app)
    await browser.signIn('budi@x.id')
    const first = await resetStaff(f.core.db, 'budi@x.id', { actor: 'cli', at: f.clock.now() })
    expect(first).toMatchObject({ ok: true, value: { sessionsEnded: 1 } })
    expect((await browser.request('/admin')).status).toBe(303)
    const second = await resetStaff(f.core.db, 'budi@x.id', { actor: 'cli', at: f.clock.now() })
    expect((await browserOn(f.app).request(`/admin/setel-sandi?token=${first.ok ? first.value.token : ''}`)).status).toBe(404)
    expect((await browserOn(f.app).request(`/admin/setel-sandi?token=${second.ok ? second.value.token : ''}`)).status).toBe(200)
    expect(await auditOf(f.core, 'staff.reset')).toHaveLength(2)
    await browser.signIn('budi@x.id')
    expect(await disableStaff(f.core.db, 'budi@x.id', { actor: 'cli', at: f.clock.now() })).toMatchObject({
      ok: true,
      value: { sessionsEnded: 1 },
    })
    expect((await browser.request('/admin')).status).toBe(303)
    expect((await browserOn(f.app).request(`/admin/setel-sandi?token=${second.ok ? second.value.token : ''}`)).status).toBe(404)
    expect(await resetStaff(f.core.db, 'budi@x.id', { actor: 'cli', at: f.clock.now() })).toMatchObject({
      ok: false,
      error: { code: 'STAFF_DISABLED' },
    })
    expect(await auditOf(f.core, 'staff.disabled')).toEqual([expect.objectContaining({ actor: 'cli' })])
  })

  it("the first admin's link (no staff yet) asks for name and e-mail, makes an admin, is good for one hour only", async () => {
    const f = await consoleFixture()
    const token = (await firstAdminLink(f.core.db, f.clock.now())) ?? ''
    const page = `/admin/setel-sandi?token=${token}`
    f.clock.advance(59 * 60_000)
    const form = await (await browserOn(f.app).request(page)).text()
    expect(form).toContain('<h1>Buat akun admin pertama</h1>')
    const browser = browserOn(f.app)
    const done = await browser.submit(page, '/admin/setel-sandi', {
      token,
      name: 'Admin Pusat',
      email: 'Pusat@Kemensos.go.id',
      password: PASSWORD,
      confirm: PASSWORD,
    })
    expect(done.status).toBe(303)
    expect(await (await browser.request('/admin')).text()).toContain('Admin pusat')
    expect(await statement(f.core.db, 'select email, role from staff').all()).toEqual([
      { email: 'pusat@kemensos.go.id', role: 'admin' },
    ])
    // With staff on record, no first-admin link is made.
    expect(await firstAdminLink(f.core.db, f.clock.now())).toBeUndefined()

    const late = await consoleFixture()
    const lateToken = await firstAdminLink(late.core.db, late.clock.now())
    late.clock.advance(61 * 60_000)
    expect((await browserOn(late.app).request(`/admin/setel-sandi?token=${lateToken}`)).status).toBe(404)
  })

  it('a set-password link on an account with two-factor on sends to sign in with a code instead of signing in', async () => {
    const f = await consoleFixture()
    const id = await f.addAccount({ email: 'dua@x.id' })
    await statement(f.core.db, 'update staff set totp_secret = ?, totp_enabled_at = 1 where id = ?').run(
      f.totpBox.seal('JBSWY3DPEHPK3PXP'),
      id,
    )
    const reset = await resetStaff(f.core.db, 'dua@x.id', { actor: 'cli', at: f.clock.now() })
    const token = reset.ok ? reset.value.token : ''
    const browser = browserOn(f.app)
    const done = await browser.submit(`/admin/setel-sandi?token=${token}`, '/admin/setel-sandi', {
      token,
      password: `${PASSWORD}2`,
      confirm: `${PASSWORD}2`,
    })
    expect(done.headers.get('location')).toBe('/admin/login?sandi=1')
    expect(browser.jar.has('kesos_console')).toBe(false)
  })
})

describe('the console stylesheet', () => {
  it('is served from this origin under a versioned address, cached for a year, and fits a phone and a laptop', async () => {
    const f = await consoleFixture()
    const html = await (await browserOn(f.app).request('/admin/login')).text()
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(href).toMatch(/^\/assets\/console\.css\?v=[0-9a-f]{12}$/)
    const response = await f.app.request(href)
    expect(response.headers.get('Content-Type')).toBe('text/css; charset=utf-8')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    expect((await f.app.request('/assets/console.css')).headers.get('Cache-Control')).toBe('no-cache')
    expect(await response.text()).toContain('@media (min-width: 48rem)')
  })
})
