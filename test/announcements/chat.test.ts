/**
 * "stop info" in the chat: announcements stop for that chat (those waiting are cancelled, the next
 * ones count it as opted out and never message it) while the reminders about the person's own
 * exam still come; "stop pengingat" does not stop announcements; "mulai info" turns them back on.
 * Any case, punctuation, and the other words for it.
 */
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { planReminders } from '../../src/core/reminders/plan.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase } from '../../src/db/client.js'
import { announcementTotals } from '../../src/db/queries/announcements.js'
import { auditLog, channelIdentities } from '../../src/db/schema.js'
import { announcementRows, announceNow, ctxAt } from '../support/announcements.js'
import { chat, textOf } from '../support/chat.js'
import { fakeClock, testCore } from '../support/core.js'
import { testOutbox } from '../support/outbox.js'
import { addExam, addPerson, DAY, HOUR, remindersOf } from '../support/reminders.js'

let core: Awaited<ReturnType<typeof testCore>> | undefined
afterEach(() => {
  if (core) closeDatabase(core.db)
  core = undefined
})

async function open() {
  const clock = fakeClock()
  core = await testCore({ clock: clock.now })
  const { db } = core
  const person = await addPerson(db, { zone: 'Asia/Jakarta' })
  await addExam(db, person, { startsAt: new Date(clock.now().getTime() + 3 * DAY) })
  await planReminders(db, [person], clock.now(), DEFAULT_REMINDER_SETTINGS)
  const telegram = chat(core.engine, `tg-${person}`, { channel: 'telegram' })
  return { db, clock, person, telegram }
}

const audience = { audience: { examDay: '2026-11-26' } }

describe('stop info / mulai info', () => {
  it('stops announcements for the chat, cancels the one waiting, and leaves the reminders of the person’s exam on', async () => {
    const { db, clock, person, telegram } = await open()
    const waiting = await announceNow(
      db,
      { ...audience, textId: 'Yth. {nama}, ruang ujian pindah ke lantai 2.' },
      ctxAt(clock.now()),
    )
    expect(await announcementRows(db, waiting.id)).toHaveLength(1)

    const reply = textOf(await telegram.say('Stop Info!'))
    expect(reply).toContain('🔕 Pengumuman tidak akan dikirim lagi ke chat ini. 1 pengumuman yang belum terkirim dibatalkan.')
    expect(reply).toContain('Pengingat jadwal Bimtek dan ujian Anda tetap dikirim.')
    expect(reply).toContain('*mulai info*')
    expect((await announcementRows(db, waiting.id)).map((r) => [r.status, r.lastError])).toEqual([
      ['cancelled', 'cancelled: the person asked for no announcements'],
    ])
    expect((await announcementTotals(db, waiting.id)).rows.cancelled).toBe(1)
    expect((await remindersOf(db, person)).map((r) => r.status)).toEqual(['pending', 'pending'])
    expect(textOf(await telegram.say('stop pengumuman'))).toContain('memang sudah dimatikan')

    // A new announcement counts the chat as opted out and queues nothing for it.
    const next = await announceNow(db, { ...audience, textId: 'Yth. {nama}, bawa pensil.' }, ctxAt(clock.now()))
    expect(next.result.reach).toMatchObject({ people: 1, optedOut: 1, queued: 0 })
    expect(await announcementRows(db, next.id)).toEqual([])

    // The reminder the day before still comes.
    const sent: string[] = []
    clock.advance(2 * DAY + HOUR)
    await testOutbox(db, clock, { telegram: async (_, replies) => void sent.push(...replies.map((r) => r.text)) }).deliver()
    expect(sent.join('\n')).toContain('⏰ *Pengingat: Ujian kognitif*')

    const audits = await db.select().from(auditLog).where(eq(auditLog.actor, 'chat:telegram'))
    expect(audits.map((a) => a.action)).toEqual(['announcements.stopped'])
  })

  it('"stop pengingat" does not stop announcements; "mulai info" turns them back on; the words in any case', async () => {
    const { db, clock, person, telegram } = await open()
    expect(textOf(await telegram.say('stop pengingat'))).toContain('Pengingat dimatikan')
    const first = await announceNow(db, { ...audience, textId: 'Yth. {nama}, satu.' }, ctxAt(clock.now()))
    expect(await announcementRows(db, first.id)).toHaveLength(1)

    expect(textOf(await telegram.say('BERHENTI INFO'))).toContain('🔕 Pengumuman tidak akan dikirim lagi')
    expect(
      (await db.select().from(channelIdentities).where(eq(channelIdentities.personId, person)).limit(1))[0]?.announcementsOffAt,
    ).toEqual(clock.now())
    expect(textOf(await telegram.say('mulai info.'))).toContain('🔔 Pengumuman dinyalakan lagi untuk chat ini.')
    expect(textOf(await telegram.say('Mulai Info'))).toContain('memang menyala')
    const second = await announceNow(db, { ...audience, textId: 'Yth. {nama}, dua.' }, ctxAt(clock.now()))
    expect(await announcementRows(db, second.id)).toHaveLength(1)
    expect((await db.select().from(auditLog).where(eq(auditLog.actor, 'chat:telegram'))).map((a) => a.action)).toEqual([
      'reminders.stopped',
      'announcements.stopped',
      'announcements.started',
    ])
  })

  it('understands the command as people write it, with polite words and particles, and nothing else', async () => {
    const { db, person, telegram } = await open()
    const offAt = async () =>
      (await db.select().from(channelIdentities).where(eq(channelIdentities.personId, person)).limit(1))[0]?.announcementsOffAt
    for (const [stop, start] of [
      ['stop info dong', 'mulai info lagi'],
      ['tolong berhenti kirim pengumuman', 'aktifkan pengumuman lagi ya'],
      ['Jangan kirim info lagi ya min!', 'mulai terima info dong'],
      ['gak usah kirimin pengumumannya', 'nyalakan info'],
      ['Unsubscribe info', 'subscribe info'],
    ]) {
      expect(textOf(await telegram.say(stop ?? ''))).toContain('🔕 Pengumuman tidak akan dikirim lagi')
      expect(await offAt()).toBeInstanceOf(Date)
      expect(textOf(await telegram.say(start ?? ''))).toContain('🔔 Pengumuman dinyalakan lagi')
      expect(await offAt()).toBeNull()
    }
    // Other requests that mention info are not the switch.
    for (const text of ['info bimtek', 'stop info bimtek makassar', 'kirim info lagi', 'stop pengingat']) {
      expect(textOf(await telegram.say(text))).not.toMatch(/Pengumuman (tidak akan dikirim|dinyalakan|untuk chat ini)/)
    }
    expect(await offAt()).toBeNull()
  })

  it('works before the chat is linked, and answers in English in an English chat', async () => {
    const { db } = await open()
    const stranger = chat((core as NonNullable<typeof core>).engine, 'stranger-1', { channel: 'telegram' })
    await stranger.say('english')
    expect(textOf(await stranger.say('stop info'))).toContain('🔕 Announcements will no longer be sent to this chat.')
    expect(
      (await db.select().from(channelIdentities).where(eq(channelIdentities.userId, 'stranger-1')).limit(1))[0]
        ?.announcementsOffAt,
    ).not.toBeNull()
    expect(textOf(await stranger.say('mulai info'))).toContain('🔔 Announcements are on again for this chat.')
  })
})
