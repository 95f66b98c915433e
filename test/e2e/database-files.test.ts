/**
 * The SQLite database files and the development keys, in real processes: the data folder and the
 * database files readable by their owner only; development keys refused once the service is public,
 * before anything is written. SQLite only: the keys on either engine are in test/e2e/keys.test.ts.
 */
import { chmodSync, existsSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { oneLine, serverUntilListening, start, tempFolderEachTest } from '../support/programs.js'

const temp = tempFolderEachTest('database-files', 'data/kesos.db')

/** The server on the database file until it listens (then stopped), or until it exits. */
const serverStart = (env: Record<string, string> = {}) => serverUntilListening({ DATABASE_PATH: temp.dbPath, PORT: '0', ...env })

describe('the database files', () => {
  it('are readable by their owner only: data folder 0700, the database, its -wal and -shm 0600', async () => {
    const server = start('src/main.ts', [], { DATABASE_PATH: temp.dbPath, PORT: '0' })
    await server.waitForStdout(/listening on/, 20_000)
    const mode = (path: string) => statSync(path).mode & 0o777
    expect(mode(dirname(temp.dbPath))).toBe(0o700)
    for (const file of [temp.dbPath, `${temp.dbPath}-wal`, `${temp.dbPath}-shm`])
      expect([file, mode(file)]).toEqual([file, 0o600])
    server.child.kill('SIGTERM')
    expect(await server.exited(10_000)).toEqual({ code: 0, signal: null })

    // A database left readable by others (an older version, a copy) is narrowed on the next start.
    chmodSync(temp.dbPath, 0o644)
    expect((await serverStart()).listened).toBe(true)
    expect(mode(temp.dbPath)).toBe(0o600)
  }, 60_000)
})

describe('development keys in a public deployment', () => {
  it.each([
    ['TELEGRAM_BOT_TOKEN', { TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123' }, 'TELEGRAM_BOT_TOKEN is set'],
    ['WHATSAPP_ENABLED', { WHATSAPP_ENABLED: 'true' }, 'WHATSAPP_ENABLED=true'],
    ['an https PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'https://sertifikasi.example.id' }, 'PUBLIC_BASE_URL is an https address'],
  ])(
    '%s without real keys stops start-up with one line naming the key',
    async (_name, env, reason) => {
      const signing = await serverStart(env)
      expect(signing).toMatchObject({ listened: false, exit: { code: 1, signal: null } })
      expect(oneLine(signing.stderr)).toBe(
        `Configuration error: CERT_SIGNING_KEY must be set (openssl rand -hex 32) when the service is public (${reason}): the development key signs links anyone can forge`,
      )
      const data = await serverStart({ ...env, CERT_SIGNING_KEY: 'cd'.repeat(32) })
      expect(data).toMatchObject({ listened: false, exit: { code: 1, signal: null } })
      expect(oneLine(data.stderr)).toMatch(
        new RegExp(`^Configuration error: DATA_ENCRYPTION_KEY must be set .*\\(${reason.replace(/[().=]/g, '\\$&')}\\)`),
      )
      expect(existsSync(temp.dbPath)).toBe(false)
    },
    60_000,
  )
})
