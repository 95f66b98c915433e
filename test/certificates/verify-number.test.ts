/**
 * Issue 20: "sertifikat LSPS 2024 00123 asli gak" gets the verification answer in one turn. The
 * number the understanding step read (normalizeNumber: "LSPS202400123") is looked up exactly as
 * "cek <nomor>" does: the same answer, the same hourly budget per chat, the same lookup audit.
 * Without a number, the question of menu 4.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { CHAT_LOOKUPS_PER_HOUR } from '../../src/core/certificates/chat.js'
import { normalizeNumber } from '../../src/core/certificates/verify.js'
import { closeDatabase, type Db } from '../../src/db/client.js'
import { certificates } from '../../src/db/schema.js'
import { chat, textOf } from '../support/chat.js'
import { fakeClock } from '../support/core.js'
import { personalEngine } from '../support/personal-engine.js'

const SENTENCE = 'sertifikat LSPS 2024 00123 asli gak'

let db: Db | undefined
afterEach(() => {
  if (db) closeDatabase(db)
  db = undefined
})

function open() {
  const clock = fakeClock()
  const core = personalEngine(clock.now)
  db = core.db
  core.db
    .insert(certificates)
    .values({
      number: 'LSPS202400123',
      displayNumber: 'LSPS-2024-00123',
      holderName: 'Siti Rahmawati Nasution',
      scheme: 'Pekerja Sosial',
      level: 'Pekerja Sosial Generalis',
      issuer: 'LSP Kemensos',
      issuedAt: '2024-05-02',
      expiresAt: '2027-05-01',
    })
    .run()
  return { ...core, clock }
}

describe('certificate.verify from a sentence', () => {
  it('the number as the understanding step reads it is the one "cek" reads', () => {
    expect(normalizeNumber('LSPS 2024 00123')).toBe('LSPS202400123')
  })

  it('the same answer as "cek <nomor>": VALID, the masked holder, the page link; each lookup audited alike', async () => {
    const { engine, lookups } = open()
    const sentence = textOf(await chat(engine, 'a').say(SENTENCE))
    expect(sentence).toContain('✅ *VALID*')
    expect(sentence).toContain('• Nomor sertifikat: LSPS-2024-00123')
    expect(sentence).not.toContain('Siti Rahmawati Nasution')
    expect(sentence).toContain('/verifikasi/LSPS202400123')
    const typed = textOf(await chat(engine, 'b').say('cek LSPS-2024-00123'))
    expect(sentence).toBe(typed)
    expect(lookups).toEqual([
      { channel: 'chat', number: 'LSPS202400123', outcome: 'valid' },
      { channel: 'chat', number: 'LSPS202400123', outcome: 'valid' },
    ])
  })

  it('sentences count against the chat\'s hourly budget of lookups, with "cek"', async () => {
    const { engine } = open()
    const a = chat(engine, 'a')
    for (let i = 0; i < CHAT_LOOKUPS_PER_HOUR; i++) expect(textOf(await a.say(SENTENCE))).toContain('✅ *VALID*')
    expect(textOf(await a.say('cek LSPS-2024-00123'))).toContain(`chat ini sudah memeriksa ${CHAT_LOOKUPS_PER_HOUR} sertifikat`)
    expect(textOf(await a.say(SENTENCE))).toContain(`chat ini sudah memeriksa ${CHAT_LOOKUPS_PER_HOUR} sertifikat`)
  })

  it('without a number: the number is asked, and the next message is read as one', async () => {
    const { engine, lookups } = open()
    const a = chat(engine, 'a')
    expect(textOf(await a.say('sertifikat ini asli gak'))).toContain('Ketik nomor sertifikat yang ingin diperiksa')
    expect(lookups).toEqual([])
    expect(textOf(await a.say('lsps 2024 00123'))).toContain('✅ *VALID*')
  })
})
