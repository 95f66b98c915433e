import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createTelegramBot } from '../../src/bots/telegram/bot.js'
import { createTelegramWebhook } from '../../src/bots/telegram/webhook.js'
import { closeDatabase } from '../../src/db/client.js'
import { createWebApp } from '../../src/web/app.js'
import { testCore } from '../support/core.js'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'

const SECRET = 'a-webhook-secret-of-32-characters'
let fake: FakeTelegram
let core: Awaited<ReturnType<typeof testCore>>
afterEach(async () => {
  await fake.close()
  closeDatabase(core.db)
})

async function post(webhookReply: boolean, ...texts: string[]) {
  fake = await startFakeTelegram()
  core = await testCore()
  const logger = pino({ level: 'silent' })
  const telegram = createTelegramBot({
    token: fake.token,
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo,
    engine: core.engine,
    blocking: core.blocking,
    clock: () => new Date(),
    logger,
    webhookReply,
  })
  const app = createWebApp({
    version: 't',
    logger,
    clock: () => new Date(),
    channels: () => ({}),
    checkDatabase: () => undefined,
    telegramWebhook: createTelegramWebhook(telegram, SECRET),
  })
  let response = new Response()
  for (const [i, text] of texts.entries()) {
    const from = { id: 7, is_bot: false, first_name: 'A' }
    const chat = { id: 7, type: 'private', first_name: 'A' }
    const update = { update_id: i + 1, message: { message_id: i + 1, date: 1, chat, from, text } }
    response = await app.request('/telegram/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': SECRET },
      body: JSON.stringify(update),
    })
  }
  return response
}

describe('webhook reply', () => {
  it('a one-message answer travels in the webhook response, as a Bot API call object Telegram can carry out', async () => {
    const response = await post(true, 'halo')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ method: 'sendMessage', chat_id: 7, parse_mode: 'HTML' })
    expect(String(body.text)).toContain('Halo, selamat datang!')
    expect(fake.sent()).toHaveLength(0)
  })

  it('switched off, the same answer is a Bot API call and the webhook response is empty', async () => {
    const response = await post(false, 'halo')
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
    expect(fake.sent()).toHaveLength(1)
  })

  it('an answer of several messages goes out as calls in order, none in the response', async () => {
    // Switching language inside a flow: a note, then the question again.
    const response = await post(true, '6', 'english')
    expect(await response.text()).toBe('')
    expect(fake.sent().map((call) => String(call.payload.text).slice(0, 20))).toEqual([
      'OK, I will reply in ',
      'Step 1 of 5\nWhat is ',
    ])
  })
})
