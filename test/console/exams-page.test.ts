/**
 * Ujian, the console's exam schedule: from today (WIB) unless asked, grouped by day, one person's
 * exams, scoped by the person's province (a regional account never sees another region's exam),
 * names masked for `viewer`, pages, an empty state and a CSV of what is filtered.
 */

import { describe, expect, it } from 'vitest'
import { written } from '../../src/db/client.js'
import { loadDemoData } from '../../src/db/demo-data.js'
import { exams, people } from '../../src/db/schema.js'
import { browserOn, consoleFixture } from './support.js'

type Fixture = Awaited<ReturnType<typeof consoleFixture>>

/** Budi (Jawa Barat, R2) and Siti (Jawa Tengah, R3), each with exams; the clock is 2026-11-23 09:00 WIB. */
async function seed(f: Fixture) {
  const person = async (fullName: string, provinceCode: string) =>
    written(
      await f.core.db.insert(people).values({ fullName, provinceCode, timeZone: 'Asia/Jakarta' }).returning({ id: people.id }),
    ).id
  const budi = await person('Budi Santoso', '32')
  const siti = await person('Siti Aminah', '33')
  const exam = async (personId: number, code: string, startsAt: string, extra: Partial<typeof exams.$inferInsert> = {}) =>
    await f.core.db.insert(exams).values({
      personId,
      code,
      kind: 'ujian_kognitif',
      mode: 'daring',
      meetingUrl: `https://ujian.example/${code}`,
      startsAt: new Date(startsAt),
      timeZone: 'Asia/Jakarta',
      ...extra,
    })
  await exam(budi, 'UJK-OLD', '2026-11-20T02:00:00Z') // before today: not listed by default
  await exam(budi, 'UJK-B1', '2026-11-24T02:00:00Z', { attendanceConfirmedAt: new Date('2026-11-23T01:00:00Z') })
  await exam(budi, 'WWC-B1', '2026-11-26T03:30:00Z', {
    kind: 'wawancara',
    mode: 'tatap_muka',
    venue: 'BBPPKS Bandung',
    meetingUrl: null,
  })
  await exam(siti, 'UJK-S1', '2026-11-24T06:00:00Z')
  return { budi, siti }
}

async function setUp(role: 'admin' | 'regional' | 'viewer' = 'admin') {
  const f = await consoleFixture()
  const ids = await seed(f)
  await f.addAccount({ email: 'staf@kemensos.go.id', name: 'Dewi Anggraini', role, ...(role === 'regional' && { region: 'R2' }) })
  const browser = browserOn(f.app)
  await browser.signIn('staf@kemensos.go.id')
  const page = async (path: string) => {
    const response = await browser.request(path)
    return { status: response.status, html: await response.text(), type: response.headers.get('content-type') }
  }
  return { f, page, ...ids }
}

/** The rows as "day | time | kind | person | place | HADIR". */
const rowsOn = (html: string) =>
  [...html.matchAll(/<caption>(\d{4}-\d{2}-\d{2})<\/caption>[\s\S]*?<\/table>/g)].flatMap(([table, day]) =>
    [...table.matchAll(/<tr><td>([^<]+)<\/td><td>([^<]+)<\/td><td>[^<]+<\/td>\s*<td>(?:<a [^>]+>)?([^<]+)/g)].map(
      ([, time, kind, person]) => `${day} | ${time} | ${kind} | ${person?.trim()}`,
    ),
  )

describe('the schedule', () => {
  it('lists from today by default, grouped by day in time order, with HADIR and the place', async () => {
    const { page } = await setUp('admin')
    const { html } = await page('/admin/ujian')
    expect(rowsOn(html)).toEqual([
      '2026-11-24 | 09.00 WIB | Ujian kognitif | Budi Santoso',
      '2026-11-24 | 13.00 WIB | Ujian kognitif | Siti Aminah',
      '2026-11-26 | 10.30 WIB | Wawancara | Budi Santoso',
    ])
    expect(html).toContain('BBPPKS Bandung')
    expect(html).toContain('https://ujian.example/UJK-B1')
    expect(html).toContain('<a href="/admin/ujian" aria-current="page">Ujian</a>')
    expect(rowsOn((await page('/admin/ujian?dari=2026-11-01&sampai=2026-11-20')).html)).toEqual([
      '2026-11-20 | 09.00 WIB | Ujian kognitif | Budi Santoso',
    ])
  })

  it("one person's exams, linked from the list; an empty range says so; a bad date is named beside its field", async () => {
    const { page, budi } = await setUp('admin')
    const { html } = await page(`/admin/ujian?orang=${budi}`)
    expect(rowsOn(html).map((row) => row.split(' | ')[3])).toEqual(['Budi Santoso', 'Budi Santoso'])
    expect(html).toContain(`<a href="/admin/peserta/${budi}">halaman peserta</a>`)
    expect((await page('/admin/ujian?dari=2027-01-01')).html).toContain(
      '<p class="empty">Tidak ada ujian terjadwal pada rentang ini.</p>',
    )
    const bad = (await page('/admin/ujian?dari=2026-02-30')).html
    expect(bad).toContain('aria-invalid="true" aria-describedby="f-dari-error"')
    expect(bad).toContain('<span class="field-error" id="f-dari-error">Tanggal tidak valid (tttt-bb-hh).</span>')
  })

  it("a regional account sees its region's exams only, also when asking for another region's person", async () => {
    const { page, siti } = await setUp('regional')
    expect(rowsOn((await page('/admin/ujian')).html).map((row) => row.split(' | ')[3])).toEqual(['Budi Santoso', 'Budi Santoso'])
    const other = (await page(`/admin/ujian?orang=${siti}`)).html
    expect(rowsOn(other)).toEqual([])
    expect(other).not.toContain('Siti')
    expect((await page(`/admin/ujian/csv?orang=${siti}`)).html).not.toContain('Siti')
  })

  it('a viewer sees names masked and no link to a person page, in the page and the CSV', async () => {
    const { page } = await setUp('viewer')
    const { html } = await page('/admin/ujian')
    expect(html).toContain('Bud… San…')
    expect(html).not.toContain('Budi Santoso')
    expect(html).not.toContain('/admin/peserta/')
    const csv = (await page('/admin/ujian/csv')).html
    expect(csv).toContain('Bud… San…')
    expect(csv).not.toContain('Budi')
  })

  it('pages of 50, and the CSV holds every filtered exam', async () => {
    const { f, page, budi } = await setUp('admin')
    for (let i = 0; i < 60; i++)
      await f.core.db.insert(exams).values({
        personId: budi,
        code: `UJK-X${i}`,
        kind: 'ujian_kognitif',
        mode: 'daring',
        startsAt: new Date(Date.UTC(2026, 11, 1, 1, i)),
        timeZone: 'Asia/Jakarta',
      })
    const first = (await page('/admin/ujian')).html
    expect(first).toContain('63 ujian · halaman 1 dari 2')
    expect(rowsOn(first)).toHaveLength(50)
    expect(first).toContain('href="/admin/ujian?page=2" rel="next"')
    expect(rowsOn((await page('/admin/ujian?page=2')).html)).toHaveLength(13)
    const csv = await page('/admin/ujian/csv')
    expect(csv.type).toBe('text/csv; charset=utf-8')
    const lines = csv.html.trim().split('\n')
    expect(lines[0]).toContain('mulai_utc,tanggal_wib,jam_setempat,jenis,cara,peserta,tempat,tautan,status,hadir')
    expect(lines).toHaveLength(64)
  })
})

describe('with the demo dataset', () => {
  it('Peserta lists its people and Ujian its coming exams, for an admin and a regional account', async () => {
    const f = await consoleFixture()
    await loadDemoData(f.core.db, f.clock.now(), f.core.vault)
    await f.addAccount({ email: 'admin@kemensos.go.id', role: 'admin' })
    await f.addAccount({ email: 'r2@kemensos.go.id', role: 'regional', region: 'R2' })
    for (const email of ['admin@kemensos.go.id', 'r2@kemensos.go.id']) {
      const browser = browserOn(f.app)
      await browser.signIn(email)
      const peserta = await (await browser.request('/admin/peserta')).text()
      expect(peserta, email).toMatch(/[1-9]\d* peserta · halaman 1/)
      const ujian = await (await browser.request('/admin/ujian')).text()
      expect(rowsOn(ujian).length, email).toBeGreaterThan(0)
    }
  })
})
