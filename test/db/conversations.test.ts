/**
 * The conversation state's optimistic save, on either engine: a save over a version someone else
 * saved meanwhile (two instances answering one chat, or a retried turn) is refused as a conflict,
 * which the engine answers by reading the chat again, and nothing of the losing save is kept. And
 * the unique violations the code answers (an announcement's duplicate, a code drawn twice) are
 * recognised on either engine.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { closeStore, type Db, isUniqueViolation, statement } from '../../src/db/client.js'
import { conversationQueries, VersionConflictError } from '../../src/db/queries/conversations.js'
import { appMeta } from '../../src/db/schema.js'
import { transaction } from '../../src/db/store.js'
import { testCore } from '../support/core.js'

let db: Db | undefined
afterEach(async () => {
  if (db) await closeStore(db)
  db = undefined
})

const state = (step: string) => ({ language: 'id' as const, flow: 'handoff', step, data: '{}', updatedAt: new Date() })

describe('saving a conversation', () => {
  it("over a first state someone saved meanwhile is a conflict, and the other's state is kept", async () => {
    db = (await testCore()).db
    const queries = conversationQueries(db)
    await queries.save('telegram', '42', 0, state('topic'))
    await expect(queries.save('telegram', '42', 0, state('name'))).rejects.toBeInstanceOf(VersionConflictError)
    expect(await queries.load('telegram', '42')).toMatchObject({ step: 'topic', version: 1 })
  })

  it('over a version since changed is a conflict; the current version saves', async () => {
    db = (await testCore()).db
    const queries = conversationQueries(db)
    await queries.save('whatsapp', '62811', 0, state('topic'))
    await queries.save('whatsapp', '62811', 1, state('question'))
    await expect(queries.save('whatsapp', '62811', 1, state('name'))).rejects.toBeInstanceOf(VersionConflictError)
    await queries.save('whatsapp', '62811', 2, state('phone'))
    expect(await queries.load('whatsapp', '62811')).toMatchObject({ step: 'phone', version: 3 })
  })

  it('a conflict inside a transaction leaves the transaction usable: what else it wrote is committed', async () => {
    db = (await testCore()).db
    const queries = conversationQueries(db)
    await queries.save('telegram', '7', 0, state('topic'))
    await transaction(db, async (tx) => {
      const inside = conversationQueries(tx)
      await expect(inside.save('telegram', '7', 0, state('name'))).rejects.toBeInstanceOf(VersionConflictError)
      await inside.save('telegram', '8', 0, state('topic'))
    })
    expect(await queries.load('telegram', '8')).toMatchObject({ step: 'topic', version: 1 })
  })
})

describe('a unique violation', () => {
  it('is recognised on either engine, by its column, through what drizzle wraps around it', async () => {
    db = (await testCore()).db
    const at = new Date()
    await db.insert(appMeta).values({ key: 'k', value: '1', updatedAt: at })
    const raw = await statement(db, 'insert into app_meta (key, value, updated_at) values (?, ?, ?)')
      .run('k', '2', at.getTime())
      .catch((error: unknown) => error)
    const built = await db
      .insert(appMeta)
      .values({ key: 'k', value: '3', updatedAt: at })
      .catch((error: unknown) => error)
    for (const error of [raw, built]) {
      expect(isUniqueViolation(error, 'key')).toBe(true)
      expect(isUniqueViolation(error, 'value')).toBe(false)
    }
    expect(isUniqueViolation(new Error('connection lost'), 'key')).toBe(false)
  })
})
