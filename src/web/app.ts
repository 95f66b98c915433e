/** The HTTP front: health now; the Telegram webhook, verification pages and admin API mount here. */
import { type Context, Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Logger } from 'pino'

export type ChannelStatus = 'on' | 'off' | 'connecting' | 'error'

export type WebDeps = {
  version: string
  logger: Logger
  /** Live state of each channel, read at request time. */
  channels: () => Record<string, ChannelStatus>
  /** Throws when the database cannot answer. */
  checkDatabase: () => void
  /** The Telegram webhook, when Telegram runs in webhook mode. */
  telegramWebhook?: (c: Context) => Promise<Response>
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

  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND' } }, 404))
  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ error: { code: error.message || 'HTTP_ERROR' } }, error.status)
    // Only the name and message: an error may carry the request's payload (what people typed).
    deps.logger.error({ err: { name: error.name, message: error.message }, path: c.req.path }, 'request failed')
    return c.json({ error: { code: 'INTERNAL' } }, 500)
  })

  return app
}
