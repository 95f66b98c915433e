/**
 * The WhatsApp adapter as a person on WhatsApp (and the operator reading the database) would
 * notice it: which messages get an answer and which are left alone, one conversation whether
 * WhatsApp names the person by phone number or by LID, messages replayed after a reconnect, the
 * sending pace with "typing…", retries and recorded failures, attachments, a failing core and a
 * clean stop. Real adapter, real core on in-memory SQLite, fake Baileys socket.
 */
import { proto } from '@whiskeysockets/baileys'
import { and, eq } from 'drizzle-orm'
import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createWhatsAppChannel, type WhatsAppDeps } from '../../src/bots/whatsapp/adapter.js'
import { createSender } from '../../src/bots/whatsapp/sender.js'
import type { Engine } from '../../src/core/engine.js'
import { type ChannelSender, SendNotStarted } from '../../src/core/outbox.js'
import { closeDatabase } from '../../src/db/client.js'
import { getMeta, setMeta } from '../../src/db/queries/meta.js'
import { channelIdentities, conversationStates, outbox, processedMessages } from '../../src/db/schema.js'
import { fakeClock, testCore } from '../support/core.js'
import { type FakeSocket, fakeWhatsApp, type IncomingOptions, incoming } from '../support/fake-whatsapp.js'
import { testOutbox } from '../support/outbox.js'
import { NO_PACE, parseShown } from '../support/whatsapp-driver.js'
import { MENU_ID } from '../transcripts/core.js'

const silent = pino({ level: 'silent' })
const HOUR = 3_600_000
const DAY = 24 * HOUR
const GREETING = 'Halo, selamat datang!'
const NOT_TEXT = 'Maaf, saya hanya bisa membaca pesan teks'
const APOLOGY = /^Maaf, terjadi gangguan/
const ICS_UNSENT = 'File kalender tidak terkirim; ketik *kalender* untuk mencoba lagi.'
const HANDOFF = 'Bicara dengan petugas'
const LID = '123456789012345@lid'
const PHONE = '6281234567890@s.whatsapp.net'

let numbers = 0
/** A fresh person's phone-number JID. */
const phoneJid = () => `62812${String(++numbers).padStart(8, '0')}@s.whatsapp.net`

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  vi.useRealTimers()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A started channel over a fake socket that is open, on a fresh core. */
async function setup(over: Partial<WhatsAppDeps> = {}) {
  const core = await testCore()
  cleanups.push(() => closeDatabase(core.db))
  const fake = fakeWhatsApp()
  const channel = await createWhatsAppChannel({
    db: core.db,
    authBox: core.authBox,
    engine: core.engine,
    logger: silent,
    factory: fake.factory,
    pace: NO_PACE,
    replayWindowMs: DAY,
    now: () => new Date(),
    ...over,
  })
  cleanups.push(() => channel.stop(0))
  channel.start()
  const socket = fake.current()
  socket.open()
  /** Delivers one `messages.upsert` and waits until every answer is sent. */
  async function deliver(messages: IncomingOptions[], type: 'notify' | 'append' = 'notify', to = fake.current()) {
    to.receive(
      messages.map((m) => incoming(m)),
      type,
    )
    await channel.drain()
  }
  return { core, db: core.db, fake, channel, socket, deliver }
}

/** The texts sent to one chat, in order. */
const textsTo = (socket: FakeSocket, jid: string) =>
  socket.sent.filter((m) => m.jid === jid && m.text !== undefined).map((m) => m.text ?? '')

/** What one chat was shown, all messages joined. */
const shownTo = (socket: FakeSocket, jid: string) => textsTo(socket, jid).join('\n---\n')

describe('receiving', () => {
  it('answers every message of one batch, each in its own chat', async () => {
    const { socket, deliver } = await setup()
    const [a, b] = [phoneJid(), phoneJid()]
    // Baileys hands over several messages at once when it flushes what arrived while buffering.
    await deliver([
      { from: a, text: 'halo', id: 'A1' },
      { from: b, text: '6', id: 'B1' },
    ])
    const toA = textsTo(socket, a)
    expect(toA).toHaveLength(1)
    expect(parseShown(toA[0] ?? '')).toEqual({ text: expect.stringContaining(GREETING), options: MENU_ID })
    expect(shownTo(socket, b)).toContain('Langkah 1 dari 5')
    // Both get the blue ticks of a message that was read.
    expect(socket.read).toEqual(expect.arrayContaining(['A1', 'B1']))
  })

  it('answers two messages of one chat in one batch in the order they were written', async () => {
    const { socket, deliver } = await setup()
    const jid = phoneJid()
    await deliver([
      { from: jid, text: '6' },
      { from: jid, text: '3' },
    ])
    const texts = textsTo(socket, jid)
    expect(texts).toHaveLength(2)
    expect(texts[0]).toContain('Langkah 1 dari 5')
    expect(texts[1]).toContain('Langkah 2 dari 5')
  })

  const greetings: [string, IncomingOptions['message']][] = [
    ['a plain text (conversation)', { conversation: 'halo' }],
    ['an extended text (with a link or a quote)', { extendedTextMessage: { text: 'halo' } }],
    ['a photo caption', { imageMessage: { caption: 'halo', mimetype: 'image/jpeg' } }],
    ['a video caption', { videoMessage: { caption: 'halo', mimetype: 'video/mp4' } }],
    ['a text in a disappearing-messages chat', { ephemeralMessage: { message: { extendedTextMessage: { text: 'halo' } } } }],
    ['a view-once photo caption', { viewOnceMessageV2: { message: { imageMessage: { caption: 'halo', viewOnce: true } } } }],
  ]
  it.each(greetings)('reads the text of %s', async (_name, message) => {
    const { socket, deliver } = await setup()
    const jid = phoneJid()
    await deliver([{ from: jid, message }])
    expect(shownTo(socket, jid)).toContain(GREETING)
    expect(shownTo(socket, jid)).not.toContain(NOT_TEXT)
  })

  const oldTaps: [string, IncomingOptions['message']][] = [
    ['an old button', { buttonsResponseMessage: { selectedButtonId: 'btn-6', selectedDisplayText: HANDOFF } }],
    ['an old list row', { listResponseMessage: { title: HANDOFF, singleSelectReply: { selectedRowId: 'row-6' } } }],
  ]
  it.each(oldTaps)('takes the tap on %s as the option it shows', async (_name, message) => {
    const { socket, deliver } = await setup()
    const jid = phoneJid()
    await deliver([{ from: jid, message }])
    expect(shownTo(socket, jid)).toContain('Langkah 1 dari 5')
  })

  const media: [string, IncomingOptions['message']][] = [
    ['a photo without caption', { imageMessage: { mimetype: 'image/jpeg' } }],
    ['a voice note', { audioMessage: { ptt: true, mimetype: 'audio/ogg; codecs=opus', seconds: 4 } }],
  ]
  it.each(media)('answers %s politely that only text can be read', async (_name, message) => {
    const { socket, deliver } = await setup()
    const jid = phoneJid()
    await deliver([{ from: jid, message }])
    const texts = textsTo(socket, jid)
    expect(texts).toHaveLength(1)
    expect(texts[0]).toContain(NOT_TEXT)
    expect(parseShown(texts[0] ?? '').options).toEqual(MENU_ID)
  })

  it('does not answer a reaction or a deleted message', async () => {
    const { socket, deliver } = await setup()
    const jid = phoneJid()
    await deliver([
      { from: jid, message: { reactionMessage: { key: { remoteJid: jid, id: 'BOT1', fromMe: true }, text: '👍' } } },
      {
        from: jid,
        message: {
          protocolMessage: {
            type: proto.Message.ProtocolMessage.Type.REVOKE,
            key: { remoteJid: jid, id: 'USER1', fromMe: false },
          },
        },
      },
    ])
    expect(socket.sent).toEqual([])
    expect(socket.presence).toEqual([])
  })
})

describe('chats that are never answered', () => {
  const ignored: [string, IncomingOptions][] = [
    ['our own message from another device', { from: '6281111111111@s.whatsapp.net', fromMe: true, text: 'halo' }],
    ['a group', { from: '120363025246125486@g.us', participant: '6281222222222@s.whatsapp.net', text: 'halo' }],
    ['a status update', { from: 'status@broadcast', alt: '6281333333333@s.whatsapp.net', text: 'halo' }],
    ['a broadcast list', { from: '1699999999@broadcast', text: 'halo' }],
    ['a channel (newsletter)', { from: '120363144038483540@newsletter', text: 'halo' }],
  ]
  it.each(ignored)('ignores %s: no reply, nothing stored', async (_name, message) => {
    const { db, socket, deliver } = await setup()
    const control = phoneJid()
    // A person in the same batch is answered, so the batch itself was handled.
    await deliver([message, { from: control, text: 'halo' }])
    expect(socket.sent.map((m) => m.jid)).toEqual([control])
    expect(socket.read).toHaveLength(1)
    expect(await db.select({ chatId: conversationStates.chatId }).from(conversationStates)).toEqual([{ chatId: control }])
    expect(await db.select({ userId: channelIdentities.userId }).from(channelIdentities)).toEqual([{ userId: control }])
    expect(await db.select({ chatId: processedMessages.chatId }).from(processedMessages)).toEqual([{ chatId: control }])
  })
})

describe('messages delivered again or late', () => {
  it('answers a message once when WhatsApp delivers it again after a reconnect', async () => {
    const { fake, socket, deliver } = await setup({ backoff: { baseMs: 1, maxMs: 1 } })
    const jid = phoneJid()
    const timestamp = Math.floor(Date.now() / 1000)
    await deliver([{ from: jid, text: 'halo', id: 'SAME', timestamp }])
    expect(textsTo(socket, jid)).toHaveLength(1)

    socket.close(428)
    await vi.waitFor(() => expect(fake.sockets).toHaveLength(2))
    const again = fake.current()
    again.open()
    // The offline queue brings the same message back, with one the person wrote meanwhile.
    await deliver(
      [
        { from: jid, text: 'halo', id: 'SAME', timestamp },
        { from: jid, text: '6', id: 'NEW', timestamp },
      ],
      'append',
      again,
    )
    const texts = textsTo(again, jid)
    expect(texts).toHaveLength(1)
    expect(texts[0]).toContain('Langkah 1 dari 5')
  })

  it('answers late messages sent since pairing and within the replay window, not older ones', async () => {
    const { db, socket, deliver } = await setup()
    const now = Date.now()
    await setMeta(db, 'whatsapp_paired_at', new Date(now - 30 * DAY).toISOString(), new Date(now))
    const seconds = (ms: number) => Math.floor(ms / 1000)
    const [recent, dayOld, stale] = [phoneJid(), phoneJid(), phoneJid()]
    await deliver(
      [
        { from: recent, text: 'halo', timestamp: seconds(now - 5 * 60_000) },
        { from: dayOld, text: 'halo', timestamp: seconds(now - 23 * HOUR) },
        { from: stale, text: 'halo', timestamp: seconds(now - 25 * HOUR) },
      ],
      'append',
    )
    expect(shownTo(socket, recent)).toContain(GREETING)
    expect(shownTo(socket, dayOld)).toContain(GREETING)
    // Older than the 24-hour window: the person has moved on; answering now would confuse them.
    expect(textsTo(socket, stale)).toEqual([])
  })

  it('does not answer chat history from before the number was paired', async () => {
    const clock = fakeClock()
    const { db, socket, deliver } = await setup({ now: clock.now })
    const pairedAt = clock.now().getTime()
    // Baileys reports a fresh pairing with isNewLogin; the adapter stores that moment.
    socket.emit('connection.update', { isNewLogin: true })
    // Stored in the background, once the connection update is handled.
    await vi.waitFor(async () => expect(await getMeta(db, 'whatsapp_paired_at')).toBeDefined())
    expect(await getMeta(db, 'whatsapp_paired_at')).toBe(new Date(pairedAt).toISOString())
    clock.advance(10 * 60_000)
    const [before, after] = [phoneJid(), phoneJid()]
    await deliver(
      [
        { from: before, text: 'halo', timestamp: (pairedAt - 5 * 60_000) / 1000 },
        { from: after, text: 'halo', timestamp: (pairedAt + 5 * 60_000) / 1000 },
      ],
      'append',
    )
    expect(textsTo(socket, before)).toEqual([])
    expect(shownTo(socket, after)).toContain(GREETING)
  })
})

describe('one person whether WhatsApp names them by phone number or by LID', () => {
  const identities = async (db: Awaited<ReturnType<typeof testCore>>['db']) =>
    await db
      .select({ userId: channelIdentities.userId, altUserId: channelIdentities.altUserId })
      .from(channelIdentities)
      .where(eq(channelIdentities.channel, 'whatsapp'))
  const conversations = async (db: Awaited<ReturnType<typeof testCore>>['db']) =>
    await db
      .select({ chatId: conversationStates.chatId, flow: conversationStates.flow })
      .from(conversationStates)
      .where(eq(conversationStates.channel, 'whatsapp'))

  it('continues one conversation over the LID, the phone number and the LID alone', async () => {
    const { db, socket, deliver } = await setup()
    await deliver([{ from: LID, alt: PHONE, text: '6' }])
    expect(shownTo(socket, LID)).toContain('Langkah 1 dari 5')
    await deliver([{ from: PHONE, text: '3' }])
    expect(shownTo(socket, PHONE)).toContain('Langkah 2 dari 5')
    await deliver([{ from: LID, text: 'sertifikat sy hilang waktu banjir, gmn ya' }])
    expect(textsTo(socket, LID).at(-1)).toContain('Langkah 3 dari 5')

    // Each answer went where its message came from.
    expect(socket.sent.map((m) => m.jid)).toEqual([LID, PHONE, LID])
    expect(await identities(db)).toEqual([{ userId: PHONE, altUserId: LID }])
    expect(await conversations(db)).toEqual([{ chatId: PHONE, flow: expect.any(String) }])
  })

  it('joins a conversation begun under the LID alone when a message reveals the phone number', async () => {
    const { db, socket, deliver } = await setup()
    await deliver([{ from: LID, text: '6' }])
    await deliver([{ from: LID, text: '3' }])
    expect(textsTo(socket, LID).at(-1)).toContain('Langkah 2 dari 5')
    expect(await identities(db)).toEqual([{ userId: LID, altUserId: null }])

    await deliver([{ from: LID, alt: PHONE, text: 'sertifikat sy hilang waktu banjir, gmn ya' }])
    expect(textsTo(socket, LID).at(-1)).toContain('Langkah 3 dari 5')
    await deliver([{ from: PHONE, text: 'Siti Aminah' }])
    expect(textsTo(socket, PHONE).at(-1)).toContain('Langkah 4 dari 5')

    expect(await identities(db)).toEqual([{ userId: PHONE, altUserId: LID }])
    expect(await conversations(db)).toEqual([{ chatId: PHONE, flow: expect.any(String) }])
  })

  it("links a LID-only person when WhatsApp's contact sync reveals their number, and stores nobody else's", async () => {
    const { db, socket, channel, deliver } = await setup()
    await deliver([{ from: LID, text: '6' }])
    // Contact sync: one pair for the person who wrote, one for a stranger in the address book.
    socket.emit('lid-mapping.update', { lid: LID, pn: PHONE })
    socket.emit('lid-mapping.update', { lid: '99999999999999@lid', pn: '6289999999999@s.whatsapp.net' })
    await channel.drain()
    expect(await identities(db)).toEqual([{ userId: PHONE, altUserId: LID }])
    // The next message, by phone number only, continues the same conversation.
    await deliver([{ from: PHONE, text: '3' }])
    expect(textsTo(socket, PHONE).at(-1)).toContain('Langkah 2 dari 5')
  })

  it('records when a chat first wrote (announcements go only to such chats), not when contact sync maps its ids', async () => {
    const clock = fakeClock()
    const { db, socket, channel, deliver } = await setup({ now: clock.now })
    const wroteAt = async (userId: string) =>
      (
        await db
          .select({ wroteAt: channelIdentities.wroteAt })
          .from(channelIdentities)
          .where(and(eq(channelIdentities.channel, 'whatsapp'), eq(channelIdentities.userId, userId)))
          .limit(1)
      )[0]?.wroteAt
    // An account known without a message of its own (e.g. recorded as blocked): contact sync maps its ids.
    await db.insert(channelIdentities).values({ channel: 'whatsapp', userId: LID, chatId: LID })
    socket.emit('lid-mapping.update', { lid: LID, pn: PHONE })
    await channel.drain()
    expect(await identities(db)).toEqual([{ userId: PHONE, altUserId: LID }])
    expect(await wroteAt(PHONE)).toBeNull()

    const first = clock.now()
    await deliver([{ from: PHONE, text: 'halo' }])
    expect(await wroteAt(PHONE)).toEqual(first)
    // The first time only.
    clock.advance(HOUR)
    await deliver([{ from: PHONE, text: '6' }])
    expect(await wroteAt(PHONE)).toEqual(first)
  })

  it('a "stop info" said under the LID alone still holds once the account is merged into its phone number', async () => {
    const { db, deliver } = await setup()
    const offAt = async (userId: string) =>
      (
        await db
          .select({ offAt: channelIdentities.announcementsOffAt })
          .from(channelIdentities)
          .where(and(eq(channelIdentities.channel, 'whatsapp'), eq(channelIdentities.userId, userId)))
          .limit(1)
      )[0]?.offAt
    await deliver([{ from: PHONE, text: 'halo' }])
    await deliver([{ from: LID, text: 'stop info' }])
    expect(await offAt(LID)).toBeInstanceOf(Date)
    await deliver([{ from: LID, alt: PHONE, text: 'halo' }])
    expect(await identities(db)).toEqual([{ userId: PHONE, altUserId: LID }])
    expect(await offAt(PHONE)).toBeInstanceOf(Date)
  })

  it('keeps one conversation when the message revealing the phone number arrives with an earlier LID-only one', async () => {
    const { db, socket, deliver } = await setup()
    // One batch (as after a reconnect): the second message must wait for the first, then merge.
    await deliver([
      { from: LID, text: '6' },
      { from: LID, alt: PHONE, text: '3' },
    ])
    const texts = textsTo(socket, LID)
    expect(texts).toHaveLength(2)
    expect(texts[0]).toContain('Langkah 1 dari 5')
    expect(texts[1]).toContain('Langkah 2 dari 5')
    expect(await identities(db)).toEqual([{ userId: PHONE, altUserId: LID }])
    expect(await conversations(db)).toEqual([{ chatId: PHONE, flow: expect.any(String) }])
  })

  it('answers a batch in the order sent, even when the first message takes more lookups than the next', async () => {
    const { db, socket, deliver } = await setup()
    // Known by the LID alone; then, in one batch, a message that also reveals the number (three
    // lookups to place) and a LID-only one (two): the second still waits for the first.
    await deliver([{ from: LID, text: 'menu' }])
    await deliver([
      { from: LID, alt: PHONE, text: '6' },
      { from: LID, text: '3' },
    ])
    const texts = textsTo(socket, LID)
    expect(texts).toHaveLength(3)
    expect(texts[1]).toContain('Langkah 1 dari 5')
    expect(texts[2]).toContain('Langkah 2 dari 5')
    expect(await conversations(db)).toEqual([{ chatId: PHONE, flow: expect.any(String) }])
  })
})

/** Records every message and presence update on the socket, with the (fake) time it happened. */
function recordTimeline(socket: FakeSocket) {
  const timeline: { what: string; jid: string; at: number }[] = []
  const sendMessage = socket.sendMessage
  socket.sendMessage = async (jid, content, options) => {
    const result = await sendMessage(jid, content, options)
    timeline.push({ what: 'message', jid, at: Date.now() })
    return result
  }
  const sendPresenceUpdate = socket.sendPresenceUpdate
  socket.sendPresenceUpdate = async (type, jid) => {
    timeline.push({ what: type, jid: jid ?? '', at: Date.now() })
    return sendPresenceUpdate(type, jid)
  }
  return timeline
}

/**
 * Moves fake time on (letting real setImmediate work, which the core uses, run between steps) until
 * `work` settles, for at most `realMs` of real time: the store's own I/O takes real time (a
 * PostgreSQL server's answers), which fake time must wait for rather than run out on.
 */
async function runUntil(work: Promise<unknown>, realMs = 15_000) {
  let done = false
  void work.finally(() => {
    done = true
  })
  const started = performance.now()
  while (!done && performance.now() - started < realMs) {
    await new Promise((resolve) => setImmediate(resolve))
    await vi.advanceTimersByTimeAsync(50)
  }
  await work
}

describe('sending', () => {
  it('paces answers to several chats, shows "typing…" before each message, and keeps one chat in order', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pace = { intervalMs: 1000, jitterMs: 500, typingMs: 300 }
    const { socket, channel } = await setup({ pace, random: () => 0.5 })
    const timeline = recordTimeline(socket)
    const [a, b, c] = [phoneJid(), phoneJid(), phoneJid()]
    // Chat a gets three messages: step 1, then (after "english") a note and step 1 again.
    socket.receive([
      incoming({ from: a, text: '6' }),
      incoming({ from: b, text: 'halo' }),
      incoming({ from: c, text: 'halo' }),
      incoming({ from: a, text: 'english' }),
    ])
    await runUntil(channel.drain())

    const messages = timeline.filter((e) => e.what === 'message')
    expect(messages).toHaveLength(5)
    const gaps = messages.slice(1).map((m, i) => m.at - (messages[i]?.at ?? 0))
    // WhatsApp flags numbers that fire messages in bursts: never two within interval + jitter.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(pace.intervalMs + 0.5 * pace.jitterMs)

    expect(textsTo(socket, a)).toEqual([
      expect.stringContaining('Langkah 1 dari 5'),
      'OK, I will reply in English.',
      expect.stringContaining('Step 1 of 5'),
    ])
    // "typing…" before each message, stopped once an answer is complete (chat a got two answers).
    const expected = {
      [a]: ['composing', 'message', 'paused', 'composing', 'message', 'composing', 'message', 'paused'],
      [b]: ['composing', 'message', 'paused'],
      [c]: ['composing', 'message', 'paused'],
    }
    for (const [jid, whats] of Object.entries(expected)) {
      const events = timeline.filter((e) => e.jid === jid)
      expect(events.map((e) => e.what)).toEqual(whats)
      // "typing…" shows for at least typingMs before each message.
      for (const [i, event] of events.entries()) {
        if (event.what === 'message') expect(event.at - (events[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(pace.typingMs)
      }
    }
  })

  it('delivers the answer after failed sends are retried', async () => {
    const { db, socket, deliver } = await setup({ retry: { attempts: 4, baseDelayMs: 100 } })
    socket.failSends = 2
    const jid = phoneJid()
    await deliver([{ from: jid, text: 'halo' }])
    const texts = textsTo(socket, jid)
    expect(texts).toHaveLength(1)
    expect(texts[0]).toContain(GREETING)
    expect(await db.select().from(outbox)).toEqual([])
  })

  it('records an answer that could not be delivered as failed, and keeps answering', async () => {
    const { db, socket, deliver } = await setup({ retry: { attempts: 3, baseDelayMs: 10 } })
    socket.failSends = 3
    const jid = phoneJid()
    await expect(deliver([{ from: jid, text: 'halo' }])).resolves.toBeUndefined()
    expect(socket.sent).toEqual([])

    const rows = await db.select().from(outbox).where(eq(outbox.chatId, jid))
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ channel: 'whatsapp', kind: 'reply', status: 'failed', attempts: 3 })
    expect(rows[0]?.lastError).toContain('Connection Closed')
    expect(JSON.parse(rows[0]?.payload ?? '{}')).toMatchObject({ text: expect.stringContaining(GREETING) })

    // The channel is not stuck on the failure: the next message is answered.
    await deliver([{ from: jid, text: '6' }])
    expect(shownTo(socket, jid)).toContain('Langkah 1 dari 5')
  })

  describe('a reply with a file', () => {
    const bytes = new TextEncoder().encode('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n')
    const reply = { text: 'Jadwal Bimtek Anda terlampir.', attachment: { filename: 'x.ics', mimeType: 'text/calendar', bytes } }

    function openSocket() {
      const fake = fakeWhatsApp()
      const socket = fake.factory({} as never) as FakeSocket
      socket.open()
      return socket
    }

    /** A sender on `socket` at no pace, trying each message `attempts` times 1 ms apart. */
    const senderOn = (socket: FakeSocket, attempts: number, onFailure: (...args: unknown[]) => void = () => undefined) =>
      createSender({
        connection: { whenOpen: async () => socket },
        pace: NO_PACE,
        logger: silent,
        now: () => Date.now(),
        retry: { attempts, baseDelayMs: 1 },
        onFailure,
      })

    it('an outbox message still waiting for the connection when the outbox stops: nothing sent, SendNotStarted at once', async () => {
      const socket = openSocket()
      const sender = createSender({
        // The connection is down and does not come back within the test.
        connection: { whenOpen: () => new Promise<never>(() => {}) },
        pace: NO_PACE,
        logger: silent,
        now: () => Date.now(),
        onFailure: () => undefined,
      })
      const stop = new AbortController()
      const sending = sender.send(PHONE, [reply], { failure: 'throw', signal: stop.signal })
      stop.abort()
      await expect(sending).rejects.toBeInstanceOf(SendNotStarted)
      expect(socket.sent).toEqual([])
    })

    it('once its text went out, a stop does not cut the message: its file still follows', async () => {
      const socket = openSocket()
      const stop = new AbortController()
      const sendMessage = socket.sendMessage
      socket.sendMessage = async (jid, content, options) => {
        const sent = await sendMessage(jid, content, options)
        if ('text' in content) stop.abort()
        return sent
      }
      await senderOn(socket, 2).send(PHONE, [reply], { failure: 'throw', signal: stop.signal })
      expect(socket.sent.map((m) => m.text ?? m.document?.fileName)).toEqual([reply.text, 'x.ics'])
    })

    it('sends the text, then the file as a document with its name and type', async () => {
      const socket = openSocket()
      const failures: unknown[] = []
      const sender = createSender({
        connection: { whenOpen: async () => socket },
        pace: NO_PACE,
        logger: silent,
        now: () => Date.now(),
        onFailure: (...args) => {
          failures.push(args)
        },
      })
      await sender.send(PHONE, [reply])
      expect(socket.sent).toEqual([
        { jid: PHONE, text: reply.text },
        { jid: PHONE, document: { fileName: 'x.ics', mimetype: 'text/calendar', bytes: Buffer.from(bytes) } },
      ])
      expect(failures).toEqual([])
    })

    it('does not send the text twice when only the file failed and is retried', async () => {
      const socket = openSocket()
      const sendMessage = socket.sendMessage
      let documentFailures = 1
      socket.sendMessage = async (jid, content, options) => {
        if ('document' in content && documentFailures-- > 0) throw new Error('Connection Closed')
        return sendMessage(jid, content, options)
      }
      const sender = senderOn(socket, 3)
      await sender.send(PHONE, [reply])
      expect(socket.sent.map((m) => m.text ?? m.document?.fileName)).toEqual([reply.text, 'x.ics'])
    })

    it('a file that fails after every retry: its text once, a note in its place, then the rest; nothing recorded', async () => {
      const socket = openSocket()
      const failures: unknown[] = []
      const sender = senderOn(socket, 3, (...args) => failures.push(args))
      socket.failDocuments = 3
      await sender.send(PHONE, [reply, { text: 'Ada lagi yang bisa dibantu?' }])
      expect(socket.sent.map((m) => m.text ?? m.document?.fileName)).toEqual([
        reply.text,
        'File x.ics tidak terkirim. Silakan coba lagi beberapa saat lagi.',
        'Ada lagi yang bisa dibantu?',
      ])
      expect(failures).toEqual([])
    })

    it('a note that cannot be sent either is tried once, and the answer goes on', async () => {
      const socket = openSocket()
      const sendMessage = socket.sendMessage
      const tried: string[] = []
      socket.sendMessage = async (jid, content, options) => {
        const text = 'text' in content ? String(content.text) : 'document'
        tried.push(text)
        if (text === 'document' || text.startsWith('File x.ics')) throw new Error('Connection Closed')
        return sendMessage(jid, content, options)
      }
      const sender = senderOn(socket, 2)
      await sender.send(PHONE, [reply, { text: 'Ada lagi yang bisa dibantu?' }])
      expect(tried.filter((text) => text.startsWith('File x.ics'))).toHaveLength(1)
      expect(socket.sent.map((m) => m.text)).toEqual([reply.text, 'Ada lagi yang bisa dibantu?'])
    })
  })
})

describe('when things go wrong or stop', () => {
  it('apologises when the core fails', async () => {
    const failing: Engine = {
      handle: async () => {
        throw new Error('boom')
      },
    }
    const { socket, deliver } = await setup({ engine: failing })
    const jid = phoneJid()
    await deliver([{ from: jid, text: 'halo' }])
    const texts = textsTo(socket, jid)
    expect(texts).toHaveLength(1)
    expect(texts[0]).toMatch(APOLOGY)
  })

  it('stop() lets the answer being sent finish, then ends the socket and takes no new message', async () => {
    const { db, socket, channel } = await setup({ pace: { intervalMs: 0, jitterMs: 0, typingMs: 400 } })
    const [first, late] = [phoneJid(), phoneJid()]
    socket.receive([incoming({ from: first, text: 'halo' })])
    // "typing…" is showing: the answer is on its way.
    await vi.waitFor(() => expect(socket.presence).toContainEqual({ type: 'composing', jid: first }))
    expect(socket.sent).toEqual([])

    // A message arriving while the stop waits for the answer being sent is not taken.
    const stopping = channel.stop()
    socket.receive([incoming({ from: late, text: 'halo' })])
    await stopping

    expect(shownTo(socket, first)).toContain(GREETING)
    expect(socket.ended).toBe(true)
    expect(channel.state().status).toBe('stopped')
    socket.receive([incoming({ from: late, text: 'halo' })])
    await channel.drain()
    expect(textsTo(socket, late)).toEqual([])
    expect(
      await db
        .select()
        .from(conversationStates)
        .where(and(eq(conversationStates.channel, 'whatsapp'), eq(conversationStates.chatId, late))),
    ).toEqual([])
  })
})

describe('messages the assistant starts (the outbox)', () => {
  it('are sent as numbered text, and a delivery that fails after every retry is thrown back, not recorded as an answer', async () => {
    const { db, channel, socket } = await setup({ retry: { attempts: 2, baseDelayMs: 1 } })
    const jid = '6281234567890@s.whatsapp.net'
    await channel.send(jid, [{ text: 'Ada kursi kosong', choices: [{ id: 'a:yes', label: 'Ya' }] }])
    expect(textsTo(socket, jid)).toEqual(['Ada kursi kosong\n\n1. Ya'])

    socket.failSends = 5
    await expect(channel.send(jid, [{ text: 'Pengingat' }])).rejects.toThrow(/Connection Closed/)
    // The outbox keeps track of its own rows; no "failed reply" is added for it.
    expect(await db.select().from(outbox)).toEqual([])
  })

  it('one whose file fails after every retry counts as sent, once: its text and the note, never the text again', async () => {
    const { db, channel, socket } = await setup({ retry: { attempts: 2, baseDelayMs: 1 } })
    const jid = phoneJid()
    const at = new Date()
    const bytes = new TextEncoder().encode('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n')
    const stored = { filename: 'bimtek-BMT-AAAAAA.ics', mimeType: 'text/calendar', unsentNote: ICS_UNSENT }
    const text = '✅ Kursi Anda sudah kami simpan. File kalender terlampir.'
    await db.insert(outbox).values({
      idempotencyKey: 'test:seat-taken',
      channel: 'whatsapp',
      chatId: jid,
      kind: 'seat_offer',
      payload: JSON.stringify({ text, attachment: stored }),
      dueAt: at,
    })
    // No outbox row carries a file today, and JSON cannot hold its bytes: they are put back here,
    // as an encoding of the payload would.
    const send: ChannelSender = (chatId, replies) =>
      channel.send(
        chatId,
        replies.map((reply) => (reply.attachment ? { ...reply, attachment: { ...reply.attachment, bytes } } : reply)),
      )
    socket.failDocuments = 2
    expect(await testOutbox(db, fakeClock(at), { whatsapp: send }).deliver()).toMatchObject({ sent: 1, retried: 0 })
    // Hours later, after every retry time: nothing is due again.
    const later = new Date(at.getTime() + 3 * HOUR)
    expect(await testOutbox(db, fakeClock(later), { whatsapp: send }).deliver()).toMatchObject({ sent: 0, retried: 0 })
    expect(textsTo(socket, jid)).toEqual([text, ICS_UNSENT])
    expect(socket.sent.filter((m) => m.document)).toEqual([])
    expect((await db.select().from(outbox).limit(1))[0]?.status).toBe('sent')
  })
})
