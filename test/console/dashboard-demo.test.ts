/** The demo dataset gives every number and chart of Beranda something to show. */
import { describe, expect, it } from 'vitest'
import { loadDemoData } from '../../src/db/demo-data.js'
import { ADMIN, dashboardApp, emptyDb, NOW, REGIONAL_R2, stat } from './dashboard-fixture.js'

describe('Beranda with the demo dataset', async () => {
  const db = await emptyDb()
  await loadDemoData(db, NOW)

  it('fills every figure and draws every chart, for all regions', async () => {
    const html = await (await dashboardApp(db, ADMIN).request('/admin')).text()
    expect(html).not.toContain('Belum ada')
    expect(html.match(/<svg role="img"/g)).toHaveLength(5)
    for (const label of [
      'Pendaftaran bulan ini',
      'Daftar tunggu \\(sesi mendatang\\)',
      'Pengingat terkirim',
      'Pengingat gagal',
      'Pengingat hasil tidak diketahui',
      'Pengingat dilewati',
    ])
      expect(Number(stat(html, label)), label).toBeGreaterThan(0)
    expect(Number(stat(html, 'Menunggu petugas')) + Number(stat(html, 'Sedang dilayani'))).toBeGreaterThan(0)
    expect(stat(html, 'Kursi terisi \\(sesi mendatang\\)')).toMatch(/^[1-9]\d* \/ [1-9]/)
  })

  it('draws every chart for a regional account too', async () => {
    const html = await (await dashboardApp(db, REGIONAL_R2).request('/admin')).text()
    expect(html.match(/<svg role="img"/g)).toHaveLength(5)
  })
})
