/** `npm run cli -- import sessions | sessions list | sessions registrations`: Bimtek sessions for the secretariat. */
import { parseArgs } from 'node:util'
import type { Config } from '../config.js'
import { formatLocalDateTime } from '../core/regions.js'
import { importSessions } from '../core/sessions/import.js'
import { registrationsCsv, sessionsCsv } from '../core/sessions/listing.js'
import type { Db } from '../db/client.js'
import {
  findSessionSummary,
  findSessionSummaryByCode,
  listSessionRegistrations,
  listSessions,
  type SessionRegistration,
} from '../db/queries/sessions.js'
import { reminderSettingsOf } from '../settings.js'
import { importFile } from './io.js'

const out = (text: string) => process.stdout.write(text)
const err = (text: string) => process.stderr.write(text)

export async function importSessionsCommand(db: Db, args: string[], config: Config, clock: () => Date): Promise<number> {
  const result = await importFile(args, 'npm run cli -- import sessions sesi.csv', (input, options) =>
    importSessions(db, input, { actor: 'cli', now: clock(), reminders: reminderSettingsOf(config), ...options }),
  )
  if (typeof result === 'number') return result
  out(`${result.inserted} sesi ditambahkan, ${result.updated} diperbarui.\n`)
  return 0
}

export async function listSessionsCommand(db: Db, args: string[], _config: Config, clock: () => Date): Promise<number> {
  const { values } = parseArgs({ args, options: { all: { type: 'boolean' }, csv: { type: 'boolean' } } })
  const sessions = await listSessions(db, values.all ? {} : { endingAfter: clock() })
  if (values.csv) {
    out(sessionsCsv(sessions))
    return 0
  }
  if (sessions.length === 0) {
    out(values.all ? 'Belum ada sesi.\n' : 'Tidak ada sesi yang akan datang (--all: semua sesi).\n')
    return 0
  }
  for (const s of sessions) {
    const place =
      s.mode === 'daring' ? `daring · ${s.meetingUrl ?? '-'}` : `tatap muka · ${(s.venue ?? '-').replace(/\n+/g, ', ')}`
    out(
      `#${s.id}  ${s.code}  ${s.title}  [${s.targetGroup}]\n` +
        `  ${s.regionCode} ${s.regionCity} · ${place}\n` +
        `  ${formatLocalDateTime(s.startsAt, s.timeZone)} – ${formatLocalDateTime(s.endsAt, s.timeZone)}\n` +
        `  pendaftaran ${formatLocalDateTime(s.registrationOpensAt, s.timeZone)} – ${formatLocalDateTime(s.registrationClosesAt, s.timeZone)}\n` +
        `  kapasitas ${s.capacity} · terkonfirmasi ${s.confirmed} · ditawari ${s.offered} · daftar tunggu ${s.waitlisted}\n` +
        (s.cancelledAt ? `  DIBATALKAN ${formatLocalDateTime(s.cancelledAt, s.timeZone)}: ${s.cancelReason ?? '-'}\n` : '') +
        '\n',
    )
  }
  out(`${sessions.length} sesi.\n`)
  return 0
}

const STATUS_TEXT: Record<SessionRegistration['status'], string> = {
  confirmed: 'terkonfirmasi',
  offered: 'ditawari kursi',
  waitlisted: 'daftar tunggu',
  cancelled: 'batal',
}

export async function sessionRegistrationsCommand(db: Db, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { csv: { type: 'boolean' } }, allowPositionals: true })
  const which = positionals[0]?.trim()
  if (!which) {
    err('Sebutkan id atau kode sesinya, mis.: npm run cli -- sessions registrations BMT-MKS-2026-01\n')
    return 2
  }
  // A number is an id, unless no session has it: codes may be digits only.
  const byId = /^\d{1,15}$/.test(which) ? await findSessionSummary(db, Number(which)) : undefined
  const session = byId ?? (await findSessionSummaryByCode(db, which.toUpperCase()))
  if (!session) {
    err(`Tidak ada sesi dengan id atau kode ${which}.\n`)
    return 1
  }
  const registrations = await listSessionRegistrations(db, session.id)
  if (values.csv) {
    out(registrationsCsv(registrations, session.timeZone))
    return 0
  }
  out(`#${session.id}  ${session.code}  ${session.title}, ${formatLocalDateTime(session.startsAt, session.timeZone)}\n\n`)
  for (const r of registrations) {
    const status = r.waitlistPosition === null ? STATUS_TEXT[r.status] : `${STATUS_TEXT[r.status]} #${r.waitlistPosition}`
    // Staff need the full number to call people back; this output is for them, not for logs.
    out(
      `${r.code}  ${status}  ${r.fullName}  ${r.phoneE164 ?? '-'}\n` +
        `  ${[r.professionGroup, r.institution].filter(Boolean).join(' · ') || '-'}  terdaftar ${formatLocalDateTime(r.createdAt, session.timeZone)}\n`,
    )
  }
  out(`${registrations.length} pendaftar (kapasitas ${session.capacity}).\n`)
  return 0
}
