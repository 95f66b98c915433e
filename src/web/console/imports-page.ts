/**
 * Impor data, for `admin` and `regional` (docs/console.md): a CSV file of sessions, status,
 * certificates or exams goes through the same import as the CLI (src/core/console/imports.ts):
 *
 *   GET  /impor                      the upload form, sample files, the history of imports (paginated)
 *   POST /impor                      keeps the file (pending_imports, an hour) → the preview
 *   GET  /impor/pratinjau/:id        the preview: the import run with dryRun (nothing written), its
 *                                    counts, or every bad line with its reason and a form for the corrected file
 *   POST /impor/pratinjau/:id        confirm: imports exactly the previewed file (its SHA-256) → the result
 *   POST /impor/pratinjau/:id/batal  cancel: the file is deleted
 *   GET  /impor/hasil/:id            the result of one import (its audit entry)
 *   GET  /impor/contoh/:name         a sample file
 *
 * A regional account imports only its region's rows (each other one refused with its reason) and
 * sees only its region's imports; a file is only ever seen by who uploaded it.
 */
import { type Context, Hono } from 'hono'
import {
  countLines,
  fileHash,
  IMPORT_KIND_LABEL,
  IMPORT_SAMPLE_NAME,
  importKindsFor,
  runConsoleImport,
} from '../../core/console/imports.js'
import { formatImportError, type ImportError } from '../../core/import/csv.js'
import type { NikVault } from '../../core/privacy/nik-vault.js'
import { formatLocalDateTime } from '../../core/regions.js'
import type { ReminderSettings } from '../../core/reminders/settings.js'
import type { Db } from '../../db/client.js'
import {
  countImports,
  deletePendingImport,
  type ImportEntry,
  importEntries,
  importEntry,
  latestImportOf,
  type PendingImport,
  pendingImportOf,
  savePendingImport,
} from '../../db/queries/console-imports.js'
import { listStaff } from '../../db/queries/console-staff.js'
import { IMPORT_KINDS, type ImportKind } from '../../db/schema.js'
import { type Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv } from './env.js'
import { formText } from './forms.js'
import { IMPORT_SAMPLES, STATUS_SAMPLE_WITH_MISTAKE } from './import-samples.js'
import { csrfField } from './layout.js'
import { pager } from './pager.js'
import { staffScope } from './scope.js'

/** The largest file the page takes (as the admin API). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024
/** How long an uploaded file waits for its confirmation. */
export const PENDING_MINUTES = 60
export const PAGE_SIZE = 20

export type ImportsPageDeps = {
  db: Db
  clock: () => Date
  render: RenderPage
  vault: NikVault
  reminders: ReminderSettings
}

const ENTITY_KIND: Record<string, ImportKind> = {
  bimtek_sessions: 'sessions',
  certification_stages: 'status',
  certificates: 'certificates',
  exams: 'exams',
}

const SAMPLE_FILES: Record<string, string> = {
  ...Object.fromEntries(IMPORT_KINDS.map((kind) => [IMPORT_SAMPLE_NAME[kind], IMPORT_SAMPLES[kind]])),
  'status-dengan-kesalahan.csv': STATUS_SAMPLE_WITH_MISTAKE,
}

const number = (n: number) => n.toLocaleString('id-ID')
const when = (at: Date) => formatLocalDateTime(at, 'Asia/Jakarta')
const megabytes = `${MAX_UPLOAD_BYTES / 1024 / 1024} MB`

type UploadErrors = { kind?: string; file?: string }

/** The Impor data routes, to mount under /admin behind the session guard and `requireRole('admin', 'regional')`. */
export function importRoutes(deps: ImportsPageDeps) {
  const app = new Hono<ConsoleEnv>()
  const actor = (c: Context<ConsoleEnv>) => `staff:${c.get('staff').id}`
  /** The region whose imports a regional account sees; null for the centre. */
  const regionCode = async (c: Context<ConsoleEnv>) => (await staffScope(deps.db, c.get('staff')))?.code ?? null
  /** The console's 404 page (a sub-app's `c.notFound()` would answer the API's JSON). */
  const missing = (c: Context<ConsoleEnv>, title: string, text: string) => {
    const body = html`<p class="alert" role="alert">${text}</p><p><a href="/admin/impor">Kembali ke Impor data</a></p>`
    return c.html(deps.render(c, { title, active: 'impor', body }), 404)
  }
  const notFound = (c: Context<ConsoleEnv>) =>
    missing(
      c,
      'Berkas tidak ditemukan',
      `Berkas ini tidak ada, sudah diimpor atau dibatalkan, atau sudah kedaluwarsa (berkas disimpan ${PENDING_MINUTES} menit). Unggah lagi.`,
    )
  const pendingOf = async (c: Context<ConsoleEnv>): Promise<PendingImport | undefined> => {
    const id = idParam(c.req.param('id'))
    const pending = id === undefined ? undefined : await pendingImportOf(deps.db, id, c.get('staff').id, deps.clock())
    // A role changed since the upload takes effect at once: a kind no longer allowed is not imported.
    return pending && importKindsFor(c.get('staff').role).includes(pending.kind) ? pending : undefined
  }

  app.get('/impor', async (c) => {
    const notice = c.req.query('batal') === '1' ? 'Impor dibatalkan; berkasnya dihapus dari server.' : undefined
    return c.html(await mainPage(c, { notice }))
  })

  app.post('/impor', async (c) => {
    const body = await c.req.parseBody()
    const kinds = importKindsFor(c.get('staff').role)
    const kind = formText(body, 'kind') as ImportKind
    const file = body.file
    const errors: UploadErrors = {}
    if (!IMPORT_KINDS.includes(kind)) errors.kind = 'Pilih jenis data.'
    else if (!kinds.includes(kind)) errors.kind = `Akun Anda tidak dapat mengimpor ${IMPORT_KIND_LABEL[kind].toLowerCase()}.`
    if (!(file instanceof File) || file.name === '') errors.file = 'Pilih berkas CSV.'
    else if (file.size === 0) errors.file = 'Berkas ini kosong.'
    else if (file.size > MAX_UPLOAD_BYTES) errors.file = `Berkas terlalu besar: paling besar ${megabytes}.`
    if (errors.kind || errors.file || !(file instanceof File)) {
      return c.html(await mainPage(c, { errors, kind }), 400)
    }
    const content = new Uint8Array(await file.arrayBuffer())
    const now = deps.clock()
    const id = await savePendingImport(deps.db, {
      staffId: c.get('staff').id,
      kind,
      fileName: cleanFileName(file.name),
      content,
      sha256: fileHash(content),
      now,
      expiresAt: new Date(now.getTime() + PENDING_MINUTES * 60_000),
    })
    return c.redirect(`/admin/impor/pratinjau/${id}`, 303)
  })

  app.get('/impor/pratinjau/:id', async (c) => {
    const pending = await pendingOf(c)
    if (!pending) return notFound(c)
    return c.html(await previewPage(c, pending))
  })

  app.post('/impor/pratinjau/:id', async (c) => {
    const pending = await pendingOf(c)
    if (!pending) return notFound(c)
    const body = await c.req.parseBody()
    // The file confirmed is the file previewed: a page left open over another upload imports nothing.
    if (formText(body, 'sha256') !== pending.sha256) {
      return c.html(
        await previewPage(c, pending, {
          alert: 'Berkas ini bukan berkas pratinjau yang dikonfirmasi. Periksa pratinjau ini, lalu konfirmasi lagi.',
        }),
        409,
      )
    }
    const result = await run(c, pending, false)
    if (!result.ok) return c.html(await previewPage(c, pending, { refused: result.errors }), 422)
    await deletePendingImport(deps.db, pending.id)
    const entry = await latestImportOf(deps.db, actor(c))
    return c.redirect(entry === undefined ? '/admin/impor' : `/admin/impor/hasil/${entry}`, 303)
  })

  app.post('/impor/pratinjau/:id/batal', async (c) => {
    const pending = await pendingOf(c)
    if (!pending) return notFound(c)
    await deletePendingImport(deps.db, pending.id)
    return c.redirect('/admin/impor?batal=1', 303)
  })

  app.get('/impor/hasil/:id', async (c) => {
    const id = idParam(c.req.param('id'))
    const entry = id === undefined ? undefined : await importEntry(deps.db, id, await regionCode(c))
    if (!entry) return missing(c, 'Impor tidak ditemukan', 'Impor ini tidak ada, atau bukan impor wilayah Anda.')
    const details = parseDetails(entry.details)
    const kind = entry.entity ? ENTITY_KIND[entry.entity] : undefined
    const body = html`<p class="notice" role="status">Impor selesai: semua baris disimpan.</p>
      <dl class="stats">${countLines(details).map(
        (line) => html`<div class="stat"><dt>${line.label}</dt><dd>${number(line.count)}</dd></div>`,
      )}</dl>
      <p>${kind ? IMPORT_KIND_LABEL[kind] : entry.entity}${typeof details.file === 'string' && html`, berkas <code>${details.file}</code>`}, ${when(entry.at)}.</p>
      <p><a href="/admin/impor#riwayat">Riwayat impor</a> · <a href="/admin/impor">Impor berkas lain</a></p>`
    return c.html(deps.render(c, { title: 'Hasil impor', active: 'impor', body }))
  })

  app.get('/impor/contoh/:name', (c) => {
    const name = c.req.param('name')
    const sample = SAMPLE_FILES[name]
    if (sample === undefined) return missing(c, 'Contoh tidak ditemukan', 'Tidak ada contoh berkas dengan nama itu.')
    return c.body(`${sample}`, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
    })
  })

  async function run(c: Context<ConsoleEnv>, pending: PendingImport, dryRun: boolean) {
    const staff = c.get('staff')
    const region = (await staffScope(deps.db, staff)) ?? undefined
    return await runConsoleImport(deps, {
      kind: pending.kind,
      content: pending.content,
      actor: actor(c),
      now: deps.clock(),
      region,
      dryRun,
      fileName: pending.fileName,
    })
  }

  async function mainPage(
    c: Context<ConsoleEnv>,
    view: { notice?: string | undefined; errors?: UploadErrors; kind?: string },
  ): Promise<string> {
    const region = await regionCode(c)
    const total = await countImports(deps.db, region)
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const asked = Number.parseInt(c.req.query('page') ?? '1', 10)
    const page = Number.isFinite(asked) ? Math.min(Math.max(asked, 1), pages) : 1
    const entries = await importEntries(deps.db, region, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
    const body = html`${view.notice && html`<p class="notice" role="status">${view.notice}</p>`}
      <section aria-labelledby="unggah"><h2 id="unggah">Unggah berkas</h2>
      <p>Berkas diperiksa dulu tanpa menyimpan apa pun (pratinjau); setelah Anda konfirmasi, semua baris disimpan, atau tidak satu pun bila ada baris yang salah. Format kolomnya: lihat contoh di bawah.</p>
      ${region && html`<p>Akun wilayah: hanya baris wilayah ${region} yang diterima; baris wilayah lain ditolak dengan alasannya.</p>`}
      ${uploadForm(c, view.errors ?? {}, view.kind ?? '')}</section>
      ${samples(c)}
      ${await history(c, entries, total, page, pages)}`
    return deps.render(c, { title: 'Impor data', active: 'impor', body })
  }

  function uploadForm(c: Context<ConsoleEnv>, errors: UploadErrors, chosen: string, label = 'Periksa berkas'): Html {
    const kinds = importKindsFor(c.get('staff').role)
    const invalid = (name: keyof UploadErrors) =>
      errors[name] ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : html``
    const error = (name: keyof UploadErrors) =>
      errors[name] && html`<span class="error" id="f-${name}-error">${errors[name]}</span>`
    return html`<form method="post" action="/admin/impor" enctype="multipart/form-data" class="upload">${csrfField(c.get('csrf'))}
      <div class="field"><label for="f-kind">Jenis data</label>
        <select id="f-kind" name="kind" required${invalid('kind')}><option value="">Pilih…</option>
        ${kinds.map((kind) => html`<option value="${kind}"${kind === chosen ? html` selected` : ''}>${IMPORT_KIND_LABEL[kind]}</option>`)}
        </select>${error('kind')}</div>
      <div class="field"><label for="f-file">Berkas CSV</label>
        <span class="hint" id="f-file-hint">UTF-8 (di Excel: "CSV UTF-8"), paling besar ${megabytes}.</span>
        <input id="f-file" name="file" type="file" accept=".csv,text/csv" required aria-describedby="f-file-hint${errors.file ? ' f-file-error' : ''}"${errors.file ? html` aria-invalid="true"` : ''}>
        ${error('file')}</div>
      <p><button type="submit">${label}</button></p></form>`
  }

  function samples(c: Context<ConsoleEnv>): Html {
    const kinds = importKindsFor(c.get('staff').role)
    return html`<section aria-labelledby="contoh"><h2 id="contoh">Contoh berkas</h2>
      <p>Unduh contoh, ubah, lalu unggah. Kolom dan isinya dijelaskan di docs/import-formats.md.</p>
      <ul>${kinds.map(
        (kind) =>
          html`<li><a href="/admin/impor/contoh/${IMPORT_SAMPLE_NAME[kind]}" download>${IMPORT_KIND_LABEL[kind]}: ${IMPORT_SAMPLE_NAME[kind]}</a></li>`,
      )}
      ${kinds.includes('status') && html`<li><a href="/admin/impor/contoh/status-dengan-kesalahan.csv" download>Status sertifikasi dengan satu kesalahan, untuk mencoba: status-dengan-kesalahan.csv</a></li>`}
      </ul></section>`
  }

  async function history(
    c: Context<ConsoleEnv>,
    entries: ImportEntry[],
    total: number,
    page: number,
    pages: number,
  ): Promise<Html> {
    const names = new Map((await listStaff(deps.db)).map((s) => [`staff:${s.id}`, s.name]))
    const who = (actor: string) => names.get(actor) ?? (actor === 'cli' ? 'CLI' : actor === 'admin-api' ? 'API admin' : actor)
    const href = (to: number) => `/admin/impor?page=${to}#riwayat`
    return html`<section aria-labelledby="riwayat"><h2 id="riwayat">Riwayat impor</h2>
      ${
        entries.length === 0
          ? html`<p class="empty">Belum ada impor${c.get('staff').region ? ` untuk wilayah ${c.get('staff').region}` : ''}.</p>`
          : html`<p>${number(total)} impor, terbaru lebih dulu.</p>
        <div class="table-scroll"><table class="wide"><caption>Riwayat impor (waktu WIB)</caption>
        <thead><tr><th scope="col">Waktu</th><th scope="col">Jenis</th><th scope="col">Berkas</th><th scope="col">Oleh</th><th scope="col">Hasil</th></tr></thead>
        <tbody>${entries.map((entry) => {
          const details = parseDetails(entry.details)
          const kind = entry.entity ? ENTITY_KIND[entry.entity] : undefined
          return html`<tr><td><a href="/admin/impor/hasil/${String(entry.id)}">${when(entry.at)}</a></td>
            <td>${kind ? IMPORT_KIND_LABEL[kind] : (entry.entity ?? '')}</td>
            <td>${typeof details.file === 'string' ? details.file : '–'}</td><td>${who(entry.actor)}</td>
            <td>${countLines(details)
              .map((line) => `${number(line.count)} ${line.label}`)
              .join(', ')}</td></tr>`
        })}</tbody></table></div>
        ${pager('Halaman riwayat impor', page, pages, href)}`
      }</section>`
  }

  /** The preview of a kept file: the import run with dryRun now (stored data may have changed since the upload). */
  async function previewPage(
    c: Context<ConsoleEnv>,
    pending: PendingImport,
    view: { refused?: ImportError[]; alert?: string } = {},
  ): Promise<string> {
    const result = view.refused ? { ok: false as const, errors: view.refused } : await run(c, pending, true)
    const title = `Pratinjau: ${IMPORT_KIND_LABEL[pending.kind]}`
    const file = html`${view.alert && html`<p class="alert" role="alert">${view.alert}</p>`}<p>Berkas <code>${pending.fileName}</code> (${number(pending.content.length)} byte), diunggah ${when(pending.createdAt)}, disimpan di server sampai ${when(pending.expiresAt)}.</p>`
    const cancel = html`<form method="post" action="/admin/impor/pratinjau/${String(pending.id)}/batal">${csrfField(c.get('csrf'))}
      <button type="submit" class="secondary">Batalkan dan hapus berkas</button></form>`
    if (!result.ok) {
      const lines = new Set(result.errors.map((e) => e.line)).size
      const body = html`${file}
        <p class="alert" role="alert">${number(lines)} baris ditolak; tidak ada yang disimpan. Perbaiki berkasnya, lalu unggah lagi.</p>
        <div class="table-scroll"><table class="import-errors"><caption>Baris yang ditolak dan alasannya</caption>
        <thead><tr><th scope="col">Baris</th><th scope="col">Kolom</th><th scope="col">Alasan</th></tr></thead>
        <tbody>${result.errors.map(
          (e) =>
            html`<tr><td>${number(e.line)}</td><td>${e.column ? html`<code>${e.column}</code>` : '–'}</td><td>${e.message}</td></tr>`,
        )}</tbody></table></div>
        <details><summary>Sebagai teks (seperti CLI)</summary><pre>${result.errors.map(formatImportError).join('\n')}</pre></details>
        <section aria-labelledby="ulang"><h2 id="ulang">Unggah berkas yang sudah diperbaiki</h2>
        ${uploadForm(c, {}, pending.kind, 'Periksa berkas yang diperbaiki')}</section>
        ${cancel}`
      return deps.render(c, { title, active: 'impor', body })
    }
    const counts = countLines(result.counts)
    const body = html`${file}
      <p class="notice" role="status">Uji coba: tidak ada yang disimpan. Semua baris benar; bila diimpor:</p>
      <dl class="stats">${counts.map((line) => html`<div class="stat"><dt>${line.label}</dt><dd>${number(line.count)}</dd></div>`)}</dl>
      <form method="post" action="/admin/impor/pratinjau/${String(pending.id)}">${csrfField(c.get('csrf'))}
        <input type="hidden" name="sha256" value="${pending.sha256}">
        <p><button type="submit">Impor sekarang</button></p></form>
      ${cancel}`
    return deps.render(c, { title, active: 'impor', body })
  }

  return app
}

/** A positive whole number from an address, or undefined. */
function idParam(text: string | undefined): number | undefined {
  return text && /^[1-9]\d{0,14}$/.test(text) ? Number(text) : undefined
}

/** The file's own name, without folders or control characters, at most 200 characters. */
function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim()
  return [...cleaned].slice(0, 200).join('') || 'berkas.csv'
}

function parseDetails(details: string | null): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(details ?? '{}')
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}
