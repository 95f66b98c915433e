/**
 * Who can be reached, and why not: no linked chat (never linked, link ended, only the terminal
 * chat, a WhatsApp chat that never wrote to us), blocked (every chat), opted out (every open chat
 * said "stop info"); a person with one blocked and one open chat is reached on the open one. The
 * counts shown before sending are the rows queued afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { previewAnnouncement } from '../../src/core/announcements/service.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
import { announcementTotals } from '../../src/db/queries/announcements.js'
import {
  addRecipient,
  announceDb,
  announcementRows,
  announceNow,
  ctxAt,
  draft,
  MONDAY_9_WIB,
  QUIET,
} from '../support/announcements.js'

let db: Db
beforeEach(async () => {
  db = await announceDb()
})
afterEach(() => closeDatabase(db))

const input = { audience: { provinces: ['73'] }, textId: 'Yth. {nama}, kantor tutup pada hari Jumat.' }

describe('reachability', () => {
  it('sorts every person into queued, no chat, blocked or opted out, and queues one row per open chat', async () => {
    const telegram = await addRecipient(db)
    const whatsapp = await addRecipient(db, { chats: [{ channel: 'whatsapp' }] })
    const both = await addRecipient(db, { chats: [{ channel: 'telegram' }, { channel: 'whatsapp' }] })
    const oneBlocked = await addRecipient(db, { chats: [{ channel: 'telegram', blocked: true }, { channel: 'whatsapp' }] })
    const noChats = [
      await addRecipient(db, { chats: [] }),
      await addRecipient(db, { chats: [{ channel: 'telegram', linked: false }] }),
      await addRecipient(db, { chats: [{ channel: 'telegram', expired: true }] }),
      await addRecipient(db, { chats: [{ channel: 'console' }] }),
      await addRecipient(db, { chats: [{ channel: 'whatsapp', wrote: false }] }),
    ]
    const blocked = await addRecipient(db, {
      chats: [
        { channel: 'telegram', blocked: true },
        { channel: 'whatsapp', blocked: true },
      ],
    })
    const optedOut = await addRecipient(db, {
      chats: [
        { channel: 'telegram', off: true },
        { channel: 'whatsapp', blocked: true },
      ],
    })
    const ctx = ctxAt(MONDAY_9_WIB)
    const made = await draft(db, input, ctx)
    const preview = await previewAnnouncement(db, made.id, ctx, { quiet: QUIET })
    expect(preview.reach).toEqual({
      people: 11,
      queued: 4,
      noChat: 5,
      blocked: 1,
      optedOut: 1,
      chats: { telegram: 2, whatsapp: 3 },
    })

    const sent = await announceNow(db, { ...input, textId: `${input.textId} Terima kasih.` }, ctx)
    const rows = await announcementRows(db, sent.id)
    expect(rows.map((r) => [r.personId, r.channel])).toEqual([
      [telegram, 'telegram'],
      [whatsapp, 'whatsapp'],
      [both, 'telegram'],
      [both, 'whatsapp'],
      [oneBlocked, 'whatsapp'],
    ])
    expect(sent.result.reach).toEqual(preview.reach)
    const totals = await announcementTotals(db, sent.id)
    expect(totals).toMatchObject({ people: 11, queued: 4, noChat: 5, blocked: 1, optedOut: 1 })
    expect(totals.byChannel.telegram.rows).toBe(2)
    expect(totals.byChannel.whatsapp.rows).toBe(3)
    expect(rows.some((r) => [blocked, optedOut, ...noChats].includes(r.personId ?? 0))).toBe(false)
  })
})
