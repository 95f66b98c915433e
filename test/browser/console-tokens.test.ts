/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * API tokens on the console in real headless Chromium (see test/support/browser.ts), the app served
 * on a real port as src/main.ts wires it (console and admin API) over in-memory SQLite with a fake
 * clock: an admin opens a colleague's tokens from Staf, makes one and sees it once (gone on reload),
 * the token answers on /api/v1/admin with the colleague's region, and it is revoked from the page;
 * then the admin's own tokens from Keamanan akun. Each page at 1366×768 and 390×844 without
 * sideways scrolling, with one h1, every field labelled, and without a CSP violation or a console error.
 */
import pino from 'pino'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStaff } from '../../src/core/console/staff-accounts.js'
import { createSecretBox, STAFF_TOTP_PURPOSE } from '../../src/core/privacy/data-key.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase } from '../../src/db/client.js'
import { createWebApp } from '../../src/web/app.js'
import { PASSWORD } from '../console/support.js'
import { launchBrowser } from '../support/browser.js'
import { expectGoodLayout, openPage, serveOnPort } from '../support/console-browser.js'
import { fakeClock, testCore } from '../support/core.js'
import { addSession } from '../support/sessions.js'

const NOW = new Date('2026-11-23T03:00:00Z')
const clock = fakeClock(NOW)
const core = await testCore({ clock: clock.now })
const app = createWebApp({
  version: 'test',
  logger: pino({ level: 'silent' }),
  clock: clock.now,
  channels: () => ({}),
  checkDatabase: () => undefined,
  admin: { db: core.db, reminders: DEFAULT_REMINDER_SETTINGS },
  console: {
    db: core.db,
    totpBox: createSecretBox({ current: Buffer.alloc(32, 3) }, STAFF_TOTP_PURPOSE),
    production: false,
    vault: core.vault,
    reminders: DEFAULT_REMINDER_SETTINGS,
  },
})
let server: Awaited<ReturnType<typeof serveOnPort>>
let origin: string
let browser: Browser
let colleague: number

beforeAll(async () => {
  const stamp = { actor: 'test', at: NOW, password: PASSWORD }
  await addStaff(core.db, { name: 'Sri Wahyuni', email: 'admin@kemensos.go.id', role: 'admin' }, stamp)
  const added = await addStaff(
    core.db,
    { name: 'Budi Santoso', email: 'budi@kemensos.go.id', role: 'regional', region: 'R2' },
    stamp,
  )
  if (!added.ok) throw new Error(added.error.code)
  colleague = added.value.id
  await addSession(core.db, NOW, { code: 'BMT-BDG-01', region: 'R2', startsAt: new Date(NOW.getTime() + 5 * 86_400_000) })
  await addSession(core.db, NOW, { code: 'BMT-PDG-01', region: 'R1', startsAt: new Date(NOW.getTime() + 6 * 86_400_000) })
  server = await serveOnPort(app.fetch)
  origin = server.origin
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  closeDatabase(core.db)
})

/** A fresh page of `width`×`height`, with CSP violations and console errors collected. */
const open = (width: number, height: number) => openPage(browser, origin, { width, height })

const checkLayout = (page: Page) => expectGoodLayout(page)

/** The session codes the admin API gives `token`. */
async function sessionsWith(token: string) {
  const response = await fetch(`${origin}/api/v1/admin/sessions`, { headers: { Authorization: `Bearer ${token}` } })
  if (response.status !== 200) return response.status
  return ((await response.json()) as { sessions: { code: string }[] }).sessions.map((s) => s.code)
}

describe.each([
  ['laptop', 1366, 768],
  ['phone', 390, 844],
])('API tokens on a %s', (name, width, height) => {
  it('an admin makes a colleague’s token on Staf, sees it once, it acts in the colleague’s region, and revokes it', async () => {
    const { page, problems, close } = await open(width, height)
    await page.goto('/admin/login')
    await page.getByLabel('E-mail').fill('admin@kemensos.go.id')
    await page.getByLabel('Kata sandi').fill(PASSWORD)
    await page.getByRole('button', { name: 'Masuk' }).click()
    await page.waitForURL(`${origin}/admin`)

    await page.goto('/admin/staf')
    await page.locator(`a[href="/admin/staf/${colleague}/token"]`).click()
    await page.waitForURL(`${origin}/admin/staf/${colleague}/token`)
    expect(await page.locator('h1').textContent()).toBe('Token API: Budi Santoso')
    // The empty state on the first run; the table (the first run's token, revoked) on the second.
    expect(await page.locator('.empty, table').count()).toBe(1)
    await checkLayout(page)

    await page.getByLabel('Nama token').fill(`rekap ${name}`)
    await page.getByRole('button', { name: 'Buat token' }).click()
    const shown = page.getByLabel(/^Token \(kirim sebagai/)
    await expect.poll(() => shown.count()).toBe(1)
    const token = await shown.inputValue()
    expect(token).toMatch(/^kst_[A-Za-z0-9_-]{43}$/)
    await checkLayout(page)
    expect(await sessionsWith(token)).toEqual(['BMT-BDG-01'])

    await page.goto(`/admin/staf/${colleague}/token`)
    expect(await page.content()).not.toContain(token)
    await page
      .getByRole('form', { name: `Cabut token rekap ${name}` })
      .getByRole('button', { name: 'Cabut' })
      .click()
    await expect.poll(() => page.getByRole('status').textContent()).toContain('dicabut')
    await checkLayout(page)
    expect(await sessionsWith(token)).toBe(401)

    await page.getByRole('link', { name: 'Keamanan akun' }).click()
    await page.getByRole('link', { name: 'kelola token API Anda' }).click()
    await page.waitForURL(`${origin}/admin/token-api`)
    expect(await page.locator('h1').textContent()).toBe('Token API Anda')
    await checkLayout(page)
    expect(problems).toEqual([])
    await close()
  })
})
