/**
 * The console's gate: the session cookie (HttpOnly, SameSite=Lax, Path=/; `Secure` and the
 * `__Host-` prefix in production), the signed-in staff member put on the request, every form post
 * checked for its session's CSRF token, an admin without two-factor in production sent to enrol
 * it, and `requireRole` for pages of some roles only.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { type ConsoleSessions, csrfMatches } from '../../core/console/sessions.js'
import type { StaffRole } from '../../vocabulary/staff.js'
import { html } from '../html.js'
import type { ConsoleEnv } from './env.js'
import { csrfRefused, formText } from './forms.js'
import { consoleLayout } from './layout.js'

/** Where an admin without two-factor is sent (in production) until it is on. */
export const TWO_FACTOR_PATH = '/admin/dua-langkah'
export const SIGN_OUT_PATH = '/admin/keluar'

export function sessionCookie(production: boolean) {
  const name = production ? '__Host-kesos_console' : 'kesos_console'
  return {
    name,
    read: (c: Context) => getCookie(c, name),
    set: (c: Context, id: string) => setCookie(c, name, id, { httpOnly: true, sameSite: 'Lax', path: '/', secure: production }),
    clear: (c: Context) => deleteCookie(c, name, { path: '/', secure: production }),
  }
}

export type SessionCookie = ReturnType<typeof sessionCookie>

const UNSAFE = /^(POST|PUT|PATCH|DELETE)$/

/**
 * Lets through a request with a live session (staff and CSRF token on `c`); without one, a page
 * request goes to the sign-in page with `next` (its own path), anything else gets 401.
 */
export function requireSession(deps: {
  sessions: ConsoleSessions
  cookie: SessionCookie
  /** Whether `admin` accounts must have two-factor on (production). */
  adminTwoFactor: boolean
}): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    c.header('Cache-Control', 'no-store')
    const id = deps.cookie.read(c)
    const session = await deps.sessions.read(id)
    if (!session || !id) {
      if (id) deps.cookie.clear(c)
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return c.redirect('/admin/login', 303)
      const url = new URL(c.req.url)
      return c.redirect(`/admin/login?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`, 303)
    }
    if (UNSAFE.test(c.req.method)) {
      const body = await c.req.parseBody()
      if (!csrfMatches(id, formText(body, '_csrf'))) return csrfRefused(c)
    }
    const { staff } = session
    c.set('staff', { id: staff.id, name: staff.name, email: staff.email, role: staff.role, region: staff.region })
    c.set('csrf', session.csrf)
    if (deps.adminTwoFactor && staff.role === 'admin' && !staff.totpEnabledAt) {
      if (c.req.path !== TWO_FACTOR_PATH && c.req.path !== SIGN_OUT_PATH) return c.redirect(TWO_FACTOR_PATH, 303)
    }
    await next()
  }
}

/** Only for `roles`: anyone else gets a 403 page. */
export function requireRole(...roles: StaffRole[]): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (!roles.includes(c.get('staff').role)) {
      const body = html`<p class="alert" role="alert">Halaman ini tidak tersedia untuk peran Anda.</p><p><a href="/admin">Kembali ke Beranda</a></p>`
      return c.html(consoleLayout(c, { title: 'Tidak diizinkan', active: '', body }), 403)
    }
    await next()
  }
}
