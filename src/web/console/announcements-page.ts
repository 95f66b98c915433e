/**
 * Pengumuman (docs/announcements.md): one message from the secretariat to the people an audience
 * selects, through the outbox, with its per-person report.
 *
 *   GET  /pengumuman                     the list, newest first (scoped by the maker's region)
 *   GET  /pengumuman/baru, POST          a new draft (admin, regional); `?sesi=<id>&pendaftar=confirmed` prefills
 *   GET  /pengumuman/:id                 a draft: reach, notes, previews, the send form; later: totals and the report
 *   GET  /pengumuman/:id/ubah, POST      edit a draft
 *   POST /pengumuman/:id/kirim           send now or at a time in the recipients' zones (urgent: confirmed twice)
 *   POST /pengumuman/:id/batal           cancel what is not yet sent (confirmed)
 *   GET  /pengumuman/:id/penerima.csv    the report as CSV (not for viewer), audited
 *
 * A `regional` account sees and writes its region's announcements only (another region's address
 * is a 404 page); `viewer` sees the lists and totals with names masked, no preview, changes nothing
 * (403) and exports nothing. Every change is audited by the core's use cases.
 */
import { type Context, Hono } from 'hono'
import { describeAudience } from '../../core/announcements/criteria.js'
import type { AnnounceProblem } from '../../core/announcements/problems.js'
import { RECIPIENT_STATUS_LABELS, recipientStatus, recipientsCsv } from '../../core/announcements/report.js'
import {
  type AnnounceContext,
  type AnnouncementRecord,
  announcementInScope,
  cancelAnnouncement,
  createAnnouncement,
  previewAnnouncement,
  queueAnnouncement,
  type SendWhen,
  sendAnnouncement,
  updateDraft,
} from '../../core/announcements/service.js'
import { atZone, localDateTime, localText } from '../../core/import/cells.js'
import { formatLocalDateTime, zoneLabelOrName } from '../../core/regions.js'
import type { ReminderSettings } from '../../core/reminders/settings.js'
import type { Db } from '../../db/client.js'
import {
  allRecipientLines,
  announcementTotals,
  RECIPIENT_STATUS_KEYS,
  type RecipientStatusKey,
  recipientLines,
} from '../../db/queries/announcements.js'
import { writeAudit } from '../../db/queries/audit.js'
import {
  announcementList,
  announcementMaker,
  announcementSessions,
  regionTimeZone,
} from '../../db/queries/console-announcements.js'
import { consoleRegions } from '../../db/queries/console-scope.js'
import { ANNOUNCEMENT_STATUSES, type AnnouncementStatus, type AudienceCriteria } from '../../vocabulary/announcements.js'
import { Html, html } from '../html.js'
import {
  type AnnouncementFormErrors,
  type AnnouncementFormValues,
  announcementForm,
  audienceOf,
  postedAnnouncement,
  prefilledAnnouncement,
  storedAnnouncement,
} from './announcement-form.js'
import {
  ANNOUNCEMENT_STATUS_LABEL,
  ANNOUNCEMENTS,
  announcementPath,
  notesList,
  number,
  previews,
  reachTable,
  recipientTable,
  totalsView,
} from './announcement-views.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv, Staff } from './env.js'
import { formText } from './forms.js'
import { csrfField } from './layout.js'
import { pager, queryString } from './pager.js'
import { seesPersonalData, staffScope } from './scope.js'
import { at } from './session-views.js'

/** What the server lends the page: queuing in the background and the outbox woken at once, the WhatsApp cap. */
export type AnnounceDeps = {
  /** Wakes the outbox: the queued rows go within seconds. */
  deliverSoon(): void
  /** WHATSAPP_DAILY_CAP. */
  capPerDay?: number
  /** WhatsApp announcement sends left today (WIB day). */
  capRemaining?(now: Date): Promise<number>
  /** Queues an announcement in the background (then wakes the outbox); without it the page queues before answering. */
  queue?(id: number): void
}

export type AnnouncementsPageDeps = {
  db: Db
  clock: () => Date
  render: RenderPage
  /** Quiet hours: announcements wait for their end unless urgent. */
  reminders: ReminderSettings
  announce?: AnnounceDeps | undefined
}

export const LIST_SIZE = 50
export const REPORT_SIZE = 50
/** Queuing in the request (tests, a server without a background queue): one batch after another without pause. */
const QUEUE_NOW = { batchPeople: 5_000, pauseMs: 0 }
const WIB = 'Asia/Jakarta'

const mayChange = (staff: Staff) => staff.role !== 'viewer'

type SendForm = { tanggal: string; jam: string; mendesak: boolean; yakin: boolean }
type SendErrors = { jadwal?: string; mendesak?: string }
type DetailExtra = {
  notice?: string | undefined
  alert?: string | undefined
  send?: SendForm
  sendErrors?: SendErrors
  cancelError?: string
}

/** The Pengumuman routes, to mount under /admin behind the console's session guard. */
export function announcementRoutes(deps: AnnouncementsPageDeps) {
  const app = new Hono<ConsoleEnv>()
  const { db } = deps

  const contextOf = async (c: Context<ConsoleEnv>): Promise<AnnounceContext> => {
    const staff = c.get('staff')
    return { scope: await staffScope(db, staff), actor: `staff:${staff.id}`, staffId: staff.id, now: deps.clock() }
  }

  app.get('/pengumuman', async (c) => c.html(await listPage(c)))

  app.get('/pengumuman/baru', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    return c.html(
      await formPage(
        c,
        'create',
        prefilledAnnouncement((name) => c.req.query(name)),
        {},
      ),
    )
  })

  app.post('/pengumuman/baru', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const values = postedAnnouncement(await c.req.parseBody({ all: true }))
    const input = await inputOf(c, values)
    if (!input.ok) return c.html(await formPage(c, 'create', values, input.errors), 422)
    const made = await createAnnouncement(db, input.value, await contextOf(c))
    if (!made.ok) return c.html(await formPage(c, 'create', values, await refusal(c, made.problems)), 422)
    return c.redirect(`${announcementPath(made.value.id)}?disimpan=1`, 303)
  })

  app.get('/pengumuman/:id{[0-9]+}', async (c) => {
    const record = await find(c)
    if (!record) return notFound(c)
    const notices: Record<string, string> = {
      disimpan: 'Draf disimpan. Periksa jangkauan dan pratinjaunya, lalu kirim.',
      dikirim: 'Pengumuman diantrekan: pesan dikirim bertahap mengikuti kecepatan kanal.',
      dijadwalkan: 'Pengumuman dijadwalkan.',
      dibatalkan: 'Pengumuman dibatalkan: yang belum terkirim tidak akan dikirim.',
    }
    const done = Object.keys(notices).find((key) => c.req.query(key) !== undefined)
    return c.html(await detailPage(c, record, { notice: done && notices[done] }))
  })

  app.get('/pengumuman/:id{[0-9]+}/ubah', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const record = await find(c)
    if (!record) return notFound(c)
    if (record.status !== 'draft') return c.html(await detailPage(c, record, { alert: 'Hanya draf yang dapat diubah.' }), 409)
    const expires = record.expiresAt ? localText(record.expiresAt, await zoneOf(c)).replace(' ', 'T') : ''
    return c.html(await formPage(c, record, storedAnnouncement(record, expires), {}))
  })

  app.post('/pengumuman/:id{[0-9]+}/ubah', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const record = await find(c)
    if (!record) return notFound(c)
    if (record.status !== 'draft') return c.html(await detailPage(c, record, { alert: 'Hanya draf yang dapat diubah.' }), 409)
    const values = postedAnnouncement(await c.req.parseBody({ all: true }))
    const input = await inputOf(c, values)
    if (!input.ok) return c.html(await formPage(c, record, values, input.errors), 422)
    const saved = await updateDraft(db, record.id, input.value, await contextOf(c))
    if (!saved.ok) return c.html(await formPage(c, record, values, await refusal(c, saved.problems)), 422)
    return c.redirect(`${announcementPath(record.id)}?disimpan=1`, 303)
  })

  app.post('/pengumuman/:id{[0-9]+}/kirim', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const record = await find(c)
    if (!record) return notFound(c)
    const body = await c.req.parseBody()
    const mode = formText(body, 'mode')
    const send: SendForm = {
      tanggal: formText(body, 'tanggal').trim().slice(0, 20),
      jam: formText(body, 'jam').trim().slice(0, 10),
      mendesak: formText(body, 'mendesak') === 'ya',
      yakin: formText(body, 'mendesak_yakin') === 'ya',
    }
    const refuse = async (sendErrors: SendErrors, alert?: string) =>
      c.html(
        await detailPage(c, record, {
          send,
          sendErrors,
          alert: alert ?? 'Pengumuman belum dikirim: periksa isian yang ditandai.',
        }),
        422,
      )
    if (send.mendesak && !send.yakin)
      return refuse({ mendesak: 'Centang juga konfirmasinya: pesan mendesak dapat tiba pada jam tenang (malam hari).' })
    let when: SendWhen
    // Enter in the date or time field submits with the first button ("Kirim sekarang"): a schedule
    // typed and then sent now would be a surprise, so it is asked about instead.
    if (mode === 'now' && (send.tanggal || send.jam))
      return refuse({
        jadwal:
          'Anda mengisi jadwal: tekan "Jadwalkan" untuk mengirim pada waktu itu, atau kosongkan tanggal dan jam untuk mengirim sekarang.',
      })
    if (mode === 'now') when = { mode: 'now' }
    else if (mode === 'schedule') {
      if (!send.tanggal || !send.jam) return refuse({ jadwal: 'Isi tanggal dan jam kirim.' })
      when = { mode: 'schedule', localDate: send.tanggal, localTime: send.jam }
    } else return refuse({ jadwal: 'Pilih "Kirim sekarang" atau "Jadwalkan".' })
    const sent = await sendAnnouncement(db, record.id, when, send.mendesak, await contextOf(c), deps.reminders.quiet)
    if (!sent.ok) {
      const errors = errorsOf(sent.problems)
      return refuse(
        { ...(errors.jadwal && { jadwal: errors.jadwal }) },
        errors.form ?? (errors.jadwal ? undefined : Object.values(errors).join(' ')),
      )
    }
    // A second click, or the form posted again: answered as the first was, nothing queued twice.
    if (record.status !== 'draft') return c.redirect(announcementPath(record.id), 303)
    if (sent.value.status === 'queuing') {
      if (deps.announce?.queue) deps.announce.queue(record.id)
      else {
        await queueAnnouncement(db, record.id, deps.clock, QUEUE_NOW)
        deps.announce?.deliverSoon()
      }
      return c.redirect(`${announcementPath(record.id)}?dikirim=1`, 303)
    }
    return c.redirect(`${announcementPath(record.id)}?dijadwalkan=1`, 303)
  })

  app.post('/pengumuman/:id{[0-9]+}/batal', async (c) => {
    if (!mayChange(c.get('staff'))) return forbidden(c)
    const record = await find(c)
    if (!record) return notFound(c)
    const body = await c.req.parseBody()
    if (formText(body, 'yakin') !== 'ya')
      return c.html(await detailPage(c, record, { cancelError: 'Centang konfirmasinya untuk membatalkan.' }), 422)
    const result = await cancelAnnouncement(db, record.id, await contextOf(c))
    if (!result.ok) return c.html(await detailPage(c, record, { alert: result.problems.map((p) => p.message).join(' ') }), 409)
    return c.redirect(`${announcementPath(record.id)}?dibatalkan=${result.value.cancelledRows}`, 303)
  })

  app.get('/pengumuman/:id{[0-9]+}/penerima.csv', async (c) => {
    const staff = c.get('staff')
    const record = await find(c)
    if (!record) return notFound(c)
    // Names and masked chats of every recipient: not for viewer, and every download is on record.
    if (!seesPersonalData(staff)) return forbidden(c)
    const lines = await allRecipientLines(db, record.id)
    await writeAudit(db, {
      at: deps.clock(),
      actor: `staff:${staff.id}`,
      action: 'announcement.recipients_exported',
      entity: 'announcement',
      entityId: record.code,
      details: { rows: lines.length },
    })
    return c.body(recipientsCsv(record.code, lines), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="penerima-${record.code.replace(/[^A-Za-z0-9-]/g, '_')}.csv"`,
      'cache-control': 'no-store',
    })
  })

  /** The announcement of the address, when the staff member's scope holds it (else undefined: a 404). */
  async function find(c: Context<ConsoleEnv>): Promise<AnnouncementRecord | undefined> {
    const id = Number(c.req.param('id'))
    if (!Number.isSafeInteger(id)) return undefined
    return await announcementInScope(db, await staffScope(db, c.get('staff')), id)
  }

  /** The core's problems beside their fields, with the address of the same announcement when it exists already. */
  async function refusal(c: Context<ConsoleEnv>, problems: readonly AnnounceProblem[]): Promise<AnnouncementFormErrors> {
    const errors: AnnouncementFormErrors = errorsOf(problems)
    const code = problems.find((p) => p.existingCode)?.existingCode
    const same = code === undefined ? undefined : await announcementInScope(db, await staffScope(db, c.get('staff')), code)
    if (same) errors.existing = announcementPath(same.id)
    return errors
  }

  /** The zone the form's end time is read in: the regional account's region's, else WIB. */
  async function zoneOf(c: Context<ConsoleEnv>): Promise<string> {
    const scope = await staffScope(db, c.get('staff'))
    if (!scope || scope.id < 0) return WIB
    return (await regionTimeZone(db, scope.id)) ?? WIB
  }

  /** The form's values as the core's input; the end time read here (the core checks the rest). */
  async function inputOf(
    c: Context<ConsoleEnv>,
    values: AnnouncementFormValues,
  ): Promise<{ ok: true; value: Parameters<typeof createAnnouncement>[1] } | { ok: false; errors: AnnouncementFormErrors }> {
    let expiresAt: Date | null = null
    if (values.kedaluwarsa) {
      const local = localDateTime(values.kedaluwarsa)
      if ('reason' in local) return { ok: false, errors: { kedaluwarsa: local.reason } }
      expiresAt = atZone(local.value, await zoneOf(c))
      if (expiresAt <= deps.clock()) return { ok: false, errors: { kedaluwarsa: 'harus di masa depan' } }
    }
    return {
      ok: true,
      value: {
        audience: audienceOf(values),
        textId: values.teks_id,
        textEn: values.teks_en.trim() ? values.teks_en : null,
        expiresAt,
      },
    }
  }

  async function formPage(
    c: Context<ConsoleEnv>,
    target: 'create' | AnnouncementRecord,
    values: AnnouncementFormValues,
    errors: AnnouncementFormErrors,
  ): Promise<string> {
    const staff = c.get('staff')
    const regions = await consoleRegions(db)
    const scope = await staffScope(db, staff, regions)
    const editing = target !== 'create'
    const zone = await zoneOf(c)
    const form = announcementForm(c, {
      action: editing ? `${announcementPath(target.id)}/ubah` : `${ANNOUNCEMENTS}/baru`,
      values,
      errors,
      sessions: await announcementSessions(db, scope, deps.clock()),
      regions: scope ? regions.filter((r) => r.id === scope.id) : regions,
      fixedRegion: scope !== null,
      zoneLabel: zoneLabelOrName(zone),
      submit: editing ? 'Simpan draf' : 'Simpan draf dan lihat jangkauan',
      when: at,
    })
    const intro = html`<p>Pengumuman disimpan sebagai draf dulu: Anda melihat jumlah penerima per kanal, yang tidak terjangkau dan alasannya, serta pratinjau untuk penerima sungguhan sebelum mengirim.</p>`
    const back = html`<p><a href="${editing ? announcementPath(target.id) : ANNOUNCEMENTS}">Batal, kembali</a></p>`
    return deps.render(c, {
      title: editing ? `Ubah pengumuman ${target.code}` : 'Pengumuman baru',
      active: 'pengumuman',
      body: html`${intro}${form}${back}`,
    })
  }

  async function listPage(c: Context<ConsoleEnv>): Promise<string> {
    const staff = c.get('staff')
    const regions = await consoleRegions(db)
    const scope = await staffScope(db, staff, regions)
    const q = (name: string) => (c.req.query(name) ?? '').trim()
    const chosenRegion: number | 'central' | undefined = scope
      ? undefined
      : q('wilayah') === 'pusat'
        ? 'central'
        : regions.find((r) => r.code === q('wilayah'))?.id
    const status = (ANNOUNCEMENT_STATUSES as readonly string[]).includes(q('status'))
      ? (q('status') as AnnouncementStatus)
      : undefined
    const query = {
      wilayah: chosenRegion === undefined ? '' : chosenRegion === 'central' ? 'pusat' : q('wilayah'),
      status: status ?? '',
    }
    const filter = { scope, region: chosenRegion, status }
    const first = await announcementList(db, filter, { limit: 0, offset: 0 })
    const pages = Math.max(1, Math.ceil(first.total / LIST_SIZE))
    const asked = Number.parseInt(q('page') || '1', 10)
    const page = Number.isSafeInteger(asked) ? Math.min(Math.max(asked, 1), pages) : 1
    const { rows, total } = await announcementList(db, filter, { limit: LIST_SIZE, offset: (page - 1) * LIST_SIZE })
    const select = (name: string, label: string, options: [string, string][], chosen: string) =>
      html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${options.map(
        ([v, l]) => html`<option value="${v}"${v === chosen ? new Html(' selected') : ''}>${l}</option>`,
      )}</select></div>`
    const filters = html`<form method="get" action="${ANNOUNCEMENTS}" class="filters" aria-label="Saring pengumuman">
${
  scope
    ? html`<div class="field"><span class="label">Wilayah</span> ${scope.code} · ${scope.name}</div>`
    : select(
        'wilayah',
        'Dibuat untuk wilayah',
        [
          ['', 'Semua'],
          ['pusat', 'Pusat (semua wilayah)'],
          ...regions.map((r): [string, string] => [r.code, `${r.code} · ${r.name}`]),
        ],
        query.wilayah,
      )
}
${select('status', 'Status', [['', 'Semua status'], ...ANNOUNCEMENT_STATUSES.map((s): [string, string] => [s, ANNOUNCEMENT_STATUS_LABEL[s]])], query.status)}
<div class="field"><button type="submit">Tampilkan</button></div></form>`
    const summary = async (row: (typeof rows)[number]) => {
      if (row.status === 'draft') return 'belum dikirim'
      if (row.status === 'scheduled')
        return `dijadwalkan ${row.localDate ?? ''} pukul ${(row.localTime ?? '').replace(':', '.')} waktu penerima`
      const t = await announcementTotals(db, row.id)
      const unknown = t.rows.unknown > 0 ? ` · ${number(t.rows.unknown)} hasil tidak diketahui` : ''
      return `${number(t.people)} orang · ${number(t.rows.sent + t.rows.late)} terkirim · ${number(t.rows.waiting)} menunggu · ${number(t.rows.failed + t.rows.blockedByUser)} gagal${unknown} · ${number(t.noChat + t.blocked + t.optedOut)} tidak terjangkau`
    }
    const audience = async (criteria: string) => {
      try {
        return await describeAudience(db, JSON.parse(criteria) as AudienceCriteria)
      } catch {
        return '—'
      }
    }
    const list =
      rows.length === 0
        ? html`<p class="empty">Belum ada pengumuman${status || chosenRegion !== undefined ? ' yang cocok dengan saringan ini' : ''}.</p>`
        : html`<p>${number(total)} pengumuman, terbaru lebih dulu · halaman ${number(page)} dari ${number(pages)}</p>
<div class="table-scroll"><table class="wide"><caption>Pengumuman (waktu WIB)</caption>
<thead><tr><th scope="col">Kode</th><th scope="col">Status</th><th scope="col">Dibuat</th><th scope="col">Oleh</th><th scope="col">Penerima</th><th scope="col">Hasil</th></tr></thead>
<tbody>${await Promise.all(
            rows.map(
              async (
                row,
              ) => html`<tr><td class="nowrap"><a href="${announcementPath(row.id)}">${row.code}</a>${row.urgent && html` <strong>(mendesak)</strong>`}</td>
<td>${ANNOUNCEMENT_STATUS_LABEL[row.status]}${row.rolledTo && (row.status === 'sending' || row.status === 'queuing') && html`<br><small>WhatsApp dilanjutkan ${formatLocalDateTime(row.rolledTo, WIB)}</small>`}</td>
<td>${formatLocalDateTime(row.createdAt, WIB)}</td><td>${row.maker}${row.regionCode && html`<br><small>${row.regionCode}</small>`}</td>
<td>${await audience(row.criteria)}<br><small>${excerpt(row.textId)}</small></td><td>${await summary(row)}</td></tr>`,
            ),
          )}</tbody></table></div>
${pager('Halaman pengumuman', page, pages, (n) => `${ANNOUNCEMENTS}?${queryString(query, n)}`)}`
    const body = html`${mayChange(staff) && html`<p><a href="${ANNOUNCEMENTS}/baru">Buat pengumuman</a></p>`}
${scope && html`<p>Pengumuman yang dibuat untuk wilayah ${scope.code}.</p>`}${filters}${list}`
    return deps.render(c, { title: 'Pengumuman', active: 'pengumuman', body })
  }

  async function detailPage(c: Context<ConsoleEnv>, record: AnnouncementRecord, extra: DetailExtra): Promise<string> {
    const staff = c.get('staff')
    const changeable = mayChange(staff)
    const audience = await (async () => {
      try {
        return await describeAudience(db, record.criteria)
      } catch {
        return '—'
      }
    })()
    const schedule =
      record.localDate && record.localTime
        ? `${record.localDate} pukul ${record.localTime.replace(':', '.')} di zona waktu setiap penerima${record.startAt ? ` (mulai diantrekan ${formatLocalDateTime(record.startAt, WIB)})` : ''}`
        : record.queuedAt
          ? `Dikirim sekarang (diantrekan ${formatLocalDateTime(record.queuedAt, WIB)})`
          : '—'
    const facts = html`<dl class="facts">
<dt>Status</dt><dd><strong>${ANNOUNCEMENT_STATUS_LABEL[record.status]}</strong>${record.urgent && ' · mendesak (boleh tiba pada jam tenang)'}</dd>
<dt>Penerima</dt><dd>${audience}</dd>
<dt>Dibuat</dt><dd>${formatLocalDateTime(record.createdAt, WIB)} oleh ${await announcementMaker(db, record)}</dd>
${record.status !== 'draft' && html`<dt>Jadwal</dt><dd>${schedule}</dd>`}
${record.expiresAt && html`<dt>Tidak dikirim lagi setelah</dt><dd>${formatLocalDateTime(record.expiresAt, WIB)}</dd>`}
${record.finishedAt && html`<dt>Selesai</dt><dd>${formatLocalDateTime(record.finishedAt, WIB)}</dd>`}
${record.cancelledAt && html`<dt>Dibatalkan</dt><dd>${formatLocalDateTime(record.cancelledAt, WIB)}</dd>`}
<dt>Teks (Indonesia)</dt><dd class="text">${record.textId}</dd>
${record.textEn && html`<dt>Teks (Inggris)</dt><dd class="text">${record.textEn}</dd>`}
</dl>`
    const top = html`${extra.notice && html`<p class="notice" role="status">${extra.notice}</p>`}
${extra.alert && html`<p class="alert" role="alert">${extra.alert}</p>`}`
    const body =
      record.status === 'draft'
        ? html`${top}${facts}${changeable ? await draftSection(c, record, extra) : html`<p class="notice">Draf ini belum dikirim. Pratinjau hanya untuk admin pusat dan petugas wilayah.</p>`}`
        : html`${top}${facts}${await reportSection(c, record, extra)}`
    return deps.render(c, {
      title: `Pengumuman ${record.code}`,
      active: 'pengumuman',
      body: html`${body}<p><a href="${ANNOUNCEMENTS}">Kembali ke daftar pengumuman</a></p>`,
    })
  }

  async function draftSection(c: Context<ConsoleEnv>, record: AnnouncementRecord, extra: DetailExtra): Promise<Html> {
    const asked = Number.parseInt(c.req.query('contoh') ?? '0', 10)
    const sample = Number.isSafeInteger(asked) && asked > 0 ? Math.min(asked, 100_000) : 0
    const now = deps.clock()
    const cap = deps.announce?.capPerDay
    const preview = await previewAnnouncement(db, record.id, await contextOf(c), {
      sample,
      quiet: deps.reminders.quiet,
      ...(cap !== undefined && {
        cap: { perDay: cap, remainingToday: (await deps.announce?.capRemaining?.(now)) ?? cap },
      }),
    })
    const base = announcementPath(record.id)
    const next =
      preview.samples.length > 0
        ? html`<p><a href="${base}?contoh=${sample + 1}#pratinjau">Contoh berikutnya</a>${sample > 0 && html` · <a href="${base}#pratinjau">Contoh pertama</a>`}</p>`
        : sample > 0
          ? html`<p>Tidak ada contoh lagi. <a href="${base}#pratinjau">Contoh pertama</a></p>`
          : html`<p class="empty">Tidak ada penerima yang dapat dikirimi: tidak ada pratinjau.</p>`
    return html`<h2>Jangkauan</h2>${reachTable(preview.reach)}${notesList(preview)}
<h2 id="pratinjau">Pratinjau untuk penerima sungguhan</h2>${previews(c, preview.samples)}${next}
<p><a href="${base}/ubah">Ubah draf</a></p>
${sendForm(c, record, extra)}`
  }

  function sendForm(c: Context<ConsoleEnv>, record: AnnouncementRecord, extra: DetailExtra): Html {
    const send = extra.send ?? { tanggal: '', jam: '', mendesak: false, yakin: false }
    const errors = extra.sendErrors ?? {}
    const checked = (on: boolean) => (on ? new Html(' checked') : '')
    const invalid = (error: string | undefined, id: string) =>
      error ? html` aria-invalid="true" aria-describedby="${id}-error"` : html` aria-describedby="${id}-hint"`
    return html`<h2>Kirim</h2>
<form method="post" action="${announcementPath(record.id)}/kirim" class="send-form">${csrfField(c.get('csrf'))}
<p class="hint">Pesan dikirim bertahap dengan jeda acak per kanal. Di luar jam tenang (${quietText(deps.reminders.quiet)} waktu setempat) kecuali mendesak; yang jatuh pada jam tenang menunggu sampai pagi.</p>
<fieldset class="field choices" id="f-jadwal"><legend>Jadwal (opsional)</legend>
<span class="hint" id="f-tanggal-hint">Dibaca di zona waktu setiap penerima: 09.00 berarti 09.00 WIB di Jawa dan 09.00 WITA di Sulawesi.</span>
<div class="range"><div class="field"><label for="f-tanggal">Tanggal</label><input id="f-tanggal" name="tanggal" type="date" value="${send.tanggal}"${invalid(errors.jadwal, 'f-tanggal')}></div>
<div class="field"><label for="f-jam">Jam</label><input id="f-jam" name="jam" type="time" value="${send.jam}"${invalid(errors.jadwal, 'f-tanggal')}></div></div>
${errors.jadwal && html`<span class="error" id="f-tanggal-error">${errors.jadwal}</span>`}</fieldset>
<fieldset class="field choices" id="f-mendesak"><legend>Mendesak</legend>
<label class="check"><input type="checkbox" name="mendesak" value="ya"${checked(send.mendesak)}> <span>Mendesak: boleh tiba pada jam tenang</span></label>
<label class="check"><input type="checkbox" name="mendesak_yakin" value="ya"${checked(send.yakin)}> <span>Saya yakin ini tidak dapat menunggu pagi</span></label>
${errors.mendesak && html`<span class="error" id="f-mendesak-error">${errors.mendesak}</span>`}</fieldset>
<div class="buttons-row"><button type="submit" name="mode" value="now">Kirim sekarang</button>
<button type="submit" name="mode" value="schedule" class="secondary">Jadwalkan</button></div>
</form>`
  }

  async function reportSection(c: Context<ConsoleEnv>, record: AnnouncementRecord, extra: DetailExtra): Promise<Html> {
    const staff = c.get('staff')
    const base = announcementPath(record.id)
    const totals = await announcementTotals(db, record.id)
    const filterKey = c.req.query('status') ?? ''
    const status = (RECIPIENT_STATUS_KEYS as readonly string[]).includes(filterKey)
      ? (filterKey as RecipientStatusKey)
      : undefined
    const first = await recipientLines(db, record.id, status ? { status } : {}, { limit: 0, offset: 0 })
    const pages = Math.max(1, Math.ceil(first.total / REPORT_SIZE))
    const asked = Number.parseInt(c.req.query('page') ?? '1', 10)
    const page = Number.isSafeInteger(asked) ? Math.min(Math.max(asked, 1), pages) : 1
    const { rows, total } = await recipientLines(db, record.id, status ? { status } : {}, {
      limit: REPORT_SIZE,
      offset: (page - 1) * REPORT_SIZE,
    })
    // While WhatsApp rows still wait: when they go; afterwards, that the cap once moved them.
    const capText = `Batas harian WhatsApp${deps.announce?.capPerDay ? ` (${number(deps.announce.capPerDay)} pesan per hari)` : ''}`
    const rolled =
      record.rolledTo &&
      (record.status === 'queuing' || (record.status === 'sending' && totals.byChannel.whatsapp.waiting > 0)
        ? html`<p class="notice" role="status">${capText} tercapai: ${totals.byChannel.whatsapp.waiting > 0 ? `${number(totals.byChannel.whatsapp.waiting)} ` : ''}pesan WhatsApp yang tersisa dilanjutkan ${formatLocalDateTime(record.rolledTo, WIB)}, hari kerja berikutnya.</p>`
        : html`<p class="hint">${capText} sempat tercapai; sisa pesan WhatsApp dikirim mulai ${formatLocalDateTime(record.rolledTo, WIB)}.</p>`)
    const working =
      record.status === 'queuing' &&
      html`<p class="notice">Penerima sedang diantrekan. <a href="${base}">Muat ulang</a> untuk melihat angka terbaru.</p>`
    const filter = html`<form method="get" action="${base}" class="filters" aria-label="Saring penerima">
<div class="field"><label for="f-status">Status</label><select id="f-status" name="status"><option value="">Semua status</option>${RECIPIENT_STATUS_KEYS.map(
      (key) =>
        html`<option value="${key}"${key === status ? new Html(' selected') : ''}>${RECIPIENT_STATUS_LABELS[key]}</option>`,
    )}</select></div>
<div class="field"><button type="submit">Tampilkan</button></div></form>`
    const list =
      rows.length === 0
        ? html`<p class="empty">${status ? 'Tidak ada penerima dengan status ini.' : 'Belum ada penerima tercatat.'}</p>`
        : html`<p>${number(total)} baris · halaman ${number(page)} dari ${number(pages)}</p>${recipientTable(c, rows, recipientStatus)}
${pager('Halaman penerima', page, pages, (n) => `${base}?${queryString({ status: status ?? '' }, n)}`)}`
    const csv = seesPersonalData(staff)
      ? html`<p><a href="${base}/penerima.csv" download>Unduh CSV penerima</a></p>`
      : html`<p class="notice">Nama disamarkan untuk akun pemantau.</p>`
    const cancellable = mayChange(staff) && ['scheduled', 'queuing', 'sending'].includes(record.status)
    const cancel =
      cancellable &&
      html`<h2>Batalkan</h2><form method="post" action="${base}/batal" class="cancel-form">${csrfField(c.get('csrf'))}
<p>Pesan yang sudah terkirim tetap terkirim; yang belum, tidak dikirim.</p>
<div class="field"><label class="check"><input type="checkbox" name="yakin" value="ya"${extra.cancelError ? html` aria-invalid="true" aria-describedby="f-yakin-error"` : ''}> <span>Ya, hentikan pengumuman ini</span></label>
${extra.cancelError && html`<span class="error" id="f-yakin-error">${extra.cancelError}</span>`}</div>
<button type="submit">Batalkan pengumuman</button></form>`
    return html`${rolled}${working}<h2>Hasil</h2>${totalsView(totals)}<h2>Per penerima</h2>${csv}${filter}${list}${cancel}`
  }

  function notFound(c: Context<ConsoleEnv>) {
    const body = html`<p class="empty">Tidak ada pengumuman dengan alamat itu.</p><p><a href="${ANNOUNCEMENTS}">Kembali ke daftar pengumuman</a></p>`
    return c.html(deps.render(c, { title: 'Pengumuman tidak ditemukan', active: 'pengumuman', body }), 404)
  }

  function forbidden(c: Context<ConsoleEnv>) {
    const body = html`<p class="alert" role="alert">Akun pemantau hanya dapat melihat; pengumuman dibuat dan dikirim oleh admin pusat atau petugas wilayah.</p>`
    return c.html(deps.render(c, { title: 'Tidak diizinkan', active: 'pengumuman', body }), 403)
  }

  return app
}

/** The core's problems beside their fields (`portofolio`: the range; none: the whole form). */
export function errorsOf(problems: readonly AnnounceProblem[]): AnnouncementFormErrors & { jadwal?: string } {
  const errors: Record<string, string> = {}
  const known = new Set([
    'sesi',
    'pendaftar',
    'tahap',
    'wilayah',
    'provinsi',
    'ujian_tanggal',
    'ujian_jenis',
    'portofolio',
    'portofolio_dari',
    'portofolio_sampai',
    'teks_id',
    'teks_en',
    'kedaluwarsa',
    'jadwal',
  ])
  for (const p of problems) {
    const key = p.field && known.has(p.field) ? p.field : 'form'
    errors[key] = errors[key] ? `${errors[key]} ${p.message}` : p.message
  }
  return errors
}

const excerpt = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}…` : text)

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}.${String(minutes % 60).padStart(2, '0')}`
const quietText = (quiet: ReminderSettings['quiet']) => `${clock(quiet.start)}–${clock(quiet.end)}`
