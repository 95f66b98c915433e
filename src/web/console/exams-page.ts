/**
 * Ujian, the console's exam schedule (docs/console.md):
 *
 *   GET /ujian?dari=…&sampai=…&orang=ID&page=N   the exams in time order, grouped by day (WIB), from
 *                                                today unless asked; one person's with `orang`
 *   GET /ujian/csv?…                             the same exams as CSV (at most CSV_LIMIT)
 *
 * Scoped by the person's province (a `regional` account sees its region's exams only, in the SQL).
 * `viewer` sees names masked and no link to a person's page.
 */
import { stringify } from 'csv-stringify/sync'
import { type Context, Hono } from 'hono'
import { dayKey, dayNumber, dayStart, parseDay } from '../../core/console/dashboard.js'
import { zoneLabelOrName } from '../../core/regions.js'
import type { Db } from '../../db/client.js'
import { countExams, type ExamSearch, examSchedule, personInConsole, type ScheduleRow } from '../../db/queries/console-people.js'
import { Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv, Staff } from './env.js'
import { pager, queryString } from './pager.js'
import { EXAM_STATUS_LABEL, examKindLabel, MODE_LABEL } from './person-sections.js'
import { seesPersonalData, shownName, staffScope } from './scope.js'

export const PAGE_SIZE = 50
/** The most exams one CSV holds; a wider export asks for a narrower range instead of cutting it short. */
export const CSV_LIMIT = 20_000
const BASE = '/admin/ujian'

export type ExamsPageDeps = { db: Db; clock: () => Date; render: RenderPage }

type Query = { dari: string; sampai: string; orang: string }
type Filters = { query: Query; search: ExamSearch; errors: { dari?: string; sampai?: string } }

async function readFilters(c: Context<ConsoleEnv>, db: Db, now: Date): Promise<Filters> {
  const q = (name: keyof Query) => (c.req.query(name) ?? '').trim()
  const query: Query = { dari: q('dari'), sampai: q('sampai'), orang: q('orang') }
  const errors: Filters['errors'] = {}
  const first = query.dari ? parseDay(query.dari) : dayNumber(now)
  const last = query.sampai ? parseDay(query.sampai) : undefined
  if (first === undefined) errors.dari = 'Tanggal tidak valid (tttt-bb-hh).'
  if (query.sampai && last === undefined) errors.sampai = 'Tanggal tidak valid (tttt-bb-hh).'
  if (first !== undefined && last !== undefined && first > last) errors.dari = '"Dari" harus sebelum atau sama dengan "Sampai".'
  const person = Number(query.orang)
  const search: ExamSearch = {
    scope: await staffScope(db, c.get('staff')),
    from: dayStart(errors.dari || first === undefined ? dayNumber(now) : first),
    to: !errors.sampai && !errors.dari && last !== undefined ? dayStart(last + 1) : undefined,
    // An id that is not a number matches no one, rather than everyone.
    personId: query.orang ? (Number.isSafeInteger(person) && person > 0 ? person : -1) : undefined,
  }
  return { query, search, errors }
}

/** "09.00": the time of day of an exam in WIB, the console's zone (the exam's own zone is in its row). */
const wibDay = (date: Date) => dayKey(dayNumber(date))
const localClock = (date: Date, zone: string) =>
  new Intl.DateTimeFormat('id-ID', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date)

/** The schedule's routes, to mount under /admin behind the console's sign-in. */
export function examsPage(deps: ExamsPageDeps) {
  const app = new Hono<ConsoleEnv>()

  app.get('/ujian', async (c) => {
    const staff = c.get('staff')
    const filters = await readFilters(c, deps.db, deps.clock())
    const total = await countExams(deps.db, filters.search)
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const asked = Number.parseInt(c.req.query('page') ?? '1', 10)
    const page = Math.min(Number.isSafeInteger(asked) && asked > 0 ? asked : 1, pages)
    const rows = await examSchedule(deps.db, filters.search, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
    const person =
      filters.search.personId !== undefined && filters.search.personId > 0
        ? await personInConsole(deps.db, filters.search.scope, filters.search.personId)
        : undefined
    const days = new Map<string, ScheduleRow[]>()
    for (const row of rows) days.set(wibDay(row.startsAt), [...(days.get(wibDay(row.startsAt)) ?? []), row])
    const body = html`${filterForm(filters)}
${person && html`<p>Ujian milik <strong>${shownName(staff, person.fullName)}</strong>${seesPersonalData(staff) && html` · <a href="/admin/peserta/${person.id}">halaman peserta</a>`} · <a href="${BASE}?${queryString({ ...filters.query, orang: '' })}">semua peserta</a></p>`}
${
  rows.length === 0
    ? html`<p class="empty">Tidak ada ujian terjadwal pada rentang ini.</p>`
    : html`<p>${total.toLocaleString('id-ID')} ujian · halaman ${page} dari ${pages}</p>
<p><a href="${BASE}/csv?${queryString(filters.query)}" download>Unduh CSV (semua yang tersaring)</a></p>
${[...days].map(([day, list]) => dayTable(day, list, staff))}
${pager('Halaman jadwal ujian', page, pages, (n) => `${BASE}?${queryString(filters.query, n)}`)}`
}`
    return c.html(deps.render(c, { title: 'Ujian', active: 'ujian', body }))
  })

  app.get('/ujian/csv', async (c) => {
    const staff = c.get('staff')
    const filters = await readFilters(c, deps.db, deps.clock())
    if (filters.errors.dari || filters.errors.sampai) return c.text(filters.errors.dari ?? filters.errors.sampai ?? '', 400)
    const total = await countExams(deps.db, filters.search)
    if (total > CSV_LIMIT)
      return c.text(`Terlalu banyak ujian (${total}); persempit rentang tanggal sampai paling banyak ${CSV_LIMIT}.`, 413)
    const rows = (await examSchedule(deps.db, filters.search, { limit: CSV_LIMIT, offset: 0 })).map((e) => [
      e.startsAt.toISOString(),
      wibDay(e.startsAt),
      `${localClock(e.startsAt, e.timeZone)} ${zoneLabelOrName(e.timeZone)}`,
      examKindLabel(e.kind),
      MODE_LABEL[e.mode] ?? e.mode,
      shownName(staff, e.fullName),
      e.venue ?? '',
      e.meetingUrl ?? '',
      EXAM_STATUS_LABEL[e.status] ?? e.status,
      e.attendanceConfirmedAt ? 'ya' : 'tidak',
    ])
    const csv = stringify(rows, {
      bom: true,
      header: true,
      columns: ['mulai_utc', 'tanggal_wib', 'jam_setempat', 'jenis', 'cara', 'peserta', 'tempat', 'tautan', 'status', 'hadir'],
    })
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="jadwal-ujian-${filters.query.dari || dayKey(dayNumber(deps.clock()))}.csv"`,
      'cache-control': 'no-store',
    })
  })

  return app
}

function filterForm(filters: Filters): Html {
  const { query, errors } = filters
  const dateField = (id: 'dari' | 'sampai', label: string) => {
    const error = errors[id]
    return html`<p class="field"><label for="f-${id}">${label}</label>
<input type="date" id="f-${id}" name="${id}" value="${query[id]}"${error ? new Html(` aria-invalid="true" aria-describedby="f-${id}-error"`) : ''}>
${error && html`<span class="field-error" id="f-${id}-error">${error}</span>`}</p>`
  }
  return html`<form class="filters" method="get" action="${BASE}" aria-label="Saring jadwal ujian">
${query.orang && html`<input type="hidden" name="orang" value="${query.orang}">`}
${dateField('dari', 'Dari tanggal (WIB; kosong: hari ini)')}${dateField('sampai', 'Sampai tanggal (WIB)')}
<p class="field"><button type="submit">Tampilkan</button></p></form>`
}

function dayTable(day: string, rows: ScheduleRow[], staff: Staff): Html {
  const personal = seesPersonalData(staff)
  return html`<div class="table-scroll"><table><caption>${day}</caption>
<thead><tr><th scope="col">Jam</th><th scope="col">Jenis</th><th scope="col">Cara</th><th scope="col">Peserta</th><th scope="col">Tempat/tautan</th><th scope="col">Status</th><th scope="col">HADIR</th></tr></thead>
<tbody>${rows.map(
    (
      e,
    ) => html`<tr><td>${localClock(e.startsAt, e.timeZone)} ${zoneLabelOrName(e.timeZone)}</td><td>${examKindLabel(e.kind)}</td><td>${MODE_LABEL[e.mode] ?? e.mode}</td>
<td>${personal ? html`<a href="/admin/peserta/${e.personId}">${e.fullName}</a>` : shownName(staff, e.fullName)} <a href="${BASE}?orang=${e.personId}">(ujiannya)</a></td>
<td>${e.venue ?? ''}${e.venue && e.meetingUrl ? ' · ' : ''}${e.meetingUrl ?? ''}</td><td>${EXAM_STATUS_LABEL[e.status] ?? e.status}</td><td>${e.attendanceConfirmedAt ? 'Ya' : '—'}</td></tr>`,
  )}</tbody></table></div>`
}
