/**
 * Impor data: a file uploaded, previewed with the import's dryRun (nothing written, every bad line
 * with its reason), corrected, confirmed (exactly the previewed file), written with the staff
 * member in the audit log; files kept for their uploader only, for an hour; regional accounts
 * limited to their region; viewer kept out.
 */

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { importSessions } from '../../src/core/sessions/import.js'
import { importStatus } from '../../src/core/status/import.js'
import { statement } from '../../src/db/client.js'
import { loadDemoData } from '../../src/db/demo-data.js'
import { reminderSettingsOf } from '../../src/settings.js'
import { IMPORT_SAMPLES, STATUS_SAMPLE_WITH_MISTAKE } from '../../src/web/console/import-samples.js'
import { MAX_UPLOAD_BYTES } from '../../src/web/console/imports-page.js'
import { auditOf, browserOn, consoleFixture } from './support.js'

type Browser = Awaited<ReturnType<typeof browserOn>>

async function setUp(role: 'admin' | 'regional' | 'viewer' = 'admin') {
  const f = await consoleFixture()
  const id = await f.addAccount({
    email: 'staf@kemensos.go.id',
    name: 'Dewi Anggraini',
    role,
    ...(role === 'regional' && { region: 'R2' }),
  })
  const browser = browserOn(f.app)
  await browser.signIn('staf@kemensos.go.id')
  return { f, id, browser }
}

/** Posts the upload form of /admin/impor (with its CSRF token) with `content` as `name`. */
async function upload(browser: Browser, kind: string, content: string, name = 'status.csv', csrf?: string) {
  const token = csrf ?? browser.csrfOf(await (await browser.request('/admin/impor')).text())
  const form = new FormData()
  form.set('_csrf', token)
  form.set('kind', kind)
  form.set('file', new File([content], name, { type: 'text/csv' }))
  return browser.request('/admin/impor', { multipart: form })
}

const count = async (f: Awaited<ReturnType<typeof consoleFixture>>, table: string) =>
  ((await statement(f.core.db, `select count(*) as n from ${table}`).get()) as { n: number }).n

/** The text of a page without its tags, spaces folded. */
const text = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()

describe('Impor data', () => {
  it('previews a status file with a mistake without writing, then imports the corrected file with the staff member on record', async () => {
    const { f, id, browser } = await setUp()
    const first = await upload(browser, 'status', STATUS_SAMPLE_WITH_MISTAKE, 'status-dengan-kesalahan.csv')
    expect(first.status).toBe(303)
    const preview = await browser.request(first.headers.get('location') ?? '')
    const page = await preview.text()
    expect(text(page)).toContain('1 baris ditolak; tidak ada yang disimpan')
    expect(text(page)).toMatch(/3 stage_date tanggal itu tidak ada \(tertulis "2026-02-30"\)/)
    expect(page).not.toContain('Impor sekarang')
    expect(page).toContain('Unggah berkas yang sudah diperbaiki')
    expect(await count(f, 'people')).toBe(0)
    expect(await auditOf(f.core, 'import')).toEqual([])

    // The corrected file, through the form the preview offers.
    const second = await upload(browser, 'status', IMPORT_SAMPLES.status, 'status-sertifikasi.csv', browser.csrfOf(page))
    const previewUrl = second.headers.get('location') ?? ''
    expect((await browser.request(first.headers.get('location') ?? '')).status).toBe(404) // replaced by the corrected file
    const good = await (await browser.request(previewUrl)).text()
    expect(text(good)).toContain('Uji coba: tidak ada yang disimpan')
    expect(text(good)).toMatch(/orang ditambahkan 2 .*tahap ditambahkan 5/)
    expect(await count(f, 'people')).toBe(0)

    const sha256 = good.match(/name="sha256" value="([0-9a-f]{64})"/)?.[1] ?? ''
    const confirmed = await browser.request(previewUrl, { form: { _csrf: browser.csrfOf(good), sha256 } })
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toMatch(/^\/admin\/impor\/hasil\/\d+$/)
    expect(await count(f, 'people')).toBe(2)
    expect(await count(f, 'certification_stages')).toBe(5)
    expect(await count(f, 'pending_imports')).toBe(0)
    const [audit] = await auditOf(f.core, 'import')
    expect(audit).toMatchObject({ actor: `staff:${id}`, entity: 'certification_stages' })
    expect(JSON.parse(audit?.details ?? '{}')).toMatchObject({ peopleAdded: 2, stagesAdded: 5, file: 'status-sertifikasi.csv' })

    const result = text(await (await browser.request(confirmed.headers.get('location') ?? '')).text())
    expect(result).toContain('Impor selesai')
    expect(result).toMatch(/orang ditambahkan 2/)
    const history = text(await (await browser.request('/admin/impor')).text())
    expect(history).toMatch(/Status sertifikasi status-sertifikasi\.csv Dewi Anggraini 2 orang ditambahkan/)
  })

  it('imports exactly the previewed file: another hash, another staff member, an expired or cancelled upload import nothing', async () => {
    const { f, browser } = await setUp()
    const location = (await upload(browser, 'status', IMPORT_SAMPLES.status)).headers.get('location') ?? ''
    const page = await (await browser.request(location)).text()
    const csrf = browser.csrfOf(page)

    const otherHash = await browser.request(location, { form: { _csrf: csrf, sha256: '0'.repeat(64) } })
    expect(otherHash.status).toBe(409)
    expect(text(await otherHash.text())).toContain('bukan berkas pratinjau yang dikonfirmasi')
    expect(await count(f, 'people')).toBe(0)

    await f.addAccount({ email: 'lain@kemensos.go.id', name: 'Rudi Hartono' })
    const other = browserOn(f.app, '198.51.100.8')
    await other.signIn('lain@kemensos.go.id')
    expect((await other.request(location)).status).toBe(404)
    const sha256 = page.match(/name="sha256" value="([0-9a-f]{64})"/)?.[1] ?? ''
    const stolen = await other.request(location, {
      form: { _csrf: other.csrfOf(await (await other.request('/admin/impor')).text()), sha256 },
    })
    expect(stolen.status).toBe(404)
    expect(await count(f, 'people')).toBe(0)

    f.clock.advance(61 * 60_000)
    await browser.signIn('staf@kemensos.go.id') // the session itself ended after 30 quiet minutes
    const fresh = browser.csrfOf(await (await browser.request('/admin/impor')).text())
    const late = await browser.request(location, { form: { _csrf: fresh, sha256 } })
    expect(late.status).toBe(404)
    expect(text(await late.text())).toContain('sudah kedaluwarsa')
    expect(await count(f, 'people')).toBe(0)

    const again = (await upload(browser, 'status', IMPORT_SAMPLES.status)).headers.get('location') ?? ''
    expect(await count(f, 'pending_imports')).toBe(1) // the expired file went with this upload
    await other.signIn('lain@kemensos.go.id')
    await upload(other, 'status', IMPORT_SAMPLES.status)
    expect(await count(f, 'pending_imports')).toBe(2) // one per staff member
    const cancelled = await browser.request(`${again}/batal`, { form: { _csrf: fresh } })
    expect(cancelled.headers.get('location')).toBe('/admin/impor?batal=1')
    expect(await count(f, 'pending_imports')).toBe(1) // the other staff member's
    expect((await browser.request(again)).status).toBe(404)
  })

  it('refuses an upload without its CSRF token, without a file, or too large, with the reason beside the field', async () => {
    const { f, browser } = await setUp()
    const form = new FormData()
    form.set('kind', 'status')
    form.set('file', new File([IMPORT_SAMPLES.status], 'status.csv'))
    expect((await browser.request('/admin/impor', { multipart: form })).status).toBe(403)

    const empty = await upload(browser, 'status', '', 'kosong.csv')
    expect(empty.status).toBe(400)
    expect(await empty.text()).toMatch(/<span class="error" id="f-file-error">Berkas ini kosong\.<\/span>/)

    const large = await upload(browser, 'status', 'x'.repeat(MAX_UPLOAD_BYTES + 100_000))
    expect(large.status).toBe(413)
    expect(text(await large.text())).toContain('Berkas terlalu besar: paling besar 5 MB')
    expect(await count(f, 'pending_imports')).toBe(0)
  })

  it('lets a regional account import only its region: other regions’ rows refused with their reason, no certificates, its own history', async () => {
    const { f, browser } = await setUp('regional')
    const form = await (await browser.request('/admin/impor')).text()
    expect(form).not.toContain('value="certificates"')
    const certificates = await upload(browser, 'certificates', IMPORT_SAMPLES.certificates)
    expect(certificates.status).toBe(400)
    expect(text(await certificates.text())).toContain('Akun Anda tidak dapat mengimpor sertifikat')

    // Budi (province 32) is R2's, Andi (73) R5's.
    const location = (await upload(browser, 'status', IMPORT_SAMPLES.status)).headers.get('location') ?? ''
    const preview = text(await (await browser.request(location)).text())
    expect(preview).toContain('2 baris ditolak')
    expect(preview).toMatch(/5 province provinsi 73 di luar wilayah R2/)
    expect(preview).not.toMatch(/\b2 province/)

    const sessions = IMPORT_SAMPLES.sessions.split('\n')
    const ours = [sessions[0], ...sessions.slice(1).filter((line) => line.startsWith('BMT-YOG'))].join('\n')
    const yogya = (await upload(browser, 'sessions', IMPORT_SAMPLES.sessions)).headers.get('location') ?? ''
    expect(text(await (await browser.request(yogya)).text())).toMatch(/region sesi ini \(wilayah R5\) di luar wilayah R2/)
    // Yogyakarta is R3's city: a file of R2's own sessions goes through.
    const bandung = ours.replace('Yogyakarta', 'R2')
    const own = (await upload(browser, 'sessions', bandung, 'sesi-r2.csv')).headers.get('location') ?? ''
    const page = await (await browser.request(own)).text()
    const sha256 = page.match(/name="sha256" value="([0-9a-f]{64})"/)?.[1] ?? ''
    expect((await browser.request(own, { form: { _csrf: browser.csrfOf(page), sha256 } })).status).toBe(303)
    expect(await count(f, 'bimtek_sessions')).toBe(1)
    expect(JSON.parse((await auditOf(f.core, 'import'))[0]?.details ?? '{}')).toMatchObject({ region: 'R2', file: 'sesi-r2.csv' })

    // An import for the whole country (the CLI's) is not in R2's history.
    await statement(
      f.core.db,
      `insert into audit_log (at, actor, action, entity, details) values (?, 'cli', 'import', 'exams', '{"inserted":4,"file":"nasional.csv"}')`,
    ).run(f.clock.now().getTime())
    const history = text(await (await browser.request('/admin/impor')).text())
    expect(history).toContain('sesi-r2.csv')
    expect(history).not.toContain('nasional.csv')
    const national = (await statement(f.core.db, `select max(id) as id from audit_log where actor = 'cli'`).get()) as {
      id: number
    }
    const result = await browser.request(`/admin/impor/hasil/${national.id}`)
    expect(result.status).toBe(404)
    expect(text(await result.text())).toContain('Impor ini tidak ada, atau bukan impor wilayah Anda.')
  })

  it('refuses a regional account the exams and status of people on record in another region, and another region’s session code', async () => {
    const { f, browser } = await setUp('regional')
    const cli = {
      actor: 'cli',
      now: f.clock.now(),
      vault: f.core.vault,
      reminders: reminderSettingsOf(loadConfig({ NODE_ENV: 'test' })),
    }
    expect((await importStatus(f.core.db, IMPORT_SAMPLES.status, cli)).ok).toBe(true)
    // Andi is on record in province 73 (R5): a file moving him to R2's province 32 is still refused.
    const moved = `${IMPORT_SAMPLES.status.split('\n')[0]}\n7371014708850003,Andi Nurhaliza,1985-08-07,,32,,,,Bimtek,2026-03-10,,\n`
    const status = (await upload(browser, 'status', moved)).headers.get('location') ?? ''
    expect(text(await (await browser.request(status)).text())).toContain('orang ini tercatat di provinsi 73, di luar wilayah R2')

    const exams = (await upload(browser, 'exams', IMPORT_SAMPLES.exams)).headers.get('location') ?? ''
    const preview = text(await (await browser.request(exams)).text())
    expect(preview).toContain('2 baris ditolak')
    expect(preview.match(/nik orang ini tercatat di luar wilayah R2/g)).toHaveLength(2)

    expect((await importSessions(f.core.db, IMPORT_SAMPLES.sessions, cli)).ok).toBe(true)
    const taken = IMPORT_SAMPLES.sessions.replace(
      'BMT-MKS-2027-01,Bimtek Sertifikasi Penyuluh Sosial,penyuluh sosial,R5',
      'BMT-MKS-2027-01,Bimtek Sertifikasi Penyuluh Sosial,penyuluh sosial,R2',
    )
    const sessions = (await upload(browser, 'sessions', taken)).headers.get('location') ?? ''
    expect(text(await (await browser.request(sessions)).text())).toContain(
      'code kode ini milik sesi yang sudah tercatat di luar wilayah R2',
    )
  })

  it('does not import a kind the staff member may no longer import after a role change', async () => {
    const { f, id, browser } = await setUp()
    const location = (await upload(browser, 'certificates', IMPORT_SAMPLES.certificates)).headers.get('location') ?? ''
    const page = await (await browser.request(location)).text()
    await statement(f.core.db, `update staff set role = 'regional', region = 'R2' where id = ?`).run(id)
    const sha256 = page.match(/name="sha256" value="([0-9a-f]{64})"/)?.[1] ?? ''
    expect((await browser.request(location, { form: { _csrf: browser.csrfOf(page), sha256 } })).status).toBe(404)
    expect(await count(f, 'certificates')).toBe(0)
  })

  it('keeps viewer out: no menu entry, 403 on the page and on an upload', async () => {
    const { f, browser } = await setUp('viewer')
    expect(await (await browser.request('/admin')).text()).not.toContain('href="/admin/impor"')
    expect((await browser.request('/admin/impor')).status).toBe(403)
    expect((await upload(browser, 'status', IMPORT_SAMPLES.status)).status).toBe(403)
    expect(await count(f, 'pending_imports')).toBe(0)
  })

  it('shows the imports that loaded the demo dataset in the history', async () => {
    const { f, browser } = await setUp()
    await loadDemoData(f.core.db, f.clock.now())
    const history = text(await (await browser.request('/admin/impor')).text())
    expect(history).toContain('3 impor, terbaru lebih dulu')
    for (const file of ['[DEMO] sesi-bimtek.csv', '[DEMO] status-sertifikasi.csv', '[DEMO] sertifikat.csv'])
      expect(history).toContain(file)
    expect(history).not.toMatch(/ 0 orang ditambahkan/)
  })

  it('offers the sample files of docs/import-formats.md', async () => {
    const { browser } = await setUp()
    const docs = readFileSync('docs/import-formats.md', 'utf8')
    for (const [heading, name, sample] of [
      ['## Bimtek sessions', 'sesi-bimtek.csv', IMPORT_SAMPLES.sessions],
      ['## Certification status', 'status-sertifikasi.csv', IMPORT_SAMPLES.status],
      ['## Certificates', 'sertifikat.csv', IMPORT_SAMPLES.certificates],
      ['## Exams', 'jadwal-ujian.csv', IMPORT_SAMPLES.exams],
    ] as const) {
      expect(docs.split(heading)[1]?.match(/```csv\n([\s\S]*?)```/)?.[1]).toBe(sample)
      const response = await browser.request(`/admin/impor/contoh/${name}`)
      expect(response.headers.get('content-disposition')).toContain(name)
      expect(await response.text()).toBe(sample)
    }
  })
})
