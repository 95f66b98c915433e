/**
 * The pieces of the Pengumuman pages: the message as it will look on WhatsApp and on Telegram (the
 * channels' own rendering: WhatsApp's plain text with *bold*, Telegram's HTML), who it reaches and
 * why not, the totals after sending, and the per-person report.
 */
import type { Context } from 'hono'
import { toHtml } from '../../bots/telegram/render.js'
import type { AnnouncementPreview, PreviewSample } from '../../core/announcements/service.js'
import { formatLocalDateTime } from '../../core/regions.js'
import { maskChat, UNKNOWN_OUTCOME_HELP } from '../../core/reminders/listing.js'
import { renderPlainText } from '../../core/render.js'
import type { ReachCounts } from '../../db/queries/announcement-audience.js'
import type { AnnouncementTotals, RecipientLine, RecipientStatusKey } from '../../db/queries/announcements.js'
import type { Reply } from '../../vocabulary/message.js'
import { escapeHtml, Html, html } from '../html.js'
import type { ConsoleEnv } from './env.js'
import { shownName } from './scope.js'
import { number } from './session-views.js'

export const ANNOUNCEMENTS = '/admin/pengumuman'
export const announcementPath = (id: number) => `${ANNOUNCEMENTS}/${id}`

export { ANNOUNCEMENT_STATUS_LABEL } from '../../core/announcements/report.js'
export { number }

export const CHANNEL_LABEL: Record<string, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', '': '—' }
const LANGUAGE_LABEL: Record<string, string> = { id: 'Indonesia', en: 'Inggris' }

/** WhatsApp's formatting of a text: *bold*, _italic_ (at word edges), ~struck~. Escaped first. */
export function whatsappMarkup(text: string): string {
  return escapeHtml(text)
    .replace(/\*([^*\n]+)\*/g, '<strong>$1</strong>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?:;])/gm, '$1<em>$2</em>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,!?:;])/gm, '$1<s>$2</s>')
}

/** The reply as WhatsApp shows it: the plain rendering (choices as numbered lines) with WhatsApp's formatting. */
export function whatsappPreview(reply: Reply): Html {
  return html`<div class="bubble">${new Html(whatsappMarkup(renderPlainText(reply)))}</div>`
}

/** The reply as Telegram shows it: the bot's own HTML (escaped, *bold* as <b>), choices as buttons. */
export function telegramPreview(reply: Reply): Html {
  return html`<div class="bubble">${new Html(toHtml(reply.text))}</div>${
    reply.choices?.length && html`<ul class="buttons">${reply.choices.map((choice) => html`<li>${choice.label}</li>`)}</ul>`
  }`
}

/** One sample per channel, side by side on a laptop, one under the other on a phone. */
export function previews(c: Context<ConsoleEnv>, samples: readonly PreviewSample[]): Html {
  const staff = c.get('staff')
  const one = (s: PreviewSample) => {
    const channel = s.channel === 'whatsapp' ? 'WhatsApp' : 'Telegram'
    return html`<figure class="preview preview-${s.channel === 'whatsapp' ? 'wa' : 'tg'}">
<figcaption><strong>${channel}</strong> · untuk ${shownName(staff, s.name)} (bahasa ${LANGUAGE_LABEL[s.language] ?? s.language})</figcaption>
${s.channel === 'whatsapp' ? whatsappPreview(s.reply) : telegramPreview(s.reply)}</figure>`
  }
  const ordered = [...samples].sort((a, b) => (a.channel === b.channel ? 0 : a.channel === 'whatsapp' ? -1 : 1))
  return html`<div class="previews">${ordered.map(one)}</div>`
}

/** "Penerima: 12 orang · Telegram 7 · WhatsApp 4 · tidak terjangkau 3 (…)". */
export function reachSentence(r: ReachCounts): string {
  const unreachable = r.noChat + r.blocked + r.optedOut
  const why = [
    r.noChat > 0 && `tidak ada chat tertaut ${number(r.noChat)}`,
    r.blocked > 0 && `memblokir asisten ${number(r.blocked)}`,
    r.optedOut > 0 && `berhenti menerima pengumuman ${number(r.optedOut)}`,
  ].filter(Boolean)
  return `Penerima: ${number(r.people)} orang · Telegram ${number(r.chats.telegram)} · WhatsApp ${number(r.chats.whatsapp)} · tidak terjangkau ${number(unreachable)}${why.length > 0 ? ` (${why.join(', ')})` : ''}`
}

/** Who the draft reaches, per channel, and who it cannot reach and why. */
export function reachTable(r: ReachCounts): Html {
  const row = (label: string, value: number, note?: string, sub = false) =>
    html`<tr${sub ? new Html(' class="sub"') : ''}><th scope="row">${label}</th><td>${number(value)}</td><td>${note ?? ''}</td></tr>`
  return html`<p class="reach-line"><strong>${reachSentence(r)}</strong></p>
<div class="table-scroll"><table class="reach"><caption>Jangkauan (dihitung sekarang; dihitung ulang saat dikirim)</caption>
<thead><tr><th scope="col">Kelompok</th><th scope="col">Jumlah</th><th scope="col">Keterangan</th></tr></thead>
<tbody>${row('Orang dalam audiens', r.people)}
${row('Akan menerima', r.queued, 'orang dengan sedikitnya satu chat tertaut')}
${row('Chat Telegram', r.chats.telegram, 'pesan yang diantrekan', true)}
${row('Chat WhatsApp', r.chats.whatsapp, 'hanya chat yang pernah menulis ke asisten', true)}
${row('Tidak terjangkau', r.noChat + r.blocked + r.optedOut, 'dihitung, tidak dikirimi')}
${row('Tidak ada chat tertaut', r.noChat, 'belum pernah menautkan Telegram atau WhatsApp', true)}
${row('Memblokir asisten', r.blocked, 'orangnya memblokir asisten di chat', true)}
${row('Berhenti menerima pengumuman', r.optedOut, 'mengirim "stop info"', true)}</tbody></table></div>`
}

/** The notes of a preview (quiet hours per zone, the cap, placeholders without value). */
export function notesList(preview: AnnouncementPreview): Html {
  if (preview.notes.length === 0) return new Html('')
  return html`<ul class="notes">${preview.notes.map((note) => html`<li>${note}</li>`)}</ul>`
}

/**
 * The totals after sending: tiles, then the chats by channel. "Tidak diketahui" (the server stopped
 * while sending) shows only when there is any, apart from Gagal, with what it means and where to resend.
 */
export function totalsView(t: AnnouncementTotals): Html {
  const unreachable = t.noChat + t.blocked + t.optedOut
  const tile = (label: string, value: number, note?: string) =>
    html`<div class="stat"><dt>${label}</dt><dd>${number(value)}${note && html` <span class="note">${note}</span>`}</dd></div>`
  const sent = t.rows.sent + t.rows.late
  const channels = (['telegram', 'whatsapp'] as const).filter((ch) => t.byChannel[ch].rows > 0)
  const unknown = t.rows.unknown > 0
  return html`<dl class="stats compact">
${tile('Penerima (orang)', t.people)}
${tile('Terkirim (chat)', sent, t.rows.late > 0 ? `${number(t.rows.late)} terlambat` : undefined)}
${tile('Menunggu (chat)', t.rows.waiting)}
${tile('Gagal (chat)', t.rows.failed)}
${unknown && tile('Tidak diketahui (chat)', t.rows.unknown, 'server berhenti saat mengirim')}
${tile('Memblokir bot (Telegram)', t.rows.blockedByUser)}
${tile('Dilewati saat dikirim', t.rows.skipped)}
${t.rows.cancelled > 0 && tile('Dibatalkan (chat)', t.rows.cancelled)}
${tile('Tidak terjangkau (orang)', unreachable, `tidak ada chat ${number(t.noChat)} · memblokir asisten ${number(t.blocked)} · berhenti ${number(t.optedOut)}`)}
</dl>
${
  unknown &&
  html`<p class="hint">${UNKNOWN_OUTCOME_HELP} Kirim ulang dari halaman <a href="/admin/pengingat?status=unknown&amp;kind=announcement">Pengingat</a>.</p>`
}
${
  channels.length > 0 &&
  html`<div class="table-scroll"><table><caption>Per kanal (chat)</caption>
<thead><tr><th scope="col">Kanal</th><th scope="col">Chat</th><th scope="col">Menunggu</th><th scope="col">Terkirim</th><th scope="col">Gagal</th>${unknown && html`<th scope="col">Tidak diketahui</th>`}</tr></thead>
<tbody>${channels.map((ch) => {
    const b = t.byChannel[ch]
    return html`<tr><th scope="row">${CHANNEL_LABEL[ch]}</th><td>${number(b.rows)}</td><td>${number(b.waiting)}</td><td>${number(b.sent)}</td><td>${number(b.failed)}</td>${unknown && html`<td>${number(b.unknown)}</td>`}</tr>`
  })}</tbody></table></div>`
}`
}

const localWhen = (at: Date | null, zone: string) => {
  if (!at) return '—'
  try {
    return formatLocalDateTime(at, zone)
  } catch {
    return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
  }
}

/** The per-person report: who, which chat, the status in words and why, when (the person's zone). */
export function recipientTable(
  c: Context<ConsoleEnv>,
  lines: readonly RecipientLine[],
  status: (line: RecipientLine) => { key: RecipientStatusKey; label: string },
): Html {
  const staff = c.get('staff')
  return html`<div class="table-scroll"><table class="wide recipients"><caption>Per penerima (waktu di zona penerima)</caption>
<thead><tr><th scope="col">Nama</th><th scope="col">Provinsi</th><th scope="col">Kanal</th><th scope="col">Chat</th><th scope="col">Bahasa</th>
<th scope="col">Status</th><th scope="col">Alasan</th><th scope="col">Jadwal</th><th scope="col">Terkirim</th></tr></thead>
<tbody>${lines.map((line) => {
    const s = status(line)
    return html`<tr class="st-${s.key}"><td>${shownName(staff, line.fullName)}</td><td>${line.provinceCode ?? '—'}</td>
<td>${CHANNEL_LABEL[line.channel] ?? line.channel}</td><td>${line.channel ? maskChat(line.channel, line.chatId) : '—'}</td>
<td>${line.language ? (LANGUAGE_LABEL[line.language] ?? line.language) : '—'}</td>
<td><span class="status-tag">${s.label}</span></td><td>${line.reason ?? ''}</td>
<td>${localWhen(line.dueAt, line.timeZone)}</td><td>${localWhen(line.sentAt, line.timeZone)}</td></tr>`
  })}</tbody></table></div>`
}
