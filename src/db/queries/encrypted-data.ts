/**
 * Everything stored under DATA_ENCRYPTION_KEY, for its check at start-up and its rotation: NIK
 * lookup keys and ciphertexts of people, NIK lookup keys of certificates, the sealed WhatsApp session,
 * the sealed TOTP keys of staff, the sealed files people sent to staff (handoff attachments).
 */
import { and, eq, isNotNull, or } from 'drizzle-orm'
import type { Db } from '../client.js'
import { first } from '../client.js'
import { certificates, handoffAttachments, people, staff, whatsappAuth } from '../schema.js'
import { getMeta } from './meta.js'

/** The `app_meta` key of the data key's check value. */
export const DATA_KEY_CHECK = 'data_key_check'

/** Whether anything in the database was made with a data key (or a key was recorded for it). */
export async function holdsEncryptedData(db: Db): Promise<boolean> {
  if ((await getMeta(db, DATA_KEY_CHECK)) !== undefined) return true
  const person = await first(
    db
      .select({ id: people.id })
      .from(people)
      .where(or(isNotNull(people.nikHash), isNotNull(people.nikCiphertext))),
  )
  const certificate = await first(db.select({ id: certificates.id }).from(certificates).where(isNotNull(certificates.nikHash)))
  const session = await first(db.select({ id: whatsappAuth.id }).from(whatsappAuth))
  const file = await first(db.select({ id: handoffAttachments.id }).from(handoffAttachments))
  return Boolean(person || certificate || session || file)
}

/** One NIK ciphertext, to tell which key a database without a check value was made with. */
export async function someNikCiphertext(db: Db): Promise<string | undefined> {
  return (
    (await first(db.select({ value: people.nikCiphertext }).from(people).where(isNotNull(people.nikCiphertext))))?.value ??
    undefined
  )
}

/** People with a NIK on record: the lookup key and the ciphertext. */
export async function peopleNiks(db: Db) {
  return await db
    .select({ id: people.id, nikHash: people.nikHash, nikCiphertext: people.nikCiphertext })
    .from(people)
    .where(or(isNotNull(people.nikHash), isNotNull(people.nikCiphertext)))
}

export async function setPersonNik(db: Db, id: number, nikHash: string, nikCiphertext: string): Promise<void> {
  await db.update(people).set({ nikHash, nikCiphertext }).where(eq(people.id, id))
}

/** Certificates with a NIK lookup key (linked to a person or not yet). */
export async function certificateNikHashes(db: Db) {
  return await db
    .select({ id: certificates.id, nikHash: certificates.nikHash })
    .from(certificates)
    .where(isNotNull(certificates.nikHash))
}

export async function setCertificateNikHash(db: Db, id: number, nikHash: string | null): Promise<void> {
  await db.update(certificates).set({ nikHash }).where(eq(certificates.id, id))
}

/** Every value of the WhatsApp session, as stored. */
export async function authValues(db: Db) {
  return await db.select({ type: whatsappAuth.type, id: whatsappAuth.id, value: whatsappAuth.value }).from(whatsappAuth)
}

export async function setAuthValue(db: Db, type: string, id: string, value: string): Promise<void> {
  await db
    .update(whatsappAuth)
    .set({ value })
    .where(and(eq(whatsappAuth.type, type), eq(whatsappAuth.id, id)))
}

/** Staff members' sealed TOTP keys. */
export async function staffTotpSecrets(db: Db) {
  return await db.select({ id: staff.id, sealed: staff.totpSecret }).from(staff).where(isNotNull(staff.totpSecret))
}

export async function setStaffTotpSecret(db: Db, id: number, sealed: string): Promise<void> {
  await db.update(staff).set({ totpSecret: sealed }).where(eq(staff.id, id))
}

/** The ids of the sealed files of handoffs (each read on its own: a file may be 5 MB). */
export async function handoffFileIds(db: Db): Promise<number[]> {
  return (await db.select({ id: handoffAttachments.id }).from(handoffAttachments)).map((row) => row.id)
}

/** One handoff file's sealed content, or undefined when it is gone. */
export async function handoffFileContent(db: Db, id: number): Promise<Buffer | undefined> {
  return (
    await first(db.select({ content: handoffAttachments.content }).from(handoffAttachments).where(eq(handoffAttachments.id, id)))
  )?.content
}

export async function setHandoffFileContent(db: Db, id: number, content: Buffer): Promise<void> {
  await db.update(handoffAttachments).set({ content }).where(eq(handoffAttachments.id, id))
}
