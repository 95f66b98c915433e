/**
 * Staf (admin only): the list, inviting (the link sets a password and signs in), changing role and
 * region, disabling (sessions end), resetting, the admin's own account refused, forms without
 * `_csrf` refused; every change audited with the signed-in admin as actor.
 */

import { describe, expect, it } from 'vitest'
import { statement } from '../../src/db/client.js'
import { auditOf, browserOn, consoleFixture, PASSWORD } from './support.js'

async function admin() {
  const f = await consoleFixture()
  const id = await f.addAccount({ email: 'admin@kemensos.go.id', name: 'Sri Wahyuni' })
  const browser = browserOn(f.app)
  await browser.signIn('admin@kemensos.go.id')
  return { f, browser, id }
}

const linkIn = (page: string) => page.match(/id="tautan" class="secret" type="text" readonly value="([^"]+)"/)?.[1] ?? ''

describe('Staf', () => {
  it.each(['regional', 'viewer'] as const)('a %s account gets 403 on the page and its forms, and no menu entry', async (role) => {
    const f = await consoleFixture()
    const other = await f.addAccount({ email: 'other@kemensos.go.id', role: 'viewer' })
    await f.addAccount({ email: 'staf@kemensos.go.id', role, ...(role === 'regional' && { region: 'R1' }) })
    const browser = browserOn(f.app)
    await browser.signIn('staf@kemensos.go.id')
    expect((await browser.request('/admin/staf')).status).toBe(403)
    const posted = await browser.submit('/admin', `/admin/staf/${other}/nonaktifkan`, {})
    expect(posted.status).toBe(403)
    expect(await auditOf(f.core, 'staff.disabled')).toEqual([])
    expect(await (await browser.request('/admin')).text()).not.toContain('href="/admin/staf"')
  })

  it('lists the accounts with role, region, status, two-factor and last sign-in', async () => {
    const { f, browser } = await admin()
    await f.addAccount({ email: 'budi@kemensos.go.id', name: 'Budi Santoso', role: 'regional', region: 'R3' })
    const page = await (await browser.request('/admin/staf')).text()
    expect(page).toContain('<h1>Staf</h1>')
    expect(page).toMatch(
      /<td>Budi Santoso<\/td><td>budi@kemensos.go.id<\/td><td>Petugas wilayah<\/td><td>R3<\/td>\s*<td>Aktif<\/td><td>mati<\/td>\s*<td>belum pernah<\/td>/,
    )
    expect(page).toMatch(/<td>Sri Wahyuni<\/td>.*?<td>Senin, 23 November 2026, 09\.00 WIB<\/td>/s)
    expect(page).toContain('Akun Anda: peran dan status tidak dapat Anda ubah sendiri.')
  })

  it('invites: errors beside the field, then a one-time link that sets the password and signs in', async () => {
    const { f, browser, id } = await admin()
    const bad = await browser.submit('/admin/staf', '/admin/staf/undang', {
      name: 'Rina',
      email: 'rina@kemensos.go.id',
      role: 'regional',
      region: '',
    })
    expect(bad.status).toBe(422)
    const badPage = await bad.text()
    expect(badPage).toContain('id="f-region-error">Petugas wilayah perlu wilayah R1–R6.')
    expect(badPage).toContain('value="rina@kemensos.go.id"')

    const response = await browser.submit('/admin/staf', '/admin/staf/undang', {
      name: 'Rina',
      email: 'rina@kemensos.go.id',
      role: 'regional',
      region: 'R5',
    })
    const link = linkIn(await response.text())
    expect(link).toMatch(/^http:\/\/localhost\/admin\/setel-sandi\?token=/)
    expect((await auditOf(f.core, 'staff.added')).at(-1)).toMatchObject({
      actor: `staff:${id}`,
      details: '{"role":"regional","region":"R5"}',
    })

    const rina = browserOn(f.app, '198.51.100.9')
    const path = link.replace('http://localhost', '')
    const token = new URL(link).searchParams.get('token') ?? ''
    const set = await rina.submit(path, '/admin/setel-sandi', { token, password: PASSWORD, confirm: PASSWORD })
    expect(set.headers.get('location')).toBe('/admin')
    expect(await (await rina.request('/admin')).text()).toContain('Petugas wilayah R5')
    // The password works from another browser too.
    const elsewhere = browserOn(f.app, '198.51.100.10')
    expect((await elsewhere.signIn('rina@kemensos.go.id')).headers.get('location')).toBe('/admin')
    expect(await (await elsewhere.request('/admin')).text()).toContain('Petugas wilayah R5')
  })

  it('changes role and region (errors beside the field), effective on the colleague’s next page', async () => {
    const { f, browser, id } = await admin()
    const budi = await f.addAccount({ email: 'budi@kemensos.go.id', name: 'Budi', role: 'regional', region: 'R3' })
    const colleague = browserOn(f.app, '198.51.100.9')
    await colleague.signIn('budi@kemensos.go.id')

    const bad = await browser.submit('/admin/staf', `/admin/staf/${budi}/peran`, { role: 'viewer', region: 'R3' })
    expect(bad.status).toBe(422)
    expect(await bad.text()).toContain(`id="s${budi}-region-error">Wilayah hanya untuk petugas wilayah; kosongkan.`)

    const ok = await browser.submit('/admin/staf', `/admin/staf/${budi}/peran`, { role: 'viewer', region: '' })
    expect(await ok.text()).toContain('Budi sekarang Pemantau.')
    expect(await (await colleague.request('/admin')).text()).toContain('Pemantau')
    expect(await auditOf(f.core, 'staff.role_changed')).toEqual([
      expect.objectContaining({
        actor: `staff:${id}`,
        entityId: String(budi),
        details: '{"from":{"role":"regional","region":"R3"},"to":{"role":"viewer","region":null}}',
      }),
    ])
  })

  it('disabling ends the colleague’s sessions; resetting gives a new link', async () => {
    const { f, browser, id } = await admin()
    const budi = await f.addAccount({ email: 'budi@kemensos.go.id', name: 'Budi', role: 'viewer' })
    const rina = await f.addAccount({ email: 'rina@kemensos.go.id', name: 'Rina', role: 'viewer' })
    const colleague = browserOn(f.app, '198.51.100.9')
    await colleague.signIn('budi@kemensos.go.id')
    expect((await colleague.request('/admin')).status).toBe(200)

    const disabled = await browser.submit('/admin/staf', `/admin/staf/${budi}/nonaktifkan`, {})
    expect(await disabled.text()).toContain('Akun Budi dinonaktifkan; semua sesinya berakhir.')
    expect((await colleague.request('/admin')).headers.get('location')).toMatch(/^\/admin\/login/)
    expect((await colleague.signIn('budi@kemensos.go.id')).status).not.toBe(303)
    expect(await auditOf(f.core, 'staff.disabled')).toEqual([
      expect.objectContaining({ actor: `staff:${id}`, entityId: String(budi) }),
    ])

    const reset = await browser.submit('/admin/staf', `/admin/staf/${rina}/setel-ulang`, {})
    expect(linkIn(await reset.text())).toMatch(/setel-sandi\?token=/)
    expect(await auditOf(f.core, 'staff.reset')).toEqual([
      expect.objectContaining({ actor: `staff:${id}`, entityId: String(rina) }),
    ])
  })

  it('enables a disabled colleague again: they sign in with their password; audited', async () => {
    const { f, browser, id } = await admin()
    const budi = await f.addAccount({ email: 'budi@kemensos.go.id', name: 'Budi', role: 'viewer' })
    await browser.submit('/admin/staf', `/admin/staf/${budi}/nonaktifkan`, {})
    const colleague = browserOn(f.app, '198.51.100.9')
    expect((await colleague.signIn('budi@kemensos.go.id')).status).not.toBe(303)
    const page = await (await browser.request('/admin/staf')).text()
    expect(page).toContain(`action="/admin/staf/${budi}/aktifkan"`)

    const enabled = await browser.submit('/admin/staf', `/admin/staf/${budi}/aktifkan`, {})
    expect(await enabled.text()).toContain('Akun Budi aktif lagi: dapat masuk dengan kata sandinya.')
    expect((await colleague.signIn('budi@kemensos.go.id')).status).toBe(303)
    expect((await colleague.request('/admin')).status).toBe(200)
    expect(await auditOf(f.core, 'staff.enabled')).toEqual([
      expect.objectContaining({ actor: `staff:${id}`, entityId: String(budi) }),
    ])
  })

  it('a reset can turn two-factor off (a lost authenticator): the colleague signs in with the new password alone', async () => {
    const { f, browser, id } = await admin()
    const rina = await f.addAccount({ email: 'rina@kemensos.go.id', name: 'Rina', role: 'viewer' })
    await statement(
      f.core.db,
      "update staff set totp_secret = 'sealed', totp_enabled_at = 1, totp_last_step = 1 where id = ?",
    ).run(rina)
    const page = await (await browser.request('/admin/staf')).text()
    expect(page).toContain('Matikan juga verifikasi dua langkah (aplikasi hilang)')

    // Without the box ticked the authenticator stays.
    await browser.submit('/admin/staf', `/admin/staf/${rina}/setel-ulang`, {})
    expect(await statement(f.core.db, 'select totp_enabled_at as on_ from staff where id = ?').get(rina)).toEqual({ on_: 1 })

    const reset = await browser.submit('/admin/staf', `/admin/staf/${rina}/setel-ulang`, { two_factor: 'off' })
    const text = await reset.text()
    expect(text).toContain('Verifikasi dua langkahnya dimatikan')
    expect(await statement(f.core.db, 'select totp_secret, totp_enabled_at from staff where id = ?').get(rina)).toEqual({
      totp_secret: null,
      totp_enabled_at: null,
    })
    const colleague = browserOn(f.app, '198.51.100.9')
    const link = new URL(linkIn(text))
    const set = await colleague.submit(`${link.pathname}${link.search}`, '/admin/setel-sandi', {
      token: link.searchParams.get('token') ?? '',
      password: PASSWORD,
      confirm: PASSWORD,
    })
    expect(set.status).toBe(303)
    expect((await colleague.request('/admin')).status).toBe(200)
    expect((await auditOf(f.core, 'staff.reset')).at(-1)).toEqual(
      expect.objectContaining({ actor: `staff:${id}`, details: '{"sessionsEnded":0,"twoFactorCleared":true}' }),
    )
  })

  it('refuses to disable, demote or reset the admin’s own account, and says why', async () => {
    const { f, browser, id } = await admin()
    for (const [action, fields] of [
      ['nonaktifkan', {}],
      ['peran', { role: 'viewer', region: '' }],
      ['setel-ulang', {}],
    ] as const) {
      const response = await browser.submit('/admin/staf', `/admin/staf/${id}/${action}`, fields)
      expect(response.status).toBe(403)
      expect(await response.text()).toContain(
        'Anda tidak dapat mengubah peran, menonaktifkan atau menyetel ulang akun Anda sendiri',
      )
    }
    expect(await statement(f.core.db, 'select role, status from staff where id = ?').get(id)).toEqual({
      role: 'admin',
      status: 'active',
    })
    expect((await browser.request('/admin/staf')).status).toBe(200)
  })

  it('refuses a form posted without its _csrf token', async () => {
    const { f, browser } = await admin()
    const budi = await f.addAccount({ email: 'budi@kemensos.go.id', name: 'Budi', role: 'viewer' })
    const response = await browser.request(`/admin/staf/${budi}/nonaktifkan`, { form: {} })
    expect(response.status).toBe(403)
    const invite = await browser.request('/admin/staf/undang', { form: { name: 'X', email: 'x@kemensos.go.id', role: 'viewer' } })
    expect(invite.status).toBe(403)
    expect(await statement(f.core.db, 'select email, status from staff order by id').all()).toEqual([
      { email: 'admin@kemensos.go.id', status: 'active' },
      { email: 'budi@kemensos.go.id', status: 'active' },
    ])
  })
})
