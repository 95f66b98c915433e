/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * Sesi Bimtek in real headless Chromium (see test/support/browser.ts), on a laptop and a phone:
 * a session created from the form (a mistake shown beside its field first, then fixed), and another
 * cancelled through its confirm step, which queues one message per registrant chat. Every page
 * passed on the way has one h1, labelled fields, no sideways scrolling and no CSP violation.
 */
import { eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { bimtekSessions, outbox } from '../../src/db/schema.js'
import { consoleFixture, PASSWORD } from '../console/support.js'
import { launchBrowser } from '../support/browser.js'
import { expectGoodLayout, openPage, serveOnPort } from '../support/console-browser.js'
import { addPerson, confirm } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'

const EMAIL = 'sri.wahyuni@kemensos.go.id'
const fixture = await consoleFixture()
const db = fixture.core.db
let server: Awaited<ReturnType<typeof serveOnPort>>
let origin: string
let browser: Browser

beforeAll(async () => {
  await fixture.addAccount({ email: EMAIL })
  server = await serveOnPort(fixture.app.fetch)
  origin = server.origin
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  closeDatabase(db)
})

const open = (width: number, height: number) =>
  // The form refused on purpose (422) logs its status; anything else is a problem.
  openPage(browser, origin, { width, height, ignore: /status of 422/ })

const checkLayout = (page: Page) => expectGoodLayout(page)

describe.each([
  ['laptop', 1366, 768, 'L'],
  ['phone', 390, 844, 'P'],
])('Sesi Bimtek on a %s', (_, width, height, tag) => {
  it('creates a session (a mistake first), then cancels another: one message per registrant chat', async () => {
    const now = fixture.clock.now()
    const doomed = await addSession(db, now, { code: `BMT-BATAL-${tag}`, title: `Bimtek yang batal ${tag}` })
    const ani = await addPerson(db, {
      chats: [
        { channel: 'telegram', chatId: `tg-ani-${tag}` },
        { channel: 'whatsapp', chatId: `62812000${tag}@s.whatsapp.net`, language: 'en' },
      ],
    })
    await confirm(db, ani, doomed, `BMT-ANI${tag}01`)
    await confirm(
      db,
      await addPerson(db, { chats: [{ channel: 'telegram', chatId: `tg-budi-${tag}` }] }),
      doomed,
      `BMT-BUD${tag}01`,
    )

    const { page, problems, close } = await open(width, height)
    await page.goto('/admin/login')
    await page.getByLabel('E-mail').fill(EMAIL)
    await page.getByLabel('Kata sandi').fill(PASSWORD)
    await page.getByRole('button', { name: 'Masuk' }).click()
    await page.waitForURL(`${origin}/admin`)
    await page.getByRole('navigation', { name: 'Menu konsol' }).getByRole('link', { name: 'Sesi Bimtek' }).click()
    await page.waitForURL(`${origin}/admin/sesi`)
    await checkLayout(page)

    await page.getByRole('link', { name: 'Buat sesi baru' }).click()
    await page.waitForURL(`${origin}/admin/sesi/baru`)
    await checkLayout(page)
    const code = `BMT-BDG-2026-${tag}`
    await page.getByLabel('Kode sesi').fill(code)
    await page.getByLabel('Judul').fill('Bimtek Pekerja Sosial Bandung')
    await page.getByLabel('Sasaran').selectOption('pekerja sosial')
    await page.getByLabel('Wilayah BBPPKS').selectOption('R2')
    await page.getByLabel('Cara pelaksanaan').selectOption('tatap_muka')
    await page.getByLabel('Tempat dan alamat').fill('BBPPKS Bandung, Jl. Jayagiri No. 63, Lembang')
    await page.getByLabel('Provinsi').selectOption('32')
    await page.getByLabel('Mulai', { exact: true }).fill('2026-12-23T08:00')
    await page.getByLabel('Selesai', { exact: true }).fill('2026-12-23T16:00')
    await page.getByLabel('Kapasitas (kursi)').fill('0')
    await page.getByLabel('Pendaftaran dibuka').fill('2026-11-20T08:00')
    await page.getByLabel('Pendaftaran ditutup').fill('2026-12-20T17:00')
    await page.getByRole('button', { name: 'Simpan sesi' }).click()
    await expect.poll(() => page.locator('#f-capacity-error').textContent()).toBe('harus bilangan bulat 1–10000 (tertulis "0")')
    expect((await db.select().from(bimtekSessions).where(eq(bimtekSessions.code, code)).limit(1))[0]).toBeUndefined()
    await checkLayout(page)

    // What was typed is still there: only the capacity is fixed.
    await page.getByLabel('Kapasitas (kursi)').fill('30')
    await page.getByRole('button', { name: 'Simpan sesi' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Sesi ${code}`)
    expect(await page.getByRole('status').textContent()).toBe('Sesi disimpan.')
    expect(
      (await db.select().from(bimtekSessions).where(eq(bimtekSessions.code, code)).limit(1))[0]?.startsAt.toISOString(),
    ).toBe('2026-12-23T01:00:00.000Z')
    await checkLayout(page)

    await page.goto(`/admin/sesi/${doomed}`)
    await checkLayout(page)
    await page.getByRole('link', { name: 'Batalkan sesi' }).click()
    await page.waitForURL(`${origin}/admin/sesi/${doomed}/batal`)
    await checkLayout(page)
    await page.getByLabel('Alasan pembatalan').fill('Gedung dipakai untuk posko banjir')
    await page.getByRole('button', { name: 'Ya, batalkan sesi ini' }).click()
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toBe('Sesi dibatalkan. Setiap peserta diberi tahu lewat chat.')
    await checkLayout(page)
    const queued = await db.select().from(outbox).where(eq(outbox.kind, 'session_cancelled'))
    expect(queued.filter((m) => m.chatId.includes(tag)).map((m) => m.chatId)).toEqual([
      `tg-ani-${tag}`,
      `62812000${tag}@s.whatsapp.net`,
      `tg-budi-${tag}`,
    ])
    expect(problems).toEqual([])
    await close()
  }, 60_000)
})
