/**
 * The dashboard's charts: SVG drawn from the numbers they are given, safe under a CSP without
 * inline script or style, and every ECharts instance disposed.
 */
import * as echarts from 'echarts'
import { describe, expect, it } from 'vitest'
import { loadDashboard } from '../../src/core/console/dashboard.js'
import { createWorkingCalendar } from '../../src/core/handoff/hours.js'
import { DEFAULT_HANDOFF_SETTINGS } from '../../src/core/handoff/settings.js'
import { dashboardRegions } from '../../src/db/queries/console-dashboard.js'
import { cleanSvg, dashboardCharts, drawChart, PALETTE, renderSvg } from '../../src/web/console/charts.js'
import { knownDb, NOW } from './dashboard-fixture.js'

/** The heights of the bars drawn in `colour` (ECharts draws a bar as "M x y l w 0 l 0 -h …"), left to right. */
function barHeights(svg: string, colour: string): number[] {
  const bars = [...svg.matchAll(/<path d="M([\d.]+) [\d.]+l[\d.]+ 0l0 -([\d.]+)l[^"]*Z" fill="([^"]+)"/g)]
  return bars
    .filter((m) => m[3] === colour)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => Number(m[2]))
}

const ratios = (values: number[]) => values.map((v) => v / Math.max(...values))

describe('dashboard charts', async () => {
  const db = await knownDb()
  const regions = await dashboardRegions(db)
  const data = await loadDashboard(db, {
    regions,
    scope: null,
    range: { firstDay: 20_750, lastDay: 20_780 },
    now: NOW,
    calendar: createWorkingCalendar(DEFAULT_HANDOFF_SETTINGS),
  })
  const charts = dashboardCharts(data)

  it('draws bars as tall as the numbers in the table', () => {
    const seats = charts.find((c) => c.id === 'kursi')
    if (!seats) throw new Error('no seats chart')
    // Capacity 3 and 2, filled 2 and 1 (the first and second colours), on one scale.
    const capacity = barHeights(seats.svg, PALETTE[0] as string)
    const filled = barHeights(seats.svg, PALETTE[1] as string)
    expect(capacity).toHaveLength(2)
    expect(filled).toHaveLength(2)
    const unit = (capacity[0] ?? 0) / 3
    expect([...capacity, ...filled].map((h) => Math.round(h / unit))).toEqual(
      seats.table.rows.flatMap((r) => [r[2]]).concat(seats.table.rows.map((r) => r[3])),
    )
    const registrations = charts.find((c) => c.id === 'pendaftaran')
    const counts = registrations?.table.rows.map((r) => Number(r[1])).filter((n) => n > 0) ?? []
    expect(ratios(barHeights(registrations?.svg ?? '', PALETTE[0] as string).filter((h) => h > 0))).toEqual(ratios(counts))
  })

  it('names the categories and series in Indonesian and labels each chart as one image', () => {
    const funnel = charts.find((c) => c.id === 'tahapan')?.svg ?? ''
    for (const label of ['Terdaftar', 'Seleksi administrasi', 'Wawancara', 'Sertifikat terbit', 'Tanpa wilayah'])
      expect(funnel).toContain(`>${label}<`)
    expect(funnel).toMatch(/^<svg role="img" aria-label="Corong sertifikasi per wilayah"/)
    const reminders = charts.find((c) => c.id === 'pengingat')?.svg ?? ''
    for (const label of ['Terkirim', 'Gagal', 'Dilewati', 'Tidak diketahui']) expect(reminders).toContain(`>${label}<`)
  })

  it('holds no script, no event handler, no style attribute and no style element', () => {
    expect(charts.filter((c) => !c.empty)).toHaveLength(5)
    for (const chart of charts) {
      expect(chart.svg).not.toMatch(/<script/i)
      expect(chart.svg).not.toMatch(/\son[a-z]+=/i)
      expect(chart.svg).not.toMatch(/\sstyle=/i)
      expect(chart.svg).not.toMatch(/<style/i)
      // The fonts ECharts wrote as style attributes are kept as presentation attributes.
      expect(chart.svg).toContain('font-size="12px"')
    }
  })

  it('turns a style attribute into presentation attributes, and refuses one it cannot keep', () => {
    const raw = '<svg width="1"><text style="font-size:12px;font-family:sans-serif;">a</text><style>.x{}</style></svg>'
    expect(cleanSvg(raw, 'A')).toBe(
      '<svg role="img" aria-label="A" focusable="false" width="1"><text font-size="12px" font-family="sans-serif">a</text></svg>',
    )
    expect(() => cleanSvg('<svg><text style="background:url(x)">a</text></svg>', 'A')).toThrow(/style the chart cannot keep/)
  })

  it('leaves no ECharts instance alive, even after 500 charts or one that fails', () => {
    /** The id ECharts gives the next instance ("ec_" and a counter), found by making and disposing one. */
    const nextId = () => {
      const probe = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 10, height: 10 })
      const id = Number(probe.id.slice(3))
      probe.dispose()
      return id
    }
    const first = nextId()
    for (let i = 0; i < 100; i++) dashboardCharts(data)
    // A chart that fails while being drawn (its option throws when read).
    const failing = {
      get series(): never {
        throw new Error('broken option')
      },
    }
    expect(() => renderSvg(failing, 'x')).toThrow('broken option')
    const last = nextId()
    expect(last - first).toBeGreaterThanOrEqual(500)
    const alive: string[] = []
    for (let id = first; id <= last; id++) if (echarts.getInstanceById(`ec_${id}`)) alive.push(`ec_${id}`)
    expect(alive).toEqual([])
  })

  it('draws nothing for a chart whose numbers are all zero', () => {
    const chart = drawChart({
      id: 'kursi',
      title: 'x',
      categories: ['a'],
      lines: [{ name: 'n', values: [0] }],
      table: { caption: '', head: [], rows: [] },
      rotate: 0,
    })
    expect(chart).toMatchObject({ empty: true, svg: '' })
  })
})
