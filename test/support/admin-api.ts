/** The web app as the admin API tests reach it: behind a staff token, no channel, a healthy database. */
import pino from 'pino'
import type { NikVault } from '../../src/core/privacy/nik-vault.js'
import { DEFAULT_REMINDER_SETTINGS } from '../../src/core/reminders/settings.js'
import type { Db } from '../../src/db/client.js'
import { createWebApp } from '../../src/web/app.js'

export const ADMIN_TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
/** The header that lets a request through to the admin API. */
export const ADMIN_AUTH = { Authorization: `Bearer ${ADMIN_TOKEN}` }

/** The admin API on `db` (on the real clock unless one is given); with `vault`, imports store NIKs as the chat does. */
export function adminWebApp(stores: { db: Db; vault?: NikVault; clock?: () => Date }) {
  return createWebApp({
    version: '0',
    logger: pino({ level: (process.env.KESOS_TEST_LOG as pino.Level | undefined) ?? 'silent' }),
    channels: () => ({}),
    clock: stores.clock ?? (() => new Date()),
    checkDatabase: () => undefined,
    adminToken: ADMIN_TOKEN,
    admin: { db: stores.db, reminders: DEFAULT_REMINDER_SETTINGS, ...(stores.vault && { vault: stores.vault }) },
  })
}
