/**
 * DATA_ENCRYPTION_KEY against the database it protects: a start with another key is refused with one
 * line (also on a database from before check values, told by its NIK ciphertexts); during a
 * rotation (DATA_ENCRYPTION_KEY_PREVIOUS) people stay findable; `rotateDataKeys` re-encrypts
 * everything in one go, and again changes nothing. On database files, restarted as the server is.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import {
  createByteBox,
  createSecretBox,
  HANDOFF_FILE_PURPOSE,
  STAFF_TOTP_PURPOSE,
  WHATSAPP_AUTH_PURPOSE,
} from '../../src/core/privacy/data-key.js'
import { RotationError, rotateDataKeys } from '../../src/core/privacy/key-rotation.js'
import { createNikVault, NIK_ENCRYPTION_PURPOSE } from '../../src/core/privacy/nik-vault.js'
import { closeDatabase, openDatabase, statement } from '../../src/db/client.js'
import { DEMO_PEOPLE_COUNT, demoNik } from '../../src/db/demo-data.js'
import { personByNikHash } from '../../src/db/queries/people.js'
import { testCore } from '../support/core.js'

const OLD = '0a'.repeat(32)
const NEW = '0b'.repeat(32)
const key = (hex: string) => Buffer.from(hex, 'hex')

let dir: string
let path: string
const opened: Core[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kesos-keys-'))
  path = join(dir, 'kesos.db')
})

afterEach(() => {
  for (const core of opened.splice(0)) closeDatabase(core.db)
  rmSync(dir, { recursive: true, force: true })
})

/** The core on the database file, as a start with these settings makes it (demo data on an empty one). */
async function start(env: Record<string, string>): Promise<Core> {
  const core = await testCore({ path, env: { DEMO_DATA: 'true', ...env } })
  opened.push(core)
  return core
}

function stop(core: Core) {
  closeDatabase(core.db)
}

const rows = async (core: Core, sql: string) => (await statement(core.db, sql).all()) as Record<string, string | null>[]
const findsEveryone = (core: Core) =>
  Promise.all(
    Array.from(
      { length: DEMO_PEOPLE_COUNT() },
      async (_, i) => (await personByNikHash(core.db, core.vault.hash(demoNik(i))))?.id,
    ),
  )

describe('the key check', () => {
  it('a start with another key is refused with one line that says what to do; the right key still opens', async () => {
    stop(await start({ DATA_ENCRYPTION_KEY: OLD }))
    await expect(start({ DATA_ENCRYPTION_KEY: NEW })).rejects.toThrow(
      /^DATA_ENCRYPTION_KEY is not the key this database was encrypted with: set the key it was made with; to change keys, set the old one as DATA_ENCRYPTION_KEY_PREVIOUS and run "npm run cli -- keys rotate"$/,
    )
    const again = await start({ DATA_ENCRYPTION_KEY: OLD })
    expect((await findsEveryone(again)).every((id) => id !== undefined)).toBe(true)
  })

  it('a database from before check values is told its key by its NIK ciphertexts, then remembers it', async () => {
    stop(await start({ DATA_ENCRYPTION_KEY: OLD }))
    const db = openDatabase(path)
    await statement(db, "delete from app_meta where key = 'data_key_check'").run()
    closeDatabase(db)
    await expect(start({ DATA_ENCRYPTION_KEY: NEW })).rejects.toThrow(/is not the key this database was encrypted with/)
    const right = await start({ DATA_ENCRYPTION_KEY: OLD })
    expect(await rows(right, "select key from app_meta where key = 'data_key_check'")).toHaveLength(1)
  })

  it('the stored check value reveals neither the key nor anything made with it', async () => {
    const core = await start({ DATA_ENCRYPTION_KEY: OLD })
    const [check] = await rows(core, "select value from app_meta where key = 'data_key_check'")
    expect(check?.value).toMatch(/^[0-9a-f]{64}$/)
    expect(check?.value).not.toContain(OLD)
    expect(check?.value).not.toBe(createNikVault(key(OLD)).hash(''))
  })
})

describe('rotating the data key', () => {
  it('during the rotation everyone stays findable and readable, new people too; afterwards the new key alone opens everything', async () => {
    const before = await start({ DATA_ENCRYPTION_KEY: OLD })
    const ids = await findsEveryone(before)
    stop(before)

    const during = await start({ DATA_ENCRYPTION_KEY: NEW, DATA_ENCRYPTION_KEY_PREVIOUS: OLD })
    expect(await findsEveryone(during)).toEqual(ids)
    const [first] = await rows(during, 'select nik_ciphertext from people order by id limit 1')
    expect(during.vault.decrypt(String(first?.nik_ciphertext))).toBe(demoNik(0))
    // Someone new while the rotation waits: sealed under the new key, findable like everyone else.
    const newcomer = '3273014508990001'
    await statement(during.db, "insert into people (full_name, nik_hash, nik_ciphertext) values ('Baru', ?, ?)").run(
      during.vault.hash(newcomer),
      during.vault.encrypt(newcomer),
    )
    expect(await personByNikHash(during.db, during.vault.hash(newcomer))).toBeDefined()

    const result = await rotateDataKeys(during.db, during.keys, new Date())
    expect(result).toMatchObject({ people: DEMO_PEOPLE_COUNT() + 1 })
    // The process that was running follows the rotation at once.
    expect(await findsEveryone(during)).toEqual(ids)
    expect(await personByNikHash(during.db, during.vault.hash(newcomer))).toBeDefined()
    // Again: nothing left to do.
    expect(await rotateDataKeys(during.db, during.keys, new Date())).toEqual({
      people: 0,
      certificates: 0,
      certificatesUnlinked: 0,
      whatsapp: 0,
      staffTotp: 0,
      files: 0,
    })
    stop(during)

    const after = await start({ DATA_ENCRYPTION_KEY: NEW })
    expect(await findsEveryone(after)).toEqual(ids)
    const onlyNew = createSecretBox({ current: key(NEW) }, NIK_ENCRYPTION_PURPOSE)
    for (const row of await rows(after, 'select nik_ciphertext from people where nik_ciphertext is not null'))
      expect(onlyNew.isCurrent(String(row.nik_ciphertext))).toBe(true)
    stop(after)
    await expect(start({ DATA_ENCRYPTION_KEY: OLD })).rejects.toThrow(/is not the key this database was encrypted with/)
  })

  it("certificates follow their person's NIK, one of nobody on record loses its stale lookup key; the WhatsApp session and staff TOTP keys are sealed again", async () => {
    const before = await start({ DATA_ENCRYPTION_KEY: OLD })
    const insert = before.db.$client.prepare(
      `insert into certificates (number, display_number, holder_name, person_id, nik_hash, scheme, issued_at, expires_at)
       values (?, ?, 'Pemegang', ?, ?, 'Pekerja Sosial', '2025-01-01', '2028-01-01')`,
    )
    const owner = await personByNikHash(before.db, before.vault.hash(demoNik(0)))
    insert.run('LSPS202500001', 'LSPS-2025-00001', owner?.id, before.vault.hash(demoNik(0)))
    insert.run('LSPS202500002', 'LSPS-2025-00002', null, before.vault.hash('3273014508990003'))
    const oldBox = createSecretBox({ current: key(OLD) }, WHATSAPP_AUTH_PURPOSE)
    await statement(before.db, "insert into whatsapp_auth (type, id, value) values ('creds', 'creds', ?)").run(
      oldBox.seal('{"a":1}'),
    )
    await statement(
      before.db,
      "insert into staff (name, email, role, totp_secret, created_at, updated_at) values ('Admin', 'a@x.id', 'admin', ?, 0, 0)",
    ).run(createSecretBox({ current: key(OLD) }, STAFF_TOTP_PURPOSE).seal('JBSWY3DPEHPK3PXP'))
    stop(before)

    const during = await start({ DATA_ENCRYPTION_KEY: NEW, DATA_ENCRYPTION_KEY_PREVIOUS: OLD })
    expect(await rotateDataKeys(during.db, during.keys, new Date())).toMatchObject({
      certificates: 1,
      certificatesUnlinked: 1,
      whatsapp: 1,
      staffTotp: 1,
    })
    expect(await rows(during, "select number, nik_hash from certificates where number like 'LSPS2025%' order by number")).toEqual(
      [
        { number: 'LSPS202500001', nik_hash: during.vault.hash(demoNik(0)) },
        { number: 'LSPS202500002', nik_hash: null },
      ],
    )
    const [session] = await rows(during, 'select value from whatsapp_auth')
    expect(createSecretBox({ current: key(NEW) }, WHATSAPP_AUTH_PURPOSE).open(String(session?.value))).toBe('{"a":1}')
    const [totp] = await rows(during, 'select totp_secret from staff')
    expect(createSecretBox({ current: key(NEW) }, STAFF_TOTP_PURPOSE).open(String(totp?.totp_secret))).toBe('JBSWY3DPEHPK3PXP')
  })

  it('a photo a person sent to staff is sealed again under the new key and still opens to the same bytes', async () => {
    const before = await start({ DATA_ENCRYPTION_KEY: OLD })
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('foto KTP')])
    const handoff = (
      await statement(
        before.db,
        `insert into handoff_requests (code, channel, chat_id, name, topic, question, created_at)
         values ('PTG-7K2QX9', 'telegram', '700001', 'Siti', 'lainnya', 'Ini foto saya', 0)`,
      ).run()
    ).lastInsertRowid
    await statement(
      before.db,
      `insert into handoff_attachments (handoff_id, kind, mime_type, size, sha256, content, created_at)
         values (?, 'image', 'image/jpeg', ?, 'x', ?, 0)`,
    ).run(handoff, photo.length, createByteBox({ current: key(OLD) }, HANDOFF_FILE_PURPOSE).seal(photo))
    stop(before)

    const during = await start({ DATA_ENCRYPTION_KEY: NEW, DATA_ENCRYPTION_KEY_PREVIOUS: OLD })
    expect(await rotateDataKeys(during.db, during.keys, new Date())).toMatchObject({ files: 1 })
    expect(await rotateDataKeys(during.db, during.keys, new Date())).toMatchObject({ files: 0 })
    const [file] = (await statement(during.db, 'select content from handoff_attachments').all()) as { content: Buffer }[]
    const onlyNew = createByteBox({ current: key(NEW) }, HANDOFF_FILE_PURPOSE)
    expect(onlyNew.open(file?.content ?? Buffer.alloc(0))).toEqual(photo)
    expect(() => createByteBox({ current: key(OLD) }, HANDOFF_FILE_PURPOSE).open(file?.content ?? Buffer.alloc(0))).toThrow()
  })

  it('changes nothing when something opens under neither key', async () => {
    const before = await start({ DATA_ENCRYPTION_KEY: OLD })
    const stranger = createNikVault(key('0c'.repeat(32))).encrypt('3273014508990002')
    await statement(before.db, "insert into people (full_name, nik_hash, nik_ciphertext) values ('Asing', 'x', ?)").run(stranger)
    const hashes = rows(before, 'select nik_hash from people order by id')
    stop(before)
    const during = await start({ DATA_ENCRYPTION_KEY: NEW, DATA_ENCRYPTION_KEY_PREVIOUS: OLD })
    await expect(rotateDataKeys(during.db, during.keys, new Date())).rejects.toThrow(RotationError)
    expect(await rows(during, 'select nik_hash from people order by id')).toEqual(await hashes)
    expect((await findsEveryone(during)).every((id) => id !== undefined)).toBe(true)
  })
})
