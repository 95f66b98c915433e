/** The HTTP front: health, the Telegram webhook, the admin pages and API; verification pages mount here. */
import { type Context, Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Logger } from 'pino'
import type { ConnectionState } from '../bots/whatsapp/connection.js'
import type { Db } from '../db/client.js'
import { adminApi } from './admin-api.js'
import { adminAuth } from './admin-auth.js'
import { whatsappAdmin } from './whatsapp-admin.js'

export type ChannelStatus = 'on' | 'off' | 'connecting' | 'pairing' | 'error'

export type WebDeps = {
  version: string
  logger: Logger
  /** Live state of each channel, read at request time. */
  channels: () => Record<string, ChannelStatus>
  /** Throws when the database cannot answer. */
  checkDatabase: () => void
  /** The Telegram webhook, when Telegram runs in webhook mode. */
  telegramWebhook?: (c: Context) => Promise<Response>
  /** ADMIN_TOKEN: without it the admin routes answer 503 ADMIN_DISABLED. */
  adminToken?: string
  /** The WhatsApp connection's live state, when WhatsApp is on. */
  whatsappState?: () => ConnectionState | undefined
  /** The database behind the admin API (/api/v1/admin/sessions…); without it those routes are absent. */
  db?: Db
}

export function createWebApp(deps: WebDeps) {
  const app = new Hono()

  app.get('/healthz', (c) => {
    try {
      deps.checkDatabase()
    } catch (error) {
      deps.logger.error({ err: error }, 'health check: database unavailable')
      return c.json({ status: 'error', version: deps.version, channels: deps.channels(), database: 'unavailable' }, 503)
    }
    return c.json({ status: 'ok', version: deps.version, channels: deps.channels(), database: 'ok' })
  })

  if (deps.telegramWebhook) app.post('/telegram/webhook', deps.telegramWebhook)

  app.use('/admin/*', adminAuth(deps.adminToken))
  app.use('/api/v1/admin/*', adminAuth(deps.adminToken))
  app.route('/admin/whatsapp', whatsappAdmin({ state: deps.whatsappState ?? (() => undefined) }))
  if (deps.db) app.route('/api/v1/admin', adminApi({ db: deps.db }))

  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND' } }, 404))
  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ error: { code: error.message || 'HTTP_ERROR' } }, error.status)
    // Only the name and message: an error may carry the request's payload (what people typed).
    deps.logger.error({ err: { name: error.name, message: error.message }, path: c.req.path }, 'request failed')
    return c.json({ error: { code: 'INTERNAL' } }, 500)
  })

  return app
}
