/**
 * /admin/login: the sign-in form (e-mail, password, and the code of the authenticator app when the
 * account has two-factor on), and /admin/keluar: signing out. An unknown e-mail and a wrong
 * password get the same answer; too many failures get 429 with when to try again. Failures are
 * logged with the client address and the reason, never with what was typed.
 */
import { Hono } from 'hono'
import type { Logger } from 'pino'
import type { ConsoleSessions } from '../../core/console/sessions.js'
import type { SignIn, SignInProblem } from '../../core/console/sign-in.js'
import type { Db } from '../../db/client.js'
import { auditStaff } from '../../db/queries/console-staff.js'
import { html } from '../html.js'
import { clientAddress, type TrustedProxy } from '../rate-limit.js'
import type { ConsoleEnv } from './env.js'
import { csrfRefused, field, formCookie, formText, safeNext } from './forms.js'
import type { SessionCookie } from './guard.js'
import { publicLayout } from './layout.js'

export type SignInPageDeps = {
  db: Db
  clock: () => Date
  logger: Logger
  signIn: SignIn
  sessions: ConsoleSessions
  cookie: SessionCookie
  production: boolean
  proxy?: TrustedProxy | undefined
}

type FormState = {
  email?: string
  next?: string
  errors?: Partial<Record<'email' | 'password' | 'otp', string>>
  alert?: string
  notice?: string
}

const PROBLEM_TEXT: Record<Exclude<SignInProblem, 'THROTTLED'>, { field: 'password' | 'otp'; text: string }> = {
  WRONG_CREDENTIALS: { field: 'password', text: 'E-mail atau kata sandi salah.' },
  OTP_REQUIRED: { field: 'otp', text: 'Akun ini memakai verifikasi dua langkah: isi kode 6 angka dari aplikasi autentikator.' },
  OTP_WRONG: { field: 'otp', text: 'Kode verifikasi salah atau sudah dipakai. Isi kode yang sedang tampil di aplikasi.' },
}

function form(token: string, state: FormState) {
  const errors = state.errors ?? {}
  return publicLayout(
    'Masuk ke konsol',
    html`${state.alert && html`<p class="alert" role="alert">${state.alert}</p>`}
${state.notice && html`<p class="notice" role="status">${state.notice}</p>`}
<form method="post" action="/admin/login" novalidate>
<input type="hidden" name="_csrf" value="${token}">
${state.next && html`<input type="hidden" name="next" value="${state.next}">`}
${field({ name: 'email', label: 'E-mail', type: 'email', value: state.email ?? '', error: errors.email, autocomplete: 'username', required: true })}
${field({ name: 'password', label: 'Kata sandi', type: 'password', error: errors.password, autocomplete: 'current-password', required: true })}
${field({
  name: 'otp',
  label: 'Kode verifikasi dua langkah',
  hint: 'Hanya jika akun Anda memakainya: 6 angka dari aplikasi autentikator.',
  error: errors.otp,
  autocomplete: 'one-time-code',
  inputmode: 'numeric',
})}
<button type="submit">Masuk</button>
</form>
<p><small>Belum punya akun atau lupa kata sandi? Minta tautan dari admin pusat.</small></p>`,
  )
}

/** Rounded up to whole minutes, for people. */
const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60))

export function signInPage(deps: SignInPageDeps) {
  const app = new Hono<ConsoleEnv>()
  const formToken = formCookie(deps.production)

  app.get('/login', async (c) => {
    c.header('Cache-Control', 'no-store')
    if (await deps.sessions.read(deps.cookie.read(c))) return c.redirect(safeNext(c.req.query('next')), 303)
    const next = c.req.query('next')
    const notice = c.req.query('keluar')
      ? 'Anda sudah keluar.'
      : c.req.query('sandi')
        ? 'Kata sandi tersimpan. Silakan masuk.'
        : undefined
    return c.html(form(formToken.issue(c), { ...(next && { next: safeNext(next) }), ...(notice && { notice }) }))
  })

  app.post('/login', async (c) => {
    c.header('Cache-Control', 'no-store')
    const body = await c.req.parseBody()
    if (!formToken.matches(c, formText(body, '_csrf'))) return csrfRefused(c)
    const email = formText(body, 'email').trim()
    const password = formText(body, 'password')
    const next = safeNext(formText(body, 'next'))
    const state: FormState = { email, ...(next !== '/admin' && { next }) }
    const token = formToken.issue(c)
    const missing = {
      ...(!email && { email: 'Isi alamat e-mail Anda.' }),
      ...(!password && { password: 'Isi kata sandi Anda.' }),
    }
    if (missing.email || missing.password) return c.html(form(token, { ...state, errors: missing }), 400)
    const client = clientAddress(c, deps.proxy)
    const result = await deps.signIn.signIn({ email, password, otp: formText(body, 'otp'), client })
    if (!result.ok) {
      if (result.problem === 'THROTTLED') {
        deps.logger.warn({ client }, 'console: sign-in refused, too many failures for this account or address')
        c.header('Retry-After', String(result.retryAfter ?? 60))
        const alert = `Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam ${minutes(result.retryAfter ?? 60)} menit.`
        return c.html(form(token, { ...state, alert }), 429)
      }
      deps.logger.warn({ client, reason: result.reason, staffId: result.staffId }, 'console: sign-in failed')
      const problem = PROBLEM_TEXT[result.problem]
      return c.html(form(token, { ...state, errors: { [problem.field]: problem.text } }), 401)
    }
    const id = await deps.sessions.start(result.staff.id, deps.cookie.read(c))
    deps.cookie.set(c, id)
    deps.logger.info({ staffId: result.staff.id, client }, 'console: signed in')
    return c.redirect(next, 303)
  })

  return app
}

/** POST /admin/keluar (behind the session guard, so its CSRF token is checked): ends the session. */
export function signOutRoute(deps: Pick<SignInPageDeps, 'db' | 'clock' | 'logger' | 'sessions' | 'cookie'>) {
  const app = new Hono<ConsoleEnv>()
  app.post('/keluar', async (c) => {
    const id = deps.cookie.read(c)
    if (id) await deps.sessions.end(id)
    deps.cookie.clear(c)
    const staff = c.get('staff')
    await auditStaff(deps.db, { at: deps.clock(), actor: `staff:${staff.id}`, action: 'staff.signed_out', entityId: staff.id })
    deps.logger.info({ staffId: staff.id }, 'console: signed out')
    return c.redirect('/admin/login?keluar=1', 303)
  })
  return app
}
