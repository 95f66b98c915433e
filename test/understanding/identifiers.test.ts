/**
 * Certificate numbers and registration codes however typed. A number is read as `cek` reads it
 * (`normalizeNumber`), shown as LSPS-YYYY-NNNNN; a NIK, a phone number or a code is never a number.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readNumber } from '../../src/core/certificates/chat.js'
import { normalizeNumber } from '../../src/core/certificates/verify.js'
import { extractSlots } from '../../src/core/understanding/slots/index.js'
import { BBPPKS_REGIONS } from '../../src/db/reference-data.js'

const slots = (text: string) => extractSlots(text, { now: new Date('2026-12-07T03:00:00Z'), regions: BBPPKS_REGIONS })

describe('certificate numbers', () => {
  it.each([
    ['sertifikat LSPS 2024 00123 asli gak', 'LSPS-2024-00123'],
    ['cek LSPS-2025-00042', 'LSPS-2025-00042'],
    ['verifikasi lsps.2023.00901', 'LSPS-2023-00901'],
    ['tolong cek sertifikat no lsps/2024/00077 valid ga', 'LSPS-2024-00077'],
    ['LSPS202200315', 'LSPS-2022-00315'],
    ['cek keaslian sertifikat nomor L S P S 2024 00500', 'LSPS-2024-00500'],
    ['nomor. LSPS. 2024. 00999 udh expired blm', 'LSPS-2024-00999'],
    ['LSPS / 2021 / 00333', 'LSPS-2021-00333'],
    ['ini sertifikat palsu bukan? LSPS2020 00888', 'LSPS-2020-00888'],
    ['cek demo-lsps 2024/00009', 'DEMO-LSPS-2024-00009'],
    ['DEMO_LSPS_2023_00901', 'DEMO-LSPS-2023-00901'],
  ])('%s → %s', (text, number) => {
    expect(slots(text).number).toBe(number)
  })

  it.each([
    'LSPS 2024 00123',
    'lsps.2023.00901',
    'lsps/2024/00077',
    'LSPS202200315',
    'L S P S 2024 00500',
    'demo-lsps 2024/00009',
  ])('%s is the number `cek` would look up', (typed) => {
    const read = readNumber(typed)
    expect('number' in read && read.number).toBe(normalizeNumber(slots(`sertifikat ${typed} asli?`).number ?? ''))
  })

  it.each([
    ['nik sy 3273012345678901', 'a NIK'],
    ['3273012345678901 cek', 'a bare 16-digit run'],
    ['hp sy 081234567890', 'a phone number'],
    ['wa +62 812 3456 7890', 'a phone number with +62'],
    ['batal BMT-7K2QX9', 'a registration code'],
    ['bimtek tahun 2024 00123', 'words before a year'],
    ['sy lahir tgl 12 2001', 'a date'],
  ])('%s: no number (%s)', (text) => {
    expect(slots(text).number).toBeUndefined()
  })

  it('never reads a 16-digit run (a NIK), however it is surrounded', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.stringMatching(/^\d{16}$/),
        fc.string({ maxLength: 40 }),
        (before, nik, after) => {
          const number = slots(`${before} ${nik} ${after}`).number ?? ''
          expect(number.replace(/-/g, '')).not.toContain(nik.slice(4))
        },
      ),
    )
  })
})

describe('registration codes', () => {
  it.each([
    ['batal BMT-7K2QX9', 'BMT-7K2QX9'],
    ['kode bmt 4hq8zt masih aktif kan', 'BMT-4HQ8ZT'],
    ['cancel bimtek BMT 2RT5YU', 'BMT-2RT5YU'],
    ['bmt-3fk9ql', 'BMT-3FK9QL'],
    ['BMT7K2QX9', 'BMT-7K2QX9'],
    ['BMT–7K2QX9 (en dash)', 'BMT-7K2QX9'],
    ['kode BMT-ABCDEF', 'BMT-ABCDEF'],
  ])('%s → %s', (text, code) => {
    expect(slots(text).code).toBe(code)
  })

  it.each(['bmt sesuai jadwal', 'BMT-7K2QX9X', 'PTG-7K2QX9', 'abmt-7k2qx9'])('%s: no code', (text) => {
    expect(slots(text).code).toBeUndefined()
  })
})
