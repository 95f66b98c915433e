/**
 * Pengumuman through the real app: a draft written from the form (mistakes beside their fields,
 * nothing stored), its reach and the previews for a real recipient, sent now (rows queued) or
 * scheduled, cancelled; a regional account inside its region only, a viewer reading masked totals
 * and changing nothing, CSRF on every form, the CSV export, and the audit trail.
 */
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { statement } from '../../src/db/client.js'
import {
  type announcementRecipients,
  announcements,
  channelIdentities,
  outbox,
  people,
  registrations,
} from '../../src/db/schema.js'
import { whatsappMarkup } from '../../src/web/console/announcement-views.js'
import { addPerson, confirm, DAY } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'
import { auditOf, browserOn, consoleFixture } from './support.js'

type Chat = { channel: 'telegram' | 'whatsapp'; chatId: string; language?: 'id' | 'en'; blocked?: boolean; off?: boolean }

async function setUp(options: Parameters<typeof consoleFixture>[0] = {}) {
  const f = await consoleFixture(options)
  const db = f.core.db
  const now = f.clock.now()
  const session = await addSession(db, now, {
    code: 'BMT-MKS-2026-07',
    region: 'R5',
    title: 'Bimtek Pekerja Sosial Makassar',
    venue: 'Hotel Santika, Jl. Sultan Hasanuddin, Makassar',
    provinceCode: '73',
  })
  const person = async (fullName: string, chats: Chat[], province = '73') => {
    const id = await addPerson(db, {
      zone: 'Asia/Makassar',
      chats: chats.map(({ channel, chatId, language }) => ({ channel, chatId, language })),
    })
    await db.update(people).set({ fullName, provinceCode: province }).where(eq(people.id, id))
    for (const chat of chats)
      await db
        .update(channelIdentities)
        .set({ wroteAt: now, ...(chat.blocked && { blockedAt: now }), ...(chat.off && { announcementsOffAt: now }) })
        .where(and(eq(channelIdentities.channel, chat.channel), eq(channelIdentities.userId, chat.chatId)))
    return id
  }
  const ids = {
    andi: await person('Andi Makkasau', [
      { channel: 'telegram', chatId: '5001' },
      { channel: 'whatsapp', chatId: '6281300000001@s.whatsapp.net' },
    ]),
    siti: await person('Siti Rahmawati', [{ channel: 'telegram', chatId: '5002', language: 'en' }]),
    budi: await person('Budi Santoso', [{ channel: 'whatsapp', chatId: '6281300000003@s.whatsapp.net' }]),
    nur: await person('Nur Aisyah', []),
    yusuf: await person('Yusuf Tanjung', [{ channel: 'telegram', chatId: '5005', blocked: true }]),
    dewi: await person('Dewi Lestari', [{ channel: 'telegram', chatId: '5006', off: true }]),
    waiting: await person('Rahmat Hidayat', [{ channel: 'telegram', chatId: '5007' }]),
  }
  for (const key of ['andi', 'siti', 'budi', 'nur', 'yusuf', 'dewi'] as const) await confirm(db, ids[key], session)
  await db.insert(registrations).values({ code: 'BMT-WAIT-01', sessionId: session, personId: ids.waiting, status: 'waitlisted' })
  const accounts = {
    admin: await f.addAccount({ email: 'pusat@kemensos.go.id', name: 'Sri Wahyuni', role: 'admin' }),
    r5: await f.addAccount({ email: 'r5@kemensos.go.id', name: 'Andi Petugas', role: 'regional', region: 'R5' }),
    r2: await f.addAccount({ email: 'r2@kemensos.go.id', name: 'Budi Petugas', role: 'regional', region: 'R2' }),
    viewer: await f.addAccount({ email: 'pemantau@kemensos.go.id', name: 'Pemantau', role: 'viewer' }),
  }
  const as = async (email: string) => {
    const browser = browserOn(f.app)
    await browser.signIn(email)
    return browser
  }
  const count = async (table: typeof announcements | typeof outbox | typeof announcementRecipients) =>
    (await db.select().from(table)).length
  return { f, db, now, session, ids, accounts, as, count }
}

const TEXT = 'Yth. {nama}, tempat {sesi} pindah ke *Aula BBPPKS Makassar*. Jadwal tetap {tanggal} pukul {jam}.'

/** Posts the new-announcement form as `browser` with the fields given (session and confirmed by default). */
async function draft(browser: Awaited<ReturnType<Awaited<ReturnType<typeof setUp>>['as']>>, fields: Record<string, string>) {
  return browser.submit('/admin/pengumuman/baru', '/admin/pengumuman/baru', { pendaftar: 'confirmed', ...fields })
}

const idOf = (location: string | null) => Number(location?.match(/\/admin\/pengumuman\/(\d+)/)?.[1])

describe('Pengumuman', () => {
  it('is in the menu after Pengingat for every role; the form only for admin and regional', async () => {
    const t = await setUp()
    for (const email of ['pusat@kemensos.go.id', 'r5@kemensos.go.id', 'pemantau@kemensos.go.id']) {
      const browser = await t.as(email)
      const page = await (await browser.request('/admin/pengumuman')).text()
      expect(page).toMatch(/Pengingat<\/a><\/li><li><a href="\/admin\/pengumuman" aria-current="page">Pengumuman<\/a>/)
      expect(page.includes('Buat pengumuman'), email).toBe(email !== 'pemantau@kemensos.go.id')
    }
    const viewer = await t.as('pemantau@kemensos.go.id')
    expect((await viewer.request('/admin/pengumuman/baru')).status).toBe(403)
  })

  it('opens prefilled from the session page link: the session chosen, confirmed registrants, the six placeholders explained', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const sessionPage = await (await browser.request(`/admin/sesi/${t.session}`)).text()
    const link = sessionPage.match(/href="([^"]+)">Kirim pengumuman ke pendaftar/)?.[1]?.replace(/&amp;/g, '&')
    expect(link).toBe(`/admin/pengumuman/baru?sesi=${t.session}&pendaftar=confirmed`)
    const form = await (await browser.request(link ?? '')).text()
    expect(form).toContain(`<option value="${t.session}" selected>BMT-MKS-2026-07`)
    expect(form).toContain('<option value="confirmed" selected>')
    for (const name of ['{nama}', '{sesi}', '{tanggal}', '{jam}', '{tempat}', '{tautan}'])
      expect(form).toContain(`<code>${name}</code>`)
    // A regional account is offered its own region only.
    expect(form).toContain('value="R5"')
    expect(form).not.toContain('value="R2"')
  })

  it('refuses an unknown placeholder, an empty text, no audience and a past end beside their fields, storing nothing', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const typo = await draft(browser, { sesi: String(t.session), teks_id: 'Yth. {nama}, pindah ke {tempt}.' })
    expect(typo.status).toBe(422)
    const page = await typo.text()
    expect(page).toMatch(/<textarea id="f-teks_id" name="teks_id"[^>]*aria-invalid="true"/)
    expect(page.match(/<span class="error" id="f-teks_id-error">([^<]*)</)?.[1]).toContain('{tempt}')
    // What was typed stays.
    expect(page).toContain('Yth. {nama}, pindah ke {tempt}.</textarea>')

    const empty = await draft(browser, { sesi: String(t.session), teks_id: '   ' })
    expect(empty.status).toBe(422)
    expect(await empty.text()).toMatch(/id="f-teks_id-error"/)

    const nobody = await draft(browser, { pendaftar: '', teks_id: 'Halo {nama}' })
    expect(nobody.status).toBe(422)
    expect(await nobody.text()).toContain('Pengumuman belum disimpan')

    const past = await draft(browser, { sesi: String(t.session), teks_id: TEXT, kedaluwarsa: '2020-01-01T08:00' })
    expect(past.status).toBe(422)
    expect(await past.text()).toMatch(/id="f-kedaluwarsa-error">harus di masa depan/)
    expect(await t.count(announcements)).toBe(0)
  })

  it('refuses the same announcement twice, with a link to the one that exists', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    const again = await draft(browser, { sesi: String(t.session), teks_id: TEXT })
    expect(again.status).toBe(422)
    const page = await again.text()
    expect(page).toMatch(/Pengumuman yang sama sudah ada: PGM-[^<]+<a href="\/admin\/pengumuman\/(\d+)">Buka pengumuman itu<\/a>/)
    expect(page).toContain(`<a href="/admin/pengumuman/${id}">Buka pengumuman itu</a>`)
    expect(await t.count(announcements)).toBe(1)
  })

  it('a draft shows the reach per channel, who cannot be reached and why, and both previews for a real recipient (text escaped)', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const made = await draft(browser, { sesi: String(t.session), teks_id: `${TEXT} <script>alert(1)</script>` })
    expect(made.status).toBe(303)
    const id = idOf(made.headers.get('location'))
    const page = await (await browser.request(`/admin/pengumuman/${id}`)).text()
    expect(page).toContain(
      'Penerima: 6 orang · Telegram 2 · WhatsApp 2 · tidak terjangkau 3 (tidak ada chat tertaut 1, memblokir asisten 1, berhenti menerima pengumuman 1)',
    )
    // A real recipient's name, WhatsApp's bold as <strong>, Telegram's as <b>; the script only as text.
    expect(page).toMatch(
      /<figure class="preview preview-wa">[\s\S]*?untuk (Andi Makkasau|Budi Santoso)[\s\S]*?Yth\. (Andi Makkasau|Budi Santoso), tempat/,
    )
    expect(page).toMatch(/<figure class="preview preview-tg">[\s\S]*?untuk (Andi Makkasau|Siti Rahmawati)/)
    expect(page).toContain('<strong>Aula BBPPKS Makassar</strong>')
    expect(page).toContain('<b>Aula BBPPKS Makassar</b>')
    expect(page).not.toContain('<script>alert(1)</script>')
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    // The next example is another real recipient.
    expect(page).toContain(`href="/admin/pengumuman/${id}?contoh=1#pratinjau">Contoh berikutnya`)
    const next = await (await browser.request(`/admin/pengumuman/${id}?contoh=1`)).text()
    expect(next).toMatch(/<figure class="preview preview-tg">[\s\S]*?untuk (Andi Makkasau|Siti Rahmawati)/)
    expect(await t.count(outbox)).toBe(0)
    expect((await auditOf(t.f.core, 'announcement.created')).map((a) => a.actor)).toEqual([`staff:${t.accounts.r5}`])
    expect((await auditOf(t.f.core, 'announcement.previewed')).length).toBeGreaterThanOrEqual(1)
  })

  it('"Kirim sekarang" queues one row per reachable chat; the report lists who waits and who was skipped, and why', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    const sent = await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    expect(sent.status).toBe(303)
    const rows = await t.db.select().from(outbox).where(eq(outbox.kind, 'announcement'))
    expect(rows.map((r) => r.chatId).sort()).toEqual([
      '5001',
      '5002',
      '6281300000001@s.whatsapp.net',
      '6281300000003@s.whatsapp.net',
    ])
    expect(new Set(rows.map((r) => r.eventKey))).toEqual(new Set([`announcement:${id}`]))
    expect(sent.headers.get('location')).toBe(`/admin/pengumuman/${id}?dikirim=1`)
    const page = await (await browser.request(`/admin/pengumuman/${id}?dikirim=1`)).text()
    expect(page).toContain('Pengumuman diantrekan')
    expect(page).toContain('<strong>Sedang dikirim</strong>')
    expect(page).toMatch(/<td>Andi Makkasau<\/td>[\s\S]*?Menunggu/)
    expect(page).toMatch(/<td>Nur Aisyah<\/td>[\s\S]*?tidak ada chat/i)
    expect(page).toMatch(/<td>Dewi Lestari<\/td>[\s\S]*?berhenti/i)
    // The filter narrows the list to one status.
    const skipped = await (await browser.request(`/admin/pengumuman/${id}?status=no_chat`)).text()
    expect(skipped).toContain('<td>Nur Aisyah</td>')
    expect(skipped).not.toContain('<td>Andi Makkasau</td>')
    // The form posted again (a double click) is answered as the first was: nobody is messaged twice.
    const again = await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    expect([again.status, again.headers.get('location')]).toEqual([303, `/admin/pengumuman/${id}`])
    expect(await t.db.select().from(outbox).where(eq(outbox.kind, 'announcement'))).toHaveLength(4)
  })

  it('shows a recipient whose send a crash interrupted as "Tidak diketahui", apart from Gagal, with what it means', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    const before = await (await browser.request(`/admin/pengumuman/${id}`)).text()
    expect(before).not.toContain('Tidak diketahui (chat)')
    // Budi's WhatsApp message was being sent when the server stopped; Siti's failed for good.
    const set = statement(t.db, "update outbox set status = ?, last_error = ? where kind = 'announcement' and chat_id = ?")
    await set.run('claimed', null, '6281300000003@s.whatsapp.net')
    await set.run('unknown', 'outcome unknown: the process stopped while sending', '6281300000003@s.whatsapp.net')
    await set.run('failed', 'Bad Request: chat not found', '5002')

    const page = await (await browser.request(`/admin/pengumuman/${id}`)).text()
    const tile = (label: string) => new RegExp(`<dt>${label}</dt><dd>(\\d+)`).exec(page)?.[1]
    expect([tile('Gagal \\(chat\\)'), tile('Tidak diketahui \\(chat\\)')]).toEqual(['1', '1'])
    expect(page).toContain('tidak dikirim ulang otomatis: tanyakan kepada orangnya')
    expect(page).toContain('href="/admin/pengingat?status=unknown&amp;kind=announcement"')
    expect(page).toMatch(/<tr class="st-unknown"><td>Budi Santoso<\/td>[\s\S]*?Tidak diketahui: server berhenti saat mengirim/)
    const filtered = await (await browser.request(`/admin/pengumuman/${id}?status=unknown`)).text()
    expect(filtered).toContain('<option value="unknown" selected>Tidak diketahui</option>')
    expect(filtered).toContain('<td>Budi Santoso</td>')
    expect(filtered).not.toContain('<td>Siti Rahmawati</td>')
    expect(await (await browser.request('/admin/pengumuman')).text()).toContain('· 1 gagal · 1 hasil tidak diketahui ·')
  })

  it('schedules at a time in the recipients’ zones, asks twice before urgent, and cancels with a confirmation', async () => {
    const t = await setUp()
    const browser = await t.as('pusat@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    const tomorrow = new Date(t.now.getTime() + DAY).toISOString().slice(0, 10)

    const unsure = await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, {
      mode: 'now',
      mendesak: 'ya',
    })
    expect(unsure.status).toBe(422)
    expect(await unsure.text()).toMatch(/id="f-mendesak-error">Centang juga konfirmasinya/)

    // Enter in the time field submits with the first button, "Kirim sekarang": asked about, nothing sent.
    const enter = await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, {
      mode: 'now',
      tanggal: tomorrow,
      jam: '09:00',
    })
    expect(enter.status).toBe(422)
    expect(await enter.text()).toMatch(/id="f-tanggal-error">Anda mengisi jadwal: tekan &quot;Jadwalkan&quot;/)
    expect((await t.db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]?.status).toBe('draft')

    const scheduled = await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, {
      mode: 'schedule',
      tanggal: tomorrow,
      jam: '09:00',
    })
    expect(scheduled.status).toBe(303)
    expect((await t.db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]?.status).toBe('scheduled')
    expect(await t.count(outbox)).toBe(0)
    const page = await (await browser.request(`/admin/pengumuman/${id}`)).text()
    expect(page).toContain(`${tomorrow} pukul 09.00 di zona waktu setiap penerima`)
    expect(await (await browser.request('/admin/pengumuman')).text()).toContain(
      `dijadwalkan ${tomorrow} pukul 09.00 waktu penerima`,
    )

    const unticked = await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/batal`, {})
    expect(unticked.status).toBe(422)
    expect(await unticked.text()).toMatch(/id="f-yakin-error"/)
    expect((await t.db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]?.status).toBe('scheduled')

    const cancelled = await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/batal`, { yakin: 'ya' })
    expect(cancelled.status).toBe(303)
    expect((await t.db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]?.status).toBe('cancelled')
    expect(await (await browser.request(`/admin/pengumuman/${id}?dibatalkan=0`)).text()).toContain('Pengumuman dibatalkan')
    expect((await auditOf(t.f.core, 'announcement.cancelled')).map((a) => a.actor)).toEqual([`staff:${t.accounts.admin}`])
  })

  it('a regional account never reaches another region’s announcement: 404 for the page, its forms and its CSV', async () => {
    const t = await setUp()
    const r5 = await t.as('r5@kemensos.go.id')
    const id = idOf((await draft(r5, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    const r2 = await t.as('r2@kemensos.go.id')
    expect((await r2.request(`/admin/pengumuman/${id}`)).status).toBe(404)
    expect((await r2.request(`/admin/pengumuman/${id}/penerima.csv`)).status).toBe(404)
    const post = await r2.submit('/admin/pengumuman', `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    expect(post.status).toBe(404)
    expect(await (await r2.request('/admin/pengumuman')).text()).not.toContain(`/admin/pengumuman/${id}"`)
    // Nor can it pick another region's session for a new one.
    const other = await addSession(t.db, t.now, { code: 'BMT-BDG-2026-09', region: 'R2' })
    const refused = await draft(r5, { sesi: String(other), teks_id: TEXT })
    expect(refused.status).toBe(422)
    expect(await t.count(outbox)).toBe(0)
    expect(await t.db.select().from(announcements)).toHaveLength(1)
  })

  it('a viewer reads the list and the totals with names masked, without preview, and cannot post nor export', async () => {
    const t = await setUp()
    const admin = await t.as('pusat@kemensos.go.id')
    const id = idOf((await draft(admin, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    await admin.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    const viewer = await t.as('pemantau@kemensos.go.id')
    const list = await (await viewer.request('/admin/pengumuman')).text()
    expect(list).toContain(`/admin/pengumuman/${id}"`)
    const page = await (await viewer.request(`/admin/pengumuman/${id}`)).text()
    expect(page).toContain('Penerima (orang)')
    expect(page).not.toContain('Andi Makkasau')
    expect(page).not.toContain('preview-wa')
    expect(page).not.toContain('Unduh CSV')
    expect((await viewer.request(`/admin/pengumuman/${id}/penerima.csv`)).status).toBe(403)
    const csrf = viewer.csrfOf(page)
    for (const path of ['/admin/pengumuman/baru', `/admin/pengumuman/${id}/kirim`, `/admin/pengumuman/${id}/batal`]) {
      const response = await viewer.request(path, { form: { _csrf: csrf, mode: 'now', yakin: 'ya', teks_id: TEXT } })
      expect(response.status, path).toBe(403)
    }
    expect(await t.db.select().from(announcements)).toHaveLength(1)
    expect(await auditOf(t.f.core, 'announcement.recipients_exported')).toEqual([])
  })

  it('refuses every form without its CSRF token', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const response = await browser.request('/admin/pengumuman/baru', {
      form: { sesi: String(t.session), pendaftar: 'confirmed', teks_id: TEXT },
    })
    expect(response.status).toBe(403)
    expect(await t.count(announcements)).toBe(0)
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    expect((await browser.request(`/admin/pengumuman/${id}/kirim`, { form: { mode: 'now' } })).status).toBe(403)
    expect((await browser.request(`/admin/pengumuman/${id}/batal`, { form: { yakin: 'ya' } })).status).toBe(403)
    expect(await t.count(outbox)).toBe(0)
  })

  it('exports the report as CSV (masked chats, no phone), audited with the row count', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    const response = await browser.request(`/admin/pengumuman/${id}/penerima.csv`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/csv')
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="penerima-PGM-/)
    const csv = await response.text()
    const lines = csv.trim().split(/\r?\n/)
    // One line per chat queued and per person not reachable: 4 + 3, after the header.
    expect(lines).toHaveLength(8)
    for (const name of ['Andi Makkasau', 'Siti Rahmawati', 'Budi Santoso', 'Nur Aisyah', 'Yusuf Tanjung', 'Dewi Lestari'])
      expect(csv).toContain(name)
    expect(csv).not.toContain('Rahmat Hidayat')
    expect(csv).not.toContain('6281300000001')
    const code = (await t.db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]?.code
    expect(await auditOf(t.f.core, 'announcement.recipients_exported')).toEqual([
      {
        actor: `staff:${t.accounts.r5}`,
        action: 'announcement.recipients_exported',
        entity: 'announcement',
        entityId: code,
        details: JSON.stringify({ rows: 7 }),
      },
    ])
  })

  it('edits a draft from its form (what was stored shown), and refuses to edit once sent', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    const form = await (await browser.request(`/admin/pengumuman/${id}/ubah`)).text()
    expect(form).toContain(`${TEXT}</textarea>`)
    expect(form).toContain(`<option value="${t.session}" selected>`)
    const edited = await browser.submit(`/admin/pengumuman/${id}/ubah`, `/admin/pengumuman/${id}/ubah`, {
      sesi: String(t.session),
      pendaftar: 'confirmed',
      teks_id: 'Yth. {nama}, ruangan pindah ke lantai 2.',
      teks_en: 'Dear {nama}, the room moved to the 2nd floor.',
    })
    expect(edited.status).toBe(303)
    const stored = (await t.db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]
    expect([stored?.textId, stored?.textEn, stored?.status]).toEqual([
      'Yth. {nama}, ruangan pindah ke lantai 2.',
      'Dear {nama}, the room moved to the 2nd floor.',
      'draft',
    ])
    // Siti reads English: her Telegram preview is the English text.
    const page = await (await browser.request(`/admin/pengumuman/${id}?contoh=1`)).text()
    expect(page).toMatch(/untuk Siti Rahmawati \(bahasa Inggris\)[\s\S]*?Dear Siti Rahmawati, the room moved/)
    await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    expect((await browser.request(`/admin/pengumuman/${id}/ubah`)).status).toBe(409)
  })

  it('refuses a time inside the quiet hours beside the schedule, unless marked urgent twice', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    const tomorrow = new Date(t.now.getTime() + DAY).toISOString().slice(0, 10)
    const night = await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, {
      mode: 'schedule',
      tanggal: tomorrow,
      jam: '22:30',
    })
    expect(night.status).toBe(422)
    expect(await night.text()).toMatch(/id="f-tanggal-error">Pukul 22\.30 termasuk jam tenang/)
    expect((await t.db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]?.status).toBe('draft')
    const urgent = await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, {
      mode: 'schedule',
      tanggal: tomorrow,
      jam: '22:30',
      mendesak: 'ya',
      mendesak_yakin: 'ya',
    })
    expect(urgent.status).toBe(303)
    const stored = (await t.db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]
    expect([stored?.status, stored?.urgent, stored?.localTime]).toEqual(['scheduled', true, '22:30'])
    expect((await auditOf(t.f.core, 'announcement.scheduled')).map((a) => a.actor)).toEqual([`staff:${t.accounts.r5}`])
  })

  it('tells staff when the WhatsApp daily cap moved the rest to the next working day', async () => {
    const t = await setUp()
    const browser = await t.as('r5@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    expect((await auditOf(t.f.core, 'announcement.sent')).map((a) => a.actor)).toEqual([`staff:${t.accounts.r5}`])
    // As the delivery does when the day's cap is reached: Tuesday 24 November, 08.00 WIB.
    await t.db
      .update(announcements)
      .set({ rolledTo: new Date('2026-11-24T01:00:00Z') })
      .where(eq(announcements.id, id))
    const page = await (await browser.request(`/admin/pengumuman/${id}`)).text()
    expect(page).toMatch(
      /Batas harian WhatsApp tercapai: [1-9]\d* pesan WhatsApp yang tersisa dilanjutkan Selasa, 24 November 2026, 08.00 WIB, hari kerja berikutnya./,
    )
    expect(await (await browser.request('/admin/pengumuman')).text()).toContain(
      'WhatsApp dilanjutkan Selasa, 24 November 2026, 08.00 WIB',
    )
    // Once everything went, the page says it happened, not that it will.
    await t.db.update(announcements).set({ status: 'done' }).where(eq(announcements.id, id))
    const after = await (await browser.request(`/admin/pengumuman/${id}`)).text()
    expect(after).toContain(
      'Batas harian WhatsApp sempat tercapai; sisa pesan WhatsApp dikirim mulai Selasa, 24 November 2026, 08.00 WIB.',
    )
    expect(after).not.toContain('yang tersisa dilanjutkan')
  })

  it('lists newest first; admin filters by region and status, a viewer sees a draft without its preview', async () => {
    const t = await setUp()
    const r5 = await t.as('r5@kemensos.go.id')
    const first = idOf((await draft(r5, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    t.f.clock.advance(60_000)
    const admin = await t.as('pusat@kemensos.go.id')
    const second = idOf(
      (await draft(admin, { wilayah: 'R5', pendaftar: '', teks_id: 'Halo {nama}, info umum.' })).headers.get('location'),
    )
    const codes = (page: string) => [...page.matchAll(/href="\/admin\/pengumuman\/(\d+)">PGM-/g)].map((m) => Number(m[1]))
    expect(codes(await (await admin.request('/admin/pengumuman')).text())).toEqual([second, first])
    expect(codes(await (await admin.request('/admin/pengumuman?wilayah=R5')).text())).toEqual([first])
    expect(codes(await (await admin.request('/admin/pengumuman?wilayah=pusat')).text())).toEqual([second])
    expect(codes(await (await admin.request('/admin/pengumuman?wilayah=R2')).text())).toEqual([])
    expect(codes(await (await admin.request('/admin/pengumuman?status=sending')).text())).toEqual([])
    // The regional account sees its region's announcements only (the one made centrally is not its).
    expect(codes(await (await r5.request('/admin/pengumuman')).text())).toEqual([first])
    const viewer = await t.as('pemantau@kemensos.go.id')
    const page = await (await viewer.request(`/admin/pengumuman/${first}`)).text()
    expect(page).toContain('Draf ini belum dikirim')
    expect(page).not.toContain('preview-')
    expect(page).not.toContain('Kirim sekarang')
    expect((await auditOf(t.f.core, 'announcement.previewed')).filter((a) => a.actor === `staff:${t.accounts.viewer}`)).toEqual(
      [],
    )
  })

  it('on a server: the cap forecast before sending, queuing in the background, the outbox woken at once', async () => {
    const woken: string[] = []
    const queued: number[] = []
    const t = await setUp({
      announce: {
        deliverSoon: () => woken.push('deliver'),
        capPerDay: 1,
        capRemaining: async () => 1,
        queue: (id) => queued.push(id),
      },
    })
    const browser = await t.as('r5@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    const page = await (await browser.request(`/admin/pengumuman/${id}`)).text()
    // Two WhatsApp chats, one send left today: the rest goes on a later day, and staff see it first.
    expect(page).toMatch(/<ul class="notes">[\s\S]*?Batas harian WhatsApp 1 pesan: hari ini tersisa 1/)
    const sent = await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    expect(sent.status).toBe(303)
    // The server queues it (then wakes the outbox itself): the page answers at once.
    expect(queued).toEqual([id])
    expect((await t.db.select().from(announcements).where(eq(announcements.id, id)).limit(1))[0]?.status).toBe('queuing')
    const report = await (await browser.request(`/admin/pengumuman/${id}`)).text()
    expect(report).toContain('Penerima sedang diantrekan')
    await t.db
      .update(announcements)
      .set({ rolledTo: new Date('2026-11-24T01:00:00Z') })
      .where(eq(announcements.id, id))
    expect(await (await browser.request(`/admin/pengumuman/${id}`)).text()).toContain(
      'Batas harian WhatsApp (1 pesan per hari) tercapai: pesan WhatsApp yang tersisa dilanjutkan Selasa, 24 November 2026, 08.00 WIB',
    )
    expect(woken).toEqual([])
  })

  it('without a background queue, "Kirim sekarang" queues before answering and wakes the outbox', async () => {
    const woken: string[] = []
    const t = await setUp({ announce: { deliverSoon: () => woken.push('deliver') } })
    const browser = await t.as('r5@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    expect(await t.db.select().from(outbox).where(eq(outbox.kind, 'announcement'))).toHaveLength(4)
    expect(woken).toEqual(['deliver'])
  })

  it('Pengingat names announcement rows "Pengumuman"', async () => {
    const t = await setUp()
    const browser = await t.as('pusat@kemensos.go.id')
    const id = idOf((await draft(browser, { sesi: String(t.session), teks_id: TEXT })).headers.get('location'))
    await browser.submit(`/admin/pengumuman/${id}`, `/admin/pengumuman/${id}/kirim`, { mode: 'now' })
    const page = await (await browser.request('/admin/pengingat?kind=announcement')).text()
    expect(page).toContain('<option value="announcement" selected>Pengumuman</option>')
    expect(page.match(/<td>Pengumuman<\/td>/g)).toHaveLength(4)
  })
})

describe('the WhatsApp preview', () => {
  it('formats as WhatsApp does: *bold*, _italic_ and ~struck~ at word edges, links untouched, everything escaped', () => {
    expect(whatsappMarkup('Tempat *baru*: _Aula_ ~lama~ https://maps.example/a_b_c <b>&')).toBe(
      'Tempat <strong>baru</strong>: <em>Aula</em> <s>lama</s> https://maps.example/a_b_c &lt;b&gt;&amp;',
    )
  })
})
