/**
 * Log audit (admin only): the filters (actor, action, entity, days in WIB), newest first, 50 a page
 * with the total, details as key: value and escaped, the CSV of the filtered entries.
 */
import { describe, expect, it } from 'vitest'
import { statement } from '../../src/db/client.js'
import { browserOn, consoleFixture } from './support.js'

type Entry = { at: string; actor: string; action: string; entity?: string; entityId?: string; details?: string }

async function insert(f: Awaited<ReturnType<typeof consoleFixture>>, entries: Entry[]) {
  const add = statement(
    f.core.db,
    'insert into audit_log (at, actor, action, entity, entity_id, details) values (?, ?, ?, ?, ?, ?)',
  )
  for (const e of entries)
    await add.run(Date.parse(e.at), e.actor, e.action, e.entity ?? null, e.entityId ?? null, e.details ?? null)
}

async function signedIn(role: 'admin' | 'regional' | 'viewer' = 'admin') {
  const f = await consoleFixture()
  const id = await f.addAccount({
    email: `${role}@kemensos.go.id`,
    name: `Staf ${role}`,
    role,
    ...(role === 'regional' && { region: 'R2' }),
  })
  const browser = browserOn(f.app)
  await browser.signIn(`${role}@kemensos.go.id`)
  return { f, browser, id }
}

const rowsOf = (page: string) => [...page.matchAll(/<tr><td>/g)].length

describe('Log audit', () => {
  it.each(['regional', 'viewer'] as const)('a %s account gets 403 on the page and the CSV, and no menu entry', async (role) => {
    const { browser } = await signedIn(role)
    expect((await browser.request('/admin/audit')).status).toBe(403)
    expect((await browser.request('/admin/audit/csv')).status).toBe(403)
    expect(await (await browser.request('/admin')).text()).not.toContain('href="/admin/audit"')
  })

  it('filters by actor (staff shown by name), action, entity and WIB days, newest first', async () => {
    const { f, browser, id } = await signedIn()
    await insert(f, [
      { at: '2026-11-20T16:59:00Z', actor: 'cli', action: 'session.created', entity: 'session', entityId: '7' },
      // 2026-11-21 00:30 WIB: the 21st in Jakarta, still the 20th in UTC.
      { at: '2026-11-20T17:30:00Z', actor: `staff:${id}`, action: 'person.viewed', entity: 'person', entityId: '41' },
      { at: '2026-11-21T09:00:00Z', actor: `staff:${id}`, action: 'person.viewed', entity: 'person', entityId: '42' },
      {
        at: '2026-11-22T09:00:00Z',
        actor: 'chat:telegram',
        action: 'handoff.created',
        entity: 'handoff_request',
        entityId: 'H-1',
      },
    ])
    const all = await (await browser.request('/admin/audit')).text()
    expect(all).toContain('<label for="actor">Pelaku</label>')
    expect(all).toContain(`<option value="staff:${id}">Staf admin (admin@kemensos.go.id)</option>`)
    expect(all).toContain('<option value="chat:telegram">chat:telegram</option>')
    // The sign-in of the test's admin is on record too: newest first puts the handoff after it.
    expect(all.indexOf('H-1')).toBeLessThan(all.indexOf('>42<'))
    expect(all.indexOf('>42<')).toBeLessThan(all.indexOf('>41<'))

    const byStaff = await (await browser.request(`/admin/audit?actor=staff:${id}&action=person.viewed`)).text()
    expect(rowsOf(byStaff)).toBe(2)
    expect(byStaff).toContain('2 catatan')
    expect(byStaff).toContain(`<option value="staff:${id}" selected>`)

    const day = await (await browser.request('/admin/audit?from=2026-11-21&to=2026-11-21&entity=person')).text()
    expect(rowsOf(day)).toBe(2)
    expect(day).not.toContain('<code>session.created</code>')

    const none = await (await browser.request('/admin/audit?action=certificate.revoked')).text()
    expect(none).toContain('Tidak ada catatan audit yang cocok dengan saringan ini.')

    const bad = await (await browser.request('/admin/audit?from=2026-13-01')).text()
    expect(bad).toContain('id="from-error">Tanggal tidak valid')
    expect(bad).toContain('aria-invalid="true"')
  })

  it('shows 50 entries a page with the total and links that keep the filters', async () => {
    const { f, browser } = await signedIn()
    await insert(
      f,
      Array.from({ length: 120 }, (_, i) => ({
        at: new Date(Date.parse('2026-11-01T00:00:00Z') + i * 60_000).toISOString(),
        actor: 'cli',
        action: 'import.status',
        entity: 'import',
        entityId: `imp-${i}`,
      })),
    )
    const first = await (await browser.request('/admin/audit?action=import.status')).text()
    expect(rowsOf(first)).toBe(50)
    expect(first).toContain('120 catatan')
    expect(first).toContain('Halaman 1 dari 3')
    expect(first).toContain('>imp-119<')
    expect(first).toContain('href="/admin/audit?action=import.status&amp;page=2" rel="next"')
    const last = await (await browser.request('/admin/audit?action=import.status&page=3')).text()
    expect(rowsOf(last)).toBe(20)
    expect(last).toContain('>imp-0<')
    expect(last).not.toContain('>imp-20<')
    expect(last).toContain('rel="prev"')
  })

  it('shows details as key: value and escapes what an entry holds', async () => {
    const { f, browser } = await signedIn()
    await insert(f, [
      {
        at: '2026-11-22T09:00:00Z',
        actor: '<b>x</b>',
        action: 'certificate.revoked',
        entity: 'certificate',
        entityId: 'C-1',
        details: JSON.stringify({ reason: '<script>alert(1)</script>', rows: 3 }),
      },
    ])
    const page = await (await browser.request('/admin/audit?action=certificate.revoked')).text()
    expect(page).toContain('<dt>reason</dt><dd>&lt;script&gt;alert(1)&lt;/script&gt;</dd>')
    expect(page).toContain('<dt>rows</dt><dd>3</dd>')
    expect(page).not.toContain('<script>')
    expect(page).not.toContain('<b>x</b>')
  })

  it('exports the filtered entries as CSV', async () => {
    const { f, browser, id } = await signedIn()
    await insert(f, [
      {
        at: '2026-11-21T09:00:00Z',
        actor: `staff:${id}`,
        action: 'person.viewed',
        entity: 'person',
        entityId: '42',
        details: '{"via":"search"}',
      },
      { at: '2026-11-22T09:00:00Z', actor: 'cli', action: 'session.created', entity: 'session', entityId: '7' },
    ])
    const page = await (await browser.request('/admin/audit?action=person.viewed')).text()
    expect(page).toContain('href="/admin/audit/csv?action=person.viewed"')
    const response = await browser.request('/admin/audit/csv?action=person.viewed')
    expect(response.headers.get('content-type')).toContain('text/csv')
    const lines = (await response.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
    expect(lines).toEqual([
      'waktu_utc,pelaku,nama_pelaku,tindakan,entitas,id_entitas,rincian',
      `2026-11-21T09:00:00.000Z,staff:${id},Staf admin (admin@kemensos.go.id),person.viewed,person,42,via: search`,
    ])
  })
})
