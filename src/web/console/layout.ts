/**
 * The console's page frame: Indonesian, one `h1` (the title), the menu of the pages that exist for
 * the staff member's role (Percakapan with the count of handoffs waiting in their scope), their
 * name and the sign-out form, the stylesheet and the one script from this origin (the CSP allows no
 * inline style or script). Page bodies are built with the escaping `html` of
 * src/web/html.ts; routes answer `c.html(consoleLayout(c, { title, active, body }))`.
 */
import type { Context } from 'hono'
import type { StaffRole } from '../../vocabulary/staff.js'
import { Html, html, type Markup } from '../html.js'
import { consoleScript, consoleStylesheet } from '../static.js'
import type { ConsoleEnv, Staff } from './env.js'

/** A page of the console's menu; `roles` are the roles it is shown to (and that its route lets in). */
export type ConsolePage = { id: string; href: string; label: string; roles: readonly StaffRole[] }

const EVERYONE: readonly StaffRole[] = ['admin', 'regional', 'viewer']

/** The menu, in order. A new page adds its entry here. */
export const CONSOLE_PAGES: readonly ConsolePage[] = [
  { id: 'beranda', href: '/admin', label: 'Beranda', roles: EVERYONE },
  { id: 'sesi', href: '/admin/sesi', label: 'Sesi Bimtek', roles: EVERYONE },
  { id: 'peserta', href: '/admin/peserta', label: 'Peserta', roles: EVERYONE },
  { id: 'percakapan', href: '/admin/percakapan', label: 'Percakapan', roles: EVERYONE },
  { id: 'ujian', href: '/admin/ujian', label: 'Ujian', roles: EVERYONE },
  { id: 'sertifikat', href: '/admin/sertifikat', label: 'Sertifikat', roles: EVERYONE },
  { id: 'impor', href: '/admin/impor', label: 'Impor data', roles: ['admin', 'regional'] },
  { id: 'pengingat', href: '/admin/pengingat', label: 'Pengingat', roles: EVERYONE },
  { id: 'pengumuman', href: '/admin/pengumuman', label: 'Pengumuman', roles: EVERYONE },
  { id: 'audit', href: '/admin/audit', label: 'Log audit', roles: ['admin'] },
  { id: 'staf', href: '/admin/staf', label: 'Staf', roles: ['admin'] },
  { id: 'whatsapp', href: '/admin/whatsapp', label: 'WhatsApp', roles: ['admin'] },
]

export const ROLE_LABEL: Record<StaffRole, string> = { admin: 'Admin pusat', regional: 'Petugas wilayah', viewer: 'Pemantau' }

/** "Petugas wilayah R3", "Admin pusat". */
export const roleAndRegion = (staff: Pick<Staff, 'role' | 'region'>) =>
  staff.region ? `${ROLE_LABEL[staff.role]} ${staff.region}` : ROLE_LABEL[staff.role]

/** The hidden CSRF field every console form carries. */
export const csrfField = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`

export type LayoutOptions = {
  /** The page's one `h1`, also in the window title. */
  title: string
  /** The id of the menu entry to mark as current (see CONSOLE_PAGES). */
  active: string
  body: Markup
}

/** The whole page for a signed-in staff member, as HTML text. */
export function consoleLayout(c: Context<ConsoleEnv>, options: LayoutOptions): string {
  const staff = c.get('staff')
  const pages = CONSOLE_PAGES.filter((page) => page.roles.includes(staff.role))
  const waiting = c.get('waitingHandoffs') ?? 0
  const badge = (id: string) =>
    id === 'percakapan' && waiting > 0
      ? html` <span class="badge" title="${waiting} menunggu petugas"><span class="visually-hidden">(</span>${waiting}<span class="visually-hidden"> menunggu)</span></span>`
      : ''
  const menu = html`<nav class="menu" aria-label="Menu konsol"><ul>${pages.map(
    (page) =>
      html`<li><a href="${page.href}"${page.id === options.active ? new Html(' aria-current="page"') : ''}>${page.label}${badge(page.id)}</a></li>`,
  )}</ul></nav>`
  const who = html`<div class="who">
<span class="who-name">${staff.name}</span> <span class="who-role">${roleAndRegion(staff)}</span>
<a href="/admin/dua-langkah">Keamanan akun</a>
<form method="post" action="/admin/keluar">${csrfField(c.get('csrf'))}<button type="submit" class="link">Keluar</button></form>
</div>`
  return page(
    options.title,
    html`<header class="top"><a class="brand" href="/admin">Konsol Sekretariat</a>${who}${menu}</header>
<main id="isi"><h1>${options.title}</h1>${options.body}</main>`,
    html`<script src="${consoleScript().href}" defer></script>`,
  )
}

/** A page for someone not signed in (sign-in, set password): no menu. */
export function publicLayout(title: string, body: Markup): string {
  return page(
    title,
    html`<header class="top"><span class="brand">Konsol Sekretariat</span></header>
<main id="isi" class="narrow"><h1>${title}</h1>${body}</main>`,
  )
}

function page(title: string, content: Html, script: Html | '' = ''): string {
  return `<!doctype html>${html`<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Konsol Sekretariat Sertifikasi SDM Kesos</title>
<link rel="stylesheet" href="${consoleStylesheet().href}">
${script}</head>
<body><a class="skip" href="#isi">Langsung ke isi</a>${content}</body>
</html>`}`
}
