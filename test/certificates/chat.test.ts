/**
 * Certificate verification in the chat, directly: the answer for every state, the masked name,
 * the link with and without PUBLIC_BASE_URL, English, numbers that cannot be one, not found, the
 * lookup audit, and what "cek …" leaves to other features.
 */
import { eq } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import type { Core } from '../../src/bootstrap.js'
import { CHAT_LOOKUPS_PER_HOUR, certificateAnswer, readNumber, verificationPage } from '../../src/core/certificates/chat.js'
import { LOOKUP_ACTION } from '../../src/core/certificates/lookup-audit.js'
import { lookUp, maskName } from '../../src/core/certificates/verify.js'
import { closeDatabase } from '../../src/db/client.js'
import { auditLog, certificates } from '../../src/db/schema.js'
import { fakeClock, inbound, testCore } from '../support/core.js'
import { EXPIRED, REVOKED, SUSPENDED, seedCertificates, VALID, VERIFY_BASE_URL, VERIFY_ENV } from '../transcripts/verify.js'

let core: Core
afterEach(() => closeDatabase(core.db))

async function setup(env: Record<string, string> = VERIFY_ENV) {
  const clock = fakeClock(new Date('2026-11-23T02:00:00Z'))
  core = await testCore({ env, clock: clock.now })
  await seedCertificates(core.db)
  let chat = 0
  const chatId = `verify-${Math.random().toString(36).slice(2)}`
  const say = async (text: string) => {
    chat += 1
    const replies = await core.engine.handle(inbound(text, { chatId, userId: chatId, messageId: `${chatId}-${chat}` }))
    return replies.map((reply) => reply.text).join('\n---\n')
  }
  return { say, clock }
}

const audited = async () =>
  (
    await core.db
      .select({ actor: auditLog.actor, entityId: auditLog.entityId, details: auditLog.details })
      .from(auditLog)
      .where(eq(auditLog.action, LOOKUP_ACTION))
  ).map((row) => ({ ...row, details: JSON.parse(row.details ?? '{}') }))

describe('the answer for each state', () => {
  it('VALID: every detail, the name masked, the page link; nothing about a reason', async () => {
    const { say } = await setup()
    const answer = await say('cek lsps 2025 00042')
    expect(answer).toBe(
      [
        '✅ *VALID*\nSertifikat ini terdaftar dan berlaku.',
        [
          '• Nomor sertifikat: LSPS-2025-00042',
          '• Nama pemegang: Sit… Rah… Nas…',
          '• Skema: Pekerja Sosial',
          '• Jenjang: Pekerja Sosial Generalis',
          '• Penerbit: LSP Kemensos',
          '• Tanggal terbit: 1 September 2025',
          '• Berlaku sampai: 1 September 2099',
        ].join('\n'),
        'Nama disamarkan untuk melindungi data pribadi.',
        `🔗 Halaman verifikasi: ${VALID.link}`,
        'Ketik "cek <nomor>" untuk memeriksa sertifikat lain, atau "menu".',
      ].join('\n\n'),
    )
  })

  it('KEDALUWARSA the day after the expiry date in Jakarta, VALID on it', async () => {
    const { say, clock } = await setup()
    await core.db.update(certificates).set({ expiresAt: '2026-11-23' }).where(eq(certificates.number, 'LSPS202500042'))
    // 2026-11-23T02:00Z is 09:00 in Jakarta: the last valid day.
    expect(await say(`cek ${VALID.number}`)).toContain('✅ *VALID*')
    clock.advance(15 * 3_600_000) // 2026-11-24 00:00 WIB
    const expired = await say(`cek ${VALID.number}`)
    expect(expired).toContain(
      '⌛ *KEDALUWARSA*\nSertifikat ini terdaftar, tetapi masa berlakunya telah habis pada 23 November 2026.',
    )
    expect(await say(`cek ${EXPIRED.number}`)).toContain('• Penerbit: LSP Kemensos Regional Bali')
  })

  it('DICABUT and DIBEKUKAN: the reason and the day of the change (Jakarta)', async () => {
    const { say } = await setup()
    const revoked = await say(`cek ${REVOKED.number}`)
    expect(revoked).toContain('⛔ *DICABUT*\nSertifikat ini telah dicabut dan tidak berlaku lagi.')
    expect(revoked).toContain(`• Alasan: ${REVOKED.reason}\n• Dicabut pada: 10 Februari 2026`)
    const suspended = await say(`cek ${SUSPENDED.number}`)
    expect(suspended).toContain('⏸️ *DIBEKUKAN*')
    // 2026-03-01T20:00Z is already 2 March in Jakarta.
    expect(suspended).toContain(`• Alasan: ${SUSPENDED.reason}\n• Dibekukan sejak: 2 Maret 2026`)
  })

  it('TIDAK DITEMUKAN names the number as stored and links to the page', async () => {
    const { say } = await setup()
    const answer = await say('cek lsps-2025-00043')
    expect(answer).toBe(
      [
        '❓ *TIDAK DITEMUKAN*\nTidak ada sertifikat dengan nomor LSPS202500043. Periksa kembali nomornya (huruf O dan angka 0 mudah tertukar); bila sudah benar, hubungi lembaga yang menerbitkannya atau ketik "petugas".',
        `🔗 Halaman verifikasi: ${VERIFY_BASE_URL}/verifikasi/LSPS202500043`,
        'Ketik "cek <nomor>" untuk memeriksa sertifikat lain, atau "menu".',
      ].join('\n\n'),
    )
  })
})

describe('the hourly budget per chat', () => {
  it(`answers ${CHAT_LOOKUPS_PER_HOUR} lookups an hour per chat, then says politely when to try again; other chats are not affected`, async () => {
    const { say, clock } = await setup()
    for (let i = 0; i < CHAT_LOOKUPS_PER_HOUR; i++)
      expect(await say(`cek LSPS-2024-${String(i).padStart(5, '0')}`)).toMatch(/VALID|TIDAK DITEMUKAN/)
    const refused = await say(`cek ${VALID.number}`)
    expect(refused).toContain(`Maaf, chat ini sudah memeriksa ${CHAT_LOOKUPS_PER_HOUR} sertifikat dalam satu jam`)
    expect(refused).toContain('dalam 60 menit lagi')
    expect(refused).not.toContain('Sit…')
    // The menu's way in counts too.
    expect(await say('4')).toContain('Ketik nomor sertifikat')
    expect(await say(VALID.number)).toContain('sudah memeriksa')
    const other = await core.engine.handle(inbound(`cek ${VALID.number}`, { chatId: 'someone-else' }))
    expect(other[0]?.text).toContain('VALID')
    clock.advance(3_600_000)
    expect(await say(`cek ${VALID.number}`)).toContain('VALID')
  })
})

describe('the masked name and the link', () => {
  it('shows the start of each word and not its length: "Sit… Rah… Nas…", no markup star for the chat to bold', () => {
    expect(maskName('Siti Rahmawati Nasution')).toBe('Sit… Rah… Nas…')
    expect(maskName('Siti Rahma Nasution')).toBe(maskName('Siti Rahmawatiningsih Nasutionn'))
    expect(maskName('I Made Wirawan')).toBe('I… Mad… Wir…')
    expect(maskName('  Ni   Luh  ')).toBe('N… L…')
    expect(maskName('𝒜𝒷𝒸𝒹 Ab')).toBe('𝒜𝒷𝒸… A…')
  })

  it('is absolute with PUBLIC_BASE_URL (a trailing slash or not), relative without', async () => {
    expect(verificationPage('LSPS202500042', 'https://a.example.id/')).toBe('https://a.example.id/verifikasi/LSPS202500042')
    expect(verificationPage('LSPS202500042', 'https://a.example.id')).toBe('https://a.example.id/verifikasi/LSPS202500042')
    expect(verificationPage('LSPS202500042')).toBe('/verifikasi/LSPS202500042')
    const { say } = await setup({})
    const answer = await say(`cek ${VALID.number}`)
    expect(answer).toContain('🔗 Halaman verifikasi: /verifikasi/LSPS202500042\n')
    expect(answer).not.toContain('https://')
  })

  it('never shows the full name, in any state', async () => {
    const { say } = await setup()
    for (const { number, holder } of [VALID, EXPIRED, REVOKED, SUSPENDED]) {
      const answer = await say(`cek ${number}`)
      for (const word of holder.split(' ').filter((w) => w.length > 3)) expect(answer).not.toContain(word)
    }
  })
})

describe('English', () => {
  it('answers every state in English', async () => {
    const { say } = await setup()
    await say('english')
    const valid = await say(`cek ${VALID.number}`)
    expect(valid).toContain('✅ *VALID*\nThis certificate is on record and in force.')
    expect(valid).toContain('• Valid until: 1 September 2099')
    expect(valid).toContain('The name is partly hidden to protect personal data.')
    expect(await say(`cek ${EXPIRED.number}`)).toContain(
      '⌛ *EXPIRED*\nThis certificate is on record, but it expired on 1 February 2020.',
    )
    expect(await say(`cek ${REVOKED.number}`)).toContain('• Revoked on: 10 February 2026')
    expect(await say(`cek ${SUSPENDED.number}`)).toContain(
      '⏸️ *SUSPENDED*\nThis certificate is suspended and is not valid for now.',
    )
    expect(await say('cek 1234-5678')).toContain('❓ *NOT FOUND*\nNo certificate has the number 12345678.')
    expect(await say('4')).toContain('Step 1 of 1\nType the number of the certificate to check')
    expect(await say('LSPS')).toContain('⚠️ A certificate number always contains digits')
  })

  it('certificateAnswer is the same text whichever way it is reached', async () => {
    core = await testCore()
    await seedCertificates(core.db)
    const found = await lookUp(core.db, VALID.number, '2026-11-23')
    if (found.kind === 'invalid') throw new Error('unexpected')
    expect(certificateAnswer(found, 'en').text).toContain('🔗 Verification page: /verifikasi/LSPS202500042')
  })
})

describe('numbers that cannot be one', () => {
  it.each([
    ['', 'CERT_NUMBER_EMPTY', undefined],
    ['  **  ', 'CERT_NUMBER_EMPTY', undefined],
    ['12', 'CERT_NUMBER_LENGTH', { length: 2 }],
    ['A'.repeat(30) + '1'.repeat(11), 'CERT_NUMBER_LENGTH', { length: 41 }],
    ['LSPS#2025', 'CERT_NUMBER_CHARS', { char: '#' }],
    ['LSPS-ABCD', 'CERT_NUMBER_DIGIT', undefined],
  ])('%j → %s', (typed, code, params) => {
    expect(readNumber(typed)).toEqual({ code, ...(params && { params }) })
  })

  it.each([
    ['LSPS-2025-00042', 'LSPS202500042'],
    ['no. lsps 2025/00042', 'LSPS202500042'],
    ['Nomor: LSPS-2025-00042', 'LSPS202500042'],
    ['sertifikat no LSPS-2025-00042', 'LSPS202500042'],
    ['"LSPS‐2025‐00042"', 'LSPS202500042'],
    ['*LSPS-2025-00042*', 'LSPS202500042'],
    // "NO" that begins a number is not the word "no".
    ['NOV-2024-0001', 'NOV20240001'],
  ])('%j is %s', (typed, number) => {
    expect(readNumber(typed)).toEqual({ number })
  })

  it('asks again with the reason, inside the flow and after "cek"; "batal" leaves', async () => {
    const { say } = await setup()
    expect(await say('4')).toBe(
      'Langkah 1 dari 1\nKetik nomor sertifikat yang ingin diperiksa, seperti tercetak pada sertifikat (mis. LSPS-2025-00042). Huruf besar atau kecil, spasi, dan tanda hubung tidak berpengaruh.',
    )
    expect(await say('LSPS 2025 #42')).toMatch(
      /^⚠️ Nomor sertifikat hanya berisi huruf dan angka .*"#" tidak termasuk\.\n\nLangkah 1 dari 1\n/,
    )
    expect(await say('99')).toMatch(/^⚠️ Nomor sertifikat terdiri dari 4–40 huruf dan angka .*yang Anda ketik 2\./)
    // Inside the flow, "cek <nomor>" is the number too.
    expect(await say(`cek ${VALID.number}`)).toContain('✅ *VALID*')
    expect(await say('cek AB-CD')).toMatch(/^⚠️ Nomor sertifikat selalu berisi angka.*\n\nLangkah 1 dari 1/)
    expect(await say('batal')).toContain('dibatalkan')
  })

  it('"cek" with words that are no number is left to the other features; "cek sertifikat saya" asks', async () => {
    const { say } = await setup()
    expect(await say('cek status')).toContain('memastikan ini memang Anda')
    await say('batal')
    // Understood as the person's own status (issue 20): the proof starts; it is left before the next check.
    expect(await say('cek status saya dong')).not.toMatch(/Nomor sertifikat|Langkah 1 dari 1/)
    await say('batal')
    expect(await say('cek sertifikat saya')).toContain('Ketik nomor sertifikat yang ingin diperiksa')
    await say('menu')
    expect(await say('cek sertifikat')).toContain('Ketik nomor sertifikat yang ingin diperiksa')
    await say('menu')
    expect(await say('verifikasi LSPS-2025-00042')).toContain('✅ *VALID*')
  })
})

describe('the lookup audit', () => {
  it('records each chat lookup (number and outcome, never who asked) within the turn', async () => {
    const { say } = await setup()
    await say(`cek ${VALID.number}`)
    await say('cek LSPS-2025-99999')
    await say('4')
    await say('12')
    await say(REVOKED.number)
    // A NIK typed by mistake is not stored.
    await say('cek 3273011506800001')
    expect(await audited()).toEqual([
      { actor: 'chat', entityId: 'LSPS202500042', details: { outcome: 'valid' } },
      { actor: 'chat', entityId: 'LSPS202599999', details: { outcome: 'not-found' } },
      { actor: 'chat', entityId: null, details: { outcome: 'invalid' } },
      { actor: 'chat', entityId: 'LSPS202300901', details: { outcome: 'revoked' } },
      { actor: 'chat', entityId: 'NIK?', details: { outcome: 'not-found' } },
    ])
    const raw = JSON.stringify(await core.db.select().from(auditLog))
    expect(raw).not.toContain('3273011506800001')
    expect(raw).not.toContain(inbound('x').chatId)
  })
})
