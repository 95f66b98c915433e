/**
 * DATA_ENCRYPTION_KEY at start-up, for every entry point (server, CLI, terminal chat): where it
 * comes from, whether it is the key this database was made with (its check value is kept in
 * `app_meta`), and, during a rotation, DATA_ENCRYPTION_KEY_PREVIOUS for what is still under the old
 * key. A wrong or lost key stops start-up with one line instead of silently finding nobody.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { createSecretBox, type DataKeys, keyCheck, type SecretBox, WHATSAPP_AUTH_PURPOSE } from './core/privacy/data-key.js'
import { createNikVault, NIK_ENCRYPTION_PURPOSE, type NikVault, parseDataKey } from './core/privacy/nik-vault.js'
import type { Db } from './db/client.js'
import { DATA_KEY_CHECK, holdsEncryptedData, someNikCiphertext } from './db/queries/encrypted-data.js'
import { getMeta, liveMeta, setMeta } from './db/queries/meta.js'
import { sealClearAuthValues } from './db/queries/whatsapp-auth.js'
import { transaction } from './db/store.js'

/** A data key that cannot be used with this database: the message is the one line to show. */
export class DataKeyError extends Error {
  override name = 'DataKeyError'
}

export type DataKeyring = {
  keys: DataKeys
  vault: NikVault
  /** Seals the WhatsApp session in the database. */
  authBox: SecretBox
}

const ROTATE = '"npm run cli -- keys rotate"'

/**
 * DATA_ENCRYPTION_KEY, or (outside production) a key kept in a file beside the database, made on
 * the first start, so `npm start` needs no configuration. In production the key must come from the
 * environment (config refuses to start without it): a key next to the database protects nothing
 * once both are copied together. A database that already holds encrypted data never gets a new
 * key file: that data could not be read with it. Undefined when there is none and `create` is false.
 */
async function resolveDataKey(config: Config, logger: Logger, db: Db, create: boolean): Promise<Buffer | undefined> {
  if (config.DATA_ENCRYPTION_KEY) {
    const key = parseDataKey(config.DATA_ENCRYPTION_KEY)
    if (key) return key
  }
  if (config.DATABASE_PATH === ':memory:') return randomBytes(32)
  const file = keyFileOf(config)
  if (existsSync(file)) {
    const key = parseDataKey(readFileSync(file, 'utf8'))
    if (!key) throw new DataKeyError(`${file} does not hold a 32-byte key (64 hex digits)`)
    return key
  }
  if (await holdsEncryptedData(db)) {
    throw new DataKeyError(
      `${file} is missing, but the database holds data encrypted with it (NIKs, the WhatsApp session): restore the file from your backup, or set DATA_ENCRYPTION_KEY to that key; a new key would leave the data unreadable`,
    )
  }
  if (!create) return undefined
  const key = randomBytes(32)
  // On PostgreSQL nothing else makes the folder the key file goes in (DATABASE_PATH's): private to this user.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    // Another process starting at the same moment made it first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveDataKey(config, logger, db, create)
    throw error
  }
  chmodSync(file, 0o600)
  logger.warn({ file }, 'made a data encryption key for NIKs beside the database; in production set DATA_ENCRYPTION_KEY instead')
  return key
}

const keyFileOf = (config: Pick<Config, 'DATABASE_PATH'>) => join(dirname(config.DATABASE_PATH), 'data-encryption.key')

/**
 * The data keys for `db`: checked against the check value the database keeps (recorded on the
 * first start, from the key its NIK ciphertexts open with), with the WhatsApp session sealed if an
 * older version left it in clear. Throws DataKeyError when the key is not the database's.
 */
export async function openDataKeys(config: Config, logger: Logger, db: Db, now: Date): Promise<DataKeyring> {
  return (await openKeys(config, logger, db, now, true)) as DataKeyring
}

/**
 * `openDataKeys` without making a key file: undefined when the database has no key yet (for a
 * command that may not need one).
 */
export async function openExistingDataKeys(config: Config, logger: Logger, db: Db, now: Date): Promise<DataKeyring | undefined> {
  return await openKeys(config, logger, db, now, false)
}

async function openKeys(config: Config, logger: Logger, db: Db, now: Date, create: boolean): Promise<DataKeyring | undefined> {
  const current = await resolveDataKey(config, logger, db, create)
  if (!current) return undefined
  const previous = config.DATA_ENCRYPTION_KEY_PREVIOUS ? parseDataKey(config.DATA_ENCRYPTION_KEY_PREVIOUS) : undefined
  const keys: DataKeys = previous ? { current, previous } : { current }
  const checks = { current: keyCheck(current), previous: previous && keyCheck(previous) }
  const source = config.DATA_ENCRYPTION_KEY ? 'DATA_ENCRYPTION_KEY' : `the key in ${keyFileOf(config)}`
  const authBox = createSecretBox(keys, WHATSAPP_AUTH_PURPOSE)
  const mismatch = () =>
    new DataKeyError(
      `${source} is not the key this database was encrypted with: set the key it was made with; to change keys, set the old one as DATA_ENCRYPTION_KEY_PREVIOUS and run ${ROTATE}`,
    )
  const sealed = await transaction(db, async (tx) => {
    let stored = await getMeta(tx, DATA_KEY_CHECK)
    if (stored === undefined) {
      // A database from before check values: its key is the one its NIKs open with.
      const opening = await checkOfSample(tx, keys, checks)
      if (opening === null) throw mismatch()
      stored = opening ?? checks.current
      await setMeta(tx, DATA_KEY_CHECK, stored, now)
    }
    if (stored !== checks.current && stored !== checks.previous) throw mismatch()
    return sealClearAuthValues(tx, authBox.seal)
  })
  if (sealed > 0)
    logger.info({ values: sealed }, 'WhatsApp session: values stored in clear by an older version are now encrypted')
  // Only a rotation under way (a previous key set) asks which key the database is under.
  const dataKeyCheck = previous ? await liveMeta(db, DATA_KEY_CHECK) : () => checks.current
  const pending = () => dataKeyCheck() === checks.previous
  if (previous && pending()) {
    logger.warn(`data is still under DATA_ENCRYPTION_KEY_PREVIOUS: run ${ROTATE} to re-encrypt it under DATA_ENCRYPTION_KEY`)
  }
  // Lookup keys follow the database: under the previous key until the rotation (in this process
  // or another) records the current one.
  return { keys, vault: createNikVault(keys, previous ? pending : () => false), authBox }
}

/** The check value of the key a stored NIK ciphertext opens with: null when neither does, undefined without one. */
async function checkOfSample(
  db: Db,
  keys: DataKeys,
  checks: { current: string; previous: string | undefined },
): Promise<string | null | undefined> {
  const sample = await someNikCiphertext(db)
  if (sample === undefined) return undefined
  if (createSecretBox({ current: keys.current }, NIK_ENCRYPTION_PURPOSE).isCurrent(sample)) return checks.current
  if (keys.previous && createSecretBox({ current: keys.previous }, NIK_ENCRYPTION_PURPOSE).isCurrent(sample)) {
    return checks.previous
  }
  return null
}
