/**
 * Peserta, the console's people (docs/console.md):
 *
 *   GET  /peserta?q=…&wilayah=R1&tahap=…&page=N   one search box: part of a name, a NIK (16 digits,
 *                                                  looked up by its keyed hash), a phone number as
 *                                                  people write it, or a registration code; 25 a page
 *   GET  /peserta/:id                             one person's record (audited: `person.viewed`)
 *   POST /peserta/:id/kontak                      correct the contact data (admin, regional)
 *   POST /peserta/:id/tahap                       add a stage; the person is told as the status import tells
 *
 * `regional` sees its region's people only (in the SQL: another region's person by address is the
 * 404 page). `viewer` gets the list with names masked, no phone, a search by name or registration
 * code only, and no person page: that page is personal data from top to bottom.
 */
import { type Context, Hono } from 'hono'
import {
  addStage,
  type ContactField,
  type ContactInput,
  correctContact,
  PERSON_ZONES,
  provinceName,
  type StageField,
  type StageInput,
} from '../../core/console/people.js'
import type { NikVault } from '../../core/privacy/nik-vault.js'
import { PROVINCES, zoneLabelOrName } from '../../core/regions.js'
import type { ReminderSettings } from '../../core/reminders/settings.js'
import { TARGET_GROUPS } from '../../core/sessions/target-groups.js'
import { STAGE_LABEL } from '../../core/status/stages.js'
import { parsePhone } from '../../core/validators/phone.js'
import type { Db } from '../../db/client.js'
import { writeAudit } from '../../db/queries/audit.js'
import {
  type PeopleKey,
  type PersonRecord,
  personHistory,
  personInConsole,
  searchPeople,
} from '../../db/queries/console-people.js'
import { consoleRegions } from '../../db/queries/console-scope.js'
import { CERTIFICATION_STAGES, type CertificationStage } from '../../db/schema.js'
import { Html, html } from '../html.js'
import type { RenderPage } from './dashboard.js'
import type { ConsoleEnv } from './env.js'
import { formText } from './forms.js'
import { csrfField } from './layout.js'
import { pager, queryString } from './pager.js'
import { personSections } from './person-sections.js'
import { seesPersonalData, shownName, staffScope } from './scope.js'

export type PeoplePageDeps = {
  db: Db
  clock: () => Date
  render: RenderPage
  /** The NIK vault of DATA_ENCRYPTION_KEY: a typed NIK is found by its keyed hash, as the chat finds it. */
  vault: Pick<NikVault, 'hash'>
  /** The reminder settings a person's reminders are re-planned with after a change. */
  reminders: ReminderSettings
}

export const PAGE_SIZE = 25
const BASE = '/admin/peserta'
/** Longest search text read: more than any name, number or code. */
const MAX_QUERY = 100

type Read = { key: PeopleKey } | { error: string }

/**
 * What the search box holds: 16 digits are a NIK, a phone number written any way (0812…, +62 812…,
 * 62812…) a phone, a code like BMT-K7Q2X9 a registration, anything else part of a name.
 */
function readPeopleQuery(q: string, vault: Pick<NikVault, 'hash'>, personal: boolean): Read {
  const text = q.trim()
  if (text === '') return { key: { kind: 'all' } }
  const compact = text.replace(/[\s.\-/]/g, '')
  const numeric = /^\+?[\d\s.\-/()]+$/.test(text)
  // Registration codes: "BMT-K7Q2X9" (referenceCode), "DEMO-REG-001"; typed without the dash, "bmtk7q2x9".
  if (/\d/.test(text)) {
    const upper = text.toUpperCase()
    if (/^[A-Z]{2,5}(?:-[A-Z0-9]{2,10}){1,2}$/.test(upper)) return { key: { kind: 'code', code: upper } }
    if (/^[A-Z]{3}[A-Z0-9]{6}$/.test(upper)) return { key: { kind: 'code', code: `${upper.slice(0, 3)}-${upper.slice(3)}` } }
  }
  if (numeric && !personal)
    return { error: 'Pemantau mencari menurut nama atau kode pendaftaran saja, tidak menurut NIK atau nomor HP.' }
  if (/^\d{16}$/.test(compact)) return { key: { kind: 'nik', hash: vault.hash(compact) } }
  if (numeric) {
    const phone = parsePhone(text)
    if (phone.ok) return { key: { kind: 'phone', e164: phone.value.e164 } }
    return { error: 'Bukan NIK (16 angka) atau nomor HP yang dikenali; tulis mis. 0812-3456-7890.' }
  }
  if ([...text].length < 2) return { error: 'Tulis paling sedikit 2 huruf nama.' }
  return { key: { kind: 'name', text } }
}

type ListInput = { q: string; wilayah: string; tahap: string; page: string; posted: boolean }

/** The routes of Peserta, to mount under /admin behind the console's sign-in. */
export function peoplePage(deps: PeoplePageDeps) {
  const app = new Hono<ConsoleEnv>()

  /**
   * The list and its search form. The form posts (with its CSRF token): a search by name, code or
   * stage goes on to a GET address that can be kept and paged; a NIK or phone number is answered
   * there and then, so it never stands in an address (browser history, a proxy's log).
   */
  const listPage = async (c: Context<ConsoleEnv>, input: ListInput) => {
    const staff = c.get('staff')
    const regions = await consoleRegions(deps.db)
    const q = input.q.slice(0, MAX_QUERY)
    const askedRegion = input.wilayah
    const scope =
      staff.role === 'regional'
        ? await staffScope(deps.db, staff, regions)
        : (regions.find((r) => r.code === askedRegion) ?? null)
    const askedStage = input.tahap
    const stage = (CERTIFICATION_STAGES as readonly string[]).includes(askedStage)
      ? (askedStage as CertificationStage)
      : undefined
    const read = readPeopleQuery(q, deps.vault, seesPersonalData(staff))
    const asked = Number.parseInt(input.page, 10)
    let page = Number.isSafeInteger(asked) && asked > 0 ? asked : 1
    // A NIK or phone answered to the form: its pages would put it in their addresses, so there are none.
    const unpaged = input.posted && 'key' in read && (read.key.kind === 'nik' || read.key.kind === 'phone')
    const query = { q: q.trim(), wilayah: staff.role === 'regional' ? '' : (scope?.code ?? ''), tahap: stage ?? '' }
    const link = (n: number) => `${BASE}?${queryString(query, n)}`
    let results: Html
    if ('error' in read) {
      results = html``
    } else {
      const search = { scope, key: read.key, stage, pageSize: PAGE_SIZE }
      let found = await searchPeople(deps.db, { ...search, page })
      const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE))
      // A page past the end (the list shrank, or a typed address) shows the last one.
      if (page > pages) {
        page = pages
        found = await searchPeople(deps.db, { ...search, page })
      }
      const personal = seesPersonalData(staff)
      const byNik = read.key.kind === 'nik' ? html`<p>Dicari menurut NIK (tidak ditampilkan).</p>` : ''
      results = html`${byNik}${
        found.rows.length === 0
          ? html`<p class="empty">${query.q || stage ? 'Tidak ada peserta yang cocok dengan pencarian ini.' : 'Belum ada peserta tercatat.'}</p>`
          : html`<p>${found.total.toLocaleString('id-ID')} peserta · halaman ${page} dari ${pages}</p>
<div class="table-scroll"><table><caption>Peserta${scope ? ` wilayah ${scope.code}` : ''}</caption>
<thead><tr><th scope="col">Nama</th>${personal && html`<th scope="col">Nomor HP</th>`}<th scope="col">Provinsi</th><th scope="col">Kabupaten/kota</th><th scope="col">Kelompok</th><th scope="col">Tahap saat ini</th></tr></thead>
<tbody>${found.rows.map(
              (
                row,
              ) => html`<tr><td>${personal ? html`<a href="${BASE}/${row.id}">${row.fullName}</a>` : shownName(staff, row.fullName)}</td>
${personal && html`<td>${row.phoneE164 ?? '—'}</td>`}<td>${provinceName(row.provinceCode) ?? '—'}</td><td>${row.regency ?? '—'}</td>
<td>${row.professionGroup ?? '—'}</td><td>${row.stage ? STAGE_LABEL[row.stage].id : '—'}</td></tr>`,
            )}</tbody></table></div>
${
  unpaged
    ? pages > 1 && html`<p>Hanya ${PAGE_SIZE} yang pertama ditampilkan: persempit dengan wilayah atau tahap.</p>`
    : pager('Halaman peserta', page, pages, link)
}`
      }`
    }
    const error = 'error' in read ? read.error : undefined
    // A NIK typed in is looked up, never written back into the page.
    const shownQuery = 'key' in read && read.key.kind === 'nik' ? '' : q
    const regionField =
      staff.role === 'regional'
        ? html`<p class="field"><span class="label">Wilayah</span> ${staff.region ?? '—'}</p>`
        : html`<p class="field"><label for="f-wilayah">Wilayah</label><select id="f-wilayah" name="wilayah">
<option value="">Semua wilayah</option>${regions.map(
            (r) =>
              html`<option value="${r.code}"${r.code === scope?.code ? new Html(' selected') : ''}>${r.code} · ${r.name}</option>`,
          )}</select></p>`
    const body = html`<form method="post" action="${BASE}" class="filters" role="search" aria-label="Cari peserta">${csrfField(c.get('csrf'))}
<p class="field"><label for="f-q">${seesPersonalData(staff) ? 'Nama, NIK, nomor HP atau kode pendaftaran' : 'Nama atau kode pendaftaran'}</label>
<input id="f-q" name="q" type="search" value="${shownQuery}" maxlength="${MAX_QUERY}"${error ? new Html(' aria-invalid="true" aria-describedby="f-q-error"') : ''}>
${error && html`<span class="field-error" id="f-q-error">${error}</span>`}</p>
${regionField}
<p class="field"><label for="f-tahap">Tahap saat ini</label><select id="f-tahap" name="tahap"><option value="">Semua tahap</option>${CERTIFICATION_STAGES.map(
      (s) => html`<option value="${s}"${s === stage ? new Html(' selected') : ''}>${STAGE_LABEL[s].id}</option>`,
    )}</select></p>
<p class="field"><button type="submit">Cari</button></p></form>
${results}`
    return c.html(deps.render(c, { title: 'Peserta', active: 'peserta', body }))
  }

  app.get('/peserta', (c) =>
    listPage(c, {
      q: c.req.query('q') ?? '',
      wilayah: c.req.query('wilayah') ?? '',
      tahap: c.req.query('tahap') ?? '',
      page: c.req.query('page') ?? '1',
      posted: false,
    }),
  )

  app.post('/peserta', async (c) => {
    const body = await c.req.parseBody()
    const input = { q: formText(body, 'q'), wilayah: formText(body, 'wilayah'), tahap: formText(body, 'tahap') }
    const read = readPeopleQuery(input.q.slice(0, MAX_QUERY), deps.vault, seesPersonalData(c.get('staff')))
    const sensitive = /\d{4}/.test(input.q) && ('error' in read || read.key.kind === 'nik' || read.key.kind === 'phone')
    if (sensitive) return listPage(c, { ...input, page: '1', posted: true })
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(input)) if (v.trim()) params.set(k, v.trim())
    return c.redirect(params.size > 0 ? `${BASE}?${params}` : BASE, 303)
  })

  app.get('/peserta/:id', async (c) => {
    const found = await find(c)
    if (found instanceof Response) return found
    const changed = c.req.query('diubah')
    const notice =
      changed === 'kontak'
        ? 'Data kontak diperbarui.'
        : changed === 'tahap'
          ? 'Tahap ditambahkan.'
          : changed === 'sama'
            ? 'Tidak ada yang berubah.'
            : undefined
    return c.html(await detail(c, found, { notice }))
  })

  app.post('/peserta/:id/kontak', async (c) => {
    const found = await find(c)
    if (found instanceof Response) return found
    const body = await c.req.parseBody()
    const input: ContactInput = {
      phone: formText(body, 'phone'),
      province: formText(body, 'province'),
      regency: formText(body, 'regency'),
      professionGroup: formText(body, 'professionGroup'),
      institution: formText(body, 'institution'),
      timeZone: formText(body, 'timeZone'),
    }
    const result = await correctContact(deps.db, found.id, input, await context(c))
    if (!result.ok && result.error === 'NOT_FOUND') return notFound(c)
    if (!result.ok) return c.html(await detail(c, found, { contact: { input, errors: result.fields } }), 400)
    return c.redirect(`${BASE}/${found.id}?diubah=${result.value.length > 0 ? 'kontak' : 'sama'}`, 303)
  })

  app.post('/peserta/:id/tahap', async (c) => {
    const found = await find(c)
    if (found instanceof Response) return found
    const body = await c.req.parseBody()
    const input: StageInput = {
      stage: formText(body, 'stage'),
      stageDate: formText(body, 'stageDate'),
      dueDate: formText(body, 'dueDate'),
      note: formText(body, 'note'),
    }
    const result = await addStage(deps.db, found.id, input, await context(c))
    if (!result.ok && result.error === 'NOT_FOUND') return notFound(c)
    if (!result.ok) return c.html(await detail(c, found, { stage: { input, errors: result.fields } }), 400)
    return c.redirect(`${BASE}/${found.id}?diubah=tahap`, 303)
  })

  const context = async (c: Context<ConsoleEnv>) => ({
    actor: `staff:${c.get('staff').id}`,
    now: deps.clock(),
    scope: await staffScope(deps.db, c.get('staff')),
    reminders: deps.reminders,
  })

  /** The person of the address, if this staff member may open them: else the page to answer with. */
  async function find(c: Context<ConsoleEnv>): Promise<PersonRecord | Response> {
    const staff = c.get('staff')
    if (!seesPersonalData(staff)) {
      const body = html`<p class="alert" role="alert">Pemantau tidak membuka data perorangan peserta. Daftar peserta (nama disamarkan) tetap dapat dilihat.</p>
<p><a href="${BASE}">Kembali ke daftar peserta</a></p>`
      return c.html(deps.render(c, { title: 'Tidak diizinkan', active: 'peserta', body }), 403)
    }
    const id = Number(c.req.param('id'))
    const person =
      Number.isSafeInteger(id) && id > 0 ? await personInConsole(deps.db, await staffScope(deps.db, staff), id) : undefined
    return person ?? notFound(c)
  }

  function notFound(c: Context<ConsoleEnv>) {
    const body = html`<p class="empty">Tidak ada peserta dengan alamat itu di wilayah Anda.</p><p><a href="${BASE}">Kembali ke daftar peserta</a></p>`
    return c.html(deps.render(c, { title: 'Peserta tidak ditemukan', active: 'peserta', body }), 404)
  }

  type Forms = {
    notice?: string | undefined
    contact?: { input: ContactInput; errors: Partial<Record<ContactField, string>> }
    stage?: { input: StageInput; errors: Partial<Record<StageField, string>> }
  }

  /** The person's page; every showing of it is one `person.viewed` entry (UU PDP: who looked at whose data). */
  async function detail(c: Context<ConsoleEnv>, person: PersonRecord, forms: Forms): Promise<string> {
    const staff = c.get('staff')
    await writeAudit(deps.db, {
      at: deps.clock(),
      actor: `staff:${staff.id}`,
      action: 'person.viewed',
      entity: 'person',
      entityId: String(person.id),
    })
    const history = await personHistory(deps.db, person.id)
    const body = html`${forms.notice && html`<p class="notice" role="status">${forms.notice}</p>`}
<dl>
<dt>Nama</dt><dd>${person.fullName}</dd>
<dt>NIK</dt><dd>${person.hasNik ? 'Tercatat (disimpan terenkripsi; tidak ditampilkan)' : 'Belum tercatat'}</dd>
<dt>Nomor HP</dt><dd>${person.phoneE164 ?? '—'}</dd>
<dt>Provinsi</dt><dd>${provinceName(person.provinceCode) ?? '—'}</dd>
<dt>Kabupaten/kota</dt><dd>${person.regency ?? '—'}</dd>
<dt>Kelompok profesi</dt><dd>${person.professionGroup ?? '—'}</dd>
<dt>Instansi</dt><dd>${person.institution ?? '—'}</dd>
<dt>Zona waktu</dt><dd>${zoneLabelOrName(person.timeZone)}</dd>
</dl>
${personSections(person, history)}
${contactForm(c, person, forms.contact)}
${stageForm(c, person, forms.stage)}
<p><a href="${BASE}">Kembali ke daftar peserta</a></p>`
    return deps.render(c, { title: person.fullName, active: 'peserta', body })
  }

  return app
}

type FieldErrors<F extends string> = Partial<Record<F, string>>

/** A labelled field (input, select or textarea markup given) with its error beside it. */
function fieldWith(id: string, label: string, control: (attributes: Html) => Html, error: string | undefined): Html {
  const attributes = error ? new Html(` aria-invalid="true" aria-describedby="${id}-error"`) : new Html('')
  return html`<div class="field"><label for="${id}">${label}</label>${control(attributes)}
${error && html`<span class="error" id="${id}-error">${error}</span>`}</div>`
}

const options = (values: readonly { value: string; label: string }[], chosen: string, empty?: string) =>
  html`${empty !== undefined && html`<option value="">${empty}</option>`}${values.map(
    (o) => html`<option value="${o.value}"${o.value === chosen ? new Html(' selected') : ''}>${o.label}</option>`,
  )}`

function contactForm(
  c: Context<ConsoleEnv>,
  person: PersonRecord,
  form: { input: ContactInput; errors: FieldErrors<ContactField> } | undefined,
): Html {
  const input: ContactInput = form?.input ?? {
    phone: person.phoneE164 ?? '',
    province: person.provinceCode ?? '',
    regency: person.regency ?? '',
    professionGroup: person.professionGroup ?? '',
    institution: person.institution ?? '',
    timeZone: person.timeZone,
  }
  const errors = form?.errors ?? {}
  const text = (name: keyof ContactInput, label: string) =>
    fieldWith(
      `f-${name}`,
      label,
      (a) => html`<input id="f-${name}" name="${name}" type="text" value="${input[name]}"${a}>`,
      errors[name],
    )
  return html`<section aria-labelledby="koreksi"><h2 id="koreksi">Koreksi data kontak</h2>
<form method="post" action="${BASE}/${person.id}/kontak">${csrfField(c.get('csrf'))}
${text('phone', 'Nomor HP')}
${fieldWith(
  'f-province',
  'Provinsi',
  (a) =>
    html`<select id="f-province" name="province"${a}>${options(
      PROVINCES.map((p) => ({ value: p.code, label: p.name })),
      input.province,
      '— belum diisi —',
    )}</select>`,
  errors.province,
)}
${text('regency', 'Kabupaten/kota')}
${fieldWith(
  'f-professionGroup',
  'Kelompok profesi',
  (a) =>
    html`<select id="f-professionGroup" name="professionGroup"${a}>${options(
      TARGET_GROUPS.map((g) => ({ value: g, label: g })),
      input.professionGroup,
      '— belum diisi —',
    )}</select>`,
  errors.professionGroup,
)}
${text('institution', 'Instansi')}
${fieldWith(
  'f-timeZone',
  'Zona waktu',
  (a) =>
    html`<select id="f-timeZone" name="timeZone"${a}>${options(
      PERSON_ZONES.map((z) => ({ value: z, label: `${zoneLabelOrName(z)} (${z})` })),
      input.timeZone,
    )}</select>`,
  errors.timeZone,
)}
<p class="hint">Nomor HP baru memutus semua chat yang tertaut: peserta membuktikan nomornya lagi di chat.</p>
<button type="submit">Simpan data kontak</button></form></section>`
}

function stageForm(
  c: Context<ConsoleEnv>,
  person: PersonRecord,
  form: { input: StageInput; errors: FieldErrors<StageField> } | undefined,
): Html {
  const input = form?.input ?? { stage: '', stageDate: '', dueDate: '', note: '' }
  const errors = form?.errors ?? {}
  const date = (name: 'stageDate' | 'dueDate', label: string) =>
    fieldWith(
      `f-${name}`,
      label,
      (a) => html`<input id="f-${name}" name="${name}" type="date" value="${input[name]}"${a}>`,
      errors[name],
    )
  return html`<section aria-labelledby="tambah-tahap"><h2 id="tambah-tahap">Tambah tahap</h2>
<form method="post" action="${BASE}/${person.id}/tahap">${csrfField(c.get('csrf'))}
${fieldWith(
  'f-stage',
  'Tahap',
  (a) =>
    html`<select id="f-stage" name="stage"${a}>${options(
      CERTIFICATION_STAGES.map((s) => ({ value: s, label: STAGE_LABEL[s].id })),
      input.stage,
      '— pilih tahap —',
    )}</select>`,
  errors.stage,
)}
${date('stageDate', 'Tanggal tahap dicapai')}
${date('dueDate', 'Batas waktu (boleh kosong)')}
${fieldWith('f-note', 'Catatan (boleh kosong)', (a) => html`<textarea id="f-note" name="note" rows="2"${a}>${input.note}</textarea>`, errors.note)}
<p class="hint">Bila tahap ini menjadi tahap terbaru, peserta diberi tahu lewat chat yang tertaut, seperti pada impor status.</p>
<button type="submit">Tambah tahap</button></form></section>`
}
