/**
 * Two-factor (TOTP) in the console: enrolment for the signed-in staff member, the code asked at
 * every sign-in after it (missing, wrong, replayed), and an admin in production held on the
 * enrolment page until it is on.
 */
import { Secret, TOTP } from 'otpauth'
import { describe, expect, it } from 'vitest'
import { type Db, statement } from '../../src/db/client.js'
import { auditOf, browserOn, consoleFixture } from './support.js'

/** The TOTP secret as stored (sealed) for the fixture's one staff account. */
const storedSecret = async (db: Db) =>
  ((await statement(db, 'select totp_secret from staff').get()) as { totp_secret: string }).totp_secret

const EMAIL = 'admin.pusat@kemensos.go.id'

const codeAt = (secret: string, at: Date) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: at.getTime() })
const secretOf = (html: string) => (html.match(/class="secret">([A-Z2-7 ]+)</)?.[1] ?? '').replace(/ /g, '')

/** Signs in and enrols; returns the browser and the secret. */
async function enrolled(f: Awaited<ReturnType<typeof consoleFixture>>) {
  const browser = browserOn(f.app)
  await browser.signIn(EMAIL)
  const page = await (await browser.request('/admin/dua-langkah')).text()
  const secret = secretOf(page)
  const done = await browser.request('/admin/dua-langkah', {
    form: { _csrf: browser.csrfOf(page), otp: codeAt(secret, f.clock.now()) },
  })
  expect(done.status).toBe(303)
  return { browser, secret }
}

describe('enrolment', () => {
  it('shows the secret as text, as an otpauth address and as an SVG QR, the same on reload until confirmed', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    await browser.signIn(EMAIL)
    const page = await (await browser.request('/admin/dua-langkah')).text()
    const secret = secretOf(page)
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(page).toContain(`otpauth://totp/`)
    expect(page).toContain(`secret=${secret}`)
    expect(page).toContain('<svg')
    expect(secretOf(await (await browser.request('/admin/dua-langkah')).text())).toBe(secret)
    // Stored sealed, never as the secret itself.
    const stored = await storedSecret(f.core.db)
    expect(stored.startsWith('v1:')).toBe(true)
    expect(stored).not.toContain(secret)
    expect(f.totpBox.open(stored)).toBe(secret)
  })

  it('shows one secret to two pages opened at the same moment (the QR first scanned still confirms)', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    await browser.signIn(EMAIL)
    const pages = await Promise.all([browser.request('/admin/dua-langkah'), browser.request('/admin/dua-langkah')])
    const [first, second] = await Promise.all(pages.map(async (page) => secretOf(await page.text())))
    expect(first).toMatch(/^[A-Z2-7]{32}$/)
    expect(second).toBe(first)
    expect(f.totpBox.open(await storedSecret(f.core.db))).toBe(first)
  })

  it('refuses a wrong code beside the field, and turns on with the right one (audited)', async () => {
    const f = await consoleFixture()
    const id = await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    await browser.signIn(EMAIL)
    const page = await (await browser.request('/admin/dua-langkah')).text()
    const wrong = await browser.request('/admin/dua-langkah', { form: { _csrf: browser.csrfOf(page), otp: '000000' } })
    expect(wrong.status).toBe(400)
    expect(await wrong.text()).toContain('id="f-otp-error">Kode salah')
    expect(await auditOf(f.core, 'staff.two_factor_enrolled')).toEqual([])
    const right = await browser.request('/admin/dua-langkah', {
      form: { _csrf: browser.csrfOf(page), otp: codeAt(secretOf(page), f.clock.now()) },
    })
    expect(right.status).toBe(303)
    expect(await (await browser.request('/admin/dua-langkah')).text()).toContain('Verifikasi dua langkah aktif sejak')
    expect(await auditOf(f.core, 'staff.two_factor_enrolled')).toEqual([expect.objectContaining({ actor: `staff:${id}` })])
  })
})

describe('signing in with two-factor on', () => {
  it('asks for the code beside its field, refuses a wrong one, takes the right one once', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: EMAIL })
    const { secret } = await enrolled(f)
    f.clock.advance(60_000)
    const missing = await browserOn(f.app).signIn(EMAIL)
    expect(missing.status).toBe(401)
    expect(await missing.text()).toContain('id="f-otp-error">Akun ini memakai verifikasi dua langkah')
    const wrong = await browserOn(f.app).signIn(EMAIL, undefined, '123456')
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('id="f-otp-error">Kode verifikasi salah')
    const code = codeAt(secret, f.clock.now())
    expect((await browserOn(f.app).signIn(EMAIL, undefined, code)).status).toBe(303)
    // The same code again (seen over a shoulder) is refused.
    expect((await browserOn(f.app).signIn(EMAIL, undefined, code)).status).toBe(401)
    f.clock.advance(30_000)
    expect((await browserOn(f.app).signIn(EMAIL, undefined, codeAt(secret, f.clock.now()))).status).toBe(303)
  })
})

describe('an admin in production', () => {
  it('without two-factor is held on the enrolment page until it is on', async () => {
    const f = await consoleFixture({ production: true })
    await f.addAccount({ email: EMAIL })
    const browser = browserOn(f.app)
    expect((await browser.signIn(EMAIL)).status).toBe(303)
    for (const path of ['/admin', '/admin/whatsapp', '/admin/whatsapp/state']) {
      const response = await browser.request(path)
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toBe('/admin/dua-langkah')
    }
    const page = await (await browser.request('/admin/dua-langkah')).text()
    expect(page).toContain('wajib memakai verifikasi dua langkah')
    await browser.request('/admin/dua-langkah', {
      form: { _csrf: browser.csrfOf(page), otp: codeAt(secretOf(page), f.clock.now()) },
    })
    expect((await browser.request('/admin')).status).toBe(200)
  })

  it('is not held outside production, nor is a regional account in production', async () => {
    const dev = await consoleFixture()
    await dev.addAccount({ email: EMAIL })
    const devBrowser = browserOn(dev.app)
    await devBrowser.signIn(EMAIL)
    expect((await devBrowser.request('/admin')).status).toBe(200)
    const prod = await consoleFixture({ production: true })
    await prod.addAccount({ email: EMAIL, role: 'regional', region: 'R2' })
    const regional = browserOn(prod.app)
    await regional.signIn(EMAIL)
    expect((await regional.request('/admin')).status).toBe(200)
  })
})

describe('the account page', () => {
  it('leads to linking a Telegram account for the staff group, except for a viewer (who cannot answer)', async () => {
    const f = await consoleFixture()
    await f.addAccount({ email: 'rina@kemensos.go.id', role: 'regional', region: 'R5' })
    await f.addAccount({ email: 'vera@kemensos.go.id', role: 'viewer' })
    const regional = browserOn(f.app)
    await regional.signIn('rina@kemensos.go.id')
    expect(await (await regional.request('/admin/dua-langkah')).text()).toContain('<a href="/admin/tautkan-telegram">')
    const viewer = browserOn(f.app)
    await viewer.signIn('vera@kemensos.go.id')
    expect(await (await viewer.request('/admin/dua-langkah')).text()).not.toContain('tautkan-telegram')
  })
})
