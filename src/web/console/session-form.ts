/**
 * The form of a Bimtek session (Sesi Bimtek: new, edit): one field per column of the sessions file,
 * each with its label, hint and, after a refused post, the import's reason beside it.
 */
import type { Context } from 'hono'
import { localText } from '../../core/import/cells.js'
import { PROVINCES } from '../../core/regions.js'
import { SESSION_COLUMNS, type SessionColumn } from '../../core/sessions/import.js'
import { TARGET_GROUPS } from '../../core/sessions/target-groups.js'
import type { ConsoleRegion } from '../../db/queries/console-scope.js'
import type { SessionRow } from '../../db/queries/sessions.js'
import { Html, html } from '../html.js'
import type { ConsoleEnv } from './env.js'
import { formText } from './forms.js'
import { csrfField } from './layout.js'

export type SessionFormValues = Partial<Record<SessionColumn, string>>
export type SessionFormErrors = Partial<Record<SessionColumn, string>>

const TIMES = ['starts_at', 'ends_at', 'registration_opens_at', 'registration_closes_at'] as const

/** The posted fields, as the sessions file would hold them (a browser's "2026-12-14T08:00" read as "2026-12-14 08:00"). */
export function postedValues(body: Record<string, unknown>): SessionFormValues {
  const values: SessionFormValues = {}
  for (const column of SESSION_COLUMNS) values[column] = formText(body, column).trim()
  for (const column of TIMES) values[column] = (values[column] ?? '').replace('T', ' ')
  return values
}

/** A stored session as the form's values (times local to the session's zone, as the file writes them). */
export function storedValues(s: SessionRow): SessionFormValues {
  return {
    code: s.code,
    title: s.title,
    target_group: s.targetGroup,
    region: s.regionCode,
    mode: s.mode,
    venue: s.venue ?? '',
    map_url: s.mapUrl ?? '',
    meeting_url: s.meetingUrl ?? '',
    province: s.provinceCode ?? '',
    starts_at: localText(s.startsAt, s.timeZone),
    ends_at: localText(s.endsAt, s.timeZone),
    capacity: String(s.capacity),
    registration_opens_at: localText(s.registrationOpensAt, s.timeZone),
    registration_closes_at: localText(s.registrationClosesAt, s.timeZone),
  }
}

const LABELS: Record<SessionColumn, string> = {
  code: 'Kode sesi',
  title: 'Judul',
  target_group: 'Sasaran',
  region: 'Wilayah BBPPKS',
  mode: 'Cara pelaksanaan',
  venue: 'Tempat dan alamat',
  map_url: 'Tautan peta',
  meeting_url: 'Tautan rapat daring',
  province: 'Provinsi',
  starts_at: 'Mulai',
  ends_at: 'Selesai',
  capacity: 'Kapasitas (kursi)',
  registration_opens_at: 'Pendaftaran dibuka',
  registration_closes_at: 'Pendaftaran ditutup',
}

const HINTS: Partial<Record<SessionColumn, string>> = {
  code: 'Unik, mis. BMT-MKS-2026-01. Tidak dapat diubah setelah disimpan.',
  venue: 'Wajib untuk tatap muka.',
  map_url: 'Opsional, diawali https://',
  meeting_url: 'Wajib untuk daring, diawali https://',
  province:
    'Kosongkan bila sesi untuk seluruh wilayah. Jam sesi dibaca di zona waktu provinsi ini (tanpa provinsi: zona kota BBPPKS).',
  starts_at: 'Jam setempat di lokasi sesi.',
  registration_closes_at: 'Paling lambat saat sesi mulai.',
}

type FieldKind =
  | { kind: 'text' | 'url' | 'number' | 'datetime-local' }
  | { kind: 'textarea' }
  | { kind: 'select'; options: [string, string][] }

function control(column: SessionColumn, kind: FieldKind, value: string, error: string | undefined, readonly: boolean): Html {
  const id = `f-${column}`
  const hint = HINTS[column]
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
  const common = html` id="${id}" name="${column}"${error ? new Html(' aria-invalid="true"') : ''}${described ? html` aria-describedby="${described}"` : ''}`
  let input: Html
  if (kind.kind === 'textarea') input = html`<textarea${common} rows="2">${value}</textarea>`
  else if (kind.kind === 'select') {
    const options =
      kind.options.some(([v]) => v === value) || value === ''
        ? kind.options
        : [[value, value] as [string, string], ...kind.options]
    input = html`<select${common}>${options.map(
      ([v, label]) => html`<option value="${v}"${v === value ? new Html(' selected') : ''}>${label}</option>`,
    )}</select>`
  } else {
    const shown = kind.kind === 'datetime-local' ? value.replace(' ', 'T') : value
    const extra = kind.kind === 'number' ? new Html(' min="1" inputmode="numeric"') : ''
    input = html`<input${common} type="${kind.kind}" value="${shown}"${extra}${readonly ? new Html(' readonly') : ''}>`
  }
  return html`<div class="field"><label for="${id}">${LABELS[column]}</label>
${hint && html`<span class="hint" id="${id}-hint">${hint}</span>`}
${input}
${error && html`<span class="error" id="${id}-error">${error}</span>`}</div>`
}

/**
 * The whole form. `regions`: those the staff member may choose (one for `regional`); `editing`: the
 * code is shown read-only.
 */
export function sessionForm(
  c: Context<ConsoleEnv>,
  options: {
    action: string
    values: SessionFormValues
    errors: SessionFormErrors
    regions: readonly ConsoleRegion[]
    editing: boolean
    submit: string
  },
): Html {
  const { values, errors } = options
  const kinds: Record<SessionColumn, FieldKind> = {
    code: { kind: 'text' },
    title: { kind: 'text' },
    target_group: { kind: 'select', options: [['', '— pilih —'], ...TARGET_GROUPS.map((g): [string, string] => [g, g])] },
    region: {
      kind: 'select',
      options: [
        ...(options.regions.length > 1 ? [['', '— pilih —'] as [string, string]] : []),
        ...options.regions.map((r): [string, string] => [r.code, `${r.code} · ${r.name}`]),
      ],
    },
    mode: {
      kind: 'select',
      options: [
        ['', '— pilih —'],
        ['tatap_muka', 'Tatap muka'],
        ['daring', 'Daring'],
      ],
    },
    venue: { kind: 'textarea' },
    map_url: { kind: 'url' },
    meeting_url: { kind: 'url' },
    province: {
      kind: 'select',
      options: [['', '— seluruh wilayah —'], ...PROVINCES.map((p): [string, string] => [p.code, `${p.code} · ${p.name}`])],
    },
    starts_at: { kind: 'datetime-local' },
    ends_at: { kind: 'datetime-local' },
    capacity: { kind: 'number' },
    registration_opens_at: { kind: 'datetime-local' },
    registration_closes_at: { kind: 'datetime-local' },
  }
  const anyError = Object.keys(errors).length > 0
  return html`${anyError && html`<p class="alert" role="alert">Sesi belum disimpan: periksa isian yang ditandai.</p>`}
<form method="post" action="${options.action}" class="session-form" novalidate>${csrfField(c.get('csrf'))}
${SESSION_COLUMNS.map((column) => control(column, kinds[column], values[column] ?? '', errors[column], options.editing && column === 'code'))}
<button type="submit">${options.submit}</button>
</form>`
}
