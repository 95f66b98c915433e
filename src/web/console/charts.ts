/**
 * The dashboard's charts, drawn on the server as SVG by Apache ECharts (no browser, no script),
 * each with the table of its numbers (shown under the chart, and served as CSV). The SVG is
 * cleaned for a strict CSP: ECharts writes the font of every text as a `style` attribute and adds a
 * `<style>` element of hover rules, both blocked by a `style-src` without 'unsafe-inline'; the
 * fonts become SVG presentation attributes (which no CSP blocks) and the hover rules go.
 */
import * as echarts from 'echarts'
import { CHANNEL_LABEL, type DashboardData, FUNNEL_STEPS } from '../../core/console/dashboard.js'
import { STAGE_LABEL } from '../../core/status/stages.js'
import { formatDate } from '../../core/text/dates.js'

/** The numbers of one chart: a caption, the column headings, and one row per category. */
export type ChartTable = { caption: string; head: string[]; rows: (string | number)[][] }

export type Chart = { id: ChartId; title: string; svg: string; table: ChartTable; empty: boolean }

export const CHART_IDS = ['tahapan', 'pendaftaran', 'kursi', 'pengingat', 'pesan'] as const
export type ChartId = (typeof CHART_IDS)[number]

/** Colours that keep a contrast of at least 4.5:1 on white, told apart by more than hue alone where it matters. */
export const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#7e22ce', '#b91c1c', '#0e7490', '#4d5562']
const TEXT = '#1f2933'
const AXIS = '#4b5563'

const WIDTH = 720
const HEIGHT = 340

// The font properties ECharts puts in a text's style attribute, all of them SVG presentation attributes.
const PRESENTATION = new Set(['font-size', 'font-family', 'font-weight', 'font-style', 'font-variant'])

/**
 * ECharts' SVG made safe under a CSP without 'unsafe-inline' styles: `style` attributes turned into
 * presentation attributes (anything else in one is a bug here: thrown), the `<style>` element and
 * the hover classes and metadata attributes it served dropped; labelled as one image.
 */
export function cleanSvg(svg: string, label: string): string {
  const out = svg
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/ style="([^"]*)"/g, (_, declarations: string) =>
      declarations
        .split(';')
        .filter((d) => d.trim() !== '')
        .map((declaration) => {
          const colon = declaration.indexOf(':')
          const property = declaration.slice(0, colon).trim()
          const value = declaration.slice(colon + 1).trim()
          if (colon < 0 || !PRESENTATION.has(property))
            throw new Error(`ECharts wrote a style the chart cannot keep: ${declaration}`)
          return ` ${property}="${value.replace(/"/g, '&quot;')}"`
        })
        .join(''),
    )
    .replace(/ (class="zr\d+-cls-\d+"|ecmeta_[a-z_]+="[^"]*")/g, '')
    .replace(/<defs\s*>\s*<\/defs>/g, '')
    .replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(label)}" focusable="false" `)
  if (/<script|\son[a-z]+=|\sstyle=|<style/i.test(out)) throw new Error('chart SVG still holds a script or a style')
  return out
}

const escapeAttribute = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch)

/** One chart as SVG: a new ECharts instance, always disposed, whatever happens. */
export function renderSvg(option: echarts.EChartsCoreOption, label: string, size = { width: WIDTH, height: HEIGHT }): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height })
  try {
    chart.setOption({
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: 'sans-serif', color: TEXT, fontSize: 12 },
      ...option,
    })
    return cleanSvg(chart.renderToSVGString(), label)
  } finally {
    chart.dispose()
  }
}

const axis = { axisLabel: { color: AXIS }, axisLine: { lineStyle: { color: AXIS } } }
const valueAxis = { type: 'value', minInterval: 1, ...axis, splitLine: { lineStyle: { color: '#d1d5db' } } }
const legend = { bottom: 0, textStyle: { color: TEXT }, selectedMode: false }
const grid = { left: 56, right: 24, top: 24, bottom: 72 }
// No hover effect: a server-drawn chart cannot react, and the hover rules would need a <style>.
const series = { emphasis: { disabled: true }, silent: true }

/** "23/11" for a day key, as the axis shows it. */
const shortDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`

/** What a chart shows, before it is drawn: its categories, one line (series) per name, its table. */
type ChartSpec = {
  id: ChartId
  title: string
  categories: string[]
  lines: { name: string; values: number[]; type?: 'bar' | 'line'; stack?: string }[]
  table: ChartTable
  rotate: number
}

/** Draws a chart (nothing when every number is zero: the page shows an empty state instead). */
export function drawChart(spec: ChartSpec): Chart {
  const { id, title, categories, lines, table } = spec
  const empty = lines.every((line) => line.values.every((value) => value === 0))
  const svg = empty
    ? ''
    : renderSvg(
        {
          grid,
          legend: { ...legend, data: lines.map((line) => line.name) },
          xAxis: {
            type: 'category',
            data: categories,
            ...axis,
            axisLabel: { color: AXIS, rotate: spec.rotate, hideOverlap: true },
          },
          yAxis: valueAxis,
          series: lines.map((line) => ({
            ...series,
            name: line.name,
            type: line.type ?? 'bar',
            data: line.values,
            ...(line.stack && { stack: line.stack }),
            ...(line.type === 'line' && { symbolSize: 5 }),
          })),
        },
        title,
      )
  return { id, title, svg, table, empty }
}

const SPECS: Record<ChartId, (data: DashboardData) => ChartSpec> = {
  /** The certification funnel: per region, how many people reached each step. */
  tahapan: (data) => {
    const steps = FUNNEL_STEPS.map((stage) => STAGE_LABEL[stage].id)
    const title = 'Corong sertifikasi per wilayah'
    return {
      id: 'tahapan',
      title,
      categories: steps,
      lines: data.funnel.map((line) => ({ name: line.label, values: line.reached })),
      table: {
        caption: `${title}: jumlah orang yang sudah mencapai tiap tahap (saat ini)`,
        head: ['Wilayah', ...steps],
        rows: data.funnel.map((line) => [line.label, ...line.reached]),
      },
      rotate: 30,
    }
  },
  pendaftaran: (data) => {
    const title = 'Pendaftaran Bimtek per hari'
    return {
      id: 'pendaftaran',
      title,
      categories: data.registrationDays.map((d) => shortDay(d.day)),
      lines: [{ name: 'Pendaftaran', values: data.registrationDays.map((d) => d.count) }],
      table: {
        caption: `${title} (tanggal WIB)`,
        head: ['Tanggal', 'Pendaftaran'],
        rows: data.registrationDays.map((d) => [d.day, d.count]),
      },
      rotate: 45,
    }
  },
  kursi: (data) => {
    const title = 'Kursi sesi Bimtek mendatang'
    const sessions = data.seats.sessions
    return {
      id: 'kursi',
      title,
      categories: sessions.map((s) => s.code),
      lines: [
        { name: 'Kapasitas', values: sessions.map((s) => s.capacity) },
        { name: 'Terisi', values: sessions.map((s) => s.filled) },
        { name: 'Daftar tunggu', values: sessions.map((s) => s.waiting) },
      ],
      table: {
        caption: `${title}: ${sessions.length} sesi terdekat (terisi = terkonfirmasi dan kursi yang sedang ditawarkan)`,
        head: ['Kode sesi', 'Mulai', 'Kapasitas', 'Terisi', 'Daftar tunggu'],
        rows: sessions.map((s) => [s.code, formatDate(s.startsAt, 'date', 'id', s.timeZone), s.capacity, s.filled, s.waiting]),
      },
      rotate: 30,
    }
  },
  pengingat: (data) => {
    const title = 'Hasil pengingat per hari'
    const days = data.reminderDays
    return {
      id: 'pengingat',
      title,
      categories: days.map((d) => shortDay(d.day)),
      lines: [
        { name: 'Terkirim', values: days.map((d) => d.sent), stack: 'hasil' },
        { name: 'Gagal', values: days.map((d) => d.failed), stack: 'hasil' },
        { name: 'Dilewati', values: days.map((d) => d.skipped), stack: 'hasil' },
        // Last, so the other series keep their colours; apart from Gagal: it may have arrived.
        { name: 'Tidak diketahui', values: days.map((d) => d.unknown), stack: 'hasil' },
      ],
      table: {
        caption: `${title} (menurut tanggal jadwal kirim, WIB; tidak diketahui: server berhenti saat mengirim, mungkin sudah sampai)`,
        head: ['Tanggal', 'Terkirim', 'Gagal', 'Dilewati', 'Tidak diketahui'],
        rows: days.map((d) => [d.day, d.sent, d.failed, d.skipped, d.unknown]),
      },
      rotate: 45,
    }
  },
  pesan: (data) => {
    const title = 'Pesan terkirim per hari per kanal'
    const days = data.messageDays
    return {
      id: 'pesan',
      title,
      categories: days.map((d) => shortDay(d.day)),
      lines: data.channels.map((channel) => ({
        name: CHANNEL_LABEL[channel],
        type: 'line' as const,
        values: days.map((d) => d.counts[channel]),
      })),
      table: {
        caption: `${title} (pesan dari outbox: pengingat, tawaran kursi, kabar status; tanggal WIB)`,
        head: ['Tanggal', ...data.channels.map((c) => CHANNEL_LABEL[c])],
        rows: days.map((d) => [d.day, ...data.channels.map((c) => d.counts[c])]),
      },
      rotate: 45,
    }
  },
}

/** Every chart of the dashboard, drawn, in the page's order. */
export function dashboardCharts(data: DashboardData): Chart[] {
  return CHART_IDS.map((id) => drawChart(SPECS[id](data)))
}

/** One chart's table, without drawing it (for the CSV download). */
export function chartTable(data: DashboardData, id: ChartId): ChartTable {
  return SPECS[id](data).table
}
