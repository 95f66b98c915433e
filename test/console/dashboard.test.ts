/**
 * Beranda through its routes: the numbers on a dataset whose every figure is worked out by hand
 * (test/console/dashboard-fixture.ts), region scoping by role, tables and CSV telling the same
 * numbers, and the empty states of a new database.
 */
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { ADMIN, dashboardApp, emptyDb, knownDb, REGIONAL_R2, stat, tableRows, VIEWER } from './dashboard-fixture.js'

const page = async (app: Awaited<ReturnType<typeof dashboardApp>>, path = '/admin') => {
  const res = await app.request(path)
  expect(res.status).toBe(200)
  return res.text()
}

/** A table's body rows as [label, ...cells], skipping the header row. */
const body = (html: string, caption: string) => tableRows(html, caption).slice(1)

describe('Beranda numbers (all regions, admin)', async () => {
  const db = await knownDb()
  const app = dashboardApp(db, ADMIN)

  it('counts people by their current stage', async () => {
    const rows = body(await page(app), 'Orang per tahap')
    expect(rows).toEqual([
      ['Terdaftar', '1'],
      ['Seleksi administrasi', '1'],
      [expect.stringContaining('Bimtek'), '0'],
      ['Ujian kognitif', '1'],
      ['Portofolio', '0'],
      ['Wawancara', '0'],
      ['Kompeten', '0'],
      ['Belum Kompeten', '1'],
      ['Sertifikat terbit', '0'],
      ['Kedaluwarsa', '1'],
      ['Jumlah', '5'],
    ])
  })

  it('shows registrations this month (WIB), seats and waiting list of upcoming sessions, reminders and handoffs now', async () => {
    const html = await page(app)
    expect(stat(html, 'Pendaftaran bulan ini')).toBe('4')
    expect(stat(html, 'Kursi terisi \\(sesi mendatang\\)')).toBe('3 / 5')
    expect(stat(html, 'Daftar tunggu \\(sesi mendatang\\)')).toBe('1')
    expect(stat(html, 'Pengingat terkirim')).toBe('2')
    expect(stat(html, 'Pengingat gagal')).toBe('1')
    expect(stat(html, 'Pengingat hasil tidak diketahui')).toBe('1')
    expect(stat(html, 'Pengingat dilewati')).toBe('1')
    expect(stat(html, 'Menunggu petugas')).toBe('1')
    expect(stat(html, 'Sedang dilayani')).toBe('2')
    expect(body(html, 'Obrolan per kanal')).toEqual([
      ['Telegram', '2', '2'],
      ['WhatsApp', '2', '1'],
    ])
  })

  it('counts a reminder whose outcome is unknown apart from the failed one, says what that means, and links to it', async () => {
    const html = await page(app, '/admin?region=R1')
    // Citra (R1): one reminder failed, one was being sent when the server stopped.
    expect(stat(html, 'Pengingat gagal')).toBe('1')
    expect(stat(html, 'Pengingat hasil tidak diketahui')).toBe('1')
    const figure = /<dt>Pengingat hasil tidak diketahui<\/dt><dd>([\s\S]*?)<\/dd>/.exec(html)?.[1] ?? ''
    expect(figure).toContain('mungkin sudah sampai')
    expect(figure).toContain(
      'href="/admin/pengingat?status=unknown&amp;kind=reminder&amp;wilayah=R1&amp;from=2026-10-25&amp;to=2026-11-23"',
    )
    expect(html).toMatch(
      /<p class="note">Hasil tidak diketahui: server berhenti ketika pesan sedang dikirim[^<]*tidak dikirim ulang otomatis/,
    )
    // Where there is none, no explanation either.
    expect(await page(app, '/admin?region=R2')).not.toContain('Hasil tidak diketahui: server berhenti')
  })

  it('draws the funnel per region, counting a person on every step up to the furthest reached', async () => {
    const rows = body(await page(app), 'Corong sertifikasi')
    expect(rows.find((r) => r[0]?.startsWith('R1'))?.slice(1)).toEqual(['2', '2', '2', '2', '2', '2', '1', '1'])
    expect(rows.find((r) => r[0]?.startsWith('R2'))?.slice(1)).toEqual(['2', '2', '1', '1', '0', '0', '0', '0'])
    expect(rows.find((r) => r[0]?.startsWith('R3'))?.slice(1)).toEqual(['0', '0', '0', '0', '0', '0', '0', '0'])
    expect(rows.at(-1)).toEqual(['Tanpa wilayah', '1', '0', '0', '0', '0', '0', '0', '0'])
  })

  it("measures handoffs per region (by the handoff's own region): now, closed in the range, medians in working minutes, ratings", async () => {
    const rows = body(await page(app), 'Percakapan dengan petugas per wilayah')
    const row = (label: string) => rows.find((r) => r[0]?.startsWith(label))
    // R1: open H4; closed in the range H3, H5 and the old phone-call request H6; filed in the range
    // H3, H4, H5: first replies 30, 90, 45 → 45; closed after 120 and 90 → 105; ratings 4 and 5.
    expect(row('R1')?.slice(1)).toEqual(['0', '1', '3', '45 m', '1 j 45 m', '4,5 (2)'])
    // R2: H1 waiting, nothing answered yet; H7 was closed before the range.
    expect(row('R2')?.slice(1)).toEqual(['1', '0', '0', '—', '—', '—'])
    expect(row('R3')?.slice(1)).toEqual(['0', '0', '0', '—', '—', '—'])
    expect(rows.at(-1)).toEqual(['Tanpa wilayah', '0', '1', '0', '1 j 0 m', '—', '—'])
  })

  it('counts registrations, reminder outcomes and sent messages per WIB day of the range', async () => {
    const html = await page(app)
    const registrations = body(html, 'Pendaftaran Bimtek per hari')
    expect(registrations).toHaveLength(30)
    expect(registrations[0]?.[0]).toBe('2026-10-25')
    expect(registrations.at(-1)?.[0]).toBe('2026-11-23')
    expect(registrations.filter((r) => r[1] !== '0')).toEqual([
      ['2026-11-01', '1'],
      ['2026-11-20', '2'],
      ['2026-11-21', '1'],
    ])
    expect(tableRows(html, 'Hasil pengingat per hari')[0]).toEqual([
      'Tanggal',
      'Terkirim',
      'Gagal',
      'Dilewati',
      'Tidak diketahui',
    ])
    expect(body(html, 'Hasil pengingat per hari').filter((r) => r.slice(1).some((n) => n !== '0'))).toEqual([
      ['2026-11-21', '0', '0', '1', '0'],
      ['2026-11-22', '2', '1', '0', '1'],
    ])
    const messages = tableRows(html, 'Pesan terkirim per hari per kanal')
    expect(messages[0]).toEqual(['Tanggal', 'Telegram', 'WhatsApp'])
    expect(messages.slice(1).filter((r) => r.slice(1).some((n) => n !== '0'))).toEqual([
      ['2026-11-22', '2', '1'],
      ['2026-11-23', '1', '0'],
    ])
  })

  it('lists the seats of each upcoming session, soonest first', async () => {
    expect(body(await page(app), 'Kursi sesi Bimtek mendatang')).toEqual([
      ['BDG-1', '28 November 2026', '3', '2', '1'],
      ['PDG-1', '3 Desember 2026', '2', '1', '0'],
    ])
  })

  it('follows the chosen date range', async () => {
    const html = await page(app, '/admin?from=2026-11-21&to=2026-11-21')
    expect(body(html, 'Pendaftaran Bimtek per hari')).toEqual([['2026-11-21', '1']])
    expect(stat(html, 'Pengingat terkirim')).toBe('0')
    expect(stat(html, 'Pengingat dilewati')).toBe('1')
  })

  it('says beside the field what is wrong with a date, and shows the default range', async () => {
    const html = await page(app, '/admin?from=2026-11-30&to=2026-11-01')
    expect(html).toMatch(
      /<input type="date" id="from" name="from" value="2026-11-30" aria-invalid="true" aria-describedby="from-error">/,
    )
    expect(html).toContain('<span class="field-error" id="from-error">&quot;Dari&quot; harus sebelum')
    expect(body(html, 'Pendaftaran Bimtek per hari')).toHaveLength(30)
    const bad = await page(app, '/admin?to=2026-02-30')
    expect(bad).toContain('<span class="field-error" id="to-error">Tanggal tidak valid')
  })
})

describe('Beranda scoped by region', async () => {
  const db = await knownDb()

  it("an admin's region choice narrows every number to that region", async () => {
    const html = await page(dashboardApp(db, ADMIN), '/admin?region=R1')
    expect(stat(html, 'Pendaftaran bulan ini')).toBe('1')
    expect(stat(html, 'Pengingat terkirim')).toBe('0')
    expect(stat(html, 'Pengingat gagal')).toBe('1')
    expect(stat(html, 'Pengingat hasil tidak diketahui')).toBe('1')
    expect(stat(html, 'Pengingat dilewati')).toBe('1')
    expect(stat(html, 'Menunggu petugas')).toBe('0')
    expect(stat(html, 'Sedang dilayani')).toBe('1')
    expect(body(html, 'Percakapan dengan petugas per wilayah').map((r) => r[0])).toEqual([expect.stringMatching(/^R1 /)])
    expect(body(html, 'Obrolan per kanal')).toEqual([
      ['Telegram', '0', '0'],
      ['WhatsApp', '2', '1'],
    ])
    expect(body(html, 'Corong sertifikasi').map((r) => r[0])).toEqual([expect.stringMatching(/^R1 /)])
    expect(html).toContain('<option value="R1" selected>')
  })

  it('a regional account sees only its own region, even when the address asks for another or for all', async () => {
    const app = dashboardApp(db, REGIONAL_R2)
    for (const path of ['/admin', '/admin?region=R1', '/admin?region=']) {
      const html = await page(app, path)
      expect(stat(html, 'Pendaftaran bulan ini')).toBe('3')
      expect(stat(html, 'Kursi terisi \\(sesi mendatang\\)')).toBe('2 / 3')
      expect(stat(html, 'Daftar tunggu \\(sesi mendatang\\)')).toBe('1')
      expect(stat(html, 'Pengingat terkirim')).toBe('2')
      expect(stat(html, 'Pengingat gagal')).toBe('0')
      expect(stat(html, 'Pengingat hasil tidak diketahui')).toBe('0')
      expect(stat(html, 'Menunggu petugas')).toBe('1')
      expect(stat(html, 'Sedang dilayani')).toBe('0')
      expect(body(html, 'Percakapan dengan petugas per wilayah')).toEqual([
        [expect.stringMatching(/^R2 /), '1', '0', '0', '—', '—', '—'],
      ])
      expect(body(html, 'Orang per tahap').at(-1)).toEqual(['Jumlah', '2'])
      expect(body(html, 'Corong sertifikasi')).toEqual([[expect.stringMatching(/^R2 /), '2', '2', '1', '1', '0', '0', '0', '0']])
      expect(body(html, 'Kursi sesi Bimtek mendatang').map((r) => r[0])).toEqual(['BDG-1'])
      expect(html).not.toContain('<select id="region"')
    }
  })

  it("a regional account's CSV is of its own region too", async () => {
    const res = await dashboardApp(db, REGIONAL_R2).request('/admin/csv/kursi?region=R1')
    const rows = parse(await res.text(), { bom: true }) as string[][]
    expect(rows.map((r) => r[0])).toEqual(['Kode sesi', 'BDG-1'])
  })

  it('a viewer chooses any region, as an admin does', async () => {
    const html = await page(dashboardApp(db, VIEWER), '/admin?region=R1')
    expect(stat(html, 'Pendaftaran bulan ini')).toBe('1')
  })
})

describe('Beranda CSV', async () => {
  const db = await knownDb()
  const app = dashboardApp(db, ADMIN)

  it.each(['tahapan', 'pendaftaran', 'kursi', 'pengingat', 'pesan'])(
    '%s: a header row, then the rows of the table on the page',
    async (id) => {
      const html = await page(app, '/admin?region=R2')
      const link = new RegExp(`href="(/admin/csv/${id}\\?[^"]*)"`).exec(html)?.[1]?.replace(/&amp;/g, '&')
      expect(link).toBe(`/admin/csv/${id}?region=R2&from=2026-10-25&to=2026-11-23`)
      const res = await app.request(link as string)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="beranda-${id}-R2-2026-10-25_2026-11-23.csv"`)
      const csv = parse(await res.text(), { bom: true }) as string[][]
      const caption = /<section class="chart" aria-labelledby="grafik-[a-z]+"><h2 id="grafik-([a-z]+)">([^<]*)<\/h2>/g
      const title = [...html.matchAll(caption)].find((m) => m[1] === id)?.[2] as string
      expect(csv).toEqual(tableRows(html, title))
      expect(csv.length).toBeGreaterThan(1)
    },
  )

  it('percakapan: the handoff measures table as on the page, numbers unformatted', async () => {
    const html = await page(app, '/admin?region=R1')
    const link = /href="(\/admin\/csv\/percakapan\?[^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&')
    expect(link).toBe('/admin/csv/percakapan?region=R1&from=2026-10-25&to=2026-11-23')
    const res = await app.request(link as string)
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="beranda-percakapan-R1-2026-10-25_2026-11-23.csv"')
    expect(parse(await res.text(), { bom: true })).toEqual([
      [
        'Wilayah',
        'Menunggu',
        'Dilayani',
        'Ditutup',
        'Median sampai balasan pertama (menit kerja)',
        'Median sampai ditutup (menit kerja)',
        'Rata-rata penilaian',
        'Jumlah penilaian',
      ],
      [expect.stringMatching(/^R1 /), '0', '1', '3', '45', '105', '4.5', '2'],
    ])
  })

  it('refuses a chart that does not exist, and a bad date', async () => {
    expect((await app.request('/admin/csv/rahasia')).status).toBe(404)
    expect((await app.request('/admin/csv/kursi?from=kemarin')).status).toBe(400)
  })
})

describe('Beranda on an empty database', () => {
  it('shows zeros and an empty state for every chart, no chart and no broken table', async () => {
    const html = await page(dashboardApp(await emptyDb(), ADMIN))
    expect(stat(html, 'Pendaftaran bulan ini')).toBe('0')
    expect(stat(html, 'Kursi terisi \\(sesi mendatang\\)')).toBe('0 / 0')
    expect(html).toContain('Belum ada peserta dengan tahap sertifikasi di wilayah ini.')
    expect(html.match(/Belum ada data untuk grafik ini/g)).toHaveLength(5)
    expect(html).not.toContain('<svg')
    expect((await dashboardApp(await emptyDb(), ADMIN).request('/admin/csv/kursi')).status).toBe(200)
  })
})
