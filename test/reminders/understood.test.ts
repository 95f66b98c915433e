/**
 * Issue 20: reminders asked for in a sentence. "jangan kirim pengingat lagi" asks first (an
 * understood sentence may be misread), while the typed "stop pengingat" stays immediate; "nyalain
 * pengingat lagi dong" turns them on at once; "kapan ujian sy" shows the person's coming exams and
 * confirmed Bimtek sessions in their own zone, also when reminders are off, after proof on an
 * unlinked chat.
 */
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { planReminders } from '../../src/core/reminders/plan.js'
import type { Db } from '../../src/db/client.js'
import { channelIdentities, outbox } from '../../src/db/schema.js'
import { chat, choiceIds, textOf } from '../support/chat.js'
import { linkTo, personalCores } from '../support/personal.js'
import { PAULUS, RATNA } from '../transcripts/status.js'

const STOP = 'jangan kirim pengingat lagi'
const LIST = 'kapan ujian sy'
const ASK_STOP = 'Matikan semua pengingat untuk chat ini?'
const STOPPED = '🔕 Pengingat dimatikan untuk chat ini.'
/** Ratna's interview: 30 days after the clock's start, 02:00 UTC, read in Makassar (UTC+8). */
const INTERVIEW = '• Rabu, 23 Desember 2026, 10.00 WITA: Wawancara'

const openCore = personalCores()

/** Ratna (an interview ahead, Makassar) with a linked chat whose reminders are planned. */
async function open() {
  const core = await openCore()
  await linkTo(core.db, { channel: 'console', id: 'ratna' }, core.seed.ratna, core.clock.now())
  await planReminders(core.db, [core.seed.ratna], core.clock.now(), core.reminderSettings)
  return { ...core, ratna: chat(core.engine, 'ratna') }
}

const enabled = async (db: Db, userId: string) =>
  (
    await db
      .select({ on: channelIdentities.remindersEnabled })
      .from(channelIdentities)
      .where(and(eq(channelIdentities.channel, 'console'), eq(channelIdentities.userId, userId)))
      .limit(1)
  )[0]?.on
const pending = async (db: Db, chatId: string) =>
  (
    await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.chatId, chatId), eq(outbox.kind, 'reminder'), eq(outbox.status, 'pending')))
  ).length

describe('reminders.stop from a sentence asks first', () => {
  it('"jangan kirim pengingat lagi": the question with yes and no, nothing turned off yet; "ya" turns them off', async () => {
    const { ratna, db } = await open()
    const planned = await pending(db, 'ratna')
    expect(planned).toBeGreaterThan(0)
    const asked = await ratna.say(STOP)
    expect(textOf(asked)).toContain(ASK_STOP)
    expect(choiceIds(asked)).toEqual(['reminder:stop:yes', 'reminder:stop:no'])
    expect(await enabled(db, 'ratna')).toBe(true)
    expect(await pending(db, 'ratna')).toBe(planned)
    expect(textOf(await ratna.say('ya'))).toContain(STOPPED)
    expect(await enabled(db, 'ratna')).toBe(false)
    expect(await pending(db, 'ratna')).toBe(0)
  })

  it('answered "tidak": reminders stay on and planned', async () => {
    const { ratna, db } = await open()
    const planned = await pending(db, 'ratna')
    await ratna.say(STOP)
    expect(textOf(await ratna.say('tidak'))).toContain('Baik, pengingat tetap menyala.')
    expect(await enabled(db, 'ratna')).toBe(true)
    expect(await pending(db, 'ratna')).toBe(planned)
  })

  it('the buttons work from an older message too (a tap after something else was said)', async () => {
    const { ratna, db } = await open()
    await ratna.say(STOP)
    await ratna.say('menu')
    expect(textOf(await ratna.choose('reminder:stop:yes'))).toContain(STOPPED)
    expect(await enabled(db, 'ratna')).toBe(false)
  })

  it('already off: said so, no question', async () => {
    const { ratna } = await open()
    await ratna.say('stop pengingat')
    const replies = await ratna.say(STOP)
    expect(textOf(replies)).toContain('Pengingat untuk chat ini memang sudah mati')
    expect(choiceIds(replies)).toEqual([])
  })

  it('on a chat not linked to anyone it asks too, and "ya" turns them off for that chat', async () => {
    const { engine, db } = await open()
    const stranger = chat(engine, 'stranger')
    expect(textOf(await stranger.say(STOP))).toContain(ASK_STOP)
    expect(textOf(await stranger.say('ya'))).toContain(STOPPED)
    expect(await enabled(db, 'stranger')).toBe(false)
  })

  it('the typed "stop pengingat" is unchanged: off at once, no question', async () => {
    const { ratna, db } = await open()
    const replies = await ratna.say('stop pengingat')
    expect(textOf(replies)).toContain(STOPPED)
    expect(textOf(replies)).not.toContain(ASK_STOP)
    expect(await enabled(db, 'ratna')).toBe(false)
  })
})

describe('reminders.start from a sentence acts at once', () => {
  it('"nyalain pengingat lagi dong" after they were stopped: on, and planned again', async () => {
    const { ratna, db } = await open()
    await ratna.say('stop pengingat')
    expect(await pending(db, 'ratna')).toBe(0)
    const text = textOf(await ratna.say('nyalain pengingat lagi dong'))
    expect(text).toContain('🔔 Pengingat dinyalakan untuk chat ini.')
    expect(await enabled(db, 'ratna')).toBe(true)
    expect(await pending(db, 'ratna')).toBeGreaterThan(0)
  })
})

describe('reminders.list: "kapan ujian sy"', () => {
  it("a linked chat: the interview in the person's zone, and the planned reminders", async () => {
    const { ratna } = await open()
    const text = textOf(await ratna.say(LIST))
    expect(text).toContain('📅 *Jadwal Anda yang akan datang*')
    expect(text).toContain(INTERVIEW)
    expect(text).toContain('Yang terjadwal:')
  })

  it('reminders off: the dates are still shown, with reminders said to be off', async () => {
    const { ratna } = await open()
    await ratna.say('stop pengingat')
    const text = textOf(await ratna.say(LIST))
    expect(text).toContain(INTERVIEW)
    expect(text).toContain('*Pengingat* untuk chat ini: *mati*')
  })

  it("a confirmed Bimtek session is listed with its code, in the person's own zone (WIT)", async () => {
    const { engine, seed, clock, db } = await open()
    await linkTo(db, { channel: 'console', id: 'paulus' }, seed.paulus, clock.now())
    const text = textOf(await chat(engine, 'paulus').say(LIST))
    // The session starts 14 days after the clock's start (02:00 UTC): 11.00 in Jayapura (UTC+9).
    expect(text).toContain(`• Senin, 7 Desember 2026, 11.00 WIT: Bimtek Sertifikasi JPR-STATUS (kode ${PAULUS.code})`)
  })

  it("nothing ahead: said so, with the reminders' state", async () => {
    const { engine, seed, clock, db } = await open()
    await linkTo(db, { channel: 'console', id: 'paulus' }, seed.paulus, clock.now())
    clock.advance(15 * 86_400_000)
    const text = textOf(await chat(engine, 'paulus').say(LIST))
    expect(text).toContain('Belum ada jadwal ujian atau Bimtek terkonfirmasi yang akan datang.')
    expect(text).toContain('*Pengingat* untuk chat ini')
  })

  it('an unlinked WhatsApp chat from the number on record: the birth date first, then the dates', async () => {
    const { engine } = await open()
    const whatsapp = chat(engine, '6289911110001@s.whatsapp.net', { channel: 'whatsapp', senderPhone: RATNA.phone })
    const asked = textOf(await whatsapp.say(LIST))
    expect(asked).toContain('Nomor WhatsApp ini tercatat di data sertifikasi')
    expect(asked).not.toContain('Wawancara')
    expect(textOf(await whatsapp.say(RATNA.birthDate))).toContain(INTERVIEW)
  })

  it("an unlinked chat without a known number: the NIK or code is asked, nothing of anyone's dates", async () => {
    const { engine } = await open()
    const text = textOf(await chat(engine, 'stranger').say(LIST))
    expect(text).toContain('Ketik NIK Anda (16 angka di KTP), atau kode pendaftaran Bimtek Anda')
    expect(text).not.toContain('Wawancara')
  })
})

describe('in English', () => {
  it("the stop question, its answer and the dates are in the chat's language", async () => {
    const { ratna } = await open()
    await ratna.say('english')
    const asked = await ratna.say(STOP)
    expect(textOf(asked)).toContain('Turn off all reminders for this chat?')
    expect(asked.at(-1)?.choices?.map((choice) => choice.label)).toEqual(['Yes, turn them off', 'No, keep them on'])
    expect(textOf(await ratna.say('no'))).toContain('All right, reminders stay on.')
    const dates = textOf(await ratna.say(LIST))
    expect(dates).toContain('📅 *Your coming dates*')
    expect(dates).toContain('• Wednesday, 23 December 2026, 10.00 WITA: Interview')
  })
})
