/**
 * Staf, for `admin` only: the accounts, and inviting, changing role or region, disabling and
 * resetting them, through the same core as `npm run cli -- staff …` (src/core/console/staff-accounts.ts),
 * each audited with the signed-in admin as actor (`staff:<id>`).
 *
 *   GET  /staf                      the list and the invitation form
 *   POST /staf/undang               invite: the one-time link (LINK_HOURS) is shown once, to copy
 *   POST /staf/:id/peran            change role and region
 *   POST /staf/:id/nonaktifkan      disable (every session of the account ends)
 *   POST /staf/:id/setel-ulang      reset: a new one-time link, every session ended
 *   /staf/:id/token                 the account's API tokens (api-tokens-page.ts)
 *
 * An admin cannot change, disable or reset their own account here: they would lock themselves out
 * (and the console could lose its last admin); another admin or the CLI does it.
 */
import { type Context, Hono } from 'hono'
import {
  addStaff,
  changeStaffRole,
  disableStaff,
  enableStaff,
  LINK_HOURS,
  resetStaff,
  type StaffProblem,
  setPasswordUrl,
} from '../../core/console/staff-accounts.js'
import { formatLocalDateTime } from '../../core/regions.js'
import type { Db } from '../../db/client.js'
import { lastSignIns, listStaff, type StaffRow, staffById } from '../../db/queries/console-staff.js'
import { REGION_CODES, STAFF_ROLES } from '../../vocabulary/staff.js'
import { type Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv } from './env.js'
import { field, formText } from './forms.js'
import { csrfField, ROLE_LABEL } from './layout.js'

export type StaffPageDeps = {
  db: Db
  clock: () => Date
  render: RenderPage
  /** PUBLIC_BASE_URL, for the links shown; else the address the request came to. */
  publicBaseUrl?: string | undefined
}

type FieldName = 'name' | 'email' | 'role' | 'region'
type Errors = Partial<Record<FieldName, string>>

const PROBLEM: Record<StaffProblem, { field: FieldName; text: string }> = {
  NAME_MISSING: { field: 'name', text: 'Isi nama (paling panjang 200 karakter).' },
  EMAIL_INVALID: { field: 'email', text: 'Isi alamat e-mail yang benar, mis. nama@kemensos.go.id.' },
  EMAIL_TAKEN: { field: 'email', text: 'E-mail ini sudah dipakai akun lain.' },
  ROLE_INVALID: { field: 'role', text: 'Pilih peran.' },
  REGION_REQUIRED: { field: 'region', text: 'Petugas wilayah perlu wilayah R1–R6.' },
  REGION_NOT_ALLOWED: { field: 'region', text: 'Wilayah hanya untuk petugas wilayah; kosongkan.' },
  REGION_INVALID: { field: 'region', text: 'Wilayah harus R1 sampai R6.' },
}

const SELF_REFUSED =
  'Anda tidak dapat mengubah peran, menonaktifkan atau menyetel ulang akun Anda sendiri: Anda bisa terkunci dari konsol (dan konsol kehilangan admin). Minta admin lain, atau pakai CLI.'

type View = {
  notice?: Html
  alert?: string
  invite?: { values: Record<FieldName, string>; errors: Errors }
  row?: { id: number; values: { role: string; region: string }; errors: Errors }
}

/** The Staf routes, to mount under /admin behind the session guard and `requireRole('admin')`. */
export function staffRoutes(deps: StaffPageDeps) {
  const app = new Hono<ConsoleEnv>()
  const render = async (c: Context<ConsoleEnv>, view: View, status: 200 | 403 | 404 | 422 = 200) =>
    c.html(deps.render(c, { title: 'Staf', active: 'staf', body: await staffBody(c, deps.db, view) }), status)
  const actor = (c: Context<ConsoleEnv>) => `staff:${c.get('staff').id}`
  const linkOf = (c: Context<ConsoleEnv>, token: string) => setPasswordUrl(deps.publicBaseUrl ?? new URL(c.req.url).origin, token)
  const linkNotice = (text: string, url: string) =>
    html`<div class="notice" role="status"><p>${text}</p>
      <p><label for="tautan">Tautan sekali pakai (berlaku ${LINK_HOURS} jam; salin dan kirim lewat saluran yang aman):</label></p>
      <p><input id="tautan" class="secret" type="text" readonly value="${url}"></p>
      <p>Tautan ini tidak ditampilkan lagi; tautan baru dibuat dengan "Setel ulang".</p></div>`

  /** The account of `:id` and whether it is the signed-in admin's own. */
  const target = async (c: Context<ConsoleEnv>) => {
    const id = Number(c.req.param('id'))
    const account = Number.isSafeInteger(id) ? await staffById(deps.db, id) : undefined
    return { account, self: account?.id === c.get('staff').id }
  }

  app.get('/staf', (c) => render(c, {}))

  app.post('/staf/undang', async (c) => {
    const body = await c.req.parseBody()
    const values = {
      name: formText(body, 'name'),
      email: formText(body, 'email'),
      role: formText(body, 'role'),
      region: formText(body, 'region'),
    }
    const result = await addStaff(deps.db, values, { actor: actor(c), at: deps.clock() })
    if (!result.ok) {
      const problem = result.error.code in PROBLEM ? PROBLEM[result.error.code as StaffProblem] : undefined
      const errors = problem ? { [problem.field]: problem.text } : { email: 'Akun tidak dapat dibuat.' }
      return render(c, { invite: { values, errors } }, 422)
    }
    const url = linkOf(c, result.value.token ?? '')
    return render(c, { notice: linkNotice(`Akun ${values.email.trim().toLowerCase()} dibuat.`, url) })
  })

  app.post('/staf/:id/peran', async (c) => {
    const { account, self } = await target(c)
    if (!account) return render(c, { alert: 'Akun tidak ditemukan.' }, 404)
    if (self) return render(c, { alert: SELF_REFUSED }, 403)
    const body = await c.req.parseBody()
    const values = { role: formText(body, 'role'), region: formText(body, 'region') }
    const result = await changeStaffRole(deps.db, account.email, values, { actor: actor(c), at: deps.clock() })
    if (!result.ok) {
      const problem = result.error.code === 'STAFF_NOT_FOUND' ? undefined : PROBLEM[result.error.code]
      return await render(c, { row: { id: account.id, values, errors: problem ? { [problem.field]: problem.text } : {} } }, 422)
    }
    const now = result.value.region ? `${ROLE_LABEL[result.value.role]} ${result.value.region}` : ROLE_LABEL[result.value.role]
    return await render(c, { notice: html`<p class="notice" role="status">${account.name} sekarang ${now}.</p>` })
  })

  app.post('/staf/:id/nonaktifkan', async (c) => {
    const { account, self } = await target(c)
    if (!account) return render(c, { alert: 'Akun tidak ditemukan.' }, 404)
    if (self) return render(c, { alert: SELF_REFUSED }, 403)
    await disableStaff(deps.db, account.email, { actor: actor(c), at: deps.clock() })
    return await render(c, {
      notice: html`<p class="notice" role="status">Akun ${account.name} dinonaktifkan; semua sesinya berakhir.</p>`,
    })
  })

  app.post('/staf/:id/aktifkan', async (c) => {
    const { account, self } = await target(c)
    if (!account) return render(c, { alert: 'Akun tidak ditemukan.' }, 404)
    if (self) return render(c, { alert: SELF_REFUSED }, 403)
    await enableStaff(deps.db, account.email, { actor: actor(c), at: deps.clock() })
    return await render(c, {
      notice: html`<p class="notice" role="status">Akun ${account.name} aktif lagi: dapat masuk dengan kata sandinya.</p>`,
    })
  })

  app.post('/staf/:id/setel-ulang', async (c) => {
    const { account, self } = await target(c)
    if (!account) return render(c, { alert: 'Akun tidak ditemukan.' }, 404)
    if (self) return render(c, { alert: SELF_REFUSED }, 403)
    const body = await c.req.parseBody()
    const twoFactor = formText(body, 'two_factor') === 'off'
    const result = await resetStaff(deps.db, account.email, { actor: actor(c), at: deps.clock() }, { twoFactor })
    if (!result.ok) return render(c, { alert: 'Akun ini nonaktif; tidak dapat disetel ulang.' }, 422)
    const cleared = result.value.twoFactorCleared ? ' Verifikasi dua langkahnya dimatikan: ia mendaftarkan aplikasinya lagi.' : ''
    const text = `Akun ${account.name} disetel ulang: ${result.value.sessionsEnded} sesi berakhir, tautan lama tidak berlaku lagi.${cleared}`
    return render(c, { notice: linkNotice(text, linkOf(c, result.value.token)) })
  })

  return app
}

const STATUS_LABEL = { active: 'Aktif', disabled: 'Nonaktif' } as const

async function staffBody(c: Context<ConsoleEnv>, db: Db, view: View): Promise<Html> {
  const csrf = c.get('csrf')
  const me = c.get('staff').id
  const accounts = await listStaff(db)
  const signIns = await lastSignIns(db)
  const invite = view.invite ?? { values: { name: '', email: '', role: 'regional', region: '' }, errors: {} }
  return html`${view.alert && html`<p class="alert" role="alert">${view.alert}</p>`}${view.notice}
    <section aria-labelledby="daftar-staf"><h2 id="daftar-staf">Akun staf</h2>
    ${
      accounts.length === 0
        ? html`<p class="empty">Belum ada akun staf.</p>`
        : html`<div class="table-scroll"><table><caption>Akun staf (waktu WIB)</caption>
      <thead><tr><th scope="col">Nama</th><th scope="col">E-mail</th><th scope="col">Peran</th><th scope="col">Wilayah</th>
        <th scope="col">Status</th><th scope="col">Dua langkah</th><th scope="col">Terakhir masuk</th><th scope="col">Tindakan</th></tr></thead>
      <tbody>${accounts.map((a) => staffRow(a, { csrf, self: a.id === me, lastSignIn: signIns.get(a.id), row: view.row }))}</tbody>
      </table></div>`
    }</section>
    <section aria-labelledby="undang"><h2 id="undang">Undang staf</h2>
    <p>Akun baru menerima tautan sekali pakai (berlaku ${LINK_HOURS} jam) untuk menyetel kata sandinya.</p>
    <form method="post" action="/admin/staf/undang" aria-labelledby="undang">${csrfField(csrf)}
      ${field({ name: 'name', label: 'Nama', value: invite.values.name, error: invite.errors.name, required: true })}
      ${field({ name: 'email', label: 'E-mail', type: 'email', value: invite.values.email, error: invite.errors.email, required: true })}
      ${roleSelect('f-role', invite.values.role, invite.errors.role)}
      ${regionSelect('f-region', invite.values.region, invite.errors.region)}
      <p><button type="submit">Undang</button></p>
    </form></section>`
}

function roleSelect(id: string, chosen: string, error: string | undefined): Html {
  return html`<div class="field"><label for="${id}">Peran</label>
    <select id="${id}" name="role"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
    ${STAFF_ROLES.map((r) => html`<option value="${r}"${r === chosen ? html` selected` : ''}>${ROLE_LABEL[r]}</option>`)}
    </select>${error && html`<span class="error" id="${id}-error">${error}</span>`}</div>`
}

function regionSelect(id: string, chosen: string, error: string | undefined): Html {
  return html`<div class="field"><label for="${id}">Wilayah</label>
    <span class="hint" id="${id}-hint">Hanya untuk petugas wilayah.</span>
    <select id="${id}" name="region" aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}"${error ? html` aria-invalid="true"` : ''}>
    <option value="">—</option>
    ${REGION_CODES.map((r) => html`<option value="${r}"${r === chosen ? html` selected` : ''}>${r}</option>`)}
    </select>${error && html`<span class="error" id="${id}-error">${error}</span>`}</div>`
}

function staffRow(a: StaffRow, options: { csrf: string; self: boolean; lastSignIn: Date | undefined; row: View['row'] }): Html {
  const status = a.status === 'active' && !a.passwordHash ? 'Aktif (belum menyetel sandi)' : STATUS_LABEL[a.status]
  const cells = html`<td>${a.name}</td><td>${a.email}</td><td>${ROLE_LABEL[a.role]}</td><td>${a.region ?? '—'}</td>
    <td>${status}</td><td>${a.totpEnabledAt ? 'aktif' : 'mati'}</td>
    <td>${options.lastSignIn ? formatLocalDateTime(options.lastSignIn, 'Asia/Jakarta') : 'belum pernah'}</td>`
  const tokens = html`<a href="/admin/staf/${a.id}/token">Token API</a>`
  if (options.self) return html`<tr>${cells}<td>Akun Anda: peran dan status tidak dapat Anda ubah sendiri. ${tokens}</td></tr>`
  if (a.status !== 'active')
    return html`<tr>${cells}<td class="actions">
    <form method="post" action="/admin/staf/${a.id}/aktifkan">${csrfField(options.csrf)}<button type="submit">Aktifkan lagi</button></form>
    <p>${tokens}</p></td></tr>`
  const mine = options.row?.id === a.id ? options.row : undefined
  const prefix = `s${a.id}`
  return html`<tr>${cells}<td class="actions">
    <form method="post" action="/admin/staf/${a.id}/peran" aria-label="Ubah peran ${a.name}">${csrfField(options.csrf)}
      ${roleSelect(`${prefix}-role`, mine?.values.role ?? a.role, mine?.errors.role)}
      ${regionSelect(`${prefix}-region`, mine?.values.region ?? a.region ?? '', mine?.errors.region)}
      <button type="submit">Ubah peran</button></form>
    <form method="post" action="/admin/staf/${a.id}/setel-ulang" aria-label="Setel ulang ${a.name}">${csrfField(options.csrf)}
      ${
        a.totpEnabledAt
          ? html`<p class="check"><input type="checkbox" id="${prefix}-2fa" name="two_factor" value="off">
      <label for="${prefix}-2fa">Matikan juga verifikasi dua langkah (aplikasi hilang)</label></p>`
          : ''
      }<button type="submit">Setel ulang</button></form>
    <form method="post" action="/admin/staf/${a.id}/nonaktifkan">${csrfField(options.csrf)}<button type="submit">Nonaktifkan</button></form>
    <p>${tokens}</p>
  </td></tr>`
}
