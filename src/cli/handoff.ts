/**
 * `npm run cli -- handoff list|show|reply|close`: the conversations people asked to have with staff
 * (menu 6), for scripts and for staff without the console. `reply` and `close` act as the staff
 * member of `--as EMAIL` (signed with their name, limited to their region), else as "the
 * secretariat"; the person is written to through the outbox: a Telegram chat at once from here,
 * a WhatsApp chat by the server (which owns that connection).
 */
import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import { createHandoffActions, type HandoffActionError, type HandoffActor } from '../core/handoff/actions.js'
import { zoneLabel } from '../core/regions.js'
import { formatDate } from '../core/text/dates.js'
import type { Db } from '../db/client.js'
import { staffByEmail } from '../db/queries/console-staff.js'
import { type HandoffListFilter, listHandoffs } from '../db/queries/handoff.js'
import { handoffByCode, threadOf } from '../db/queries/handoff-thread.js'
import { handoffSettingsOf } from '../settings.js'
import { REGION_CODES } from '../vocabulary/staff.js'
import { deliverTelegram } from './reminders.js'

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

const STATE_LABEL = { waiting: 'menunggu', open: 'dibuka', closed: 'ditutup' } as const
const FILTERS: Record<string, HandoffListFilter> = {
  waiting: 'waiting',
  open: 'open',
  closed: 'closed',
  all: 'all',
  menunggu: 'waiting',
  dibuka: 'open',
  ditutup: 'closed',
  semua: 'all',
}

const ERROR_TEXT: Record<HandoffActionError, (code: string) => string> = {
  HANDOFF_NOT_FOUND: (code) => `Tidak ada permintaan dengan kode ${code}.`,
  HANDOFF_CLOSED: (code) => `Percakapan ${code} sudah ditutup.`,
  NOT_IN_SCOPE: (code) => `Akun ini tidak boleh menangani ${code} (wilayah lain, atau peran viewer).`,
  TEXT_EMPTY: () => 'Tulis pesannya, mis.: handoff reply PTG-7K2QX9 "Berkas Anda sudah kami terima."',
  TEXT_TOO_LONG: () => 'Pesan terlalu panjang (paling banyak 2.000 karakter).',
}

const when = (date: Date, zone: string) => `${formatDate(date, 'shortDateTime', 'id', zone)} ${zoneLabel(zone)}`

/** `handoff list [--status waiting|open|closed|all] [--region R1…R6]`: oldest first; default waiting and open. */
export async function listHandoffsCommand(db: Db, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { status: { type: 'string' }, region: { type: 'string' }, all: { type: 'boolean' } },
  })
  const filter = values.all ? 'all' : values.status ? FILTERS[values.status.toLowerCase()] : 'active'
  if (!filter) {
    err('--status harus waiting, open, closed atau all.\n')
    return 2
  }
  const region = values.region?.toUpperCase()
  if (region && !(REGION_CODES as readonly string[]).includes(region)) {
    err(`--region harus salah satu dari ${REGION_CODES.join(', ')}.\n`)
    return 2
  }
  const requests = await listHandoffs(db, filter, region)
  if (requests.length === 0) {
    out(filter === 'active' ? 'Tidak ada percakapan yang menunggu atau dibuka.\n' : 'Tidak ada permintaan.\n')
    return 0
  }
  for (const r of requests) {
    const state = r.live ? STATE_LABEL[r.status] : `${STATE_LABEL[r.status]}, telepon (lama)`
    out(
      `${r.code}  ${when(r.createdAt, 'Asia/Jakarta')}  [${state}]  ${r.regionCode ?? 'pusat'}  ${r.channel}  topik: ${r.topic}\n` +
        `  ${r.name}\n  ${r.question}\n\n`,
    )
  }
  out(`${requests.length} permintaan.\n`)
  return 0
}

/** `handoff show KODE`: the request (with the full number, for staff to call back) and its whole thread. */
export async function showHandoffCommand(db: Db, args: string[]): Promise<number> {
  const code = args[0]?.trim().toUpperCase()
  if (!code) {
    err('Sebutkan kodenya, mis.: npm run cli -- handoff show PTG-7K2QX9\n')
    return 2
  }
  const handoff = await handoffByCode(db, code)
  if (!handoff) {
    err(`Tidak ada permintaan dengan kode ${code}.\n`)
    return 1
  }
  const zone = handoff.regionZone
  out(
    `${handoff.code}  [${STATE_LABEL[handoff.status]}${handoff.live ? '' : ', telepon (lama)'}]  ${handoff.regionCode ?? 'pusat'}  ${handoff.channel}\n` +
      `Nama: ${handoff.name}  HP: ${handoff.phoneE164 ?? '-'}  Topik: ${handoff.topic}\n` +
      `Dibuat: ${when(handoff.createdAt, zone)}${handoff.closedAt ? `  Ditutup: ${when(handoff.closedAt, zone)}` : ''}` +
      `${handoff.rating ? `  Penilaian: ${handoff.rating}/5` : ''}\n` +
      `Pertanyaan: ${handoff.question}\n\n`,
  )
  for (const item of await threadOf(db, handoff.id)) {
    const who =
      item.author === 'person'
        ? handoff.name
        : item.author === 'staff'
          ? `Petugas ${item.staffName ?? '(sekretariat)'}`
          : item.author === 'note'
            ? `Catatan internal ${item.staffName ?? ''}`.trim()
            : '—'
    const file = item.attachment
      ? ` [${item.attachment.kind === 'pdf' ? 'PDF' : 'foto'} ${item.attachment.fileName ?? ''} ${(item.attachment.size / 1024).toFixed(0)} KB]`
      : ''
    const delivery = item.delivery ? `  (${item.delivery})` : ''
    out(`${when(item.at, zone)}  ${who}: ${item.text ?? ''}${file}${delivery}\n`)
  }
  return 0
}

/** The staff member of --as EMAIL, or the secretariat; undefined (after saying why) when unusable. */
async function actorOf(db: Db, email: string | undefined): Promise<HandoffActor | undefined> {
  if (!email) return { secretariat: true }
  const account = await staffByEmail(db, email.trim().toLowerCase())
  if (account?.status !== 'active') {
    err(`Tidak ada akun aktif dengan e-mail ${email}.\n`)
    return undefined
  }
  return { staff: { id: account.id, name: account.name, role: account.role, region: account.region } }
}

/** After a reply or close: a Telegram chat is written to now; a WhatsApp chat waits for the server. */
async function sendNow(db: Db, config: Config, clock: () => Date, code: string): Promise<void> {
  const handoff = await handoffByCode(db, code)
  if (handoff?.channel !== 'telegram' || !config.TELEGRAM_BOT_TOKEN) {
    out('Pesan akan dikirim oleh server (antrean pengiriman).\n')
    return
  }
  const counts = await deliverTelegram(db, config, clock)
  out(counts.sent > 0 ? 'Terkirim lewat Telegram.\n' : 'Belum terkirim; server akan mencoba lagi.\n')
}

/** `handoff reply KODE TEKS… [--as EMAIL]`. */
export async function replyHandoffCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { as: { type: 'string' } } })
  const [rawCode, ...words] = positionals
  const code = rawCode?.trim().toUpperCase()
  if (!code || words.length === 0) {
    err('Pemakaian: npm run cli -- handoff reply KODE "teks balasan" [--as EMAIL]\n')
    return 2
  }
  const actor = await actorOf(db, values.as)
  if (!actor) return 1
  const actions = createHandoffActions({ db, clock, settings: handoffSettingsOf(config) })
  const result = await actions.reply(code, actor, words.join(' '), 'cli')
  if (!result.ok) {
    err(`${ERROR_TEXT[result.error.code](code)}\n`)
    return result.error.code === 'TEXT_EMPTY' || result.error.code === 'TEXT_TOO_LONG' ? 2 : 1
  }
  out(`Balasan untuk ${code} dicatat.\n`)
  await sendNow(db, config, clock, code)
  return 0
}

/** `handoff close KODE [--as EMAIL]`. */
export async function closeHandoffCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { as: { type: 'string' } } })
  const code = positionals[0]?.trim().toUpperCase()
  if (!code) {
    err('Sebutkan kodenya, mis.: npm run cli -- handoff close PTG-7K2QX9\n')
    return 2
  }
  const actor = await actorOf(db, values.as)
  if (!actor) return 1
  const result = await createHandoffActions({ db, clock, settings: handoffSettingsOf(config) }).close(code, actor, 'cli')
  if (!result.ok) {
    err(`${ERROR_TEXT[result.error.code](code)}\n`)
    return 1
  }
  out(`Percakapan ${code} ditutup.\n`)
  await sendNow(db, config, clock, code)
  return 0
}
