/**
 * Signing in to the console through the real app: the redirect to the sign-in page, the session
 * cookie's flags (development and production), one answer for an unknown e-mail and a wrong
 * password, throttling per account and per address that survives a restart, CSRF refusals,
 * rotation at sign-in, the idle timeout, the 12-hour lifetime, sign-out, and `next` staying on this site.
 */

import { describe, expect, it } from 'vitest'
import { ACCOUNT_FAILURE_LIMIT, CLIENT_FAILURE_LIMIT, SIGN_IN_WINDOW_MINUTES } from '../../src/core/console/sign-in.js'
import { statement } from '../../src/db/client.js'
import { auditOf, browserOn, consoleFixture, PASSWORD } from './support.js'

const EMAIL = 'sri.wahyuni@kemensos.go.id'

describe('the way in', () => {
  it('sends a page request without a session to the sign-in page, with where it was going', async () => {
    const f = await consoleFixture()
    const response = await browserOn(f.app).request('/admin/whatsapp?x=1')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`/admin/login?next=${encodeURIComponent('/admin/whatsapp?x=1')}`)
  })

  it('shows an Indonesian sign-in form with labelled fields and the strict CSP', async () => {
    const f = await consoleFixture()
    const response = await browserOn(f.app).request('/admin/login')
    const html = await response.text()
    expect(response.status).toBe(200)
    expect(html).toContain('<html lang="id">')
    expect(html.match(/<h1>/g)).toHaveLength(1)
    for (const name of ['email', 'password', 'otp']) expect(html).toContain(`<label for="f-${name}">`)
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(html).not.toMatch(/<script|<style| style=/)
  })

  it('signs in with the right password, then goes to `next`; the page shows the name and the sign-out form', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    const form = await (await browser.request('/admin/login?next=%2Fadmin%2Fwhatsapp')).text()
    const response = await browser.request('/admin/login', {
      form: { _csrf: browser.csrfOf(form), email: 'Sri.Wahyuni@Kemensos.go.id', password: PASSWORD, next: '/admin/whatsapp' },
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin/whatsapp')
    const home = await (await browser.request('/admin')).text()
    expect(home).toContain('Sri Wahyuni')
    expect(home).toContain('action="/admin/keluar"')
    expect(await auditOf(f.core, 'staff.signed_in')).toEqual([
      expect.objectContaining({ actor: expect.stringMatching(/^staff:\d+$/) }),
    ])
  })

  it.each([
    ['//evil.example/admin', '/admin'],
    ['https://evil.example/admin', '/admin'],
    ['/\\evil.example', '/admin'],
    ['javascript:alert(1)', '/admin'],
    ['/admin/whatsapp?tab=1', '/admin/whatsapp?tab=1'],
  ])('after signing in with next=%s goes to %s (never off this site)', async (next, expected) => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    const response = await browser.submit('/admin/login', '/admin/login', { email: EMAIL, password: PASSWORD, next })
    expect(response.headers.get('location')).toBe(expected)
  })
})

describe('the session cookie', () => {
  it('outside production: HttpOnly, SameSite=Lax, Path=/, not Secure', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const cookie = (await browserOn(f.app).signIn(EMAIL)).headers.getSetCookie().find((c) => c.startsWith('kesos_console='))
    expect(cookie).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/)
    expect(cookie).not.toMatch(/Secure/i)
  })

  it('in production: the __Host- prefix and Secure as well', async () => {
    const f = await consoleFixture({ production: true })
    await f.addAccount({ email: EMAIL, role: 'viewer' })
    const cookies = (await browserOn(f.app).signIn(EMAIL)).headers.getSetCookie()
    const cookie = cookies.find((c) => c.startsWith('__Host-kesos_console='))
    expect(cookie).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
    expect(cookies.some((c) => c.startsWith('kesos_console='))).toBe(false)
  })
})

describe('wrong sign-ins', () => {
  it('get the same answer for an unknown e-mail and a wrong password, written beside the password field', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const unknown = await browserOn(f.app, '198.51.100.1').signIn('nobody@kemensos.go.id')
    const wrong = await browserOn(f.app, '198.51.100.2').signIn(EMAIL, 'not-the-password-at-all')
    expect(unknown.status).toBe(401)
    expect(wrong.status).toBe(401)
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '')
    expect(strip(await unknown.text())).toBe(strip(await wrong.text()))
  })

  it('are logged and audited with the reason and the address, never with the password', async () => {
    const f = await consoleFixture()
    const id = await f.addAccount({ email: EMAIL })
    await browserOn(f.app, '203.0.113.5').signIn(EMAIL, 'tebakan-sandi-rahasia')
    const log = f.lines.join('\n')
    expect(log).toContain('console: sign-in failed')
    expect(log).toContain('wrong_password')
    expect(log).toContain('203.0.113.5')
    expect(log).not.toContain('tebakan-sandi-rahasia')
    const [entry] = await auditOf(f.core, 'staff.sign_in_failed')
    expect(entry).toMatchObject({ actor: `staff:${id}`, entityId: String(id) })
    expect(JSON.parse(entry?.details ?? '{}')).toEqual({ reason: 'wrong_password', client: '203.0.113.5' })
  })

  it(`are throttled per account: after ${ACCOUNT_FAILURE_LIMIT}, even the right password waits for the window, from any address; a restart does not reset it`, async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i++) {
      expect((await browserOn(f.app, `198.51.100.${i + 1}`).signIn(EMAIL, 'wrong-password-guess')).status).toBe(401)
    }
    const refused = await browserOn(f.app, '198.51.100.99').signIn(EMAIL)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.text()).toContain('Terlalu banyak percobaan')
    // A new app on the same database (a restart) still refuses.
    const restarted = await consoleFixture({ core: f.core, clock: f.clock })
    expect((await browserOn(restarted.app).signIn(EMAIL)).status).toBe(429)
    f.clock.advance(SIGN_IN_WINDOW_MINUTES * 60_000)
    expect((await browserOn(restarted.app).signIn(EMAIL)).status).toBe(303)
  })

  it(`are throttled per address: after ${CLIENT_FAILURE_LIMIT} on any accounts, that address waits; another is not affected`, async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const guesser = browserOn(f.app, '203.0.113.66')
    for (let i = 0; i < CLIENT_FAILURE_LIMIT; i++)
      expect((await guesser.signIn(`tebak${i}@example.id`, 'x-password-guess')).status).toBe(401)
    expect((await guesser.signIn(EMAIL)).status).toBe(429)
    expect((await browserOn(f.app, '203.0.113.67').signIn(EMAIL)).status).toBe(303)
  })

  it('an empty field is named beside it and counts as no attempt', async () => {
    const f = await consoleFixture()
    const response = await browserOn(f.app).signIn('', '')
    const html = await response.text()
    expect(response.status).toBe(400)
    expect(html).toContain('id="f-email-error">Isi alamat e-mail Anda.')
    expect(html).toContain('id="f-password-error">Isi kata sandi Anda.')
    expect(await auditOf(f.core, 'staff.sign_in_failed')).toEqual([])
  })

  it('a disabled account cannot sign in (the same answer as a wrong password)', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    await statement(f.core.db, "update staff set status = 'disabled'").run()
    const response = await browserOn(f.app).signIn(EMAIL)
    expect(response.status).toBe(401)
    expect(await response.text()).toContain('E-mail atau kata sandi salah.')
  })
})

describe('CSRF', () => {
  it('refuses the sign-in form posted without its token, or from another site', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    const form = await (await browser.request('/admin/login')).text()
    const noToken = await browser.request('/admin/login', { form: { email: EMAIL, password: PASSWORD } })
    expect(noToken.status).toBe(403)
    expect(await noToken.text()).toContain('Formulir ditolak')
    const crossSite = await browser.request('/admin/login', {
      form: { _csrf: browser.csrfOf(form), email: EMAIL, password: PASSWORD },
      headers: { Origin: 'https://evil.example' },
    })
    expect(crossSite.status).toBe(403)
    expect(await auditOf(f.core, 'staff.signed_in')).toEqual([])
  })

  it('refuses sign-out without the session token: the session goes on', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    await browser.signIn(EMAIL)
    expect((await browser.request('/admin/keluar', { form: {} })).status).toBe(403)
    expect((await browser.request('/admin/keluar', { form: { _csrf: 'x'.repeat(32) } })).status).toBe(403)
    expect((await browser.request('/admin')).status).toBe(200)
  })
})

describe('sessions', () => {
  it('get a new id at sign-in: the id the browser had before no longer works', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    await browser.signIn(EMAIL)
    const first = browser.jar.get('kesos_console')
    // Signing in again with the session still in the browser (the form's token is the cookie's).
    const again = await browser.request('/admin/login', {
      form: { _csrf: browser.jar.get('kesos_console_form') ?? '', email: EMAIL, password: PASSWORD },
    })
    expect(again.status).toBe(303)
    const second = browser.jar.get('kesos_console')
    expect(second).toBeDefined()
    expect(second).not.toBe(first)
    const stale = await f.app.request('/admin', { headers: { Cookie: `kesos_console=${first}` } })
    expect(stale.status).toBe(303)
    // Only a hash of the id is stored.
    const stored = ((await statement(f.core.db, 'select id_hash from staff_sessions').all()) as { id_hash: string }[]).map(
      (row) => row.id_hash,
    )
    expect(stored).toHaveLength(1)
    expect(stored).not.toContain(second)
  })

  it('end after 30 minutes without a request; each request keeps one alive', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    await browser.signIn(EMAIL)
    f.clock.advance(29 * 60_000)
    expect((await browser.request('/admin')).status).toBe(200)
    f.clock.advance(29 * 60_000)
    expect((await browser.request('/admin')).status).toBe(200)
    f.clock.advance(31 * 60_000)
    const expired = await browser.request('/admin')
    expect(expired.status).toBe(303)
    expect(expired.headers.get('location')).toMatch(/^\/admin\/login/)
  })

  it('end 12 hours after sign-in even when used all along, and the staff member signs in again', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    await browser.signIn(EMAIL)
    for (let minutes = 0; minutes < 12 * 60; minutes += 20) {
      f.clock.advance(20 * 60_000)
      expect((await browser.request('/admin')).status).toBe(200)
    }
    f.clock.advance(60_000)
    const over = await browser.request('/admin')
    expect(over.status).toBe(303)
    expect(over.headers.get('location')).toMatch(/^\/admin\/login/)
    await browser.signIn(EMAIL)
    expect((await browser.request('/admin')).status).toBe(200)
  })

  it('end at sign-out, which is audited', async () => {
    const f = await consoleFixture()
    const id = await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    await browser.signIn(EMAIL)
    const cookie = browser.jar.get('kesos_console')
    const out = await browser.submit('/admin', '/admin/keluar', {})
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/admin/login?keluar=1')
    expect(browser.jar.has('kesos_console')).toBe(false)
    expect((await f.app.request('/admin', { headers: { Cookie: `kesos_console=${cookie}` } })).status).toBe(303)
    expect(await auditOf(f.core, 'staff.signed_out')).toEqual([expect.objectContaining({ actor: `staff:${id}` })])
  })
})
