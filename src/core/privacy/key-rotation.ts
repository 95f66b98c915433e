/**
 * Re-encrypting everything under the current DATA_ENCRYPTION_KEY after a key change (`npm run cli --
 * keys rotate`): NIK ciphertexts and lookup keys, certificates' NIK lookup keys, the sealed WhatsApp
 * session, staff members' sealed TOTP keys, the files people sent to staff; then the database records the current key's check value. One transaction: all of it or,
 * if anything cannot be read, none of it. Running it again changes nothing.
 */
import type { Db } from '../../db/client.js'
import {
  authValues,
  certificateNikHashes,
  DATA_KEY_CHECK,
  handoffFileContent,
  handoffFileIds,
  peopleNiks,
  setAuthValue,
  setCertificateNikHash,
  setHandoffFileContent,
  setPersonNik,
  setStaffTotpSecret,
  staffTotpSecrets,
} from '../../db/queries/encrypted-data.js'
import { getMeta, setMeta } from '../../db/queries/meta.js'
import { transaction } from '../../db/store.js'
import {
  type ByteBox,
  createByteBox,
  createSecretBox,
  type DataKeys,
  HANDOFF_FILE_PURPOSE,
  isSealed,
  keyCheck,
  type SecretBox,
  STAFF_TOTP_PURPOSE,
  WHATSAPP_AUTH_PURPOSE,
} from './data-key.js'
import { createNikVault, NIK_ENCRYPTION_PURPOSE } from './nik-vault.js'

export type RotationResult = {
  /** People whose NIK ciphertext or lookup key was made again. */
  people: number
  /** Certificates whose NIK lookup key was made again (from their person's NIK). */
  certificates: number
  /**
   * Certificates of nobody on record yet whose lookup key was under the previous key: it cannot be
   * made again without the NIK, so it was removed (importing the certificate file again restores it).
   */
  certificatesUnlinked: number
  /** Values of the WhatsApp session sealed again. */
  whatsapp: number
  /** Staff members' TOTP keys sealed again. */
  staffTotp: number
  /** Files people sent to staff (handoff attachments) sealed again. */
  files: number
}

/** Thrown when something stored opens under neither key: nothing was changed. */
export class RotationError extends Error {
  override name = 'RotationError'
}

/** Re-encrypts what is under `keys.previous` (or in clear, for the WhatsApp session) under `keys.current`. */
export async function rotateDataKeys(db: Db, keys: DataKeys, now: Date): Promise<RotationResult> {
  const nikBox = createSecretBox(keys, NIK_ENCRYPTION_PURPOSE)
  const authBox = createSecretBox(keys, WHATSAPP_AUTH_PURPOSE)
  const totpBox = createSecretBox(keys, STAFF_TOTP_PURPOSE)
  const fileBox = createByteBox(keys, HANDOFF_FILE_PURPOSE)
  const current = createNikVault(keys.current)
  const check = keyCheck(keys.current)
  return await transaction(db, async (tx) => {
    // Until now every lookup key was made under the key the database recorded (see openDataKeys).
    const hashesWereCurrent = (await getMeta(tx, DATA_KEY_CHECK)) === check
    const result: RotationResult = {
      people: 0,
      certificates: 0,
      certificatesUnlinked: 0,
      whatsapp: 0,
      staffTotp: 0,
      files: 0,
    }
    const renamed = new Map<string, string>()
    for (const person of await peopleNiks(tx)) {
      if (!person.nikCiphertext) continue
      const nik = open(nikBox, person.nikCiphertext, `the NIK of person ${person.id}`)
      const hash = current.hash(nik)
      const ciphertext = nikBox.isCurrent(person.nikCiphertext) ? person.nikCiphertext : current.encrypt(nik)
      if (person.nikHash) renamed.set(person.nikHash, hash)
      if (hash === person.nikHash && ciphertext === person.nikCiphertext) continue
      await setPersonNik(tx, person.id, hash, ciphertext)
      result.people++
    }
    if (!hashesWereCurrent) {
      for (const certificate of await certificateNikHashes(tx)) {
        const hash = certificate.nikHash && renamed.get(certificate.nikHash)
        if (hash === certificate.nikHash) continue
        if (hash) result.certificates++
        else result.certificatesUnlinked++
        await setCertificateNikHash(tx, certificate.id, hash || null)
      }
    }
    for (const row of await authValues(tx)) {
      if (authBox.isCurrent(row.value)) continue
      const text = isSealed(row.value) ? open(authBox, row.value, `the WhatsApp session (${row.type})`) : row.value
      await setAuthValue(tx, row.type, row.id, authBox.seal(text))
      result.whatsapp++
    }
    for (const row of await staffTotpSecrets(tx)) {
      if (!row.sealed || totpBox.isCurrent(row.sealed)) continue
      await setStaffTotpSecret(tx, row.id, totpBox.seal(open(totpBox, row.sealed, `the two-factor key of staff ${row.id}`)))
      result.staffTotp++
    }
    for (const id of await handoffFileIds(tx)) {
      const sealed = await handoffFileContent(tx, id)
      if (!sealed || fileBox.isCurrent(sealed)) continue
      await setHandoffFileContent(tx, id, fileBox.seal(openFile(fileBox, sealed, id)))
      result.files++
    }
    await setMeta(tx, DATA_KEY_CHECK, check, now)
    return result
  })
}

function open(box: SecretBox, sealed: string, what: string): string {
  try {
    return box.open(sealed)
  } catch {
    throw new RotationError(`${what} opens under neither DATA_ENCRYPTION_KEY nor DATA_ENCRYPTION_KEY_PREVIOUS`)
  }
}

function openFile(box: ByteBox, sealed: Buffer, id: number): Buffer {
  try {
    return box.open(sealed)
  } catch {
    throw new RotationError(`the handoff file ${id} opens under neither DATA_ENCRYPTION_KEY nor DATA_ENCRYPTION_KEY_PREVIOUS`)
  }
}
