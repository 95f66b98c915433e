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
import { localText } from '../../core/import/cells.js'
import { zoneLabelOrName } from '../../core/regions.js'
import type { ReminderSettings } from '../../core/reminders/settings.js'
import { markAttendance } from '../../core/sessions/attendance.js'
import { cancelSession, MAX_CANCEL_REASON } from '../../core/sessions/cancel-session.js'
import { checkSessionForm, saveSession } from '../../core/sessions/import.js'
import { registrationsCsv } from '../../core/sessions/listing.js'
import { moveRegistration } from '../../core/sessions/move-registration.js'
import { TARGET_GROUPS } from '../../core/sessions/target-groups.js'
import type { Db } from '../../db/client.js'
import { consoleRegions, sessionInScope } from '../../db/queries/console-scope.js'
import { consoleSessions, moveTargets, SESSION_STATES, type SessionState } from '../../db/queries/console-sessions.js'
import { listSessionRegistrations, type SessionRegistration, type SessionRow, sessionById } from '../../db/queries/sessions.js'
import { auditLog } from '../../db/schema.js'
import { Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv, Staff } from './env.js'
import { formText } from './forms.js'
import { csrfField } from './layout.js'
import { seesPersonalData, shownName, staffScope } from './scope.js'
import { postedValues, type SessionFormErrors, type SessionFormValues, sessionForm, storedValues } from './session-form.js'

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
const BASE = '/admin/sesi'
const MAX_QUERY = 100

const STATE_LABEL: Record<SessionState, string> = {
  upcoming: 'Akan datang',
  past: 'Sudah dimulai / selesai',
  cancelled: 'Dibatalkan',
  all: 'Semua',
}
const MODE_LABEL = { tatap_muka: 'Tatap muka', daring: 'Daring' } as const
const STATUS_LABEL: Record<SessionRegistration['status'], string> = {
  confirmed: 'Terkonfirmasi',
  offered: 'Ditawari kursi',
  waitlisted: 'Daftar tunggu',
  cancelled: 'Dibatalkan',
}

const number = (n: number) => n.toLocaleString('id-ID')
/** "2026-12-14 08:00 WITA": as the sessions file writes times, with the zone. */
const at = (date: Date, zone: string) => `${localText(date, zone)} ${zoneLabelOrName(zone)}`
const sessionPath = (id: number) => `${BASE}/${id}`
const actorOf = (staff: Staff) => `staff:${staff.id}`
const mayChange = (staff: Staff) => staff.role !== 'viewer'

/** The Sesi Bimtek routes, to mount under /admin behind the console's session guard. */
export function sessionsRoutes(deps: SessionsPageDeps) {
  const app = new Hono<ConsoleEnv>()
  const { db } = deps

  app.get('/sesi', (c) => {
    const staff = c.get('staff')
    const regions = consoleRegions(db)
    const scope = staffScope(db, staff, regions)
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
    const { total } = consoleSessions(db, filter, { limit: 0, offset: 0 })
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const asked = Number.parseInt(c.req.query('page') ?? '1', 10)
    const page = Number.isSafeInteger(asked) ? Math.min(Math.max(asked, 1), pages) : 1
    const { rows } = consoleSessions(db, filter, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
    const link = (n: number) => {
      const params = new URLSearchParams()
      for (const [key, value] of Object.entries(query)) if (value) params.set(key, value)
      if (n > 1) params.set('page', String(n))
      return `${BASE}?${params}`
    }
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
${
  pages > 1 &&
  html`<nav class="pager" aria-label="Halaman sesi">${page > 1 && html`<a href="${link(page - 1)}" rel="prev">‹ Sebelumnya</a>`}
<span>Halaman ${number(page)} dari ${number(pages)}</span>${page < pages && html`<a href="${link(page + 1)}" rel="next">Berikutnya ›</a>`}</nav>`
}`
    const notice = c.req.query('dibuat') ? html`<p class="notice" role="status">Sesi disimpan.</p>` : ''
    const body = html`${notice}${mayChange(staff) && html`<p><a href="${BASE}/baru">Buat sesi baru</a></p>`}${filters}${list}`
    return c.html(deps.render(c, { title: 'Sesi Bimtek', active: 'sesi', body }))
  })

  app.get('/sesi/baru', (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    return c.html(formPage(c, 'create', { region: staffScope(db, c.get('staff'))?.code ?? '' }, {}))
  })

  app.post('/sesi/baru', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    return save(c, 'create', postedValues(await c.req.parseBody()))
  })

  app.get('/sesi/:id{[0-9]+}', (c) => {
    const session = find(c)
    if (!session) return notFound(c)
    const notices: Record<string, string> = {
      disimpan: 'Sesi disimpan.',
      dibatalkan: 'Sesi dibatalkan. Setiap peserta diberi tahu lewat chat.',
      kehadiran: 'Kehadiran dicatat.',
      dipindah: 'Peserta dipindahkan dan diberi tahu lewat chat.',
    }
    const done = Object.keys(notices).find((key) => c.req.query(key) !== undefined)
    return c.html(detail(c, session, { notice: done && notices[done] }))
  })

  app.get('/sesi/:id{[0-9]+}/ubah', (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const session = find(c)
    if (!session) return notFound(c)
    if (session.cancelledAt) return c.html(detail(c, session, { alert: 'Sesi yang dibatalkan tidak dapat diubah.' }), 409)
    return c.html(formPage(c, session, storedValues(session), {}))
  })

  app.post('/sesi/:id{[0-9]+}/ubah', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const session = find(c)
    if (!session) return notFound(c)
    // The code is the session's key (the sessions file matches on it): it stays what it is.
    return save(c, session, { ...postedValues(await c.req.parseBody()), code: session.code })
  })

  app.get('/sesi/:id{[0-9]+}/batal', (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const session = find(c)
    if (!session) return notFound(c)
    return c.html(cancelPage(c, session, '', undefined))
  })

  app.post('/sesi/:id{[0-9]+}/batal', async (c) => {
    const staff = c.get('staff')
    if (!mayChange(staff)) return forbidden(c)
    const session = find(c)
    if (!session) return notFound(c)
    const reason = formText(await c.req.parseBody(), 'reason')
    const result = cancelSession(db, session.id, { reason, actor: actorOf(staff), now: deps.clock(), reminders: deps.reminders })
    if (!result.ok) {
      if (result.error === 'NOT_FOUND') return notFound(c)
      return c.html(cancelPage(c, session, reason, result.message), 422)
    }
    return c.redirect(`${sessionPath(session.id)}?dibatalkan=${result.registrations}`, 303)
  })

  app.get('/sesi/:id{[0-9]+}/peserta.csv', (c) => {
    const staff = c.get('staff')
    const session = find(c)
    if (!session) return notFound(c)
    // The file holds full names and phone numbers: not for viewer, and every download is on record.
    if (!seesPersonalData(staff)) return forbidden(c)
    const registrants = listSessionRegistrations(db, session.id)
    db.insert(auditLog)
      .values({
        at: deps.clock(),
        actor: actorOf(staff),
        action: 'session.registrants_exported',
        entity: 'bimtek_session',
        entityId: session.code,
        details: JSON.stringify({ rows: registrants.length }),
      })
      .run()
    return c.body(registrationsCsv(registrants, session.timeZone), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="peserta-${session.code.replace(/[^A-Za-z0-9-]/g, '_')}.csv"`,
      'cache-control': 'no-store',
    })
  })

  app.post('/sesi/:id{[0-9]+}/kehadiran', async (c) => {
    const staff = c.get('staff')
    if (!mayChange(staff)) return forbidden(c)
    const session = find(c)
    if (!session) return notFound(c)
    const body = await c.req.parseBody()
    const hadir = formText(body, 'hadir')
    const result =
      hadir === 'ya' || hadir === 'tidak'
        ? markAttendance(db, {
            sessionId: session.id,
            code: formText(body, 'code'),
            attended: hadir === 'ya',
            actor: actorOf(staff),
            now: deps.clock(),
          })
        : ({ ok: false, message: 'Pilih hadir atau tidak hadir.' } as const)
    if (!result.ok) return c.html(detail(c, session, { alert: result.message }), 422)
    return c.redirect(`${sessionPath(session.id)}?kehadiran=1`, 303)
  })

  app.post('/sesi/:id{[0-9]+}/pindah', async (c) => {
    const staff = c.get('staff')
    if (!mayChange(staff)) return forbidden(c)
    const session = find(c)
    if (!session) return notFound(c)
    const body = await c.req.parseBody()
    const result = moveRegistration(db, {
      fromId: session.id,
      code: formText(body, 'code'),
      toId: Number(formText(body, 'to')) || -1,
      actor: actorOf(staff),
      now: deps.clock(),
      offerMs: deps.offerHours * 3_600_000,
      reminders: deps.reminders,
    })
    if (!result.ok) return c.html(detail(c, session, { alert: result.message }), 422)
    return c.redirect(`${sessionPath(session.id)}?dipindah=1`, 303)
  })

  /** The session of the address, when the staff member's scope holds it (else undefined: a 404). */
  function find(c: Context<ConsoleEnv>): SessionRow | undefined {
    const id = Number(c.req.param('id'))
    if (!Number.isSafeInteger(id) || !sessionInScope(db, staffScope(db, c.get('staff')), id)) return undefined
    return sessionById(db, id)
  }

  function save(c: Context<ConsoleEnv>, target: 'create' | SessionRow, values: SessionFormValues) {
    const staff = c.get('staff')
    const scope = staffScope(db, staff)
    if (target !== 'create' && target.cancelledAt)
      return c.html(detail(c, target, { alert: 'Sesi yang dibatalkan tidak dapat diubah.' }), 409)
    const checked = checkSessionForm(db, values)
    if (!checked.ok) return c.html(formPage(c, target, values, checked.errors), 422)
    // A regional account plans its own region's sessions only.
    if (scope && checked.fields.regionId !== scope.id)
      return c.html(formPage(c, target, values, { region: `hanya wilayah Anda (${scope.code})` }), 422)
    const saved = saveSession(db, checked.fields, {
      actor: actorOf(staff),
      now: deps.clock(),
      reminders: deps.reminders,
      target: target === 'create' ? 'create' : target.id,
    })
    if (!saved.ok) return c.html(formPage(c, target, values, saved.errors), 422)
    return c.redirect(`${sessionPath(saved.id)}?disimpan=1`, 303)
  }

  function formPage(c: Context<ConsoleEnv>, target: 'create' | SessionRow, values: SessionFormValues, errors: SessionFormErrors) {
    const scope = staffScope(db, c.get('staff'))
    const regions = consoleRegions(db).filter((r) => !scope || r.id === scope.id)
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

  function cancelPage(c: Context<ConsoleEnv>, session: SessionRow, reason: string, error: string | undefined) {
    const standing = listSessionRegistrations(db, session.id).filter((r) => r.status !== 'cancelled').length
    const body = session.cancelledAt
      ? html`<p class="notice">Sesi ini sudah dibatalkan.</p><p><a href="${sessionPath(session.id)}">Kembali ke sesi</a></p>`
      : html`<p>Sesi <strong>${session.code}</strong> · ${session.title} · ${at(session.startsAt, session.timeZone)}</p>
<p class="alert">Membatalkan sesi tidak dapat diurungkan. ${number(standing)} pendaftaran yang masih berlaku (terkonfirmasi, ditawari, daftar tunggu) ikut dibatalkan, dan setiap peserta diberi tahu lewat chat beserta alasannya.</p>
<form method="post" action="${sessionPath(session.id)}/batal">${csrfField(c.get('csrf'))}
<div class="field"><label for="f-reason">Alasan pembatalan</label>
<span class="hint" id="f-reason-hint">Wajib, 5–${MAX_CANCEL_REASON} karakter. Dikirim ke setiap peserta.</span>
<textarea id="f-reason" name="reason" rows="3" required aria-describedby="f-reason-hint${error ? ' f-reason-error' : ''}"${
          error ? new Html(' aria-invalid="true"') : ''
        }>${reason}</textarea>
${error && html`<span class="error" id="f-reason-error">${error}</span>`}</div>
<button type="submit">Ya, batalkan sesi ini</button></form>
<p><a href="${sessionPath(session.id)}">Tidak, kembali ke sesi</a></p>`
    return deps.render(c, { title: `Batalkan sesi ${session.code}`, active: 'sesi', body })
  }

  function detail(c: Context<ConsoleEnv>, session: SessionRow, extra: { notice?: string | undefined; alert?: string }) {
    const staff = c.get('staff')
    const now = deps.clock()
    const zone = session.timeZone
    const registrants = listSessionRegistrations(db, session.id)
    const started = session.startsAt <= now
    const changeable = mayChange(staff) && !session.cancelledAt
    const targets = changeable && !started ? moveTargets(db, session.id, now) : []
    const count = (status: SessionRegistration['status']) => registrants.filter((r) => r.status === status).length
    const group = (status: SessionRegistration['status'], title: string) => {
      const rows = registrants.filter((r) => r.status === status)
      const attendance = status === 'confirmed' && changeable && started
      const move = status !== 'cancelled' && targets.length > 0
      return html`<section aria-labelledby="g-${status}"><h3 id="g-${status}">${title} (${number(rows.length)})</h3>
${
  rows.length === 0
    ? html`<p class="empty">Tidak ada.</p>`
    : html`<div class="table-scroll"><table><thead><tr><th scope="col">Kode</th>${status === 'waitlisted' && html`<th scope="col">Urutan</th>`}<th scope="col">Nama</th>
${seesPersonalData(staff) && html`<th scope="col">Telepon</th>`}<th scope="col">Instansi</th><th scope="col">Terdaftar</th>
${status === 'confirmed' && html`<th scope="col">Kehadiran</th>`}${move && html`<th scope="col">Pindahkan</th>`}</tr></thead>
<tbody>${rows.map(
        (
          r,
        ) => html`<tr><td>${r.code}</td>${status === 'waitlisted' && html`<td>${r.waitlistPosition}</td>`}<td>${shownName(staff, r.fullName)}</td>
${seesPersonalData(staff) && html`<td>${r.phoneE164 ?? '—'}</td>`}<td>${seesPersonalData(staff) ? (r.institution ?? '—') : '—'}</td><td>${at(r.createdAt, zone)}</td>
${status === 'confirmed' && html`<td>${r.attendedAt ? 'Hadir' : '—'}${attendance && attendanceForm(c, session, r)}</td>`}
${move && html`<td>${moveForm(c, session, r, targets)}</td>`}</tr>`,
      )}</tbody></table></div>`
}</section>`
    }
    const actions =
      changeable &&
      html`<p><a href="${sessionPath(session.id)}/ubah">Ubah sesi</a>${!started && html` · <a href="${sessionPath(session.id)}/batal">Batalkan sesi</a>`}</p>`
    const body = html`${extra.notice && html`<p class="notice" role="status">${extra.notice}</p>`}
${extra.alert && html`<p class="alert" role="alert">${extra.alert}</p>`}
${session.cancelledAt && html`<p class="alert">Dibatalkan ${at(session.cancelledAt, zone)}. Alasan: ${session.cancelReason ?? '—'}</p>`}
${actions}
<dl>
<dt>Judul</dt><dd>${session.title}</dd>
<dt>Sasaran</dt><dd>${session.targetGroup}</dd>
<dt>Wilayah</dt><dd>${session.regionCode} · ${session.regionCity}</dd>
<dt>Cara</dt><dd>${MODE_LABEL[session.mode]}</dd>
${session.venue && html`<dt>Tempat</dt><dd>${session.venue}</dd>`}
${session.mapUrl && html`<dt>Peta</dt><dd><a href="${session.mapUrl}">${session.mapUrl}</a></dd>`}
${session.meetingUrl && html`<dt>Tautan rapat</dt><dd><a href="${session.meetingUrl}">${session.meetingUrl}</a></dd>`}
<dt>Waktu</dt><dd>${at(session.startsAt, zone)} s.d. ${at(session.endsAt, zone)}</dd>
<dt>Pendaftaran</dt><dd>${at(session.registrationOpensAt, zone)} s.d. ${at(session.registrationClosesAt, zone)}</dd>
<dt>Kursi</dt><dd>${number(count('confirmed'))} terkonfirmasi dari ${number(session.capacity)} · ${number(count('offered'))} ditawari · ${number(count('waitlisted'))} menunggu</dd>
</dl>
<h2>Peserta</h2>
${
  seesPersonalData(staff)
    ? html`<p><a href="${sessionPath(session.id)}/peserta.csv" download>Unduh CSV peserta</a></p>`
    : html`<p class="notice">Nama disamarkan dan nomor telepon tidak ditampilkan untuk akun pemantau.</p>`
}
${group('confirmed', STATUS_LABEL.confirmed)}${group('offered', STATUS_LABEL.offered)}${group('waitlisted', 'Daftar tunggu (urut)')}${group('cancelled', STATUS_LABEL.cancelled)}
<p><a href="${BASE}">Kembali ke daftar sesi</a></p>`
    return deps.render(c, { title: `Sesi ${session.code}`, active: 'sesi', body })
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

function attendanceForm(c: Context<ConsoleEnv>, session: SessionRow, r: SessionRegistration): Html {
  const id = `hadir-${r.code}`
  return html`<form method="post" action="${sessionPath(session.id)}/kehadiran" class="inline">${csrfField(c.get('csrf'))}
<input type="hidden" name="code" value="${r.code}">
<label for="${id}">Kehadiran ${r.code}</label>
<select id="${id}" name="hadir"><option value="ya"${r.attendedAt ? new Html(' selected') : ''}>Hadir</option><option value="tidak"${r.attendedAt ? '' : new Html(' selected')}>Tidak hadir</option></select>
<button type="submit">Simpan</button></form>`
}

function moveForm(
  c: Context<ConsoleEnv>,
  session: SessionRow,
  r: SessionRegistration,
  targets: ReturnType<typeof moveTargets>,
): Html {
  const id = `pindah-${r.code}`
  return html`<form method="post" action="${sessionPath(session.id)}/pindah" class="inline">${csrfField(c.get('csrf'))}
<input type="hidden" name="code" value="${r.code}">
<label for="${id}">Pindahkan ${r.code} ke</label>
<select id="${id}" name="to">${targets.map((t) => html`<option value="${t.id}">${t.code} · ${at(t.startsAt, t.timeZone)}</option>`)}</select>
<button type="submit">Pindahkan</button></form>`
}
