/**
 * Sesi Bimtek (/admin/sesi): the list scoped to a regional account's region in SQL, creating and
 * editing with the sessions import's rules (reasons beside the fields, nothing written), cancelling
 * (every registrant told once per chat in its language and zone, reminders cancelled, no longer in
 * the chat), attendance, moving a registrant (the freed seat offered on), 404 for another region's
 * addresses, and viewer masking.
 */

import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { statement } from '../../src/db/client.js'
import { bimtekSessions, outbox, registrations } from '../../src/db/schema.js'
import { chat, textOf } from '../support/chat.js'
import { addPerson, confirm, DAY, HOUR, MINUTE, remindersOf } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'
import { auditOf, browserOn, consoleFixture } from './support.js'

type Role = 'admin' | 'regional' | 'viewer'

async function signedIn(role: Role = 'admin', region: 'R2' | 'R5' = 'R2') {
  const f = await consoleFixture()
  const id = await f.addAccount({
    email: 'staf@kemensos.go.id',
    name: 'Dewi Anggraini',
    role,
    ...(role === 'regional' && { region }),
  })
  const browser = browserOn(f.app)
  await browser.signIn('staf@kemensos.go.id')
  return { f, db: f.core.db, id, browser, now: f.clock.now() }
}

/** A valid form for a new session of R2, held in Bandung (WIB), starting 30 days after the fixture's clock. */
const NEW_SESSION = {
  code: 'BMT-BDG-2026-09',
  title: 'Bimtek Pekerja Sosial Bandung',
  target_group: 'pekerja sosial',
  region: 'R2',
  mode: 'tatap_muka',
  venue: 'BBPPKS Bandung, Jl. Ir. H. Juanda 367',
  map_url: '',
  meeting_url: '',
  province: '32',
  starts_at: '2026-12-23T08:00',
  ends_at: '2026-12-23T16:00',
  capacity: '30',
  registration_opens_at: '2026-11-20T08:00',
  registration_closes_at: '2026-12-20T17:00',
}

const outboxOf = async (db: Awaited<ReturnType<typeof consoleFixture>>['core']['db'], kind: string) =>
  await db.select().from(outbox).where(eq(outbox.kind, kind)).orderBy(outbox.id)

describe('Sesi Bimtek: list', () => {
  it('a regional account lists only its region (in the query), admin every region, with seats', async () => {
    const { f, db, browser, now } = await signedIn('regional', 'R2')
    const bandung = await addSession(db, now, { code: 'BMT-BDG-01', region: 'R2', capacity: 20 })
    await addSession(db, now, { code: 'BMT-MKS-01', region: 'R5' })
    await confirm(db, await addPerson(db), bandung)
    // Asking for another region by address changes nothing.
    const page = await (await browser.request('/admin/sesi?wilayah=R5')).text()
    expect(page).toContain('<h1>Sesi Bimtek</h1>')
    expect(page).toContain('BMT-BDG-01')
    expect(page).not.toContain('BMT-MKS-01')
    expect(page).toMatch(/<td>1 \/ 20<\/td><td>0<\/td><td>0<\/td>/)

    await f.addAccount({ email: 'pusat@kemensos.go.id', role: 'admin' })
    const admin = browserOn(f.app, '198.51.100.8')
    await admin.signIn('pusat@kemensos.go.id')
    const all = await (await admin.request('/admin/sesi')).text()
    expect(all).toContain('BMT-BDG-01')
    expect(all).toContain('BMT-MKS-01')
    const r5 = await (await admin.request('/admin/sesi?wilayah=R5')).text()
    expect(r5).not.toContain('BMT-BDG-01')
  })

  it('filters by text, time and mode, pages 25 at a time, and shows an empty state', async () => {
    const { db, browser, now } = await signedIn()
    for (let i = 1; i <= 27; i++)
      await addSession(db, now, {
        code: `BMT-A-${String(i).padStart(2, '0')}`,
        startsAt: new Date(now.getTime() + (10 + i) * DAY),
      })
    await addSession(db, now, { code: 'BMT-DARING-01', mode: 'daring' })
    const first = await (await browser.request('/admin/sesi?q=BMT-A')).text()
    expect(first).toContain('27 sesi · halaman 1 dari 2')
    expect(first).toContain('BMT-A-25')
    expect(first).not.toContain('BMT-A-26')
    expect(await (await browser.request('/admin/sesi?q=BMT-A&page=2')).text()).toContain('BMT-A-27')
    const daring = await (await browser.request('/admin/sesi?cara=daring')).text()
    expect(daring).toContain('BMT-DARING-01')
    expect(daring).not.toContain('BMT-A-01')
    const none = await (await browser.request('/admin/sesi?waktu=cancelled')).text()
    expect(none).toContain('<p class="empty">Tidak ada sesi yang cocok dengan saringan ini.</p>')
  })
})

describe('Sesi Bimtek: create and edit', () => {
  it("a bad field is refused with the import's reason beside it, and nothing is written", async () => {
    const { db, browser } = await signedIn()
    const response = await browser.submit('/admin/sesi/baru', '/admin/sesi/baru', {
      ...NEW_SESSION,
      capacity: '0',
      ends_at: '2026-12-23T07:00',
    })
    expect(response.status).toBe(422)
    const page = await response.text()
    expect(page).toContain(
      '<span class="error" id="f-capacity-error">harus bilangan bulat 1–10000 (tertulis &quot;0&quot;)</span>',
    )
    expect(page).toMatch(/id="f-capacity"[^>]*aria-invalid="true"/)
    // What was typed stays in the form.
    expect(page).toContain('value="BMT-BDG-2026-09"')
    expect(await db.select().from(bimtekSessions)).toEqual([])
    // The times are checked once every cell is good, as the import does.
    const later = await browser.submit('/admin/sesi/baru', '/admin/sesi/baru', { ...NEW_SESSION, ends_at: '2026-12-23T07:00' })
    expect(await later.text()).toContain('id="f-ends_at-error">harus sesudah starts_at</span>')
    expect(await db.select().from(bimtekSessions)).toEqual([])
  })

  it("creates a session in the province's zone, audited with the staff member", async () => {
    const { f, db, id, browser } = await signedIn()
    const response = await browser.submit('/admin/sesi/baru', '/admin/sesi/baru', NEW_SESSION)
    expect(response.status).toBe(303)
    const session = (await db.select().from(bimtekSessions).where(eq(bimtekSessions.code, NEW_SESSION.code)).limit(1))[0]
    expect(session?.startsAt.toISOString()).toBe('2026-12-23T01:00:00.000Z')
    expect(session?.timeZone).toBe('Asia/Jakarta')
    expect(response.headers.get('location')).toBe(`/admin/sesi/${session?.id}?disimpan=1`)
    const page = await (await browser.request(response.headers.get('location') ?? '')).text()
    expect(page).toContain('Sesi disimpan.')
    expect(await auditOf(f.core, 'session.created')).toMatchObject([{ actor: `staff:${id}`, entityId: NEW_SESSION.code }])
    // A second session with the same code is refused beside the code.
    const again = await browser.submit('/admin/sesi/baru', '/admin/sesi/baru', NEW_SESSION)
    expect(await again.text()).toContain('id="f-code-error">&quot;BMT-BDG-2026-09&quot; sudah dipakai sesi lain')
  })

  it('a regional account creates sessions of its own region only', async () => {
    const { db, browser } = await signedIn('regional', 'R2')
    const response = await browser.submit('/admin/sesi/baru', '/admin/sesi/baru', { ...NEW_SESSION, region: 'R5', province: '' })
    expect(response.status).toBe(422)
    expect(await response.text()).toContain('id="f-region-error">hanya wilayah Anda (R2)</span>')
    expect(await db.select().from(bimtekSessions)).toEqual([])
  })

  it("moving a session re-plans its confirmed people's reminders; a capacity below the seats taken is refused", async () => {
    const { f, db, browser, now } = await signedIn()
    const sessionId = await addSession(db, now, { code: 'BMT-BDG-01', startsAt: new Date(now.getTime() + 20 * DAY), capacity: 5 })
    const people = [await addPerson(db), await addPerson(db)]
    for (const person of people) await confirm(db, person, sessionId)
    const { planReminders } = await import('../../src/core/reminders/plan.js')
    const { DEFAULT_REMINDER_SETTINGS } = await import('../../src/core/reminders/settings.js')
    await planReminders(db, people, now, DEFAULT_REMINDER_SETTINGS)
    const before = (await remindersOf(db, people[0] ?? 0)).filter((r) => r.status === 'pending')
    expect(before).toHaveLength(3)

    const edit = await (await browser.request(`/admin/sesi/${sessionId}/ubah`)).text()
    expect(edit).toMatch(/id="f-code"[^>]*value="BMT-BDG-01" readonly/)
    const small = await browser.submit(`/admin/sesi/${sessionId}/ubah`, `/admin/sesi/${sessionId}/ubah`, {
      ...valuesOf(edit),
      capacity: '1',
    })
    expect(small.status).toBe(422)
    expect(await small.text()).toContain(
      'id="f-capacity-error">1 lebih kecil dari 2 kursi yang sudah terisi atau ditawarkan (terkonfirmasi + ditawari); isi paling sedikit 2</span>',
    )
    expect((await db.select().from(bimtekSessions).limit(1))[0]?.capacity).toBe(5)

    const moved = await browser.submit(`/admin/sesi/${sessionId}/ubah`, `/admin/sesi/${sessionId}/ubah`, {
      ...valuesOf(edit),
      starts_at: '2026-12-20T09:00',
      ends_at: '2026-12-20T15:00',
    })
    expect(moved.status).toBe(303)
    expect((await db.select().from(bimtekSessions).limit(1))[0]?.startsAt.toISOString()).toBe('2026-12-20T02:00:00.000Z')
    const after = await remindersOf(db, people[0] ?? 0)
    expect(after.filter((r) => r.status === 'cancelled')).toHaveLength(3)
    const pending = after.filter((r) => r.status === 'pending')
    expect(pending.map((r) => r.dueAt.toISOString())).toEqual([
      '2026-12-13T02:00:00.000Z',
      '2026-12-19T02:00:00.000Z',
      '2026-12-20T00:00:00.000Z',
    ])
    expect(await auditOf(f.core, 'session.updated')).toMatchObject([{ entityId: 'BMT-BDG-01', details: '{"replanned":2}' }])
  })
})

/** The values of a session form's fields, as a browser would post them back. */
function valuesOf(page: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const match of page.matchAll(/<input id="f-(\w+)" name="\w+"[^>]*? value="([^"]*)"/g))
    values[match[1] ?? ''] = match[2] ?? ''
  for (const match of page.matchAll(/<select id="f-(\w+)"[^>]*>(.*?)<\/select>/gs))
    values[match[1] ?? ''] = /<option value="([^"]*)" selected>/.exec(match[2] ?? '')?.[1] ?? ''
  for (const match of page.matchAll(/<textarea id="f-(\w+)"[^>]*>([^<]*)<\/textarea>/g)) values[match[1] ?? ''] = match[2] ?? ''
  return values
}

describe('Sesi Bimtek: cancel', () => {
  it("tells every registrant once per chat, in the chat's language and the person's zone, and cancels their reminders", async () => {
    const { f, db, id, browser, now } = await signedIn()
    // 14 days ahead at 09:00 WIB.
    const sessionId = await addSession(db, now, {
      code: 'BMT-BDG-01',
      title: 'Bimtek Bandung',
      capacity: 1,
      startsAt: new Date('2026-12-07T02:00:00Z'),
    })
    const confirmed = await addPerson(db, {
      chats: [
        { channel: 'telegram', chatId: 'tg-ani' },
        { channel: 'whatsapp', chatId: '6281200000001@s.whatsapp.net', language: 'en' },
      ],
    })
    const waiting = await addPerson(db, { zone: 'Asia/Jayapura', chats: [{ channel: 'telegram', chatId: 'tg-budi' }] })
    const offered = await addPerson(db, { chats: [{ channel: 'telegram', chatId: 'tg-citra', language: 'en' }] })
    const gone = await addPerson(db, { chats: [{ channel: 'telegram', chatId: 'tg-dedi' }] })
    await confirm(db, confirmed, sessionId, 'BMT-ANI001')
    await db.insert(registrations).values([
      { code: 'BMT-BUDI01', sessionId, personId: waiting, status: 'waitlisted', waitlistedAt: now },
      {
        code: 'BMT-CITR01',
        sessionId,
        personId: offered,
        status: 'offered',
        offerExpiresAt: new Date(now.getTime() + 12 * HOUR),
      },
      { code: 'BMT-DEDI01', sessionId, personId: gone, status: 'cancelled', cancelledAt: now },
    ])
    const { planReminders } = await import('../../src/core/reminders/plan.js')
    const { DEFAULT_REMINDER_SETTINGS } = await import('../../src/core/reminders/settings.js')
    await planReminders(db, [confirmed], now, DEFAULT_REMINDER_SETTINGS)
    expect((await remindersOf(db, confirmed)).filter((r) => r.status === 'pending')).toHaveLength(6)

    const confirmPage = await (await browser.request(`/admin/sesi/${sessionId}/batal`)).text()
    expect(confirmPage).toContain('3 pendaftaran yang masih berlaku')
    const empty = await browser.submit(`/admin/sesi/${sessionId}/batal`, `/admin/sesi/${sessionId}/batal`, { reason: '' })
    expect(empty.status).toBe(422)
    expect(await empty.text()).toContain('id="f-reason-error">Tulis alasannya')
    expect(await outboxOf(db, 'session_cancelled')).toEqual([])

    const response = await browser.submit(`/admin/sesi/${sessionId}/batal`, `/admin/sesi/${sessionId}/batal`, {
      reason: 'Gedung dipakai untuk posko banjir',
    })
    expect(response.status).toBe(303)
    const messages = await outboxOf(db, 'session_cancelled')
    expect(messages.map((m) => [m.chatId, m.personId])).toEqual([
      ['tg-ani', confirmed],
      ['6281200000001@s.whatsapp.net', confirmed],
      ['tg-budi', waiting],
      ['tg-citra', offered],
    ])
    const text = (chatId: string) => JSON.parse(messages.find((m) => m.chatId === chatId)?.payload ?? '{}').text as string
    expect(text('tg-ani')).toContain('Sesi Bimtek dibatalkan oleh penyelenggara')
    expect(text('tg-ani')).toContain('Senin, 7 Desember 2026, 09.00–17.00 WIB')
    expect(text('tg-ani')).toContain('Alasan: Gedung dipakai untuk posko banjir')
    expect(text('tg-ani')).toContain('(BMT-ANI001)')
    expect(text('6281200000001@s.whatsapp.net')).toContain('The Bimtek session has been cancelled by the organisers')
    expect(text('6281200000001@s.whatsapp.net')).toContain('Monday, 7 December 2026')
    // Read in Papua: WIT, with the venue's own time.
    expect(text('tg-budi')).toContain('11.00–19.00 WIT (di lokasi 09.00 WIB)')
    expect(text('tg-citra')).toContain('Reason: Gedung dipakai untuk posko banjir')

    expect((await db.select().from(registrations)).map((r) => r.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ])
    expect((await remindersOf(db, confirmed)).filter((r) => r.status === 'pending')).toEqual([])
    expect((await db.select().from(bimtekSessions).limit(1))[0]).toMatchObject({
      cancelReason: 'Gedung dipakai untuk posko banjir',
    })
    expect(await auditOf(f.core, 'session.cancelled')).toMatchObject([
      {
        actor: `staff:${id}`,
        entityId: 'BMT-BDG-01',
        details: '{"reason":"Gedung dipakai untuk posko banjir","registrations":3,"messages":4}',
      },
    ])
    const page = await (await browser.request(response.headers.get('location') ?? '')).text()
    expect(page).toContain('Sesi dibatalkan. Setiap peserta diberi tahu lewat chat.')
    expect(page).toContain('Alasan: Gedung dipakai untuk posko banjir')
    expect(page).not.toContain('/ubah"')

    // Cancelling again queues nothing more.
    const again = await browser.submit(`/admin/sesi/${sessionId}`, `/admin/sesi/${sessionId}/batal`, {
      reason: 'Sekali lagi dibatalkan',
    })
    expect(again.status).toBe(422)
    expect(await outboxOf(db, 'session_cancelled')).toHaveLength(4)
  })

  it('a cancelled session is no longer offered in the chat, nor counted as upcoming on Beranda', async () => {
    const { f, db, browser, now } = await signedIn()
    const sessionId = await addSession(db, now, { code: 'BMT-BDG-01', title: 'Bimtek Bandung Batal', capacity: 17 })
    await addSession(db, now, { code: 'BMT-BDG-02', title: 'Bimtek Bandung Jalan', capacity: 11 })
    const before = textOf(await chat(f.core.engine, 'reader-1').say('jadwal'))
    expect(before).toContain('Bimtek Bandung Batal')
    await browser.submit(`/admin/sesi/${sessionId}/batal`, `/admin/sesi/${sessionId}/batal`, {
      reason: 'Narasumber berhalangan hadir',
    })
    const after = textOf(await chat(f.core.engine, 'reader-2').say('jadwal'))
    expect(after).toContain('Bimtek Bandung Jalan')
    expect(after).not.toContain('Bimtek Bandung Batal')
    const dashboard = await (await browser.request('/admin')).text()
    // Seats of upcoming sessions: the one still held (capacity 11), not the cancelled one's 17.
    expect(dashboard).toContain('<dd>0 / 11 <span class="note">1 sesi</span></dd>')
    // A registration still arriving for it (a choice made before the cancel) finds it closed.
    const { register } = await import('../../src/db/queries/registrations.js')
    expect((await register(db, { sessionId, personId: await addPerson(db), newCode: () => 'BMT-LATE01', now })).kind).toBe(
      'closed',
    )
    const list = await (await browser.request('/admin/sesi?waktu=cancelled')).text()
    expect(list).toContain('BMT-BDG-01</a> <strong>(dibatalkan)</strong>')
    // An edit of the cancelled session through the sessions file is refused too.
    const { importSessions } = await import('../../src/core/sessions/import.js')
    const { DEFAULT_REMINDER_SETTINGS } = await import('../../src/core/reminders/settings.js')
    const csv = `${Object.keys(NEW_SESSION).join(',')}\n${Object.values({
      ...NEW_SESSION,
      code: 'BMT-BDG-01',
      starts_at: '2026-12-23 08:00',
      ends_at: '2026-12-23 16:00',
      registration_opens_at: '2026-11-20 08:00',
      registration_closes_at: '2026-12-20 17:00',
    })
      .map((v) => `"${v}"`)
      .join(',')}\n`
    const imported = await importSessions(db, csv, { actor: 'cli', now, reminders: DEFAULT_REMINDER_SETTINGS })
    expect(imported).toMatchObject({
      ok: false,
      errors: [{ line: 2, column: 'code', message: expect.stringContaining('sudah dibatalkan') }],
    })
  })
})

describe('Sesi Bimtek: attendance and moving', () => {
  it('marks a confirmed registrant present once the session has begun, audited', async () => {
    const { f, db, id, browser, now } = await signedIn()
    const sessionId = await addSession(db, now, { code: 'BMT-BDG-01', startsAt: new Date(now.getTime() + 10 * MINUTE) })
    const person = await addPerson(db)
    await confirm(db, person, sessionId, 'BMT-ANI001')
    const early = await browser.submit(`/admin/sesi/${sessionId}`, `/admin/sesi/${sessionId}/kehadiran`, {
      code: 'BMT-ANI001',
      hadir: 'ya',
    })
    expect(early.status).toBe(422)
    expect(await early.text()).toContain('Kehadiran dapat dicatat setelah sesi dimulai.')
    // Within the console's idle timeout of 30 minutes.
    f.clock.advance(15 * MINUTE)
    const page = await (await browser.request(`/admin/sesi/${sessionId}`)).text()
    expect(page).toContain('<label for="hadir-BMT-ANI001">Kehadiran BMT-ANI001</label>')
    const marked = await browser.submit(`/admin/sesi/${sessionId}`, `/admin/sesi/${sessionId}/kehadiran`, {
      code: 'BMT-ANI001',
      hadir: 'ya',
    })
    expect(marked.status).toBe(303)
    expect((await db.select().from(registrations).limit(1))[0]?.attendedAt?.getTime()).toBe(f.clock.now().getTime())
    expect(await (await browser.request(`/admin/sesi/${sessionId}`)).text()).toMatch(/<td>Hadir<form/)
    await browser.submit(`/admin/sesi/${sessionId}`, `/admin/sesi/${sessionId}/kehadiran`, { code: 'BMT-ANI001', hadir: 'tidak' })
    expect((await db.select().from(registrations).limit(1))[0]?.attendedAt).toBeNull()
    expect(await auditOf(f.core, 'registration.attended')).toMatchObject([{ actor: `staff:${id}`, entityId: 'BMT-ANI001' }])
    expect(await auditOf(f.core, 'registration.absent')).toHaveLength(1)
  })

  it('moves a registrant: a seat where one is free, else the waiting list; told in the chat; the freed seat offered on', async () => {
    const { f, db, browser, now } = await signedIn()
    const from = await addSession(db, now, { code: 'BMT-BDG-01', capacity: 1 })
    const roomy = await addSession(db, now, { code: 'BMT-BDG-02', title: 'Bimtek Bandung Dua', capacity: 5 })
    const full = await addSession(db, now, { code: 'BMT-BDG-03', capacity: 1 })
    await addSession(db, now, { code: 'BMT-MKS-01', region: 'R5' })
    const ani = await addPerson(db, { chats: [{ channel: 'telegram', chatId: 'tg-ani' }] })
    const budi = await addPerson(db, { chats: [{ channel: 'telegram', chatId: 'tg-budi' }] })
    const citra = await addPerson(db, { chats: [{ channel: 'telegram', chatId: 'tg-citra', language: 'en' }] })
    await confirm(db, ani, from, 'BMT-ANI001')
    await db
      .insert(registrations)
      .values({ code: 'BMT-BUDI01', sessionId: from, personId: budi, status: 'waitlisted', waitlistedAt: now })
    await confirm(db, await addPerson(db), full, 'BMT-FULL01')
    await confirm(db, citra, roomy, 'BMT-CITR01')

    const page = await (await browser.request(`/admin/sesi/${from}`)).text()
    // Only sessions of the same region are offered as targets.
    expect(page).toContain('BMT-BDG-02 · ')
    expect(page).not.toContain('BMT-MKS-01 · ')
    const moved = await browser.submit(`/admin/sesi/${from}`, `/admin/sesi/${from}/pindah`, {
      code: 'BMT-ANI001',
      to: String(roomy),
    })
    expect(moved.status).toBe(303)
    const row = async (code: string) => (await db.select().from(registrations).where(eq(registrations.code, code)).limit(1))[0]
    expect(await row('BMT-ANI001')).toMatchObject({ sessionId: roomy, status: 'confirmed' })
    const told = await outboxOf(db, 'registration_moved')
    expect(told.map((m) => m.chatId)).toEqual(['tg-ani'])
    expect(JSON.parse(told[0]?.payload ?? '{}').text).toContain('Kursi Anda sudah tersedia.\n\n*Bimtek Bandung Dua*')
    // Budi was waiting for the seat Ani left: it is offered to him.
    expect((await row('BMT-BUDI01'))?.status).toBe('offered')
    expect((await outboxOf(db, 'seat_offer')).map((m) => m.chatId)).toEqual(['tg-budi'])
    const aniRegistration = (await row('BMT-ANI001'))?.id
    expect(
      (await remindersOf(db, ani))
        .filter((r) => r.status === 'pending')
        .every((r) => r.eventKey === `registration:${aniRegistration}`),
    ).toBe(true)
    expect(await auditOf(f.core, 'registration.moved')).toMatchObject([
      { entityId: 'BMT-ANI001', details: '{"from":"BMT-BDG-01","to":"BMT-BDG-02","status":"confirmed"}' },
    ])

    // A full session: the end of its waiting list, in the person's language.
    await browser.submit(`/admin/sesi/${roomy}`, `/admin/sesi/${roomy}/pindah`, { code: 'BMT-CITR01', to: String(full) })
    expect(await row('BMT-CITR01')).toMatchObject({ sessionId: full, status: 'waitlisted' })
    expect(JSON.parse((await outboxOf(db, 'registration_moved'))[1]?.payload ?? '{}').text).toContain(
      'It is full, so you are on its waiting list (number 1)',
    )

    // Another region's session is refused, nothing moves.
    const away = await browser.submit(`/admin/sesi/${roomy}`, `/admin/sesi/${roomy}/pindah`, {
      code: 'BMT-ANI001',
      to: String(from + 3),
    })
    expect(away.status).toBe(422)
    expect(await row('BMT-ANI001')).toMatchObject({ sessionId: roomy, status: 'confirmed' })
    expect(
      await db
        .select()
        .from(registrations)
        .where(and(eq(registrations.sessionId, roomy))),
    ).toHaveLength(1)
  })
})

describe('Sesi Bimtek: scope and roles', () => {
  it("a regional account gets 404 for every address of another region's session, and nothing changes", async () => {
    const { f, db, browser, now } = await signedIn('regional', 'R2')
    const other = await addSession(db, now, { code: 'BMT-MKS-01', region: 'R5', startsAt: new Date(now.getTime() - HOUR) })
    const target = await addSession(db, now, { code: 'BMT-MKS-02', region: 'R5' })
    await confirm(db, await addPerson(db), other, 'BMT-ANI001')
    for (const path of ['', '/ubah', '/batal', '/peserta.csv']) {
      const response = await browser.request(`/admin/sesi/${other}${path}`)
      expect(response.status, path).toBe(404)
      expect(await response.text()).toContain('<h1>Sesi tidak ditemukan</h1>')
    }
    const forms = {
      '/ubah': { ...NEW_SESSION, code: 'BMT-MKS-01', region: 'R2' },
      '/batal': { reason: 'Dibatalkan dari wilayah lain' },
      '/kehadiran': { code: 'BMT-ANI001', hadir: 'ya' },
      '/pindah': { code: 'BMT-ANI001', to: String(target) },
    }
    for (const [path, form] of Object.entries(forms)) {
      expect((await browser.submit('/admin/sesi', `/admin/sesi/${other}${path}`, form)).status, path).toBe(404)
    }
    expect((await db.select().from(bimtekSessions).where(eq(bimtekSessions.id, other)).limit(1))[0]).toMatchObject({
      cancelledAt: null,
      regionId: 5,
    })
    expect((await db.select().from(registrations).limit(1))[0]).toMatchObject({
      sessionId: other,
      attendedAt: null,
      status: 'confirmed',
    })
    expect(await auditOf(f.core, 'session.registrants_exported')).toEqual([])
  })

  it('viewer sees names masked and no phone, no CSV and no forms', async () => {
    const { db, browser, now } = await signedIn('viewer')
    const sessionId = await addSession(db, now, { code: 'BMT-BDG-01' })
    const person = await addPerson(db)
    await statement(db, "update people set full_name = 'Siti Rahmawati', phone_e164 = '+6281234567890' where id = ?").run(person)
    await confirm(db, person, sessionId, 'BMT-ANI001')
    const page = await (await browser.request(`/admin/sesi/${sessionId}`)).text()
    expect(page).not.toContain('Siti Rahmawati')
    expect(page).toContain('<td>Sit… Rah…</td>')
    expect(page).not.toContain('6281234567890')
    expect(page).not.toContain('peserta.csv')
    expect(page).not.toContain('<form method="post" action="/admin/sesi/')
    expect((await browser.request(`/admin/sesi/${sessionId}/peserta.csv`)).status).toBe(403)
    expect(
      (await browser.submit('/admin/sesi', `/admin/sesi/${sessionId}/batal`, { reason: 'Pemantau mencoba batal' })).status,
    ).toBe(403)
    expect((await db.select().from(bimtekSessions).limit(1))[0]?.cancelledAt).toBeNull()
  })

  it('the registrants CSV holds names and phones for staff who may see them, and each download is audited', async () => {
    const { f, db, id, browser, now } = await signedIn('regional', 'R2')
    const sessionId = await addSession(db, now, { code: 'BMT-BDG-01' })
    const person = await addPerson(db)
    await statement(db, "update people set full_name = 'Siti Rahmawati', phone_e164 = '+6281234567890' where id = ?").run(person)
    await confirm(db, person, sessionId, 'BMT-ANI001')
    const response = await browser.request(`/admin/sesi/${sessionId}/peserta.csv`)
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="peserta-BMT-BDG-01.csv"')
    const csv = await response.text()
    expect(csv).toContain('BMT-ANI001,confirmed,,Siti Rahmawati,+6281234567890')
    expect(await auditOf(f.core, 'session.registrants_exported')).toMatchObject([
      { actor: `staff:${id}`, entityId: 'BMT-BDG-01', details: '{"rows":1}' },
    ])
  })
})

describe('Sesi Bimtek with the demo dataset', () => {
  it('shows upcoming sessions with seats and a waiting list, a held one with attendance, and a cancelled one', async () => {
    const { db, browser, now } = await signedIn()
    const { loadDemoData } = await import('../../src/db/demo-data.js')
    await loadDemoData(db, now)
    const upcoming = await (await browser.request('/admin/sesi')).text()
    expect(upcoming).toMatch(/DEMO-BMT-SBY-01<\/a>.*?<td>2 \/ 2<\/td><td>0<\/td><td>[1-9]\d*<\/td>/s)
    expect(upcoming).not.toContain('DEMO-BMT-AMB-01')
    const past = await (await browser.request('/admin/sesi?waktu=past')).text()
    const held = Number(/href="\/admin\/sesi\/(\d+)">DEMO-BMT-SMG-00/.exec(past)?.[1])
    expect(await (await browser.request(`/admin/sesi/${held}`)).text()).toMatch(/<td>Hadir<form/)
    const cancelled = await (await browser.request('/admin/sesi?waktu=cancelled')).text()
    expect(cancelled).toContain('DEMO-BMT-AMB-01</a> <strong>(dibatalkan)</strong>')
  })

  it('cancelling a demo session tells each of its registrants in their chat', async () => {
    const { db, browser, now } = await signedIn()
    const { loadDemoData } = await import('../../src/db/demo-data.js')
    await loadDemoData(db, now)
    const session = (await db.select().from(bimtekSessions).where(eq(bimtekSessions.code, 'DEMO-BMT-PDG-01')).limit(1))[0]
    const standing = await db
      .select({ personId: registrations.personId })
      .from(registrations)
      .where(eq(registrations.sessionId, session?.id ?? 0))
    expect(standing.length).toBeGreaterThan(0)
    const path = `/admin/sesi/${session?.id}/batal`
    expect((await browser.submit(path, path, { reason: 'Gedung dipakai untuk posko banjir' })).status).toBe(303)
    // Each demo participant has one chat: one message each.
    expect((await outboxOf(db, 'session_cancelled')).map((m) => m.personId).sort()).toEqual(
      standing.map((r) => r.personId).sort(),
    )
  })
})
