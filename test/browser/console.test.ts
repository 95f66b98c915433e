/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * Signing in to the console in real headless Chromium (see test/support/browser.ts): the real app
 * served on a real port over in-memory SQLite with a fake clock. A wrong password, then the right
 * one, two-factor enrolment, signing out, signing in again with a code, a form whose CSRF token
 * was taken out refused, and sign-in throttled after five wrong passwords; every page at 1366×768
 * and 390×844 without sideways scrolling, with one h1, and without a CSP violation or a console error.
 */
import { Secret, TOTP } from 'otpauth'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase, statement } from '../../src/db/client.js'
import { consoleFixture, PASSWORD } from '../console/support.js'
import { launchBrowser } from '../support/browser.js'
import { expectGoodLayout, openPage, serveOnPort } from '../support/console-browser.js'

const EMAIL = 'sri.wahyuni@kemensos.go.id'
const fixture = await consoleFixture()
let server: Awaited<ReturnType<typeof serveOnPort>>
let origin: string
let browser: Browser

beforeAll(async () => {
  await fixture.addAccount({ email: EMAIL })
  server = await serveOnPort(fixture.app.fetch)
  origin = server.origin
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  closeDatabase(fixture.core.db)
})

/** A fresh page of `width`×`height`, with CSP violations and console errors collected. */
const open = (width: number, height: number) =>
  // The documents answered 401/403 on purpose log their status; anything else is a problem.
  openPage(browser, origin, { width, height, ignore: /status of 40[13]/ })

const checkLayout = (page: Page) => expectGoodLayout(page)

const codeNow = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: fixture.clock.now().getTime() })

describe.each([
  ['laptop', 1366, 768],
  ['phone', 390, 844],
])('the console on a %s', (_, width, height) => {
  it('signs in (wrong password, then right), enrols two-factor, signs out, and signs in again with a code', async () => {
    const { page, problems, close } = await open(width, height)
    await page.goto('/admin')
    expect(new URL(page.url()).pathname).toBe('/admin/login')
    await checkLayout(page)

    await page.getByLabel('E-mail').fill(EMAIL)
    await page.getByLabel('Kata sandi').fill('bukan-kata-sandinya')
    await page.getByRole('button', { name: 'Masuk' }).click()
    await expect.poll(() => page.locator('#f-password-error').textContent()).toBe('E-mail atau kata sandi salah.')
    expect(await page.getByLabel('E-mail').inputValue()).toBe(EMAIL)
    await checkLayout(page)

    await page.getByLabel('Kata sandi').fill(PASSWORD)
    await page.getByRole('button', { name: 'Masuk' }).click()
    await page.waitForURL(`${origin}/admin`)
    expect(await page.locator('h1').textContent()).toBe('Beranda')
    await checkLayout(page)

    await page.getByRole('link', { name: 'Keamanan akun' }).click()
    await page.waitForURL(`${origin}/admin/dua-langkah`)
    await checkLayout(page)
    const secret = ((await page.locator('.secret').textContent()) ?? '').replace(/ /g, '')
    await page.getByLabel('Kode dari aplikasi').fill(codeNow(secret))
    await page.getByRole('button', { name: 'Aktifkan' }).click()
    await page.waitForURL(`${origin}/admin`)

    await page.getByRole('button', { name: 'Keluar' }).click()
    await page.waitForURL(/\/admin\/login\?keluar=1$/)
    expect(await page.getByRole('status').textContent()).toBe('Anda sudah keluar.')

    fixture.clock.advance(30_000)
    await page.getByLabel('E-mail').fill(EMAIL)
    await page.getByLabel('Kata sandi').fill(PASSWORD)
    await page.getByRole('button', { name: 'Masuk' }).click()
    await expect.poll(() => page.locator('#f-otp-error').textContent()).toContain('verifikasi dua langkah')
    await page.getByLabel('Kata sandi').fill(PASSWORD)
    await page.getByLabel('Kode verifikasi dua langkah').fill(codeNow(secret))
    await page.getByRole('button', { name: 'Masuk' }).click()
    await page.waitForURL(`${origin}/admin`)

    // A form posted without its CSRF token is refused, and the session goes on.
    await page.evaluate(() => document.querySelector('form[action="/admin/keluar"] input[name="_csrf"]')?.remove())
    const refused = page.waitForResponse((response) => response.url().endsWith('/admin/keluar'))
    await page.getByRole('button', { name: 'Keluar' }).click()
    expect((await refused).status()).toBe(403)
    expect(await page.locator('h1').textContent()).toBe('Formulir ditolak')
    await page.goto('/admin')
    expect(await page.locator('h1').textContent()).toBe('Beranda')

    await page.getByRole('button', { name: 'Keluar' }).click()
    await page.waitForURL(/\/admin\/login/)
    expect(problems).toEqual([])
    await close()
    // The next run starts without two-factor again.
    await statement(fixture.core.db, 'update staff set totp_secret = null, totp_enabled_at = null, totp_last_step = null').run()
    await statement(fixture.core.db, 'delete from sign_in_failures').run()
  }, 60_000)

  it('after 5 wrong passwords for one e-mail, even the right one is refused with when to try again; later it works', async () => {
    const { page, problems, close } = await open(width, height)
    await page.goto('/admin/login')
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await page.getByLabel('E-mail').fill(EMAIL)
      await page.getByLabel('Kata sandi').fill(`tebakan-ke-${attempt}`)
      await page.getByRole('button', { name: 'Masuk' }).click()
      await expect.poll(() => page.locator('#f-password-error').textContent()).toBe('E-mail atau kata sandi salah.')
    }
    await page.getByLabel('E-mail').fill(EMAIL)
    await page.getByLabel('Kata sandi').fill(PASSWORD)
    const refused = page.waitForResponse(
      (response) => response.url().endsWith('/admin/login') && response.request().method() === 'POST',
    )
    await page.getByRole('button', { name: 'Masuk' }).click()
    expect((await refused).status()).toBe(429)
    expect(await page.getByRole('alert').textContent()).toMatch(
      /^Terlalu banyak percobaan masuk yang gagal\. Coba lagi dalam \d+ menit\.$/,
    )
    await checkLayout(page)

    fixture.clock.advance(16 * 60_000)
    await page.getByLabel('E-mail').fill(EMAIL)
    await page.getByLabel('Kata sandi').fill(PASSWORD)
    await page.getByRole('button', { name: 'Masuk' }).click()
    await page.waitForURL(`${origin}/admin`)
    await page.getByRole('button', { name: 'Keluar' }).click()
    await page.waitForURL(/\/admin\/login/)
    expect(problems.filter((p) => !p.includes('429'))).toEqual([])
    await close()
  }, 60_000)
})
