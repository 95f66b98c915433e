/**
 * The conversation core under a realistic load: the real engine (migrations, handoff flow) on a
 * WAL file database, thousands of chats in flight at once, each following a scripted conversation.
 * Every reply is checked, so a broken engine fails the benchmark instead of looking fast.
 * For context the same number of bare better-sqlite3 transactions (insert + select + upsert on
 * the same kind of file) is timed in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import pino from 'pino'
import { openCore } from '../../src/bootstrap.js'
import { loadConfig } from '../../src/config.js'
import type { Engine } from '../../src/core/engine.js'
import type { Channel, Reply } from '../../src/core/types.js'
import { closeDatabase, statement } from '../../src/db/client.js'
import type { BenchGroup } from '../group.js'

const CHATS = 2_000
export const WARMUP_PASSES = 1
/** Every pass sends each chat's whole script once (about 10.8 messages per chat). */
export const MEASURED_PASSES = 4

type Check = { label: string; ok: (replies: Reply[]) => boolean }
/** One message of a script; `redeliver` sends the previous message again with the same id. */
type Step = { text: string; expect: Check } | { redeliver: true }
type Script = { name: string; steps: Step[] }

const has = (label: string, ...needles: (string | RegExp)[]): Check => ({
  label,
  ok: (replies) => {
    const text = replies.map((reply) => reply.text).join('\n')
    return needles.every((needle) => (typeof needle === 'string' ? text.includes(needle) : needle.test(text)))
  },
})
const offers = (count: number, check: Check): Check => ({
  label: `${check.label} with ${count} options`,
  ok: (replies) => check.ok(replies) && replies.at(-1)?.choices?.length === count,
})

const MENU_ID = offers(7, has('main menu', 'Ketik angka menu'))
const MENU_EN = offers(7, has('main menu (en)', 'Type the number of what you need'))
const GREETED = offers(7, has('greeting and menu', 'selamat datang', 'Ketik angka menu'))
const step = (n: number) => has(`handoff step ${n}`, `Langkah ${n} dari 5`)
const TOPIC = offers(5, has('handoff topic', 'Langkah 1 dari 5', 'Tentang apa'))
const REASKED = (n: number) => has(`step ${n} asked again`, '⚠️', `Langkah ${n} dari 5`)
const SUMMARY = offers(3, has('handoff summary', 'Periksa lagi', '+62 812-****-7890'))
const CONFIRMED = has('handoff confirmation', /nomor PTG-[A-Z2-9]{6}/)
// Then the chat talks to staff: one acknowledgement (in or out of hours), silence, the way out.
const ACKNOWLEDGED = has('passed to staff', 'Pesan Anda sudah')
const SILENT: Check = { label: 'silent while staff handle the chat', ok: (replies) => replies.length === 0 }
const IN_HANDOFF = has('menu explained during the handoff', 'Anda sedang terhubung dengan petugas')
const END_ASKED = offers(2, has('end confirmation', 'Akhiri percakapan dengan petugas'))
const ENDED = has('handoff ended, rating asked', 'sudah diakhiri', 'angka *1*')
const RATED = has('rating thanks', '(5 dari 5)')

const say = (text: string, expect: Check): Step => ({ text, expect })
const REDELIVER: Step = { redeliver: true }

/** The conversations, and how many of every ten chats follow each. */
const SCRIPTS: { script: Script; share: number }[] = [
  {
    share: 3,
    script: {
      name: 'handoff, invalid phone, confirm',
      steps: [
        say('Halo min', GREETED),
        say('6', TOPIC),
        REDELIVER,
        say('2', step(2)),
        say('Sertifikat saya belum terbit padahal sudah dinyatakan kompeten bulan lalu.', step(3)),
        say('Siti Aminah', step(4)),
        say('0812 34', REASKED(4)),
        say('0812-3456-7890', step(5)),
        say('Sulawesi Selatan', SUMMARY),
        say('ya', CONFIRMED),
        REDELIVER,
        say('Berkasnya sudah saya kirim lewat email kemarin', ACKNOWLEDGED),
        say('mohon dicek ya kak', SILENT),
        say('menu', IN_HANDOFF),
        say('selesai', END_ASKED),
        say('ya', ENDED),
        say('5', RATED),
        say('menu', MENU_ID),
      ],
    },
  },
  {
    share: 2,
    script: {
      name: 'menu navigation, languages',
      steps: [
        say('selamat pagi kak', GREETED),
        // No session is open in this database: registration says so before asking anything.
        say('2', has('no session open', 'belum ada sesi Bimtek yang dibuka')),
        say('Daftar Bimtek', has('no session open', 'belum ada sesi Bimtek yang dibuka')),
        say('english', offers(7, has('switched to English', 'I will reply in English'))),
        say('3', has('status asks for proof (en)', 'Step 1 of 2', 'Type your NIK')),
        say('menu', MENU_EN),
        say('bahasa indonesia', offers(7, has('switched to Indonesian', 'memakai Bahasa Indonesia'))),
        say('cek LSPS-2025-00042', has('certificate lookup', 'TIDAK DITEMUKAN', '/verifikasi/LSPS202500042')),
        say('apa kabar semuanya', has('small talk', 'Kabar baik')),
        say('xyz qwerty', offers(7, has('nothing fits', 'belum punya jawaban'))),
        say('syarat sertifikasi apa aja min', offers(3, has('FAQ answer', '*Syarat dan dokumen*'))),
        say('brp biaya sertif', has('FAQ answer with slang', '*Biaya sertifikasi*')),
        say('makasih kak', has('small talk', 'Sama-sama')),
        REDELIVER,
      ],
    },
  },
  {
    share: 2,
    script: {
      name: 'handoff, short question, cancel',
      steps: [
        say('menu', MENU_ID),
        say('Bicara dengan petugas', TOPIC),
        say('5', step(2)),
        say('pendek', REASKED(2)),
        say('Bagaimana cara mengganti nomor HP di data saya?', step(3)),
        say('batal', offers(7, has('cancelled', 'dibatalkan'))),
        say('7', has('data rights ask for proof', 'Langkah 1 dari 2', 'Ketik NIK Anda')),
      ],
    },
  },
  {
    share: 1,
    script: {
      name: 'handoff, edit the name, confirm',
      steps: [
        say('P', GREETED),
        say('petugas', TOPIC),
        say('3', step(2)),
        say('Nama di sertifikat saya salah ketik, mohon dibantu perbaikannya.', step(3)),
        say('Budi Santoso, S.Sos', step(4)),
        say('+62 812 3456 7890', step(5)),
        say('jabar', SUMMARY),
        say('2', offers(5, has('edit menu', 'Bagian mana'))),
        say('3', step(3)),
        say('Budi Santoso', offers(3, has('summary after edit', 'Budi Santoso\n'))),
        say('1', CONFIRMED),
        say('menu', IN_HANDOFF),
        say('selesai', END_ASKED),
        say('1', ENDED),
        say('menu', MENU_ID),
      ],
    },
  },
  {
    share: 2,
    script: {
      name: 'returning user hops through the menu',
      steps: [
        say('menu', MENU_ID),
        say('4', has('verification asks for the number', 'Ketik nomor sertifikat')),
        say('LSPS-2025-00042', has('certificate lookup', 'TIDAK DITEMUKAN')),
        say('5', has('reminders in a chat not linked', 'belum tertaut')),
        say('1', offers(6, has('FAQ groups', 'Pilih kelompok topik'))),
        say('2', has('FAQ group', 'Topik tentang')),
        say('bansos kapan cair', offers(7, has('out of scope', 'bukan layanan asisten ini'))),
        say('hai', GREETED),
      ],
    },
  },
]

type Chat = { channel: Channel; chatId: string; script: Script }

export function makeChats(prefix: string): Chat[] {
  const deck = SCRIPTS.flatMap(({ script, share }) => Array.from({ length: share }, () => script))
  return Array.from({ length: CHATS }, (_, i) => ({
    channel: i % 2 === 0 ? 'telegram' : 'whatsapp',
    chatId: `${prefix}-${i}`,
    script: deck[i % deck.length] as Script,
  }))
}

/** What one pass sends, counted up front so the sanity check knows what to expect. */
export function plan(chats: Chat[]) {
  let messages = 0
  let redeliveries = 0
  let confirmations = 0
  let silent = 0
  for (const { script } of chats) {
    messages += script.steps.length
    for (const s of script.steps) {
      if ('redeliver' in s) redeliveries += 1
      else if (s.expect === CONFIRMED) confirmations += 1
      else if (s.expect === SILENT) silent += 1
    }
  }
  return { messages, redeliveries, confirmations, silent }
}

type Tally = { sent: number; answered: number; confirmations: number; redeliveries: number; wrong: string[] }
export const newTally = (): Tally => ({ sent: 0, answered: 0, confirmations: 0, redeliveries: 0, wrong: [] })

const rounds = (chats: Chat[]) => Math.max(...chats.map((chat) => chat.script.steps.length))
/** The id of message `round` of a pass; a redelivery reuses the id of the message before it. */
const messageId = (chat: Chat, passId: string, round: number, current: Step) =>
  `${chat.chatId}:${passId}:${'redeliver' in current ? round - 1 : round}`

/**
 * One pass through the engine: round r sends message r of every chat at once (each user waits
 * for the answer before typing the next), so thousands of chats are in flight together.
 */
export async function enginePass(engine: Engine, chats: Chat[], passId: string, tally: Tally): Promise<void> {
  for (let round = 0; round < rounds(chats); round++) {
    const inFlight: Promise<void>[] = []
    for (const chat of chats) {
      const current = chat.script.steps[round]
      if (!current) continue
      const redeliver = 'redeliver' in current
      const sent = engine.handle({
        channel: chat.channel,
        chatId: chat.chatId,
        userId: chat.chatId,
        messageId: messageId(chat, passId, round, current),
        text: redeliver ? 'redelivered' : current.text,
        receivedAt: new Date(),
      })
      tally.sent += 1
      inFlight.push(
        sent.then((replies) => {
          if (replies.length > 0) tally.answered += 1
          if (redeliver) {
            tally.redeliveries += 1
            if (replies.length === 0) return
          } else if (current.expect.ok(replies)) {
            if (current.expect === CONFIRMED) tally.confirmations += 1
            return
          }
          if (tally.wrong.length < 5) {
            const expected = redeliver ? 'no reply to a redelivery' : current.expect.label
            tally.wrong.push(`${chat.script.name}, message ${round + 1}: expected ${expected}, got ${JSON.stringify(replies)}`)
          }
        }),
      )
    }
    await Promise.all(inFlight)
  }
}

/**
 * The floor for comparison: per message one bare better-sqlite3 transaction (de-duplication
 * insert, state select, state insert or versioned update) on the same kind of WAL file.
 */
function openBareSqlite(path: string) {
  const sqlite = new Database(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.exec(`
    CREATE TABLE processed (channel TEXT NOT NULL, message_id TEXT NOT NULL, received_at INTEGER NOT NULL,
      PRIMARY KEY (channel, message_id));
    CREATE INDEX processed_received_idx ON processed (received_at);
    CREATE TABLE state (channel TEXT NOT NULL, chat_id TEXT NOT NULL, language TEXT NOT NULL, flow TEXT, step TEXT,
      data TEXT NOT NULL, version INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (channel, chat_id));
    CREATE INDEX state_updated_idx ON state (updated_at);
  `)
  const mark = sqlite.prepare('INSERT INTO processed (channel, message_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
  const load = sqlite.prepare(
    'SELECT language, flow, step, data, version, updated_at FROM state WHERE channel = ? AND chat_id = ?',
  )
  const insert = sqlite.prepare(
    'INSERT INTO state (channel, chat_id, language, flow, step, data, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)',
  )
  const update = sqlite.prepare(
    'UPDATE state SET language = ?, flow = ?, step = ?, data = ?, version = version + 1, updated_at = ? WHERE channel = ? AND chat_id = ? AND version = ?',
  )
  // About the size of a stored conversation: the seven menu options.
  const data = JSON.stringify({
    offered: Array.from({ length: 7 }, (_, i) => ({ id: `menu:item-${i}`, label: `Menu item ${i}` })),
  })
  const turn = sqlite.transaction((channel: string, chatId: string, id: string) => {
    const now = Date.now()
    if (mark.run(channel, id, now).changes === 0) return
    const row = load.get(channel, chatId) as { version: number } | undefined
    if (!row) insert.run(channel, chatId, 'id', null, null, data, now)
    else if (update.run('id', null, null, data, now, channel, chatId, row.version).changes !== 1) throw new Error('lost update')
  })
  return {
    /** The same messages, in the same order, as `enginePass`; returns how many transactions ran. */
    pass(chats: Chat[], passId: string): number {
      let transactions = 0
      for (let round = 0; round < rounds(chats); round++) {
        for (const chat of chats) {
          const current = chat.script.steps[round]
          if (!current) continue
          turn.immediate(chat.channel, chat.chatId, messageId(chat, passId, round, current))
          transactions += 1
        }
      }
      return transactions
    },
    close: () => sqlite.close(),
  }
}

export const group: BenchGroup = {
  name: 'core',
  description: `conversation engine on a WAL file, ${CHATS.toLocaleString('en-US')} chats in flight, a scripted mix with every reply checked`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'kesos-bench-core-'))
    const config = loadConfig({ DATABASE_PATH: join(dir, 'core.db'), DEMO_DATA: 'false', NODE_ENV: 'test', LOG_LEVEL: 'silent' })
    const core = await openCore(config, pino({ level: 'silent' }), () => new Date())
    // As the server does once it listens: the understanding step's networks are made before the first message.
    core.prepareUnderstanding()
    const bare = openBareSqlite(join(dir, 'bare.db'))
    try {
      const warmup = makeChats('warmup')
      const warm = newTally()
      for (let p = 0; p < WARMUP_PASSES; p++) {
        await enginePass(core.engine, warmup, `w${p}`, warm)
        bare.pass(warmup, `w${p}`)
      }
      if (warm.wrong.length > 0) throw new Error(`wrong replies during warm-up:\n${warm.wrong.join('\n')}`)

      // Engine and bare passes alternate, so both see the same machine (disk, other load).
      const chats = makeChats('chat')
      const tally = newTally()
      let engineMs = 0
      let bareMs = 0
      let transactions = 0
      for (let p = 0; p < MEASURED_PASSES; p++) {
        let started = performance.now()
        await enginePass(core.engine, chats, String(p), tally)
        engineMs += performance.now() - started
        started = performance.now()
        transactions += bare.pass(chats, String(p))
        bareMs += performance.now() - started
      }

      const expected = plan(chats)
      const stored = (await statement(
        core.db,
        "SELECT count(*) AS n FROM handoff_requests WHERE chat_id LIKE 'chat-%'",
      ).get()) as {
        n: number
      }
      const problems = [...tally.wrong]
      const want = (what: string, got: number, wanted: number) => {
        if (got !== wanted) problems.push(`${what}: expected ${wanted}, got ${got}`)
      }
      want('messages answered', tally.answered, (expected.messages - expected.redeliveries - expected.silent) * MEASURED_PASSES)
      want('redeliveries answered with nothing', tally.redeliveries, expected.redeliveries * MEASURED_PASSES)
      want('handoff confirmations (PTG-…)', tally.confirmations, expected.confirmations * MEASURED_PASSES)
      want('handoff requests stored', stored.n, expected.confirmations * MEASURED_PASSES)
      want('bare transactions', transactions, tally.sent)
      if (problems.length > 0) throw new Error(`the engine answered wrongly, so its speed means nothing:\n${problems.join('\n')}`)

      const engineRate = tally.sent / (engineMs / 1000)
      const bareRate = transactions / (bareMs / 1000)
      const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
      console.error(
        `  ${fmt(tally.sent)} messages: ${fmt(tally.confirmations)} handoffs confirmed, ${fmt(tally.redeliveries)} redeliveries ignored; ` +
          `engine ${fmt(engineRate)} msg/s, bare better-sqlite3 ${fmt(bareRate)} tx/s`,
      )
      return {
        core_messages_per_second: Math.round(engineRate),
        core_vs_bare_sqlite_ratio: Number((engineRate / bareRate).toFixed(3)),
      }
    } finally {
      bare.close()
      closeDatabase(core.db)
      rmSync(dir, { recursive: true, force: true })
    }
  },
}
