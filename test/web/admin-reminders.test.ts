/**
 * GET /api/v1/admin/reminders and /reminders/summary through the real Hono app on in-memory
 * SQLite: behind the admin token; each reminder with its event kind, masked chat and reason;
 * the filters; paging with the cursor; every query parameter checked.
 */
import { eq } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { planReminders } from '../../src/core/reminders/plan.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { closeDatabase } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema.js'
import { ADMIN_AUTH, adminWebApp } from '../support/admin-api.js'
import { testCore } from '../support/core.js'
import { addExam, addPerson, confirm, DAY, remindersOf } from '../support/reminders.js'
import { addSession } from '../support/sessions.js'

const NOW = new Date('2026-11-23T03:00:00Z')

let core: Core
let web: Awaited<ReturnType<typeof adminWebApp>>
let rina: number
let examId: number
let registrationId: number

beforeEach(async () => {
  core = await testCore()
  web = adminWebApp({ db: core.db })
  // Rina (Makassar) on Telegram and WhatsApp: a Bimtek session in 3 days (1d and 2h reminders) and
  // an interview in 10 days (7d, 1d, 2h), in both chats: 10 reminders.
  rina = await addPerson(core.db, {
    zone: 'Asia/Makassar',
    chats: [
      { channel: 'telegram', chatId: '987654321' },
      { channel: 'whatsapp', chatId: '6281234567890@s.whatsapp.net' },
    ],
  })
  registrationId = await confirm(
    core.db,
    rina,
    await addSession(core.db, NOW, { code: 'BMT-MKS-01', region: 'R5', startsAt: new Date(NOW.getTime() + 3 * DAY) }),
  )
  examId = await addExam(core.db, rina, {
    kind: 'wawancara',
    startsAt: new Date(NOW.getTime() + 10 * DAY),
    zone: 'Asia/Makassar',
  })
  await planReminders(core.db, [rina], NOW, DEFAULT_REMINDER_SETTINGS)
})
afterEach(() => closeDatabase(core.db))

const get = (path: string, headers: Record<string, string> = ADMIN_AUTH) => web.request(`/api/v1/admin${path}`, { headers })

type Listed = { reminders: Record<string, unknown>[]; next: string | null }
async function list(query = ''): Promise<Listed> {
  const response = await get(`/reminders${query}`)
  expect(response.status).toBe(200)
  return (await response.json()) as Listed
}

describe('GET /api/v1/admin/reminders', () => {
  it('needs the admin token', async () => {
    expect((await get('/reminders', {})).status).toBe(401)
    expect((await get('/reminders/summary', { Authorization: 'Bearer wrong-token-0123456789abcdef' })).status).toBe(401)
  })

  it('lists the reminders soonest due first, each with its event kind, masked chat and status; never a whole number', async () => {
    const [first] = await remindersOf(core.db, rina)
    if (!first) throw new Error('no reminders planned')
    const sentAt = new Date(first.dueAt.getTime() + 1_000)
    await core.db.update(outbox).set({ status: 'sent', sentAt, attempts: 1 }).where(eq(outbox.id, first.id))
    const failed = (await remindersOf(core.db, rina)).find((row) => row.channel === 'whatsapp' && row.label === '7d')
    await core.db
      .update(outbox)
      .set({ status: 'failed', attempts: 5, lastError: 'not on WhatsApp: 6281234567890' })
      .where(eq(outbox.id, failed?.id ?? 0))

    const response = await get('/reminders')
    const text = await response.text()
    expect(text).not.toContain('6281234567890')
    expect(text).not.toContain('987654321')
    const body = JSON.parse(text) as Listed
    expect(body.next).toBeNull()
    expect(body.reminders).toHaveLength(10)
    const dueTimes = body.reminders.map((r) => String(r.dueAt))
    expect(dueTimes).toEqual([...dueTimes].sort())
    expect(body.reminders[0]).toEqual({
      id: first.id,
      status: 'sent',
      kind: 'bimtek',
      eventKey: `registration:${registrationId}`,
      label: '1d',
      channel: first.channel,
      chat: first.channel === 'telegram' ? '98****21' : '+62 812-****-7890',
      dueAt: first.dueAt.toISOString(),
      expiresAt: new Date(NOW.getTime() + 3 * DAY).toISOString(),
      sentAt: sentAt.toISOString(),
      attempts: 1,
      reason: null,
    })
    expect(body.reminders.find((r) => r.status === 'failed')).toMatchObject({
      kind: 'wawancara',
      eventKey: `exam:${examId}`,
      label: '7d',
      channel: 'whatsapp',
      chat: '+62 812-****-7890',
      attempts: 5,
      reason: 'not on WhatsApp: …',
    })
  })

  it('filters by status, channel, event kind, event and person', async () => {
    const labels = (body: Listed) => body.reminders.map((r) => `${r.kind} ${r.label} ${r.channel}`)
    expect(labels(await list('?kind=bimtek&channel=telegram'))).toEqual(['bimtek 1d telegram', 'bimtek 2h telegram'])
    expect(labels(await list('?kind=wawancara&channel=whatsapp'))).toEqual([
      'wawancara 7d whatsapp',
      'wawancara 1d whatsapp',
      'wawancara 2h whatsapp',
    ])
    expect((await list(`?event=exam:${examId}`)).reminders).toHaveLength(6)
    expect((await list(`?event=registration:${registrationId}&status=pending`)).reminders).toHaveLength(4)
    expect((await list('?status=sent')).reminders).toEqual([])
    expect((await list('?kind=ujian_kognitif')).reminders).toEqual([])
    expect((await list(`?person=${rina}`)).reminders).toHaveLength(10)
    expect((await list(`?person=${rina + 1}`)).reminders).toEqual([])
  })

  it('filters a reminder whose outcome is unknown (a crash while sending) by status=unknown, apart from failed', async () => {
    const [first, second] = await remindersOf(core.db, rina)
    const lost = 'outcome unknown: the process stopped while sending'
    await core.db
      .update(outbox)
      .set({ status: 'unknown', attempts: 1, lastError: lost })
      .where(eq(outbox.id, first?.id ?? 0))
    await core.db
      .update(outbox)
      .set({ status: 'failed', attempts: 5, lastError: 'chat not found' })
      .where(eq(outbox.id, second?.id ?? 0))
    expect((await list('?status=unknown')).reminders).toEqual([
      expect.objectContaining({ id: first?.id, status: 'unknown', reason: lost }),
    ])
    expect((await list('?status=failed')).reminders).toEqual([expect.objectContaining({ id: second?.id, status: 'failed' })])
  })

  it('pages with the cursor: every reminder once, in order, then next is null', async () => {
    const all = (await list()).reminders.map((r) => r.id)
    const seen: unknown[] = []
    let next: string | null = null
    let pages = 0
    do {
      const body: Listed = await list(`?limit=3${next ? `&cursor=${next}` : ''}`)
      expect(body.reminders.length).toBeLessThanOrEqual(3)
      seen.push(...body.reminders.map((r) => r.id))
      next = body.next
      pages++
    } while (next && pages < 10)
    expect(pages).toBe(4)
    expect(seen).toEqual(all)
    // A page that ends exactly at the last reminder has no next page.
    expect((await list('?limit=10')).next).toBeNull()
    expect((await list('?limit=9')).next).not.toBeNull()
  })

  it('refuses a bad query with 400 INVALID_QUERY naming the parameter', async () => {
    const refused = async (query: string, message: RegExp) => {
      const response = await get(`/reminders${query}`)
      expect(response.status).toBe(400)
      const body = (await response.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('INVALID_QUERY')
      expect(body.error.message).toMatch(message)
    }
    await refused(
      '?status=done',
      /^status must be one of pending, queued, claimed, sent, late, failed, unknown, skipped, cancelled$/,
    )
    await refused('?status=', /^status must be one of/)
    await refused('?channel=sms', /^channel must be one of telegram, whatsapp, console$/)
    await refused('?kind=ujian', /^kind must be one of bimtek, ujian_kognitif, wawancara, portofolio$/)
    await refused('?event=exam:abc', /^event must be an event key like registration:12/)
    await refused('?event=offer:1', /^event must be an event key/)
    await refused('?person=0', /^person must be a person id/)
    await refused('?person=-1', /^person must be a person id/)
    for (const limit of ['0', '501', '1000', 'abc', '1.5', ''])
      await refused(`?limit=${limit}`, /^limit must be a whole number from 1 to 500$/)
    await refused('?cursor=xyz', /^cursor is not a cursor from an earlier page/)
    await refused(`?cursor=${Buffer.from('12:0').toString('base64url')}`, /^cursor is not a cursor/)
    await refused('?stauts=sent', /^unknown parameter stauts \(known: status, channel, kind, event, person, limit, cursor\)$/)
    await refused('?status=sent&status=failed', /^status is given more than once$/)
  })
})

describe('GET /api/v1/admin/reminders/summary', () => {
  it('counts per status, all kinds and reminders only, and the earliest pending due time', async () => {
    const planned = await remindersOf(core.db, rina)
    const [first, second, , fourth] = planned
    if (!first || !second || !fourth) throw new Error('no reminders planned')
    await core.db.update(outbox).set({ status: 'sent', sentAt: first.dueAt }).where(eq(outbox.id, first.id))
    await core.db.update(outbox).set({ status: 'cancelled', lastError: 'cancelled' }).where(eq(outbox.id, second.id))
    await core.db.update(outbox).set({ status: 'unknown', lastError: 'outcome unknown' }).where(eq(outbox.id, fourth.id))
    const offerDue = new Date(NOW.getTime() + 60_000)
    await core.db.insert(outbox).values({
      idempotencyKey: 'offer:1',
      channel: 'telegram',
      chatId: '987654321',
      kind: 'offer',
      payload: '{"text":"Kursi"}',
      dueAt: offerDue,
    })

    const response = await get('/reminders/summary')
    expect(response.status).toBe(200)
    const zero = { pending: 0, queued: 0, claimed: 0, sent: 0, late: 0, failed: 0, unknown: 0, skipped: 0, cancelled: 0 }
    expect(await response.json()).toEqual({
      counts: {
        all: { ...zero, pending: 8, sent: 1, unknown: 1, cancelled: 1 },
        reminders: { ...zero, pending: 7, sent: 1, unknown: 1, cancelled: 1 },
      },
      nextDueAt: { all: offerDue.toISOString(), reminders: planned[2]?.dueAt.toISOString() },
    })
  })

  it('an empty outbox: zeros and no due time', async () => {
    await core.db.delete(outbox)
    const body = (await (await get('/reminders/summary')).json()) as { nextDueAt: unknown }
    expect(body.nextDueAt).toEqual({ all: null, reminders: null })
  })
})
