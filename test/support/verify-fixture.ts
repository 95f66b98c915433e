/**
 * The verification page and API through the real Hono app on in-memory SQLite (real migrations),
 * with one certificate in every state inserted directly, a fixed clock and a client address per
 * request (what @hono/node-server's getConnInfo reads from the socket).
 */
import type { Statement } from 'better-sqlite3'
import pino from 'pino'
import { vi } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { createLookupAudit, type LookupAudit } from '../../src/core/certificates/lookup-audit.js'
import { signNumber } from '../../src/core/certificates/verify.js'
import { closeDatabase, postgresOf } from '../../src/db/client.js'
import { auditLog, certificates } from '../../src/db/schema.js'
import { createWebApp } from '../../src/web/app.js'
import type { TrustedProxy } from '../../src/web/rate-limit.js'
import { fakeClock, testCore } from './core.js'

export const KEY = 'test-signing-key-0123456789abcdef0123456789'

/** 2026-11-23 09:00 in Jakarta. */
export const NOW = new Date('2026-11-23T02:00:00Z')

export const CERTS = {
  valid: {
    number: 'LSPS202400009',
    displayNumber: 'LSPS-2024-00009',
    holderName: 'Siti Rahmawati Nasution',
    scheme: 'Pekerja Sosial',
    level: 'Pekerja Sosial Generalis',
    issuer: 'LSP Kemensos',
    issuedAt: '2024-05-02',
    expiresAt: '2027-05-01',
  },
  // Its last valid day is today (Jakarta): still valid.
  lastDay: {
    number: 'LSPS202100077',
    displayNumber: 'LSPS-2021-00077',
    holderName: 'Théresia Ñoviyanti',
    scheme: 'Penyuluh Sosial',
    level: null,
    issuer: 'LSP Kemensos',
    issuedAt: '2021-11-23',
    expiresAt: '2026-11-23',
  },
  expired: {
    number: 'LSPS201900010',
    displayNumber: 'LSPS-2019-00010',
    holderName: 'I Made Wirawan',
    scheme: 'Relawan Sosial',
    level: null,
    issuer: 'LSP Kemensos',
    issuedAt: '2019-02-12',
    expiresAt: '2026-11-22',
  },
  revoked: {
    number: 'LSPS202300901',
    displayNumber: 'LSPS-2023-00901',
    holderName: 'Hendra Gunawan',
    scheme: 'Pekerja Sosial',
    level: 'Asisten Pekerja Sosial',
    issuer: 'LSP Kemensos',
    issuedAt: '2023-10-20',
    expiresAt: '2028-10-19',
    status: 'revoked' as const,
    statusReason: 'Dicabut: dokumen portofolio terbukti tidak sah',
    statusChangedAt: new Date('2026-11-03T03:00:00Z'),
  },
  suspended: {
    number: 'LSPS202400902',
    displayNumber: 'LSPS-2024-00902',
    holderName: 'Maria Fransiska Lake',
    scheme: 'Pekerja Sosial',
    level: 'Asisten Pekerja Sosial',
    issuer: 'LSP Kemensos',
    issuedAt: '2024-01-15',
    expiresAt: '2029-01-14',
    status: 'suspended' as const,
    statusReason: 'Dibekukan sementara: sedang dalam pemeriksaan kode etik',
    // Still 2 November in UTC, already 3 November (01:30 WIB) in Jakarta.
    statusChangedAt: new Date('2026-11-02T18:30:00Z'),
  },
}

export type Fixture = {
  core: Core
  audit: LookupAudit
  clock: Awaited<ReturnType<typeof fakeClock>>
  /** A request from `address` (the socket's peer). */
  request: (path: string, init?: RequestInit & { address?: string }) => Promise<Response>
  get: (path: string, address?: string) => Promise<Response>
  /** The form as a browser posts it. */
  post: (fields: Record<string, string>, address?: string) => Promise<Response>
  /** Writes the buffered lookups and returns the audit rows. */
  auditRows: () => Promise<(typeof auditLog.$inferSelect)[]>
  /** From now on every certificate lookup fails, as on a broken disk (until `close`). */
  breakReads: () => void
  close: () => Promise<void>
}

export async function verifyFixture(
  options: {
    limit?: number
    proxy?: TrustedProxy
    publicBaseUrl?: string
    signingKey?: string
    previousSigningKeys?: string[]
  } = {},
): Promise<Fixture> {
  const clock = fakeClock(NOW)
  const core = await testCore({ clock: clock.now })
  for (const cert of Object.values(CERTS)) await core.db.insert(certificates).values(cert)
  // Written only when a test flushes it.
  const audit = createLookupAudit(core.db, { flushMs: 3_600_000, maxBatch: 10_000, now: clock.now })
  const web = createWebApp({
    version: '0',
    logger: pino({ level: 'silent' }),
    clock: clock.now,
    channels: () => ({ console: 'on' }),
    checkDatabase: () => undefined,
    proxy: options.proxy,
    verify: {
      db: core.db,
      signingKey: options.signingKey ?? KEY,
      ...(options.previousSigningKeys && { previousSigningKeys: options.previousSigningKeys }),
      audit,
      ratePerMinute: options.limit ?? 10_000,
      ...(options.publicBaseUrl && { publicBaseUrl: options.publicBaseUrl }),
    },
  })
  let broken: { mockRestore: () => void } | undefined
  const request: Fixture['request'] = async (path, init = {}) => {
    const { address = '198.51.100.7', ...rest } = init
    return web.request(path, rest, { incoming: { socket: { remoteAddress: address } } })
  }
  return {
    core,
    audit,
    clock,
    request,
    get: (path, address) => request(path, address ? { address } : {}),
    post: (fields, address) =>
      request('/verifikasi', {
        method: 'POST',
        body: new URLSearchParams(fields).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        ...(address && { address }),
      }),
    breakReads: () => {
      const pg = postgresOf(core.db)
      if (pg) {
        // Every query of the pool that reads certificates fails, as when the server is gone.
        const query = pg.pool.query.bind(pg.pool) as (...args: unknown[]) => Promise<unknown>
        broken = vi.spyOn(pg.pool, 'query').mockImplementation(((config: unknown, ...rest: unknown[]) => {
          const text = typeof config === 'string' ? config : (config as { text: string }).text
          if (/\bfrom "?certificates"?/.test(text)) return Promise.reject(new Error('Connection terminated unexpectedly'))
          return query(config, ...rest)
        }) as never)
        return
      }
      // Every statement's `get` (a certificate lookup is one) fails once it reads certificates.
      const statement = Object.getPrototypeOf(core.db.$client.prepare('select 1')) as Statement
      const get = statement.get
      broken = vi.spyOn(statement, 'get').mockImplementation(function (this: Statement, ...args: unknown[]) {
        if (/\bfrom "?certificates"?/.test(this.source))
          throw new Error('SQLITE_IOERR: disk I/O error at /var/lib/kesos/kesos.db')
        return get.apply(this, args)
      })
    },
    auditRows: async () => {
      await audit.flush()
      return await core.db.select().from(auditLog).orderBy(auditLog.id)
    },
    close: async () => {
      broken?.mockRestore()
      await audit.stop()
      closeDatabase(core.db)
    },
  }
}

export const signedPath = (number: string, key = KEY) => `/v/${number}?s=${signNumber(number, key)}`

/** The page's text without tags, spaces collapsed: what a reader sees. */
export const visibleText = (html: string) =>
  html
    .replace(/<head>[\s\S]*?<\/head>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim()

/** The verdict element: its data-status and its text. */
export function verdict(html: string) {
  const match = /<div class="verdict[^"]*" id="hasil" role="status" data-status="([^"]+)">([\s\S]*?)<\/div>/.exec(html)
  return match ? { status: match[1], text: visibleText(match[2] ?? '') } : undefined
}
