/**
 * The announcement use cases staff reach from the console and the CLI: write a draft, preview it,
 * send it now or at a time, queue it through the outbox (queue.ts), and cancel it (cancel.ts).
 * Every check runs before anything is written; every step is in the audit log.
 */
import { createHash } from 'node:crypto'
import { type Db, isUniqueViolation } from '../../db/client.js'
import {
  type AudienceQuery,
  queuedZones,
  type ReachCounts,
  reachCounts,
  sampleRecipient,
  subjectGaps,
  subjectKindOf,
} from '../../db/queries/announcement-audience.js'
import {
  type AnnouncementRow,
  allRecipientLines,
  findAnnouncement,
  insertAnnouncement,
  liveWithKey,
  startAnnouncement,
  updateDraftRow,
} from '../../db/queries/announcements.js'
import type { ConsoleScope } from '../../db/queries/console-scope.js'
import { transaction } from '../../db/store.js'
import { type AnnouncementStatus, type AudienceCriteria, PLACEHOLDERS } from '../../vocabulary/announcements.js'
import { referenceCode } from '../codes.js'
import { formatLocalDateTime, zoneLabelOrName } from '../regions.js'
import { isQuiet, quietEnd } from '../reminders/plan.js'
import type { ReminderSettings } from '../reminders/settings.js'
import { formatClock } from '../text/dates.js'
import type { Reply } from '../types.js'
import { canonicalCriteria, type RawAudience, readAudience } from './criteria.js'
import { announcementRenderer } from './message.js'
import { placeholderProblems, placeholdersIn, type SubjectKind } from './placeholders.js'
import { type AnnounceProblem, type Checked, problem } from './problems.js'
import { ANNOUNCEMENT_STATUS_LABEL, recipientsCsv } from './report.js'
import { firstDue, lastDue, readTime, scheduleProblem } from './schedule.js'
import { newValueCache, placeholderValues } from './values.js'

export type { ReachCounts } from '../../db/queries/announcement-audience.js'
export { cancelAnnouncement } from './cancel.js'
export type { Checked } from './problems.js'
export { type QueueResult, type QueueSettings, queueAnnouncement, runAnnouncements } from './queue.js'

export type { AnnouncementRecord } from './record.js'

import { type AnnouncementRecord, audienceOf, audit, date, senderOf, toRecord } from './record.js'

export type QuietHours = ReminderSettings['quiet']

export type AnnounceContext = {
  scope: ConsoleScope
  /** 'staff:12' | 'cli' */
  actor: string
  staffId: number | null
  now: Date
}

export type AnnouncementInput = { audience: RawAudience; textId: string; textEn?: string | null; expiresAt?: Date | null }

export type PreviewSample = {
  channel: 'telegram' | 'whatsapp'
  personId: number
  name: string
  language: 'id' | 'en'
  reply: Reply
}

export type AnnouncementPreview = {
  reach: ReachCounts
  /** One per channel that has recipients. */
  samples: PreviewSample[]
  /** Indonesian: quiet-hours waits per zone, cap forecast, no-personal-placeholder warning, empty values. */
  notes: string[]
}

export type SendWhen = { mode: 'now' } | { mode: 'schedule'; localDate: string; localTime: string }

/** The longest text staff may write (the footer and Telegram's 4,096 characters leave room). */
export const MAX_TEXT = 1_500

/** By id or code; another region's announcement → undefined. */
export async function announcementInScope(
  db: Db,
  scope: ConsoleScope,
  idOrCode: number | string,
): Promise<AnnouncementRecord | undefined> {
  const row = await findAnnouncement(db, idOrCode, scope)
  return row ? toRecord(row) : undefined
}

const ALLOWED = PLACEHOLDERS.map((p) => `{${p}}`).join(', ')

/** The texts' problems: empty, too long, unknown placeholders, placeholders the criteria give no value for. */
function textProblems(
  textId: string,
  textEn: string | null,
  subject: SubjectKind | undefined,
  criteriaOk: boolean,
): AnnounceProblem[] {
  const problems: AnnounceProblem[] = []
  const check = (text: string, field: 'teks_id' | 'teks_en', label: string) => {
    if (text.length > MAX_TEXT) {
      problems.push(
        problem('ANNOUNCE_TEXT_TOO_LONG', `${label} terlalu panjang: ${text.length} karakter, paling banyak ${MAX_TEXT}.`, field),
      )
    }
    const found = placeholderProblems(text, subject)
    if (found.unknown.length > 0) {
      problems.push(
        problem(
          'ANNOUNCE_UNKNOWN_PLACEHOLDER',
          `${label} memuat tempat isian yang tidak dikenal: ${found.unknown.join(', ')}. Yang boleh dipakai (persis, huruf kecil, tanpa spasi): ${ALLOWED}.`,
          field,
        ),
      )
    }
    if (criteriaOk && found.needsSubject.length > 0) {
      const names = found.needsSubject.map((p) => `{${p}}`).join(', ')
      const which =
        subject === 'portfolio'
          ? 'Dengan penerima menurut batas portofolio, hanya {nama} dan {tanggal} yang terisi.'
          : 'Tempat isian ini hanya terisi bila penerima dipilih dari sesi Bimtek atau tanggal ujian ({tanggal} juga dari batas portofolio).'
      problems.push(problem('ANNOUNCE_PLACEHOLDER_NEEDS_SUBJECT', `${label} memakai ${names}. ${which}`, field))
    }
  }
  if (textId === '') problems.push(problem('ANNOUNCE_TEXT_EMPTY', 'Teks Bahasa Indonesia wajib diisi.', 'teks_id'))
  else check(textId, 'teks_id', 'Teks Bahasa Indonesia')
  if (textEn !== null) check(textEn, 'teks_en', 'Teks Bahasa Inggris')
  return problems
}

function dedupeKey(
  criteria: string,
  a: {
    textId: string
    textEn: string | null
    localDate: string | null
    localTime: string | null
    urgent: boolean
    regionId: number | null
  },
): string {
  return createHash('sha256')
    .update(JSON.stringify([criteria, a.textId, a.textEn, a.localDate, a.localTime, a.urgent, a.regionId]))
    .digest('hex')
}

/** The same announcement finished within this window is not sent again (a retried script, a second click a day later). */
const RESEND_WINDOW_MS = 24 * 60 * 60_000
const recentSince = (now: Date) => now.getTime() - RESEND_WINDOW_MS

const duplicate = (existing: { code: string; status: string }): AnnounceProblem => ({
  ...problem(
    'ANNOUNCE_DUPLICATE',
    existing.status === 'done'
      ? `Pengumuman yang sama sudah dikirim kurang dari 24 jam lalu: ${existing.code}. Bila memang perlu dikirim lagi, ubah teksnya.`
      : `Pengumuman yang sama sudah ada: ${existing.code}. Batalkan yang itu dahulu, atau ubah teksnya.`,
  ),
  existingCode: existing.code,
})

type Checkedinput = {
  criteria: AudienceCriteria
  canonical: string
  textId: string
  textEn: string | null
  expiresAt: number | null
}

async function checkInput(db: Db, input: AnnouncementInput, ctx: AnnounceContext): Promise<Checked<Checkedinput>> {
  const audience = await readAudience(db, input.audience, ctx.scope)
  const textId = input.textId.trim()
  const textEn = input.textEn?.trim() ? input.textEn.trim() : null
  const subject = audience.ok ? subjectKindOf(audience.value) : undefined
  const problems = [...(audience.ok ? [] : audience.problems), ...textProblems(textId, textEn, subject, audience.ok)]
  const expiresAt = input.expiresAt ?? null
  if (expiresAt && expiresAt.getTime() <= ctx.now.getTime()) {
    problems.push(
      problem('ANNOUNCE_BAD_DATE', 'Batas berlaku pengumuman sudah lewat: pilih waktu yang akan datang.', 'kedaluwarsa'),
    )
  }
  if (problems.length > 0 || !audience.ok) return { ok: false, problems }
  return {
    ok: true,
    value: {
      criteria: audience.value,
      canonical: canonicalCriteria(audience.value),
      textId,
      textEn,
      expiresAt: expiresAt?.getTime() ?? null,
    },
  }
}

/** A draft; audit announcement.created. */
export async function createAnnouncement(
  db: Db,
  input: AnnouncementInput,
  ctx: AnnounceContext,
): Promise<Checked<{ id: number; code: string }>> {
  const checked = await checkInput(db, input, ctx)
  if (!checked.ok) return checked
  const v = checked.value
  const regionId = ctx.scope?.id ?? null
  const key = dedupeKey(v.canonical, { ...v, localDate: null, localTime: null, urgent: false, regionId })
  const existing = await liveWithKey(db, key, 0, recentSince(ctx.now))
  if (existing) return { ok: false, problems: [duplicate(existing)] }
  for (let attempt = 0; ; attempt++) {
    const code = referenceCode('PGM')
    try {
      const id = await transaction(db, async (tx) => {
        const id = await insertAnnouncement(tx, {
          code,
          actor: ctx.actor,
          staffId: ctx.staffId,
          regionId,
          criteria: v.canonical,
          textId: v.textId,
          textEn: v.textEn,
          expiresAt: v.expiresAt,
          dedupeKey: key,
          at: ctx.now.getTime(),
        })
        await audit(tx, ctx.now, ctx.actor, 'announcement.created', code, {
          criteria: v.criteria,
          ...(ctx.actor === 'cli' && ctx.staffId !== null && { as: ctx.staffId }),
        })
        return id
      })
      return { ok: true, value: { id, code } }
    } catch (error) {
      if (isUniqueViolation(error, 'dedupe_key')) {
        const found = await liveWithKey(db, key, 0, recentSince(ctx.now))
        if (found) return { ok: false, problems: [duplicate(found)] }
      }
      if (!isUniqueViolation(error, 'code') || attempt >= 5) throw error
    }
  }
}

const notFound = (): AnnounceProblem => problem('ANNOUNCE_NOT_FOUND', 'Pengumuman tidak ditemukan.')
const notDraft = (status: AnnouncementStatus): AnnounceProblem =>
  problem(
    'ANNOUNCE_NOT_DRAFT',
    `Pengumuman ini sudah tidak berupa draf (${ANNOUNCEMENT_STATUS_LABEL[status].toLowerCase()}); yang sudah dikirim atau dijadwalkan tidak dapat diubah.`,
  )

export async function updateDraft(
  db: Db,
  id: number,
  input: AnnouncementInput,
  ctx: AnnounceContext,
): Promise<Checked<{ id: number; code: string }>> {
  const row = await findAnnouncement(db, id, ctx.scope)
  if (!row) return { ok: false, problems: [notFound()] }
  if (row.status !== 'draft') return { ok: false, problems: [notDraft(row.status)] }
  const checked = await checkInput(db, input, ctx)
  if (!checked.ok) return checked
  const v = checked.value
  const key = dedupeKey(v.canonical, { ...v, localDate: null, localTime: null, urgent: false, regionId: row.regionId })
  const existing = await liveWithKey(db, key, row.id, recentSince(ctx.now))
  if (existing) return { ok: false, problems: [duplicate(existing)] }
  const changed = await updateDraftRow(db, row.id, {
    criteria: v.canonical,
    textId: v.textId,
    textEn: v.textEn,
    expiresAt: v.expiresAt,
    dedupeKey: key,
    at: ctx.now.getTime(),
  })
  if (!changed) return { ok: false, problems: [notDraft((await findAnnouncement(db, id, null))?.status ?? 'cancelled')] }
  return { ok: true, value: { id: row.id, code: row.code } }
}

const number = (n: number) => n.toLocaleString('id-ID')

/** Counts, one real sample per channel, notes; audit announcement.previewed (a real person's message was seen). */
export async function previewAnnouncement(
  db: Db,
  id: number,
  ctx: AnnounceContext,
  opts: { sample?: number; quiet: QuietHours; cap?: { perDay: number; remainingToday: number } },
): Promise<AnnouncementPreview> {
  const row = await findAnnouncement(db, id, ctx.scope)
  if (!row) throw new Error(`announcement ${id} not found in this scope`)
  const record = toRecord(row)
  const query = await audienceOf(db, record, ctx.now)
  const reach = await reachCounts(db, query)
  const renderer = announcementRenderer({ textId: record.textId, textEn: record.textEn, sender: await senderOf(db, record) })
  const cache = newValueCache()
  const samples: PreviewSample[] = []
  for (const channel of ['telegram', 'whatsapp'] as const) {
    if (reach.chats[channel] === 0) continue
    const offset = opts.sample ?? 0
    const person = (await sampleRecipient(db, query, channel, offset)) ?? (await sampleRecipient(db, query, channel, 0))
    const chat = person?.chats[0]
    if (!person || !chat) continue
    const language = renderer.languageFor(chat.language)
    const text = renderer.render(chat.language, placeholderValues(person, language, cache))
    samples.push({ channel, personId: person.personId, name: person.fullName, language, reply: { text } })
  }
  const notes = await previewNotes(db, record, query, reach, opts)
  await audit(db, ctx.now, ctx.actor, 'announcement.previewed', record.code, { personIds: samples.map((s) => s.personId) })
  return { reach, samples, notes }
}

async function previewNotes(
  db: Db,
  record: AnnouncementRecord,
  query: AudienceQuery,
  reach: ReachCounts,
  opts: { quiet: QuietHours; cap?: { perDay: number; remainingToday: number } },
): Promise<string[]> {
  const notes: string[] = []
  if (reach.people === 0) notes.push('Tidak ada orang yang cocok dengan kriteria ini.')
  else if (reach.queued === 0) notes.push('Tidak seorang pun dapat dihubungi: tidak ada chat yang dapat dikirimi.')
  // Sent now: the rows of a zone inside its quiet hours wait until they end (urgent ones do not).
  if (!record.urgent && !record.localDate && reach.queued > 0) {
    const byLabel = new Map<string, { people: number; until: Date; zone: string }>()
    for (const { zone, people } of await queuedZones(db, query)) {
      if (!isQuiet(query.now, zone, opts.quiet)) continue
      const label = zoneLabelOrName(zone)
      const found = byLabel.get(label)
      if (found) found.people += people
      else byLabel.set(label, { people, until: quietEnd(query.now, zone, opts.quiet), zone })
    }
    for (const [label, { people, until, zone }] of byLabel) {
      notes.push(
        `${number(people)} penerima ${label} menerima pesan pukul ${formatClock(until, zone)} ${label}, setelah jam tenang, bila dikirim sekarang.`,
      )
    }
  }
  if (opts.cap && reach.chats.whatsapp > opts.cap.remainingToday) {
    const rest = reach.chats.whatsapp - Math.max(0, opts.cap.remainingToday)
    const days = Math.ceil(rest / opts.cap.perDay)
    notes.push(
      `Batas harian WhatsApp ${number(opts.cap.perDay)} pesan: hari ini tersisa ${number(Math.max(0, opts.cap.remainingToday))}; ` +
        `${number(rest)} pesan WhatsApp berlanjut ${days === 1 ? 'pada hari kerja berikutnya' : `selama ${days} hari kerja berikutnya`}.`,
    )
  }
  const texts = [record.textId, ...(record.textEn ? [record.textEn] : [])]
  const used = new Set(texts.flatMap(placeholdersIn))
  if (reach.chats.whatsapp > 1 && !used.has('nama')) {
    notes.push(
      `Teks tidak memuat {nama}: ${number(reach.chats.whatsapp)} pesan WhatsApp akan sama persis. WhatsApp dapat menganggapnya pesan massal; pertimbangkan menyapa dengan {nama}.`,
    )
  }
  if (reach.queued > 0 && [...used].some((p) => p !== 'nama')) {
    const gaps = await subjectGaps(db, query)
    const empty: [string, number][] = [
      ['{tanggal}', used.has('tanggal') ? gaps.noTime : 0],
      ['{jam}', used.has('jam') ? gaps.noTime : 0],
      ['{sesi}', used.has('sesi') ? gaps.noTime : 0],
      ['{tempat}', used.has('tempat') ? gaps.noVenue : 0],
      ['{tautan}', used.has('tautan') ? gaps.noLink : 0],
    ]
    for (const [name, n] of empty) if (n > 0) notes.push(`${name} kosong (ditulis "-") untuk ${number(n)} penerima.`)
  }
  return notes
}

/** draft → scheduled (a time) or queuing (now; the caller then runs queueAnnouncement). */
export async function sendAnnouncement(
  db: Db,
  id: number,
  when: SendWhen,
  urgent: boolean,
  ctx: AnnounceContext,
  quiet: QuietHours,
): Promise<Checked<{ status: 'scheduled' | 'queuing'; startAt: Date | null }>> {
  const row = await findAnnouncement(db, id, ctx.scope)
  if (!row) return { ok: false, problems: [notFound()] }
  if (row.status !== 'draft') return alreadyStarted(row)
  let localDate: string | null = null
  let localTime: string | null = null
  if (when.mode === 'schedule') {
    const refused = scheduleProblem(when, urgent, quiet, ctx.now)
    if (refused) return { ok: false, problems: [refused] }
    localDate = when.localDate.trim()
    localTime = readTime(when.localTime) ?? null
  }
  const startAt = firstDue({ localDate, localTime }, ctx.now)
  const lastAt = lastDue({ localDate, localTime }, ctx.now) ?? ctx.now
  if (row.expiresAt !== null && row.expiresAt <= lastAt.getTime()) {
    return {
      ok: false,
      problems: [
        problem(
          'ANNOUNCE_BAD_DATE',
          `Batas kedaluwarsa pengumuman ini (${formatLocalDateTime(new Date(row.expiresAt), 'Asia/Jakarta')}) tidak sesudah waktu kirimnya: tidak akan ada yang menerimanya. Ubah jadwal atau batas kedaluwarsanya (Ubah draf).`,
          'jadwal',
        ),
      ],
    }
  }
  const key = dedupeKey(row.criteria, {
    textId: row.textId,
    textEn: row.textEn,
    localDate,
    localTime,
    urgent,
    regionId: row.regionId,
  })
  const status = when.mode === 'schedule' ? 'scheduled' : 'queuing'
  const existing = await liveWithKey(db, key, row.id, recentSince(ctx.now))
  if (existing) return { ok: false, problems: [duplicate(existing)] }
  const started = await transaction(db, async (tx) => {
    const changed = await startAnnouncement(tx, row.id, {
      status,
      urgent,
      localDate,
      localTime,
      startAt: startAt?.getTime() ?? null,
      dedupeKey: key,
      at: ctx.now.getTime(),
    })
    if (changed && status === 'scheduled') {
      await audit(tx, ctx.now, ctx.actor, 'announcement.scheduled', row.code, {
        localDate,
        localTime,
        urgent,
        startAt: startAt?.toISOString(),
      })
    }
    return changed
  })
  if (!started) {
    const now = await findAnnouncement(db, row.id, null)
    return now ? alreadyStarted(now) : { ok: false, problems: [notFound()] }
  }
  return { ok: true, value: { status, startAt } }
}

/** A second "send" (a double click, a form posted twice) is answered as the first was; a cancelled one is refused. */
function alreadyStarted(row: AnnouncementRow): Checked<{ status: 'scheduled' | 'queuing'; startAt: Date | null }> {
  if (row.status === 'cancelled' || row.status === 'draft') return { ok: false, problems: [notDraft(row.status)] }
  return { ok: true, value: { status: row.status === 'scheduled' ? 'scheduled' : 'queuing', startAt: date(row.startAt) } }
}

/**
 * The per-person report as CSV for staff (console download, `announce status --csv`), audited as
 * announcement.recipients_exported with the number of rows; undefined outside the scope.
 */
export async function exportRecipientsCsv(
  db: Db,
  idOrCode: number | string,
  ctx: AnnounceContext,
): Promise<{ code: string; csv: string; rows: number } | undefined> {
  const row = await findAnnouncement(db, idOrCode, ctx.scope)
  if (!row) return undefined
  const lines = await allRecipientLines(db, row.id)
  const rows = lines.length
  const csv = recipientsCsv(row.code, lines)
  await audit(db, ctx.now, ctx.actor, 'announcement.recipients_exported', row.code, {
    rows,
    ...(ctx.actor === 'cli' && ctx.staffId !== null && { as: ctx.staffId }),
  })
  return { code: row.code, csv, rows }
}
