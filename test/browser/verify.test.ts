/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * The certificate verification page in real headless Chromium (the one from npm, driven by
 * playwright-core, see test/support/browser.ts): the real Hono app from `createWebApp`, with the
 * verification wired as src/main.ts wires it (audit on, rate limit on), served by
 * @hono/node-server on a real port over in-memory SQLite with one certificate in every state and a
 * fixed clock (23 November 2026, 09:00 in Jakarta).
 *
 * The browser searches through the form as a person would, then checks every result state, the
 * name check, genuine and tampered QR links, markup typed into the form, the English version, and
 * a phone-sized layout (with screenshots, measured numerically). Every page a test opens is
 * watched: a CSP violation, a console error, an uncaught error or a dialog fails the test.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ServerType, serve } from '@hono/node-server'
import pino from 'pino'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { createLookupAudit, LOOKUP_ACTION, type LookupAudit } from '../../src/core/certificates/lookup-audit.js'
import { maskName, signNumber } from '../../src/core/certificates/verify.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { auditLog, certificates } from '../../src/db/schema.js'
import { createWebApp } from '../../src/web/app.js'
import { launchBrowser } from '../support/browser.js'
import { fakeClock, testCore } from '../support/core.js'
import { CERTS as FIXTURE_CERTS, KEY, NOW } from '../support/verify-fixture.js'

/**
 * The fixture's certificates, except the holder on her last valid day: in the browser she has
 * always been a plain three-word name (the fixture's accented name is checked in test/web).
 */
const CERTS = {
  ...FIXTURE_CERTS,
  lastDay: { ...FIXTURE_CERTS.lastDay, holderName: 'Yohanes Pandapotan Simanjuntak' },
}
type Cert = (typeof CERTS)[keyof typeof CERTS]

/** Where the phone-sized screenshots go (not committed): SCREENSHOT_DIR, else a fixed temp folder. */
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'kesos-verify-screenshots')
const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
}

let core: Core
let audit: LookupAudit
let browser: Browser
const servers: ServerType[] = []
/** The app with a high rate limit, and the same app limited to one lookup a minute. */
let origin: string
let limitedOrigin: string

/** The real app on a real port (127.0.0.1, a free port), as src/main.ts serves it. */
function startApp(ratePerMinute: number): Promise<string> {
  const clock = fakeClock(NOW)
  const app = createWebApp({
    version: 'browser-test',
    logger: pino({ level: 'silent' }),
    clock: clock.now,
    channels: () => ({ console: 'on' }),
    checkDatabase: async () => {
      await statement(core.db, 'select 1').get()
    },
    admin: { db: core.db, reminders: DEFAULT_REMINDER_SETTINGS },
    verify: { db: core.db, signingKey: KEY, audit, ratePerMinute },
  })
  return new Promise((resolve) => {
    servers.push(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}`)))
  })
}

beforeAll(async () => {
  core = await testCore({ clock: fakeClock(NOW).now })
  for (const cert of Object.values(CERTS)) await core.db.insert(certificates).values(cert)
  audit = createLookupAudit(core.db, { flushMs: 3_600_000, maxBatch: 10_000, now: fakeClock(NOW).now })
  origin = await startApp(10_000)
  limitedOrigin = await startApp(1)
  browser = await launchBrowser()
  mkdirSync(SCREENSHOTS, { recursive: true })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  await audit?.stop()
  if (core) closeDatabase(core.db)
})

// ---------------------------------------------------------------------------------------------
// Watching every page: CSP violations, console errors, uncaught errors, dialogs.

type Problems = { csp: string[]; console: string[]; errors: string[]; dialogs: string[] }
type Opened = { context: BrowserContext; problems: Problems }
let opened: Opened[] = []

/**
 * A listener for `securitypolicyviolation` in every document, reporting to the test through a
 * binding (so violations survive navigation). Playwright's init scripts and bindings are injected
 * by the DevTools protocol, so the page's CSP (no script at all) does not block them. The
 * `__name` shim: the test transformer may wrap functions passed to `page.evaluate` in `__name(…)`.
 */
const INIT_SCRIPT = `
globalThis.__name = (f) => f;
document.addEventListener('securitypolicyviolation', (e) => {
  globalThis.reportCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') + (e.sample ? ' ' + e.sample : ''));
}, true);
`

/** A fresh browser context (own cookies, history), watched; closed after the test. */
async function open(options: BrowserContextOptions = {}): Promise<{ page: Page; problems: Problems }> {
  const context = await browser.newContext({ ...options, baseURL: origin })
  const problems: Problems = { csp: [], console: [], errors: [], dialogs: [] }
  opened.push({ context, problems })
  await context.exposeFunction('reportCspViolation', (what: string) => {
    problems.csp.push(what)
  })
  await context.addInitScript({ content: INIT_SCRIPT })
  const page = await context.newPage()
  /** Documents answered with an error status on purpose (404 not found, 400 invalid, 429 limited). */
  const errorDocuments = new Set<string>()
  page.on('response', (response) => {
    if (response.request().isNavigationRequest() && response.status() >= 400) errorDocuments.add(response.url())
  })
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const url = message.location().url
    // Chromium logs the status of a document answered 404/400/429: that status is the page's answer.
    if (/^Failed to load resource: the server responded with a status of/.test(message.text()) && errorDocuments.has(url)) return
    problems.console.push(`${message.text()} (${url})`)
  })
  page.on('pageerror', (error) => problems.errors.push(error.message))
  page.on('dialog', (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  return { page, problems }
}

afterEach(async () => {
  const all = opened
  opened = []
  await Promise.all(all.map(({ context }) => context.close()))
  for (const { problems } of all) expect(problems).toEqual({ csp: [], console: [], errors: [], dialogs: [] })
})

// ---------------------------------------------------------------------------------------------
// Reading the page.

/** Loads `path` and returns the HTTP status of the document. */
async function visit(page: Page, path: string): Promise<number | undefined> {
  const response = await page.goto(path)
  return response?.status()
}

/** Fills the form and submits it by clicking the button; returns the status of the answer. */
async function submit(page: Page, fields: { nomor: string; nama?: string }, how: 'click' | 'enter' = 'click') {
  await page.fill('#nomor', fields.nomor)
  if (fields.nama !== undefined) await page.fill('#nama', fields.nama)
  await Promise.all([
    page.waitForEvent('load'),
    how === 'click' ? page.click('form button[type=submit]') : page.press('#nomor', 'Enter'),
  ])
  return documentStatus(page)
}

/** The HTTP status of the document shown (after any redirect). */
const documentStatus = (page: Page) =>
  page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseStatus)

const squash = (text: string) => text.replace(/\s+/g, ' ').trim()

/** The one verdict box: its data-status and what it says. */
async function verdict(page: Page) {
  const box = page.locator('[role=status]')
  expect(await box.count()).toBe(1)
  return { status: await box.getAttribute('data-status'), text: squash(await box.innerText()) }
}

/** What a reader sees in the main part of the page. */
const mainText = async (page: Page) => squash(await page.locator('main').innerText())

/** The field and its value in the record, e.g. "Skema Pekerja Sosial". */
async function record(page: Page): Promise<Record<string, string>> {
  const rows = page.locator('dl.details > div')
  const out: Record<string, string> = {}
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i)
    out[squash(await row.locator('dt').innerText())] = squash(await row.locator('dd').innerText())
  }
  return out
}

/** The holder's name as shown, and whether the page says it is masked or full. */
async function holder(page: Page) {
  const span = page.locator('[data-holder]')
  return { shown: await span.innerText(), kind: await span.getAttribute('data-holder') }
}

/** No word of the holder's full name (beyond the three letters the mask keeps) anywhere in the page. */
async function expectNameHidden(page: Page, cert: Cert) {
  const html = (await page.content()).toLowerCase()
  for (const word of cert.holderName.split(' ').filter((w) => w.length > 3)) expect(html).not.toContain(word.toLowerCase())
}

const signedPath = (number: string, signature = signNumber(number, KEY)) => `/v/${number}?s=${signature}`

// ---------------------------------------------------------------------------------------------

describe('the verification page in Chromium', { timeout: 60_000 }, () => {
  it('watches for CSP violations (the listener works: injected inline style and a foreign image are caught)', async () => {
    const { page, problems } = await open()
    expect(await visit(page, '/verifikasi')).toBe(200)
    await page.evaluate(() => {
      const div = document.createElement('div')
      div.setAttribute('style', 'color: red')
      document.body.append(div)
      const img = document.createElement('img')
      img.src = 'https://example.invalid/tracker.png'
      document.body.append(img)
    })
    await expect.poll(() => problems.csp.length).toBeGreaterThanOrEqual(2)
    expect(problems.csp.join('\n')).toMatch(/style-src/)
    expect(problems.csp.join('\n')).toMatch(/img-src blocked https:\/\/example\.invalid/)
    // The stylesheet itself is allowed and applied (the verdict styles come from it).
    expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px')
    // Chromium also logs each violation to the console: expected here, and only here.
    problems.csp = []
    problems.console = problems.console.filter((message) => !/Content Security Policy/.test(message))
  })

  it('the form: a number typed in lower case with spaces leads to VALID and the masked name', async () => {
    const { page } = await open()
    expect(await visit(page, '/verifikasi')).toBe(200)
    expect(await page.title()).toBe('Verifikasi Sertifikat SDM Kesos')
    expect(await page.locator('h1').innerText()).toBe('Periksa keaslian sertifikat')
    // The number field has the focus, a label and a hint; the name field is optional. Chromium
    // moves the focus to an autofocus field at its next rendering, not at load: waited for, bounded.
    await page.waitForFunction(() => document.activeElement?.id === 'nomor', undefined, { timeout: 5_000 }).catch(() => undefined)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('nomor')
    expect(await page.locator('label[for=nomor]').innerText()).toBe('Nomor sertifikat')
    expect(await page.locator('#nomor').getAttribute('name')).toBe('nomor')
    expect(await page.locator('#nama').getAttribute('name')).toBe('nama')
    expect(await page.locator('#nama').getAttribute('required')).toBeNull()

    await page.locator('#nomor').pressSequentially('lsps 2024 00009')
    await Promise.all([page.waitForEvent('load'), page.click('form button[type=submit]')])
    expect(await documentStatus(page)).toBe(200)
    // The result has its own address, to share or bookmark.
    expect(new URL(page.url()).pathname).toBe('/verifikasi/LSPS202400009')
    expect(await verdict(page)).toEqual({ status: 'valid', text: 'VALID Sertifikat ini terdaftar dan berlaku.' })
    expect(await page.title()).toBe('VALID: LSPS-2024-00009 · Verifikasi Sertifikat SDM Kesos')
    expect(await holder(page)).toEqual({ shown: 'Sit… Rah… Nas…', kind: 'masked' })
    await expectNameHidden(page, CERTS.valid)
    expect(await record(page)).toMatchObject({
      'Nomor sertifikat': 'LSPS-2024-00009',
      Skema: 'Pekerja Sosial',
      Jenjang: 'Pekerja Sosial Generalis',
      Penerbit: 'LSP Kemensos',
      'Tanggal terbit': '2 Mei 2024',
      'Berlaku sampai': '1 Mei 2027',
    })
    expect(await mainText(page)).toContain('Diperiksa pada 23 November 2026 pukul 09.00 WIB.')

    // Enter in the field submits too, and the form under a result checks another certificate.
    expect(await submit(page, { nomor: 'LSPS-2023-00901' }, 'enter')).toBe(200)
    expect((await verdict(page)).status).toBe('revoked')
  })

  it('an empty number is not sent: the browser asks for it (the field is required)', async () => {
    const { page } = await open()
    await visit(page, '/verifikasi')
    let requests = 0
    page.on('request', (request) => {
      if (request.method() === 'POST') requests += 1
    })
    await page.click('form button[type=submit]')
    expect(await page.locator('#nomor').evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true)
    expect(requests).toBe(0)
    expect(new URL(page.url()).pathname).toBe('/verifikasi')
  })

  it.each([
    ['valid', CERTS.valid, 'lsps 2024 00009', 200, 'VALID Sertifikat ini terdaftar dan berlaku.'],
    ['valid on its last day', CERTS.lastDay, 'LSPS/2021/00077', 200, 'VALID Sertifikat ini terdaftar dan berlaku.'],
    [
      'expired by date (yesterday)',
      CERTS.expired,
      'lsps.2019.00010',
      200,
      'KEDALUWARSA Sertifikat ini terdaftar, tetapi masa berlakunya telah habis pada 22 November 2026.',
    ],
    ['revoked', CERTS.revoked, 'LSPS-2023-00901', 200, 'DICABUT Sertifikat ini telah dicabut dan tidak berlaku lagi.'],
    [
      'suspended',
      CERTS.suspended,
      ' lsps 2024-00902 ',
      200,
      'DIBEKUKAN Sertifikat ini sedang dibekukan dan untuk sementara tidak berlaku.',
    ],
  ])('%s: the verdict, the record and the masked name', async (_, cert, typed, status, said) => {
    const { page } = await open()
    await visit(page, '/verifikasi')
    expect(await submit(page, { nomor: typed })).toBe(status)
    const statusWord = said.split(' ')[0]
    const expectedStatus = { VALID: 'valid', KEDALUWARSA: 'expired', DICABUT: 'revoked', DIBEKUKAN: 'suspended' }[
      statusWord ?? ''
    ]
    expect(await verdict(page)).toEqual({ status: expectedStatus, text: said })
    expect(await holder(page)).toEqual({ shown: maskName(cert.holderName), kind: 'masked' })
    await expectNameHidden(page, cert)
    const rows = await record(page)
    expect(rows['Nomor sertifikat']).toBe(cert.displayNumber)
    const { status: stored, statusReason } = cert as { status?: string; statusReason?: string }
    if (stored) {
      expect(rows.Alasan).toBe(statusReason)
      expect(rows[stored === 'revoked' ? 'Dicabut pada' : 'Dibekukan sejak']).toBe('3 November 2026')
    } else {
      expect(rows.Alasan).toBeUndefined()
    }
  })

  it('not found: TIDAK DITEMUKAN with the number as looked up, answered 404', async () => {
    const { page } = await open()
    await visit(page, '/verifikasi')
    expect(await submit(page, { nomor: 'lsps-2024-99999' })).toBe(404)
    expect(new URL(page.url()).pathname).toBe('/verifikasi/LSPS202499999')
    const box = await verdict(page)
    expect(box.status).toBe('not-found')
    expect(box.text).toMatch(/^TIDAK DITEMUKAN Tidak ada sertifikat dengan nomor LSPS202499999\./)
    expect(await page.locator('[data-holder]').count()).toBe(0)
    // The form is there to try again.
    expect(await page.locator('#nomor').isVisible()).toBe(true)
  })

  it('not a number: BUKAN NOMOR SERTIFIKAT, what was typed, and the field marked, answered 400', async () => {
    const { page } = await open()
    await visit(page, '/verifikasi')
    expect(await submit(page, { nomor: 'abc' })).toBe(400)
    const box = await verdict(page)
    expect(box.status).toBe('invalid')
    expect(box.text).toContain('BUKAN NOMOR SERTIFIKAT')
    expect(box.text).toContain('Anda mengetik: “abc”.')
    expect(await page.locator('#nomor').inputValue()).toBe('abc')
    expect(await page.locator('#nomor').getAttribute('aria-invalid')).toBe('true')
    // The field is described by the verdict, so a screen reader says why.
    expect(await page.locator('#nomor').getAttribute('aria-describedby')).toContain('hasil')
  })

  it('too many lookups: the plain 429 page with Retry-After (the redirect of the form is free)', async () => {
    const { page } = await open()
    expect(await visit(page, `${limitedOrigin}/verifikasi`)).toBe(200)
    expect(await submit(page, { nomor: 'LSPS-2024-00009' })).toBe(200)
    expect((await verdict(page)).status).toBe('valid')
    const response = await page.goto(`${limitedOrigin}/verifikasi/LSPS-2024-00009`)
    expect(response?.status()).toBe(429)
    expect(response?.headers()['retry-after']).toMatch(/^\d+$/)
    const box = await verdict(page)
    expect(box.status).toBe('rate-limited')
    expect(box.text).toMatch(
      /^Terlalu banyak permintaan Terlalu banyak pemeriksaan dari alamat Anda\. Coba lagi dalam \d+ detik\.$/,
    )
  })

  it('the name check: COCOK / TIDAK COCOK, the name never shown, kept in the page or put in the address', async () => {
    const { page } = await open()
    await visit(page, '/verifikasi')
    expect(await submit(page, { nomor: 'lsps 2024 00009', nama: 'siti rahmawati NASUTION' })).toBe(200)
    // Answered on the posted page itself: no address holds the name.
    expect(page.url()).toBe(`${origin}/verifikasi`)
    expect((await verdict(page)).status).toBe('valid')
    expect(await page.locator('[data-name-match]').getAttribute('data-name-match')).toBe('match')
    expect(squash(await page.locator('[data-name-match]').innerText())).toBe(
      'Nama yang Anda ketik COCOK dengan nama pemegang sertifikat.',
    )
    expect(await holder(page)).toEqual({ shown: 'Sit… Rah… Nas…', kind: 'masked' })
    await expectNameHidden(page, CERTS.valid)
    expect(await page.locator('#nama').inputValue()).toBe('')

    expect(await submit(page, { nomor: 'LSPS-2024-00009', nama: 'Siti Rahmawati' })).toBe(200)
    expect(await page.locator('[data-name-match]').getAttribute('data-name-match')).toBe('no-match')
    expect(squash(await page.locator('[data-name-match]').innerText())).toBe(
      'Nama yang Anda ketik TIDAK COCOK dengan nama pemegang sertifikat.',
    )
    await expectNameHidden(page, CERTS.valid)
    expect((await page.content()).toLowerCase()).not.toContain('siti rahmawati')
  })

  it('the signed QR link shows the full name and says the link is genuine', async () => {
    const { page } = await open()
    expect(await visit(page, signedPath(CERTS.revoked.number))).toBe(200)
    expect(await page.locator('[data-signature]').getAttribute('data-signature')).toBe('genuine')
    expect(squash(await page.locator('[data-signature]').innerText())).toBe(
      'Tautan ini asli (dari kode QR pada sertifikat), sehingga nama lengkap pemegang ditampilkan.',
    )
    expect(await holder(page)).toEqual({ shown: 'Hendra Gunawan', kind: 'full' })
    expect((await verdict(page)).status).toBe('revoked')
    // The page's address holds the signature: it must not travel on to other sites.
    expect(await page.evaluate(() => document.referrer)).toBe('')
  })

  it.each([
    ['one character changed', (number: string) => signedPath(number, flip(signNumber(number, KEY)))],
    ['the signature of another certificate', (number: string) => signedPath(number, signNumber(CERTS.expired.number, KEY))],
    ['signed with another key', (number: string) => signedPath(number, signNumber(number, `${KEY}x`))],
    ['no signature', (number: string) => `/v/${number}?s=`],
  ])('a tampered QR link (%s): the masked name and a plain "not genuine" warning', async (_, path) => {
    const { page } = await open()
    expect(await visit(page, path(CERTS.valid.number))).toBe(200)
    const warning = page.locator('[data-signature]')
    expect(await warning.getAttribute('data-signature')).toBe('not-genuine')
    expect(await warning.getAttribute('role')).toBe('alert')
    expect(squash(await warning.innerText())).toMatch(/^Tautan ini TIDAK ASLI: tanda tangannya tidak cocok/)
    expect(await warning.isVisible()).toBe(true)
    // The record still shows (it comes from the register), the name masked.
    expect((await verdict(page)).status).toBe('valid')
    expect(await holder(page)).toEqual({ shown: 'Sit… Rah… Nas…', kind: 'masked' })
    await expectNameHidden(page, CERTS.valid)
  })

  it('markup typed into the form is shown as text: no script runs, no element is made', async () => {
    const { page, problems } = await open()
    await visit(page, '/verifikasi')
    const script = '<script>alert(1)</script>'
    expect(await submit(page, { nomor: script })).toBe(400)
    expect((await verdict(page)).text).toContain(`Anda mengetik: “${script}”.`)
    expect(await page.locator('#nomor').inputValue()).toBe(script)
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0)
    expect(await page.content()).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')

    const image = '"><img src=x onerror=alert(2)>'
    expect(await submit(page, { nomor: image })).toBe(400)
    expect((await verdict(page)).text).toContain(`Anda mengetik: “${image}”.`)
    expect(await page.locator('#nomor').inputValue()).toBe(image)
    expect(await page.evaluate(() => document.images.length)).toBe(0)

    // In the name field, with a real number: no match, and the name shown nowhere.
    expect(await submit(page, { nomor: 'LSPS-2024-00009', nama: '<script>alert(3)</script>' })).toBe(200)
    expect(await page.locator('[data-name-match]').getAttribute('data-name-match')).toBe('no-match')
    expect(await page.content()).not.toContain('alert(3)')
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0)

    // In the address (a link someone was sent).
    expect(await visit(page, `/verifikasi?nomor=${encodeURIComponent('<svg onload=alert(4)>')}`)).toBe(400)
    expect((await verdict(page)).text).toContain('Anda mengetik: “<svg onload=alert(4)>”.')
    expect(await page.evaluate(() => document.querySelectorAll('svg').length)).toBe(0)
    expect(await visit(page, `/verifikasi/${encodeURIComponent('<img src=x onerror=alert(5)>')}`)).toBe(400)
    expect(await page.evaluate(() => document.images.length)).toBe(0)

    // Give any script a moment to fire a dialog (none may).
    await page.waitForTimeout(200)
    expect(problems.dialogs).toEqual([])
  })

  it('English: the toggle switches the form and the result, and back, keeping the certificate', async () => {
    const { page } = await open()
    await visit(page, '/verifikasi')
    await Promise.all([page.waitForEvent('load'), page.click('header a[hreflang=en]')])
    expect(page.url()).toBe(`${origin}/verifikasi?lang=en`)
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    expect(await page.locator('h1').innerText()).toBe('Check a certificate')
    expect(await page.locator('label[for=nomor]').innerText()).toBe('Certificate number')
    expect(await page.locator('form button[type=submit]').innerText()).toBe('Check')

    expect(await submit(page, { nomor: 'lsps 2019 00010' })).toBe(200)
    expect(page.url()).toBe(`${origin}/verifikasi/LSPS201900010?lang=en`)
    expect(await verdict(page)).toEqual({
      status: 'expired',
      text: 'EXPIRED This certificate is on record, but it expired on 22 November 2026.',
    })
    expect(await holder(page)).toEqual({ shown: 'I… Mad… Wir…', kind: 'masked' })
    expect(await record(page)).toMatchObject({ 'Valid until': '22 November 2026' })

    // With a name, in English.
    expect(await submit(page, { nomor: 'LSPS-2019-00010', nama: 'i made wirawan' })).toBe(200)
    expect(squash(await page.locator('[data-name-match]').innerText())).toBe(
      "The name you typed MATCHES the certificate holder's name.",
    )
    // The toggle on that page leads to the same certificate in Indonesian, without the name.
    await Promise.all([page.waitForEvent('load'), page.click('header a[hreflang=id]')])
    expect(page.url()).toBe(`${origin}/verifikasi/LSPS201900010`)
    expect(await page.getAttribute('html', 'lang')).toBe('id')
    expect((await verdict(page)).text).toMatch(/^KEDALUWARSA /)

    // A tampered QR link in English keeps its (wrong) signature through the toggle.
    await visit(page, `${signedPath(CERTS.valid.number, 'A'.repeat(22))}&lang=en`)
    expect(squash(await page.locator('[data-signature]').innerText())).toMatch(/^This link is NOT GENUINE/)
    await Promise.all([page.waitForEvent('load'), page.click('header a[hreflang=id]')])
    expect(new URL(page.url()).searchParams.get('s')).toBe('A'.repeat(22))
    expect(await page.locator('[data-signature]').getAttribute('data-signature')).toBe('not-genuine')
  })

  it('structure for assistive technology: one h1, labelled fields, a status box, a skip link', async () => {
    const { page } = await open()
    for (const path of ['/verifikasi', '/verifikasi/LSPS202400009', '/verifikasi/LSPS209900001', '/verifikasi?nomor=x']) {
      await visit(page, path)
      const facts = await page.evaluate(() => ({
        lang: document.documentElement.lang,
        h1: document.querySelectorAll('h1').length,
        unlabelled: Array.from(document.querySelectorAll('input:not([type=hidden]), button')).filter(
          (field) => (field as HTMLInputElement).labels?.length === 0 && !field.textContent?.trim(),
        ).length,
        skip: document.querySelector('a.skip')?.getAttribute('href'),
        main: document.querySelector('main')?.id,
      }))
      expect(facts, path).toEqual({ lang: 'id', h1: 1, unlabelled: 0, skip: '#isi', main: 'isi' })
    }
    // The skip link is the first stop of the keyboard and becomes visible when focused.
    await visit(page, '/verifikasi/LSPS202400009')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip')
    const box = await page.locator('a.skip').boundingBox()
    expect(box?.y).toBeGreaterThanOrEqual(0)
  })

  it('every lookup from the browser is in the audit, without the typed name', async () => {
    const { page } = await open()
    await visit(page, '/verifikasi')
    await submit(page, { nomor: 'LSPS-2024-00902', nama: 'Maria Fransiska Lake' })
    await audit.flush()
    const last = (await core.db.select().from(auditLog)).filter((row) => row.action === LOOKUP_ACTION).at(-1)
    expect(last).toMatchObject({ actor: 'web', entityId: 'LSPS202400902' })
    expect(JSON.parse(last?.details ?? '{}')).toMatchObject({ outcome: 'suspended' })
    expect(JSON.stringify(last)).not.toMatch(/Maria|Fransiska|127\.0\.0\.1/)
  })
})

// ---------------------------------------------------------------------------------------------
// A phone: 360 × 740 CSS pixels at 2× (a common cheap Android phone), touch.

type Layout = {
  innerWidth: number
  scrollWidth: number
  /** Elements whose box reaches past the right edge of the viewport. */
  overflowing: string[]
  boxes: Record<string, { left: number; right: number; top: number; height: number; width: number } | null>
  verdictFontSizes: number[]
  smallestText: { size: number; text: string }
  inputFontSizes: number[]
}

/** Measures the page as laid out in the phone's viewport. */
function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const rect = (selector: string) => {
      const element = document.querySelector(selector)
      if (!element) return null
      const r = element.getBoundingClientRect()
      return { left: r.left, right: r.right, top: r.top, height: r.height, width: r.width }
    }
    const visibleText = Array.from(document.querySelectorAll('body *')).filter(
      (element) =>
        element.checkVisibility() &&
        Array.from(element.childNodes).some((node) => node.nodeType === Node.TEXT_NODE && node.textContent?.trim()),
    )
    const sizes = visibleText.map((element) => ({
      size: Number.parseFloat(getComputedStyle(element).fontSize),
      text: element.textContent?.trim().slice(0, 40) ?? '',
    }))
    return {
      innerWidth: window.innerWidth,
      scrollWidth: document.scrollingElement?.scrollWidth ?? 0,
      overflowing: Array.from(document.querySelectorAll('body *'))
        .filter((element) => element.checkVisibility() && element.getBoundingClientRect().right > 360.5)
        .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
      boxes: {
        verdict: rect('[role=status]'),
        nomor: rect('#nomor'),
        nama: rect('#nama'),
        button: rect('form button[type=submit]'),
        langLink: rect('header a[hreflang]'),
        main: rect('main'),
      },
      verdictFontSizes: Array.from(document.querySelectorAll('[role=status], [role=status] *')).map((element) =>
        Number.parseFloat(getComputedStyle(element).fontSize),
      ),
      smallestText: sizes.reduce((a, b) => (b.size < a.size ? b : a), { size: Number.POSITIVE_INFINITY, text: '' }),
      inputFontSizes: Array.from(document.querySelectorAll('input:not([type=hidden])')).map((element) =>
        Number.parseFloat(getComputedStyle(element).fontSize),
      ),
    }
  })
}

/** Width and height of a PNG file, from its IHDR chunk. */
function pngSize(path: string) {
  const png = readFileSync(path)
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

/** A full-page screenshot into SCREENSHOTS; its width proves nothing stuck out sideways. */
async function screenshot(page: Page, name: string) {
  const path = join(SCREENSHOTS, `phone-${name}.png`)
  await page.screenshot({ path, fullPage: true })
  const size = pngSize(path)
  expect(size.width, `${name}: screenshot width (360 CSS px at 2×)`).toBe(720)
  expect(size.height).toBeGreaterThanOrEqual(740 * 2)
  return path
}

/** What every phone page must hold: nothing wider than the screen, readable text, big enough fields. */
function expectPhoneLayout(name: string, layout: Layout, { verdict = true } = {}) {
  // A mobile browser widens the layout viewport to fit content that sticks out (and zooms out),
  // so both the viewport and the document must still be 360 wide.
  expect(layout.innerWidth, `${name}: layout viewport`).toBe(360)
  expect(layout.scrollWidth, `${name}: no horizontal scrolling`).toBeLessThanOrEqual(360)
  expect(layout.overflowing, `${name}: elements past the right edge`).toEqual([])
  const within = ['nomor', 'nama', 'button', 'main', ...(verdict ? ['verdict'] : [])]
  for (const key of within) {
    const box = layout.boxes[key]
    expect(box, `${name}: ${key} is on the page`).not.toBeNull()
    expect(box?.left, `${name}: ${key} left edge`).toBeGreaterThanOrEqual(0)
    expect(box?.right, `${name}: ${key} right edge`).toBeLessThanOrEqual(360)
  }
  if (verdict) {
    // The verdict is on the first screen, in text no smaller than 14px, its word larger.
    expect(layout.boxes.verdict?.top, `${name}: verdict on the first screen`).toBeLessThan(740 - 80)
    expect(Math.min(...layout.verdictFontSizes), `${name}: verdict text size`).toBeGreaterThanOrEqual(14)
    expect(Math.max(...layout.verdictFontSizes), `${name}: verdict word size`).toBeGreaterThanOrEqual(20)
  }
  expect(layout.smallestText.size, `${name}: smallest text ("${layout.smallestText.text}")`).toBeGreaterThanOrEqual(14)
  // Tap targets of the form at least 40px high (and the fields wide); 16px in fields stops the
  // browser from zooming in on focus.
  for (const key of ['nomor', 'nama', 'button']) {
    expect(layout.boxes[key]?.height, `${name}: ${key} height`).toBeGreaterThanOrEqual(40)
    expect(layout.boxes[key]?.width, `${name}: ${key} width`).toBeGreaterThanOrEqual(40)
  }
  expect(Math.min(...layout.inputFontSizes), `${name}: field text size`).toBeGreaterThanOrEqual(16)
}

describe('on a phone (360 × 740, 2×, touch)', { timeout: 60_000 }, () => {
  it('the form, each result, the QR links and typed markup fit the screen, readable and tappable', async () => {
    const { page } = await open(PHONE)
    const shots: string[] = []

    await visit(page, '/verifikasi')
    expectPhoneLayout('form', await measure(page), { verdict: false })
    shots.push(await screenshot(page, 'form'))

    // Through the form, tapping the button.
    await page.locator('#nomor').tap()
    await page.fill('#nomor', 'lsps 2024 00009')
    await Promise.all([page.waitForEvent('load'), page.locator('form button[type=submit]').tap()])
    expect((await verdict(page)).status).toBe('valid')
    expectPhoneLayout('valid', await measure(page))
    shots.push(await screenshot(page, 'valid'))

    const pages: [string, string][] = [
      ['expired', '/verifikasi/LSPS201900010'],
      ['revoked', '/verifikasi/LSPS202300901'],
      ['suspended', '/verifikasi/LSPS202400902?lang=en'],
      ['not-found', '/verifikasi/LSPS202499999'],
      ['invalid', `/verifikasi?nomor=${encodeURIComponent('<script>alert(1)</script>')}`],
      ['qr-genuine', signedPath(CERTS.suspended.number)],
      ['qr-tampered', signedPath(CERTS.valid.number, 'B'.repeat(22))],
      ['form-en', '/verifikasi?lang=en'],
    ]
    for (const [name, path] of pages) {
      await visit(page, path)
      expectPhoneLayout(name, await measure(page), { verdict: name !== 'form-en' })
      shots.push(await screenshot(page, name))
    }

    // The name check, posted from the phone.
    await page.fill('#nomor', 'LSPS-2023-00901')
    await page.fill('#nama', 'Hendra Gunawan')
    await Promise.all([page.waitForEvent('load'), page.locator('form button[type=submit]').tap()])
    expect(await page.locator('[data-name-match]').getAttribute('data-name-match')).toBe('match')
    expectPhoneLayout('name-match', await measure(page))
    shots.push(await screenshot(page, 'name-match'))

    // The tampered link's warning comes before the record, on the first screen.
    await visit(page, signedPath(CERTS.valid.number, 'B'.repeat(22)))
    const warning = await page.locator('[data-signature]').boundingBox()
    expect(warning?.y).toBeLessThan(740)
    expect(shots).toHaveLength(11)
  })

  // Layout on a phone: long unbroken text wraps, and the header links are real tap targets.

  it('a long unbroken input or number does not make the page scroll sideways (verdict text does not wrap)', async () => {
    const { page } = await open(PHONE)
    // A pasted QR address, a 100-character string (the field's maximum), a 40-character number.
    const cases: [string, string][] = [
      [
        'pasted-address',
        `/verifikasi?nomor=${encodeURIComponent(`https://kesos.example.go.id${signedPath(CERTS.valid.number)}`)}`,
      ],
      ['long-input', `/verifikasi?nomor=${'X'.repeat(100)}`],
      ['long-number', `/verifikasi/${'LSPS2024'.repeat(5)}`],
    ]
    for (const [name, path] of cases) {
      await visit(page, path)
      const layout = await measure(page)
      await screenshot(page, name).catch(() => undefined)
      expect(layout.innerWidth, `${name}: layout viewport`).toBe(360)
      expect(layout.scrollWidth, `${name}: no horizontal scrolling`).toBeLessThanOrEqual(360)
    }
  })

  it('the language link is a tap target at least 40px high', async () => {
    const { page } = await open(PHONE)
    await visit(page, '/verifikasi')
    expect((await measure(page)).boxes.langLink?.height).toBeGreaterThanOrEqual(40)
  })
})

/** The signature with its first character changed (still 22 base64url characters). */
function flip(signature: string) {
  return `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`
}
