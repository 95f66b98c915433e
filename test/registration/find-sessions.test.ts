/**
 * sessions.find (issue 20): "kapan bimtek di makassar", "ada bimtek online bulan depan ga", "jadwal bimtek jabar
 * januari" answered with the sessions that fit, in the reader's zone, with seats, the registration window and
 * `Daftar:` choices; nothing fitting → the nearest ones, saying which filter was loosened; a past month said so.
 * Reference moment: Monday 2026-12-07 10.00 WIB.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findSessions } from '../../src/core/registration/find-sessions.js'
import type { TurnContext } from '../../src/core/turn.js'
import type { Language, Reply } from '../../src/core/types.js'
import type { Slots } from '../../src/core/understanding/types.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { chat, textOf } from '../support/chat.js'
import { inbound, testCore } from '../support/core.js'
import { addSession } from '../support/sessions.js'

const NOW = new Date('2026-12-07T03:00:00Z')
const DAY = 86_400_000

const MAKASSAR: Slots = {
  regency: 'Kota Makassar',
  regencyCode: '7371',
  province: 'Sulawesi Selatan',
  provinceCode: '73',
  region: 'R5',
}

let core: Awaited<ReturnType<typeof testCore>>
let ids: Record<'makassar' | 'sulawesiOnline' | 'jabarJanuary' | 'jabarClosed' | 'medan' | 'javaOnlineDec', number>

beforeEach(async () => {
  core = await testCore({ clock: () => NOW })
  const db = core.db
  ids = {
    // 09.00 WITA on Tuesday 15 December, in Makassar.
    makassar: await addSession(db, NOW, {
      code: 'MKS-1',
      title: 'Bimtek Makassar',
      region: 'R5',
      provinceCode: '73',
      startsAt: new Date('2026-12-15T01:00:00Z'),
      capacity: 25,
    }),
    // Online for the whole Sulawesi region: 09.00 WIB = 10.00 WITA on 12 January.
    sulawesiOnline: await addSession(db, NOW, {
      code: 'MKS-ON',
      title: 'Bimtek Daring Sulawesi',
      region: 'R5',
      mode: 'daring',
      startsAt: new Date('2027-01-12T02:00:00Z'),
    }),
    jabarJanuary: await addSession(db, NOW, {
      code: 'BDG-JAN',
      title: 'Bimtek Bandung Januari',
      region: 'R2',
      provinceCode: '32',
      startsAt: new Date('2027-01-20T02:00:00Z'),
    }),
    // Registration already closed: listed, but no "Daftar:" choice.
    jabarClosed: await addSession(db, NOW, {
      code: 'BDG-TUTUP',
      title: 'Bimtek Bandung Tutup',
      region: 'R2',
      provinceCode: '32',
      startsAt: new Date('2026-12-09T02:00:00Z'),
      registrationClosesAt: new Date(NOW.getTime() - DAY),
    }),
    medan: await addSession(db, NOW, {
      code: 'MDN-1',
      title: 'Bimtek Medan',
      region: 'R1',
      provinceCode: '12',
      startsAt: new Date('2026-12-21T02:00:00Z'),
    }),
    // Online in December, for Java: not January.
    javaOnlineDec: await addSession(db, NOW, {
      code: 'JAWA-ON',
      title: 'Bimtek Daring Jawa',
      region: 'R2',
      mode: 'daring',
      startsAt: new Date('2026-12-28T02:00:00Z'),
    }),
  }
})

afterEach(() => closeDatabase(core.db))

const ctx = (lang: Language = 'id'): TurnContext => ({ inbound: inbound('x'), lang, now: NOW, db: core.db })
const find = (slots: Slots, lang: Language = 'id') => findSessions(ctx(lang), slots)
const only = (replies: Reply[]) => {
  expect(replies).toHaveLength(1)
  const [reply] = replies
  if (!reply) throw new Error('no reply')
  return reply
}
const titles = (text: string) => [...text.matchAll(/^\d+\. \*([^*]+)\*/gm)].map((m) => m[1])

describe('sessions.find', () => {
  it('"kapan bimtek di makassar": the sessions for Sulawesi Selatan, seats and WITA times, a Daftar choice each', async () => {
    const outcome = await find(MAKASSAR)
    const reply = only(outcome.replies)
    expect(outcome.next).toBeNull()
    expect(reply.text).toContain('*Jadwal Bimtek · Kota Makassar (Sulawesi Selatan)*')
    // The Makassar session and the Sulawesi centre's online one (it serves the province); nothing of Java or Sumatra.
    expect(titles(reply.text)).toEqual(['Bimtek Makassar', 'Bimtek Daring Sulawesi'])
    expect(reply.text).toContain('Selasa, 15 Desember 2026, 09.00–17.00 WITA')
    expect(reply.text).toContain('Selasa, 12 Januari 2027, 10.00–18.00 WITA')
    expect(reply.text).toContain('👥 25 kursi tersisa dari 25 · Pendaftaran s.d. 13 Desember, 09.00 WITA')
    expect(reply.text).toContain('Waktu dalam zona WITA.')
    expect(reply.choices).toEqual([
      { id: `daftar:session:${ids.makassar}`, label: 'Daftar: Bimtek Makassar, 15 Des' },
      { id: `daftar:session:${ids.sulawesiOnline}`, label: 'Daftar: Bimtek Daring Sulawesi, 12 Jan' },
      { id: 'u:sf', label: 'Lihat semua jadwal' },
    ])
  })

  it('in English', async () => {
    const reply = only((await find(MAKASSAR, 'en')).replies)
    expect(reply.text).toContain('*Bimtek schedule · Kota Makassar (Sulawesi Selatan)*')
    expect(reply.text).toContain('Times in WITA.')
    expect(reply.choices?.map((c) => c.label)).toEqual([
      'Register: Bimtek Makassar, 15 Dec',
      'Register: Bimtek Daring Sulawesi, 12 Jan',
      'See the whole schedule',
    ])
  })

  it('"ada bimtek online bulan depan ga": only online sessions of January 2027', async () => {
    const reply = only((await find({ mode: 'daring', month: '2027-01' })).replies)
    expect(reply.text).toContain('*Jadwal Bimtek · daring · Januari 2027*')
    expect(titles(reply.text)).toEqual(['Bimtek Daring Sulawesi'])
    expect(reply.text).toContain('📍 Daring: https://zoom.example/j/123')
  })

  it('"jadwal bimtek jabar januari": Jawa Barat in January, in WIB', async () => {
    const reply = only((await find({ province: 'Jawa Barat', provinceCode: '32', region: 'R2', month: '2027-01' })).replies)
    expect(reply.text).toContain('*Jadwal Bimtek · Jawa Barat · Januari 2027*')
    expect(titles(reply.text)).toEqual(['Bimtek Bandung Januari'])
    expect(reply.text).toContain('Waktu dalam zona WIB.')
  })

  it('a session whose registration is closed is listed without a Daftar choice', async () => {
    const reply = only((await find({ provinceCode: '32' })).replies)
    expect(titles(reply.text)).toEqual(['Bimtek Bandung Tutup', 'Bimtek Daring Jawa', 'Bimtek Bandung Januari'])
    expect(reply.text).toContain('Pendaftaran ditutup')
    expect(reply.choices?.map((c) => c.id)).toEqual([
      `daftar:session:${ids.javaOnlineDec}`,
      `daftar:session:${ids.jabarJanuary}`,
      'u:sf',
    ])
  })

  it("a month is read in the reader's zone: a session at 00.30 WIB on 1 January is January there, December in UTC", async () => {
    const newYear = await addSession(core.db, NOW, {
      code: 'JAWA-NY',
      title: 'Bimtek Tahun Baru',
      region: 'R2',
      provinceCode: '32',
      startsAt: new Date('2026-12-31T17:30:00Z'),
      endsAt: new Date('2026-12-31T19:00:00Z'),
    })
    const january = only((await find({ provinceCode: '32', month: '2027-01' })).replies)
    expect(titles(january.text)).toEqual(['Bimtek Tahun Baru', 'Bimtek Bandung Januari'])
    expect(january.choices?.[0]?.id).toBe(`daftar:session:${newYear}`)
    const december = only((await find({ provinceCode: '32', month: '2026-12' })).replies)
    expect(titles(december.text)).not.toContain('Bimtek Tahun Baru')
  })

  it('nothing matches: the nearest sessions, saying the month was loosened', async () => {
    const reply = only((await find({ ...MAKASSAR, mode: 'luring', month: '2027-01' })).replies)
    expect(reply.text).toContain(
      'Belum ada jadwal Bimtek tatap muka di Kota Makassar (Sulawesi Selatan) pada Januari 2027.\n\nYang terdekat (bulan lain):',
    )
    expect(titles(reply.text)).toEqual(['Bimtek Makassar'])
    expect(reply.choices?.map((c) => c.id)).toEqual([`daftar:session:${ids.makassar}`, 'u:sf'])
  })

  it('nothing in the province nor its region: month, mode and place loosened in turn, at most 3, said plainly', async () => {
    const reply = only(
      (await find({ province: 'Papua', provinceCode: '91', region: 'R6', mode: 'daring', month: '2027-01' })).replies,
    )
    expect(reply.text).toContain('Belum ada jadwal Bimtek daring di Papua pada Januari 2027.')
    expect(reply.text).toContain('Yang terdekat (bulan lain, daring maupun tatap muka, di seluruh Indonesia):')
    expect(titles(reply.text)).toEqual(['Bimtek Bandung Tutup', 'Bimtek Makassar', 'Bimtek Medan'])
    // Read in Papua's zone.
    expect(reply.text).toContain('Waktu dalam zona WIT.')
  })

  it('the province loosened to its region before the whole country', async () => {
    await addSession(core.db, NOW, { code: 'PLU', title: 'Bimtek Palu', region: 'R5', provinceCode: '72' })
    await statement(core.db, "delete from bimtek_sessions where code in ('MKS-1', 'MKS-ON')").run()
    const reply = only((await find(MAKASSAR)).replies)
    expect(reply.text).toContain('Yang terdekat (di seluruh wilayah BBPPKS Regional V Sulawesi):')
    expect(titles(reply.text)).toEqual(['Bimtek Palu'])
  })

  it('a past month: past sessions are not shown, the upcoming ones are', async () => {
    const reply = only((await find({ provinceCode: '32', month: '2026-11' })).replies)
    expect(reply.text.startsWith('Jadwal yang sudah lewat tidak ditampilkan.\n\nYang terdekat (bulan lain):')).toBe(true)
    expect(titles(reply.text)).toEqual(['Bimtek Bandung Tutup', 'Bimtek Daring Jawa', 'Bimtek Bandung Januari'])
  })

  it('no upcoming session at all: says so, without alternatives', async () => {
    await statement(core.db, 'delete from bimtek_sessions').run()
    const expected = 'Belum ada jadwal Bimtek yang akan datang. Ketik "petugas" untuk bertanya ke sekretariat.'
    expect(only((await find(MAKASSAR)).replies).text).toBe(expected)
    expect(only((await find({ month: '2026-10' })).replies).text).toBe(`Jadwal yang sudah lewat tidak ditampilkan. ${expected}`)
  })
})

describe('"jadwal <tempat>" renders through findSessions', () => {
  it('a kabupaten/kota of the gazetteer after "jadwal" filters by its province', async () => {
    const replies = await chat(core.engine, 'jadwal-medan').say('jadwal medan')
    const text = textOf(replies)
    expect(text).toContain('*Jadwal Bimtek · Kota Medan (Sumatera Utara)*')
    expect(titles(text)).toEqual(['Bimtek Medan'])
    expect(replies.at(-1)?.choices?.map((c) => c.id)).toEqual([`daftar:session:${ids.medan}`, 'u:sf'])
  })

  it('"jadwal" alone: every session, a Daftar choice for each open one, then menu 2', async () => {
    const replies = await chat(core.engine, 'jadwal-all').say('jadwal')
    expect(titles(textOf(replies))).toHaveLength(6)
    const choices = replies.at(-1)?.choices?.map((c) => c.id)
    expect(choices).toHaveLength(6)
    expect(choices?.at(-1)).toBe('menu:daftar')
  })
})
