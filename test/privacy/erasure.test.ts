/**
 * "Hapus data" leaves nothing personal behind: after the deletion, no table and no column holds the
 * person's name, NIK (in clear, hashed or encrypted), phone number (in any form, a WhatsApp id
 * included) or birth date, except the holder's name printed on an issued certificate, a public
 * record (docs/privacy.md, "Deletion"). Another person's data is untouched.
 */
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { createAnnouncement } from '../../src/core/announcements/service.js'
import { runHousekeeping } from '../../src/core/housekeeping.js'
import { runRetention } from '../../src/core/privacy/retention.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { insertAnnouncementRows, insertRecipients } from '../../src/db/queries/announcements.js'
import { deletePerson } from '../../src/db/queries/erasure.js'
import { announcementRecipients, auditLog, certificates, outbox } from '../../src/db/schema.js'
import { transaction } from '../../src/db/store.js'
import { retentionPeriodsOf } from '../../src/settings.js'
import { fakeClock, testCore } from '../support/core.js'
import { findPersonalData, type Holder, needlesOf, seedHolder, whatsappJid } from '../support/personal-data.js'

const MARIA: Holder = {
  name: 'Maria Goreti Lobo',
  nik: '5371014507880003',
  birthIso: '1988-07-05',
  birthWritten: ['05-07-1988', '5 Juli 1988'],
  phone: '+6281237770101',
  telegramChat: '5550001111',
  lid: '212340000000111',
  certificate: 'LSPS-2025-00077',
}

const YOSEF: Holder = {
  name: 'Yosef Bria Nahak',
  nik: '5371011203790005',
  birthIso: '1979-03-12',
  birthWritten: ['12-03-1979', '12 Maret 1979'],
  phone: '+6285299990202',
  telegramChat: '5550002222',
  lid: '212340000000222',
  certificate: 'LSPS-2025-00078',
}

const DAY = 86_400_000

let core: Awaited<ReturnType<typeof testCore>> | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

async function open() {
  const clock = fakeClock()
  core = await testCore({ clock: clock.now })
  const maria = await seedHolder(core.db, core.vault, MARIA, clock.now(), 'M')
  const yosef = await seedHolder(core.db, core.vault, YOSEF, clock.now(), 'Y')
  return { db: core.db, clock, maria, yosef }
}

describe('"hapus data": what is left of the person', () => {
  it('nothing in any table or column names them; only their issued certificate keeps the name printed on it', async () => {
    const { db, clock, maria, yosef } = await open()
    const mariaNeedles = needlesOf(MARIA, maria)
    const yosefBefore = findPersonalData(db, needlesOf(YOSEF, yosef))
    // The scan finds every kind of value, in the tables the seed filled, before the deletion.
    const before = await findPersonalData(db, mariaNeedles)
    expect(new Set(before.map((hit) => hit.kind))).toEqual(new Set(['name', 'nik', 'phone', 'birthDate']))
    expect(new Set(before.map((hit) => hit.table))).toEqual(
      new Set([
        'people',
        'channel_identities',
        'conversation_states',
        'processed_messages',
        'exams',
        'certification_stages',
        'certificates',
        'consent_records',
        'handoff_requests',
        'outbox',
        'identity_attempts',
        'whatsapp_auth',
      ]),
    )

    // Asked from the Telegram chat (the conversation answering it goes on there).
    await transaction(
      db,
      async (tx) =>
        await deletePerson(tx, maria.personId, clock.now(), 'chat:telegram', { channel: 'telegram', chatId: MARIA.telegramChat }),
    )

    expect(await findPersonalData(db, mariaNeedles)).toEqual([{ table: 'certificates', column: 'holder_name', kind: 'name' }])
    expect(
      (await db.select().from(certificates).where(eq(certificates.displayNumber, MARIA.certificate)).limit(1))[0],
    ).toMatchObject({
      holderName: MARIA.name,
      personId: null,
      nikHash: null,
      status: 'active',
    })
    expect(await db.select().from(auditLog).where(eq(auditLog.action, 'person.deleted'))).toMatchObject([
      { actor: 'chat:telegram', entity: 'person', entityId: String(maria.personId) },
    ])
    // Yosef's data is all still there, in the same places.
    expect(await findPersonalData(db, needlesOf(YOSEF, yosef))).toEqual(await yosefBefore)
  })

  it('an announcement that reached them keeps no trace of them: their report rows and announcement messages go with them', async () => {
    const { db, clock, maria, yosef } = await open()
    const made = await createAnnouncement(
      db,
      { audience: { regions: ['R1', 'R2', 'R3', 'R4', 'R5', 'R6'] }, textId: 'Kantor tutup hari Jumat.' },
      { scope: null, actor: 'cli', staffId: null, now: clock.now() },
    )
    if (!made.ok) throw new Error('refused')
    const id = made.value.id
    const at = clock.now().getTime()
    const chats = [
      { personId: maria.personId, chatId: MARIA.telegramChat },
      { personId: yosef.personId, chatId: YOSEF.telegramChat },
    ]
    await insertRecipients(
      db,
      chats.map((c) => ({ announcementId: id, ...c, channel: 'telegram' as const, reach: 'queued' as const, dueAt: at })),
    )
    await insertAnnouncementRows(
      db,
      chats.map((c) => ({
        ...c,
        key: `ann:${id}:${c.personId}`,
        channel: 'telegram' as const,
        eventKey: `announcement:${id}`,
        timeZone: 'Asia/Makassar',
        payload: JSON.stringify({ text: 'Kantor tutup hari Jumat.' }),
        dueAt: at,
        expiresAt: null,
        at,
      })),
    )
    await transaction(
      db,
      async (tx) =>
        await deletePerson(tx, maria.personId, clock.now(), 'chat:telegram', { channel: 'telegram', chatId: MARIA.telegramChat }),
    )
    const left = (rows: { personId: number | null }[]) => rows.map((r) => r.personId)
    expect(left(await db.select().from(announcementRecipients).where(eq(announcementRecipients.announcementId, id)))).toEqual([
      yosef.personId,
    ])
    expect(
      left(
        await db
          .select()
          .from(outbox)
          .where(eq(outbox.eventKey, `announcement:${id}`)),
      ),
    ).toEqual([yosef.personId])
  })

  it("asked from the WhatsApp chat: only that chat's address stays, for its conversation to go on, until the chat has been silent for the retention period", async () => {
    const { db, clock, maria } = await open()
    const needles = needlesOf(MARIA, maria)
    await transaction(
      db,
      async (tx) =>
        await deletePerson(tx, maria.personId, clock.now(), 'chat:whatsapp', { channel: 'whatsapp', chatId: whatsappJid(MARIA) }),
    )
    expect(await findPersonalData(db, needles)).toEqual([
      { table: 'certificates', column: 'holder_name', kind: 'name' },
      { table: 'conversation_states', column: 'chat_id', kind: 'phone' },
      { table: 'processed_messages', column: 'chat_id', kind: 'phone' },
    ])
    // What the conversation keeps there is emptied: no flow, nothing typed.
    expect(
      await statement(db, `select flow, step, data from conversation_states where chat_id = ?`).all(whatsappJid(MARIA)),
    ).toEqual([{ flow: null, step: null, data: '{}' }])

    clock.advance(91 * DAY)
    await runHousekeeping(db, clock.now(), 30)
    await runRetention(db, clock.now(), retentionPeriodsOf(loadConfig({ FAQ_CACHE_DIR: '.' })))
    expect(await findPersonalData(db, needles)).toEqual([{ table: 'certificates', column: 'holder_name', kind: 'name' }])
  })
})
