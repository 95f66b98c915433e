/**
 * Issue 20: "sertifikat LSPS 2024 00123 asli gak" gets the verification answer in one turn, through
 * the real core (its understanding step and the handler it is wired to). The number the step reads
 * ("LSPS-2024-00123") is looked up exactly as "cek <nomor>" does: the same answer, the same hourly
 * budget per chat, the same lookup audit. Without a number, the question of menu 4.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { CHAT_LOOKUPS_PER_HOUR } from '../../src/core/certificates/chat.js'
import { LOOKUP_ACTION } from '../../src/core/certificates/lookup-audit.js'
import { normalizeNumber } from '../../src/core/certificates/verify.js'
import type { Db } from '../../src/db/client.js'
import { auditLog, certificates } from '../../src/db/schema.js'
import { chat, textOf } from '../support/chat.js'
import { personalCores } from '../support/personal.js'
import { read } from '../understanding/support.js'

const SENTENCE = 'sertifikat LSPS 2024 00123 asli gak'

const openCore = personalCores()

async function open() {
  const core = await openCore()
  await core.db.insert(certificates).values({
    number: 'LSPS202400123',
    displayNumber: 'LSPS-2024-00123',
    holderName: 'Siti Rahmawati Nasution',
    scheme: 'Pekerja Sosial',
    level: 'Pekerja Sosial Generalis',
    issuer: 'LSP Kemensos',
    issuedAt: '2024-05-02',
    expiresAt: '2027-05-01',
  })
  return core
}

/** The certificate lookups the core recorded in the audit log, oldest first. */
const audited = async (db: Db) =>
  (
    await db
      .select({ actor: auditLog.actor, entityId: auditLog.entityId, details: auditLog.details })
      .from(auditLog)
      .where(eq(auditLog.action, LOOKUP_ACTION))
      .orderBy(auditLog.id)
  ).map((row) => ({ ...row, details: JSON.parse(row.details ?? '{}') }))

describe('certificate.verify from a sentence', () => {
  it('the number as the understanding step reads it is the one "cek" reads', () => {
    const number = read(SENTENCE).slots.number
    expect(number && normalizeNumber(number)).toBe('LSPS202400123')
  })

  it('the same answer as "cek <nomor>": VALID, the masked holder, the page link; each lookup audited alike', async () => {
    const { engine, db } = await open()
    const sentence = textOf(await chat(engine, 'a').say(SENTENCE))
    expect(sentence).toContain('✅ *VALID*')
    expect(sentence).toContain('• Nomor sertifikat: LSPS-2024-00123')
    expect(sentence).not.toContain('Siti Rahmawati Nasution')
    expect(sentence).toContain('/verifikasi/LSPS202400123')
    const typed = textOf(await chat(engine, 'b').say('cek LSPS-2024-00123'))
    expect(sentence).toBe(typed)
    expect(await audited(db)).toEqual([
      { actor: 'chat', entityId: 'LSPS202400123', details: { outcome: 'valid' } },
      { actor: 'chat', entityId: 'LSPS202400123', details: { outcome: 'valid' } },
    ])
  })

  it('sentences count against the chat\'s hourly budget of lookups, with "cek"', async () => {
    const { engine } = await open()
    const a = chat(engine, 'a')
    for (let i = 0; i < CHAT_LOOKUPS_PER_HOUR; i++) expect(textOf(await a.say(SENTENCE))).toContain('✅ *VALID*')
    expect(textOf(await a.say('cek LSPS-2024-00123'))).toContain(`chat ini sudah memeriksa ${CHAT_LOOKUPS_PER_HOUR} sertifikat`)
    expect(textOf(await a.say(SENTENCE))).toContain(`chat ini sudah memeriksa ${CHAT_LOOKUPS_PER_HOUR} sertifikat`)
  })

  it('without a number: the number is asked, and the next message is read as one', async () => {
    const { engine, db } = await open()
    const a = chat(engine, 'a')
    expect(textOf(await a.say('tolong cek keaslian sertifikat ini'))).toContain('Ketik nomor sertifikat yang ingin diperiksa')
    expect(await audited(db)).toEqual([])
    expect(textOf(await a.say('lsps 2024 00123'))).toContain('✅ *VALID*')
    expect(await audited(db)).toEqual([{ actor: 'chat', entityId: 'LSPS202400123', details: { outcome: 'valid' } }])
  })

  it('"sertifikat ini asli gak" without a number may be a question about checking: asked, the check one tap away', async () => {
    const { engine } = await open()
    const a = chat(engine, 'a')
    const asked = await a.say('sertifikat ini asli gak')
    expect(textOf(asked)).toContain('Maksud Anda')
    const check = asked.flatMap((reply) => reply.choices ?? []).find((choice) => choice.label === 'Cek nomor sertifikat sekarang')
    expect(check).toBeDefined()
    expect(textOf(await a.choose(check?.id ?? ''))).toContain('Ketik nomor sertifikat yang ingin diperiksa')
    expect(textOf(await a.say('lsps 2024 00123'))).toContain('✅ *VALID*')
  })
})
