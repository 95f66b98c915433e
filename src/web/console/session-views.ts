/**
 * What the Sesi Bimtek routes (sessions-page.ts) show of one session: its page with the registrants,
 * and the confirm step of cancelling it.
 */
import type { Context } from 'hono'
import { localText } from '../../core/import/cells.js'
import { zoneLabelOrName } from '../../core/regions.js'
import { MAX_CANCEL_REASON } from '../../core/sessions/cancel-session.js'
import type { Db } from '../../db/client.js'
import { moveTargets } from '../../db/queries/console-sessions.js'
import { listSessionRegistrations, type SessionRegistration, type SessionRow } from '../../db/queries/sessions.js'
import { Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv, Staff } from './env.js'
import { csrfField } from './layout.js'
import { seesPersonalData, shownName } from './scope.js'

export type SessionViewDeps = { db: Db; clock: () => Date; render: RenderPage }

export const BASE = '/admin/sesi'
export const MODE_LABEL = { tatap_muka: 'Tatap muka', daring: 'Daring' } as const
const STATUS_LABEL: Record<SessionRegistration['status'], string> = {
  confirmed: 'Terkonfirmasi',
  offered: 'Ditawari kursi',
  waitlisted: 'Daftar tunggu',
  cancelled: 'Dibatalkan',
}

export const number = (n: number) => n.toLocaleString('id-ID')
/** "2026-12-14 08:00 WITA": as the sessions file writes times, with the zone. */
export const at = (date: Date, zone: string) => `${localText(date, zone)} ${zoneLabelOrName(zone)}`
export const sessionPath = (id: number) => `${BASE}/${id}`
export const mayChange = (staff: Staff) => staff.role !== 'viewer'

/** The confirm step of cancelling: what it ends, and the reason (with its error beside it). */
export async function cancelPage(
  c: Context<ConsoleEnv>,
  deps: SessionViewDeps,
  session: SessionRow,
  reason: string,
  error: string | undefined,
): Promise<string> {
  const { db } = deps
  const standing = (await listSessionRegistrations(db, session.id)).filter((r) => r.status !== 'cancelled').length
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

/**
 * One session: its details, then its registrants by status (names masked and no phone for viewer),
 * with the attendance and move forms where the staff member may change it.
 */
export async function sessionDetail(
  c: Context<ConsoleEnv>,
  deps: SessionViewDeps,
  session: SessionRow,
  extra: { notice?: string | undefined; alert?: string },
): Promise<string> {
  const { db } = deps
  const staff = c.get('staff')
  const now = deps.clock()
  const zone = session.timeZone
  const registrants = await listSessionRegistrations(db, session.id)
  const started = session.startsAt <= now
  const changeable = mayChange(staff) && !session.cancelledAt
  const targets = changeable && !started ? await moveTargets(db, session.id, now) : []
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
    html`<p><a href="${sessionPath(session.id)}/ubah">Ubah sesi</a>${!started && html` · <a href="${sessionPath(session.id)}/batal">Batalkan sesi</a>`} · <a href="/admin/pengumuman/baru?sesi=${session.id}&amp;pendaftar=confirmed">Kirim pengumuman ke pendaftar</a></p>`
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
  targets: Awaited<ReturnType<typeof moveTargets>>,
): Html {
  const id = `pindah-${r.code}`
  return html`<form method="post" action="${sessionPath(session.id)}/pindah" class="inline">${csrfField(c.get('csrf'))}
<input type="hidden" name="code" value="${r.code}">
<label for="${id}">Pindahkan ${r.code} ke</label>
<select id="${id}" name="to">${targets.map((t) => html`<option value="${t.id}">${t.code} · ${at(t.startsAt, t.timeZone)}</option>`)}</select>
<button type="submit">Pindahkan</button></form>`
}
