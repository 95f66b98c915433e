/**
 * Revoking, suspending and reinstating a certificate by hand: a reason is required, the change is
 * seen at once by the verification API and page, and the audit log keeps who, from what, to what
 * and why.
 */
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { changeCertificateStatus } from '../../src/core/certificates/status-change.js'
import { auditLog, certificates } from '../../src/db/schema.js'
import { CERTS, verifyFixture } from '../support/verify-fixture.js'

let f: Awaited<ReturnType<typeof verifyFixture>>
afterEach(() => f.close())

const api = async (number: string) => (await f.get(`/api/v1/certificates/${number}`)).json()
const by = () => ({ actor: 'staff:7', now: f.clock.now() })

describe('changeCertificateStatus', () => {
  it('revoke, suspend, reinstate: seen at once by the API and the page, each in the audit log', async () => {
    f = await verifyFixture()
    const { number } = CERTS.valid
    expect(await api(number)).toMatchObject({ status: 'valid', statusReason: null })

    const revoked = await changeCertificateStatus(
      f.core.db,
      'lsps-2024-00009',
      { to: 'revoked', reason: '  Dokumen portofolio terbukti tidak sah ' },
      by(),
    )
    expect(revoked).toEqual({ ok: true, number, from: 'active', to: 'revoked' })
    expect(await api(number)).toMatchObject({ status: 'revoked', statusReason: 'Dokumen portofolio terbukti tidak sah' })
    const page = await (await f.get(`/verifikasi/${number}`)).text()
    expect(page).toContain('Dokumen portofolio terbukti tidak sah')

    f.clock.advance(60_000)
    expect(
      await changeCertificateStatus(f.core.db, number, { to: 'suspended', reason: 'Dalam pemeriksaan ulang' }, by()),
    ).toMatchObject({
      ok: true,
      from: 'revoked',
      to: 'suspended',
    })
    expect(await api(number)).toMatchObject({ status: 'suspended', statusReason: 'Dalam pemeriksaan ulang' })

    f.clock.advance(60_000)
    expect(
      await changeCertificateStatus(f.core.db, number, { to: 'active', reason: 'Pemeriksaan selesai, sah' }, by()),
    ).toMatchObject({
      ok: true,
      to: 'active',
    })
    // Active again: valid, and the reason of the reinstatement is not shown to the public.
    expect(await api(number)).toMatchObject({ status: 'valid', statusReason: null })
    const stored = (await f.core.db.select().from(certificates).where(eq(certificates.number, number)).limit(1))[0]
    expect(stored).toMatchObject({ status: 'active', statusReason: null, statusChangedAt: f.clock.now() })

    const trail = await f.core.db.select().from(auditLog).where(eq(auditLog.action, 'certificate.status'))
    expect(trail.map((row) => ({ actor: row.actor, entityId: row.entityId, details: JSON.parse(row.details ?? '{}') }))).toEqual([
      {
        actor: 'staff:7',
        entityId: number,
        details: { from: 'active', to: 'revoked', reason: 'Dokumen portofolio terbukti tidak sah' },
      },
      { actor: 'staff:7', entityId: number, details: { from: 'revoked', to: 'suspended', reason: 'Dalam pemeriksaan ulang' } },
      { actor: 'staff:7', entityId: number, details: { from: 'suspended', to: 'active', reason: 'Pemeriksaan selesai, sah' } },
    ])
  })

  it.each([
    ['no reason', CERTS.valid.number, 'revoked', '   ', 'BAD_REASON', 'Alasan wajib diisi.'],
    ['a reason too long', CERTS.valid.number, 'suspended', 'x'.repeat(501), 'BAD_REASON', 'Alasan'],
    ['an unknown number', 'LSPS-2099-99999', 'revoked', 'Tidak sah', 'NOT_FOUND', 'Tidak ada sertifikat dengan nomor itu.'],
    ['not a number at all', '<script>', 'revoked', 'Tidak sah', 'NOT_FOUND', 'Tidak ada sertifikat dengan nomor itu.'],
    ['the status it has', CERTS.valid.number, 'active', 'Sudah sah', 'UNCHANGED', 'sudah demikian'],
  ] as const)('refuses %s with a message for the form, and changes nothing', async (_, number, to, reason, error, message) => {
    f = await verifyFixture()
    const before = await f.core.db.select().from(certificates)
    const result = await changeCertificateStatus(f.core.db, number, { to, reason }, by())
    expect(result).toMatchObject({ ok: false, error })
    expect(result.ok === false && result.message).toContain(message)
    expect(await f.core.db.select().from(certificates)).toEqual(before)
    expect(await f.core.db.select().from(auditLog).where(eq(auditLog.action, 'certificate.status'))).toEqual([])
  })
})
