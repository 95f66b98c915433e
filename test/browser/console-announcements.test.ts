/// <reference lib="dom" />
// (Functions passed to page.evaluate run in the browser: the DOM types are for them.)
/**
 * The "Done when", in real headless Chromium on a laptop and a phone: a regional staff
 * member tells all confirmed registrants of one session that the venue moved, from the console,
 * sees the count and the preview first, and later sees who got it, who could not, and why.
 *
 * From the session page's link to the form (prefilled), a typo in a placeholder refused beside the
 * text, fixed; the reach per channel and the WhatsApp and Telegram previews for a real recipient;
 * "Kirim sekarang"; the outbox delivers (one WhatsApp number that fails for good, one Telegram
 * user who blocked the bot); the page then shows totals and the per-person list with reasons, and
 * the CSV holds the same rows. Every page has one h1, labelled fields, no sideways scrolling and no
 * CSP violation.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { and, eq } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAnnouncements } from '../../src/core/announcements/service.js'
import { type ChannelSender, RecipientUnreachable } from '../../src/core/outbox.js'
import { closeDatabase } from '../../src/db/client.js'
import { announcements, channelIdentities, outbox, people, registrations } from '../../src/db/schema.js'
import { consoleFixture, PASSWORD } from '../console/support.js'
import { launchBrowser } from '../support/browser.js'
import { expectGoodLayout, openPage, serveOnPort, signIn } from '../support/console-browser.js'
import { testOutbox } from '../support/outbox.js'
import { addPerson, confirm } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'

const EMAIL = 'wilayah.r5@kemensos.go.id'
const fixture = await consoleFixture()
/** With SCREENSHOT_DIR set (`npm run screenshots`), the draft and the report are saved there. */
const SHOTS = process.env.SCREENSHOT_DIR
const db = fixture.core.db
let server: Awaited<ReturnType<typeof serveOnPort>>
let origin: string
let browser: Browser

beforeAll(async () => {
  await fixture.addAccount({ email: EMAIL, name: 'Andi Petugas', role: 'regional', region: 'R5' })
  server = await serveOnPort(fixture.app.fetch)
  origin = server.origin
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  closeDatabase(db)
})

type Chat = { channel: 'telegram' | 'whatsapp'; chatId: string; blocked?: boolean; off?: boolean }

/** A registrant of Sulawesi Selatan (R5, WITA) with these chats, who wrote to the assistant. */
async function person(fullName: string, chats: Chat[]): Promise<number> {
  const now = fixture.clock.now()
  const id = await addPerson(db, { zone: 'Asia/Makassar', chats: chats.map(({ channel, chatId }) => ({ channel, chatId })) })
  await db.update(people).set({ fullName, provinceCode: '73' }).where(eq(people.id, id))
  for (const chat of chats)
    await db
      .update(channelIdentities)
      .set({ wroteAt: now, ...(chat.blocked && { blockedAt: now }), ...(chat.off && { announcementsOffAt: now }) })
      .where(and(eq(channelIdentities.channel, chat.channel), eq(channelIdentities.userId, chat.chatId)))
  return id
}

const checkLayout = (page: Page) => expectGoodLayout(page)
const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, name), fullPage: true })
}

/** The per-person list as [name, channel, status, reason] rows. */
const reportRows = (page: Page) =>
  page.locator('table.recipients tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = Array.from(row.querySelectorAll('td')).map((td) => td.textContent ?? '')
      return [cells[0], cells[2], cells[5], cells[6]].join(' | ')
    }),
  )

describe.each([
  ['laptop', 1366, 768, 'L'],
  ['phone', 390, 844, 'P'],
])('Pengumuman on a %s', (_, width, height, tag) => {
  it('a regional staff member tells a session’s confirmed registrants the venue moved, then sees who got it, who not and why', async () => {
    const now = fixture.clock.now()
    const code = `BMT-MKS-2026-${tag}`
    const session = await addSession(db, now, {
      code,
      region: 'R5',
      title: `Bimtek Pekerja Sosial Makassar ${tag}`,
      venue: 'Hotel Santika, Jl. Sultan Hasanuddin, Makassar',
      provinceCode: '73',
    })
    const names = {
      andi: `Andi Makkasau ${tag}`,
      siti: `Siti Rahmawati ${tag}`,
      budi: `Budi Santoso ${tag}`,
      nur: `Nur Aisyah ${tag}`,
      yusuf: `Yusuf Tanjung ${tag}`,
      dewi: `Dewi Lestari ${tag}`,
    }
    const chats = {
      andiTg: `70${tag}01`,
      andiWa: `62813000${tag === 'L' ? '1' : '2'}0001@s.whatsapp.net`,
      sitiTg: `70${tag}02`,
      budiWa: `62813000${tag === 'L' ? '1' : '2'}0003@s.whatsapp.net`,
    }
    const registrants = [
      await person(names.andi, [
        { channel: 'telegram', chatId: chats.andiTg },
        { channel: 'whatsapp', chatId: chats.andiWa },
      ]),
      await person(names.siti, [{ channel: 'telegram', chatId: chats.sitiTg }]),
      await person(names.budi, [{ channel: 'whatsapp', chatId: chats.budiWa }]),
      await person(names.nur, []),
      await person(names.yusuf, [{ channel: 'telegram', chatId: `70${tag}05`, blocked: true }]),
      await person(names.dewi, [{ channel: 'telegram', chatId: `70${tag}06`, off: true }]),
    ]
    for (const [i, id] of registrants.entries()) await confirm(db, id, session, `BMT-R${tag}${i}`)
    // On the waiting list: not a confirmed registrant, not told.
    const waiting = await person(`Rahmat Hidayat ${tag}`, [{ channel: 'telegram', chatId: `70${tag}07` }])
    await db.insert(registrations).values({ code: `BMT-W${tag}`, sessionId: session, personId: waiting, status: 'waitlisted' })

    const { page, problems, close } = await openPage(browser, origin, { width, height, ignore: /status of 422/ })
    await signIn(page, origin, EMAIL, PASSWORD)
    await page.goto(`/admin/sesi/${session}`)
    await checkLayout(page)
    await page.getByRole('link', { name: 'Kirim pengumuman ke pendaftar' }).click()
    await page.waitForURL(`${origin}/admin/pengumuman/baru?sesi=${session}&pendaftar=confirmed`)
    await checkLayout(page)
    expect(await page.getByLabel('Sesi Bimtek').inputValue()).toBe(String(session))
    expect(await page.getByLabel('Pendaftar sesi').inputValue()).toBe('confirmed')

    // A typo in a placeholder: refused beside the text, nothing stored, what was typed kept.
    const typo = 'Yth. {nama}, tempat {sesi} pindah ke *Aula BBPPKS Makassar*. Peta: {tempt}.'
    await page.getByLabel('Teks (bahasa Indonesia)').fill(typo)
    await page.getByRole('button', { name: 'Simpan draf dan lihat jangkauan' }).click()
    await expect.poll(() => page.locator('#f-teks_id-error').textContent()).toContain('{tempt}')
    expect(await page.getByLabel('Teks (bahasa Indonesia)').inputValue()).toBe(typo)
    expect((await db.select().from(announcements)).filter((a) => a.criteria.includes(`"id":${session},`))).toEqual([])
    await checkLayout(page)

    await page.getByLabel('Teks (bahasa Indonesia)').fill(typo.replace('{tempt}', '{tautan}'))
    await page.getByRole('button', { name: 'Simpan draf dan lihat jangkauan' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/^Pengumuman PGM-/)
    await checkLayout(page)
    // The count first: per channel, and who cannot be reached and why.
    expect(await page.locator('.reach-line').textContent()).toBe(
      'Penerima: 6 orang · Telegram 2 · WhatsApp 2 · tidak terjangkau 3 (tidak ada chat tertaut 1, memblokir asisten 1, berhenti menerima pengumuman 1)',
    )
    // Both previews, for a real recipient, bold as each app shows it.
    const wa = page.locator('.preview-wa .bubble')
    const tg = page.locator('.preview-tg .bubble')
    expect(await wa.textContent()).toMatch(
      new RegExp(
        `^📢 Pengumuman · BBPPKS Regional V.*Yth\\. (${names.andi}|${names.budi}), tempat Bimtek Pekerja Sosial Makassar ${tag}`,
        's',
      ),
    )
    expect(await tg.textContent()).toMatch(new RegExp(`Yth\\. (${names.andi}|${names.siti}), tempat .*stop info`, 's'))
    expect(await wa.locator('strong').allTextContents()).toEqual(['Pengumuman', 'Aula BBPPKS Makassar', 'stop info'])
    expect(await tg.locator('b').allTextContents()).toEqual(['Pengumuman', 'Aula BBPPKS Makassar', 'stop info'])
    expect(await page.locator('.preview-wa figcaption').textContent()).toMatch(/^WhatsApp · untuk /)
    await shot(page, `regional-pengumuman-draf-${width > 600 ? 'laptop' : 'phone'}.png`)
    // Another real recipient on request.
    await page.getByRole('link', { name: 'Contoh berikutnya' }).click()
    await expect.poll(() => page.url()).toContain('contoh=1')
    await checkLayout(page)
    expect((await db.select().from(outbox)).filter((m) => m.kind === 'announcement' && m.chatId.includes(tag))).toEqual([])

    await page.getByRole('button', { name: 'Kirim sekarang' }).click()
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Pengumuman diantrekan')
    await checkLayout(page)
    expect(await reportRows(page)).toContain(`${names.andi} | Telegram | Menunggu | `)

    // The outbox delivers: Budi's number is not on WhatsApp (fails for good), Siti blocked the bot.
    const sent: string[] = []
    const telegram: ChannelSender = async (chatId) => {
      if (chatId === chats.sitiTg) throw new RecipientUnreachable('Forbidden: bot was blocked by the user')
      sent.push(chatId)
    }
    const whatsapp: ChannelSender = async (chatId) => {
      if (chatId === chats.budiWa) throw new Error('not on WhatsApp')
      sent.push(chatId)
    }
    await testOutbox(db, fixture.clock, { telegram, whatsapp }, { maxAttempts: 1 }).deliver()
    expect(sent.sort()).toEqual([chats.andiTg, chats.andiWa].sort())
    await runAnnouncements(db, fixture.clock.now, { batchPeople: 100, pauseMs: 0 })

    await page.reload()
    await checkLayout(page)
    expect(await page.locator('.facts dd').first().textContent()).toBe('Selesai')
    const tile = async (label: string) => (await page.locator('.stat', { hasText: label }).locator('dd').textContent()) ?? ''
    expect(await tile('Penerima (orang)')).toBe('6')
    expect(await tile('Terkirim (chat)')).toBe('2')
    expect(await tile('Gagal (chat)')).toBe('1')
    expect(await tile('Memblokir bot (Telegram)')).toBe('1')
    expect(await tile('Tidak terjangkau (orang)')).toMatch(/^3 /)
    await shot(page, `regional-pengumuman-laporan-${width > 600 ? 'laptop' : 'phone'}.png`)
    const rows = await reportRows(page)
    expect(rows).toHaveLength(7)
    expect(rows).toContain(`${names.andi} | Telegram | Terkirim | `)
    expect(rows).toContain(`${names.andi} | WhatsApp | Terkirim | `)
    expect(rows.find((r) => r.startsWith(names.budi))).toMatch(/ \| WhatsApp \| Gagal\b.* \| not on WhatsApp$/)
    expect(rows.find((r) => r.startsWith(names.siti))).toMatch(/ \| Telegram \| .*blokir.* \| /i)
    expect(rows.find((r) => r.startsWith(names.nur))).toMatch(/tidak ada chat/i)
    expect(rows.find((r) => r.startsWith(names.yusuf))).toMatch(/memblokir asisten/i)
    expect(rows.find((r) => r.startsWith(names.dewi))).toMatch(/berhenti/i)
    expect(rows.some((r) => r.includes('Rahmat Hidayat'))).toBe(false)

    // Only the failures, by the filter.
    await page.getByLabel('Status').selectOption('failed')
    await page.getByRole('button', { name: 'Tampilkan' }).click()
    await expect
      .poll(() => reportRows(page))
      .toEqual([expect.stringMatching(new RegExp(`^${names.budi} \\| WhatsApp \\| Gagal`))])
    await checkLayout(page)

    // The CSV holds the same people and reasons.
    await page.goto(page.url().replace(/\?.*$/, ''))
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Unduh CSV penerima' }).click(),
    ])
    const csv = readFileSync((await download.path()) ?? '', 'utf8')
    const csvLines = csv.trim().split(/\r?\n/)
    expect(csvLines).toHaveLength(8)
    for (const name of Object.values(names)) expect(csv).toContain(name)
    expect(csvLines.find((line) => line.includes(names.budi))).toContain('not on WhatsApp')
    expect(csv).not.toContain('Rahmat Hidayat')

    expect(problems).toEqual([])
    await close()
  }, 90_000)
})
