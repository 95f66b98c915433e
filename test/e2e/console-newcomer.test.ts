/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * The "Done when" as one path, against the real server started from source on an empty
 * database (demo data loaded, as on a fresh `npm start`), driven in real headless Chromium with
 * only what a person sees (labels, buttons, links): the first admin's one-time link from the log →
 * Beranda with its charts → a session created (a mistake first) and a demo session with
 * registrants cancelled (one message queued per registrant chat) → a status file with a mistake
 * imported after fixing it → a certificate revoked and seen so at once on /verifikasi → a regional
 * colleague invited, who sets a password, signs in and sees only their region (another region's
 * session and person by address: the 404 page) → SIGTERM, exit 0. The database is only read, to
 * check what the pages say was written. Every page passed has one h1, labelled fields, no sideways
 * scrolling and no CSP violation.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.js'
import { expectGoodLayout, openPage } from '../support/console-browser.js'
import { killAll, onStore, type Running, start, storeIn, tempDir } from '../support/programs.js'

// One database, one server, one browser for the whole path: the tests below are its steps, in order.
const temp = tempDir('newcomer')
const dbPath = join(temp.dir, 'data', 'kesos.db')
/** The database file's settings, or in the PostgreSQL run a fresh database's (set before the server starts). */
let store: Record<string, string> = {}
const ADMIN = { name: 'Ratna Dewi', email: 'ratna.dewi@kemensos.go.id', password: 'sandi-admin-pusat-2026' }
const COLLEAGUE = { name: 'Agus Permana', email: 'agus.permana@kemensos.go.id', password: 'sandi-bbppks-bandung' }
const STEP_MS = 120_000

let server: Running
let origin: string
let firstLink: string
let browser: Browser
let admin: Page
/** What each page opened collected: CSP violations, page errors, console errors. */
const problemLists: string[][] = []

/** A fresh browser context (its own cookies) at 1366×768, watched for CSP violations and errors. */
async function newPage(): Promise<Page> {
  // Pages answered 4xx on purpose (a refused form, the 404 page) log their status; nothing else may.
  const { page, problems } = await openPage(browser, origin, { width: 1366, height: 768, ignore: /status of 4\d\d/ })
  problemLists.push(problems)
  page.setDefaultTimeout(30_000)
  return page
}

/** One h1, every field labelled, nothing wider than the window, at 1366×768 and at 390×844. */
async function checkLayout(page: Page) {
  for (const [width, height] of [
    [390, 844],
    [1366, 768],
  ] as const) {
    await page.setViewportSize({ width, height })
    await expectGoodLayout(page, `${page.url()} at ${width}×${height}`)
  }
}

const menu = (page: Page, name: string) => page.getByRole('navigation', { name: 'Menu konsol' }).getByRole('link', { name })
const h1 = (page: Page) => page.locator('h1').textContent()

/** Rows of `sql` in the server's store, as it wrote them. */
const rows = async <T>(sql: string, ...params: unknown[]) => (await onStore<T>(store, sql, params)).rows
/** The `n` of a `select count(*) as n …`. */
const count = async (sql: string, ...params: unknown[]) => (await rows<{ n: number }>(sql, ...params))[0]?.n

beforeAll(async () => {
  expect(existsSync(dbPath)).toBe(false)
  store = await storeIn(temp.dir, 'data/kesos.db')
  server = start('src/main.ts', [], { ...store, PORT: '0' })
  const port = Number((await server.waitForStdout(/listening on http:\/\/localhost:(\d+)/, 30_000))[1])
  origin = `http://localhost:${port}`
  // The link is logged once the server listens (JSON log: stdout is not a terminal here).
  firstLink =
    (await server.waitForStdout(/"url":"(http:\/\/localhost:\d+\/admin\/setel-sandi\?token=[A-Za-z0-9_-]+)"/, 30_000))[1] ?? ''
  browser = await launchBrowser()
}, STEP_MS)

afterAll(async () => {
  await browser?.close()
  killAll()
  temp.cleanup()
})

describe('a newcomer, from `npm start` to a regional colleague, in the browser alone', () => {
  it(
    'follows the one-time link from the log, creates the first admin and lands on Beranda with its charts',
    async () => {
      expect(server.stdout()).toContain('DEMO dataset loaded')
      admin = await newPage()
      await admin.goto(firstLink)
      await checkLayout(admin)
      await admin.getByLabel('Nama').fill(ADMIN.name)
      await admin.getByLabel('E-mail').fill(ADMIN.email)
      await admin.getByLabel('Kata sandi baru').fill(ADMIN.password)
      await admin.getByLabel('Ulangi kata sandi').fill(ADMIN.password)
      await admin.getByRole('button', { name: 'Simpan dan masuk' }).click()
      await admin.waitForURL(`${origin}/admin`)
      expect(await h1(admin)).toBe('Beranda')
      expect(await admin.getByText(ADMIN.name).count()).toBeGreaterThan(0)
      // Every chart drawn (the demo data fills them), each with its table and CSV link.
      const charts = admin.locator('figure svg[role="img"]')
      expect(await charts.count()).toBe(5)
      expect(await admin.getByRole('link', { name: /CSV/ }).count()).toBeGreaterThanOrEqual(5)
      await checkLayout(admin)
    },
    STEP_MS,
  )

  it(
    'creates a session (a mistake first, then fixed) and cancels a demo session: one message per registrant chat',
    async () => {
      await menu(admin, 'Sesi Bimtek').click()
      await admin.waitForURL(`${origin}/admin/sesi`)
      await checkLayout(admin)
      await admin.getByRole('link', { name: 'Buat sesi baru' }).click()
      await admin.waitForURL(`${origin}/admin/sesi/baru`)
      const code = 'BMT-LBG-NEWCOMER'
      await admin.getByLabel('Kode sesi').fill(code)
      await admin.getByLabel('Judul').fill('Bimtek Pekerja Sosial Lembang')
      await admin.getByLabel('Sasaran').selectOption('pekerja sosial')
      await admin.getByLabel('Wilayah BBPPKS').selectOption('R2')
      await admin.getByLabel('Cara pelaksanaan').selectOption('tatap_muka')
      await admin.getByLabel('Tempat dan alamat').fill('BBPPKS Bandung, Jl. Jayagiri No. 63, Lembang')
      await admin.getByLabel('Provinsi').selectOption('32')
      // Dates a few weeks ahead of the real clock, whatever day the test runs.
      const day = (days: number, time: string) => `${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)}T${time}`
      await admin.getByLabel('Mulai', { exact: true }).fill(day(40, '08:00'))
      await admin.getByLabel('Selesai', { exact: true }).fill(day(40, '16:00'))
      await admin.getByLabel('Kapasitas (kursi)').fill('0')
      await admin.getByLabel('Pendaftaran dibuka').fill(day(1, '08:00'))
      await admin.getByLabel('Pendaftaran ditutup').fill(day(35, '17:00'))
      await admin.getByRole('button', { name: 'Simpan sesi' }).click()
      await expect
        .poll(() => admin.locator('#f-capacity-error').textContent())
        .toBe('harus bilangan bulat 1–10000 (tertulis "0")')
      await checkLayout(admin)
      expect(await count('select count(*) as n from bimtek_sessions where code = ?', code)).toBe(0)

      await admin.getByLabel('Kapasitas (kursi)').fill('30')
      await admin.getByRole('button', { name: 'Simpan sesi' }).click()
      await expect.poll(() => h1(admin)).toBe(`Sesi ${code}`)
      expect(await admin.getByRole('status').textContent()).toBe('Sesi disimpan.')
      await checkLayout(admin)

      // Cancel the demo's upcoming session in Padang (R1), which has registrants with linked chats.
      const doomed = 'DEMO-BMT-PDG-01'
      const chats = await count(
        `select count(*) as n from registrations r
         join bimtek_sessions s on s.id = r.session_id
         join channel_identities ci on ci.person_id = r.person_id
         where s.code = ? and r.status in ('confirmed', 'offered', 'waitlisted') and ci.blocked_at is null`,
        doomed,
      )
      expect(chats).toBeGreaterThan(0)
      const cancelNotices = () => count("select count(*) as n from outbox where kind = 'session_cancelled'")
      const before = (await cancelNotices()) ?? 0
      await menu(admin, 'Sesi Bimtek').click()
      await admin.getByRole('link', { name: doomed }).click()
      await expect.poll(() => h1(admin)).toBe(`Sesi ${doomed}`)
      await admin.getByRole('link', { name: 'Batalkan sesi' }).click()
      await admin.waitForURL(/\/admin\/sesi\/\d+\/batal$/)
      await checkLayout(admin)
      await admin.getByLabel('Alasan pembatalan').fill('Gedung dipakai untuk posko banjir')
      await admin.getByRole('button', { name: 'Ya, batalkan sesi ini' }).click()
      await expect
        .poll(() => admin.getByRole('status').textContent())
        .toBe('Sesi dibatalkan. Setiap peserta diberi tahu lewat chat.')
      await checkLayout(admin)

      await menu(admin, 'Sesi Bimtek').click()
      await admin.getByLabel('Waktu').selectOption('cancelled')
      await admin.getByRole('button', { name: 'Tampilkan' }).click()
      await admin.waitForURL(/waktu=cancelled/)
      expect(await admin.locator('tbody tr', { hasText: doomed }).textContent()).toContain('(dibatalkan)')
      expect(((await cancelNotices()) ?? 0) - before).toBe(chats)
    },
    STEP_MS,
  )

  it(
    'imports a status file with a mistake in it: the bad line and nothing written, then the corrected file',
    async () => {
      await menu(admin, 'Impor data').click()
      await admin.waitForURL(`${origin}/admin/impor`)
      await checkLayout(admin)
      // The files a person would use: the page's own samples, downloaded.
      const download = async (name: RegExp) => {
        const [file] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('link', { name }).click()])
        const path = join(temp.dir, file.suggestedFilename())
        await file.saveAs(path)
        return path
      }
      const wrong = await download(/status-dengan-kesalahan\.csv/)
      const right = await download(/^Status sertifikasi: status-sertifikasi\.csv/)
      const stagesNow = () => count('select count(*) as n from certification_stages')
      const stagesBefore = (await stagesNow()) ?? 0

      await admin.getByLabel('Jenis data').selectOption({ label: 'Status sertifikasi' })
      await admin.getByLabel('Berkas CSV').setInputFiles(wrong)
      await admin.getByRole('button', { name: 'Periksa berkas' }).click()
      await admin.waitForURL(/\/admin\/impor\/pratinjau\/\d+$/)
      await checkLayout(admin)
      expect(await admin.getByRole('alert').textContent()).toContain('1 baris ditolak; tidak ada yang disimpan')
      expect(await admin.locator('table.import-errors tbody tr td').allTextContents()).toEqual([
        '3',
        'stage_date',
        'tanggal itu tidak ada (tertulis "2026-02-30")',
      ])
      expect(await admin.getByRole('button', { name: 'Impor sekarang' }).count()).toBe(0)
      expect(await stagesNow()).toBe(stagesBefore)

      await admin.getByLabel('Berkas CSV').setInputFiles(right)
      await admin.getByRole('button', { name: 'Periksa berkas yang diperbaiki' }).click()
      await admin.waitForURL(/\/admin\/impor\/pratinjau\/\d+$/)
      expect(await admin.getByRole('status').textContent()).toContain('Uji coba: tidak ada yang disimpan')
      expect(await stagesNow()).toBe(stagesBefore)
      await admin.getByRole('button', { name: 'Impor sekarang' }).click()
      await admin.waitForURL(/\/admin\/impor\/hasil\/\d+$/)
      expect(await h1(admin)).toBe('Hasil impor')
      await checkLayout(admin)
      expect(await stagesNow()).toBeGreaterThan(stagesBefore)

      await admin.getByRole('link', { name: 'Riwayat impor' }).click()
      await admin.waitForURL(`${origin}/admin/impor#riwayat`)
      const latest = await admin.locator('#riwayat ~ .table-scroll tbody tr').first().textContent()
      expect(latest).toContain('status-sertifikasi.csv')
      expect(latest).toContain(ADMIN.name)
    },
    STEP_MS,
  )

  it(
    'revokes a demo certificate with a reason, and /verifikasi shows it revoked at once',
    async () => {
      await menu(admin, 'Sertifikat').click()
      await admin.waitForURL(`${origin}/admin/sertifikat`)
      await checkLayout(admin)
      const row = admin.locator('tbody tr', { hasText: 'Berlaku' }).first()
      const number = (await row.getByRole('link').textContent()) ?? ''
      expect(number).toMatch(/^DEMO-/)
      await row.getByRole('link').click()
      await expect.poll(() => h1(admin)).toContain(number)
      await checkLayout(admin)
      const reason = 'Dokumen portofolio terbukti dipalsukan'
      await admin.getByLabel('Tindakan').selectOption({ label: 'Cabut' })
      await admin.getByLabel('Alasan').fill(reason)
      await admin.getByRole('button', { name: 'Simpan status' }).click()
      await expect.poll(() => admin.getByRole('status').count()).toBe(1)
      expect(await admin.locator('dl').textContent()).toContain(`Dicabut — ${reason}`)

      await admin.goto('/verifikasi')
      await admin.getByLabel('Nomor sertifikat').fill(number.toLowerCase())
      await admin.getByRole('button', { name: 'Periksa' }).click()
      await expect.poll(() => admin.locator('#hasil').getAttribute('data-status')).toBe('revoked')
      const details = await admin.locator('dl.details').textContent()
      expect(details).toContain(number)
      expect(details).toContain(reason)
    },
    STEP_MS,
  )

  it(
    'invites a regional colleague for R2, who sets a password, signs in and sees only R2',
    async () => {
      await admin.goto('/admin')
      await menu(admin, 'Staf').click()
      await admin.waitForURL(`${origin}/admin/staf`)
      await checkLayout(admin)
      await admin.getByLabel('Nama').fill(COLLEAGUE.name)
      await admin.getByLabel('E-mail').fill(COLLEAGUE.email)
      await admin.getByLabel('Peran').selectOption({ label: 'Petugas wilayah' })
      await admin.getByLabel('Wilayah').selectOption('R2')
      await admin.getByRole('button', { name: 'Undang' }).click()
      const invitation = await admin.getByLabel(/^Tautan sekali pakai/).inputValue()
      expect(invitation).toMatch(/\/admin\/setel-sandi\?token=/)
      await checkLayout(admin)

      // The addresses of another region's session and person, as the admin sees them.
      await menu(admin, 'Sesi Bimtek').click()
      await admin.getByRole('link', { name: 'DEMO-BMT-SBY-01' }).click()
      await expect.poll(() => h1(admin)).toBe('Sesi DEMO-BMT-SBY-01')
      const otherSession = new URL(admin.url()).pathname
      // A demo participant of Jawa Timur (35), in R3.
      const [{ name: r3Name } = { name: '' }] = await rows<{ name: string }>(
        "select full_name as name from people where province_code = '35' order by id",
      )
      await menu(admin, 'Peserta').click()
      await admin.getByLabel('Nama, NIK, nomor HP atau kode pendaftaran').fill(r3Name)
      await admin.getByRole('button', { name: 'Cari' }).click()
      await admin.getByRole('link', { name: r3Name }).first().click()
      await admin.waitForURL(/\/admin\/peserta\/\d+$/)
      const otherPerson = new URL(admin.url()).pathname

      const colleague = await newPage()
      await colleague.goto(invitation)
      await checkLayout(colleague)
      await colleague.getByLabel('Kata sandi baru').fill(COLLEAGUE.password)
      await colleague.getByLabel('Ulangi kata sandi').fill(COLLEAGUE.password)
      await colleague.getByRole('button', { name: 'Simpan dan masuk' }).click()
      await colleague.waitForURL(`${origin}/admin`)
      await colleague.getByRole('button', { name: 'Keluar' }).click()
      await colleague.waitForURL(/\/admin\/login/)
      await colleague.getByLabel('E-mail').fill(COLLEAGUE.email)
      await colleague.getByLabel('Kata sandi').fill(COLLEAGUE.password)
      await colleague.getByRole('button', { name: 'Masuk' }).click()
      await colleague.waitForURL(`${origin}/admin`)
      expect(await h1(colleague)).toBe('Beranda')

      // Beranda: the region is fixed, whatever the address asks for.
      const [{ name: r2 } = { name: '' }] = await rows<{ name: string }>("select name from regions where code = 'R2'")
      await colleague.goto('/admin?region=R3')
      expect(await colleague.getByRole('combobox', { name: 'Wilayah' }).count()).toBe(0)
      expect(await colleague.locator('main').textContent()).toContain(r2)
      await checkLayout(colleague)

      // Sesi Bimtek: R2's sessions only, even when every time and another region are asked for.
      await menu(colleague, 'Sesi Bimtek').click()
      await colleague.waitForURL(`${origin}/admin/sesi`)
      await colleague.goto('/admin/sesi?waktu=all&wilayah=R3')
      const listed = await colleague.locator('tbody tr td:first-child a').allTextContents()
      const r2Sessions = (
        await rows<{ code: string }>(
          "select s.code from bimtek_sessions s join regions r on r.id = s.region_id where r.code = 'R2'",
        )
      ).map((row) => row.code)
      expect(listed.sort()).toEqual(r2Sessions.sort())
      expect(listed).toContain('BMT-LBG-NEWCOMER')
      expect(listed).not.toContain('DEMO-BMT-SBY-01')
      await checkLayout(colleague)

      for (const path of [otherSession, `${otherSession}/ubah`, `${otherSession}/batal`, otherPerson]) {
        const response = await colleague.goto(path)
        expect(response?.status(), path).toBe(404)
        expect(await h1(colleague), path).toMatch(/tidak ditemukan/)
        await checkLayout(colleague)
      }
      expect(problemLists.flat()).toEqual([])
    },
    STEP_MS,
  )

  it(
    'stops on SIGTERM with exit code 0 and nothing on stderr',
    async () => {
      server.child.kill('SIGTERM')
      expect(await server.exited(30_000)).toEqual({ code: 0, signal: null })
      expect(server.stderr()).toBe('')
      expect(server.stdout()).toContain('stopped cleanly')
    },
    STEP_MS,
  )
})
