/**
 * /admin/whatsapp (console, `admin` only): the WhatsApp connection for the secretariat: its state,
 * the QR to scan (or the pairing code) while the number is not paired, refreshed as Baileys rotates
 * it, and why the connection last closed. /admin/whatsapp/state is the same as JSON.
 */
import { Hono } from 'hono'
import type { ConnectionState } from '../bots/whatsapp/connection.js'
import { formatLocalDateTime } from '../core/regions.js'
import type { ConsoleEnv } from './console/env.js'
import { consoleLayout } from './console/layout.js'
import { Html, html } from './html.js'

export type WhatsAppAdminDeps = {
  /** The live state, or undefined when WhatsApp is switched off. */
  state: () => ConnectionState | undefined
}

const STATUS_TEXT: Record<ConnectionState['status'], string> = {
  stopped: 'Berhenti',
  connecting: 'Menghubungkan…',
  pairing: 'Belum tertaut: tautkan nomor WhatsApp',
  open: 'Terhubung',
  reconnecting: 'Terputus: menghubungkan ulang',
  replaced: 'Dihentikan: sesi ini dibuka di perangkat lain',
  failed: 'Dihentikan: WhatsApp menolak sesi ini',
}

/** Why the connection closed, by Baileys' disconnect code, for the secretariat. */
const REASON_TEXT: Record<number, string> = {
  401: 'nomor dikeluarkan (dilepas dari ponsel atau sesi kedaluwarsa); sesi dihapus, tautkan ulang',
  403: 'ditolak WhatsApp (nomor mungkin diblokir)',
  408: 'koneksi terputus atau habis waktu',
  411: 'ketidakcocokan multi-perangkat; tautkan ulang',
  428: 'koneksi ditutup',
  440: 'sesi dibuka di perangkat atau server lain',
  500: 'sesi tersimpan rusak; tautkan ulang',
  503: 'layanan WhatsApp sedang tidak tersedia',
  515: 'WhatsApp meminta koneksi dimulai ulang (wajar setelah menautkan)',
}

const when = (date: Date) => formatLocalDateTime(date, 'Asia/Jakarta')

export function whatsappAdmin(deps: WhatsAppAdminDeps) {
  const app = new Hono<ConsoleEnv>()

  app.get('/state', (c) => {
    const state = deps.state()
    if (!state) return c.json({ enabled: false, status: 'off' })
    const { qr, ...rest } = state
    return c.json({ enabled: true, ...rest, hasQr: qr !== undefined })
  })

  app.get('/', async (c) => {
    const state = deps.state()
    const waiting = !state || ['connecting', 'pairing', 'reconnecting'].includes(state.status)
    // Reloads itself while the QR rotates (a header: the CSP allows no script).
    c.header('Refresh', String(waiting ? 5 : 30))
    // qrcode is loaded the first time a QR is shown: most starts never pair.
    const qrSvg = state?.qr
      ? await (await import('qrcode')).default.toString(state.qr, { type: 'svg', margin: 2, width: 280 })
      : undefined
    const body = html`${
      state
        ? html`<p class="status ${state.status}" role="status">${STATUS_TEXT[state.status]}</p>
<dl>
<dt>Sejak</dt><dd>${when(state.since)}</dd>
${state.retryAt && html`<dt>Percobaan berikutnya</dt><dd>${when(state.retryAt)}</dd>`}
${
  state.lastDisconnect &&
  html`<dt>Terakhir terputus</dt><dd>${when(state.lastDisconnect.at)}: ${
    (state.lastDisconnect.code !== undefined && REASON_TEXT[state.lastDisconnect.code]) || state.lastDisconnect.reason
  }${state.lastDisconnect.code !== undefined ? ` (kode ${state.lastDisconnect.code})` : ''}</dd>`
}
</dl>
${
  qrSvg &&
  html`<h2>Tautkan nomor</h2>
<p>Di ponsel: WhatsApp → <b>Perangkat tertaut</b> → <b>Tautkan perangkat</b>, lalu pindai kode ini. Kode berganti setiap
sekitar 20 detik; halaman ini memuat ulang sendiri.</p>
<div class="qr" role="img" aria-label="Kode QR untuk menautkan WhatsApp">${new Html(qrSvg)}</div>`
}
${
  state.pairingCode &&
  html`<h2>Tautkan dengan kode</h2>
<p>Di ponsel: WhatsApp → <b>Perangkat tertaut</b> → <b>Tautkan perangkat</b> → <b>Tautkan dengan nomor telepon</b>, lalu masukkan:</p>
<p class="code">${state.pairingCode}</p>`
}
${
  (state.status === 'replaced' || state.status === 'failed') &&
  html`<p>Asisten tidak menyambung ulang sendiri. Periksa alasannya di atas, lalu mulai ulang asisten.</p>`
}`
        : html`<p class="status">Mati. Setel <code>WHATSAPP_ENABLED=true</code> lalu mulai ulang asisten.</p>`
    }
<p><small>Halaman ini memuat ulang setiap ${waiting ? 5 : 30} detik.</small></p>`
    return c.html(consoleLayout(c, { title: 'WhatsApp', active: 'whatsapp', body }))
  })

  return app
}
