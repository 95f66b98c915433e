/**
 * What the console's forms share: a labelled field with its hint and its error right beside it
 * (tied by aria-describedby), the CSRF checks, and where to go after signing in.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { csrf } from 'hono/csrf'
import { HTTPException } from 'hono/http-exception'
import { newToken } from '../../core/console/credentials.js'
import { Html, html } from '../html.js'
import { publicLayout } from './layout.js'

export type FieldOptions = {
  name: string
  label: string
  type?: 'text' | 'email' | 'password' | 'date'
  value?: string
  error?: string | undefined
  hint?: string
  autocomplete?: string
  inputmode?: 'numeric'
  required?: boolean
}

/** A labelled input with its hint and error beside it. */
export function field(options: FieldOptions): Html {
  const id = `f-${options.name}`
  const described = [options.hint && `${id}-hint`, options.error && `${id}-error`].filter(Boolean).join(' ')
  const attributes = [
    options.autocomplete && html` autocomplete="${options.autocomplete}"`,
    options.inputmode && html` inputmode="${options.inputmode}"`,
    options.required && new Html(' required'),
    options.error && new Html(' aria-invalid="true"'),
    described && html` aria-describedby="${described}"`,
    options.value !== undefined && options.type !== 'password' && html` value="${options.value}"`,
  ]
  return html`<div class="field">
<label for="${id}">${options.label}</label>
${options.hint && html`<span class="hint" id="${id}-hint">${options.hint}</span>`}
<input id="${id}" name="${options.name}" type="${options.type ?? 'text'}"${attributes}>
${options.error && html`<span class="error" id="${id}-error">${options.error}</span>`}
</div>`
}

/** A string field of a parsed form body ('' when absent or a file). */
export const formText = (body: Record<string, unknown>, name: string): string => {
  const value = body[name]
  return typeof value === 'string' ? value : ''
}

const REFUSED = 'Formulir ditolak'

/** The page for a form post without its CSRF token (or from another site): 403, nothing done. */
export const csrfRefused = (c: Context) =>
  c.html(
    publicLayout(
      REFUSED,
      html`<p class="alert" role="alert">Formulir ini tidak dapat diterima (token keamanan tidak ada atau tidak cocok). Muat ulang halamannya, lalu kirim lagi.</p>
<p><a href="/admin">Kembali ke konsol</a></p>`,
    ),
    403,
  )

/**
 * Hono's `csrf` check (a form post must come from this origin: Origin or Sec-Fetch-Site), answered
 * with the console's 403 page. `origin`: PUBLIC_BASE_URL's, behind a proxy that ends TLS (the
 * request's own URL is then http://…); else the request's.
 */
export function sameOriginForms(origin: string | undefined): MiddlewareHandler {
  const check = csrf(origin ? { origin } : {})
  return async (c, next) => {
    try {
      await check(c, async () => {})
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403) return csrfRefused(c)
      throw error
    }
    await next()
  }
}

/**
 * The token of the forms shown before signing in (sign-in, set password): the same random value in
 * a cookie and in the form (double submit), since there is no session to tie it to yet.
 */
export function formCookie(production: boolean) {
  const name = production ? '__Host-kesos_console_form' : 'kesos_console_form'
  return {
    /** The token for the form being shown (the cookie's, or a new one set now). */
    issue(c: Context): string {
      const current = getCookie(c, name)
      if (current && /^[A-Za-z0-9_-]{43}$/.test(current)) return current
      const token = newToken()
      setCookie(c, name, token, { httpOnly: true, sameSite: 'Lax', path: '/', secure: production })
      return token
    },
    /** Whether the posted field matches the cookie. */
    matches(c: Context, given: string): boolean {
      const current = getCookie(c, name)
      return Boolean(current && given && current.length === given.length && current === given)
    },
  }
}

/**
 * Where to go after signing in: `next` when it is a path of this site, else the console's home. Read
 * as a browser reads it (WHATWG URL: `//host`, `/\\host`, `https:…` and `javascript:…` lead elsewhere).
 */
export function safeNext(next: string | undefined): string {
  if (!next) return '/admin'
  try {
    const url = new URL(next, 'http://console.invalid')
    if (url.origin !== 'http://console.invalid') return '/admin'
    return `${url.pathname}${url.search}`
  } catch {
    return '/admin'
  }
}
