/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * Impor data and Pengingat in real headless Chromium (see test/support/browser.ts), the real app on
 * a real port over in-memory SQLite with a fake clock: the path "import a status file with
 * a mistake in it and fix it" (upload → preview with the line and its reason, nothing written →
 * the corrected file → confirm → result → history), and a failed message, and one whose outcome a
 * crash left unknown (after its warning), sent again from Pengingat; every page at 1366×768 and 390×844 with one h1, labelled fields, no sideways
 * scrolling, no CSP violation. Screenshots go to SCREENSHOT_DIR (else a temp folder), not committed.
 */

import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase, statement, written } from '../../src/db/client.js'
import { outbox, people } from '../../src/db/schema.js'
import { IMPORT_SAMPLES, STATUS_SAMPLE_WITH_MISTAKE } from '../../src/web/console/import-samples.js'
import { consoleFixture, PASSWORD } from '../console/support.js'
import { launchBrowser } from '../support/browser.js'
import { expectGoodLayout, openPage, serveOnPort, signIn } from '../support/console-browser.js'

const EMAIL = 'sri.wahyuni@kemensos.go.id'
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'kesos-console-screenshots')
const fixture = await consoleFixture()
let server: Awaited<ReturnType<typeof serveOnPort>>
let origin: string
let browser: Browser

beforeAll(async () => {
  await fixture.addAccount({ email: EMAIL })
  mkdirSync(SCREENSHOTS, { recursive: true })
  server = await serveOnPort(fixture.app.fetch)
  origin = server.origin
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  closeDatabase(fixture.core.db)
})

/** A fresh page of `width`×`height`, signed in, with CSP violations and console errors collected. */
async function open(width: number, height: number) {
  const opened = await openPage(browser, origin, { width, height })
  await signIn(opened.page, origin, EMAIL, PASSWORD)
  return opened
}

/** One h1, every field labelled, nothing wider than the window; then a full-page screenshot. */
async function checkLayout(page: Page, name: string, width: number) {
  await expectGoodLayout(page, name)
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true })
}

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) })
const count = async (table: string) =>
  ((await statement(fixture.core.db, `select count(*) as n from ${table}`).get()) as { n: number }).n

describe.each([
  ['laptop', 1366, 768],
  ['phone', 390, 844],
])('Impor data and Pengingat on a %s', (_, width, height) => {
  it('imports a status file with a mistake in it, after fixing it', async () => {
    for (const table of ['certification_stages', 'people', 'audit_log'])
      await statement(fixture.core.db, `delete from ${table}`).run()
    const { page, problems, close } = await open(width, height)
    await page.getByRole('navigation', { name: 'Menu konsol' }).getByRole('link', { name: 'Impor data' }).click()
    await page.waitForURL(`${origin}/admin/impor`)
    await checkLayout(page, 'impor', width)

    await page.getByLabel('Jenis data').selectOption({ label: 'Status sertifikasi' })
    await page.getByLabel('Berkas CSV').setInputFiles(csv('status-dengan-kesalahan.csv', STATUS_SAMPLE_WITH_MISTAKE))
    await page.getByRole('button', { name: 'Periksa berkas' }).click()
    await page.waitForURL(/\/admin\/impor\/pratinjau\/\d+$/)
    await checkLayout(page, 'impor-pratinjau-salah', width)
    expect(await page.getByRole('alert').textContent()).toContain('1 baris ditolak; tidak ada yang disimpan')
    const rejected = page.locator('table.import-errors tbody tr')
    expect(await rejected.count()).toBe(1)
    expect(await rejected.locator('td').allTextContents()).toEqual([
      '3',
      'stage_date',
      'tanggal itu tidak ada (tertulis "2026-02-30")',
    ])
    expect(await page.getByRole('button', { name: 'Impor sekarang' }).count()).toBe(0)
    expect(await count('people')).toBe(0)

    // The preview offers the form for the corrected file, the kind already chosen.
    expect(await page.getByLabel('Jenis data').inputValue()).toBe('status')
    await page.getByLabel('Berkas CSV').setInputFiles(csv('status-sertifikasi.csv', IMPORT_SAMPLES.status))
    await page.getByRole('button', { name: 'Periksa berkas yang diperbaiki' }).click()
    await page.waitForURL(/\/admin\/impor\/pratinjau\/\d+$/)
    await checkLayout(page, 'impor-pratinjau-benar', width)
    expect(await page.getByRole('status').textContent()).toContain('Uji coba: tidak ada yang disimpan')
    expect(await count('people')).toBe(0)

    await page.getByRole('button', { name: 'Impor sekarang' }).click()
    await page.waitForURL(/\/admin\/impor\/hasil\/\d+$/)
    await checkLayout(page, 'impor-hasil', width)
    expect(await page.locator('h1').textContent()).toBe('Hasil impor')
    expect(await count('people')).toBe(2)

    await page.getByRole('link', { name: 'Riwayat impor' }).click()
    await page.waitForURL(`${origin}/admin/impor#riwayat`)
    expect(await page.locator('#riwayat ~ .table-scroll tbody tr').first().textContent()).toContain('status-sertifikasi.csv')
    expect(problems).toEqual([])
    await close()
  }, 60_000)

  it('sends a failed message again from Pengingat', async () => {
    const personId = written(
      await fixture.core.db.insert(people).values({ fullName: 'Budi Santoso', provinceCode: '32' }).returning(),
    ).id
    await fixture.core.db.insert(outbox).values({
      idempotencyKey: `browser:${width}`,
      channel: 'telegram',
      chatId: '1001',
      personId,
      kind: 'reminder',
      payload: JSON.stringify({ text: 'Besok Bimtek dimulai.' }),
      dueAt: fixture.clock.now(),
      status: 'failed',
      lastError: `bot was blocked (${width})`,
    })
    const { page, problems, close } = await open(width, height)
    await page.getByRole('navigation', { name: 'Menu konsol' }).getByRole('link', { name: 'Pengingat' }).click()
    await page.waitForURL(`${origin}/admin/pengingat`)
    await page.getByLabel('Status').selectOption({ label: 'Gagal' })
    await page.getByRole('button', { name: 'Tampilkan' }).click()
    await page.waitForURL(/status=failed/)
    await checkLayout(page, 'pengingat', width)
    const row = page.locator('tbody tr', { hasText: `bot was blocked (${width})` })
    await row.getByRole('button', { name: 'Kirim ulang' }).click()
    await page.waitForURL(`${origin}/admin/pengingat?dikirim=1`)
    expect(await page.getByRole('status').textContent()).toBe('Pesan diantrekan untuk dikirim ulang.')
    expect(await page.locator('tbody tr', { hasText: `bot was blocked (${width})` }).textContent()).toContain(
      'Sudah dikirim ulang',
    )
    expect(problems).toEqual([])
    await close()
  }, 60_000)

  it('sends a message whose outcome is unknown again from Pengingat, after the warning that the person may have it', async () => {
    const personId = written(
      await fixture.core.db.insert(people).values({ fullName: 'Sari Wulandari', provinceCode: '73' }).returning(),
    ).id
    await fixture.core.db.insert(outbox).values({
      idempotencyKey: `browser:unknown:${width}`,
      channel: 'whatsapp',
      chatId: '6281200000001@s.whatsapp.net',
      personId,
      kind: 'reminder',
      payload: JSON.stringify({ text: 'Besok Bimtek dimulai.' }),
      dueAt: fixture.clock.now(),
      status: 'unknown',
      attempts: 1,
      lastError: `outcome unknown (${width})`,
    })
    const { page, problems, close } = await open(width, height)
    await page.goto(`${origin}/admin/pengingat`)
    await page.getByLabel('Status').selectOption({ label: 'Tidak diketahui' })
    await page.getByRole('button', { name: 'Tampilkan' }).click()
    await page.waitForURL(/status=unknown/)
    await checkLayout(page, 'pengingat-tidak-diketahui', width)
    expect(await page.locator('#arti-tidak-diketahui').textContent()).toContain('tidak dikirim ulang otomatis')
    const row = page.locator('tbody tr', { hasText: `outcome unknown (${width})` })
    const button = row.getByRole('button', { name: 'Kirim ulang' })
    // The warning is the button's description, so a screen reader reads it with the button.
    await expect.poll(() => button.getAttribute('aria-describedby')).toMatch(/^peringatan-\d+$/)
    expect(await row.locator('.warning').textContent()).toContain('Mungkin sudah diterima')
    await button.click()
    await page.waitForURL(`${origin}/admin/pengingat?dikirim=tidak-diketahui`)
    expect(await page.getByRole('status').textContent()).toContain('orangnya menerima pesan ini dua kali')
    expect(problems).toEqual([])
    await close()
  }, 60_000)
})
