/**
 * The gazetteer over idn-area-data's CSVs: the counts and the header guard a package update, every regency
 * reaches a BBPPKS region through the regions data, and the spellings people type find the right place —
 * aliases, "kab X" against the bare Kota, longest match, homonyms only after a locative cue, "BBPPKS X" a region.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { gazetteer } from '../../src/core/places/gazetteer.js'
import { extractSlots, type RegionRow } from '../../src/core/understanding/slots/index.js'
import { BBPPKS_REGIONS } from '../../src/db/reference-data.js'

const now = new Date('2026-12-07T03:00:00Z')
const slots = (text: string, regions: readonly RegionRow[] = BBPPKS_REGIONS) => extractSlots(text, { now, regions })
const dataDir = join(dirname(createRequire(import.meta.url).resolve('idn-area-data/package.json')), 'data')

describe('the gazetteer data', () => {
  it('holds the 38 provinces and 514 regencies of idn-area-data 4.0.1', () => {
    expect(gazetteer().provinces()).toHaveLength(38)
    expect(gazetteer().regencies()).toHaveLength(514)
    expect(
      gazetteer()
        .regencies()
        .filter((r) => r.name.startsWith('Kota ')),
    ).toHaveLength(98)
  })

  it('reads CSVs that have no quoted fields (the hand split would break on one)', () => {
    for (const file of ['provinces.csv', 'regencies.csv']) expect(readFileSync(join(dataDir, file), 'utf8')).not.toContain('"')
  })

  it('puts every regency in a region of the seeded regions table (no gap in the province split)', () => {
    const covered = new Set(BBPPKS_REGIONS.flatMap((r) => r.provinceCodes.split(',')))
    const missing = gazetteer()
      .regencies()
      .filter((r) => !covered.has(r.provinceCode))
    expect(missing).toEqual([])
  })

  it('names every regency "Kota X" or "Kabupaten X", the form the labelled set uses', () => {
    const odd = gazetteer()
      .regencies()
      .filter((r) => !/^(Kota|Kabupaten) [A-Z]/.test(r.name))
    expect(odd).toEqual([])
  })
})

describe('places in a message', () => {
  const R5_MAKASSAR = { regency: 'Kota Makassar', province: 'Sulawesi Selatan', region: 'R5' }
  const YOGYA = { regency: 'Kota Yogyakarta', province: 'Daerah Istimewa Yogyakarta', region: 'R3' }
  it.each([
    ['kapan bimtek di makassar', R5_MAKASSAR],
    ['bimtek di makasar', R5_MAKASSAR],
    ['jadwal mks', R5_MAKASSAR],
    ['bimtek di jogja', YOGYA],
    ['jadwal yogya', YOGYA],
    ['bimtek diy', { province: 'Daerah Istimewa Yogyakarta', region: 'R3' }],
    ['bimtek di bdg', { regency: 'Kota Bandung', province: 'Jawa Barat', region: 'R2' }],
    ['bimtek di bandung', { regency: 'Kota Bandung', province: 'Jawa Barat', region: 'R2' }],
    ['bimtek di kab bandung', { regency: 'Kabupaten Bandung', province: 'Jawa Barat', region: 'R2' }],
    ['bimtek di Kab. Bandung', { regency: 'Kabupaten Bandung', province: 'Jawa Barat', region: 'R2' }],
    ['bimtek di bandung barat', { regency: 'Kabupaten Bandung Barat', province: 'Jawa Barat', region: 'R2' }],
    ['bimtek di padang lawas', { regency: 'Kabupaten Padang Lawas', province: 'Sumatera Utara', region: 'R1' }],
    ['bimtek di padang', { regency: 'Kota Padang', province: 'Sumatera Barat', region: 'R1' }],
    ['jadwal jkt', { province: 'DKI Jakarta', region: 'R2' }],
    ['jadwal bimtek jakarte', { province: 'DKI Jakarta', region: 'R2' }],
    ['bimtek nu di tasik', { regency: 'Kota Tasikmalaya', province: 'Jawa Barat', region: 'R2' }],
    ['bimtek di jaksel', { regency: 'Kota Administrasi Jakarta Selatan', province: 'DKI Jakarta', region: 'R2' }],
    ['bimtek di solo', { regency: 'Kota Surakarta', province: 'Jawa Tengah', region: 'R3' }],
    ['bimtek jabar', { province: 'Jawa Barat', region: 'R2' }],
    ['bimtek schedule for west java', { province: 'Jawa Barat', region: 'R2' }],
    ['sesi bimtek di papua', { province: 'Papua', region: 'R6' }],
    ['bimtek papua pegunungan', { province: 'Papua Pegunungan', region: 'R6' }],
    ['bimtek di sorong', { regency: 'Kota Sorong', province: 'Papua Barat Daya', region: 'R6' }],
    ['bimtek di kalimantan', { region: 'R4' }],
    ['wilayah sulawesi', { region: 'R5' }],
    ['bimtek regional 5', { region: 'R5' }],
    ['jadwal bimtek R2', { region: 'R2' }],
    ['hubungkan dgn petugas bbppks makassar', { region: 'R5' }],
    ['bbpks makassar ngurus provinsi apa', { region: 'R5' }],
    ['bimtek r 3', { region: 'R3' }],
    ['bimtek di jawa', {}],
  ])('%s', (text, expected) => {
    expect(slots(text)).toEqual(expected)
  })

  it.each([
    ['sertif sy kena palu', {}],
    ['sy mau ikut bimtek yg di palu', { regency: 'Kota Palu', province: 'Sulawesi Tengah', region: 'R5' }],
    ['palu', { regency: 'Kota Palu', province: 'Sulawesi Tengah', region: 'R5' }],
    ['buru buru daftar', {}],
    ['dari malang', { regency: 'Kota Malang', province: 'Jawa Timur', region: 'R3' }],
    ['iraha bimtek ka malang', { regency: 'Kota Malang', province: 'Jawa Timur', region: 'R3' }],
    ['air tasik itu jernih', {}],
  ])('homonym: %s', (text, expected) => {
    expect(slots(text)).toEqual(expected)
  })

  it('takes the place after a locative cue over an earlier bare name', () => {
    expect(slots('jadwal bimtek solo tapi sy di medan')).toEqual({
      regency: 'Kota Medan',
      province: 'Sumatera Utara',
      region: 'R1',
    })
  })

  it('derives the region from the regions data, not from code: an edited split moves the answer', () => {
    const edited = BBPPKS_REGIONS.map((r) => ({
      ...r,
      provinceCodes: r.code === 'R3' ? `${r.provinceCodes},73` : r.provinceCodes.replace(',73', ''),
    }))
    expect(slots('bimtek di makassar', edited)).toEqual({ ...R5_MAKASSAR, region: 'R3' })
    expect(slots('bimtek di sulawesi', edited)).toEqual({ region: 'R3' })
  })
})
