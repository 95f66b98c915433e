/**
 * Delivering announcements through the outbox, as the person and the secretariat notice it: quiet
 * hours in each person's zone (urgent ones go at any hour), a backlog after downtime still sent,
 * other messages never stuck behind a large announcement, a person who blocked the assistant
 * (reported as such, nothing more sent), retries like reminders with the reason in the report, a
 * crash while sending (the rest sent once, the stuck one never again), texts sent exactly as queued.
 */
import { readFileSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'
import { RecipientUnreachable } from '../../src/core/outbox.js'
import type { Reply } from '../../src/core/types.js'
import { announcementTotals } from '../../src/db/queries/announcements.js'
import { setBlocked } from '../../src/db/queries/identities.js'
import { BLOCKED_REASON, queueMessage, UNLINKED_REASON } from '../../src/db/queries/outbox.js'
import { channelIdentities } from '../../src/db/schema.js'
import { fakeClock, testCore } from '../support/core.js'
import { testOutbox } from '../support/outbox.js'
import { addPerson, HOUR, MINUTE } from '../support/reminders.js'
import { addAnnouncement, addRecipient, addRecipients, recipientOf, recordingSender, rowOf, TEXT } from './delivery-fixture.js'

async function setup(start = new Date('2026-11-23T03:00:00Z')) {
  const clock = fakeClock(start)
  const { db } = await testCore({ clock: clock.now })
  return { clock, db }
}

describe('quiet hours', () => {
  it('"send now" at 20.30 WIB: WIB chats get it, WITA and WIT chats at 06.00 their time; urgent ones at once', async () => {
    // 13.30 UTC: 20.30 WIB, 21.30 WITA, 22.30 WIT (quiet hours 21.00–06.00).
    const { clock, db } = await setup(new Date('2026-11-23T13:30:00Z'))
    const telegram = recordingSender()
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const id = await addAnnouncement(db)
    const now = clock.now()
    await addRecipient(db, id, { channel: 'telegram', chatId: 'wib', zone: 'Asia/Jakarta', dueAt: now })
    await addRecipient(db, id, { channel: 'telegram', chatId: 'wita', zone: 'Asia/Makassar', dueAt: now })
    // Its event would start before morning: an announcement waits all the same (no reminder exception).
    await addRecipient(db, id, {
      channel: 'telegram',
      chatId: 'wit',
      zone: 'Asia/Jayapura',
      dueAt: now,
      expiresAt: new Date('2026-11-24T12:00:00Z'),
    })
    const urgent = await addAnnouncement(db, { urgent: true })
    await addRecipient(db, urgent, { channel: 'telegram', chatId: 'urgent-wit', zone: null, dueAt: now })

    expect(await box.deliver()).toMatchObject({ sent: 2 })
    expect(telegram.chats().sort()).toEqual(['urgent-wit', 'wib'])

    // 06.00 WIT = 21.00 UTC: WIT goes, WITA (05.00) still waits.
    clock.advance(new Date('2026-11-23T21:00:00Z').getTime() - clock.now().getTime())
    expect(await box.deliver()).toMatchObject({ sent: 1 })
    expect(telegram.chats().at(-1)).toBe('wit')
    clock.advance(HOUR)
    expect(await box.deliver()).toMatchObject({ sent: 1 })
    expect(telegram.chats().at(-1)).toBe('wita')
    expect(telegram.calls()).toBe(4)
  })

  it('an announcement that expires during the quiet hours is skipped, not sent at night', async () => {
    const { clock, db } = await setup(new Date('2026-11-23T13:30:00Z'))
    const telegram = recordingSender()
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const id = await addAnnouncement(db)
    const { outboxId } = await addRecipient(db, id, {
      channel: 'telegram',
      chatId: 'wit',
      zone: 'Asia/Jayapura',
      dueAt: clock.now(),
      expiresAt: new Date('2026-11-23T18:00:00Z'),
    })
    await box.deliver()
    clock.advance(8 * HOUR)
    expect(await box.deliver()).toMatchObject({ sent: 0, skipped: 1 })
    expect(await rowOf(db, outboxId)).toMatchObject({ status: 'skipped', lastError: 'expired before it could be sent' })
    expect(await recipientOf(db, id, 'wit')).toMatchObject({ outcome: 'skipped', reason: 'expired before it could be sent' })
    expect(telegram.calls()).toBe(0)
  })
})

describe('after downtime and beside other messages', () => {
  it('an announcement due hours ago still goes (a reminder that old is skipped)', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender()
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const id = await addAnnouncement(db)
    const longAgo = new Date(clock.now().getTime() - 8 * HOUR)
    const { outboxId, personId } = await addRecipient(db, id, { channel: 'telegram', chatId: 'tg-1', dueAt: longAgo })
    await queueMessage(db, {
      channel: 'telegram',
      chatId: 'tg-1',
      personId,
      kind: 'reminder',
      key: 'old-reminder',
      reply: { text: 'Pengingat' },
      dueAt: longAgo,
      expiresAt: new Date(clock.now().getTime() + DAY_MS),
    })
    expect(await box.deliver()).toMatchObject({ sent: 1, skipped: 1, late: 0 })
    expect(await rowOf(db, outboxId)).toMatchObject({ status: 'sent', sentAt: clock.now() })
    expect(await recipientOf(db, id, 'tg-1')).toMatchObject({ outcome: 'sent', sentAt: clock.now() })
    expect(telegram.sent.map((s) => s.replies[0]?.text)).toEqual([TEXT])
  })

  it('a reminder due after a large WhatsApp announcement goes in the next run, not after the whole announcement', async () => {
    const { clock, db } = await setup()
    const whatsapp = recordingSender()
    const box = testOutbox(db, clock, { whatsapp: whatsapp.send })
    const id = await addAnnouncement(db)
    await addRecipients(db, id, 60, { channel: 'whatsapp', prefix: '62818000', dueAt: clock.now() })
    const person = await addPerson(db, { chats: [{ channel: 'whatsapp', chatId: '6281899999@s.whatsapp.net' }] })
    await queueMessage(db, {
      channel: 'whatsapp',
      chatId: '6281899999@s.whatsapp.net',
      personId: person,
      kind: 'reminder',
      key: 'exam-2h',
      reply: { text: 'Ujian Anda mulai 2 jam lagi' },
      dueAt: new Date(clock.now().getTime() + MINUTE),
      expiresAt: new Date(clock.now().getTime() + 2 * HOUR),
    })
    // A run takes about a minute's worth of WhatsApp sends (about 21), far fewer than 60.
    const first = await box.deliver()
    expect(first.sent).toBeLessThan(60)
    expect(whatsapp.chats()).not.toContain('6281899999@s.whatsapp.net')
    // The next run, a minute later: the reminder goes first, the announcement continues after it.
    clock.advance(MINUTE)
    await box.deliver()
    expect(whatsapp.chats()).toContain('6281899999@s.whatsapp.net')
    expect(whatsapp.sent.length).toBeLessThan(60)
  })
})

const DAY_MS = 24 * HOUR

describe('a person who blocked the assistant', () => {
  it('Telegram refuses: reported as blocked by the person; their other waiting announcements and reminders are cancelled', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender((chatId) =>
      chatId === 'tg-blocked' ? new RecipientUnreachable('Forbidden: bot was blocked by the user') : undefined,
    )
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const first = await addAnnouncement(db)
    const second = await addAnnouncement(db)
    const { outboxId, personId } = await addRecipient(db, first, {
      channel: 'telegram',
      chatId: 'tg-blocked',
      dueAt: clock.now(),
    })
    await addRecipient(db, first, { channel: 'telegram', chatId: 'tg-open', dueAt: clock.now() })
    const later = await addRecipient(db, second, {
      channel: 'telegram',
      chatId: 'tg-blocked',
      personId,
      dueAt: new Date(clock.now().getTime() + HOUR),
    })
    await queueMessage(db, {
      channel: 'telegram',
      chatId: 'tg-blocked',
      personId,
      kind: 'reminder',
      key: 'r-blocked',
      reply: { text: 'Pengingat' },
      dueAt: new Date(clock.now().getTime() + DAY_MS),
      expiresAt: new Date(clock.now().getTime() + 2 * DAY_MS),
    })

    expect(await box.deliver()).toMatchObject({ sent: 1, skipped: 1 })
    expect(await rowOf(db, outboxId)).toMatchObject({ status: 'skipped', lastError: BLOCKED_REASON })
    expect(await recipientOf(db, first, 'tg-blocked')).toMatchObject({ outcome: 'blocked_by_user', reason: BLOCKED_REASON })
    expect(await recipientOf(db, first, 'tg-open')).toMatchObject({ outcome: 'sent' })
    expect(await rowOf(db, later.outboxId)).toMatchObject({ status: 'cancelled', lastError: `cancelled: ${BLOCKED_REASON}` })
    expect(await recipientOf(db, second, 'tg-blocked')).toMatchObject({ outcome: 'cancelled' })

    // Nothing more is tried for that chat.
    clock.advance(2 * DAY_MS)
    expect(await box.deliver()).toMatchObject({ sent: 0 })
    expect(telegram.calls()).toBe(2)
  })

  it('a block recorded by the channel (setBlocked) cancels the chat’s waiting announcements', async () => {
    const { clock, db } = await setup()
    const id = await addAnnouncement(db)
    const { outboxId } = await addRecipient(db, id, {
      channel: 'whatsapp',
      chatId: '6281700001@s.whatsapp.net',
      dueAt: clock.now(),
    })
    const other = await addRecipient(db, id, { channel: 'whatsapp', chatId: '6281700002@s.whatsapp.net', dueAt: clock.now() })
    await setBlocked(db, 'whatsapp', '6281700001@s.whatsapp.net', '6281700001@s.whatsapp.net', true, clock.now())
    expect(await rowOf(db, outboxId)).toMatchObject({ status: 'cancelled', lastError: `cancelled: ${BLOCKED_REASON}` })
    expect((await rowOf(db, other.outboxId)).status).toBe('pending')
  })

  it('a chat unlinked from its person after queuing (lepas akun, a corrected phone, a link that ended) is skipped, never sent', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender()
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const id = await addAnnouncement(db)
    const unlinked = await addRecipient(db, id, { channel: 'telegram', chatId: '7300001', dueAt: clock.now() })
    const ended = await addRecipient(db, id, { channel: 'telegram', chatId: '7300002', dueAt: clock.now() })
    const kept = await addRecipient(db, id, { channel: 'telegram', chatId: '7300003', dueAt: clock.now() })
    await db.update(channelIdentities).set({ personId: null }).where(eq(channelIdentities.chatId, '7300001'))
    await db
      .update(channelIdentities)
      .set({ linkExpiresAt: new Date(clock.now().getTime() - MINUTE) })
      .where(eq(channelIdentities.chatId, '7300002'))
    await box.deliver()
    expect(telegram.chats()).toEqual(['7300003'])
    for (const [row, chatId] of [
      [unlinked, '7300001'],
      [ended, '7300002'],
    ] as const) {
      expect(await rowOf(db, row.outboxId)).toMatchObject({ status: 'skipped', lastError: UNLINKED_REASON })
      expect(await recipientOf(db, id, chatId)).toMatchObject({ outcome: 'skipped', reason: UNLINKED_REASON })
    }
    expect((await rowOf(db, kept.outboxId)).status).toBe('sent')
  })

  it("the report's trigger matches the outbox's reason word for word", () => {
    const migration = readFileSync(new URL('../../migrations/0015_announcements.sql', import.meta.url), 'utf8')
    expect(migration).toContain(`new.\`last_error\` = '${BLOCKED_REASON}'`)
  })
})

describe('retries', () => {
  it('a failing send is retried at +1 and +5 minutes, then sent; the report shows it sent', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender((_chat, call) => (call <= 2 ? new Error('Bad Gateway') : undefined))
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const id = await addAnnouncement(db)
    const { outboxId } = await addRecipient(db, id, { channel: 'telegram', chatId: 'tg-r', dueAt: clock.now() })

    expect(await box.deliver()).toMatchObject({ retried: 1 })
    expect((await rowOf(db, outboxId)).dueAt).toEqual(new Date(clock.now().getTime() + MINUTE))
    // Still waiting: no outcome yet.
    expect((await recipientOf(db, id, 'tg-r'))?.outcome).toBeNull()
    clock.advance(MINUTE)
    expect(await box.deliver()).toMatchObject({ retried: 1 })
    expect((await rowOf(db, outboxId)).dueAt).toEqual(new Date(clock.now().getTime() + 5 * MINUTE))
    clock.advance(5 * MINUTE - 1)
    expect(await box.deliver()).toMatchObject({ sent: 0, retried: 0 })
    clock.advance(1)
    expect(await box.deliver()).toMatchObject({ sent: 1 })
    expect(await recipientOf(db, id, 'tg-r')).toMatchObject({ outcome: 'sent', reason: null, sentAt: clock.now() })
    expect(telegram.sent).toHaveLength(1)
  })

  it('after the last try it is failed, with the reason in the report', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender(() => new Error('Bad Gateway for chat 6281234567890'))
    const box = testOutbox(db, clock, { telegram: telegram.send })
    const id = await addAnnouncement(db)
    await addRecipient(db, id, { channel: 'telegram', chatId: 'tg-f', dueAt: clock.now() })
    for (const minutes of [1, 5, 30, 120]) {
      expect(await box.deliver()).toMatchObject({ retried: 1 })
      clock.advance(minutes * MINUTE)
    }
    expect(await box.deliver()).toMatchObject({ failed: 1 })
    expect(await recipientOf(db, id, 'tg-f')).toMatchObject({ outcome: 'failed', reason: 'Bad Gateway for chat …', sentAt: null })
    clock.advance(DAY_MS)
    await box.deliver()
    expect(telegram.calls()).toBe(5)
  })
})

describe('a crash while sending', () => {
  it('restart sends the rest once; the message being sent is recorded unknown, reported apart from failed, and never sent again', async () => {
    const { clock, db } = await setup()
    const id = await addAnnouncement(db)
    const rows = await addRecipients(db, id, 8, { channel: 'telegram', prefix: 'tg-c', dueAt: clock.now() })
    const stuckChat = 'tg-c4'

    // The first process: its send to tg-c4 never returns, and from then on it does nothing (it died).
    let dead = false
    const first = recordingSender()
    const firstBox = testOutbox(
      db,
      {
        now: clock.now,
        sleep: async (ms) => {
          if (dead) await new Promise(() => {})
          clock.advance(ms)
        },
      },
      {
        telegram: async (chatId, replies) => {
          if (chatId === stuckChat) {
            dead = true
            await new Promise(() => {})
          }
          await first.send(chatId, replies)
        },
      },
    )
    void firstBox.deliver()
    await vi.waitFor(() => expect(dead).toBe(true))
    const before = first.chats()
    expect(before.length).toBeGreaterThan(0)
    expect(before.length).toBeLessThan(7)
    // What it sent before it died is recorded as sent: on PostgreSQL that write is a round trip that
    // may still be under way here, and a process that died writes nothing after.
    await vi.waitFor(async () => {
      for (const chat of before) expect((await recipientOf(db, id, chat))?.outcome).toBe('sent')
    })

    // Eleven minutes later a new process on the same database.
    clock.advance(11 * MINUTE)
    const second = recordingSender()
    const box = testOutbox(db, clock, { telegram: second.send })
    expect(await box.deliver()).toMatchObject({ unknown: 1, sent: 7 - before.length })
    const everyone = [...before, ...second.chats()]
    expect(everyone.sort()).toEqual(['tg-c1', 'tg-c2', 'tg-c3', 'tg-c5', 'tg-c6', 'tg-c7', 'tg-c8'].sort())
    const stuck = rows[3] as number
    expect((await rowOf(db, stuck)).status).toBe('unknown')
    expect((await rowOf(db, stuck)).lastError).toContain('outcome unknown')
    expect((await recipientOf(db, id, stuckChat))?.outcome).toBe('unknown')
    expect((await recipientOf(db, id, stuckChat))?.reason).toContain('outcome unknown')
    expect((await announcementTotals(db, id)).rows).toMatchObject({ failed: 0, unknown: 1, waiting: 0 })

    clock.advance(DAY_MS)
    expect(await box.deliver()).toMatchObject({ sent: 0 })
    expect(second.chats()).not.toContain(stuckChat)
  })
})

describe('the text', () => {
  it('every chat receives exactly the text queued, byte for byte, on both channels (no variation added)', async () => {
    const { clock, db } = await setup()
    const telegram = recordingSender()
    const whatsapp = recordingSender()
    const box = testOutbox(db, clock, { telegram: telegram.send, whatsapp: whatsapp.send })
    const id = await addAnnouncement(db)
    await addRecipients(db, id, 5, { channel: 'telegram', prefix: 'tg-t', dueAt: clock.now() })
    await addRecipients(db, id, 5, { channel: 'whatsapp', prefix: '62819000', dueAt: clock.now() })
    expect(await box.deliver()).toMatchObject({ sent: 10 })
    const payloads = [...telegram.sent, ...whatsapp.sent].map((s) => JSON.stringify(s.replies))
    expect(new Set(payloads)).toEqual(new Set([JSON.stringify([{ text: TEXT } satisfies Reply])]))
    for (const payload of payloads) expect(payload).not.toMatch(/[\u200B-\u200F\u2060\uFEFF]/)
  })
})
