/**
 * The console through the real Hono app (`createWebApp`, wired as src/main.ts wires it) on the
 * real core over in-memory SQLite, with a fake clock; a small browser for `app.request`: cookies
 * kept between requests, forms posted from this origin with their CSRF token.
 */

import { randomBytes } from 'node:crypto'
import pino from 'pino'
import type { Core } from '../../src/bootstrap.js'
import type { ConnectionState } from '../../src/bots/whatsapp/connection.js'
import { addStaff, type StaffInput } from '../../src/core/console/staff-accounts.js'
import { createByteBox, createSecretBox, HANDOFF_FILE_PURPOSE, STAFF_TOTP_PURPOSE } from '../../src/core/privacy/data-key.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import { statement } from '../../src/db/client.js'
import { createWebApp } from '../../src/web/app.js'
import type { ConsoleDeps } from '../../src/web/console/console-app.js'
import type { QuickReply } from '../../src/web/console/handoff-thread.js'
import { fakeClock, testCore } from '../support/core.js'

export const PASSWORD = 'kuda-laut-berenang-7'
export const ORIGIN = 'http://localhost'

export type ConsoleFixtureOptions = {
  production?: boolean
  core?: Core
  clock?: Awaited<ReturnType<typeof fakeClock>>
  key?: Buffer
  whatsappState?: () => ConnectionState | undefined
  /** PUBLIC_BASE_URL (forms must then come from its origin: use ORIGIN). */
  publicBaseUrl?: string
  /** CERT_SIGNING_KEY, for the console's QR codes and, with `verify`, the verification pages. */
  signingKey?: string
  /** Mount the certificate verification (/verifikasi, /v/…, the API) as main.ts does. */
  verify?: boolean
  /** Percakapan's quick replies (none by default). */
  quickReplies?: readonly QuickReply[]
  /** Pengumuman's server hooks (background queuing, waking the outbox, the WhatsApp cap); none by default. */
  announce?: ConsoleDeps['announce']
}

/** The app, its core and clock, the log lines, and `addAccount` to make staff with PASSWORD set. */
export async function consoleFixture(options: ConsoleFixtureOptions = {}) {
  const clock = options.clock ?? fakeClock()
  const core = options.core ?? (await testCore({ clock: clock.now }))
  const key = options.key ?? randomBytes(32)
  const totpBox = createSecretBox({ current: key }, STAFF_TOTP_PURPOSE)
  // Percakapan: the core's wake-up signal (the engine emits it when a person writes), and the box people's files are sealed in.
  const activity = core.handoffs.activity
  const handoffFiles = createByteBox(core.keys, HANDOFF_FILE_PURPOSE)
  const lines: string[] = []
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        lines.push(line)
        if (process.env.KESOS_TEST_LOG && line.includes('"level":50')) process.stderr.write(line)
      },
    },
  )
  const app = createWebApp({
    version: 'test',
    logger,
    clock: clock.now,
    channels: () => ({ console: 'on' }),
    checkDatabase: () => undefined,
    proxy: { header: 'x-real-ip' },
    console: {
      db: core.db,
      totpBox,
      vault: core.vault,
      reminders: DEFAULT_REMINDER_SETTINGS,
      production: options.production ?? false,
      activity,
      handoffFiles,
      quickReplies: options.quickReplies ?? [],
      ...(options.publicBaseUrl && { publicBaseUrl: options.publicBaseUrl }),
      ...(options.signingKey && { signingKey: options.signingKey }),
      ...(options.announce && { announce: options.announce }),
    },
    ...(options.verify && {
      verify: { db: core.db, signingKey: options.signingKey ?? 'test-signing-key', ratePerMinute: 1000 },
    }),
    whatsappState: options.whatsappState ?? (() => undefined),
  })
  return {
    app,
    core,
    clock,
    key,
    totpBox,
    activity,
    handoffFiles,
    lines,
    async addAccount(input: Partial<StaffInput> & { email: string }) {
      const result = await addStaff(
        core.db,
        { name: 'Sri Wahyuni', role: 'admin', ...input },
        { actor: 'test', at: clock.now(), password: PASSWORD },
      )
      if (!result.ok) throw new Error(result.error.code)
      return result.value.id
    },
  }
}

export type App = Awaited<ReturnType<typeof consoleFixture>>['app']

/** One browser: its cookies, its address (X-Real-IP), forms posted from this origin. */
export function browserOn(app: App, address = '198.51.100.7') {
  const jar = new Map<string, string>()
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  async function request(
    path: string,
    init: { method?: string; form?: Record<string, string>; multipart?: FormData; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { 'X-Real-IP': address, ...(jar.size > 0 && { Cookie: cookieHeader() }) }
    const method = init.method ?? (init.form || init.multipart ? 'POST' : 'GET')
    if (method === 'POST') headers.Origin = ORIGIN
    const response = await app.request(`${ORIGIN}${path}`, {
      method,
      headers: { ...headers, ...init.headers },
      ...(init.form && { body: new URLSearchParams(init.form) }),
      ...(init.multipart && { body: init.multipart }),
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq)
      const value = pair.slice(eq + 1)
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name)
      else jar.set(name, value)
    }
    return response
  }
  /** The value of the `_csrf` field of the page at `path` (or of `html`). */
  const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? ''
  return {
    jar,
    request,
    csrfOf,
    /** GETs `page` and posts its form to `action` with `fields` and the page's CSRF token. */
    async submit(page: string, action: string, fields: Record<string, string>) {
      const html = await (await request(page)).text()
      return request(action, { form: { _csrf: csrfOf(html), ...fields } })
    },
    /** Signs in through the form; returns the POST's response. */
    signIn(email: string, password = PASSWORD, otp = '') {
      return this.submit('/admin/login', '/admin/login', { email, password, otp })
    },
  }
}

/** The audit entries of `action`, oldest first. */
export async function auditOf(core: Core, action: string) {
  return (await statement(
    core.db,
    'select actor, action, entity, entity_id as entityId, details from audit_log where action = ? order by id',
  ).all(action)) as { actor: string; action: string; entity: string | null; entityId: string | null; details: string | null }[]
}
