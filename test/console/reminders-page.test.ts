/**
 * Pengingat: the outbox's messages with their outcome and reason, filtered, scoped by the person's
 * region in SQL, masked for viewer; a failed one sent again once, as a new row the delivery sends,
 * audited with the staff member.
 */
import { describe, expect, it } from 'vitest'
import { loadDemoData } from '../../src/db/demo-data.js'
import { outbox, people } from '../../src/db/schema.js'
import { testOutbox } from '../support/outbox.js'
import { auditOf, browserOn, consoleFixture } from './support.js'

const HOUR = 3_600_000

async function setUp(role: 'admin' | 'regional' | 'viewer' = 'admin') {
  const f = consoleFixture()
  const db = f.core.db
  const now = f.clock.now().getTime()
  const person = (fullName: string, provinceCode: string) =>
    db.insert(people).values({ fullName, provinceCode }).returning({ id: people.id }).get().id
  const budi = person('Budi Santoso', '32') // R2
  const andi = person('Andi Nurhaliza', '73') // R5
  let key = 0
  const message = (values: Partial<typeof outbox.$inferInsert> & { status: (typeof outbox.$inferInsert)['status'] }) =>
    db
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
      .returning({ id: outbox.id })
      .get().id
  const ids = {
    budiFailed: message({
      personId: budi,
      status: 'failed',
      eventKey: 'registration:7',
      label: '1d',
      lastError: 'Forbidden: bot was kicked',
    }),
    budiSent: message({ personId: budi, status: 'sent', sentAt: new Date(now - 2 * HOUR) }),
    budiSkipped: message({
      personId: budi,
      status: 'skipped',
      lastError: 'skipped: the event had already started',
      dueAt: new Date(now - 50 * HOUR),
    }),
    budiCode: message({
      personId: budi,
      status: 'failed',
      kind: 'identity_code',
      channel: 'whatsapp',
      lastError: 'not on WhatsApp',
    }),
    andiFailed: message({
      personId: andi,
      status: 'failed',
      kind: 'status_changed',
      chatId: '2002',
      lastError: 'chat not found',
    }),
    andiPlanned: message({ personId: andi, status: 'pending', chatId: '2002', dueAt: new Date(now + 24 * HOUR) }),
    reply: message({ status: 'failed', kind: 'reply', chatId: '3003', lastError: 'timeout' }),
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

const outboxRows = (f: ReturnType<typeof consoleFixture>) =>
  f.core.db.$client
    .prepare('select id, idempotency_key as key, status, chat_id as chatId, due_at as dueAt from outbox order by id')
    .all() as {
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
    const before = outboxRows(f).length
    const other = await resend(ids.andiFailed)
    expect(other.status).toBe(404)
    expect(await other.text()).toContain('Pesan ini tidak ditemukan.')
    expect(outboxRows(f)).toHaveLength(before)
  })

  it('masks names for viewer and lets them send nothing again', async () => {
    const { f, ids, rows, resend } = await setUp('viewer')
    const seen = (await rows()).join('\n')
    expect(seen).not.toContain('Budi Santoso')
    expect(seen).toMatch(/Bud\S* San\S*/)
    expect(seen).not.toContain('Kirim ulang')
    const before = outboxRows(f).length
    expect((await resend(ids.budiFailed)).status).toBe(403)
    expect(outboxRows(f)).toHaveLength(before)
  })

  it('fills its list from the demo dataset: sent, failed and skipped messages with their reasons', async () => {
    const { f, rows } = await setUp()
    loadDemoData(f.core.db, f.clock.now())
    for (const state of ['sent', 'failed', 'skipped']) expect((await rows(`?status=${state}`)).length, state).toBeGreaterThan(1)
    expect((await rows('?status=failed')).join('\n')).toContain('[DEMO] nomor tidak terdaftar di WhatsApp')
  })

  it('sends a failed message again once, as a new row the delivery sends, audited; never one that did not fail', async () => {
    const { f, id, ids, rows, resend } = await setUp()
    const response = await resend(ids.budiFailed)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin/pengingat?dikirim=1')
    const again = outboxRows(f).find((row) => row.key === `resend:${ids.budiFailed}`)
    expect(again).toMatchObject({ status: 'pending', chatId: '1001', dueAt: f.clock.now().getTime() })
    expect(outboxRows(f).find((row) => row.id === ids.budiFailed)?.status).toBe('failed')
    expect(auditOf(f.core, 'reminder.resent')).toEqual([
      expect.objectContaining({ actor: `staff:${id}`, entity: 'outbox', entityId: String(ids.budiFailed) }),
    ])
    expect((await rows('?status=failed')).find((row) => row.includes('Forbidden'))).toContain('Sudah dikirim ulang')

    const twice = await resend(ids.budiFailed)
    expect(twice.status).toBe(409)
    expect(await twice.text()).toContain('Pesan ini sudah dikirim ulang.')
    for (const refused of [ids.budiSent, ids.budiCode, ids.reply]) expect((await resend(refused)).status).toBe(409)
    expect(outboxRows(f).filter((row) => row.key.startsWith('resend:'))).toHaveLength(1)
    expect(auditOf(f.core, 'reminder.resent')).toHaveLength(1)

    const sent: string[] = []
    const delivery = testOutbox(f.core.db, f.clock, { telegram: async (chatId) => void sent.push(chatId) })
    await delivery.deliver()
    expect(sent).toEqual(['1001'])
    expect(outboxRows(f).find((row) => row.key === `resend:${ids.budiFailed}`)?.status).toBe('sent')
  })
})
