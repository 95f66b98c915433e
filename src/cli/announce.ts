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
import { describeAudience, type RawAudience } from '../core/announcements/criteria.js'
import type { AnnounceProblem, Checked } from '../core/announcements/problems.js'
import { ANNOUNCEMENT_STATUS_LABEL, recipientStatus, recipientsCsv } from '../core/announcements/report.js'
import {
  type AnnounceContext,
  type AnnouncementInput,
  type AnnouncementPreview,
  type AnnouncementRecord,
  announcementInScope,
  cancelAnnouncement,
  createAnnouncement,
  previewAnnouncement,
  type QueueResult,
  type QueueSettings,
  queueAnnouncement,
  type SendWhen,
  sendAnnouncement,
} from '../core/announcements/service.js'
import { maskName } from '../core/certificates/verify.js'
import { formatLocalDateTime, formatLocalTime, zoneLabelOrName } from '../core/regions.js'
import { UNKNOWN_OUTCOME_HELP } from '../core/reminders/listing.js'
import { renderPlainText } from '../core/render.js'
import { formatDate } from '../core/text/dates.js'
import type { Db } from '../db/client.js'
import {
  type AnnouncementTotals,
  allRecipientLines,
  announcementPreviewAudits,
  announcementTotals,
  recipientLines,
} from '../db/queries/announcements.js'
import { writeAudit } from '../db/queries/audit.js'
import type { ConsoleScope } from '../db/queries/console-scope.js'
import { staffByEmail, staffById } from '../db/queries/console-staff.js'
import { capRemaining } from '../db/queries/outbox.js'
import { keptIfOk, rolledBack } from '../db/transactions.js'
import { reminderSettingsOf } from '../settings.js'
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
    return readFileSync(path, 'utf8')
      .replace(/^\uFEFF/, '')
      .replace(/\s+$/, '')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT' ? 'file tidak ditemukan' : code === 'EISDIR' ? 'ini folder, bukan file' : `tidak dapat dibaca (${code})`
    err(`${option} ${path}: ${reason}\n`)
    return undefined
  }
}

type AudienceValues = {
  [K in keyof typeof AUDIENCE_OPTIONS]?: (typeof AUDIENCE_OPTIONS)[K]['type'] extends 'boolean'
    ? boolean
    : K extends 'stage' | 'region' | 'province' | 'exam-kind'
      ? string[]
      : string
}

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
export type Acting = {
  scope: ConsoleScope
  staffId: number | null
  role: 'admin' | 'regional' | 'viewer' | 'centre'
  label: string
}

export async function actingOf(db: Db, email: string | undefined): Promise<Acting | undefined> {
  if (email === undefined) return { scope: null, staffId: null, role: 'centre', label: 'pusat (semua wilayah)' }
  const account = await staffByEmail(db, email.trim().toLowerCase())
  if (account?.status !== 'active') {
    err(`Tidak ada akun aktif dengan e-mail ${email}.\n`)
    return undefined
  }
  const scope = await staffScope(db, account)
  return {
    scope,
    staffId: account.id,
    role: account.role,
    label: scope ? `${account.email} (${scope.code}, wilayahnya saja)` : `${account.email} (${account.role}, semua wilayah)`,
  }
}

/** Queuing from the CLI: 5,000 people per write transaction, a short pause after each so a running server writes too. */
const QUEUE: QueueSettings = { batchPeople: 5_000, pauseMs: 50 }
/** Lines of waiting or failed recipients `status` shows. */
const LINES_SHOWN = 20
const WIB = 'Asia/Jakarta'

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const noPause = async () => {}

const when = (date: Date, zone = WIB) => `${formatDate(date, 'shortDateTime', 'id', zone)} ${zoneLabelOrName(zone)}`

/** The parsed command line of `preview` and `send`, and who acts; a number is the exit code of a usage error. */
type Prepared = { input: AnnouncementInput; when: SendWhen; urgent: boolean; ctx: AnnounceContext; acting: Acting }

async function prepare(
  db: Db,
  values: AudienceValues & { at?: string; urgent?: boolean },
  now: Date,
): Promise<Prepared | number> {
  const parsed = readAnnouncementArgs(values)
  if (!parsed) return 2
  const sendWhen = readWhen(values.at)
  if (!sendWhen) return 2
  const acting = await actingOf(db, parsed.as)
  if (!acting) return 1
  if (acting.role === 'viewer') {
    err('Akun viewer tidak boleh membuat pengumuman (lihat docs/console.md).\n')
    return 1
  }
  return {
    input: { audience: parsed.audience, textId: parsed.textId, textEn: parsed.textEn },
    when: sendWhen,
    urgent: values.urgent === true,
    ctx: { scope: acting.scope, actor: 'cli', staffId: acting.staffId, now },
    acting,
  }
}

function reachLines(reach: AnnouncementPreview['reach'], audience: string): string {
  const unreachable = reach.noChat + reach.blocked + reach.optedOut
  const why = [
    reach.noChat > 0 && `tidak ada chat tertaut ${reach.noChat}`,
    reach.blocked > 0 && `memblokir asisten ${reach.blocked}`,
    reach.optedOut > 0 && `berhenti menerima pengumuman (stop info) ${reach.optedOut}`,
  ].filter(Boolean)
  return (
    `Penerima: ${reach.people} orang (${audience})\n` +
    `  terjangkau ${reach.queued} orang: Telegram ${reach.chats.telegram} chat · WhatsApp ${reach.chats.whatsapp} chat\n` +
    `  tidak terjangkau ${unreachable} orang${why.length > 0 ? `: ${why.join(' · ')}` : ''}\n`
  )
}

function previewLines(preview: AnnouncementPreview): string {
  let text = ''
  if (preview.notes.length > 0) text += `Catatan:\n${preview.notes.map((note) => `  - ${note}\n`).join('')}`
  for (const sample of preview.samples) {
    const channel = sample.channel === 'whatsapp' ? 'WhatsApp' : 'Telegram'
    const language = sample.language === 'en' ? 'bahasa Inggris' : 'bahasa Indonesia'
    const body = renderPlainText(sample.reply)
      .split('\n')
      .map((line) => `  │ ${line}`.trimEnd())
      .join('\n')
    text += `\nContoh pesan ${channel} (untuk ${sample.name}, ${language}):\n${body}\n`
  }
  if (preview.samples.length === 0) text += '\nTidak ada contoh pesan: tidak ada penerima yang terjangkau.\n'
  return text
}

function scheduleLine(record: Pick<AnnouncementRecord, 'localDate' | 'localTime' | 'startAt' | 'urgent'>): string {
  const urgent = record.urgent ? ' (mendesak: juga pada jam tenang)' : ''
  if (!record.localDate || !record.localTime) return `Jadwal: sekarang${urgent}`
  // The calendar day itself, not an instant: formatted at noon UTC, it is that day.
  const day = formatDate(new Date(`${record.localDate}T12:00:00Z`), 'weekdayDate', 'id', 'UTC')
  const first = record.startAt
    ? ` (yang pertama ${formatLocalTime(record.startAt, 'Asia/Jayapura')} = ${formatLocalTime(record.startAt, WIB)})`
    : ''
  return `Jadwal: ${day}, ${record.localTime.replace(':', '.')} waktu setempat tiap penerima${first}${urgent}`
}

/** The forecast after `send`: the WhatsApp chats over what the daily cap leaves today. */
function capLine(whatsappChats: number, config: Config, remaining: number): string {
  if (whatsappChats <= remaining) return ''
  const cap = config.WHATSAPP_DAILY_CAP
  const later = whatsappChats - remaining
  const days = Math.ceil(later / cap)
  return (
    `Batas harian WhatsApp ${cap} pesan (sisa hari ini ${remaining}): ${later} pesan WhatsApp berlanjut pada ` +
    `${days === 1 ? 'hari kerja berikutnya' : `${days} hari kerja berikutnya`}, mulai jam kerja; lihat announce status.\n`
  )
}

/**
 * `announce preview OPSI-PENERIMA --text TEKS [--text-en TEKS] [--at …] [--urgent] [--as EMAIL]`:
 * who the announcement would reach, per channel, who not and why, one real message per channel and
 * the notes (quiet hours, the WhatsApp cap, texts without a personal placeholder). The draft it needs
 * is made in a transaction that is rolled back: nothing is kept but the `announcement.previewed`
 * audit entry (a preview shows a real person's message), without an announcement to point to.
 */
export async function announcePreviewCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const { values } = parseArgs({ args, options: { ...AUDIENCE_OPTIONS, at: { type: 'string' }, urgent: { type: 'boolean' } } })
  const now = clock()
  const prepared = await prepare(db, values, now)
  if (typeof prepared === 'number') return prepared
  const { input, ctx } = prepared
  const quiet = reminderSettingsOf(config).quiet
  const cap = { perDay: config.WHATSAPP_DAILY_CAP, remainingToday: await capRemaining(db, now, config.WHATSAPP_DAILY_CAP) }

  const outcome = await rolledBack(db, async (tx) => {
    const created = await createAnnouncement(tx, input, ctx)
    if (!created.ok) return created
    const { id, code } = created.value
    const preview = await previewAnnouncement(tx, id, ctx, { quiet, cap })
    // What the preview wrote to the audit log (entity id: the draft's code), to be written again after the rollback.
    const audits = await announcementPreviewAudits(tx, code)
    let record = await announcementInScope(tx, ctx.scope, id)
    if (prepared.when.mode === 'schedule' || prepared.urgent) {
      const sent = await sendAnnouncement(tx, id, prepared.when, prepared.urgent, ctx, quiet)
      if (!sent.ok) return sent
      record = await announcementInScope(tx, ctx.scope, id)
    }
    const audience = record ? await describeAudience(tx, record.criteria) : ''
    return { ok: true as const, value: { preview, audits, record, audience } }
  })
  if (!outcome.ok) return reportProblems(outcome.problems)
  const { preview, audits, record, audience } = outcome.value
  // The draft is gone: the entry names no announcement, and says who looked with --as.
  const as = prepared.acting.staffId !== null ? { as: prepared.acting.staffId } : {}
  // A preview that showed nobody's message showed no personal data: nothing to keep then.
  for (const { id: _id, details, ...entry } of preview.samples.length > 0 ? audits : []) {
    const kept = { ...(details ? (JSON.parse(details) as Record<string, unknown>) : {}), ...as }
    await writeAudit(db, { ...entry, entityId: null, details: kept })
  }

  out(`Pratinjau (pengumuman tidak disimpan; dilihat oleh ${prepared.acting.label}).\n`)
  out(reachLines(preview.reach, audience))
  if (record) out(`${scheduleLine(record)}\n`)
  out(previewLines(preview))
  return 0
}

function queuedLines(result: QueueResult): string {
  return `Diantrekan ${result.rows} pesan untuk ${result.reach.queued} orang (Telegram ${result.reach.chats.telegram} · WhatsApp ${result.reach.chats.whatsapp}).\n`
}

/**
 * `announce send OPSI-PENERIMA --text TEKS [--text-en TEKS] [--at "YYYY-MM-DD HH:MM"] [--urgent]
 * [--dry-run] [--as EMAIL]`: made and sent in one transaction (a refusal leaves nothing); now: the
 * outbox rows are written here, batch by batch, and the server delivers them; `--at`: the
 * server's `announcements` job queues it at that time in each recipient's zone. `--dry-run` does
 * all of it, queue included, in a transaction that is rolled back.
 */
export async function announceSendCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const { values } = parseArgs({ args, options: SEND_OPTIONS })
  const now = clock()
  const prepared = await prepare(db, values, now)
  if (typeof prepared === 'number') return prepared
  const { input, ctx } = prepared
  const quiet = reminderSettingsOf(config).quiet
  const remaining = await capRemaining(db, now, config.WHATSAPP_DAILY_CAP)

  if (values['dry-run']) {
    const outcome = await rolledBack(db, async (tx) => {
      const created = await createAnnouncement(tx, input, ctx)
      if (!created.ok) return created
      const { id, code } = created.value
      const preview = await previewAnnouncement(tx, id, ctx, {
        quiet,
        cap: { perDay: config.WHATSAPP_DAILY_CAP, remainingToday: remaining },
      })
      const sent = await sendAnnouncement(tx, id, prepared.when, prepared.urgent, ctx, quiet)
      if (!sent.ok) return sent
      const record = await announcementInScope(tx, ctx.scope, id)
      const queued =
        sent.value.status === 'queuing' ? await queueAnnouncement(tx, id, clock, { ...QUEUE, pauseMs: 0 }, noPause) : null
      return {
        ok: true as const,
        value: { code, preview, record, queued, audience: record ? await describeAudience(tx, record.criteria) : '' },
      }
    })
    if (!outcome.ok) return reportProblems(outcome.problems)
    const { preview, record, queued, audience } = outcome.value
    out('--dry-run: tidak ada yang disimpan. Bila dikirim:\n')
    out(reachLines(preview.reach, audience))
    if (record) out(`${scheduleLine(record)}\n`)
    if (queued) out(queuedLines(queued))
    else out('Diantrekan oleh server pada waktunya (penerima dihitung lagi saat itu).\n')
    out(previewLines(preview))
    return 0
  }

  const made = await keptIfOk(db, async (tx): Promise<Checked<{ id: number; code: string; status: 'scheduled' | 'queuing' }>> => {
    const created = await createAnnouncement(tx, input, ctx)
    if (!created.ok) return created
    const sent = await sendAnnouncement(tx, created.value.id, prepared.when, prepared.urgent, ctx, quiet)
    if (!sent.ok) return sent
    return { ok: true, value: { ...created.value, status: sent.value.status } }
  })
  if (!made.ok) return reportProblems(made.problems)
  const { id, code } = made.value
  const record = await announcementInScope(db, ctx.scope, id)
  const audience = record ? await describeAudience(db, record.criteria) : ''
  if (made.value.status === 'scheduled') {
    out(`Pengumuman ${code} dijadwalkan: ${audience}.\n`)
    if (record) out(`${scheduleLine(record)}\n`)
    out(`Server mengantrekannya pada waktunya; penerima dihitung saat itu. Pantau: npm run cli -- announce status ${code}\n`)
    out(`Batalkan sebelum terkirim: npm run cli -- announce cancel ${code}\n`)
    return 0
  }
  let queued: QueueResult
  try {
    queued = await queueAnnouncement(db, id, clock, QUEUE, sleep)
  } catch (error) {
    // Every batch written stays; the server's announcements job resumes from the next person.
    err(`Pengumuman ${code} tersimpan, tetapi antreannya terhenti (${(error as Error).message}).\n`)
    err(`Server melanjutkannya dalam satu menit. Pantau: npm run cli -- announce status ${code}\n`)
    return 1
  }
  out(`Pengumuman ${code} diantrekan.\n`)
  out(reachLines(queued.reach, audience))
  out(queuedLines(queued))
  out(capLine(queued.reach.chats.whatsapp, config, remaining))
  out(`Server mengirim dalam satu menit, dengan jeda per kanal. Pantau: npm run cli -- announce status ${code}\n`)
  return 0
}

/** The announcement named by the first positional argument, in the scope of `--as`; a number is the exit code. */
async function named(
  db: Db,
  args: string[],
  options: { csv?: boolean },
  usage: string,
): Promise<{ record: AnnouncementRecord; acting: Acting; csv: boolean } | number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { as: { type: 'string' }, ...(options.csv ? { csv: { type: 'boolean' as const } } : {}) },
  })
  const code = positionals[0]?.trim().toUpperCase()
  if (!code || positionals.length > 1) {
    err(`Pemakaian: npm run cli -- ${usage}\n`)
    return 2
  }
  const acting = await actingOf(db, values.as)
  if (!acting) return 1
  const record = await announcementInScope(db, acting.scope, /^\d+$/.test(code) ? Number(code) : code)
  if (!record) {
    err(`Tidak ada pengumuman dengan kode ${code}${acting.scope ? ` di wilayah ${acting.scope.code}` : ''}.\n`)
    return 1
  }
  return { record, acting, csv: (values as { csv?: boolean }).csv === true }
}

function totalsLines(totals: AnnouncementTotals): string {
  const { rows } = totals
  const all =
    rows.waiting + rows.sent + rows.late + rows.failed + rows.unknown + rows.skipped + rows.blockedByUser + rows.cancelled
  // "hasil tidak diketahui" only when there is any: a crash while sending is rare.
  const unknown = (n: number) => (n > 0 ? ` · hasil tidak diketahui ${n}` : '')
  const channel = (name: 'telegram' | 'whatsapp') => {
    const c = totals.byChannel[name]
    return `  ${name}: ${c.rows} pesan · menunggu ${c.waiting} · terkirim ${c.sent} · gagal ${c.failed}${unknown(c.unknown)}\n`
  }
  return (
    `Orang: ${totals.people} · terjangkau ${totals.queued} · tidak ada chat ${totals.noChat} · memblokir ${totals.blocked} · ` +
    `berhenti (stop info) ${totals.optedOut}\n` +
    `Pesan: ${all} · menunggu ${rows.waiting} · terkirim ${rows.sent + rows.late}${rows.late > 0 ? ` (${rows.late} terlambat)` : ''} · ` +
    `gagal ${rows.failed}${unknown(rows.unknown)} · dilewati ${rows.skipped} · diblokir penerima ${rows.blockedByUser} · ` +
    `dibatalkan ${rows.cancelled}\n` +
    channel('telegram') +
    channel('whatsapp')
  )
}

/** "Batas harian WhatsApp (500) tercapai: 1240 pesan berlanjut Selasa, 8 Desember 2026, 08.00 WIB." */
function rolledLine(record: AnnouncementRecord, totals: AnnouncementTotals, config: Config): string {
  if (!record.rolledTo) return ''
  const waiting = totals.byChannel.whatsapp.waiting
  const to = formatLocalDateTime(record.rolledTo, WIB)
  if (waiting > 0 && (record.status === 'sending' || record.status === 'queuing'))
    return `Batas harian WhatsApp (${config.WHATSAPP_DAILY_CAP}) tercapai: ${waiting} pesan berlanjut ${to}.\n`
  return `Batas harian WhatsApp (${config.WHATSAPP_DAILY_CAP}) pernah tercapai; pengiriman berlanjut ${to}.\n`
}

/**
 * `announce status KODE [--csv] [--as EMAIL]`: the announcement's state, its totals (as the
 * console), the WhatsApp cap's roll-over, and the recipients still waiting, those that failed and
 * those whose outcome is unknown (names masked for a viewer). `--csv`: the per-person report on
 * stdout, audited as the console's export (actor `cli`).
 */
export async function announceStatusCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const found = await named(db, args, { csv: true }, 'announce status KODE [--csv] [--as EMAIL]')
  if (typeof found === 'number') return found
  const { record, acting, csv } = found
  if (csv) {
    if (acting.role === 'viewer') {
      err('Akun viewer tidak boleh mengunduh daftar penerima (data pribadi).\n')
      return 1
    }
    const lines = await allRecipientLines(db, record.id)
    const text = recipientsCsv(record.code, lines)
    await writeAudit(db, {
      at: clock(),
      actor: 'cli',
      action: 'announcement.recipients_exported',
      entity: 'announcement',
      entityId: record.code,
      details: { rows: lines.length, ...(acting.staffId !== null && { as: acting.staffId }) },
    })
    out(text)
    return 0
  }

  const shown = (name: string) => (acting.role === 'viewer' ? maskName(name) : name)
  const totals = await announcementTotals(db, record.id)
  const by =
    record.staffId === null
      ? record.actor
      : `${record.actor} (${(await staffById(db, record.staffId))?.email ?? `staf ${record.staffId}`})`
  out(
    `${record.code}  [${ANNOUNCEMENT_STATUS_LABEL[record.status].toLowerCase()}]  dibuat ${when(record.createdAt)} oleh ${by}\n`,
  )
  out(`Penerima: ${await describeAudience(db, record.criteria)}\n`)
  out(`${scheduleLine(record)}\n`)
  if (record.cancelledAt) out(`Dibatalkan: ${when(record.cancelledAt)}\n`)
  if (record.finishedAt && record.status === 'done') out(`Selesai: ${when(record.finishedAt)}\n`)
  out(totalsLines(totals))
  out(rolledLine(record, totals, config))
  const titles = { waiting: 'Menunggu', failed: 'Gagal', unknown: 'Hasil tidak diketahui' } as const
  for (const status of ['waiting', 'failed', 'unknown'] as const) {
    const page = await recipientLines(db, record.id, { status }, { limit: LINES_SHOWN, offset: 0 })
    if (page.total === 0) continue
    out(
      `\n${titles[status]}${page.total > page.rows.length ? ` (${page.rows.length} dari ${page.total})` : ` (${page.total})`}:\n`,
    )
    if (status === 'unknown') out(`  ${UNKNOWN_OUTCOME_HELP} Kirim ulang dari konsol, halaman Pengingat.\n`)
    for (const line of page.rows) {
      const at = status === 'waiting' && line.dueAt ? `  jatuh tempo ${when(line.dueAt, line.timeZone)}` : ''
      const reason = status === 'failed' ? `  ${recipientStatus(line).label}${line.reason ? `: ${line.reason}` : ''}` : ''
      out(`  ${shown(line.fullName)}  ${line.channel}${at}${reason}\n`)
    }
  }
  return 0
}

/** `announce cancel KODE [--as EMAIL]`: stops it; what is not yet sent stays unsent. */
export async function announceCancelCommand(db: Db, args: string[], _config: Config, clock: () => Date): Promise<number> {
  const found = await named(db, args, {}, 'announce cancel KODE [--as EMAIL]')
  if (typeof found === 'number') return found
  const { record, acting } = found
  if (acting.role === 'viewer') {
    err('Akun viewer tidak boleh membatalkan pengumuman.\n')
    return 1
  }
  const ctx: AnnounceContext = { scope: acting.scope, actor: 'cli', staffId: acting.staffId, now: clock() }
  const cancelled = await cancelAnnouncement(db, record.id, ctx)
  if (!cancelled.ok) return reportProblems(cancelled.problems)
  const rows = cancelled.value.cancelledRows
  if (record.status === 'scheduled' || record.status === 'draft')
    out(`Pengumuman ${record.code} dibatalkan sebelum diantrekan: tidak ada pesan yang dikirim.\n`)
  else out(`Pengumuman ${record.code} dibatalkan: ${rows} pesan yang belum terkirim tidak akan dikirim.\n`)
  if (record.status === 'sending' || record.status === 'queuing')
    out('Pesan yang sudah terkirim atau sedang dikirim saat dibatalkan tidak ditarik; hasilnya tercatat seperti biasa.\n')
  return 0
}
