/**
 * The kabupaten/kota typed at registration, checked against the person's province with the gazetteer: the
 * official name is what is kept; another province's regency and an unknown name get a reason and suggestions.
 */
import { describe, expect, it } from 'vitest'
import { checkRegency } from '../../src/core/places/validate.js'

const JABAR = '32'

describe('a regency typed at registration', () => {
  it.each([
    ['garut', JABAR, 'Kabupaten Garut'],
    ['Kab. Garut', JABAR, 'Kabupaten Garut'],
    ['KABUPATEN GARUT', JABAR, 'Kabupaten Garut'],
    ['bandung', JABAR, 'Kota Bandung'],
    ['kab bandung', JABAR, 'Kabupaten Bandung'],
    ['kota bdg', JABAR, 'Kota Bandung'],
    ['bandung barat', JABAR, 'Kabupaten Bandung Barat'],
    ['tasikmalya', JABAR, 'Kota Tasikmalaya'],
    ['makasar', '73', 'Kota Makassar'],
    ['bengkulu', '17', 'Kota Bengkulu'],
    ['jaksel', '31', 'Kota Administrasi Jakarta Selatan'],
  ])('%s in %s → %s', (typed, province, name) => {
    expect(checkRegency(typed, province)).toMatchObject({ ok: true, regency: { name } })
  })

  it('names the other province of a regency typed under the wrong one', () => {
    expect(checkRegency('garut', '33')).toMatchObject({
      ok: false,
      code: 'REGENCY_OTHER_PROVINCE',
      regency: { name: 'Kabupaten Garut' },
      province: 'Jawa Barat',
    })
  })

  it('does not guess a short typo, and suggests the nearest names of the province', () => {
    const check = checkRegency('grut', JABAR)
    expect(check).toMatchObject({ ok: false, code: 'REGENCY_UNKNOWN' })
    expect(check.ok === false && check.code === 'REGENCY_UNKNOWN' && check.suggestions).toContain('Kabupaten Garut')
  })

  it('refuses a name that is no regency at all', () => {
    expect(checkRegency('atlantis', JABAR)).toMatchObject({ ok: false, code: 'REGENCY_UNKNOWN' })
  })
})
