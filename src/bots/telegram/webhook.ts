/**
 * POST /telegram/webhook: checks Telegram's secret header, refuses what is not an update, and
 * hands the rest to grammY. The answer goes back to Telegram as soon as the update is handled, or
 * after 8 s at the latest (the work goes on), so Telegram never redelivers a slow update; a
 * redelivered one would be recognised by its update_id anyway. A one-message answer travels in
 * the response itself (a webhook reply), saving a Bot API call.
 */
import { timingSafeEqual } from 'node:crypto'
import { webhookCallback } from 'grammy'
import type { Context as HonoContext } from 'hono'
import type { TelegramBot } from './bot.js'

const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token'

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * grammY's adapter for Hono, except that a webhook reply (already a JSON string) is sent as is:
 * grammY's own encodes it a second time, and Telegram would ignore the reply.
 */
const honoAdapter = (c: HonoContext) => {
  let resolveResponse: (response: Response) => void = () => undefined
  return {
    get update() {
      return c.req.json()
    },
    header: c.req.header(SECRET_HEADER),
    end: () => resolveResponse(c.body('')),
    respond: (json: string) => resolveResponse(c.body(json, 200, { 'content-type': 'application/json' })),
    unauthorized: () => resolveResponse(c.json({ error: { code: 'UNAUTHORIZED' } }, 401)),
    handlerReturn: new Promise<Response>((resolve) => {
      resolveResponse = resolve
    }),
  }
}

export function createTelegramWebhook(telegram: TelegramBot, secret: string) {
  const handle = webhookCallback(telegram.bot, honoAdapter, {
    secretToken: secret,
    onTimeout: 'return',
    timeoutMilliseconds: 8_000,
  })
  return async (c: HonoContext) => {
    if (!sameSecret(c.req.header(SECRET_HEADER), secret)) return c.json({ error: { code: 'UNAUTHORIZED' } }, 401)
    let update: unknown
    try {
      update = await c.req.json()
    } catch {
      return c.json({ error: { code: 'INVALID_JSON' } }, 400)
    }
    if (typeof update !== 'object' || update === null || typeof (update as { update_id?: unknown }).update_id !== 'number') {
      return c.json({ error: { code: 'INVALID_UPDATE' } }, 400)
    }
    return handle(c)
  }
}
