/**
 * Beranda, the console's dashboard: the numbers and charts for a region and a range of days.
 *
 *   GET /            the page: a filter form (region, from, to), the numbers, the charts each with
 *                    its table and CSV link, an empty state for what has nothing yet
 *   GET /csv/:chart  one chart's table as CSV (tahapan, pendaftaran, kursi, pengingat, pesan), or
 *                    the handoff measures' table (percakapan)
 *
 * `admin` and `viewer` choose any region or all; a `regional` account always sees its own region,
 * whatever the address asks for. The dashboard shows no personal data, so `viewer` sees it whole.
 */
import { stringify } from 'csv-stringify/sync'
import { type Context, Hono } from 'hono'
import {
  type DashboardData,
  type DayRange,
  dayKey,
  dayNumber,
  loadDashboard,
  MAX_RANGE_DAYS,
  parseDay,
} from '../../core/console/dashboard.js'
import { createWorkingCalendar } from '../../core/handoff/hours.js'
import { DEFAULT_HANDOFF_SETTINGS, type HandoffSettings } from '../../core/handoff/settings.js'
import { UNKNOWN_OUTCOME_HELP } from '../../core/reminders/listing.js'
import type { Db } from '../../db/client.js'
import { type DashboardRegion, dashboardRegions } from '../../db/queries/console-dashboard.js'
import { Html, html } from '../html.js'
import { CHART_IDS, type Chart, type ChartId, type ChartTable, chartTable, dashboardCharts } from './charts.js'
import type { ConsoleEnv, Staff } from './env.js'

/** The console's layout: the whole page around a body (consoleLayout, or a stand-in in tests). */
export type RenderPage = (c: Context<ConsoleEnv>, page: { title: string; active: string; body: Html }) => string

export type DashboardDeps = {
  db: Db
  clock: () => Date
  render: RenderPage
  /** Where the dashboard is mounted, for the links it writes (default /admin). */
  base?: string
  /** The working hours handoff times are measured in (default DEFAULT_HANDOFF_SETTINGS). */
  handoff?: Pick<HandoffSettings, 'hours' | 'closedDates'>
}

/** The CSV of the handoff measures' table (beside the charts' CSV files). */
const HANDOFF_TABLE = 'percakapan'

/** The days shown when none are asked for: the last 30, today included. */
const DEFAULT_DAYS = 30
type Filters = { scope: DashboardRegion | null; range: DayRange; errors: { from?: string; to?: string } }

/** The region and days asked for, within what the staff member may see; bad dates get a reason. */
function readFilters(c: Context<ConsoleEnv>, staff: Staff, regions: DashboardRegion[], now: Date): Filters {
  const asked = staff.role === 'regional' ? staff.region : (c.req.query('region') ?? '')
  // A regional account whose region is not (or no longer) on record sees an empty region, never all.
  const scope =
    staff.role === 'regional'
      ? (regions.find((r) => r.code === asked) ?? { id: -1, code: asked ?? '', name: asked ?? '', provinces: [] })
      : (regions.find((r) => r.code === asked) ?? null)

  const today = dayNumber(now)
  const errors: Filters['errors'] = {}
  const fromText = c.req.query('from') || undefined
  const toText = c.req.query('to') || undefined
  let lastDay = toText === undefined ? today : parseDay(toText)
  if (lastDay === undefined) errors.to = 'Tanggal tidak valid (tttt-bb-hh).'
  let firstDay = fromText === undefined ? (lastDay ?? today) - (DEFAULT_DAYS - 1) : parseDay(fromText)
  if (firstDay === undefined) errors.from = 'Tanggal tidak valid (tttt-bb-hh).'
  if (firstDay !== undefined && lastDay !== undefined) {
    if (firstDay > lastDay) errors.from = '"Dari" harus sebelum atau sama dengan "Sampai".'
    else if (lastDay - firstDay + 1 > MAX_RANGE_DAYS) errors.from = `Rentang paling panjang ${MAX_RANGE_DAYS} hari.`
  }
  if (errors.from || errors.to) {
    lastDay = today
    firstDay = today - (DEFAULT_DAYS - 1)
  }
  return { scope, range: { firstDay: firstDay as number, lastDay: lastDay as number }, errors }
}

const number = (n: number) => n.toLocaleString('id-ID')

/** The dashboard's routes, to mount under /admin behind the console's sign-in. */
export function dashboardRoutes(deps: DashboardDeps) {
  const base = deps.base ?? '/admin'
  const app = new Hono<ConsoleEnv>()
  const calendar = createWorkingCalendar(deps.handoff ?? DEFAULT_HANDOFF_SETTINGS)

  app.get('/', async (c) => {
    const staff = c.get('staff')
    const regions = await dashboardRegions(deps.db)
    const now = deps.clock()
    const filters = readFilters(c, staff, regions, now)
    const data = await loadDashboard(deps.db, { regions, scope: filters.scope, range: filters.range, now, calendar })
    const body = html`
      ${filterForm(staff, regions, filters, c)}
      ${numbers(data, unknownLink(base, filters))}
      ${handoffSection(data, csvLink(base, HANDOFF_TABLE, filters))}
      ${dashboardCharts(data).map((chart) => chartSection(chart, csvLink(base, chart.id, filters)))}`
    return c.html(deps.render(c, { title: 'Beranda', active: 'beranda', body }))
  })

  app.get('/csv/:chart', async (c) => {
    const id = c.req.param('chart') as ChartId | typeof HANDOFF_TABLE
    if (id !== HANDOFF_TABLE && !CHART_IDS.includes(id)) return c.text('Grafik tidak dikenal.', 404)
    const staff = c.get('staff')
    const regions = await dashboardRegions(deps.db)
    const now = deps.clock()
    const filters = readFilters(c, staff, regions, now)
    if (filters.errors.from || filters.errors.to) return c.text(filters.errors.from ?? filters.errors.to ?? '', 400)
    const data = await loadDashboard(deps.db, { regions, scope: filters.scope, range: filters.range, now, calendar })
    const table = id === HANDOFF_TABLE ? handoffTable(data) : chartTable(data, id)
    const name = `beranda-${id}-${filters.scope?.code ?? 'semua'}-${dayKey(filters.range.firstDay)}_${dayKey(filters.range.lastDay)}.csv`
    return c.body(tableCsv(table), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    })
  })

  return app
}

/** A table as CSV: its headings first, with a BOM so that spreadsheets read it as UTF-8. */
export function tableCsv(table: ChartTable): string {
  return stringify(table.rows, { bom: true, header: true, columns: table.head })
}

/** Pengingat's list of the reminders counted as "hasil tidak diketahui": same region, same days. */
function unknownLink(base: string, filters: Filters): string {
  const query = new URLSearchParams({ status: 'unknown', kind: 'reminder' })
  if (filters.scope) query.set('wilayah', filters.scope.code)
  query.set('from', dayKey(filters.range.firstDay))
  query.set('to', dayKey(filters.range.lastDay))
  return `${base}/pengingat?${query}`
}

function csvLink(base: string, id: string, filters: Filters): string {
  const query = new URLSearchParams()
  if (filters.scope) query.set('region', filters.scope.code)
  query.set('from', dayKey(filters.range.firstDay))
  query.set('to', dayKey(filters.range.lastDay))
  return `${base}/csv/${id}?${query}`
}

function fieldError(id: string, message: string | undefined): Html {
  return html`${message && html`<span class="field-error" id="${id}-error">${message}</span>`}`
}

function filterForm(staff: Staff, regions: DashboardRegion[], filters: Filters, c: Context<ConsoleEnv>): Html {
  const from = filters.errors.from ? (c.req.query('from') ?? '') : dayKey(filters.range.firstDay)
  const to = filters.errors.to ? (c.req.query('to') ?? '') : dayKey(filters.range.lastDay)
  const region =
    staff.role === 'regional'
      ? html`<p class="field"><span class="label">Wilayah</span> <strong>${filters.scope?.name ?? staff.region}</strong></p>`
      : html`<p class="field"><label for="region">Wilayah</label>
          <select id="region" name="region">
            <option value=""${filters.scope ? '' : html` selected`}>Semua wilayah</option>
            ${regions.map((r) => html`<option value="${r.code}"${filters.scope?.code === r.code ? html` selected` : ''}>${r.code} · ${r.name}</option>`)}
          </select></p>`
  const dateField = (id: 'from' | 'to', label: string, value: string) => {
    const error = filters.errors[id]
    return html`<p class="field"><label for="${id}">${label}</label>
      <input type="date" id="${id}" name="${id}" value="${value}"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
      ${fieldError(id, error)}</p>`
  }
  return html`<form class="filters" method="get" action="" aria-label="Saring beranda">
    ${region}${dateField('from', 'Dari tanggal', from)}${dateField('to', 'Sampai tanggal', to)}
    <p class="field"><button type="submit">Tampilkan</button></p></form>`
}

function numbers(data: DashboardData, unknownList: string): Html {
  const seats = data.seats.totals
  const filled = seats.confirmed + seats.offered
  const stat = (label: string, value: Html | string, note?: Html | string) =>
    html`<div class="stat"><dt>${label}</dt><dd>${value}${note && html` <span class="note">${note}</span>`}</dd></div>`
  const people = data.stages.reduce((sum, s) => sum + s.people, 0)
  return html`<section aria-labelledby="angka-utama"><h2 id="angka-utama">Angka utama</h2>
    <dl class="stats">
      ${stat('Pendaftaran bulan ini', number(data.registrationsThisMonth))}
      ${stat('Kursi terisi (sesi mendatang)', `${number(filled)} / ${number(seats.capacity)}`, `${number(seats.sessions)} sesi`)}
      ${stat('Daftar tunggu (sesi mendatang)', number(seats.waiting))}
      ${stat('Pengingat terkirim', number(data.reminders.sent), 'dalam rentang tanggal')}
      ${stat('Pengingat gagal', number(data.reminders.failed), 'dalam rentang tanggal')}
      ${stat(
        'Pengingat hasil tidak diketahui',
        number(data.reminders.unknown),
        html`dalam rentang tanggal; mungkin sudah sampai: <a href="${unknownList}">periksa di Pengingat</a>`,
      )}
      ${stat('Pengingat dilewati', number(data.reminders.skipped), 'dalam rentang tanggal')}
      ${stat('Menunggu petugas', number(data.handoffs.waiting), 'percakapan, saat ini')}
      ${stat('Sedang dilayani', number(data.handoffs.open), 'percakapan, saat ini')}
    </dl>
    ${data.reminders.unknown > 0 && html`<p class="note">${UNKNOWN_OUTCOME_HELP}</p>`}
    <div class="tables">
    <table><caption>Orang per tahap sertifikasi (tahap terakhir yang dicapai)</caption>
      <thead><tr><th scope="col">Tahap</th><th scope="col">Orang</th></tr></thead>
      <tbody>${data.stages.map((s) => html`<tr><th scope="row">${s.label}</th><td>${number(s.people)}</td></tr>`)}</tbody>
      <tfoot><tr><th scope="row">Jumlah</th><td>${number(people)}</td></tr></tfoot>
    </table>
    <table><caption>Obrolan per kanal</caption>
      <thead><tr><th scope="col">Kanal</th><th scope="col">Semua obrolan</th><th scope="col">Aktif sejak ${data.days[0] ?? ''}</th></tr></thead>
      <tbody>${data.chats.map((ch) => html`<tr><th scope="row">${ch.label}</th><td>${number(ch.total)}</td><td>${number(ch.active)}</td></tr>`)}</tbody>
    </table>
    </div>
    ${people === 0 && html`<p class="empty">Belum ada peserta dengan tahap sertifikasi di wilayah ini.</p>`}
  </section>`
}

/** Working minutes as "1 j 30 m" (a median may be a half minute: rounded). */
function minutes(value: number | null): string {
  if (value === null) return '—'
  const total = Math.round(value)
  return total >= 60 ? `${number(Math.floor(total / 60))} j ${total % 60} m` : `${total} m`
}

/** The handoff measures per region as a table (the page and the CSV `percakapan`). */
export function handoffTable(data: DashboardData): ChartTable {
  return {
    caption:
      'Percakapan dengan petugas per wilayah: menunggu dan dilayani saat ini, ditutup dalam rentang; median waktu (jam kerja) dan penilaian atas percakapan yang dibuat dalam rentang',
    head: [
      'Wilayah',
      'Menunggu',
      'Dilayani',
      'Ditutup',
      'Median sampai balasan pertama (menit kerja)',
      'Median sampai ditutup (menit kerja)',
      'Rata-rata penilaian',
      'Jumlah penilaian',
    ],
    rows: data.handoffRegions.map((r) => [
      r.label,
      r.waiting,
      r.open,
      r.closed,
      r.medianFirstReplyMinutes === null ? '' : Math.round(r.medianFirstReplyMinutes),
      r.medianCloseMinutes === null ? '' : Math.round(r.medianCloseMinutes),
      r.averageRating === null ? '' : r.averageRating.toFixed(1),
      r.ratings,
    ]),
  }
}

function handoffSection(data: DashboardData, csv: string): Html {
  const table = handoffTable(data)
  const rating = (r: DashboardData['handoffRegions'][number]) =>
    r.averageRating === null
      ? '—'
      : `${r.averageRating.toLocaleString('id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} (${number(r.ratings)})`
  return html`<section aria-labelledby="percakapan"><h2 id="percakapan">Percakapan dengan petugas</h2>
    <div class="table-scroll"><table><caption>${table.caption}</caption>
    <thead><tr><th scope="col">Wilayah</th><th scope="col">Menunggu</th><th scope="col">Dilayani</th><th scope="col">Ditutup</th>
    <th scope="col">Median sampai balasan pertama</th><th scope="col">Median sampai ditutup</th><th scope="col">Penilaian rata-rata (n)</th></tr></thead>
    <tbody>${data.handoffRegions.map(
      (
        r,
      ) => html`<tr><th scope="row">${r.label}</th><td>${number(r.waiting)}</td><td>${number(r.open)}</td><td>${number(r.closed)}</td>
      <td>${minutes(r.medianFirstReplyMinutes)}</td><td>${minutes(r.medianCloseMinutes)}</td><td>${rating(r)}</td></tr>`,
    )}</tbody></table></div>
    <p class="note">Waktu dihitung dalam jam kerja wilayah (jam layanan petugas, tanpa akhir pekan dan hari libur).</p>
    <p><a href="${csv}" download>Unduh CSV: Percakapan dengan petugas</a></p>
  </section>`
}

function chartSection(chart: Chart, csv: string): Html {
  const heading = `grafik-${chart.id}`
  return html`<section class="chart" aria-labelledby="${heading}"><h2 id="${heading}">${chart.title}</h2>
    ${
      chart.empty
        ? html`<p class="empty">Belum ada data untuk grafik ini pada wilayah dan rentang tanggal yang dipilih.</p>`
        : html`<figure>${new Html(chart.svg)}</figure>
          <details><summary>Angka grafik ini dalam tabel</summary>${dataTable(chart.table)}</details>`
    }
    <p><a href="${csv}" download>Unduh CSV: ${chart.title}</a></p>
  </section>`
}

function dataTable(table: ChartTable): Html {
  const [first, ...rest] = table.head
  return html`<div class="table-scroll"><table><caption>${table.caption}</caption>
    <thead><tr><th scope="col">${first}</th>${rest.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
    <tbody>${table.rows.map(
      ([head, ...cells]) =>
        html`<tr><th scope="row">${head}</th>${cells.map((cell) => html`<td>${typeof cell === 'number' ? number(cell) : cell}</td>`)}</tr>`,
    )}</tbody></table></div>`
}
