/**
 * The retention periods (docs/privacy.md, "How long it is kept"): each kind of row is deleted once
 * it is older than its period at the clock given, not a day before; a dry run counts the same rows
 * and deletes none; what is still in use (a reminder waiting, a chat linked to a person, a chat that
 * spoke recently) is never deleted, however old.
 */

import { afterEach, describe, expect, it } from 'vitest'
import { runRetention } from '../../src/core/privacy/retention.js'
import { closeDatabase, type Db, statement, written } from '../../src/db/client.js'
import {
  auditLog,
  channelIdentities,
  conversationStates,
  identityAttempts,
  identityCodes,
  type OutboxStatus,
  outbox,
  pendingImports,
  people,
  staff,
  staffLinks,
  staffSessions,
} from '../../src/db/schema.js'
import { fakeClock, RETENTION_PERIODS, testCore } from '../support/core.js'

const DAY = 86_400_000
const PERIODS = RETENTION_PERIODS

let core: Awaited<ReturnType<typeof testCore>> | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

/** A database on a fake clock; `ago(days)` is that many days before the clock's now. */
async function open() {
  const clock = fakeClock()
  core = await testCore({ clock: clock.now })
  key = 0
  const ago = (days: number) => new Date(clock.now().getTime() - days * DAY)
  return { db: core.db, clock, ago }
}

let key = 0
async function addOutbox(db: Db, status: OutboxStatus, updatedAt: Date, kind = 'reminder'): Promise<void> {
  key += 1
  await db.insert(outbox).values({
    idempotencyKey: `k${key}`,
    channel: 'telegram',
    chatId: `c${key}`,
    kind,
    payload: `{"text":"row ${key} ${status}"}`,
    dueAt: updatedAt,
    status,
    createdAt: updatedAt,
    updatedAt,
  })
}

const texts = async (db: Db) =>
  (await db.select({ payload: outbox.payload }).from(outbox))
    .map((row) => (JSON.parse(row.payload) as { text: string }).text)
    .sort()

describe('retention', () => {
  it('outbox: finished rows go after 30 days, failed ones after 14; rows still to be sent stay however old', async () => {
    const { db, clock, ago } = await open()
    for (const status of ['sent', 'late', 'skipped', 'cancelled'] as const) {
      await addOutbox(db, status, ago(31)) // gone
      await addOutbox(db, status, ago(29)) // kept
    }
    await addOutbox(db, 'failed', ago(15), 'reply') // gone
    await addOutbox(db, 'failed', ago(13), 'reply') // kept
    await addOutbox(db, 'pending', ago(400)) // kept: not sent yet (the outbox itself decides to skip it)

    const dry = await runRetention(db, clock.now(), PERIODS, { dryRun: true })
    expect(dry).toMatchObject({ outboxDone: 4, outboxFailed: 1 })
    expect(await statement(db, 'select count(*) as n from outbox').get()).toEqual({ n: 11 })

    const done = await runRetention(db, clock.now(), PERIODS)
    expect(done).toEqual(dry)
    expect(await texts(db)).toEqual([
      'row 10 failed',
      'row 11 pending',
      'row 2 sent',
      'row 4 late',
      'row 6 skipped',
      'row 8 cancelled',
    ])
    // Two days on, the rows that were 29 days old are past the period too.
    clock.advance(2 * DAY)
    expect((await runRetention(db, clock.now(), PERIODS)).outboxDone).toBe(4)
  })

  it('outbox: rows whose outcome is unknown (a crash while sending) go after 14 days, as failed ones do', async () => {
    const { db, clock, ago } = await open()
    await addOutbox(db, 'unknown', ago(15)) // gone
    await addOutbox(db, 'unknown', ago(13)) // kept
    await addOutbox(db, 'failed', ago(15)) // gone
    await addOutbox(db, 'unknown', ago(400), 'reply') // gone
    expect(await runRetention(db, clock.now(), PERIODS, { dryRun: true })).toMatchObject({ outboxDone: 0, outboxFailed: 3 })
    await runRetention(db, clock.now(), PERIODS)
    expect(await texts(db)).toEqual(['row 2 unknown'])
  })

  it('identity attempts and expired one-time codes go after 30 days, audit entries after 365', async () => {
    const { db, clock, ago } = await open()
    await db.insert(identityAttempts).values([
      { channel: 'telegram', chatId: 'a', at: ago(31), succeeded: false },
      { channel: 'telegram', chatId: 'a', at: ago(29), succeeded: false },
    ])
    await db.insert(auditLog).values([
      { at: ago(366), actor: 'cli', action: 'import', entity: 'certificates' },
      { at: ago(364), actor: 'cli', action: 'import', entity: 'sessions' },
    ])
    const person = written(await db.insert(people).values({ fullName: 'Coded Person' }).returning({ id: people.id })).id
    const code = (expired: number) => ({
      personId: person,
      channel: 'telegram' as const,
      chatId: 'a',
      codeHash: `h${expired}`,
      createdAt: ago(expired),
      expiresAt: ago(expired),
    })
    await db.insert(identityCodes).values([code(31), code(29)])
    expect(await runRetention(db, clock.now(), PERIODS)).toMatchObject({ identityAttempts: 1, identityCodes: 1, auditEntries: 1 })
    expect(await db.select({ at: identityAttempts.at }).from(identityAttempts)).toEqual([{ at: ago(29) }])
    expect(await db.select({ expiresAt: identityCodes.expiresAt }).from(identityCodes)).toEqual([{ expiresAt: ago(29) }])
    expect(await db.select({ entity: auditLog.entity }).from(auditLog)).toEqual([{ entity: 'sessions' }])
  })

  it('console sessions unused for 30 days and one-time links expired 30 days ago go; newer ones stay', async () => {
    const { db, clock, ago } = await open()
    const id = written(
      await db
        .insert(staff)
        .values({ name: 'Rina', email: 'rina@kemensos.go.id', role: 'admin', createdAt: ago(400), updatedAt: ago(400) })
        .returning({ id: staff.id }),
    ).id
    await db.insert(staffSessions).values([
      { idHash: 'old', staffId: id, createdAt: ago(40), lastSeenAt: ago(31) },
      { idHash: 'new', staffId: id, createdAt: ago(29), lastSeenAt: ago(29) },
    ])
    await db.insert(staffLinks).values([
      { tokenHash: 'used-long-ago', purpose: 'invite', staffId: id, createdAt: ago(32), expiresAt: ago(31), usedAt: ago(31) },
      { tokenHash: 'recent', purpose: 'reset', staffId: id, createdAt: ago(30), expiresAt: ago(29) },
    ])
    expect(await runRetention(db, clock.now(), PERIODS)).toMatchObject({ staffSessions: 1, staffLinks: 1 })
    expect(await db.select({ idHash: staffSessions.idHash }).from(staffSessions)).toEqual([{ idHash: 'new' }])
    expect(await db.select({ tokenHash: staffLinks.tokenHash }).from(staffLinks)).toEqual([{ tokenHash: 'recent' }])
    expect(await db.select({ id: staff.id }).from(staff)).toEqual([{ id }])
  })

  it('files uploaded on the console and never confirmed go once their hour has passed', async () => {
    const { db, clock } = await open()
    const staffId = written(
      await db
        .insert(staff)
        .values({ name: 'Dewi', email: 'dewi@kemensos.go.id', role: 'admin', createdAt: clock.now(), updatedAt: clock.now() })
        .returning({ id: staff.id }),
    ).id
    const file = async (minutesLeft: number) =>
      await db.insert(pendingImports).values({
        staffId,
        kind: 'status',
        fileName: `${minutesLeft}.csv`,
        content: Buffer.from('nik,full_name'),
        sha256: '0'.repeat(64),
        createdAt: clock.now(),
        expiresAt: new Date(clock.now().getTime() + minutesLeft * 60_000),
      })
    await file(-1)
    await file(1)
    expect(await runRetention(db, clock.now(), PERIODS)).toMatchObject({ pendingImports: 1 })
    expect(await db.select({ fileName: pendingImports.fileName }).from(pendingImports)).toEqual([{ fileName: '1.csv' }])
  })

  it('chats: accounts and conversations silent for 90 days go when linked to nobody or their link ended; linked or recently active ones stay', async () => {
    const { db, clock, ago } = await open()
    const person = written(await db.insert(people).values({ fullName: 'Linked Person' }).returning({ id: people.id })).id
    const chat = async (
      chatId: string,
      idle: number | null,
      conversationIdle: number | null,
      personId: number | null = null,
      linkEnds: number | null = null, // days from now (negative: ended that many days ago)
    ) => {
      if (idle !== null) {
        const linkExpiresAt = linkEnds === null ? null : ago(-linkEnds)
        await db.insert(channelIdentities).values({
          channel: 'whatsapp',
          userId: chatId,
          chatId,
          personId,
          linkExpiresAt,
          createdAt: ago(idle),
          updatedAt: ago(idle),
        })
      }
      if (conversationIdle !== null) {
        await db.insert(conversationStates).values({ channel: 'whatsapp', chatId, updatedAt: ago(conversationIdle) })
      }
    }
    await chat('old@s.whatsapp.net', 200, 91) // gone, both
    await chat('talks@s.whatsapp.net', 200, 10) // the account changed long ago, but the chat spoke 10 days ago: stays
    await chat('linked@s.whatsapp.net', 400, 400, person, 30) // linked, the link ends in 30 days: stays
    await chat('link-ended@s.whatsapp.net', 200, 200, person, -100) // the link ended 100 days ago: gone, both
    await chat('link-undated@s.whatsapp.net', 200, 200, person) // linked by the old proof, without an end date (ended): gone, both
    await chat('quiet-no-talk@s.whatsapp.net', 95, null) // never spoke past the greeting: gone
    await chat('convo-only', null, 120) // a conversation without an account (Telegram, terminal): gone
    await chat('convo-recent', null, 89) // stays

    expect(await runRetention(db, clock.now(), PERIODS)).toMatchObject({ chatAccounts: 4, conversations: 4 })
    expect((await db.select({ chatId: channelIdentities.chatId }).from(channelIdentities)).map((r) => r.chatId).sort()).toEqual([
      'linked@s.whatsapp.net',
      'talks@s.whatsapp.net',
    ])
    expect((await db.select({ chatId: conversationStates.chatId }).from(conversationStates)).map((r) => r.chatId).sort()).toEqual(
      ['convo-recent', 'linked@s.whatsapp.net', 'talks@s.whatsapp.net'],
    )
  })

  it('the periods are settings: shorter ones delete more', async () => {
    const { db, clock, ago } = await open()
    await addOutbox(db, 'sent', ago(10))
    expect((await runRetention(db, clock.now(), PERIODS)).outboxDone).toBe(0)
    expect((await runRetention(db, clock.now(), { ...PERIODS, outboxDays: 7 })).outboxDone).toBe(1)
  })
})
