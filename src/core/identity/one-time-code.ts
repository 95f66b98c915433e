/**
 * One-time codes: six digits sent over WhatsApp to the phone on record, valid CODE_TTL_MS, at most
 * CODE_TRIES wrong tries, one usable code per person at a time. Only a keyed hash is stored; the
 * message goes out through the outbox to the WhatsApp number of the phone on record.
 */
import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto'
import { countCodeTry, type IdentityCodeRow, insertCode, spendCode, usableCode } from '../../db/queries/identity-codes.js'
import { queueMessage } from '../../db/queries/outbox.js'
import type { PersonRow } from '../../db/queries/people.js'
import { whatsappJid } from '../../vocabulary/message.js'
import { fill, t } from '../messages.js'
import type { NikVault } from '../privacy/nik-vault.js'
import { formatLocalTime } from '../regions.js'
import type { TurnContext } from '../turn.js'
import type { Channel, Text } from '../types.js'

export const CODE_TTL_MS = 10 * 60_000
export const CODE_TRIES = 5

const CHANNEL_NAMES: Record<Channel, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', console: 'chat terminal petugas' }

const texts = {
  message: {
    id: 'Kode verifikasi asisten sertifikasi SDM Kesos: *{code}*\n\nKode ini diminta pukul {time} lewat {channel} untuk membuka data sertifikasi Anda. Berlaku sampai pukul {until}, untuk satu kali pakai. Jangan berikan kode ini kepada siapa pun, termasuk yang mengaku petugas.\n\nBukan Anda yang meminta? Abaikan pesan ini: tanpa kode ini data Anda tetap tertutup. Bila terus terulang, balas "petugas" untuk melapor.',
    en: 'Verification code of the SDM Kesos certification assistant: *{code}*\n\nThis code was asked for at {time} via {channel} to open your certification record. It is valid until {until}, for one use. Do not give it to anyone, including people who say they are staff.\n\nDid you not ask for it? Ignore this message: without the code your record stays closed. If it keeps happening, reply "petugas" to report it.',
  },
} satisfies Record<string, Text>

const hashOf = (vault: NikVault, row: Pick<IdentityCodeRow, 'personId' | 'createdAt'>, code: string) =>
  vault.hash(`identity-code:${row.personId}:${row.createdAt.getTime()}:${code}`)

/**
 * Sends a new code to the person's phone on record for this chat, unless they have no phone or a
 * code of theirs is still usable (one at a time). Says nothing either way: the caller's reply is
 * the same whether a code went out or not.
 */
export async function issueCode(ctx: TurnContext, person: PersonRow, vault: NikVault): Promise<void> {
  if (!person.phoneE164 || (await usableCode(ctx.db, person.id, ctx.now, CODE_TRIES))) return
  const code = String(randomInt(1_000_000)).padStart(6, '0')
  const row = { personId: person.id, createdAt: ctx.now }
  const expiresAt = new Date(ctx.now.getTime() + CODE_TTL_MS)
  await insertCode(ctx.db, {
    ...row,
    channel: ctx.inbound.channel,
    chatId: ctx.inbound.chatId,
    codeHash: hashOf(vault, row, code),
    expiresAt,
  })
  const text = fill(t('id', texts.message), {
    code,
    time: formatLocalTime(ctx.now, person.timeZone),
    // A time, not "10 minutes": the message may arrive some minutes after it was asked for.
    until: formatLocalTime(expiresAt, person.timeZone),
    channel: CHANNEL_NAMES[ctx.inbound.channel],
  })
  await queueMessage(ctx.db, {
    channel: 'whatsapp',
    chatId: whatsappJid(person.phoneE164),
    personId: person.id,
    kind: 'identity_code',
    key: `identity-code:${randomUUID()}`,
    reply: { text },
    dueAt: ctx.now,
    expiresAt,
  })
}

/**
 * Whether `typed` is the usable code sent for this chat's claim on `personId`; a wrong try counts
 * against the code, a right one spends it.
 */
export async function checkCode(ctx: TurnContext, personId: number | null, typed: string, vault: NikVault): Promise<boolean> {
  const row = personId === null ? undefined : await usableCode(ctx.db, personId, ctx.now, CODE_TRIES)
  if (!row || row.channel !== ctx.inbound.channel || row.chatId !== ctx.inbound.chatId) return false
  const expected = Buffer.from(row.codeHash, 'hex')
  const given = Buffer.from(hashOf(vault, row, typed), 'hex')
  if (expected.length === given.length && timingSafeEqual(expected, given)) {
    await spendCode(ctx.db, row.id, ctx.now)
    return true
  }
  await countCodeTry(ctx.db, row.id)
  return false
}
