/**
 * The secretariat console at /admin (docs/console.md): sign-in, set-password links and the
 * session guard, then the pages, each behind `requireRole` where not every role may see it.
 * Every answer carries the console's security headers (strict CSP: only the console's own script,
 * no inline script or style).
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Logger } from 'pino'
import type { ConnectionState } from '../../bots/whatsapp/connection.js'
import { createConsoleSessions } from '../../core/console/sessions.js'
import { createSignIn } from '../../core/console/sign-in.js'
import { createHandoffActions } from '../../core/handoff/actions.js'
import type { HandoffActivity } from '../../core/handoff/activity.js'
import { DEFAULT_HANDOFF_SETTINGS, type HandoffSettings } from '../../core/handoff/settings.js'
import type { ByteBox, SecretBox } from '../../core/privacy/data-key.js'
import type { NikVault } from '../../core/privacy/nik-vault.js'
import type { ReminderSettings } from '../../core/reminders/settings.js'
import type { Db } from '../../db/client.js'
import { countWaitingHandoffs } from '../../db/queries/console-handoffs.js'
import { html } from '../html.js'
import type { TrustedProxy } from '../rate-limit.js'
import { CONSOLE_SECURITY, secured } from '../security-headers.js'
import { whatsappAdmin } from '../whatsapp-admin.js'
import { type AnnounceDeps, announcementRoutes } from './announcements-page.js'
import { apiTokenRoutes } from './api-tokens-page.js'
import { auditRoutes } from './audit-page.js'
import { certificatesPage } from './certificates-page.js'
import { dashboardRoutes } from './dashboard.js'
import type { ConsoleEnv } from './env.js'
import { examsPage } from './exams-page.js'
import { sameOriginForms } from './forms.js'
import { requireRole, requireSession, sessionCookie } from './guard.js'
import { handoffAccess, type QuickReply } from './handoff-thread.js'
import { handoffRoutes } from './handoffs-page.js'
import { importRoutes, MAX_UPLOAD_BYTES } from './imports-page.js'
import { consoleLayout, publicLayout } from './layout.js'
import { peoplePage } from './people-page.js'
import { reminderRoutes } from './reminders-page.js'
import { sessionsRoutes } from './sessions-page.js'
import { setPasswordPage } from './set-password-page.js'
import { signInPage, signOutRoute } from './sign-in-page.js'
import { staffRoutes } from './staff-page.js'
import { telegramLinkRoutes } from './telegram-link-page.js'
import { twoFactorPage } from './two-factor-page.js'

export type ConsoleDeps = {
  db: Db
  clock: () => Date
  logger: Logger
  /** Seals and opens staff TOTP secrets (STAFF_TOTP_PURPOSE subkey of DATA_ENCRYPTION_KEY). */
  totpBox: SecretBox
  /**
   * NODE_ENV=production: cookies `Secure` with the `__Host-` prefix, and two-factor required for
   * `admin` accounts.
   */
  production: boolean
  /** CERT_SIGNING_KEY: signs the verification links in the QR codes the Sertifikat page serves. */
  signingKey?: string | undefined
  /**
   * PUBLIC_BASE_URL: the origin forms must come from (behind a proxy that ends TLS), and the
   * address in certificates' QR codes.
   */
  publicBaseUrl?: string | undefined
  proxy?: TrustedProxy | undefined
  /**
   * The NIK vault of DATA_ENCRYPTION_KEY: Peserta finds a typed NIK by its keyed hash; Impor data
   * stores NIKs as the CLI does.
   */
  vault: NikVault
  /**
   * The reminder settings (as the CLI has them) that reminders are re-planned with after a change:
   * a session edited, cancelled or moved, a person corrected, an import.
   */
  reminders: ReminderSettings
  /** The WhatsApp connection's live state, when WhatsApp is on. */
  whatsappState?: () => ConnectionState | undefined
  /** REGISTRATION_OFFER_HOURS, for a seat freed by moving a registrant (default 12). */
  offerHours?: number | undefined
  /** The live handoff settings: working hours (waiting times in working minutes), the signature (default DEFAULT_HANDOFF_SETTINGS). */
  handoff?: HandoffSettings | undefined
  /** Wakes Percakapan's live threads when a handoff changes (without it they look every 2 s). */
  activity?: HandoffActivity | undefined
  /** Opens the photos and PDFs people sent (DATA_ENCRYPTION_KEY, purpose 'kesos handoff file v1'); without it none is shown. */
  handoffFiles?: ByteBox | undefined
  /** The FAQ answers Percakapan offers as quick replies (topic id, title, Indonesian answer). */
  quickReplies?: readonly QuickReply[] | undefined
  /**
   * Pengumuman: the server's background queuing, the outbox woken at once and the WhatsApp daily
   * cap; without it (tests) an announcement sent now is queued before the page answers.
   */
  announce?: AnnounceDeps | undefined
}

/** The console's routes, to mount at /admin. */
export function consoleApp(deps: ConsoleDeps) {
  const app = new Hono<ConsoleEnv>()
  const sessions = createConsoleSessions({ db: deps.db, clock: deps.clock })
  const cookie = sessionCookie(deps.production)
  const common = { ...deps, sessions, cookie }
  app.use('*', secured(CONSOLE_SECURITY))
  app.use('*', sameOriginForms(deps.publicBaseUrl && new URL(deps.publicBaseUrl).origin))

  // Open to anyone: signing in, and the one-time links.
  app.route('/', signInPage({ ...common, signIn: createSignIn(deps) }))
  app.route('/', setPasswordPage(common))

  // An upload too large is refused before anything reads it (the session guard parses form bodies).
  app.post(
    '/impor',
    bodyLimit({
      maxSize: MAX_UPLOAD_BYTES + 64 * 1024,
      onError: (c) =>
        c.html(
          publicLayout(
            'Berkas terlalu besar',
            html`<p class="alert" role="alert">Berkas terlalu besar: paling besar ${MAX_UPLOAD_BYTES / 1024 / 1024} MB. Pecah berkasnya, lalu unggah bagian-bagiannya.</p>
<p><a href="/admin/impor">Kembali ke Impor data</a></p>`,
          ),
          413,
        ),
    }),
  )

  // Everything below needs a session (and its CSRF token on every form).
  app.use('*', requireSession({ sessions, cookie, adminTwoFactor: deps.production }))
  app.use('*', async (c, next) => {
    c.set('waitingHandoffs', await countWaitingHandoffs(deps.db, await handoffAccess(deps.db, c.get('staff'))))
    await next()
  })
  app.route('/', signOutRoute(common))
  app.route('/', twoFactorPage({ ...deps, required: deps.production }))
  // Tautkan Telegram: every staff member's own Telegram account, for answering from the staff group.
  app.route('/', telegramLinkRoutes({ db: deps.db, clock: deps.clock, render: consoleLayout }))
  const handoff = deps.handoff ?? DEFAULT_HANDOFF_SETTINGS
  app.route('/', dashboardRoutes({ db: deps.db, clock: deps.clock, render: consoleLayout, handoff }))
  app.route(
    '/',
    sessionsRoutes({
      db: deps.db,
      clock: deps.clock,
      render: consoleLayout,
      reminders: deps.reminders,
      offerHours: deps.offerHours ?? 12,
    }),
  )
  app.route(
    '/',
    certificatesPage({
      db: deps.db,
      clock: deps.clock,
      render: consoleLayout,
      signingKey: deps.signingKey,
      publicBaseUrl: deps.publicBaseUrl,
    }),
  )
  app.route(
    '/',
    peoplePage({ db: deps.db, clock: deps.clock, render: consoleLayout, vault: deps.vault, reminders: deps.reminders }),
  )
  app.route(
    '/',
    handoffRoutes({
      db: deps.db,
      clock: deps.clock,
      render: consoleLayout,
      settings: handoff,
      actions: createHandoffActions({ db: deps.db, clock: deps.clock, settings: handoff, activity: deps.activity }),
      activity: deps.activity,
      files: deps.handoffFiles,
      quickReplies: deps.quickReplies ?? [],
      cookie,
    }),
  )
  app.route('/', examsPage({ db: deps.db, clock: deps.clock, render: consoleLayout }))
  app.use('/impor/*', requireRole('admin', 'regional'))
  app.use('/impor', requireRole('admin', 'regional'))
  app.route(
    '/',
    importRoutes({ db: deps.db, clock: deps.clock, render: consoleLayout, vault: deps.vault, reminders: deps.reminders }),
  )
  app.route('/', reminderRoutes({ db: deps.db, clock: deps.clock, render: consoleLayout }))
  app.route(
    '/',
    announcementRoutes({
      db: deps.db,
      clock: deps.clock,
      render: consoleLayout,
      reminders: deps.reminders,
      announce: deps.announce,
    }),
  )
  app.use('/audit/*', requireRole('admin'))
  app.route('/', auditRoutes({ db: deps.db, clock: deps.clock, render: consoleLayout }))
  app.use('/staf/*', requireRole('admin'))
  app.route('/', staffRoutes({ db: deps.db, clock: deps.clock, render: consoleLayout, publicBaseUrl: deps.publicBaseUrl }))
  // /staf/:id/token… (admin, guarded above) and /token-api (everyone's own tokens).
  app.route('/', apiTokenRoutes({ db: deps.db, clock: deps.clock, render: consoleLayout }))
  app.use('/whatsapp/*', requireRole('admin'))
  app.route('/whatsapp', whatsappAdmin({ state: deps.whatsappState ?? (() => undefined) }))
  // A signed-in staff member at an address the console does not have: a page, not the API's JSON.
  app.all('*', (c) => {
    const body = html`<p>Halaman ini tidak ada di konsol. Periksa alamatnya, atau pilih halaman dari menu.</p>
      <p><a href="/admin">Kembali ke Beranda</a></p>`
    return c.html(consoleLayout(c, { title: 'Halaman tidak ditemukan', active: '', body }), 404)
  })
  return app
}
