/**
 * Texts and placeholders: only the six names, exactly written, are accepted (in either text, with
 * the allowed list in the refusal); a placeholder the audience gives no value for is refused; the
 * values are each person's own, the time in their zone with WIB/WITA/WIT (and the place's time
 * when it differs); an English chat gets the English text when there is one; every message ends
 * with how to stop announcements; nothing is varied at random.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { announcementReply, STOP_FOOTER } from '../../src/core/announcements/message.js'
import { fillStrict, placeholderProblems } from '../../src/core/announcements/placeholders.js'
import { createAnnouncement } from '../../src/core/announcements/service.js'
import { closeDatabase, type Db, statement } from '../../src/db/client.js'
import {
  addRecipient,
  announceDb,
  announcementRows,
  announceNow,
  ctxAt,
  MONDAY_9_WIB,
  register,
  textOf,
} from '../support/announcements.js'
import { addExam } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'

let db: Db
beforeEach(async () => {
  db = await announceDb()
})
afterEach(() => closeDatabase(db))

const ctx = ctxAt(MONDAY_9_WIB)
const values = { nama: 'Rina', sesi: 'Bimtek', tanggal: 'Kamis', jam: '09.00 WIB', tempat: '-', tautan: '-' }

describe('refused before saving', () => {
  it('any {…} that is not one of the six exactly, in either text, with the allowed list', async () => {
    const made = await createAnnouncement(
      db,
      { audience: { regions: ['R5'] }, textId: 'Yth. {Nama}, cek {foo}.', textEn: 'Dear { nama }, hello {nama}.' },
      ctx,
    )
    expect(made.ok).toBe(false)
    if (made.ok) return
    expect(made.problems.map((p) => [p.code, p.field])).toEqual([
      ['ANNOUNCE_UNKNOWN_PLACEHOLDER', 'teks_id'],
      ['ANNOUNCE_UNKNOWN_PLACEHOLDER', 'teks_en'],
    ])
    expect(made.problems[0]?.message).toContain('{Nama}, {foo}')
    expect(made.problems[0]?.message).toContain('{nama}, {sesi}, {tanggal}, {jam}, {tempat}, {tautan}')
    expect(made.problems[1]?.message).toContain('{ nama }')
    expect(await statement(db, 'select count(*) as n from announcements').get()).toEqual({ n: 0 })
  })

  it('a placeholder of a session or exam when the audience names none; a portfolio range gives only {nama} and {tanggal}', async () => {
    const byRegion = await createAnnouncement(
      db,
      { audience: { regions: ['R5'] }, textId: 'Jadwal Anda pukul {jam} di {tempat}.' },
      ctx,
    )
    expect(byRegion).toMatchObject({ ok: false, problems: [{ code: 'ANNOUNCE_PLACEHOLDER_NEEDS_SUBJECT', field: 'teks_id' }] })
    const portfolio = { portfolioFrom: '2026-12-01', portfolioTo: '2026-12-07' }
    expect(
      (await createAnnouncement(db, { audience: portfolio, textId: 'Yth. {nama}, batas portofolio {tanggal}.' }, ctx)).ok,
    ).toBe(true)
    expect(await createAnnouncement(db, { audience: portfolio, textId: 'Batas {tanggal} pukul {jam}.' }, ctx)).toMatchObject({
      ok: false,
      problems: [{ code: 'ANNOUNCE_PLACEHOLDER_NEEDS_SUBJECT' }],
    })
    expect(placeholderProblems('{nama} {sesi}', 'exam')).toEqual({ unknown: [], needsSubject: [] })
  })

  it('an empty or too long text', async () => {
    const empty = await createAnnouncement(db, { audience: { regions: ['R5'] }, textId: '   ' }, ctx)
    expect(empty).toMatchObject({ ok: false, problems: [{ code: 'ANNOUNCE_TEXT_EMPTY', field: 'teks_id' }] })
    const long = await createAnnouncement(db, { audience: { regions: ['R5'] }, textId: 'a'.repeat(1501) }, ctx)
    expect(long).toMatchObject({ ok: false, problems: [{ code: 'ANNOUNCE_TEXT_TOO_LONG' }] })
  })

  it('filling a text with a placeholder left over is a bug, not a message', () => {
    expect(() => fillStrict('Halo {nama} {alamat}', values)).toThrow(/alamat/)
    expect(fillStrict('Halo {nama}, {nama}!', values)).toBe('Halo Rina, Rina!')
  })
})

describe('filled per person', () => {
  it('{jam} and {tanggal} in each person’s zone with WIB/WITA/WIT, the place’s own time beside it; the date crosses midnight per zone', async () => {
    // 16.30 UTC: 23.30 WIB on Thursday the 10th, 00.30 WITA and 01.30 WIT on Friday the 11th.
    const session = await addSession(db, MONDAY_9_WIB, {
      code: 'BMT-R5-01',
      title: 'Bimtek Pekerja Sosial',
      region: 'R5',
      startsAt: new Date('2026-12-10T16:30:00Z'),
    })
    const jakarta = await addRecipient(db, { name: 'Andi', zone: 'Asia/Jakarta', province: '31' })
    const makassar = await addRecipient(db, { name: 'Rina', zone: 'Asia/Makassar' })
    const jayapura = await addRecipient(db, { name: 'Yakob', zone: 'Asia/Jayapura', province: '91' })
    for (const id of [jakarta, makassar, jayapura]) await register(db, id, session, 'confirmed')
    const sent = await announceNow(
      db,
      { audience: { session: 'BMT-R5-01' }, textId: 'Yth. {nama}: {sesi}, {tanggal}, pukul {jam}, di {tempat} ({tautan}).' },
      ctx,
    )
    const texts = (await announcementRows(db, sent.id)).map(textOf)
    const venue = 'di BBPPKS Makassar (https://maps.example/bbppks)'
    expect(texts[0]).toContain(
      `Yth. Andi: Bimtek Pekerja Sosial (BMT-R5-01), Kamis, 10 Desember 2026, pukul 23.30 WIB (di lokasi 00.30 WITA), ${venue}.`,
    )
    expect(texts[1]).toContain(
      `Yth. Rina: Bimtek Pekerja Sosial (BMT-R5-01), Jumat, 11 Desember 2026, pukul 00.30 WITA, ${venue}.`,
    )
    expect(texts[2]).toContain(
      `Yth. Yakob: Bimtek Pekerja Sosial (BMT-R5-01), Jumat, 11 Desember 2026, pukul 01.30 WIT (di lokasi 00.30 WITA), ${venue}.`,
    )
  })

  it('an English chat gets the English text, in English; without one it gets the Indonesian text and footer', async () => {
    const english = await addRecipient(db, { name: 'Maria', chats: [{ channel: 'telegram', language: 'en' }] })
    await addExam(db, english, { startsAt: new Date('2026-12-10T02:00:00Z'), zone: 'Asia/Makassar', kind: 'wawancara' })
    const indonesian = await addRecipient(db, { name: 'Rina', chats: [{ channel: 'whatsapp', language: 'id' }] })
    await addExam(db, indonesian, { startsAt: new Date('2026-12-10T02:00:00Z'), zone: 'Asia/Makassar', kind: 'wawancara' })
    const both = await announceNow(
      db,
      {
        audience: { examDay: '2026-12-10' },
        textId: 'Yth. {nama}, {sesi} Anda {tanggal} pukul {jam}, tempat {tempat}.',
        textEn: 'Dear {nama}, your {sesi} is on {tanggal} at {jam}, venue {tempat}.',
      },
      ctx,
    )
    const [en, id] = (await announcementRows(db, both.id)).map(textOf)
    expect(en).toBe(
      `📢 *Announcement* · Sekretariat Sertifikasi SDM Kesos\n\nDear Maria, your Interview is on Thursday, 10 December 2026 at 10.00 WITA, venue -.\n\n${STOP_FOOTER.en}`,
    )
    expect(id).toBe(
      `📢 *Pengumuman* · Sekretariat Sertifikasi SDM Kesos\n\nYth. Rina, Wawancara Anda Kamis, 10 Desember 2026 pukul 10.00 WITA, tempat -.\n\n${STOP_FOOTER.id}`,
    )
    const onlyId = await announceNow(db, { audience: { examDay: '2026-12-10' }, textId: 'Halo {nama}.' }, ctx)
    const [enChat] = (await announcementRows(db, onlyId.id)).map(textOf)
    expect(enChat).toBe(`📢 *Pengumuman* · Sekretariat Sertifikasi SDM Kesos\n\nHalo Maria.\n\n${STOP_FOOTER.id}`)
  })

  it('the footer says how to stop, once, in the message’s language; two people with the same values get the same bytes', () => {
    const a = announcementReply({ textId: 'Kantor tutup {tanggal}.', textEn: null, lang: 'id', values, sender: 'BBPPKS' })
    const b = announcementReply({ textId: 'Kantor tutup {tanggal}.', textEn: null, lang: 'id', values, sender: 'BBPPKS' })
    expect(a).toEqual(b)
    expect(a.text.split('stop info')).toHaveLength(2)
    expect(a.text.endsWith(STOP_FOOTER.id)).toBe(true)
    expect(a.text).not.toMatch(/[\u200b-\u200f\u2060\ufeff]/)
    const en = announcementReply({ textId: 'x', textEn: 'Office closed.', lang: 'en', values, sender: 'BBPPKS' })
    expect(en.text.endsWith(STOP_FOOTER.en)).toBe(true)
    expect(en.text).toContain('stop info')
  })
})
