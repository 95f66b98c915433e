/**
 * Percakapan, where staff answer people who asked for a human (docs/console.md, "Percakapan"):
 *
 *   GET /percakapan        the list: filters (status, region, mine, channel, code or name), PAGE_SIZE a page
 *   …/percakapan/:code     the thread and its forms (handoff-thread.ts), its live stream (handoff-stream.ts)
 *
 * A handoff belongs to its own region (`handoff_requests.region_id`): `regional` reads its region's
 * only, and another region's code is the console's 404 page; handoffs without a region are the
 * centre's (`admin` only). `viewer` sees the list with names masked, and no thread.
 */
import { Hono } from 'hono'
import type { HandoffActions } from '../../core/handoff/actions.js'
import type { HandoffActivity } from '../../core/handoff/activity.js'
import { createWorkingCalendar, type WorkingCalendar } from '../../core/handoff/hours.js'
import type { HandoffSettings } from '../../core/handoff/settings.js'
import type { ByteBox } from '../../core/privacy/data-key.js'
import type { Db } from '../../db/client.js'
import { type ConsoleHandoffRow, consoleHandoffs, countConsoleHandoffs } from '../../db/queries/console-handoffs.js'
import { consoleRegions } from '../../db/queries/console-scope.js'
import { CENTRE_ZONE } from '../../db/queries/handoff-thread.js'
import type { HandoffStatus } from '../../db/schema.js'
import { CHANNELS, type Channel } from '../../vocabulary/message.js'
import { Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv, Staff } from './env.js'
import type { SessionCookie } from './guard.js'
import { handoffStream } from './handoff-stream.js'
import {
  BASE,
  CHANNEL_NAME,
  handoffAccess,
  handoffThread,
  placeOf,
  type QuickReply,
  STATUS_LABEL,
  workingAge,
} from './handoff-thread.js'
import { pager, queryString } from './pager.js'
import { shownName } from './scope.js'
import { at, number } from './session-views.js'

export const PAGE_SIZE = 25
const MAX_QUERY = 100

export type HandoffPagesDeps = {
  db: Db
  clock: () => Date
  render: RenderPage
  settings: HandoffSettings
  actions: HandoffActions
  /** Wakes the live streams when something happened; without it they look every 2 s. */
  activity?: HandoffActivity | undefined
  /** Opens the sealed files (DATA_ENCRYPTION_KEY, purpose 'kesos handoff file v1'); without it files are not shown. */
  files?: ByteBox | undefined
  /** The FAQ answers staff can insert as a reply. */
  quickReplies: readonly QuickReply[]
  cookie: SessionCookie
}

const STATUS_PARAM: Record<string, HandoffStatus | 'all'> = {
  menunggu: 'waiting',
  dibuka: 'open',
  ditutup: 'closed',
  semua: 'all',
}
const FILTER_LABEL: Record<string, string> = { menunggu: 'Menunggu', dibuka: 'Dibuka', ditutup: 'Ditutup', semua: 'Semua' }
const AUTHOR_LABEL = { person: 'Peserta', staff: 'Petugas', note: 'Catatan' } as const

/** The Percakapan routes, to mount under /admin behind the console's session guard. */
export function handoffRoutes(deps: HandoffPagesDeps) {
  const app = new Hono<ConsoleEnv>()
  const { db } = deps
  const calendar = createWorkingCalendar(deps.settings)

  app.get('/percakapan', async (c) => {
    const staff = c.get('staff')
    const regions = await consoleRegions(db)
    const access = await handoffAccess(db, staff)
    const q = (name: string) => (c.req.query(name) ?? '').trim()
    const statusKey = Object.hasOwn(STATUS_PARAM, q('status')) ? q('status') : 'menunggu'
    const region = access.scope ? undefined : regions.find((r) => r.code === q('wilayah'))
    const channel = (CHANNELS as readonly string[]).includes(q('kanal')) ? (q('kanal') as Channel) : undefined
    const mine = q('milik') === 'saya'
    const text = q('q').slice(0, MAX_QUERY)
    const filter = {
      access,
      status: STATUS_PARAM[statusKey] ?? 'waiting',
      regionId: region?.id,
      assignedTo: mine ? staff.id : undefined,
      channel,
      text: text || undefined,
    }
    const query = { status: statusKey, wilayah: region?.code ?? '', milik: mine ? 'saya' : '', kanal: channel ?? '', q: text }
    const total = await countConsoleHandoffs(db, filter)
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const asked = Number.parseInt(c.req.query('page') ?? '1', 10)
    const page = Number.isSafeInteger(asked) ? Math.min(Math.max(asked, 1), pages) : 1
    const rows = await consoleHandoffs(db, filter, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
    const now = deps.clock()
    const select = (name: string, label: string, options: [string, string][], chosen: string) =>
      html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${options.map(
        ([v, l]) => html`<option value="${v}"${v === chosen ? new Html(' selected') : ''}>${l}</option>`,
      )}</select></div>`
    const filters = html`<form method="get" action="${BASE}" class="filters" aria-label="Saring percakapan">
${select(
  'status',
  'Status',
  Object.keys(STATUS_PARAM).map((k): [string, string] => [k, FILTER_LABEL[k] ?? k]),
  statusKey,
)}
${
  access.scope
    ? html`<div class="field"><span class="label">Wilayah</span> ${access.scope.code} · ${access.scope.name}</div>`
    : select(
        'wilayah',
        'Wilayah',
        [['', 'Semua wilayah'], ...regions.map((r): [string, string] => [r.code, `${r.code} · ${r.name}`])],
        query.wilayah,
      )
}
${select('kanal', 'Kanal', [['', 'Semua kanal'], ...CHANNELS.map((ch): [string, string] => [ch, CHANNEL_NAME[ch]])], query.kanal)}
${
  staff.role !== 'viewer' &&
  html`<div class="field"><label for="f-milik">Petugas</label><select id="f-milik" name="milik"><option value="">Semua petugas</option><option value="saya"${mine ? new Html(' selected') : ''}>Milik saya</option></select></div>`
}
<div class="field"><label for="f-q">Kode atau nama</label><input id="f-q" name="q" type="search" value="${text}" maxlength="${MAX_QUERY}"></div>
<div class="field"><button type="submit">Tampilkan</button></div></form>`
    const link = (n: number) => `${BASE}?${queryString(query, n)}`
    const list =
      rows.length === 0
        ? html`<p class="empty">${statusKey === 'menunggu' && !text ? 'Tidak ada yang menunggu petugas. ' : ''}Tidak ada percakapan yang cocok dengan saringan ini.</p>`
        : html`<p>${number(total)} percakapan · halaman ${number(page)} dari ${number(pages)}</p>
<div class="table-scroll"><table class="handoffs"><caption>Percakapan dengan petugas (waktu menunggu dihitung dalam jam kerja wilayah)</caption>
<thead><tr><th scope="col">Kode</th><th scope="col">Nama</th><th scope="col">Wilayah</th><th scope="col">Kanal</th><th scope="col">Status</th>
<th scope="col">Menunggu</th><th scope="col">Petugas</th><th scope="col">Pesan terakhir</th></tr></thead>
<tbody>${rows.map((row) => listRow(staff, row, calendar, now))}</tbody></table></div>
${pager('Halaman percakapan', page, pages, link)}`
    return c.html(deps.render(c, { title: 'Percakapan', active: 'percakapan', body: html`${filters}${list}` }))
  })

  app.route('/', handoffThread({ ...deps, calendar }))
  app.route('/', handoffStream(deps))
  return app
}

function listRow(staff: Staff, row: ConsoleHandoffRow, calendar: WorkingCalendar, now: Date): Html {
  const zone = row.timeZone ?? CENTRE_ZONE
  const waited =
    row.unansweredSince && row.status !== 'closed'
      ? html`${workingAge(calendar.workingMinutesBetween(row.unansweredSince, now, placeOf(row)))} <small>jam kerja</small>`
      : '—'
  const code = staff.role === 'viewer' ? html`<code>${row.code}</code>` : html`<a href="${BASE}/${row.code}">${row.code}</a>`
  return html`<tr><td>${code}</td><td>${shownName(staff, row.name)}</td><td>${row.regionCode ?? 'Pusat'}</td>
<td>${CHANNEL_NAME[row.channel]}</td><td>${STATUS_LABEL[row.status]}${!row.live && html`<br><small class="tag">Telepon (lama)</small>`}</td>
<td>${waited}</td><td>${row.assignedName ?? '—'}</td>
<td>${row.lastAuthor && row.lastAt ? html`${AUTHOR_LABEL[row.lastAuthor]}<br><small>${at(row.lastAt, zone)}</small>` : '—'}</td></tr>`
}
