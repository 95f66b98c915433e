/**
 * Sertifikat, the console's certificate register: search by number or name with pages of 25,
 * masked names for `viewer`, revoking / suspending / reinstating with a reason (admin only, with
 * its CSRF token) seen at once on /verifikasi, and the QR codes of the signed verification link.
 */

import QRCode from 'qrcode'
import { describe, expect, it } from 'vitest'
import { signedQuery } from '../../src/core/certificates/verify.js'
import { statement } from '../../src/db/client.js'
import { certificates } from '../../src/db/schema.js'
import { auditOf, browserOn, consoleFixture, ORIGIN } from './support.js'

const SIGNING_KEY = 'console-test-signing-key-0123456789abcdef'
const SITI = {
  number: 'LSPS202400009',
  displayNumber: 'LSPS-2024-00009',
  holderName: 'Siti Rahmawati Nasution',
  scheme: 'Pekerja Sosial',
  level: 'Pekerja Sosial Generalis',
  issuer: 'LSP Kemensos',
  issuedAt: '2024-05-02',
  expiresAt: '2029-05-01',
}

async function setUp(role: 'admin' | 'regional' | 'viewer' = 'admin', options: { publicBaseUrl?: boolean } = {}) {
  const f = await consoleFixture({
    verify: true,
    signingKey: SIGNING_KEY,
    ...(options.publicBaseUrl !== false && { publicBaseUrl: ORIGIN }),
  })
  await f.core.db.insert(certificates).values(SITI)
  const id = await f.addAccount({
    email: 'staf@kemensos.go.id',
    name: 'Dewi Anggraini',
    role,
    ...(role === 'regional' && { region: 'R2' }),
  })
  const browser = browserOn(f.app)
  await browser.signIn('staf@kemensos.go.id')
  const statusOf = async () =>
    await statement(f.core.db, 'select status, status_reason as reason from certificates where number = ?').get(SITI.number)
  return { f, id, browser, statusOf }
}

/** 30 more certificates, 27 of whose holders are called "… Rahmawati …". */
async function fill(f: Awaited<ReturnType<typeof consoleFixture>>) {
  for (let i = 1; i <= 30; i++) {
    const n = String(i).padStart(3, '0')
    await f.core.db.insert(certificates).values({
      ...SITI,
      number: `LSPS2025${n}`,
      displayNumber: `LSPS-2025-${n}`,
      holderName: i <= 26 ? `Ani Rahmawati ${n}` : `Budi Santoso ${n}`,
      issuedAt: `2025-01-${String(i).padStart(2, '0')}`,
    })
  }
}

const numbersOn = (html: string) => [...html.matchAll(/<a href="\/admin\/sertifikat\/(LSPS\d+)">/g)].map((m) => m[1])

describe('search', () => {
  it('finds by holder name (case ignored) in pages of 25, by a number as typed, and shows an empty state', async () => {
    const { f, browser } = await setUp('regional')
    await fill(f)
    const first = await (await browser.request('/admin/sertifikat?q=rahMAWATI')).text()
    expect(first).toContain('<label for="f-q">Nomor sertifikat atau nama pemegang</label>')
    expect(first).toContain('27 sertifikat · halaman 1 dari 2')
    expect(numbersOn(first)).toHaveLength(25)
    expect(first).toContain('href="/admin/sertifikat?q=rahMAWATI&amp;page=2"')
    const second = await (await browser.request('/admin/sertifikat?q=rahMAWATI&page=2')).text()
    // Newest issued first: the last page holds the oldest of the Rahmawatis, Siti's of 2024 last.
    expect(numbersOn(second)).toEqual(['LSPS2025001', 'LSPS202400009'])
    expect(second).toContain('Siti Rahmawati Nasution')
    expect(second).toContain('href="/admin/sertifikat?q=rahMAWATI&amp;page=1" rel="prev"')
    // A page past the end (a typed address, a list that shrank) shows the last one.
    expect(numbersOn(await (await browser.request('/admin/sertifikat?q=rahMAWATI&page=9')).text())).toEqual(numbersOn(second))

    const typed = await (await browser.request(`/admin/sertifikat?q=${encodeURIComponent('lsps 2024/00009')}`)).text()
    expect(numbersOn(typed)).toEqual(['LSPS202400009'])
    // The tail of a number, as read off a photocopy.
    expect(numbersOn(await (await browser.request('/admin/sertifikat?q=0-0009')).text())).toEqual(['LSPS202400009'])

    const none = await (await browser.request('/admin/sertifikat?q=Zulkarnain')).text()
    expect(none).toContain('<p class="empty">Tidak ada sertifikat dengan nomor atau nama &quot;Zulkarnain&quot;.</p>')
    expect(numbersOn(none)).toEqual([])

    const all = await (await browser.request('/admin/sertifikat')).text()
    expect(all).toContain('31 sertifikat · halaman 1 dari 2')
    expect(all).toContain('<a href="/admin/sertifikat" aria-current="page">Sertifikat</a>')
  })

  it('a viewer sees holder names masked in the list and on the certificate, and no status form', async () => {
    const { browser } = await setUp('viewer')
    const list = await (await browser.request('/admin/sertifikat?q=siti')).text()
    const page = await (await browser.request('/admin/sertifikat/LSPS-2024-00009')).text()
    for (const html of [list, page]) {
      expect(html).toContain('Sit… Rah… Nas…')
      expect(html).not.toContain('Rahmawati')
    }
    expect(page).not.toContain('name="reason"')
  })

  it('opening a certificate with its full name is audited with the staff member; a masked view is not', async () => {
    const viewsOf = async (f: Awaited<ReturnType<typeof consoleFixture>>) =>
      await statement(f.core.db, "select actor, entity_id as number from audit_log where action = 'certificate.viewed'").all()
    const regional = await setUp('regional')
    await regional.browser.request('/admin/sertifikat/LSPS-2024-00009')
    expect(await viewsOf(regional.f)).toEqual([{ actor: `staff:${regional.id}`, number: SITI.number }])
    // Searching lists names but opens no one's record; an unknown number is no view.
    await regional.browser.request('/admin/sertifikat?q=siti')
    await regional.browser.request('/admin/sertifikat/LSPS-2099-99999')
    expect(await viewsOf(regional.f)).toHaveLength(1)

    const viewer = await setUp('viewer')
    await viewer.browser.request('/admin/sertifikat/LSPS-2024-00009')
    expect(await viewsOf(viewer.f)).toEqual([])
  })
})

describe('an address the console does not have', () => {
  it('is a page in the console layout with a way back, 404, not the API JSON', async () => {
    const { browser } = await setUp('regional')
    const response = await browser.request('/admin/tidak-ada')
    expect(response.status).toBe(404)
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/)
    const page = await response.text()
    expect(page).toContain('<h1')
    expect(page).toContain('Halaman tidak ditemukan')
    expect(page).toContain('href="/admin"')
  })
})

describe('status changes', () => {
  it('an admin revokes with a reason: /verifikasi shows it at once, the audit log and the history name the staff member', async () => {
    const { f, id, browser, statusOf } = await setUp('admin')
    const page = '/admin/sertifikat/LSPS202400009'
    const response = await browser.submit(page, `${page}/status`, { status: 'revoked', reason: 'Portofolio tidak sah' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`${page}?diubah=1`)
    expect(await statusOf()).toEqual({ status: 'revoked', reason: 'Portofolio tidak sah' })

    const verified = await (await browser.request('/verifikasi/LSPS-2024-00009')).text()
    expect(verified).toContain('DICABUT')
    expect(verified).toContain('Portofolio tidak sah')

    const after = await (await browser.request(`${page}?diubah=1`)).text()
    expect(after).toContain('Status sertifikat diubah.')
    expect(after).toMatch(/<td>Dewi Anggraini<\/td><td>Aktif → Dicabut<\/td><td>Portofolio tidak sah<\/td>/)
    expect(await auditOf(f.core, 'certificate.status')).toEqual([
      expect.objectContaining({ actor: `staff:${id}`, entityId: SITI.number }),
    ])
  })

  it('without a reason the error is beside the field and nothing changes', async () => {
    const { f, browser, statusOf } = await setUp('admin')
    const page = '/admin/sertifikat/LSPS202400009'
    const response = await browser.submit(page, `${page}/status`, { status: 'suspended', reason: '   ' })
    expect(response.status).toBe(400)
    const html = await response.text()
    expect(html).toContain('aria-describedby="f-reason-hint f-reason-error" aria-invalid="true">')
    expect(html).toContain('<span class="error" id="f-reason-error">Alasan wajib diisi.</span>')
    expect(await statusOf()).toEqual({ status: 'active', reason: null })
    expect(await auditOf(f.core, 'certificate.status')).toEqual([])
  })

  it('setting the status it already has is named beside the action field, nothing written', async () => {
    const { f, browser, statusOf } = await setUp('admin')
    const page = '/admin/sertifikat/LSPS202400009'
    const response = await browser.submit(page, `${page}/status`, { status: 'active', reason: 'Tetap aktif' })
    expect(response.status).toBe(400)
    expect(await response.text()).toContain(
      '<span class="error" id="f-status-error">Status sertifikat itu sudah demikian.</span>',
    )
    expect(await statusOf()).toEqual({ status: 'active', reason: null })
    expect(await auditOf(f.core, 'certificate.status')).toEqual([])
  })

  it.each(['regional', 'viewer'] as const)('a %s account posting a change gets 403, nothing changes', async (role) => {
    const { f, browser, statusOf } = await setUp(role)
    const page = '/admin/sertifikat/LSPS202400009'
    const response = await browser.submit(page, `${page}/status`, { status: 'revoked', reason: 'Coba' })
    expect(response.status).toBe(403)
    expect(await statusOf()).toEqual({ status: 'active', reason: null })
    expect(await auditOf(f.core, 'certificate.status')).toEqual([])
  })

  it('a change posted without its CSRF token is refused', async () => {
    const { browser, statusOf } = await setUp('admin')
    const response = await browser.request('/admin/sertifikat/LSPS202400009/status', {
      form: { status: 'revoked', reason: 'Tanpa token' },
    })
    expect(response.status).toBe(403)
    expect(await statusOf()).toEqual({ status: 'active', reason: null })
  })
})

describe('QR codes', () => {
  it('downloads the signed verification link as SVG and PNG; the link shows the certificate as genuine', async () => {
    const { browser } = await setUp('viewer')
    const page = await (await browser.request('/admin/sertifikat/LSPS202400009')).text()
    expect(page).toContain('href="/admin/sertifikat/LSPS202400009/qr.png"')
    const link = `${ORIGIN}/v/LSPS202400009?${signedQuery(SITI.number, SIGNING_KEY)}`
    const options = { errorCorrectionLevel: 'M', margin: 2 } as const

    const svg = await browser.request('/admin/sertifikat/LSPS202400009/qr.svg')
    expect(svg.headers.get('content-type')).toBe('image/svg+xml')
    expect(svg.headers.get('content-disposition')).toBe('attachment; filename="LSPS-2024-00009.svg"')
    expect(await svg.text()).toBe(await QRCode.toString(link, { ...options, type: 'svg' }))
    const png = await browser.request('/admin/sertifikat/LSPS202400009/qr.png')
    expect(png.headers.get('content-type')).toBe('image/png')
    const bytes = Buffer.from(await png.arrayBuffer())
    expect(bytes.equals(await QRCode.toBuffer(link, { ...options, type: 'png', width: 600 }))).toBe(true)

    // A genuine signature shows the holder's full name on the verification page.
    const verified = await (await browser.request(link.slice(ORIGIN.length))).text()
    expect(verified).toContain('Siti Rahmawati Nasution')
  })

  it('without PUBLIC_BASE_URL the page says so instead of the links, and there is nothing to download', async () => {
    const { browser } = await setUp('admin', { publicBaseUrl: false })
    const page = await (await browser.request('/admin/sertifikat/LSPS202400009')).text()
    expect(page).toContain('PUBLIC_BASE_URL belum diisi')
    expect(page).not.toContain('qr.png')
    expect((await browser.request('/admin/sertifikat/LSPS202400009/qr.svg')).status).toBe(404)
  })
})
