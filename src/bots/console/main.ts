/**
 * The terminal channel (`npm run chat`): talks to the core as channel `console` on the same
 * database as the server. Interactive in a terminal; otherwise one message per stdin line, replies
 * printed with options as numbered lines, exit at end of input.
 */
import { randomUUID } from 'node:crypto'
import { userInfo } from 'node:os'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { openCoreOrExit } from '../../bootstrap.js'
import { loadConfigOrExit } from '../../config.js'
import { renderPlainText } from '../../core/render.js'
import type { Inbound } from '../../core/types.js'
import { mobilePhoneSchema } from '../../core/validators/schemas.js'
import { closeStore } from '../../db/client.js'
import { createLogger } from '../../logger.js'

const { values: args } = parseArgs({
  options: { chat: { type: 'string' }, phone: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
})
if (args.help) {
  process.stdout.write(
    'npm run chat [-- --chat NAME] [--phone +62…]\n' +
      '  NAME: which conversation to continue (default: your user name in a terminal, a new one for piped input)\n' +
      "  --phone: act as if the channel vouched for this number as the sender's own (as WhatsApp does); not in production\n",
  )
  process.exit(0)
}

const config = loadConfigOrExit()
const senderPhone = args.phone === undefined ? undefined : vouchedPhone(args.phone, config.NODE_ENV)

/**
 * --phone stands for a number a channel vouched for, which proves possession of the record's phone:
 * for trying and scripting the proof outside production only (in production anyone at the terminal
 * could claim any number).
 */
function vouchedPhone(typed: string, env: string): string {
  if (env === 'production') {
    process.stderr.write('--phone is refused when NODE_ENV=production: it would let anyone at this terminal claim any number.\n')
    process.exit(2)
  }
  const phone = mobilePhoneSchema.safeParse(typed)
  if (!phone.success) {
    process.stderr.write('--phone must be an Indonesian mobile number, e.g. +6281234567890 or 0812-3456-7890.\n')
    process.exit(2)
  }
  return phone.data
}
// The one place the terminal chat reads the real clock.
const clock = () => new Date()

// The conversation goes to stdout; only warnings and errors go to stderr.
const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, stream: 'stderr' })
const { db, engine } = await openCoreOrExit(config, logger, clock)
const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true
// A person at a terminal continues their own conversation; a script starts a fresh one unless it
// names one with --chat, so the same script always gives the same answers.
const chatId = args.chat ?? (interactive ? userName() : `script-${randomUUID()}`)

function userName(): string {
  try {
    return userInfo().username
  } catch {
    // A container user without a passwd entry.
    return process.env.USER || 'console'
  }
}

function inbound(text: string): Inbound {
  return {
    channel: 'console',
    chatId,
    userId: chatId,
    messageId: randomUUID(),
    text,
    receivedAt: clock(),
    ...(senderPhone && { senderPhone }),
  }
}

async function say(text: string): Promise<void> {
  const replies = await engine.handle(inbound(text))
  // A file the assistant sends (calendar, data copy) is named; the terminal cannot show it.
  const rendered = replies
    .map((reply) => (reply.attachment ? `${renderPlainText(reply)}\n📎 ${reply.attachment.filename}` : renderPlainText(reply)))
    .join('\n\n')
  process.stdout.write(interactive ? `\n\x1b[36m${rendered}\x1b[0m\n\n` : `${rendered}\n\n`)
}

const lines = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive })
if (interactive) {
  process.stdout.write(`Chat terminal kesos-assistant (percakapan "${chatId}"). Ketik pesan; Ctrl+D untuk keluar.\n`)
  lines.setPrompt('> ')
  lines.prompt()
}
// Lines are handled strictly in order, as a chat would deliver them.
let queue = Promise.resolve()
lines.on('line', (line) => {
  queue = queue.then(async () => {
    if (line.trim()) await say(line)
    if (interactive) lines.prompt()
  })
})
lines.on('close', () => {
  void queue.then(async () => {
    await closeStore(db)
    if (interactive) process.stdout.write('\nSampai jumpa!\n')
  })
})
