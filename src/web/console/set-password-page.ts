/**
 * /admin/setel-sandi?token=…: the page of a one-time link (an invitation, a reset, or the first
 * admin's, which also asks for the name and e-mail). The password rules are stated on the page;
 * once set, the link is used up and the staff member is signed in (or, with two-factor on, sent
 * to sign in with a code).
 */
import { Hono } from 'hono'
import type { Logger } from 'pino'
import { MIN_PASSWORD_LENGTH } from '../../core/console/credentials.js'
import type { ConsoleSessions } from '../../core/console/sessions.js'
import { type OpenLink, openLink, type SetPasswordProblem, setPasswordWithLink } from '../../core/console/staff-accounts.js'
import type { Db } from '../../db/client.js'
import { staffById } from '../../db/queries/console-staff.js'
import { html } from '../html.js'
import type { ConsoleEnv } from './env.js'
import { csrfRefused, field, formCookie, formText } from './forms.js'
import type { SessionCookie } from './guard.js'
import { publicLayout } from './layout.js'

export type SetPasswordPageDeps = {
  db: Db
  clock: () => Date
  logger: Logger
  sessions: ConsoleSessions
  cookie: SessionCookie
  production: boolean
}

type FieldName = 'name' | 'email' | 'password' | 'confirm'

const PROBLEM: Record<Exclude<SetPasswordProblem, 'LINK_INVALID'>, { field: FieldName; text: string }> = {
  PASSWORD_TOO_SHORT: { field: 'password', text: `Kata sandi minimal ${MIN_PASSWORD_LENGTH} karakter.` },
  PASSWORD_IS_EMAIL: { field: 'password', text: 'Kata sandi tidak boleh sama dengan alamat e-mail.' },
  PASSWORD_MISMATCH: { field: 'confirm', text: 'Ketik kata sandi yang sama dua kali.' },
  NAME_MISSING: { field: 'name', text: 'Isi nama Anda.' },
  EMAIL_INVALID: { field: 'email', text: 'Isi alamat e-mail yang benar, mis. nama@kemensos.go.id.' },
  EMAIL_TAKEN: { field: 'email', text: 'E-mail ini sudah dipakai akun lain.' },
  ROLE_INVALID: { field: 'name', text: 'Peran tidak dikenal.' },
  REGION_REQUIRED: { field: 'name', text: 'Wilayah wajib untuk petugas wilayah.' },
  REGION_NOT_ALLOWED: { field: 'name', text: 'Wilayah hanya untuk petugas wilayah.' },
  REGION_INVALID: { field: 'name', text: 'Wilayah harus R1 sampai R6.' },
}

const invalidLink = () =>
  publicLayout(
    'Tautan tidak berlaku',
    html`<p class="alert" role="alert">Tautan ini sudah dipakai, sudah kedaluwarsa, atau tidak dikenal.</p>
<p>Minta tautan baru kepada admin pusat (<code>npm run cli -- staff reset EMAIL</code>).</p>`,
  )

function form(
  token: string,
  csrf: string,
  link: OpenLink,
  values: { name?: string; email?: string },
  errors: Partial<Record<FieldName, string>>,
) {
  const first = link.staff === null
  return publicLayout(
    first ? 'Buat akun admin pertama' : 'Setel kata sandi',
    html`${
      first
        ? html`<p>Belum ada akun staf. Isi data Anda untuk menjadi admin pusat pertama.</p>`
        : html`<p>Akun: <strong>${link.staff?.name}</strong> (${link.staff?.email})</p>`
    }
<form method="post" action="/admin/setel-sandi" novalidate>
<input type="hidden" name="_csrf" value="${csrf}">
<input type="hidden" name="token" value="${token}">
${first && field({ name: 'name', label: 'Nama', value: values.name ?? '', error: errors.name, autocomplete: 'name', required: true })}
${
  first &&
  field({
    name: 'email',
    label: 'E-mail',
    type: 'email',
    value: values.email ?? '',
    error: errors.email,
    autocomplete: 'username',
    required: true,
  })
}
${field({
  name: 'password',
  label: 'Kata sandi baru',
  type: 'password',
  hint: `Minimal ${MIN_PASSWORD_LENGTH} karakter, tidak sama dengan alamat e-mail. Frasa beberapa kata mudah diingat dan sulit ditebak.`,
  error: errors.password,
  autocomplete: 'new-password',
  required: true,
})}
${field({ name: 'confirm', label: 'Ulangi kata sandi', type: 'password', error: errors.confirm, autocomplete: 'new-password', required: true })}
<button type="submit">Simpan dan masuk</button>
</form>`,
  )
}

export function setPasswordPage(deps: SetPasswordPageDeps) {
  const app = new Hono<ConsoleEnv>()
  const formToken = formCookie(deps.production)

  app.get('/setel-sandi', async (c) => {
    c.header('Cache-Control', 'no-store')
    const token = c.req.query('token') ?? ''
    const link = token ? await openLink(deps.db, token, deps.clock()) : undefined
    if (!link) return c.html(invalidLink(), 404)
    return c.html(form(token, formToken.issue(c), link, {}, {}))
  })

  app.post('/setel-sandi', async (c) => {
    c.header('Cache-Control', 'no-store')
    const body = await c.req.parseBody()
    if (!formToken.matches(c, formText(body, '_csrf'))) return csrfRefused(c)
    const token = formText(body, 'token')
    const at = deps.clock()
    const link = token ? await openLink(deps.db, token, at) : undefined
    if (!link) return c.html(invalidLink(), 404)
    const values = { name: formText(body, 'name'), email: formText(body, 'email') }
    const result = await setPasswordWithLink(
      deps.db,
      token,
      { password: formText(body, 'password'), confirm: formText(body, 'confirm'), ...values },
      at,
    )
    if (!result.ok) {
      if (result.error.code === 'LINK_INVALID') return c.html(invalidLink(), 404)
      const problem = PROBLEM[result.error.code]
      return c.html(form(token, formToken.issue(c), link, values, { [problem.field]: problem.text }), 400)
    }
    deps.logger.info({ staffId: result.value.staffId, via: link.purpose }, 'console: password set through a one-time link')
    // With two-factor on, a link alone must not sign in: the code is asked at sign-in.
    if ((await staffById(deps.db, result.value.staffId))?.totpEnabledAt) return c.redirect('/admin/login?sandi=1', 303)
    deps.cookie.set(c, await deps.sessions.start(result.value.staffId, deps.cookie.read(c)))
    return c.redirect('/admin', 303)
  })

  return app
}
