/** /admin: "Beranda", for now a welcome and what the console has (the dashboard replaces its body). */
import { Hono } from 'hono'
import { html } from '../html.js'
import type { ConsoleEnv } from './env.js'
import { CONSOLE_PAGES, consoleLayout, roleAndRegion } from './layout.js'

export function homePage() {
  const app = new Hono<ConsoleEnv>()
  app.get('/', (c) => {
    const staff = c.get('staff')
    const pages = CONSOLE_PAGES.filter((page) => page.id !== 'beranda' && page.roles.includes(staff.role))
    const body = html`<p>Selamat datang, ${staff.name}. Anda masuk sebagai <strong>${roleAndRegion(staff)}</strong>.</p>
${
  pages.length > 0
    ? html`<h2>Di konsol ini</h2><ul class="cards">${pages.map((page) => html`<li><a href="${page.href}">${page.label}</a></li>`)}</ul>`
    : html`<p>Halaman lain konsol sedang disiapkan.</p>`
}
<h2>Akun Anda</h2>
<ul><li><a href="/admin/dua-langkah">Verifikasi dua langkah</a></li></ul>`
    return c.html(consoleLayout(c, { title: 'Beranda', active: 'beranda', body }))
  })
  return app
}
