/**
 * /api/v1/admin: Bimtek sessions for the secretariat: the list and each session's registrations
 * (JSON, or CSV with ?format=csv), and loading a sessions, certificates or exams file. The caller
 * (a staff API token, or the deprecated ADMIN_TOKEN) is checked by `adminAuth` in app.ts before any
 * of these routes runs, and each route honours their role: `regional` sees its region's sessions
 * and reminders only (another region's session is 404), `viewer` reads what holds no personal
 * data, and only `admin` loads files (403 FORBIDDEN_ROLE otherwise). Writes and downloads of
 * personal data are audited with the caller as actor (`staff:<id>`).
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { importCertificates } from '../core/certificates/import.js'
import { importExams } from '../core/exams/import.js'
import type { ImportError } from '../core/import/csv.js'
import type { NikVault } from '../core/privacy/nik-vault.js'
import type { ReminderSettings } from '../core/reminders/settings.js'
import { importSessions } from '../core/sessions/import.js'
import { registrationsCsv, registrationView, sessionsCsv, sessionView } from '../core/sessions/listing.js'
import type { Db } from '../db/client.js'
import { writeAudit } from '../db/queries/audit.js'
import { sessionInScope } from '../db/queries/console-scope.js'
import { findSessionSummary, listSessionRegistrations, listSessions } from '../db/queries/sessions.js'
import { type AdminEnv, allowRoles } from './admin-auth.js'
import { adminReminders } from './admin-reminders.js'
import { staffScope } from './console/scope.js'
import { clientAddress, type TrustedProxy } from './rate-limit.js'

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024

/** The audit action of a download of a session's registrations (names, phones). */
export const REGISTRATIONS_DOWNLOAD = 'registrations.download'

export type AdminApiDeps = {
  db: Db
  /** The server's NIK vault: without it a certificates file with NIKs is refused row by row, an exams file whole. */
  vault?: Pick<NikVault, 'hash'> | undefined
  /** The reminder settings imports plan with. */
  reminders: ReminderSettings
  /** The time: which sessions are ahead, what imports stamp and plan. */
  clock: () => Date
  /** TRUST_PROXY_HEADER / TRUST_PROXY_HOPS: the caller's address behind a reverse proxy. */
  proxy?: TrustedProxy | undefined
}

const error = (code: string, message?: string) => ({ error: { code, ...(message && { message }) } })

/** 'json' (the default) or 'csv' from ?format=, undefined for anything else. */
function format(c: Context): 'json' | 'csv' | undefined {
  const asked = c.req.query('format') ?? 'json'
  return asked === 'json' || asked === 'csv' ? asked : undefined
}

function download(c: Context, filename: string, body: string) {
  c.header('Content-Type', 'text/csv; charset=utf-8')
  c.header('Content-Disposition', `attachment; filename="${filename}"`)
  return c.body(body)
}

/** A CSV file in the body, or 415 for another content type. */
const csvOnly =
  (what: string): MiddlewareHandler =>
  async (c, next) => {
    const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase()
    if (type !== 'text/csv')
      return c.json(error('UNSUPPORTED_MEDIA_TYPE', `send the ${what} file with Content-Type: text/csv`), 415)
    await next()
  }

/** 413 above MAX_IMPORT_BYTES. */
const importLimit = bodyLimit({
  maxSize: MAX_IMPORT_BYTES,
  onError: (c) => c.json(error('PAYLOAD_TOO_LARGE', `the file may be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB`), 413),
})

/**
 * ?dry_run=true: a preview (the import computed against what is stored, then nothing kept); the
 * answer is the real import's, with `"dryRun": true`. Undefined for a value other than true/false.
 */
function dryRunOf(c: Context): boolean | undefined {
  const asked = c.req.query('dry_run') ?? 'false'
  return asked === 'true' ? true : asked === 'false' ? false : undefined
}

const badDryRun = (c: Context) => c.json(error('INVALID_DRY_RUN', 'dry_run must be true or false'), 400)

/** The answer to a good file: its counts, marked when it was only a preview. */
const counted = (c: Context, counts: object, dryRun: boolean) => c.json({ ...counts, ...(dryRun && { dryRun }) })

/** 422 with every bad row: nothing was written. */
function rejected(c: Context, errors: ImportError[]) {
  const message = `${new Set(errors.map((e) => e.line)).size} baris ditolak; tidak ada yang disimpan`
  return c.json({ error: { code: 'IMPORT_REJECTED', message, rows: errors } }, 422)
}

export function adminApi(deps: AdminApiDeps) {
  const api = new Hono<AdminEnv>()
  const scopeOf = (c: Context<AdminEnv>) => staffScope(deps.db, c.get('caller'))

  api.get('/sessions', async (c) => {
    const as = format(c)
    if (!as) return c.json(error('INVALID_FORMAT', 'format must be json or csv'), 400)
    // Finished sessions only when asked for: the secretariat mostly works on what is ahead.
    const all = c.req.query('all') === 'true'
    const region = (await scopeOf(c))?.id
    const sessions = await listSessions(deps.db, {
      ...(!all && { endingAfter: deps.clock() }),
      ...(region !== undefined && { regionId: region }),
    })
    if (as === 'csv') return download(c, 'sesi-bimtek.csv', sessionsCsv(sessions))
    return c.json({ sessions: sessions.map(sessionView) })
  })

  // Names and phone numbers: not for `viewer`.
  api.get('/sessions/:id/registrations', allowRoles('admin', 'regional'), async (c) => {
    const as = format(c)
    if (!as) return c.json(error('INVALID_FORMAT', 'format must be json or csv'), 400)
    const raw = c.req.param('id')
    const id = /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined
    if (id === undefined) return c.json(error('INVALID_ID', 'the session id is a positive whole number'), 400)
    // Another region's session is not found, as if it did not exist.
    const session = (await sessionInScope(deps.db, await scopeOf(c), id)) ? await findSessionSummary(deps.db, id) : undefined
    if (!session) return c.json(error('SESSION_NOT_FOUND'), 404)
    const registrations = await listSessionRegistrations(deps.db, id)
    // Names and phone numbers leave the server: recorded with who asked, from where, and what.
    await writeAudit(deps.db, {
      at: deps.clock(),
      actor: c.get('caller').actor,
      action: REGISTRATIONS_DOWNLOAD,
      entity: 'bimtek_session',
      entityId: String(id),
      details: { format: as, rows: registrations.length, client: clientAddress(c, deps.proxy) },
    })
    if (as === 'csv') {
      // Codes are the secretariat's own text: keep the file name to safe characters.
      const name = session.code.replace(/[^A-Za-z0-9._-]+/g, '_')
      return download(c, `pendaftar-${name}.csv`, registrationsCsv(registrations, session.timeZone))
    }
    return c.json({ session: sessionView(session), registrations: registrations.map(registrationView) })
  })

  // Files: a file may hold any region's rows, and certificates and exams are the centre's: `admin` only.
  api.post('/sessions', allowRoles('admin'), csvOnly('sessions'), importLimit, async (c) => {
    const dryRun = dryRunOf(c)
    if (dryRun === undefined) return badDryRun(c)
    const input = new Uint8Array(await c.req.arrayBuffer())
    const result = await importSessions(deps.db, input, {
      actor: c.get('caller').actor,
      now: deps.clock(),
      reminders: deps.reminders,
      dryRun,
    })
    if (!result.ok) return rejected(c, result.errors)
    return counted(c, { inserted: result.inserted, updated: result.updated }, dryRun)
  })

  api.post('/certificates', allowRoles('admin'), csvOnly('certificates'), importLimit, async (c) => {
    const dryRun = dryRunOf(c)
    if (dryRun === undefined) return badDryRun(c)
    const input = new Uint8Array(await c.req.arrayBuffer())
    const result = await importCertificates(deps.db, input, {
      actor: c.get('caller').actor,
      vault: deps.vault,
      now: deps.clock(),
      dryRun,
    })
    if (!result.ok) return rejected(c, result.errors)
    const { inserted, updated, unchanged, linked } = result
    return counted(c, { inserted, updated, unchanged, linked }, dryRun)
  })

  api.post('/exams', allowRoles('admin'), csvOnly('exams'), importLimit, async (c) => {
    const dryRun = dryRunOf(c)
    if (dryRun === undefined) return badDryRun(c)
    // Every row names a person by NIK: without the server's key none of them can be found.
    const vault = deps.vault
    if (!vault) return c.json(error('NIK_KEY_UNAVAILABLE', 'this server has no NIK key; import exams with the CLI'), 503)
    const input = new Uint8Array(await c.req.arrayBuffer())
    const result = await importExams(deps.db, input, {
      actor: c.get('caller').actor,
      vault,
      now: deps.clock(),
      reminders: deps.reminders,
      dryRun,
    })
    if (!result.ok) return rejected(c, result.errors)
    const { inserted, updated, unchanged, reminders } = result
    return counted(c, { inserted, updated, unchanged, reminders }, dryRun)
  })

  // The reminders' delivery status (see admin-reminders.ts).
  api.route('/reminders', adminReminders({ db: deps.db }))

  return api
}
