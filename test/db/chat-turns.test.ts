/**
 * One turn per chat across instances (`src/db/chat-turns.ts`), against a real PostgreSQL server:
 * two stores on one database stand for two instances behind a load balancer. Turns of one chat
 * never overlap, whichever instance runs them; turns of different chats do not wait for each other.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChatTurns, openChatTurns } from '../../src/db/chat-turns.js'
import { closeStore, type Db, openDatabase, openStore } from '../../src/db/client.js'
import { type PostgresServer, startPostgres } from '../support/postgres.js'
import { tempDir } from '../support/programs.js'

let server: PostgresServer
const temp = tempDir('chat-turns')
const stores: Db[] = []
const turns: ChatTurns[] = []

beforeAll(async () => {
  server = await startPostgres()
}, 60_000)

afterAll(async () => {
  await Promise.all(turns.map((t) => t.close()))
  await Promise.all(stores.map((db) => closeStore(db)))
  await server?.stop()
  temp.cleanup()
})

async function instance(url: string): Promise<ChatTurns> {
  const db = await openStore({ path: join(temp.dir, 'unused.db'), url, poolSize: 2, statementTimeoutMs: 60_000 })
  stores.push(db)
  const chatTurns = await openChatTurns(db)
  turns.push(chatTurns)
  return chatTurns
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('chat turns across instances', () => {
  it('one chat: turns on two instances run one after the other, in the order they came', async () => {
    const url = await server.createDatabase()
    const [a, b] = [await instance(url), await instance(url)]
    // Connections opened beforehand, so that each turn reaches the lock in the order it was asked.
    await Promise.all([a, b].flatMap((side) => [1, 2, 3, 4].map((k) => side.run(`warm:${k}`, () => pause(20)))))
    const log: string[] = []
    let inside = 0
    let most = 0
    const turn = (name: string) => async () => {
      inside++
      most = Math.max(most, inside)
      log.push(`${name} start`)
      await pause(30)
      log.push(`${name} end`)
      inside--
      return name
    }
    const runs: Promise<string>[] = []
    for (let k = 0; k < 6; k++) {
      runs.push((k % 2 === 0 ? a : b).run('telegram:42', turn(`m${k}`)))
      await pause(10)
    }
    expect(await Promise.all(runs)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5'])
    expect(most).toBe(1)
    // Each turn ended before the next began.
    for (let k = 0; k < log.length; k += 2) expect(log[k]?.replace(' start', '')).toBe(log[k + 1]?.replace(' end', ''))
  })

  it('different chats do not wait for each other; a failed turn frees its chat', async () => {
    const url = await server.createDatabase()
    const [a, b] = [await instance(url), await instance(url)]
    let inside = 0
    let most = 0
    const slow = async () => {
      inside++
      most = Math.max(most, inside)
      await pause(200)
      inside--
    }
    await Promise.all([a.run('telegram:1', slow), b.run('telegram:2', slow), a.run('telegram:3', slow)])
    expect(most).toBe(3)

    await expect(a.run('telegram:9', async () => Promise.reject(new Error('turn failed')))).rejects.toThrow('turn failed')
    expect(await b.run('telegram:9', async () => 'next turn')).toBe('next turn')
  })

  it('on SQLite (one process): the turn runs as is', async () => {
    const db = openDatabase(':memory:')
    stores.push(db)
    const chatTurns = await openChatTurns(db)
    expect(await chatTurns.run('telegram:1', async () => 'ran')).toBe('ran')
  })
})
