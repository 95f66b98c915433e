/**
 * Conversation transcripts: messages in, replies expected. A transcript runs against any
 * `ChatDriver`, so the same script checks the core directly and, later, each channel adapter.
 */
import { expect, vi } from 'vitest'
import { closeHandoffCommand, replyHandoffCommand } from '../../src/cli/handoff.js'
import { loadConfig } from '../../src/config.js'
import type { Engine } from '../../src/core/engine.js'
import type { ChannelSender } from '../../src/core/outbox.js'
import type { Channel, Reply } from '../../src/core/types.js'
import { type Db, statement } from '../../src/db/client.js'
import { fakeClock } from './core.js'
import { testOutbox } from './outbox.js'

/** One bot message as a user sees it: its text and the labels of the options under it. */
export type SeenReply = { text: string; options: string[] }

export interface ChatDriver {
  /** Types a message and returns what the bot answered. */
  send(text: string): Promise<SeenReply[]>
  /** Taps an option by its label (a button on Telegram; the option's number elsewhere). */
  tap(label: string): Promise<SeenReply[]>
  /**
   * Runs the outbox (reminders and other messages the assistant sends on its own) as it would run
   * at `at`, through this channel's real sender, and returns what reached this chat.
   */
  deliver?(at: Date): Promise<SeenReply[]>
  /** The database the chat's core runs on (for reading what was sent elsewhere, e.g. a one-time code). */
  readonly db?: Db
}

/**
 * The one-time code last sent over WhatsApp to `phone` (E.164), as its owner reads it on their
 * phone: taken from the outbox message, the only place it exists in clear.
 */
export async function lastCodeSentTo(db: Db, phone: string): Promise<string> {
  const rows = (await statement(
    db,
    "select payload from outbox where kind = 'identity_code' and chat_id = ? order by id desc limit 1",
  ).all(`${phone.replace(/^\+/, '')}@s.whatsapp.net`)) as { payload: string }[]
  const code = /\*(\d{6})\*/.exec(JSON.parse(rows[0]?.payload ?? '{"text":""}').text)?.[1]
  if (!code) throw new Error(`no one-time code was sent to ${phone}`)
  return code
}

/** An outbox run at `at` whose messages to `chatId` are seen as replies (for a driver's `deliver`). */
export async function runOutbox(db: Db, channel: Channel, send: ChannelSender, at: Date): Promise<void> {
  await testOutbox(db, fakeClock(at), { [channel]: send }).deliver()
}

export type Turn = {
  /** What the user types… */
  user?: string
  /** …or the option label they tap… */
  tap?: string
  /** …or the user types the one-time code last sent over WhatsApp to this number (E.164)… */
  codeFrom?: string
  /** …or time passes: the outbox runs at the moment this returns (given the real now). */
  deliverAt?: (now: Date) => Date
  /**
   * …or a staff member acts from the command line (`npm run cli -- handoff reply|close {code}`, run
   * in-process on the chat's database) and the outbox then runs: the answer is what reached the chat.
   */
  staff?: { reply: string } | { close: true }
  /** Each must appear in the bot's answer (all replies joined), in this order (required unless `silent`). */
  bot?: (string | RegExp)[]
  /** The bot answers nothing at all (it stays silent while staff handle the chat). */
  silent?: true
  /** Must not appear in the answer. */
  not?: (string | RegExp)[]
  /** The labels of the options offered last, exactly. */
  options?: string[]
  /**
   * Remembers part of the answer (the first group of the pattern) under a name, e.g. a reference
   * code; later turns write it as `{name}` in `user`, `tap`, `bot` and `not` strings.
   */
  keep?: Record<string, RegExp>
}

export type Transcript = Turn[]

/** Drives the engine directly, as the terminal channel does. */
export function coreDriver(engine: Engine, chat: { channel?: Channel; chatId?: string; db?: Db } = {}): ChatDriver {
  let counter = 0
  const run = Math.random().toString(36).slice(2)
  let lastOptions: { id: string; label: string }[] = []
  const channel = chat.channel ?? 'console'
  const chatId = chat.chatId ?? `transcript-${Math.random().toString(36).slice(2)}`
  async function deliver(text: string | undefined, choice: string | undefined): Promise<SeenReply[]> {
    counter += 1
    const replies = await engine.handle({
      channel,
      chatId,
      userId: chatId,
      messageId: `${run}-${counter}`,
      ...(text !== undefined && { text }),
      ...(choice !== undefined && { choice }),
      receivedAt: new Date(),
    })
    const withOptions = [...replies].reverse().find((reply) => reply.choices?.length)
    if (withOptions?.choices) lastOptions = withOptions.choices
    return replies.map((reply) => ({ text: reply.text, options: reply.choices?.map((c) => c.label) ?? [] }))
  }
  const { db } = chat
  return {
    ...(db && { db }),
    ...(db && {
      async deliver(at: Date) {
        const sent: Reply[] = []
        await runOutbox(
          db,
          channel,
          async (to, replies) => {
            if (to === chatId) sent.push(...replies)
          },
          at,
        )
        const withOptions = [...sent].reverse().find((reply) => reply.choices?.length)
        if (withOptions?.choices) lastOptions = withOptions.choices
        return sent.map((reply) => ({ text: reply.text, options: reply.choices?.map((c) => c.label) ?? [] }))
      },
    }),
    send: (text) => deliver(text, undefined),
    tap(label) {
      const option = lastOptions.find((choice) => choice.label === label)
      if (!option) throw new Error(`no option "${label}" was offered; offered: ${lastOptions.map((c) => c.label).join(', ')}`)
      return deliver(undefined, option.id)
    },
  }
}

/** Runs `handoff reply|close CODE` of the command line in-process, as staff would in a terminal. */
async function staffActs(db: Db, code: string, act: { reply: string } | { close: true }): Promise<void> {
  const config = loadConfig({ DATABASE_PATH: ':memory:', NODE_ENV: 'test', DEMO_DATA: 'false' })
  const printed: string[] = []
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk))
    return true
  })
  try {
    const status =
      'reply' in act
        ? await replyHandoffCommand(db, [code, act.reply], config, () => new Date())
        : await closeHandoffCommand(db, [code], config, () => new Date())
    expect(status, printed.join('')).toBe(0)
  } finally {
    write.mockRestore()
  }
  expect(printed.join('')).toContain('reply' in act ? `Balasan untuk ${code} dicatat.` : `Percakapan ${code} ditutup.`)
}

/** Plays a transcript, failing at the first turn whose answer differs, with the whole answer shown. */
export async function play(driver: ChatDriver, transcript: Transcript): Promise<void> {
  const kept = new Map<string, string>()
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, name: string) => kept.get(name) ?? whole)
  const filled = (items: (string | RegExp)[] | undefined) =>
    (items ?? []).map((item) => (typeof item === 'string' ? fill(item) : item))
  for (const [index, raw] of transcript.entries()) {
    if (!raw.bot && !raw.silent) throw new Error(`turn ${index + 1}: say what the bot answers (bot) or that it is silent`)
    const turn = {
      ...raw,
      ...(raw.user !== undefined && { user: fill(raw.user) }),
      ...(raw.tap !== undefined && { tap: fill(raw.tap) }),
      bot: filled(raw.bot),
      not: filled(raw.not),
    }
    const said = turn.staff
      ? `[staff] ${JSON.stringify(turn.staff)}`
      : turn.deliverAt
        ? '[the outbox runs]'
        : turn.codeFrom
          ? '[the code]'
          : (turn.user ?? `[tap] ${turn.tap}`)
    let replies: SeenReply[]
    if (turn.staff) {
      if (!driver.db || !driver.deliver) throw new Error('this driver cannot act as staff')
      await staffActs(driver.db, kept.get('code') ?? '', turn.staff)
      replies = await driver.deliver(new Date())
    } else if (turn.codeFrom) {
      if (!driver.db) throw new Error('this driver cannot read the one-time codes sent')
      replies = await driver.send(await lastCodeSentTo(driver.db, turn.codeFrom))
    } else if (turn.deliverAt) {
      if (!driver.deliver) throw new Error('this driver cannot run the outbox')
      replies = await driver.deliver(turn.deliverAt(new Date()))
    } else replies = turn.tap !== undefined ? await driver.tap(turn.tap) : await driver.send(turn.user ?? '')
    const answer = replies.map((reply) => reply.text).join('\n---\n')
    const where = `turn ${index + 1} ("${said}"), answer:\n${answer}`
    if (turn.silent) expect(replies, `${where}\nexpected no answer at all`).toEqual([])
    let from = 0
    for (const wanted of turn.bot) {
      const rest = answer.slice(from)
      const match = typeof wanted === 'string' ? rest.indexOf(wanted) : rest.search(wanted)
      expect(match, `${where}\nexpected to contain ${String(wanted)}`).toBeGreaterThanOrEqual(0)
      from += match + (typeof wanted === 'string' ? wanted.length : (rest.match(wanted)?.[0].length ?? 0))
    }
    for (const unwanted of turn.not ?? []) {
      const found = typeof unwanted === 'string' ? answer.includes(unwanted) : unwanted.test(answer)
      expect(found, `${where}\nexpected NOT to contain ${String(unwanted)}`).toBe(false)
    }
    if (turn.options) {
      const offered = [...replies].reverse().find((reply) => reply.options.length)?.options ?? []
      expect(offered, where).toEqual(turn.options)
    }
    for (const [name, pattern] of Object.entries(turn.keep ?? {})) {
      const match = pattern.exec(answer)
      expect(match, `${where}\nexpected to find ${String(pattern)} to keep as {${name}}`).not.toBeNull()
      kept.set(name, match?.[1] ?? match?.[0] ?? '')
    }
  }
}
