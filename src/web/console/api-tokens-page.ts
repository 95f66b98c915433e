/**
 * API tokens on the console (docs/console.md "Staf"): an admin manages any staff member's tokens
 * from the Staf page, and every staff member their own from "Keamanan akun". A new token is shown
 * once, on the answer to the form that made it (never in an address or a redirect); the lists show
 * names and times only, as only the hash is kept. Creating and revoking go through the same core as
 * `npm run cli -- staff token…` (src/core/console/api-tokens.ts), audited with the signed-in staff
 * member as actor.
 *
 *   GET  /staf/:id/token                   admin: a staff member's tokens and the form for a new one
 *   POST /staf/:id/token                   admin: a new token for them
 *   POST /staf/:id/token/:token/cabut      admin: revoke one of theirs
 *   GET  /token-api, POST /token-api, POST /token-api/:token/cabut   the same, for one's own tokens
 */
import { type Context, Hono } from 'hono'
import {
  type ApiTokenProblem,
  type ApiTokenSummary,
  createApiToken,
  expiryOfDate,
  listApiTokens,
  MAX_TOKEN_NAME,
  revokeApiToken,
} from '../../core/console/api-tokens.js'
import { formatLocalDateTime } from '../../core/regions.js'
import type { Db } from '../../db/client.js'
import { type StaffRow, staffById } from '../../db/queries/console-staff.js'
import { type Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv } from './env.js'
import { field, formText } from './forms.js'
import { csrfField, roleAndRegion } from './layout.js'

export type ApiTokensPageDeps = { db: Db; clock: () => Date; render: RenderPage }

type Errors = { name?: string; expires?: string }
type View = { notice?: Html; alert?: string; values?: { name: string; expires: string }; errors?: Errors }

const PROBLEM: Record<ApiTokenProblem, { field?: keyof Errors; text: string }> = {
  TOKEN_NAME_MISSING: { field: 'name', text: `Isi nama token: untuk apa dipakai (paling panjang ${MAX_TOKEN_NAME} karakter).` },
  TOKEN_EXPIRY_INVALID: { field: 'expires', text: 'Tanggal berlaku harus sesudah hari ini, atau kosongkan.' },
  STAFF_NOT_FOUND: { text: 'Akun tidak ditemukan.' },
  STAFF_DISABLED: { text: 'Akun ini nonaktif: tidak dapat diberi token.' },
}

const wib = (at: Date) => formatLocalDateTime(at, 'Asia/Jakarta')

/** Where one owner's tokens are managed, and how the page names them. */
type Owner = { account: StaffRow; base: string; title: string; active: string }

export function apiTokenRoutes(deps: ApiTokensPageDeps) {
  const app = new Hono<ConsoleEnv>()
  const actor = (c: Context<ConsoleEnv>) => `staff:${c.get('staff').id}`

  /** `:id`'s account on the Staf page, or the signed-in staff member's own. */
  const ownerOf = async (c: Context<ConsoleEnv>): Promise<Owner | undefined> => {
    const raw = c.req.param('id')
    if (raw === undefined) {
      const account = await staffById(deps.db, c.get('staff').id)
      return account && { account, base: '/admin/token-api', title: 'Token API Anda', active: '' }
    }
    const id = /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined
    const account = id === undefined ? undefined : await staffById(deps.db, id)
    return account && { account, base: `/admin/staf/${account.id}/token`, title: `Token API: ${account.name}`, active: 'staf' }
  }

  const render = async (c: Context<ConsoleEnv>, owner: Owner, view: View, status: 200 | 404 | 422 = 200) =>
    c.html(
      deps.render(c, { title: owner.title, active: owner.active, body: await tokensBody(c, deps.db, owner, view, deps.clock()) }),
      status,
    )

  const show = async (c: Context<ConsoleEnv>) => {
    const owner = await ownerOf(c)
    return owner ? await render(c, owner, {}) : c.notFound()
  }

  const create = async (c: Context<ConsoleEnv>) => {
    const owner = await ownerOf(c)
    if (!owner) return c.notFound()
    const body = await c.req.parseBody()
    const values = { name: formText(body, 'name'), expires: formText(body, 'expires').trim() }
    const expiresAt = values.expires ? expiryOfDate(values.expires) : undefined
    if (values.expires && !expiresAt)
      return await render(c, owner, { values, errors: { expires: PROBLEM.TOKEN_EXPIRY_INVALID.text } }, 422)
    const result = await createApiToken(
      deps.db,
      { staffId: owner.account.id, name: values.name, expiresAt },
      { actor: actor(c), at: deps.clock() },
    )
    if (!result.ok) {
      const problem = PROBLEM[result.error.code]
      const view = problem.field ? { values, errors: { [problem.field]: problem.text } } : { values, alert: problem.text }
      return await render(c, owner, view, 422)
    }
    const notice = html`<div class="notice" role="status">
<p>Token "${values.name.trim()}" dibuat. Salin sekarang: token ini tidak ditampilkan lagi (yang disimpan hanya sidiknya).</p>
<p><label for="token-baru">Token (kirim sebagai <code>Authorization: Bearer …</code>):</label></p>
<p><input id="token-baru" class="secret" type="text" readonly value="${result.value.token}"></p></div>`
    return await render(c, owner, { notice })
  }

  const revoke = async (c: Context<ConsoleEnv>) => {
    const owner = await ownerOf(c)
    if (!owner) return c.notFound()
    const raw = c.req.param('token') ?? ''
    const tokenId = /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : 0
    // Only a token of this page's owner: another's is "not found", whoever asks.
    const result = await revokeApiToken(deps.db, tokenId, { actor: actor(c), at: deps.clock(), owner: owner.account.id })
    if (!result.ok)
      return await render(
        c,
        owner,
        { alert: result.error.code === 'TOKEN_REVOKED' ? 'Token ini sudah dicabut.' : 'Token tidak ditemukan.' },
        404,
      )
    return await render(c, owner, {
      notice: html`<p class="notice" role="status">Token "${result.value.name}" dicabut: permintaan dengan token itu kini ditolak.</p>`,
    })
  }

  // Behind requireRole('admin') (console-app.ts: /staf/*).
  app.get('/staf/:id/token', show)
  app.post('/staf/:id/token', create)
  app.post('/staf/:id/token/:token/cabut', revoke)
  // Every signed-in staff member, for their own tokens.
  app.get('/token-api', show)
  app.post('/token-api', create)
  app.post('/token-api/:token/cabut', revoke)
  return app
}

function tokenState(token: ApiTokenSummary, now: Date): string {
  if (token.revokedAt) return `Dicabut ${wib(token.revokedAt)}`
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return 'Kedaluwarsa'
  return 'Aktif'
}

async function tokensBody(c: Context<ConsoleEnv>, db: Db, owner: Owner, view: View, now: Date): Promise<Html> {
  const csrf = c.get('csrf')
  const tokens = await listApiTokens(db, owner.account.id)
  const errors = view.errors ?? {}
  const values = view.values ?? { name: '', expires: '' }
  return html`${view.alert && html`<p class="alert" role="alert">${view.alert}</p>`}${view.notice}
<p>Token API dipakai skrip dan aplikasi lain untuk <code>/api/v1/admin/…</code> (uraiannya: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>).
Token bertindak sebagai ${owner.account.name} (${roleAndRegion(owner.account)}), dengan peran dan wilayah akun saat permintaan datang;
akun dinonaktifkan, token berhenti bekerja.</p>
<section aria-labelledby="daftar-token"><h2 id="daftar-token">Token</h2>
${
  tokens.length === 0
    ? html`<p class="empty">Belum ada token.</p>`
    : html`<div class="table-scroll"><table><caption>Token API (waktu WIB)</caption>
<thead><tr><th scope="col">Nama</th><th scope="col">Dibuat</th><th scope="col">Terakhir dipakai</th><th scope="col">Berlaku sampai</th>
<th scope="col">Status</th><th scope="col">Tindakan</th></tr></thead>
<tbody>${tokens.map((t) => {
        const state = tokenState(t, now)
        return html`<tr><td>${t.name}</td><td>${wib(t.createdAt)}</td><td>${t.lastUsedAt ? wib(t.lastUsedAt) : 'belum pernah'}</td>
<td>${t.expiresAt ? wib(t.expiresAt) : 'tanpa batas'}</td><td>${state}</td>
<td>${
          t.revokedAt
            ? '—'
            : html`<form method="post" action="${owner.base}/${t.id}/cabut" aria-label="Cabut token ${t.name}">${csrfField(csrf)}<button type="submit">Cabut</button></form>`
        }</td></tr>`
      })}</tbody></table></div>`
}</section>
<section aria-labelledby="token-baru-judul"><h2 id="token-baru-judul">Buat token</h2>
<form method="post" action="${owner.base}" aria-labelledby="token-baru-judul">${csrfField(csrf)}
${field({ name: 'name', label: 'Nama token', hint: 'Untuk apa, mis. "skrip impor sertifikat".', value: values.name, error: errors.name, required: true })}
${field({ name: 'expires', label: 'Berlaku sampai (opsional)', type: 'date', hint: 'Kosongkan untuk tanpa batas; token berhenti di akhir hari itu (WIB).', value: values.expires, error: errors.expires })}
<p><button type="submit">Buat token</button></p>
</form></section>`
}
