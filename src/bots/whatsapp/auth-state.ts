/**
 * The WhatsApp session kept in SQLite instead of files: Baileys' credentials and every signal key
 * type it uses, serialised with its own BufferJSON (so Buffers survive), sealed (AES-256-GCM, a
 * subkey of DATA_ENCRYPTION_KEY) so that a copy of the database is not a copy of the WhatsApp
 * account, keys written in one transaction. It survives restarts; clearing it means pairing again.
 */
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys'
import type { SecretBox } from '../../core/privacy/data-key.js'
import type { Db } from '../../db/client.js'
import { clearAuth, readAuthValues, writeAuthValues } from '../../db/queries/whatsapp-auth.js'

const CREDS = { type: 'creds', id: 'creds' } as const

export type AuthStore = {
  /** What the socket is given; `creds` is the object Baileys updates in place. */
  readonly state: AuthenticationState
  /** Stores `state.creds` (after Baileys' "creds.update"). */
  saveCreds(): Promise<void>
  /** Whether a number is paired (a QR scan or pairing code completed). */
  isPaired(): boolean
  /** Forgets the session (logged out): the next connection shows a new QR. */
  clear(): Promise<void>
}

/** `now` stamps what is written; `box` seals every value (see WHATSAPP_AUTH_PURPOSE). */
export async function createAuthStore(db: Db, now: () => Date, box: SecretBox): Promise<AuthStore> {
  const encode = (value: unknown) => box.seal(JSON.stringify(value, BufferJSON.replacer))
  const decode = (sealed: string): unknown => JSON.parse(box.open(sealed), BufferJSON.reviver)
  const stored = (await readAuthValues(db, CREDS.type, [CREDS.id])).get(CREDS.id)
  // Reads wait for the writes asked before them. Baileys runs a message's decryption and a send's
  // encryption as separate key transactions, each reading the chat's signal session and writing it
  // back; a read that overtook the other's write would take the session from before it, and the
  // later write would lose a ratchet step (the phone then fails to decrypt: "Bad MAC"). SQLite gave
  // this order by itself (a read waits for the process's open transactions); PostgreSQL, where reads
  // run beside writes, needs it said.
  let written: Promise<unknown> = Promise.resolve()
  const write = (changes: { type: string; id: string; value: string | null }[]) => {
    const done = written.then(() => writeAuthValues(db, changes, now()))
    written = done.catch(() => {})
    return done
  }
  const state: AuthenticationState = {
    creds: stored ? (decode(stored) as AuthenticationCreds) : initAuthCreds(),
    keys: {
      async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
        await written
        const values = await readAuthValues(db, type, ids)
        const result: { [id: string]: SignalDataTypeMap[T] } = {}
        for (const [id, text] of values) {
          let value = decode(text)
          // As Baileys' own file store does: this one type must be a protobuf object again.
          if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as object)
          result[id] = value as SignalDataTypeMap[T]
        }
        return result
      },
      async set(data: SignalDataSet) {
        const changes: { type: string; id: string; value: string | null }[] = []
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            changes.push({ type, id, value: value ? encode(value) : null })
          }
        }
        await write(changes)
      },
      async clear() {
        await clearAuth(db)
      },
    },
  }
  return {
    state,
    async saveCreds() {
      await write([{ ...CREDS, value: encode(state.creds) }])
    },
    isPaired() {
      // `registered` is only set by the pairing-code flow; `account` by both.
      return Boolean(state.creds.account || state.creds.registered)
    },
    async clear() {
      // A fresh identity, so the next socket asks to pair instead of logging in with the old one.
      state.creds = initAuthCreds()
      await clearAuth(db)
    },
  }
}
