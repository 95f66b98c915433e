/**
 * The Telegram staff group, as staff in the group and the person on the other side would notice
 * it: a topic per handoff with its header and the person's messages (topics on), or posts and
 * replies to them (topics off); what linked staff write reaches the handoff actions, what anyone
 * else writes does not; commands, linking, alerts, files, NIK masking, pacing and the clean-up
 * after an erasure. Real grammY bot, fake Bot API server, in-memory SQLite with the migrations.
 */

import { eq } from 'drizzle-orm'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createTelegramBot } from '../../src/bots/telegram/bot.js'
import { createStaffGroup, staffGroupIds } from '../../src/bots/telegram/staff-group.js'
import { createStaffRelay, type StaffGroupSettings } from '../../src/bots/telegram/staff-relay.js'
import { checkStaffGroups, describeCheck } from '../../src/bots/telegram/staff-setup.js'
import type { Engine } from '../../src/core/engine.js'
import { loadKnowledgeBase } from '../../src/core/faq/knowledge-base.js'
import { createHandoffActions, type HandoffActions, type HandoffActor } from '../../src/core/handoff/actions.js'
import { runHandoffJobs } from '../../src/core/handoff/jobs.js'
import { closeDatabase, type Db, openDatabase, written } from '../../src/db/client.js'
import { queueGroupCleanups } from '../../src/db/queries/handoff.js'
import { storeTelegramCode, telegramCodeHash } from '../../src/db/queries/telegram-links.js'
import { ensureReferenceData } from '../../src/db/reference-data.js'
import {
  auditLog,
  handoffAttachments,
  handoffGroupCleanups,
  handoffMessages,
  handoffRequests,
  outbox,
  regions,
  staff,
  staffLinks,
} from '../../src/db/schema.js'
import { fakeClock } from '../support/core.js'
import { type FakeTelegram, type RecordedCall, startFakeTelegram } from '../support/fake-telegram.js'

const TOPICS_GROUP = -1001234567
const REPLIES_GROUP = -1007654321
const ALL_GROUP = -1009999999
const BASE = 'https://kesos.example.id'
const NIK = '3273014101900001'
const kb = loadKnowledgeBase('content/faq.yaml')

type ActionCall = { action: string; code: string; actor: HandoffActor; text?: string; via: string; platformId?: string }

/** The core's handoff actions, with their calls recorded. */
function recordingActions(db: Db, clock: () => Date) {
  const real = createHandoffActions({ db, clock, settings: { signature: 'name' } })
  const calls: ActionCall[] = []
  const log = <T>(call: ActionCall, run: () => T): T => {
    calls.push(call)
    return run()
  }
  const actions: HandoffActions = {
    take: (code, actor, via) => log({ action: 'take', code, actor, via }, () => real.take(code, actor, via)),
    reply: (code, actor, text, via, platformId) =>
      log({ action: 'reply', code, actor, text, via, ...(platformId && { platformId }) }, () =>
        real.reply(code, actor, text, via, platformId),
      ),
    note: (code, actor, text, via, platformId) =>
      log({ action: 'note', code, actor, text, via, ...(platformId && { platformId }) }, () =>
        real.note(code, actor, text, via, platformId),
      ),
    close: (code, actor, via) => log({ action: 'close', code, actor, via }, () => real.close(code, actor, via)),
  }
  return { calls, ...actions }
}

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

type Options = { staffChats?: StaffGroupSettings['staffChats']; groupFiles?: 'link' | 'upload'; files?: boolean }

async function setup(options: Options = {}) {
  const db = openDatabase(':memory:')
  await ensureReferenceData(db)
  cleanups.push(() => closeDatabase(db))
  const clock = fakeClock(new Date('2026-12-07T02:12:00Z'))
  const fake = await startFakeTelegram()
  cleanups.push(() => fake.close())
  fake.setChat(TOPICS_GROUP, { is_forum: true, title: 'Staf Makassar' })
  fake.setChat(REPLIES_GROUP, { is_forum: false, title: 'Staf Bandung' })
  fake.setChat(ALL_GROUP, { is_forum: true, title: 'Staf pusat' })
  const settings: StaffGroupSettings = {
    staffChats: options.staffChats ?? [
      { region: 'R5', chatId: String(TOPICS_GROUP) },
      { region: 'R2', chatId: String(REPLIES_GROUP) },
      { region: '*', chatId: String(ALL_GROUP) },
    ],
    groupFiles: options.groupFiles ?? 'link',
  }
  const lines: string[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) })
  const actions = recordingActions(db, clock.now)
  const staffGroup = createStaffGroup({ db, actions, faq: kb, clock: clock.now, logger })
  const engineCalls: unknown[] = []
  const engine = {
    handle: async (inbound: unknown) => {
      engineCalls.push(inbound)
      return []
    },
  } as unknown as Engine
  const telegram = createTelegramBot({
    token: fake.token,
    engine,
    blocking: { chatBlocked: async () => undefined, chatUnblocked: async () => undefined },
    clock: clock.now,
    logger,
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo,
    maxRetryAttempts: 2,
    staffGroups: staffGroupIds(settings),
    staffGroup,
  })
  // "Opened" files: the sealed bytes are the plain bytes reversed (the real box is MEDIA's ByteBox).
  const files = { open: (sealed: Uint8Array) => Buffer.from(sealed).reverse() }
  const relay = createStaffRelay({
    db,
    api: telegram.bot.api,
    settings,
    clock: clock.now,
    logger,
    publicBaseUrl: BASE,
    paceClock: { now: () => clock.now().getTime(), sleep: clock.sleep },
    // Working hours 08.00–16.00 in the region's zone, every day (the real calendar is tested on its own).
    calendar: {
      isOpen: (at: Date, place: { zone: string }) => {
        const hour = Number(
          new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: place.zone }).format(at),
        )
        return hour >= 8 && hour < 16
      },
    },
    ...(options.files !== false && { files }),
  })
  const regionId = async (code: string) => (await db.select().from(regions).where(eq(regions.code, code)).limit(1))[0]?.id ?? null

  let handoffCounter = 0
  /** A live handoff as the chat files it (the person's question with a NIK in it). */
  async function addHandoff(over: Partial<typeof handoffRequests.$inferInsert> & { region?: string | null } = {}) {
    handoffCounter += 1
    const { region = 'R5', ...rest } = over
    return written(
      await db
        .insert(handoffRequests)
        .values({
          code: `PTG-7K2QX${handoffCounter}`,
          channel: 'whatsapp',
          chatId: `62812000000${handoffCounter}@s.whatsapp.net`,
          name: 'Siti Rahma',
          phoneE164: '+6281234567890',
          topic: 'Status sertifikasi saya',
          question: `NIK saya ${NIK}, kapan sertifikat saya terbit?`,
          status: 'waiting',
          live: true,
          regionId: region === null ? null : await regionId(region),
          createdAt: clock.now(),
          ...rest,
        })
        .returning(),
    )
  }

  /** A row of the thread written by the person (or the system, staff elsewhere), not yet relayed. */
  async function addRow(handoffId: number, over: Partial<typeof handoffMessages.$inferInsert> = {}) {
    return written(
      await db
        .insert(handoffMessages)
        .values({ handoffId, at: clock.now(), author: 'person', via: 'chat', text: 'Halo, ada yang bisa bantu?', ...over })
        .returning(),
    )
  }

  let userCounter = 500
  /** A staff account, linked to a Telegram user unless `linked` is false. */
  async function addStaff(over: Partial<typeof staff.$inferInsert> & { linked?: boolean } = {}) {
    userCounter += 1
    const { linked = true, ...rest } = over
    const telegramUser = { id: userCounter, first_name: String(rest.name ?? 'Rina') }
    const row = written(
      await db
        .insert(staff)
        .values({
          name: 'Rina Wulandari',
          email: `staf${userCounter}@kemensos.go.id`,
          role: 'regional',
          region: 'R5',
          telegramUserId: linked ? String(telegramUser.id) : null,
          createdAt: clock.now(),
          updatedAt: clock.now(),
          ...rest,
        })
        .returning(),
    )
    return { row, user: telegramUser }
  }

  const handoffById = async (id: number) =>
    (await db.select().from(handoffRequests).where(eq(handoffRequests.id, id)).limit(1))[0]
  const rowById = async (id: number) => (await db.select().from(handoffMessages).where(eq(handoffMessages.id, id)).limit(1))[0]

  /** Sends a group message through the bot, as Telegram would deliver it. */
  async function write(input: Parameters<FakeTelegram['groupMessage']>[0]) {
    const update = fake.groupMessage(input)
    await telegram.bot.handleUpdate(update as never)
    return update
  }

  return {
    db,
    clock,
    fake,
    relay,
    actions,
    telegram,
    lines,
    engineCalls,
    addHandoff,
    addRow,
    addStaff,
    handoffById,
    rowById,
    write,
  }
}

type Setup = Awaited<ReturnType<typeof setup>>
const texts = (calls: RecordedCall[]) => calls.map((call) => String(call.payload.text ?? call.payload.caption ?? ''))

/** A handoff posted to its group: its topic (or header, in reply mode) exists. */
async function posted(s: Setup, over: Parameters<Setup['addHandoff']>[0] = {}) {
  const handoff = await s.addHandoff(over)
  await s.relay.runOnce()
  const stored = await s.handoffById(handoff.id)
  if (!stored?.tgChatId || stored.tgRootMessageId === null) throw new Error('handoff not posted')
  return stored
}

describe('topic mode: a forum topic per handoff', () => {
  it('opens a topic named "PTG-… · Siti · Makassar" with the header (no NIK, masked phone) and a line in General', async () => {
    const s = await setup()
    const handoff = await s.addHandoff()
    await s.relay.runOnce()

    const stored = await s.handoffById(handoff.id)
    expect(stored?.tgChatId).toBe(String(TOPICS_GROUP))
    const topicId = stored?.tgTopicId ?? 0
    expect(s.fake.topic(TOPICS_GROUP, topicId)).toEqual({
      name: `${handoff.code} · Siti · Makassar`,
      closed: false,
      deleted: false,
    })

    const [header, ...more] = texts(s.fake.posts(TOPICS_GROUP, topicId))
    expect(more).toEqual([])
    expect(header?.split('\n')).toEqual([
      `<b>🆕 ${handoff.code} · menunggu</b>`,
      'Nama: Siti Rahma · Wilayah: BBPPKS Makassar (R5)',
      'Kanal: WhatsApp · HP 0812-****-7890 · Topik: Status sertifikasi saya',
      'Dibuat: Senin, 7 Desember 2026, 10.12 WITA (jam layanan)',
      'Pertanyaan: NIK saya 3273 **** **** 0001, kapan sertifikat saya terbit?',
      'Balas di topik ini untuk menjawab. /ambil · /tutup · /faq TOPIK · /catatan TEKS',
    ])
    expect(header).not.toContain(NIK)
    expect(header).not.toContain('81234567890')
    expect(texts(s.fake.posts(TOPICS_GROUP, null))).toEqual([
      `🆕 ${handoff.code} menunggu (Makassar) → https://t.me/c/1234567/${topicId}`,
    ])
    // Nothing went to the other groups.
    expect(s.fake.posts(REPLIES_GROUP)).toEqual([])
    expect(s.fake.posts(ALL_GROUP)).toEqual([])
  })

  it("the header says when a handoff came in out of hours (in its region's zone)", async () => {
    const s = await setup()
    const late = await posted(s, { createdAt: new Date('2026-12-07T12:30:00Z') })
    const header = String(s.fake.message(TOPICS_GROUP, late.tgRootMessageId ?? 0)?.text)
    expect(header).toContain('Dibuat: Senin, 7 Desember 2026, 20.30 WITA (di luar jam layanan)')
  })

  it("posts each of the person's messages into the topic once, in order, with NIK-like numbers masked", async () => {
    const s = await setup()
    const handoff = await posted(s)
    const first = await s.addRow(handoff.id, { text: 'Ini NIK saya 3273-0141-0190-0001 ya' })
    s.clock.advance(11_000)
    const second = await s.addRow(handoff.id, { text: 'Mohon dibantu <segera> & terima kasih' })
    await s.relay.runOnce()
    await s.relay.runOnce()

    const topic = texts(s.fake.posts(TOPICS_GROUP, handoff.tgTopicId ?? 0)).slice(1)
    expect(topic).toEqual([
      '👤 Siti: Ini NIK saya 3273 **** **** 0001 ya',
      '👤 Siti: Mohon dibantu &lt;segera&gt; &amp; terima kasih',
    ])
    expect((await s.rowById(first.id))?.relayedAt).not.toBeNull()
    expect((await s.rowById(second.id))?.tgMessageId).toBeTypeOf('number')
  })

  it("joins the person's texts written within 10 s into one post; a file or a later text starts a new one", async () => {
    const s = await setup()
    const handoff = await posted(s)
    const burst = await Promise.all(
      ['Halo', 'Saya mau tanya', 'soal sertifikat'].map((text) => {
        s.clock.advance(3_000)
        return s.addRow(handoff.id, { text })
      }),
    )
    s.clock.advance(11_000)
    await s.addRow(handoff.id, { text: 'Masih di sana?' })
    await s.relay.runOnce()
    expect(texts(s.fake.posts(TOPICS_GROUP, handoff.tgTopicId ?? 0)).slice(1)).toEqual([
      '👤 Siti: Halo\nSaya mau tanya\nsoal sertifikat',
      '👤 Siti: Masih di sana?',
    ])
    const ids = await Promise.all(burst.map(async (row) => (await s.rowById(row.id))?.tgMessageId))
    expect(new Set(ids).size).toBe(1)
    expect(ids[0]).toBeTypeOf('number')
  })

  it('posts replies and notes written in the console, and events, each as staff read them', async () => {
    const s = await setup()
    const handoff = await posted(s)
    await s.addRow(handoff.id, { author: 'staff', via: 'console', staffName: 'Rina', text: 'Sertifikat terbit bulan depan.' })
    await s.addRow(handoff.id, { author: 'note', via: 'console', staffName: 'Rina', text: 'Sudah cek SK.' })
    await s.addRow(handoff.id, { author: 'system', via: 'system', text: '✅ Diambil oleh Rina', platformId: 'taken' })
    await s.relay.runOnce()
    expect(texts(s.fake.posts(TOPICS_GROUP, handoff.tgTopicId ?? 0)).slice(1)).toEqual([
      '💬 Rina (konsol): Sertifikat terbit bulan depan.',
      '📝 catatan Rina: Sudah cek SK.',
      '✅ Diambil oleh Rina',
    ])
  })

  it("a linked staff member's message in the topic goes to the person as a reply; the relay does not echo it", async () => {
    const s = await setup()
    const handoff = await posted(s)
    const rina = await s.addStaff()
    const before = s.fake.calls.length
    const update = await s.write({
      chatId: TOPICS_GROUP,
      from: rina.user,
      threadId: handoff.tgTopicId ?? 0,
      text: 'Halo Bu Siti, saya cek dulu.',
    })
    await s.relay.runOnce()

    expect(s.actions.calls).toEqual([
      {
        action: 'reply',
        code: handoff.code,
        actor: { staff: { id: rina.row.id, name: 'Rina Wulandari', role: 'regional', region: 'R5' } },
        text: 'Halo Bu Siti, saya cek dulu.',
        via: 'telegram',
        platformId: String(update.update_id),
      },
    ])
    // The person gets it, signed, through the outbox.
    const queued = await s.db.select().from(outbox).where(eq(outbox.chatId, handoff.chatId))
    expect(queued.map((row) => JSON.parse(row.payload).text)).toEqual([
      '*Petugas Rina · BBPPKS Makassar:*\nHalo Bu Siti, saya cek dulu.',
    ])
    // The group sees the handoff taken, but not its own message again; the same update again adds nothing.
    await s.telegram.bot.handleUpdate(update as never)
    await s.relay.runOnce()
    expect(texts(s.fake.calls.slice(before).filter((c) => c.method.startsWith('send')))).toEqual([
      '✅ Diambil oleh Rina Wulandari',
    ])
    expect(await s.db.select().from(outbox)).toHaveLength(1)
    expect((await s.handoffById(handoff.id))?.status).toBe('open')
  })

  it('a message in another topic, in General, or from a stranger is not relayed, and nothing is sent back', async () => {
    const s = await setup()
    const handoff = await posted(s)
    const rina = await s.addStaff()
    const stranger = { id: 9001, first_name: 'Orang' }
    const disabled = await s.addStaff({ status: 'disabled' })
    const viewer = await s.addStaff({ role: 'viewer', region: null })
    const otherRegion = await s.addStaff({ region: 'R2' })
    const unlinked = await s.addStaff({ linked: false })
    const other = await s.telegram.bot.api.createForumTopic(TOPICS_GROUP, 'Obrolan staf')
    const before = s.fake.calls.length

    await s.write({ chatId: TOPICS_GROUP, from: rina.user, threadId: other.message_thread_id, text: 'Rapat jam 2' })
    await s.write({ chatId: TOPICS_GROUP, from: rina.user, text: 'Selamat pagi semua' })
    for (const user of [stranger, disabled.user, viewer.user, otherRegion.user, unlinked.user]) {
      await s.write({ chatId: TOPICS_GROUP, from: user, threadId: handoff.tgTopicId ?? 0, text: 'Saya bantu jawab ya' })
    }
    await s.write({ chatId: TOPICS_GROUP, from: stranger, threadId: handoff.tgTopicId ?? 0, text: '/tutup' })

    expect(s.actions.calls).toEqual([])
    expect(s.fake.calls.slice(before)).toEqual([])
    expect((await s.handoffById(handoff.id))?.status).toBe('waiting')
    // Logged, without what was written.
    expect(s.lines.some((line) => line.includes('not linked to staff'))).toBe(true)
    expect(s.lines.join('\n')).not.toContain('Saya bantu jawab')
  })

  it("an admin of the centre may answer any region's handoff", async () => {
    const s = await setup()
    const handoff = await posted(s)
    const admin = await s.addStaff({ role: 'admin', region: null, name: 'Budi' })
    await s.write({ chatId: TOPICS_GROUP, from: admin.user, threadId: handoff.tgTopicId ?? 0, text: 'Sudah kami proses.' })
    expect(s.actions.calls.map((c) => [c.action, 'staff' in c.actor ? c.actor.staff.name : ''])).toEqual([['reply', 'Budi']])
  })

  it('ignores other bots, service messages (topic created, members joined) and edited messages', async () => {
    const s = await setup()
    const handoff = await posted(s)
    const rina = await s.addStaff()
    const topicId = handoff.tgTopicId ?? 0
    const before = s.fake.calls.length
    await s.write({
      chatId: TOPICS_GROUP,
      from: { id: 777, first_name: 'Bot lain', is_bot: true },
      threadId: topicId,
      text: 'spam',
    })
    await s.write({
      chatId: TOPICS_GROUP,
      from: rina.user,
      threadId: topicId,
      extra: { forum_topic_created: { name: 'x', icon_color: 1 } },
    })
    await s.write({
      chatId: TOPICS_GROUP,
      from: rina.user,
      threadId: topicId,
      extra: { new_chat_members: [{ id: 5, is_bot: false, first_name: 'A' }] },
    })
    const edited = s.fake.groupMessage({ chatId: TOPICS_GROUP, from: rina.user, threadId: topicId, text: 'koreksi' })
    await s.telegram.bot.handleUpdate({
      update_id: edited.update_id,
      edited_message: { ...edited.message, edit_date: 1 },
    } as never)
    expect(s.actions.calls).toEqual([])
    expect(s.fake.calls.slice(before)).toEqual([])
  })

  it('an anonymous admin (posting as the group) gets a hint and nothing is relayed', async () => {
    const s = await setup()
    const handoff = await posted(s)
    await s.write({
      chatId: TOPICS_GROUP,
      from: { id: 1087968824, first_name: 'Group', is_bot: true, username: 'GroupAnonymousBot' },
      senderChat: { id: TOPICS_GROUP, type: 'supergroup', title: 'Staf Makassar' },
      threadId: handoff.tgTopicId ?? 0,
      text: 'Halo Bu',
    })
    expect(s.actions.calls).toEqual([])
    const [hint] = s.fake.posts(TOPICS_GROUP, handoff.tgTopicId ?? 0).slice(1)
    expect(hint?.payload.text).toContain('Pesan dikirim sebagai grup (anonim), jadi tidak diteruskan.')
  })

  it('files from staff are refused with a note; a closed handoff says so', async () => {
    const s = await setup()
    const handoff = await posted(s)
    const rina = await s.addStaff()
    const topicId = handoff.tgTopicId ?? 0
    await s.write({
      chatId: TOPICS_GROUP,
      from: rina.user,
      threadId: topicId,
      extra: { photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }], caption: 'ini formulirnya' },
    })
    await s.db.update(handoffRequests).set({ status: 'closed' }).where(eq(handoffRequests.id, handoff.id))
    await s.write({ chatId: TOPICS_GROUP, from: rina.user, threadId: topicId, text: 'Masih ada pertanyaan?' })
    expect(s.actions.calls).toEqual([])
    expect(texts(s.fake.posts(TOPICS_GROUP, topicId)).slice(1)).toEqual([
      'Berkas dari petugas belum didukung; kirim teks.',
      `${handoff.code} sudah ditutup; pesan tidak diteruskan.`,
    ])
  })
})

describe('commands in the topic', () => {
  it('/ambil takes it, /catatan keeps a note, /faq sends an FAQ answer (alone: the list), /tutup closes the topic', async () => {
    const s = await setup()
    const handoff = await posted(s)
    const rina = await s.addStaff()
    const topicId = handoff.tgTopicId ?? 0
    const say = (text: string) => s.write({ chatId: TOPICS_GROUP, from: rina.user, threadId: topicId, text })

    await say('/ambil')
    await say('/catatan Sudah telepon BBPPKS')
    await say('/faq')
    await say('/faq bimtek')
    await say('/faq cuaca')
    await say('/tutup@kesos_test_bot')

    const bimtek = kb.topics.find((t) => t.id === 'bimtek')?.answer.id
    expect(s.actions.calls.map((c) => [c.action, c.text ?? null])).toEqual([
      ['take', null],
      ['note', 'Sudah telepon BBPPKS'],
      ['reply', bimtek],
      ['close', null],
    ])
    await s.relay.runOnce()
    const answers = texts(s.fake.posts(TOPICS_GROUP, topicId)).slice(1)
    expect(answers[0]).toBe('📝 Catatan disimpan (tidak dikirim ke warga).')
    expect(answers[1]).toContain('apa-sertifikasi, dasar-hukum')
    expect(answers[2]).toBe('💬 Jawaban FAQ "bimtek" dikirim ke warga.')
    expect(answers[3]).toBe('Topik FAQ "cuaca" tidak ada. Ketik /faq untuk daftar topik.')
    // Then the relay posts the events (not the note or the answer, which came from the group).
    expect(answers.slice(4)).toEqual(['✅ Diambil oleh Rina Wulandari', '🔒 Ditutup oleh petugas Rina Wulandari'])
    const toPerson = await s.db.select().from(outbox).where(eq(outbox.chatId, handoff.chatId))
    expect(toPerson.map((row) => row.kind)).toEqual(['handoff_reply', 'handoff_closed'])
    expect(JSON.parse(toPerson[0]?.payload ?? '{}').text).toBe(`*Petugas Rina · BBPPKS Makassar:*\n${bimtek}`)
    expect(s.fake.topic(TOPICS_GROUP, topicId)?.closed).toBe(true)
    expect(String(s.fake.message(TOPICS_GROUP, handoff.tgRootMessageId ?? 0)?.text)).toMatch(
      new RegExp(`^<b>🔒 ${handoff.code} · ditutup</b>\n`),
    )
  })
  it('an unknown command gets the list of commands, a command for another bot is ignored; neither reaches the person', async () => {
    const s = await setup()
    const handoff = await posted(s)
    const rina = await s.addStaff()
    const topicId = handoff.tgTopicId ?? 0
    await s.write({ chatId: TOPICS_GROUP, from: rina.user, threadId: topicId, text: '/start' })
    await s.write({ chatId: TOPICS_GROUP, from: rina.user, threadId: topicId, text: '/start@other_bot' })
    expect(s.actions.calls).toEqual([])
    expect(texts(s.fake.posts(TOPICS_GROUP, topicId)).slice(1)).toEqual([
      'Perintah di topik ini: /ambil · /tutup · /faq TOPIK · /catatan TEKS. Teks biasa dikirim ke warga.',
    ])
  })
})

describe('/tautkan: linking a Telegram account to a staff account', () => {
  async function withCode(s: Setup, code: string, minutes = 10) {
    const account = await s.addStaff({ linked: false, name: 'Rina Wulandari' })
    const at = s.clock.now()
    expect(
      await storeTelegramCode(s.db, account.row.id, telegramCodeHash(code), at, new Date(at.getTime() + minutes * 60_000)),
    ).toBe(true)
    return account
  }

  it('a good code links the sender (the message with the code is deleted) and their next message is relayed', async () => {
    const s = await setup()
    const handoff = await posted(s)
    const rina = await withCode(s, '482913')
    const sent = await s.write({ chatId: TOPICS_GROUP, from: rina.user, text: '/tautkan 482913' })

    expect((await s.db.select().from(staff).where(eq(staff.id, rina.row.id)).limit(1))[0]?.telegramUserId).toBe(
      String(rina.user.id),
    )
    expect(texts(s.fake.posts(TOPICS_GROUP, null))).toContain('Akun Telegram ditautkan ke Rina Wulandari (Petugas wilayah R5).')
    expect(s.fake.message(TOPICS_GROUP, Number(sent.message.message_id))).toBeUndefined()
    expect(await s.db.select().from(auditLog).where(eq(auditLog.action, 'handoff.telegram_linked'))).toHaveLength(1)

    await s.write({ chatId: TOPICS_GROUP, from: rina.user, threadId: handoff.tgTopicId ?? 0, text: 'Halo Bu' })
    expect(s.actions.calls.map((c) => c.action)).toEqual(['reply'])
  })

  it('an expired code and a code used once already are refused', async () => {
    const s = await setup()
    const rina = await withCode(s, '111222')
    const other = { id: 4242, first_name: 'Lain' }
    s.clock.advance(11 * 60_000)
    await s.write({ chatId: TOPICS_GROUP, from: rina.user, text: '/tautkan 111222' })
    const budi = await withCode(s, '333444')
    await s.write({ chatId: TOPICS_GROUP, from: budi.user, text: '/tautkan 333444' })
    await s.write({ chatId: TOPICS_GROUP, from: other, text: '/tautkan 333444' })

    const answers = texts(s.fake.posts(TOPICS_GROUP, null))
    expect(answers[0]).toMatch(/^Kode tidak berlaku/)
    expect(answers[1]).toMatch(/^Akun Telegram ditautkan/)
    expect(answers[2]).toMatch(/^Kode tidak berlaku/)
    expect((await s.db.select().from(staff).where(eq(staff.id, rina.row.id)).limit(1))[0]?.telegramUserId).toBeNull()
    expect((await s.db.select().from(staff).where(eq(staff.id, budi.row.id)).limit(1))[0]?.telegramUserId).toBe(
      String(budi.user.id),
    )
  })

  it('a Telegram code and a pending password link do not cancel each other', async () => {
    const s = await setup()
    const rina = await s.addStaff({ linked: false })
    const at = s.clock.now()
    const later = new Date(at.getTime() + 3_600_000)
    await s.db
      .insert(staffLinks)
      .values({ tokenHash: 'a'.repeat(64), purpose: 'reset', staffId: rina.row.id, createdAt: at, expiresAt: later })
    await storeTelegramCode(s.db, rina.row.id, telegramCodeHash('123123'), at, later)
    const { insertLink } = await import('../../src/db/queries/console-staff.js')
    await insertLink(s.db, { tokenHash: 'b'.repeat(64), purpose: 'invite', staffId: rina.row.id, at, expiresAt: later })
    const purposes = (await s.db.select().from(staffLinks)).map((l) => l.purpose)
    expect(purposes.sort()).toEqual(['invite', 'telegram'])
  })
})

describe('reply mode: a group without topics', () => {
  it('posts the header as a message, the thread as replies to it, and relays replies to the right handoff only', async () => {
    const s = await setup()
    const a = await posted(s, { region: 'R2', name: 'Ani Lestari' })
    const b = await posted(s, { region: 'R2', name: 'Bayu Saputra' })
    expect(a.tgChatId).toBe(String(REPLIES_GROUP))
    expect(a.tgTopicId).toBeNull()
    const rowB = await s.addRow(b.id, { text: 'Pertanyaan kedua' })
    await s.relay.runOnce()
    const postB = (await s.rowById(rowB.id))?.tgMessageId ?? 0
    expect(
      s.fake.posts(REPLIES_GROUP).find((c) => c.payload.text === '👤 Bayu: Pertanyaan kedua')?.payload.reply_parameters,
    ).toMatchObject({
      message_id: b.tgRootMessageId,
    })
    const header = String(s.fake.message(REPLIES_GROUP, a.tgRootMessageId ?? 0)?.text)
    expect(header).toContain('Balas (reply) pesan ini')

    const dewi = await s.addStaff({ region: 'R2', name: 'Dewi' })
    await s.write({ chatId: REPLIES_GROUP, from: dewi.user, replyTo: a.tgRootMessageId ?? 0, text: 'Untuk Ani' })
    await s.write({ chatId: REPLIES_GROUP, from: dewi.user, text: 'Bukan balasan' })
    await s.write({ chatId: REPLIES_GROUP, from: dewi.user, replyTo: postB, text: 'Untuk Bayu' })
    expect(s.actions.calls.map((c) => [c.code, c.text])).toEqual([
      [a.code, 'Untuk Ani'],
      [b.code, 'Untuk Bayu'],
    ])
    // The header is the news: no second line for it.
    expect(texts(s.fake.posts(REPLIES_GROUP)).filter((text) => text.includes(' menunggu (Bandung)'))).toEqual([])
  })

  it('falls back to reply mode when createForumTopic is refused with 400', async () => {
    const s = await setup()
    s.fake.failNext('createForumTopic', { error_code: 400, description: 'Bad Request: not enough rights to create a topic' })
    const handoff = await posted(s)
    expect(handoff.tgChatId).toBe(String(TOPICS_GROUP))
    expect(handoff.tgTopicId).toBeNull()
    expect(String(s.fake.message(TOPICS_GROUP, handoff.tgRootMessageId ?? 0)?.text)).toContain(`🆕 ${handoff.code} · menunggu`)
  })
})

describe('routing, alerts, files, pace and clean-up', () => {
  it('routes by region with the * group for the rest (and for no region); without *, other regions stay console-only', async () => {
    const s = await setup()
    const r5 = await posted(s, { region: 'R5' })
    const r1 = await posted(s, { region: 'R1' })
    const none = await posted(s, { region: null })
    expect([r5.tgChatId, r1.tgChatId, none.tgChatId]).toEqual([String(TOPICS_GROUP), String(ALL_GROUP), String(ALL_GROUP)])
    expect(s.fake.topic(ALL_GROUP, none.tgTopicId ?? 0)?.name).toBe(`${none.code} · Siti · pusat`)

    const only = await setup({ staffChats: [{ region: 'R5', chatId: String(TOPICS_GROUP) }] })
    const left = await only.addHandoff({ region: 'R1' })
    await only.relay.runOnce()
    expect((await only.handoffById(left.id))?.tgChatId).toBeNull()
    expect(only.fake.calls.filter((c) => c.method !== 'getMe')).toEqual([])
  })

  it("the alert job's row goes into the topic and, with the link, into General", async () => {
    const s = await setup()
    const handoff = await posted(s)
    s.clock.advance(2 * 3_600_000)
    const jobs = await runHandoffJobs(
      { db: s.db, calendar: { workingMinutesBetween: () => 75 }, settings: { alertMinutes: 60, idleHours: 48 } },
      s.clock.now(),
    )
    expect(jobs.alerted).toBe(1)
    await s.relay.runOnce()
    const topicId = handoff.tgTopicId ?? 0
    const alert = texts(s.fake.posts(TOPICS_GROUP, topicId)).at(-1)
    expect(alert).toMatch(new RegExp(`^⏰ ${handoff.code} masih menunggu petugas sejak .*\\(75 menit jam kerja\\)$`))
    expect(texts(s.fake.posts(TOPICS_GROUP, null)).at(-1)).toBe(`${alert} → https://t.me/c/1234567/${topicId}`)
  })

  it('files go as a console link by default, uploaded with HANDOFF_GROUP_FILES=upload', async () => {
    const bytes = Buffer.from('\xff\xd8\xff fake jpeg bytes', 'latin1')
    const attach = async (s: Setup, handoffId: number) => {
      const file = written(
        await s.db
          .insert(handoffAttachments)
          .values({
            handoffId,
            kind: 'image',
            mimeType: 'image/jpeg',
            fileName: 'ktp.jpg',
            size: 1_258_291,
            sha256: 'x',
            content: Buffer.from(bytes).reverse(),
            createdAt: s.clock.now(),
          })
          .returning(),
      )
      await s.addRow(handoffId, { text: 'KTP saya', attachmentId: file.id })
      return file.id
    }
    const link = await setup()
    const h1 = await posted(link)
    const id1 = await attach(link, h1.id)
    await link.relay.runOnce()
    expect(texts(link.fake.posts(TOPICS_GROUP, h1.tgTopicId ?? 0)).at(-1)).toBe(
      `👤 Siti: 📎 foto 1,2 MB: ${BASE}/admin/percakapan/${h1.code}/berkas/${id1}\nKTP saya`,
    )
    expect(link.fake.calls.filter((c) => c.method === 'sendPhoto')).toEqual([])

    const upload = await setup({ groupFiles: 'upload' })
    const h2 = await posted(upload)
    await attach(upload, h2.id)
    await upload.relay.runOnce()
    const [photo] = upload.fake.calls.filter((c) => c.method === 'sendPhoto')
    expect(photo?.file?.bytes).toEqual(bytes)
    expect(photo?.payload).toMatchObject({ caption: '👤 Siti: 📎 foto 1,2 MB\nKTP saya', message_thread_id: h2.tgTopicId })
  })

  it('a 429 is waited out (retry_after) and the message posted once; a failure is retried after a minute', async () => {
    const s = await setup()
    const handoff = await posted(s)
    await s.addRow(handoff.id, { text: 'Pesan pertama' })
    s.fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    })
    await s.relay.runOnce()
    const sends = s.fake.calls.filter((c) => c.method === 'sendMessage' && c.payload.text === '👤 Siti: Pesan pertama')
    expect(sends.map((c) => c.failure?.error_code ?? 200)).toEqual([429, 200])
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000)

    const row = await s.addRow(handoff.id, { text: 'Pesan kedua' })
    const after = await s.addRow(handoff.id, { author: 'note', via: 'console', staffName: 'Rina', text: 'Catatan' })
    // A refusal grammY does not retry by itself (the bot was removed, say).
    s.fake.failNext('sendMessage', { error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' })
    await s.relay.runOnce()
    expect(await s.rowById(row.id)).toMatchObject({ relayedAt: null, relayAttempts: 1, relayError: 'sendMessage 403' })
    // The later row waits, so the topic keeps the thread's order.
    expect((await s.rowById(after.id))?.relayedAt).toBeNull()
    await s.relay.runOnce()
    expect((await s.rowById(row.id))?.relayAttempts).toBe(1)
    s.clock.advance(61_000)
    await s.relay.runOnce()
    expect((await s.rowById(row.id))?.relayedAt).not.toBeNull()
    expect(texts(s.fake.posts(TOPICS_GROUP, handoff.tgTopicId ?? 0)).slice(-2)).toEqual([
      '👤 Siti: Pesan kedua',
      '📝 catatan Rina: Catatan',
    ])
  })

  it('once started, a wake posts new work at once (no wait for the 5 s poll); stop waits for the pass', async () => {
    const s = await setup()
    s.relay.start()
    const handoff = await s.addHandoff()
    s.relay.wake()
    await s.fake.waitFor((calls) => calls.some((c) => c.method === 'createForumTopic'), 2_000)
    await s.relay.stop()
    expect((await s.handoffById(handoff.id))?.tgRootMessageId).toBeTypeOf('number')
  })

  it('keeps about 20 posts a minute to one group', async () => {
    const s = await setup()
    const handoff = await posted(s)
    for (let i = 0; i < 10; i += 1)
      await s.addRow(handoff.id, { author: 'staff', via: 'console', staffName: 'Rina', text: `Balasan ${i}` })
    const start = s.clock.now().getTime()
    await s.relay.runOnce()
    expect(s.clock.now().getTime() - start).toBeGreaterThanOrEqual(9 * 3_000)
  })

  it('a closed row closes the topic and marks the header closed', async () => {
    const s = await setup()
    const handoff = await posted(s)
    await s.db.update(handoffRequests).set({ status: 'closed' }).where(eq(handoffRequests.id, handoff.id))
    await s.addRow(handoff.id, { author: 'system', via: 'system', platformId: 'closed', text: '🔒 Ditutup oleh petugas Rina' })
    await s.relay.runOnce()
    expect(s.fake.topic(TOPICS_GROUP, handoff.tgTopicId ?? 0)?.closed).toBe(true)
    expect(String(s.fake.message(TOPICS_GROUP, handoff.tgRootMessageId ?? 0)?.text)).toMatch(/^<b>🔒 PTG-\w+ · ditutup<\/b>\n/)
  })

  it('a clean-up deletes the topic (topic mode) or each message (reply mode)', async () => {
    const s = await setup()
    const topic = await posted(s)
    const replies = await posted(s, { region: 'R2' })
    // As erasure and retention do before they delete.
    await queueGroupCleanups(s.db, [topic.id, replies.id], 'erasure', s.clock.now())
    await s.db.delete(handoffRequests)
    await s.relay.runOnce()
    expect(s.fake.topic(TOPICS_GROUP, topic.tgTopicId ?? 0)?.deleted).toBe(true)
    expect(s.fake.message(REPLIES_GROUP, replies.tgRootMessageId ?? 0)).toBeUndefined()
    expect((await s.db.select().from(handoffGroupCleanups)).every((c) => c.doneAt !== null)).toBe(true)
  })
})

describe('other groups, /idgrup and the start-up check', () => {
  it('an unconfigured group still gets the pointer to the private chat; /idgrup answers the id in any group', async () => {
    const s = await setup()
    await s.write({ chatId: -1005550000, from: { id: 1, first_name: 'A' }, text: '/start' })
    await s.write({ chatId: -1005550000, from: { id: 1, first_name: 'A' }, text: '/idgrup' })
    await s.write({ chatId: TOPICS_GROUP, from: { id: 1, first_name: 'A' }, text: '/idgrup@kesos_test_bot' })
    expect(texts(s.fake.posts(-1005550000))).toEqual([
      expect.stringContaining('saya hanya melayani lewat chat pribadi'),
      'ID grup ini: -1005550000',
    ])
    expect(texts(s.fake.posts(TOPICS_GROUP))).toEqual([`ID grup ini: ${TOPICS_GROUP}`])
    expect(s.engineCalls).toEqual([])
  })

  it('checks each group: topic or reply mode, the rights the bot lacks, a group it cannot read', async () => {
    const s = await setup()
    s.fake.setMember(REPLIES_GROUP, s.fake.botInfo.id, {
      status: 'administrator',
      can_delete_messages: false,
      user: s.fake.botInfo,
    })
    // The first group asked about is one the bot cannot read.
    s.fake.failNext('getChat', { error_code: 400, description: 'Bad Request: chat not found' })
    const checks = await checkStaffGroups(
      s.telegram.bot.api,
      {
        staffChats: [
          { region: '*', chatId: '-1000000000404' },
          { region: 'R5', chatId: String(TOPICS_GROUP) },
          { region: 'R2', chatId: String(REPLIES_GROUP) },
        ],
      },
      s.fake.botInfo.id,
    )
    expect(checks.map(describeCheck)).toEqual([
      'Grup staf * -1000000000404: mode ?, grup tidak dapat dibaca (Bad Request: chat not found): tambahkan bot ke grup, periksa ID-nya dengan /idgrup',
      `Grup staf R5 ${TOPICS_GROUP} (Staf Makassar): mode topik, siap`,
      `Grup staf R2 ${REPLIES_GROUP} (Staf Bandung): mode balasan (topik mati), bot tidak punya hak "Hapus Pesan" (untuk penghapusan data)`,
    ])
  })
})
