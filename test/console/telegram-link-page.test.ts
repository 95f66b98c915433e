/**
 * Tautkan Telegram (the console's account page): a 6-digit code valid 10 minutes, kept only
 * hashed, that links the Telegram account which sends `/tautkan KODE` in a staff group; the linked
 * state; Putuskan. The routes run in a bare Hono app with the signed-in staff member set, as the
 * console's session guard sets it.
 */

import { eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { openLink } from '../../src/core/console/staff-accounts.js'
import { closeDatabase, openDatabase, written } from '../../src/db/client.js'
import { redeemTelegramCode, telegramCodeHash } from '../../src/db/queries/telegram-links.js'
import { auditLog, staff, staffLinks } from '../../src/db/schema.js'
import type { ConsoleEnv } from '../../src/web/console/env.js'
import { telegramLinkRoutes } from '../../src/web/console/telegram-link-page.js'
import { fakeClock } from '../support/core.js'

async function fixture(role: 'admin' | 'regional' | 'viewer' = 'regional') {
  const db = openDatabase(':memory:')
  const clock = fakeClock(new Date('2026-12-07T02:00:00Z'))
  const account = written(
    await db
      .insert(staff)
      .values({
        name: 'Rina Wulandari',
        email: 'rina@kemensos.go.id',
        role,
        region: role === 'regional' ? 'R5' : null,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      })
      .returning(),
  )
  const app = new Hono<ConsoleEnv>()
  app.use('*', async (c, next) => {
    c.set('staff', { id: account.id, name: account.name, email: account.email, role: account.role, region: account.region })
    c.set('csrf', 'csrf-token')
    await next()
  })
  app.route(
    '/admin',
    telegramLinkRoutes({ db, clock: clock.now, render: (_c, options) => `<h1>${options.title}</h1>${String(options.body)}` }),
  )
  const post = (path: string) => app.request(path, { method: 'POST', body: new URLSearchParams({ _csrf: 'csrf-token' }) })
  return { db, clock, account, app, post, close: () => closeDatabase(db) }
}

const codeOf = (page: string) => /Kode Anda: <strong class="secret">(\d{6})<\/strong>/.exec(page)?.[1] ?? ''

describe('Tautkan Telegram', () => {
  it('shows a 6-digit code (kept hashed, 10 minutes) that links the account once; then the page shows it linked', async () => {
    const f = await fixture()
    expect(await (await f.app.request('/admin/tautkan-telegram')).text()).toContain('Status: <strong>belum tertaut</strong>')
    const page = await (await f.post('/admin/tautkan-telegram')).text()
    const code = codeOf(page)
    expect(code).toMatch(/^\d{6}$/)
    expect(page).toContain(`<code>/tautkan ${code}</code>`)
    expect(page).toContain('berlaku sampai 09.10 WIB')
    const [link] = await f.db.select().from(staffLinks)
    expect(link).toMatchObject({ purpose: 'telegram', staffId: f.account.id, tokenHash: telegramCodeHash(code) })
    expect(link?.tokenHash).not.toContain(code)

    f.clock.advance(9 * 60_000)
    expect((await redeemTelegramCode(f.db, telegramCodeHash(code), '5551', f.clock.now()))?.id).toBe(f.account.id)
    expect(await redeemTelegramCode(f.db, telegramCodeHash(code), '5552', f.clock.now())).toBeUndefined()
    expect(await (await f.app.request('/admin/tautkan-telegram')).text()).toContain('Status: <strong>tertaut</strong>')
    f.close()
  })

  it('a code is no set-password link, and a new code makes the earlier one stop working', async () => {
    const f = await fixture()
    const first = codeOf(await (await f.post('/admin/tautkan-telegram')).text())
    expect(await openLink(f.db, first, f.clock.now())).toBeUndefined()
    expect(await openLink(f.db, `telegram:${first}`, f.clock.now())).toBeUndefined()
    const second = codeOf(await (await f.post('/admin/tautkan-telegram')).text())
    if (first !== second) expect(await redeemTelegramCode(f.db, telegramCodeHash(first), '5551', f.clock.now())).toBeUndefined()
    expect((await redeemTelegramCode(f.db, telegramCodeHash(second), '5551', f.clock.now()))?.id).toBe(f.account.id)
    f.close()
  })

  it('an expired code links nothing', async () => {
    const f = await fixture()
    const code = codeOf(await (await f.post('/admin/tautkan-telegram')).text())
    f.clock.advance(10 * 60_000 + 1)
    expect(await redeemTelegramCode(f.db, telegramCodeHash(code), '5551', f.clock.now())).toBeUndefined()
    expect((await f.db.select().from(staff).limit(1))[0]?.telegramUserId).toBeNull()
    f.close()
  })

  it('Putuskan unlinks the account, audited', async () => {
    const f = await fixture()
    await f.db.update(staff).set({ telegramUserId: '5551' }).where(eq(staff.id, f.account.id))
    const page = await (await f.post('/admin/tautkan-telegram/putuskan')).text()
    expect(page).toContain('Akun Telegram sudah diputuskan')
    expect(page).toContain('Status: <strong>belum tertaut</strong>')
    expect((await f.db.select().from(staff).limit(1))[0]?.telegramUserId).toBeNull()
    expect(await f.db.select().from(auditLog).where(eq(auditLog.action, 'handoff.telegram_unlinked'))).toHaveLength(1)
    f.close()
  })

  it('a viewer gets no code', async () => {
    const f = await fixture('viewer')
    const response = await f.post('/admin/tautkan-telegram')
    expect(response.status).toBe(403)
    expect(await f.db.select().from(staffLinks)).toEqual([])
    f.close()
  })
})
