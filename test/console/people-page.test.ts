/**
 * Peserta, the console's people: one search box (part of a name, NIK through its keyed hash, a
 * phone written any way, a registration code), scoped to a regional account's provinces in the
 * SQL, names masked for `viewer` with no person page; each view of a person audited; contact
 * corrections checked as the import checks them; a stage added tells the person as the import does.
 */

import { describe, expect, it } from 'vitest'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { importStatus } from '../../src/core/status/import.js'
import { statement } from '../../src/db/client.js'
import { certificationStages, channelIdentities, outbox } from '../../src/db/schema.js'
import { STATUS, statusFile, WOMAN } from '../support/status-csv.js'
import { seedPeople as seed } from './people-fixture.js'
import { auditOf, browserOn, consoleFixture } from './support.js'

type Fixture = Awaited<ReturnType<typeof consoleFixture>>

async function setUp(role: 'admin' | 'regional' | 'viewer' = 'admin', region = 'R2') {
  const f = await consoleFixture()
  const ids = await seed(f)
  const id = await f.addAccount({
    email: 'staf@kemensos.go.id',
    name: 'Dewi Anggraini',
    role,
    ...(role === 'regional' && { region }),
  })
  const browser = browserOn(f.app)
  await browser.signIn('staf@kemensos.go.id')
  const page = async (path: string) => {
    const response = await browser.request(path)
    return { status: response.status, html: await response.text() }
  }
  return { f, id, browser, page, ...ids }
}

const namesOn = (html: string) => [...html.matchAll(/<a href="\/admin\/peserta\/\d+">([^<]+)<\/a>/g)].map((m) => m[1])

describe('search', () => {
  it('the form posts: a NIK or phone is answered at once, never put in an address; a name goes on to an address to keep', async () => {
    const { browser } = await setUp()
    const form = await (await browser.request('/admin/peserta')).text()
    expect(form).toMatch(/<form method="post" action="\/admin\/peserta"[^>]*role="search"/)

    const byNik = await browser.submit('/admin/peserta', '/admin/peserta', { q: STATUS.nik, wilayah: '', tahap: '' })
    expect(byNik.status).toBe(200)
    expect(byNik.headers.get('location')).toBeNull()
    const nikPage = await byNik.text()
    expect(namesOn(nikPage)).toEqual(['Budi Santoso'])
    expect(nikPage).not.toContain(STATUS.nik.slice(4))
    expect(nikPage).not.toContain('rel="next"')

    const byPhone = await browser.submit('/admin/peserta', '/admin/peserta', { q: '0812-3456-7890', wilayah: '', tahap: '' })
    expect(byPhone.status).toBe(200)
    expect(namesOn(await byPhone.text())).toEqual(['Budi Santoso'])

    const byName = await browser.submit('/admin/peserta', '/admin/peserta', { q: 'amin', wilayah: 'R2', tahap: '' })
    expect(byName.status).toBe(303)
    expect(byName.headers.get('location')).toBe('/admin/peserta?q=amin&wilayah=R2')

    const noToken = await browser.request('/admin/peserta', { form: { q: STATUS.nik } })
    expect(noToken.status).toBe(403)
  })

  it('finds a person by part of the name (any case), NIK, phone written any way, or registration code', async () => {
    const { page } = await setUp('admin')
    expect(namesOn((await page('/admin/peserta')).html)).toEqual(['Budi Santoso', 'Siti Aminah'])
    expect(namesOn((await page('/admin/peserta?q=aMIn')).html)).toEqual(['Siti Aminah'])
    expect(namesOn((await page(`/admin/peserta?q=${STATUS.nik}`)).html)).toEqual(['Budi Santoso'])
    expect(namesOn((await page('/admin/peserta?q=3273+0155+0680+0002')).html)).toEqual(['Siti Aminah'])
    for (const phone of ['0812-3456-7890', '+62 812 3456 7890', '6281234567890', '0812 3456 7890'])
      expect(namesOn((await page(`/admin/peserta?q=${encodeURIComponent(phone)}`)).html)).toEqual(['Budi Santoso'])
    expect(namesOn((await page('/admin/peserta?q=bmt-k7q2x9')).html)).toEqual(['Budi Santoso'])
    expect(namesOn((await page('/admin/peserta?q=BMTK7Q2X9')).html)).toEqual(['Budi Santoso'])
    expect(namesOn((await page('/admin/peserta?q=BMT-K7Q2X')).html)).toEqual([])
    // The NIK is looked up, never shown.
    expect((await page(`/admin/peserta?q=${STATUS.nik}`)).html).not.toContain(STATUS.nik.slice(4))
  })

  it('filters by region and current stage, and shows an empty state', async () => {
    const { f, page, budi } = await setUp('admin')
    expect(namesOn((await page('/admin/peserta?wilayah=R3')).html)).toEqual(['Siti Aminah'])
    // Budi was registered before his Bimtek: he is at the Bimtek stage now, not at Terdaftar.
    await f.core.db
      .insert(certificationStages)
      .values({ personId: budi, stage: 'terdaftar', reachedAt: new Date('2026-01-05T00:00:00Z') })
    for (const filter of ['', '&wilayah=R2', '&q=santoso']) {
      expect(namesOn((await page(`/admin/peserta?tahap=bimtek${filter}`)).html)).toEqual(['Budi Santoso'])
      expect(namesOn((await page(`/admin/peserta?tahap=terdaftar${filter}`)).html)).not.toContain('Budi Santoso')
    }
    expect(namesOn((await page('/admin/peserta?tahap=terdaftar')).html)).toEqual(['Siti Aminah'])
    const none = (await page('/admin/peserta?q=Zulkarnain')).html
    expect(none).toContain('<p class="empty">Tidak ada peserta yang cocok dengan pencarian ini.</p>')
    const bad = (await page('/admin/peserta?q=12345')).html
    expect(bad).toContain('aria-invalid="true" aria-describedby="f-q-error"')
    expect(bad).toContain('Bukan NIK (16 angka) atau nomor HP yang dikenali')
  })

  it('a regional account lists only its provinces, whatever region the address asks for', async () => {
    const { page } = await setUp('regional', 'R2')
    expect(namesOn((await page('/admin/peserta')).html)).toEqual(['Budi Santoso'])
    expect(namesOn((await page('/admin/peserta?wilayah=R3')).html)).toEqual(['Budi Santoso'])
    expect(namesOn((await page('/admin/peserta?q=Siti')).html)).toEqual([])
    expect(namesOn((await page(`/admin/peserta?q=${WOMAN.nik}`)).html)).toEqual([])
  })

  it('a viewer sees names masked, no phone, no links to a person, and cannot search by NIK or phone', async () => {
    const { page, budi } = await setUp('viewer')
    const list = (await page('/admin/peserta')).html
    expect(list).toContain('Bud… San…')
    expect(list).not.toContain('Budi Santoso')
    expect(list).not.toContain('+6281234567890')
    expect(list).not.toContain('/admin/peserta/')
    const byNik = (await page(`/admin/peserta?q=${STATUS.nik}`)).html
    expect(byNik).toContain('Pemantau mencari menurut nama atau kode pendaftaran saja')
    expect(byNik).not.toContain('Bud… San…')
    const person = await page(`/admin/peserta/${budi}`)
    expect(person.status).toBe(403)
    expect(person.html).not.toContain('Budi')
  })
})

describe('one person', () => {
  it('shows identity without the NIK, the stages, registrations, chats masked; each view is one audit row', async () => {
    const { f, id, page, budi } = await setUp('regional', 'R2')
    const { status, html } = await page(`/admin/peserta/${budi}`)
    expect(status).toBe(200)
    expect(html).toContain('<h1>Budi Santoso</h1>')
    expect(html).toContain('Tercatat (disimpan terenkripsi; tidak ditampilkan)')
    expect(html).not.toContain(STATUS.nik)
    expect(html).toContain('+6281234567890')
    expect(html).toContain('Jawa Barat')
    expect(html).toContain('<code>BMT-K7Q2X9</code>')
    expect(html).toContain('<code>…3456</code>')
    expect(html).not.toContain('700123456')
    expect(html).toMatch(/<td>Bimtek<\/td><td>Selasa, 10 Maret 2026<\/td>/)
    await page(`/admin/peserta/${budi}`)
    expect(await auditOf(f.core, 'person.viewed')).toEqual([
      expect.objectContaining({ actor: `staff:${id}`, entity: 'person', entityId: String(budi) }),
      expect.objectContaining({ actor: `staff:${id}`, entity: 'person', entityId: String(budi) }),
    ])
    // The trail on the page names the staff member who looked.
    expect((await page(`/admin/peserta/${budi}`)).html).toMatch(/<td>Dewi Anggraini<\/td><td><code>person\.viewed<\/code><\/td>/)
  })

  it("another region's person by address is the 404 page, and nothing is audited", async () => {
    const { f, page, siti, browser } = await setUp('regional', 'R2')
    for (const path of [`/admin/peserta/${siti}`, '/admin/peserta/99999', '/admin/peserta/abc']) {
      const response = await page(path)
      expect(response.status).toBe(404)
      expect(response.html).toContain('Peserta tidak ditemukan')
      expect(response.html).not.toContain('Siti')
    }
    const posted = await browser.submit('/admin/peserta', `/admin/peserta/${siti}/tahap`, {
      stage: 'seleksi_administrasi',
      stageDate: '2026-11-20',
      dueDate: '',
      note: '',
    })
    expect(posted.status).toBe(404)
    expect(await auditOf(f.core, 'person.viewed')).toEqual([])
    expect(await auditOf(f.core, 'person.stage_added')).toEqual([])
  })
})

describe('contact correction', () => {
  const form = {
    phone: '0812-3456-7890',
    province: '32',
    regency: 'Kota Bandung',
    professionGroup: 'Pekerja Sosial',
    institution: 'Dinas Sosial Kota Bandung',
    timeZone: 'Asia/Jakarta',
  }
  const stored = async (f: Fixture, id: number) =>
    await statement(
      f.core.db,
      'select phone_e164 as phone, province_code as province, regency, institution, time_zone as zone from people where id = ?',
    ).get(id)

  it('bad values get their error beside the field and nothing is written', async () => {
    const { f, browser, budi } = await setUp('regional', 'R2')
    const before = stored(f, budi)
    const response = await browser.submit(`/admin/peserta/${budi}`, `/admin/peserta/${budi}/kontak`, {
      ...form,
      phone: '021-555-1234',
      province: '33',
      regency: 'x'.repeat(101),
      timeZone: 'Europe/Paris',
    })
    expect(response.status).toBe(400)
    const html = await response.text()
    expect(html).toContain('<span class="error" id="f-phone-error">Harus nomor HP (08…), bukan telepon rumah atau kantor.</span>')
    expect(html).toContain('id="f-province-error">Provinsi Jawa Tengah di luar wilayah R2')
    expect(html).toMatch(/id="f-regency-error">[^<]*100/)
    expect(html).toContain('id="f-timeZone-error">Pilih zona waktu WIB, WITA atau WIT.</span>')
    expect(html).toContain('id="f-phone" name="phone" type="text" value="021-555-1234" aria-invalid="true"')
    expect(await stored(f, budi)).toEqual(await before)
    expect(await auditOf(f.core, 'person.contact_corrected')).toEqual([])
  })

  it('a new phone is stored normalised, every chat link ends, and the audit names the fields, not the values', async () => {
    const { f, id, browser, budi } = await setUp('admin')
    const response = await browser.submit(`/admin/peserta/${budi}`, `/admin/peserta/${budi}/kontak`, {
      ...form,
      phone: '+62 813 9988 7766',
      institution: 'Dinsos Kab. Bandung',
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe(`/admin/peserta/${budi}?diubah=kontak`)
    expect(await stored(f, budi)).toMatchObject({ phone: '+6281399887766', institution: 'Dinsos Kab. Bandung' })
    const [audit] = await auditOf(f.core, 'person.contact_corrected')
    expect(audit).toMatchObject({ actor: `staff:${id}`, entityId: String(budi) })
    expect(JSON.parse(audit?.details ?? '{}')).toEqual({ fields: ['phone', 'institution'], chatsUnlinked: 1 })
    expect(audit?.details).not.toContain('99887766')
    const chat = (await f.core.db.select().from(channelIdentities).limit(1))[0]
    expect(chat?.personId ?? null).toBeNull()
    expect(await (await browser.request(`/admin/peserta/${budi}?diubah=kontak`)).text()).toContain('Data kontak diperbarui.')
  })

  it('is refused to a form without its CSRF token', async () => {
    const { f, browser, budi } = await setUp('admin')
    const before = stored(f, budi)
    const response = await browser.request(`/admin/peserta/${budi}/kontak`, { form: { ...form, phone: '0813-9988-7766' } })
    expect(response.status).toBe(403)
    expect(await stored(f, budi)).toEqual(await before)
  })
})

describe('adding a stage', () => {
  const stageForm = { stage: 'ujian_kognitif', stageDate: '2026-11-20', dueDate: '', note: 'Lulus seleksi' }

  it('queues the very message the status import queues (same key, same text), once, and is audited', async () => {
    const { f, id, browser, budi } = await setUp('regional', 'R2')
    const response = await browser.submit(`/admin/peserta/${budi}`, `/admin/peserta/${budi}/tahap`, stageForm)
    expect(response.status).toBe(303)
    const told = (await f.core.db.select().from(outbox)).filter((row) => row.kind === 'status_changed')
    expect(told).toHaveLength(1)

    // The same stage through the status import, on a twin database: the same message and key.
    const twin = await consoleFixture({ clock: f.clock })
    await seed(twin)
    const imported = await importStatus(
      twin.core.db,
      statusFile({ stage: 'ujian kognitif', stage_date: '2026-11-20', note: 'Lulus seleksi' }),
      {
        actor: 'test',
        vault: twin.core.vault,
        now: twin.clock.now(),
        reminders: DEFAULT_REMINDER_SETTINGS,
      },
    )
    expect(imported).toMatchObject({ ok: true, messagesQueued: 1 })
    const importRows = (await twin.core.db.select().from(outbox)).filter((row) => row.kind === 'status_changed')
    const shape = (row: (typeof told)[number] | undefined) =>
      row && { key: row.idempotencyKey, chat: row.chatId, payload: row.payload, due: row.dueAt }
    expect(shape(told[0])).toEqual(shape(importRows[0]))
    expect(JSON.parse(told[0]?.payload ?? '{}').text).toContain('*Ujian kognitif* (Jumat, 20 November 2026)')

    expect((await f.core.db.select().from(certificationStages)).at(-1)).toMatchObject({
      stage: 'ujian_kognitif',
      note: 'Lulus seleksi',
    })
    expect(await auditOf(f.core, 'person.stage_added')).toEqual([
      expect.objectContaining({ actor: `staff:${id}`, entityId: String(budi) }),
    ])
    // The same stage on the same day again: refused beside the field, nothing queued.
    const again = await browser.submit(`/admin/peserta/${budi}`, `/admin/peserta/${budi}/tahap`, stageForm)
    expect(again.status).toBe(400)
    expect(await again.text()).toContain('id="f-stage-error">Tahap ini sudah tercatat pada tanggal itu.</span>')
    expect((await f.core.db.select().from(outbox)).filter((row) => row.kind === 'status_changed')).toHaveLength(1)
  })

  it('bad dates get their error beside the field and nothing is written', async () => {
    const { f, browser, budi } = await setUp('admin')
    const stagesBefore = (await f.core.db.select().from(certificationStages)).length
    const response = await browser.submit(`/admin/peserta/${budi}`, `/admin/peserta/${budi}/tahap`, {
      stage: 'portofolio',
      stageDate: '2026-12-25',
      dueDate: '2026-02-30',
      note: '',
    })
    expect(response.status).toBe(400)
    const html = await response.text()
    expect(html).toContain('id="f-stageDate-error">Tanggal itu belum tiba; isi tanggal tahap itu dicapai.</span>')
    expect(html).toContain('id="f-dueDate-error">Isi tanggal yang ada')
    expect(await f.core.db.select().from(certificationStages)).toHaveLength(stagesBefore)
    expect((await f.core.db.select().from(outbox)).filter((row) => row.kind === 'status_changed')).toEqual([])
    expect(await auditOf(f.core, 'person.stage_added')).toEqual([])
  })
})
