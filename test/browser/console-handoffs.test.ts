/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * Percakapan in real headless Chromium, on a laptop and a phone: a person asks for staff in their
 * chat (the real engine), a staff member opens the waiting handoff from the menu, sees the person's
 * next message, handled by the engine, appear without reloading (the live stream
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
import { coreDriver } from '../support/transcript.js'

const EMAIL = 'rina.lestari@kemensos.go.id'
// The real knowledge base's answers, as the server offers them.
const quickReplies = quickRepliesOf(loadKnowledgeBase(loadConfig({}).FAQ_PATH))
const fixture = await consoleFixture({ quickReplies })
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

/** A person asks for staff through menu 6 on the real engine (Sulawesi Selatan: R5) and writes once more; their chat. */
async function fileHandoff(tag: string) {
  const person = coreDriver(fixture.core.engine, { chatId: `siti-${tag}` })
  for (const answer of ['6', '2', 'Kapan Bimtek berikutnya di Makassar?', 'Siti Rahma', '081234567890', 'Sulawesi Selatan'])
    await person.send(answer)
  const [filed] = await person.send('ya')
  const code = /PTG-[A-Z2-9]{6}/.exec(filed?.text ?? '')?.[0]
  if (!code) throw new Error(`not filed: ${filed?.text}`)
  await person.send('Selamat pagi, saya menunggu jawaban.')
  return { person, code }
}

describe.each([
  ['laptop', 1366, 768, 'L'],
  ['phone', 390, 844, 'P'],
])('Percakapan on a %s', (_, width, height, tag) => {
  it('shows a new message live, takes, replies, inserts a quick reply and closes', async () => {
    const { person, code } = await fileHandoff(tag)
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

    // The person writes again in their chat: the message appears without a reload (the draft stays).
    await page.getByLabel('Balasan untuk peserta').fill('draf yang belum dikirim')
    expect(await person.send(`Apakah bisa daring? (${tag})`)).toEqual([])
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
      console: async (chatId, replies) => {
        for (const reply of replies) sent.push({ chatId, text: reply.text })
      },
    }).deliver()
    expect(sent.filter((s) => s.chatId === `siti-${tag}`).map((s) => s.text)).toEqual([
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
