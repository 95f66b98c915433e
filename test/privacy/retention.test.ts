/**
 * The retention periods (docs/privacy.md, "How long it is kept"): each kind of row is deleted once
 * it is older than its period at the clock given, not a day before; a dry run counts the same rows
 * and deletes none; what is still in use (a reminder waiting, a chat linked to a person, a chat that
 * spoke recently) is never deleted, however old.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { runRetention } from '../../src/core/privacy/retention.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
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
function addOutbox(db: Db, status: OutboxStatus, updatedAt: Date, kind = 'reminder'): void {
  key += 1
  db.insert(outbox)
    .values({
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
    .run()
}

const texts = (db: Db) =>
  db
    .select({ payload: outbox.payload })
    .from(outbox)
    .all()
    .map((row) => (JSON.parse(row.payload) as { text: string }).text)
    .sort()

describe('retention', () => {
  it('outbox: finished rows go after 30 days, failed ones after 14; rows still to be sent stay however old', async () => {
    const { db, clock, ago } = await open()
    for (const status of ['sent', 'late', 'skipped', 'cancelled'] as const) {
      addOutbox(db, status, ago(31)) // gone
      addOutbox(db, status, ago(29)) // kept
    }
    addOutbox(db, 'failed', ago(15), 'reply') // gone
    addOutbox(db, 'failed', ago(13), 'reply') // kept
    addOutbox(db, 'pending', ago(400)) // kept: not sent yet (the outbox itself decides to skip it)

    const dry = await runRetention(db, clock.now(), PERIODS, { dryRun: true })
    expect(dry).toMatchObject({ outboxDone: 4, outboxFailed: 1 })
    expect(db.$client.prepare('select count(*) as n from outbox').get()).toEqual({ n: 11 })

    const done = await runRetention(db, clock.now(), PERIODS)
    expect(done).toEqual(dry)
    expect(texts(db)).toEqual(['row 10 failed', 'row 11 pending', 'row 2 sent', 'row 4 late', 'row 6 skipped', 'row 8 cancelled'])
    // Two days on, the rows that were 29 days old are past the period too.
    clock.advance(2 * DAY)
    expect((await runRetention(db, clock.now(), PERIODS)).outboxDone).toBe(4)
  })

  it('outbox: rows whose outcome is unknown (a crash while sending) go after 14 days, as failed ones do', async () => {
    const { db, clock, ago } = await open()
    addOutbox(db, 'unknown', ago(15)) // gone
    addOutbox(db, 'unknown', ago(13)) // kept
    addOutbox(db, 'failed', ago(15)) // gone
    addOutbox(db, 'unknown', ago(400), 'reply') // gone
    expect(await runRetention(db, clock.now(), PERIODS, { dryRun: true })).toMatchObject({ outboxDone: 0, outboxFailed: 3 })
    await runRetention(db, clock.now(), PERIODS)
    expect(texts(db)).toEqual(['row 2 unknown'])
  })

  it('identity attempts and expired one-time codes go after 30 days, audit entries after 365', async () => {
    const { db, clock, ago } = await open()
    db.insert(identityAttempts)
      .values([
        { channel: 'telegram', chatId: 'a', at: ago(31), succeeded: false },
        { channel: 'telegram', chatId: 'a', at: ago(29), succeeded: false },
      ])
      .run()
    db.insert(auditLog)
      .values([
        { at: ago(366), actor: 'cli', action: 'import', entity: 'certificates' },
        { at: ago(364), actor: 'cli', action: 'import', entity: 'sessions' },
      ])
      .run()
    const person = db.insert(people).values({ fullName: 'Coded Person' }).returning({ id: people.id }).get().id
    const code = (expired: number) => ({
      personId: person,
      channel: 'telegram' as const,
      chatId: 'a',
      codeHash: `h${expired}`,
      createdAt: ago(expired),
      expiresAt: ago(expired),
    })
    db.insert(identityCodes)
      .values([code(31), code(29)])
      .run()
    expect(await runRetention(db, clock.now(), PERIODS)).toMatchObject({ identityAttempts: 1, identityCodes: 1, auditEntries: 1 })
    expect(db.select({ at: identityAttempts.at }).from(identityAttempts).all()).toEqual([{ at: ago(29) }])
    expect(db.select({ expiresAt: identityCodes.expiresAt }).from(identityCodes).all()).toEqual([{ expiresAt: ago(29) }])
    expect(db.select({ entity: auditLog.entity }).from(auditLog).all()).toEqual([{ entity: 'sessions' }])
  })

  it('console sessions unused for 30 days and one-time links expired 30 days ago go; newer ones stay', async () => {
    const { db, clock, ago } = await open()
    const id = db
      .insert(staff)
      .values({ name: 'Rina', email: 'rina@kemensos.go.id', role: 'admin', createdAt: ago(400), updatedAt: ago(400) })
      .returning({ id: staff.id })
      .get().id
    db.insert(staffSessions)
      .values([
        { idHash: 'old', staffId: id, createdAt: ago(40), lastSeenAt: ago(31) },
        { idHash: 'new', staffId: id, createdAt: ago(29), lastSeenAt: ago(29) },
      ])
      .run()
    db.insert(staffLinks)
      .values([
        { tokenHash: 'used-long-ago', purpose: 'invite', staffId: id, createdAt: ago(32), expiresAt: ago(31), usedAt: ago(31) },
        { tokenHash: 'recent', purpose: 'reset', staffId: id, createdAt: ago(30), expiresAt: ago(29) },
      ])
      .run()
    expect(await runRetention(db, clock.now(), PERIODS)).toMatchObject({ staffSessions: 1, staffLinks: 1 })
    expect(db.select({ idHash: staffSessions.idHash }).from(staffSessions).all()).toEqual([{ idHash: 'new' }])
    expect(db.select({ tokenHash: staffLinks.tokenHash }).from(staffLinks).all()).toEqual([{ tokenHash: 'recent' }])
    expect(db.select({ id: staff.id }).from(staff).all()).toEqual([{ id }])
  })

  it('files uploaded on the console and never confirmed go once their hour has passed', async () => {
    const { db, clock } = await open()
    const staffId = db
      .insert(staff)
      .values({ name: 'Dewi', email: 'dewi@kemensos.go.id', role: 'admin', createdAt: clock.now(), updatedAt: clock.now() })
      .returning({ id: staff.id })
      .get().id
    const file = (minutesLeft: number) =>
      db
        .insert(pendingImports)
        .values({
          staffId,
          kind: 'status',
          fileName: `${minutesLeft}.csv`,
          content: Buffer.from('nik,full_name'),
          sha256: '0'.repeat(64),
          createdAt: clock.now(),
          expiresAt: new Date(clock.now().getTime() + minutesLeft * 60_000),
        })
        .run()
    file(-1)
    file(1)
    expect(await runRetention(db, clock.now(), PERIODS)).toMatchObject({ pendingImports: 1 })
    expect(db.select({ fileName: pendingImports.fileName }).from(pendingImports).all()).toEqual([{ fileName: '1.csv' }])
  })

  it('chats: accounts and conversations silent for 90 days go when linked to nobody or their link ended; linked or recently active ones stay', async () => {
    const { db, clock, ago } = await open()
    const person = db.insert(people).values({ fullName: 'Linked Person' }).returning({ id: people.id }).get().id
    const chat = (
      chatId: string,
      idle: number | null,
      conversationIdle: number | null,
      personId: number | null = null,
      linkEnds: number | null = null, // days from now (negative: ended that many days ago)
    ) => {
      if (idle !== null) {
        const linkExpiresAt = linkEnds === null ? null : ago(-linkEnds)
        db.insert(channelIdentities)
          .values({
            channel: 'whatsapp',
            userId: chatId,
            chatId,
            personId,
            linkExpiresAt,
            createdAt: ago(idle),
            updatedAt: ago(idle),
          })
          .run()
      }
      if (conversationIdle !== null) {
        db.insert(conversationStates)
          .values({ channel: 'whatsapp', chatId, updatedAt: ago(conversationIdle) })
          .run()
      }
    }
    chat('old@s.whatsapp.net', 200, 91) // gone, both
    chat('talks@s.whatsapp.net', 200, 10) // the account changed long ago, but the chat spoke 10 days ago: stays
    chat('linked@s.whatsapp.net', 400, 400, person, 30) // linked, the link ends in 30 days: stays
    chat('link-ended@s.whatsapp.net', 200, 200, person, -100) // the link ended 100 days ago: gone, both
    chat('link-undated@s.whatsapp.net', 200, 200, person) // linked by the old proof, without an end date (ended): gone, both
    chat('quiet-no-talk@s.whatsapp.net', 95, null) // never spoke past the greeting: gone
    chat('convo-only', null, 120) // a conversation without an account (Telegram, terminal): gone
    chat('convo-recent', null, 89) // stays

    expect(await runRetention(db, clock.now(), PERIODS)).toMatchObject({ chatAccounts: 4, conversations: 4 })
    expect(
      db
        .select({ chatId: channelIdentities.chatId })
        .from(channelIdentities)
        .all()
        .map((r) => r.chatId)
        .sort(),
    ).toEqual(['linked@s.whatsapp.net', 'talks@s.whatsapp.net'])
    expect(
      db
        .select({ chatId: conversationStates.chatId })
        .from(conversationStates)
        .all()
        .map((r) => r.chatId)
        .sort(),
    ).toEqual(['convo-recent', 'linked@s.whatsapp.net', 'talks@s.whatsapp.net'])
  })

  it('the periods are settings: shorter ones delete more', async () => {
    const { db, clock, ago } = await open()
    addOutbox(db, 'sent', ago(10))
    expect((await runRetention(db, clock.now(), PERIODS)).outboxDone).toBe(0)
    expect((await runRetention(db, clock.now(), { ...PERIODS, outboxDays: 7 })).outboxDone).toBe(1)
  })
})
