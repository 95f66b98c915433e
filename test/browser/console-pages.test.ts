/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * A tour of the whole console in real headless Chromium, on the demo dataset `npm start` loads: for
 * each role, every page of its menu and the first two records each list links to, at 1366×768 and
 * 390×844. Each page has one h1, labelled fields, no sideways scrolling, no CSP violation and no
 * console error; a `viewer` sees no demo person's full name and no phone number anywhere.
 *
 * With SCREENSHOT_DIR set (`npm run screenshots`), every page is saved there as
 * `<role>-<page>-<laptop|phone>.png`: the pictures in docs/console.md come from this run.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type ServerType, serve } from '@hono/node-server'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { loadDemoData } from '../../src/db/demo-data.js'
import { people } from '../../src/db/schema.js'
import type { StaffRole } from '../../src/vocabulary/staff.js'
import { consoleFixture, PASSWORD } from '../console/support.js'
import { launchBrowser } from '../support/browser.js'

const fixture = consoleFixture()
const SHOTS = process.env.SCREENSHOT_DIR
let server: ServerType
let origin: string
let browser: Browser
let demoNames: string[] = []

const ACCOUNTS: { role: StaffRole; email: string; region?: string }[] = [
  { role: 'admin', email: 'pusat@kemensos.go.id' },
  { role: 'regional', email: 'wilayah.r2@kemensos.go.id', region: 'R2' },
  { role: 'viewer', email: 'pemantau@kemensos.go.id' },
]

beforeAll(async () => {
  loadDemoData(fixture.core.db, fixture.clock.now(), fixture.core.vault)
  demoNames = fixture.core.db
    .select({ name: people.fullName })
    .from(people)
    .all()
    .map((p) => p.name)
  for (const account of ACCOUNTS)
    await fixture.addAccount({ email: account.email, role: account.role, name: `Staf ${account.role}`, region: account.region })
  origin = await new Promise((resolve) => {
    server = serve({ fetch: fixture.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(`http://127.0.0.1:${info.port}`),
    )
  })
  browser = await launchBrowser()
  if (SHOTS) mkdirSync(SHOTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
  closeDatabase(fixture.core.db)
})

const WATCH = `
document.addEventListener('securitypolicyviolation', (e) => globalThis.reportCsp(e.violatedDirective + ' ' + (e.blockedURI || 'inline')), true);
`

/** One h1, every field labelled, nothing wider than the window. */
async function layoutFacts(page: Page) {
  return page.evaluate(() => ({
    h1: document.querySelectorAll('h1').length,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    unlabelled: Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
      .filter((field) => !(field.id && document.querySelector(`label[for="${field.id}"]`)) && !field.closest('label'))
      .map((field) => field.getAttribute('name') ?? field.outerHTML.slice(0, 60)),
  }))
}

/** The menu's pages, and the first two records each list page links to (`/admin/<page>/<id>`). */
async function addressesToVisit(page: Page): Promise<string[]> {
  const menu = await page
    .locator('nav.menu a')
    .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname))
  const found: string[] = []
  for (const address of menu) {
    found.push(address)
    if (address === '/admin') continue
    await page.goto(address)
    // The first two records (or forms) each list links to; downloads (CSV, QR images) are not pages.
    const details = await page
      .locator('main a:not([download])')
      .evaluateAll(
        (links, base) =>
          links
            .map((a) => new URL((a as HTMLAnchorElement).href).pathname)
            .filter(
              (path) => path.startsWith(`${base}/`) && /^\/admin\/[^/]+\/[^/]+$/.test(path) && !/csv|qr|\.(png|svg)$/.test(path),
            ),
        address,
      )
    found.push(...[...new Set(details)].slice(0, 2))
  }
  return found
}

const shotName = (role: string, address: string, size: string) =>
  `${role}-${address.replace(/^\/admin\/?/, '').replace(/[^a-z0-9]+/gi, '-') || 'beranda'}-${size}.png`

describe.each(ACCOUNTS)('the console as $role', (account) => {
  it.each([
    ['laptop', 1366, 768],
    ['phone', 390, 844],
  ])(
    'every page on a %s: one h1, labelled fields, no sideways scrolling, no CSP violation',
    async (size, width, height) => {
      const context = await browser.newContext({ viewport: { width, height }, baseURL: origin })
      const problems: string[] = []
      await context.exposeFunction('reportCsp', (what: string) => problems.push(`CSP: ${what}`))
      await context.addInitScript({ content: WATCH })
      const page = await context.newPage()
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`)
      })
      page.on('pageerror', (error) => problems.push(error.message))

      await page.goto('/admin/login')
      await page.getByLabel('E-mail').fill(account.email)
      await page.getByLabel('Kata sandi').fill(PASSWORD)
      await page.getByRole('button', { name: 'Masuk' }).click()
      await page.waitForURL(`${origin}/admin`)

      const addresses = await addressesToVisit(page)
      expect(addresses.length).toBeGreaterThan(1)
      for (const address of addresses) {
        const response = await page.goto(address)
        expect(response?.status(), address).toBe(200)
        expect(await layoutFacts(page), address).toEqual({ h1: 1, overflow: 0, unlabelled: [] })
        if (account.role === 'viewer') {
          const text = (await page.locator('body').textContent()) ?? ''
          expect(
            demoNames.filter((name) => text.includes(name)),
            address,
          ).toEqual([])
          expect(text, address).not.toMatch(/(\+62|\b0)8\d{2}[\s-]?\d{3,4}[\s-]?\d{3,4}/)
        }
        if (SHOTS) await page.screenshot({ path: join(SHOTS, shotName(account.role, address, size)), fullPage: true })
      }
      expect(problems).toEqual([])
      await context.close()
    },
    120_000,
  )
})
