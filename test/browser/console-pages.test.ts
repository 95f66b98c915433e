/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * A tour of the whole console in real headless Chromium, on the demo dataset `npm start` loads: for
 * each role, every page of its menu and the first two records each list links to (Percakapan: of
 * every state, not only the waiting ones), at 1366×768 and
 * 390×844. Each page has one h1, labelled fields, no sideways scrolling, no CSP violation and no
 * console error; a `viewer` sees no demo person's full name and no phone number anywhere.
 *
 * With SCREENSHOT_DIR set (`npm run screenshots`), every page is saved there as
 * `<role>-<page>-<laptop|phone>.png`: the pictures in docs/console.md come from this run.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { loadDemoData } from '../../src/db/demo-data.js'
import { people } from '../../src/db/schema.js'
import type { StaffRole } from '../../src/vocabulary/staff.js'
import { consoleFixture, PASSWORD } from '../console/support.js'
import { launchBrowser } from '../support/browser.js'
import { expectGoodLayout, openPage, serveOnPort, signIn } from '../support/console-browser.js'

const fixture = await consoleFixture()
const SHOTS = process.env.SCREENSHOT_DIR
let server: Awaited<ReturnType<typeof serveOnPort>>
let origin: string
let browser: Browser
let demoNames: string[] = []

const ACCOUNTS: { role: StaffRole; email: string; region?: string }[] = [
  { role: 'admin', email: 'pusat@kemensos.go.id' },
  { role: 'regional', email: 'wilayah.r2@kemensos.go.id', region: 'R2' },
  { role: 'viewer', email: 'pemantau@kemensos.go.id' },
]

beforeAll(async () => {
  await loadDemoData(fixture.core.db, fixture.clock.now(), fixture.core.vault)
  demoNames = (await fixture.core.db.select({ name: people.fullName }).from(people)).map((p) => p.name)
  for (const account of ACCOUNTS)
    await fixture.addAccount({ email: account.email, role: account.role, name: `Staf ${account.role}`, region: account.region })
  server = await serveOnPort(fixture.app.fetch)
  origin = server.origin
  browser = await launchBrowser()
  if (SHOTS) mkdirSync(SHOTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  closeDatabase(fixture.core.db)
})

/** The menu's pages, and the first two records each list page links to (`/admin/<page>/<id>`). */
async function addressesToVisit(page: Page): Promise<string[]> {
  const menu = await page
    .locator('nav.menu a')
    .evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname))
  const found: string[] = []
  // Percakapan lists the waiting handoffs first: its threads of every state are reached through "Semua".
  for (const address of [...menu, ...(menu.includes('/admin/percakapan') ? ['/admin/percakapan?status=semua'] : [])]) {
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
        address.split('?')[0],
      )
    found.push(...[...new Set(details)].filter((path) => !found.includes(path)).slice(0, 2))
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
      const { page, problems, close } = await openPage(browser, origin, { width, height })
      await signIn(page, origin, account.email, PASSWORD)

      const addresses = await addressesToVisit(page)
      expect(addresses.length).toBeGreaterThan(1)
      for (const address of addresses) {
        const response = await page.goto(address)
        expect(response?.status(), address).toBe(200)
        await expectGoodLayout(page, address)
        if (account.role === 'viewer') {
          const text = (await page.locator('body').textContent()) ?? ''
          expect(
            demoNames.filter((name) => text.includes(name)),
            address,
          ).toEqual([])
          // Each text node on a line of its own: the cells of a table of counts, run together, can
          // spell a phone number that is on no screen ("2026-11-08", 7, 1, 2, 0 → "…0871202026…").
          const nodes = await page.evaluate(() => {
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
            const parts: string[] = []
            while (walker.nextNode()) parts.push(walker.currentNode.textContent ?? '')
            return parts.join('\n')
          })
          expect(nodes, address).not.toMatch(/(\+62|\b0)8\d{2}[\s-]?\d{3,4}[\s-]?\d{3,4}/)
        }
        if (SHOTS) await page.screenshot({ path: join(SHOTS, shotName(account.role, address, size)), fullPage: true })
      }
      expect(problems).toEqual([])
      await close()
    },
    120_000,
  )
})
