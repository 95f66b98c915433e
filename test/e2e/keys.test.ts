/**
 * The keys as the operator meets them, in real processes (server, CLI, terminal chat), on either
 * engine: a changed or lost DATA_ENCRYPTION_KEY stops every entry point with one line; `keys rotate`
 * after a key change. The database files and development keys: test/e2e/database-files.test.ts.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createNikVault } from '../../src/core/privacy/nik-vault.js'
import { oneLine, run, runChat, serverUntilListening, tempFolderEachTest } from '../support/programs.js'
import { STATUS, statusFile, WOMAN } from '../support/status-csv.js'

const OLD = '1a'.repeat(32)
const NEW = '1b'.repeat(32)

const temp = tempFolderEachTest('keys', 'data/kesos.db')

const cli = (args: string[], env: Record<string, string>) =>
  run('src/cli.ts', args, { ...temp.store, DEMO_DATA: 'false', ...env }, 20_000)

/** The server on this test's store until it listens (then stopped), or until it exits. */
const serverStart = (env: Record<string, string> = {}) => serverUntilListening({ ...temp.store, PORT: '0', ...env })

describe('a changed or lost data key', () => {
  it('stops the server, the CLI and the terminal chat with one line, and the right key still works', async () => {
    expect(await serverStart()).toMatchObject({ listened: true, stderr: '' })
    const wrong = { DATA_ENCRYPTION_KEY: NEW }
    const expected =
      /^Key error: DATA_ENCRYPTION_KEY is not the key this database was encrypted with: .*DATA_ENCRYPTION_KEY_PREVIOUS and run "npm run cli -- keys rotate"$/

    const server = await serverStart(wrong)
    expect(server).toMatchObject({ listened: false, exit: { code: 1, signal: null } })
    expect(oneLine(server.stderr)).toMatch(expected)
    const command = await cli(['sessions', 'list'], wrong)
    expect(command.exit).toEqual({ code: 1, signal: null })
    expect(oneLine(command.stderr)).toMatch(expected)
    const chat = await runChat({ store: temp.store, input: 'halo\n', env: wrong })
    expect(chat.exit).toEqual({ code: 1, signal: null })
    expect(oneLine(chat.stderr)).toMatch(expected)

    // The whole answer, so a start that fails says why (its stderr).
    expect(await serverStart()).toMatchObject({ listened: true, stderr: '' })
  }, 90_000)

  it('a lost key file is not replaced by a new one: start-up says how to restore it', async () => {
    expect((await serverStart()).listened).toBe(true)
    const keyFile = join(dirname(temp.dbPath), 'data-encryption.key')
    const key = readFileSync(keyFile, 'utf8')
    rmSync(keyFile)

    const server = await serverStart()
    expect(server).toMatchObject({ listened: false, exit: { code: 1, signal: null } })
    expect(oneLine(server.stderr)).toMatch(
      /^Key error: .*data-encryption\.key is missing, but the database holds data encrypted with it .*restore the file from your backup, or set DATA_ENCRYPTION_KEY to that key/,
    )
    expect(existsSync(keyFile)).toBe(false)
    const chat = await runChat({ store: temp.store, input: 'halo\n' })
    expect(chat.exit.code).toBe(1)
    expect(existsSync(keyFile)).toBe(false)

    // Restored from the backup: everything works again.
    const restored = await serverStart({ DATA_ENCRYPTION_KEY: key.trim() })
    expect(restored.listened).toBe(true)
  }, 90_000)
})

describe('npm run cli -- keys rotate', () => {
  it('re-encrypts everything under the new key, says what it did, and a second run changes nothing', async () => {
    const imported = await cli(['import', 'status', temp.file('status.csv', statusFile(STATUS, WOMAN))], {
      DATA_ENCRYPTION_KEY: OLD,
    })
    expect(imported.exit.code).toBe(0)
    const rotation = { DATA_ENCRYPTION_KEY: NEW, DATA_ENCRYPTION_KEY_PREVIOUS: OLD }
    // Before the rotation has run, people are found by NIK as before.
    const during = await cli(['status', 'show', STATUS.nik], rotation)
    expect(during.exit.code).toBe(0)
    expect(during.stderr).toContain('data is still under DATA_ENCRYPTION_KEY_PREVIOUS: run \\"npm run cli -- keys rotate\\"')

    const rotated = await cli(['keys', 'rotate'], rotation)
    expect(rotated.exit).toEqual({ code: 0, signal: null })
    expect(rotated.stdout).toBe(
      [
        'Semua data kini dienkripsi dengan DATA_ENCRYPTION_KEY:',
        '  2 NIK orang dienkripsi ulang',
        '  0 sertifikat: kunci pencarian NIK dibuat ulang',
        '  0 nilai sesi WhatsApp dienkripsi ulang',
        '  0 kunci verifikasi dua langkah staf dienkripsi ulang',
        '  0 berkas percakapan dengan petugas dienkripsi ulang',
        'DATA_ENCRYPTION_KEY_PREVIOUS tidak diperlukan lagi: hapus, lalu mulai ulang server.',
        '',
      ].join('\n'),
    )
    const vault = createNikVault(Buffer.from(NEW, 'hex'))
    const stored = await temp.rows<{ nik_hash: string; nik_ciphertext: string }>(
      'select nik_hash, nik_ciphertext from people order by id',
    )
    expect(stored.map((row) => row.nik_hash)).toEqual([vault.hash(STATUS.nik), vault.hash(WOMAN.nik)])
    expect(stored.map((row) => vault.decrypt(row.nik_ciphertext))).toEqual([STATUS.nik, WOMAN.nik])

    const again = await cli(['keys', 'rotate'], rotation)
    expect(again.exit.code).toBe(0)
    expect(again.stdout).toMatch(/^Tidak ada yang perlu diubah: semua data sudah dienkripsi dengan DATA_ENCRYPTION_KEY\.\n/)

    const after = await cli(['status', 'show', STATUS.nik], { DATA_ENCRYPTION_KEY: NEW })
    expect(after.exit.code).toBe(0)
    expect(after.stdout).toContain(STATUS.full_name)
    const oldKey = await cli(['status', 'show', STATUS.nik], { DATA_ENCRYPTION_KEY: OLD })
    expect(oldKey.exit.code).toBe(1)
    expect(oldKey.stderr).toMatch(/^Key error: DATA_ENCRYPTION_KEY is not the key/)
  }, 90_000)
})
