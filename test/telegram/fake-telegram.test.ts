import { Bot, GrammyError, InputFile } from 'grammy'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FakeTelegram, startFakeTelegram } from '../support/fake-telegram.js'

let fake: FakeTelegram
let bot: Bot

beforeEach(async () => {
  fake = await startFakeTelegram()
  bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo })
})

afterEach(async () => {
  if (bot.isRunning()) await bot.stop()
  await fake.close()
})

const keyboard = { inline_keyboard: [[{ text: 'Ya', callback_data: 'yes' }]] }

describe('fake Telegram Bot API driven by a real grammY Bot', () => {
  it('records sendMessage with text and reply_markup and answers a Message', async () => {
    const first = await bot.api.sendMessage(42, 'Halo', { reply_markup: keyboard })
    const second = await bot.api.sendMessage(42, 'Lagi')
    const other = await bot.api.sendMessage(7, 'Chat lain')

    expect(first).toMatchObject({ message_id: 1, chat: { id: 42, type: 'private' }, text: 'Halo', reply_markup: keyboard })
    expect(typeof first.date).toBe('number')
    expect(second.message_id).toBe(2)
    expect(other.message_id).toBe(1)

    expect(fake.sent(42).map((c) => c.payload.text)).toEqual(['Halo', 'Lagi'])
    expect(fake.sent()).toHaveLength(3)
    const call = fake.sent(42)[0]
    expect(call?.method).toBe('sendMessage')
    expect(call?.payload).toMatchObject({ chat_id: 42, text: 'Halo', reply_markup: keyboard })
  })

  it('failNext 429 makes sendMessage throw a GrammyError with retry_after, once', async () => {
    fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    })
    const error = await bot.api.sendMessage(42, 'Halo').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GrammyError)
    const grammyError = error as GrammyError
    expect(grammyError.error_code).toBe(429)
    expect(grammyError.description).toBe('Too Many Requests: retry after 1')
    expect(grammyError.parameters.retry_after).toBe(1)

    // The failed attempt is in calls, not in sent(); the next call succeeds.
    expect(fake.calls.map((c) => c.method)).toEqual(['sendMessage'])
    expect(fake.sent()).toHaveLength(0)
    await bot.api.sendMessage(42, 'Halo')
    expect(fake.sent(42)).toHaveLength(1)
  })

  it('failNext 403 (blocked by user) for a number of times', async () => {
    fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' }, 2)
    for (let i = 0; i < 2; i++) {
      const error = await bot.api.sendMessage(42, 'Halo').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(GrammyError)
      expect((error as GrammyError).error_code).toBe(403)
      expect((error as GrammyError).description).toBe('Forbidden: bot was blocked by the user')
    }
    await expect(bot.api.sendMessage(42, 'Halo')).resolves.toMatchObject({ text: 'Halo' })
  })

  it('records a multipart sendDocument upload with filename, bytes, chat_id and caption', async () => {
    const message = await bot.api.sendDocument(42, new InputFile(Buffer.from('BEGIN:VCALENDAR'), 'sesi.ics'), {
      caption: 'Jadwal sesi',
      reply_markup: keyboard,
    })
    expect(message.document).toMatchObject({ file_name: 'sesi.ics' })
    expect(typeof message.document?.file_id).toBe('string')
    expect(message.caption).toBe('Jadwal sesi')

    const [call] = fake.sent(42)
    expect(call?.method).toBe('sendDocument')
    expect(call?.payload).toMatchObject({ chat_id: 42, caption: 'Jadwal sesi', reply_markup: keyboard })
    expect(call?.file?.field).toBe('document')
    expect(call?.file?.filename).toBe('sesi.ics')
    expect(call?.file?.bytes.toString()).toBe('BEGIN:VCALENDAR')
  })

  it('long polling: bot.start() receives a pushed update, replies, and stops quickly', async () => {
    const received: string[] = []
    bot.on('message', async (ctx) => {
      received.push(ctx.message.text ?? '')
      await ctx.reply(`echo: ${ctx.message.text}`)
    })
    const started = bot.start()
    await fake.waitFor((calls) => calls.some((c) => c.method === 'getUpdates'))

    fake.pushUpdate({
      message: {
        message_id: 10,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 42, type: 'private', first_name: 'Sari' },
        from: { id: 42, is_bot: false, first_name: 'Sari' },
        text: 'halo bot',
      },
    })
    await fake.waitFor(() => fake.sent(42).length > 0)
    expect(received).toEqual(['halo bot'])
    expect(fake.sent(42)[0]?.payload.text).toBe('echo: halo bot')

    const t0 = Date.now()
    await bot.stop()
    await started
    expect(Date.now() - t0).toBeLessThan(1000)
    // stop() confirms the offset past the handled update.
    const lastPoll = fake.calls.filter((c) => c.method === 'getUpdates').at(-1)
    expect(lastPoll?.payload.offset).toBe(2)
  })

  it('getUpdates honours offset, drops confirmed updates and assigns increasing ids', async () => {
    const id = fake.nextUpdateId()
    fake.pushUpdate({ update_id: id, message: { text: 'a' } })
    fake.pushUpdate({ message: { text: 'b' } })
    const all = await bot.api.getUpdates({ offset: 0 })
    expect(all.map((u) => u.update_id)).toEqual([id, id + 1])
    const rest = await bot.api.getUpdates({ offset: id + 1 })
    expect(rest.map((u) => u.update_id)).toEqual([id + 1])
    expect(await bot.api.getUpdates({})).toHaveLength(1) // id was confirmed and dropped
    const t0 = Date.now()
    expect(await bot.api.getUpdates({ offset: id + 2, timeout: 30 })).toEqual([]) // waits at most 1 s
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900)
    expect(Date.now() - t0).toBeLessThan(2000)
  })

  it('getWebhookInfo returns what setWebhook set, deleteWebhook clears it', async () => {
    await bot.api.setWebhook('https://example.test/tg', {
      secret_token: 's3cret',
      allowed_updates: ['message', 'callback_query'],
    })
    expect(fake.calls.at(-1)?.payload).toMatchObject({ url: 'https://example.test/tg', secret_token: 's3cret' })
    const info = await bot.api.getWebhookInfo()
    expect(info).toEqual({
      url: 'https://example.test/tg',
      has_custom_certificate: false,
      pending_update_count: 0,
      allowed_updates: ['message', 'callback_query'],
    })
    await bot.api.deleteWebhook()
    expect((await bot.api.getWebhookInfo()).url).toBe('')
  })

  it('commands, callback answers, chat actions and edits', async () => {
    const commands = [{ command: 'start', description: 'Mulai' }]
    expect(await bot.api.setMyCommands(commands)).toBe(true)
    expect(await bot.api.getMyCommands()).toEqual(commands)
    expect(await bot.api.deleteMyCommands()).toBe(true)
    expect(await bot.api.getMyCommands()).toEqual([])
    expect(await bot.api.answerCallbackQuery('cb-1', { text: 'ok' })).toBe(true)
    expect(await bot.api.sendChatAction(42, 'typing')).toBe(true)

    const sent = await bot.api.sendMessage(42, 'Pilih', { reply_markup: keyboard })
    const edited = await bot.api.editMessageText(42, sent.message_id, 'Dipilih')
    expect(edited).toMatchObject({ message_id: sent.message_id, text: 'Dipilih' })
    const markup = await bot.api.editMessageReplyMarkup(42, sent.message_id, { reply_markup: keyboard })
    expect(markup).toMatchObject({ message_id: sent.message_id, reply_markup: keyboard })
    expect(await bot.api.editMessageTextInline('inline-1', 'x')).toBe(true)
    expect(await bot.api.getMe()).toEqual(fake.botInfo)
  })

  it('rejects a wrong token with 401 and unknown methods with 404', async () => {
    const wrong = await fetch(`${fake.apiRoot}/bot999:nope/getMe`, { method: 'POST' })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' })

    const unknown = await fetch(`${fake.apiRoot}/bot${fake.token}/launchRockets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' })

    const other = new Bot('1:wrong', { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo })
    const error = await other.api.sendMessage(1, 'x').catch((e: unknown) => e)
    expect((error as GrammyError).error_code).toBe(401)
  })

  it('accepts chat_id as a string and answers 400 for an empty text', async () => {
    await bot.api.sendMessage('42', 'Halo')
    expect(fake.sent(42)).toHaveLength(1)
    const error = await bot.api.sendMessage(42, '').catch((e: unknown) => e)
    expect((error as GrammyError).error_code).toBe(400)
    expect(fake.sent(42)).toHaveLength(1)
  })

  it('waitFor rejects with the recorded methods; reset clears state', async () => {
    await bot.api.sendChatAction(42, 'typing')
    fake.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' })
    await bot.api.sendMessage(42, 'x').catch(() => undefined)
    await expect(fake.waitFor(() => false, 50)).rejects.toThrow(/sendChatAction, sendMessage!500/)

    fake.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' })
    fake.pushUpdate({ message: { text: 'queued' } })
    fake.reset()
    expect(fake.calls).toHaveLength(0)
    await expect(bot.api.sendMessage(42, 'ok')).resolves.toMatchObject({ text: 'ok' })
    expect(await bot.api.getUpdates({})).toEqual([])
  })

  it('close() ends an in-flight long poll promptly', async () => {
    const poll = fetch(`${fake.apiRoot}/bot${fake.token}/getUpdates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeout: 30 }),
    })
    await fake.waitFor((calls) => calls.some((c) => c.method === 'getUpdates'))
    const t0 = Date.now()
    await fake.close()
    const response = await poll
    expect(await response.json()).toEqual({ ok: true, result: [] })
    expect(Date.now() - t0).toBeLessThan(500)
  })
})

describe('fake Telegram: staff groups (topics, members, photos, group messages)', () => {
  const FORUM = -1001111
  const PLAIN = -1002222

  it('getChat tells a forum from a plain supergroup; createForumTopic works only in a forum', async () => {
    fake.setChat(FORUM, { is_forum: true, title: 'Staf' })
    fake.setChat(PLAIN, { title: 'Tanpa topik' })
    expect(await bot.api.getChat(FORUM)).toMatchObject({ id: FORUM, type: 'supergroup', title: 'Staf', is_forum: true })
    expect((await bot.api.getChat(PLAIN)).is_forum).toBeUndefined()
    const topic = await bot.api.createForumTopic(FORUM, 'PTG-1 · Siti · Makassar')
    expect(fake.topic(FORUM, topic.message_thread_id)).toEqual({ name: 'PTG-1 · Siti · Makassar', closed: false, deleted: false })
    const refused = await bot.api.createForumTopic(PLAIN, 'x').catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(GrammyError)
    expect((refused as GrammyError).error_code).toBe(400)
  })

  it('records message_thread_id on posts, closes and deletes topics, deletes messages once', async () => {
    fake.setChat(FORUM, { is_forum: true })
    const { message_thread_id: thread } = await bot.api.createForumTopic(FORUM, 'T')
    const sent = await bot.api.sendMessage(FORUM, 'di topik', { message_thread_id: thread })
    await bot.api.sendMessage(FORUM, 'di General')
    expect(sent).toMatchObject({ message_thread_id: thread, is_topic_message: true })
    expect(fake.posts(FORUM, thread).map((c) => c.payload.text)).toEqual(['di topik'])
    expect(fake.posts(FORUM, null).map((c) => c.payload.text)).toEqual(['di General'])
    await bot.api.closeForumTopic(FORUM, thread)
    expect(fake.topic(FORUM, thread)?.closed).toBe(true)
    await bot.api.deleteForumTopic(FORUM, thread)
    expect(fake.topic(FORUM, thread)?.deleted).toBe(true)
    await expect(bot.api.sendMessage(FORUM, 'x', { message_thread_id: thread })).rejects.toBeInstanceOf(GrammyError)
    await bot.api.deleteMessage(FORUM, sent.message_id)
    expect(fake.message(FORUM, sent.message_id)).toBeUndefined()
    await expect(bot.api.deleteMessage(FORUM, sent.message_id)).rejects.toBeInstanceOf(GrammyError)
  })

  it('getChatMember: the bot is an admin with every right unless told otherwise; sendPhoto uploads', async () => {
    expect(await bot.api.getChatMember(FORUM, fake.botInfo.id)).toMatchObject({
      status: 'administrator',
      can_manage_topics: true,
      can_delete_messages: true,
    })
    fake.setMember(FORUM, fake.botInfo.id, { status: 'member', user: fake.botInfo })
    expect((await bot.api.getChatMember(FORUM, fake.botInfo.id)).status).toBe('member')
    expect((await bot.api.getChatMember(FORUM, 77)).status).toBe('member')
    const photo = await bot.api.sendPhoto(FORUM, new InputFile(Buffer.from('jpeg'), 'a.jpg'), { caption: 'foto' })
    expect(photo.caption).toBe('foto')
    expect(fake.posts(FORUM)[0]?.file?.bytes).toEqual(Buffer.from('jpeg'))
  })

  it('groupMessage builds a member message in a topic (replying to the topic) or as a reply to a stored post', async () => {
    fake.setChat(FORUM, { is_forum: true })
    const { message_thread_id: thread } = await bot.api.createForumTopic(FORUM, 'T')
    const posted = await bot.api.sendMessage(FORUM, 'header')
    const inTopic = fake.groupMessage({ chatId: FORUM, from: { id: 5, first_name: 'Rina' }, threadId: thread, text: '/ambil' })
    expect(inTopic.message).toMatchObject({
      from: { id: 5, is_bot: false },
      message_thread_id: thread,
      is_topic_message: true,
      reply_to_message: { message_id: thread, forum_topic_created: { name: 'T' } },
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    })
    const reply = fake.groupMessage({
      chatId: FORUM,
      from: { id: 5, first_name: 'Rina' },
      replyTo: posted.message_id,
      text: 'ok',
    })
    expect(reply.message.reply_to_message).toMatchObject({ message_id: posted.message_id, text: 'header' })
    expect(reply.update_id).toBeGreaterThan(inTopic.update_id)
  })
})
