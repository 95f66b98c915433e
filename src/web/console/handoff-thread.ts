/**
 * One handoff in the console (docs/console.md, "Percakapan"):
 *
 *   GET  /percakapan/:code               the header and the thread (audited `handoff.viewed`); `?faq=ID`
 *                                        puts that FAQ answer in the reply box (the quick reply without script)
 *   POST /percakapan/:code/ambil         take it (the core's actions, as the staff group and the CLI use them)
 *   POST /percakapan/:code/balas         reply (1–2,000 characters), sent to the person through the outbox
 *   POST /percakapan/:code/catatan       an internal note the person never sees
 *   POST /percakapan/:code/tutup         close it (a ticked confirmation): the person is told and asked to rate
 *   POST /percakapan/:code/nomor         the full phone number, shown once and audited
 *   GET  /percakapan/:code/berkas/:id    a photo (inline) or PDF (always a download), opened and audited
 *
 * Each POST goes back to the thread with a notice, or shows its error beside the field. `viewer`
 * gets 404 for all of these, as does a `regional` account for another region's handoff.
 */
import { type Context, Hono } from 'hono'
import type { KnowledgeBase } from '../../core/faq/knowledge-base.js'
import type { HandoffActionError, HandoffActions, HandoffActor } from '../../core/handoff/actions.js'
import type { Place, WorkingCalendar } from '../../core/handoff/hours.js'
import type { ByteBox } from '../../core/privacy/data-key.js'
import { maskPhone } from '../../core/privacy/mask.js'
import { UNKNOWN_OUTCOME_HELP } from '../../core/reminders/listing.js'
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import { type ConsoleHandoff, type HandoffAccess, handoffInConsole } from '../../db/queries/console-handoffs.js'
import {
  attachmentOf,
  CENTRE_ZONE,
  type HandoffRow,
  handoffByCode,
  type ThreadItem,
  threadOf,
} from '../../db/queries/handoff-thread.js'
import type { HandoffStatus } from '../../db/schema.js'
import type { Channel } from '../../vocabulary/message.js'
import { Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv, Staff } from './env.js'
import { formText } from './forms.js'
import { csrfField } from './layout.js'
import { staffScope } from './scope.js'
import { at, number } from './session-views.js'

export const BASE = '/admin/percakapan'

/** What `staff` may read: admin everything; viewer every region but not the centre's; regional its own region. */
export async function handoffAccess(db: Db, staff: Staff): Promise<HandoffAccess> {
  return { scope: await staffScope(db, staff), regionless: staff.role === 'admin' }
}

/** Where a handoff is answered, for the working calendar. */
export const placeOf = (h: { timeZone: string | null; regionCode: string | null }): Place => ({
  zone: h.timeZone ?? CENTRE_ZONE,
  region: h.regionCode,
})

/** "2 j 15 m" of working time. */
export function workingAge(minutes: number): string {
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return h > 0 ? `${number(h)} j ${m} m` : `${m} m`
}

export const STATUS_LABEL: Record<HandoffStatus, string> = {
  waiting: 'Menunggu petugas',
  open: 'Sedang dilayani',
  closed: 'Ditutup',
}
export const CHANNEL_NAME: Record<Channel, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', console: 'Terminal' }

/** An FAQ answer staff can insert as a reply: the topic's id, its title and its Indonesian answer. */
export type QuickReply = { id: string; title: string; answer: string }

/** The quick replies of a knowledge base (FAQ_PATH): every topic, in its order, in Indonesian. */
export const quickRepliesOf = (kb: Pick<KnowledgeBase, 'topics'>): QuickReply[] =>
  kb.topics.map((topic) => ({ id: topic.id, title: topic.title.id, answer: topic.answer.id.trim() }))

/** The most a reply or note may hold (the core's limit, TEXT_TOO_LONG beyond). */
export const MAX_TEXT = 2_000

export type HandoffThreadDeps = {
  db: Db
  clock: () => Date
  render: RenderPage
  actions: HandoffActions
  calendar: WorkingCalendar
  files?: ByteBox | undefined
  quickReplies: readonly QuickReply[]
}

/** The handoff of the address when this staff member may open it; viewer never. */
export async function openableHandoff(db: Db, staff: Staff, code: string): Promise<ConsoleHandoff | undefined> {
  if (staff.role === 'viewer' || !/^[A-Za-z0-9-]{1,40}$/.test(code)) return undefined
  return await handoffInConsole(db, await handoffAccess(db, staff), code)
}

/** The console's 404 page. */
export const notFoundPage = (c: Context<ConsoleEnv>, render: RenderPage) =>
  c.html(
    render(c, {
      title: 'Halaman tidak ditemukan',
      active: '',
      body: html`<p>Halaman ini tidak ada di konsol. Periksa alamatnya, atau pilih halaman dari menu.</p>
      <p><a href="/admin">Kembali ke Beranda</a></p>`,
    }),
    404,
  )

const DELIVERY: Record<string, string> = {
  pending: 'menunggu kirim',
  queued: 'menunggu kirim',
  claimed: 'menunggu kirim',
  sent: 'terkirim',
  late: 'terkirim',
  failed: 'gagal',
  unknown: 'hasil tidak diketahui',
  skipped: 'tidak dikirim',
  cancelled: 'dibatalkan',
}

/** "1,2 MB", "350 KB". */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toLocaleString('id-ID', { maximumFractionDigits: 1 })} MB`
  return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('id-ID')} KB`
}

function delivery(item: ThreadItem): Html | string {
  if (!item.delivery) return ''
  // The outbox records a block as skipped with this reason (src/core/outbox.ts).
  if (item.delivery === 'skipped' && /blocked/.test(item.deliveryError ?? ''))
    return html` · <span class="delivery delivery-blocked">⛔ diblokir pengguna</span>`
  // Unknown: the server stopped while sending it; the tooltip says what staff can do about it.
  const help = item.delivery === 'unknown' ? html` title="${UNKNOWN_OUTCOME_HELP}"` : ''
  return html` · <span class="delivery delivery-${item.delivery}"${help}>${DELIVERY[item.delivery] ?? item.delivery}</span>`
}

/** One message of the thread as a list item (the page, and the live stream's `pesan` events). */
export function threadItem(item: ThreadItem, h: { code: string; name: string }, zone: string): Html {
  const when = html`<time datetime="${item.at.toISOString()}">${at(item.at, zone)}</time>`
  if (item.author === 'system') return html`<li class="msg msg-system" id="m-${item.id}"><span>${item.text}</span> · ${when}</li>`
  const who =
    item.author === 'person'
      ? html`<strong>${h.name}</strong> (peserta)`
      : item.author === 'note'
        ? html`<strong>Catatan internal</strong> · ${item.staffName ?? 'Sekretariat'}`
        : html`<strong>${item.staffName ?? 'Sekretariat'}</strong> (petugas, lewat ${VIA[item.via] ?? item.via})`
  const file = item.attachment
  const path = file && `${BASE}/${h.code}/berkas/${file.id}`
  const attachment =
    file &&
    (file.kind === 'image'
      ? html`<p class="file"><a href="${path}"><img src="${path}" alt="Foto dari peserta (${fileSize(file.size)})" class="thumb"></a></p>`
      : html`<p class="file"><a href="${path}" download>PDF (${fileSize(file.size)})${file.fileName && html` · ${file.fileName}`}</a></p>`)
  return html`<li class="msg msg-${item.author}" id="m-${item.id}"><p class="meta">${who} · ${when}${delivery(item)}</p>
${item.text && html`<p class="text">${item.text}</p>`}${attachment}</li>`
}

const VIA: Record<string, string> = { console: 'konsol', telegram: 'Telegram', cli: 'baris perintah', chat: 'chat' }

type FormErrors = { text?: string; note?: string; close?: string; alert?: string }
type FormValues = { text?: string; note?: string }

const ERROR_TEXT: Record<HandoffActionError, string> = {
  HANDOFF_NOT_FOUND: 'Percakapan ini tidak ada.',
  HANDOFF_CLOSED: 'Percakapan ini sudah ditutup.',
  NOT_IN_SCOPE: 'Percakapan ini bukan wilayah Anda.',
  TEXT_EMPTY: 'Tulis pesannya dulu.',
  TEXT_TOO_LONG: `Paling panjang ${MAX_TEXT.toLocaleString('id-ID')} karakter.`,
}

const NOTICE: Record<string, string> = {
  diambil: 'Percakapan ini sekarang milik Anda.',
  terkirim: 'Balasan dikirim ke peserta lewat chat.',
  dicatat: 'Catatan internal disimpan (peserta tidak melihatnya).',
  ditutup: 'Percakapan ditutup. Peserta diberi tahu dan diminta menilai layanan.',
}

export function handoffThread(deps: HandoffThreadDeps) {
  const app = new Hono<ConsoleEnv>()
  const { db } = deps
  const actorOf = (staff: Staff): HandoffActor => ({
    staff: { id: staff.id, name: staff.name, role: staff.role, region: staff.region },
  })
  const audit = (staff: Staff, action: string, code: string, details?: Record<string, unknown>) =>
    writeAudit(db, { at: deps.clock(), actor: `staff:${staff.id}`, action, entity: 'handoff_request', entityId: code, details })

  /** The handoff of the address (scope checked) and its full row. */
  async function find(c: Context<ConsoleEnv>): Promise<{ place: ConsoleHandoff; row: HandoffRow } | undefined> {
    const place = await openableHandoff(db, c.get('staff'), c.req.param('code') ?? '')
    const row = place && (await handoffByCode(db, place.code))
    return place && row ? { place, row } : undefined
  }

  async function page(
    c: Context<ConsoleEnv>,
    found: { place: ConsoleHandoff; row: HandoffRow },
    options: { errors?: FormErrors; values?: FormValues; notice?: string; phone?: boolean } = {},
  ): Promise<string> {
    const { place, row } = found
    const zone = place.timeZone ?? CENTRE_ZONE
    const items = await threadOf(db, row.id)
    const errors = options.errors ?? {}
    const path = `${BASE}/${row.code}`
    const unanswered = row.status === 'waiting' ? row.createdAt : undefined
    const phone = row.phoneE164
      ? options.phone
        ? html`${row.phoneE164}`
        : html`${maskPhone(row.phoneE164)} <form method="post" action="${path}/nomor" class="inline">${csrfField(c.get('csrf'))}<button type="submit" class="link">Tampilkan</button></form>`
      : '—'
    const header = html`<dl class="handoff-head">
<dt>Nama</dt><dd>${row.name}</dd>
<dt>Wilayah</dt><dd>${place.regionName ? `${place.regionCode} · ${place.regionName}` : 'Pusat (tanpa wilayah)'}</dd>
<dt>Kanal</dt><dd>${CHANNEL_NAME[row.channel]}</dd>
<dt>Nomor HP</dt><dd>${phone}</dd>
<dt>Topik</dt><dd>${row.topic}</dd>
<dt>Pertanyaan</dt><dd class="text">${row.question}</dd>
<dt>Status</dt><dd><span data-status>${STATUS_LABEL[row.status]}</span>${!row.live && ' · Telepon (lama): peserta dijanjikan ditelepon'}${
      unanswered &&
      html` · menunggu ${workingAge(deps.calendar.workingMinutesBetween(unanswered, deps.clock(), placeOf(place)))} jam kerja`
    }</dd>
<dt>Petugas</dt><dd>${place.assignedName ?? '—'}</dd>
<dt>Dibuat</dt><dd>${at(row.createdAt, zone)}</dd>
</dl>`
    const last = items.at(-1)?.id ?? 0
    const thread = html`<section aria-labelledby="utas"><h2 id="utas">Pesan</h2>
${items.length === 0 && html`<p class="empty" id="belum-ada">Belum ada pesan sejak permintaan dibuat.</p>`}
<ol class="thread" id="pesan" data-aliran="${path}/aliran" data-terakhir="${last}" aria-live="polite">${items.map((item) =>
      threadItem(item, row, zone),
    )}</ol>
<p><a href="${path}">Muat ulang</a> <small>(pesan baru juga muncul sendiri bila JavaScript aktif)</small></p></section>`
    const csrf = csrfField(c.get('csrf'))
    const chosen = deps.quickReplies.find((r) => r.id === c.req.query('faq'))
    const replyText = options.values?.text ?? chosen?.answer ?? ''
    const area = (id: string, name: string, label: string, value: string, error: string | undefined, rows: number) =>
      html`<div class="field"><label for="${id}">${label}</label>
<textarea id="${id}" name="${name}" rows="${rows}" maxlength="${MAX_TEXT}" required${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>${value}</textarea>
${error && html`<span class="error" id="${id}-error">${error}</span>`}</div>`
    const quickForm = html`<form method="get" action="${path}" class="quick" aria-label="Jawaban cepat"><div class="field"><label for="f-faq">Jawaban cepat (topik FAQ)</label>
<select id="f-faq" name="faq">${deps.quickReplies.map(
      (r) =>
        html`<option value="${r.id}" data-jawaban="${r.answer}"${r.id === chosen?.id ? new Html(' selected') : ''}>${r.id} · ${r.title}</option>`,
    )}</select></div>
<div class="field"><button type="submit">Sisipkan</button></div></form>`
    const forms =
      row.status === 'closed'
        ? html`<p class="notice">Percakapan ini sudah ditutup${row.closedAt && html` (${at(row.closedAt, zone)})`}${row.rating && html` · penilaian ${row.rating}/5`}.</p>`
        : html`<section aria-labelledby="jawab" class="handoff-forms"><h2 id="jawab">Tanggapi</h2>
${
  row.assignedStaffId !== c.get('staff').id &&
  html`<form method="post" action="${path}/ambil">${csrf}<button type="submit">${row.assignedStaffId === null ? 'Ambil' : 'Ambil alih'}</button></form>`
}
${deps.quickReplies.length > 0 && quickForm}
<form method="post" action="${path}/balas" id="form-balas">${csrf}${area('f-text', 'text', 'Balasan untuk peserta', replyText, errors.text, 5)}
<div class="field"><button type="submit">Kirim</button></div></form>
<form method="post" action="${path}/catatan">${csrf}${area('f-note', 'text', 'Catatan internal (tidak dikirim ke peserta)', options.values?.note ?? '', errors.note, 2)}
<div class="field"><button type="submit">Simpan catatan</button></div></form>
<form method="post" action="${path}/tutup">${csrf}<p class="check"><input type="checkbox" id="f-yakin" name="yakin" value="ya" required${errors.close ? html` aria-invalid="true" aria-describedby="f-yakin-error"` : ''}>
<label for="f-yakin">Ya, tutup percakapan ini (peserta diberi tahu dan diminta menilai)</label></p>
${errors.close && html`<p class="error" id="f-yakin-error">${errors.close}</p>`}
<div class="field"><button type="submit">Tutup</button></div></form></section>`
    const body = html`${options.notice && html`<p class="notice" role="status">${options.notice}</p>`}
${errors.alert && html`<p class="alert" role="alert">${errors.alert}</p>`}
${header}${thread}${forms}<p><a href="${BASE}">Kembali ke daftar percakapan</a></p>`
    return deps.render(c, { title: `Percakapan ${row.code}`, active: 'percakapan', body })
  }

  app.get('/percakapan/:code', async (c) => {
    const found = await find(c)
    if (!found) return notFoundPage(c, deps.render)
    await audit(c.get('staff'), 'handoff.viewed', found.row.code)
    const done = Object.keys(NOTICE).find((key) => c.req.query(key) !== undefined)
    return c.html(await page(c, found, { notice: done && NOTICE[done] }))
  })

  app.post('/percakapan/:code/nomor', async (c) => {
    const found = await find(c)
    if (!found) return notFoundPage(c, deps.render)
    await audit(c.get('staff'), 'handoff.phone_shown', found.row.code)
    return c.html(await page(c, found, { phone: true }))
  })

  /** Runs an action; on success back to the thread with `notice`, else the page with the error beside `field`. */
  async function act(
    c: Context<ConsoleEnv>,
    field: keyof FormErrors,
    values: FormValues,
    run: (code: string, actor: HandoffActor) => Promise<{ ok: true } | { ok: false; error: { code: HandoffActionError } }>,
    notice: string,
  ) {
    const found = await find(c)
    if (!found) return notFoundPage(c, deps.render)
    const result = await run(found.row.code, actorOf(c.get('staff')))
    if (result.ok) return c.redirect(`${BASE}/${found.row.code}?${notice}`, 303)
    const code = result.error.code
    if (code === 'HANDOFF_NOT_FOUND' || code === 'NOT_IN_SCOPE') return notFoundPage(c, deps.render)
    const fresh = (await find(c)) ?? found
    const onField = code === 'TEXT_EMPTY' || code === 'TEXT_TOO_LONG'
    return c.html(
      await page(c, fresh, { errors: onField ? { [field]: ERROR_TEXT[code] } : { alert: ERROR_TEXT[code] }, values }),
      code === 'HANDOFF_CLOSED' ? 409 : 422,
    )
  }

  app.post('/percakapan/:code/ambil', (c) =>
    act(c, 'alert', {}, (code, actor) => deps.actions.take(code, actor, 'console'), 'diambil'),
  )
  app.post('/percakapan/:code/balas', async (c) => {
    const text = formText(await c.req.parseBody(), 'text')
    return await act(c, 'text', { text }, (code, actor) => deps.actions.reply(code, actor, text, 'console'), 'terkirim')
  })
  app.post('/percakapan/:code/catatan', async (c) => {
    const text = formText(await c.req.parseBody(), 'text')
    return await act(c, 'note', { note: text }, (code, actor) => deps.actions.note(code, actor, text, 'console'), 'dicatat')
  })
  app.post('/percakapan/:code/tutup', async (c) => {
    if (formText(await c.req.parseBody(), 'yakin') !== 'ya') {
      const found = await find(c)
      if (!found) return notFoundPage(c, deps.render)
      return c.html(await page(c, found, { errors: { close: 'Centang kotak ini untuk menutup percakapan.' } }), 422)
    }
    return await act(c, 'close', {}, (code, actor) => deps.actions.close(code, actor, 'console'), 'ditutup')
  })

  app.get('/percakapan/:code/berkas/:id{[0-9]+}', async (c) => {
    const found = await find(c)
    const file = found && deps.files && (await attachmentOf(db, found.row.id, Number(c.req.param('id'))))
    if (!found || !file || !deps.files) return notFoundPage(c, deps.render)
    const bytes = deps.files.open(file.content)
    await audit(c.get('staff'), 'handoff.file_viewed', found.row.code, { attachment: Number(c.req.param('id')) })
    const image = /^image\/(jpeg|png|webp)$/.test(file.mimeType)
    const name = (file.fileName ?? `${found.row.code}-${c.req.param('id')}${image ? '' : '.pdf'}`).replace(
      /[^A-Za-z0-9._-]/g,
      '_',
    )
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': image
        ? file.mimeType
        : file.mimeType === 'application/pdf'
          ? 'application/pdf'
          : 'application/octet-stream',
      'content-disposition': image ? 'inline' : `attachment; filename="${name}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    })
  })

  return app
}
