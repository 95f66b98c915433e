/**
 * The slot object as a whole: online/offline in the words people use (both named → none), only the keys the
 * labelled set uses, absent slots left out, and any text up to the message limit read without an error.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { extractSlots } from '../../src/core/understanding/slots/index.js'
import { BBPPKS_REGIONS } from '../../src/db/reference-data.js'

const ctx = { now: new Date('2026-12-07T03:00:00Z'), regions: BBPPKS_REGIONS }

describe('mode', () => {
  it.each([
    ['ada bimtek online ga', 'daring'],
    ['bimtek onlen', 'daring'],
    ['ujian lewat zoom', 'daring'],
    ['bimtek daring', 'daring'],
    ['bisa jarak jauh?', 'daring'],
    ['via gmeet', 'daring'],
    ['bimtek tatap maya', 'daring'],
    ['dalam jaringan (daring)', 'daring'],
    ['luar jaringan', 'luring'],
    ['bimtek tatap muka', 'luring'],
    ['bimtek offline', 'luring'],
    ['luring aja', 'luring'],
    ['tatmuk di bdg', 'luring'],
    ['mau ketemu langsung', 'luring'],
  ])('%s → %s', (text, mode) => {
    expect(extractSlots(text, ctx).mode).toBe(mode)
  })

  it.each(['langsung daftarin aja', 'bimtek di manado tatap muka ato online?', 'jadwal bimtek'])('%s → no mode', (text) => {
    expect(extractSlots(text, ctx).mode).toBeUndefined()
  })
})

describe('the slots object', () => {
  it('carries every slot a message states, each under its name', () => {
    expect(
      extractSlots('batalin BMT-5PQ2WE terus daftarin yg online di makassar bulan depan, sertif LSPS 2024 00123', ctx),
    ).toEqual({
      code: 'BMT-5PQ2WE',
      mode: 'daring',
      regency: 'Kota Makassar',
      province: 'Sulawesi Selatan',
      region: 'R5',
      month: '2027-01',
      number: 'LSPS-2024-00123',
    })
  })

  it('is {} for a message that states none', () => {
    expect(extractSlots('syaratnya apa aja min', ctx)).toEqual({})
  })

  it('reads any text up to 2,000 characters without throwing, with only known keys and well-formed values', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        const slots = extractSlots(text, ctx)
        for (const key of Object.keys(slots))
          expect(['province', 'regency', 'region', 'month', 'mode', 'number', 'code']).toContain(key)
        if (slots.month !== undefined) expect(slots.month).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/)
        if (slots.region !== undefined) expect(slots.region).toMatch(/^R[1-6]$/)
        if (slots.code !== undefined) expect(slots.code).toMatch(/^BMT-[A-Z0-9]{6}$/)
      }),
    )
  })

  it('gives a future form a month on or after the current one, whatever the filler around it', () => {
    const forms = ['bulan depan', 'januari', 'tgl 12', 'minggu depan', 'maret', 'tgl 3', 'besok']
    const filler = fc.constantFrom('min', 'kak', 'dong', 'ya', '🙏', 'bimtek', 'ada ga', '??')
    fc.assert(
      fc.property(
        fc.constantFrom(...forms),
        fc.array(filler, { maxLength: 3 }),
        fc.array(filler, { maxLength: 3 }),
        (form, a, b) => {
          const month = extractSlots([...a, form, ...b].join(' '), ctx).month
          expect(month).toBeDefined()
          expect((month ?? '') >= '2026-12').toBe(true)
        },
      ),
    )
  })
})
