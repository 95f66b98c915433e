/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * Peserta and Ujian in real headless Chromium (see test/support/browser.ts), on the real app served
 * on a real port: an admin searches, opens a person and their exam schedule; a regional account
 * typing another region's person into the address gets the 404 page; a viewer sees no personal
 * data. Every page at 1366×768 and 390×844 with one h1, labelled fields, no sideways scrolling, no
 * CSP violation and no console error.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { seedPeople } from '../console/people-fixture.js'
import { consoleFixture, PASSWORD } from '../console/support.js'
import { launchBrowser } from '../support/browser.js'
import { expectGoodLayout, openPage, serveOnPort, signIn } from '../support/console-browser.js'

const fixture = await consoleFixture()
const { budi, siti } = await seedPeople(fixture)
let server: Awaited<ReturnType<typeof serveOnPort>>
let origin: string
let browser: Browser

beforeAll(async () => {
  await fixture.addAccount({ email: 'admin@kemensos.go.id', name: 'Sri Wahyuni', role: 'admin' })
  await fixture.addAccount({ email: 'r2@kemensos.go.id', name: 'Dewi Anggraini', role: 'regional', region: 'R2' })
  await fixture.addAccount({ email: 'pemantau@kemensos.go.id', name: 'Yusuf Hidayat', role: 'viewer' })
  server = await serveOnPort(fixture.app.fetch)
  origin = server.origin
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  closeDatabase(fixture.core.db)
})

/** A fresh page of `width`×`height` signed in as `email`, with CSP violations and console errors collected. */
async function signedIn(email: string, width: number, height: number) {
  // The documents answered 403/404 on purpose log their status; anything else is a problem.
  const opened = await openPage(browser, origin, { width, height, ignore: /status of 40[34]/ })
  await signIn(opened.page, origin, email, PASSWORD)
  return opened
}

const checkLayout = (page: Page) => expectGoodLayout(page)

describe.each([
  ['laptop', 1366, 768],
  ['phone', 390, 844],
])('Peserta and Ujian on a %s', (_, width, height) => {
  it('an admin searches by phone (kept out of the address), opens the person, and their exams', async () => {
    const { page, problems, close } = await signedIn('admin@kemensos.go.id', width, height)
    await page.getByRole('link', { name: 'Peserta' }).click()
    await page.waitForURL(`${origin}/admin/peserta`)
    await checkLayout(page)
    await page.getByLabel('Nama, NIK, nomor HP atau kode pendaftaran').fill('+62 812-3456-7890')
    const answered = page.waitForResponse((r) => r.url() === `${origin}/admin/peserta` && r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Cari' }).click()
    expect((await answered).status()).toBe(200)
    // A phone number (or NIK) is answered to the posted form, never put in the address.
    expect(page.url()).toBe(`${origin}/admin/peserta`)
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
