/**
 * GET /api/v1/certificates/<number> through the real Hono app: every status, the masked name,
 * numbers as people type them, and the error codes.
 */
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { postgresOf } from '../../src/db/client.js'
import { certificates } from '../../src/db/schema.js'
import { CERTS, type Fixture, verifyFixture } from '../support/verify-fixture.js'

let f: Fixture
beforeEach(async () => {
  f = await verifyFixture()
})
afterEach(() => f.close())

async function api(number: string, status = 200) {
  const response = await f.get(`/api/v1/certificates/${number}`)
  expect(response.status).toBe(status)
  expect(response.headers.get('Content-Type')).toMatch(/^application\/json/)
  expect(response.headers.get('Cache-Control')).toBe('no-store')
  return response.json()
}

describe('GET /api/v1/certificates/<number>', () => {
  it.each([
    [
      'valid',
      CERTS.valid,
      { holderName: 'Sit… Rah… Nas…', level: 'Pekerja Sosial Generalis', status: 'valid', statusReason: null },
    ],
    ['valid on its last day', CERTS.lastDay, { holderName: 'Thé… Ñov…', level: null, status: 'valid', statusReason: null }],
    ['expired', CERTS.expired, { holderName: 'I… Mad… Wir…', level: null, status: 'expired', statusReason: null }],
    [
      'revoked',
      CERTS.revoked,
      {
        holderName: 'Hen… Gun…',
        level: 'Asisten Pekerja Sosial',
        status: 'revoked',
        statusReason: 'Dicabut: dokumen portofolio terbukti tidak sah',
      },
    ],
    [
      'suspended',
      CERTS.suspended,
      {
        holderName: 'Mar… Fra… Lak…',
        level: 'Asisten Pekerja Sosial',
        status: 'suspended',
        statusReason: 'Dibekukan sementara: sedang dalam pemeriksaan kode etik',
      },
    ],
  ])('%s: 200 with the public record and the name masked', async (_, cert, expected) => {
    expect(await api(cert.number)).toEqual({
      number: cert.displayNumber,
      scheme: cert.scheme,
      issuer: 'LSP Kemensos',
      issuedAt: cert.issuedAt,
      expiresAt: cert.expiresAt,
      ...expected,
    })
  })

  it('never gives the full name', async () => {
    for (const cert of Object.values(CERTS)) {
      const body = JSON.stringify(await api(cert.number))
      for (const word of cert.holderName.split(' ').filter((w) => w.length > 3)) expect(body).not.toContain(word)
    }
  })

  it('gives no reason for a certificate active again after a suspension', async () => {
    await f.core.db.insert(certificates).values({
      ...CERTS.valid,
      number: 'LSPS202400010',
      displayNumber: 'LSPS-2024-00010',
      statusReason: 'Dibekukan: selesai diperiksa',
    })
    expect(await api('LSPS202400010')).toMatchObject({ status: 'valid', statusReason: null })
  })

  it.each([
    ['lower case', 'lsps-2024-00902'],
    ['spaces', 'LSPS%202024%2000902'],
    ['dashes left out', 'LSPS202400902'],
    ['mixed separators', 'lsps%20-%202024.00902'],
    ['a typographic dash', 'LSPS%E2%80%942024%E2%80%9400902'],
  ])('normalises %s', async (_, number) => {
    expect(await api(number)).toMatchObject({ number: 'LSPS-2024-00902', status: 'suspended' })
  })

  it('404 CERT_NOT_FOUND for a number nobody holds', async () => {
    expect(await api('LSPS-2024-99999', 404)).toEqual({ error: { code: 'CERT_NOT_FOUND' } })
  })

  it.each([
    ['too short', 'AB1'],
    ['no digit', 'ABCDEFGH'],
    ['markup', encodeURIComponent('<script>alert(1)</script>')],
    ['too long', `L${'1'.repeat(45)}`],
    ['only separators', '%20-%20'],
  ])('400 INVALID_NUMBER for %s', async (_, number) => {
    expect(await api(number, 400)).toEqual({ error: { code: 'INVALID_NUMBER' } })
  })

  it('answers any text with 200, 400 or 404 JSON, never an error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60, unit: 'binary' }), async (typed) => {
        const response = await f.get(`/api/v1/certificates/${encodeURIComponent(typed)}`)
        expect([200, 400, 404]).toContain(response.status)
        const body = (await response.json()) as { error?: { code: string } }
        if (response.status !== 200) expect(['INVALID_NUMBER', 'CERT_NOT_FOUND']).toContain(body.error?.code)
      }),
      { numRuns: 150 },
    )
  })

  it('answers lookups asked at the same moment each with its own record', async () => {
    const numbers = [CERTS.valid, CERTS.revoked, CERTS.expired, CERTS.suspended, CERTS.lastDay]
    const answers = await Promise.all([
      ...numbers.map((cert) => api(cert.displayNumber)),
      api('LSPS-2024-99999', 404),
      api('AB1', 400),
    ])
    expect(answers.map((a) => a.number ?? a.error.code)).toEqual([
      ...numbers.map((cert) => cert.displayNumber),
      'CERT_NOT_FOUND',
      'INVALID_NUMBER',
    ])
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual(['valid', 'revoked', 'expired', 'suspended', 'valid'])
    // Every one of them is in the audit, in the order they were asked.
    expect((await f.auditRows()).map((row) => row.entityId)).toEqual([
      ...numbers.map((cert) => cert.number),
      'LSPS202499999',
      null,
    ])
  })

  it('500 INTERNAL, with the same headers and nothing else, when the database cannot answer', async () => {
    f.breakReads()
    // Asked together, so they fail inside one batch.
    const responses = await Promise.all([CERTS.valid, CERTS.revoked].map((cert) => f.get(`/api/v1/certificates/${cert.number}`)))
    for (const response of responses) {
      expect(response.status).toBe(500)
      expect(response.headers.get('Cache-Control')).toBe('no-store')
      expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
      expect(await response.json()).toEqual({ error: { code: 'INTERNAL' } })
    }
    // Nothing left open: no read transaction on SQLite's connection, no connection checked out of PostgreSQL's pool.
    const pg = postgresOf(f.core.db)
    if (pg) expect(pg.pool.totalCount - pg.pool.idleCount).toBe(0)
    else expect(f.core.db.$client.inTransaction).toBe(false)
  })
})
