/**
 * Announcement delivery, the second half of bench group `announce`: the send pace, and the WhatsApp daily cap.
 *
 * Pace: `deliver()` of an outbox built from the configuration (`outboxSettingsOf`, with the daily
 * cap attached as the server attaches it) with the real clock, against senders that record the real
 * time of each send: 300 Telegram announcement rows (distinct chats) at the default 25 a second and
 * 1 a second per chat, and 150 WhatsApp announcement rows at 60 ms plus up to 40 ms of jitter (the
 * production 1.5 s + 2.5 s scaled down), WHATSAPP_DAILY_CAP 10,000 (not reached), both at once.
 * Reported: |achieved − configured| / configured per channel (first send to last), configured =
 * `averageRate` of the pace, and the larger of the two; goal ≤ 0.05. A chat messaged twice fails
 * the group.
 *
 * Cap (untimed, virtual time): WHATSAPP_DAILY_CAP 100 and 150 WhatsApp announcement rows on a
 * Monday at 10.00 WIB: exactly 100 must be sent and 50 moved to Tuesday 08.00 WIB, with the
 * announcement's `rolled_to` set; anything else fails the group.
 */
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { type Config, loadConfig } from '../../src/config.js'
import { createWorkingCalendar } from '../../src/core/handoff/hours.js'
import { DEFAULT_HANDOFF_SETTINGS } from '../../src/core/handoff/settings.js'
import { capResumeAt, createOutbox } from '../../src/core/outbox.js'
import { averageRate } from '../../src/core/pacer.js'
import { closeDatabase, type Db, openDatabase, statement } from '../../src/db/client.js'
import { outboxSettingsOf } from '../../src/settings.js'
import type { Channel } from '../../src/vocabulary/message.js'
import { seeded } from '../seeded-random.js'

const TELEGRAM_ROWS = 300
const WHATSAPP_ROWS = 150
const TEXT = JSON.stringify({
  text:
    'Yth. Bapak/Ibu peserta Bimtek BMT-2026-014, tempat kegiatan pindah ke Aula B BBPPKS Makassar, ' +
    'Jl. Perintis Kemerdekaan Km. 11, Tamalanrea, mulai pukul 08.00 WITA. Mohon hadir 30 menit sebelumnya.\n\n' +
    'Balas *stop info* untuk berhenti menerima pengumuman.',
})

/** Telegram at its default pace, WhatsApp scaled down; no quiet hours (the real hour must not hold rows back). */
const paceConfig = (cap: number) =>
  loadConfig({
    DATABASE_PATH: ':memory:',
    NODE_ENV: 'test',
    WHATSAPP_SEND_INTERVAL_MS: '60',
    WHATSAPP_SEND_JITTER_MS: '40',
    WHATSAPP_DAILY_CAP: String(cap),
    REMINDER_QUIET_HOURS: '00:00-00:00',
  })

/** One announcement being sent and its rows, as queuing leaves them; returns its id. */
async function load(db: Db, rows: { channel: Channel; count: number }[], dueAt: number): Promise<number> {
  const id = Number(
    (
      await statement(
        db,
        `INSERT INTO announcements (code, status, actor, criteria, text_id, dedupe_key) VALUES ('PGM-BENCH1', 'sending', 'cli', '{}', 'x', 'bench')`,
      ).run()
    ).lastInsertRowid,
  )
  // Each row's chat is linked to its person (an announcement to a chat no longer linked is skipped).
  const person = db.$client.prepare(`INSERT INTO people (full_name, created_at, updated_at) VALUES ('Peserta', 0, 0)`)
  const identity = db.$client.prepare(
    `INSERT INTO channel_identities (channel, user_id, chat_id, person_id, linked_at, link_expires_at, wrote_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, 0, ?, 0, 0, 0)`,
  )
  const insert = db.$client.prepare(
    `INSERT INTO outbox (idempotency_key, channel, chat_id, person_id, kind, event_key, time_zone, payload, due_at)
     VALUES (?, ?, ?, ?, 'announcement', ?, 'Asia/Jakarta', ?, ?)`,
  )
  const linkedUntil = dueAt + 365 * 86_400_000
  db.$client.transaction(() => {
    for (const { channel, count } of rows)
      for (let i = 0; i < count; i++) {
        const chat = `${channel}-${i}`
        const personId = Number(person.run().lastInsertRowid)
        identity.run(channel, chat, chat, personId, linkedUntil)
        insert.run(`ann:${id}:${channel}:${i}`, channel, chat, personId, `announcement:${id}`, TEXT, dueAt)
      }
  })()
  return id
}

function outboxOf(db: Db, config: Config, now: () => Date, sleep: ((ms: number) => Promise<void>) | undefined, sent: Send[]) {
  const settings = outboxSettingsOf(config)
  const calendar = createWorkingCalendar({ hours: DEFAULT_HANDOFF_SETTINGS.hours, closedDates: [] })
  const recorder = (channel: 'telegram' | 'whatsapp') => async (chatId: string) => {
    sent.push({ channel, chatId, at: performance.now() })
  }
  return createOutbox({
    ...settings,
    db,
    logger: pino({ level: 'silent' }),
    now,
    ...(sleep && { sleep }),
    senders: { telegram: recorder('telegram'), whatsapp: recorder('whatsapp') },
    random: seeded(21),
    dailyCap: { perDay: settings.dailyCapPerDay, resumeAt: capResumeAt(calendar) },
  })
}

type Send = { channel: 'telegram' | 'whatsapp'; chatId: string; at: number }

/** Messages per second from the first send to the last. */
const achieved = (sends: Send[]) => ((sends.length - 1) * 1000) / ((sends.at(-1)?.at ?? 0) - (sends[0]?.at ?? 0))

async function paceRun(): Promise<Record<'telegram' | 'whatsapp', { rate: number; configured: number; count: number }>> {
  const config = paceConfig(10_000)
  const db = openDatabase(':memory:')
  try {
    await load(
      db,
      [
        { channel: 'telegram', count: TELEGRAM_ROWS },
        { channel: 'whatsapp', count: WHATSAPP_ROWS },
      ],
      Date.now() - 1_000,
    )
    const sent: Send[] = []
    const counts = await outboxOf(db, config, () => new Date(), undefined, sent).deliver()
    if (counts.sent !== TELEGRAM_ROWS + WHATSAPP_ROWS || counts.capped !== 0)
      throw new Error(`sent ${counts.sent} of ${TELEGRAM_ROWS + WHATSAPP_ROWS}: ${JSON.stringify(counts)}`)
    if (new Set(sent.map((s) => `${s.channel}:${s.chatId}`)).size !== sent.length)
      throw new Error('a chat got the announcement twice')
    const pace = outboxSettingsOf(config).pace
    const of = (channel: 'telegram' | 'whatsapp') => {
      const sends = sent.filter((s) => s.channel === channel)
      return { rate: achieved(sends), configured: averageRate(pace[channel]), count: sends.length }
    }
    return { telegram: of('telegram'), whatsapp: of('whatsapp') }
  } finally {
    closeDatabase(db)
  }
}

/** Cap 100, 150 WhatsApp rows on Monday 10.00 WIB, in virtual time: 100 sent, 50 to Tuesday 08.00 WIB. */
async function capCheck(): Promise<{ sent: number; rolled: number }> {
  const monday = Date.parse('2026-11-23T03:00:00Z')
  const tuesday = Date.parse('2026-11-24T01:00:00Z')
  let now = monday
  const db = openDatabase(':memory:')
  try {
    const id = await load(db, [{ channel: 'whatsapp', count: 150 }], monday)
    const sent: Send[] = []
    const box = outboxOf(
      db,
      paceConfig(100),
      () => new Date(now),
      async (ms) => {
        now += ms
      },
      sent,
    )
    const counts = await box.deliver()
    const count = async (sql: string) => ((await statement(db, sql).get()) as { n: number }).n
    const rolled = await count(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending' AND due_at = ${tuesday}`)
    const rolledTo = await count(`SELECT rolled_to AS n FROM announcements WHERE id = ${id}`)
    if (counts.sent !== 100 || sent.length !== 100 || counts.capped !== 50 || rolled !== 50 || rolledTo !== tuesday)
      throw new Error(
        `cap 100 with 150 rows: sent ${sent.length}, rolled ${rolled} (counts ${JSON.stringify(counts)}), rolled_to ${rolledTo}`,
      )
    // The rest of Monday nothing more goes.
    now = monday + 6 * 3_600_000
    if ((await box.deliver()).sent !== 0) throw new Error('cap 100: more sent on the same WIB day')
    return { sent: sent.length, rolled }
  } finally {
    closeDatabase(db)
  }
}

/** The pace and cap half of group `announce` (bench/groups/announce.ts). */
export async function paceMetrics(): Promise<Record<string, number>> {
  const cap = await capCheck()
  console.error(`  cap 100 with 150 WhatsApp rows: ${cap.sent} sent, ${cap.rolled} to the next working day`)
  const pace = await paceRun()
  const error = (channel: 'telegram' | 'whatsapp') =>
    Math.abs(pace[channel].rate - pace[channel].configured) / pace[channel].configured
  console.error(
    `  pace: telegram ${pace.telegram.rate.toFixed(2)}/s of ${pace.telegram.configured}/s over ${pace.telegram.count}; ` +
      `whatsapp ${pace.whatsapp.rate.toFixed(2)}/s of ${pace.whatsapp.configured}/s over ${pace.whatsapp.count}`,
  )
  return {
    announce_pace_error: Math.max(error('telegram'), error('whatsapp')),
    announce_pace_error_telegram: error('telegram'),
    announce_pace_error_whatsapp: error('whatsapp'),
  }
}
