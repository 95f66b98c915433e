/**
 * The sections of one person's page in the console (Peserta): the stage timeline, registrations,
 * exams, reminders with their outcome and reason, linked chats (ids masked), handoffs (each code
 * links to its thread in Percakapan), consent
 * records and the audit trail of this person (who looked at or changed what). Read-only tables,
 * each with an empty state.
 */
import { CHANNEL_LABEL } from '../../core/console/dashboard.js'
import { formatLocalDateTime } from '../../core/regions.js'
import { UNKNOWN_OUTCOME_HELP } from '../../core/reminders/listing.js'
import { STAGE_LABEL } from '../../core/status/stages.js'
import { formatDate } from '../../core/text/dates.js'
import type { PersonHistory, PersonRecord } from '../../db/queries/console-people.js'
import { EVENT_KIND, type ExamKind } from '../../vocabulary/events.js'
import { type Html, html } from '../html.js'

/** "2026-11-23 09:00 WIB": when the console's own records happened (UTC+7). */
const wib = (date: Date | null) =>
  date ? `${new Date(date.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} WIB` : '—'

/** The day a stage was reached or is due, in the person's zone ("Selasa, 10 Maret 2026"). */
const day = (date: Date, zone: string) => formatDate(date, 'weekdayDate', 'id', zone)

/** When an event happens, in its own zone ("Senin, 23 November 2026, 09.00 WITA"). */
const local = (date: Date, zone: string) => {
  try {
    return formatLocalDateTime(date, zone)
  } catch {
    return wib(date)
  }
}

const HANDOFF_LABEL: Record<string, string> = { waiting: 'Menunggu petugas', open: 'Sedang dilayani', closed: 'Ditutup' }
const REGISTRATION_LABEL: Record<string, string> = {
  confirmed: 'Terkonfirmasi',
  waitlisted: 'Daftar tunggu',
  offered: 'Ditawari kursi',
  cancelled: 'Dibatalkan',
}
const OUTBOX_LABEL: Record<string, string> = {
  pending: 'Terjadwal',
  queued: 'Dalam antrean',
  claimed: 'Sedang dikirim',
  sent: 'Terkirim',
  late: 'Terkirim (terlambat)',
  failed: 'Gagal',
  unknown: 'Tidak diketahui',
  skipped: 'Dilewati',
  cancelled: 'Dibatalkan',
}
export const MODE_LABEL: Record<string, string> = { tatap_muka: 'Tatap muka', daring: 'Daring' }
export const EXAM_STATUS_LABEL: Record<string, string> = { scheduled: 'Terjadwal', cancelled: 'Dibatalkan' }
export const examKindLabel = (kind: string) => EVENT_KIND[kind as ExamKind]?.short.id ?? kind
const channelLabel = (channel: string) => CHANNEL_LABEL[channel as keyof typeof CHANNEL_LABEL] ?? channel
/** A chat id shown by its last four characters only: enough to tell two chats apart. */
const maskedId = (id: string) => `…${id.slice(-4)}`

function section(id: string, title: string, empty: string, rows: unknown[], table: () => Html): Html {
  return html`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>
${rows.length === 0 ? html`<p class="empty">${empty}</p>` : html`<div class="table-scroll">${table()}</div>`}</section>`
}

const head = (...columns: string[]) => html`<thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>`

/** Every section of the person's page after their identity. */
export function personSections(person: PersonRecord, h: PersonHistory): Html {
  const zone = person.timeZone
  return html`${section(
    'tahap',
    'Riwayat tahap',
    'Belum ada tahap tercatat.',
    h.stages,
    () => html`<table>
${head('Tahap', 'Tanggal', 'Batas waktu', 'Catatan')}<tbody>${h.stages.map(
      (s) =>
        html`<tr><td>${STAGE_LABEL[s.stage].id}</td><td>${day(s.reachedAt, zone)}</td><td>${s.dueAt ? day(s.dueAt, zone) : '—'}</td><td>${s.note ?? ''}</td></tr>`,
    )}</tbody></table>`,
  )}
${section(
  'pendaftaran',
  'Pendaftaran Bimtek',
  'Belum pernah mendaftar Bimtek.',
  h.registrations,
  () => html`<table>
${head('Kode', 'Sesi', 'Mulai', 'Status', 'Kehadiran')}<tbody>${h.registrations.map(
    (
      r,
    ) => html`<tr><td><code>${r.code}</code></td><td>${r.sessionCode} · ${r.sessionTitle}</td><td>${local(r.startsAt, r.timeZone)}</td>
<td>${REGISTRATION_LABEL[r.status] ?? r.status}</td><td>${r.attendedAt ? `Hadir (${wib(r.attendedAt)})` : r.attendanceConfirmedAt ? 'Menjawab HADIR' : '—'}</td></tr>`,
  )}</tbody></table>`,
)}
${section(
  'ujian',
  'Ujian',
  'Belum ada ujian terjadwal.',
  h.exams,
  () => html`<table>
${head('Jenis', 'Waktu', 'Cara', 'Tempat/tautan', 'Status', 'HADIR')}<tbody>${h.exams.map(
    (
      e,
    ) => html`<tr><td>${examKindLabel(e.kind)}</td><td>${local(e.startsAt, e.timeZone)}</td><td>${MODE_LABEL[e.mode] ?? e.mode}</td>
<td>${e.venue ?? e.meetingUrl ?? '—'}</td><td>${EXAM_STATUS_LABEL[e.status] ?? e.status}</td><td>${e.attendanceConfirmedAt ? 'Ya' : '—'}</td></tr>`,
  )}</tbody></table><p><a href="/admin/ujian?orang=${person.id}">Jadwal ujian peserta ini</a></p>`,
)}
${section(
  'pengingat',
  'Pengingat dan pesan',
  'Belum ada pesan terjadwal untuk peserta ini.',
  h.reminders,
  () => html`<table>
${head('Jenis', 'Saluran', 'Jadwal', 'Status', 'Terkirim', 'Alasan')}<tbody>${h.reminders.map(
    (r) => html`<tr><td>${r.kind}${r.label && ` · ${r.label}`}</td><td>${channelLabel(r.channel)}</td><td>${wib(r.dueAt)}</td>
<td>${r.status === 'unknown' ? html`<span title="${UNKNOWN_OUTCOME_HELP}">${OUTBOX_LABEL.unknown}</span>` : (OUTBOX_LABEL[r.status] ?? r.status)}</td><td>${wib(r.sentAt)}</td><td>${r.lastError ?? ''}</td></tr>`,
  )}</tbody></table>`,
)}
${section(
  'chat',
  'Chat tertaut',
  'Tidak ada chat yang tertaut.',
  h.chats,
  () => html`<table>
${head('Saluran', 'Akun', 'Bahasa', 'Pengingat', 'Diblokir', 'Tertaut sejak', 'Tautan berakhir')}<tbody>${h.chats.map(
    (
      chat,
    ) => html`<tr><td>${channelLabel(chat.channel)}</td><td><code>${maskedId(chat.userId)}</code></td><td>${chat.language === 'en' ? 'English' : 'Indonesia'}</td>
<td>${chat.remindersEnabled ? 'Aktif' : 'Mati'}</td><td>${chat.blockedAt ? wib(chat.blockedAt) : 'Tidak'}</td><td>${wib(chat.linkedAt)}</td><td>${wib(chat.linkExpiresAt)}</td></tr>`,
  )}</tbody></table>`,
)}
${section(
  'petugas',
  'Permintaan bicara dengan petugas',
  'Tidak ada permintaan.',
  h.handoffs,
  () => html`<table>
${head('Kode', 'Saluran', 'Topik', 'Status', 'Dibuat', 'Ditutup')}<tbody>${h.handoffs.map(
    (
      r,
    ) => html`<tr><td><a href="/admin/percakapan/${r.code}"><code>${r.code}</code></a></td><td>${channelLabel(r.channel)}</td><td>${r.topic}</td><td>${HANDOFF_LABEL[r.status] ?? r.status}</td>
<td>${wib(r.createdAt)}</td><td>${wib(r.closedAt)}</td></tr>`,
  )}</tbody></table>`,
)}
${section(
  'persetujuan',
  'Catatan persetujuan',
  'Tidak ada catatan persetujuan.',
  h.consents,
  () => html`<table>
${head('Tujuan', 'Saluran', 'Versi teks', 'Jawaban', 'Dicatat', 'Ditarik')}<tbody>${h.consents.map(
    (
      r,
    ) => html`<tr><td>${r.purpose}</td><td>${channelLabel(r.channel)}</td><td>${r.textVersion}</td><td>${r.granted ? 'Setuju' : 'Tidak setuju'}</td>
<td>${wib(r.recordedAt)}</td><td>${wib(r.withdrawnAt)}</td></tr>`,
  )}</tbody></table>`,
)}
${section(
  'jejak',
  'Jejak audit peserta ini',
  'Belum ada catatan audit.',
  h.audit,
  () => html`<table>
${head('Waktu', 'Oleh', 'Tindakan', 'Rincian')}<tbody>${h.audit.map(
    (a) =>
      html`<tr><td>${wib(a.at)}</td><td>${a.staffName ?? (a.actor === 'cli' ? 'Baris perintah (CLI)' : a.actor)}</td><td><code>${a.action}</code></td><td>${a.details ?? ''}</td></tr>`,
  )}</tbody></table>`,
)}`
}
