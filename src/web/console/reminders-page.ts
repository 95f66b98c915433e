/**
 * Pengingat (docs/console.md): the reminders and other messages the assistant sends on its own,
 * with their outcome and its reason, for every role (names masked for `viewer`), scoped in SQL by
 * the person's region: a `regional` account its own, `admin` and `viewer` the region they choose.
 *
 *   GET  /pengingat                  filters (region, status, kind, channel, days in WIB), newest due first, paginated
 *   POST /pengingat/:id/kirim-ulang  a failed message, or one whose outcome is unknown, queued again
 *                                    (src/core/console/resend.ts), not for `viewer`
 *
 * "Unknown" (the server stopped while sending it) is shown apart from failed, with what it means:
 * the person may have the message already, so its resend button carries that warning.
 */
import { type Context, Hono } from 'hono'
import { type ResendProblem, resendMessage, resendProblem } from '../../core/console/resend.js'
import { formatLocalDateTime } from '../../core/regions.js'
import { UNKNOWN_OUTCOME_HELP } from '../../core/reminders/listing.js'
import type { Db } from '../../db/client.js'
import {
  countReminders,
  REMINDER_STATES,
  type ReminderFilter,
  type ReminderRow,
  type ReminderState,
  reminderEntries,
} from '../../db/queries/console-reminders.js'
import { type ConsoleRegion, consoleRegions } from '../../db/queries/console-scope.js'
import { CHANNELS } from '../../vocabulary/message.js'
import { type Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import { readDayRange } from './day-range.js'
import type { ConsoleEnv } from './env.js'
import { csrfField } from './layout.js'
import { pager, queryString } from './pager.js'
import { seesPersonalData, shownName, staffScope } from './scope.js'

export const PAGE_SIZE = 50

export type RemindersPageDeps = { db: Db; clock: () => Date; render: RenderPage }

const STATE_LABEL: Record<ReminderState, string> = {
  planned: 'Terjadwal',
  sent: 'Terkirim',
  failed: 'Gagal',
  unknown: 'Tidak diketahui',
  skipped: 'Dilewati',
  cancelled: 'Dibatalkan',
}

const STATUS_LABEL: Record<string, string> = {
  pending: 'terjadwal',
  queued: 'dalam antrean kirim',
  claimed: 'sedang dikirim',
  sent: 'terkirim',
  late: 'terkirim terlambat',
  failed: 'gagal',
  unknown: 'hasil tidak diketahui',
  skipped: 'dilewati',
  cancelled: 'dibatalkan',
}

/** Beside an unknown row's status and its resend button: the short form of UNKNOWN_OUTCOME_HELP. */
const UNKNOWN_NOTE = 'server berhenti saat mengirim; mungkin sudah sampai, tidak dikirim ulang otomatis'
const UNKNOWN_WARNING = 'Mungkin sudah diterima: tanyakan dulu kepada orangnya agar tidak menerima pesan yang sama dua kali.'

/** The kinds of proactive message the assistant sends (others show as they are stored). */
const KIND_LABEL: Record<string, string> = {
  reminder: 'Pengingat',
  seat_offer: 'Tawaran kursi',
  seat_offer_expired: 'Tawaran kursi berakhir',
  status_changed: 'Perubahan tahap',
  identity_code: 'Kode sekali pakai',
  reply: 'Jawaban yang gagal terkirim',
  announcement: 'Pengumuman',
}

const CHANNEL_LABEL: Record<string, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', console: 'Terminal' }

const PROBLEM: Record<ResendProblem, string> = {
  NOT_FOUND: 'Pesan ini tidak ditemukan.',
  NOT_FAILED: 'Hanya pesan yang gagal atau yang hasilnya tidak diketahui yang dapat dikirim ulang.',
  ALREADY_RESENT: 'Pesan ini sudah dikirim ulang.',
  NOT_RESENDABLE: 'Kode sekali pakai dan jawaban chat tidak dikirim ulang: orangnya meminta lagi dari chat.',
  EXPIRED: 'Acaranya sudah dimulai atau lewat: pesan ini tidak berguna lagi.',
}

type Query = { wilayah: string; status: string; kind: string; channel: string; from: string; to: string }
type Filters = { query: Query; filter: ReminderFilter; errors: { from?: string; to?: string } }

function readFilters(c: Context<ConsoleEnv>): Filters {
  const q = (name: keyof Query) => (c.req.query(name) ?? '').trim()
  const query: Query = {
    wilayah: q('wilayah'),
    status: q('status'),
    kind: q('kind'),
    channel: q('channel'),
    from: q('from'),
    to: q('to'),
  }
  const filter: ReminderFilter = {}
  if (query.status in REMINDER_STATES) filter.state = query.status as ReminderState
  if (query.kind) filter.kind = query.kind
  if ((CHANNELS as readonly string[]).includes(query.channel)) filter.channel = query.channel
  const { from, to, errors } = readDayRange(query.from, query.to)
  if (from) filter.from = from
  if (to) filter.to = to
  return { query, filter, errors }
}

const number = (n: number) => n.toLocaleString('id-ID')
const when = (at: Date) => formatLocalDateTime(at, 'Asia/Jakarta')

/** The Pengingat routes, to mount under /admin behind the session guard. */
export function reminderRoutes(deps: RemindersPageDeps) {
  const app = new Hono<ConsoleEnv>()

  app.get('/pengingat', async (c) => {
    const resent = c.req.query('dikirim')
    const notice =
      resent === '1'
        ? 'Pesan diantrekan untuk dikirim ulang.'
        : resent === 'tidak-diketahui'
          ? 'Pesan diantrekan untuk dikirim ulang. Hasil kiriman pertamanya tidak diketahui: bila sudah sampai, orangnya menerima pesan ini dua kali.'
          : undefined
    return c.html(await listPage(c, { notice }))
  })

  app.post('/pengingat/:id/kirim-ulang', async (c) => {
    const staff = c.get('staff')
    if (!seesPersonalData(staff)) return c.html(await listPage(c, { alert: 'Peran Anda hanya dapat melihat.' }), 403)
    const raw = c.req.param('id')
    const id = /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined
    const result =
      id === undefined
        ? ({ ok: false, error: { code: 'NOT_FOUND' } } as const)
        : await resendMessage(deps.db, {
            id,
            scope: await staffScope(deps.db, staff),
            actor: `staff:${staff.id}`,
            now: deps.clock(),
          })
    if (!result.ok) {
      return c.html(await listPage(c, { alert: PROBLEM[result.error.code] }), result.error.code === 'NOT_FOUND' ? 404 : 409)
    }
    return c.redirect(`/admin/pengingat?dikirim=${result.value.was === 'unknown' ? 'tidak-diketahui' : '1'}`, 303)
  })

  async function listPage(c: Context<ConsoleEnv>, view: { notice?: string | undefined; alert?: string }): Promise<string> {
    const staff = c.get('staff')
    const regions = await consoleRegions(deps.db)
    const filters = readFilters(c)
    // `admin` and `viewer` may choose a region; a `regional` account always sees its own.
    const scope =
      staff.role === 'regional'
        ? await staffScope(deps.db, staff, regions)
        : (regions.find((r) => r.code === filters.query.wilayah) ?? null)
    if (staff.role === 'regional' || !scope) filters.query.wilayah = ''
    const total = await countReminders(deps.db, scope, filters.filter)
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const asked = Number.parseInt(c.req.query('page') ?? '1', 10)
    const page = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), pages) : 1
    const rows = await reminderEntries(deps.db, scope, filters.filter, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
    const now = deps.clock()
    const canResend = seesPersonalData(staff)
    const body = html`${view.notice && html`<p class="notice" role="status">${view.notice}</p>`}
      ${view.alert && html`<p class="alert" role="alert">${view.alert}</p>`}
      ${scope && html`<p>Wilayah ${scope.code}: pesan untuk orang yang provinsinya di wilayah ini.</p>`}
      ${filterForm(filters, staff.role === 'regional' ? [] : regions)}
      <section aria-labelledby="pesan"><h2 id="pesan">Pesan</h2>
      ${
        rows.length === 0
          ? html`<p class="empty">Tidak ada pesan yang cocok dengan saringan ini.</p>`
          : html`<p>${number(total)} pesan, jadwal terbaru lebih dulu. Halaman ${number(page)} dari ${number(pages)}.</p>
            <div class="table-scroll"><table class="wide"><caption>Pesan keluar (waktu WIB)</caption>
            <thead><tr><th scope="col">Jadwal</th><th scope="col">Status</th><th scope="col">Jenis</th><th scope="col">Kanal</th>
            <th scope="col">Peserta</th><th scope="col">Acara</th><th scope="col">Alasan</th>${canResend && html`<th scope="col">Tindakan</th>`}</tr></thead>
            <tbody>${rows.map((row) => rowHtml(c, row, now, canResend))}</tbody></table></div>
            ${rows.some((row) => row.status === 'unknown') && html`<p class="hint" id="arti-tidak-diketahui">${UNKNOWN_OUTCOME_HELP}</p>`}
            ${pager('Halaman pesan', page, pages, (n) => `/admin/pengingat?${queryString(filters.query, n)}`)}`
      }</section>`
    return deps.render(c, { title: 'Pengingat', active: 'pengingat', body })
  }

  function rowHtml(c: Context<ConsoleEnv>, row: ReminderRow, now: Date, canResend: boolean): Html {
    const staff = c.get('staff')
    const problem = resendProblem(row, now)
    const unknown = row.status === 'unknown'
    const warning = `peringatan-${row.id}`
    const action =
      problem === 'NOT_FAILED'
        ? ''
        : problem
          ? html`<small>${row.resentAs !== null ? 'Sudah dikirim ulang' : 'Tidak dapat dikirim ulang'}</small>`
          : html`<form method="post" action="/admin/pengingat/${String(row.id)}/kirim-ulang">${csrfField(c.get('csrf'))}
              <button type="submit"${unknown ? html` aria-describedby="${warning}"` : ''}>Kirim ulang</button>
              ${unknown && html`<small class="warning" id="${warning}">${UNKNOWN_WARNING}</small>`}</form>`
    return html`<tr><td>${when(row.dueAt)}${row.sentAt && html`<br><small>terkirim ${when(row.sentAt)}</small>`}</td>
      <td>${STATUS_LABEL[row.status] ?? row.status}${row.attempts > 1 && html` <small>(${String(row.attempts)} kali dicoba)</small>`}${
        unknown && html`<br><small><a href="#arti-tidak-diketahui">${UNKNOWN_NOTE}</a></small>`
      }</td>
      <td>${KIND_LABEL[row.kind] ?? row.kind}</td><td>${CHANNEL_LABEL[row.channel] ?? row.channel}</td>
      <td>${row.personName ? shownName(staff, row.personName) : '–'}</td>
      <td>${row.eventKey ? html`<code>${row.eventKey}</code>${row.label && html` <small>${row.label}</small>`}` : '–'}</td>
      <td>${row.lastError ?? ''}</td>${canResend && html`<td>${action}</td>`}</tr>`
  }

  return app
}

function select(id: keyof Query, label: string, all: string, options: Record<string, string>, chosen: string): Html {
  return html`<p class="field"><label for="${id}">${label}</label>
    <select id="${id}" name="${id}"><option value="">${all}</option>
    ${Object.entries(options).map(([value, text]) => html`<option value="${value}"${value === chosen ? html` selected` : ''}>${text}</option>`)}
    </select></p>`
}

function filterForm(filters: Filters, regions: readonly ConsoleRegion[]): Html {
  const { query, errors } = filters
  const regionOptions = Object.fromEntries(regions.map((r) => [r.code, `${r.code} · ${r.name}`]))
  const dateField = (id: 'from' | 'to', label: string) => {
    const error = errors[id]
    return html`<p class="field"><label for="${id}">${label}</label>
      <input type="date" id="${id}" name="${id}" value="${query[id]}"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
      ${error && html`<span class="field-error" id="${id}-error">${error}</span>`}</p>`
  }
  const kinds = query.kind && !(query.kind in KIND_LABEL) ? { ...KIND_LABEL, [query.kind]: query.kind } : KIND_LABEL
  return html`<form class="filters" method="get" action="/admin/pengingat" aria-label="Saring pesan">
    ${regions.length > 0 && select('wilayah', 'Wilayah', 'Semua wilayah', regionOptions, query.wilayah)}
    ${select('status', 'Status', 'Semua status', STATE_LABEL, query.status)}
    ${select('kind', 'Jenis', 'Semua jenis', kinds, query.kind)}
    ${select('channel', 'Kanal', 'Semua kanal', CHANNEL_LABEL, query.channel)}
    ${dateField('from', 'Jadwal dari (WIB)')}${dateField('to', 'Jadwal sampai (WIB)')}
    <p class="field"><button type="submit">Tampilkan</button></p></form>`
}
