/**
 * /admin/tautkan-telegram: the *Tautkan Telegram* part of the account's security. A staff member
 * gets a 6-digit code, valid 10 minutes and kept only hashed, and sends `/tautkan KODE` in the
 * staff group: from then on what their Telegram account writes in a handoff's topic is relayed to
 * the person, signed with their name (docs/channels.md, "Grup staf Telegram"). *Putuskan* unlinks.
 */
import { randomInt } from 'node:crypto'
import { type Context, Hono } from 'hono'
import { formatLocalTime } from '../../core/regions.js'
import type { Db } from '../../db/client.js'
import { storeTelegramCode, telegramCodeHash, telegramLinkState, unlinkTelegram } from '../../db/queries/telegram-links.js'
import { type Html, html } from '../html.js'
import type { ConsoleEnv } from './env.js'
import { csrfField, type LayoutOptions } from './layout.js'

/** How long a code may be used. */
export const TELEGRAM_CODE_MINUTES = 10

export type TelegramLinkDeps = {
  db: Db
  clock: () => Date
  render: (c: Context<ConsoleEnv>, options: LayoutOptions) => string
}

export const TELEGRAM_LINK_PATH = '/admin/tautkan-telegram'

type View = { code?: string; expiresAt?: Date; notice?: string; alert?: string }

/** The Tautkan Telegram routes (GET the page, POST a new code, POST /putuskan), to mount on the console at '/'. */
export function telegramLinkRoutes(deps: TelegramLinkDeps) {
  const app = new Hono<ConsoleEnv>()

  const show = async (c: Context<ConsoleEnv>, view: View, status: 200 | 403 = 200) => {
    const staff = c.get('staff')
    const state = await telegramLinkState(deps.db, staff.id, deps.clock())
    const body = html`${view.alert && html`<p class="alert" role="alert">${view.alert}</p>`}
${view.notice && html`<p class="notice" role="status">${view.notice}</p>`}
<p>Dengan akun Telegram yang tertaut, Anda dapat membalas warga langsung dari grup staf Telegram: tulis di topik percakapannya,
atau pakai /ambil, /tutup, /faq TOPIK dan /catatan TEKS. Balasan Anda dikirim atas nama Anda.</p>
${state.linked ? linkedPart(c) : html`<p>Status: <strong>belum tertaut</strong>.</p>`}
${staff.role === 'viewer' ? html`<p>Akun pemantau tidak dapat membalas warga, jadi tidak perlu ditautkan.</p>` : codePart(c, view, state)}`
    return c.html(deps.render(c, { title: 'Tautkan Telegram', active: '', body }), status)
  }

  const linkedPart = (c: Context<ConsoleEnv>): Html => html`<p>Status: <strong>tertaut</strong> ke akun Telegram Anda.</p>
<form method="post" action="${TELEGRAM_LINK_PATH}/putuskan">
${csrfField(c.get('csrf'))}
<button type="submit">Putuskan</button>
</form>`

  const codePart = (c: Context<ConsoleEnv>, view: View, state: { linked: boolean }): Html => {
    const shown =
      view.code && view.expiresAt
        ? html`<p class="notice" role="status">Kode Anda: <strong class="secret">${view.code}</strong>, berlaku sampai ${formatLocalTime(view.expiresAt, 'Asia/Jakarta')}.
Kirim di grup staf: <code>/tautkan ${view.code}</code>. Bot menghapus pesan itu setelah membacanya.</p>`
        : ''
    return html`${shown}
<form method="post" action="${TELEGRAM_LINK_PATH}">
${csrfField(c.get('csrf'))}
<button type="submit">${state.linked ? 'Tautkan akun Telegram lain' : 'Buat kode'}</button>
</form>
<p><small>Kode berlaku ${TELEGRAM_CODE_MINUTES} menit dan hanya sekali pakai; kode baru membatalkan kode sebelumnya.</small></p>`
  }

  app.get('/tautkan-telegram', (c) => show(c, {}))

  app.post('/tautkan-telegram', async (c) => {
    const staff = c.get('staff')
    if (staff.role === 'viewer') return show(c, { alert: 'Akun pemantau tidak dapat menautkan Telegram.' }, 403)
    const at = deps.clock()
    const expiresAt = new Date(at.getTime() + TELEGRAM_CODE_MINUTES * 60_000)
    // Two staff members may draw the same live code: draw again (a million codes, a handful live).
    for (let tries = 0; tries < 10; tries += 1) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
      if (await storeTelegramCode(deps.db, staff.id, telegramCodeHash(code), at, expiresAt)) return show(c, { code, expiresAt })
    }
    return show(c, { alert: 'Kode belum dapat dibuat. Coba lagi.' })
  })

  app.post('/tautkan-telegram/putuskan', async (c) => {
    const staff = c.get('staff')
    const done = await unlinkTelegram(deps.db, staff.id, deps.clock())
    return await show(c, {
      notice: done
        ? 'Akun Telegram sudah diputuskan: pesannya di grup staf tidak lagi diteruskan.'
        : 'Tidak ada akun Telegram yang tertaut.',
    })
  })

  return app
}
