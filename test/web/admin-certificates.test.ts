/**
 * POST /api/v1/admin/certificates: a certificates file over HTTP, checked as the CLI checks it; the
 * admin token in front of it; and a lookup of what was just imported.
 */
import { Hono } from 'hono'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { lookUp } from '../../src/core/certificates/verify.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase } from '../../src/db/client.js'
import { certificates } from '../../src/db/schema.js'
import { adminApi, MAX_IMPORT_BYTES } from '../../src/web/admin-api.js'
import type { AdminEnv } from '../../src/web/admin-auth.js'
import { ADMIN_AUTH, adminWebApp } from '../support/admin-api.js'
import { CERTIFICATE, certificatesFile } from '../support/certificates-csv.js'
import { testCore } from '../support/core.js'

let core: Core
let api: Hono<AdminEnv>
beforeEach(async () => {
  core = await testCore()
  // The API alone, called by an admin (the guard is tested in admin.test.ts and api-tokens.test.ts).
  api = new Hono<AdminEnv>()
    .use('*', (c, next) => {
      c.set('caller', { role: 'admin', region: null, actor: 'test' })
      return next()
    })
    .route(
      '/api/v1/admin',
      adminApi({ db: core.db, vault: core.vault, reminders: DEFAULT_REMINDER_SETTINGS, clock: () => new Date() }),
    )
})
afterEach(() => closeDatabase(core.db))

const post = (body: string, type = 'text/csv; charset=utf-8') =>
  api.request('/api/v1/admin/certificates', { method: 'POST', body, headers: { 'Content-Type': type } })

describe('POST /api/v1/admin/certificates', () => {
  it('imports a file: the counts, the NIK hashed with the server key, found at once', async () => {
    const file = certificatesFile({}, { certificate_number: 'LSPS-2025-00043', nik: '', birth_date: '' })
    const response = await post(file)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ inserted: 2, updated: 0, unchanged: 0, linked: 0 })
    expect(await core.db.select({ nikHash: certificates.nikHash }).from(certificates)).toEqual([
      { nikHash: core.vault.hash(CERTIFICATE.nik) },
      { nikHash: null },
    ])
    expect(await lookUp(core.db, 'lsps 2025 00043', '2026-11-23')).toMatchObject({ kind: 'found', status: 'valid' })
    expect(await (await post(file)).json()).toEqual({ inserted: 0, updated: 0, unchanged: 2, linked: 0 })
  })

  it('refuses a bad file with every bad row (422), writing nothing', async () => {
    const response = await post(certificatesFile({}, { status: 'revoked' }, { certificate_number: 'x', issued_at: '2025-13-01' }))
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({
      error: {
        code: 'IMPORT_REJECTED',
        message: '2 baris ditolak; tidak ada yang disimpan',
        rows: [
          { line: 3, column: 'certificate_number', message: expect.stringContaining('sudah ada di baris 2') },
          { line: 3, column: 'status_reason', message: expect.stringContaining('wajib diisi untuk status revoked') },
          { line: 4, column: 'certificate_number', message: expect.stringContaining('harus 4–40 huruf dan angka') },
          { line: 4, column: 'issued_at', message: 'tanggal itu tidak ada (tertulis "2025-13-01")' },
        ],
      },
    })
    expect(await core.db.select().from(certificates)).toEqual([])
  })

  it('415 for another content type, 413 above the size limit', async () => {
    const json = await post(certificatesFile({}), 'application/json')
    expect(json.status).toBe(415)
    expect(await json.json()).toEqual({
      error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the certificates file with Content-Type: text/csv' },
    })
    const large = await post(`${certificatesFile({})}${'x'.repeat(MAX_IMPORT_BYTES)}`)
    expect(large.status).toBe(413)
    expect(await large.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } })
  })

  it('sits behind the admin token', async () => {
    const web = adminWebApp({ db: core.db })
    const body = certificatesFile({ nik: '', birth_date: '' })
    const headers = { 'Content-Type': 'text/csv' }
    expect((await web.request('/api/v1/admin/certificates', { method: 'POST', body, headers })).status).toBe(401)
    const allowed = await web.request('/api/v1/admin/certificates', {
      method: 'POST',
      body,
      headers: { ...headers, ...ADMIN_AUTH },
    })
    expect(allowed.status).toBe(200)
    expect(await allowed.json()).toMatchObject({ inserted: 1 })
  })
})
