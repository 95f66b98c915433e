/**
 * /admin/dua-langkah: two-factor (TOTP) for the signed-in staff member. Until it is on, the page
 * shows the secret as a QR (SVG, drawn here: the CSP allows no script), as an otpauth:// address
 * and as text to type, and asks for a code to confirm. In production an admin is sent here until
 * it is on (see requireSession).
 */
import { type Context, Hono } from 'hono'
import type { Logger } from 'pino'
import { confirmEnrolment, enrolment } from '../../core/console/two-factor.js'
import type { SecretBox } from '../../core/privacy/data-key.js'
import { formatLocalDateTime } from '../../core/regions.js'
import type { Db } from '../../db/client.js'
import type { StaffRole } from '../../vocabulary/staff.js'
import { Html, html } from '../html.js'
import type { ConsoleEnv } from './env.js'
import { field, formText } from './forms.js'
import { consoleLayout, csrfField } from './layout.js'

export type TwoFactorPageDeps = { db: Db; clock: () => Date; logger: Logger; totpBox: SecretBox; required: boolean }

/**
 * The ways to one's own API tokens (api-tokens-page.ts) and to the Telegram account linked for the
 * staff group (telegram-link-page.ts), on this page of the account's security.
 */
const accountLinks = (role: StaffRole) => html`<h2>Token API</h2>
<p>Skrip dan aplikasi lain memakai token API atas nama Anda: <a href="/admin/token-api">kelola token API Anda</a>.</p>
${
  role === 'viewer'
    ? ''
    : html`<h2>Telegram</h2>
<p>Menjawab percakapan dari grup staf Telegram: <a href="/admin/tautkan-telegram">tautkan akun Telegram Anda</a>.</p>`
}`

/** The secret in groups of four, as apps show it and people type it. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ')

export function twoFactorPage(deps: TwoFactorPageDeps) {
  const app = new Hono<ConsoleEnv>()

  const show = async (c: Context<ConsoleEnv>, error?: string) => {
    const staff = c.get('staff')
    const state = await enrolment(deps.db, deps.totpBox, staff.id, deps.clock())
    if (state.enabledAt) {
      const body = html`<p class="notice" role="status">Verifikasi dua langkah aktif sejak ${formatLocalDateTime(state.enabledAt, 'Asia/Jakarta')} WIB.
Setiap kali masuk, isi kode dari aplikasi autentikator Anda.</p>
<p>Ponsel hilang atau ganti? Minta admin pusat menyetel ulang akun Anda.</p>
${accountLinks(staff.role)}`
      return c.html(consoleLayout(c, { title: 'Verifikasi dua langkah', active: '', body }))
    }
    // qrcode is loaded only here: enrolment happens once per staff member.
    const svg = await (await import('qrcode')).default.toString(state.uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
    const required = deps.required && staff.role === 'admin'
    const body = html`${required && html`<p class="alert" role="alert">Akun admin wajib memakai verifikasi dua langkah sebelum dapat memakai konsol.</p>`}
<ol>
<li>Pasang aplikasi autentikator di ponsel (mis. Google Authenticator, Microsoft Authenticator, FreeOTP).</li>
<li>Pindai kode QR ini, atau ketik kuncinya.</li>
<li>Isi kode 6 angka yang tampil di aplikasi.</li>
</ol>
<div class="qr" role="img" aria-label="Kode QR untuk aplikasi autentikator">${new Html(svg)}</div>
<p>Kunci: <span class="secret">${grouped(state.secret)}</span></p>
<p><small>Alamat untuk aplikasi: <code>${state.uri}</code></small></p>
<form method="post" action="/admin/dua-langkah" novalidate>
${csrfField(c.get('csrf'))}
${field({ name: 'otp', label: 'Kode dari aplikasi', error, autocomplete: 'one-time-code', inputmode: 'numeric', required: true })}
<button type="submit">Aktifkan</button>
</form>
${accountLinks(staff.role)}`
    return c.html(consoleLayout(c, { title: 'Verifikasi dua langkah', active: '', body }), error ? 400 : 200)
  }

  app.get('/dua-langkah', (c) => show(c))

  app.post('/dua-langkah', async (c) => {
    const staff = c.get('staff')
    const code = formText(await c.req.parseBody(), 'otp')
    const result = await confirmEnrolment(deps.db, deps.totpBox, staff.id, code, deps.clock())
    if (!result.ok) return show(c, 'Kode salah. Isi kode 6 angka yang sedang tampil di aplikasi (berganti setiap 30 detik).')
    deps.logger.info({ staffId: staff.id }, 'console: two-factor enrolled')
    return c.redirect('/admin', 303)
  })

  return app
}
