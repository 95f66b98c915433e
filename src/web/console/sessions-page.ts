/**
 * Sesi Bimtek, the page the secretariat plans Bimtek with (docs/console.md, "Sesi Bimtek"):
 *
 *   GET  /sesi                    filters (region, time, target group, mode, text), PAGE_SIZE a page
 *   GET  /sesi/baru, POST         a new session (admin, regional: their own region)
 *   GET  /sesi/:id                its details and registrants by status
 *   GET  /sesi/:id/ubah, POST     edit it (the sessions import's rules and reminder re-planning)
 *   GET  /sesi/:id/batal, POST    cancel it with a reason: registrants told, reminders cancelled
 *   GET  /sesi/:id/peserta.csv    its registrants (not for viewer), audited
 *   POST /sesi/:id/kehadiran      mark a confirmed registrant present or absent
 *   POST /sesi/:id/pindah         move a registrant to another session of the region
 *
 * A `regional` account reads and writes only its region's sessions (in SQL); another region's
 * address is a 404 page. `viewer` sees names masked, no phone, and changes nothing.
 */
import { type Context, Hono } from 'hono'
import type { ReminderSettings } from '../../core/reminders/settings.js'
import { markAttendance } from '../../core/sessions/attendance.js'
import { cancelSession } from '../../core/sessions/cancel-session.js'
import { checkSessionForm, saveSession } from '../../core/sessions/import.js'
import { registrationsCsv } from '../../core/sessions/listing.js'
import { moveRegistration } from '../../core/sessions/move-registration.js'
import { TARGET_GROUPS } from '../../core/sessions/target-groups.js'
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { consoleRegions, sessionInScope } from '../../db/queries/console-scope.js'
import { consoleSessions, countConsoleSessions, SESSION_STATES, type SessionState } from '../../db/queries/console-sessions.js'
import { listSessionRegistrations, type SessionRow, sessionById } from '../../db/queries/sessions.js'
import { Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv, Staff } from './env.js'
import { formText } from './forms.js'
import { pager, queryString } from './pager.js'
import { seesPersonalData, staffScope } from './scope.js'
import { postedValues, type SessionFormErrors, type SessionFormValues, sessionForm, storedValues } from './session-form.js'
import { at, BASE, cancelPage, MODE_LABEL, mayChange, number, sessionDetail, sessionPath } from './session-views.js'

export type SessionsPageDeps = {
  db: Db
  clock: () => Date
  render: RenderPage
  /** The reminder settings moved, cancelled and edited sessions re-plan with. */
  reminders: ReminderSettings
  /** REGISTRATION_OFFER_HOURS: how long a seat freed by a move is offered to the next person waiting. */
  offerHours: number
}

export const PAGE_SIZE = 25

const actorOf = (staff: Staff) => `staff:${staff.id}`
const MAX_QUERY = 100

const STATE_LABEL: Record<SessionState, string> = {
  upcoming: 'Akan datang',
  past: 'Sudah dimulai / selesai',
  cancelled: 'Dibatalkan',
  all: 'Semua',
}

/** The Sesi Bimtek routes, to mount under /admin behind the console's session guard. */
export function sessionsRoutes(deps: SessionsPageDeps) {
  const app = new Hono<ConsoleEnv>()
  const { db } = deps

  app.get('/sesi', async (c) => {
    const staff = c.get('staff')
    const regions = await consoleRegions(db)
    const scope = await staffScope(db, staff, regions)
    const q = (name: string) => (c.req.query(name) ?? '').trim()
    const state = (SESSION_STATES as readonly string[]).includes(q('waktu')) ? (q('waktu') as SessionState) : 'upcoming'
    const region = scope ? undefined : regions.find((r) => r.code === q('wilayah'))
    const targetGroup = (TARGET_GROUPS as readonly string[]).includes(q('sasaran')) ? q('sasaran') : ''
    const mode = q('cara') === 'tatap_muka' || q('cara') === 'daring' ? q('cara') : ''
    const text = q('q').slice(0, MAX_QUERY)
    const filter = {
      scope,
      regionId: region?.id,
      state,
      targetGroup: targetGroup || undefined,
      mode: (mode || undefined) as 'tatap_muka' | 'daring' | undefined,
      text: text || undefined,
      now: deps.clock(),
    }
    const query = { wilayah: region?.code ?? '', waktu: state, sasaran: targetGroup, cara: mode, q: text }
    const total = await countConsoleSessions(db, filter)
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const asked = Number.parseInt(c.req.query('page') ?? '1', 10)
    const page = Number.isSafeInteger(asked) ? Math.min(Math.max(asked, 1), pages) : 1
    const rows = await consoleSessions(db, filter, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
    const link = (n: number) => `${BASE}?${queryString(query, n)}`
    const select = (name: string, label: string, options: [string, string][], chosen: string) =>
      html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${options.map(
        ([v, l]) => html`<option value="${v}"${v === chosen ? new Html(' selected') : ''}>${l}</option>`,
      )}</select></div>`
    const filters = html`<form method="get" action="${BASE}" class="filters" aria-label="Saring sesi">
${
  scope
    ? html`<div class="field"><span class="label">Wilayah</span> ${scope.code} · ${scope.name}</div>`
    : select(
        'wilayah',
        'Wilayah',
        [['', 'Semua wilayah'], ...regions.map((r): [string, string] => [r.code, `${r.code} · ${r.name}`])],
        query.wilayah,
      )
}
${select(
  'waktu',
  'Waktu',
  SESSION_STATES.map((s): [string, string] => [s, STATE_LABEL[s]]),
  state,
)}
${select('sasaran', 'Sasaran', [['', 'Semua sasaran'], ...TARGET_GROUPS.map((g): [string, string] => [g, g])], targetGroup)}
${select(
  'cara',
  'Cara',
  [
    ['', 'Semua cara'],
    ['tatap_muka', MODE_LABEL.tatap_muka],
    ['daring', MODE_LABEL.daring],
  ],
  mode,
)}
<div class="field"><label for="f-q">Kode, judul atau tempat</label><input id="f-q" name="q" type="search" value="${text}" maxlength="${MAX_QUERY}"></div>
<div class="field"><button type="submit">Tampilkan</button></div></form>`
    const list =
      rows.length === 0
        ? html`<p class="empty">Tidak ada sesi yang cocok dengan saringan ini.</p>`
        : html`<p>${number(total)} sesi · halaman ${number(page)} dari ${number(pages)}</p>
<div class="table-scroll"><table><caption>Sesi Bimtek (jam setempat di lokasi sesi)</caption>
<thead><tr><th scope="col">Kode</th><th scope="col">Judul</th><th scope="col">Wilayah</th><th scope="col">Mulai</th><th scope="col">Cara</th>
<th scope="col">Terkonfirmasi / kapasitas</th><th scope="col">Ditawari</th><th scope="col">Daftar tunggu</th></tr></thead>
<tbody>${rows.map(
            (
              s,
            ) => html`<tr><td><a href="${sessionPath(s.id)}">${s.code}</a>${s.cancelledAt && html` <strong>(dibatalkan)</strong>`}</td>
<td>${s.title}<br><small>${s.targetGroup}</small></td><td>${s.regionCode}</td><td>${at(s.startsAt, s.timeZone)}</td>
<td>${MODE_LABEL[s.mode]}${s.venue && html`<br><small>${s.venue}</small>`}</td>
<td>${number(s.confirmed)} / ${number(s.capacity)}</td><td>${number(s.offered)}</td><td>${number(s.waiting)}</td></tr>`,
          )}</tbody></table></div>
${pager('Halaman sesi', page, pages, link)}`
    const notice = c.req.query('dibuat') ? html`<p class="notice" role="status">Sesi disimpan.</p>` : ''
    const body = html`${notice}${mayChange(staff) && html`<p><a href="${BASE}/baru">Buat sesi baru</a></p>`}${filters}${list}`
    return c.html(deps.render(c, { title: 'Sesi Bimtek', active: 'sesi', body }))
  })

  app.get('/sesi/baru', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    return c.html(await formPage(c, 'create', { region: (await staffScope(db, c.get('staff')))?.code ?? '' }, {}))
  })

  app.post('/sesi/baru', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    return save(c, 'create', postedValues(await c.req.parseBody()))
  })

  app.get('/sesi/:id{[0-9]+}', async (c) => {
    const session = await find(c)
    if (!session) return notFound(c)
    const notices: Record<string, string> = {
      disimpan: 'Sesi disimpan.',
      dibatalkan: 'Sesi dibatalkan. Setiap peserta diberi tahu lewat chat.',
      kehadiran: 'Kehadiran dicatat.',
      dipindah: 'Peserta dipindahkan dan diberi tahu lewat chat.',
    }
    const done = Object.keys(notices).find((key) => c.req.query(key) !== undefined)
    return c.html(await sessionDetail(c, deps, session, { notice: done && notices[done] }))
  })

  app.get('/sesi/:id{[0-9]+}/ubah', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const session = await find(c)
    if (!session) return notFound(c)
    if (session.cancelledAt)
      return c.html(await sessionDetail(c, deps, session, { alert: 'Sesi yang dibatalkan tidak dapat diubah.' }), 409)
    return c.html(await formPage(c, session, storedValues(session), {}))
  })

  app.post('/sesi/:id{[0-9]+}/ubah', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const session = await find(c)
    if (!session) return notFound(c)
    // The code is the session's key (the sessions file matches on it): it stays what it is.
    return await save(c, session, { ...postedValues(await c.req.parseBody()), code: session.code })
  })

  app.get('/sesi/:id{[0-9]+}/batal', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const session = await find(c)
    if (!session) return notFound(c)
    return c.html(await cancelPage(c, deps, session, '', undefined))
  })

  app.post('/sesi/:id{[0-9]+}/batal', async (c) => {
    const staff = c.get('staff')
    if (!mayChange(staff)) return forbidden(c)
    const session = await find(c)
    if (!session) return notFound(c)
    const reason = formText(await c.req.parseBody(), 'reason')
    const result = await cancelSession(db, session.id, {
      reason,
      actor: actorOf(staff),
      now: deps.clock(),
      reminders: deps.reminders,
    })
    if (!result.ok) {
      if (result.error === 'NOT_FOUND') return notFound(c)
      return c.html(await cancelPage(c, deps, session, reason, result.message), 422)
    }
    return c.redirect(`${sessionPath(session.id)}?dibatalkan=${result.registrations}`, 303)
  })

  app.get('/sesi/:id{[0-9]+}/peserta.csv', async (c) => {
    const staff = c.get('staff')
    const session = await find(c)
    if (!session) return notFound(c)
    // The file holds full names and phone numbers: not for viewer, and every download is on record.
    if (!seesPersonalData(staff)) return forbidden(c)
    const registrants = await listSessionRegistrations(db, session.id)
    await writeAudit(db, {
      at: deps.clock(),
      actor: actorOf(staff),
      action: 'session.registrants_exported',
      entity: 'bimtek_session',
      entityId: session.code,
      details: { rows: registrants.length },
    })
    return c.body(registrationsCsv(registrants, session.timeZone), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="peserta-${session.code.replace(/[^A-Za-z0-9-]/g, '_')}.csv"`,
      'cache-control': 'no-store',
    })
  })

  app.post('/sesi/:id{[0-9]+}/kehadiran', async (c) => {
    const staff = c.get('staff')
    if (!mayChange(staff)) return forbidden(c)
    const session = await find(c)
    if (!session) return notFound(c)
    const body = await c.req.parseBody()
    const hadir = formText(body, 'hadir')
    const result =
      hadir === 'ya' || hadir === 'tidak'
        ? await markAttendance(db, {
            sessionId: session.id,
            code: formText(body, 'code'),
            attended: hadir === 'ya',
            actor: actorOf(staff),
            now: deps.clock(),
          })
        : ({ ok: false, message: 'Pilih hadir atau tidak hadir.' } as const)
    if (!result.ok) return c.html(await sessionDetail(c, deps, session, { alert: result.message }), 422)
    return c.redirect(`${sessionPath(session.id)}?kehadiran=1`, 303)
  })

  app.post('/sesi/:id{[0-9]+}/pindah', async (c) => {
    const staff = c.get('staff')
    if (!mayChange(staff)) return forbidden(c)
    const session = await find(c)
    if (!session) return notFound(c)
    const body = await c.req.parseBody()
    const result = await moveRegistration(db, {
      fromId: session.id,
      code: formText(body, 'code'),
      toId: Number(formText(body, 'to')) || -1,
      actor: actorOf(staff),
      now: deps.clock(),
      offerMs: deps.offerHours * 3_600_000,
      reminders: deps.reminders,
    })
    if (!result.ok) return c.html(await sessionDetail(c, deps, session, { alert: result.message }), 422)
    return c.redirect(`${sessionPath(session.id)}?dipindah=1`, 303)
  })

  /** The session of the address, when the staff member's scope holds it (else undefined: a 404). */
  async function find(c: Context<ConsoleEnv>): Promise<SessionRow | undefined> {
    const id = Number(c.req.param('id'))
    if (!Number.isSafeInteger(id) || !(await sessionInScope(db, await staffScope(db, c.get('staff')), id))) return undefined
    return await sessionById(db, id)
  }

  async function save(c: Context<ConsoleEnv>, target: 'create' | SessionRow, values: SessionFormValues) {
    const staff = c.get('staff')
    const scope = await staffScope(db, staff)
    if (target !== 'create' && target.cancelledAt)
      return c.html(await sessionDetail(c, deps, target, { alert: 'Sesi yang dibatalkan tidak dapat diubah.' }), 409)
    const checked = await checkSessionForm(db, values)
    if (!checked.ok) return c.html(await formPage(c, target, values, checked.errors), 422)
    // A regional account plans its own region's sessions only.
    if (scope && checked.fields.regionId !== scope.id)
      return c.html(await formPage(c, target, values, { region: `hanya wilayah Anda (${scope.code})` }), 422)
    const saved = await saveSession(db, checked.fields, {
      actor: actorOf(staff),
      now: deps.clock(),
      reminders: deps.reminders,
      target: target === 'create' ? 'create' : target.id,
    })
    if (!saved.ok) return c.html(await formPage(c, target, values, saved.errors), 422)
    return c.redirect(`${sessionPath(saved.id)}?disimpan=1`, 303)
  }

  async function formPage(
    c: Context<ConsoleEnv>,
    target: 'create' | SessionRow,
    values: SessionFormValues,
    errors: SessionFormErrors,
  ) {
    const scope = await staffScope(db, c.get('staff'))
    const regions = (await consoleRegions(db)).filter((r) => !scope || r.id === scope.id)
    const editing = target !== 'create'
    const form = sessionForm(c, {
      action: editing ? `${sessionPath(target.id)}/ubah` : `${BASE}/baru`,
      values,
      errors,
      regions,
      editing,
      submit: 'Simpan sesi',
    })
    const note =
      editing &&
      html`<p class="notice">Bila jadwal atau tempat diubah, pengingat peserta terkonfirmasi direncanakan ulang dengan waktu dan tempat baru. Kapasitas tidak boleh lebih kecil dari kursi yang sudah terisi atau ditawarkan.</p>`
    const back = html`<p><a href="${editing ? sessionPath(target.id) : BASE}">Batal, kembali</a></p>`
    return deps.render(c, {
      title: editing ? `Ubah sesi ${target.code}` : 'Sesi baru',
      active: 'sesi',
      body: html`${note}${form}${back}`,
    })
  }

  function notFound(c: Context<ConsoleEnv>) {
    const body = html`<p class="empty">Tidak ada sesi dengan alamat itu.</p><p><a href="${BASE}">Kembali ke daftar sesi</a></p>`
    return c.html(deps.render(c, { title: 'Sesi tidak ditemukan', active: 'sesi', body }), 404)
  }

  function forbidden(c: Context<ConsoleEnv>) {
    const body = html`<p class="alert" role="alert">Akun pemantau hanya dapat melihat; sesi diubah oleh admin pusat atau petugas wilayah.</p>`
    return c.html(deps.render(c, { title: 'Tidak diizinkan', active: 'sesi', body }), 403)
  }

  return app
}
