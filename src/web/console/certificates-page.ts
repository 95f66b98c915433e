/**
 * Sertifikat, the console's certificate register (docs/console.md):
 *
 *   GET  /sertifikat?q=…&page=N            search by number (as typed) or holder name, 25 a page
 *   GET  /sertifikat/:number               one certificate, its status history, and for `admin` the
 *                                          form to revoke, suspend or reinstate it
 *   POST /sertifikat/:number/status        `admin` only: `status` and a required `reason`
 *   GET  /sertifikat/:number/qr.svg|qr.png its signed verification link as a QR code
 *
 * Every role may search and look: the register is public on /verifikasi. `viewer` sees holder
 * names masked as /verifikasi shows them. A change goes through `changeCertificateStatus`, so it is
 * seen at once on /verifikasi, the API and the chat, and audited with the staff member.
 */
import { type Context, Hono } from 'hono'
import QRCode from 'qrcode'
import { type CertificateStatus, changeCertificateStatus } from '../../core/certificates/status-change.js'
import {
  maskName,
  normalizeNumber,
  type PublicCertificate,
  qrFileName,
  signedLink,
  statusOf,
  todayInJakarta,
  type VerifiedStatus,
} from '../../core/certificates/verify.js'
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { certificateByNumber } from '../../db/queries/certificates.js'
import { type CertificateAuditRow, certificateAuditTrail, searchCertificates } from '../../db/queries/console-certificates.js'
import { Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv, Staff } from './env.js'
import { formText } from './forms.js'
import { csrfField } from './layout.js'
import { pager } from './pager.js'

export type CertificatesPageDeps = {
  db: Db
  clock: () => Date
  render: RenderPage
  /** CERT_SIGNING_KEY: signs the links the QR codes carry (as `npm run cli -- qr` does). */
  signingKey?: string | undefined
  /** PUBLIC_BASE_URL: the address in the QR codes; without it there are none to download. */
  publicBaseUrl?: string | undefined
}

export const PAGE_SIZE = 25
const BASE = '/admin/sertifikat'
/** Longest search text read: more than any name or number. */
const MAX_QUERY = 100

const STATUS_LABEL: Record<VerifiedStatus, string> = {
  valid: 'Berlaku',
  expired: 'Kedaluwarsa',
  revoked: 'Dicabut',
  suspended: 'Dibekukan',
}

/** The choices of the status form, as the action each is. */
const CHANGES: { value: CertificateStatus; label: string }[] = [
  { value: 'revoked', label: 'Cabut' },
  { value: 'suspended', label: 'Bekukan' },
  { value: 'active', label: 'Pulihkan (aktif)' },
]

const holder = (staff: Staff, name: string) => (staff.role === 'viewer' ? maskName(name) : name)
const path = (number: string) => `${BASE}/${encodeURIComponent(number)}`
/** "2026-11-23 09:00 WIB" (UTC+7, without daylight saving). */
const when = (date: Date) => `${new Date(date.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} WIB`

/** The register's routes, to mount under /admin behind the console's sign-in. */
export function certificatesPage(deps: CertificatesPageDeps) {
  const app = new Hono<ConsoleEnv>()
  const qrReady = Boolean(deps.publicBaseUrl && deps.signingKey)

  app.get('/sertifikat', async (c) => {
    const staff = c.get('staff')
    const q = (c.req.query('q') ?? '').trim().slice(0, MAX_QUERY)
    const asked = Number.parseInt(c.req.query('page') ?? '1', 10)
    const search = { number: q ? normalizeNumber(q) : undefined, name: q, pageSize: PAGE_SIZE }
    let page = Number.isSafeInteger(asked) && asked > 0 ? asked : 1
    let found = await searchCertificates(deps.db, { ...search, page })
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE))
    // A page past the end (the list shrank, or a typed address) shows the last one.
    if (page > pages) {
      page = pages
      found = await searchCertificates(deps.db, { ...search, page })
    }
    const today = todayInJakarta(deps.clock())
    const link = (n: number) => `${BASE}?${new URLSearchParams({ ...(q && { q }), page: String(n) })}`
    const results =
      found.rows.length === 0
        ? html`<p class="empty">${q ? `Tidak ada sertifikat dengan nomor atau nama "${q}".` : 'Belum ada sertifikat di register.'}</p>`
        : html`<p>${found.total.toLocaleString('id-ID')} sertifikat · halaman ${page} dari ${pages}</p>
<div class="table-scroll"><table>
<thead><tr><th scope="col">Nomor</th><th scope="col">Pemegang</th><th scope="col">Skema</th><th scope="col">Terbit</th><th scope="col">Berlaku s.d.</th><th scope="col">Status</th></tr></thead>
<tbody>${found.rows.map(
            (
              row,
            ) => html`<tr><td><a href="${path(row.number)}">${row.displayNumber}</a></td><td>${holder(staff, row.holderName)}</td>
<td>${row.scheme}${row.level && ` · ${row.level}`}</td><td>${row.issuedAt}</td><td>${row.expiresAt}</td><td>${STATUS_LABEL[statusOf(row, today)]}</td></tr>`,
          )}</tbody></table></div>
${pager('Halaman hasil', page, pages, link)}`
    const body = html`<form method="get" action="${BASE}" class="filters" role="search">
<div class="field"><label for="f-q">Nomor sertifikat atau nama pemegang</label>
<input id="f-q" name="q" type="search" value="${q}" maxlength="${MAX_QUERY}"></div>
<button type="submit">Cari</button></form>
${results}`
    return c.html(deps.render(c, { title: 'Sertifikat', active: 'sertifikat', body }))
  })

  app.get('/sertifikat/:number', async (c) => {
    const certificate = await find(c)
    if (!certificate) return notFound(c)
    const staff = c.get('staff')
    // Who looked at whose record (UU PDP accountability): only views that show the full name count.
    if (staff.role !== 'viewer') {
      await writeAudit(deps.db, {
        at: deps.clock(),
        actor: `staff:${staff.id}`,
        action: 'certificate.viewed',
        entity: 'certificate',
        entityId: certificate.number,
      })
    }
    const notice = c.req.query('diubah') === '1' ? 'Status sertifikat diubah.' : undefined
    return c.html(await detail(c, certificate, { notice }))
  })

  app.post('/sertifikat/:number/status', async (c) => {
    const staff = c.get('staff')
    if (staff.role !== 'admin') return forbidden(c)
    const certificate = await find(c)
    if (!certificate) return notFound(c)
    const body = await c.req.parseBody()
    const status = formText(body, 'status')
    const reason = formText(body, 'reason')
    if (!CHANGES.some((change) => change.value === status))
      return c.html(await detail(c, certificate, { form: { status, reason, errors: { status: 'Pilih tindakannya.' } } }), 400)
    const result = await changeCertificateStatus(
      deps.db,
      certificate.number,
      { to: status as CertificateStatus, reason },
      { actor: `staff:${staff.id}`, now: deps.clock() },
    )
    if (!result.ok) {
      if (result.error === 'NOT_FOUND') return notFound(c)
      const errors = result.error === 'BAD_REASON' ? { reason: result.message } : { status: result.message }
      return c.html(await detail(c, certificate, { form: { status, reason, errors } }), 400)
    }
    return c.redirect(`${path(certificate.number)}?diubah=1`, 303)
  })

  for (const type of ['svg', 'png'] as const) {
    app.get(`/sertifikat/:number/qr.${type}`, async (c) => {
      const certificate = await find(c)
      if (!certificate || !deps.publicBaseUrl || !deps.signingKey) return notFound(c)
      const link = signedLink(deps.publicBaseUrl, certificate.number, deps.signingKey)
      const options = { errorCorrectionLevel: 'M', margin: 2 } as const
      const headers = {
        'content-disposition': `attachment; filename="${qrFileName(certificate.displayNumber)}.${type}"`,
        'cache-control': 'no-store',
      }
      if (type === 'svg') {
        const svg = await QRCode.toString(link, { ...options, type: 'svg' })
        return c.body(svg, 200, { ...headers, 'content-type': 'image/svg+xml' })
      }
      const png = await QRCode.toBuffer(link, { ...options, type: 'png', width: 600 })
      return c.body(new Uint8Array(png), 200, { ...headers, 'content-type': 'image/png' })
    })
  }

  function find(c: Context<ConsoleEnv>) {
    const number = normalizeNumber(c.req.param('number') ?? '')
    return number ? certificateByNumber(deps.db, number) : undefined
  }

  function notFound(c: Context<ConsoleEnv>) {
    const body = html`<p class="empty">Tidak ada sertifikat dengan nomor itu.</p><p><a href="${BASE}">Kembali ke pencarian</a></p>`
    return c.html(deps.render(c, { title: 'Sertifikat tidak ditemukan', active: 'sertifikat', body }), 404)
  }

  function forbidden(c: Context<ConsoleEnv>) {
    const body = html`<p class="alert" role="alert">Hanya admin pusat yang dapat mengubah status sertifikat.</p>`
    return c.html(deps.render(c, { title: 'Tidak diizinkan', active: 'sertifikat', body }), 403)
  }

  type FormState = { status: string; reason: string; errors: { status?: string; reason?: string } }

  async function detail(
    c: Context<ConsoleEnv>,
    certificate: PublicCertificate,
    extra: { notice?: string; form?: FormState },
  ): Promise<string> {
    const staff = c.get('staff')
    const status = statusOf(certificate, todayInJakarta(deps.clock()))
    const verifyUrl = `${deps.publicBaseUrl?.replace(/\/+$/, '') ?? ''}/verifikasi/${encodeURIComponent(certificate.number)}`
    const qr = qrReady
      ? html`<p><a href="${path(certificate.number)}/qr.png" download>Unduh kode QR (PNG, untuk cetak)</a> · <a href="${path(certificate.number)}/qr.svg" download>Unduh kode QR (SVG, untuk tata letak)</a></p>`
      : html`<p class="notice">Kode QR belum dapat diunduh: PUBLIC_BASE_URL${deps.signingKey ? '' : ' dan CERT_SIGNING_KEY'} belum diisi di konfigurasi server (kode QR berisi alamat publik halaman verifikasi).</p>`
    const body = html`${extra.notice && html`<p class="notice" role="status">${extra.notice}</p>`}
<dl>
<dt>Nomor</dt><dd>${certificate.displayNumber}</dd>
<dt>Pemegang</dt><dd>${holder(staff, certificate.holderName)}</dd>
<dt>Skema</dt><dd>${certificate.scheme}</dd>
<dt>Jenjang</dt><dd>${certificate.level ?? '—'}</dd>
<dt>Penerbit</dt><dd>${certificate.issuer}</dd>
<dt>Tanggal terbit</dt><dd>${certificate.issuedAt}</dd>
<dt>Berlaku sampai</dt><dd>${certificate.expiresAt}</dd>
<dt>Status</dt><dd>${STATUS_LABEL[status]}${certificate.statusReason && ` — ${certificate.statusReason}`}${
      certificate.statusChangedAt && html` <small>(diubah ${when(certificate.statusChangedAt)})</small>`
    }</dd>
<dt>Halaman verifikasi</dt><dd><a href="${verifyUrl}">${verifyUrl}</a></dd>
</dl>
<h2>Kode QR</h2>
${qr}
${staff.role === 'admin' && statusForm(c, certificate, extra.form)}
<h2>Riwayat status</h2>
${history(await certificateAuditTrail(deps.db, certificate.number))}
<p><a href="${BASE}">Kembali ke pencarian</a></p>`
    return deps.render(c, { title: `Sertifikat ${certificate.displayNumber}`, active: 'sertifikat', body })
  }

  return app
}

function statusForm(
  c: Context<ConsoleEnv>,
  certificate: PublicCertificate,
  form: { status: string; reason: string; errors: { status?: string; reason?: string } } | undefined,
): Html {
  const errors = form?.errors ?? {}
  const invalid = (error: string | undefined, id: string) =>
    error ? new Html(` aria-invalid="true" aria-describedby="${id}-error"`) : ''
  return html`<h2>Ubah status</h2>
<form method="post" action="${path(certificate.number)}/status">${csrfField(c.get('csrf'))}
<div class="field"><label for="f-status">Tindakan</label>
<select id="f-status" name="status"${invalid(errors.status, 'f-status')}>${CHANGES.filter(
    (change) => change.value !== certificate.status || form?.status === change.value,
  ).map(
    (change) =>
      html`<option value="${change.value}"${form?.status === change.value ? new Html(' selected') : ''}>${change.label}</option>`,
  )}</select>
${errors.status && html`<span class="error" id="f-status-error">${errors.status}</span>`}</div>
<div class="field"><label for="f-reason">Alasan</label>
<span class="hint" id="f-reason-hint">Wajib. Alasan pencabutan atau pembekuan ditampilkan kepada siapa pun yang memeriksa sertifikat ini.</span>
<textarea id="f-reason" name="reason" rows="3" required aria-describedby="f-reason-hint${errors.reason ? ' f-reason-error' : ''}"${
    errors.reason ? new Html(' aria-invalid="true"') : ''
  }>${form?.reason ?? ''}</textarea>
${errors.reason && html`<span class="error" id="f-reason-error">${errors.reason}</span>`}</div>
<button type="submit">Simpan status</button>
</form>`
}

const ACTOR_LABEL = (row: CertificateAuditRow) => row.staffName ?? (row.actor === 'cli' ? 'Baris perintah (CLI)' : row.actor)

function history(rows: CertificateAuditRow[]): Html {
  if (rows.length === 0) return html`<p class="empty">Belum ada perubahan status yang tercatat.</p>`
  return html`<div class="table-scroll"><table>
<thead><tr><th scope="col">Waktu</th><th scope="col">Oleh</th><th scope="col">Perubahan</th><th scope="col">Alasan</th></tr></thead>
<tbody>${rows.map((row) => {
    const details = parseDetails(row.details)
    return html`<tr><td>${when(row.at)}</td><td>${ACTOR_LABEL(row)}</td><td>${details.from && details.to ? `${STORED_LABEL[details.from] ?? details.from} → ${STORED_LABEL[details.to] ?? details.to}` : row.action}</td><td>${details.reason ?? ''}</td></tr>`
  })}</tbody></table></div>`
}

const STORED_LABEL: Record<string, string> = { active: 'Aktif', revoked: 'Dicabut', suspended: 'Dibekukan' }

function parseDetails(details: string | null): { from?: string; to?: string; reason?: string } {
  try {
    const value = details ? JSON.parse(details) : {}
    return typeof value === 'object' && value !== null ? value : {}
  } catch {
    return {}
  }
}
