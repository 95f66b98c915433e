/**
 * The person's side of a live handoff on the real core: the bot falls silent while staff answer,
 * acknowledges once, explains the menu, ends on "selesai" (confirmed), takes a rating after the
 * close; and staff's actions (take, reply, note, close) with their rules and records.
 */

import { afterEach, describe, expect, it } from 'vitest'
import type { HandoffActor } from '../../src/core/handoff/actions.js'
import { runHandoffJobs } from '../../src/core/handoff/jobs.js'
import type { Reply } from '../../src/core/types.js'
import { closeDatabase, statement, written } from '../../src/db/client.js'
import { handoffByCode, threadOf } from '../../src/db/queries/handoff-thread.js'
import { staff } from '../../src/db/schema.js'
import { fakeClock, testCore } from '../support/core.js'
import { testOutbox } from '../support/outbox.js'
import { coreDriver, play } from '../support/transcript.js'

let core: Awaited<ReturnType<typeof testCore>>
afterEach(() => closeDatabase(core.db))

// Monday 23 November 2026, 09:00 WIB / 10:00 WITA: working hours everywhere.
const MONDAY = new Date('2026-11-23T02:00:00Z')

async function staffMember(name: string, role: 'admin' | 'regional' | 'viewer', region: 'R1' | 'R5' | null = null) {
  const at = MONDAY
  const row = written(
    await core.db
      .insert(staff)
      .values({ name, email: `${name.split(' ')[0]?.toLowerCase()}@kemensos.go.id`, role, region, createdAt: at, updatedAt: at })
      .returning({ id: staff.id }),
  )
  return { staff: { id: row.id, name, role, region } } satisfies HandoffActor
}

/** Files a request from `chatId` (Sulawesi Selatan: BBPPKS Makassar, R5) and returns its code. */
async function file(driver: Awaited<ReturnType<typeof coreDriver>>, province = 'Sulawesi Selatan'): Promise<string> {
  for (const answer of ['6', '2', 'Kapan hasil ujian saya keluar?', 'Siti Rahma', '081234567890', province])
    await driver.send(answer)
  const [filed] = await driver.send('ya')
  const code = /PTG-[A-Z2-9]{6}/.exec(filed?.text ?? '')?.[0]
  if (!code) throw new Error(`not filed: ${filed?.text}`)
  return code
}

/** What the outbox delivers to `chatId` now. */
async function delivered(chatId: string, at: Date): Promise<string[]> {
  const sent: Reply[] = []
  await testOutbox(core.db, fakeClock(at), {
    console: async (to, replies) => {
      if (to === chatId) sent.push(...replies)
    },
  }).deliver()
  return sent.map((reply) => reply.text)
}

describe('a live handoff, the person side', () => {
  it('acknowledges the first message once, then stays silent and forwards everything to the thread', async () => {
    const clock = fakeClock(MONDAY)
    core = await testCore({ clock: clock.now })
    const driver = coreDriver(core.engine, { chatId: 'siti' })
    const code = await file(driver)
    await play(driver, [
      { user: 'halo kak, saya sudah kirim berkas', bot: [`✅ Pesan Anda sudah diteruskan ke petugas (${code})`] },
      { user: 'mohon dicek ya', bot: [] },
      // Words the assistant would answer on its own go to staff too.
      { user: 'jadwal bimtek', bot: [] },
      { user: 'english', bot: [] },
      { user: '2', bot: [] },
    ])
    expect(await driver.send('terima kasih')).toEqual([])
    const handoff = await handoffByCode(core.db, code)
    expect(handoff).toMatchObject({ status: 'waiting', regionCode: 'R5' })
    expect((await threadOf(core.db, handoff?.id ?? 0)).map((item) => [item.author, item.text])).toEqual([
      ['person', 'halo kak, saya sudah kirim berkas'],
      ['person', 'mohon dicek ya'],
      ['person', 'jadwal bimtek'],
      ['person', 'english'],
      ['person', '2'],
      ['person', 'terima kasih'],
    ])
  })

  it('explains how to end the conversation on "menu", "batal" or a menu button, and forwards none of them', async () => {
    core = await testCore({ clock: fakeClock(MONDAY).now })
    const driver = coreDriver(core.engine, { chatId: 'menu' })
    const code = await file(driver)
    for (const word of ['menu', 'batal', '/start']) {
      await play(driver, [{ user: word, bot: [`Anda sedang terhubung dengan petugas (${code})`, 'Ketik *selesai*'] }])
    }
    expect(await threadOf(core.db, (await handoffByCode(core.db, code))?.id ?? 0)).toEqual([])
  })

  it('ends on "selesai" only once confirmed, answers again, and takes the rating from the next message', async () => {
    const clock = fakeClock(MONDAY)
    core = await testCore({ clock: clock.now })
    const driver = coreDriver(core.engine, { chatId: 'end' })
    const code = await file(driver)
    await play(driver, [
      { user: 'selesai', bot: [`Akhiri percakapan dengan petugas (${code})?`], options: ['Ya, akhiri', 'Tidak, lanjutkan'] },
      { tap: 'Tidak, lanjutkan', bot: ['percakapan dengan petugas berlanjut'] },
      { user: 'satu pertanyaan lagi', bot: ['✅ Pesan Anda sudah diteruskan'] },
      { user: 'Kembali ke bot', bot: ['Akhiri percakapan'] },
      { user: 'iya', bot: [`Percakapan dengan petugas (${code}) sudah diakhiri`, 'angka *1*', '*5*'] },
      { user: '4', bot: ['Terima kasih atas penilaian Anda (4 dari 5)'] },
      // The assistant is back: a greeting gets the menu.
      { user: 'halo', bot: ['Halo'], not: ['penilaian'] },
    ])
    expect(await handoffByCode(core.db, code)).toMatchObject({
      status: 'closed',
      closedBy: 'person',
      rating: 4,
      ratingPending: false,
    })
  })

  it('the confirmation takes the option number passed as a choice (as a channel may pass it)', async () => {
    core = await testCore({ clock: fakeClock(MONDAY).now })
    const driver = coreDriver(core.engine, { chatId: 'numbers' })
    const code = await file(driver)
    await driver.send('selesai')
    const choose = async (choice: string) =>
      (
        await core.engine.handle({
          channel: 'console',
          chatId: 'numbers',
          userId: 'numbers',
          messageId: `n-${choice}-${Math.random()}`,
          choice,
          receivedAt: MONDAY,
        })
      )
        .map((reply) => reply.text)
        .join('\n')
    expect(await choose('2')).toContain('percakapan dengan petugas berlanjut')
    await driver.send('selesai')
    expect(await choose('1')).toContain(`Percakapan dengan petugas (${code}) sudah diakhiri`)
  })

  it('after a close, an answer outside 1–5 is a normal message and no rating is asked again', async () => {
    core = await testCore({ clock: fakeClock(MONDAY).now })
    const driver = coreDriver(core.engine, { chatId: 'norate' })
    const code = await file(driver)
    await driver.send('selesai')
    await driver.send('ya')
    await play(driver, [
      { user: 'menu', bot: ['Ketik angka menu yang Anda perlukan'], not: ['penilaian', 'petugas ('] },
      { user: '4', bot: [], not: ['penilaian Anda'] },
    ])
    expect(await handoffByCode(core.db, code)).toMatchObject({ rating: null, ratingPending: false })
  })

  it('keeps photos and PDFs sealed in the thread, and says why a file was not passed on', async () => {
    core = await testCore({ clock: fakeClock(MONDAY).now })
    const driver = coreDriver(core.engine, { chatId: 'files' })
    const code = await file(driver)
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8])
    const send = (over: object) =>
      core.engine.handle({
        channel: 'console',
        chatId: 'files',
        userId: 'files',
        messageId: `f-${Math.random()}`,
        receivedAt: MONDAY,
        ...over,
      })
    expect(
      await send({ text: 'ini KTP saya', media: { kind: 'image', mimeType: 'image/jpeg', fileName: 'ktp.jpg', bytes: jpeg } }),
    ).toEqual([{ text: `✅ Pesan Anda sudah diteruskan ke petugas (${code}). Mohon tunggu balasan di chat ini.` }])
    const [tooBig] = await send({ media: { rejected: 'too_big', size: 6.3 * 1024 * 1024 } })
    expect(tooBig?.text).toContain('terlalu besar (6,3 MB; paling besar 5 MB)')
    const [cutOff] = await send({ media: { rejected: 'too_big' } })
    expect(cutOff?.text).toContain('lebih besar dari 5 MB')
    const [wrongType] = await send({ media: { rejected: 'type' } })
    expect(wrongType?.text).toContain('hanya bisa menerima foto (JPG, PNG, WEBP) dan PDF')
    const [sticker] = await send({ unsupported: true })
    expect(sticker?.text).toContain('Pesan ini tidak diteruskan')

    const handoff = await handoffByCode(core.db, code)
    const [item] = await threadOf(core.db, handoff?.id ?? 0)
    expect(item).toMatchObject({
      author: 'person',
      text: 'ini KTP saya',
      attachment: { kind: 'image', mimeType: 'image/jpeg', fileName: 'ktp.jpg', size: 12 },
    })
    const stored = (await statement(core.db, 'select content from handoff_attachments').get()) as { content: Buffer }
    // Sealed: the stored bytes are not the photo.
    expect(stored.content.includes(Buffer.from(jpeg))).toBe(false)
    expect(await threadOf(core.db, handoff?.id ?? 0)).toHaveLength(1)
  })

  it('a file that arrives once the conversation has ended is not read (it ended during the download)', async () => {
    core = await testCore({ clock: fakeClock(MONDAY).now })
    const [answer] = await core.engine.handle({
      channel: 'console',
      chatId: 'late-file',
      userId: 'late-file',
      messageId: 'late-1',
      media: { kind: 'pdf', mimeType: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4') },
      receivedAt: MONDAY,
    })
    expect(answer?.text).toContain('Maaf, saya hanya bisa membaca pesan teks.')
    expect(await statement(core.db, 'select count(*) as n from handoff_attachments').get()).toEqual({ n: 0 })
  })

  it('a phone-call request filed before live handoff does not silence the chat', async () => {
    core = await testCore({ clock: fakeClock(MONDAY).now })
    await statement(
      core.db,
      "insert into handoff_requests (code, channel, chat_id, name, topic, question, status, live) values ('PTG-OLD222', 'console', 'legacy', 'Budi', 'lain', 'Telepon saya', 'waiting', 0)",
    ).run()
    await play(coreDriver(core.engine, { chatId: 'legacy' }), [{ user: 'halo', bot: ['Halo'] }])
  })
})

describe('acknowledgements at the edges of the working day (Monday–Friday 08:00–16:00, region time)', () => {
  /** Files from `province` at `filedAt`, then the person writes at `at`: their answer. */
  async function firstMessageAt(province: string, filedAt: string, at: string) {
    const clock = fakeClock(new Date(filedAt))
    core = await testCore({ clock: clock.now })
    const driver = coreDriver(core.engine, { chatId: 'edge' })
    const code = await file(driver, province)
    clock.advance(new Date(at).getTime() - clock.now().getTime())
    return { code, clock, driver, answer: (await driver.send('Halo, ada yang bisa bantu?')).map((r) => r.text).join('\n') }
  }

  it('WIB: 15:59 on a Friday is in hours; 16:00 is not, and staff are back on Monday 08.00 WIB', async () => {
    expect((await firstMessageAt('Jawa Barat', '2026-12-04T08:00:00Z', '2026-12-04T08:59:00Z')).answer).toContain(
      '✅ Pesan Anda sudah diteruskan',
    )
    closeDatabase(core.db)
    const late = await firstMessageAt('Jawa Barat', '2026-12-04T08:00:00Z', '2026-12-04T09:00:00Z')
    expect(late.answer).toContain('di luar jam layanan petugas (Senin–Jumat 08.00–16.00 WIB)')
    expect(late.answer).toContain('Petugas akan membalas mulai Senin, 7 Desember 2026, 08.00 WIB')
  })

  it('WITA: 07:59 on a Monday waits for 08.00 the same day; 08:00 is in hours', async () => {
    const early = await firstMessageAt('Sulawesi Selatan', '2026-12-06T10:00:00Z', '2026-12-06T23:59:00Z')
    expect(early.answer).toContain('Petugas akan membalas mulai Senin, 7 Desember 2026, 08.00 WITA')
    closeDatabase(core.db)
    expect((await firstMessageAt('Sulawesi Selatan', '2026-12-06T10:00:00Z', '2026-12-07T00:00:00Z')).answer).toContain(
      '✅ Pesan Anda sudah diteruskan',
    )
  })

  it('WIT: Thursday 24 December at 16:00 waits over Christmas and the weekend until Monday 28 December', async () => {
    const { answer } = await firstMessageAt('Papua', '2026-12-24T05:00:00Z', '2026-12-24T07:00:00Z')
    expect(answer).toContain('(Senin–Jumat 08.00–16.00 WIT)')
    expect(answer).toContain('Petugas akan membalas mulai Senin, 28 Desember 2026, 08.00 WIT')
  })

  it('a public holiday (17 August) is out of hours all day; the filing answer says so too', async () => {
    const clock = fakeClock(new Date('2026-08-17T02:00:00Z'))
    core = await testCore({ clock: clock.now })
    const driver = coreDriver(core.engine, { chatId: 'merdeka' })
    for (const answer of ['6', '2', 'Kapan hasil ujian saya keluar?', 'Siti Rahma', '081234567890', 'Sulawesi Selatan'])
      await driver.send(answer)
    const [filed] = await driver.send('ya')
    expect(filed?.text).toContain(
      'Saat ini di luar jam layanan (Senin–Jumat 08.00–16.00 WITA). Petugas akan membalas mulai Selasa, 18 Agustus 2026, 08.00 WITA.',
    )
  })

  it('out of hours: one acknowledgement per closed period; after the opening, nothing more unless hours close again', async () => {
    const { clock, driver } = await firstMessageAt('Sulawesi Selatan', '2026-12-04T07:00:00Z', '2026-12-04T08:30:00Z')
    await play(driver, [{ user: 'masih ada?', silent: true }])
    // Saturday: still the same closed period.
    clock.advance(24 * 3_600_000)
    await play(driver, [{ user: 'halo?', silent: true }])
    // Monday in hours, still unanswered: no second acknowledgement.
    clock.advance(2 * 24 * 3_600_000 - 6 * 3_600_000)
    await play(driver, [{ user: 'pagi kak', silent: true }])
    // Monday evening: closed again, and the person is told when staff are back.
    clock.advance(10 * 3_600_000)
    await play(driver, [{ user: 'belum dibalas ya', bot: ['Petugas akan membalas mulai Selasa, 8 Desember 2026, 08.00 WITA'] }])
  })

  it('HANDOFF_CLOSED_DATES closes a working day (cuti bersama)', async () => {
    const clock = fakeClock(new Date('2026-12-24T01:00:00Z'))
    core = await testCore({ clock: clock.now, env: { HANDOFF_CLOSED_DATES: '2026-12-24' } })
    const driver = coreDriver(core.engine, { chatId: 'cuti' })
    await file(driver, 'Sulawesi Selatan')
    await play(driver, [{ user: 'halo', bot: ['Petugas akan membalas mulai Senin, 28 Desember 2026, 08.00 WITA'] }])
  })
})

describe('staff actions', () => {
  it('a reply reaches the person signed with the first name and the region, and opens the handoff', async () => {
    const clock = fakeClock(MONDAY)
    core = await testCore({ clock: clock.now })
    const rina = await staffMember('Rina Wulandari', 'regional', 'R5')
    const driver = coreDriver(core.engine, { chatId: 'reply' })
    const code = await file(driver)
    const result = await core.handoffs.actions.reply(code, rina, 'Berkas Anda sudah kami terima.', 'console')
    expect(result.ok).toBe(true)
    expect(await delivered('reply', clock.now())).toEqual(['*Petugas Rina · BBPPKS Makassar:*\nBerkas Anda sudah kami terima.'])
    const handoff = await handoffByCode(core.db, code)
    expect(handoff).toMatchObject({ status: 'open', assignedStaffId: rina.staff.id })
    expect((await threadOf(core.db, handoff?.id ?? 0)).map((item) => [item.author, item.text, item.delivery])).toEqual([
      ['staff', 'Berkas Anda sudah kami terima.', 'sent'],
      ['system', '✅ Diambil oleh Rina Wulandari', null],
    ])
    const audit = await statement(
      core.db,
      "select actor, action, entity_id as code from audit_log where action like 'handoff.%' order by id",
    ).all()
    expect(audit).toEqual([
      { actor: 'chat:console', action: 'handoff.created', code },
      { actor: `staff:${rina.staff.id}`, action: 'handoff.replied', code },
    ])
  })

  it('HANDOFF_SIGNATURE=anonymous signs with the region only', async () => {
    const clock = fakeClock(MONDAY)
    core = await testCore({ clock: clock.now, env: { HANDOFF_SIGNATURE: 'anonymous' } })
    const code = await file(coreDriver(core.engine, { chatId: 'anon' }))
    await core.handoffs.actions.reply(code, await staffMember('Rina Wulandari', 'admin'), 'Sudah kami cek.', 'console')
    expect(await delivered('anon', clock.now())).toEqual(['*Petugas BBPPKS Makassar:*\nSudah kami cek.'])
  })

  it('refuses another region, viewers, empty or too long text and closed handoffs, writing nothing', async () => {
    const clock = fakeClock(MONDAY)
    core = await testCore({ clock: clock.now })
    const code = await file(coreDriver(core.engine, { chatId: 'rules' }))
    const actions = core.handoffs.actions
    const count = async () => ((await statement(core.db, 'select count(*) as n from handoff_messages').get()) as { n: number }).n
    expect(await actions.reply(code, await staffMember('Ali Padang', 'regional', 'R1'), 'Halo', 'console')).toMatchObject({
      error: { code: 'NOT_IN_SCOPE' },
    })
    expect(await actions.take(code, await staffMember('Vera Viewer', 'viewer'), 'console')).toMatchObject({
      error: { code: 'NOT_IN_SCOPE' },
    })
    const admin = await staffMember('Ade Admin', 'admin')
    expect(await actions.reply(code, admin, '   ', 'console')).toMatchObject({ error: { code: 'TEXT_EMPTY' } })
    expect(await actions.reply(code, admin, 'x'.repeat(2001), 'console')).toMatchObject({ error: { code: 'TEXT_TOO_LONG' } })
    expect(await actions.reply('PTG-NOPE22', admin, 'Halo', 'console')).toMatchObject({ error: { code: 'HANDOFF_NOT_FOUND' } })
    expect(await count()).toBe(0)
    expect((await actions.close(code, admin, 'console')).ok).toBe(true)
    expect(await actions.reply(code, admin, 'Halo', 'console')).toMatchObject({ error: { code: 'HANDOFF_CLOSED' } })
    expect(await actions.close(code, admin, 'console')).toMatchObject({ error: { code: 'HANDOFF_CLOSED' } })
  })

  it('a staff message delivered twice from the staff group is answered once', async () => {
    const clock = fakeClock(MONDAY)
    core = await testCore({ clock: clock.now })
    const code = await file(coreDriver(core.engine, { chatId: 'twice' }))
    const admin = await staffMember('Ade Admin', 'admin')
    await core.handoffs.actions.reply(code, admin, 'Sudah kami cek.', 'telegram', '9001')
    await core.handoffs.actions.reply(code, admin, 'Sudah kami cek.', 'telegram', '9001')
    expect(await delivered('twice', clock.now())).toEqual(['*Petugas Ade · BBPPKS Makassar:*\nSudah kami cek.'])
  })

  it('notes stay internal; closing tells the person, asks for a rating, and the bot answers again', async () => {
    const clock = fakeClock(MONDAY)
    core = await testCore({ clock: clock.now })
    const driver = coreDriver(core.engine, { chatId: 'close' })
    const code = await file(driver)
    const admin = await staffMember('Ade Admin', 'admin')
    await core.handoffs.actions.note(code, admin, 'Sudah dicek di data pusat, NIK cocok', 'console')
    await core.handoffs.actions.close(code, admin, 'console')
    const [closed] = await delivered('close', clock.now())
    expect(closed).toContain(`Petugas telah menutup percakapan ${code}`)
    expect(closed).toContain('angka *1* (tidak membantu) sampai *5*')
    expect(closed).not.toContain('data pusat')
    await play(driver, [{ user: '5', bot: ['(5 dari 5)'] }])
  })
})

describe('handoff jobs', () => {
  const everHours = { workingMinutesBetween: (a: Date, b: Date) => Math.max(0, (b.getTime() - a.getTime()) / 60_000) }

  it('tells staff once when a request is still waiting after the alert time', async () => {
    const clock = fakeClock(MONDAY)
    core = await testCore({ clock: clock.now })
    const code = await file(coreDriver(core.engine, { chatId: 'alert' }))
    const jobs = async (at: Date) =>
      await runHandoffJobs({ db: core.db, calendar: everHours, settings: { alertMinutes: 60, idleHours: 48 } }, at)
    expect((await jobs(new Date(MONDAY.getTime() + 59 * 60_000))).alerted).toBe(0)
    expect((await jobs(new Date(MONDAY.getTime() + 61 * 60_000))).alerted).toBe(1)
    expect((await jobs(new Date(MONDAY.getTime() + 180 * 60_000))).alerted).toBe(0)
    const items = await threadOf(core.db, (await handoffByCode(core.db, code))?.id ?? 0)
    expect(items.map((item) => item.text)).toEqual([
      expect.stringMatching(new RegExp(`^⏰ ${code} masih menunggu petugas sejak .* \\(61 menit jam kerja\\)$`)),
    ])
  })

  it('closes a conversation idle since staff spoke last, never one where the person is waiting', async () => {
    const clock = fakeClock(MONDAY)
    core = await testCore({ clock: clock.now })
    const admin = await staffMember('Ade Admin', 'admin')
    const quiet = await file(coreDriver(core.engine, { chatId: 'quiet' }))
    await core.handoffs.actions.reply(quiet, admin, 'Sudah kami proses.', 'console')
    const asking = coreDriver(core.engine, { chatId: 'asking' })
    const waiting = await file(asking)
    await core.handoffs.actions.reply(waiting, admin, 'Boleh kirim foto KTP?', 'console')
    clock.advance(60_000)
    await asking.send('baik, sebentar saya cari')
    const jobs = async (hours: number) =>
      await runHandoffJobs(
        { db: core.db, calendar: everHours, settings: { alertMinutes: 100_000, idleHours: 48 } },
        new Date(MONDAY.getTime() + hours * 3_600_000),
      )
    expect((await jobs(47)).closedIdle).toBe(0)
    expect((await jobs(49)).closedIdle).toBe(1)
    expect(await handoffByCode(core.db, quiet)).toMatchObject({ status: 'closed', closedBy: 'idle', ratingPending: true })
    expect(await handoffByCode(core.db, waiting)).toMatchObject({ status: 'open' })
    const notice = await delivered('quiet', new Date(MONDAY.getTime() + 49 * 3_600_000))
    expect(notice.at(-1)).toContain(`ditutup karena tidak ada pesan selama 48 jam`)
  })
})
