/**
 * Log audit: who did what, and who looked at whose data (PDP accountability), for `admin` only.
 *
 *   GET /audit       the filter form (actor, action, entity, days in WIB), the entries newest first,
 *                    PAGE_SIZE a page with the total, an empty state
 *   GET /audit/csv   the filtered entries as CSV (at most CSV_LIMIT; more asks for narrower filters)
 *
 * Audit entries hold no NIK or other personal data by design, but every value is escaped all the same.
 */
import { stringify } from 'csv-stringify/sync'
import { type Context, Hono } from 'hono'
import { dayKey, dayNumber } from '../../core/console/dashboard.js'
import { formatLocalDateTime } from '../../core/regions.js'
import type { Db } from '../../db/client.js'
import { type AuditFilter, type AuditRow, auditChoices, auditEntries, countAudit } from '../../db/queries/console-audit.js'
import { listStaff } from '../../db/queries/console-staff.js'
import { type Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import { readDayRange } from './day-range.js'
import type { ConsoleEnv } from './env.js'
import { pager, queryString } from './pager.js'

export const PAGE_SIZE = 50
/** The most entries one CSV holds; a wider export asks for narrower filters instead of cutting it short. */
export const CSV_LIMIT = 100_000

export type AuditPageDeps = { db: Db; clock: () => Date; render: RenderPage }

type Query = { actor: string; action: string; entity: string; from: string; to: string }
type Filters = { query: Query; filter: AuditFilter; errors: { from?: string; to?: string } }

function readFilters(c: Context<ConsoleEnv>): Filters {
  const q = (name: keyof Query) => (c.req.query(name) ?? '').trim()
  const query: Query = { actor: q('actor'), action: q('action'), entity: q('entity'), from: q('from'), to: q('to') }
  const filter: AuditFilter = {}
  if (query.actor) filter.actor = query.actor
  if (query.action) filter.action = query.action
  if (query.entity) filter.entity = query.entity
  const { from, to, errors } = readDayRange(query.from, query.to)
  if (from) filter.from = from
  if (to) filter.to = to
  return { query, filter, errors }
}

/** `staff:<id>` as the member's name and e-mail; other actors (cli, admin-api, chat:…) as they are. */
async function actorNames(db: Db): Promise<(actor: string) => string> {
  const names = new Map((await listStaff(db)).map((s) => [`staff:${s.id}`, `${s.name} (${s.email})`]))
  return (actor) => names.get(actor) ?? actor
}

/** An entry's details (JSON) as `key: value` pairs; text that is not a JSON object as it is. */
function detailPairs(details: string | null): [string, string][] | string {
  if (!details) return []
  try {
    const parsed: unknown = JSON.parse(details)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return details
    return Object.entries(parsed).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])
  } catch {
    return details
  }
}

const detailText = (details: string | null): string => {
  const pairs = detailPairs(details)
  return typeof pairs === 'string' ? pairs : pairs.map(([k, v]) => `${k}: ${v}`).join('; ')
}

const when = (at: Date) => `${formatLocalDateTime(at, 'Asia/Jakarta')}`
const number = (n: number) => n.toLocaleString('id-ID')

/** The Log audit routes, to mount under /admin behind the session guard and `requireRole('admin')`. */
export function auditRoutes(deps: AuditPageDeps) {
  const app = new Hono<ConsoleEnv>()

  app.get('/audit', async (c) => {
    const filters = readFilters(c)
    const total = await countAudit(deps.db, filters.filter)
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const asked = Number.parseInt(c.req.query('page') ?? '1', 10)
    const page = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), pages) : 1
    const rows = await auditEntries(deps.db, filters.filter, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
    const name = await actorNames(deps.db)
    const body = html`${filterForm(filters, await auditChoices(deps.db), name)}
      <section aria-labelledby="catatan"><h2 id="catatan">Catatan</h2>
      ${
        rows.length === 0
          ? html`<p class="empty">Tidak ada catatan audit yang cocok dengan saringan ini.</p>`
          : html`<p>${number(total)} catatan, terbaru lebih dulu. Halaman ${number(page)} dari ${number(pages)}.</p>
            <p><a href="/admin/audit/csv?${queryString(filters.query)}" download>Unduh CSV (semua yang tersaring)</a></p>
            ${entriesTable(rows, name)}${pager('Halaman log audit', page, pages, (n) => `/admin/audit?${queryString(filters.query, n)}`)}`
      }</section>`
    return c.html(deps.render(c, { title: 'Log audit', active: 'audit', body }))
  })

  app.get('/audit/csv', async (c) => {
    const filters = readFilters(c)
    if (filters.errors.from || filters.errors.to) return c.text(filters.errors.from ?? filters.errors.to ?? '', 400)
    const total = await countAudit(deps.db, filters.filter)
    if (total > CSV_LIMIT) {
      return c.text(
        `Terlalu banyak catatan (${number(total)}); persempit saringan sampai paling banyak ${number(CSV_LIMIT)}.`,
        413,
      )
    }
    const name = await actorNames(deps.db)
    const rows = (await auditEntries(deps.db, filters.filter, { limit: CSV_LIMIT, offset: 0 })).map((r) => [
      r.at.toISOString(),
      r.actor,
      name(r.actor),
      r.action,
      r.entity ?? '',
      r.entityId ?? '',
      detailText(r.details),
    ])
    const csv = stringify(rows, {
      bom: true,
      header: true,
      columns: ['waktu_utc', 'pelaku', 'nama_pelaku', 'tindakan', 'entitas', 'id_entitas', 'rincian'],
    })
    const day = dayKey(dayNumber(deps.clock()))
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="log-audit-${day}.csv"`,
      'cache-control': 'no-store',
    })
  })

  return app
}

function select(id: keyof Query, label: string, all: string, values: string[], chosen: string, text = (v: string) => v): Html {
  // A value asked for by address but not on record still shows as chosen, so the form tells what is filtered.
  const options = chosen && !values.includes(chosen) ? [chosen, ...values] : values
  return html`<p class="field"><label for="${id}">${label}</label>
    <select id="${id}" name="${id}"><option value="">${all}</option>
    ${options.map((v) => html`<option value="${v}"${v === chosen ? html` selected` : ''}>${text(v)}</option>`)}
    </select></p>`
}

function filterForm(filters: Filters, choices: Awaited<ReturnType<typeof auditChoices>>, name: (actor: string) => string): Html {
  const { query, errors } = filters
  const dateField = (id: 'from' | 'to', label: string) => {
    const error = errors[id]
    return html`<p class="field"><label for="${id}">${label}</label>
      <input type="date" id="${id}" name="${id}" value="${query[id]}"${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>
      ${error && html`<span class="field-error" id="${id}-error">${error}</span>`}</p>`
  }
  return html`<form class="filters" method="get" action="/admin/audit" aria-label="Saring log audit">
    ${select('actor', 'Pelaku', 'Semua pelaku', choices.actors, query.actor, name)}
    ${select('action', 'Tindakan', 'Semua tindakan', choices.actions, query.action)}
    ${select('entity', 'Entitas', 'Semua entitas', choices.entities, query.entity)}
    ${dateField('from', 'Dari tanggal (WIB)')}${dateField('to', 'Sampai tanggal (WIB)')}
    <p class="field"><button type="submit">Tampilkan</button></p></form>`
}

function entriesTable(rows: AuditRow[], name: (actor: string) => string): Html {
  const details = (text: string | null) => {
    const pairs = detailPairs(text)
    if (typeof pairs === 'string') return html`${pairs}`
    return html`${pairs.length > 0 && html`<dl class="details">${pairs.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`}`
  }
  return html`<div class="table-scroll"><table><caption>Catatan audit (waktu WIB)</caption>
    <thead><tr><th scope="col">Waktu</th><th scope="col">Pelaku</th><th scope="col">Tindakan</th><th scope="col">Entitas</th><th scope="col">Rincian</th></tr></thead>
    <tbody>${rows.map(
      (r) => html`<tr><td>${when(r.at)}</td><td>${name(r.actor)}</td><td><code>${r.action}</code></td>
        <td>${r.entity ?? ''}${r.entityId && html` <code>${r.entityId}</code>`}</td><td>${details(r.details)}</td></tr>`,
    )}</tbody></table></div>`
}
