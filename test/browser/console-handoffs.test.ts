/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * Percakapan in real headless Chromium, on a laptop and a phone: a staff member opens a waiting
 * handoff from the menu, sees the person's next message appear without reloading (the live stream
 * and console-live.js under the console's CSP), takes it, replies (shown as sent after an outbox
 * run), fills the reply box with a quick reply (by script, no page load), and closes it. Every page
 * on the way has one h1, labelled fields, no sideways scrolling, no CSP violation, no console error.
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { closeDatabase } from '../../src/db/client.js'
import { quickRepliesOf } from '../../src/web/console/handoff-thread.js'
import { consoleFixture, PASSWORD } from '../console/support.js'
import { launchBrowser } from '../support/browser.js'
import { expectGoodLayout, openPage, serveOnPort, signIn } from '../support/console-browser.js'
import { testOutbox } from '../support/outbox.js'

const EMAIL = 'rina.lestari@kemensos.go.id'
// The real knowledge base's answers, as the server offers them.
const quickReplies = quickRepliesOf(loadKnowledgeBase(loadConfig({}).FAQ_PATH))
const fixture = consoleFixture({ quickReplies })
const db = fixture.core.db
let server: Awaited<ReturnType<typeof serveOnPort>>
let origin: string
let browser: Browser
const sent: { chatId: string; text: string }[] = []

beforeAll(async () => {
  await fixture.addAccount({ email: EMAIL, name: 'Rina Lestari', role: 'regional', region: 'R5' })
  server = await serveOnPort(fixture.app.fetch)
  origin = server.origin
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  closeDatabase(db)
})

/** A waiting handoff of region R5 with the person's first message, as the core files it. */
function fileHandoff(code: string): number {
  const sql = db.$client
  const region = (sql.prepare("select id from regions where code = 'R5'").get() as { id: number }).id
  const now = fixture.clock.now().getTime()
  const id = Number(
    sql
      .prepare(
        `insert into handoff_requests (code, channel, chat_id, name, phone_e164, topic, question, status, region_id, created_at, last_person_at)
         values (?, 'whatsapp', ?, 'Siti Rahma', '+6281234567890', 'Jadwal Bimtek', 'Kapan Bimtek berikutnya di Makassar?', 'waiting', ?, ?, ?)`,
      )
      .run(code, `chat-${code}`, region, now - 20 * 60_000, now).lastInsertRowid,
  )
  personSays(id, 'Selamat pagi, saya menunggu jawaban.')
  return id
}

function personSays(handoffId: number, text: string): void {
  db.$client
    .prepare(`insert into handoff_messages (handoff_id, at, author, via, text) values (?, ?, 'person', 'chat', ?)`)
    .run(handoffId, fixture.clock.now().getTime(), text)
  fixture.activity.emit()
}

describe.each([
  ['laptop', 1366, 768, 'L'],
  ['phone', 390, 844, 'P'],
])('Percakapan on a %s', (_, width, height, tag) => {
  it('shows a new message live, takes, replies, inserts a quick reply and closes', async () => {
    const code = `PTG-BRWSR${tag}`
    const id = fileHandoff(code)
    const { page, problems, close } = await openPage(browser, origin, { width, height, ignore: /status of 422/ })
    await signIn(page, origin, EMAIL, PASSWORD)

    const menu = page.getByRole('navigation', { name: 'Menu konsol' })
    await expect.poll(() => menu.getByRole('link', { name: /Percakapan/ }).textContent()).toMatch(/\d+ menunggu/)
    await menu.getByRole('link', { name: /Percakapan/ }).click()
    await page.waitForURL(`${origin}/admin/percakapan`)
    await expectGoodLayout(page)
    await page.getByRole('link', { name: code }).click()
    await page.waitForURL(`${origin}/admin/percakapan/${code}`)
    await expectGoodLayout(page)
    const thread = page.locator('#pesan')
    await expect.poll(() => thread.textContent()).toContain('Selamat pagi, saya menunggu jawaban.')

    // The person writes again: the message appears without a reload (the page's URL and its other state stay).
    await page.getByLabel('Balasan untuk peserta').fill('draf yang belum dikirim')
    personSays(id, `Apakah bisa daring? (${tag})`)
    await expect.poll(() => thread.textContent(), { timeout: 10_000 }).toContain(`Apakah bisa daring? (${tag})`)
    expect(await page.getByLabel('Balasan untuk peserta').inputValue()).toBe('draf yang belum dikirim')

    await page.getByRole('button', { name: 'Ambil', exact: true }).click()
    await page.waitForURL(`${origin}/admin/percakapan/${code}?diambil`)
    await expect.poll(() => page.locator('[data-status]').textContent()).toBe('Sedang dilayani')

    await page.getByLabel('Balasan untuk peserta').fill('Bisa, Bimtek daring dibuka bulan depan.')
    await page.getByRole('button', { name: 'Kirim' }).click()
    await page.waitForURL(`${origin}/admin/percakapan/${code}?terkirim`)
    expect(await thread.locator('.msg-staff').last().textContent()).toContain('menunggu kirim')
    await testOutbox(db, fixture.clock, {
      whatsapp: async (chatId, replies) => {
        for (const reply of replies) sent.push({ chatId, text: reply.text })
      },
    }).deliver()
    expect(sent.filter((s) => s.chatId === `chat-${code}`).map((s) => s.text)).toEqual([
      expect.stringContaining('Bisa, Bimtek daring dibuka bulan depan.'),
    ])
    await page.getByRole('link', { name: 'Muat ulang' }).click()
    expect(await thread.locator('.msg-staff').last().textContent()).toContain('terkirim')
    await expectGoodLayout(page)

    // The quick reply is filled in by the script: no page load.
    const before = page.url()
    const chosen = quickReplies[1] as (typeof quickReplies)[number]
    await page.getByLabel('Jawaban cepat (topik FAQ)').selectOption(chosen.id)
    await page.getByRole('button', { name: 'Sisipkan' }).click()
    expect(await page.getByLabel('Balasan untuk peserta').inputValue()).toBe(chosen.answer)
    expect(page.url()).toBe(before)

    await page.getByLabel(/Ya, tutup percakapan ini/).check()
    await page.getByRole('button', { name: 'Tutup' }).click()
    await page.waitForURL(`${origin}/admin/percakapan/${code}?ditutup`)
    expect(await page.locator('main').textContent()).toContain('Percakapan ini sudah ditutup')
    await expectGoodLayout(page)

    expect(problems).toEqual([])
    await close()
  }, 60_000)
})
