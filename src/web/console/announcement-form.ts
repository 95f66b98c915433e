/**
 * The form of an announcement (Pengumuman: new, edit a draft): who it is for (a session's
 * registrants, stages, regions, provinces, an exam day, a portfolio deadline range; combined with
 * AND), the Indonesian text and an optional English one, and when it stops being worth sending.
 * After a refused post, each problem is shown beside its field and what was typed stays.
 */
import type { Context } from 'hono'
import { PROVINCES } from '../../core/regions.js'
import { STAGE_LABEL } from '../../core/status/stages.js'
import type { AnnouncementSessionOption } from '../../db/queries/console-announcements.js'
import type { ConsoleRegion } from '../../db/queries/console-scope.js'
import {
  AUDIENCE_EXAM_KINDS,
  AUDIENCE_STAGES,
  type AudienceCriteria,
  REGISTRANT_FILTERS,
  type RegistrantFilter,
} from '../../vocabulary/announcements.js'
import { EVENT_KIND } from '../../vocabulary/events.js'
import { Html, html } from '../html.js'
import type { ConsoleEnv } from './env.js'
import { formText } from './forms.js'
import { csrfField } from './layout.js'

/** The form's fields, named as they are posted (and as the session page's link asks for them). */
export type AnnouncementFormValues = {
  sesi: string
  pendaftar: string
  tahap: string[]
  wilayah: string[]
  provinsi: string[]
  ujian_tanggal: string
  ujian_jenis: string[]
  portofolio_dari: string
  portofolio_sampai: string
  teks_id: string
  teks_en: string
  kedaluwarsa: string
}

/** A message per field (`portofolio`: the range; `form`: the whole form; `existing`: the address of the same announcement). */
export type AnnouncementFormErrors = Partial<Record<keyof AnnouncementFormValues | 'portofolio' | 'form' | 'existing', string>>

/** The longest text a field keeps (the core refuses longer texts with its own message). */
const MAX_FIELD = 8_000

export const REGISTRANT_LABEL: Record<RegistrantFilter, string> = {
  confirmed: 'Terkonfirmasi',
  waitlisted: 'Daftar tunggu (termasuk yang ditawari kursi)',
  all: 'Semua pendaftar (terkonfirmasi dan daftar tunggu)',
}

export const EMPTY_VALUES: AnnouncementFormValues = {
  sesi: '',
  pendaftar: 'confirmed',
  tahap: [],
  wilayah: [],
  provinsi: [],
  ujian_tanggal: '',
  ujian_jenis: [],
  portofolio_dari: '',
  portofolio_sampai: '',
  teks_id: '',
  teks_en: '',
  kedaluwarsa: '',
}

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .slice(0, 100)

const one = (body: Record<string, unknown>, name: string, max = 200) => {
  const value = body[name]
  const text = Array.isArray(value) ? (typeof value[0] === 'string' ? value[0] : '') : formText(body, name)
  return text.slice(0, max)
}

/** The posted fields (a body parsed with `{ all: true }`, so repeated names are lists). */
export function postedAnnouncement(body: Record<string, unknown>): AnnouncementFormValues {
  return {
    sesi: one(body, 'sesi').trim(),
    pendaftar: one(body, 'pendaftar').trim() || 'confirmed',
    tahap: list(body.tahap),
    wilayah: list(body.wilayah),
    provinsi: list(body.provinsi),
    ujian_tanggal: one(body, 'ujian_tanggal').trim(),
    ujian_jenis: list(body.ujian_jenis),
    portofolio_dari: one(body, 'portofolio_dari').trim(),
    portofolio_sampai: one(body, 'portofolio_sampai').trim(),
    // Texts as typed (the core trims and checks them); Windows line ends as the chats show them.
    teks_id: one(body, 'teks_id', MAX_FIELD).replace(/\r\n?/g, '\n'),
    teks_en: one(body, 'teks_en', MAX_FIELD).replace(/\r\n?/g, '\n'),
    kedaluwarsa: one(body, 'kedaluwarsa').trim(),
  }
}

/** The form opened from a link: `?sesi=<id>&pendaftar=confirmed` (the session page's "Kirim pengumuman ke pendaftar"). */
export function prefilledAnnouncement(query: (name: string) => string | undefined): AnnouncementFormValues {
  const sesi = (query('sesi') ?? '').trim()
  const pendaftar = (query('pendaftar') ?? '').trim()
  return {
    ...EMPTY_VALUES,
    sesi: /^\d{1,12}$/.test(sesi) ? sesi : '',
    pendaftar: (REGISTRANT_FILTERS as readonly string[]).includes(pendaftar) ? pendaftar : 'confirmed',
  }
}

/** A stored draft as the form's values (`expires`: its end as the form writes it, local to `zone`). */
export function storedAnnouncement(
  record: { criteria: AudienceCriteria; textId: string; textEn: string | null },
  expires: string,
): AnnouncementFormValues {
  const c = record.criteria
  return {
    sesi: c.session ? String(c.session.id) : '',
    pendaftar: c.session?.registrants ?? 'confirmed',
    tahap: [...(c.stages ?? [])],
    wilayah: [...(c.regionCodes ?? [])],
    provinsi: [...(c.provinceCodes ?? [])],
    ujian_tanggal: c.examDay?.date ?? '',
    ujian_jenis: [...(c.examDay?.kinds ?? [])],
    portofolio_dari: c.portfolioDue?.from ?? '',
    portofolio_sampai: c.portfolioDue?.to ?? '',
    teks_id: record.textId,
    teks_en: record.textEn ?? '',
    kedaluwarsa: expires,
  }
}

/** The criteria as the core reads them from the console and the CLI alike (RawAudience). */
export function audienceOf(values: AnnouncementFormValues) {
  const session = values.sesi !== ''
  return {
    ...(session && { session: values.sesi, registrants: values.pendaftar }),
    ...(values.tahap.length > 0 && { stages: values.tahap }),
    ...(values.wilayah.length > 0 && { regions: values.wilayah }),
    ...(values.provinsi.length > 0 && { provinces: values.provinsi }),
    ...(values.ujian_tanggal !== '' && { examDay: values.ujian_tanggal }),
    ...(values.ujian_jenis.length > 0 && { examKinds: values.ujian_jenis }),
    ...(values.portofolio_dari !== '' && { portfolioFrom: values.portofolio_dari }),
    ...(values.portofolio_sampai !== '' && { portfolioTo: values.portofolio_sampai }),
  }
}

/** What each placeholder becomes, for the help box beside the texts. */
export const PLACEHOLDER_HELP: readonly [string, string][] = [
  ['{nama}', 'nama lengkap penerima, mis. "Siti Rahmawati"'],
  ['{sesi}', 'judul dan kode sesi yang dipilih; dengan tanggal ujian: jenis ujiannya'],
  ['{tanggal}', 'tanggal sesi, ujian atau batas portofolio di zona waktu penerima, mis. "Senin, 14 Desember 2026"'],
  ['{jam}', 'jam mulai di zona waktu penerima dengan WIB/WITA/WIT, mis. "08.00 WITA"'],
  ['{tempat}', 'tempat dan alamat sesi atau ujian'],
  ['{tautan}', 'tautan rapat bila daring, atau tautan peta bila tatap muka'],
]

export function placeholderHelp(): Html {
  return html`<aside class="help-box" aria-labelledby="isian-judul"><h2 id="isian-judul">Isian otomatis</h2>
<p>Tulis isian ini di teks; setiap penerima mendapat nilainya sendiri. Selain <code>{nama}</code>, isian perlu kriteria sesi, tanggal ujian atau batas portofolio; nilai yang kosong ditulis "-". Isian lain (salah ketik seperti <code>{tempt}</code>) ditolak sebelum dikirim.</p>
<dl class="placeholders">${PLACEHOLDER_HELP.map(([name, what]) => html`<dt><code>${name}</code></dt><dd>${what}</dd>`)}</dl></aside>`
}

export type AnnouncementFormOptions = {
  action: string
  values: AnnouncementFormValues
  errors: AnnouncementFormErrors
  sessions: readonly AnnouncementSessionOption[]
  /** The regions the staff member may choose (one for `regional`). */
  regions: readonly ConsoleRegion[]
  /** `regional`: the region is theirs, the others are not offered. */
  fixedRegion: boolean
  /** The zone the end time is read in ("WIB", "WITA"). */
  zoneLabel: string
  submit: string
  /** Labels of sessions (`at(startsAt, zone)`). */
  when: (date: Date, zone: string) => string
}

const described = (id: string, hint: boolean, error: string | undefined) => {
  const ids = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
  return html`${error ? new Html(' aria-invalid="true"') : ''}${ids ? html` aria-describedby="${ids}"` : ''}`
}

const errorOf = (id: string, error: string | undefined) => error && html`<span class="error" id="${id}-error">${error}</span>`

function checkboxes(
  name: string,
  legend: string,
  options: readonly [string, string][],
  chosen: readonly string[],
  error: string | undefined,
  hint?: string,
): Html {
  const id = `f-${name}`
  return html`<fieldset class="field choices" id="${id}"${described(id, Boolean(hint), error)}><legend>${legend}</legend>
${hint && html`<span class="hint" id="${id}-hint">${hint}</span>`}
<div class="choice-list">${options.map(
    ([value, label]) =>
      html`<label class="check"><input type="checkbox" name="${name}" value="${value}"${chosen.includes(value) ? new Html(' checked') : ''}> <span>${label}</span></label>`,
  )}</div>
${errorOf(id, error)}</fieldset>`
}

function input(
  name: keyof AnnouncementFormValues,
  label: string,
  type: 'date' | 'datetime-local',
  value: string,
  error: string | undefined,
  hint?: string,
): Html {
  const id = `f-${name}`
  return html`<div class="field"><label for="${id}">${label}</label>
${hint && html`<span class="hint" id="${id}-hint">${hint}</span>`}
<input id="${id}" name="${name}" type="${type}" value="${value}"${described(id, Boolean(hint), error)}>
${errorOf(id, error)}</div>`
}

function textarea(name: 'teks_id' | 'teks_en', label: string, value: string, error: string | undefined, hint: string): Html {
  const id = `f-${name}`
  return html`<div class="field"><label for="${id}">${label}</label>
<span class="hint" id="${id}-hint">${hint}</span>
<textarea id="${id}" name="${name}" rows="6"${name === 'teks_id' ? new Html(' required') : ''}${described(id, true, error)}>${value}</textarea>
${errorOf(id, error)}</div>`
}

/** The whole form, with the help box of placeholders. */
export function announcementForm(c: Context<ConsoleEnv>, options: AnnouncementFormOptions): Html {
  const { values, errors } = options
  const sessionId = 'f-sesi'
  const sessionOptions: [string, string][] = [
    ['', '— tanpa sesi —'],
    ...options.sessions.map((s): [string, string] => [
      String(s.id),
      `${s.code} · ${s.title} · ${options.when(s.startsAt, s.timeZone)}${s.upcoming ? '' : ' (sudah dimulai)'}`,
    ]),
  ]
  if (values.sesi && !sessionOptions.some(([v]) => v === values.sesi)) sessionOptions.push([values.sesi, `Sesi #${values.sesi}`])
  const provinceCodes = new Set(options.regions.flatMap((r) => r.provinces))
  const provinces = PROVINCES.filter((p) => provinceCodes.has(p.code))
  const regionHint = options.fixedRegion
    ? 'Akun wilayah hanya menjangkau wilayahnya sendiri. Centang untuk semua orang di wilayah Anda.'
    : 'Kosongkan bila tidak memilih menurut wilayah. Setiap kriteria yang diisi harus cocok semuanya.'
  const anyError = Object.keys(errors).length > 0
  const existing = errors.existing && html` <a href="${errors.existing}">Buka pengumuman itu</a>`
  const select = (
    name: 'sesi' | 'pendaftar',
    label: string,
    opts: readonly [string, string][],
    chosen: string,
    error: string | undefined,
    hint?: string,
  ) => {
    const id = name === 'sesi' ? sessionId : `f-${name}`
    return html`<div class="field"><label for="${id}">${label}</label>
${hint && html`<span class="hint" id="${id}-hint">${hint}</span>`}
<select id="${id}" name="${name}"${described(id, Boolean(hint), error)}>${opts.map(
      ([v, l]) => html`<option value="${v}"${v === chosen ? new Html(' selected') : ''}>${l}</option>`,
    )}</select>
${errorOf(id, error)}</div>`
  }
  const provinceId = 'f-provinsi'
  return html`${anyError && html`<p class="alert" role="alert">Pengumuman belum disimpan: ${errors.form ?? 'periksa isian yang ditandai.'}${existing}</p>`}
<form method="post" action="${options.action}" class="announcement-form" novalidate>${csrfField(c.get('csrf'))}
<h2>Penerima</h2>
<p class="hint">Isi satu kriteria atau lebih; penerima harus cocok dengan semua kriteria yang diisi.</p>
${select('sesi', 'Sesi Bimtek', sessionOptions, values.sesi, errors.sesi, 'Pendaftar sesi ini. Sesi yang akan datang lebih dulu.')}
${select(
  'pendaftar',
  'Pendaftar sesi',
  REGISTRANT_FILTERS.map((f): [string, string] => [f, REGISTRANT_LABEL[f]]),
  values.pendaftar,
  errors.pendaftar,
)}
${checkboxes(
  'tahap',
  'Tahap sertifikasi',
  AUDIENCE_STAGES.map((s): [string, string] => [s, STAGE_LABEL[s].id]),
  values.tahap,
  errors.tahap,
)}
${checkboxes(
  'wilayah',
  'Wilayah',
  options.regions.map((r): [string, string] => [r.code, `${r.code} · ${r.name}`]),
  values.wilayah,
  errors.wilayah,
  regionHint,
)}
<div class="field"><label for="${provinceId}">Provinsi</label>
<span class="hint" id="${provinceId}-hint">Boleh lebih dari satu (tahan Ctrl, di Mac Cmd, sambil klik).</span>
<select id="${provinceId}" name="provinsi" multiple size="5"${described(provinceId, true, errors.provinsi)}>${provinces.map(
    (p) =>
      html`<option value="${p.code}"${values.provinsi.includes(p.code) ? new Html(' selected') : ''}>${p.code} · ${p.name}</option>`,
  )}</select>
${errorOf(provinceId, errors.provinsi)}</div>
${input('ujian_tanggal', 'Punya ujian pada tanggal', 'date', values.ujian_tanggal, errors.ujian_tanggal, 'Tanggal di zona waktu ujian.')}
${checkboxes(
  'ujian_jenis',
  'Jenis ujian',
  AUDIENCE_EXAM_KINDS.map((k): [string, string] => [k, EVENT_KIND[k].short.id]),
  values.ujian_jenis,
  errors.ujian_jenis,
  'Bersama tanggal ujian; kosongkan untuk semua jenis.',
)}
<fieldset class="field choices" id="f-portofolio"${described('f-portofolio', false, errors.portofolio)}><legend>Batas portofolio jatuh pada</legend>
<div class="range">${input('portofolio_dari', 'Dari tanggal', 'date', values.portofolio_dari, errors.portofolio_dari)}
${input('portofolio_sampai', 'Sampai tanggal', 'date', values.portofolio_sampai, errors.portofolio_sampai)}</div>
${errorOf('f-portofolio', errors.portofolio)}</fieldset>
<h2>Pesan</h2>
<div class="message-fields"><div>
${textarea('teks_id', 'Teks (bahasa Indonesia)', values.teks_id, errors.teks_id, 'Wajib. *tebal* seperti di WhatsApp. Setiap pesan diakhiri cara berhenti menerima pengumuman (stop info).')}
${textarea('teks_en', 'Teks bahasa Inggris (opsional)', values.teks_en, errors.teks_en, 'Untuk penerima yang memilih bahasa Inggris; tanpa ini mereka menerima teks Indonesia.')}
${input('kedaluwarsa', `Tidak dikirim lagi setelah (opsional, ${options.zoneLabel})`, 'datetime-local', values.kedaluwarsa, errors.kedaluwarsa, 'Pesan yang belum terkirim saat itu dilewati.')}
</div>${placeholderHelp()}</div>
<button type="submit">${options.submit}</button>
</form>`
}
