/**
 * Issue 20 in the engine: an understood sentence is answered outside a flow only. Inside a flow the step keeps
 * priority (a name or a NIK typed at a step is never read as a request), typed commands keep their meaning, and
 * options made from an understood sentence keep working on old messages.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { closeDatabase } from '../../src/db/client.js'
import { testCore } from '../support/core.js'
import { addSession } from '../support/sessions.js'
import { coreDriver, play } from '../support/transcript.js'

let core: Awaited<ReturnType<typeof testCore>>
afterEach(() => closeDatabase(core.db))

async function seeded() {
  core = await testCore()
  const now = new Date()
  await addSession(core.db, now, { code: 'MKS-1', title: 'Bimtek Makassar', region: 'R5', provinceCode: '73' })
  await addSession(core.db, now, { code: 'BDG-1', title: 'Bimtek Bandung', region: 'R2', provinceCode: '32' })
  return coreDriver(core.engine)
}

describe('inside a flow the step keeps priority', () => {
  it('a sentence typed at the name step is the answer to that step, not a schedule question', async () => {
    await play(await seeded(), [
      { user: '2', bot: ['Langkah 1 dari 10'] },
      { tap: 'Ya, saya setuju', bot: ['Langkah 2 dari 10', 'nama lengkap'] },
      { user: 'kapan bimtek di makassar', bot: ['Langkah 3 dari 10', 'NIK'], not: ['Bimtek Makassar', 'Jadwal Bimtek'] },
      // At the NIK step, a sentence that names a certificate is a wrong NIK, never a certificate check.
      { user: 'sertifikat LSPS 2024 00123 asli gak', bot: ['NIK'], not: ['LSPS2024', 'sertifikat tidak ditemukan'] },
    ])
  })

  it('a request typed at a step of menu 6 stays in that flow', async () => {
    await play(await seeded(), [
      { user: '6', bot: ['Langkah 1 dari 5', 'Tentang apa pertanyaan Anda?'] },
      { user: 'jangan kirim pengingat lagi', bot: ['Langkah 1 dari 5'], not: ['Pengingat dimatikan', 'Matikan semua pengingat'] },
    ])
  })

  it('"batal" and "menu" keep their meaning, and then a sentence is understood again', async () => {
    await play(await seeded(), [
      { user: '6', bot: ['Langkah 1 dari 5'] },
      { user: 'batal', bot: ['dibatalkan'] },
      { user: 'kapan bimtek di makassar', bot: ['Bimtek Makassar'], not: ['Bimtek Bandung'] },
    ])
  })
})

describe('outside a flow', () => {
  it('two requests in one message are both answered, in the order asked', async () => {
    const driver = await seeded()
    const answer = await driver.send('syaratnya apa dan kapan bimtek di bandung')
    const text = answer.map((reply) => reply.text).join('\n')
    const requirements = text.indexOf('*Syarat dan dokumen*')
    const schedule = text.indexOf('Bimtek Bandung')
    expect(requirements).toBeGreaterThanOrEqual(0)
    expect(schedule).toBeGreaterThan(requirements)
    expect(text).not.toContain('Bimtek Makassar')
  })

  it('two knowledge questions in one message get both answers, in order', async () => {
    await play(await seeded(), [{ user: 'syaratnya apa, biayanya brp', bot: ['*Syarat dan dokumen*', '*Biaya sertifikasi*'] }])
  })

  it('a third request in one message is named, never silently dropped', async () => {
    await play(await seeded(), [
      {
        user: 'stop pengingat, hapus data sy, terus kapan bimtek di bandung',
        // The first two both wait for an answer: the person chooses which first, and hears about the third.
        bot: ['Anda menanyakan dua hal. Mana dulu?', 'lebih dari dua permintaan', 'Silakan kirim satu per satu.'],
        options: ['Matikan pengingat', 'Hapus data saya'],
      },
    ])
  })

  it('a how-question gets the FAQ answer with the action that does it as the first option', async () => {
    await play(await seeded(), [
      { user: 'cara stop pengingat gimana', bot: ['*Pengingat ujian dan Bimtek*'] },
      { user: '1', bot: ['Matikan semua pengingat untuk chat ini?'], options: ['Ya, matikan', 'Tidak, biarkan menyala'] },
    ])
  })

  it('an option made from an understood sentence still works when tapped from an older message', async () => {
    const driver = await seeded()
    await play(driver, [
      { user: 'cara daftar bimtek', bot: ['*Cara daftar Bimtek*'] },
      { user: 'halo', bot: ['asisten sertifikasi SDM Kesos'] },
    ])
    // The schedule option of the first answer, tapped after the menu replaced it.
    const replies = await core.engine.handle({
      channel: 'console',
      chatId: 'old-button',
      userId: 'old-button',
      messageId: 'old-button-1',
      choice: 'u:sf:p=73',
      receivedAt: new Date(),
    })
    const text = replies.map((reply) => reply.text).join('\n')
    expect(text).toContain('Bimtek Makassar')
    expect(text).not.toContain('Bimtek Bandung')
  })
})
