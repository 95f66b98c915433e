/** The HTTP front: health, the Telegram webhook, the secretariat console and admin API, certificate verification. */
import { type Context, Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Logger } from 'pino'
import type { ConnectionState } from '../bots/whatsapp/connection.js'
import type { NikVault } from '../core/privacy/nik-vault.js'
import { createRateLimiter } from '../core/rate-limiter.js'
import type { ReminderSettings } from '../core/reminders/settings.js'
import type { Db } from '../db/client.js'
import { adminApi } from './admin-api.js'
import { adminAuth } from './admin-auth.js'
import { type ConsoleDeps, consoleApp } from './console/console-app.js'
import type { TrustedProxy } from './rate-limit.js'
import { API_SECURITY, CONSOLE_SECURITY, PAGE_SECURITY, type SecuredPath, securityHeadersFor } from './security-headers.js'
import { consoleStylesheet, verifyStylesheet } from './static.js'
import { verifyApi } from './verify-api.js'
import type { VerifyDeps } from './verify-lookup.js'
import { unavailablePage, verifyPages } from './verify-page.js'

export type ChannelStatus = 'on' | 'off' | 'connecting' | 'pairing' | 'error'

export type WebDeps = {
  version: string
  logger: Logger
  /** The time: what is ahead, what has expired, the rate-limit window, what imports stamp and plan. */
  clock: () => Date
  /** Live state of each channel, read at request time. */
  channels: () => Record<string, ChannelStatus>
  /** Throws when the database cannot answer. */
  checkDatabase: () => void | Promise<void>
  /** The Telegram webhook, when Telegram runs in webhook mode. */
  telegramWebhook?: (c: Context) => Promise<Response>
  /**
   * ADMIN_TOKEN (deprecated: staff API tokens replace it): the shared token of the admin API. Without
   * it and without `admin`, /api/v1/admin/* answers 503 ADMIN_DISABLED.
   */
  adminToken?: string
  /** TRUST_PROXY_HEADER / TRUST_PROXY_HOPS: who a client is behind a reverse proxy (rate limits, audit). */
  proxy?: TrustedProxy | undefined
  /** The WhatsApp connection's live state, when WhatsApp is on (shown on /admin/whatsapp). */
  whatsappState?: () => ConnectionState | undefined
  /** The secretariat console at /admin (staff sign-in); without it /admin is absent. */
  console?: Pick<
    ConsoleDeps,
    | 'db'
    | 'totpBox'
    | 'production'
    | 'publicBaseUrl'
    | 'signingKey'
    | 'vault'
    | 'reminders'
    | 'offerHours'
    | 'handoff'
    | 'activity'
    | 'handoffFiles'
    | 'quickReplies'
    | 'announce'
  >
  /** The admin API (/api/v1/admin/sessions…); without it those routes are absent. */
  admin?: {
    db: Db
    /** The NIK vault, so admin imports store NIKs as the chat does. */
    vault?: NikVault
    /** The reminder settings imports plan with. */
    reminders: ReminderSettings
  }
  /** Certificate verification: /verifikasi, /v/<number>, /api/v1/certificates/<number>; absent without it. */
  verify?: VerifyDeps
}

export function createWebApp(deps: WebDeps) {
  const app = new Hono()

  app.get('/healthz', async (c) => {
    try {
      await deps.checkDatabase()
    } catch (error) {
      deps.logger.error({ err: error }, 'health check: database unavailable')
      return c.json({ status: 'error', version: deps.version, channels: deps.channels(), database: 'unavailable' }, 503)
    }
    return c.json({ status: 'ok', version: deps.version, channels: deps.channels(), database: 'ok' })
  })

  if (deps.telegramWebhook) app.post('/telegram/webhook', deps.telegramWebhook)

  app.use(
    '/api/v1/admin/*',
    adminAuth({ token: deps.adminToken, db: deps.admin?.db, logger: deps.logger, clock: deps.clock, proxy: deps.proxy }),
  )
  if (deps.admin) app.route('/api/v1/admin', adminApi({ ...deps.admin, clock: deps.clock, proxy: deps.proxy }))

  // Loaded and made at the first request (@hono/zod-openapi takes up to a tenth of a second to
  // load): most starts never serve it. test/web/openapi.test.ts holds it to the routes served.
  let document: object | undefined
  app.get('/api/v1/openapi.json', async (c) => {
    const parts = { verify: deps.verify !== undefined, admin: deps.admin !== undefined }
    document ??= (await import('./openapi.js')).openApiDocument(deps.version, parts)
    return c.json(document, 200, API_SECURITY)
  })

  /** Paths whose every answer carries security headers, not found and errors included. */
  const secured: SecuredPath[] = []
  if (deps.console) {
    app.route('/', consoleStylesheet().app)
    app.route(
      '/admin',
      consoleApp({
        ...deps.console,
        clock: deps.clock,
        logger: deps.logger,
        proxy: deps.proxy,
        ...(deps.whatsappState && { whatsappState: deps.whatsappState }),
      }),
    )
    secured.push({ prefix: '/admin', headers: CONSOLE_SECURITY })
  }
  /** The verification page's answer to a failure, for a reader in a browser (not JSON). */
  let pageFailure: ((c: Context) => Promise<Response>) | undefined
  if (deps.verify) {
    const clock = () => deps.clock().getTime()
    // One budget per client for the page and the API together.
    const limiter = createRateLimiter({ limit: deps.verify.ratePerMinute, now: clock })
    const routes = { ...deps.verify, clock, limiter, proxy: deps.proxy }
    const stylesheet = verifyStylesheet()
    app.route('/', stylesheet.app)
    app.route('/', verifyPages({ ...routes, stylesheet: stylesheet.href }))
    app.route('/api/v1/certificates', verifyApi(routes))
    pageFailure = (c) => unavailablePage(c, stylesheet.href)
    secured.push(
      { prefix: '/verifikasi', headers: PAGE_SECURITY },
      { prefix: '/v', headers: PAGE_SECURITY },
      { prefix: '/api/v1/certificates', headers: API_SECURITY },
    )
  }

  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND' } }, 404, securityHeadersFor(secured, c.req.path)))
  app.onError((error, c) => {
    const headers = securityHeadersFor(secured, c.req.path)
    if (error instanceof HTTPException) return c.json({ error: { code: error.message || 'HTTP_ERROR' } }, error.status, headers)
    // Only the name and message: an error may carry the request's payload (what people typed).
    deps.logger.error({ err: { name: error.name, message: error.message }, path: c.req.path }, 'request failed')
    if (pageFailure && headers === PAGE_SECURITY) return pageFailure(c)
    return c.json({ error: { code: 'INTERNAL' } }, 500, headers)
  })

  return app
}
