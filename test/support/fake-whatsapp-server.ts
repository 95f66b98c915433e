/**
 * A local, offline fake of the WhatsApp Web server, for running the real server process with
 * WhatsApp on (`WHATSAPP_SOCKET_URL=<url>`), Baileys and all, where the in-process fake socket
 * (fake-whatsapp.ts) cannot reach.
 *
 * It speaks the wire protocol Baileys speaks: the Noise XX handshake, then binary nodes. It logs in
 * one already paired device (`pairDevice()` stores it in the database before the server starts),
 * answers the queries Baileys makes (pre-key count, digest, device lists, key bundles; an empty
 * result for anything else), and plays one phone that writes to the bot: its messages are
 * Signal-encrypted (`pkmsg`) with Baileys' own signal repository, and the bot's answers are
 * decrypted the same way.
 *
 * Baileys checks the server's certificate against WhatsApp's root key, which only WhatsApp can
 * sign with. The fake signs with a root key of its own, and the server process trusts it the way
 * a test CA is trusted: `node --import <preload> dist/server.js`, where `preload` (a data: URL)
 * replaces the root key in Baileys' defaults before anything connects.
 *
 *   const fake = await startFakeWhatsAppServer()
 *   fake.pairDevice(databasePath, dataKey)
 *   spawn('node', ['--import', fake.preload, 'dist/server.js'], { env: { WHATSAPP_ENABLED: 'true', WHATSAPP_SOCKET_URL: fake.url } })
 *   await fake.opened()
 *   fake.send('halo'); const texts = await fake.replies(1)
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  addTransactionCapability,
  aesDecryptGCM,
  aesEncryptGCM,
  type BinaryNode,
  Curve,
  DEFAULT_CONNECTION_CONFIG,
  decodeBinaryNode,
  encodeBigEndian,
  encodeBinaryNode,
  encodeWAMessage,
  getAllBinaryNodeChildren,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  hkdf,
  initAuthCreds,
  jidDecode,
  type KeyPair,
  NOISE_MODE,
  NOISE_WA_HEADER,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
  sha256,
  unpadRandomMax16,
  xmppPreKey,
  xmppSignedPreKey,
} from '@whiskeysockets/baileys'
import pino from 'pino'
import { type WebSocket, WebSocketServer } from 'ws'
import { createAuthStore } from '../../src/bots/whatsapp/auth-state.js'
import { createSecretBox, WHATSAPP_AUTH_PURPOSE } from '../../src/core/privacy/data-key.js'
import { parseDataKey } from '../../src/core/privacy/nik-vault.js'
import { closeDatabase, type Db, openDatabase } from '../../src/db/client.js'

/** The bot's number and its LID, as a paired device (device 1 of that account). */
export const BOT_NUMBER = '6281100000000'
const BOT_LID_USER = '190000000000001'
/** The phone that writes to the bot. */
export const PHONE_NUMBER = '6281234500001'
export const PHONE_JID = `${PHONE_NUMBER}@s.whatsapp.net`
const PHONE_LID = '190000000000002@lid'
const SERVER = 's.whatsapp.net'

export type FakeWhatsAppServer = {
  /** ws://127.0.0.1:<port>/ws/chat: give it to the server as WHATSAPP_SOCKET_URL. */
  url: string
  /** For `node --import`: makes the process trust this fake's root key instead of WhatsApp's. */
  preload: string
  /**
   * Stores the device this fake logs in, as pairing leaves it, in the database at `path` (made if
   * new), sealed with `dataKey` (the server's DATA_ENCRYPTION_KEY).
   */
  pairDevice(path: string, dataKey: string): Promise<void>
  /** The same in an open store (a PostgreSQL one). */
  pairDeviceIn(db: Db, dataKey: string): Promise<void>
  /** Clients logged in: in all, now, and the most at once (WhatsApp allows one socket per number). */
  logins(): { total: number; now: number; mostAtOnce: number }
  /** Resolves once a client is logged in and active (at once if one is); rejects after `ms`. */
  opened(ms?: number): Promise<void>
  /** The phone writes `text` to the bot (a Signal `pkmsg`, as a first message is). */
  send(text: string): Promise<void>
  /** Resolves with the texts of the first `count` messages the bot sent the phone since the last `send`; rejects after `ms`. */
  replies(count: number, ms?: number): Promise<string[]>
  /** The texts the bot sent the phone since the last `send`, so far (the bot may still be writing). */
  received(): string[]
  close(): Promise<void>
}

/** Noise XX from the server's side: the mirror of Baileys' makeNoiseHandler. */
function noiseResponder() {
  const mode = Buffer.from(NOISE_MODE)
  let hash: Uint8Array = mode.length === 32 ? mode : sha256(mode)
  let salt = hash
  let key = hash
  let counter = 0
  const iv = (n: number) => {
    const bytes = new Uint8Array(12)
    new DataView(bytes.buffer).setUint32(8, n)
    return bytes
  }
  const authenticate = (data: Uint8Array) => {
    hash = sha256(Buffer.concat([hash, data]))
  }
  const split = (data: Uint8Array) => {
    const both = hkdf(Buffer.from(data), 64, { salt: Buffer.from(salt), info: '' })
    return [both.subarray(0, 32), both.subarray(32)] as const
  }
  return {
    authenticate,
    mix(data: Uint8Array) {
      ;[salt, key] = split(data)
      counter = 0
    },
    encrypt(plain: Uint8Array) {
      const sealed = aesEncryptGCM(plain, key, iv(counter++), hash)
      authenticate(sealed)
      return sealed
    },
    decrypt(sealed: Uint8Array) {
      const plain = aesDecryptGCM(sealed, key, iv(counter++), hash)
      authenticate(sealed)
      return plain
    },
    /** The transport keys: the client writes with the first, so the server reads with it. */
    transport() {
      const [clientWrites, serverWrites] = split(new Uint8Array(0))
      let reads = 0
      let writes = 0
      return {
        decrypt: (sealed: Uint8Array) => aesDecryptGCM(sealed, clientWrites, iv(reads++), new Uint8Array(0)),
        encrypt: (plain: Uint8Array) => aesEncryptGCM(plain, serverWrites, iv(writes++), new Uint8Array(0)),
      }
    },
  }
}

/** A certificate chain for `serverStatic`, signed by `root` through an intermediate key. */
function certificateChain(root: KeyPair, serverStatic: KeyPair): Uint8Array {
  const Details = proto.CertChain.NoiseCertificate.Details
  const intermediate = Curve.generateKeyPair()
  const intermediateDetails = Details.encode({ serial: 1, issuerSerial: 0, key: intermediate.public }).finish()
  const leafDetails = Details.encode({ serial: 2, issuerSerial: 1, key: serverStatic.public }).finish()
  return proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: Curve.sign(root.private, intermediateDetails) },
    leaf: { details: leafDetails, signature: Curve.sign(intermediate.private, leafDetails) },
  }).finish()
}

/** Keys in memory, with the transactions Baileys' signal repository expects. */
function memoryKeys(): SignalKeyStore & { transaction: <T>(work: () => Promise<T>, key: string) => Promise<T> } {
  const data = new Map<string, unknown>()
  const store: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const found: { [id: string]: SignalDataTypeMap[T] } = {}
      for (const id of ids) {
        const value = data.get(`${type}/${id}`)
        if (value !== undefined) found[id] = value as SignalDataTypeMap[T]
      }
      return found
    },
    async set(changes: SignalDataSet) {
      for (const [type, entries] of Object.entries(changes)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value) data.set(`${type}/${id}`, value)
          else data.delete(`${type}/${id}`)
        }
      }
    },
  }
  const silent = pino({ level: 'silent' })
  return addTransactionCapability(store, silent, { maxCommitRetries: 1, delayBetweenTriesMs: 0 })
}

/** The phone: a Signal identity with a signed pre-key, one-time pre-keys, and Baileys' repository. */
function createPhone() {
  const creds = initAuthCreds()
  const keys = memoryKeys()
  const repository = DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds, keys }, pino({ level: 'silent' }))
  let preKeyId = 0
  /** What the server answers when a client asks for this phone's keys: each one-time pre-key once. */
  const bundle = async (jid: string): Promise<BinaryNode> => {
    preKeyId += 1
    const preKey = Curve.generateKeyPair()
    await keys.set({ 'pre-key': { [preKeyId]: preKey } })
    return {
      tag: 'user',
      attrs: { jid },
      content: [
        { tag: 'registration', attrs: {}, content: encodeBigEndian(creds.registrationId) },
        { tag: 'type', attrs: {}, content: Buffer.from([5]) },
        { tag: 'identity', attrs: {}, content: creds.signedIdentityKey.public },
        xmppSignedPreKey(creds.signedPreKey),
        xmppPreKey(preKey, preKeyId),
      ],
    }
  }
  return { repository, bundle }
}

export async function startFakeWhatsAppServer(): Promise<FakeWhatsAppServer> {
  const root = Curve.generateKeyPair()
  const serverStatic = Curve.generateKeyPair()
  const chain = certificateChain(root, serverStatic)
  const phone = createPhone()
  // The device the bot logs in as; its identity is what the phone encrypts to.
  const bot = initAuthCreds()
  bot.me = { id: `${BOT_NUMBER}:1@${SERVER}`, name: 'Kesos', lid: `${BOT_LID_USER}:1@lid` }
  // Signed by a phone in real life; the bot only forwards it with its first message to a contact.
  bot.account = {
    details: randomBytes(32),
    accountSignatureKey: randomBytes(32),
    accountSignature: randomBytes(64),
    deviceSignature: randomBytes(64),
  }
  // A device that synced before: the client goes online without waiting for a history sync.
  bot.accountSyncCounter = 1
  let botSession = false

  /** The connection that logged in last, once it said it is active. */
  let client: { send(node: BinaryNode): void } | undefined
  let onOpen = () => {}
  /** The connections logged in now, how many logged in so far, and the most logged in at once. */
  const live = new Set<unknown>()
  let logins = 0
  let mostLive = 0
  let received: string[] = []
  let onReceived = () => {}

  /** Texts of what the bot sent the phone, decrypted as the phone would. */
  async function readMessage(node: BinaryNode) {
    const to = getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')
    for (const recipient of to) {
      if (jidDecode(recipient.attrs.jid)?.user !== jidDecode(PHONE_LID)?.user && !recipient.attrs.jid?.startsWith(PHONE_NUMBER))
        continue
      const enc = getBinaryNodeChild(recipient, 'enc')
      if (!(enc?.content instanceof Uint8Array)) continue
      const ciphertext = enc.content
      const padded = await quietly(() =>
        phone.repository.decryptMessage({ jid: bot.me?.lid ?? '', type: enc.attrs.type as 'pkmsg' | 'msg', ciphertext }),
      )
      const message = proto.Message.decode(unpadRandomMax16(padded))
      const text = message.conversation ?? message.extendedTextMessage?.text
      if (text) received.push(text)
    }
    onReceived()
  }

  /** The answer to a query of the client. */
  async function answer(iq: BinaryNode): Promise<BinaryNode> {
    const result = (content?: BinaryNode[]): BinaryNode => ({
      tag: 'iq',
      attrs: { id: iq.attrs.id ?? '', type: 'result', from: SERVER },
      ...(content && { content }),
    })
    const [child] = getAllBinaryNodeChildren(iq)
    if (iq.attrs.xmlns === 'encrypt' && child?.tag === 'count') return result([{ tag: 'count', attrs: { value: '100' } }])
    if (iq.attrs.xmlns === 'encrypt' && child?.tag === 'digest') return result([{ tag: 'digest', attrs: {} }])
    if (iq.attrs.xmlns === 'encrypt' && child?.tag === 'key') {
      const users = await Promise.all(getBinaryNodeChildren(child, 'user').map((user) => phone.bundle(user.attrs.jid ?? '')))
      return result([{ tag: 'list', attrs: {}, content: users }])
    }
    if (iq.attrs.xmlns === 'usync') {
      const list = getBinaryNodeChild(getBinaryNodeChild(iq, 'usync'), 'list')
      const users = getBinaryNodeChildren(list, 'user').map((user): BinaryNode => {
        const jid = user.attrs.jid ?? ''
        const theirs = jid.startsWith(PHONE_NUMBER) || jid === PHONE_LID
        return {
          tag: 'user',
          attrs: { jid },
          content: [
            {
              tag: 'devices',
              attrs: {},
              content: [{ tag: 'device-list', attrs: {}, content: theirs ? [{ tag: 'device', attrs: { id: '0' } }] : [] }],
            },
            ...(theirs && !jid.endsWith('@lid') ? [{ tag: 'lid', attrs: { val: PHONE_LID } }] : []),
          ],
        }
      })
      return result([{ tag: 'usync', attrs: {}, content: [{ tag: 'list', attrs: {}, content: users }] }])
    }
    return result()
  }

  function serve(ws: WebSocket) {
    const noise = noiseResponder()
    const ephemeral = Curve.generateKeyPair()
    let transport: Awaited<ReturnType<typeof noise.transport>> | undefined
    let pending = Buffer.alloc(0)
    let introSeen = false

    const sendFrame = (data: Uint8Array) => {
      const frame = Buffer.alloc(3 + data.length)
      frame.writeUIntBE(data.length, 0, 3)
      frame.set(data, 3)
      ws.send(frame)
    }
    const send = (node: BinaryNode) => {
      if (transport) sendFrame(transport.encrypt(encodeBinaryNode(node)))
    }

    async function onFrame(frame: Uint8Array) {
      if (!transport) {
        const hello = proto.HandshakeMessage.decode(frame)
        if (hello.clientHello?.ephemeral) {
          noise.authenticate(NOISE_WA_HEADER)
          noise.authenticate(hello.clientHello.ephemeral)
          noise.authenticate(ephemeral.public)
          noise.mix(Curve.sharedKey(ephemeral.private, hello.clientHello.ephemeral))
          const encryptedStatic = noise.encrypt(serverStatic.public)
          noise.mix(Curve.sharedKey(serverStatic.private, hello.clientHello.ephemeral))
          const payload = noise.encrypt(chain)
          sendFrame(
            proto.HandshakeMessage.encode({
              serverHello: { ephemeral: ephemeral.public, static: encryptedStatic, payload },
            }).finish(),
          )
          return
        }
        const finish = hello.clientFinish
        if (!finish?.static || !finish.payload) throw new Error('fake WhatsApp: unexpected handshake message')
        const clientStatic = noise.decrypt(finish.static)
        noise.mix(Curve.sharedKey(ephemeral.private, clientStatic))
        const login = proto.ClientPayload.decode(noise.decrypt(finish.payload))
        transport = noise.transport()
        if (String(login.username) !== BOT_NUMBER) {
          send({ tag: 'failure', attrs: { reason: '401' } })
          return
        }
        send({ tag: 'success', attrs: { t: String(Math.floor(Date.now() / 1000)), lid: bot.me?.lid ?? '' } })
        return
      }
      const node = await decodeBinaryNode(transport.decrypt(frame))
      if (node.tag === 'iq' && node.attrs.type !== 'result') {
        send(await answer(node))
        // The last query before the client calls itself open: nothing waits offline for it.
        if (node.attrs.xmlns === 'passive') {
          send({ tag: 'ib', attrs: {}, content: [{ tag: 'offline', attrs: { count: '0' } }] })
          client = { send }
          live.add(send)
          logins++
          mostLive = Math.max(mostLive, live.size)
          onOpen()
        }
      } else if (node.tag === 'message') {
        send({
          tag: 'ack',
          attrs: {
            id: node.attrs.id ?? '',
            class: 'message',
            from: node.attrs.to ?? '',
            t: String(Math.floor(Date.now() / 1000)),
          },
        })
        await readMessage(node)
      }
    }

    ws.on('close', () => {
      live.delete(send)
      if (client?.send === send) client = undefined
    })
    let queue = Promise.resolve()
    ws.on('message', (data: Buffer) => {
      pending = Buffer.concat([pending, data])
      if (!introSeen) {
        if (pending.length < NOISE_WA_HEADER.length) return
        pending = pending.subarray(NOISE_WA_HEADER.length)
        introSeen = true
      }
      while (pending.length >= 3) {
        const size = pending.readUIntBE(0, 3)
        if (pending.length < 3 + size) break
        const frame = pending.subarray(3, 3 + size)
        pending = pending.subarray(3 + size)
        // One frame after another, as the client sent them (decoding is asynchronous).
        queue = queue.then(() => onFrame(frame)).catch((error: Error) => ws.close(1011, error.message.slice(0, 100)))
      }
    })
  }

  async function pairIn(db: Db, dataKey: string) {
    const key = parseDataKey(dataKey)
    if (!key) throw new Error('pairDevice: dataKey must be 64 hex digits')
    const auth = await createAuthStore(db, () => new Date(), createSecretBox({ current: key }, WHATSAPP_AUTH_PURPOSE))
    Object.assign(auth.state.creds, bot)
    await auth.saveCreds()
  }

  const http = createServer()
  const wss = new WebSocketServer({ server: http, path: '/ws/chat' })
  wss.on('connection', serve)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  const defaults = pathToFileURL(
    join(dirname(createRequire(import.meta.url).resolve('@whiskeysockets/baileys')), 'Defaults', 'index.js'),
  )
  const preload = `data:text/javascript,${encodeURIComponent(
    `import { WA_CERT_DETAILS } from ${JSON.stringify(defaults.href)}; WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from('${Buffer.from(root.public).toString('hex')}', 'hex')`,
  )}`

  return {
    url: `ws://127.0.0.1:${port}/ws/chat`,
    preload,
    async pairDevice(path, dataKey) {
      const db = openDatabase(path)
      try {
        await pairIn(db, dataKey)
      } finally {
        closeDatabase(db)
      }
    },
    pairDeviceIn: pairIn,
    logins: () => ({ total: logins, now: live.size, mostAtOnce: mostLive }),
    opened(ms = 10_000) {
      const open = new Promise<void>((resolve) => {
        onOpen = () => {
          if (client) resolve()
        }
        onOpen()
      })
      return withTimeout(open, ms, 'no WhatsApp client logged in')
    },
    async send(text) {
      if (!client) throw new Error('fake WhatsApp: no client is connected')
      const botJid = bot.me?.id ?? ''
      if (!botSession) {
        await quietly(() =>
          phone.repository.injectE2ESession({
            jid: botJid,
            session: {
              registrationId: bot.registrationId,
              identityKey: Buffer.concat([Buffer.from([5]), bot.signedIdentityKey.public]),
              signedPreKey: {
                keyId: bot.signedPreKey.keyId,
                publicKey: Buffer.concat([Buffer.from([5]), bot.signedPreKey.keyPair.public]),
                signature: bot.signedPreKey.signature,
              },
            },
          }),
        )
        botSession = true
      }
      const { type, ciphertext } = await quietly(() =>
        phone.repository.encryptMessage({ jid: botJid, data: encodeWAMessage({ conversation: text }) }),
      )
      received = []
      client.send({
        tag: 'message',
        attrs: {
          from: PHONE_JID,
          id: `3EB0${randomBytes(8).toString('hex').toUpperCase()}`,
          t: String(Math.floor(Date.now() / 1000)),
          type: 'text',
          notify: 'Peserta',
        },
        content: [{ tag: 'enc', attrs: { v: '2', type }, content: ciphertext }],
      })
    },
    replies(count, ms = 10_000) {
      const enough = new Promise<string[]>((resolve) => {
        onReceived = () => {
          if (received.length >= count) resolve(received.slice(0, count))
        }
        onReceived()
      })
      return withTimeout(enough, ms, `fewer than ${count} WhatsApp replies (got ${JSON.stringify(received)})`)
    },
    received: () => [...received],
    async close() {
      for (const socket of wss.clients) socket.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}

/** libsignal prints every session it opens or closes (console.info): not for the phone of a fake. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const { info, warn } = console
  console.info = () => {}
  console.warn = () => {}
  try {
    return await work()
  } finally {
    console.info = info
    console.warn = warn
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
