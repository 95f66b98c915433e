/**
 * The conversation state's optimistic save, on either engine: a save over a version someone else
 * saved meanwhile (two instances answering one chat, or a retried turn) is refused as a conflict,
 * which the engine answers by reading the chat again, and nothing of the losing save is kept.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { closeStore, type Db } from '../../src/db/client.js'
import { conversationQueries, VersionConflictError } from '../../src/db/queries/conversations.js'
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
