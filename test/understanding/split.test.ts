/** Two requests in one message: cut once at a connector with a request on each side, never at a "sama" inside one. */
import { describe, expect, it } from 'vitest'
import { splitRequests } from '../../src/core/understanding/split.js'
import { ctx, understand } from './support.js'

describe('splitRequests', () => {
  it('cuts at the connector between two requests', () => {
    expect(splitRequests('syaratnya apa dan kapan bimtek di bandung')).toEqual(['syaratnya apa', 'kapan bimtek di bandung'])
    expect(splitRequests('stop pengingat terus hapus data sy')).toEqual(['stop pengingat', 'hapus data sy'])
    expect(splitRequests('cek LSPS-2025-00042, trus daftar bimtek')).toEqual(['cek LSPS-2025-00042', 'daftar bimtek'])
  })

  it('leaves a single request whole', () => {
    expect(splitRequests('mau ngomong sama orang aja')).toBeUndefined()
    expect(splitRequests('kapan bimtek di makassar')).toBeUndefined()
  })
})

describe('understand with two requests', () => {
  it('answers both, the first in the text first', () => {
    const u = understand('syaratnya apa dan kapan bimtek di bandung', ctx)
    expect(u).toMatchObject({ intent: 'faq', topic: 'syarat' })
    expect(u.also).toMatchObject({ intent: 'sessions.find', slots: { regency: 'Kota Bandung' } })
    const twoActions = understand('jangan kirim pengingat lagi dan hapus data sy', ctx)
    expect(twoActions.intent).toBe('reminders.stop')
    expect(twoActions.also?.intent).toBe('data.delete')
  })

  it('a "sama" inside one request does not split it', () => {
    const u = understand('mau ngomong sama orang aja', ctx)
    expect(u.intent).toBe('handoff')
    expect(u.also).toBeUndefined()
  })
})
