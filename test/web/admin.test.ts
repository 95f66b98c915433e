/**
 * The admin API behind ADMIN_TOKEN, through the real Hono app: who gets in; and what an admin
 * signed in to the console sees on /admin/whatsapp while pairing the number and when the
 * connection drops. (The page was behind ADMIN_TOKEN before the console's staff sign-in.)
 */
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { ConnectionState } from '../../src/bots/whatsapp/connection.js'
import { ADMIN_FAILURES_PER_WINDOW } from '../../src/web/admin-auth.js'
import { createWebApp } from '../../src/web/app.js'
import { browserOn, consoleFixture } from '../console/support.js'

const TOKEN = 'f3a9c1d2e4b5a6978877665544332211aabbccdd'
const SINCE = new Date('2025-03-10T03:04:00Z')
const QR =
  '2@9mXoLq8ZrVv+Fq7Jk3c1d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8,rT0b9a8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0=,Zx9y8w7v6u5t4s3r2q1p0o=,AbCdEf'

function app(options: { adminToken?: string; state?: () => ConnectionState | undefined } = {}) {
  return createWebApp({
    version: '0',
    logger: pino({ level: 'silent' }),
    clock: () => new Date(),
    channels: () => ({ console: 'on' }),
    checkDatabase: () => undefined,
    ...(options.adminToken !== undefined && { adminToken: options.adminToken }),
    ...(options.state && { whatsappState: options.state }),
  })
}

const bearer = { Authorization: `Bearer ${TOKEN}` }
const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
})

/** A browser signed in to the console as an admin, with WhatsApp in `state`. */
async function signedIn(state: () => ConnectionState | undefined) {
  const fixture = await consoleFixture({ whatsappState: state })
  await fixture.addAccount({ email: 'admin@kemensos.go.id' })
  const browser = browserOn(fixture.app)
  await browser.signIn('admin@kemensos.go.id')
  return browser
}

/** The page as the secretariat's browser gets it, signed in; `refresh`: its Refresh header (seconds). */
async function page(state: ConnectionState | undefined) {
  const response = await (await signedIn(() => state)).request('/admin/whatsapp')
  expect(response.status).toBe(200)
  return { response, html: await response.text(), refresh: response.headers.get('Refresh') }
}

describe('admin API without ADMIN_TOKEN', () => {
  it.each(['/api/v1/admin/anything', '/api/v1/admin/sessions'])(
    'answer %s with 503 ADMIN_DISABLED, whatever credentials are sent',
    async (path) => {
      const web = app({ state: () => ({ status: 'pairing', since: SINCE, qr: QR }) })
      for (const headers of [{}, bearer, basic('admin', TOKEN)]) {
        const response = await web.request(path, { headers })
        expect(response.status).toBe(503)
        expect(await response.json()).toEqual({
          error: { code: 'ADMIN_DISABLED', message: expect.stringContaining('ADMIN_TOKEN') },
        })
      }
    },
  )

  it('leave /healthz open', async () => {
    const response = await app().request('/healthz')
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'ok', channels: { console: 'on' } })
  })
})

describe('admin API with ADMIN_TOKEN', () => {
  const web = app({ adminToken: TOKEN, state: () => ({ status: 'pairing', since: SINCE, qr: QR }) })

  it.each([
    ['no credentials', {}],
    ['a wrong bearer token', { Authorization: `Bearer ${TOKEN.slice(0, -1)}x` }],
    ['Basic with a wrong password', basic('admin', 'not-the-token-but-long-enough')],
    ['Basic with the token as the user name instead of the password', basic(TOKEN, '')],
    ['the bare token without a scheme', { Authorization: TOKEN }],
  ])('refuse %s with 401 and a Basic challenge, so a browser shows its login prompt', async (_, headers) => {
    for (const path of ['/api/v1/admin/anything', '/api/v1/admin/sessions']) {
      const response = await web.request(path, { headers })
      expect(response.status).toBe(401)
      expect(response.headers.get('WWW-Authenticate')).toMatch(/^Basic realm=/)
      expect(response.headers.get('Cache-Control')).toBe('no-store')
      const body = await response.text()
      expect(body).not.toContain('<svg')
      expect(body).not.toContain(QR)
    }
  })

  it.each([
    ['a Bearer token', bearer],
    ['Basic with any user name and the token as password', basic('sekretariat', TOKEN)],
    ['Basic with an empty user name and the token as password', basic('', TOKEN)],
  ])('let in %s (past the guard: 404 for an API route that does not exist), but not into the console', async (_, headers) => {
    const response = await web.request('/api/v1/admin/anything', { headers })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND' } })
    const console = await (await consoleFixture()).app.request('/admin/whatsapp', { headers })
    expect(console.status).toBe(303)
    expect(console.headers.get('location')).toMatch(/^\/admin\/login/)
  })

  it('leave /healthz open without credentials', async () => {
    const response = await web.request('/healthz')
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'ok' })
  })
})

describe('wrong admin tokens', () => {
  it(`are throttled per address: after ${ADMIN_FAILURES_PER_WINDOW} the address gets 429 until the window ends (the right token too); others are not affected`, async () => {
    let now = Date.parse('2026-11-23T02:00:00Z')
    const lines: string[] = []
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) })
    const web = createWebApp({
      version: '0',
      logger,
      clock: () => new Date(now),
      channels: () => ({}),
      checkDatabase: () => undefined,
      adminToken: TOKEN,
      proxy: { header: 'x-real-ip' },
    })
    const from = (address: string, headers: Record<string, string>) =>
      web.request('/api/v1/admin/sessions', { headers: { 'X-Real-IP': address, ...headers } })
    const wrong = { Authorization: `Bearer ${TOKEN.slice(0, -4)}beef` }
    for (let i = 0; i < ADMIN_FAILURES_PER_WINDOW; i++) expect((await from('203.0.113.9', wrong)).status).toBe(401)
    const refused = await from('203.0.113.9', bearer)
    expect(refused.status).toBe(429)
    expect(await refused.json()).toEqual({ error: { code: 'TOO_MANY_ATTEMPTS' } })
    const wait = Number(refused.headers.get('Retry-After'))
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(15 * 60)
    expect((await from('203.0.113.9', {})).status).toBe(429)
    expect((await from('198.51.100.4', bearer)).status).not.toBe(429)
    now += wait * 1000
    expect((await from('203.0.113.9', bearer)).status).not.toBe(429)
    // Each wrong token is logged with the address and the path, never what was presented.
    const logged = lines.map((line) => JSON.parse(line) as { msg: string; client?: string; path?: string })
    expect(logged.filter((entry) => entry.msg === 'admin: wrong token')).toHaveLength(ADMIN_FAILURES_PER_WINDOW)
    expect(logged.find((entry) => entry.msg === 'admin: wrong token')).toMatchObject({
      client: '203.0.113.9',
      path: '/api/v1/admin/sessions',
    })
    expect(lines.join('')).not.toContain(TOKEN.slice(0, -4))
  })

  it('no credentials at all (a browser asking for the login prompt) is not counted as a guess', async () => {
    const web = app({ adminToken: TOKEN })
    for (let i = 0; i < ADMIN_FAILURES_PER_WINDOW + 5; i++) expect((await web.request('/api/v1/admin/anything')).status).toBe(401)
    expect((await web.request('/api/v1/admin/anything', { headers: bearer })).status).toBe(404)
  })
})

describe('the /admin/whatsapp page', () => {
  it('while pairing by QR shows the QR as a drawing with the steps on the phone, and reloads every 5 seconds', async () => {
    const { html, refresh } = await page({ status: 'pairing', since: SINCE, qr: QR })
    expect(html).toMatch(/<svg[^>]*>/)
    expect(html).toContain('Perangkat tertaut')
    expect(html).toContain('Tautkan perangkat')
    expect(html).toContain('Belum tertaut')
    expect(refresh).toBe('5')
    // Not the QR payload as text: only the drawing carries it.
    expect(html).not.toContain(QR)
  })

  it('shows the current QR: when Baileys rotates it, the next load draws the new one', async () => {
    let qr = QR
    const browser = await signedIn(() => ({ status: 'pairing', since: SINCE, qr }))
    const svgOf = async () => (await (await browser.request('/admin/whatsapp')).text()).match(/<svg[\s\S]*<\/svg>/)?.[0]
    const first = await svgOf()
    qr = `${QR.slice(0, -6)}XyZ123`
    const second = await svgOf()
    expect(first).toBeDefined()
    expect(second).toBeDefined()
    expect(second).not.toBe(first)
  })

  it('while pairing by code shows the code to type on the phone, and no QR', async () => {
    const { html, refresh } = await page({ status: 'pairing', since: SINCE, pairingCode: 'K7Q2ZP4M' })
    expect(html).toContain('K7Q2ZP4M')
    expect(html).toContain('Tautkan dengan nomor telepon')
    expect(html).not.toContain('<svg')
    expect(refresh).toBe('5')
  })

  it('when connected says "Terhubung" and since when, and reloads less often', async () => {
    const { html, refresh } = await page({ status: 'open', since: SINCE })
    expect(html).toContain('Terhubung')
    expect(html).toContain('Senin, 10 Maret 2025, 10.04 WIB')
    expect(html).not.toContain('<svg')
    expect(refresh).toBe('30')
  })

  it.each([
    [
      'replaced',
      440,
      'connection replaced: this session was opened elsewhere',
      'sesi dibuka di perangkat atau server lain',
      'sesi ini dibuka di perangkat lain',
    ],
    [
      'failed',
      403,
      'forbidden: WhatsApp refused this number (possibly banned)',
      'ditolak WhatsApp (nomor mungkin diblokir)',
      'WhatsApp menolak sesi ini',
    ],
  ] as const)(
    'when %s shows why (code %i) and that the assistant will not reconnect by itself',
    async (status, code, english, reason, headline) => {
      const { html } = await page({ status, since: SINCE, lastDisconnect: { code, reason: english, at: SINCE } })
      expect(html).toContain(headline)
      expect(html).toContain(`${reason} (kode ${code})`)
      expect(html).toContain('tidak menyambung ulang sendiri')
      expect(html).toContain('mulai ulang asisten')
    },
  )

  it('while reconnecting after a timeout (408) gives the reason in Indonesian and the time of the next attempt', async () => {
    const { html, refresh } = await page({
      status: 'reconnecting',
      since: SINCE,
      retryAt: new Date('2025-03-10T03:05:30Z'),
      lastDisconnect: { code: 408, reason: 'connection lost (timedOut)', at: SINCE },
    })
    expect(html).toContain('Terputus: menghubungkan ulang')
    expect(html).toContain('koneksi terputus atau habis waktu (kode 408)')
    expect(html).not.toContain('connection lost (timedOut)')
    expect(html).toContain('Percobaan berikutnya')
    expect(html).toContain('10.05 WIB')
    expect(html).not.toContain('tidak menyambung ulang sendiri')
    expect(refresh).toBe('5')
  })

  it('when WhatsApp is off says so and how to turn it on', async () => {
    const { html } = await page(undefined)
    expect(html).toContain('Mati')
    expect(html).toContain('WHATSAPP_ENABLED=true')
    expect(html).toContain('mulai ulang asisten')
    expect(html).not.toContain('<svg')
  })

  it('never puts a QR value containing markup into the page: the QR is drawn, not written', async () => {
    const { html } = await page({ status: 'pairing', since: SINCE, qr: '2@abc</svg><script>alert(1)</script>' })
    expect(html).toContain('<svg')
    // The console's one script (console-live.js, from this origin) is the only script element.
    expect(html.match(/<script[^>]*>/g)).toEqual([
      expect.stringMatching(/^<script src="\/assets\/console-live\.js\?v=[0-9a-f]{12}" defer>$/),
    ])
    expect(html).not.toContain('alert(1)')
  })

  it('escapes a disconnect reason that contains markup', async () => {
    const { html } = await page({
      status: 'failed',
      since: SINCE,
      // A code the page has no text for: the reason is shown as given.
      lastDisconnect: { code: undefined, reason: '<img src=x onerror=alert(1)>', at: SINCE },
    })
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('is never cached and allows only its own script: no inline script, no framing, no outside resources', async () => {
    const { response } = await page({ status: 'pairing', since: SINCE, qr: QR })
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const csp = response.headers.get('Content-Security-Policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
  })
})

describe('/admin/whatsapp/state', () => {
  const state = async (value: ConnectionState | undefined) => {
    const response = await (await signedIn(() => value)).request('/admin/whatsapp/state')
    expect(response.status).toBe(200)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const text = await response.text()
    return { text, body: JSON.parse(text) as Record<string, unknown> }
  }

  it('says a QR is waiting without handing out the QR itself', async () => {
    const { text, body } = await state({ status: 'pairing', since: SINCE, qr: QR })
    expect(body).toEqual({ enabled: true, status: 'pairing', since: SINCE.toISOString(), hasQr: true })
    expect(text).not.toContain(QR)
  })

  it('gives the status and the last disconnect when no QR is shown', async () => {
    const { body } = await state({
      status: 'reconnecting',
      since: SINCE,
      retryAt: new Date('2025-03-10T03:05:30Z'),
      lastDisconnect: { code: 408, reason: 'connection lost (timedOut)', at: SINCE },
    })
    expect(body).toEqual({
      enabled: true,
      status: 'reconnecting',
      since: SINCE.toISOString(),
      retryAt: '2025-03-10T03:05:30.000Z',
      lastDisconnect: { code: 408, reason: 'connection lost (timedOut)', at: SINCE.toISOString() },
      hasQr: false,
    })
  })

  it('says WhatsApp is off when it is not running', async () => {
    expect((await state(undefined)).body).toEqual({ enabled: false, status: 'off' })
  })
})
