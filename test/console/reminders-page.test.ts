/**
 * Pengingat: the outbox's messages with their outcome and reason, filtered, scoped by the person's
 * region in SQL, masked for viewer; a failed one sent again once, as a new row the delivery sends,
 * audited with the staff member; one whose outcome is unknown (the server stopped while sending it)
 * shown and filtered apart from the failed ones, and sent again only with a warning that the person
 * may have it already.
 */

import { describe, expect, it } from 'vitest'
import { statement, written } from '../../src/db/client.js'
import { loadDemoData } from '../../src/db/demo-data.js'
import { outbox, people } from '../../src/db/schema.js'
import { testOutbox } from '../support/outbox.js'
import { auditOf, browserOn, consoleFixture } from './support.js'

const HOUR = 3_600_000

async function setUp(role: 'admin' | 'regional' | 'viewer' = 'admin') {
  const f = await consoleFixture()
  const db = f.core.db
  const now = f.clock.now().getTime()
  const person = async (fullName: string, provinceCode: string) =>
    written(await db.insert(people).values({ fullName, provinceCode }).returning({ id: people.id })).id
  const budi = await person('Budi Santoso', '32') // R2
  const andi = await person('Andi Nurhaliza', '73') // R5
  let key = 0
  const message = async (values: Partial<typeof outbox.$inferInsert> & { status: (typeof outbox.$inferInsert)['status'] }) =>
    written(
      await db
        .insert(outbox)
        .values({
          idempotencyKey: `test:${key++}`,
          channel: 'telegram',
          chatId: '1001',
          kind: 'reminder',
          payload: JSON.stringify({ text: 'Besok Bimtek dimulai pukul 09.00 WIB.' }),
          dueAt: new Date(now - 2 * HOUR),
          ...values,
        })
        .returning({ id: outbox.id }),
    ).id
  const ids = {
    budiFailed: await message({
      personId: budi,
      status: 'failed',
      eventKey: 'registration:7',
      label: '1d',
      lastError: 'Forbidden: bot was kicked',
    }),
    budiSent: await message({ personId: budi, status: 'sent', sentAt: new Date(now - 2 * HOUR) }),
    budiSkipped: await message({
      personId: budi,
      status: 'skipped',
      lastError: 'skipped: the event had already started',
      dueAt: new Date(now - 50 * HOUR),
    }),
    budiCode: await message({
      personId: budi,
      status: 'failed',
      kind: 'identity_code',
      channel: 'whatsapp',
      lastError: 'not on WhatsApp',
    }),
    andiFailed: await message({
      personId: andi,
      status: 'failed',
      kind: 'status_changed',
      chatId: '2002',
      lastError: 'chat not found',
    }),
    andiPlanned: await message({ personId: andi, status: 'pending', chatId: '2002', dueAt: new Date(now + 24 * HOUR) }),
    reply: await message({ status: 'failed', kind: 'reply', chatId: '3003', lastError: 'timeout' }),
  }
  const id = await f.addAccount({
    email: 'staf@kemensos.go.id',
    name: 'Dewi Anggraini',
    role,
    ...(role === 'regional' && { region: 'R2' }),
  })
  const browser = browserOn(f.app)
  await browser.signIn('staf@kemensos.go.id')
  const rows = async (query = '') => {
    const page = await (await browser.request(`/admin/pengingat${query}`)).text()
    return [...page.matchAll(/<tr><td>[\s\S]*?<\/tr>/g)].map((m) =>
      m[0]
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
  }
  const resend = async (messageId: number) => {
    const page = await (await browser.request('/admin/pengingat')).text()
    return browser.request(`/admin/pengingat/${messageId}/kirim-ulang`, { form: { _csrf: browser.csrfOf(page) } })
  }
  return { f, id, ids, browser, rows, resend }
}

/** A reminder to Budi that was being sent when the server stopped: its outcome is unknown. */
async function crashedWhileSending(f: Awaited<ReturnType<typeof consoleFixture>>): Promise<number> {
  const db = f.core.db
  const budi = (await statement(db, "select id from people where full_name = 'Budi Santoso'").get()) as { id: number }
  return written(
    await db
      .insert(outbox)
      .values({
        idempotencyKey: 'test:crashed',
        channel: 'telegram',
        chatId: '1001',
        personId: budi.id,
        kind: 'reminder',
        eventKey: 'registration:7',
        label: '2h',
        payload: JSON.stringify({ text: 'Dua jam lagi Bimtek dimulai.' }),
        dueAt: new Date(f.clock.now().getTime() - HOUR),
        status: 'unknown',
        attempts: 1,
        lastError: 'outcome unknown: the process stopped while sending',
      })
      .returning({ id: outbox.id }),
  ).id
}

const outboxRows = async (f: Awaited<ReturnType<typeof consoleFixture>>) =>
  (await statement(
    f.core.db,
    'select id, idempotency_key as key, status, chat_id as chatId, due_at as dueAt from outbox order by id',
  ).all()) as {
    id: number
    key: string
    status: string
    chatId: string
    dueAt: number
  }[]

describe('Pengingat', () => {
  it('lists every message with its outcome and reason, filtered by status, kind, channel and days', async () => {
    const { rows } = await setUp()
    expect(await rows()).toHaveLength(7)
    const failed = await rows('?status=failed')
    expect(failed).toHaveLength(4)
    expect(failed.join('\n')).toContain('Forbidden: bot was kicked')
    expect(failed.join('\n')).toMatch(/registration:7 1d/)
    expect(await rows('?status=planned')).toHaveLength(1)
    expect(await rows('?status=sent&kind=reminder')).toHaveLength(1)
    expect(await rows('?channel=whatsapp')).toEqual([expect.stringContaining('Kode sekali pakai')])
    // The clock is 2026-11-23 09:00 WIB: the skipped one was due two days before, the planned one tomorrow.
    expect(await rows('?from=2026-11-21&to=2026-11-21')).toEqual([
      expect.stringContaining('skipped: the event had already started'),
    ])
    expect(await rows('?from=2026-11-24')).toEqual([expect.stringContaining('terjadwal')])
  })

  it('lets an admin choose a region: its people’s messages only; a regional account cannot choose another', async () => {
    const { rows } = await setUp()
    const r5 = await rows('?wilayah=R5')
    expect(r5).toHaveLength(2)
    expect(r5.join('\n')).toContain('Andi Nurhaliza')
    expect(r5.join('\n')).not.toContain('Budi')
    expect(await rows('?wilayah=R5&status=failed')).toHaveLength(1)
    const regional = await setUp('regional')
    const asked = await regional.rows('?wilayah=R5')
    expect(asked.join('\n')).not.toContain('Andi')
    expect(asked).toHaveLength(4)
  })

  it('shows a regional account only its region’s people, and another region’s message by address is 404', async () => {
    const { f, ids, rows, resend } = await setUp('regional')
    const seen = await rows()
    expect(seen).toHaveLength(4)
    expect(seen.join('\n')).toContain('Budi Santoso')
    expect(seen.join('\n')).not.toContain('Andi')
    expect(seen.join('\n')).not.toContain('timeout') // a failed reply belongs to no person, so to no region
    const before = (await outboxRows(f)).length
    const other = await resend(ids.andiFailed)
    expect(other.status).toBe(404)
    expect(await other.text()).toContain('Pesan ini tidak ditemukan.')
    expect(await outboxRows(f)).toHaveLength(before)
  })

  it('masks names for viewer and lets them send nothing again', async () => {
    const { f, ids, rows, resend } = await setUp('viewer')
    const seen = (await rows()).join('\n')
    expect(seen).not.toContain('Budi Santoso')
    expect(seen).toMatch(/Bud\S* San\S*/)
    expect(seen).not.toContain('Kirim ulang')
    const before = (await outboxRows(f)).length
    expect((await resend(ids.budiFailed)).status).toBe(403)
    expect(await outboxRows(f)).toHaveLength(before)
  })

  it('fills its list from the demo dataset: sent, failed and skipped messages with their reasons, and one unknown', async () => {
    const { f, rows } = await setUp()
    await loadDemoData(f.core.db, f.clock.now())
    for (const state of ['sent', 'failed', 'skipped']) expect((await rows(`?status=${state}`)).length, state).toBeGreaterThan(1)
    expect((await rows('?status=failed')).join('\n')).toContain('[DEMO] nomor tidak terdaftar di WhatsApp')
    expect(await rows('?status=unknown')).toEqual([expect.stringContaining('[DEMO] server berhenti saat mengirim')])
  })

  it('lists a message whose outcome is unknown under its own label and filter, apart from the failed ones, saying what it means', async () => {
    const { f, browser, rows } = await setUp()
    await crashedWhileSending(f)
    const unknown = await rows('?status=unknown')
    expect(unknown).toHaveLength(1)
    expect(unknown[0]).toContain('hasil tidak diketahui')
    expect(unknown[0]).toContain('server berhenti saat mengirim; mungkin sudah sampai')
    expect(unknown[0]).toMatch(/registration:7 2h/)
    const failed = await rows('?status=failed')
    expect(failed).toHaveLength(4)
    expect(failed.join('\n')).not.toContain('tidak diketahui')
    const page = await (await browser.request('/admin/pengingat?status=unknown')).text()
    expect(page).toContain('<option value="unknown" selected>Tidak diketahui</option>')
    expect(page).toMatch(
      /<p class="hint" id="arti-tidak-diketahui">Hasil tidak diketahui: server berhenti ketika pesan sedang dikirim[^<]*tidak dikirim ulang otomatis/,
    )
    // The explanation comes with unknown rows only.
    expect(await (await browser.request('/admin/pengingat?status=failed')).text()).not.toContain('arti-tidak-diketahui')
  })

  it('sends a message whose outcome is unknown again, with the warning that the person may have it already', async () => {
    const { f, id, ids, browser, rows, resend } = await setUp()
    const crashed = await crashedWhileSending(f)
    const [row] = await rows('?status=unknown')
    expect(row).toContain('Kirim ulang')
    expect(row).toContain('Mungkin sudah diterima: tanyakan dulu kepada orangnya')
    // A failed row's button has no such warning.
    expect((await rows('?status=failed')).join('\n')).not.toContain('Mungkin sudah diterima')

    const response = await resend(crashed)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin/pengingat?dikirim=tidak-diketahui')
    const notice = await (await browser.request(response.headers.get('location') as string)).text()
    expect(notice).toContain('Hasil kiriman pertamanya tidak diketahui: bila sudah sampai, orangnya menerima pesan ini dua kali.')
    expect((await outboxRows(f)).find((r) => r.key === `resend:${crashed}`)).toMatchObject({ status: 'pending', chatId: '1001' })
    expect((await outboxRows(f)).find((r) => r.id === crashed)?.status).toBe('unknown')
    expect(await auditOf(f.core, 'reminder.resent')).toEqual([
      expect.objectContaining({
        actor: `staff:${id}`,
        entityId: String(crashed),
        details: expect.stringContaining('"status":"unknown"'),
      }),
    ])
    expect((await rows('?status=unknown'))[0]).toContain('Sudah dikirim ulang')
    expect((await resend(crashed)).status).toBe(409)
    // A failed one is sent again with the plain notice, as before.
    expect((await resend(ids.budiFailed)).headers.get('location')).toBe('/admin/pengingat?dikirim=1')
  })

  it('sends a failed message again once, as a new row the delivery sends, audited; never one that did not fail', async () => {
    const { f, id, ids, rows, resend } = await setUp()
    const response = await resend(ids.budiFailed)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin/pengingat?dikirim=1')
    const again = (await outboxRows(f)).find((row) => row.key === `resend:${ids.budiFailed}`)
    expect(again).toMatchObject({ status: 'pending', chatId: '1001', dueAt: f.clock.now().getTime() })
    expect((await outboxRows(f)).find((row) => row.id === ids.budiFailed)?.status).toBe('failed')
    expect(await auditOf(f.core, 'reminder.resent')).toEqual([
      expect.objectContaining({ actor: `staff:${id}`, entity: 'outbox', entityId: String(ids.budiFailed) }),
    ])
    expect((await rows('?status=failed')).find((row) => row.includes('Forbidden'))).toContain('Sudah dikirim ulang')

    const twice = await resend(ids.budiFailed)
    expect(twice.status).toBe(409)
    expect(await twice.text()).toContain('Pesan ini sudah dikirim ulang.')
    for (const refused of [ids.budiSent, ids.budiCode, ids.reply]) expect((await resend(refused)).status).toBe(409)
    expect((await outboxRows(f)).filter((row) => row.key.startsWith('resend:'))).toHaveLength(1)
    expect(await auditOf(f.core, 'reminder.resent')).toHaveLength(1)

    const sent: string[] = []
    const delivery = testOutbox(f.core.db, f.clock, { telegram: async (chatId) => void sent.push(chatId) })
    await delivery.deliver()
    expect(sent).toEqual(['1001'])
    expect((await outboxRows(f)).find((row) => row.key === `resend:${ids.budiFailed}`)?.status).toBe('sent')
  })
})
