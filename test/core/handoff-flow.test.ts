import { afterEach, describe, expect, it } from 'vitest'
import { runHousekeeping } from '../../src/core/housekeeping.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import { listHandoffs } from '../../src/db/queries/handoff.js'
import { fakeClock, testCore } from '../support/core.js'
import { coreDriver, play } from '../support/transcript.js'

let core: Awaited<ReturnType<typeof testCore>>
afterEach(() => closeDatabase(core.db))

const rows = async (sql: string) => await statement(core.db, sql).all()

describe('Bicara dengan petugas (the flow framework in use)', () => {
  it('re-asks each field with the specific reason, then files the request with consent and a code', async () => {
    core = await testCore()
    await play(coreDriver(core.engine, { chatId: 'wa-1' }), [
      {
        user: '6',
        bot: ['Saya akan menghubungkan Anda dengan petugas', 'Langkah 1 dari 5'],
        options: [
          'Pendaftaran / jadwal Bimtek',
          'Status sertifikasi saya',
          'Sertifikat (hilang, salah data, verifikasi)',
          'Data pribadi saya',
          'Lainnya',
        ],
      },
      { user: '8', bot: ['Pilihan tidak dikenali. Ketik angka pilihan (1–5)', 'Langkah 1 dari 5'] },
      { user: 'status sertifikasi saya', bot: ['Langkah 2 dari 5'] },
      { user: 'kpn?', bot: ['Mohon tulis sedikit lebih lengkap (paling sedikit 10 huruf)', 'Langkah 2 dari 5'] },
      { user: 'sy udh ujian bulan lalu tp blm ada hasil', bot: ['Langkah 3 dari 5'] },
      { user: 'B', bot: ['Nama harus 3–100 huruf; Anda mengetik 1', 'Langkah 3 dari 5'] },
      { user: 'Budi_99', bot: ['Nama hanya boleh berisi huruf'] },
      { user: 'Budi Santoso, S.Sos', bot: ['Langkah 4 dari 5'] },
      { user: '0812-345', bot: ['Nomor HP harus 10–13 angka', 'Anda mengetik 7 angka', 'Langkah 4 dari 5'] },
      { user: 'nomor saya', bot: ['Langkah 4 dari 5'] },
      { user: '+62 812 3456 7890', bot: ['Langkah 5 dari 5', 'provinsi mana'] },
      { user: 'atlantis', bot: ['Provinsi tidak dikenali', 'Langkah 5 dari 5'] },
      {
        user: 'sulsel',
        bot: [
          'Periksa lagi sebelum dikirim',
          'Status sertifikasi saya',
          'sy udh ujian',
          'Budi Santoso, S.Sos',
          '+62 812-****-7890',
          'Sulawesi Selatan',
          'dihapus 90 hari setelah percakapan selesai',
        ],
        not: ['81234567890'],
        options: ['Ya, kirim', 'Ubah', 'Batal'],
      },
      {
        user: '1',
        bot: [
          /Terima kasih, Budi Santoso, S\.Sos\. .*petugas BBPPKS Makassar dengan nomor (PTG-[A-Z2-9]{6})/,
          'membalas langsung di chat ini',
          'selesai',
        ],
      },
    ])
    const [request] = await listHandoffs(core.db)
    expect(request).toMatchObject({
      channel: 'console',
      chatId: 'wa-1',
      name: 'Budi Santoso, S.Sos',
      phoneE164: '+6281234567890',
      topic: 'status',
      question: 'sy udh ujian bulan lalu tp blm ada hasil',
      status: 'waiting',
      live: true,
      regionCode: 'R5',
    })
    expect(await rows('select purpose, text_version, granted, chat_id from consent_records')).toEqual([
      { purpose: 'handoff', text_version: 'handoff-v2', granted: 1, chat_id: 'wa-1' },
    ])
    const audit = await rows('select * from audit_log')
    expect(audit).toHaveLength(1)
    // Nothing the person typed reaches the audit log (its time is left out: a timestamp may hold "812").
    expect(JSON.stringify((audit as { at: number }[]).map(({ at: _at, ...entry }) => entry))).not.toMatch(/Budi|812|ujian/)
  })

  it('lets the person correct one field from the summary', async () => {
    core = await testCore()
    const driver = coreDriver(core.engine)
    for (const answer of ['6', '2', 'Kapan hasil ujian keluar ya?', 'Budi Santoso', '081234567890', 'Jawa Barat'])
      await driver.send(answer)
    await play(driver, [
      { user: 'ubah', bot: ['Bagian mana yang ingin diubah?'], options: ['Topik', 'Pertanyaan', 'Nama', 'Nomor HP', 'Provinsi'] },
      { user: '3', bot: ['Siapa nama lengkap Anda?'] },
      { user: 'Budiman Santoso', bot: ['Periksa lagi', 'Nama: Budiman Santoso', 'Nomor HP: +62 812-****-7890'] },
      { user: '2', bot: ['Bagian mana'] },
      { user: 'Topik', bot: ['Tentang apa pertanyaan Anda?'] },
      { user: '5', bot: ['Topik: Lainnya', 'Nama: Budiman Santoso'] },
      { user: 'ya', bot: ['Terima kasih, Budiman Santoso'] },
    ])
    expect((await listHandoffs(core.db))[0]).toMatchObject({ name: 'Budiman Santoso', topic: 'lain' })
  })

  it.each(['ya.', 'iya kak', 'yaa', 'ok sip', 'betul kak', 'sudah benar', 'Kirim'])('%j on the summary sends', async (yes) => {
    core = await testCore()
    const driver = coreDriver(core.engine)
    for (const answer of ['6', '2', 'Kapan hasil ujian keluar ya?', 'Budi Santoso', '081234567890', 'Jawa Barat'])
      await driver.send(answer)
    await play(driver, [{ user: yes, bot: [/nomor PTG-/] }])
  })

  it.each(['tidak', 'belum kak', 'hmm'])('%j on the summary sends nothing and explains the choices', async (notYes) => {
    core = await testCore()
    const driver = coreDriver(core.engine)
    for (const answer of ['6', '2', 'Kapan hasil ujian keluar ya?', 'Budi Santoso', '081234567890', 'Jawa Barat'])
      await driver.send(answer)
    await play(driver, [{ user: notYes, bot: ['Ketik 1 untuk mengirim'] }])
    expect(await listHandoffs(core.db)).toHaveLength(0)
  })

  it('"salah" on the summary opens the correction list; an unknown choice there says why', async () => {
    core = await testCore()
    const driver = coreDriver(core.engine)
    for (const answer of ['6', '2', 'Kapan hasil ujian keluar ya?', 'Budi Santoso', '081234567890', 'Jawa Barat'])
      await driver.send(answer)
    await play(driver, [
      { user: 'salah nama', bot: ['Bagian mana yang ingin diubah?'] },
      { user: '9', bot: ['⚠️ Pilihan tidak dikenali', 'Bagian mana yang ingin diubah?'] },
    ])
  })

  it('a greeting in the middle is not taken as an answer', async () => {
    core = await testCore()
    await play(coreDriver(core.engine), [
      { user: '6', bot: ['Langkah 1 dari 5'] },
      { user: '1', bot: ['Langkah 2 dari 5'] },
      { user: 'halo kak selamat pagi', bot: ['masih di tengah proses', 'batal', 'Langkah 2 dari 5'] },
    ])
  })

  it('refuses a landline: staff need a number for calls and WhatsApp', async () => {
    core = await testCore()
    const driver = coreDriver(core.engine)
    for (const answer of ['6', '2', 'Kapan hasil ujian keluar ya?', 'Budi Santoso']) await driver.send(answer)
    await play(driver, [
      { user: '(021) 5550 1234', bot: ['bukan nomor telepon rumah atau kantor', 'Langkah 4 dari 5'] },
      { user: 'wa 0812 3456 7890', bot: ['Langkah 5 dari 5'] },
      { user: 'jabar', bot: ['Periksa lagi', '+62 812-****-7890', 'Jawa Barat'] },
    ])
  })

  it('works in English', async () => {
    core = await testCore()
    await play(coreDriver(core.engine), [
      { user: 'english', bot: ['English'] },
      { user: 'Talk to a staff member', bot: ['I will connect you with the staff', 'Step 1 of 5'] },
      { user: 'Something else', bot: ['Write your question'] },
      { user: 'Is the certificate valid abroad?', bot: ['full name'] },
      { user: 'Maria Lake', bot: ['mobile'] },
      { user: '0812', bot: ['A mobile number has 10–13 digits'] },
      { user: '0812 3456 789', bot: ['Step 5 of 5', 'Which province'] },
      {
        user: 'Papua',
        bot: ['Please check before sending', 'Papua', 'deleted 90 days after the conversation ends'],
        options: ['Yes, send', 'Change something', 'Cancel'],
      },
      { user: 'yes', bot: ['Thank you, Maria Lake', 'BBPPKS Jayapura', /reference PTG-/, 'reply in this chat'] },
    ])
  })

  it('housekeeping deletes a conversation 90 days after it closed (never one going on) and forgets silent flows', async () => {
    const clock = fakeClock()
    core = await testCore({ clock: clock.now })
    const driver = coreDriver(core.engine, { chatId: 'old' })
    for (const answer of ['6', '1', 'Jadwal bimtek Papua kapan?', 'Yohanes Wenda', '081234567890', 'Papua', 'ya'])
      await driver.send(answer)
    const [request] = await listHandoffs(core.db)
    expect(request).toMatchObject({ status: 'waiting', regionCode: 'R6' })

    await coreDriver(core.engine, { chatId: 'half' }).send('6')
    clock.advance(45 * 60_000)
    expect(await runHousekeeping(core.db, clock.now(), 30)).toMatchObject({ expiredFlows: 1, purgedHandoffs: 0 })
    expect(await rows("select flow from conversation_states where chat_id = 'half'")).toEqual([{ flow: null }])

    // Still waiting for staff after 91 days: kept.
    clock.advance(91 * 86_400_000)
    expect(await runHousekeeping(core.db, clock.now(), 30)).toMatchObject({ purgedHandoffs: 0 })
    expect((await core.handoffs.actions.close(request?.code ?? '', { secretariat: true }, 'cli')).ok).toBe(true)
    clock.advance(89 * 86_400_000)
    expect(await runHousekeeping(core.db, clock.now(), 30)).toMatchObject({ purgedHandoffs: 0 })
    clock.advance(2 * 86_400_000)
    expect(await runHousekeeping(core.db, clock.now(), 30)).toMatchObject({ purgedHandoffs: 1 })
    expect(await listHandoffs(core.db, 'all')).toHaveLength(0)
    // The consent given for it, its thread and the message telling the person go with it.
    expect(await rows('select * from consent_records')).toEqual([])
    expect(await rows('select * from handoff_messages')).toEqual([])
  })
})
