/**
 * `npm run cli -- announce preview|send|status|cancel`: announcements for scripts and for staff
 * without the console (docs/announcements.md). The audience options are the console form's fields,
 * read by the same core function; `--as EMAIL` acts with that staff account's scope (a regional
 * account reaches its own region only), else the CLI acts as the centre. The CLI never sends:
 * `send` writes the outbox rows and the server delivers them within a minute (WhatsApp's one
 * connection belongs to it).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import type { RawAudience } from '../core/announcements/criteria.js'
import type { AnnounceProblem } from '../core/announcements/problems.js'
import type { SendWhen } from '../core/announcements/service.js'
import type { Db } from '../db/client.js'
import { staffByEmail } from '../db/queries/console-staff.js'
import type { ConsoleScope } from '../db/queries/console-scope.js'
import { staffScope } from '../web/console/scope.js'

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

/** The options every command that writes an announcement takes: the audience, the texts, who acts. */
const AUDIENCE_OPTIONS = {
  session: { type: 'string' },
  registrants: { type: 'string' },
  stage: { type: 'string', multiple: true },
  region: { type: 'string', multiple: true },
  province: { type: 'string', multiple: true },
  'exam-day': { type: 'string' },
  'exam-kind': { type: 'string', multiple: true },
  'portfolio-from': { type: 'string' },
  'portfolio-to': { type: 'string' },
  text: { type: 'string' },
  'text-en': { type: 'string' },
  'text-file': { type: 'string' },
  'text-en-file': { type: 'string' },
  as: { type: 'string' },
} as const

const SEND_OPTIONS = {
  ...AUDIENCE_OPTIONS,
  at: { type: 'string' },
  urgent: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const

/** The option a core problem's field is about, to name it on stderr. */
const FIELD_OPTION: Record<string, string> = {
  sesi: '--session',
  pendaftar: '--registrants',
  tahap: '--stage',
  wilayah: '--region',
  provinsi: '--province',
  ujian_tanggal: '--exam-day',
  ujian_jenis: '--exam-kind',
  portofolio: '--portfolio-from/--portfolio-to',
  teks_id: '--text',
  teks_en: '--text-en',
  jadwal: '--at',
}

/** Problems that mean the command line itself is wrong (exit code 2); every other one is a refusal (1). */
const USAGE_PROBLEMS = new Set<AnnounceProblem['code']>([
  'ANNOUNCE_NO_AUDIENCE',
  'ANNOUNCE_BAD_DATE',
  'ANNOUNCE_BAD_RANGE',
  'ANNOUNCE_BAD_VALUE',
  'ANNOUNCE_TEXT_EMPTY',
])

/** Prints each problem on stderr, naming its option; returns the exit code (2 usage, 1 refused). */
export function reportProblems(problems: readonly AnnounceProblem[]): number {
  for (const problem of problems) {
    const option = problem.field ? FIELD_OPTION[problem.field] : undefined
    const existing = problem.existingCode && !problem.message.includes(problem.existingCode) ? ` (${problem.existingCode})` : ''
    err(`${option ? `${option}: ` : ''}${problem.message}${existing}\n`)
  }
  return problems.length > 0 && problems.every((problem) => USAGE_PROBLEMS.has(problem.code)) ? 2 : 1
}

/** A list option given repeated or comma-separated (`--region R1,R2` = `--region R1 --region R2`). */
const list = (values: string[] | undefined): string[] | undefined => {
  const items = (values ?? []).flatMap((value) => value.split(',')).map((value) => value.trim())
  const kept = items.filter((value) => value !== '')
  return kept.length > 0 ? kept : undefined
}

/** The text of a file option, or undefined after saying why it cannot be read. */
function readText(path: string, option: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '').replace(/\s+$/, '')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT' ? 'file tidak ditemukan' : code === 'EISDIR' ? 'ini folder, bukan file' : `tidak dapat dibaca (${code})`
    err(`${option} ${path}: ${reason}\n`)
    return undefined
  }
}

type AudienceValues = { [K in keyof typeof AUDIENCE_OPTIONS]?: (typeof AUDIENCE_OPTIONS)[K]['type'] extends 'boolean' ? boolean : K extends 'stage' | 'region' | 'province' | 'exam-kind' ? string[] : string }

export type AnnouncementArgs = { audience: RawAudience; textId: string; textEn: string | null; as: string | undefined }

/**
 * The audience, the texts and `--as` of a command line, as the core reads the console form: the
 * values are passed on as typed (the core checks them and says what is wrong with which field).
 * Undefined (after one line on stderr) when the texts are missing, doubled or unreadable.
 */
export function readAnnouncementArgs(values: AudienceValues): AnnouncementArgs | undefined {
  const audience: RawAudience = {}
  const session = values.session?.trim()
  if (session) audience.session = session
  if (values.registrants !== undefined) audience.registrants = values.registrants.trim()
  const stages = list(values.stage)
  if (stages) audience.stages = stages
  const regions = list(values.region)
  if (regions) audience.regions = regions.map((code) => code.toUpperCase())
  const provinces = list(values.province)
  if (provinces) audience.provinces = provinces
  if (values['exam-day'] !== undefined) audience.examDay = values['exam-day'].trim()
  const kinds = list(values['exam-kind'])
  if (kinds) audience.examKinds = kinds
  if (values['portfolio-from'] !== undefined) audience.portfolioFrom = values['portfolio-from'].trim()
  if (values['portfolio-to'] !== undefined) audience.portfolioTo = values['portfolio-to'].trim()

  const text = (inline: string | undefined, file: string | undefined, name: string): string | null | undefined => {
    if (inline !== undefined && file !== undefined) {
      err(`Pakai --${name} atau --${name}-file, jangan keduanya.\n`)
      return undefined
    }
    if (file !== undefined) return readText(file, `--${name}-file`)
    return inline ?? null
  }
  const textId = text(values.text, values['text-file'], 'text')
  if (textId === undefined) return undefined
  if (textId === null) {
    err('Tulis teks pengumumannya: --text "…" atau --text-file FILE (teks bahasa Indonesia wajib).\n')
    return undefined
  }
  const textEn = text(values['text-en'], values['text-en-file'], 'text-en')
  if (textEn === undefined) return undefined
  return { audience, textId, textEn, as: values.as }
}

const AT = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2})[.:](\d{2})$/

/** `--at "YYYY-MM-DD HH:MM"` as the core's schedule (each recipient's own zone); undefined after saying why. */
export function readWhen(at: string | undefined): SendWhen | undefined {
  if (at === undefined) return { mode: 'now' }
  const match = AT.exec(at.trim())
  if (!match) {
    err(`--at harus "YYYY-MM-DD HH:MM" (jam setempat tiap penerima), mis. --at "2026-12-14 09:00" (bukan "${at}").\n`)
    return undefined
  }
  const [, date = '', hour = '', minute = ''] = match
  return { mode: 'schedule', localDate: date, localTime: `${hour.padStart(2, '0')}:${minute}` }
}

/** Who acts: the staff account of `--as` (its scope), or the centre; undefined after saying why not. */
export type Acting = { scope: ConsoleScope; staffId: number | null; role: 'admin' | 'regional' | 'viewer' | 'centre'; label: string }

export function actingOf(db: Db, email: string | undefined): Acting | undefined {
  if (email === undefined) return { scope: null, staffId: null, role: 'centre', label: 'pusat (semua wilayah)' }
  const account = staffByEmail(db, email.trim().toLowerCase())
  if (account?.status !== 'active') {
    err(`Tidak ada akun aktif dengan e-mail ${email}.\n`)
    return undefined
  }
  const scope = staffScope(db, account)
  return {
    scope,
    staffId: account.id,
    role: account.role,
    label: scope ? `${account.email} (${scope.code}, wilayahnya saja)` : `${account.email} (${account.role}, semua wilayah)`,
  }
}

export const _test = { SEND_OPTIONS, parseArgs }
