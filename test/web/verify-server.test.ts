/**
 * Certificate verification in the real server process (`npm start` on the demo dataset): the
 * page, the signed link and the API wired in src/main.ts, the rate limit on real sockets, the
 * warning about the development signing key, and the audit written by the time the server stops.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { DEV_CERT_SIGNING_KEY } from '../../src/config.js'
import { signNumber } from '../../src/core/certificates/verify.js'
import { killAll, onStore, start, storeIn, tempDir } from '../support/programs.js'

let temp: Awaited<ReturnType<typeof tempDir>>
beforeEach(() => {
  temp = tempDir('verify')
})
afterEach(() => {
  killAll()
  temp.cleanup()
})

it('serves the page, the QR link and the API from the demo dataset, limits a client and audits every lookup', async () => {
  const store = await storeIn(temp.dir)
  const server = start('src/main.ts', [], { ...store, PORT: '0', VERIFY_RATE_LIMIT_PER_MINUTE: '4' })
  const port = Number((await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 15_000))[1])
  expect(server.stdout()).toContain('CERT_SIGNING_KEY is not set')
  const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) })

  const page = await get('/verifikasi/demo-lsps-2023-00901')
  expect(page.status).toBe(200)
  const html = await page.text()
  expect(html).toContain('data-status="revoked"')
  expect(html).toContain('Hen… Gun…')
  expect(html).not.toContain('Hendra')

  const signed = await get(`/v/DEMOLSPS202300901?s=${signNumber('DEMOLSPS202300901', DEV_CERT_SIGNING_KEY)}`)
  expect(await signed.text()).toContain('<span data-holder="full">Hendra Gunawan</span>')

  const api = await get('/api/v1/certificates/DEMO-LSPS-2024-00902')
  expect(await api.json()).toMatchObject({
    number: 'DEMO-LSPS-2024-00902',
    status: 'suspended',
    holderName: 'Mar… Fra… Lak…',
  })
  expect((await get('/api/v1/certificates/DEMO-LSPS-2099-00001')).status).toBe(404)
  const limited = await get('/api/v1/certificates/DEMO-LSPS-2024-00902')
  expect(limited.status).toBe(429)
  expect(limited.headers.get('Retry-After')).toMatch(/^\d+$/)
  expect((await get('/healthz')).status).toBe(200)

  server.child.kill('SIGTERM')
  expect(await server.exited(10_000)).toMatchObject({ code: 0 })
  const { rows } = await onStore(
    store,
    "select actor, entity_id as number, details from audit_log where action = 'certificate.lookup' order by id",
  )
  expect(rows).toEqual([
    { actor: 'web', number: 'DEMOLSPS202300901', details: expect.stringContaining('"outcome":"revoked"') },
    { actor: 'web', number: 'DEMOLSPS202300901', details: expect.stringContaining('"signature":"genuine"') },
    { actor: 'api', number: 'DEMOLSPS202400902', details: expect.stringContaining('"outcome":"suspended"') },
    { actor: 'api', number: 'DEMOLSPS209900001', details: expect.stringContaining('"outcome":"not-found"') },
  ])
  expect(JSON.stringify(rows)).not.toContain('127.0.0.1')
})
