/**
 * One of several processes registering on the same database (test/registration/capacity.test.ts):
 *   [DATABASE_URL=postgres://…] tsx test/support/capacity-worker.ts <db path> <chat prefix> <first person> <last person> [groups]
 * Opens the real core, drives each person's chat up to the registration summary, prints
 * {"ready":n}, waits for a line "go" on stdin, then sends every "Ya, daftar" without waiting for
 * any answer, and prints one JSON line per chat with the answer, then {"done":…}. Errors are
 * logged to stderr.
 *
 * The engine commits the messages ready at the same moment in one transaction, so confirmations
 * sent in the same tick take the write lock once. With `groups` > 1 they go out in that many
 * groups a millisecond apart: each group is its own transaction, and the processes' transactions
 * interleave on the write lock.
 */
import { createInterface } from 'node:readline'
import pino from 'pino'
import { openCore } from '../../src/bootstrap.js'
import { loadConfig } from '../../src/config.js'
import { closeStore } from '../../src/db/client.js'
import { chatIdOf, confirm, driveToSummary } from './capacity.js'

const [path, prefix, firstArg, lastArg, groupsArg] = process.argv.slice(2)
if (!path || !prefix || !firstArg || !lastArg) throw new Error('usage: capacity-worker <db path> <prefix> <first> <last>')
const first = Number(firstArg)
const last = Number(lastArg)
const groups = Math.max(1, Number(groupsArg ?? 1))

// On PostgreSQL (DATABASE_URL in the environment) the path only says where a key file would go.
const url = process.env.DATABASE_URL
const config = loadConfig({ DATABASE_PATH: path, ...(url && { DATABASE_URL: url }), DEMO_DATA: 'false', NODE_ENV: 'test' })
const logger = pino({ level: 'warn' }, pino.destination(2))
const core = await openCore(config, logger, () => new Date())
const people = Array.from({ length: last - first + 1 }, (_, k) => first + k)

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`)

await Promise.all(people.map(async (i) => await driveToSummary(core.engine, chatIdOf(prefix, i), i)))
print({ ready: people.length })

const lines = createInterface({ input: process.stdin })
for await (const line of lines) if (line.trim() === 'go') break
lines.close()

const started = performance.now()
const confirmOne = async (i: number) => {
  const texts = await confirm(core.engine, chatIdOf(prefix, i))
  return { i, chatId: chatIdOf(prefix, i), texts, ms: performance.now() - started }
}
const size = Math.ceil(people.length / groups)
const pending: ReturnType<typeof confirmOne>[] = []
for (let g = 0; g < groups; g++) {
  // A timer, not setImmediate: the engine's commit of the previous group (an immediate) runs first.
  if (g > 0) await new Promise((resolve) => setTimeout(resolve, 1))
  pending.push(...people.slice(g * size, (g + 1) * size).map(confirmOne))
}
const answers = await Promise.all(pending)
for (const answer of answers) print(answer)
print({ done: answers.length, ms: performance.now() - started })
await closeStore(core.db)
process.stdin.destroy()
