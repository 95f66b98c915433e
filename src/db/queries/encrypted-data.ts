/**
 * Everything stored under DATA_ENCRYPTION_KEY, for its check at start-up and its rotation: NIK
 * lookup keys and ciphertexts of people, NIK lookup keys of certificates, the sealed WhatsApp session,
 * the sealed TOTP keys of staff, the sealed files people sent to staff (handoff attachments).
 */
import { and, eq, isNotNull, or } from 'drizzle-orm'
import type { Db } from '../client.js'
import { certificates, handoffAttachments, people, staff, whatsappAuth } from '../schema.js'
import { getMeta } from './meta.js'

/** The `app_meta` key of the data key's check value. */
export const DATA_KEY_CHECK = 'data_key_check'

/** Whether anything in the database was made with a data key (or a key was recorded for it). */
export function holdsEncryptedData(db: Db): boolean {
  if (getMeta(db, DATA_KEY_CHECK) !== undefined) return true
  const person = db
    .select({ id: people.id })
    .from(people)
    .where(or(isNotNull(people.nikHash), isNotNull(people.nikCiphertext)))
    .limit(1)
    .get()
  const certificate = db.select({ id: certificates.id }).from(certificates).where(isNotNull(certificates.nikHash)).limit(1).get()
  const session = db.select({ id: whatsappAuth.id }).from(whatsappAuth).limit(1).get()
  const file = db.select({ id: handoffAttachments.id }).from(handoffAttachments).limit(1).get()
  return Boolean(person || certificate || session || file)
}

/** One NIK ciphertext, to tell which key a database without a check value was made with. */
export function someNikCiphertext(db: Db): string | undefined {
  return (
    db.select({ value: people.nikCiphertext }).from(people).where(isNotNull(people.nikCiphertext)).limit(1).get()?.value ??
    undefined
  )
}

/** People with a NIK on record: the lookup key and the ciphertext. */
export function peopleNiks(db: Db) {
  return db
    .select({ id: people.id, nikHash: people.nikHash, nikCiphertext: people.nikCiphertext })
    .from(people)
    .where(or(isNotNull(people.nikHash), isNotNull(people.nikCiphertext)))
    .all()
}

export function setPersonNik(db: Db, id: number, nikHash: string, nikCiphertext: string): void {
  db.update(people).set({ nikHash, nikCiphertext }).where(eq(people.id, id)).run()
}

/** Certificates with a NIK lookup key (linked to a person or not yet). */
export function certificateNikHashes(db: Db) {
  return db
    .select({ id: certificates.id, nikHash: certificates.nikHash })
    .from(certificates)
    .where(isNotNull(certificates.nikHash))
    .all()
}

export function setCertificateNikHash(db: Db, id: number, nikHash: string | null): void {
  db.update(certificates).set({ nikHash }).where(eq(certificates.id, id)).run()
}

/** Every value of the WhatsApp session, as stored. */
export function authValues(db: Db) {
  return db.select({ type: whatsappAuth.type, id: whatsappAuth.id, value: whatsappAuth.value }).from(whatsappAuth).all()
}

export function setAuthValue(db: Db, type: string, id: string, value: string): void {
  db.update(whatsappAuth)
    .set({ value })
    .where(and(eq(whatsappAuth.type, type), eq(whatsappAuth.id, id)))
    .run()
}

/** Staff members' sealed TOTP keys. */
export function staffTotpSecrets(db: Db) {
  return db.select({ id: staff.id, sealed: staff.totpSecret }).from(staff).where(isNotNull(staff.totpSecret)).all()
}

export function setStaffTotpSecret(db: Db, id: number, sealed: string): void {
  db.update(staff).set({ totpSecret: sealed }).where(eq(staff.id, id)).run()
}

/** The ids of the sealed files of handoffs (each read on its own: a file may be 5 MB). */
export function handoffFileIds(db: Db): number[] {
  return db
    .select({ id: handoffAttachments.id })
    .from(handoffAttachments)
    .all()
    .map((row) => row.id)
}

/** One handoff file's sealed content, or undefined when it is gone. */
export function handoffFileContent(db: Db, id: number): Buffer | undefined {
  return db.select({ content: handoffAttachments.content }).from(handoffAttachments).where(eq(handoffAttachments.id, id)).get()
    ?.content
}

export function setHandoffFileContent(db: Db, id: number, content: Buffer): void {
  db.update(handoffAttachments).set({ content }).where(eq(handoffAttachments.id, id)).run()
}
