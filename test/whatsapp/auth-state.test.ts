/**
 * The WhatsApp session kept in the store (`createAuthStore`) across restarts, on either engine:
 * every test writes real Baileys key material, closes the store and opens it again, as a restart of
 * the assistant does. A session that does not survive this means the secretariat has to scan the QR again, or
 * that messages from people stop decrypting.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  addTransactionCapability,
  BufferJSON,
  Curve,
  DEFAULT_CONNECTION_CONFIG,
  generateSignalPubKey,
  initAuthCreds,
  proto,
  type SignalDataSet,
} from '@whiskeysockets/baileys'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AuthStore, createAuthStore } from '../../src/bots/whatsapp/auth-state.js'
import { closeStore, type Db, statement } from '../../src/db/client.js'
import { testAuthBox, testCore } from '../support/core.js'
import { onPostgres } from '../support/engine.js'
import { openStoreOf, storeIn } from '../support/programs.js'
import { everyText, failInserts } from '../support/store.js'

const logger = pino({ level: 'silent' })
/** One key for the whole file, as one server keeps its DATA_ENCRYPTION_KEY across restarts. */
const box = testAuthBox()

let dir: string
let opened: Db[]

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kesos-'))
  opened = []
})

afterEach(async () => {
  for (const db of opened) await closeStore(db)
  rmSync(dir, { recursive: true, force: true })
})

/** The store on a database file (or a PostgreSQL database); `restart()` closes it and opens a new store on it. */
async function session(name = 'kesos.db') {
  const where = await storeIn(dir, name)
  const open = async () => {
    const db = await openStoreOf(where)
    opened.push(db)
    return { db, store: await createAuthStore(db, () => new Date(), box) }
  }
  let current = await open()
  return {
    get store(): AuthStore {
      return current.store
    },
    get db(): Db {
      return current.db
    },
    async restart() {
      await closeStore(current.db)
      current = await open()
    },
  }
}

const keyPair = () => Curve.generateKeyPair()
/** A public key as libsignal stores identity keys: with the 0x05 type byte in front. */
const signalPublicKey = () => Buffer.from(generateSignalPubKey(keyPair().public))
const b64 = (bytes = 32) => randomBytes(bytes).toString('base64')

/** The shape `SessionRecord.serialize()` of libsignal 6 produces: a plain object of base64 strings. */
function serializedSessionRecord() {
  const baseKey = b64(33)
  const chainKey = b64(33)
  return {
    _sessions: {
      [baseKey]: {
        registrationId: 4242,
        currentRatchet: {
          ephemeralKeyPair: { pubKey: b64(33), privKey: b64() },
          lastRemoteEphemeralKey: b64(33),
          previousCounter: 0,
          rootKey: b64(),
        },
        indexInfo: {
          baseKey,
          baseKeyType: 1,
          closed: -1,
          used: 1_760_000_000_000,
          created: 1_760_000_000_000,
          remoteIdentityKey: b64(33),
        },
        // Numeric keys: the kind of object BufferJSON's reviver would mistake for bytes if the values were numbers.
        _chains: { [chainKey]: { chainKey: { counter: 2, key: b64() }, chainType: 1, messageKeys: { '0': b64(), '1': b64() } } },
        pendingPreKey: { signedKeyId: 1, preKeyId: 7, baseKey: b64(33) },
      },
    },
    version: 'v1',
  }
}

/** An app-state sync key as it arrives from the phone: decoded from protobuf, so its timestamp is a Long. */
function appStateSyncKey() {
  const bytes = proto.Message.AppStateSyncKeyData.encode({
    keyData: randomBytes(32),
    fingerprint: { rawId: 1_234_567, currentIndex: 3, deviceIndexes: [0, 5, 12] },
    timestamp: 1_760_000_000_123,
  }).finish()
  return { bytes: Buffer.from(bytes), value: proto.Message.AppStateSyncKeyData.decode(bytes) }
}

describe('the WhatsApp credentials', () => {
  it('are the ones Baileys generated, byte for byte, after a restart', async () => {
    const wa = await session()
    const before = wa.store.state.creds
    await wa.store.saveCreds()
    await wa.restart()
    const after = wa.store.state.creds
    expect(Buffer.compare(after.noiseKey.private, before.noiseKey.private)).toBe(0)
    expect(Buffer.compare(after.noiseKey.public, before.noiseKey.public)).toBe(0)
    expect(Buffer.compare(after.signedIdentityKey.private, before.signedIdentityKey.private)).toBe(0)
    expect(Buffer.compare(after.signedPreKey.signature, before.signedPreKey.signature)).toBe(0)
    expect(after).toEqual(before)
    // Still a working identity: the signed pre-key's signature checks out with the restored identity key.
    expect(
      Curve.verify(
        generateSignalPubKey(after.signedIdentityKey.public),
        generateSignalPubKey(after.signedPreKey.keyPair.public),
        after.signedPreKey.signature,
      ),
    ).toBe(true)
  })

  it('include what Baileys assigned into the live creds object before saveCreds (as on "creds.update")', async () => {
    const wa = await session()
    const identity = keyPair()
    const details = randomBytes(80)
    // What a QR pairing adds: Baileys does Object.assign(creds, update), then our listener saves.
    Object.assign(wa.store.state.creds, {
      me: { id: '6281234567890:12@s.whatsapp.net', name: 'Sekretariat', lid: '123456789012345:12@lid' },
      account: {
        details,
        accountSignatureKey: identity.public,
        accountSignature: Curve.sign(identity.private, details),
        deviceSignature: Curve.sign(identity.private, details),
      },
      platform: 'android',
      myAppStateKeyId: 'AAAAAB/+Qw==',
    })
    await wa.store.saveCreds()
    await wa.restart()
    const creds = wa.store.state.creds
    expect(creds.me).toEqual({ id: '6281234567890:12@s.whatsapp.net', name: 'Sekretariat', lid: '123456789012345:12@lid' })
    expect(creds.platform).toBe('android')
    expect(creds.myAppStateKeyId).toBe('AAAAAB/+Qw==')
    expect(Buffer.compare(creds.account?.details ?? Buffer.alloc(0), details)).toBe(0)
    expect(Curve.verify(identity.public, details, creds.account?.accountSignature ?? Buffer.alloc(0))).toBe(true)
    expect(wa.store.isPaired()).toBe(true)
  })
})

describe('whether the number is paired', () => {
  it.each([
    ['not paired with fresh credentials', {}, false],
    [
      'paired once a QR scan set the account',
      { account: { details: randomBytes(40), accountSignatureKey: randomBytes(32) } },
      true,
    ],
    ['paired once the pairing code flow set registered', { registered: true }, true],
  ])('is %s, also after a restart', async (_, update, paired) => {
    const wa = await session()
    Object.assign(wa.store.state.creds, update)
    expect(wa.store.isPaired()).toBe(paired)
    await wa.store.saveCreds()
    await wa.restart()
    expect(wa.store.isPaired()).toBe(paired)
  })
})

describe('the signal keys', () => {
  it('of every type Baileys uses, written in one set, read back equal after a restart', async () => {
    const wa = await session()
    const syncKey = appStateSyncKey()
    const preKeys = { '1': keyPair(), '2': keyPair(), '812': keyPair() }
    const sessionRecord = serializedSessionRecord()
    const senderKey = Buffer.from(
      JSON.stringify([
        {
          senderKeyId: 1_234,
          senderChainKey: { iteration: 0, seed: b64() },
          senderSigningKey: { public: b64(33), private: b64() },
          senderMessageKeys: [],
        },
      ]),
    )
    const syncVersion = {
      version: 42,
      hash: randomBytes(128),
      // One index that is all digits: JSON object keys like it must not turn the map into bytes.
      indexValueMap: { '12345678': { valueMac: randomBytes(32) }, [b64()]: { valueMac: randomBytes(32) } },
    }
    const tcToken = { token: randomBytes(24), timestamp: '1760000000' }
    const identityKey = signalPublicKey()
    const data = {
      'pre-key': preKeys,
      // The type says Uint8Array; libsignal really hands over the plain object.
      session: { '6281234567890.0': sessionRecord, '123456789012345_1.3': sessionRecord },
      'sender-key': { '120363012345678901@g.us::6281234567890::0': senderKey },
      'sender-key-memory': {
        '120363012345678901@g.us': { '6281234567890:0@s.whatsapp.net': true, '123456789012345:3@lid': true },
      },
      // Key ids are base64 and may contain '/' and '+'.
      'app-state-sync-key': { 'AAAAAB/+Qw==': syncKey.value },
      'app-state-sync-version': { critical_block: syncVersion },
      'lid-mapping': { '6281234567890': '123456789012345', '123456789012345_reverse': '6281234567890' },
      'device-list': { '6281234567890': ['0', '5', '12'] },
      tctoken: { '6281234567890@s.whatsapp.net': tcToken },
      'identity-key': { '6281234567890.0': identityKey },
    } as unknown as SignalDataSet
    await wa.store.state.keys.set(data)
    await wa.restart()
    const keys = wa.store.state.keys

    const gotPreKeys = await keys.get('pre-key', ['1', '2', '812', '3'])
    expect(Object.keys(gotPreKeys).sort()).toEqual(['1', '2', '812'])
    for (const [id, pair] of Object.entries(preKeys)) {
      expect(Buffer.compare(gotPreKeys[id]?.private ?? Buffer.alloc(0), pair.private)).toBe(0)
      expect(Buffer.compare(gotPreKeys[id]?.public ?? Buffer.alloc(0), pair.public)).toBe(0)
    }
    expect(await keys.get('session', ['6281234567890.0', '123456789012345_1.3'])).toEqual({
      '6281234567890.0': sessionRecord,
      '123456789012345_1.3': sessionRecord,
    })
    const gotSenderKey = (await keys.get('sender-key', ['120363012345678901@g.us::6281234567890::0']))[
      '120363012345678901@g.us::6281234567890::0'
    ]
    expect(Buffer.compare(gotSenderKey ?? Buffer.alloc(0), senderKey)).toBe(0)
    expect(await keys.get('sender-key-memory', ['120363012345678901@g.us'])).toEqual({
      '120363012345678901@g.us': { '6281234567890:0@s.whatsapp.net': true, '123456789012345:3@lid': true },
    })
    const gotVersion = (await keys.get('app-state-sync-version', ['critical_block'])).critical_block
    expect(gotVersion?.version).toBe(42)
    expect(Buffer.isBuffer(gotVersion?.hash)).toBe(true)
    expect(gotVersion).toEqual(syncVersion)
    expect(await keys.get('lid-mapping', ['6281234567890', '123456789012345_reverse'])).toEqual({
      '6281234567890': '123456789012345',
      '123456789012345_reverse': '6281234567890',
    })
    expect(await keys.get('device-list', ['6281234567890'])).toEqual({ '6281234567890': ['0', '5', '12'] })
    const gotToken = (await keys.get('tctoken', ['6281234567890@s.whatsapp.net']))['6281234567890@s.whatsapp.net']
    expect(Buffer.compare(gotToken?.token ?? Buffer.alloc(0), tcToken.token)).toBe(0)
    expect(gotToken?.timestamp).toBe('1760000000')
    const gotIdentity = (await keys.get('identity-key', ['6281234567890.0']))['6281234567890.0']
    expect(Buffer.compare(gotIdentity ?? Buffer.alloc(0), identityKey)).toBe(0)
  })

  it('give app-state sync keys back as protobuf objects with the same key bytes', async () => {
    const wa = await session()
    const { bytes, value } = appStateSyncKey()
    await wa.store.state.keys.set({ 'app-state-sync-key': { 'AAAAAB/+Qw==': value } })
    await wa.restart()
    const got = (await wa.store.state.keys.get('app-state-sync-key', ['AAAAAB/+Qw==']))['AAAAAB/+Qw==']
    // Baileys decodes app-state patches with it and expects the protobuf class, as its own file store gives.
    expect(got).toBeInstanceOf(proto.Message.AppStateSyncKeyData)
    expect(Buffer.compare(got?.keyData ?? Buffer.alloc(0), value.keyData ?? Buffer.alloc(1))).toBe(0)
    // Fingerprint and the (Long) timestamp survive too: it encodes to exactly the bytes that arrived.
    expect(Buffer.from(proto.Message.AppStateSyncKeyData.encode(got ?? {}).finish())).toEqual(bytes)
  })

  it('set to null are deleted, and the others in the same set are kept', async () => {
    const wa = await session()
    const kept = keyPair()
    await wa.store.state.keys.set({ 'pre-key': { '1': keyPair(), '2': kept }, 'device-list': { '6281234567890': ['0'] } })
    await wa.store.state.keys.set({ 'pre-key': { '1': null }, 'device-list': { '6281234567890': null } })
    await wa.restart()
    const preKeys = await wa.store.state.keys.get('pre-key', ['1', '2'])
    expect(Object.keys(preKeys)).toEqual(['2'])
    expect(Buffer.compare(preKeys['2']?.private ?? Buffer.alloc(0), kept.private)).toBe(0)
    expect(await wa.store.state.keys.get('device-list', ['6281234567890'])).toEqual({})
  })

  it('are all there after a restart when 1,000 are written in one set (more than the 812 pre-keys of a first login)', async () => {
    const wa = await session()
    const preKeys = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [String(i + 1), keyPair()]))
    await wa.store.state.keys.set({ 'pre-key': preKeys })
    await wa.restart()
    const ids = Object.keys(preKeys)
    const got = await wa.store.state.keys.get('pre-key', ids)
    expect(Object.keys(got)).toHaveLength(1_000)
    for (const id of ids)
      expect(Buffer.compare(got[id]?.private ?? Buffer.alloc(0), preKeys[id]?.private ?? Buffer.alloc(1))).toBe(0)
  })

  it('read while a write of them is still under way are the written ones (a send and a decryption of one chat overlap)', async () => {
    // Baileys encrypts a reply and decrypts the next message in separate key transactions; the second
    // reads the chat's session while the first may still be storing its ratchet step.
    const wa = await session()
    const id = '6281234567890.0'
    await wa.store.state.keys.set({ session: { [id]: serializedSessionRecord() as never } })
    const stepped = serializedSessionRecord()
    const writing = wa.store.state.keys.set({ session: { [id]: stepped as never } })
    const read = await wa.store.state.keys.get('session', [id])
    await writing
    expect(read[id]).toEqual(stepped)
  })

  it('of a set that fails part-way are not written at all, and what was stored before is untouched', async () => {
    const wa = await session()
    const oldSession = serializedSessionRecord()
    const oldPreKey = keyPair()
    await wa.store.state.keys.set({ session: { '6281234567890.0': oldSession as never }, 'pre-key': { '1': oldPreKey } })
    // A write that fails in the middle of the set, as a full disk would: the store refuses one row.
    await failInserts(wa.db, 'whatsapp_auth', 'database or disk is full', "new.id = 'refused'")
    const failing = {
      session: { '6281234567890.0': serializedSessionRecord(), '6289999999999.0': serializedSessionRecord() },
      'pre-key': { '1': null, '2': keyPair() },
      'identity-key': { refused: signalPublicKey() },
      'device-list': { '6289999999999': ['0'] },
    } as unknown as SignalDataSet
    const refused = await Promise.resolve(wa.store.state.keys.set(failing)).then(
      () => undefined,
      (error: Error) => error,
    )
    // The driver's error, as drizzle wraps it on PostgreSQL.
    expect(`${refused?.message} ${(refused?.cause as Error | undefined)?.message}`).toMatch(/disk is full/)
    await wa.restart()
    const keys = wa.store.state.keys
    expect(await keys.get('session', ['6281234567890.0', '6289999999999.0'])).toEqual({ '6281234567890.0': oldSession })
    const preKeys = await keys.get('pre-key', ['1', '2'])
    expect(Object.keys(preKeys)).toEqual(['1'])
    expect(Buffer.compare(preKeys['1']?.private ?? Buffer.alloc(0), oldPreKey.private)).toBe(0)
    expect(await keys.get('device-list', ['6289999999999'])).toEqual({})
  })
})

describe('a conversation encrypted with stored keys', () => {
  /** Both ends as Baileys runs them: its signal repository over our store, wrapped in its transactions. */
  async function peer(name: string) {
    const wa = await session(`${name}.db`)
    const repository = () =>
      DEFAULT_CONNECTION_CONFIG.makeSignalRepository(
        {
          creds: wa.store.state.creds,
          keys: addTransactionCapability(wa.store.state.keys, logger, { maxCommitRetries: 1, delayBetweenTriesMs: 0 }),
        },
        logger,
        async () => undefined,
      )
    let repo = repository()
    await wa.store.saveCreds()
    return {
      wa,
      get repo() {
        return repo
      },
      async restart() {
        repo.close?.()
        await wa.restart()
        repo = repository()
      },
    }
  }

  const BOT = '6281234567890@s.whatsapp.net'
  const PERSON = '6289876543210@s.whatsapp.net'

  it('still decrypts and answers after each side restarts between messages', async () => {
    const bot = await peer('bot')
    const person = await peer('person')
    // The bot's pre-key bundle, as WhatsApp's server would hand it to the person's phone.
    const preKey = keyPair()
    await bot.wa.store.state.keys.set({ 'pre-key': { '7': preKey } })
    const creds = bot.wa.store.state.creds
    await person.repo.injectE2ESession({
      jid: BOT,
      session: {
        registrationId: creds.registrationId,
        identityKey: generateSignalPubKey(creds.signedIdentityKey.public),
        signedPreKey: {
          keyId: creds.signedPreKey.keyId,
          publicKey: generateSignalPubKey(creds.signedPreKey.keyPair.public),
          signature: creds.signedPreKey.signature,
        },
        preKey: { keyId: 7, publicKey: generateSignalPubKey(preKey.public) },
      },
    })
    const first = await person.repo.encryptMessage({ jid: BOT, data: Buffer.from('Halo, saya mau tanya sertifikasi') })
    expect(first.type).toBe('pkmsg')

    await bot.restart()
    await person.restart()
    const read = await bot.repo.decryptMessage({ jid: PERSON, type: first.type, ciphertext: first.ciphertext })
    expect(Buffer.from(read).toString()).toBe('Halo, saya mau tanya sertifikasi')
    // libsignal deletes a one-time pre-key once used; that deletion must stick.
    expect(await bot.wa.store.state.keys.get('pre-key', ['7'])).toEqual({})
    const answer = await bot.repo.encryptMessage({ jid: PERSON, data: Buffer.from('Silakan pilih menu 1') })
    expect(answer.type).toBe('msg')

    await bot.restart()
    await person.restart()
    const reply = await person.repo.decryptMessage({ jid: BOT, type: answer.type, ciphertext: answer.ciphertext })
    expect(Buffer.from(reply).toString()).toBe('Silakan pilih menu 1')
    const next = await person.repo.encryptMessage({ jid: BOT, data: Buffer.from('1') })
    await bot.restart()
    expect(
      Buffer.from(await bot.repo.decryptMessage({ jid: PERSON, type: next.type, ciphertext: next.ciphertext })).toString(),
    ).toBe('1')
  })

  it('in a group still decrypts after a restart with the stored sender key', async () => {
    const bot = await peer('bot')
    const person = await peer('person')
    const group = '120363012345678901@g.us'
    const sent = await person.repo.encryptGroupMessage({ group, meId: PERSON, data: Buffer.from('Jadwal bimtek kapan?') })
    await bot.repo.processSenderKeyDistributionMessage({
      item: { groupId: group, axolotlSenderKeyDistributionMessage: sent.senderKeyDistributionMessage },
      authorJid: PERSON,
    })
    await bot.restart()
    const read = await bot.repo.decryptGroupMessage({ group, authorJid: PERSON, msg: sent.ciphertext })
    expect(Buffer.from(read).toString()).toBe('Jadwal bimtek kapan?')
  })
})

describe('clearing the session (logged out)', () => {
  it('removes every key and the credentials, and gives new unpaired credentials, also after a restart', async () => {
    const wa = await session()
    Object.assign(wa.store.state.creds, { registered: true, me: { id: '6281234567890:12@s.whatsapp.net' } })
    await wa.store.saveCreds()
    const oldNoiseKey = wa.store.state.creds.noiseKey.public
    await wa.store.state.keys.set({
      'pre-key': { '1': keyPair() },
      'identity-key': { '6281234567890.0': signalPublicKey() },
      'lid-mapping': { '6281234567890': '123456789012345' },
    })
    expect(wa.store.isPaired()).toBe(true)

    await wa.store.clear()
    expect(wa.store.isPaired()).toBe(false)
    // A new identity: the next socket asks for a QR instead of logging in with the old one.
    expect(Buffer.compare(wa.store.state.creds.noiseKey.public, oldNoiseKey)).not.toBe(0)
    expect(wa.store.state.creds.me).toBeUndefined()

    await wa.restart()
    expect(wa.store.isPaired()).toBe(false)
    expect(wa.store.state.creds.me).toBeUndefined()
    expect(await wa.store.state.keys.get('pre-key', ['1'])).toEqual({})
    expect(await wa.store.state.keys.get('identity-key', ['6281234567890.0'])).toEqual({})
    expect(await wa.store.state.keys.get('lid-mapping', ['6281234567890'])).toEqual({})
    expect(await statement(wa.db, 'select count(*) as n from whatsapp_auth').get()).toEqual({ n: 0 })
  })
})

describe('the session at rest', () => {
  /** Every way a key's bytes could show in the file: raw, hex, base64 (BufferJSON's own form). */
  const forms = (bytes: Uint8Array) => {
    const buffer = Buffer.from(bytes)
    return [buffer, Buffer.from(buffer.toString('hex')), Buffer.from(buffer.toString('base64'))]
  }

  it('holds no key material in clear: neither in the rows nor anywhere in the database file', async () => {
    const wa = await session()
    const creds = wa.store.state.creds
    await wa.store.saveCreds()
    const preKey = keyPair()
    await wa.store.state.keys.set({ 'pre-key': { '1': preKey } })
    const secrets = [creds.noiseKey.private, creds.signedIdentityKey.private, creds.signedPreKey.keyPair.private, preKey.private]
    const rows = (await statement(wa.db, 'select value from whatsapp_auth').all()) as { value: string }[]
    expect(rows.length).toBe(2)
    for (const row of rows) {
      expect(row.value).toMatch(/^v1:/)
      expect(row.value).not.toContain('private')
    }
    // And nowhere else in the store: every text in every table on either engine, and SQLite's file itself.
    const everywhere = (await everyText(wa.db)).map((found) => found.value).join('\n')
    for (const secret of secrets)
      for (const form of forms(secret)) expect(everywhere.includes(form.toString('latin1'))).toBe(false)
    await closeStore(wa.db)
    if (!onPostgres) {
      const file = readFileSync(join(dir, 'kesos.db'))
      for (const secret of secrets) for (const form of forms(secret)) expect(file.includes(form)).toBe(false)
    }
  })

  it('left in clear by an older version is encrypted on the next start, and still the same session', async () => {
    const where = await storeIn(dir, 'old.db')
    const old = await openStoreOf(where)
    const creds = initAuthCreds()
    // As the version before sealing stored it: BufferJSON text.
    await statement(old, "insert into whatsapp_auth (type, id, value) values ('creds', 'creds', ?)").run(
      JSON.stringify(creds, BufferJSON.replacer),
    )
    await closeStore(old)

    const core = await testCore({ store: where, env: { DATA_ENCRYPTION_KEY: '2c'.repeat(32) } })
    opened.push(core.db)
    const [row] = (await statement(core.db, 'select value from whatsapp_auth').all()) as { value: string }[]
    expect(row?.value).toMatch(/^v1:/)
    expect(row?.value).not.toContain(Buffer.from(creds.noiseKey.private).toString('base64'))
    expect((await createAuthStore(core.db, () => new Date(), core.authBox)).state.creds).toEqual(creds)
  })
})
