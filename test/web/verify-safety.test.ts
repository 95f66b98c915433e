/**
 * What keeps the public verification safe: security headers and a CSP without inline script or
 * style, the stylesheet it allows, the rate limit per client (proxy headers only when trusted),
 * the audit of every lookup without addresses or names, and the rest of the app left as it was.
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createRateLimiter } from '../../src/core/rate-limiter.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { certificates } from '../../src/db/schema.js'
import { createWebApp } from '../../src/web/app.js'
import { addressKey } from '../../src/web/rate-limit.js'
import { testCore } from '../support/core.js'
import { CERTS, type Fixture, KEY, signedPath, verdict, verifyFixture } from '../support/verify-fixture.js'

let f: Fixture | undefined
const fixture = async (options: Parameters<typeof verifyFixture>[0] = {}) => {
  f = await verifyFixture(options)
  return f
}
afterEach(async () => {
  await f?.close()
  f = undefined
})

const PAGES = [
  '/verifikasi',
  '/verifikasi/LSPS-2024-00009',
  '/verifikasi/LSPS-2024-99999',
  '/verifikasi/x',
  signedPath('LSPS202400009'),
]

describe('security headers', () => {
  it.each(PAGES)('%s: a strict CSP (no script, styles only from this origin, no framing) and the usual headers', async (path) => {
    const response = await (await fixture()).get(path)
    const csp = response.headers.get('Content-Security-Policy') ?? ''
    const directives = Object.fromEntries(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]))
    expect(directives).toEqual({
      'default-src': "'none'",
      'style-src': "'self'",
      'img-src': "'self'",
      'form-action': "'self'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
    })
    expect(csp).not.toContain('unsafe')
    expect(response.headers.get('X-Frame-Options')).toBe('DENY')
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(response.headers.get('Referrer-Policy')).toBe('no-referrer')
    expect(response.headers.get('Strict-Transport-Security')).toMatch(/^max-age=\d+/)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    // What the CSP would block is not there to be blocked: no script, no inline style.
    const html = await response.text()
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i)
  })

  it('the API: no framing, nothing cached, no referrer', async () => {
    const response = await (await fixture()).get('/api/v1/certificates/LSPS-2024-00009')
    expect(response.headers.get('Content-Security-Policy')).toBe("default-src 'none'; frame-ancestors 'none'")
    expect(response.headers.get('X-Frame-Options')).toBe('DENY')
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(response.headers.get('Cache-Control')).toBe('no-store')
  })

  it('the stylesheet the page links: CSS with print rules, cached for a year under its versioned address', async () => {
    const web = await fixture()
    const html = await (await web.get('/verifikasi')).text()
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1] ?? ''
    const response = await web.get(href)
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/css; charset=utf-8')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    const css = await response.text()
    expect(css).toContain('@media print')
    expect(css).toContain(':focus-visible')
    const again = await web.request(href, { headers: { 'If-None-Match': response.headers.get('ETag') ?? '' } })
    expect(again.status).toBe(304)
    expect((await web.get('/assets/verify.css')).headers.get('Cache-Control')).toBe('no-cache')
  })

  it('leaves /healthz and the admin routes as they were', async () => {
    const web = await fixture()
    const health = await web.get('/healthz')
    expect(await health.json()).toEqual({ status: 'ok', version: '0', channels: { console: 'on' }, database: 'ok' })
    expect(health.headers.get('Content-Security-Policy')).toBeNull()
    expect((await web.get('/api/v1/admin/sessions')).status).toBe(503)
    expect((await web.get('/nowhere')).status).toBe(404)
  })

  it('without verification deps the routes are absent', async () => {
    const core = await testCore()
    const web = createWebApp({
      version: '0',
      logger: pino({ level: 'silent' }),
      clock: () => new Date(),
      channels: () => ({}),
      checkDatabase: () => undefined,
    })
    expect((await web.request('/verifikasi')).status).toBe(404)
    expect((await web.request('/api/v1/certificates/LSPS202400009')).status).toBe(404)
    closeDatabase(core.db)
  })
})

describe('rate limit per client', () => {
  const A = '203.0.113.10'
  const B = '203.0.113.11'

  it('the page: 429 after the limit from one address, with Retry-After and a plain message; another address is fine', async () => {
    const web = await fixture({ limit: 3 })
    for (let i = 0; i < 3; i++) expect((await web.get('/verifikasi/LSPS-2024-00009', A)).status).toBe(200)
    const limited = await web.get('/verifikasi/LSPS-2024-00009', A)
    expect(limited.status).toBe(429)
    const retry = Number(limited.headers.get('Retry-After'))
    expect(retry).toBeGreaterThanOrEqual(1)
    expect(retry).toBeLessThanOrEqual(60)
    const html = await limited.text()
    expect(verdict(html)).toEqual({
      status: 'rate-limited',
      text: `Terlalu banyak permintaan Terlalu banyak pemeriksaan dari alamat Anda. Coba lagi dalam ${retry} detik.`,
    })
    expect(limited.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'")
    expect((await web.get('/verifikasi/LSPS-2024-00009', B)).status).toBe(200)
    expect((await web.get(signedPath('LSPS202400009'), A)).status).toBe(429)
    expect((await web.post({ nomor: 'LSPS-2024-00009', nama: 'Siti' }, A)).status).toBe(429)
    expect((await web.get('/verifikasi/x?lang=en', A)).status).toBe(429)
  })

  it('the API: 429 RATE_LIMITED with Retry-After, sharing one budget with the page', async () => {
    const web = await fixture({ limit: 2 })
    expect((await web.get('/verifikasi/LSPS-2024-00009', A)).status).toBe(200)
    expect((await web.get('/api/v1/certificates/LSPS-2024-00009', A)).status).toBe(200)
    const limited = await web.get('/api/v1/certificates/LSPS-2024-00009', A)
    expect(limited.status).toBe(429)
    expect(await limited.json()).toEqual({ error: { code: 'RATE_LIMITED' } })
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect((await web.get('/api/v1/certificates/LSPS-2024-00009', B)).status).toBe(200)
  })

  it('opens again when the minute is over', async () => {
    const web = await fixture({ limit: 1 })
    expect((await web.get('/api/v1/certificates/LSPS202400009', A)).status).toBe(200)
    const limited = await web.get('/api/v1/certificates/LSPS202400009', A)
    expect(limited.status).toBe(429)
    web.clock.advance(Number(limited.headers.get('Retry-After')) * 1000)
    expect((await web.get('/api/v1/certificates/LSPS202400009', A)).status).toBe(200)
  })

  it('counts lookups only: the empty form and the redirect to a result cost nothing', async () => {
    const web = await fixture({ limit: 1 })
    for (let i = 0; i < 5; i++) {
      expect((await web.get('/verifikasi', A)).status).toBe(200)
      expect((await web.get('/verifikasi?nomor=LSPS-2024-00009', A)).status).toBe(303)
      expect((await web.post({ nomor: 'LSPS-2024-00009' }, A)).status).toBe(303)
    }
    expect((await web.get('/verifikasi/LSPS202400009', A)).status).toBe(200)
    expect((await web.get('/verifikasi/LSPS202400009', A)).status).toBe(429)
  })

  it('ignores X-Forwarded-For and X-Real-IP unless TRUST_PROXY: any client could send them', async () => {
    const web = await fixture({ limit: 2 })
    for (let i = 0; i < 4; i++) {
      const response = await web.request('/api/v1/certificates/LSPS202400009', {
        address: A,
        headers: { 'X-Forwarded-For': `192.0.2.${i}`, 'X-Real-IP': `192.0.2.${i}` },
      })
      expect(response.status).toBe(i < 2 ? 200 : 429)
    }
  })

  describe('behind a trusted proxy, only the header it writes counts', () => {
    const proxy = '10.0.0.2'
    const statusVia = (web: Fixture, headers: Record<string, string>) =>
      web.request('/api/v1/certificates/LSPS202400009', { address: proxy, headers }).then((r) => r.status)

    it('x-real-ip: one client rotating X-Forwarded-For stays one client', async () => {
      const web = await fixture({ limit: 2, proxy: { header: 'x-real-ip' } })
      const statuses = []
      for (let i = 0; i < 5; i++)
        statuses.push(await statusVia(web, { 'X-Real-IP': '198.51.100.1', 'X-Forwarded-For': `192.0.2.${i}` }))
      expect(statuses).toEqual([200, 200, 429, 429, 429])
      expect(await statusVia(web, { 'X-Real-IP': '198.51.100.2' })).toBe(200)
    })

    it('x-forwarded-for with one proxy: the last entry (the one the proxy appended), whatever the client put before it', async () => {
      const web = await fixture({ limit: 2, proxy: { header: 'x-forwarded-for', hops: 1 } })
      const statuses = []
      for (let i = 0; i < 5; i++)
        statuses.push(await statusVia(web, { 'X-Forwarded-For': `192.0.2.${i}, 198.51.100.1`, 'X-Real-IP': `192.0.2.${i}` }))
      expect(statuses).toEqual([200, 200, 429, 429, 429])
      expect(await statusVia(web, { 'X-Forwarded-For': '198.51.100.2' })).toBe(200)
    })

    it('x-forwarded-for with two proxies: the second entry from the right; the first proxy is not the client', async () => {
      const web = await fixture({ limit: 1, proxy: { header: 'x-forwarded-for', hops: 2 } })
      // The CDN appended the client (198.51.100.1), the load balancer appended the CDN (10.1.1.1).
      expect(await statusVia(web, { 'X-Forwarded-For': '192.0.2.1, 198.51.100.1, 10.1.1.1' })).toBe(200)
      expect(await statusVia(web, { 'X-Forwarded-For': '192.0.2.2, 198.51.100.1, 10.1.1.1' })).toBe(429)
      expect(await statusVia(web, { 'X-Forwarded-For': '198.51.100.3, 10.1.1.1' })).toBe(200)
    })

    it('a header the proxy did not fill in (too few entries, not an address) counts as the proxy itself: one budget for all such', async () => {
      const web = await fixture({ limit: 1, proxy: { header: 'x-forwarded-for', hops: 2 } })
      expect(await statusVia(web, { 'X-Forwarded-For': '198.51.100.1' })).toBe(200)
      expect(await statusVia(web, { 'X-Forwarded-For': 'not-an-address, 10.1.1.1' })).toBe(429)
      expect(await statusVia(web, {})).toBe(429)
    })
  })

  it('counts an IPv6 /64 as one client, and an IPv4-mapped address as the IPv4 address', async () => {
    const web = await fixture({ limit: 1 })
    expect((await web.get('/api/v1/certificates/LSPS202400009', '2001:db8:1:2::1')).status).toBe(200)
    expect((await web.get('/api/v1/certificates/LSPS202400009', '2001:db8:1:2:ffff::9')).status).toBe(429)
    expect((await web.get('/api/v1/certificates/LSPS202400009', '2001:db8:1:3::1')).status).toBe(200)
    expect((await web.get('/api/v1/certificates/LSPS202400009', '::ffff:203.0.113.5')).status).toBe(200)
    expect((await web.get('/api/v1/certificates/LSPS202400009', '203.0.113.5')).status).toBe(429)
  })

  it('addressKey', () => {
    expect(addressKey('203.0.113.5')).toBe('203.0.113.5')
    expect(addressKey('::FFFF:203.0.113.5')).toBe('203.0.113.5')
    expect(addressKey('2001:0db8:0001:0002:0003:0004:0005:0006')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey('not an address')).toBe('not an address')
  })

  it('keeps at most maxClients counters, dropping the one seen least recently', () => {
    let now = 0
    const limiter = createRateLimiter({ limit: 1, maxClients: 2, now: () => now })
    expect(limiter.take('a')).toBe(0)
    expect(limiter.take('b')).toBe(0)
    expect(limiter.take('a')).toBeGreaterThan(0) // a is now the most recent
    expect(limiter.take('c')).toBe(0) // b is dropped
    expect(limiter.take('a')).toBeGreaterThan(0)
    expect(limiter.take('b')).toBe(0) // counted afresh
    now += 60_000
    expect(limiter.take('a')).toBe(0)
  })

  it('behind a real socket: the address comes from the connection (getConnInfo)', async () => {
    const core = await testCore()
    await core.db.insert(certificates).values(CERTS.valid)
    const web = createWebApp({
      version: '0',
      logger: pino({ level: 'silent' }),
      clock: () => new Date(),
      channels: () => ({}),
      checkDatabase: () => undefined,
      verify: { db: core.db, signingKey: KEY, ratePerMinute: 2 },
    })
    const server = serve({ fetch: web.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((resolve) => server.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const statuses = []
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/certificates/LSPS-2024-00009`, {
          headers: { 'X-Forwarded-For': `192.0.2.${i}` },
        })
        statuses.push(response.status)
      }
      expect(statuses).toEqual([200, 200, 429])
    } finally {
      await new Promise((resolve) => server.close(resolve))
      closeDatabase(core.db)
    }
  })
})

describe('the audit of lookups', () => {
  it('records every lookup of the page and the API: channel, normalised number, outcome; no address, no name', async () => {
    const web = await fixture()
    await web.get('/verifikasi/lsps-2024-00009')
    await web.get('/verifikasi/LSPS-2023-00901?lang=en')
    await web.post({ nomor: 'LSPS 2024 00902', nama: 'Maria Fransiska Lake' })
    await web.get('/verifikasi/LSPS-2024-99999')
    await web.get(`/verifikasi/${encodeURIComponent('<script>x</script>')}`)
    await web.get(signedPath('LSPS202400009'))
    await web.get('/v/LSPS201900010?s=forged')
    await web.get('/api/v1/certificates/lsps-2021-00077')
    await web.get('/api/v1/certificates/ABC')
    // Not lookups: the form, a redirect.
    await web.get('/verifikasi')
    await web.get('/verifikasi?nomor=LSPS-2024-00009')

    const rows = await web.auditRows()
    const details = rows.map((row) => JSON.parse(row.details ?? '{}') as { outcome: string; signature?: string; client?: string })
    expect(rows.map((row, i) => [row.actor, row.entityId, details[i]?.outcome, details[i]?.signature])).toEqual([
      ['web', 'LSPS202400009', 'valid', undefined],
      ['web', 'LSPS202300901', 'revoked', undefined],
      ['web', 'LSPS202400902', 'suspended', undefined],
      ['web', 'LSPS202499999', 'not-found', undefined],
      ['web', null, 'invalid', undefined],
      ['web', 'LSPS202400009', 'valid', 'genuine'],
      ['web', 'LSPS201900010', 'expired', 'not-genuine'],
      ['api', 'LSPS202100077', 'valid', undefined],
      ['api', null, 'invalid', undefined],
    ])
    expect(rows.every((row) => row.action === 'certificate.lookup' && row.entity === 'certificate')).toBe(true)
    expect(rows.every((row) => row.at.getTime() === web.clock.now().getTime())).toBe(true)
    // One client, one short hash; the address itself is nowhere.
    expect(new Set(details.map((d) => d.client))).toEqual(new Set([expect.stringMatching(/^[0-9a-f]{8}$/)]))
    const stored = JSON.stringify(rows)
    expect(stored).not.toContain('198.51.100.7')
    expect(stored).not.toContain('Maria')
    expect(stored).not.toContain('script')
  })

  it('is written in batches: nothing reaches the table until the flush', async () => {
    const web = await fixture()
    await web.get('/verifikasi/LSPS-2024-00009')
    await web.get('/api/v1/certificates/LSPS-2024-00009')
    const count = async () =>
      await statement(web.core.db, "select count(*) as n from audit_log where action = 'certificate.lookup'").get()
    expect(await count()).toEqual({ n: 0 })
    await web.audit.flush()
    expect(await count()).toEqual({ n: 2 })
  })

  it('does not record refused requests (over the limit)', async () => {
    const web = await fixture({ limit: 1 })
    await web.get('/api/v1/certificates/LSPS-2024-00009')
    await web.get('/api/v1/certificates/LSPS-2024-00009')
    await web.get('/verifikasi/LSPS-2024-00009')
    expect(await web.auditRows()).toHaveLength(1)
  })
})
