/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * Peserta and Ujian in real headless Chromium (see test/support/browser.ts), on the real app served
 * on a real port: an admin searches, opens a person and their exam schedule; a regional account
 * typing another region's person into the address gets the 404 page; a viewer sees no personal
 * data. Every page at 1366×768 and 390×844 with one h1, labelled fields, no sideways scrolling, no
 * CSP violation and no console error.
 */
import { type ServerType, serve } from '@hono/node-server'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { seedPeople } from '../console/people-fixture.js'
import { consoleFixture, PASSWORD } from '../console/support.js'
import { launchBrowser } from '../support/browser.js'

const fixture = consoleFixture()
const { budi, siti } = seedPeople(fixture)
let server: ServerType
let origin: string
let browser: Browser

beforeAll(async () => {
  await fixture.addAccount({ email: 'admin@kemensos.go.id', name: 'Sri Wahyuni', role: 'admin' })
  await fixture.addAccount({ email: 'r2@kemensos.go.id', name: 'Dewi Anggraini', role: 'regional', region: 'R2' })
  await fixture.addAccount({ email: 'pemantau@kemensos.go.id', name: 'Yusuf Hidayat', role: 'viewer' })
  origin = await new Promise((resolve) => {
    server = serve({ fetch: fixture.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve(`http://127.0.0.1:${info.port}`),
    )
  })
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
  closeDatabase(fixture.core.db)
})

const WATCH = `
document.addEventListener('securitypolicyviolation', (e) => globalThis.reportCsp(e.violatedDirective + ' ' + (e.blockedURI || 'inline')), true);
`

/** A fresh page of `width`×`height` signed in as `email`, with CSP violations and console errors collected. */
async function signedIn(email: string, width: number, height: number) {
  const context = await browser.newContext({ viewport: { width, height }, baseURL: origin })
  const problems: string[] = []
  await context.exposeFunction('reportCsp', (what: string) => problems.push(`CSP: ${what}`))
  await context.addInitScript({ content: WATCH })
  const page = await context.newPage()
  page.on('console', (message) => {
    // The documents answered 403/404 on purpose log their status; anything else is a problem.
    if (message.type() === 'error' && !/status of 40[34]/.test(message.text())) problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  await page.goto('/admin/login')
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Kata sandi').fill(PASSWORD)
  await page.getByRole('button', { name: 'Masuk' }).click()
  await page.waitForURL(`${origin}/admin`)
  return { page, problems, close: () => context.close() }
}

/** One h1, every input, select and textarea labelled, nothing wider than the window. */
async function checkLayout(page: Page) {
  const facts = await page.evaluate(() => ({
    h1: document.querySelectorAll('h1').length,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    unlabelled: Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea')).filter(
      (input) => !document.querySelector(`label[for="${input.id}"]`),
    ).length,
  }))
  expect(facts).toEqual({ h1: 1, overflow: 0, unlabelled: 0 })
}

describe.each([
  ['laptop', 1366, 768],
  ['phone', 390, 844],
])('Peserta and Ujian on a %s', (_, width, height) => {
  it('an admin searches by phone, opens the person, and their exams', async () => {
    const { page, problems, close } = await signedIn('admin@kemensos.go.id', width, height)
    await page.getByRole('link', { name: 'Peserta' }).click()
    await page.waitForURL(`${origin}/admin/peserta`)
    await checkLayout(page)
    await page.getByLabel('Nama, NIK, nomor HP atau kode pendaftaran').fill('+62 812-3456-7890')
    await page.getByRole('button', { name: 'Cari' }).click()
    await page.waitForURL(/q=/)
    await page.getByRole('link', { name: 'Budi Santoso' }).click()
    await page.waitForURL(`${origin}/admin/peserta/${budi}`)
    expect(await page.locator('h1').textContent()).toBe('Budi Santoso')
    await checkLayout(page)
    await page.getByRole('link', { name: 'Jadwal ujian peserta ini' }).click()
    await page.waitForURL(`${origin}/admin/ujian?orang=${budi}`)
    expect(await page.locator('table').first().textContent()).toContain('Ujian kognitif')
    await checkLayout(page)
    await page.getByRole('link', { name: 'Ujian', exact: true }).click()
    await checkLayout(page)
    expect(problems).toEqual([])
    await close()
  }, 60_000)

  it("a regional account typing another region's person into the address gets the 404 page", async () => {
    const { page, problems, close } = await signedIn('r2@kemensos.go.id', width, height)
    for (const path of [`/admin/peserta/${siti}`, `/admin/ujian?orang=${siti}`]) {
      const response = await page.goto(path)
      expect(await page.locator('main').textContent()).not.toContain('Siti')
      if (path.startsWith('/admin/peserta')) {
        expect(response?.status()).toBe(404)
        expect(await page.locator('h1').textContent()).toBe('Peserta tidak ditemukan')
      }
      await checkLayout(page)
    }
    expect(problems).toEqual([])
    await close()
  }, 60_000)

  it('a viewer sees names masked, no phone and no person page', async () => {
    const { page, problems, close } = await signedIn('pemantau@kemensos.go.id', width, height)
    for (const path of ['/admin/peserta', '/admin/ujian']) {
      await page.goto(path)
      const text = (await page.locator('main').textContent()) ?? ''
      expect(text).toContain('Bud… San…')
      expect(text).not.toContain('Budi Santoso')
      expect(text).not.toContain('3456')
      await checkLayout(page)
    }
    expect(await page.locator('a[href^="/admin/peserta/"]').count()).toBe(0)
    expect((await page.goto(`/admin/peserta/${budi}`))?.status()).toBe(403)
    await checkLayout(page)
    expect(problems).toEqual([])
    await close()
  }, 60_000)
})
